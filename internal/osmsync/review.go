package osmsync

import (
	"sort"
	"time"

	"codeberg.org/openmap/openmap/geo"
)

// Candidate is a place whose status the reports confirm, as the review
// queue reads it: the place as stored (its OSM tags and version), what the
// reports say, and when they last said it.
type Candidate struct {
	Place         geo.Place
	Summary       geo.StatusSummary
	LastConfirmed time.Time
	// Reports are the ids of the reports behind the status, shown to the
	// mapper.
	Reports []int64
}

// ReviewItem is one line of the review queue: a place, the change the
// profile proposes, and why.
type ReviewItem struct {
	Candidate
	Proposal geo.Proposal
	// OSMURL is the element on openstreetmap.org (or the dev server).
	OSMURL string
}

// ReviewOptions are what the queue leaves out.
type ReviewOptions struct {
	// InProgress are places with an edit approved or on its way: not
	// proposed again until it is done.
	InProgress map[geo.PlaceID]bool
	// Rejected maps a place to the last confirmation a mapper turned down:
	// the place comes back only with a newer confirmation.
	Rejected map[geo.PlaceID]time.Time
	// Server names the OSM instance for OSMURL (Production when empty).
	Server Server
}

// ReviewQueue turns confirmed statuses into the mapper's review queue:
// every candidate whose proposal under profile is not empty (its status
// differs from what OSM says), not in progress, not rejected for this
// confirmation; newest confirmation first. A candidate whose proposal fails
// (hours that do not parse) is left out and returned in bad.
func ReviewQueue(cands []Candidate, profile geo.TagProfile, day time.Time, opt geo.ProposeOptions, ro ReviewOptions) (items []ReviewItem, bad map[geo.PlaceID]error) {
	web := ro.Server.Web
	if web == "" {
		web = Production.Web
	}
	bad = map[geo.PlaceID]error{}
	for _, c := range cands {
		id := c.Place.ID
		if ro.InProgress[id] {
			continue
		}
		if r, ok := ro.Rejected[id]; ok && !c.LastConfirmed.After(r) {
			continue
		}
		prop, err := profile.ProposeFor(c.Place, c.Summary, day, opt)
		if err != nil {
			bad[id] = err
			continue
		}
		if prop.Empty() {
			continue
		}
		items = append(items, ReviewItem{Candidate: c, Proposal: prop, OSMURL: web + "/" + id.String()})
	}
	sort.SliceStable(items, func(i, j int) bool { return items[i].LastConfirmed.After(items[j].LastConfirmed) })
	return items, bad
}

// RemovalQueue proposes, once a crisis is over, removing the crisis
// profile's keys from every place that carries them.
func RemovalQueue(places []geo.Place, profile geo.TagProfile, ro ReviewOptions) []ReviewItem {
	web := ro.Server.Web
	if web == "" {
		web = Production.Web
	}
	var items []ReviewItem
	for _, p := range places {
		if ro.InProgress[p.ID] {
			continue
		}
		if d := profile.Removal(p.Tags); len(d) > 0 {
			items = append(items, ReviewItem{Candidate: Candidate{Place: p}, Proposal: geo.Proposal{Diff: d}, OSMURL: web + "/" + p.ID.String()})
		}
	}
	return items
}
