package signs

import (
	"fmt"
	"testing"
	"time"

	"codeberg.org/openmap/openmap/geo"
	"github.com/paulmach/orb"
)

func TestPlaceAndMapURL(t *testing.T) {
	id := geo.PlaceID{Type: geo.Way, ID: 42}
	if got := PlaceURL("https://o.org/", id); got != "https://o.org/place/way/42" {
		t.Errorf("PlaceURL = %q", got)
	}
	if got := MapURL("https://o.org", orb.Point{7.4271, 43.7396}); got != "https://o.org/#17/43.73960/7.42710" {
		t.Errorf("MapURL = %q", got)
	}
	if got := FileName("shop-node/123 é", Options{A4, French, fixedNow}); got != "openmap-shop-node-123---A4-fr.pdf" {
		t.Errorf("FileName = %q", got)
	}
}

func TestShopOf(t *testing.T) {
	cats := geo.DefaultCategories()
	p := geo.Place{
		ID: geo.PlaceID{Type: geo.Node, ID: 7}, Name: "Chez Léa",
		Address:      geo.Address{HouseNumber: "3", Street: "rue Grimaldi", Postcode: "98000", City: "Monaco"},
		OpeningHours: "Mo-Sa 08:00-19:00", Tags: map[string]string{"shop": "bakery", "takeaway": "yes", "delivery": "no"},
		State: geo.Active,
	}
	if c := cats.Classify(p.Tags); c.OK() {
		p.Category, p.Subcategory = c.Category, c.Subcategory
	}
	s := ShopOf(p, cats, Options{A4, French, fixedNow}, "https://o.org/place/node/7")
	if s.Name != "Chez Léa" || s.Address != "3 rue Grimaldi, 98000 Monaco" || s.Status != StatusUnknown || s.URL != "https://o.org/place/node/7" {
		t.Errorf("ShopOf = %+v", s)
	}
	if s.Kind == "" {
		t.Error("no kind from the category table")
	}
	if s.Takeaway == nil || !*s.Takeaway || s.Delivery == nil || *s.Delivery || s.Pickup != nil {
		t.Errorf("services %v %v %v", s.Takeaway, s.Delivery, s.Pickup)
	}
	// fixedNow is Tuesday 1 December 2026.
	want := []DayLine{{"mardi 1", "8:00–19:00"}, {"mercredi 2", "8:00–19:00"}, {"jeudi 3", "8:00–19:00"},
		{"vendredi 4", "8:00–19:00"}, {"samedi 5", "8:00–19:00"}, {"dimanche 6", "fermé"}, {"lundi 7", "8:00–19:00"}}
	if fmt.Sprint(s.Week) != fmt.Sprint(want) {
		t.Errorf("week = %v\nwant %v", s.Week, want)
	}
	p.OpeningHours = "when the owner feels like it"
	if w := ShopOf(p, cats, Options{A4, English, fixedNow}, "https://o.org/x").Week; len(w) != 1 || w[0].Day != "from OSM" || w[0].Text != p.OpeningHours {
		t.Errorf("unreadable hours: week %v", w)
	}
	p.State = geo.Gone
	if got := ShopOf(p, cats, Options{A4, English, fixedNow}, "https://o.org/x").Status; got != StatusGone {
		t.Errorf("gone place: status %q", got)
	}
}

func TestAreaOf(t *testing.T) {
	cats := geo.DefaultCategories()
	center := orb.Point{7.4271, 43.7396}
	mk := func(name string, tags map[string]string, dlat float64) geo.Place {
		p := geo.Place{Name: name, Tags: tags, Location: orb.Point{center[0], center[1] + dlat}, State: geo.Active}
		if c := cats.Classify(tags); c.OK() {
			p.Category, p.Subcategory = c.Category, c.Subcategory
		}
		return p
	}
	places := []geo.Place{
		mk("Pharmacie B", map[string]string{"amenity": "pharmacy", "opening_hours": "Mo-Sa 08:00-19:00"}, 0.003),
		mk("Pharmacie A", map[string]string{"amenity": "pharmacy"}, 0.001),
		mk("", map[string]string{"shop": "bakery"}, 0.002),
		mk("Mystère", map[string]string{"foo": "bar"}, 0.0005),
	}
	for i := range places {
		places[i].OpeningHours = places[i].Tags["opening_hours"]
	}
	a := AreaOf("Près d'ici", center, 500, places, cats, Options{A4, French, fixedNow}, "https://o.org/#17/1/2", "")
	if a.Lat != center[1] || a.Lon != center[0] || a.Radius != 500 {
		t.Errorf("centre %v %v", a.Lat, a.Lon)
	}
	if len(a.Groups) != 3 {
		t.Fatalf("groups = %+v", a.Groups)
	}
	if last := a.Groups[len(a.Groups)-1]; last.Category != "Autres" || last.Places[0].Name != "Mystère" {
		t.Errorf("unknown category group = %+v", last)
	}
	for _, g := range a.Groups {
		for _, p := range g.Places {
			if p.Name == "" {
				t.Errorf("unnamed place kept no name in %q", g.Category)
			}
			if p.Distance <= 0 {
				t.Errorf("%q: distance %v", p.Name, p.Distance)
			}
		}
	}
	if err := a.check(); err != nil {
		t.Errorf("AreaOf made an invalid sheet: %v", err)
	}
	// fixedNow is a Tuesday.
	found := false
	for _, g := range a.Groups {
		for _, p := range g.Places {
			if p.Name == "Pharmacie B" {
				found = true
				if want := "mar.–sam. 8:00–19:00 · dim. fermé · lun. 8:00–19:00"; p.HoursText != want {
					t.Errorf("Pharmacie B hours %q, want %q", p.HoursText, want)
				}
			}
		}
	}
	if !found {
		t.Error("Pharmacie B missing")
	}
}

func TestHoursSummary(t *testing.T) {
	tests := []struct {
		hours string
		lang  Lang
		want  string
	}{
		{"24/7", English, "0:00–24:00"},
		{"Mo-Fr 09:00-18:00; Sa 10:00-16:00", English, "Tue–Fri 9:00–18:00 · Sat 10:00–16:00 · Sun closed · Mon 9:00–18:00"},
		{"Tu,Th 14:00-17:00", French, "mar. 14:00–17:00 · mer. fermé · jeu. 14:00–17:00 · ven.–lun. fermé"},
	}
	for _, tc := range tests {
		h, err := geo.ParseHours(tc.hours)
		if err != nil {
			t.Fatal(err)
		}
		if got := HoursSummary(h, fixedNow, geo.HoursContext{}, tc.lang); got != tc.want {
			t.Errorf("%q: %q, want %q", tc.hours, got, tc.want)
		}
	}
}

func TestWeekOf(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Skip(err)
	}
	monday := time.Date(2026, time.December, 21, 10, 0, 0, 0, paris)
	tests := []struct {
		name, hours string
		lang        Lang
		want        []string // the seven texts
	}{
		{"split days and holiday", "Mo-Fr 09:00-12:00,14:00-18:00; PH off", French, []string{
			"9:00–12:00, 14:00–18:00", "9:00–12:00, 14:00–18:00", "9:00–12:00, 14:00–18:00", "9:00–12:00, 14:00–18:00",
			"fermé (Noël)", "fermé", "fermé"}},
		{"past midnight", "Fr-Sa 20:00-02:00", English, []string{
			"closed", "closed", "closed", "closed", "20:00–2:00", "20:00–2:00", "closed"}},
		// Monday's early hours are Sunday night's, whose evening is not shown.
		{"night into the eighth day", "Su 22:00-01:00", English, []string{
			"0:00–1:00", "closed", "closed", "closed", "closed", "closed", "22:00–1:00"}},
		{"always", "24/7", English, []string{"0:00–24:00", "0:00–24:00", "0:00–24:00", "0:00–24:00", "0:00–24:00", "0:00–24:00", "0:00–24:00"}},
		{"unknown with comment", `Mo-Su 10:00-12:00 unknown "sur rendez-vous"`, French, []string{
			"10:00–12:00 (sur rendez-vous)", "10:00–12:00 (sur rendez-vous)", "10:00–12:00 (sur rendez-vous)", "10:00–12:00 (sur rendez-vous)",
			"10:00–12:00 (sur rendez-vous)", "10:00–12:00 (sur rendez-vous)", "10:00–12:00 (sur rendez-vous)"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h, err := geo.ParseHours(tc.hours)
			if err != nil {
				t.Fatal(err)
			}
			week := WeekOf(h, monday, geo.HoursContext{Country: "FR", Lat: 48.85, Lon: 2.35}, tc.lang)
			if len(week) != 7 {
				t.Fatalf("%d days", len(week))
			}
			first := "lundi 21"
			if tc.lang == English {
				first = "Monday 21"
			}
			if week[0].Day != first {
				t.Errorf("first day %q, want %q", week[0].Day, first)
			}
			for i, d := range week {
				if d.Text != tc.want[i] {
					t.Errorf("%s: %q, want %q", d.Day, d.Text, tc.want[i])
				}
			}
		})
	}
}
