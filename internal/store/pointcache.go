package store

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/paulmach/orb"
)

// maxCachedPoints bounds the places kept in memory for map views: some
// 255 bytes each on the heap (1.6 MB for the 6,369 places of the benchmark
// database, measured with runtime.MemStats after a GC), so about 64 MB at
// the bound. A larger database is read from SQLite at each view, as
// before.
const maxCachedPoints = 250_000

// pointCache holds every place's PlacePoint, sorted by longitude, as of a
// places_version (migration 007). A map view then costs a read of that
// counter and a scan of the points in its band of longitudes, instead of
// a query returning each place's columns through cgo (some 5 µs a place).
// The points, their Tags included, are shared by the callers: read-only.
type pointCache struct {
	snap atomic.Pointer[pointSnap]
	load sync.Mutex // one load at a time
	max  int        // maxCachedPoints when 0 (tests lower it)
}

type pointSnap struct {
	version  int64
	prefixes string
	tooMany  bool         // more places than maxCachedPoints: not cached
	pts      []PlacePoint // by longitude
}

const placesVersionSQL = `SELECT n FROM places_version WHERE id = 1`

// cachedPoints returns the snapshot of the current places version, loading
// it if needed; nil when the database holds too many places to cache.
func (s *Store) cachedPoints(ctx context.Context, lifecyclePrefixes []string) (*pointSnap, error) {
	var v int64
	if err := s.queryRow(ctx, placesVersionSQL).Scan(&v); err != nil {
		return nil, err
	}
	prefixes := strings.Join(lifecyclePrefixes, ",")
	valid := func(sn *pointSnap) bool { return sn != nil && sn.version == v && sn.prefixes == prefixes }
	old := s.points.snap.Load()
	if valid(old) {
		return old.usable(), nil
	}
	if !s.points.load.TryLock() {
		if old != nil && old.prefixes == prefixes {
			// Another view is reloading: this one makes do with the
			// points as they were a write ago, rather than wait.
			return old.usable(), nil
		}
		s.points.load.Lock()
	}
	defer s.points.load.Unlock()
	// The version again, under the lock: one read before it may be older
	// than the snapshot another view stored meanwhile.
	if err := s.queryRow(ctx, placesVersionSQL).Scan(&v); err != nil {
		return nil, err
	}
	if sn := s.points.snap.Load(); valid(sn) {
		return sn.usable(), nil
	}
	sn := &pointSnap{version: v, prefixes: prefixes}
	var n int
	if err := s.queryRow(ctx, `SELECT count(*) FROM places`).Scan(&n); err != nil {
		return nil, err
	}
	limit := s.points.max
	if limit == 0 {
		limit = maxCachedPoints
	}
	if n > limit {
		sn.tooMany = true
	} else {
		// Read after the version: a write in between makes these points
		// newer than their version, and the next view reloads.
		pts, err := s.AllPlacePoints(ctx, lifecyclePrefixes)
		if err != nil {
			return nil, err
		}
		sort.SliceStable(pts, func(i, j int) bool { return pts[i].Location[0] < pts[j].Location[0] })
		sn.pts = pts
	}
	s.points.snap.Store(sn)
	return sn.usable(), nil
}

func (sn *pointSnap) usable() *pointSnap {
	if sn.tooMany {
		return nil
	}
	return sn
}

// within returns the points inside b (edges included), active ones only
// unless withGone, at most limit of them.
func (sn *pointSnap) within(b orb.Bound, limit int, withGone bool) []PlacePoint {
	pts := sn.pts
	i := sort.Search(len(pts), func(i int) bool { return pts[i].Location[0] >= b.Min[0] })
	var out []PlacePoint
	for ; i < len(pts) && pts[i].Location[0] <= b.Max[0] && len(out) < limit; i++ {
		p := &pts[i]
		if p.Location[1] < b.Min[1] || p.Location[1] > b.Max[1] || (p.Gone && !withGone) {
			continue
		}
		out = append(out, *p)
	}
	return out
}

// pointsFromCache is PlacePoints from the cache, ok false when the
// database is too large for it.
func (s *Store) pointsFromCache(ctx context.Context, b orb.Bound, limit int, withGone bool, lifecyclePrefixes []string) ([]PlacePoint, bool, error) {
	sn, err := s.cachedPoints(ctx, lifecyclePrefixes)
	if err != nil {
		return nil, false, fmt.Errorf("store: place points: %w", err)
	}
	if sn == nil {
		return nil, false, nil
	}
	return sn.within(b, limit, withGone), true, nil
}
