package osmsync

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/osm"

	"codeberg.org/openmap/openmap/geo"
	"codeberg.org/openmap/openmap/internal/osmsync/osmfake"
)

var checkDiff = geo.TagDiff{{Key: "check_date", New: "2026-12-01"}}

// TestUploadErrorAnswers: each error answer of the API is handled without
// losing an edit or sending it twice.
func TestUploadErrorAnswers(t *testing.T) {
	tests := []struct {
		name  string
		setup func(f *osmfake.Server, up *Uploader)
		// want* are checked after the run
		wantErr       error
		wantState     State
		wantUploads   int
		wantReason    string
		wantSleepAtLe time.Duration // a sleep at least this long happened
	}{
		{name: "503 after the upload was applied: the retry meets 409, the changeset shows it went through", setup: func(f *osmfake.Server, _ *Uploader) {
			f.Fail(osmfake.Fault{Method: "POST", Path: "/changeset/", Status: 503, After: true})
		}, wantState: StateUploaded, wantUploads: 1},
		{name: "429 with Retry-After on changeset create: waits and goes on", setup: func(f *osmfake.Server, _ *Uploader) {
			f.Fail(osmfake.Fault{Method: "PUT", Path: "/changeset/create", Status: 429, RetryAfter: "7"})
		}, wantState: StateUploaded, wantUploads: 1, wantSleepAtLe: 7 * time.Second},
		{name: "429 asking for more than MaxBackoff: stops, edit kept", setup: func(f *osmfake.Server, _ *Uploader) {
			f.Fail(osmfake.Fault{Path: "/changeset/create", Status: 429, RetryAfter: "3600"})
		}, wantErr: ErrRateLimited, wantState: StateApproved},
		{name: "500 on GET element, then fine: retried", setup: func(f *osmfake.Server, _ *Uploader) {
			f.Fail(osmfake.Fault{Method: "GET", Path: "/node/1", Status: 500, Times: 2})
		}, wantState: StateUploaded, wantUploads: 1},
		{name: "503 on upload (not applied): retried", setup: func(f *osmfake.Server, _ *Uploader) {
			f.Fail(osmfake.Fault{Path: "/changeset/", Status: 503, RetryAfter: "1", Method: "POST"})
		}, wantState: StateUploaded, wantUploads: 1, wantSleepAtLe: time.Second},
		{name: "500 on upload, not applied: looks at the changeset, uploads once", setup: func(f *osmfake.Server, _ *Uploader) {
			f.Fail(osmfake.Fault{Method: "POST", Path: "/changeset/", Status: 500})
		}, wantState: StateUploaded, wantUploads: 1},
		{name: "502 after the upload was applied (answer lost): recorded, not sent again", setup: func(f *osmfake.Server, _ *Uploader) {
			f.Fail(osmfake.Fault{Method: "POST", Path: "/changeset/", Status: 502, After: true})
		}, wantState: StateUploaded, wantUploads: 1},
		{name: "409 changeset closed between create and upload: new changeset", setup: func(f *osmfake.Server, up *Uploader) {
			once := sync.Once{}
			up.Step = func(step string) {
				if step == "marked_uploading" {
					once.Do(func() {
						for id, cs := range f.Changesets() {
							if cs.Open {
								f.CloseChangeset(id)
							}
						}
					})
				}
			}
		}, wantState: StateUploaded, wantUploads: 1},
		{name: "409 version mismatch (edited between fetch and upload): refetched", setup: func(f *osmfake.Server, up *Uploader) {
			once := sync.Once{}
			up.Step = func(step string) {
				if step == "marked_uploading" {
					once.Do(func() { f.Edit("node", 1, func(o osm.Object) {}) })
				}
			}
		}, wantState: StateUploaded, wantUploads: 1},
		{name: "412 on a lone edit: conflict with the API's reason", setup: func(f *osmfake.Server, _ *Uploader) {
			f.Fail(osmfake.Fault{Method: "POST", Path: "/changeset/", Status: 412, Message: "Precondition failed: Node 1 is still used by ways 5."})
		}, wantState: StateConflict, wantReason: "412 Precondition failed: Node 1"},
		{name: "401 bad token: stops, edit kept", setup: func(f *osmfake.Server, up *Uploader) {
			up.Client = fakeClient(t, f.URL, "wrong", noSleep)
		}, wantErr: ErrUnauthorized, wantState: StateApproved},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := osmfake.New()
			defer f.Close()
			var mu sync.Mutex
			var slept time.Duration
			c := fakeClient(t, f.URL, f.Token(), func(_ context.Context, d time.Duration) error {
				mu.Lock()
				slept = max(slept, d)
				mu.Unlock()
				return nil
			})
			f.Add(node(1, 3, 7.42, 43.73, "shop", "bakery"))
			var q MemQueue
			q.Add(Edit{Place: pid(geo.Node, 1), Mapper: 1, Location: pt(7.42, 43.73), Diff: checkDiff})
			up := &Uploader{Client: c, Queue: &q, Mapper: 1, Changeset: csOpts}
			tc.setup(f, up)
			_, err := up.Run(context.Background())
			if tc.wantErr == nil && err != nil || tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
				t.Fatalf("Run error %v, want %v", err, tc.wantErr)
			}
			e := q.All()[0]
			if e.State != tc.wantState || !strings.Contains(e.Reason, tc.wantReason) {
				t.Errorf("edit %s %q, want %s %q", e.State, e.Reason, tc.wantState, tc.wantReason)
			}
			if n := len(f.Uploads()); n != tc.wantUploads {
				t.Errorf("%d uploads %v, want %d", n, f.Uploads(), tc.wantUploads)
			}
			if tc.wantUploads > 0 {
				if up := f.Uploads()[0]; e.Changeset != up.Changeset || e.Version != up.Version {
					t.Errorf("edit records changeset %d v%d, the upload was %d v%d", e.Changeset, e.Version, up.Changeset, up.Version)
				}
				n, _ := f.Element("node", 1)
				if tagMap(n)["check_date"] != "2026-12-01" {
					t.Errorf("tags %v", tagMap(n))
				}
			}
			if slept < tc.wantSleepAtLe {
				t.Errorf("longest sleep %v, want at least %v (Retry-After)", slept, tc.wantSleepAtLe)
			}
			for id, cs := range f.Changesets() {
				if cs.Open {
					t.Errorf("changeset %d left open", id)
				}
			}
		})
	}
}

// TestUploadIsolatesPreconditionFailure: a way whose node was deleted makes
// the API refuse the whole changeset with 412; the good edit still goes,
// the bad one goes back to review.
func TestUploadIsolatesPreconditionFailure(t *testing.T) {
	f, c := newFake(t)
	f.Add(node(1, 3, 7.42, 43.73, "shop", "bakery"))
	square(f, 2, 1, 7.4205, 43.7305, "shop", "butcher")
	f.Delete("node", 21) // a corner of way/2: the API answers 412 for the way
	var q MemQueue
	q.Add(Edit{Place: pid(geo.Node, 1), Mapper: 1, Location: pt(7.42, 43.73), Diff: checkDiff})
	q.Add(Edit{Place: pid(geo.Way, 2), Mapper: 1, Location: pt(7.4205, 43.7305), Diff: checkDiff})
	rep, err := (&Uploader{Client: c, Queue: &q, Mapper: 1, Changeset: csOpts}).Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	all := q.All()
	if all[0].State != StateUploaded || all[1].State != StateConflict || !strings.Contains(all[1].Reason, "412") {
		t.Errorf("edits %+v", all)
	}
	if rep.Uploaded != 1 || rep.Conflicts != 1 || len(f.Uploads()) != 1 {
		t.Errorf("report %+v, uploads %v", rep, f.Uploads())
	}
}

// TestUploadGroupsByArea: edits in two towns 20 km apart go in two
// changesets.
func TestUploadGroupsByArea(t *testing.T) {
	f, c := newFake(t)
	var q MemQueue
	for i := int64(1); i <= 6; i++ {
		lon := 7.42 + float64(i%2)*0.25 // ~20 km east for odd ids
		f.Add(node(i, 1, lon, 43.73, "shop", "bakery"))
		q.Add(Edit{Place: pid(geo.Node, i), Mapper: 1, Location: pt(lon, 43.73), Diff: checkDiff})
	}
	rep, err := (&Uploader{Client: c, Queue: &q, Mapper: 1, Changeset: csOpts}).Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Uploaded != 6 || len(rep.Changesets) != 2 {
		t.Fatalf("report %+v, want 6 edits in 2 changesets", rep)
	}
	for _, cs := range f.Changesets() {
		if cs.Count != 3 || !strings.HasPrefix(cs.Tags["comment"], "Confirmed that 3 bakeries are still in business") {
			t.Errorf("changeset %d: %d changes, comment %q", cs.ID, cs.Count, cs.Tags["comment"])
		}
	}
}

// TestUploadOtherMappersEdits: a mapper's run never uploads edits another
// mapper approved.
func TestUploadOtherMappersEdits(t *testing.T) {
	f, c := newFake(t)
	f.Add(node(1, 1, 7.42, 43.73, "shop", "bakery"))
	var q MemQueue
	q.Add(Edit{Place: pid(geo.Node, 1), Mapper: 2, Location: pt(7.42, 43.73), Diff: checkDiff})
	if _, err := (&Uploader{Client: c, Queue: &q, Mapper: 1}).Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(f.Uploads()) != 0 || q.All()[0].State != StateApproved {
		t.Errorf("mapper 1 uploaded mapper 2's edit")
	}
}

// TestNotes: a place gone for good becomes a note; a run interrupted after
// marking it Noting finds the note it opened instead of opening another.
func TestNotes(t *testing.T) {
	f, c := newFake(t)
	prop, err := geo.SurveyProfile().Propose(map[string]string{"shop": "bakery"}, geo.StatusSummary{Status: "gone"},
		time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), geo.ProposeOptions{PlaceName: "Chez Paul", PlaceID: pid(geo.Node, 1)})
	if err != nil || prop.Note == nil {
		t.Fatal(prop, err)
	}
	var q MemQueue
	q.Add(Edit{Place: pid(geo.Node, 1), Mapper: 1, Location: pt(7.42, 43.73), Note: prop.Note})
	q.Add(Edit{Place: pid(geo.Node, 2), Mapper: 1, Location: pt(7.43, 43.74), Note: &geo.NoteProposal{Text: "second"}})
	crash := errors.New("crash")
	up := &Uploader{Client: c, Queue: &q, Mapper: 1, Step: func(s string) {
		if s == "marked_noting" && len(f.Notes()) == 1 {
			panic(crash) // dies after marking the second edit Noting, before asking OSM
		}
	}}
	func() {
		defer func() {
			if r := recover(); r != crash {
				t.Fatalf("recover() = %v", r)
			}
		}()
		up.Run(context.Background())
	}()
	// the first note is there, the second edit is left Noting without a note
	if all := q.All(); all[0].State != StateNoted || all[1].State != StateNoting {
		t.Fatalf("after the crash: %+v", all)
	}
	up.Step = nil
	rep, err := up.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	notes := f.Notes()
	if len(notes) != 2 || notes[0].Text != prop.Note.Text || notes[1].Text != "second" || rep.Notes != 1 {
		t.Fatalf("notes %+v, report %+v", notes, rep)
	}
	if notes[0].Lon != 7.42 || notes[0].Lat != 43.73 {
		t.Errorf("note at %v,%v", notes[0].Lon, notes[0].Lat)
	}
	// an edit left Noting whose note was in fact opened is not opened again
	id, _ := q.Add(Edit{Place: pid(geo.Node, 3), Mapper: 1, Location: pt(7.44, 43.75), Note: &geo.NoteProposal{Text: "third"}})
	q.MarkNoting(context.Background(), id)
	if _, err := c.CreateNote(context.Background(), 7.44, 43.75, "third"); err != nil {
		t.Fatal(err)
	}
	if _, err := up.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := len(f.Notes()); n != 3 || q.All()[2].State != StateNoted || q.All()[2].NoteID != 3 {
		t.Errorf("%d notes, edit %+v; want the note found, not reopened", n, q.All()[2])
	}
}

// TestConcurrentRuns: two runs of the same mapper at once (the button and
// the command line) never send an edit twice.
func TestConcurrentRuns(t *testing.T) {
	f, c := newFake(t)
	var q MemQueue
	for i := int64(1); i <= 20; i++ {
		f.Add(node(i, 1, 7.42+float64(i)*0.0001, 43.73, "shop", "bakery"))
		q.Add(Edit{Place: pid(geo.Node, i), Mapper: 1, Location: pt(7.42+float64(i)*0.0001, 43.73), Diff: checkDiff})
	}
	var wg sync.WaitGroup
	for r := 0; r < 2; r++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			(&Uploader{Client: c, Queue: &q, Mapper: 1, Group: GroupOptions{MaxChanges: 3}}).Run(context.Background())
		}()
	}
	wg.Wait()
	// whatever a loser left approved, a last run finishes
	if _, err := (&Uploader{Client: c, Queue: &q, Mapper: 1}).Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	count := map[int64]int{}
	for _, u := range f.Uploads() {
		count[u.ID]++
	}
	for _, e := range q.All() {
		if count[e.Place.ID] != 1 || e.State != StateUploaded {
			t.Errorf("%v: %d uploads, state %s %s", e.Place, count[e.Place.ID], e.State, e.Reason)
		}
	}
}
