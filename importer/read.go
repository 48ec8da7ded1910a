package importer

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"sort"
	"sync/atomic"
	"time"

	"codeberg.org/openmap/openmap/geo"
	"github.com/paulmach/orb"
	"github.com/paulmach/osm"
)

// Skip reasons, as counted in Summary.Skipped.
const (
	SkipLifecycle      = "lifecycle prefix only (disused:, was:, …)"
	SkipClippedNoNodes = "clipped by the extract: no node present"
	SkipNotArea        = "relation that is not a multipolygon"
	SkipDuplicate      = "duplicate of an element in another file"
)

// Summary tells what a read found.
type Summary struct {
	Files      []string
	ByType     map[geo.ElementType]int
	ByCategory map[string]int
	Skipped    map[string]int
	// ClippedPartial counts ways and relations cut by the extract's edge
	// that were imported from the nodes present.
	ClippedPartial int
	Elapsed        time.Duration
	Bytes          int64 // bytes read over all passes
}

// Options tune a read.
type Options struct {
	Categories *geo.Categories
	// Procs is the number of PBF decoding goroutines; 0 means GOMAXPROCS.
	Procs int
	// Progress, if set, is called from one goroutine about every Every
	// while reading, and once at the end.
	Progress func(Progress)
	Every    time.Duration
	// AllowEmpty lets Import replace a source with no place at all.
	AllowEmpty bool
}

// Progress is a snapshot of a running read.
type Progress struct {
	Pass, Passes int
	Read, Total  int64 // bytes over all passes (Total is an estimate until the passes are known)
	Objects      int64 // elements decoded so far (over all passes)
	Elapsed      time.Duration
	Done         bool
}

// wayRec is what a pass keeps of a way: only its node references, and its
// tags when it makes a place itself.
type wayRec struct {
	ver  int
	refs []osm.NodeID
}

type candidate struct {
	id    geo.PlaceID
	ver   int
	ts    time.Time
	tags  map[string]string
	cl    geo.Classification
	refs  []osm.NodeID // ways
	outer []osm.WayID  // relations: member ways, every role
}

// errUnsorted says that a PBF file was not sorted by type as its blobs
// suggested; the read starts again over whole files.
var errUnsorted = errors.New("pbf file not sorted by type")

// Read reads the files and returns the places they hold, sorted by id.
// A file that cannot be read fails the whole read with an error naming it.
func Read(ctx context.Context, files []string, opt Options) ([]geo.Place, Summary, error) {
	places, sum, err := read(ctx, files, opt, true)
	if errors.Is(err, errUnsorted) {
		return read(ctx, files, opt, false)
	}
	return places, sum, err
}

func read(ctx context.Context, files []string, opt Options, split bool) ([]geo.Place, Summary, error) {
	start := time.Now()
	cats := opt.Categories
	if cats == nil {
		cats = geo.DefaultCategories()
	}
	procs := opt.Procs
	if procs <= 0 {
		procs = runtime.GOMAXPROCS(0)
	}
	sum := Summary{Files: files, ByType: map[geo.ElementType]int{}, ByCategory: map[string]int{}, Skipped: map[string]int{}}
	keys := map[string]bool{}
	for _, k := range cats.Keys {
		keys[k] = true
	}
	for _, p := range cats.LifecyclePrefixes {
		for _, k := range cats.Keys {
			keys[p+":"+k] = true
		}
	}
	interesting := func(ts osm.Tags) bool {
		for _, t := range ts {
			if keys[t.Key] {
				return true
			}
		}
		return false
	}

	indexes := map[string]*pbfIndex{}
	kinds := map[string]format{}
	for _, f := range files {
		st, err := os.Stat(f)
		if err != nil {
			if os.IsNotExist(err) {
				return nil, sum, fmt.Errorf("import %s: no such file", f)
			}
			return nil, sum, fmt.Errorf("import: %w", err)
		}
		if st.IsDir() {
			return nil, sum, fmt.Errorf("import %s: is a directory", f)
		}
		kind, err := sniff(f)
		if err != nil {
			return nil, sum, fmt.Errorf("import %s: %w", f, err)
		}
		kinds[f] = kind
		if kind == formatPBF {
			idx, err := indexPBF(f)
			if err != nil {
				return nil, sum, fmt.Errorf("import %s: %w", f, err)
			}
			if !split {
				idx.whole()
			}
			indexes[f] = idx
		}
	}
	// planned is how many bytes a pass reads over all files, for progress.
	planned := func(p pass) int64 {
		var n int64
		for _, f := range files {
			if idx := indexes[f]; idx != nil {
				start, end := idx.span(p)
				n += end - start
			} else if st, err := os.Stat(f); err == nil {
				n += st.Size()
			}
		}
		return n
	}
	var misplaced atomic.Bool
	pass1 := pass{ways: true, relations: true,
		filterWay:      func(w *osm.Way) bool { return interesting(w.Tags) },
		filterRelation: func(r *osm.Relation) bool { return interesting(r.Tags) },
		misplaced:      &misplaced,
	}
	var total atomic.Int64
	total.Store(planned(pass1) + planned(pass{ways: true}) + planned(pass{nodes: true}))

	var read, objects atomic.Int64
	passNo, passes := atomic.Int32{}, atomic.Int32{}
	passes.Store(3)
	stop := make(chan struct{})
	done := make(chan struct{})
	if opt.Progress != nil {
		every := opt.Every
		if every <= 0 {
			every = time.Second
		}
		go func() {
			defer close(done)
			t := time.NewTicker(every)
			defer t.Stop()
			for {
				select {
				case <-stop:
					return
				case <-t.C:
					opt.Progress(Progress{Pass: int(passNo.Load()), Passes: int(passes.Load()), Read: read.Load(),
						Total: total.Load(), Objects: objects.Load(), Elapsed: time.Since(start)})
				}
			}
		}()
	} else {
		close(done)
	}
	defer func() {
		close(stop)
		<-done
	}()

	run := func(p pass, each func(osm.Object) error) error {
		passNo.Add(1)
		// Count every element decoded, in the filters, which see them
		// all (the scan loop sees only those kept).
		if f := p.filterNode; f != nil {
			p.filterNode = func(n *osm.Node) bool { objects.Add(1); return f(n) }
		}
		if f := p.filterWay; f != nil {
			p.filterWay = func(w *osm.Way) bool { objects.Add(1); return f(w) }
		}
		if f := p.filterRelation; f != nil {
			p.filterRelation = func(r *osm.Relation) bool { objects.Add(1); return f(r) }
		}
		for _, f := range files {
			if err := scanFile(ctx, f, kinds[f], indexes[f], p, procs, &read, each); err != nil {
				return fmt.Errorf("import %s: %w", f, err)
			}
		}
		return nil
	}

	// Pass 1: ways and relations that make places (nodes are skipped at
	// the protobuf level).
	byID := map[geo.PlaceID]*candidate{}
	nodePlaces := map[geo.PlaceID]geo.Place{}
	// classify returns the classification of tags, counting lifecycle skips.
	classify := func(ts osm.Tags) (map[string]string, geo.Classification, bool) {
		tags := ts.Map()
		cl := cats.Classify(tags)
		if !cl.OK() && cl.Lifecycle {
			sum.Skipped[SkipLifecycle]++
		}
		return tags, cl, cl.OK()
	}
	// newer says whether an element is newer than any version of it read
	// so far (overlapping extracts hold the same elements, maybe at other
	// versions); the newest decides, even when it no longer makes a place.
	// latest holds only elements with a key that can make a place.
	latest := map[geo.PlaceID]int{}
	newer := func(id geo.PlaceID, ver int) bool {
		if v, ok := latest[id]; ok && v >= ver {
			sum.Skipped[SkipDuplicate]++
			return false
		}
		latest[id] = ver
		delete(byID, id)
		delete(nodePlaces, id)
		return true
	}
	err := run(pass1, func(o osm.Object) error {
		switch e := o.(type) {
		case *osm.Way:
			id := geo.PlaceID{Type: geo.Way, ID: int64(e.ID)}
			if !newer(id, e.Version) {
				return nil
			}
			tags, cl, ok := classify(e.Tags)
			if !ok {
				return nil
			}
			refs := make([]osm.NodeID, len(e.Nodes))
			for i, n := range e.Nodes {
				refs[i] = n.ID
			}
			byID[id] = &candidate{id: id, ver: e.Version, ts: e.Timestamp, tags: tags, cl: cl, refs: refs}
		case *osm.Relation:
			id := geo.PlaceID{Type: geo.Relation, ID: int64(e.ID)}
			if !newer(id, e.Version) {
				return nil
			}
			tags, cl, ok := classify(e.Tags)
			if !ok {
				return nil
			}
			if tags["type"] != "multipolygon" {
				sum.Skipped[SkipNotArea]++
				return nil
			}
			c := &candidate{id: id, ver: e.Version, ts: e.Timestamp, tags: tags, cl: cl}
			for _, m := range e.Members {
				if m.Type == osm.TypeWay {
					c.outer = append(c.outer, osm.WayID(m.Ref))
				}
			}
			byID[id] = c
		}
		return nil
	})
	if err != nil {
		return nil, sum, err
	}

	if split && misplaced.Load() {
		return nil, sum, errUnsorted
	}

	// Pass 2, only when there are multipolygons: their member ways.
	// wantWays is read by the concurrent filters; neededWays is written by
	// the scan loop alone.
	wantWays := map[osm.WayID]struct{}{}
	for _, c := range byID {
		for _, w := range c.outer {
			wantWays[w] = struct{}{}
		}
	}
	neededWays := make(map[osm.WayID]*wayRec, len(wantWays))
	if len(wantWays) > 0 {
		err := run(pass{ways: true,
			filterWay: func(w *osm.Way) bool { _, ok := wantWays[w.ID]; return ok },
		}, func(o osm.Object) error {
			w := o.(*osm.Way)
			if old, ok := neededWays[w.ID]; ok && old.ver >= w.Version {
				return nil
			}
			refs := make([]osm.NodeID, len(w.Nodes))
			for i, n := range w.Nodes {
				refs[i] = n.ID
			}
			neededWays[w.ID] = &wayRec{ver: w.Version, refs: refs}
			return nil
		})
		if err != nil {
			return nil, sum, err
		}
	} else {
		passes.Store(2)
		total.Add(-planned(pass{ways: true}))
	}

	// Last pass: nodes that make places, and the locations of the nodes
	// the ways use. needed is only read while the PBF filters run on
	// several goroutines; locations are written by the scan loop alone.
	needed := map[osm.NodeID]struct{}{}
	for _, c := range byID {
		for _, n := range c.refs {
			needed[n] = struct{}{}
		}
	}
	for _, w := range neededWays {
		for _, n := range w.refs {
			needed[n] = struct{}{}
		}
	}
	locs := make(map[osm.NodeID]orb.Point, len(needed))
	locVer := make(map[osm.NodeID]int, len(needed)) // the newest version wins
	err = run(pass{nodes: true, misplaced: &misplaced,
		filterNode: func(n *osm.Node) bool {
			if _, ok := needed[n.ID]; ok {
				return true
			}
			return interesting(n.Tags)
		},
	}, func(o osm.Object) error {
		n := o.(*osm.Node)
		if _, ok := needed[n.ID]; ok {
			if v, seen := locVer[n.ID]; !seen || n.Version > v {
				locs[n.ID] = orb.Point{n.Lon, n.Lat}
				locVer[n.ID] = n.Version
			}
		}
		if !interesting(n.Tags) {
			return nil
		}
		id := geo.PlaceID{Type: geo.Node, ID: int64(n.ID)}
		if !newer(id, n.Version) {
			return nil
		}
		tags, cl, ok := classify(n.Tags)
		if !ok {
			return nil
		}
		nodePlaces[id] = newPlace(id, n.Version, n.Timestamp, tags, cl, orb.Point{n.Lon, n.Lat})
		return nil
	})
	if err != nil {
		return nil, sum, err
	}

	if split && misplaced.Load() {
		return nil, sum, errUnsorted
	}

	places := make([]geo.Place, 0, len(nodePlaces)+len(byID))
	for _, p := range nodePlaces {
		places = append(places, p)
	}
	line := func(refs []osm.NodeID) (orb.LineString, bool) {
		ls := make(orb.LineString, 0, len(refs))
		clipped := false
		for _, r := range refs {
			pt, ok := locs[r]
			if !ok {
				clipped = true
				continue
			}
			ls = append(ls, pt)
		}
		return ls, clipped
	}
	for _, c := range byID {
		var (
			pt      orb.Point
			ok      bool
			clipped bool
		)
		switch c.id.Type {
		case geo.Way:
			var ls orb.LineString
			ls, clipped = line(c.refs)
			closed := len(c.refs) >= 4 && c.refs[0] == c.refs[len(c.refs)-1]
			if closed && len(ls) >= 3 {
				ring := orb.Ring(ls)
				if !ring.Closed() {
					ring = append(ring, ring[0])
				}
				pt, ok = geo.InteriorPoint([]orb.Ring{ring})
			}
			if !ok {
				pt, ok = geo.LineMidpoint(ls)
			}
		case geo.Relation:
			var parts []orb.LineString
			for _, w := range c.outer {
				rec, ok := neededWays[w]
				if !ok {
					clipped = true
					continue
				}
				ls, cl := line(rec.refs)
				clipped = clipped || cl
				if len(ls) > 0 {
					parts = append(parts, ls)
				}
			}
			rings, open := geo.AssembleRings(parts)
			if open > 0 {
				clipped = true
			}
			pt, ok = geo.InteriorPoint(rings)
			if !ok {
				longest := orb.LineString(nil)
				for _, p := range parts {
					if len(p) > len(longest) {
						longest = p
					}
				}
				pt, ok = geo.LineMidpoint(longest)
			}
		}
		if !ok {
			sum.Skipped[SkipClippedNoNodes]++
			continue
		}
		if clipped {
			sum.ClippedPartial++
		}
		places = append(places, newPlace(c.id, c.ver, c.ts, c.tags, c.cl, pt))
	}
	sort.Slice(places, func(i, j int) bool {
		a, b := places[i].ID, places[j].ID
		if a.Type != b.Type {
			return typeOrder(a.Type) < typeOrder(b.Type)
		}
		return a.ID < b.ID
	})
	for _, p := range places {
		sum.ByType[p.ID.Type]++
		sum.ByCategory[p.Category]++
	}
	sum.Elapsed = time.Since(start)
	sum.Bytes = read.Load()
	if opt.Progress != nil {
		np := int64(passes.Load())
		opt.Progress(Progress{Pass: int(np), Passes: int(np), Read: read.Load(), Total: read.Load(),
			Objects: objects.Load(), Elapsed: sum.Elapsed, Done: true})
	}
	return places, sum, nil
}

func typeOrder(t geo.ElementType) int {
	switch t {
	case geo.Node:
		return 0
	case geo.Way:
		return 1
	}
	return 2
}

func newPlace(id geo.PlaceID, ver int, ts time.Time, tags map[string]string, cl geo.Classification, pt orb.Point) geo.Place {
	return geo.Place{
		ID:           id,
		Version:      ver,
		Timestamp:    ts,
		Name:         tags["name"],
		Category:     cl.Category,
		Subcategory:  cl.Subcategory,
		Address:      geo.AddressFromTags(tags),
		OpeningHours: tags["opening_hours"],
		Tags:         tags,
		Location:     pt,
	}
}
