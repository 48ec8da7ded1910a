package store

import (
	"bytes"
	"context"
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
	if s.ckpt.done.Load() != 0 {
		t.Fatal("checkpoints before any report")
	}
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
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	// Everything is in the database file: a new store reads it all.
	again, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	var n int
	if err := again.db.QueryRowContext(ctx, `SELECT count(*) FROM reports`).Scan(&n); err != nil || n != 50 {
		t.Fatalf("%d reports after reopening (%v)", n, err)
	}
}
