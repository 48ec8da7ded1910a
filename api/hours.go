package api

import (
	"sync"
	"time"
)

// This file is the API's only contact with the opening_hours language: the
// parser lives in geo (ParseHours, ParseHoursLenient, StateAt, NextChange,
// Week). hours_engine.go adapts it to the small set of calls below, so that
// a change of engine touches one file.

// hoursCtx is where a value is evaluated.
type hoursCtx struct {
	loc      *time.Location
	country  string
	lat, lon float64
}

// dayHours is one line of a week table.
type dayHours struct {
	Day  string `json:"day"`
	Date string `json:"date"`
	Text string `json:"text"`
}

// hoursCache keeps parsed opening_hours values. Many places share a value
// ("Mo-Sa 09:00-19:00"), so the key is the raw value, not the place: a
// view of thousands of places parses each distinct value once, and open_now
// then costs one StateAt (about a microsecond) per place.
type hoursCache struct {
	mu  sync.RWMutex
	m   map[string]hoursEntry
	max int
}

type hoursEntry struct {
	s   *schedule
	err error
}

func newHoursCache(max int) *hoursCache {
	return &hoursCache{m: map[string]hoursEntry{}, max: max}
}

// get parses value strictly once and remembers the outcome. When the value
// is invalid, err says why and s is the lenient reading (nil if there is
// none): mappers must fix the value, but "mo-sa 8:30-20:00" still tells a
// neighbour whether the shop is open now.
func (c *hoursCache) get(value string) (*schedule, error) {
	c.mu.RLock()
	e, ok := c.m[value]
	c.mu.RUnlock()
	if ok {
		return e.s, e.err
	}
	s, err := parseHours(value)
	if err != nil {
		s, _, _ = parseHoursLenient(value, "en")
	}
	c.mu.Lock()
	if len(c.m) >= c.max {
		// Crude but bounded: values are few next to places, so a
		// full cache means junk values; start again.
		c.m = map[string]hoursEntry{}
	}
	c.m[value] = hoursEntry{s, err}
	c.mu.Unlock()
	return s, err
}

// openNow is true or false when value parses and says so at t, nil when
// there is no value, it does not parse, or its state is unknown.
func (c *hoursCache) openNow(value string, t time.Time, hc hoursCtx) *bool {
	if value == "" {
		return nil
	}
	s, _ := c.get(value)
	if s == nil {
		return nil
	}
	switch s.stateAt(t, hc) {
	case "open":
		b := true
		return &b
	case "closed":
		b := false
		return &b
	}
	return nil
}
