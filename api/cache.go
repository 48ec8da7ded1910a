package api

import (
	"container/list"
	"sync"
)

// respCache keeps rendered /places answers. An entry is valid for one store
// revision (every report or moderation action makes a new one) and one
// minute of wall time (open_now and the freshness window move with time,
// at minute resolution), so a hit is exactly what a fresh computation would
// give. It is a small LRU.
type respCache struct {
	mu  sync.Mutex
	max int
	ll  *list.List
	m   map[string]*list.Element
}

type cacheEntry struct {
	key  string
	body []byte
}

func newRespCache(max int) *respCache {
	return &respCache{max: max, ll: list.New(), m: map[string]*list.Element{}}
}

func (c *respCache) get(key string) ([]byte, bool) {
	if c.max <= 0 {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.m[key]
	if !ok {
		return nil, false
	}
	c.ll.MoveToFront(el)
	return el.Value.(*cacheEntry).body, true
}

func (c *respCache) put(key string, body []byte) {
	if c.max <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.m[key]; ok {
		el.Value.(*cacheEntry).body = body
		c.ll.MoveToFront(el)
		return
	}
	c.m[key] = c.ll.PushFront(&cacheEntry{key, body})
	for c.ll.Len() > c.max {
		old := c.ll.Back()
		c.ll.Remove(old)
		delete(c.m, old.Value.(*cacheEntry).key)
	}
}
