package osmsync

import (
	"testing"
	"time"

	"codeberg.org/openmap/openmap/geo"
)

func TestReviewQueue(t *testing.T) {
	day := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	place := func(id int64, tags map[string]string) geo.Place {
		return geo.Place{ID: pid(geo.Node, id), Version: 1, Name: "P", Tags: tags, Location: pt(7.42, 43.73)}
	}
	bakery := map[string]string{"shop": "bakery", "opening_hours": "Mo-Sa 07:00-19:00"}
	checked := map[string]string{"shop": "bakery", "check_date": "2026-12-01"}
	cands := []Candidate{
		{Place: place(1, bakery), Summary: geo.StatusSummary{Status: "open"}, LastConfirmed: day.Add(-2 * time.Hour)},
		{Place: place(2, checked), Summary: geo.StatusSummary{Status: "open"}, LastConfirmed: day},                                        // OSM already says it
		{Place: place(3, bakery), Summary: geo.StatusSummary{Status: "open_adapted", OpeningHours: "Mo 08:00-12:00"}, LastConfirmed: day}, // newest first
		{Place: place(4, bakery), Summary: geo.StatusSummary{Status: "open"}, LastConfirmed: day},                                         // in progress
		{Place: place(5, bakery), Summary: geo.StatusSummary{Status: "open"}, LastConfirmed: day.Add(-time.Hour)},                         // rejected at this confirmation
		{Place: place(6, bakery), Summary: geo.StatusSummary{Status: "open"}, LastConfirmed: day.Add(-time.Minute)},                       // rejected before a newer one
		{Place: place(7, bakery), Summary: geo.StatusSummary{Status: "nonsense"}, LastConfirmed: day},
		{Place: place(8, bakery), Summary: geo.StatusSummary{Status: "gone"}, LastConfirmed: day.Add(-3 * time.Hour)},
		{Place: place(9, bakery), Summary: geo.StatusSummary{Status: "closed"}, LastConfirmed: day}, // survey profile: not mapped
	}
	items, bad := ReviewQueue(cands, geo.SurveyProfile(), day, geo.ProposeOptions{}, ReviewOptions{
		InProgress: map[geo.PlaceID]bool{pid(geo.Node, 4): true},
		Rejected:   map[geo.PlaceID]time.Time{pid(geo.Node, 5): day.Add(-time.Hour), pid(geo.Node, 6): day.Add(-time.Hour)},
		Server:     Dev,
	})
	var got []int64
	for _, it := range items {
		got = append(got, it.Place.ID.ID)
	}
	want := []int64{3, 6, 1, 8}
	if len(got) != len(want) {
		t.Fatalf("queue %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("queue %v, want %v", got, want)
		}
	}
	if items[0].OSMURL != "https://master.apis.dev.openstreetmap.org/node/3" || len(items[0].Proposal.Diff) != 3 {
		t.Errorf("item %+v", items[0])
	}
	if items[3].Proposal.Note == nil {
		t.Errorf("gone place: %+v, want a note", items[3].Proposal)
	}
	if len(bad) != 1 || bad[pid(geo.Node, 7)] == nil {
		t.Errorf("bad %v", bad)
	}

	crisis, _ := geo.CrisisProfile("covid19")
	rm := RemovalQueue([]geo.Place{place(1, map[string]string{"shop": "x", "opening_hours:covid19": "off"}), place(2, bakery)}, crisis, ReviewOptions{})
	if len(rm) != 1 || rm[0].Place.ID.ID != 1 || rm[0].Proposal.Diff[0].New != "" || rm[0].OSMURL != "https://www.openstreetmap.org/node/1" {
		t.Errorf("removal queue %+v", rm)
	}
}
