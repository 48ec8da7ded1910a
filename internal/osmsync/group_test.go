package osmsync

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"codeberg.org/openmap/openmap/geo"
)

func TestGroup(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	cluster := func(n int, lon, lat, spreadDeg float64) []orb.Point {
		var ps []orb.Point
		for i := 0; i < n; i++ {
			ps = append(ps, orb.Point{lon + (rng.Float64()-0.5)*spreadDeg, lat + (rng.Float64()-0.5)*spreadDeg})
		}
		return ps
	}
	tests := []struct {
		name       string
		points     []orb.Point
		opt        GroupOptions
		wantGroups int // -1: only check the bounds
	}{
		{"empty", nil, GroupOptions{}, 0},
		{"one town", cluster(40, 7.42, 43.73, 0.02), GroupOptions{}, 1},
		{"two towns 20 km apart", append(cluster(30, 7.42, 43.73, 0.02), cluster(20, 7.67, 43.73, 0.02)...), GroupOptions{}, 2},
		{"1200 edits in one town: split at 500", cluster(1200, 2.35, 48.85, 0.01), GroupOptions{}, 3},
		{"a region 100 km across", cluster(800, 5.0, 45.0, 1.0), GroupOptions{}, -1},
		{"small limits", cluster(100, 5.0, 45.0, 0.1), GroupOptions{MaxAcrossM: 2000, MaxChanges: 7}, -1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			gs := Group(tc.points, func(p orb.Point) orb.Point { return p }, tc.opt)
			opt := tc.opt.withDefaults()
			if tc.wantGroups >= 0 && len(gs) != tc.wantGroups {
				t.Errorf("%d groups, want %d", len(gs), tc.wantGroups)
			}
			n := 0
			seen := map[orb.Point]int{}
			for _, g := range gs {
				n += len(g)
				b := orb.Bound{Min: g[0], Max: g[0]}
				for _, p := range g {
					b = b.Extend(p)
					seen[p]++
				}
				if len(g) > opt.MaxChanges || diagonalM(b) > opt.MaxAcrossM {
					t.Errorf("group of %d, %.0f m across: over %d / %.0f m", len(g), diagonalM(b), opt.MaxChanges, opt.MaxAcrossM)
				}
			}
			if n != len(tc.points) || len(seen) != len(tc.points) {
				t.Errorf("groups hold %d items (%d distinct), want each of %d once", n, len(seen), len(tc.points))
			}
			if tc.name == "a region 100 km across" && len(gs) > 200 {
				t.Errorf("%d groups for 800 edits: the curve order does not keep neighbours together", len(gs))
			}
		})
	}
}

func TestComment(t *testing.T) {
	bakery := map[string]string{"shop": "bakery"}
	pharmacy := map[string]string{"amenity": "pharmacy"}
	odd := map[string]string{"shop": "bicycle_rental"}
	hours := geo.TagDiff{{Key: "opening_hours", Old: "a", New: "b"}, {Key: "check_date:opening_hours", New: "2026-12-01"}, {Key: "check_date", New: "2026-12-01"}}
	check := geo.TagDiff{{Key: "check_date", New: "2026-12-01"}}
	crisisHours := geo.TagDiff{{Key: "opening_hours:covid19", New: "off"}}
	removal := geo.TagDiff{{Key: "opening_hours:covid19", Old: "off"}, {Key: "delivery:covid19", Old: "yes"}}
	lifecycle := geo.TagDiff{{Key: "shop", Old: "bakery"}, {Key: "disused:shop", New: "bakery"}}
	items := func(d geo.TagDiff, tags ...map[string]string) []ChangeItem {
		var out []ChangeItem
		for _, tg := range tags {
			out = append(out, ChangeItem{Diff: d, Tags: tg})
		}
		return out
	}
	tests := []struct {
		name  string
		opt   ChangesetOptions
		items []ChangeItem
		want  string // prefix
	}{
		{"hours of 3 bakeries", ChangesetOptions{}, items(hours, bakery, bakery, bakery), "Updated opening hours of 3 bakeries, from residents' reports"},
		{"same in French", ChangesetOptions{CommentLanguage: "fr"}, items(hours, bakery, bakery, bakery), "Mise à jour : horaires de 3 boulangeries, d'après les signalements"},
		{"check dates only", ChangesetOptions{}, items(check, bakery, pharmacy), "Confirmed that 1 bakery and 1 pharmacy are still in business (check_date)"},
		{"mixed kinds and a generic noun", ChangesetOptions{}, append(items(hours, pharmacy, pharmacy), items(check, odd)...), "Updated opening hours and check date of 2 pharmacies and 1 bicycle rental shop"},
		{"crisis hours", ChangesetOptions{Suffix: "covid19"}, items(crisisHours, bakery), "Updated covid19 opening hours of 1 bakery"},
		{"crisis removal", ChangesetOptions{Suffix: "covid19"}, items(removal, bakery, pharmacy), "Removed the temporary covid19 tags of 1 bakery and 1 pharmacy"},
		{"crisis removal in French", ChangesetOptions{Suffix: "covid19", CommentLanguage: "fr"}, items(removal, bakery), "Retrait des clés temporaires covid19 de 1 boulangerie"},
		{"lifecycle", ChangesetOptions{}, items(lifecycle, map[string]string{"disused:shop": "bakery"}), "Marked 1 bakery as closed for good (disused)"},
		{"hashtags at the end", ChangesetOptions{Hashtags: []string{"openmap", "#Monaco"}}, items(check, bakery), "Confirmed that 1 bakery"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Comment(tc.opt, tc.items)
			if !strings.HasPrefix(got, tc.want) {
				t.Errorf("Comment =\n%q\nwant prefix\n%q", got, tc.want)
			}
			if len([]rune(got)) > 255 {
				t.Errorf("comment of %d characters", len([]rune(got)))
			}
			for _, h := range tc.opt.Hashtags {
				if !strings.Contains(got, "#"+strings.TrimPrefix(h, "#")) {
					t.Errorf("comment lacks hashtag %s", h)
				}
			}
		})
	}
	// many kinds: the comment stays under OSM's limit
	var many []ChangeItem
	for _, k := range []string{"bakery", "butcher", "florist", "books", "optician", "wine", "cheese", "deli"} {
		many = append(many, ChangeItem{Diff: hours, Tags: map[string]string{"shop": k}})
	}
	got := Comment(ChangesetOptions{Hashtags: []string{"a-rather-long-hashtag-for-this-instance"}}, many)
	if !strings.Contains(got, "5 other places") || len([]rune(got)) > 255 {
		t.Errorf("many kinds: %q", got)
	}
}

func TestChangesetTags(t *testing.T) {
	got := ChangesetTags(ChangesetOptions{Version: "0.3.0", Hashtags: []string{"openmap", " #Nice "}, Locale: "fr"},
		[]ChangeItem{{Diff: geo.TagDiff{{Key: "check_date", New: "2026-12-01"}}, Tags: map[string]string{"shop": "bakery"}}})
	want := map[string]string{"created_by": "openmap 0.3.0", "source": "survey", "hashtags": "#openmap;#Nice", "locale": "fr"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s=%q, want %q", k, got[k], v)
		}
	}
	if !strings.HasPrefix(got["comment"], "Confirmed that 1 bakery") || len(got) != 5 {
		t.Errorf("tags %v", got)
	}
}

// BenchmarkGroup groups 10 000 edits spread over a 100 km region.
func BenchmarkGroup(b *testing.B) {
	rng := rand.New(rand.NewPCG(5, 6))
	pts := make([]orb.Point, 10_000)
	for i := range pts {
		pts[i] = orb.Point{5 + rng.Float64(), 45 + rng.Float64()}
	}
	for b.Loop() {
		Group(pts, func(p orb.Point) orb.Point { return p }, GroupOptions{})
	}
}
