package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"codeberg.org/openmap/openmap/geo"
	"github.com/paulmach/orb"
)

// PlacePoint is the little of a place that a map view needs: enough to draw
// it, filter it and compute its status, without decoding all its tags.
type PlacePoint struct {
	ID           geo.PlaceID
	Name         string
	Category     string
	Subcategory  string
	OpeningHours string
	Location     orb.Point
	Gone         bool
	// Tags holds only the tags the status rules read: opening_hours, the
	// check_date keys, and (when the place has any) its lifecycle tags.
	Tags map[string]string
}

// statusTags are keys, other than opening_hours, that the status rules
// read (geo.StatusRules.Compute): the survey dates. Migration 003 keeps the
// tags of places having any of them, or a lifecycle key, in
// place_status_tags.
var statusTags = []string{"check_date", "survey:date", "lastcheck", "last_checked"}

const pointColumns = `osm_type, osm_id, name, category, subcategory, opening_hours, X(geom), Y(geom), state,
    (SELECT tags FROM place_status_tags WHERE place_id = places.id)`

// PlacePoints returns the places inside b (active ones, and gone ones when
// withGone), at most limit of them, from the points kept in memory
// (pointcache.go), else through the spatial index. The lifecycle prefixes
// say which tags the status rules need beyond the usual ones. The points
// are shared: read-only.
func (s *Store) PlacePoints(ctx context.Context, b orb.Bound, limit int, withGone bool, lifecyclePrefixes []string) ([]PlacePoint, error) {
	if pts, ok, err := s.pointsFromCache(ctx, b, limit, withGone, lifecyclePrefixes); ok || err != nil {
		return pts, err
	}
	return s.placePointsSQL(ctx, b, limit, withGone, lifecyclePrefixes)
}

// placePointsSQL is PlacePoints through the spatial index.
func (s *Store) placePointsSQL(ctx context.Context, b orb.Bound, limit int, withGone bool, lifecyclePrefixes []string) ([]PlacePoint, error) {
	state := "state = 'active' AND "
	if withGone {
		state = ""
	}
	args := []any{b.Min[0], b.Min[1], b.Max[0], b.Max[1], limit}
	// The R*Tree of the geometry column is queried directly: for points
	// the boxes are exact, and it is an order of magnitude cheaper than
	// SpatiaLite's SpatialIndex virtual table.
	rows, err := s.query(ctx, `SELECT `+pointColumns+` FROM places WHERE `+state+`id IN (
    SELECT pkid FROM idx_places_geom WHERE xmax >= ? AND ymax >= ? AND xmin <= ? AND ymin <= ?) LIMIT ?`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: place points: %w", err)
	}
	out, err := collectPoints(rows, lifecyclePrefixes)
	if err != nil {
		return nil, fmt.Errorf("store: place points: %w", err)
	}
	return out, nil
}

// AllPlacePoints returns every place, active and gone, in id order.
func (s *Store) AllPlacePoints(ctx context.Context, lifecyclePrefixes []string) ([]PlacePoint, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+pointColumns+` FROM places ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("store: all place points: %w", err)
	}
	out, err := collectPoints(rows, lifecyclePrefixes)
	if err != nil {
		return nil, fmt.Errorf("store: all place points: %w", err)
	}
	return out, nil
}

func collectPoints(rows *sql.Rows, prefixes []string) ([]PlacePoint, error) {
	defer rows.Close()
	var out []PlacePoint
	for rows.Next() {
		var (
			p          PlacePoint
			typ, state string
			tags       sql.NullString
		)
		if err := rows.Scan(&typ, &p.ID.ID, &p.Name, &p.Category, &p.Subcategory, &p.OpeningHours,
			&p.Location[0], &p.Location[1], &state, &tags); err != nil {
			return nil, err
		}
		p.ID.Type = geo.ElementType(typ)
		p.Gone = state == string(geo.Gone)
		if p.OpeningHours != "" || tags.Valid {
			p.Tags = map[string]string{}
			if p.OpeningHours != "" {
				p.Tags["opening_hours"] = p.OpeningHours
			}
		}
		if tags.Valid {
			var all map[string]string
			if err := json.Unmarshal([]byte(tags.String), &all); err != nil {
				return nil, fmt.Errorf("tags of %v: %w", p.ID, err)
			}
			for k, v := range all {
				prefix, key, ok := strings.Cut(k, ":")
				switch {
				case contains(statusTags, k) || strings.HasPrefix(k, "check_date:"):
					p.Tags[k] = v
				case ok && contains(prefixes, prefix):
					p.Tags[k] = v
					if plain, ok := all[key]; ok {
						p.Tags[key] = plain
					}
				}
			}
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// EachPlace calls f with every place, active and gone, in id order, while
// streaming them from the database (for exports).
func (s *Store) EachPlace(ctx context.Context, f func(geo.Place) error) error {
	rows, err := s.db.QueryContext(ctx, `SELECT `+placeColumns+` FROM places ORDER BY id`)
	if err != nil {
		return fmt.Errorf("store: each place: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		p, err := scanPlace(rows)
		if err != nil {
			return fmt.Errorf("store: each place: %w", err)
		}
		if err := f(p); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: each place: %w", err)
	}
	return nil
}

// Search returns active places whose folded name or labels contain every
// word of the folded query, at most limit; nearest to near first when near
// is given (else by name).
func (s *Store) Search(ctx context.Context, query string, near *orb.Point, limit int) ([]geo.Place, error) {
	words := strings.Fields(geo.Fold(query))
	if len(words) == 0 {
		return nil, nil
	}
	conds := make([]string, len(words))
	args := make([]any, 0, len(words)+1)
	for i, w := range words {
		conds[i] = "instr(search_text, ?) > 0"
		args = append(args, w)
	}
	order := "name, id"
	if near != nil {
		// Squared equirectangular distance: the right order at city scale.
		k := cosDeg(near[1])
		order = "((X(geom) - ?) * ?) * ((X(geom) - ?) * ?) + (Y(geom) - ?) * (Y(geom) - ?)"
		args = append(args, near[0], k, near[0], k, near[1], near[1])
	}
	// Read more than asked, so that places whose name matches can come
	// before those that match by category only ("marche u" → "Marché U"
	// before every supermarché).
	args = append(args, min(limit*5, 1000))
	rows, err := s.db.QueryContext(ctx, `SELECT `+placeColumns+` FROM places WHERE state = 'active' AND `+strings.Join(conds, " AND ")+` ORDER BY `+order+` LIMIT ?`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: search: %w", err)
	}
	out, err := collectPlaces(rows)
	if err != nil {
		return nil, fmt.Errorf("store: search: %w", err)
	}
	byName := func(p geo.Place) bool {
		name := geo.Fold(p.Name)
		for _, w := range words {
			if !strings.Contains(name, w) {
				return false
			}
		}
		return true
	}
	sort.SliceStable(out, func(i, j int) bool { return byName(out[i]) && !byName(out[j]) })
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}
