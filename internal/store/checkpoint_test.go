package store

import (
	"bytes"
	"context"
	"os"
	"testing"
	"time"

	"codeberg.org/openmap/openmap/geo"
)

// TestCheckpointer: once reports are written, the WAL is copied into the
// database from the checkpointer's connection, the writer's automatic
// checkpoint is only a backstop, and Close stops it all.
func TestCheckpointer(t *testing.T) {
	ctx := context.Background()
	s, path := open(t)
	if _, err := s.ImportPlaces(ctx, "test", []string{"x"}, testPlaces(), geo.DefaultCategories()); err != nil {
		t.Fatal(err)
	}
	size := func() int64 {
		st, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		return st.Size()
	}
	before := size()
	for i := range 50 {
		if _, err := s.AddReport(ctx, NewReport{Place: testPlaces()[i%2].ID, Status: geo.StatusOpen, At: time.Now(), Contributor: bytes.Repeat([]byte{byte(i)}, 32)}); err != nil {
			t.Fatal(err)
		}
	}
	var pages int
	if err := s.wdb.QueryRowContext(ctx, `PRAGMA wal_autocheckpoint`).Scan(&pages); err != nil || pages != 10000 {
		t.Fatalf("writer's automatic checkpoint at %d pages (%v)", pages, err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for s.ckpt.done.Load() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("no checkpoint 5 s after 50 reports")
		}
		time.Sleep(20 * time.Millisecond)
	}
	// In WAL mode only a checkpoint writes the database file, and the
	// places and reports were still in the WAL: the file has grown while
	// the store is open.
	if after := size(); after <= before {
		t.Fatalf("database file %d bytes before the reports, %d after a checkpoint", before, after)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}
