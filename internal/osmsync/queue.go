package osmsync

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"

	"codeberg.org/openmap/openmap/geo"
)

// State is where an edit is on its way to OSM (see geo.EditState).
type State = geo.EditState

// The states of an edit, as in geo.
const (
	StateApproved  = geo.EditApproved
	StateUploading = geo.EditUploading
	StateUploaded  = geo.EditUploaded
	StateNoting    = geo.EditNoting
	StateNoted     = geo.EditNoted
	StateConflict  = geo.EditConflict
)

// Edit is one approved proposal for one place (see geo.OSMEdit).
type Edit = geo.OSMEdit

// UploadResult is what becomes of an edit once it is in OSM (see
// geo.EditUpload).
type UploadResult = geo.EditUpload

// Queue is the persistence the Uploader needs. Every method is durable when
// it returns (the SQL store commits a transaction); the uploader calls each
// one before the request it announces. Its types are geo's (Edit is
// geo.OSMEdit), so internal/store implements it without importing this
// package.
type Queue interface {
	// Pending returns the mapper's edits in StateApproved, StateUploading or StateNoting,
	// oldest first.
	Pending(ctx context.Context, mapper int64) ([]Edit, error)
	// MarkUploading records that the edits are about to be uploaded in
	// changeset cs (StateApproved → StateUploading), all or none: it fails,
	// changing nothing, when one of them is not approved any more (another
	// run took it), so two runs never send the same edit.
	MarkUploading(ctx context.Context, cs int64, ids []int64) error
	// MarkUploaded records that edit id is in OSM: from StateUploading in
	// changeset u.Changeset, or from StateApproved when u.Changeset is 0
	// (OSM already held the change). Any other state is an error.
	MarkUploaded(ctx context.Context, id int64, u UploadResult) error
	// Requeue puts an edit whose upload or note certainly did not happen
	// back to StateApproved, its changeset cleared.
	Requeue(ctx context.Context, id int64) error
	// MarkConflict sends an edit back to review with the reason
	// (StateApproved or StateNoting → StateConflict).
	MarkConflict(ctx context.Context, id int64, reason string) error
	// MarkNoting records that the note of edit id is about to be opened.
	MarkNoting(ctx context.Context, id int64) error
	// MarkNoted records the note opened for edit id (→ StateNoted).
	MarkNoted(ctx context.Context, id int64, noteID int64) error
}

// ErrNoEdit is returned by the queues for an unknown edit id.
var ErrNoEdit = errors.New("osmsync: no such edit")

// MemQueue is a Queue in memory, for tests. The zero value is ready.
type MemQueue struct {
	mu    sync.Mutex
	next  int64
	edits map[int64]*Edit
	// save, when set, is called with the lock held after every change.
	save func() error
}

// Add stores an edit as StateApproved and returns its id.
func (q *MemQueue) Add(e Edit) (int64, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.edits == nil {
		q.edits = map[int64]*Edit{}
	}
	q.next++
	e.ID, e.State = q.next, StateApproved
	q.edits[e.ID] = &e
	return e.ID, q.saved()
}

func (q *MemQueue) saved() error {
	if q.save == nil {
		return nil
	}
	return q.save()
}

// All returns a copy of every edit, by id.
func (q *MemQueue) All() []Edit {
	q.mu.Lock()
	defer q.mu.Unlock()
	out := make([]Edit, 0, len(q.edits))
	for _, e := range q.edits {
		out = append(out, *e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Pending implements Queue.
func (q *MemQueue) Pending(_ context.Context, mapper int64) ([]Edit, error) {
	var out []Edit
	for _, e := range q.All() {
		if e.Mapper == mapper && (e.State == StateApproved || e.State == StateUploading || e.State == StateNoting) {
			out = append(out, e)
		}
	}
	return out, nil
}

func (q *MemQueue) update(id int64, f func(e *Edit) error) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	e := q.edits[id]
	if e == nil {
		return fmt.Errorf("%w: %d", ErrNoEdit, id)
	}
	old := *e
	if err := f(e); err != nil {
		return err
	}
	if err := q.saved(); err != nil {
		*e = old
		return err
	}
	return nil
}

func want(e *Edit, states ...State) error {
	for _, s := range states {
		if e.State == s {
			return nil
		}
	}
	return fmt.Errorf("osmsync: edit %d is %s, want %v", e.ID, e.State, states)
}

// MarkUploading implements Queue.
func (q *MemQueue) MarkUploading(_ context.Context, cs int64, ids []int64) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	for _, id := range ids { // all or none, as the SQL transaction will
		if e := q.edits[id]; e == nil {
			return fmt.Errorf("%w: %d", ErrNoEdit, id)
		} else if err := want(e, StateApproved); err != nil {
			return err
		}
	}
	old := map[int64]Edit{}
	for _, id := range ids {
		old[id] = *q.edits[id]
		q.edits[id].State, q.edits[id].Changeset = StateUploading, cs
	}
	if err := q.saved(); err != nil {
		for id, e := range old {
			*q.edits[id] = e
		}
		return err
	}
	return nil
}

// MarkUploaded implements Queue.
func (q *MemQueue) MarkUploaded(_ context.Context, id int64, u UploadResult) error {
	return q.update(id, func(e *Edit) error {
		if u.Changeset == 0 { // already in OSM: only an edit no run has taken
			if err := want(e, StateApproved); err != nil {
				return err
			}
		} else if err := want(e, StateUploading); err != nil || e.Changeset != u.Changeset {
			return fmt.Errorf("osmsync: edit %d is %s in changeset %d, not uploading in %d", e.ID, e.State, e.Changeset, u.Changeset)
		}
		e.State, e.Changeset, e.Version, e.Reason = StateUploaded, u.Changeset, u.Version, ""
		return nil
	})
}

// Requeue implements Queue.
func (q *MemQueue) Requeue(_ context.Context, id int64) error {
	return q.update(id, func(e *Edit) error {
		if err := want(e, StateApproved, StateUploading, StateNoting); err != nil {
			return err
		}
		e.State, e.Changeset = StateApproved, 0
		return nil
	})
}

// MarkConflict implements Queue.
func (q *MemQueue) MarkConflict(_ context.Context, id int64, reason string) error {
	return q.update(id, func(e *Edit) error {
		if err := want(e, StateApproved, StateNoting); err != nil {
			return err
		}
		e.State, e.Changeset, e.Reason = StateConflict, 0, reason
		return nil
	})
}

// MarkNoting implements Queue.
func (q *MemQueue) MarkNoting(_ context.Context, id int64) error {
	return q.update(id, func(e *Edit) error {
		if err := want(e, StateApproved, StateNoting); err != nil {
			return err
		}
		e.State = StateNoting
		return nil
	})
}

// MarkNoted implements Queue.
func (q *MemQueue) MarkNoted(_ context.Context, id int64, noteID int64) error {
	return q.update(id, func(e *Edit) error {
		if err := want(e, StateApproved, StateNoting); err != nil {
			return err
		}
		e.State, e.NoteID = StateNoted, noteID
		return nil
	})
}

// FileQueue is a Queue kept in one JSON file, rewritten and fsynced (file
// and directory) on every change: the persistence of a single mapper's
// command-line uploads until the SQL store holds the queue, and of the
// crash tests.
type FileQueue struct {
	MemQueue
	path string
}

type fileState struct {
	Next  int64  `json:"next"`
	Edits []Edit `json:"edits"`
}

// OpenFileQueue reads path (a missing file is an empty queue).
func OpenFileQueue(path string) (*FileQueue, error) {
	fq := &FileQueue{path: path}
	fq.edits = map[int64]*Edit{}
	b, err := os.ReadFile(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
	case err != nil:
		return nil, fmt.Errorf("osmsync: open queue %s: %w", path, err)
	default:
		var st fileState
		if err := json.Unmarshal(b, &st); err != nil {
			return nil, fmt.Errorf("osmsync: open queue %s: %w", path, err)
		}
		fq.next = st.Next
		for i := range st.Edits {
			e := st.Edits[i]
			fq.edits[e.ID] = &e
		}
	}
	fq.save = fq.write
	return fq, nil
}

// write replaces the file atomically: temp file, fsync, rename, fsync dir.
func (fq *FileQueue) write() error {
	st := fileState{Next: fq.next}
	for _, e := range fq.edits {
		st.Edits = append(st.Edits, *e)
	}
	sort.Slice(st.Edits, func(i, j int) bool { return st.Edits[i].ID < st.Edits[j].ID })
	b, err := json.MarshalIndent(st, "", " ")
	if err != nil {
		return fmt.Errorf("osmsync: save queue: %w", err)
	}
	dir := filepath.Dir(fq.path)
	f, err := os.CreateTemp(dir, ".queue-*")
	if err != nil {
		return fmt.Errorf("osmsync: save queue: %w", err)
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(b); err != nil {
		f.Close()
		return fmt.Errorf("osmsync: save queue: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("osmsync: save queue: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("osmsync: save queue: %w", err)
	}
	if err := os.Rename(f.Name(), fq.path); err != nil {
		return fmt.Errorf("osmsync: save queue: %w", err)
	}
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("osmsync: save queue: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("osmsync: save queue: sync dir: %w", err)
	}
	return nil
}
