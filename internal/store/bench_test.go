package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkRawOneRowTx is the yardstick of report writes: one row per
// transaction through the store's write connection (WAL,
// synchronous=NORMAL, BEGIN IMMEDIATE — the durability of AddReport),
// nothing else. scripts/bench-api.sh compares HTTP report posts with it.
func BenchmarkRawOneRowTx(b *testing.B) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(b.TempDir(), "raw.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if _, err := s.wdb.ExecContext(ctx, `CREATE TABLE bench_rows (id INTEGER PRIMARY KEY, place_id INTEGER, status TEXT, created_at TEXT, contributor BLOB)`); err != nil {
		b.Fatal(err)
	}
	who := make([]byte, 32)
	for b.Loop() {
		if err := s.inTx(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO bench_rows (place_id, status, created_at, contributor) VALUES (?, ?, ?, ?)`,
				1, "open", fmtTime(time.Now()), who)
			return err
		}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAddReport: reports written by 16 concurrent writers through
// AddReport (checks, insert, revision; group commit), to set beside
// BenchmarkRawOneRowTx.
func BenchmarkAddReport(b *testing.B) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(b.TempDir(), "add.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if _, err := s.ImportPlaces(ctx, "bench", []string{"x"}, testPlaces(), nil); err != nil {
		b.Fatal(err)
	}
	who := make([]byte, 32)
	b.SetParallelism(8) // 16 goroutines on 2 cores
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := s.AddReport(ctx, NewReport{Place: testPlaces()[0].ID, Status: "open", At: time.Now(), Contributor: who}); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
