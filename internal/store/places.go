package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"strings"
	"time"

	"codeberg.org/openmap/openmap/geo"
	"github.com/paulmach/orb"
)

// ImportResult counts what ImportPlaces changed.
type ImportResult struct {
	Inserted  int // places new to the database
	Updated   int // places already there whose data changed
	Unchanged int // places already there, the same
	Gone      int // places of the source absent from the import, now gone
	Revived   int // places that were gone and are back
}

// ImportPlaces makes the places of source exactly the given ones, in one
// transaction: new places are inserted, known ones updated in place, and
// places of that source that are absent become gone (never deleted, since
// reports may point to them). Nothing changes if it fails.
func (s *Store) ImportPlaces(ctx context.Context, source string, files []string, places []geo.Place, cats *geo.Categories) (ImportResult, error) {
	var res ImportResult
	if source == "" {
		return res, errors.New("store: import: empty source name")
	}
	stamp := now()
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var existing int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM places`).Scan(&existing); err != nil {
			return err
		}
		// Rebuilding the R*Tree once after a bulk load is several times
		// faster than keeping it live, row by row.
		rebuild := len(places) > 1000 || len(places) > existing/4
		if rebuild {
			if _, err := tx.ExecContext(ctx, `SELECT DisableSpatialIndex('places', 'geom'); DROP TABLE IF EXISTS idx_places_geom`); err != nil {
				return fmt.Errorf("drop spatial index: %w", err)
			}
		}
		// The source holds exactly the places listed below: its
		// memberships are made anew (in this transaction).
		if _, err := tx.ExecContext(ctx, `DELETE FROM place_sources WHERE source = ?`, source); err != nil {
			return fmt.Errorf("source membership: %w", err)
		}
		// What is stored now, as one fingerprint per place, read in one
		// query, so the summary can tell new, changed and unchanged
		// places apart.
		known := map[geo.PlaceID]stored{}
		rows, err := tx.QueryContext(ctx, `SELECT osm_type, osm_id, state, version, name, category, subcategory, opening_hours, tags, source, X(geom), Y(geom) FROM places`)
		if err != nil {
			return err
		}
		for rows.Next() {
			var (
				typ, state, name, cat, sub, oh, tags, src string
				id                                        int64
				ver                                       int
				x, y                                      float64
			)
			if err := rows.Scan(&typ, &id, &state, &ver, &name, &cat, &sub, &oh, &tags, &src, &x, &y); err != nil {
				rows.Close()
				return err
			}
			known[geo.PlaceID{Type: geo.ElementType(typ), ID: id}] = stored{gone: state == string(geo.Gone),
				sum: fingerprint(ver, name, cat, sub, oh, tags, x, y)}
		}
		if err := rows.Close(); err != nil {
			return err
		}
		upsert, err := tx.PrepareContext(ctx, upsertPlaceSQL)
		if err != nil {
			return err
		}
		defer upsert.Close()
		member, err := tx.PrepareContext(ctx, `INSERT OR IGNORE INTO place_sources (place_id, source)
SELECT id, ? FROM places WHERE osm_type = ? AND osm_id = ?`)
		if err != nil {
			return err
		}
		defer member.Close()
		for i := range places {
			p := &places[i]
			tags, err := json.Marshal(p.Tags)
			if err != nil {
				return fmt.Errorf("%v: tags: %w", p.ID, err)
			}
			var ts any
			if !p.Timestamp.IsZero() {
				ts = p.Timestamp.UTC().Format(time.RFC3339)
			}
			switch old, ok := known[p.ID]; {
			case !ok:
				res.Inserted++
			case old.gone:
				res.Revived++
			case old.sum == fingerprint(p.Version, p.Name, p.Category, p.Subcategory, p.OpeningHours, string(tags), p.Location[0], p.Location[1]):
				res.Unchanged++
			default:
				res.Updated++
			}
			if _, err := upsert.ExecContext(ctx, p.ID.Type, p.ID.ID, p.Version, ts, p.Name, p.Category, p.Subcategory,
				p.Address.HouseNumber, p.Address.Street, p.Address.Postcode, p.Address.City, p.Address.String(),
				p.OpeningHours, string(tags), source, searchText(p, cats), stamp, p.Location[0], p.Location[1]); err != nil {
				return fmt.Errorf("%v: %w", p.ID, err)
			}
			if _, err := member.ExecContext(ctx, source, p.ID.Type, p.ID.ID); err != nil {
				return err
			}
		}
		// Places that no source holds any more are gone.
		r, err := tx.ExecContext(ctx, `UPDATE places SET state = 'gone', gone_at = ?
WHERE state = 'active' AND NOT EXISTS (SELECT 1 FROM place_sources ps WHERE ps.place_id = places.id)`, stamp)
		if err != nil {
			return fmt.Errorf("mark gone: %w", err)
		}
		n, _ := r.RowsAffected()
		res.Gone = int(n)
		if rebuild {
			if _, err := tx.ExecContext(ctx, `SELECT CreateSpatialIndex('places', 'geom')`); err != nil {
				return fmt.Errorf("create spatial index: %w", err)
			}
		}
		fj, _ := json.Marshal(files)
		var active int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM place_sources WHERE source = ?`, source).Scan(&active); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO import_sources (source, files, imported_at, places) VALUES (?, ?, ?, ?)
ON CONFLICT (source) DO UPDATE SET files = excluded.files, imported_at = excluded.imported_at, places = excluded.places`,
			source, string(fj), stamp, active)
		return err
	})
	if err != nil {
		return ImportResult{}, fmt.Errorf("store: import %s: %w", source, err)
	}
	return res, nil
}

// upsertPlaceSQL inserts a place or updates it in place, keeping its row id
// (reports and the spatial index refer to it).
const upsertPlaceSQL = `
INSERT INTO places (osm_type, osm_id, version, osm_timestamp, name, category, subcategory,
    addr_housenumber, addr_street, addr_postcode, addr_city, address, opening_hours, tags,
    source, state, search_text, imported_at, gone_at, geom)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?, NULL, MakePoint(?, ?, 4326))
ON CONFLICT (osm_type, osm_id) DO UPDATE SET
    version = excluded.version, osm_timestamp = excluded.osm_timestamp, name = excluded.name,
    category = excluded.category, subcategory = excluded.subcategory,
    addr_housenumber = excluded.addr_housenumber, addr_street = excluded.addr_street,
    addr_postcode = excluded.addr_postcode, addr_city = excluded.addr_city, address = excluded.address,
    opening_hours = excluded.opening_hours, tags = excluded.tags, source = excluded.source,
    state = 'active', search_text = excluded.search_text, imported_at = excluded.imported_at,
    gone_at = NULL, geom = excluded.geom`

// stored is what ImportPlaces needs to know of a place already there.
type stored struct {
	gone bool
	sum  uint64
}

// fingerprint hashes the fields an import can change.
func fingerprint(ver int, name, cat, sub, oh, tags string, x, y float64) uint64 {
	h := fnv.New64a()
	fmt.Fprintf(h, "%d\x00%s\x00%s\x00%s\x00%s\x00%s\x00%v\x00%v", ver, name, cat, sub, oh, tags, x, y)
	return h.Sum64()
}

// searchText is what search matches: the name, the brand and the category
// labels in both languages, folded.
func searchText(p *geo.Place, cats *geo.Categories) string {
	parts := []string{p.Name, p.Tags["brand"], p.Tags["operator"]}
	if cats != nil {
		if c, ok := cats.Category(p.Category); ok {
			parts = append(parts, c.Label.FR, c.Label.EN)
		}
		if sc, ok := cats.Subcategory(p.Subcategory); ok {
			parts = append(parts, sc.Label.FR, sc.Label.EN)
		}
	}
	return geo.Fold(strings.Join(parts, " "))
}

const placeColumns = `osm_type, osm_id, version, coalesce(osm_timestamp, ''), name, category, subcategory,
    addr_housenumber, addr_street, addr_postcode, addr_city, opening_hours, tags, source, state, X(geom), Y(geom)`

type rowScanner interface{ Scan(...any) error }

func scanPlace(r rowScanner) (geo.Place, error) {
	var (
		p        geo.Place
		typ, ts  string
		tags     string
		state    string
		lon, lat float64
	)
	if err := r.Scan(&typ, &p.ID.ID, &p.Version, &ts, &p.Name, &p.Category, &p.Subcategory,
		&p.Address.HouseNumber, &p.Address.Street, &p.Address.Postcode, &p.Address.City,
		&p.OpeningHours, &tags, &p.Source, &state, &lon, &lat); err != nil {
		return geo.Place{}, err
	}
	p.ID.Type = geo.ElementType(typ)
	p.State = geo.PlaceState(state)
	p.Location = orb.Point{lon, lat}
	if ts != "" {
		p.Timestamp, _ = time.Parse(time.RFC3339, ts)
	}
	if err := json.Unmarshal([]byte(tags), &p.Tags); err != nil {
		return geo.Place{}, fmt.Errorf("tags of %s/%d: %w", typ, p.ID.ID, err)
	}
	return p, nil
}

// Place returns one place, active or gone; ErrNotFound if it was never imported.
func (s *Store) Place(ctx context.Context, id geo.PlaceID) (geo.Place, error) {
	p, err := scanPlace(s.db.QueryRowContext(ctx, `SELECT `+placeColumns+` FROM places WHERE osm_type = ? AND osm_id = ?`, id.Type, id.ID))
	if errors.Is(err, sql.ErrNoRows) {
		return geo.Place{}, fmt.Errorf("store: place %v: %w", id, ErrNotFound)
	}
	if err != nil {
		return geo.Place{}, fmt.Errorf("store: place %v: %w", id, err)
	}
	return p, nil
}

// PlacesInBBox returns the active places inside b, using the spatial index.
func (s *Store) PlacesInBBox(ctx context.Context, b orb.Bound, limit int) ([]geo.Place, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+placeColumns+` FROM places WHERE state = 'active' AND id IN (
    SELECT rowid FROM SpatialIndex WHERE f_table_name = 'places' AND f_geometry_column = 'geom'
    AND search_frame = BuildMbr(?, ?, ?, ?, 4326)) LIMIT ?`, b.Min[0], b.Min[1], b.Max[0], b.Max[1], limit)
	if err != nil {
		return nil, fmt.Errorf("store: places in bbox: %w", err)
	}
	return collectPlaces(rows)
}

// PlacesNear returns the active places within radius metres of p, nearest
// first, at most limit of them.
func (s *Store) PlacesNear(ctx context.Context, p orb.Point, radius float64, limit int) ([]geo.Place, error) {
	// A box in degrees that holds the circle, then an exact distance.
	dlat := radius / 111320.0
	cos := cosDeg(p[1])
	dlon := radius / (111320.0 * cos)
	b := orb.Bound{Min: orb.Point{p[0] - dlon, p[1] - dlat}, Max: orb.Point{p[0] + dlon, p[1] + dlat}}
	all, err := s.PlacesInBBox(ctx, b, 1<<30)
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, pl := range all {
		if geo.DistanceMeters(p, pl.Location) <= radius {
			out = append(out, pl)
		}
	}
	sortByDistance(out, p)
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

func collectPlaces(rows *sql.Rows) ([]geo.Place, error) {
	defer rows.Close()
	var out []geo.Place
	for rows.Next() {
		p, err := scanPlace(rows)
		if err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	return out, nil
}

// Stats counts places.
type Stats struct {
	Places     int            `json:"places"`
	Gone       int            `json:"gone"`
	ByType     map[string]int `json:"by_type"`
	ByCategory map[string]int `json:"by_category"`
}

// Stats counts active places by element type and category, and gone places.
func (s *Store) Stats(ctx context.Context) (Stats, error) {
	st := Stats{ByType: map[string]int{"node": 0, "way": 0, "relation": 0}, ByCategory: map[string]int{}}
	rows, err := s.db.QueryContext(ctx, `SELECT osm_type, category, state, count(*) FROM places GROUP BY 1, 2, 3`)
	if err != nil {
		return st, fmt.Errorf("store: stats: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var typ, cat, state string
		var n int
		if err := rows.Scan(&typ, &cat, &state, &n); err != nil {
			return st, fmt.Errorf("store: stats: %w", err)
		}
		if state == string(geo.Gone) {
			st.Gone += n
			continue
		}
		st.Places += n
		st.ByType[typ] += n
		st.ByCategory[cat] += n
	}
	if err := rows.Err(); err != nil {
		return st, fmt.Errorf("store: stats: %w", err)
	}
	return st, nil
}
