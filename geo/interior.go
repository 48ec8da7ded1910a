package geo

import (
	"math"
	"sort"

	"github.com/paulmach/orb"
)

// InteriorPoint returns a point inside the area bounded by rings (outer and
// inner rings together, in any order and orientation: insideness is
// even-odd). Unlike a centroid, it never falls outside a concave shape or in
// a hole: it is the middle of the widest inside stretch of a horizontal line
// through the area. The lines tried run half-way between two vertex
// heights, so none passes through a vertex or along an edge. ok is false
// when the rings enclose no area.
func InteriorPoint(rings []orb.Ring) (p orb.Point, ok bool) {
	ys := vertexHeights(rings)
	if len(ys) < 2 {
		return orb.Point{}, false
	}
	lo, hi := ys[0], ys[len(ys)-1]
	width := 0.0
	if b, ok := ringsBound(rings); ok {
		width = b.Max[0] - b.Min[0]
	}
	best := -1.0
	tried := map[int]bool{}
	// Bands at the middle first, then around it, then everywhere for
	// small shapes.
	fractions := []float64{0.5, 0.37, 0.63, 0.25, 0.75, 0.125, 0.875, 0.05, 0.95}
	for _, f := range fractions {
		y := lo + f*(hi-lo)
		k := sort.SearchFloat64s(ys, y) // ys[k-1] < y <= ys[k]
		if k == 0 {
			k = 1
		}
		if k >= len(ys) {
			k = len(ys) - 1
		}
		if tried[k] {
			continue
		}
		tried[k] = true
		mid := (ys[k-1] + ys[k]) / 2
		xs := crossings(rings, mid)
		for j := 0; j+1 < len(xs); j += 2 {
			if w := xs[j+1] - xs[j]; w > best {
				best = w
				p = orb.Point{(xs[j] + xs[j+1]) / 2, mid}
			}
		}
		// A stretch a quarter of the shape's width is good enough.
		if best > 0 && best >= 0.25*width {
			break
		}
	}
	if best <= 0 && len(ys) <= 64 {
		for k := 1; k < len(ys); k++ {
			mid := (ys[k-1] + ys[k]) / 2
			xs := crossings(rings, mid)
			for j := 0; j+1 < len(xs); j += 2 {
				if w := xs[j+1] - xs[j]; w > best {
					best = w
					p = orb.Point{(xs[j] + xs[j+1]) / 2, mid}
				}
			}
		}
	}
	return p, best > 0
}

// vertexHeights returns the distinct y of every vertex, sorted.
func vertexHeights(rings []orb.Ring) []float64 {
	var ys []float64
	for _, r := range rings {
		for _, pt := range r {
			ys = append(ys, pt[1])
		}
	}
	sort.Float64s(ys)
	out := ys[:0]
	for i, y := range ys {
		if i == 0 || y != ys[i-1] {
			out = append(out, y)
		}
	}
	return out
}

func ringsBound(rings []orb.Ring) (orb.Bound, bool) {
	var b orb.Bound
	first := true
	for _, r := range rings {
		for _, pt := range r {
			if first {
				b = orb.Bound{Min: pt, Max: pt}
				first = false
				continue
			}
			b = b.Extend(pt)
		}
	}
	return b, !first
}

// crossings returns the sorted x of every edge crossing the line at y, using
// the half-open rule so a vertex on the line is counted once.
func crossings(rings []orb.Ring, y float64) []float64 {
	var xs []float64
	for _, r := range rings {
		n := len(r)
		if n < 3 {
			continue
		}
		for i := 0; i < n; i++ {
			a, c := r[i], r[(i+1)%n]
			if (a[1] <= y) == (c[1] <= y) {
				continue
			}
			t := (y - a[1]) / (c[1] - a[1])
			xs = append(xs, a[0]+t*(c[0]-a[0]))
		}
	}
	sort.Float64s(xs)
	return xs
}

// LineMidpoint returns the point half-way along a line, measured in degrees
// (good enough to place a marker on a short way). ok is false for an empty line.
func LineMidpoint(ls orb.LineString) (orb.Point, bool) {
	switch len(ls) {
	case 0:
		return orb.Point{}, false
	case 1:
		return ls[0], true
	}
	total := 0.0
	for i := 1; i < len(ls); i++ {
		total += dist(ls[i-1], ls[i])
	}
	if total == 0 {
		return ls[0], true
	}
	half, run := total/2, 0.0
	for i := 1; i < len(ls); i++ {
		d := dist(ls[i-1], ls[i])
		if run+d >= half {
			t := (half - run) / d
			a, b := ls[i-1], ls[i]
			return orb.Point{a[0] + t*(b[0]-a[0]), a[1] + t*(b[1]-a[1])}, true
		}
		run += d
	}
	return ls[len(ls)-1], true
}

func dist(a, b orb.Point) float64 { return math.Hypot(b[0]-a[0], b[1]-a[1]) }

// DistanceMeters is the great-circle distance between two (lon, lat) points.
func DistanceMeters(a, b orb.Point) float64 {
	const r = 6371008.8
	la1, la2 := a[1]*math.Pi/180, b[1]*math.Pi/180
	dla := la2 - la1
	dlo := (b[0] - a[0]) * math.Pi / 180
	h := math.Sin(dla/2)*math.Sin(dla/2) + math.Cos(la1)*math.Cos(la2)*math.Sin(dlo/2)*math.Sin(dlo/2)
	return 2 * r * math.Asin(math.Min(1, math.Sqrt(h)))
}

// AssembleRings joins ways (as point lists) end to end into closed rings, as
// the members of a multipolygon relation are. Pieces that cannot be closed
// are returned in open, so a caller can count an area clipped by the
// extract's edge.
func AssembleRings(parts []orb.LineString) (rings []orb.Ring, open int) {
	pending := make([]orb.LineString, 0, len(parts))
	for _, p := range parts {
		if len(p) >= 2 {
			pending = append(pending, p)
		}
	}
	for len(pending) > 0 {
		cur := append(orb.LineString(nil), pending[0]...)
		pending = pending[1:]
		for !cur[0].Equal(cur[len(cur)-1]) {
			joined := false
			for i, p := range pending {
				end := cur[len(cur)-1]
				switch {
				case p[0].Equal(end):
					cur = append(cur, p[1:]...)
				case p[len(p)-1].Equal(end):
					cur = append(cur, reversed(p)[1:]...)
				case p[len(p)-1].Equal(cur[0]):
					cur = append(append(orb.LineString(nil), p...), cur[1:]...)
				case p[0].Equal(cur[0]):
					cur = append(reversed(p), cur[1:]...)
				default:
					continue
				}
				pending = append(pending[:i], pending[i+1:]...)
				joined = true
				break
			}
			if !joined {
				break
			}
		}
		if cur[0].Equal(cur[len(cur)-1]) && len(cur) >= 4 {
			rings = append(rings, orb.Ring(cur))
		} else {
			open++
		}
	}
	return rings, open
}

func reversed(ls orb.LineString) orb.LineString {
	out := make(orb.LineString, len(ls))
	for i, p := range ls {
		out[len(ls)-1-i] = p
	}
	return out
}
