package api

import (
	"bytes"
	"net/http"
	"time"

	"codeberg.org/openmap/openmap/geo"
	"github.com/labstack/echo/v4"
)

// healthz answers GET /healthz: 200 when the database answers.
func (s *Server) healthz(c echo.Context) error {
	if _, err := s.st.Revision(c.Request().Context()); err != nil {
		return err
	}
	return c.String(http.StatusOK, "ok\n")
}

// metricsText answers GET /metrics in the Prometheus text format.
func (s *Server) metricsText(c echo.Context) error {
	var buf bytes.Buffer
	s.metrics.write(&buf, map[string]float64{
		"openmap_rate_limit_keys_read":        float64(s.limRead.size()),
		"openmap_rate_limit_keys_report":      float64(s.limRep.size()),
		"openmap_rate_limit_keys_contributor": float64(s.limKey.size()),
		"openmap_voices_held":                 float64(s.voices.size()),
	})
	return c.Blob(http.StatusOK, "text/plain; version=0.0.4; charset=utf-8", buf.Bytes())
}

type categoryDoc struct {
	ID            string      `json:"id"`
	Label         geo.Label   `json:"label"`
	Subcategories []subcatDoc `json:"subcategories"`
}

type subcatDoc struct {
	ID    string    `json:"id"`
	Label geo.Label `json:"label"`
}

// categories answers GET /api/v1/categories: the table's ids and labels.
func (s *Server) categories(c echo.Context) error {
	out := struct {
		Categories []categoryDoc `json:"categories"`
		Statuses   []subcatDoc   `json:"statuses"`
	}{}
	for _, cat := range s.cats.List {
		d := categoryDoc{ID: cat.ID, Label: cat.Label, Subcategories: []subcatDoc{}}
		for _, sc := range cat.Subcategories {
			d.Subcategories = append(d.Subcategories, subcatDoc{ID: sc.ID, Label: sc.Label})
		}
		out.Categories = append(out.Categories, d)
	}
	for _, st := range append(append([]geo.Status{}, geo.ReportStatuses...), geo.StatusUnknown) {
		out.Statuses = append(out.Statuses, subcatDoc{ID: string(st), Label: st.Label()})
	}
	return sendJSON(c, http.StatusOK, out)
}

// getStats answers GET /api/v1/stats. The count of places by status needs
// the status of every place; it is kept for a minute or until a report.
func (s *Server) getStats(c echo.Context) error {
	ctx := c.Request().Context()
	st, err := s.st.Stats(ctx)
	if err != nil {
		return err
	}
	now := s.now()
	counts, err := s.st.CountReports(ctx, now.Add(-24*time.Hour))
	if err != nil {
		return err
	}
	rev, err := s.st.Revision(ctx)
	if err != nil {
		return err
	}
	sc := &s.stats
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if sc.by == nil || sc.rev != rev || now.Sub(sc.at) > time.Minute {
		recent, err := s.recentReports(ctx, rev)
		if err != nil {
			return err
		}
		pts, err := s.st.AllPlacePoints(ctx, s.cats.LifecyclePrefixes)
		if err != nil {
			return err
		}
		by := map[string]int{}
		for _, st := range append(append([]geo.Status{}, geo.ReportStatuses...), geo.StatusUnknown) {
			by[string(st)] = 0
		}
		for i := range pts {
			if pts[i].Gone {
				continue
			}
			cs := s.cfg.Rules.Compute(now, recent[pts[i].ID], s.evidence(false, pts[i].Tags))
			by[string(cs.Status)]++
		}
		sc.by, sc.rev, sc.at = by, rev, now
	}
	return sendJSON(c, http.StatusOK, map[string]any{
		"places": st.Places, "gone": st.Gone, "by_type": st.ByType, "by_category": st.ByCategory,
		"reports": counts.Total, "reports_24h": counts.Since, "by_status": sc.by,
	})
}

// config answers GET /api/v1/config: what the map page needs.
func (s *Server) config(c echo.Context) error {
	return sendJSON(c, http.StatusOK, map[string]any{
		"tiles":        map[string]any{"url": s.cfg.TilesURL, "attribution": s.cfg.TilesAttribution, "max_zoom": s.cfg.TilesMaxZoom},
		"base_url":     s.cfg.BaseURL,
		"default_view": s.cfg.DefaultView,
		"version":      s.cfg.Version,
		"attribution":  Attribution,
		"rules": map[string]any{
			"window_days": s.cfg.Rules.Window.Hours() / 24,
			"quorum":      s.cfg.Rules.Quorum,
		},
	})
}
