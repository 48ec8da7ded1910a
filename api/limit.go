package api

import (
	"math"
	"sync"
	"time"
)

// limiter is a token bucket per key (a client IP, a contributor hash),
// held in memory only: nothing of it is ever written anywhere. Buckets
// that are full again are forgotten by a sweep, so memory stays bounded by
// the number of active clients.
type limiter struct {
	rate  float64 // tokens per second; <= 0: no limit
	burst float64
	now   func() time.Time

	mu        sync.Mutex
	buckets   map[string]*bucket
	lastSweep time.Time
}

type bucket struct {
	tokens float64
	at     time.Time
}

func newLimiter(rate float64, burst int, now func() time.Time) *limiter {
	return &limiter{rate: rate, burst: float64(max(burst, 1)), now: now, buckets: map[string]*bucket{}}
}

// allow takes one token for key; when none is left it returns false and the
// number of seconds until one is.
func (l *limiter) allow(key string) (bool, int) {
	if l.rate <= 0 {
		return true, 0
	}
	t := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if t.Sub(l.lastSweep) > time.Minute {
		l.sweep(t)
	}
	b, ok := l.buckets[key]
	if !ok {
		b = &bucket{tokens: l.burst, at: t}
		l.buckets[key] = b
	}
	b.tokens = math.Min(l.burst, b.tokens+t.Sub(b.at).Seconds()*l.rate)
	b.at = t
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	wait := int(math.Ceil((1 - b.tokens) / l.rate))
	return false, max(wait, 1)
}

func (l *limiter) sweep(t time.Time) {
	l.lastSweep = t
	for k, b := range l.buckets {
		if b.tokens+t.Sub(b.at).Seconds()*l.rate >= l.burst {
			delete(l.buckets, k)
		}
	}
}

// size is the number of keys held, for /metrics.
func (l *limiter) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}
