package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"codeberg.org/openmap/openmap/geo"
)

// ErrLocked is returned when a report is made on a place a moderator locked.
var ErrLocked = errors.New("place is locked")

// ErrBlocked is returned when a blocked contributor reports.
var ErrBlocked = errors.New("contributor is blocked")

// timeLayout is how report times are stored: sortable as text.
const timeLayout = "2006-01-02T15:04:05.000000000Z07:00"

func fmtTime(t time.Time) string { return t.UTC().Format(timeLayout) }

func parseTime(s string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}

// NewReport is a report to record.
type NewReport struct {
	Place        geo.PlaceID
	Status       geo.Status
	OpeningHours string
	Delivery     *bool
	Takeaway     *bool
	Pickup       *bool
	Remark       string
	At           time.Time
	// Contributor is the keyed hash of the contributor key (never the key).
	Contributor []byte
	// Trusted is the role of the token the report was made with, "" for none.
	Trusted string
}

// Report is a stored report.
type Report struct {
	ID           int64
	Place        geo.PlaceID
	Status       geo.Status
	OpeningHours string
	Delivery     *bool
	Takeaway     *bool
	Pickup       *bool
	Remark       string
	At           time.Time
	Contributor  []byte
	Trusted      string
	Hidden       bool
}

// Rule returns the report as the status rules see it.
func (r Report) Rule() geo.Report {
	return geo.Report{
		ID: r.ID, Contributor: hex.EncodeToString(r.Contributor), Status: r.Status, Trusted: r.Trusted != "",
		Hidden: r.Hidden, At: r.At, OpeningHours: r.OpeningHours,
		Delivery: r.Delivery, Takeaway: r.Takeaway, Pickup: r.Pickup,
	}
}

func boolPtr(n sql.NullInt64) *bool {
	if !n.Valid {
		return nil
	}
	b := n.Int64 == 1
	return &b
}

// AddReport records a report, after checking that the place exists
// (ErrNotFound), is not locked (ErrLocked) and that the contributor is not
// blocked (ErrBlocked). It returns the report's id once the transaction
// holding it has committed. Reports arriving together share one
// transaction (group commit, batch.go); a report is never acknowledged
// before its commit, and one failing report never sinks the others.
func (s *Store) AddReport(ctx context.Context, r NewReport) (int64, error) {
	res, err := s.batch.add(ctx, s, r, time.Time{})
	if err != nil {
		return 0, fmt.Errorf("store: record report for %v: %w", r.Place, busy(err))
	}
	return res.id, nil
}

// AddReportInputs is AddReport that also returns the status inputs of the
// place right after it, as of the same transaction (the new report is
// among them), which saves the status of the place a second read: the
// visible reports made at or after since, as rule inputs, oldest first,
// with at least the latest of each contributor — the ones the rules count
// (older ones of the same contributor may be there too; the rules skip
// them).
func (s *Store) AddReportInputs(ctx context.Context, r NewReport, since time.Time) (int64, []geo.Report, error) {
	if since.IsZero() {
		since = time.Unix(0, 1)
	}
	res, err := s.batch.add(ctx, s, r, since)
	if err != nil {
		return 0, nil, fmt.Errorf("store: record report for %v: %w", r.Place, busy(err))
	}
	return res.id, res.inputs, nil
}

const (
	reportCheckSQL = `SELECT p.id,
    EXISTS (SELECT 1 FROM place_locks l WHERE l.place_id = p.id),
    EXISTS (SELECT 1 FROM blocked_contributors b WHERE b.contributor = ?)
FROM places p WHERE p.osm_type = ? AND p.osm_id = ?`
	reportInsertSQL = `INSERT INTO reports (place_id, status, opening_hours, delivery, takeaway, pickup, remark, created_at, contributor, trusted)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
)

const placeReportsSQL = `SELECT ` + reportColumns + ` FROM reports r JOIN places p ON p.id = r.place_id
WHERE p.osm_type = ? AND p.osm_id = ? AND r.created_at >= ? AND r.hidden = 0 ORDER BY r.created_at, r.id`

const reportColumns = `r.id, p.osm_type, p.osm_id, r.status, r.opening_hours, r.delivery, r.takeaway, r.pickup, r.remark, r.created_at, r.contributor, r.trusted, r.hidden`

func scanReport(rs rowScanner) (Report, error) {
	var (
		r           Report
		typ, st, at string
		d, tk, pk   sql.NullInt64
		hidden      int
	)
	if err := rs.Scan(&r.ID, &typ, &r.Place.ID, &st, &r.OpeningHours, &d, &tk, &pk, &r.Remark, &at, &r.Contributor, &r.Trusted, &hidden); err != nil {
		return Report{}, err
	}
	r.Place.Type = geo.ElementType(typ)
	r.Status = geo.Status(st)
	r.Delivery, r.Takeaway, r.Pickup = boolPtr(d), boolPtr(tk), boolPtr(pk)
	r.At = parseTime(at)
	r.Hidden = hidden == 1
	return r, nil
}

func collectReports(rows *sql.Rows) ([]Report, error) {
	defer rows.Close()
	var out []Report
	for rows.Next() {
		r, err := scanReport(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// PlaceReports returns the visible reports of one place made at or after
// since, oldest first: the inputs of its status (the rules keep each
// contributor's latest). One index range, no sort.
func (s *Store) PlaceReports(ctx context.Context, id geo.PlaceID, since time.Time) ([]Report, error) {
	rows, err := s.query(ctx, placeReportsSQL, id.Type, id.ID, fmtTime(since))
	if err != nil {
		return nil, fmt.Errorf("store: reports of %v: %w", id, err)
	}
	out, err := collectReports(rows)
	if err != nil {
		return nil, fmt.Errorf("store: reports of %v: %w", id, err)
	}
	return out, nil
}

// LatestReports returns the newest n reports of one place, hidden ones
// included, newest first.
func (s *Store) LatestReports(ctx context.Context, id geo.PlaceID, n int) ([]Report, error) {
	rows, err := s.query(ctx, `SELECT `+reportColumns+` FROM reports r JOIN places p ON p.id = r.place_id
WHERE p.osm_type = ? AND p.osm_id = ? ORDER BY r.created_at DESC, r.id DESC LIMIT ?`, id.Type, id.ID, n)
	if err != nil {
		return nil, fmt.Errorf("store: latest reports of %v: %w", id, err)
	}
	out, err := collectReports(rows)
	if err != nil {
		return nil, fmt.Errorf("store: latest reports of %v: %w", id, err)
	}
	return out, nil
}

// countingReports keeps, of each contributor on each place, the latest
// visible report made at or after the given time: all that the status rules
// count, so a flood from one key costs one row.
const countingReports = `SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY place_id, contributor ORDER BY created_at DESC, id DESC) AS n
    FROM reports WHERE created_at >= ? AND hidden = 0 %s) WHERE n = 1`

// RecentReports returns, for every place, the reports the status rules
// count at or after since: the latest visible one of each contributor,
// oldest first. The freshness window keeps this small next to the number of
// places.
func (s *Store) RecentReports(ctx context.Context, since time.Time) (map[geo.PlaceID][]Report, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+reportColumns+` FROM reports r JOIN places p ON p.id = r.place_id
WHERE r.id IN (`+fmt.Sprintf(countingReports, "")+`) ORDER BY r.created_at, r.id`, fmtTime(since))
	if err != nil {
		return nil, fmt.Errorf("store: recent reports: %w", err)
	}
	list, err := collectReports(rows)
	if err != nil {
		return nil, fmt.Errorf("store: recent reports: %w", err)
	}
	out := make(map[geo.PlaceID][]Report)
	for _, r := range list {
		out[r.Place] = append(out[r.Place], r)
	}
	return out, nil
}

// Revision changes whenever a report is added or hidden, a contributor
// blocked or a place (un)locked: callers use it to invalidate caches. It is
// one read of a one-row table.
func (s *Store) Revision(ctx context.Context) (int64, error) {
	var v int64
	if err := s.queryRow(ctx, revisionSQL).Scan(&v); err != nil {
		return 0, fmt.Errorf("store: revision: %w", err)
	}
	return v, nil
}

const revisionSQL = `SELECT n FROM revision WHERE id = 1`

const bumpSQL = `UPDATE revision SET n = n + 1 WHERE id = 1`

// bump is called inside every write transaction that changes statuses.
func bump(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, bumpSQL)
	return err
}

// Report returns one report by id.
func (s *Store) Report(ctx context.Context, id int64) (Report, error) {
	r, err := scanReport(s.db.QueryRowContext(ctx, `SELECT `+reportColumns+` FROM reports r JOIN places p ON p.id = r.place_id WHERE r.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Report{}, fmt.Errorf("store: report %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return Report{}, fmt.Errorf("store: report %d: %w", id, err)
	}
	return r, nil
}

// HideReport hides (or shows again) a report; ErrNotFound if there is none.
func (s *Store) HideReport(ctx context.Context, id int64, hidden bool, at time.Time) (Report, error) {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		h, when := 0, any(nil)
		if hidden {
			h, when = 1, fmtTime(at)
		}
		res, err := tx.ExecContext(ctx, `UPDATE reports SET hidden = ?, hidden_at = ? WHERE id = ?`, h, when, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return bump(ctx, tx)
	})
	if err != nil {
		return Report{}, fmt.Errorf("store: hide report %d: %w", id, err)
	}
	return s.Report(ctx, id)
}

// BlockContributorOf blocks the contributor behind a report and hides every
// report they made. It returns how many reports it hid.
// Blocked says whether a moderator blocked the contributor hash who.
func (s *Store) Blocked(ctx context.Context, who []byte) (bool, error) {
	var n int
	if err := s.queryRow(ctx, `SELECT count(*) FROM blocked_contributors WHERE contributor = ?`, who).Scan(&n); err != nil {
		return false, fmt.Errorf("store: blocked: %w", err)
	}
	return n > 0, nil
}

func (s *Store) BlockContributorOf(ctx context.Context, reportID int64, at time.Time) (int, error) {
	var hid int
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var who []byte
		err := tx.QueryRowContext(ctx, `SELECT contributor FROM reports WHERE id = ?`, reportID).Scan(&who)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO blocked_contributors (contributor, blocked_at) VALUES (?, ?)`, who, fmtTime(at)); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE reports SET hidden = 1, hidden_at = ? WHERE contributor = ? AND hidden = 0`, fmtTime(at), who)
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		hid = int(n)
		return bump(ctx, tx)
	})
	if err != nil {
		return 0, fmt.Errorf("store: block contributor of report %d: %w", reportID, err)
	}
	return hid, nil
}

// LockPlace locks (or unlocks) a place; ErrNotFound if it is unknown.
func (s *Store) LockPlace(ctx context.Context, id geo.PlaceID, locked bool, at time.Time) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var row int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM places WHERE osm_type = ? AND osm_id = ?`, id.Type, id.ID).Scan(&row)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if locked {
			_, err = tx.ExecContext(ctx, `INSERT OR IGNORE INTO place_locks (place_id, locked_at) VALUES (?, ?)`, row, fmtTime(at))
		} else {
			_, err = tx.ExecContext(ctx, `DELETE FROM place_locks WHERE place_id = ?`, row)
		}
		if err != nil {
			return err
		}
		return bump(ctx, tx)
	})
	if err != nil {
		return fmt.Errorf("store: lock %v: %w", id, err)
	}
	return nil
}

// PlaceLocked reports whether a moderator locked the place.
func (s *Store) PlaceLocked(ctx context.Context, id geo.PlaceID) (bool, error) {
	var n int
	if err := s.queryRow(ctx, `SELECT count(*) FROM place_locks l JOIN places p ON p.id = l.place_id WHERE p.osm_type = ? AND p.osm_id = ?`,
		id.Type, id.ID).Scan(&n); err != nil {
		return false, fmt.Errorf("store: lock of %v: %w", id, err)
	}
	return n > 0, nil
}

// ReportCounts counts reports in total and since a time.
type ReportCounts struct {
	Total, Since int
}

// CountReports counts visible reports, in total and made at or after since.
func (s *Store) CountReports(ctx context.Context, since time.Time) (ReportCounts, error) {
	var c ReportCounts
	if err := s.db.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(created_at >= ?), 0) FROM reports WHERE hidden = 0`, fmtTime(since)).Scan(&c.Total, &c.Since); err != nil {
		return c, fmt.Errorf("store: count reports: %w", err)
	}
	return c, nil
}

// Secret returns the server secret called name, making a random 32-byte one
// (through the write connection) the first time it is asked for. It is
// never logged.
func (s *Store) Secret(ctx context.Context, name string) ([]byte, error) {
	var v []byte
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT value FROM server_secrets WHERE name = ?`, name).Scan(&v)
		if err == nil {
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		v = make([]byte, 32)
		if _, err := rand.Read(v); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO server_secrets (name, value, created_at) VALUES (?, ?, ?)`, name, v, now())
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: secret %s: %w", name, err)
	}
	return v, nil
}

// AddToken stores the SHA-256 of a new token with its role.
func (s *Store) AddToken(ctx context.Context, hash []byte, role, label string) (int64, error) {
	var id int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO tokens (hash, role, label, created_at) VALUES (?, ?, ?, ?)`, hash, role, label, now())
		if err != nil {
			return err
		}
		id, err = res.LastInsertId()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: add %s token: %w", role, err)
	}
	return id, nil
}

// TokenRole returns the role of the token with that hash; ErrNotFound if it
// is unknown or revoked.
func (s *Store) TokenRole(ctx context.Context, hash []byte) (string, error) {
	var role string
	err := s.queryRow(ctx, `SELECT role FROM tokens WHERE hash = ? AND revoked_at IS NULL`, hash).Scan(&role)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("store: token: %w", ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("store: token: %w", err)
	}
	return role, nil
}
