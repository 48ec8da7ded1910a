package osmfake

import (
	"context"
	"fmt"
	"os"

	"github.com/paulmach/osm"
	"github.com/paulmach/osm/osmpbf"
)

// AddFromPBF loads elements from an .osm.pbf file as they are there: the
// elements named (keys "node/1", "way/2", "relation/3"), the nodes of their
// ways, and the member ways (with their nodes) and nodes of their
// relations, so that /full answers are complete.
func (s *Server) AddFromPBF(ctx context.Context, path string, ids map[string]bool) error {
	scan := func(f func(osm.Object)) error {
		file, err := os.Open(path)
		if err != nil {
			return fmt.Errorf("osmfake: %w", err)
		}
		defer file.Close()
		sc := osmpbf.New(ctx, file, 1)
		defer sc.Close()
		for sc.Scan() {
			f(sc.Object())
		}
		if err := sc.Err(); err != nil {
			return fmt.Errorf("osmfake: read %s: %w", path, err)
		}
		return nil
	}
	ways := map[osm.WayID]*osm.Way{}
	var rels []*osm.Relation
	nodes := map[osm.NodeID]bool{}
	if err := scan(func(o osm.Object) {
		switch o := o.(type) {
		case *osm.Node:
			if ids[fmt.Sprintf("node/%d", o.ID)] {
				nodes[o.ID] = true
			}
		case *osm.Way:
			ways[o.ID] = o
		case *osm.Relation:
			if ids[fmt.Sprintf("relation/%d", o.ID)] {
				rels = append(rels, o)
			}
		}
	}); err != nil {
		return err
	}
	addWay := func(w *osm.Way) {
		s.Add(w)
		for _, wn := range w.Nodes {
			nodes[wn.ID] = true
		}
	}
	for id, w := range ways {
		if ids[fmt.Sprintf("way/%d", id)] {
			addWay(w)
		}
	}
	for _, r := range rels {
		s.Add(r)
		for _, m := range r.Members {
			switch m.Type {
			case osm.TypeWay:
				if w := ways[osm.WayID(m.Ref)]; w != nil {
					addWay(w)
				}
			case osm.TypeNode:
				nodes[osm.NodeID(m.Ref)] = true
			}
		}
	}
	return scan(func(o osm.Object) {
		if n, ok := o.(*osm.Node); ok && nodes[n.ID] {
			s.Add(n)
		}
	})
}
