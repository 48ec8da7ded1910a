package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"sort"
	"testing"

	"codeberg.org/openmap/openmap/geo"
	"github.com/paulmach/orb"
)

// randomPlaces are n places scattered over a box of about 0.2° around
// Monaco, some with hours or lifecycle tags.
func randomPlaces(rng *rand.Rand, n int, firstID int64) []geo.Place {
	out := make([]geo.Place, n)
	for i := range out {
		tags := map[string]string{"shop": "bakery", "name": fmt.Sprint("Boulangerie ", i)}
		p := geo.Place{ID: geo.PlaceID{Type: geo.Node, ID: firstID + int64(i)}, Version: 1, Name: tags["name"], Category: "food", Subcategory: "bakery",
			Location: orb.Point{7.3 + rng.Float64()*0.2, 43.65 + rng.Float64()*0.2}}
		switch rng.IntN(4) {
		case 0:
			p.OpeningHours = "Mo-Sa 07:00-19:30"
			tags["opening_hours"] = p.OpeningHours
		case 1:
			tags["check_date"] = "2026-10-01"
			tags["disused:shop"] = "bakery"
		}
		p.Tags = tags
		out[i] = p
	}
	return out
}

func idsOf(pts []PlacePoint) []string {
	var out []string
	for _, p := range pts {
		out = append(out, p.ID.String())
	}
	sort.Strings(out)
	return out
}

// TestPointCacheMatchesSQL: views from the points in memory are the views
// through the spatial index (the index's boxes are float32, rounded
// outwards, so it may add a point just outside the view: those are set
// aside), tags included, active and gone, and each write to places,
// through this store or another (another process), is seen by the next
// view.
func TestPointCacheMatchesSQL(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "points.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rng := rand.New(rand.NewPCG(7, 11))
	cats := geo.DefaultCategories()
	places := randomPlaces(rng, 3000, 1)
	if _, err := s.ImportPlaces(ctx, "a", []string{"a"}, places, cats); err != nil {
		t.Fatal(err)
	}
	// A second source, then its removal: its 500 places are gone.
	if _, err := s.ImportPlaces(ctx, "b", []string{"b"}, randomPlaces(rng, 500, 10_000), cats); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ImportPlaces(ctx, "b", []string{"b"}, nil, cats); err != nil {
		t.Fatal(err)
	}
	compare := func(t *testing.T, views int) {
		t.Helper()
		for i := 0; i < views; i++ {
			x, y := 7.3+rng.Float64()*0.2, 43.65+rng.Float64()*0.2
			b := orb.Bound{Min: orb.Point{x, y}, Max: orb.Point{x + rng.Float64()*0.08, y + rng.Float64()*0.08}}
			withGone := i%3 == 0
			fromCache, ok, err := s.pointsFromCache(ctx, b, 100_000, withGone, cats.LifecyclePrefixes)
			if err != nil || !ok {
				t.Fatalf("cache: %v %v", ok, err)
			}
			fromSQL, err := s.placePointsSQL(ctx, b, 100_000, withGone, cats.LifecyclePrefixes)
			if err != nil {
				t.Fatal(err)
			}
			var inside []PlacePoint
			for _, p := range fromSQL {
				if b.Contains(p.Location) {
					inside = append(inside, p)
				}
			}
			got, want := idsOf(fromCache), idsOf(inside)
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("view %v (gone too: %v): cache %d points, index %d", b, withGone, len(got), len(want))
			}
			byID := map[geo.PlaceID]PlacePoint{}
			for _, p := range inside {
				byID[p.ID] = p
			}
			for _, p := range fromCache {
				if fmt.Sprint(p) != fmt.Sprint(byID[p.ID]) {
					t.Fatalf("%v: cache %+v, index %+v", p.ID, p, byID[p.ID])
				}
			}
		}
	}
	compare(t, 300)
	all, _, _ := s.pointsFromCache(ctx, orb.Bound{Min: orb.Point{-180, -90}, Max: orb.Point{180, 90}}, 100_000, true, cats.LifecyclePrefixes)
	if len(all) != 3500 {
		t.Fatalf("whole world: %d points, want 3500", len(all))
	}

	// Another process writes: a place moves, one is renamed, one deleted
	// by a diff. The next views see it.
	other, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	moved := places[0]
	moved.Version, moved.Location = 2, orb.Point{7.42, 43.73}
	renamed := places[1]
	renamed.Version, renamed.Name = 2, "Fournil du Rocher"
	if _, err := other.ApplyChanges(ctx, "a", []PlaceChange{
		{ID: moved.ID, Version: 2, Place: moved, Located: true},
		{ID: renamed.ID, Version: 2, Place: renamed, Located: true},
		{ID: places[2].ID, Version: 2, Gone: true},
	}, cats); err != nil {
		t.Fatal(err)
	}
	other.Close()
	near := orb.Bound{Min: orb.Point{7.4199, 43.7299}, Max: orb.Point{7.4201, 43.7301}}
	pts, err := s.PlacePoints(ctx, near, 10, false, cats.LifecyclePrefixes)
	if err != nil || len(pts) != 1 || pts[0].ID != moved.ID {
		t.Fatalf("after the move: %+v, %v", pts, err)
	}
	at := orb.Bound{Min: renamed.Location, Max: renamed.Location}
	if pts, _ := s.PlacePoints(ctx, at, 10, false, cats.LifecyclePrefixes); len(pts) != 1 || pts[0].Name != "Fournil du Rocher" {
		t.Errorf("after the rename: %+v", pts)
	}
	at = orb.Bound{Min: places[2].Location, Max: places[2].Location}
	if pts, _ := s.PlacePoints(ctx, at, 10, false, cats.LifecyclePrefixes); len(pts) != 0 {
		t.Errorf("deleted by the diff, still shown: %+v", pts)
	}
	if pts, _ := s.PlacePoints(ctx, at, 10, true, cats.LifecyclePrefixes); len(pts) != 1 || !pts[0].Gone {
		t.Errorf("deleted by the diff, not shown as gone: %+v", pts)
	}
	compare(t, 100)

	// The limit holds.
	if pts, _ := s.PlacePoints(ctx, orb.Bound{Min: orb.Point{7, 43}, Max: orb.Point{8, 44}}, 10, false, cats.LifecyclePrefixes); len(pts) != 10 {
		t.Errorf("limit 10: %d points", len(pts))
	}
}

// TestPointCacheTooMany: a database of more places than the cache takes
// is read through the spatial index.
func TestPointCacheTooMany(t *testing.T) {
	ctx := context.Background()
	s, _ := open(t)
	s.points.max = 100
	cats := geo.DefaultCategories()
	if _, err := s.ImportPlaces(ctx, "a", []string{"a"}, randomPlaces(rand.New(rand.NewPCG(1, 2)), 101, 1), cats); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := s.pointsFromCache(ctx, orb.Bound{Min: orb.Point{7, 43}, Max: orb.Point{8, 44}}, 1000, false, nil); ok || err != nil {
		t.Fatalf("cached %v (%v) beyond the bound", ok, err)
	}
	if pts, err := s.PlacePoints(ctx, orb.Bound{Min: orb.Point{7, 43}, Max: orb.Point{8, 44}}, 1000, false, nil); err != nil || len(pts) != 101 {
		t.Fatalf("through the index: %d points, %v", len(pts), err)
	}
}
