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
