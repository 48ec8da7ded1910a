package osmsync

import (
	"compress/bzip2"
	"compress/gzip"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/osm"
	"github.com/paulmach/osm/osmpbf"
	"github.com/paulmach/osm/osmxml"

	"codeberg.org/openmap/openmap/geo"
)

// ElementSource gives the current full element of a place: *Client (the
// freshest, from the OSM API) or a FileSource (an OSM file, offline).
type ElementSource interface {
	Element(ctx context.Context, id geo.PlaceID) (*Element, error)
}

// ExportOptions configure WriteOsmChange.
type ExportOptions struct {
	// Version is openmap's version, for the generator attribute.
	Version string
	// MaxMoveM is the move beyond which an edit is left out as a
	// conflict (default 50 m), as at upload.
	MaxMoveM float64
}

// ExportResult says what WriteOsmChange wrote and what it left out.
type ExportResult struct {
	Exported  []int64          // edit ids written
	Conflicts map[int64]string // edit id → reason it was left out
}

// WriteOsmChange writes the tag edits as an osmChange file that JOSM opens
// (File › Open) and osmium applies: each element in a <modify> at its
// current version, complete (a node's location, a way's node list, a
// relation's members), with the diff replayed on its current tags. Edits
// whose replay conflicts, and notes, are left out. Nothing is recorded: the
// mapper uploads the file from JOSM under their own account.
func WriteOsmChange(ctx context.Context, w io.Writer, src ElementSource, edits []Edit, opt ExportOptions) (ExportResult, error) {
	if opt.MaxMoveM <= 0 {
		opt.MaxMoveM = 50
	}
	v := opt.Version
	if v == "" {
		v = "dev"
	}
	res := ExportResult{Conflicts: map[int64]string{}}
	ch := &osm.Change{Version: "0.6", Generator: "openmap " + v,
		Copyright: osm.Copyright, Attribution: osm.Attribution, License: osm.License}
	seen := map[geo.PlaceID]int64{}
	for _, e := range edits {
		if len(e.Diff) == 0 {
			continue
		}
		if prev, dup := seen[e.Place]; dup {
			res.Conflicts[e.ID] = fmt.Sprintf("another edit (%d) of %v is in the file", prev, e.Place)
			continue
		}
		el, err := src.Element(ctx, e.Place)
		switch {
		case errors.Is(err, ErrGone):
			res.Conflicts[e.ID] = "deleted from OSM since the proposal"
			continue
		case errors.Is(err, ErrNotFound):
			res.Conflicts[e.ID] = "not found"
			continue
		case err != nil:
			return res, fmt.Errorf("osmsync: export: %w", err)
		}
		if e.Location != (orb.Point{}) && len(el.Points) > 0 {
			if d := el.DistanceM(e.Location); d > opt.MaxMoveM {
				res.Conflicts[e.ID] = fmt.Sprintf("moved %.0f m since the proposal", d)
				continue
			}
		}
		cur := el.Tags()
		tags, conflicts := e.Diff.Apply(cur)
		if len(conflicts) > 0 {
			res.Conflicts[e.ID] = "changed in OSM since the proposal: " + conflicts[0].String()
			continue
		}
		if maps.Equal(tags, cur) {
			res.Conflicts[e.ID] = "OSM already holds the change"
			continue
		}
		seen[e.Place] = e.ID
		ch.AppendModify(el.WithTags(tags, el.Changeset()))
		res.Exported = append(res.Exported, e.ID)
	}
	if _, err := io.WriteString(w, xml.Header+"<!-- © OpenStreetMap contributors, ODbL 1.0 (https://www.openstreetmap.org/copyright); made by openmap -->\n"); err != nil {
		return res, fmt.Errorf("osmsync: export: %w", err)
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", " ")
	if err := enc.Encode(ch); err != nil {
		return res, fmt.Errorf("osmsync: export: %w", err)
	}
	if _, err := io.WriteString(w, "\n"); err != nil {
		return res, fmt.Errorf("osmsync: export: %w", err)
	}
	return res, nil
}

// FileSource holds elements read from an OSM file: the places asked for,
// and the nodes of their ways, so their shape is known.
type FileSource struct {
	elems map[geo.PlaceID]*Element
}

// Element implements ElementSource: ErrNotFound for an element not in the file.
func (fs *FileSource) Element(_ context.Context, id geo.PlaceID) (*Element, error) {
	e := fs.elems[id]
	if e == nil {
		return nil, fmt.Errorf("osmsync: %v: %w", id, ErrNotFound)
	}
	return e, nil
}

// LoadFileSource reads the elements ids from an OSM file (.osm.pbf, .osm,
// .osm.bz2, .osm.gz), in two passes: the elements, then their ways' nodes.
func LoadFileSource(ctx context.Context, path string, ids []geo.PlaceID) (*FileSource, error) {
	want := map[geo.PlaceID]bool{}
	for _, id := range ids {
		want[id] = true
	}
	fs := &FileSource{elems: map[geo.PlaceID]*Element{}}
	needNodes := map[osm.NodeID]bool{}
	if err := scanFile(ctx, path, func(o osm.Object) {
		id, ok := placeIDOf(o)
		if !ok || !want[id] {
			return
		}
		fs.elems[id] = &Element{ID: id, Object: o}
		switch o := o.(type) {
		case *osm.Node:
			fs.elems[id].Points = []orb.Point{o.Point()}
		case *osm.Way:
			for _, wn := range o.Nodes {
				needNodes[wn.ID] = true
			}
		}
	}); err != nil {
		return nil, err
	}
	if len(needNodes) == 0 {
		return fs, nil
	}
	loc := map[osm.NodeID]orb.Point{}
	if err := scanFile(ctx, path, func(o osm.Object) {
		if n, ok := o.(*osm.Node); ok && needNodes[n.ID] {
			loc[n.ID] = n.Point()
		}
	}); err != nil {
		return nil, err
	}
	for _, e := range fs.elems {
		if w, ok := e.Object.(*osm.Way); ok {
			for _, wn := range w.Nodes {
				if p, ok := loc[wn.ID]; ok {
					e.Points = append(e.Points, p)
				}
			}
		}
	}
	return fs, nil
}

type scanner interface {
	Scan() bool
	Object() osm.Object
	Err() error
	Close() error
}

func scanFile(ctx context.Context, path string, f func(osm.Object)) error {
	file, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("osmsync: read %s: %w", path, err)
	}
	defer file.Close()
	var r io.Reader = file
	var sc scanner
	switch {
	case strings.HasSuffix(path, ".pbf"):
		sc = osmpbf.New(ctx, r, 1)
	case strings.HasSuffix(path, ".bz2"):
		sc = osmxml.New(ctx, bzip2.NewReader(r))
	case strings.HasSuffix(path, ".gz"):
		gz, err := gzip.NewReader(r)
		if err != nil {
			return fmt.Errorf("osmsync: read %s: %w", path, err)
		}
		defer gz.Close()
		sc = osmxml.New(ctx, gz)
	default:
		sc = osmxml.New(ctx, r)
	}
	defer sc.Close()
	for sc.Scan() {
		f(sc.Object())
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("osmsync: read %s: %w", path, err)
	}
	return nil
}
