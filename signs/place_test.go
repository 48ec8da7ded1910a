package signs

import (
	"testing"

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
	s := ShopOf(p, cats, French, "https://o.org/place/node/7")
	if s.Name != "Chez Léa" || s.Address != "3 rue Grimaldi, 98000 Monaco" || s.Status != StatusUnknown || s.URL != "https://o.org/place/node/7" {
		t.Errorf("ShopOf = %+v", s)
	}
	if s.Kind == "" {
		t.Error("no kind from the category table")
	}
	if s.Takeaway == nil || !*s.Takeaway || s.Delivery == nil || *s.Delivery || s.Pickup != nil {
		t.Errorf("services %v %v %v", s.Takeaway, s.Delivery, s.Pickup)
	}
	if len(s.Week) != 1 || s.Week[0].Text != "Mo-Sa 08:00-19:00" {
		t.Errorf("week = %+v", s.Week)
	}
	p.State = geo.Gone
	if got := ShopOf(p, cats, English, "https://o.org/x").Status; got != StatusGone {
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
		mk("Pharmacie B", map[string]string{"amenity": "pharmacy"}, 0.003),
		mk("Pharmacie A", map[string]string{"amenity": "pharmacy"}, 0.001),
		mk("", map[string]string{"shop": "bakery"}, 0.002),
		mk("Mystère", map[string]string{"foo": "bar"}, 0.0005),
	}
	a := AreaOf("Près d'ici", center, 500, places, cats, French, "https://o.org/#17/1/2", "")
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
}
