package store

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"codeberg.org/openmap/openmap/geo"
)

// TestOSMEdits: the edit queue's transitions, each conditional on the state
// it leaves, and the stored place brought up to date on upload.
func TestOSMEdits(t *testing.T) {
	ctx := context.Background()
	s, path := open(t)
	if _, err := s.ImportPlaces(ctx, "test", []string{"x"}, testPlaces(), geo.DefaultCategories()); err != nil {
		t.Fatal(err)
	}
	q := s.OSMEdits()
	p1, _ := s.Place(ctx, geo.PlaceID{Type: geo.Node, ID: 1})
	p2, _ := s.Place(ctx, geo.PlaceID{Type: geo.Way, ID: 2})
	diff := geo.TagDiff{{Key: "opening_hours", New: "Mo-Sa 08:00-12:00"}, {Key: "check_date", New: "2026-12-01"}}
	e1 := geo.NewOSMEdit(p1, geo.Proposal{Diff: diff}, 42)
	a, err := q.Approve(ctx, e1, "survey", geo.StatusSummary{Status: "open_adapted", OpeningHours: "Mo-Sa 08:00-12:00"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := q.Approve(ctx, e1, "survey", nil); !errors.Is(err, ErrEditInProgress) {
		t.Errorf("second live edit of a place: %v, want ErrEditInProgress", err)
	}
	n, err := q.Approve(ctx, geo.NewOSMEdit(p2, geo.Proposal{Note: &geo.NoteProposal{Text: "gone?"}}, 42), "survey", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := q.Approve(ctx, geo.OSMEdit{Place: geo.PlaceID{Type: geo.Node, ID: 999}, Diff: diff}, "", nil); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown place: %v", err)
	}
	got, err := q.Edit(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	e1.ID = a
	if !reflect.DeepEqual(got, e1) {
		t.Errorf("Edit =\n%+v\nwant\n%+v", got, e1)
	}
	if p, _ := q.Pending(ctx, 42); len(p) != 2 {
		t.Errorf("pending %+v", p)
	}
	if p, _ := q.Pending(ctx, 7); len(p) != 0 {
		t.Errorf("another mapper's pending %+v", p)
	}
	steps := []struct {
		name string
		do   func() error
		ok   bool
	}{
		{"uploading", func() error { return q.MarkUploading(ctx, 10, []int64{a}) }, true},
		{"uploading twice", func() error { return q.MarkUploading(ctx, 11, []int64{a}) }, false},
		{"uploaded in another changeset", func() error { return q.MarkUploaded(ctx, a, geo.EditUpload{Changeset: 11, Version: 3}) }, false},
		{"conflict while uploading", func() error { return q.MarkConflict(ctx, a, "x") }, false},
		{"uploaded", func() error {
			return q.MarkUploaded(ctx, a, geo.EditUpload{Changeset: 10, Version: 3,
				Tags: map[string]string{"shop": "convenience", "name": "Épicerie du Port", "opening_hours": "Mo-Sa 08:00-12:00", "check_date": "2026-12-01"}})
		}, true},
		{"requeue an uploaded edit", func() error { return q.Requeue(ctx, a) }, false},
		{"noting", func() error { return q.MarkNoting(ctx, n) }, true},
		{"requeue the note", func() error { return q.Requeue(ctx, n) }, true},
		{"noting again", func() error { return q.MarkNoting(ctx, n) }, true},
		{"noted", func() error { return q.MarkNoted(ctx, n, 77) }, true},
		{"unknown edit", func() error { return q.Requeue(ctx, 999) }, false},
	}
	for _, st := range steps {
		if err := st.do(); (err == nil) != st.ok {
			t.Fatalf("%s: %v, want ok=%v", st.name, err, st.ok)
		}
	}
	got, _ = q.Edit(ctx, a)
	if got.State != geo.EditUploaded || got.Changeset != 10 || got.Version != 3 {
		t.Errorf("edit after upload %+v", got)
	}
	pl, _ := s.Place(ctx, p1.ID)
	if pl.Version != 3 || pl.OpeningHours != "Mo-Sa 08:00-12:00" || pl.Tags["check_date"] != "2026-12-01" {
		t.Errorf("place after upload: v%d %q %v", pl.Version, pl.OpeningHours, pl.Tags)
	}
	if ns, _ := q.List(ctx, geo.EditNoted); len(ns) != 1 || ns[0].NoteID != 77 || ns[0].Note.Text != "gone?" {
		t.Errorf("noted %+v", ns)
	}
	// a new edit of the place is possible once the first is done; a
	// rejection is kept
	if _, err := q.Approve(ctx, geo.NewOSMEdit(pl, geo.Proposal{Diff: geo.TagDiff{{Key: "delivery", New: "yes"}}}, 42), "", nil); err != nil {
		t.Errorf("new edit after upload: %v", err)
	}
	if _, err := q.Reject(ctx, geo.NewOSMEdit(p2, geo.Proposal{Diff: diff}, 42), "survey", "not sure", "2026-12-01T10:00:00Z"); err != nil {
		t.Fatal(err)
	}
	if rs, _ := q.List(ctx, geo.EditRejected); len(rs) != 1 || rs[0].Reason != "not sure" {
		t.Errorf("rejected %+v", rs)
	}
	// everything survives a reopen
	all, _ := q.List(ctx)
	s.Close()
	s2, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	again, _ := s2.OSMEdits().List(ctx)
	if !reflect.DeepEqual(all, again) || len(all) != 4 {
		t.Errorf("after reopen:\n%+v\nwant\n%+v", again, all)
	}
}
