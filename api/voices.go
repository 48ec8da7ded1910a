package api

import (
	"net/netip"
	"sync"
	"time"
)

// voices ties the reports that one network address gives on one place
// to one voice, in memory only. A contributor key is anonymous and anyone
// can mint one, so without this a single client could post twice with two
// keys and make a status "confirmed" on its own. The first contributor
// seen from an address on a place stays that address's voice there while
// the address keeps reporting on it (until a freshness window passes
// without a report): later reports from the same address, under any key,
// are stored as that contributor's, so the newest of them counts, once.
// Addresses are IPv4 addresses and IPv6 /64 networks (one subscriber's).
// Neighbours behind one shared address count as one voice on a place: the
// rule leans towards fewer confirmations, not more.
//
// What is kept is an HMAC of address and place (with the server secret)
// and a contributor hash, never written anywhere; a restart forgets it, as
// it forgets the rate limits.
type voices struct {
	keep time.Duration
	max  int // entries; the oldest go first beyond it

	mu    sync.Mutex
	by    map[[32]byte]voice
	order [][32]byte // keys in the order they were first seen
}

type voice struct {
	who [32]byte
	at  time.Time
}

// maxVoices bounds the table: 160 bytes an entry on the heap (16 MB for a
// full table, measured with runtime.MemStats after a GC).
const maxVoices = 100_000

func newVoices(keep time.Duration) *voices {
	return &voices{keep: keep, max: maxVoices, by: map[[32]byte]voice{}}
}

// voiceNetwork is the address a voice is tied to: the IPv4 address, or
// the /64 of an IPv6 one; "" when ip does not parse (then nothing is tied).
func voiceNetwork(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return ""
	}
	a = a.Unmap()
	if a.Is4() {
		return a.String()
	}
	p, _ := a.Prefix(64)
	return p.String()
}

// lookup returns the voice of this (address, place) key, if one reported
// within the window.
func (v *voices) lookup(key [32]byte, now time.Time) ([]byte, bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if e, ok := v.by[key]; ok && now.Sub(e.at) < v.keep {
		return e.who[:], true
	}
	return nil, false
}

// remember records who as the voice of the key, after a report of theirs
// was stored.
func (v *voices) remember(key [32]byte, who []byte, now time.Time) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if _, ok := v.by[key]; !ok {
		v.order = append(v.order, key)
	}
	var e voice
	copy(e.who[:], who)
	e.at = now
	v.by[key] = e
	// The first seen go first; those seen again since stay in place, so
	// this is a bound, not an exact expiry.
	for len(v.by) > v.max || (len(v.order) > 0 && now.Sub(v.by[v.order[0]].at) >= v.keep) {
		delete(v.by, v.order[0])
		v.order = v.order[1:]
	}
	if cap(v.order) > 4*len(v.order)+1024 { // let go of the slice's dropped front
		v.order = append([][32]byte(nil), v.order...)
	}
}

// size is the number of entries held, for /metrics.
func (v *voices) size() int {
	v.mu.Lock()
	defer v.mu.Unlock()
	return len(v.by)
}
