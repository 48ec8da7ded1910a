package osmsync

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"codeberg.org/openmap/openmap/geo"
)

// TestQueueStates: the transitions a Queue allows, on both implementations.
func TestQueueStates(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "q.json")
	fq, err := OpenFileQueue(path)
	if err != nil {
		t.Fatal(err)
	}
	for name, q := range map[string]interface {
		Queue
		Add(Edit) (int64, error)
		All() []Edit
	}{"memory": &MemQueue{}, "file": fq} {
		t.Run(name, func(t *testing.T) {
			a, _ := q.Add(Edit{Place: pid(geo.Node, 1), Mapper: 1, Diff: checkDiff})
			b, _ := q.Add(Edit{Place: pid(geo.Node, 2), Mapper: 1, Diff: checkDiff})
			n, _ := q.Add(Edit{Place: pid(geo.Node, 3), Mapper: 1, Note: &geo.NoteProposal{Text: "x"}})
			other, _ := q.Add(Edit{Place: pid(geo.Node, 4), Mapper: 2, Diff: checkDiff})
			steps := []struct {
				name string
				do   func() error
				ok   bool
			}{
				{"uploading a+b", func() error { return q.MarkUploading(ctx, 10, []int64{a, b}) }, true},
				{"uploaded a", func() error { return q.MarkUploaded(ctx, a, UploadResult{Changeset: 10, Version: 2}) }, true},
				{"uploaded a twice", func() error { return q.MarkUploaded(ctx, a, UploadResult{Changeset: 10, Version: 2}) }, false},
				{"uploading a again (already uploaded) with b: none changes", func() error { return q.MarkUploading(ctx, 11, []int64{b, a}) }, false},
				{"requeue b", func() error { return q.Requeue(ctx, b) }, true},
				{"conflict b", func() error { return q.MarkConflict(ctx, b, "because") }, true},
				{"requeue a conflict", func() error { return q.Requeue(ctx, b) }, false},
				{"noting n", func() error { return q.MarkNoting(ctx, n) }, true},
				{"noted n", func() error { return q.MarkNoted(ctx, n, 5) }, true},
				{"unknown edit", func() error { return q.Requeue(ctx, 999) }, false},
			}
			for _, s := range steps {
				if err := s.do(); (err == nil) != s.ok {
					t.Fatalf("%s: %v, want ok=%v", s.name, err, s.ok)
				}
			}
			all := q.All()
			got := []State{all[0].State, all[1].State, all[2].State, all[3].State}
			if want := []State{StateUploaded, StateConflict, StateNoted, StateApproved}; !reflect.DeepEqual(got, want) {
				t.Errorf("states %v, want %v", got, want)
			}
			if all[1].Changeset != 0 || all[1].Reason != "because" || all[0].Changeset != 10 || all[2].NoteID != 5 {
				t.Errorf("edits %+v", all)
			}
			if p, _ := q.Pending(ctx, 2); len(p) != 1 || p[0].ID != other {
				t.Errorf("mapper 2 pending %+v", p)
			}
			if p, _ := q.Pending(ctx, 1); len(p) != 0 {
				t.Errorf("mapper 1 pending %+v", p)
			}
		})
	}
	// the file holds it all after a reopen
	again, err := OpenFileQueue(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(again.All(), fq.All()) {
		t.Errorf("reopened queue differs:\n%+v\n%+v", again.All(), fq.All())
	}
	if id, _ := again.Add(Edit{Mapper: 1}); id != 5 {
		t.Errorf("next id %d after reopen, want 5", id)
	}
	// a failed write changes nothing in memory
	os.Chmod(filepath.Dir(path), 0o500)
	defer os.Chmod(filepath.Dir(path), 0o700)
	if os.Geteuid() != 0 { // root writes anyway
		if err := again.Requeue(ctx, 5); err == nil || !errors.Is(err, os.ErrPermission) {
			t.Errorf("write in a read-only dir: %v", err)
		}
	}
}
