package geo

import (
	"encoding/binary"
	"math/bits"
	"sync"
)

// latestVoices finds, for Compute, each contributor's counting report: an
// open-addressing table from contributor to report index, without the
// allocation and string hashing of a Go map (they were most of Compute's
// cost on a place with a hundred voices). Contributors are keyed hashes in
// hex, so a few of their bytes hash them well; any string works, only more
// slowly if many share their first and last eight bytes.
type latestVoices struct {
	slots  []int32 // report index + 1; 0 is empty
	latest []bool  // latest[i]: reports[i] is its contributor's counting report
	mask   uint64
	n      int
}

var voicesPool = sync.Pool{New: func() any { return new(latestVoices) }}

// maxPooledVoices bounds the tables kept for reuse (2 slots a report).
const maxPooledVoices = 1 << 13

func getVoices(nReports int) *latestVoices {
	v := voicesPool.Get().(*latestVoices)
	size := 16
	if nReports > 4 {
		size = 1 << bits.Len(uint(2*nReports-1)) // ≥ 2 slots a report
	}
	if cap(v.slots) < size {
		v.slots = make([]int32, size)
	} else {
		v.slots = v.slots[:size]
		clear(v.slots)
	}
	if cap(v.latest) < nReports {
		v.latest = make([]bool, nReports)
	} else {
		v.latest = v.latest[:nReports]
		clear(v.latest)
	}
	v.mask, v.n = uint64(size-1), 0
	return v
}

func putVoices(v *latestVoices) {
	if cap(v.slots) <= maxPooledVoices {
		voicesPool.Put(v)
	}
}

// offer makes reports[i] its contributor's counting report if it is the
// first seen or not older than the one held (on equal times the later in
// the slice wins).
func (v *latestVoices) offer(reports []Report, i int) {
	key := reports[i].Contributor
	for h := voiceHash(key) & v.mask; ; h = (h + 1) & v.mask {
		s := v.slots[h]
		if s == 0 {
			v.slots[h] = int32(i + 1)
			v.latest[i] = true
			v.n++
			return
		}
		if cur := int(s - 1); reports[cur].Contributor == key {
			if !reports[i].At.Before(reports[cur].At) {
				v.slots[h] = int32(i + 1)
				v.latest[cur], v.latest[i] = false, true
			}
			return
		}
	}
}

// latestOf is the index of key's counting report, -1 if none was offered.
func (v *latestVoices) latestOf(reports []Report, key string) int {
	for h := voiceHash(key) & v.mask; ; h = (h + 1) & v.mask {
		s := v.slots[h]
		if s == 0 {
			return -1
		}
		if cur := int(s - 1); reports[cur].Contributor == key {
			return cur
		}
	}
}

// voiceHash mixes the length and the first and last eight bytes of s.
func voiceHash(s string) uint64 {
	var a, b uint64
	if len(s) >= 8 {
		a = binary.LittleEndian.Uint64([]byte(s[:8]))
		b = binary.LittleEndian.Uint64([]byte(s[len(s)-8:]))
	} else {
		for i := 0; i < len(s); i++ {
			a = a<<8 | uint64(s[i])
		}
	}
	h := (a ^ bits.RotateLeft64(b, 31) ^ uint64(len(s))) * 0x9e3779b97f4a7c15
	return h ^ h>>29
}
