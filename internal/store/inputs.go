package store

import (
	"encoding/hex"
	"sort"
	"time"

	"codeberg.org/openmap/openmap/geo"
)

// Bounds of inputsCache: places held, inputs held for one place and in
// all (each a 112-byte geo.Report with its 64-character contributor and
// service flags, about 200 bytes, so some 26 MB at most).
const (
	maxInputPlaces = 8192
	maxInputsKept  = 2048
	maxInputsHeld  = 131072
)

// inputsCache saves the group-commit writer the read-back of a place's
// status inputs (placeReportsSQL) after each report: per place row, it
// holds, as rule inputs in (created_at, id) order, the visible reports made
// at or after a time that can count — each contributor's latest one, and
// maybe some older ones it superseded (see added) — and the writer appends
// every report it inserts.
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
	held   int // inputs in places
}

type placeInputs struct {
	since time.Time // every contributor's latest visible report made at or after since is in reps
	// reps are in (At, ID) order. Slices handed out are capped at their
	// length, and no element is changed once handed out: appends go past
	// them, inserts and compactions copy.
	reps  []geo.Report
	stale int // reports in reps that a later one of the same contributor supersedes
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

// added records a report just inserted for place row. The report it
// supersedes, if any, stays until a quarter of the place's inputs are
// stale: the rules skip it, and dropping it at once would copy the whole
// list on every report. (Reports dated after r, from a clock that went
// back, are never dropped: see latestOfEach.)
func (c *inputsCache) added(row int64, r geo.Report) {
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
	for i := range e.reps {
		if e.reps[i].Contributor == r.Contributor {
			e.stale++ // this one or the new one, whichever is older
			break
		}
	}
	c.held++
	n := len(e.reps)
	if n == 0 || inputLess(e.reps[n-1], r) {
		e.reps = append(e.reps, r)
	} else {
		// Made earlier than the last one held (clocks of concurrent
		// requests): a new slice, so none handed out changes.
		i := sort.Search(n, func(i int) bool { return inputLess(r, e.reps[i]) })
		reps := make([]geo.Report, 0, n+1)
		reps = append(reps, e.reps[:i]...)
		reps = append(reps, r)
		e.reps = append(reps, e.reps[i:]...)
	}
	if e.stale > 8 && 4*e.stale > len(e.reps) {
		c.held -= len(e.reps)
		e.reps, e.stale = latestOfEach(e.reps, r.At), 0
		c.held += len(e.reps)
	}
}

// get returns the inputs of place row made at or after since, if held;
// at is the time of the report just added (see latestOfEach).
func (c *inputsCache) get(row int64, since, at time.Time) ([]geo.Report, bool) {
	e := c.places[row]
	if e == nil || since.Before(e.since) {
		return nil, false
	}
	i := sort.Search(len(e.reps), func(i int) bool { return !e.reps[i].At.Before(since) })
	if i > 0 {
		// Those cut may have been the stale ones: count them again.
		n := len(e.reps)
		e.reps, e.since, e.stale = latestOfEach(e.reps[i:], at), since, 0
		c.held += len(e.reps) - n
	}
	return e.reps[:len(e.reps):len(e.reps)], true
}

// put holds reps, the inputs read by placeReportsSQL for since, as those
// of place row.
func (c *inputsCache) put(row int64, since time.Time, reps []geo.Report) {
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

// drop forgets the inputs of place row.
func (c *inputsCache) drop(row int64) {
	if e := c.places[row]; e != nil {
		c.held -= len(e.reps)
		delete(c.places, row)
	}
}

func inputLess(a, b geo.Report) bool {
	if !a.At.Equal(b.At) {
		return a.At.Before(b.At)
	}
	return a.ID < b.ID
}

// latestOfEach keeps, of reports in (At, ID) order, what the status rules
// can count at any time from at on, in the same order, in a new slice: of
// each contributor the last report made at or before at, and every report
// made after at. The rules count a contributor's latest report within
// [now-Window, now+Skew]; a report made at or before at ≤ now is never too
// new, and it is within the window whenever an older one is, so the older
// ones never count. A report dated after at (a clock that went back, or
// another server's) may be too new to count, and then the one before it
// does: those are all kept. at is the time of a report the server just
// made, so no later now is before it.
func latestOfEach(reps []geo.Report, at time.Time) []geo.Report {
	last := make(map[string]int, len(reps))
	for i, r := range reps {
		if !r.At.After(at) {
			last[r.Contributor] = i
		}
	}
	out := make([]geo.Report, 0, len(last))
	for i, r := range reps {
		if j, ok := last[r.Contributor]; r.At.After(at) || ok && j == i {
			out = append(out, r)
		}
	}
	return out
}

// statusInputs is latestOfEach of stored reports, as rule inputs.
func statusInputs(reps []Report, at time.Time) []geo.Report {
	in := make([]geo.Report, len(reps))
	for i, r := range reps {
		in[i] = r.Rule()
	}
	return latestOfEach(in, at)
}

// storedInput is r, once inserted with id, as the rules get it from a read
// back (the time at the stored precision).
func storedInput(id int64, r NewReport) geo.Report {
	return geo.Report{
		ID: id, Contributor: hex.EncodeToString(r.Contributor), Status: r.Status, Trusted: r.Trusted != "",
		At: r.At.UTC(), OpeningHours: r.OpeningHours, // = parseTime(fmtTime(r.At)): nanoseconds, UTC, no monotonic reading
		Delivery: copyBool(r.Delivery), Takeaway: copyBool(r.Takeaway), Pickup: copyBool(r.Pickup),
	}
}

func copyBool(b *bool) *bool {
	if b == nil {
		return nil
	}
	v := *b
	return &v
}
