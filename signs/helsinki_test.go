package signs

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/paulmach/osm"
	"github.com/paulmach/osm/osmpbf"
)

// helsinkiPBF is a dense real extract (© OpenStreetMap contributors, ODbL),
// read from the shared data folder beside the repository.
var helsinkiPBF = filepath.Join("..", "..", "shared", "data", "osm", "helsinki-center-2019-04.osm.pbf")

// helsinkiArea builds a neighbourhood sheet from the named shops and
// amenities of the Helsinki extract within radius metres of its centre,
// grouped the way the store and the category table will group them.
func helsinkiArea(t testing.TB, radius float64) Area {
	t.Helper()
	f, err := os.Open(helsinkiPBF)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal(err)
		}
		t.Skipf("shared data missing: %v", err)
	}
	defer f.Close()
	const lat, lon = 60.1716, 24.9443
	sc := osmpbf.New(context.Background(), f, 1)
	defer sc.Close()
	sc.SkipWays, sc.SkipRelations = true, true
	groups := map[string][]AreaPlace{}
	statuses := []Status{StatusOpen, StatusOpenAdapted, StatusPartial, StatusClosed, StatusUnknown}
	n := 0
	for sc.Scan() {
		nd, ok := sc.Object().(*osm.Node)
		if !ok {
			continue
		}
		name := nd.Tags.Find("name")
		if name == "" {
			continue
		}
		var cat string
		switch a := nd.Tags.Find("amenity"); {
		case nd.Tags.Find("shop") != "":
			cat = "Commerces"
		case a == "restaurant" || a == "cafe" || a == "bar" || a == "pub" || a == "fast_food":
			cat = "Restaurants et cafés"
		case a == "pharmacy" || a == "doctors" || a == "dentist" || a == "clinic":
			cat = "Santé"
		case a == "bank" || a == "post_office" || a == "atm" || a == "library":
			cat = "Services publics et banques"
		default:
			continue
		}
		d := haversine(lat, lon, nd.Lat, nd.Lon)
		if d > radius {
			continue
		}
		groups[cat] = append(groups[cat], AreaPlace{
			Name:      name,
			Address:   nd.Tags.Find("addr:street") + " " + nd.Tags.Find("addr:housenumber"),
			Distance:  d,
			Status:    statuses[n%len(statuses)],
			HoursText: nd.Tags.Find("opening_hours"),
		})
		n++
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	a := Area{Title: "Ouvert près de la gare de Helsinki", Lat: lat, Lon: lon, Radius: radius,
		MapURL: "https://openmap.example.org/#17/60.17160/24.94430",
		PadURL: "https://pad.chapril.org/p/hk7ta2mzq9"}
	cats := make([]string, 0, len(groups))
	for c := range groups {
		cats = append(cats, c)
	}
	sort.Strings(cats)
	for _, c := range cats {
		a.Groups = append(a.Groups, AreaGroup{Category: c, Places: groups[c]})
	}
	return a
}

// haversine is the distance in metres between two points in degrees.
func haversine(lat1, lon1, lat2, lon2 float64) float64 {
	const r = 6371008.8
	rad := math.Pi / 180
	dlat, dlon := (lat2-lat1)*rad, (lon2-lon1)*rad
	h := math.Sin(dlat/2)*math.Sin(dlat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dlon/2)*math.Sin(dlon/2)
	return 2 * r * math.Asin(math.Sqrt(h))
}
