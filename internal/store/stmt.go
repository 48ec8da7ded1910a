package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"

	sqlite3 "github.com/mattn/go-sqlite3"
)

// stmtCache keeps the prepared statements of the hot queries: SQLite spends
// more time preparing a statement like the window query of PlaceReports
// (SpatiaLite registers hundreds of functions) than running it.
// database/sql re-prepares a Stmt on each pool connection as needed.
type stmtCache struct {
	mu sync.Mutex
	m  map[string]*sql.Stmt
}

// prepared returns the statement for query on db, preparing it once.
func (c *stmtCache) prepared(ctx context.Context, db *sql.DB, query string) (*sql.Stmt, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if st, ok := c.m[query]; ok {
		return st, nil
	}
	st, err := db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if c.m == nil {
		c.m = map[string]*sql.Stmt{}
	}
	c.m[query] = st
	return st, nil
}

func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, st := range c.m {
		st.Close()
	}
	c.m = nil
}

// query runs a read through a prepared statement of the read pool.
func (s *Store) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	st, err := s.rstmts.prepared(ctx, s.db, q)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

// queryRow is query for one row.
func (s *Store) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	st, err := s.rstmts.prepared(ctx, s.db, q)
	if err != nil {
		// A Row carrying the error: prepare failed, so does Scan.
		return s.db.QueryRowContext(ctx, q, args...)
	}
	return st.QueryRowContext(ctx, args...)
}

// ErrBusy says the database stayed locked by another process (an import
// running in one long transaction) beyond the busy timeout: the caller may
// try again later. Within one process writes queue on the single write
// connection and never see it.
var ErrBusy = errors.New("database busy")

// busy marks SQLITE_BUSY and SQLITE_LOCKED errors with ErrBusy.
func busy(err error) error {
	var se sqlite3.Error
	if errors.As(err, &se) && (se.Code == sqlite3.ErrBusy || se.Code == sqlite3.ErrLocked) {
		return fmt.Errorf("%w: %v", ErrBusy, err)
	}
	return err
}
