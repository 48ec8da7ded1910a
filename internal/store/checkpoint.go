package store

import (
	"context"
	"database/sql"
	"sync/atomic"
	"time"
)

// Checkpoints of a process that writes reports (the server): SQLite's
// automatic checkpoint runs inside the COMMIT that crosses 1000 WAL pages,
// so every few hundred transactions one report waited for the copy of the
// WAL into the database and its fsync (p99 43–97 ms on the report bench).
// The checkpointer does that work from a connection of its own, PASSIVE
// (it never blocks the writer or a reader), ten times a second when
// something was committed; the writer keeps an automatic checkpoint at
// 10,000 pages only as a backstop should the checkpointer fall behind.
const (
	checkpointEvery = 100 * time.Millisecond
	backstopSQL     = `PRAGMA wal_autocheckpoint = 10000` // pages
)

type checkpointer struct {
	commits atomic.Int64 // writer commits so far
	done    atomic.Int64 // checkpoints run that found frames to copy
	seen    int64        // commits at the last checkpoint (loop only)
}

// run checkpoints until quit is closed, then closes its connection.
func (c *checkpointer) run(db *sql.DB, quit <-chan struct{}, finished chan<- struct{}) {
	defer close(finished)
	defer db.Close()
	t := time.NewTicker(checkpointEvery)
	defer t.Stop()
	for {
		select {
		case <-quit:
			return
		case <-t.C:
		}
		n := c.commits.Load()
		if n == c.seen {
			continue
		}
		c.seen = n
		var busy, frames, copied int
		if err := db.QueryRowContext(context.Background(), `PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &frames, &copied); err == nil && copied > 0 {
			c.done.Add(1)
		}
		// On an error (the file gone, a disk full) the backstop
		// automatic checkpoint of the writer remains.
	}
}

// startCheckpointer hands the checkpoints of s to a goroutine with its own
// connection, once reports are written. Without a connection (it cannot be
// opened) SQLite's automatic checkpoint stays as it was.
func (s *Store) startCheckpointer(quit <-chan struct{}, finished chan<- struct{}) {
	db, err := sql.Open(driverName, s.dsn)
	if err == nil {
		db.SetMaxOpenConns(1)
		err = db.Ping()
	}
	if err == nil {
		_, err = s.wdb.Exec(backstopSQL)
	}
	if err != nil {
		if db != nil {
			db.Close()
		}
		close(finished)
		return
	}
	go s.ckpt.run(db, quit, finished)
}
