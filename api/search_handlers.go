package api

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"codeberg.org/openmap/openmap/geo"
	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb"
)

type searchResult struct {
	ID               string   `json:"id"`
	Name             string   `json:"name"`
	Category         string   `json:"category"`
	CategoryLabel    string   `json:"category_label"`
	SubcategoryLabel string   `json:"subcategory_label"`
	Address          string   `json:"address"`
	Lat              float64  `json:"lat"`
	Lon              float64  `json:"lon"`
	DistanceM        *float64 `json:"distance_m"`
	Status           string   `json:"status"`
}

// search answers GET /api/v1/search?q=…[&near=lat,lon][&limit=N]: places
// whose name, brand or category labels hold every word of q, accents and
// case aside; nearest first when near is given.
func (s *Server) search(c echo.Context) error {
	q := strings.TrimSpace(c.QueryParam("q"))
	if q == "" || utf8.RuneCountInString(q) > 100 || len(strings.Fields(geo.Fold(q))) == 0 {
		return badRequest("q", "q: want 1 to 100 characters with a letter or digit", "q : on attend 1 à 100 caractères dont une lettre ou un chiffre")
	}
	limit := 20
	if v := c.QueryParam("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			return badRequest("limit", "limit: want 1 to 100", "limit : on attend 1 à 100")
		}
		limit = n
	}
	var near *orb.Point
	if v := c.QueryParam("near"); v != "" {
		lat, lon, ok := parseLatLon(v)
		if !ok {
			return badRequest("near", "near: want lat,lon in degrees", "near : on attend lat,lon en degrés")
		}
		near = &orb.Point{lon, lat}
	}
	ctx := c.Request().Context()
	places, err := s.st.Search(ctx, q, near, limit)
	if err != nil {
		return err
	}
	rev, err := s.st.Revision(ctx)
	if err != nil {
		return err
	}
	recent, err := s.recentReports(ctx, rev)
	if err != nil {
		return err
	}
	ln := lang(c)
	now := s.now()
	out := struct {
		Results     []searchResult `json:"results"`
		Attribution string         `json:"attribution"`
	}{Results: []searchResult{}, Attribution: Attribution}
	for _, p := range places {
		cs := s.cfg.Rules.Compute(now, rulesInput(recent[p.ID]), s.evidence(p.State == geo.Gone, p.Tags))
		r := searchResult{ID: p.ID.String(), Name: p.Name, Category: p.Category, Address: p.Address.String(),
			Lat: round7(p.Location[1]), Lon: round7(p.Location[0]), Status: string(cs.Status)}
		if cat, ok := s.cats.Category(p.Category); ok {
			r.CategoryLabel = cat.Label.In(ln)
		}
		if sc, ok := s.cats.Subcategory(p.Subcategory); ok {
			r.SubcategoryLabel = sc.Label.In(ln)
		}
		if near != nil {
			d := math.Round(geo.DistanceMeters(*near, p.Location))
			r.DistanceM = &d
		}
		out.Results = append(out.Results, r)
	}
	return sendJSON(c, http.StatusOK, out)
}

func parseLatLon(v string) (lat, lon float64, ok bool) {
	a, b, found := strings.Cut(v, ",")
	if !found {
		return 0, 0, false
	}
	lat, err1 := strconv.ParseFloat(strings.TrimSpace(a), 64)
	lon, err2 := strconv.ParseFloat(strings.TrimSpace(b), 64)
	if err1 != nil || err2 != nil || lat < -90 || lat > 90 || lon < -180 || lon > 180 {
		return 0, 0, false
	}
	return lat, lon, true
}
