package api

import (
	"context"
	"strings"
	"time"

	"codeberg.org/openmap/openmap/geo"
	"codeberg.org/openmap/openmap/internal/store"
	"github.com/labstack/echo/v4"
)

// recentReports returns the reports of the freshness window by place, read
// again only when the store revision changed.
// The reports are converted to the rules' form once per revision.
func (s *Server) recentReports(ctx context.Context, rev int64) (map[geo.PlaceID][]geo.Report, error) {
	rc := &s.recent
	rc.mu.Lock()
	defer rc.mu.Unlock()
	now := s.now()
	// A cached map read for an older "since" holds a superset of the
	// window; Compute drops what is too old.
	if rc.ok && rc.rev == rev {
		return rc.m, nil
	}
	since := now.Add(-s.cfg.Rules.Window - s.cfg.Rules.Skew)
	stored, err := s.st.RecentReports(ctx, since)
	if err != nil {
		return nil, err
	}
	m := make(map[geo.PlaceID][]geo.Report, len(stored))
	for id, reps := range stored {
		m[id] = rulesInput(reps)
	}
	rc.m, rc.rev, rc.since, rc.ok = m, rev, since, true
	return m, nil
}

func rulesInput(reps []store.Report) []geo.Report {
	if len(reps) == 0 {
		return nil
	}
	out := make([]geo.Report, len(reps))
	for i, r := range reps {
		out[i] = r.Rule()
	}
	return out
}

func (s *Server) evidence(gone bool, tags map[string]string) geo.OSMEvidence {
	return evidenceOf(s.cats, gone, tags)
}

// effectiveHours is the opening_hours value that says whether the place is
// open now: the hours of the report the status rests on, else OSM's.
func effectiveHours(cs geo.CurrentStatus, osm string) string {
	if cs.Hours != nil {
		return cs.Hours.OpeningHours
	}
	return osm
}

// openNow combines the status and the effective hours: a place closed or
// gone is not open; otherwise the hours decide, and without hours nobody
// knows (nil).
func (s *Server) openNow(cs geo.CurrentStatus, osmHours string, t time.Time, hc hoursCtx) *bool {
	if cs.Status == geo.StatusClosed || cs.Status == geo.StatusGone {
		b := false
		return &b
	}
	return s.hours.openNow(effectiveHours(cs, osmHours), t, hc)
}

// lang is the language of the answer: ?lang=fr|en, else the first of fr or
// en in Accept-Language, else French (the instance's public is French).
func lang(c echo.Context) string {
	switch q := c.QueryParam("lang"); q {
	case "fr", "en":
		return q
	}
	for _, part := range strings.Split(c.Request().Header.Get("Accept-Language"), ",") {
		tag := strings.ToLower(strings.TrimSpace(strings.SplitN(part, ";", 2)[0]))
		switch {
		case strings.HasPrefix(tag, "fr"):
			return "fr"
		case strings.HasPrefix(tag, "en"):
			return "en"
		}
	}
	return "fr"
}
