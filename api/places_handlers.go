package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"codeberg.org/openmap/openmap/geo"
	"codeberg.org/openmap/openmap/internal/store"
	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb"
)

// Attribution is the ODbL attribution every answer with OSM data carries.
const Attribution = "© OpenStreetMap contributors, ODbL"

// maxPoints bounds the rows one /places request reads before clustering.
const maxPoints = 200000

type featureCollection struct {
	Type        string    `json:"type"`
	Attribution string    `json:"attribution"`
	Clustered   bool      `json:"clustered"`
	Features    []feature `json:"features"`
}

type feature struct {
	Type       string   `json:"type"`
	Geometry   geometry `json:"geometry"`
	Properties any      `json:"properties"`
}

type geometry struct {
	Type        string     `json:"type"`
	Coordinates [2]float64 `json:"coordinates"`
}

type placeProps struct {
	ID               string `json:"id"`
	Name             string `json:"name"`
	Category         string `json:"category"`
	CategoryLabel    string `json:"category_label"`
	Subcategory      string `json:"subcategory"`
	SubcategoryLabel string `json:"subcategory_label"`
	Status           string `json:"status"`
	Confidence       string `json:"confidence"`
	OpenNow          *bool  `json:"open_now"`
}

type clusterProps struct {
	Cluster  bool           `json:"cluster"`
	Count    int            `json:"count"`
	ByStatus map[string]int `json:"by_status"`
}

// parseBBox reads "minlon,minlat,maxlon,maxlat".
func (s *Server) parseBBox(v string) (orb.Bound, error) {
	parts := strings.Split(v, ",")
	if v == "" || len(parts) != 4 {
		return orb.Bound{}, badRequest("bbox", "bbox: want minlon,minlat,maxlon,maxlat", "bbox : on attend minlon,minlat,maxlon,maxlat")
	}
	var f [4]float64
	for i, p := range parts {
		x, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
			return orb.Bound{}, badRequest("bbox", fmt.Sprintf("bbox: %q is not a number", p), fmt.Sprintf("bbox : %q n'est pas un nombre", p))
		}
		f[i] = x
	}
	if f[0] < -180 || f[2] > 180 || f[1] < -90 || f[3] > 90 || f[0] >= f[2] || f[1] >= f[3] {
		return orb.Bound{}, badRequest("bbox", "bbox: want -180 <= minlon < maxlon <= 180 and -90 <= minlat < maxlat <= 90",
			"bbox : on attend -180 <= minlon < maxlon <= 180 et -90 <= minlat < maxlat <= 90")
	}
	if f[2]-f[0] > s.cfg.MaxSpanDegrees || f[3]-f[1] > s.cfg.MaxSpanDegrees {
		return orb.Bound{}, badRequest("bbox", fmt.Sprintf("bbox too large: at most %g degrees wide and high", s.cfg.MaxSpanDegrees),
			fmt.Sprintf("bbox trop grande : au plus %g degrés de large et de haut", s.cfg.MaxSpanDegrees))
	}
	return orb.Bound{Min: orb.Point{f[0], f[1]}, Max: orb.Point{f[2], f[3]}}, nil
}

// listFilter is the parsed query of /places.
type listFilter struct {
	cats       map[string]bool
	status     map[string]bool
	confidence map[string]bool
	openNow    bool
}

// confidences are the values of the confidence filter, strongest first.
var confidences = []geo.Confidence{geo.Confirmed, geo.Reported, geo.Disputed, geo.FromOSM, geo.UnknownConfidence}

func (s *Server) parseFilter(c echo.Context) (listFilter, error) {
	var f listFilter
	if v := c.QueryParam("category"); v != "" {
		f.cats = map[string]bool{}
		for _, id := range strings.Split(v, ",") {
			if _, ok := s.cats.Category(id); !ok {
				return f, badRequest("category", fmt.Sprintf("category: unknown category %q (see /api/v1/categories)", id),
					fmt.Sprintf("category : catégorie %q inconnue (voir /api/v1/categories)", id))
			}
			f.cats[id] = true
		}
	}
	if v := c.QueryParam("status"); v != "" {
		f.status = map[string]bool{}
		for _, st := range strings.Split(v, ",") {
			if _, err := geo.ParseStatus(st); err != nil && st != string(geo.StatusUnknown) {
				return f, badRequest("status", fmt.Sprintf("status: unknown status %q: want open, open_adapted, partial, closed, gone or unknown (how sure: see confidence)", st),
					fmt.Sprintf("status : statut %q inconnu : on attend open, open_adapted, partial, closed, gone ou unknown (degré de certitude : voir confidence)", st))
			}
			f.status[st] = true
		}
	}
	if v := c.QueryParam("confidence"); v != "" {
		f.confidence = map[string]bool{}
		for _, cf := range strings.Split(v, ",") {
			if !slices.Contains(confidences, geo.Confidence(cf)) {
				return f, badRequest("confidence", fmt.Sprintf("confidence: unknown value %q: want confirmed, reported, disputed, osm or unknown", cf),
					fmt.Sprintf("confidence : valeur %q inconnue : on attend confirmed, reported, disputed, osm ou unknown", cf))
			}
			f.confidence[cf] = true
		}
	}
	switch v := c.QueryParam("open_now"); v {
	case "", "0", "false":
	case "1", "true":
		f.openNow = true
	default:
		return f, badRequest("open_now", "open_now: want 1 or 0", "open_now : on attend 1 ou 0")
	}
	return f, nil
}

func parseZoom(v string) (int, error) {
	if v == "" {
		return 16, nil
	}
	z, err := strconv.Atoi(v)
	if err != nil || z < 0 || z > 22 {
		return 0, badRequest("zoom", "zoom: want an integer from 0 to 22", "zoom : on attend un entier de 0 à 22")
	}
	return z, nil
}

// listPlaces answers GET /api/v1/places.
func (s *Server) listPlaces(c echo.Context) error {
	b, err := s.parseBBox(c.QueryParam("bbox"))
	if err != nil {
		return err
	}
	zoom, err := parseZoom(c.QueryParam("zoom"))
	if err != nil {
		return err
	}
	f, err := s.parseFilter(c)
	if err != nil {
		return err
	}
	ln := lang(c)
	ctx := c.Request().Context()
	rev, err := s.st.Revision(ctx)
	if err != nil {
		return err
	}
	now := s.now()
	key := fmt.Sprintf("%d|%d|%s|%s", rev, now.Unix()/60, ln, c.QueryString())
	if body, ok := s.cache.get(key); ok {
		s.metrics.cache(true)
		return c.Blob(http.StatusOK, "application/geo+json", body)
	}
	s.metrics.cache(false)
	body, err := s.renderPlaces(ctx, b, zoom, f, ln, rev, now)
	if err != nil {
		return err
	}
	s.cache.put(key, body)
	return c.Blob(http.StatusOK, "application/geo+json", body)
}

// located is one place of a view, with its computed status.
type located struct {
	props placeProps
	at    orb.Point
}

func (s *Server) renderPlaces(ctx context.Context, b orb.Bound, zoom int, f listFilter, ln string, rev int64, now time.Time) ([]byte, error) {
	pts, err := s.st.PlacePoints(ctx, b, maxPoints+1, false, s.cats.LifecyclePrefixes)
	if err != nil {
		return nil, err
	}
	if len(pts) > maxPoints {
		return nil, badRequest("bbox", "bbox holds too many places: zoom in", "bbox contient trop de lieux : zoomez")
	}
	recent, err := s.recentReports(ctx, rev)
	if err != nil {
		return nil, err
	}
	out := make([]located, 0, len(pts))
	for i := range pts {
		p := &pts[i]
		if f.cats != nil && !f.cats[p.Category] {
			continue
		}
		cs := s.cfg.Rules.Compute(now, recent[p.ID], s.evidence(p.Gone, p.Tags))
		if (f.status != nil && !f.status[string(cs.Status)]) || (f.confidence != nil && !f.confidence[string(cs.Confidence)]) {
			continue
		}
		open := s.openNow(cs, p.OpeningHours, now, s.zones.at(p.Location[0], p.Location[1]))
		if f.openNow && (open == nil || !*open) {
			continue
		}
		out = append(out, located{props: s.props(p, cs, open, ln), at: p.Location})
	}
	fc := featureCollection{Type: "FeatureCollection", Attribution: Attribution, Features: []feature{}}
	if len(out) > s.cfg.ClusterAbove {
		fc.Clustered = true
		fc.Features = cluster(out, b, zoom, s.cfg.MaxFeatures)
	} else {
		for _, l := range out {
			fc.Features = append(fc.Features, feature{Type: "Feature", Geometry: point(l.at), Properties: l.props})
		}
	}
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(fc); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func point(p orb.Point) geometry {
	return geometry{Type: "Point", Coordinates: [2]float64{round7(p[0]), round7(p[1])}}
}

// round7 keeps 7 decimals (about a centimetre), as OSM does.
func round7(x float64) float64 { return math.Round(x*1e7) / 1e7 }

func (s *Server) props(p *store.PlacePoint, cs geo.CurrentStatus, open *bool, ln string) placeProps {
	pp := placeProps{ID: p.ID.String(), Name: p.Name, Category: p.Category, Subcategory: p.Subcategory,
		Status: string(cs.Status), Confidence: string(cs.Confidence), OpenNow: open}
	if c, ok := s.cats.Category(p.Category); ok {
		pp.CategoryLabel = c.Label.In(ln)
	}
	if sc, ok := s.cats.Subcategory(p.Subcategory); ok {
		pp.SubcategoryLabel = sc.Label.In(ln)
	}
	return pp
}

// cluster groups places on a grid whose cell is a quarter of a tile at the
// zoom (64 pixels), doubling the cell until the answer has at most max
// features. A cell holding one place gives that place's own feature.
func cluster(list []located, b orb.Bound, zoom, max int) []feature {
	cell := 360 / math.Exp2(float64(zoom)) / 4
	// Cells of equal ground size: the latitude step shrinks with cos(lat).
	k := math.Max(0.1, math.Cos((b.Min[1]+b.Max[1])/2*math.Pi/180))
	for {
		type acc struct {
			n      int
			sx, sy float64
			by     map[string]int
			first  int
		}
		cells := map[[2]int64]*acc{}
		var order [][2]int64
		for i, l := range list {
			key := [2]int64{int64(math.Floor(l.at[0] / cell)), int64(math.Floor(l.at[1] / (cell * k)))}
			a, ok := cells[key]
			if !ok {
				a = &acc{by: map[string]int{}, first: i}
				cells[key] = a
				order = append(order, key)
			}
			a.n++
			a.sx += l.at[0]
			a.sy += l.at[1]
			a.by[l.props.Status]++
		}
		if len(cells) <= max || cell > 360 {
			out := make([]feature, 0, len(cells))
			for _, key := range order {
				a := cells[key]
				if a.n == 1 {
					l := list[a.first]
					out = append(out, feature{Type: "Feature", Geometry: point(l.at), Properties: l.props})
					continue
				}
				out = append(out, feature{Type: "Feature",
					Geometry:   point(orb.Point{a.sx / float64(a.n), a.sy / float64(a.n)}),
					Properties: clusterProps{Cluster: true, Count: a.n, ByStatus: a.by}})
			}
			return out
		}
		cell *= 2
	}
}

// getPlace answers GET /api/v1/places/:type/:id.
func (s *Server) getPlace(c echo.Context) error {
	id, err := placeID(c)
	if err != nil {
		return err
	}
	doc, err := s.PlaceDoc(c.Request().Context(), id, lang(c), false)
	if err != nil {
		return err
	}
	return sendJSON(c, http.StatusOK, doc)
}

func placeID(c echo.Context) (geo.PlaceID, error) {
	id, err := geo.NewPlaceID(c.Param("type"), c.Param("id"))
	if err != nil {
		return id, problem(http.StatusNotFound, "id", "no such place: want /places/node|way|relation/<positive id>",
			"lieu inconnu : on attend /places/node|way|relation/<id positif>")
	}
	return id, nil
}

// PlaceDoc is the full JSON of a place (GET /api/v1/places/:type/:id).
type PlaceDoc struct {
	ID            string            `json:"id"`
	Type          string            `json:"type"`
	OSMID         int64             `json:"osm_id"`
	Version       int               `json:"version"`
	Name          string            `json:"name"`
	Category      IDLabel           `json:"category"`
	Subcategory   IDLabel           `json:"subcategory"`
	Address       AddressDoc        `json:"address"`
	Location      LatLon            `json:"location"`
	Tags          map[string]string `json:"tags"`
	State         string            `json:"state"`
	Hours         *HoursDoc         `json:"hours"`
	ReportedHours *HoursDoc         `json:"reported_hours"`
	Services      Services          `json:"services"`
	Status        StatusDoc         `json:"status"`
	Reports       []ReportDoc       `json:"reports"`
	OSMURL        string            `json:"osm_url"`
	PageURL       string            `json:"page_url"`
	PosterURL     string            `json:"poster_url"`
	Attribution   string            `json:"attribution"`
}

// IDLabel is an id with its localized label.
type IDLabel struct {
	ID    string `json:"id"`
	Label string `json:"label"`
}

// AddressDoc is the address, in parts and on one line.
type AddressDoc struct {
	HouseNumber string `json:"housenumber"`
	Street      string `json:"street"`
	Postcode    string `json:"postcode"`
	City        string `json:"city"`
	Text        string `json:"text"`
}

// LatLon is a position in degrees.
type LatLon struct {
	Lat float64 `json:"lat"`
	Lon float64 `json:"lon"`
}

// HoursDoc describes an opening_hours value.
type HoursDoc struct {
	Raw        string     `json:"raw"`
	Normalized string     `json:"normalized"`
	Valid      bool       `json:"valid"`
	Error      *string    `json:"error"`
	OpenNow    *bool      `json:"open_now"`
	NextChange *string    `json:"next_change"`
	Week       []dayHours `json:"week"`
	Notes      []string   `json:"notes"`
}

// Services says what a place offers; nil is not known.
type Services struct {
	Delivery *bool `json:"delivery"`
	Takeaway *bool `json:"takeaway"`
	Pickup   *bool `json:"pickup"`
}

// StatusDoc is the current status of a place.
type StatusDoc struct {
	Status        string  `json:"status"`
	Confidence    string  `json:"confidence"`
	LastConfirmed *string `json:"last_confirmed"`
	Since         *string `json:"since"`
	Label         string  `json:"label"`
	Locked        bool    `json:"locked"`
}

// ReportDoc is one report as the public sees it: never who made it.
type ReportDoc struct {
	ID           int64  `json:"id"`
	Status       string `json:"status"`
	OpeningHours string `json:"opening_hours"`
	Delivery     *bool  `json:"delivery"`
	Takeaway     *bool  `json:"takeaway"`
	Pickup       *bool  `json:"pickup"`
	Remark       string `json:"remark"`
	CreatedAt    string `json:"created_at"`
	Trusted      bool   `json:"trusted"`
	Hidden       bool   `json:"hidden"`
}

// maxReportsShown bounds the history in a place document.
const maxReportsShown = 50

// PlaceDoc builds the document of a place in language ln; withHidden keeps
// hidden reports (for moderators). store.ErrNotFound if there is no such
// place.
func (s *Server) PlaceDoc(ctx context.Context, id geo.PlaceID, ln string, withHidden bool) (PlaceDoc, error) {
	return s.placeDoc(ctx, id, ln, withHidden, nil)
}

// placeDoc is PlaceDoc; with inputs set (the status inputs a report's
// transaction read back, AddReportInputs), the status is computed from
// them instead of reading the window's reports again.
func (s *Server) placeDoc(ctx context.Context, id geo.PlaceID, ln string, withHidden bool, inputs *[]geo.Report) (PlaceDoc, error) {
	p, err := s.st.Place(ctx, id)
	if err != nil {
		return PlaceDoc{}, err
	}
	now := s.now()
	// The window's reports decide the status; the history shows the
	// newest ones, older included.
	var cs geo.CurrentStatus
	if inputs != nil {
		cs = s.cfg.Rules.Compute(now, *inputs, evidenceOf(s.cats, p.State == geo.Gone, p.Tags))
	} else if cs, _, err = placeStatus(ctx, s.st, s.cfg.Rules, s.cats, p, now); err != nil {
		return PlaceDoc{}, err
	}
	history, err := s.st.LatestReports(ctx, id, maxReportsShown+1)
	if err != nil {
		return PlaceDoc{}, err
	}
	locked, err := s.st.PlaceLocked(ctx, id)
	if err != nil {
		return PlaceDoc{}, err
	}
	hc := s.zones.at(p.Location[0], p.Location[1])
	doc := PlaceDoc{
		ID: id.String(), Type: string(id.Type), OSMID: id.ID, Version: p.Version, Name: p.Name,
		Category:    IDLabel{ID: p.Category},
		Subcategory: IDLabel{ID: p.Subcategory},
		Address: AddressDoc{HouseNumber: p.Address.HouseNumber, Street: p.Address.Street, Postcode: p.Address.Postcode,
			City: p.Address.City, Text: p.Address.String()},
		Location:    LatLon{Lat: round7(p.Location[1]), Lon: round7(p.Location[0])},
		Tags:        p.Tags,
		State:       string(p.State),
		Reports:     []ReportDoc{},
		OSMURL:      "https://www.openstreetmap.org/" + id.String(),
		PageURL:     s.cfg.BaseURL + "/place/" + id.String(),
		PosterURL:   s.cfg.BaseURL + "/signs/shop/" + id.String() + ".pdf",
		Attribution: Attribution,
	}
	if doc.Tags == nil {
		doc.Tags = map[string]string{}
	}
	if c, ok := s.cats.Category(p.Category); ok {
		doc.Category.Label = c.Label.In(ln)
	}
	if sc, ok := s.cats.Subcategory(p.Subcategory); ok {
		doc.Subcategory.Label = sc.Label.In(ln)
	}
	if p.OpeningHours != "" {
		h := s.hoursDoc(p.OpeningHours, ln, now, hc)
		doc.Hours = &h
	}
	if cs.Hours != nil {
		h := s.hoursDoc(cs.Hours.OpeningHours, ln, now, hc)
		doc.ReportedHours = &h
	}
	// open_now of the OSM hours says false when reports say closed.
	if doc.Hours != nil && (cs.Status == geo.StatusClosed || cs.Status == geo.StatusGone) {
		f := false
		doc.Hours.OpenNow = &f
	}
	doc.Services = Services{Delivery: cs.Delivery, Takeaway: cs.Takeaway, Pickup: cs.Pickup}
	if doc.Services.Delivery == nil {
		doc.Services.Delivery = osmYesNo(p.Tags["delivery"])
	}
	if doc.Services.Takeaway == nil {
		doc.Services.Takeaway = osmYesNo(p.Tags["takeaway"])
	}
	doc.Status = StatusDoc{Status: string(cs.Status), Confidence: string(cs.Confidence),
		LastConfirmed: timeOrNil(cs.LastConfirmed), Since: timeOrNil(cs.Since), Label: cs.Status.Label().In(ln), Locked: locked}
	for _, r := range history {
		if len(doc.Reports) == maxReportsShown {
			break
		}
		if r.Hidden && !withHidden {
			continue
		}
		doc.Reports = append(doc.Reports, ReportDoc{ID: r.ID, Status: string(r.Status), OpeningHours: r.OpeningHours,
			Delivery: r.Delivery, Takeaway: r.Takeaway, Pickup: r.Pickup, Remark: r.Remark,
			CreatedAt: r.At.UTC().Format(time.RFC3339), Trusted: r.Trusted != "", Hidden: r.Hidden})
	}
	return doc, nil
}

func osmYesNo(v string) *bool {
	switch v {
	case "yes", "only":
		b := true
		return &b
	case "no":
		b := false
		return &b
	}
	return nil
}

func timeOrNil(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.UTC().Format(time.RFC3339)
	return &s
}

// hoursDoc describes a value: valid or not (with the error and the lenient
// correction as a note), open now, next change and the week from today.
func (s *Server) hoursDoc(raw, ln string, now time.Time, hc hoursCtx) HoursDoc {
	d := HoursDoc{Raw: raw, Week: []dayHours{}, Notes: []string{}}
	sch, err := s.hours.get(raw)
	if err != nil {
		msg := errorText(err, ln)
		d.Error = &msg
		if sch == nil {
			return d
		}
		// The lenient reading: proposed as a correction, and used
		// for open_now and the week.
		d.Notes = append(d.Notes, map[string]string{"fr": "Correction proposée : ", "en": "Suggested correction: "}[langOr(ln)]+sch.String())
	} else {
		d.Valid = true
		d.Normalized = sch.String()
	}
	switch sch.stateAt(now, hc) {
	case "open":
		b := true
		d.OpenNow = &b
	case "closed":
		b := false
		d.OpenNow = &b
	}
	if t, ok := sch.nextChange(now, hc); ok {
		v := t.Format(time.RFC3339)
		d.NextChange = &v
	}
	d.Week = sch.week(ln, now, hc)
	return d
}
