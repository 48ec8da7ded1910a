package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"runtime"
	"sync"
	"time"

	"codeberg.org/openmap/openmap/geo"
)

// maxBatch bounds the reports of one transaction.
const maxBatch = 64

// batcher is the group commit of reports: one goroutine owns the write
// path of reports; each AddReport hands it a request and waits for the
// commit. Requests that arrive while a transaction runs go together in the
// next one, so under load many reports share the cost of BEGIN and COMMIT
// (and of handing the single write connection around), while a lone report
// is written at once. Durability is that of the store (Options: by
// default the WAL is synced at each COMMIT, so one sync serves the whole
// batch), and an id is returned only after COMMIT.
type batcher struct {
	once     sync.Once
	stopOnce sync.Once
	reqs     chan batchReq
	quit     chan struct{}
	done     chan struct{}
	ckptDone chan struct{} // closed when the checkpointer has stopped
}

type batchReq struct {
	r     NewReport
	since time.Time // when set, the place's status inputs since then are read back
	res   chan batchRes
}

type batchRes struct {
	id     int64
	inputs []geo.Report
	err    error
}

// errClosed is returned for reports made after Close.
var errClosed = errors.New("store closed")

func (b *batcher) start(s *Store) {
	b.once.Do(func() {
		b.reqs = make(chan batchReq)
		b.quit = make(chan struct{})
		b.done = make(chan struct{})
		b.ckptDone = make(chan struct{})
		s.startCheckpointer(b.quit, b.ckptDone)
		go b.loop(s)
	})
}

// add queues a report and waits for its transaction. Once queued, the
// report's fate is waited for even if ctx ends, so the answer is true.
func (b *batcher) add(ctx context.Context, s *Store, r NewReport, since time.Time) (batchRes, error) {
	b.start(s)
	if b.reqs == nil {
		return batchRes{}, errClosed // stopped before it ever started
	}
	req := batchReq{r: r, since: since, res: make(chan batchRes, 1)}
	select {
	case b.reqs <- req:
	case <-ctx.Done():
		return batchRes{}, ctx.Err()
	case <-b.quit:
		return batchRes{}, errClosed
	}
	res := <-req.res
	return res, res.err
}

// stop ends the loop after the batch in progress; Close may be called
// twice.
func (b *batcher) stop() {
	b.once.Do(func() {}) // no start after stop
	b.stopOnce.Do(func() {
		if b.quit != nil {
			close(b.quit)
			<-b.done
			<-b.ckptDone
		}
	})
}

func (b *batcher) loop(s *Store) {
	defer close(b.done)
	var raw rawStmts // its statements, on the write connection
	defer s.closeRaw(&raw)
	for {
		var first batchReq
		select {
		case first = <-b.reqs:
		case <-b.quit:
			return
		}
		batch := []batchReq{first}
		// Let the handlers that are about to queue a report do so, so
		// that under load they share this transaction (on the bench,
		// five reports a commit instead of two, and some 15% less CPU
		// a report); alone, a report waits only for this yield.
		runtime.Gosched()
	drain:
		for len(batch) < maxBatch {
			select {
			case r := <-b.reqs:
				batch = append(batch, r)
			default:
				break drain
			}
		}
		s.writeBatch(&raw, batch)
	}
}

// writeBatch writes the reports in one transaction, on the driver
// connection with the batcher's statements (rawtx.go). Domain errors
// (unknown place, locked, blocked) are answered per report; any other
// failure rolls the batch back and each report is then tried alone.
// The status inputs asked for come from s.inputs when it holds the place,
// else from placeReportsSQL in the same transaction.
func (s *Store) writeBatch(raw *rawStmts, batch []batchReq) {
	res := make([]batchRes, len(batch))
	wrote := false
	var rev int64
	err := s.withRaw(context.Background(), raw, func(r *rawStmts) error {
		if err := r.query(rawRevision, func(v []driver.Value) error { return driverRow(v).Scan(&rev) }); err != nil {
			return err
		}
		s.inputs.sync(rev)
		for i, req := range batch {
			id, row, err := addReportRaw(r, req.r)
			if err != nil && !isDomain(err) {
				return err
			}
			res[i] = batchRes{id: id, err: err}
			if err != nil {
				continue
			}
			wrote = true
			in := storedInput(id, req.r)
			s.inputs.added(row, in)
			if req.since.IsZero() {
				continue
			}
			at := in.At // as stored
			if reps, ok := s.inputs.get(row, req.since, at); ok {
				res[i].inputs = reps
				continue
			}
			// Read back in the same transaction: it sees this report
			// and those before it.
			var reps []Report
			err = r.query(rawPlaceReports, func(v []driver.Value) error {
				rep, err := scanReport(driverRow(v))
				reps = append(reps, rep)
				return err
			}, string(req.r.Place.Type), req.r.Place.ID, fmtTime(req.since))
			if err != nil {
				return err
			}
			res[i].inputs = statusInputs(reps, at)
			s.inputs.put(row, req.since, res[i].inputs)
		}
		if !wrote {
			return nil
		}
		return r.exec(rawBump)
	})
	switch {
	case err != nil:
		s.inputs.reset()
	case wrote:
		s.inputs.committed(rev + 1)
	}
	if err != nil && len(batch) > 1 {
		for _, req := range batch {
			s.writeBatch(raw, []batchReq{req})
		}
		return
	}
	for i, req := range batch {
		if err != nil {
			res[i] = batchRes{err: err}
		}
		req.res <- res[i]
	}
}

// addReportRaw checks and inserts one report: its place must exist and
// not be locked, its contributor not be blocked, else it says which
// (ErrNotFound, ErrLocked, ErrBlocked) without writing. It returns the
// report's id and the place's row. (Two statements: one INSERT … SELECT
// would need a statement journal, which SQLite fills with a copy of every
// page the insert changes and frees after it — on a large database, some
// 7 % of a report's CPU in malloc, page faults and madvise.)
func addReportRaw(r *rawStmts, rep NewReport) (id, placeRow int64, err error) {
	found := false
	var locked, blocked int
	err = r.query(rawCheck, func(v []driver.Value) error {
		found = true
		return driverRow(v).Scan(&placeRow, &locked, &blocked)
	}, rep.Contributor, string(rep.Place.Type), rep.Place.ID)
	switch {
	case err != nil:
		return 0, 0, err
	case !found:
		return 0, 0, ErrNotFound
	case locked == 1:
		return 0, 0, ErrLocked
	case blocked == 1:
		return 0, 0, ErrBlocked
	}
	res, err := r.st[rawInsert].Exec([]driver.Value{placeRow, string(rep.Status), rep.OpeningHours, boolValue(rep.Delivery),
		boolValue(rep.Takeaway), boolValue(rep.Pickup), rep.Remark, fmtTime(rep.At), rep.Contributor, rep.Trusted})
	if err != nil {
		return 0, 0, err
	}
	id, err = res.LastInsertId()
	return id, placeRow, err
}

// boolValue is a service flag as a driver value: NULL (not said), 1 or 0.
func boolValue(b *bool) driver.Value {
	switch {
	case b == nil:
		return nil
	case *b:
		return int64(1)
	}
	return int64(0)
}

func isDomain(err error) bool {
	return errors.Is(err, ErrNotFound) || errors.Is(err, ErrLocked) || errors.Is(err, ErrBlocked)
}
