package store

import (
	"math"
	"sort"

	"codeberg.org/openmap/openmap/geo"
	"github.com/paulmach/orb"
)

func cosDeg(lat float64) float64 { return math.Max(0.01, math.Cos(lat*math.Pi/180)) }

func sortByDistance(ps []geo.Place, from orb.Point) {
	sort.SliceStable(ps, func(i, j int) bool {
		return geo.DistanceMeters(from, ps[i].Location) < geo.DistanceMeters(from, ps[j].Location)
	})
}
