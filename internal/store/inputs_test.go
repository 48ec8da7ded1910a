package store

import (
	"bytes"
	"context"
	"reflect"
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
		want, err := s.PlaceReports(ctx, place, since)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("report %d: inputs\n%+v\nread back\n%+v", id, got, want)
		}
		if len(got) == 0 || got[len(got)-1].ID != id && !containsID(got, id) {
			t.Fatalf("report %d not in its inputs: %+v", id, got)
		}
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
}

func containsID(reps []Report, id int64) bool {
	for _, r := range reps {
		if r.ID == id {
			return true
		}
	}
	return false
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
		inputs []Report
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
				answers <- answer{id, reps}
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
		if !containsID(a.inputs, a.id) {
			t.Fatalf("report %d not in its inputs", a.id)
		}
		place := a.inputs[0].Place
		// The answer is the stored list less the reports committed
		// after it: same order, same values.
		var want []Report
		for _, r := range all[place] {
			if r.ID <= a.id {
				want = append(want, r)
			}
		}
		if !reflect.DeepEqual(a.inputs, want) {
			t.Fatalf("report %d: inputs\n%+v\nwant\n%+v", a.id, a.inputs, want)
		}
	}
	if n != 400 {
		t.Fatalf("%d answers", n)
	}
}

// TestInputsCacheBounds: however many places and reports go through it,
// the cache holds at most maxInputPlaces places and maxInputsHeld reports,
// and counts them right.
func TestInputsCacheBounds(t *testing.T) {
	var c inputsCache
	c.sync(1)
	t0 := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	id := int64(0)
	for row := range int64(3 * maxInputPlaces) {
		reps := make([]Report, int(row%40))
		for i := range reps {
			id++
			reps[i] = Report{ID: id, At: t0.Add(time.Duration(i) * time.Second)}
		}
		c.put(row, t0, reps)
		for range 3 {
			id++
			c.added(row, Report{ID: id, At: t0.Add(time.Hour)})
		}
		if row%97 == 0 {
			c.get(row, t0.Add(10*time.Second))
		}
		if row%61 != 0 {
			continue
		}
		n := 0
		for _, e := range c.places {
			n += len(e.reps)
		}
		if n != c.held || c.held > maxInputsHeld || len(c.places) > maxInputPlaces {
			t.Fatalf("after place %d: %d places, %d reports held, counted %d", row, len(c.places), n, c.held)
		}
	}
	if got, ok := c.get(3*maxInputPlaces-1, t0); !ok || len(got) != (3*maxInputPlaces-1)%40+3 {
		t.Fatalf("last place: %d reports, held %v", len(got), ok)
	}
	c.sync(2) // another writer bumped the revision
	if _, ok := c.get(3*maxInputPlaces-1, t0); ok || c.held != 0 {
		t.Fatal("entries kept across a revision the writer did not make")
	}
}
