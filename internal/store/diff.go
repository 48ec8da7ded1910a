package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"codeberg.org/openmap/openmap/geo"
)

// PlaceChange is what an OSM diff does to one element.
type PlaceChange struct {
	ID geo.PlaceID
	// Version is the element's version in the diff; a change applies only
	// to a place stored at an older version.
	Version int
	// Gone is set when the element was deleted, or no longer makes a place.
	Gone bool
	// Place is the new state when not Gone.
	Place geo.Place
	// Located says whether Place.Location is known. A modified way whose
	// nodes are not in the diff keeps the location it had.
	Located bool
}

// ApplyResult counts what ApplyChanges did.
type ApplyResult struct {
	Inserted, Updated, Gone int
	// Unplaced counts new places whose location the diff did not give
	// (a way made of nodes it does not hold); a re-import places them.
	Unplaced int
	// Older counts changes not applied because the database already holds
	// that version of the element or a newer one.
	Older int
}

// ApplyChanges applies the changes of OSM diffs in one transaction. New
// places get source; places already there keep theirs. A gone place stays in
// the database, marked gone.
func (s *Store) ApplyChanges(ctx context.Context, source string, changes []PlaceChange, cats *geo.Categories) (ApplyResult, error) {
	var res ApplyResult
	stamp := now()
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		upsert, err := tx.PrepareContext(ctx, upsertPlaceSQL)
		if err != nil {
			return err
		}
		defer upsert.Close()
		keep, err := tx.PrepareContext(ctx, `UPDATE places SET version = ?, osm_timestamp = ?, name = ?, category = ?, subcategory = ?,
    addr_housenumber = ?, addr_street = ?, addr_postcode = ?, addr_city = ?, address = ?, opening_hours = ?, tags = ?,
    state = 'active', search_text = ?, imported_at = ?, gone_at = NULL
WHERE osm_type = ? AND osm_id = ? AND version < ?`)
		if err != nil {
			return err
		}
		defer keep.Close()
		gone, err := tx.PrepareContext(ctx, `UPDATE places SET state = 'gone', gone_at = ?, version = ? WHERE osm_type = ? AND osm_id = ? AND state = 'active' AND version < ?`)
		if err != nil {
			return err
		}
		defer gone.Close()
		srcOf, err := tx.PrepareContext(ctx, `SELECT source, version FROM places WHERE osm_type = ? AND osm_id = ?`)
		if err != nil {
			return err
		}
		defer srcOf.Close()
		for _, c := range changes {
			if c.Gone {
				r, err := gone.ExecContext(ctx, stamp, c.Version, c.ID.Type, c.ID.ID, c.Version)
				if err != nil {
					return fmt.Errorf("%v: %w", c.ID, err)
				}
				n, _ := r.RowsAffected()
				res.Gone += int(n)
				continue
			}
			p := c.Place
			tags, err := json.Marshal(p.Tags)
			if err != nil {
				return fmt.Errorf("%v: tags: %w", p.ID, err)
			}
			var ts any
			if !p.Timestamp.IsZero() {
				ts = p.Timestamp.UTC().Format(time.RFC3339)
			}
			var (
				src string
				ver int
			)
			switch err := srcOf.QueryRowContext(ctx, p.ID.Type, p.ID.ID).Scan(&src, &ver); {
			case errors.Is(err, sql.ErrNoRows):
				if !c.Located {
					res.Unplaced++
					continue
				}
				src = source
				res.Inserted++
			case err != nil:
				return fmt.Errorf("%v: %w", p.ID, err)
			case ver >= p.Version:
				// The database already holds this version or a newer
				// one (overlapping replication ranges).
				res.Older++
				continue
			default:
				res.Updated++
			}
			if c.Located {
				_, err = upsert.ExecContext(ctx, p.ID.Type, p.ID.ID, p.Version, ts, p.Name, p.Category, p.Subcategory,
					p.Address.HouseNumber, p.Address.Street, p.Address.Postcode, p.Address.City, p.Address.String(),
					p.OpeningHours, string(tags), src, searchText(&p, cats), stamp, p.Location[0], p.Location[1])
			} else {
				_, err = keep.ExecContext(ctx, p.Version, ts, p.Name, p.Category, p.Subcategory,
					p.Address.HouseNumber, p.Address.Street, p.Address.Postcode, p.Address.City, p.Address.String(),
					p.OpeningHours, string(tags), searchText(&p, cats), stamp, p.ID.Type, p.ID.ID, p.Version)
			}
			if err != nil {
				return fmt.Errorf("%v: %w", p.ID, err)
			}
		}
		return nil
	})
	if err != nil {
		return ApplyResult{}, fmt.Errorf("store: apply changes: %w", err)
	}
	return res, nil
}
