package osmsync

import (
	"math"
	"sort"

	"github.com/paulmach/orb"
)

// GroupOptions bound one changeset. The OSM community reads a changeset as
// one local survey: its bounding box should stay small, and its size
// reviewable.
type GroupOptions struct {
	// MaxAcrossM is the longest diagonal of a changeset's bounding box, in
	// metres (default 10 km).
	MaxAcrossM float64
	// MaxChanges is the most elements in one changeset (default 500; the
	// API takes 10 000).
	MaxChanges int
}

func (o GroupOptions) withDefaults() GroupOptions {
	if o.MaxAcrossM <= 0 {
		o.MaxAcrossM = 10_000
	}
	if o.MaxChanges <= 0 {
		o.MaxChanges = 500
	}
	return o
}

// Group splits items into changesets by area: items are ordered along a
// Z-order curve (so neighbours stay together) and cut into runs whose
// bounding box stays within MaxAcrossM and whose length within MaxChanges.
// Every item is in exactly one group; the order inside a group is the
// curve's.
func Group[T any](items []T, loc func(T) orb.Point, opt GroupOptions) [][]T {
	opt = opt.withDefaults()
	type keyed struct {
		item T
		p    orb.Point
		z    uint64
	}
	ks := make([]keyed, len(items))
	for i, it := range items {
		p := loc(it)
		ks[i] = keyed{it, p, zorder(p)}
	}
	sort.SliceStable(ks, func(i, j int) bool { return ks[i].z < ks[j].z })
	var groups [][]T
	var cur []T
	var b orb.Bound
	for _, k := range ks {
		if len(cur) > 0 {
			nb := b.Extend(k.p)
			if len(cur) >= opt.MaxChanges || diagonalM(nb) > opt.MaxAcrossM {
				groups = append(groups, cur)
				cur = nil
			} else {
				b = nb
			}
		}
		if len(cur) == 0 {
			b = orb.Bound{Min: k.p, Max: k.p}
		}
		cur = append(cur, k.item)
	}
	if len(cur) > 0 {
		groups = append(groups, cur)
	}
	return groups
}

// zorder interleaves the bits of the point's cell on a ~100 m grid.
func zorder(p orb.Point) uint64 {
	x := uint64(math.Max(0, math.Min(1<<21-1, (p[0]+180)/360*(1<<21))))
	y := uint64(math.Max(0, math.Min(1<<21-1, (p[1]+90)/180*(1<<21))))
	var z uint64
	for i := 0; i < 21; i++ {
		z |= (x>>i&1)<<(2*i) | (y>>i&1)<<(2*i+1)
	}
	return z
}

// diagonalM is the diagonal of b in metres (equirectangular at its middle
// latitude, which is exact enough at 10 km).
func diagonalM(b orb.Bound) float64 {
	const mPerDeg = 111_320.0
	lat := (b.Min[1] + b.Max[1]) / 2
	dx := (b.Max[0] - b.Min[0]) * mPerDeg * math.Cos(lat*math.Pi/180)
	dy := (b.Max[1] - b.Min[1]) * mPerDeg
	return math.Hypot(dx, dy)
}
