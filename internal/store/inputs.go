package store

import (
	"bytes"
	"sort"
	"time"
)

// Bounds of inputsCache: places held, reports held for one place and in
// all (about 200 bytes each, so some 13 MB at most).
const (
	maxInputPlaces = 4096
	maxInputsKept  = 1024
	maxInputsHeld  = 65536
)

// inputsCache saves the group-commit writer the read-back of a place's
// status inputs (placeReportsSQL) after each report: per place row, it
// holds the visible reports made at or after a time, as the query would
// return them, and the writer appends every report it inserts.
//
// It is owned by the batcher goroutine (no lock) and trusted only at the
// store revision it saw last: every other write that changes reports
// (hiding, blocking, locking — in this process or another) bumps the
// revision, so the writer, reading the revision inside its transaction,
// drops everything when it is not the one its own last commit left. A
// rolled-back transaction drops everything too.
type inputsCache struct {
	rev    int64 // the revision the entries are true at; valid only if ok
	ok     bool
	places map[int64]*placeInputs
	held   int // reports in places
}

type placeInputs struct {
	since time.Time // every visible report made at or after since is in reps
	// reps are in (created_at, id) order, as placeReportsSQL sorts them.
	// Slices handed out are capped at their length, and no element is
	// changed once handed out: appends go past them, inserts copy.
	reps []Report
}

// sync makes the cache trustworthy at rev, the revision read inside the
// current write transaction.
func (c *inputsCache) sync(rev int64) {
	if !c.ok || c.rev != rev {
		c.places, c.held = nil, 0
	}
	c.rev, c.ok = rev, true
}

// reset forgets everything (after a rollback).
func (c *inputsCache) reset() {
	c.places, c.held, c.ok = nil, 0, false
}

// committed records the revision the writer's commit left.
func (c *inputsCache) committed(rev int64) {
	c.rev = rev
}

// added records a report just inserted for place row.
func (c *inputsCache) added(row int64, r Report) {
	e := c.places[row]
	if e == nil {
		return
	}
	if len(e.reps) >= maxInputsKept {
		c.drop(row)
		return
	}
	for k := range c.places { // room for one more: forget other places
		if c.held < maxInputsHeld {
			break
		}
		if k != row {
			c.drop(k)
		}
	}
	if c.held >= maxInputsHeld {
		c.drop(row)
		return
	}
	c.held++
	n := len(e.reps)
	if n == 0 || reportLess(e.reps[n-1], r) {
		e.reps = append(e.reps, r)
		return
	}
	// Made earlier than the last one held (clocks of concurrent
	// requests): a new slice, so none handed out changes.
	i := sort.Search(n, func(i int) bool { return reportLess(r, e.reps[i]) })
	reps := make([]Report, 0, n+1)
	reps = append(reps, e.reps[:i]...)
	reps = append(reps, r)
	e.reps = append(reps, e.reps[i:]...)
}

// get returns the reports of place row made at or after since, if held.
func (c *inputsCache) get(row int64, since time.Time) ([]Report, bool) {
	e := c.places[row]
	if e == nil || since.Before(e.since) {
		return nil, false
	}
	i := sort.Search(len(e.reps), func(i int) bool { return !e.reps[i].At.Before(since) })
	if i > 0 {
		e.reps, e.since = e.reps[i:], since
		c.held -= i
	}
	return e.reps[:len(e.reps):len(e.reps)], true
}

// put holds reps, read by placeReportsSQL for since, as the reports of
// place row.
func (c *inputsCache) put(row int64, since time.Time, reps []Report) {
	if !c.ok || len(reps) >= maxInputsKept {
		return
	}
	if c.places == nil {
		c.places = map[int64]*placeInputs{}
	}
	c.drop(row)
	for k := range c.places { // any ones, until there is room
		if len(c.places) < maxInputPlaces && c.held+len(reps) <= maxInputsHeld {
			break
		}
		c.drop(k)
	}
	c.places[row] = &placeInputs{since: since, reps: reps[:len(reps):len(reps)]}
	c.held += len(reps)
}

// drop forgets the reports of place row.
func (c *inputsCache) drop(row int64) {
	if e := c.places[row]; e != nil {
		c.held -= len(e.reps)
		delete(c.places, row)
	}
}

func reportLess(a, b Report) bool {
	if !a.At.Equal(b.At) {
		return a.At.Before(b.At)
	}
	return a.ID < b.ID
}

// storedReport is r as scanReport reads it back once inserted with id.
func storedReport(id int64, r NewReport) Report {
	return Report{
		ID: id, Place: r.Place, Status: r.Status, OpeningHours: r.OpeningHours,
		Delivery: copyBool(r.Delivery), Takeaway: copyBool(r.Takeaway), Pickup: copyBool(r.Pickup),
		Remark: r.Remark, At: parseTime(fmtTime(r.At)), Contributor: bytes.Clone(r.Contributor), Trusted: r.Trusted,
	}
}

func copyBool(b *bool) *bool {
	if b == nil {
		return nil
	}
	v := *b
	return &v
}
