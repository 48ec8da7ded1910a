package store

import (
	"context"
	crand "crypto/rand"
	"database/sql"
	"database/sql/driver"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	sqlite3 "github.com/mattn/go-sqlite3"
)

// BenchmarkRawOneRowTx is a yardstick of report writes: one row of a bare
// table (no index) per transaction through database/sql on the store's
// write connection (WAL, BEGIN IMMEDIATE, the store's durability — that of
// AddReport, see rawOptions), nothing else; database/sql's Tx, and
// go-sqlite3 preparing BEGIN, the INSERT and COMMIT each time, make it
// twice as slow as BenchmarkRawOneRowTxDriver, the strict one.
// scripts/bench-api.sh compares HTTP report posts with both.
func BenchmarkRawOneRowTx(b *testing.B) {
	ctx := context.Background()
	s := bareTable(b)
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

// BenchmarkRawReportTx is the same-row yardstick of report writes: one
// report row per transaction, as the server stores it (the reports table
// with its indexes and foreign key, at a random place), with the insert
// prepared once, through database/sql on the store's write connection
// (WAL, BEGIN IMMEDIATE, rawOptions). OPENMAP_RAW_DB names a database to write to (a copy of the
// benchmark database in scripts/bench-api.sh); else the test places.
func BenchmarkRawReportTx(b *testing.B) {
	ctx := context.Background()
	path := os.Getenv("OPENMAP_RAW_DB")
	if path == "" {
		path = filepath.Join(b.TempDir(), "raw.db")
	}
	s, err := OpenWith(ctx, path, rawOptions(b))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	rowsOf := func() []int64 {
		rows, err := s.wdb.QueryContext(ctx, `SELECT id FROM places`)
		if err != nil {
			b.Fatal(err)
		}
		defer rows.Close()
		var ids []int64
		for rows.Next() {
			var id int64
			rows.Scan(&id)
			ids = append(ids, id)
		}
		return ids
	}
	places := rowsOf()
	if len(places) == 0 {
		if _, err := s.ImportPlaces(ctx, "bench", []string{"x"}, testPlaces(), nil); err != nil {
			b.Fatal(err)
		}
		places = rowsOf()
	}
	ins, err := s.wdb.PrepareContext(ctx, reportInsertSQL)
	if err != nil {
		b.Fatal(err)
	}
	defer ins.Close()
	who := make([]byte, 32)
	rng := rand.New(rand.NewPCG(1, 2))
	for b.Loop() {
		crand.Read(who)
		if err := s.inTx(ctx, func(tx *sql.Tx) error {
			_, err := tx.StmtContext(ctx, ins).ExecContext(ctx, places[rng.IntN(len(places))], "open", "Mo-Fr 09:00-18:00", nil, nil, nil,
				"bench", fmtTime(time.Now()), who, "")
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
	s, err := OpenWith(ctx, filepath.Join(b.TempDir(), "add.db"), rawOptions(b))
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

// rawOptions are the store options of the write benchmarks: the default
// durability, or the one OPENMAP_RAW_DURABILITY names (full or normal), so
// that scripts/bench-api.sh sets each loop beside a server of the same
// durability.
func rawOptions(b *testing.B) Options {
	b.Helper()
	var o Options
	if v := os.Getenv("OPENMAP_RAW_DURABILITY"); v != "" {
		d, err := ParseDurability(v)
		if err != nil {
			b.Fatal(err)
		}
		o.Durability = d
	}
	return o
}

// bareTable opens a store in a temporary folder with the bare table of the
// raw loops, bench_rows.
func bareTable(b *testing.B) *Store {
	b.Helper()
	ctx := context.Background()
	s, err := OpenWith(ctx, filepath.Join(b.TempDir(), "raw.db"), rawOptions(b))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	if _, err := s.wdb.ExecContext(ctx, `CREATE TABLE bench_rows (id INTEGER PRIMARY KEY, place_id INTEGER, status TEXT, created_at TEXT, contributor BLOB)`); err != nil {
		b.Fatal(err)
	}
	return s
}

// BenchmarkRawOneRowTxDriver is BenchmarkRawOneRowTx on the driver
// connection with its statements prepared once (BEGIN IMMEDIATE, INSERT,
// COMMIT), as the report batcher runs them: the bare loop without
// database/sql's work.
func BenchmarkRawOneRowTxDriver(b *testing.B) {
	ctx := context.Background()
	s := bareTable(b)
	conn, err := s.wdb.Conn(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	who := make([]byte, 32)
	err = conn.Raw(func(dc any) error {
		c := dc.(*hookConn)
		var st [3]*sqlite3.SQLiteStmt // as rawStmts holds them
		for i, q := range []string{`BEGIN IMMEDIATE`, `INSERT INTO bench_rows (place_id, status, created_at, contributor) VALUES (?, ?, ?, ?)`, `COMMIT`} {
			ds, err := c.Prepare(q)
			if err != nil {
				return err
			}
			st[i] = ds.(*sqlite3.SQLiteStmt)
			defer st[i].Close()
		}
		for b.Loop() {
			if _, err := st[0].Exec(nil); err != nil {
				return err
			}
			if _, err := st[1].Exec([]driver.Value{int64(1), "open", fmtTime(time.Now()), who}); err != nil {
				return err
			}
			if _, err := st[2].Exec(nil); err != nil {
				return err
			}
			s.ckpt.commits.Add(1)
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}
