package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	sqlite3 "github.com/mattn/go-sqlite3"
)

//go:embed migrations/*.sql
var migrations embed.FS

// ErrNotFound is returned when the asked row does not exist.
var ErrNotFound = errors.New("not found")

// ErrNoSpatiaLite says that the mod_spatialite extension could not be loaded.
var ErrNoSpatiaLite = errors.New("mod_spatialite is not installed: on Debian/Ubuntu run 'sudo apt-get install libsqlite3-mod-spatialite' (Fedora: 'dnf install libspatialite', macOS: 'brew install libspatialite')")

const driverName = "openmap_spatialite"

var registerOnce sync.Once

func register() {
	registerOnce.Do(func() {
		sql.Register(driverName, hookDriver{&sqlite3.SQLiteDriver{Extensions: []string{"mod_spatialite"}}})
	})
}

// Store is the openmap database.
type Store struct {
	path string
	db   *sql.DB // reads: a pool
	wdb  *sql.DB // writes: one connection, BEGIN IMMEDIATE

	rstmts stmtCache    // prepared hot statements of the read pool (stmt.go)
	batch  batcher      // group commit of reports (batch.go)
	ckpt   checkpointer // checkpoints once reports are written (checkpoint.go)
	dsn    string       // of a read-write connection
	inputs inputsCache  // status inputs by place, the batcher's (inputs.go)
	points pointCache   // every place's map point (pointcache.go)
}

// Durability is how far a committed transaction (an acknowledged report,
// an import) is kept.
type Durability int

const (
	// Full, the default, syncs the write-ahead log to disk at each commit
	// (SQLite's synchronous=FULL): what was committed survives a power cut
	// or a crash of the system, not only a crash of openmap. The report
	// batcher commits many reports at once, so the sync is shared.
	Full Durability = iota
	// Normal syncs only at checkpoints (synchronous=NORMAL): a commit
	// survives kill -9 of openmap, but the last ones before a power cut
	// may be lost (the database itself stays whole). For disks where a
	// sync is slow.
	Normal
)

// ParseDurability reads "full" or "normal".
func ParseDurability(s string) (Durability, error) {
	switch s {
	case "full":
		return Full, nil
	case "normal":
		return Normal, nil
	}
	return Full, fmt.Errorf("durability %q: want full or normal", s)
}

func (d Durability) String() string {
	if d == Normal {
		return "normal"
	}
	return "full"
}

// Options are the settings of a store; the zero value is the default.
type Options struct {
	Durability Durability
}

// Open opens (creating if needed) the SpatiaLite database at path, with
// the default options, and brings its schema up to date.
func Open(ctx context.Context, path string) (*Store, error) {
	return OpenWith(ctx, path, Options{})
}

// OpenWith is Open with options.
func OpenWith(ctx context.Context, path string, o Options) (*Store, error) {
	if path == "" {
		return nil, errors.New("store: no database path given")
	}
	if dir := filepath.Dir(path); dir != "" {
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			return nil, fmt.Errorf("store: open %s: folder %s does not exist", path, dir)
		}
	}
	register()
	dsn := func(txlock string) string {
		q := url.Values{}
		q.Set("_busy_timeout", "10000")
		q.Set("_journal_mode", "WAL")
		q.Set("_synchronous", strings.ToUpper(o.Durability.String()))
		q.Set("_foreign_keys", "1")
		q.Set("_txlock", txlock)
		return "file:" + url.PathEscape(path) + "?" + q.Encode()
	}
	// The writer's page cache holds the index pages that reports land on
	// at random (reports_place, places by OSM id). Not more than 8 MB:
	// after a b-tree balance that swaps two pages (it parks one at the
	// pending-byte page number), SQLite's COMMIT walks the whole cache, and
	// at 32 MB that walk cost more than the reads it saved.
	wdb, err := sql.Open(driverName, dsn("immediate")+"&_cache_size=-8192")
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	wdb.SetMaxOpenConns(1)
	wdb.SetConnMaxIdleTime(0)
	if err := wdb.PingContext(ctx); err != nil {
		wdb.Close()
		if strings.Contains(err.Error(), "mod_spatialite") {
			return nil, fmt.Errorf("store: open %s: %w (%v)", path, ErrNoSpatiaLite, err)
		}
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	s := &Store{path: path, wdb: wdb, dsn: dsn("deferred")}
	if err := s.migrate(ctx); err != nil {
		wdb.Close()
		return nil, err
	}
	s.db, err = sql.Open(driverName, dsn("deferred")+"&mode=ro")
	if err != nil {
		wdb.Close()
		return nil, fmt.Errorf("store: open %s for reading: %w", path, err)
	}
	s.db.SetMaxOpenConns(8)
	s.db.SetMaxIdleConns(8)
	return s, nil
}

// Durability reads back how the write connection syncs (SQLite's
// synchronous), so that what runs can be logged, not what was asked.
func (s *Store) Durability(ctx context.Context) (Durability, error) {
	var n int
	if err := s.wdb.QueryRowContext(ctx, `PRAGMA synchronous`).Scan(&n); err != nil {
		return Full, fmt.Errorf("store: read durability: %w", err)
	}
	switch n {
	case 2:
		return Full, nil
	case 1:
		return Normal, nil
	}
	return Full, fmt.Errorf("store: write connection at synchronous=%d, neither full nor normal", n)
}

// Close closes the database.
func (s *Store) Close() error {
	var errs []error
	s.batch.stop()
	s.rstmts.close()
	if s.db != nil {
		errs = append(errs, s.db.Close())
	}
	errs = append(errs, s.wdb.Close())
	return errors.Join(errs...)
}

// Path is the file the store was opened on.
func (s *Store) Path() string { return s.path }

func (s *Store) migrate(ctx context.Context) error {
	// InitSpatialMetadata(1) creates the SpatiaLite catalogue in one
	// transaction of its own (without it, thousands of autocommits take
	// seconds), so it runs before the numbered migrations.
	var has int
	if err := s.wdb.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE name = 'geometry_columns'`).Scan(&has); err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	if has == 0 {
		if _, err := s.wdb.ExecContext(ctx, `SELECT InitSpatialMetadata(1)`); err != nil {
			return fmt.Errorf("store: init spatial metadata: %w", err)
		}
	}
	if _, err := s.wdb.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	files, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	type mig struct {
		version int
		name    string
	}
	var list []mig
	for _, f := range files {
		base := strings.TrimPrefix(f, "migrations/")
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return fmt.Errorf("store: migration %s: name must start with a number and '_'", base)
		}
		list = append(list, mig{v, base})
	}
	sort.Slice(list, func(i, j int) bool { return list[i].version < list[j].version })
	for i := 1; i < len(list); i++ {
		if list[i].version == list[i-1].version {
			return fmt.Errorf("store: migrations %s and %s share a number", list[i-1].name, list[i].name)
		}
	}
	for _, m := range list {
		var done int
		if err := s.wdb.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, m.version).Scan(&done); err != nil {
			return fmt.Errorf("store: migrate: %w", err)
		}
		if done > 0 {
			continue
		}
		body, err := migrations.ReadFile("migrations/" + m.name)
		if err != nil {
			return fmt.Errorf("store: migration %s: %w", m.name, err)
		}
		if err := s.inTx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, string(body)); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
				m.version, m.name, now())
			return err
		}); err != nil {
			return fmt.Errorf("store: migration %s: %w", m.name, err)
		}
	}
	return nil
}

// inTx runs f in a write transaction, committed if f returns nil.
func (s *Store) inTx(ctx context.Context, f func(tx *sql.Tx) error) error {
	tx, err := s.wdb.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := f(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	s.ckpt.commits.Add(1)
	return nil
}

func now() string { return time.Now().UTC().Format(time.RFC3339) }
