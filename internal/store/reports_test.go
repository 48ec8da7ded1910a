package store

import (
	"bytes"
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"codeberg.org/openmap/openmap/geo"
	"github.com/paulmach/orb"
)

func TestReportsAndModeration(t *testing.T) {
	ctx := context.Background()
	s, path := open(t)
	if _, err := s.ImportPlaces(ctx, "test", []string{"x"}, testPlaces(), geo.DefaultCategories()); err != nil {
		t.Fatal(err)
	}
	shop := geo.PlaceID{Type: geo.Node, ID: 1}
	t0 := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	alice, bob := bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{2}, 32)
	yes := true
	add := func(who []byte, st geo.Status, at time.Time) int64 {
		t.Helper()
		id, err := s.AddReport(ctx, NewReport{Place: shop, Status: st, At: at, Contributor: who, Delivery: &yes, Remark: "r"})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	rev0, _ := s.Revision(ctx)
	first := add(alice, geo.StatusOpen, t0)
	add(alice, geo.StatusClosed, t0.Add(time.Hour))
	add(bob, geo.StatusClosed, t0.Add(2*time.Hour))
	if rev, _ := s.Revision(ctx); rev != rev0+3 {
		t.Errorf("revision %d after 3 reports from %d", rev, rev0)
	}

	t.Run("unknown place", func(t *testing.T) {
		_, err := s.AddReport(ctx, NewReport{Place: geo.PlaceID{Type: geo.Node, ID: 99}, Status: geo.StatusOpen, At: t0, Contributor: alice})
		if !errors.Is(err, ErrNotFound) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("status inputs", func(t *testing.T) {
		reps, err := s.PlaceReports(ctx, shop, t0.Add(-time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if len(reps) != 3 || reps[0].Status != geo.StatusOpen || reps[2].Status != geo.StatusClosed || reps[0].Delivery == nil || !*reps[0].Delivery {
			t.Fatalf("place reports: %+v", reps)
		}
		if late, _ := s.PlaceReports(ctx, shop, t0.Add(30*time.Minute)); len(late) != 2 {
			t.Fatalf("since 9:30: %+v", late)
		}
		in := make([]geo.Report, len(reps))
		for i, r := range reps {
			in[i] = r.Rule()
		}
		if cs := geo.DefaultStatusRules().Compute(t0.Add(3*time.Hour), in, geo.OSMEvidence{}); cs.Voices != 2 || cs.Status != geo.StatusClosed || cs.Confidence != geo.Confirmed {
			t.Fatalf("alice's latest and bob's: %+v", cs)
		}
		// RecentReports keeps each contributor's latest only.
		all, _ := s.RecentReports(ctx, time.Time{})
		if len(all[shop]) != 2 {
			t.Fatalf("recent: %+v", all[shop])
		}
		hist, _ := s.LatestReports(ctx, shop, 10)
		if len(hist) != 3 || hist[2].ID != first {
			t.Fatalf("history: %+v", hist)
		}
		recent, _ := s.RecentReports(ctx, t0.Add(90*time.Minute))
		if len(recent[shop]) != 1 {
			t.Fatalf("since 10:30: %+v", recent)
		}
	})
	t.Run("hidden reports stop counting", func(t *testing.T) {
		latest, _ := s.LatestReports(ctx, shop, 1)
		if _, err := s.HideReport(ctx, latest[0].ID, true, t0); err != nil {
			t.Fatal(err)
		}
		reps, _ := s.PlaceReports(ctx, shop, time.Time{})
		if len(reps) != 2 {
			t.Fatalf("after hiding bob's: %+v", reps)
		}
		if _, err := s.HideReport(ctx, 12345, true, t0); !errors.Is(err, ErrNotFound) {
			t.Errorf("hide unknown: %v", err)
		}
		s.HideReport(ctx, latest[0].ID, false, t0)
	})
	t.Run("block hides and refuses", func(t *testing.T) {
		n, err := s.BlockContributorOf(ctx, first, t0)
		if err != nil || n != 2 {
			t.Fatalf("block: %d %v", n, err)
		}
		if _, err := s.AddReport(ctx, NewReport{Place: shop, Status: geo.StatusOpen, At: t0, Contributor: alice}); !errors.Is(err, ErrBlocked) {
			t.Fatalf("blocked contributor: %v", err)
		}
	})
	t.Run("lock refuses reports", func(t *testing.T) {
		if err := s.LockPlace(ctx, shop, true, t0); err != nil {
			t.Fatal(err)
		}
		if locked, _ := s.PlaceLocked(ctx, shop); !locked {
			t.Fatal("not locked")
		}
		if _, err := s.AddReport(ctx, NewReport{Place: shop, Status: geo.StatusOpen, At: t0, Contributor: bob}); !errors.Is(err, ErrLocked) {
			t.Fatalf("locked place: %v", err)
		}
		s.LockPlace(ctx, shop, false, t0)
		if err := s.LockPlace(ctx, geo.PlaceID{Type: geo.Way, ID: 404}, true, t0); !errors.Is(err, ErrNotFound) {
			t.Errorf("lock unknown: %v", err)
		}
	})
	t.Run("secret and tokens", func(t *testing.T) {
		a, err := s.Secret(ctx, "k")
		if err != nil || len(a) != 32 {
			t.Fatal(a, err)
		}
		b, _ := s.Secret(ctx, "k")
		if !bytes.Equal(a, b) {
			t.Error("secret changed")
		}
		if _, err := s.AddToken(ctx, []byte("hash-of-token"), "moderator", "x"); err != nil {
			t.Fatal(err)
		}
		if role, err := s.TokenRole(ctx, []byte("hash-of-token")); err != nil || role != "moderator" {
			t.Errorf("role %q %v", role, err)
		}
		if _, err := s.TokenRole(ctx, []byte("other")); !errors.Is(err, ErrNotFound) {
			t.Errorf("unknown token: %v", err)
		}
		if _, err := s.AddToken(ctx, []byte("h2"), "admin", ""); err == nil {
			t.Error("role admin accepted")
		}
	})
	c, err := s.CountReports(ctx, t0.Add(90*time.Minute))
	if err != nil || c.Total != 1 || c.Since != 1 {
		t.Errorf("counts %+v %v (alice's two are hidden)", c, err)
	}
	s.Close()
	data, _ := os.ReadFile(path)
	if len(data) == 0 {
		t.Fatal("empty database")
	}
}

func TestPlacePointsStatusTags(t *testing.T) {
	ctx := context.Background()
	s, _ := open(t)
	places := []geo.Place{
		{ID: geo.PlaceID{Type: geo.Node, ID: 10}, Name: "Checked", Category: "food", Subcategory: "bakery", OpeningHours: "Mo 09:00-10:00",
			Tags: map[string]string{"shop": "bakery", "check_date": "2026-10-01", "opening_hours": "Mo 09:00-10:00", "addr:street": "x"}, Location: orb.Point{7.42, 43.73}},
		{ID: geo.PlaceID{Type: geo.Node, ID: 11}, Name: "Former shop", Category: "finance", Subcategory: "atm",
			Tags: map[string]string{"amenity": "atm", "disused:shop": "bakery"}, Location: orb.Point{7.421, 43.731}},
		{ID: geo.PlaceID{Type: geo.Node, ID: 12}, Name: "Plain", Category: "food", Subcategory: "bakery",
			Tags: map[string]string{"shop": "bakery"}, Location: orb.Point{7.422, 43.732}},
	}
	cats := geo.DefaultCategories()
	if _, err := s.ImportPlaces(ctx, "t", []string{"x"}, places, cats); err != nil {
		t.Fatal(err)
	}
	b := orb.Bound{Min: orb.Point{7.41, 43.72}, Max: orb.Point{7.43, 43.74}}
	pts, err := s.PlacePoints(ctx, b, 100, false, cats.LifecyclePrefixes)
	if err != nil || len(pts) != 3 {
		t.Fatalf("%d points, %v", len(pts), err)
	}
	by := map[int64]PlacePoint{}
	for _, p := range pts {
		by[p.ID.ID] = p
	}
	if by[10].Tags["check_date"] != "2026-10-01" || by[10].Tags["opening_hours"] != "Mo 09:00-10:00" || by[10].Tags["addr:street"] != "" {
		t.Errorf("checked: %v", by[10].Tags)
	}
	if by[11].Tags["disused:shop"] != "bakery" || by[12].Tags != nil {
		t.Errorf("lifecycle %v plain %v", by[11].Tags, by[12].Tags)
	}
	// A re-import without the check_date drops it (trigger on update).
	places[0].Tags = map[string]string{"shop": "bakery", "opening_hours": "Mo 09:00-10:00"}
	if _, err := s.ImportPlaces(ctx, "t", []string{"x"}, places, cats); err != nil {
		t.Fatal(err)
	}
	pts, _ = s.PlacePoints(ctx, b, 100, false, cats.LifecyclePrefixes)
	for _, p := range pts {
		if p.ID.ID == 10 && p.Tags["check_date"] != "" {
			t.Errorf("stale check_date after re-import: %v", p.Tags)
		}
	}
	rules := geo.DefaultStatusRules()
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	for _, p := range pts {
		cs := rules.Compute(now, nil, geo.OSMEvidence{Gone: p.Gone, Tags: p.Tags, Keys: cats.Keys, LifecyclePrefixes: cats.LifecyclePrefixes})
		want := map[int64]geo.Status{10: geo.StatusOpen, 11: geo.StatusClosed, 12: geo.StatusUnknown}[p.ID.ID]
		if cs.Status != want {
			t.Errorf("%v: %s, want %s", p.ID, cs.Status, want)
		}
	}
}
