package geo

import (
	"strings"
	"testing"
)

func TestDefaultCategories(t *testing.T) {
	c := DefaultCategories()
	subs := 0
	for _, cat := range c.List {
		if cat.Label.FR == "" || cat.Label.EN == "" {
			t.Errorf("category %s lacks a label", cat.ID)
		}
		for _, s := range cat.Subcategories {
			subs++
			if s.Label.FR == "" || s.Label.EN == "" {
				t.Errorf("subcategory %s lacks a label", s.ID)
			}
		}
	}
	if len(c.List) != 9 || subs < 80 {
		t.Errorf("%d categories and %d subcategories; want 9 and at least 80", len(c.List), subs)
	}
}

func TestClassify(t *testing.T) {
	c := DefaultCategories()
	tests := []struct {
		name      string
		tags      map[string]string
		cat, sub  string
		lifecycle bool
	}{
		{"bakery", map[string]string{"shop": "bakery"}, "food", "bakery", false},
		{"unknown shop value", map[string]string{"shop": "kitesurf"}, "shopping", "shopping_other", false},
		{"pharmacy as amenity", map[string]string{"amenity": "pharmacy", "healthcare": "pharmacy"}, "health", "pharmacy", false},
		{"any healthcare", map[string]string{"healthcare": "psychotherapist"}, "health", "health_other", false},
		{"post office", map[string]string{"amenity": "post_office"}, "finance", "post_office", false},
		{"fuel", map[string]string{"amenity": "fuel"}, "mobility", "fuel", false},
		{"restaurant", map[string]string{"amenity": "restaurant", "cuisine": "pizza"}, "eating", "restaurant", false},
		{"plumber", map[string]string{"craft": "plumber"}, "crafts", "plumber", false},
		{"tourist office", map[string]string{"tourism": "information", "information": "office"}, "services", "tourism_info", false},
		{"bench", map[string]string{"amenity": "bench"}, "", "", false},
		{"parking", map[string]string{"amenity": "parking"}, "", "", false},
		{"toilets", map[string]string{"amenity": "toilets"}, "", "", false},
		{"drinking water", map[string]string{"amenity": "drinking_water"}, "", "", false},
		{"bicycle parking", map[string]string{"amenity": "bicycle_parking"}, "", "", false},
		{"waste basket", map[string]string{"amenity": "waste_basket"}, "", "", false},
		{"vacant shop", map[string]string{"shop": "vacant"}, "", "", false},
		{"shop=no", map[string]string{"shop": "no", "building": "retail"}, "", "", false},
		{"disused shop", map[string]string{"disused:shop": "bakery", "name": "X"}, "", "", true},
		{"was: amenity", map[string]string{"was:amenity": "pharmacy"}, "", "", true},
		{"abandoned", map[string]string{"abandoned:shop": "butcher"}, "", "", true},
		{"active beside a lifecycle tag", map[string]string{"shop": "florist", "disused:shop": "bakery"}, "shopping", "florist", false},
		{"information board", map[string]string{"tourism": "information", "information": "board"}, "", "", false},
		{"recycling container", map[string]string{"amenity": "recycling", "recycling_type": "container"}, "", "", false},
		{"recycling centre", map[string]string{"amenity": "recycling", "recycling_type": "centre"}, "public", "recycling_centre", false},
		{"bike-share dock", map[string]string{"amenity": "bicycle_rental"}, "", "", false},
		{"shop=disused", map[string]string{"shop": "disused"}, "", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := c.Classify(tc.tags)
			if got.Category != tc.cat || got.Subcategory != tc.sub || got.Lifecycle != tc.lifecycle {
				t.Errorf("Classify(%v) = %+v; want %s/%s lifecycle=%v", tc.tags, got, tc.cat, tc.sub, tc.lifecycle)
			}
		})
	}
}

func TestReadCategories(t *testing.T) {
	own := `{"keys":["shop"],"categories":[{"id":"all","label":{"fr":"Tout","en":"All"},
	  "subcategories":[{"id":"bread","label":{"fr":"Pain","en":"Bread"},"match":["shop=bakery+organic=only","shop=bakery"]}]}]}`
	c, err := ReadCategories(strings.NewReader(own))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Classify(map[string]string{"shop": "bakery"}); got.Subcategory != "bread" {
		t.Errorf("got %+v", got)
	}
	if got := c.Classify(map[string]string{"amenity": "pharmacy"}); got.OK() {
		t.Errorf("an instance table without amenity still classified a pharmacy: %+v", got)
	}
	bad := []struct{ name, json string }{
		{"not json", `{`},
		{"unknown field", `{"keys":["shop"],"categorie":[]}`},
		{"no category", `{"keys":["shop"],"categories":[]}`},
		{"bad match", `{"keys":["shop"],"categories":[{"id":"a","subcategories":[{"id":"b","match":["shop"]}]}]}`},
		{"match key not in keys", `{"keys":["shop"],"categories":[{"id":"a","subcategories":[{"id":"b","match":["amenity=cafe"]}]}]}`},
		{"repeated id", `{"keys":["shop"],"categories":[{"id":"a","subcategories":[{"id":"b","match":["shop=x"]},{"id":"b","match":["shop=y"]}]}]}`},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := ReadCategories(strings.NewReader(tc.json)); err == nil {
				t.Error("no error")
			}
		})
	}
}

func TestFold(t *testing.T) {
	tests := map[string]string{
		"Épicerie":                  "epicerie",
		"  Boulangerie—Pâtisserie ": "boulangerie patisserie",
		"Straße":                    "strasse",
		"Œuvre":                     "oeuvre",
		"ÇA RESTE OUVERT!":          "ca reste ouvert",
	}
	for in, want := range tests {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParsePlaceID(t *testing.T) {
	good := map[string]PlaceID{"node/1": {Node, 1}, "way/42": {Way, 42}, "r7": {Relation, 7}}
	for in, want := range good {
		if got, err := ParsePlaceID(in); err != nil || got != want {
			t.Errorf("ParsePlaceID(%q) = %v, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "node", "node/", "node/-1", "node/x", "area/1", "n"} {
		if _, err := ParsePlaceID(in); err == nil {
			t.Errorf("ParsePlaceID(%q) accepted", in)
		}
	}
}
