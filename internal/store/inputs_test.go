package store

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strconv"
	"sync"
	"testing"
	"time"

	"codeberg.org/openmap/openmap/geo"
)

// TestAddReportInputsAsRead: the status inputs AddReportInputs answers
// (from the writer's cache once it holds the place) are what PlaceReports
// reads right after, through reports out of time order, a moving window,
// hiding and blocking from this store and from another handle on the file
// (another process), and a lock.
func TestAddReportInputsAsRead(t *testing.T) {
	ctx := context.Background()
	s, path := open(t)
	if _, err := s.ImportPlaces(ctx, "test", []string{"x"}, testPlaces(), geo.DefaultCategories()); err != nil {
		t.Fatal(err)
	}
	other, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	shop, pharmacy := testPlaces()[0].ID, testPlaces()[1].ID
	who := func(n byte) []byte { return bytes.Repeat([]byte{n}, 32) }
	t0 := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	yes, no := true, false
	step := 0
	add := func(t *testing.T, place geo.PlaceID, contributor byte, st geo.Status, at, since time.Time) int64 {
		t.Helper()
		step++
		r := NewReport{Place: place, Status: st, At: at, Contributor: who(contributor), Remark: "r", OpeningHours: "Mo-Fr 09:00-18:00"}
		if step%2 == 0 {
			r.Delivery, r.Pickup, r.Trusted = &yes, &no, "mapper"
		}
		id, got, err := s.AddReportInputs(ctx, r, since)
		if err != nil {
			t.Fatal(err)
		}
		stored, err := s.PlaceReports(ctx, place, since)
		if err != nil {
			t.Fatal(err)
		}
		checkInputs(t, id, at, got, stored)
		return id
	}
	since := t0.Add(-time.Hour)
	var ids []int64
	t.Run("in order and out of order", func(t *testing.T) {
		for i := range 6 {
			ids = append(ids, add(t, shop, byte(i%3+1), geo.StatusOpen, t0.Add(time.Duration(i)*time.Minute), since))
		}
		add(t, shop, 4, geo.StatusClosed, t0.Add(90*time.Second), since) // older than the last
		add(t, shop, 5, geo.StatusClosed, t0.Add(5*time.Minute), since)  // same time as the last
		add(t, pharmacy, 1, geo.StatusPartial, t0, since)
		add(t, shop, 1, geo.StatusOpen, t0.Add(10*time.Minute), since)
	})
	t.Run("window moves", func(t *testing.T) {
		add(t, shop, 2, geo.StatusOpen, t0.Add(11*time.Minute), t0.Add(150*time.Second))
		add(t, shop, 3, geo.StatusOpen, t0.Add(12*time.Minute), t0.Add(4*time.Minute))
		add(t, shop, 3, geo.StatusOpen, t0.Add(13*time.Minute), t0.Add(-2*time.Hour)) // back again
		add(t, shop, 3, geo.StatusOpen, t0.Add(14*time.Minute), since)
	})
	t.Run("hidden here", func(t *testing.T) {
		if _, err := s.HideReport(ctx, ids[5], true, t0); err != nil {
			t.Fatal(err)
		}
		add(t, shop, 2, geo.StatusOpen, t0.Add(15*time.Minute), since)
	})
	t.Run("hidden and blocked by another process", func(t *testing.T) {
		if _, err := other.HideReport(ctx, ids[0], true, t0); err != nil {
			t.Fatal(err)
		}
		add(t, shop, 2, geo.StatusOpen, t0.Add(16*time.Minute), since)
		if _, err := other.BlockContributorOf(ctx, ids[1], t0); err != nil {
			t.Fatal(err)
		}
		add(t, shop, 1, geo.StatusOpen, t0.Add(17*time.Minute), since)
		if _, err := s.AddReport(ctx, NewReport{Place: shop, Status: geo.StatusOpen, At: t0, Contributor: who(2)}); err == nil {
			t.Fatal("blocked contributor accepted")
		}
		add(t, shop, 3, geo.StatusClosed, t0.Add(18*time.Minute), since)
	})
	t.Run("reports without inputs are counted", func(t *testing.T) {
		if _, err := s.AddReport(ctx, NewReport{Place: shop, Status: geo.StatusGone, At: t0.Add(19 * time.Minute), Contributor: who(6)}); err != nil {
			t.Fatal(err)
		}
		add(t, shop, 7, geo.StatusGone, t0.Add(20*time.Minute), since)
	})
	t.Run("locked by another process", func(t *testing.T) {
		if err := other.LockPlace(ctx, shop, true, t0); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.AddReportInputs(ctx, NewReport{Place: shop, Status: geo.StatusOpen, At: t0.Add(21 * time.Minute), Contributor: who(3)}, since); err == nil {
			t.Fatal("report on a locked place accepted")
		}
		if err := other.LockPlace(ctx, shop, false, t0); err != nil {
			t.Fatal(err)
		}
		add(t, shop, 3, geo.StatusOpen, t0.Add(22*time.Minute), since)
	})
	t.Run("a report dated in the future", func(t *testing.T) {
		// From a clock that went back: the report dated two hours
		// ahead does not count yet, so the contributor's later ones
		// (dated before it) must stay among the inputs, whether they
		// come from the cache or from a read after it was dropped.
		add(t, shop, 9, geo.StatusOpen, t0.Add(3*time.Hour), since)
		add(t, shop, 9, geo.StatusClosed, t0.Add(23*time.Minute), since)
		if _, err := other.HideReport(ctx, ids[2], true, t0); err != nil { // drops the cache
			t.Fatal(err)
		}
		add(t, shop, 9, geo.StatusPartial, t0.Add(24*time.Minute), since)
		for k := range 12 { // enough to compact
			add(t, shop, 9, geo.StatusClosed, t0.Add(25*time.Minute+time.Duration(k)*time.Second), since)
		}
	})
}

var farFuture = time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC)

func basisID(cs geo.CurrentStatus) int64 {
	if cs.Basis == nil {
		return 0
	}
	return cs.Basis.ID
}

// checkInputs: the inputs answered for report id, made at at, hold it and
// each contributor's latest report, are stored reports (as the rules get
// them) in (At, ID) order, and the rules give the same status from them as
// from all the stored ones, at at and later.
func checkInputs(t *testing.T, id int64, at time.Time, got []geo.Report, stored []Report) {
	t.Helper()
	byID := map[int64]geo.Report{}
	for _, r := range stored {
		byID[r.ID] = r.Rule()
	}
	found := false
	for i, g := range got {
		found = found || g.ID == id
		if !reflect.DeepEqual(g, byID[g.ID]) {
			t.Fatalf("report %d: input %+v is not the stored %+v", id, g, byID[g.ID])
		}
		if i > 0 && !inputLess(got[i-1], g) {
			t.Fatalf("report %d: inputs out of order at %d: %+v", id, i, got)
		}
	}
	if !found {
		t.Fatalf("report %d not in its inputs: %+v", id, got)
	}
	// Each contributor's latest stored report is there.
	held := map[int64]bool{}
	for _, g := range got {
		held[g.ID] = true
	}
	for _, r := range latestOfEach(statusInputs(stored, farFuture), farFuture) {
		if !held[r.ID] {
			t.Fatalf("report %d: the latest of its contributor, %+v, is not among the inputs %+v", id, r, got)
		}
	}
	all := make([]geo.Report, len(stored))
	for i, r := range stored {
		all[i] = r.Rule()
	}
	rules := geo.DefaultStatusRules()
	for _, later := range []time.Duration{0, time.Minute, 3 * time.Hour} {
		now := at.Add(later)
		if a, b := rules.Compute(now, got, geo.OSMEvidence{}), rules.Compute(now, all, geo.OSMEvidence{}); a.Status != b.Status ||
			a.Confidence != b.Confidence || a.Voices != b.Voices || a.Agreeing != b.Agreeing || basisID(a) != basisID(b) {
			t.Fatalf("report %d at +%v: status from the inputs %+v, from the stored reports %+v", id, later, a, b)
		}
	}
}

// TestAddReportInputsConcurrent: reports from many goroutines share
// transactions; each answer holds its own report and equals a read of the
// place up to that report (nothing else writes meanwhile but the others).
func TestAddReportInputsConcurrent(t *testing.T) {
	ctx := context.Background()
	s, _ := open(t)
	if _, err := s.ImportPlaces(ctx, "test", []string{"x"}, testPlaces(), geo.DefaultCategories()); err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	since := t0.Add(-time.Hour)
	var wg sync.WaitGroup
	type answer struct {
		id     int64
		place  geo.PlaceID
		at     time.Time
		inputs []geo.Report
	}
	answers := make(chan answer, 400)
	for g := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 25 {
				place := testPlaces()[(g+i)%2].ID
				at := t0.Add(time.Duration(g*25+i) * time.Millisecond)
				id, reps, err := s.AddReportInputs(ctx, NewReport{Place: place, Status: geo.StatusOpen, At: at, Contributor: bytes.Repeat([]byte{byte(g)}, 32)}, since)
				if err != nil {
					t.Error(err)
					return
				}
				answers <- answer{id, place, at, reps}
			}
		}()
	}
	wg.Wait()
	close(answers)
	all := map[geo.PlaceID][]Report{}
	for _, p := range testPlaces() {
		all[p.ID], _ = s.PlaceReports(ctx, p.ID, since)
	}
	n := 0
	for a := range answers {
		n++
		// The answer is the stored list less the reports committed
		// after it.
		var want []Report
		for _, r := range all[a.place] {
			if r.ID <= a.id {
				want = append(want, r)
			}
		}
		checkInputs(t, a.id, a.at, a.inputs, want)
	}
	if n != 400 {
		t.Fatalf("%d answers", n)
	}
}

// TestInputsCacheBounds: however many places and reports go through it,
// with contributors coming back, the cache holds at most maxInputPlaces
// places and maxInputsHeld inputs, counts them and the stale ones right,
// and keeps the latest report of each contributor.
func TestInputsCacheBounds(t *testing.T) {
	var c inputsCache
	c.sync(1)
	t0 := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	id := int64(0)
	key := func(n int64) string { return fmt.Sprintf("k%d", n) }
	for row := range int64(3 * maxInputPlaces) {
		reps := make([]geo.Report, int(row%40))
		for i := range reps {
			id++
			reps[i] = geo.Report{ID: id, Contributor: key(int64(i)), At: t0.Add(time.Duration(i) * time.Second)}
		}
		c.put(row, t0, reps)
		for k := range int64(30) { // 30 more, two thirds of them from contributors already there
			id++
			c.added(row, geo.Report{ID: id, Contributor: key(k % 20), At: t0.Add(time.Hour + time.Duration(k)*time.Second)})
		}
		if row%97 == 0 {
			c.get(row, t0.Add(10*time.Second), t0.Add(2*time.Hour))
		}
		if row%499 != 0 {
			continue
		}
		n := 0
		for _, e := range c.places {
			n += len(e.reps)
			if d := len(latestOfEach(e.reps, t0.Add(24*time.Hour))); e.stale != len(e.reps)-d {
				t.Fatalf("after place %d: %d stale counted, %d there", row, e.stale, len(e.reps)-d)
			}
		}
		if n != c.held || c.held > maxInputsHeld || len(c.places) > maxInputPlaces {
			t.Fatalf("after place %d: %d places, %d inputs held, counted %d", row, len(c.places), n, c.held)
		}
	}
	last := int64(3*maxInputPlaces - 1)
	got, ok := c.get(last, t0, t0.Add(2*time.Hour))
	if !ok {
		t.Fatal("last place not held")
	}
	// last%40 contributors put (15), then 20 keys, 15 of them back: 20
	// latest reports, all made an hour later.
	counting := latestOfEach(got, t0.Add(24*time.Hour))
	if len(counting) != max(int(last%40), 20) {
		t.Fatalf("last place: %d counting inputs of %d", len(counting), len(got))
	}
	for _, r := range counting {
		if k, _ := strconv.Atoi(r.Contributor[1:]); k < 20 != r.At.After(t0.Add(time.Hour-time.Second)) {
			t.Fatalf("last place: %+v is not the latest of its contributor", r)
		}
	}
	c.sync(2) // another writer bumped the revision
	if _, ok := c.get(last, t0, t0.Add(2*time.Hour)); ok || c.held != 0 {
		t.Fatal("entries kept across a revision the writer did not make")
	}
}

// TestStoredInputTimeIsTheStoredTime: the rule input of a report made
// carries exactly the time read back from the database (UTC, nanoseconds,
// no monotonic reading), for clock readings and times in other zones.
func TestStoredInputTimeIsTheStoredTime(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(7, 8))
	times := []time.Time{time.Now(), time.Now().In(paris), time.Date(2026, 3, 29, 2, 30, 0, 1, paris)}
	for range 1000 {
		times = append(times, time.Unix(rng.Int64N(4e9), rng.Int64N(1e9)).In(paris))
	}
	for _, at := range times {
		got := storedInput(1, NewReport{At: at}).At
		want := parseTime(fmtTime(at))
		if got != want { // == also compares location and monotonic reading
			t.Fatalf("%v: input time %#v, stored %#v", at, got, want)
		}
	}
}
