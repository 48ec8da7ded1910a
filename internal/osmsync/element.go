package osmsync

import (
	"fmt"
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/osm"

	"codeberg.org/openmap/openmap/geo"
)

// Element is an OSM element as it is now, with what the uploader needs:
// the object to modify, and the locations of its nodes to tell whether the
// place moved.
type Element struct {
	ID geo.PlaceID
	// Object is the *osm.Node, *osm.Way or *osm.Relation, at its current
	// version, with its changeset attribute.
	Object osm.Object
	// Points are the locations of the element (a node), of its nodes (a
	// way) or of its member nodes and member ways' nodes (a relation), in
	// order; for a closed way they form its ring.
	Points []orb.Point
}

// Version is the element's current version.
func (e *Element) Version() int {
	switch o := e.Object.(type) {
	case *osm.Node:
		return o.Version
	case *osm.Way:
		return o.Version
	case *osm.Relation:
		return o.Version
	}
	return 0
}

// Changeset is the changeset that made the current version.
func (e *Element) Changeset() int64 {
	switch o := e.Object.(type) {
	case *osm.Node:
		return int64(o.ChangesetID)
	case *osm.Way:
		return int64(o.ChangesetID)
	case *osm.Relation:
		return int64(o.ChangesetID)
	}
	return 0
}

// Tags returns a copy of the element's tags.
func (e *Element) Tags() map[string]string {
	switch o := e.Object.(type) {
	case *osm.Node:
		return o.Tags.Map()
	case *osm.Way:
		return o.Tags.Map()
	case *osm.Relation:
		return o.Tags.Map()
	}
	return map[string]string{}
}

// WithTags returns a copy of the element's object carrying tags (sorted by
// key) and the given changeset, ready to be uploaded as a modification at
// the same version. Nothing but the tags and the changeset changes: way
// nodes and relation members are kept.
func (e *Element) WithTags(tags map[string]string, changeset int64) osm.Object {
	ts := tagsOf(tags)
	switch o := e.Object.(type) {
	case *osm.Node:
		n := *o
		n.Tags, n.ChangesetID, n.Visible = ts, osm.ChangesetID(changeset), true
		return &n
	case *osm.Way:
		w := *o
		w.Tags, w.ChangesetID, w.Visible = ts, osm.ChangesetID(changeset), true
		w.Nodes = append(osm.WayNodes(nil), o.Nodes...)
		for i := range w.Nodes { // an osmChange way lists node refs only
			w.Nodes[i] = osm.WayNode{ID: w.Nodes[i].ID}
		}
		return &w
	case *osm.Relation:
		r := *o
		r.Tags, r.ChangesetID, r.Visible = ts, osm.ChangesetID(changeset), true
		r.Members = append(osm.Members(nil), o.Members...)
		for i := range r.Members {
			m := r.Members[i]
			r.Members[i] = osm.Member{Type: m.Type, Ref: m.Ref, Role: m.Role}
		}
		return &r
	}
	return nil
}

// elementFrom finds element id in an API answer (a node alone, or a way or
// relation with the nodes of the /full call).
func elementFrom(id geo.PlaceID, o *osm.OSM) (*Element, error) {
	nodes := make(map[osm.NodeID]orb.Point, len(o.Nodes))
	for _, n := range o.Nodes {
		nodes[n.ID] = n.Point()
	}
	ways := make(map[osm.WayID]*osm.Way, len(o.Ways))
	for _, w := range o.Ways {
		ways[w.ID] = w
	}
	wayPoints := func(w *osm.Way) []orb.Point {
		var pts []orb.Point
		for _, wn := range w.Nodes {
			if p, ok := nodes[wn.ID]; ok {
				pts = append(pts, p)
			} else if wn.Lon != 0 || wn.Lat != 0 {
				pts = append(pts, wn.Point())
			}
		}
		return pts
	}
	e := &Element{ID: id}
	switch id.Type {
	case geo.Node:
		for _, n := range o.Nodes {
			if int64(n.ID) == id.ID {
				e.Object, e.Points = n, []orb.Point{n.Point()}
			}
		}
	case geo.Way:
		if w := ways[osm.WayID(id.ID)]; w != nil {
			e.Object, e.Points = w, wayPoints(w)
		}
	case geo.Relation:
		for _, r := range o.Relations {
			if int64(r.ID) != id.ID {
				continue
			}
			e.Object = r
			for _, m := range r.Members {
				switch m.Type {
				case osm.TypeNode:
					if p, ok := nodes[osm.NodeID(m.Ref)]; ok {
						e.Points = append(e.Points, p)
					}
				case osm.TypeWay:
					if w := ways[osm.WayID(m.Ref)]; w != nil {
						e.Points = append(e.Points, wayPoints(w)...)
					}
				}
			}
		}
	}
	if e.Object == nil {
		return nil, fmt.Errorf("osm api: get %v: not in the answer", id)
	}
	return e, nil
}

// DistanceM is how far p is from the element, in metres: 0 inside a closed
// way (or inside a relation's bounding box), else the distance to the
// nearest point or segment. The place's stored
// location (a point inside the area when it was imported) is compared with
// the element's current shape this way, so a large area does not look moved
// because its centre and its stored point differ. It is +Inf for an element
// without any located node.
func (e *Element) DistanceM(p orb.Point) float64 {
	pts := e.Points
	if len(pts) == 0 {
		return math.Inf(1)
	}
	// Local equirectangular projection around p: exact enough for a 50 m test.
	const mPerDeg = 111_320.0
	kx := mPerDeg * math.Cos(p[1]*math.Pi/180)
	xy := func(q orb.Point) (float64, float64) { return (q[0] - p[0]) * kx, (q[1] - p[1]) * mPerDeg }
	if len(pts) == 1 {
		x, y := xy(pts[0])
		return math.Hypot(x, y)
	}
	closed := len(pts) >= 4 && pts[0] == pts[len(pts)-1]
	if _, isWay := e.Object.(*osm.Way); closed && isWay && ringContains(pts, p) {
		return 0
	}
	best := math.Inf(1)
	for i := 0; i+1 < len(pts); i++ {
		ax, ay := xy(pts[i])
		bx, by := xy(pts[i+1])
		best = math.Min(best, segDist(ax, ay, bx, by))
	}
	if _, isRel := e.Object.(*osm.Relation); isRel {
		// Members come in any order and direction, so their points do not
		// make one ring: a point within the members' bounding box counts as
		// not moved (lenient, and relations are rare as places).
		b := orb.Bound{Min: pts[0], Max: pts[0]}
		for _, q := range pts {
			b = b.Extend(q)
		}
		if b.Contains(p) {
			return 0
		}
	}
	return best
}

// segDist is the distance from the origin to segment a-b.
func segDist(ax, ay, bx, by float64) float64 {
	dx, dy := bx-ax, by-ay
	l2 := dx*dx + dy*dy
	t := 0.0
	if l2 > 0 {
		t = math.Max(0, math.Min(1, -(ax*dx+ay*dy)/l2))
	}
	return math.Hypot(ax+t*dx, ay+t*dy)
}

// ringContains is the even-odd test of p against the polygon pts.
func ringContains(pts []orb.Point, p orb.Point) bool {
	in := false
	for i, j := 0, len(pts)-1; i < len(pts); j, i = i, i+1 {
		a, b := pts[i], pts[j]
		if (a[1] > p[1]) != (b[1] > p[1]) && p[0] < (b[0]-a[0])*(p[1]-a[1])/(b[1]-a[1])+a[0] {
			in = !in
		}
	}
	return in
}
