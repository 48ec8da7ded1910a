package geo

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// star makes a closed star-shaped (very concave) ring around c.
func star(r *rand.Rand, c orb.Point, n int) orb.Ring {
	ring := make(orb.Ring, 0, n+1)
	for i := 0; i < n; i++ {
		a := 2 * math.Pi * float64(i) / float64(n)
		rad := 0.2 + r.Float64()
		if i%2 == 1 {
			rad *= 0.2
		}
		ring = append(ring, orb.Point{c[0] + rad*math.Cos(a), c[1] + rad*math.Sin(a)})
	}
	return append(ring, ring[0])
}

func TestInteriorPointRandomShapes(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 2000; i++ {
		outer := star(r, orb.Point{7, 43}, 6+r.IntN(30))
		poly := orb.Polygon{outer}
		if i%3 == 0 {
			// a small square hole at the centre, where centroids fall
			poly = append(poly, orb.Ring{{6.99, 42.99}, {7.01, 42.99}, {7.01, 43.01}, {6.99, 43.01}, {6.99, 42.99}})
		}
		p, ok := InteriorPoint(poly)
		if !ok {
			t.Fatalf("shape %d: no point", i)
		}
		if !planar.PolygonContains(poly, p) {
			t.Fatalf("shape %d: %v is outside %v", i, p, poly)
		}
	}
}

func TestInteriorPointDegenerate(t *testing.T) {
	tests := []struct {
		name  string
		rings []orb.Ring
	}{
		{"empty", nil},
		{"one point", []orb.Ring{{{1, 1}}}},
		{"flat", []orb.Ring{{{0, 0}, {1, 0}, {2, 0}, {0, 0}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if p, ok := InteriorPoint(tc.rings); ok {
				t.Errorf("got %v for a shape with no area", p)
			}
		})
	}
}

func TestAssembleRings(t *testing.T) {
	parts := []orb.LineString{
		{{0, 0}, {1, 0}},
		{{1, 1}, {0, 1}, {0, 0}},
		{{1, 0}, {1, 1}},
		{{5, 5}, {6, 6}}, // cannot close
	}
	rings, open := AssembleRings(parts)
	if len(rings) != 1 || open != 1 {
		t.Fatalf("got %d rings, %d open; want 1 and 1", len(rings), open)
	}
	if len(rings[0]) != 5 || !rings[0].Closed() {
		t.Errorf("ring %v", rings[0])
	}
}

func TestLineMidpoint(t *testing.T) {
	p, ok := LineMidpoint(orb.LineString{{0, 0}, {2, 0}, {2, 2}})
	if !ok || p != (orb.Point{2, 0}) {
		t.Errorf("got %v", p)
	}
}

func TestDistanceMeters(t *testing.T) {
	// Paris Notre-Dame to the Eiffel Tower: about 4.1 km.
	d := DistanceMeters(orb.Point{2.3499, 48.8530}, orb.Point{2.2945, 48.8584})
	if d < 4000 || d > 4200 {
		t.Errorf("distance %.0f m", d)
	}
}
