package signs

import (
	"sort"
	"strconv"
	"strings"
	"time"

	"codeberg.org/openmap/openmap/geo"
	"github.com/paulmach/orb"
)

// PlaceURL is the page of a place on an instance, the shop poster's QR
// target: {base}/place/{type}/{id}.
func PlaceURL(base string, id geo.PlaceID) string {
	return strings.TrimRight(base, "/") + "/place/" + string(id.Type) + "/" + strconv.FormatInt(id.ID, 10)
}

// MapURL is the map of an instance centred on a point at street zoom, the
// area sheet's QR target: {base}/#17/{lat}/{lon} (the hash the map page
// reads, as on openstreetmap.org).
func MapURL(base string, at orb.Point) string {
	return strings.TrimRight(base, "/") + "/#17/" + strconv.FormatFloat(at[1], 'f', 5, 64) + "/" + strconv.FormatFloat(at[0], 'f', 5, 64)
}

// kindOf is the subcategory's label ("Boulangerie"), else the category's.
func kindOf(p geo.Place, cats *geo.Categories, l Lang) string {
	if cats == nil {
		return ""
	}
	if s, ok := cats.Subcategory(p.Subcategory); ok {
		return s.Label.In(string(l))
	}
	if c, ok := cats.Category(p.Category); ok {
		return c.Label.In(string(l))
	}
	return ""
}

// osmYesNo reads an OSM yes/no tag; anything else is unknown (nil).
func osmYesNo(tags map[string]string, key string) *bool {
	var b bool
	switch tags[key] {
	case "yes", "only":
		b = true
	case "no":
		b = false
	default:
		return nil
	}
	return &b
}

// osmHours is the label of the week row that holds OSM's raw opening_hours
// when the engine cannot read them.
var osmHours = msg{"d'après OSM", "from OSM"}

// ShopOf fills a shop poster with what OpenStreetMap says of p: name, kind
// (from cats, in opts.Lang), address, services (delivery, takeaway tags),
// the week from opts.Now's day evaluated by the opening-hours engine (in
// opts.Now's location, holidays of the addr:country tag; the raw value as
// one row if it cannot be read), StatusGone for a place gone from OSM and
// StatusUnknown otherwise. Callers that know more (residents' reports)
// overwrite Status, Week, Notes and Remark. placeURL is the QR target,
// usually PlaceURL(base, p.ID).
func ShopOf(p geo.Place, cats *geo.Categories, opts Options, placeURL string) Shop {
	l := opts.Lang
	s := Shop{
		Name:     p.Name,
		Kind:     kindOf(p, cats, l),
		Address:  p.Address.String(),
		Status:   StatusUnknown,
		Delivery: osmYesNo(p.Tags, "delivery"),
		Takeaway: osmYesNo(p.Tags, "takeaway"),
		URL:      placeURL,
	}
	if p.State == geo.Gone {
		s.Status = StatusGone
	}
	raw := strings.TrimSpace(p.OpeningHours)
	if raw == "" {
		return s
	}
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	h, _, err := geo.ParseHoursLenient(raw)
	if err != nil {
		s.Week = []DayLine{{Day: osmHours.in(l), Text: raw}}
		return s
	}
	ctx := geo.HoursContext{Location: now.Location(), Country: strings.ToUpper(p.Tags["addr:country"]), Lat: p.Location[1], Lon: p.Location[0]}
	s.Week = WeekOf(h, now, ctx, l)
	return s
}

// AreaOf makes a neighbourhood sheet of places around center (lon, lat):
// one group per category of cats, in the table's order, each place with its
// distance, kind and address, status (gone or unknown, as in ShopOf) and
// hours summed up by HoursSummary from opts.Now's day (raw when unreadable).
// Places of no known category go last under "Autres" / "Other".
func AreaOf(title string, center orb.Point, radius float64, places []geo.Place, cats *geo.Categories, opts Options, mapURL, padURL string) Area {
	l := opts.Lang
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	a := Area{Title: title, Lat: center[1], Lon: center[0], Radius: radius, MapURL: mapURL, PadURL: padURL}
	byCat := map[string][]AreaPlace{}
	for _, p := range places {
		ap := AreaPlace{
			ID:        p.ID,
			Name:      p.Name,
			Address:   p.Address.String(),
			Distance:  geo.DistanceMeters(center, p.Location),
			Status:    StatusUnknown,
			HoursText: strings.TrimSpace(p.OpeningHours),
		}
		if ap.HoursText != "" {
			if h, _, err := geo.ParseHoursLenient(ap.HoursText); err == nil {
				ctx := geo.HoursContext{Location: now.Location(), Country: strings.ToUpper(p.Tags["addr:country"]), Lat: p.Location[1], Lon: p.Location[0]}
				ap.HoursText = HoursSummary(h, now, ctx, l)
			}
		}
		if ap.Name == "" {
			ap.Name = kindOf(p, cats, l)
		} else if k := kindOf(p, cats, l); k != "" {
			ap.Address = strings.TrimPrefix(k+" · "+ap.Address, " · ")
			ap.Address = strings.TrimSuffix(ap.Address, " · ")
		}
		if p.State == geo.Gone {
			ap.Status = StatusGone
		}
		byCat[p.Category] = append(byCat[p.Category], ap)
	}
	if cats != nil {
		for _, c := range cats.List {
			if ps := byCat[c.ID]; len(ps) > 0 {
				a.Groups = append(a.Groups, AreaGroup{Category: c.Label.In(string(l)), Places: ps})
				delete(byCat, c.ID)
			}
		}
	}
	var rest []AreaPlace
	for _, ps := range byCat {
		rest = append(rest, ps...)
	}
	// Map order is random: sort so the sheet is the same every time.
	sort.Slice(rest, func(i, j int) bool {
		if rest[i].Distance != rest[j].Distance {
			return rest[i].Distance < rest[j].Distance
		}
		return rest[i].Name < rest[j].Name
	})
	if len(rest) > 0 {
		a.Groups = append(a.Groups, AreaGroup{Category: msg{"Autres", "Other"}.in(l), Places: rest})
	}
	return a
}

// FileName is a download name for a poster: "openmap-shop-node-123-A4-fr.pdf".
// what is a short description of the poster ("shop-node-123").
func FileName(what string, opts Options) string {
	var b strings.Builder
	for _, r := range what {
		if r < 0x80 && (r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			b.WriteRune(r)
		} else {
			b.WriteByte('-')
		}
	}
	return "openmap-" + b.String() + "-" + string(opts.Size) + "-" + string(opts.Lang) + ".pdf"
}
