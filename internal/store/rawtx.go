package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"sync"

	sqlite3 "github.com/mattn/go-sqlite3"
)

// The batcher's transaction runs on the write connection's driver
// connection (database/sql's Conn.Raw), with statements it prepares once,
// BEGIN and COMMIT among them: database/sql's per-statement work (pool,
// context, argument conversion) and go-sqlite3's preparing of BEGIN and
// COMMIT on every transaction were together some 5 % of a report post's
// CPU. Everything else writes through database/sql as before; the write
// pool's single connection is held for the duration, as by a Tx.

// Statements of the batcher, in rawStmts.st.
const (
	rawBegin = iota
	rawCommit
	rawRollback
	rawRevision
	rawInsert
	rawCheck
	rawBump
	rawPlaceReports
	rawCount
)

var rawSQL = [rawCount]string{
	rawBegin:        `BEGIN IMMEDIATE`,
	rawCommit:       `COMMIT`,
	rawRollback:     `ROLLBACK`,
	rawRevision:     revisionSQL,
	rawInsert:       reportInsertSQL,
	rawCheck:        reportCheckSQL,
	rawBump:         bumpSQL,
	rawPlaceReports: placeReportsSQL,
}

// rawStmts are the batcher's statements on one driver connection; only
// the batcher goroutine uses them, inside Conn.Raw, and the connection's
// Close finalizes them (hookConn).
type rawStmts struct {
	mu   sync.Mutex // between the batcher and a Close by database/sql
	conn *sqlite3.SQLiteConn
	st   [rawCount]*sqlite3.SQLiteStmt
}

// prepare (re)prepares the statements if conn is not the one they were
// prepared on (the pool replaced its connection, whose Close finalized
// them).
func (r *rawStmts) prepare(conn *hookConn) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.conn == conn.SQLiteConn {
		return nil
	}
	r.closeLocked()
	for i, q := range rawSQL {
		st, err := conn.Prepare(q)
		if err != nil {
			r.closeLocked()
			return fmt.Errorf("prepare %q: %w", q, err)
		}
		r.st[i] = st.(*sqlite3.SQLiteStmt)
	}
	r.conn = conn.SQLiteConn
	c := conn.SQLiteConn
	conn.setOnClose(func() { r.closeOn(c) })
	return nil
}

// close finalizes the statements; their connection must still be open.
func (r *rawStmts) close() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.closeLocked()
}

// closeOn finalizes the statements if they are those of conn (which is
// being closed).
func (r *rawStmts) closeOn(conn *sqlite3.SQLiteConn) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.conn == conn {
		r.closeLocked()
	}
}

func (r *rawStmts) closeLocked() {
	for i, st := range r.st {
		if st != nil {
			st.Close()
			r.st[i] = nil
		}
	}
	r.conn = nil
}

// exec runs statement i to its end.
func (r *rawStmts) exec(i int, args ...driver.Value) error {
	_, err := r.st[i].Exec(args)
	return err
}

// query runs statement i and calls row for each row; the values are valid
// only during the call.
func (r *rawStmts) query(i int, row func([]driver.Value) error, args ...driver.Value) error {
	rows, err := r.st[i].Query(args)
	if err != nil {
		return err
	}
	dest := make([]driver.Value, len(rows.Columns()))
	for {
		err := rows.Next(dest)
		if err == io.EOF {
			return rows.Close() // resets the statement, as COMMIT needs
		}
		if err == nil {
			err = row(dest)
		}
		if err != nil {
			rows.Close()
			return err
		}
	}
}

// withRaw runs f in a transaction of the write connection with the
// batcher's statements: COMMIT if f returns nil, else ROLLBACK. Should the
// transaction stay open (a ROLLBACK that fails), the connection is given
// back as bad: database/sql closes it, which finalizes the statements,
// and the next batch prepares them on a new one.
func (s *Store) withRaw(ctx context.Context, raw *rawStmts, f func(r *rawStmts) error) error {
	conn, err := s.wdb.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		c, ok := dc.(*hookConn)
		if !ok {
			return fmt.Errorf("store: write connection is a %T", dc)
		}
		if err := raw.prepare(c); err != nil {
			return err
		}
		rollback := func(cause error) error {
			if c.AutoCommit() {
				return cause // no transaction left (SQLite ended it)
			}
			if err := raw.exec(rawRollback); err != nil || !c.AutoCommit() {
				return errors.Join(cause, err, driver.ErrBadConn)
			}
			return cause
		}
		if err := raw.exec(rawBegin); err != nil {
			return rollback(err)
		}
		if err := f(raw); err != nil {
			return rollback(err)
		}
		if err := raw.exec(rawCommit); err != nil {
			return rollback(err)
		}
		s.ckpt.commits.Add(1)
		return nil
	})
}

// closeRaw finalizes the batcher's statements (when the batcher stops,
// before the write pool closes).
func (s *Store) closeRaw(raw *rawStmts) {
	conn, err := s.wdb.Conn(context.Background())
	if err != nil {
		return
	}
	defer conn.Close()
	conn.Raw(func(dc any) error {
		if c, ok := dc.(*hookConn); ok {
			c.setOnClose(nil)
		}
		raw.close() // prepared on this connection, if on any still open
		return nil
	})
}

// hookDriver is go-sqlite3's driver with connections wrapped in hookConn.
// (A field, not an embedding: should go-sqlite3 grow an OpenConnector,
// it must not bypass Open.)
type hookDriver struct{ d *sqlite3.SQLiteDriver }

func (h hookDriver) Open(dsn string) (driver.Conn, error) {
	c, err := h.d.Open(dsn)
	if err != nil {
		return nil, err
	}
	return &hookConn{SQLiteConn: c.(*sqlite3.SQLiteConn)}, nil
}

// hookConn is a go-sqlite3 connection (all its methods, so database/sql
// sees the same optional interfaces) whose Close first finalizes the
// statements prepared on it outside database/sql, the batcher's:
// database/sql may close a connection whenever it holds it (a cancelled
// transaction, a bad connection), and once it is closed go-sqlite3 can no
// longer finalize them — sqlite3_close_v2 would keep the connection, its
// file descriptors and its page cache for ever.
type hookConn struct {
	*sqlite3.SQLiteConn
	mu      sync.Mutex
	onClose func()
}

func (c *hookConn) setOnClose(f func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.onClose = f
}

func (c *hookConn) Close() error {
	c.mu.Lock()
	f := c.onClose
	c.onClose = nil
	c.mu.Unlock()
	if f != nil {
		f()
	}
	return c.SQLiteConn.Close()
}

// driverRow scans one row of driver values as sql.Row.Scan would, for the
// destination types the store uses.
type driverRow []driver.Value

func (v driverRow) Scan(dest ...any) error {
	if len(dest) != len(v) {
		return fmt.Errorf("store: scan %d values into %d destinations", len(v), len(dest))
	}
	for i, d := range dest {
		var ok bool
		switch d := d.(type) {
		case *int64:
			*d, ok = v[i].(int64)
		case *int:
			var n int64
			n, ok = v[i].(int64)
			*d = int(n)
		case *string:
			switch x := v[i].(type) {
			case string:
				*d, ok = x, true
			case []byte:
				*d, ok = string(x), true
			}
		case *[]byte:
			var b []byte
			if b, ok = v[i].([]byte); ok {
				*d = append([]byte(nil), b...)
			}
		case sql.Scanner:
			if err := d.Scan(v[i]); err != nil {
				return fmt.Errorf("store: scan column %d: %w", i, err)
			}
			ok = true
		}
		if !ok {
			return fmt.Errorf("store: scan column %d: %T into %T", i, v[i], d)
		}
	}
	return nil
}
