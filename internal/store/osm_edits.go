package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"codeberg.org/openmap/openmap/geo"
)

// OSMEdits is the queue of edits on their way back to OpenStreetMap (table
// osm_edits). Its Pending and Mark* methods are the persistence of
// internal/osmsync's Uploader (osmsync.Queue): each commits before it
// returns, and each state change is conditional on the state it leaves, so
// two runs never take the same edit.
type OSMEdits struct{ s *Store }

// OSMEdits returns the edit queue of the store.
func (s *Store) OSMEdits() OSMEdits { return OSMEdits{s} }

// ErrEditInProgress is returned by Approve when the place already has an
// edit approved or on its way.
var ErrEditInProgress = errors.New("store: the place already has an edit on its way to OSM")

const editColumns = `e.id, p.osm_type, p.osm_id, e.mapper_uid, p.name, e.lon, e.lat, e.base_version, e.diff,
    coalesce(e.note_text, ''), e.state, coalesce(e.changeset, 0), coalesce(e.new_version, 0), coalesce(e.note_id, 0), e.reason`

func scanEdit(r interface{ Scan(...any) error }) (geo.OSMEdit, error) {
	var (
		e        geo.OSMEdit
		typ      string
		lon, lat float64
		diff     string
		note     string
		state    string
	)
	if err := r.Scan(&e.ID, &typ, &e.Place.ID, &e.Mapper, &e.Name, &lon, &lat, &e.BaseVersion, &diff,
		&note, &state, &e.Changeset, &e.Version, &e.NoteID, &e.Reason); err != nil {
		return e, err
	}
	e.Place.Type, e.State, e.Location = geo.ElementType(typ), geo.EditState(state), orb.Point{lon, lat}
	if note != "" {
		e.Note = &geo.NoteProposal{Text: note}
	}
	if err := json.Unmarshal([]byte(diff), &e.Diff); err != nil {
		return e, fmt.Errorf("diff of edit %d: %w", e.ID, err)
	}
	if len(e.Diff) == 0 {
		e.Diff = nil
	}
	return e, nil
}

// Approve stores an edit a mapper approved (state approved) and returns its
// id. profile names the tag profile ("survey", "crisis:covid19",
// "removal:covid19"); basis is what the proposal was made from (the status
// summary, report ids), kept as JSON for the review page.
func (q OSMEdits) Approve(ctx context.Context, e geo.OSMEdit, profile string, basis any) (int64, error) {
	if err := e.Diff.Validate(); err != nil {
		return 0, fmt.Errorf("store: approve edit of %v: %w", e.Place, err)
	}
	if (len(e.Diff) == 0) == (e.Note == nil) {
		return 0, fmt.Errorf("store: approve edit of %v: want a tag diff or a note", e.Place)
	}
	diff, err := json.Marshal(e.Diff)
	if err != nil {
		return 0, fmt.Errorf("store: approve edit of %v: %w", e.Place, err)
	}
	if e.Diff == nil {
		diff = []byte("[]")
	}
	b, err := json.Marshal(basis)
	if err != nil || basis == nil {
		b = []byte("{}")
	}
	var note any
	if e.Note != nil {
		note = e.Note.Text
	}
	if profile == "" {
		profile = "survey"
	}
	var id int64
	err = q.s.inTx(ctx, func(tx *sql.Tx) error {
		var placeID int64
		if err := tx.QueryRowContext(ctx, `SELECT id FROM places WHERE osm_type = ? AND osm_id = ?`, e.Place.Type, e.Place.ID).Scan(&placeID); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return ErrNotFound
			}
			return err
		}
		stamp := now()
		res, err := tx.ExecContext(ctx, `INSERT INTO osm_edits (place_id, mapper_uid, base_version, lon, lat, diff, note_text, profile, basis, state, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'approved', ?, ?)`, placeID, e.Mapper, e.BaseVersion, e.Location[0], e.Location[1], string(diff), note, profile, string(b), stamp, stamp)
		if err != nil {
			if strings.Contains(err.Error(), "UNIQUE") {
				return ErrEditInProgress
			}
			return err
		}
		id, err = res.LastInsertId()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: approve edit of %v: %w", e.Place, err)
	}
	return id, nil
}

// Edit returns one edit; ErrNotFound if there is none with that id.
func (q OSMEdits) Edit(ctx context.Context, id int64) (geo.OSMEdit, error) {
	e, err := scanEdit(q.s.db.QueryRowContext(ctx, `SELECT `+editColumns+` FROM osm_edits e JOIN places p ON p.id = e.place_id WHERE e.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return e, fmt.Errorf("store: edit %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return e, fmt.Errorf("store: edit %d: %w", id, err)
	}
	return e, nil
}

// List returns the edits in the given states (all when none), oldest first.
func (q OSMEdits) List(ctx context.Context, states ...geo.EditState) ([]geo.OSMEdit, error) {
	query := `SELECT ` + editColumns + ` FROM osm_edits e JOIN places p ON p.id = e.place_id`
	var args []any
	if len(states) > 0 {
		query += ` WHERE e.state IN (?` + strings.Repeat(", ?", len(states)-1) + `)`
		for _, s := range states {
			args = append(args, string(s))
		}
	}
	return q.list(ctx, query+` ORDER BY e.id`, args...)
}

func (q OSMEdits) list(ctx context.Context, query string, args ...any) ([]geo.OSMEdit, error) {
	rows, err := q.s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: edits: %w", err)
	}
	defer rows.Close()
	var out []geo.OSMEdit
	for rows.Next() {
		e, err := scanEdit(rows)
		if err != nil {
			return nil, fmt.Errorf("store: edits: %w", err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: edits: %w", err)
	}
	return out, nil
}

// Pending returns the mapper's edits approved, uploading or noting, oldest
// first.
func (q OSMEdits) Pending(ctx context.Context, mapper int64) ([]geo.OSMEdit, error) {
	return q.list(ctx, `SELECT `+editColumns+` FROM osm_edits e JOIN places p ON p.id = e.place_id
WHERE e.mapper_uid = ? AND e.state IN ('approved', 'uploading', 'noting') ORDER BY e.id`, mapper)
}

// transition changes one edit from one of the states from; the edit must be
// in one of them, else nothing changes and an error says so.
func transition(ctx context.Context, tx *sql.Tx, id int64, from []geo.EditState, set string, args ...any) error {
	q := `UPDATE osm_edits SET ` + set + `, updated_at = ? WHERE id = ? AND state IN (?` + strings.Repeat(", ?", len(from)-1) + `)`
	all := append(append(args, now(), id), statesArgs(from)...)
	res, err := tx.ExecContext(ctx, q, all...)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n != 1 {
		var state string
		if err := tx.QueryRowContext(ctx, `SELECT state FROM osm_edits WHERE id = ?`, id).Scan(&state); errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("edit %d: %w", id, ErrNotFound)
		}
		return fmt.Errorf("edit %d is %s, want %v", id, state, from)
	}
	return nil
}

func statesArgs(ss []geo.EditState) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = string(s)
	}
	return out
}

// MarkUploading records, before the upload is sent, that the edits go in
// changeset cs: all of them approved → uploading, or none.
func (q OSMEdits) MarkUploading(ctx context.Context, cs int64, ids []int64) error {
	err := q.s.inTx(ctx, func(tx *sql.Tx) error {
		for _, id := range ids {
			if err := transition(ctx, tx, id, []geo.EditState{geo.EditApproved}, `state = 'uploading', changeset = ?`, cs); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: mark edits uploading in changeset %d: %w", cs, err)
	}
	return nil
}

// MarkUploaded records that an edit is in OSM (uploading in u.Changeset, or
// approved when u.Changeset is 0: OSM already held it) and brings the
// stored place up to date: its tags, version, name and opening hours.
func (q OSMEdits) MarkUploaded(ctx context.Context, id int64, u geo.EditUpload) error {
	tags, err := json.Marshal(u.Tags)
	if err != nil {
		return fmt.Errorf("store: mark edit %d uploaded: %w", id, err)
	}
	err = q.s.inTx(ctx, func(tx *sql.Tx) error {
		if u.Changeset == 0 {
			if err := transition(ctx, tx, id, []geo.EditState{geo.EditApproved}, `state = 'uploaded', changeset = 0, new_version = ?, reason = ''`, u.Version); err != nil {
				return err
			}
		} else {
			res, err := tx.ExecContext(ctx, `UPDATE osm_edits SET state = 'uploaded', new_version = ?, reason = '', updated_at = ?
WHERE id = ? AND state = 'uploading' AND changeset = ?`, u.Version, now(), id, u.Changeset)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n != 1 {
				return fmt.Errorf("edit %d is not uploading in changeset %d", id, u.Changeset)
			}
		}
		if u.Tags == nil {
			return nil
		}
		_, err := tx.ExecContext(ctx, `UPDATE places SET tags = ?, version = max(version, ?), name = ?, opening_hours = ?
WHERE id = (SELECT place_id FROM osm_edits WHERE id = ?)`, string(tags), u.Version, u.Tags["name"], u.Tags["opening_hours"], id)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: mark edit %d uploaded: %w", id, err)
	}
	return nil
}

func (q OSMEdits) mark(ctx context.Context, op string, id int64, from []geo.EditState, set string, args ...any) error {
	if err := q.s.inTx(ctx, func(tx *sql.Tx) error { return transition(ctx, tx, id, from, set, args...) }); err != nil {
		return fmt.Errorf("store: %s edit %d: %w", op, id, err)
	}
	return nil
}

// Requeue puts an edit whose upload or note certainly did not happen back
// to approved.
func (q OSMEdits) Requeue(ctx context.Context, id int64) error {
	return q.mark(ctx, "requeue", id, []geo.EditState{geo.EditApproved, geo.EditUploading, geo.EditNoting}, `state = 'approved', changeset = NULL`)
}

// MarkConflict sends an edit back to review with the reason.
func (q OSMEdits) MarkConflict(ctx context.Context, id int64, reason string) error {
	return q.mark(ctx, "mark conflict of", id, []geo.EditState{geo.EditApproved, geo.EditNoting}, `state = 'conflict', changeset = NULL, reason = ?`, reason)
}

// MarkNoting records that the note of an edit is about to be opened.
func (q OSMEdits) MarkNoting(ctx context.Context, id int64) error {
	return q.mark(ctx, "mark noting", id, []geo.EditState{geo.EditApproved, geo.EditNoting}, `state = 'noting'`)
}

// MarkNoted records the note opened for an edit.
func (q OSMEdits) MarkNoted(ctx context.Context, id int64, noteID int64) error {
	return q.mark(ctx, "mark noted", id, []geo.EditState{geo.EditApproved, geo.EditNoting}, `state = 'noted', note_id = ?`, noteID)
}

// Reject records that a mapper turned a proposal down (state rejected), so
// the review queue does not offer it again for the same confirmation.
func (q OSMEdits) Reject(ctx context.Context, e geo.OSMEdit, profile, reason, confirmedAt string) (int64, error) {
	diff, _ := json.Marshal(e.Diff)
	if e.Diff == nil {
		diff = []byte("[]")
	}
	var note any
	if e.Note != nil {
		note = e.Note.Text
	}
	if profile == "" {
		profile = "survey"
	}
	var id int64
	err := q.s.inTx(ctx, func(tx *sql.Tx) error {
		stamp := now()
		var conf any
		if confirmedAt != "" {
			conf = confirmedAt
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO osm_edits (place_id, mapper_uid, base_version, lon, lat, diff, note_text, profile, confirmed_at, state, reason, created_at, updated_at)
SELECT id, ?, ?, ?, ?, ?, ?, ?, ?, 'rejected', ?, ?, ? FROM places WHERE osm_type = ? AND osm_id = ?`,
			e.Mapper, e.BaseVersion, e.Location[0], e.Location[1], string(diff), note, profile, conf, reason, stamp, stamp, e.Place.Type, e.Place.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return ErrNotFound
		}
		id, err = res.LastInsertId()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: reject edit of %v: %w", e.Place, err)
	}
	return id, nil
}

// Settled returns, for every place a mapper already answered (a proposal
// rejected, an edit uploaded, a note opened), when: the confirmation the
// rejected proposal was made from, or the time the edit was approved (the
// end of that second: created_at is kept to the second). The
// review queue offers such a place again only for a newer confirmation, so
// a value the mapper corrected is not proposed back from the same reports.
// With removal, only the answers to removals of crisis keys (profile
// "removal:…") count, else only the others.
func (q OSMEdits) Settled(ctx context.Context, removal bool) (map[geo.PlaceID]time.Time, error) {
	rows, err := q.s.db.QueryContext(ctx, `SELECT p.osm_type, p.osm_id, max(CASE WHEN e.state = 'rejected' THEN coalesce(e.confirmed_at, e.created_at) ELSE strftime('%Y-%m-%dT%H:%M:%SZ', e.created_at, '+1 second') END)
FROM osm_edits e JOIN places p ON p.id = e.place_id
WHERE e.state IN ('rejected', 'uploaded', 'noted') AND (e.profile LIKE 'removal:%') = ? GROUP BY e.place_id`, removal)
	if err != nil {
		return nil, fmt.Errorf("store: settled places: %w", err)
	}
	defer rows.Close()
	out := map[geo.PlaceID]time.Time{}
	for rows.Next() {
		var (
			id   geo.PlaceID
			typ  string
			when string
		)
		if err := rows.Scan(&typ, &id.ID, &when); err != nil {
			return nil, fmt.Errorf("store: settled places: %w", err)
		}
		id.Type = geo.ElementType(typ)
		out[id] = parseTime(when)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: settled places: %w", err)
	}
	return out, nil
}
