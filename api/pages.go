package api

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"codeberg.org/openmap/openmap/geo"
	"codeberg.org/openmap/openmap/static"
	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb"
)

// The server-rendered pages: the map page's HTML shell (/), the place page
// that a poster's QR code points to (/place/{type}/{id}, with a plain form
// posting to /place/{type}/{id}/report) and the list of places around a
// point (/near). The last two need no JavaScript and weigh a few kilobytes.
//
// The pages read places through a PageSource. LoopbackSource implements it
// on top of the JSON API's own handler (the HTTP contract in
// api-contract.md), so the pages show exactly what the API serves; a source
// calling the store directly can replace it without touching the pages.

// PageSource is what the pages need from the rest of the server. Errors that
// should reach the person are *PageProblem (a 404 for an unknown place, a
// 422 for unreadable hours…); any other error is a 500.
type PageSource interface {
	// Place returns one place with its status, hours and recent reports.
	Place(ctx context.Context, id geo.PlaceID, lang string) (PagePlace, error)
	// Near returns at most limit places within radius metres of center
	// (lon, lat), nearest first, with DistanceM set.
	Near(ctx context.Context, center orb.Point, radius float64, limit int, lang string) ([]PagePlace, error)
	// Report records a report from the form and returns the place as it is
	// now.
	Report(ctx context.Context, id geo.PlaceID, r PageReport, from PageClient) (PagePlace, error)
}

// PageReport is a report sent with the HTML form.
type PageReport struct {
	Status       string `json:"status"`
	OpeningHours string `json:"opening_hours,omitempty"`
	Delivery     *bool  `json:"delivery"`
	Takeaway     *bool  `json:"takeaway"`
	Pickup       *bool  `json:"pickup"`
	Remark       string `json:"remark,omitempty"`
}

// PageClient is who sent a form: the contributor key from the form and the
// language of the page. The request itself (its remote address, for rate
// limiting) is in the context, see PageRequest.
type PageClient struct {
	Contributor string
	Lang        string
}

type pageClientKey struct{}

// PageRequest returns the person's request a page handler is serving, which
// the pages put in the context of every PageSource call.
func PageRequest(ctx context.Context) (*http.Request, bool) {
	r, ok := ctx.Value(pageClientKey{}).(*http.Request)
	return r, ok
}

func pageContext(c echo.Context) context.Context {
	return context.WithValue(c.Request().Context(), pageClientKey{}, c.Request())
}

// PageProblem is an error the API explains to people, as in its
// application/problem+json bodies.
type PageProblem struct {
	Status     int    `json:"status"`
	Title      string `json:"title"`
	Detail     string `json:"detail"`
	DetailFR   string `json:"detail_fr"`
	Field      string `json:"field"`
	Suggestion string `json:"suggestion"`
	RetryAfter string `json:"-"`
}

func (p *PageProblem) Error() string { return fmt.Sprintf("%d %s: %s", p.Status, p.Title, p.Detail) }

// In returns the detail in lang, falling back to English and the title.
func (p *PageProblem) In(lang string) string {
	switch {
	case lang == "fr" && p.DetailFR != "":
		return p.DetailFR
	case p.Detail != "":
		return p.Detail
	}
	return p.Title
}

// PagePlace is a place as GET /api/v1/places/{type}/{id} returns it.
type PagePlace struct {
	ID          string    `json:"id"`
	Type        string    `json:"type"`
	OSMID       int64     `json:"osm_id"`
	Version     int       `json:"version"`
	Name        string    `json:"name"`
	Category    PageLabel `json:"category"`
	Subcategory PageLabel `json:"subcategory"`
	Address     struct {
		HouseNumber string `json:"housenumber"`
		Street      string `json:"street"`
		Postcode    string `json:"postcode"`
		City        string `json:"city"`
		Text        string `json:"text"`
	} `json:"address"`
	Location struct {
		Lat float64 `json:"lat"`
		Lon float64 `json:"lon"`
	} `json:"location"`
	State         string     `json:"state"`
	Hours         *PageHours `json:"hours"`
	ReportedHours *PageHours `json:"reported_hours"`
	Services      struct {
		Delivery *bool `json:"delivery"`
		Takeaway *bool `json:"takeaway"`
		Pickup   *bool `json:"pickup"`
	} `json:"services"`
	Status  PageStatus `json:"status"`
	Reports []struct {
		Status       string    `json:"status"`
		OpeningHours string    `json:"opening_hours"`
		Remark       string    `json:"remark"`
		CreatedAt    time.Time `json:"created_at"`
	} `json:"reports"`
	OSMURL    string `json:"osm_url"`
	PosterURL string `json:"poster_url"`
	// DistanceM is set by PageSource.Near.
	DistanceM float64 `json:"-"`
}

// PageLabel is an id with its label in the asked language.
type PageLabel struct {
	ID    string `json:"id"`
	Label string `json:"label"`
}

// PageHours is an opening_hours value with its evaluation.
type PageHours struct {
	Raw        string     `json:"raw"`
	Normalized string     `json:"normalized"`
	Valid      bool       `json:"valid"`
	OpenNow    *bool      `json:"open_now"`
	NextChange *time.Time `json:"next_change"`
	Week       []PageDay  `json:"week"`
	Notes      []string   `json:"notes"`
}

// PageDay is one day of a week of hours, as printed for people.
type PageDay struct {
	Day  string `json:"day"`
	Date string `json:"date"` // YYYY-MM-DD
	Text string `json:"text"`
}

// PageStatus is the current status of a place.
type PageStatus struct {
	Status        string     `json:"status"`
	Confidence    string     `json:"confidence"`
	LastConfirmed *time.Time `json:"last_confirmed"`
	Label         string     `json:"label"`
	Locked        bool       `json:"locked"`
}

// PageTiles is the base map the map page shows.
type PageTiles struct {
	URL         string // a {z}/{x}/{y} template; "" is the OSM standard tiles
	Attribution string // "" is "© OpenStreetMap contributors"
	MaxZoom     int    // 0 is 19
}

// PageDeps are the dependencies of the pages.
type PageDeps struct {
	Source PageSource
	Tiles  PageTiles
	// Lat, Lon and Zoom are the map's first view when the URL gives none.
	Lat, Lon float64
	Zoom     int
	// Location is the time zone dates are shown in (time.Local when nil).
	Location *time.Location
	Logger   *slog.Logger
	Now      func() time.Time
	// BaseURL is the instance's public URL: its origin is trusted for form
	// posts even when a reverse proxy hands the server another Host.
	BaseURL string
}

// RegisterPages adds the pages and the static assets to e: GET /,
// GET /place/:type/:id, POST /place/:type/:id/report, GET /near and
// GET /static/*. The pages and assets gzip themselves: a Gzip middleware,
// if any, should skip them.
func RegisterPages(e *echo.Echo, d PageDeps) error {
	h, err := newPages(d)
	if err != nil {
		return err
	}
	e.GET("/", h.mapPage)
	e.GET("/place/:type/:id", h.placePage)
	e.POST("/place/:type/:id/report", h.reportForm)
	e.GET("/near", h.nearPage)
	assets := h.assets.Handler()
	e.GET(static.Prefix+"*", echo.WrapHandler(assets))
	e.HEAD(static.Prefix+"*", echo.WrapHandler(assets))
	return nil
}

type pages struct {
	d PageDeps
	// cross refuses form posts that a browser says come from another
	// site (Sec-Fetch-Site, Origin): a page elsewhere could otherwise make
	// its visitors' browsers file reports, each from its own address.
	cross  *http.CrossOriginProtection
	assets *static.Assets
	tmpl   map[string]*template.Template
	msgs   map[string]static.Catalog
}

func newPages(d PageDeps) (*pages, error) {
	if d.Source == nil {
		return nil, errors.New("pages: no place source")
	}
	if d.Location == nil {
		d.Location = time.Local
	}
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Tiles.URL == "" {
		d.Tiles.URL = static.DefaultTileURL
	}
	if d.Tiles.Attribution == "" {
		d.Tiles.Attribution = "© OpenStreetMap contributors"
	}
	if d.Tiles.MaxZoom == 0 {
		d.Tiles.MaxZoom = 19
	}
	if d.Zoom == 0 {
		d.Lat, d.Lon, d.Zoom = 43.7384, 7.4246, 15
	}
	msgs, err := static.Catalogs()
	if err != nil {
		return nil, err
	}
	h := &pages{d: d, tmpl: map[string]*template.Template{}, msgs: msgs, assets: static.NewAssets(), cross: http.NewCrossOriginProtection()}
	if d.BaseURL != "" {
		u, err := url.Parse(d.BaseURL)
		if err != nil {
			return nil, fmt.Errorf("pages: base URL %q: %w", d.BaseURL, err)
		}
		if err := h.cross.AddTrustedOrigin(u.Scheme + "://" + u.Host); err != nil {
			return nil, fmt.Errorf("pages: base URL %q: %w", d.BaseURL, err)
		}
	}
	for _, name := range []string{"map", "place", "near"} {
		files := []string{"templates/" + name + ".html"}
		if name != "map" {
			files = append(files, "templates/head.html")
		}
		t, err := template.ParseFS(static.FS(), files...)
		if err != nil {
			return nil, fmt.Errorf("pages: template %s: %w", name, err)
		}
		h.tmpl[name] = t
	}
	return h, nil
}

// pageBase is what every page template reads.
type pageBase struct {
	Lang, OtherLang string
	M               static.Catalog
	Title           string
	MapURL          string
	SwitchURL       string
	// Asset gives the versioned address of a static file ("app.js").
	Asset func(string) string
}

func (h *pages) base(c echo.Context, title string) pageBase {
	lang := static.Negotiate(c.QueryParam("lang"), c.Request().Header.Get("Accept-Language"))
	other := "en"
	if lang == "en" {
		other = "fr"
	}
	q := c.Request().URL.Query()
	q.Set("lang", other)
	for _, k := range []string{"sent", "report", "code", "field", "suggestion"} {
		q.Del(k)
	}
	return pageBase{Lang: lang, OtherLang: other, M: h.msgs[lang], Title: title, Asset: h.assets.URL,
		MapURL: "/?lang=" + lang, SwitchURL: c.Request().URL.Path + "?" + q.Encode()}
}

func (h *pages) render(c echo.Context, code int, name string, data any) error {
	var buf bytes.Buffer
	if err := h.tmpl[name].Execute(&buf, data); err != nil {
		return fmt.Errorf("pages: render %s: %w", name, err)
	}
	hd := c.Response().Header()
	static.SecurityHeaders(hd, h.d.Tiles.URL)
	hd.Set("Content-Type", "text/html; charset=utf-8")
	hd.Set("Cache-Control", "no-cache")
	hd.Add("Vary", "Accept-Language, Accept-Encoding")
	body := buf.Bytes()
	if static.AcceptsGzip(c.Request()) && len(body) > 1024 {
		body = static.Gzip(body)
		hd.Set("Content-Encoding", "gzip")
	}
	return c.Blob(code, "text/html; charset=utf-8", body)
}

// ---- map page ----

type mapView struct {
	pageBase
	Tiles    PageTiles
	View     struct{ Lat, Lon, Zoom string }
	Statuses []string
}

func (h *pages) mapPage(c echo.Context) error {
	v := mapView{pageBase: h.base(c, "openmap"), Tiles: h.d.Tiles,
		Statuses: []string{"open", "open_adapted", "partial", "closed", "gone", "unknown"}}
	v.View.Lat = strconv.FormatFloat(h.d.Lat, 'f', 5, 64)
	v.View.Lon = strconv.FormatFloat(h.d.Lon, 'f', 5, 64)
	v.View.Zoom = strconv.Itoa(h.d.Zoom)
	return h.render(c, http.StatusOK, "map", v)
}

// ---- place page ----

type statusView struct{ Status, Label, Confidence string }

type weekRow struct {
	Day, Usual, Reported string
	Today                bool
}

type choice struct {
	Name, Value, Label string
	Checked            bool
}

type placeView struct {
	pageBase
	P              PagePlace
	Status         statusView
	Confirmed, Now string
	Week           []weekRow
	HasReported    bool
	HoursNote      string
	Services       []choice
	ReportURL      string
	Contributor    string
	Form           struct{ Hours, Remark string }
	StatusChoices  []choice
	ServiceChoices []choice
	Sent           bool
	Error          string
	Reports        []reportRow
}

type reportRow struct{ Label, When, Hours, Remark string }

func (h *pages) placeID(c echo.Context) (geo.PlaceID, error) {
	return geo.NewPlaceID(c.Param("type"), c.Param("id"))
}

func (h *pages) placePage(c echo.Context) error {
	id, err := h.placeID(c)
	if err != nil {
		return h.notFound(c)
	}
	b := h.base(c, "")
	p, err := h.d.Source.Place(pageContext(c), id, b.Lang)
	if err != nil {
		return h.sourceError(c, err)
	}
	v := h.placeView(c, b, p, PageReport{}, "")
	// "sent=1" comes from this file's form handler, after a report went in.
	v.Sent = c.QueryParam("sent") == "1"
	return h.render(c, http.StatusOK, "place", v)
}

func (h *pages) placeView(c echo.Context, b pageBase, p PagePlace, form PageReport, errText string) placeView {
	m := b.M
	b.Title = p.Name
	if b.Title == "" {
		b.Title = p.Subcategory.Label
	}
	b.MapURL = fmt.Sprintf("/?lang=%s#18/%.5f/%.5f", b.Lang, p.Location.Lat, p.Location.Lon)
	// Also after a refused form (POST …/report), the switch shows the page.
	b.SwitchURL = "/place/" + p.ID + "?lang=" + b.OtherLang
	v := placeView{pageBase: b, P: p, Status: h.status(m, p.Status), Error: errText,
		ReportURL: "/place/" + p.ID + "/report", Contributor: newContributorKey()}
	// Links are built here rather than taken from the API's absolute URLs,
	// so a page behind another host name still points to itself.
	v.P.PosterURL = "/signs/shop/" + p.ID + ".pdf"
	v.P.OSMURL = "https://www.openstreetmap.org/" + p.ID
	if p.Status.LastConfirmed != nil {
		v.Confirmed = m.T("sheet.last_confirmed", "when", h.date(b.Lang, *p.Status.LastConfirmed))
	} else {
		v.Confirmed = m.T("sheet.never_confirmed")
	}
	v.Now = h.openNow(m, p)
	v.Week, v.HasReported = h.week(p)
	if len(v.Week) == 0 {
		v.HoursNote = m.T("sheet.hours_none")
		if p.Hours != nil && p.Hours.Raw != "" && !p.Hours.Valid {
			v.HoursNote = m.T("sheet.hours_invalid", "raw", p.Hours.Raw)
		}
	}
	for _, s := range []struct {
		key string
		v   *bool
	}{{"delivery", p.Services.Delivery}, {"takeaway", p.Services.Takeaway}, {"pickup", p.Services.Pickup}} {
		if s.v != nil {
			v.Services = append(v.Services, choice{Name: s.key, Label: m.T("service." + s.key), Value: yesNo(m, s.v)})
		}
	}
	for _, st := range geo.ReportStatuses {
		s := string(st)
		v.StatusChoices = append(v.StatusChoices, choice{Value: s, Label: m.T("report.status." + s), Checked: form.Status == s})
	}
	for _, s := range []struct {
		key string
		v   *bool
	}{{"delivery", form.Delivery}, {"takeaway", form.Takeaway}, {"pickup", form.Pickup}} {
		val := ""
		if s.v != nil {
			val = map[bool]string{true: "yes", false: "no"}[*s.v]
		}
		v.ServiceChoices = append(v.ServiceChoices, choice{Name: s.key, Label: m.T("service." + s.key), Value: val})
	}
	v.Form.Hours, v.Form.Remark = form.OpeningHours, form.Remark
	for i, r := range p.Reports {
		if i == 5 {
			break
		}
		v.Reports = append(v.Reports, reportRow{Label: h.status(m, PageStatus{Status: r.Status}).Label,
			When: h.date(b.Lang, r.CreatedAt), Hours: r.OpeningHours, Remark: r.Remark})
	}
	return v
}

func yesNo(m static.Catalog, b *bool) string {
	switch {
	case b == nil:
		return m.T("service.unknown")
	case *b:
		return m.T("service.yes")
	}
	return m.T("service.no")
}

func (h *pages) status(m static.Catalog, s PageStatus) statusView {
	st := s.Status
	switch st {
	case "open", "open_adapted", "partial", "closed", "gone":
	default:
		st = "unknown"
	}
	label := s.Label
	if label == "" {
		label = m.T("status." + st)
	}
	conf := s.Confidence
	if conf == "" {
		conf = "unknown"
	}
	return statusView{Status: st, Label: label, Confidence: m.T("confidence." + conf)}
}

var dayKeys = []string{"day.su", "day.mo", "day.tu", "day.we", "day.th", "day.fr", "day.sa"}

func (h *pages) date(lang string, t time.Time) string {
	t = t.In(h.d.Location)
	if lang == "fr" {
		return t.Format("02/01/2006 15:04")
	}
	return t.Format("2 Jan 2006 15:04")
}

// openNow says whether the place is open now, by the reported hours when
// there are some, and until when.
func (h *pages) openNow(m static.Catalog, p PagePlace) string {
	hr := p.ReportedHours
	if hr == nil {
		hr = p.Hours
	}
	if hr == nil || hr.OpenNow == nil {
		if p.Status.Status == "closed" || p.Status.Status == "gone" {
			return m.T("sheet.closed_now") // no hours, but the reports say so
		}
		return m.T("sheet.open_unknown")
	}
	s := m.T("sheet.closed_now")
	next := "sheet.next_open"
	if *hr.OpenNow {
		s, next = m.T("sheet.open_now"), "sheet.next_change"
	}
	if hr.NextChange != nil {
		t := hr.NextChange.In(h.d.Location)
		day := m.T(dayKeys[t.Weekday()])
		if m["lang.name"] == "Français" {
			day = strings.ToLower(day) // « lundi 09:00 », but "Monday 09:00"
		}
		s += ", " + m.T(next, "when", day+" "+t.Format("15:04"))
	}
	return s
}

func (h *pages) week(p PagePlace) ([]weekRow, bool) {
	var usual, rep []PageDay
	if p.Hours != nil {
		usual = p.Hours.Week
	}
	if p.ReportedHours != nil {
		rep = p.ReportedHours.Week
	}
	rows := usual
	if len(rows) == 0 {
		rows = rep
	}
	today := h.d.Now().In(h.d.Location).Format("2006-01-02")
	out := make([]weekRow, len(rows))
	for i, d := range rows {
		out[i] = weekRow{Day: d.Day, Today: d.Date == today}
		if i < len(usual) {
			out[i].Usual = usual[i].Text
		}
		if i < len(rep) {
			out[i].Reported = rep[i].Text
		}
	}
	return out, len(rep) > 0
}

var contributorRE = regexp.MustCompile(`^[A-Za-z0-9_-]{22,64}$`)

// newContributorKey makes the one-shot contributor key of a form that
// carries none: the page sets no cookie. (Reports from one address on a
// place still count as one voice: voices.go.)
func newContributorKey() string {
	b := make([]byte, 24)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// reportForm takes the place page's form and redirects back to the page
// (303), or shows the page again with the error in plain words and the
// values kept.
func (h *pages) reportForm(c echo.Context) error {
	id, err := h.placeID(c)
	if err != nil {
		return h.notFound(c)
	}
	if err := h.cross.Check(c.Request()); err != nil {
		return h.notice(c, http.StatusForbidden, "error.cross_site", "error.cross_site_hint")
	}
	lang := static.Negotiate(c.FormValue("lang"), c.Request().Header.Get("Accept-Language"))
	r := PageReport{
		Status:       c.FormValue("status"),
		OpeningHours: strings.TrimSpace(c.FormValue("opening_hours")),
		Delivery:     formBool(c.FormValue("delivery")),
		Takeaway:     formBool(c.FormValue("takeaway")),
		Pickup:       formBool(c.FormValue("pickup")),
		Remark:       strings.TrimSpace(c.FormValue("remark")),
	}
	key := c.FormValue("contributor")
	if !contributorRE.MatchString(key) {
		key = newContributorKey()
	}
	ctx := pageContext(c)
	var prob *PageProblem
	if !slices.Contains(geo.ReportStatuses, geo.Status(r.Status)) {
		prob = &PageProblem{Status: http.StatusBadRequest, Detail: "choose what you saw: open, closed…", DetailFR: "choisissez ce que vous avez vu : ouvert, fermé…"}
	} else {
		_, err = h.d.Source.Report(ctx, id, r, PageClient{Contributor: key, Lang: lang})
		if err == nil {
			return c.Redirect(http.StatusSeeOther, "/place/"+id.String()+"?lang="+lang+"&sent=1")
		}
		if !errors.As(err, &prob) {
			return err
		}
	}
	// Show the page again, with what was typed and why it was refused.
	req := c.Request()
	q := req.URL.Query()
	q.Set("lang", lang)
	req.URL.RawQuery = q.Encode()
	b := h.base(c, "")
	p, perr := h.d.Source.Place(ctx, id, lang)
	if perr != nil {
		return h.sourceError(c, perr)
	}
	msg := prob.In(lang)
	if prob.Suggestion != "" {
		msg += " — " + b.M.T("report.suggestion", "value", prob.Suggestion)
	}
	if prob.Status == http.StatusTooManyRequests {
		min := 1
		if s, err := strconv.Atoi(prob.RetryAfter); err == nil && s > 60 {
			min = (s + 59) / 60
		}
		msg = b.M.T("error.rate", "minutes", min)
	}
	code := prob.Status
	if code < 400 || code > 499 {
		code = http.StatusBadRequest
	}
	return h.render(c, code, "place", h.placeView(c, b, p, r, msg))
}

// formErrorText explains a refused form report from its status code alone.
func formErrorText(m static.Catalog, code int, field string) string {
	var s string
	switch code {
	case http.StatusUnprocessableEntity:
		s = m.T("error.hours_plain")
	case http.StatusBadRequest:
		s = m.T("error.bad_field", "field", field)
	case http.StatusNotFound:
		s = m.T("error.not_found")
	case http.StatusConflict:
		s = m.T("error.locked")
	case http.StatusForbidden:
		s = m.T("error.blocked")
	case http.StatusRequestEntityTooLarge:
		s = m.T("error.too_large")
	case http.StatusTooManyRequests:
		s = m.T("error.rate", "minutes", 1)
	default:
		s = m.T("error.server")
	}
	return s
}

func formBool(s string) *bool {
	switch s {
	case "yes", "true", "1", "on":
		t := true
		return &t
	case "no", "false", "0":
		f := false
		return &f
	}
	return nil
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// ---- near page ----

type nearItem struct {
	Name, URL, Category, Distance, Address, Now, Today string
	Status                                             statusView
}

type nearView struct {
	pageBase
	LatText, LonText string
	Radius           int
	Searched         bool
	Error            string
	Places           []nearItem
	// Notice and Hint, when set, replace the form: a page that only
	// says something (a place not on the map, a refused post).
	Notice, Hint string
}

func (h *pages) nearPage(c echo.Context) error {
	b := h.base(c, "")
	b.Title = b.M.T("page.near_title")
	v := nearView{pageBase: b, LatText: c.QueryParam("lat"), LonText: c.QueryParam("lon"), Radius: 500}
	if r, err := strconv.Atoi(c.QueryParam("radius")); err == nil {
		v.Radius = max(50, min(r, 5000))
	}
	if v.LatText == "" && v.LonText == "" {
		v.LatText = strconv.FormatFloat(h.d.Lat, 'f', 5, 64)
		v.LonText = strconv.FormatFloat(h.d.Lon, 'f', 5, 64)
		return h.render(c, http.StatusOK, "near", v)
	}
	lat, err1 := strconv.ParseFloat(v.LatText, 64)
	lon, err2 := strconv.ParseFloat(v.LonText, 64)
	if err1 != nil || err2 != nil || math.IsNaN(lat) || math.IsNaN(lon) || lat < -90 || lat > 90 || lon < -180 || lon > 180 {
		v.Error = b.M.T("page.bad_point")
		return h.render(c, http.StatusBadRequest, "near", v)
	}
	v.Searched = true
	b.MapURL = fmt.Sprintf("/?lang=%s#17/%.5f/%.5f", b.Lang, lat, lon)
	v.pageBase = b
	places, err := h.d.Source.Near(pageContext(c), orb.Point{lon, lat}, float64(v.Radius), 30, b.Lang)
	if err != nil {
		return h.sourceError(c, err)
	}
	today := h.d.Now().In(h.d.Location).Format("2006-01-02")
	for _, p := range places {
		it := nearItem{Name: p.Name, URL: "/place/" + p.ID + "?lang=" + b.Lang, Address: p.Address.Text,
			Category: p.Subcategory.Label, Distance: b.M.T("page.distance", "m", int(math.Round(p.DistanceM))),
			Status: h.status(b.M, p.Status), Now: h.openNow(b.M, p)}
		if it.Name == "" {
			it.Name = p.Subcategory.Label
		}
		if it.Name == "" {
			it.Name = b.M.T("sheet.unnamed")
		}
		if it.Category == "" {
			it.Category = p.Category.Label
		}
		for _, hr := range []*PageHours{p.ReportedHours, p.Hours} {
			if hr == nil || it.Today != "" {
				continue
			}
			for _, d := range hr.Week {
				if d.Date == today {
					it.Today = d.Text
				}
			}
		}
		v.Places = append(v.Places, it)
	}
	return h.render(c, http.StatusOK, "near", v)
}

// ---- errors ----

func (h *pages) notFound(c echo.Context) error {
	return h.notice(c, http.StatusNotFound, "page.not_found", "page.not_found_hint")
}

// notice renders a page that only says something: the message of
// titleKey as its title and heading, that of hintKey below, a link to the
// map.
func (h *pages) notice(c echo.Context, code int, titleKey, hintKey string) error {
	b := h.base(c, "")
	b.Title = b.M.T(titleKey)
	return h.render(c, code, "near", nearView{pageBase: b, Notice: b.Title, Hint: b.M.T(hintKey)})
}

func (h *pages) sourceError(c echo.Context, err error) error {
	var prob *PageProblem
	if errors.As(err, &prob) && prob.Status == http.StatusNotFound {
		return h.notFound(c)
	}
	if prob != nil && prob.Status >= 400 && prob.Status < 500 {
		// Too many requests, mostly: say so in plain words.
		b := h.base(c, "openmap")
		if prob.RetryAfter != "" {
			c.Response().Header().Set("Retry-After", prob.RetryAfter)
		}
		return h.render(c, prob.Status, "near", nearView{pageBase: b, Radius: 500,
			Error: formErrorText(b.M, prob.Status, prob.Field)})
	}
	h.d.Logger.ErrorContext(c.Request().Context(), "page source failed", "path", c.Path(), "err", err)
	return echo.NewHTTPError(http.StatusInternalServerError)
}

// ---- a source on top of the JSON API ----

// LoopbackSource is a PageSource that asks the JSON API handler h (the
// server's own /api/v1 routes, called in process) for its data, so the
// pages and the map show the same thing.
type LoopbackSource struct {
	API http.Handler
}

func (s LoopbackSource) do(ctx context.Context, method, target string, body any, hdr http.Header, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req := httptest.NewRequestWithContext(ctx, method, target, rd)
	// The API limits requests per client: each internal request carries the
	// address of the person's request, not one address shared by everyone.
	if from, ok := ctx.Value(pageClientKey{}).(*http.Request); ok {
		req.RemoteAddr = from.RemoteAddr
		if xff := from.Header.Get("X-Forwarded-For"); xff != "" {
			req.Header.Set("X-Forwarded-For", xff)
		}
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	rec := httptest.NewRecorder()
	s.API.ServeHTTP(rec, req)
	res := rec.Result()
	defer res.Body.Close()
	if res.StatusCode >= 400 {
		p := &PageProblem{Status: res.StatusCode, Title: http.StatusText(res.StatusCode), RetryAfter: res.Header.Get("Retry-After")}
		json.NewDecoder(res.Body).Decode(p)
		p.Status = res.StatusCode
		return p
	}
	if err := json.NewDecoder(res.Body).Decode(out); err != nil {
		return fmt.Errorf("pages: decode %s %s: %w", method, target, err)
	}
	return nil
}

// Place implements PageSource.
func (s LoopbackSource) Place(ctx context.Context, id geo.PlaceID, lang string) (PagePlace, error) {
	var p PagePlace
	err := s.do(ctx, http.MethodGet, "/api/v1/places/"+id.String()+"?lang="+url.QueryEscape(lang), nil, nil, &p)
	return p, err
}

// Near implements PageSource with the places of the bounding box around
// the circle, at the deepest zoom so the API does not cluster them.
func (s LoopbackSource) Near(ctx context.Context, center orb.Point, radius float64, limit int, lang string) ([]PagePlace, error) {
	dLat := radius / 111320
	dLon := dLat / math.Max(0.01, math.Cos(center[1]*math.Pi/180))
	bbox := fmt.Sprintf("%.6f,%.6f,%.6f,%.6f", center[0]-dLon, center[1]-dLat, center[0]+dLon, center[1]+dLat)
	var fc struct {
		Features []struct {
			Geometry struct {
				Coordinates []float64 `json:"coordinates"`
			} `json:"geometry"`
			Properties struct {
				ID      string `json:"id"`
				Cluster bool   `json:"cluster"`
			} `json:"properties"`
		} `json:"features"`
	}
	if err := s.do(ctx, http.MethodGet, "/api/v1/places?zoom=19&bbox="+bbox+"&lang="+url.QueryEscape(lang), nil, nil, &fc); err != nil {
		return nil, err
	}
	type hit struct {
		id geo.PlaceID
		d  float64
	}
	var hits []hit
	for _, f := range fc.Features {
		if f.Properties.Cluster || len(f.Geometry.Coordinates) < 2 {
			continue
		}
		id, err := geo.ParsePlaceID(f.Properties.ID)
		if err != nil {
			continue
		}
		d := distanceM(center, orb.Point{f.Geometry.Coordinates[0], f.Geometry.Coordinates[1]})
		if d <= radius {
			hits = append(hits, hit{id, d})
		}
	}
	sort.Slice(hits, func(i, j int) bool { return hits[i].d < hits[j].d })
	if len(hits) > limit {
		hits = hits[:limit]
	}
	out := make([]PagePlace, 0, len(hits))
	for _, h := range hits {
		p, err := s.Place(ctx, h.id, lang)
		if err != nil {
			var prob *PageProblem
			if errors.As(err, &prob) && prob.Status == http.StatusNotFound {
				continue
			}
			return nil, err
		}
		p.DistanceM = h.d
		out = append(out, p)
	}
	return out, nil
}

// Report implements PageSource with POST /api/v1/places/{type}/{id}/reports.
func (s LoopbackSource) Report(ctx context.Context, id geo.PlaceID, r PageReport, from PageClient) (PagePlace, error) {
	hdr := http.Header{}
	hdr.Set("X-Openmap-Contributor", from.Contributor)
	hdr.Set("Accept-Language", from.Lang)
	var p PagePlace
	err := s.do(ctx, http.MethodPost, "/api/v1/places/"+id.String()+"/reports?lang="+url.QueryEscape(from.Lang), r, hdr, &p)
	return p, err
}

// distanceM is the distance in metres between two (lon, lat) points, by the
// equirectangular approximation (good to well under 1% at city scale).
func distanceM(a, b orb.Point) float64 {
	const r = 6371008.8
	lat := (a[1] + b[1]) / 2 * math.Pi / 180
	dx := (b[0] - a[0]) * math.Pi / 180 * math.Cos(lat)
	dy := (b[1] - a[1]) * math.Pi / 180
	return r * math.Sqrt(dx*dx+dy*dy)
}
