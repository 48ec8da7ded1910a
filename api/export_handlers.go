package api

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"strconv"

	"codeberg.org/openmap/openmap/geo"
	"github.com/labstack/echo/v4"
)

// exportProps are the properties of a place in the exports.
type exportProps struct {
	ID            string  `json:"id"`
	Name          string  `json:"name"`
	Category      string  `json:"category"`
	Subcategory   string  `json:"subcategory"`
	Address       string  `json:"address"`
	OpeningHours  string  `json:"opening_hours"`
	State         string  `json:"state"`
	Status        string  `json:"status"`
	Confidence    string  `json:"confidence"`
	LastConfirmed *string `json:"last_confirmed"`
	ReportedHours string  `json:"reported_hours"`
}

// eachExported streams every place with its current status.
func (s *Server) eachExported(c echo.Context, f func(p geo.Place, e exportProps) error) error {
	ctx := c.Request().Context()
	rev, err := s.st.Revision(ctx)
	if err != nil {
		return err
	}
	recent, err := s.recentReports(ctx, rev)
	if err != nil {
		return err
	}
	now := s.now()
	return s.st.EachPlace(ctx, func(p geo.Place) error {
		cs := s.cfg.Rules.Compute(now, recent[p.ID], s.evidence(p.State == geo.Gone, p.Tags))
		e := exportProps{ID: p.ID.String(), Name: p.Name, Category: p.Category, Subcategory: p.Subcategory,
			Address: p.Address.String(), OpeningHours: p.OpeningHours, State: string(p.State),
			Status: string(cs.Status), Confidence: string(cs.Confidence), LastConfirmed: timeOrNil(cs.LastConfirmed)}
		if cs.Hours != nil {
			e.ReportedHours = cs.Hours.OpeningHours
		}
		return f(p, e)
	})
}

// exportGeoJSON answers GET /api/v1/export.geojson, streamed.
func (s *Server) exportGeoJSON(c echo.Context) error {
	w := c.Response()
	w.Header().Set(echo.HeaderContentType, "application/geo+json")
	w.Header().Set("Content-Disposition", `attachment; filename="openmap.geojson"`)
	bw := bufio.NewWriterSize(w, 64<<10)
	started := false
	start := func() {
		if !started {
			started = true
			w.WriteHeader(http.StatusOK)
			bw.WriteString(`{"type":"FeatureCollection","attribution":` + strconv.Quote(Attribution) + `,"license":"ODbL-1.0","features":[`)
		}
	}
	first := true
	err := s.eachExported(c, func(p geo.Place, e exportProps) error {
		start()
		if !first {
			bw.WriteByte(',')
		}
		first = false
		b, err := json.Marshal(feature{Type: "Feature", Geometry: point(p.Location), Properties: e})
		if err != nil {
			return err
		}
		_, err = bw.Write(b)
		return err
	})
	if err != nil && !started {
		return err // nothing sent yet: the error handler answers
	}
	if err != nil {
		// Halfway through: the body is cut, which a client sees as
		// invalid JSON; log it once.
		s.log.Error("export interrupted", "route", c.Path(), "error", err.Error())
		return bw.Flush()
	}
	start()
	bw.WriteString("]}\n")
	return bw.Flush()
}

// exportCSV answers GET /api/v1/export.csv, streamed. The attribution is a
// column of every row, so it survives any cut of the file.
func (s *Server) exportCSV(c echo.Context) error {
	w := c.Response()
	w.Header().Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="openmap.csv"`)
	cw := csv.NewWriter(w)
	started := false
	err := s.eachExported(c, func(p geo.Place, e exportProps) error {
		if !started {
			started = true
			w.WriteHeader(http.StatusOK)
			cw.Write([]string{"id", "name", "category", "subcategory", "lat", "lon", "address", "opening_hours", "state",
				"status", "confidence", "last_confirmed", "reported_hours", "osm_url", "attribution"})
		}
		lc := ""
		if e.LastConfirmed != nil {
			lc = *e.LastConfirmed
		}
		return cw.Write([]string{e.ID, csvSafe(e.Name), e.Category, e.Subcategory,
			strconv.FormatFloat(round7(p.Location[1]), 'f', -1, 64), strconv.FormatFloat(round7(p.Location[0]), 'f', -1, 64),
			csvSafe(e.Address), csvSafe(e.OpeningHours), e.State, e.Status, e.Confidence, lc, csvSafe(e.ReportedHours),
			"https://www.openstreetmap.org/" + e.ID, Attribution})
	})
	if err != nil && !started {
		return err
	}
	if err != nil {
		s.log.Error("export interrupted", "route", c.Path(), "error", err.Error())
	}
	cw.Flush()
	return cw.Error()
}

// csvSafe defuses spreadsheet formulas: a cell starting with = + - @ gets a
// leading apostrophe (OWASP's advice on CSV injection).
func csvSafe(v string) string {
	if v != "" && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@' || v[0] == '\t' || v[0] == '\r') {
		return "'" + v
	}
	return v
}
