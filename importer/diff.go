package importer

import (
	"bufio"
	"compress/bzip2"
	"compress/gzip"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"time"

	"codeberg.org/openmap/openmap/geo"
	"codeberg.org/openmap/openmap/internal/store"
	"github.com/paulmach/orb"
	"github.com/paulmach/osm"
)

// ChangeSink is where Update writes the changes of OSM diffs. *store.Store is one.
type ChangeSink interface {
	ApplyChanges(ctx context.Context, source string, changes []store.PlaceChange, cats *geo.Categories) (store.ApplyResult, error)
}

// UpdateResult is the outcome of Update.
type UpdateResult struct {
	Files    []string
	Elements int // elements in the diffs, after keeping the latest version of each
	Store    store.ApplyResult
	Elapsed  time.Duration
}

// Update applies osmChange files (.osc, .osc.gz, .osc.bz2), in the order
// given (oldest first, as replication numbers them), in one transaction.
// Only the latest version of each element counts. A way keeps its location
// unless the diff holds all of its nodes.
func Update(ctx context.Context, sink ChangeSink, source string, files []string, cats *geo.Categories) (UpdateResult, error) {
	start := time.Now()
	if cats == nil {
		cats = geo.DefaultCategories()
	}
	if len(files) == 0 {
		return UpdateResult{}, fmt.Errorf("update: no diff given")
	}
	type state struct {
		obj     osm.Object
		deleted bool
	}
	latest := map[osm.FeatureID]state{} // by type and id, whatever the version
	version := func(o osm.Object) int {
		switch e := o.(type) {
		case *osm.Node:
			return e.Version
		case *osm.Way:
			return e.Version
		case *osm.Relation:
			return e.Version
		}
		return 0
	}
	for _, f := range files {
		err := readChange(f, func(o osm.Object, deleted bool) {
			oid := o.ObjectID()
			id, err := oid.Type().FeatureID(oid.Ref())
			if err != nil {
				return // not a node, way or relation
			}
			if old, ok := latest[id]; ok && version(old.obj) > version(o) {
				return
			}
			latest[id] = state{obj: o, deleted: deleted}
		})
		if err != nil {
			return UpdateResult{}, fmt.Errorf("update %s: %w", f, err)
		}
	}
	locs := map[osm.NodeID]orb.Point{}
	for _, st := range latest {
		if n, ok := st.obj.(*osm.Node); ok && !st.deleted {
			locs[n.ID] = orb.Point{n.Lon, n.Lat}
		}
	}
	var changes []store.PlaceChange
	for _, st := range latest {
		var (
			id   geo.PlaceID
			ver  int
			ts   time.Time
			tags osm.Tags
			pt   orb.Point
			have bool
		)
		switch e := st.obj.(type) {
		case *osm.Node:
			id, ver, ts, tags = geo.PlaceID{Type: geo.Node, ID: int64(e.ID)}, e.Version, e.Timestamp, e.Tags
			pt, have = orb.Point{e.Lon, e.Lat}, true
		case *osm.Way:
			id, ver, ts, tags = geo.PlaceID{Type: geo.Way, ID: int64(e.ID)}, e.Version, e.Timestamp, e.Tags
			pt, have = wayPoint(e, locs)
		case *osm.Relation:
			id, ver, ts, tags = geo.PlaceID{Type: geo.Relation, ID: int64(e.ID)}, e.Version, e.Timestamp, e.Tags
		default:
			continue
		}
		if st.deleted {
			changes = append(changes, store.PlaceChange{ID: id, Version: ver, Gone: true})
			continue
		}
		m := tags.Map()
		cl := cats.Classify(m)
		if !cl.OK() || (id.Type == geo.Relation && m["type"] != "multipolygon") {
			// No longer a place (or never was: then nothing happens).
			changes = append(changes, store.PlaceChange{ID: id, Version: ver, Gone: true})
			continue
		}
		changes = append(changes, store.PlaceChange{ID: id, Version: ver, Place: newPlace(id, ver, ts, m, cl, pt), Located: have})
	}
	res, err := sink.ApplyChanges(ctx, source, changes, cats)
	if err != nil {
		return UpdateResult{}, err
	}
	return UpdateResult{Files: files, Elements: len(latest), Store: res, Elapsed: time.Since(start)}, nil
}

// wayPoint places a way from the nodes the diff holds, if it holds them all.
func wayPoint(w *osm.Way, locs map[osm.NodeID]orb.Point) (orb.Point, bool) {
	ls := make(orb.LineString, 0, len(w.Nodes))
	for _, n := range w.Nodes {
		p, ok := locs[n.ID]
		if !ok {
			return orb.Point{}, false
		}
		ls = append(ls, p)
	}
	if len(ls) >= 4 && w.Nodes[0].ID == w.Nodes[len(w.Nodes)-1].ID {
		if p, ok := geo.InteriorPoint([]orb.Ring{orb.Ring(ls)}); ok {
			return p, true
		}
	}
	return geo.LineMidpoint(ls)
}

// readChange streams an osmChange file, plain or compressed, calling each
// for every element in file order with whether it sits in a <delete> block.
func readChange(path string, each func(o osm.Object, deleted bool)) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	br := bufio.NewReader(f)
	head, _ := br.Peek(3)
	var r io.Reader = br
	switch {
	case len(head) >= 2 && head[0] == 0x1f && head[1] == 0x8b:
		gz, err := gzip.NewReader(br)
		if err != nil {
			return fmt.Errorf("gzip: %w", err)
		}
		r = gz
	case string(head) == "BZh":
		r = bzip2.NewReader(br)
	}
	dec := xml.NewDecoder(r)
	depth, root, deleted := 0, false, false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("not a valid osmChange file: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			switch {
			case depth == 1:
				if t.Name.Local != "osmChange" {
					return fmt.Errorf("not an osmChange file: root element <%s>", t.Name.Local)
				}
				root = true
			case depth == 2:
				deleted = t.Name.Local == "delete"
			case depth == 3:
				var o osm.Object
				switch t.Name.Local {
				case "node":
					o = &osm.Node{}
				case "way":
					o = &osm.Way{}
				case "relation":
					o = &osm.Relation{}
				default:
					if err := dec.Skip(); err != nil {
						return fmt.Errorf("not a valid osmChange file: %w", err)
					}
					depth--
					continue
				}
				if err := dec.DecodeElement(o, &t); err != nil {
					return fmt.Errorf("not a valid osmChange file: %w", err)
				}
				depth--
				each(o, deleted)
			}
		case xml.EndElement:
			depth--
		}
	}
	if !root {
		return fmt.Errorf("not a valid osmChange file: no <osmChange> element")
	}
	return nil
}
