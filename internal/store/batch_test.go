package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"codeberg.org/openmap/openmap/geo"
)

// openFiles counts this process's file descriptors on the database path
// (the file, its WAL and shared memory).
func openFiles(t *testing.T, path string) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip("no /proc/self/fd")
	}
	n := 0
	for _, e := range ents {
		if target, err := os.Readlink(filepath.Join("/proc/self/fd", e.Name())); err == nil && strings.HasPrefix(target, path) {
			n++
		}
	}
	return n
}

// TestBatcherSurvivesADroppedConnection: when database/sql drops the write
// connection (here a transaction whose context is cancelled), the
// batcher's statements on it are finalized with it — no connection is
// left behind holding the file open — and the next reports go through a
// new one.
func TestBatcherSurvivesADroppedConnection(t *testing.T) {
	ctx := context.Background()
	s, path := open(t)
	if _, err := s.ImportPlaces(ctx, "test", []string{"x"}, testPlaces(), geo.DefaultCategories()); err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	add := func(i int) {
		t.Helper()
		if _, err := s.AddReport(ctx, NewReport{Place: testPlaces()[0].ID, Status: geo.StatusOpen, At: t0.Add(time.Duration(i) * time.Second),
			Contributor: []byte(fmt.Sprintf("%032d", i))}); err != nil {
			t.Fatal(err)
		}
	}
	add(0) // the batcher prepares its statements
	before := openFiles(t, path)
	for i := range 3 {
		cctx, cancel := context.WithCancel(ctx)
		err := s.inTx(cctx, func(tx *sql.Tx) error {
			cancel() // database/sql rolls back and drops the connection
			time.Sleep(20 * time.Millisecond)
			return nil
		})
		if !errors.Is(err, context.Canceled) && !errors.Is(err, sql.ErrTxDone) {
			t.Fatalf("cancelled transaction: %v", err)
		}
		add(i + 1)
	}
	if after := openFiles(t, path); after > before {
		t.Errorf("%d descriptors on the database after 3 dropped connections, %d before", after, before)
	}
	if n, err := s.CountReports(ctx, time.Time{}); err != nil || n.Total != 4 {
		t.Fatalf("%+v reports (%v), want 4", n, err)
	}
}

// TestBatchRetriedOneByOne: a report that fails inside a shared
// transaction with no domain error (here a status the table refuses) rolls
// the batch back; each report is then tried alone, so the others are
// stored and only it fails.
func TestBatchRetriedOneByOne(t *testing.T) {
	ctx := context.Background()
	s, _ := open(t)
	if _, err := s.ImportPlaces(ctx, "test", []string{"x"}, testPlaces(), geo.DefaultCategories()); err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	var wg sync.WaitGroup
	errs := make([]error, 40)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st := geo.StatusOpen
			if i == 17 {
				st = "bogus"
			}
			_, errs[i] = s.AddReport(ctx, NewReport{Place: testPlaces()[i%2].ID, Status: st, At: t0.Add(time.Duration(i) * time.Second),
				Contributor: []byte(fmt.Sprintf("%032d", i))})
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if (err != nil) != (i == 17) {
			t.Errorf("report %d: %v", i, err)
		}
	}
	if n, err := s.CountReports(ctx, time.Time{}); err != nil || n.Total != 39 {
		t.Fatalf("%+v reports stored (%v), want 39", n, err)
	}
}
