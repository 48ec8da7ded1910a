package api

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"codeberg.org/openmap/openmap/geo"
	"codeberg.org/openmap/openmap/static"
	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb"
)

// pageFakeSource is a PageSource over a few places held in memory, so the page
// handlers are tested on their own; the browser test in internal/e2e runs
// them on the real API and store.
type pageFakeSource struct {
	mu      sync.Mutex
	places  map[string]PagePlace
	reports []PageReport
	clients []PageClient
	refuse  *PageProblem // the answer to the next report, if set
	// failReads, if set, is the answer to every read.
	failReads *PageProblem
}

func (f *pageFakeSource) Place(ctx context.Context, id geo.PlaceID, lang string) (PagePlace, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.failReads != nil {
		return PagePlace{}, f.failReads
	}
	p, ok := f.places[id.String()]
	if !ok {
		return PagePlace{}, &PageProblem{Status: 404, Title: "Not Found"}
	}
	return p, nil
}

func (f *pageFakeSource) Near(ctx context.Context, center orb.Point, radius float64, limit int, lang string) ([]PagePlace, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []PagePlace
	for _, p := range f.places {
		d := distanceM(center, orb.Point{p.Location.Lon, p.Location.Lat})
		if d <= radius {
			p.DistanceM = d
			out = append(out, p)
		}
	}
	return out, nil
}

func (f *pageFakeSource) Report(ctx context.Context, id geo.PlaceID, r PageReport, from PageClient) (PagePlace, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := PageRequest(ctx); !ok {
		return PagePlace{}, fmt.Errorf("no request in the context")
	}
	if _, ok := f.places[id.String()]; !ok {
		return PagePlace{}, &PageProblem{Status: 404, Title: "Not Found"}
	}
	if f.refuse != nil {
		p := f.refuse
		f.refuse = nil
		return PagePlace{}, p
	}
	f.reports = append(f.reports, r)
	f.clients = append(f.clients, from)
	p := f.places[id.String()]
	p.Status.Status = r.Status
	f.places[id.String()] = p
	return p, nil
}

func pagePtr[T any](v T) *T { return &v }

// pageBigPlace is a place with everything a place page can show: a long name,
// a week of usual and reported hours, services, notes and five reports —
// the heaviest page, for the weight budget.
func pageBigPlace(id, name string) PagePlace {
	var p PagePlace
	p.ID, p.Type, p.Name = id, "node", name
	p.Category = PageLabel{"food", "Alimentation"}
	p.Subcategory = PageLabel{"bakery", "Boulangerie-pâtisserie"}
	p.Address.Text = "12 boulevard des Moulins, 98000 Monaco"
	p.Location.Lat, p.Location.Lon = 43.7396, 7.4270
	now := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	week := func(text string) []PageDay {
		var w []PageDay
		for i := 0; i < 7; i++ {
			d := now.AddDate(0, 0, i)
			w = append(w, PageDay{Day: d.Weekday().String(), Date: d.Format("2006-01-02"), Text: text})
		}
		return w
	}
	next := now.Add(8 * time.Hour)
	p.Hours = &PageHours{Raw: "Mo-Sa 07:00-13:00,15:30-19:30; Su 07:00-12:30; PH off", Valid: true, OpenNow: pagePtr(true), NextChange: &next,
		Week: week("07:00–13:00, 15:30–19:30"), Notes: []string{"Fermé les jours fériés"}}
	p.ReportedHours = &PageHours{Raw: "Mo-Fr 08:00-12:00", Valid: true, OpenNow: pagePtr(true), NextChange: &next, Week: week("08:00–12:00")}
	p.Services.Delivery, p.Services.Takeaway = pagePtr(false), pagePtr(true)
	confirmed := now.Add(-3 * time.Hour)
	p.Status = PageStatus{Status: "open_adapted", Confidence: "confirmed", LastConfirmed: &confirmed, Label: "Ouvert, horaires adaptés"}
	for i := 0; i < 5; i++ {
		p.Reports = append(p.Reports, struct {
			Status       string    `json:"status"`
			OpeningHours string    `json:"opening_hours"`
			Remark       string    `json:"remark"`
			CreatedAt    time.Time `json:"created_at"`
		}{"open_adapted", "Mo-Fr 08:00-12:00", "Seulement le matin pendant les travaux de la rue", now.Add(-time.Duration(i) * time.Hour)})
	}
	return p
}

const pageXSS = `<img src=x onerror=alert(1)>`

func newTestPages(t *testing.T) (*echo.Echo, *pageFakeSource) {
	src := &pageFakeSource{places: map[string]PagePlace{
		"node/1": pageBigPlace("node/1", "Boulangerie du Rocher"),
		"node/2": pageBigPlace("node/2", pageXSS),
	}}
	p2 := src.places["node/2"]
	p2.Reports[0].Remark, p2.Reports[1].OpeningHours, p2.Address.Text = pageXSS, pageXSS, pageXSS
	src.places["node/2"] = p2
	p3 := pageBigPlace("way/3", "")
	p3.Hours, p3.ReportedHours = &PageHours{Raw: "Mo-Fr 9-18 sometimes", Valid: false}, nil
	p3.Status = PageStatus{Status: "weird", Locked: true}
	src.places["way/3"] = p3
	p4 := pageBigPlace("node/4", "Épicerie sans horaires")
	p4.Hours, p4.ReportedHours = nil, nil
	p4.Status = PageStatus{Status: "closed", Confidence: "confirmed", Label: "Fermé"}
	src.places["node/4"] = p4
	e := echo.New()
	if err := RegisterPages(e, PageDeps{Source: src, Tiles: PageTiles{URL: static.DefaultTileURL, Attribution: "© OpenStreetMap contributors"},
		Location: time.UTC, Now: func() time.Time { return time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC) }, BaseURL: "https://open.example.org/"}); err != nil {
		t.Fatal(err)
	}
	return e, src
}

func pageDo(e http.Handler, method, target string, form url.Values, hdr map[string]string) *httptest.ResponseRecorder {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, target, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, req)
	return rec
}

var pageInlineRE = regexp.MustCompile(`(?i)<script|<[^>]*\s(?:style|on[a-z]+)=`)

func TestPagesPlacePage(t *testing.T) {
	e, _ := newTestPages(t)
	tests := []struct {
		name, path, accept string
		code               int
		want, notWant      []string
	}{
		{"French by default", "/place/node/1", "", 200,
			[]string{`<html lang="fr">`, "<h1>Boulangerie du Rocher</h1>", "Ouvert, horaires adaptés", "confirmé par plusieurs personnes",
				"07:00–13:00, 15:30–19:30", "08:00–12:00", `class="today"`, "Livraison : non", "À emporter : oui",
				`href="/signs?place=node%2f1"`, `href="https://www.openstreetmap.org/node/1"`, `action="/place/node/1/report"`,
				`name="contributor" value="`, `value="open_adapted"`, "Confirmé pour la dernière fois 07/12/2026 07:00",
				"« Seulement le matin pendant les travaux de la rue »", "<code>Mo-Fr 08:00-12:00</code>", "jusqu&#39;à lundi 18:00"},
			nil},
		{"English from Accept-Language", "/place/node/1", "en-GB,en;q=0.9", 200,
			[]string{`<html lang="en">`, "confirmed by several people", "Open now, until Monday 18:00", `href="/place/node/1?lang=fr"`}, nil},
		{"query beats the header", "/place/node/1?lang=en", "fr", 200, []string{`<html lang="en">`}, nil},
		{"XSS name escaped", "/place/node/2", "", 200,
			[]string{"<h1>&lt;img src=x onerror=alert(1)&gt;</h1>", "<title>&lt;img src=x onerror=alert(1)&gt; — openmap</title>",
				"« &lt;img src=x onerror=alert(1)&gt; »", "<code>&lt;img src=x onerror=alert(1)&gt;</code>", `<p class="addr">&lt;img`},
			[]string{"<img src=x"}},
		{"unreadable hours, unknown status, locked", "/place/way/3", "en", 200,
			[]string{"cannot be read: Mo-Fr 9-18 sometimes", "Unknown", "A moderator locked this place"},
			[]string{`<form class="report"`}},
		{"no hours, reported closed: closed now", "/place/node/4", "en", 200,
			[]string{pageMsg(t, "en", "sheet.closed_now")}, []string{pageMsg(t, "en", "sheet.open_unknown")}},
		{"success flash", "/place/node/1?lang=en&sent=1", "", 200, []string{pageMsg(t, "en", "page.sent")}, nil},
		{"no flash without sent=1", "/place/node/1?lang=en&report=ok", "", 200, nil, []string{pageMsg(t, "en", "page.sent")}},
		{"unknown place", "/place/node/99", "en", 404, []string{"<h1>" + pageMsg(t, "en", "page.not_found") + "</h1>", pageMsg(t, "en", "page.not_found_hint")},
			[]string{`<form class="near"`, pageMsg(t, "en", "page.near_title")}},
		{"unknown place, in French", "/place/node/99", "fr", 404, []string{"<h1>" + html.EscapeString(pageMsg(t, "fr", "page.not_found")) + "</h1>"}, nil},
		{"bad type", "/place/bench/1", "en", 404, nil, nil},
		{"bad id", "/place/node/-5", "en", 404, nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := pageDo(e, "GET", tc.path, nil, map[string]string{"Accept-Language": tc.accept})
			if rec.Code != tc.code {
				t.Fatalf("status %d, want %d: %s", rec.Code, tc.code, rec.Body)
			}
			body := rec.Body.String()
			for _, w := range tc.want {
				if !strings.Contains(body, w) {
					t.Errorf("page lacks %q", w)
				}
			}
			for _, w := range tc.notWant {
				if strings.Contains(body, w) {
					t.Errorf("page has %q", w)
				}
			}
			if m := pageInlineRE.FindString(body); m != "" {
				t.Errorf("inline script or style %q", m)
			}
			csp := rec.Header().Get("Content-Security-Policy")
			if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe") {
				t.Errorf("CSP %q", csp)
			}
		})
	}
}

func pageMsg(t *testing.T, lang, key string) string {
	c, err := static.Catalogs()
	if err != nil {
		t.Fatal(err)
	}
	return c[lang][key]
}

func TestPagesReportForm(t *testing.T) {
	e, src := newTestPages(t)
	form := url.Values{"status": {"closed"}, "opening_hours": {" Mo-Fr 09:00-12:00 "}, "delivery": {"yes"}, "takeaway": {"no"},
		"pickup": {""}, "remark": {"rideau baissé"}, "contributor": {"abcdefghijklmnopqrstuvwxyz012345"}, "lang": {"en"}}
	rec := pageDo(e, "POST", "/place/node/1/report", form, nil)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/place/node/1?lang=en&sent=1" {
		t.Fatalf("got %d to %q, want 303 to the page", rec.Code, rec.Header().Get("Location"))
	}
	got := src.reports[0]
	if got.Status != "closed" || got.OpeningHours != "Mo-Fr 09:00-12:00" || got.Remark != "rideau baissé" ||
		got.Delivery == nil || !*got.Delivery || got.Takeaway == nil || *got.Takeaway || got.Pickup != nil {
		t.Errorf("report %+v", got)
	}
	if src.clients[0].Contributor != "abcdefghijklmnopqrstuvwxyz012345" {
		t.Errorf("contributor %q", src.clients[0].Contributor)
	}

	// A post that the browser says comes from another site is refused,
	// in the reader's language, and nothing is reported; one from this
	// site's own page goes through.
	for name, hdr := range map[string]map[string]string{
		"Sec-Fetch-Site": {"Sec-Fetch-Site": "cross-site", "Accept-Language": "fr"},
		"Origin":         {"Origin": "https://evil.example", "Accept-Language": "fr"},
	} {
		n := len(src.reports)
		form.Set("lang", "fr")
		rec := pageDo(e, "POST", "/place/node/1/report", form, hdr)
		if rec.Code != http.StatusForbidden || !strings.Contains(rec.Body.String(), html.EscapeString(pageMsg(t, "fr", "error.cross_site"))) || len(src.reports) != n {
			t.Errorf("cross-site post (%s): %d, %d reports (want %d): %.400s", name, rec.Code, len(src.reports), n, rec.Body.String())
		}
	}
	form.Set("lang", "en")
	if rec := pageDo(e, "POST", "/place/node/1/report", form, map[string]string{"Sec-Fetch-Site": "same-origin"}); rec.Code != http.StatusSeeOther {
		t.Errorf("same-origin post: %d", rec.Code)
	}
	// Behind a reverse proxy that hands another Host, a browser's Origin
	// is the base URL's: trusted.
	if rec := pageDo(e, "POST", "/place/node/1/report", form, map[string]string{"Origin": "https://open.example.org"}); rec.Code != http.StatusSeeOther {
		t.Errorf("post from the base URL's origin: %d", rec.Code)
	}

	// A forged contributor key is replaced by a fresh random one.
	form.Set("contributor", "<bad>")
	pageDo(e, "POST", "/place/node/1/report", form, nil)
	if k := src.clients[len(src.clients)-1].Contributor; !contributorRE.MatchString(k) || k == "<bad>" {
		t.Errorf("contributor %q", k)
	}

	tests := []struct {
		name   string
		status string
		refuse *PageProblem
		code   int
		want   []string
	}{
		{"no status chosen", "", nil, 400, []string{"choose what you saw"}},
		{"bad hours keep the values", "open_adapted", &PageProblem{Status: 422, Detail: "opening_hours: character 19: expected “;”", Suggestion: "Mo-Fr 09:00-18:00"}, 422,
			[]string{"character 19", "Did you mean: Mo-Fr 09:00-18:00?", `value="Mo-Fr 09:00-12:00"`, `value="rideau baissé"`, `<option value="yes" selected>`,
				`href="/place/node/1?lang=fr" lang="fr"`}},
		{"rate limited", "open", &PageProblem{Status: 429, RetryAfter: "300"}, 429, []string{"Wait 5 min"}},
		{"locked", "open", &PageProblem{Status: 409, Detail: "this place is locked by a moderator"}, 409, []string{"locked by a moderator"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src.refuse = tc.refuse
			form.Set("status", tc.status)
			rec := pageDo(e, "POST", "/place/node/1/report", form, nil)
			if rec.Code != tc.code {
				t.Fatalf("status %d, want %d", rec.Code, tc.code)
			}
			body := rec.Body.String()
			for _, w := range tc.want {
				if !strings.Contains(body, w) {
					t.Errorf("page lacks %q", w)
				}
			}
			if !strings.Contains(body, `role="alert"`) {
				t.Error("the error is not announced")
			}
		})
	}
	// The API refusing a read (its rate limit) is a plain message, not a 500.
	src.failReads = &PageProblem{Status: 429, RetryAfter: "30"}
	if rec := pageDo(e, "GET", "/place/node/1?lang=en", nil, nil); rec.Code != 429 || !strings.Contains(rec.Body.String(), "Wait 1 min") || rec.Header().Get("Retry-After") != "30" {
		t.Errorf("rate-limited read: %d %q", rec.Code, rec.Body.String())
	}
	src.failReads = nil
	if rec := pageDo(e, "POST", "/place/node/99/report", url.Values{"status": {"open"}}, nil); rec.Code != 404 {
		t.Errorf("report on an unknown place: %d", rec.Code)
	}
}

func TestPagesNearPage(t *testing.T) {
	e, _ := newTestPages(t)
	tests := []struct {
		name, query string
		code        int
		want        []string
	}{
		{"form only", "", 200, []string{`name="lat" value="43.73840"`}},
		{"places around", "lat=43.7396&lon=7.4270&lang=en", 200, []string{"Boulangerie du Rocher", "&lt;img src=x", "0 m away", "Today: 08:00–12:00", `href="/place/node/1?lang=en"`}},
		{"nothing there", "lat=48.85&lon=2.35&radius=100&lang=en", 200, []string{"No place found within 100 m"}},
		{"radius capped", "lat=48.85&lon=2.35&radius=99999&lang=en", 200, []string{"within 5000 m"}},
		{"bad point", "lat=91&lon=7&lang=en", 400, []string{"between -90 and 90"}},
		{"not a number", "lat=abc&lon=7", 400, []string{"entre -90 et 90"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := pageDo(e, "GET", "/near?"+tc.query, nil, nil)
			if rec.Code != tc.code {
				t.Fatalf("status %d, want %d", rec.Code, tc.code)
			}
			for _, w := range tc.want {
				if !strings.Contains(rec.Body.String(), w) {
					t.Errorf("page lacks %q", w)
				}
			}
			if strings.Contains(rec.Body.String(), "<img src=x") {
				t.Error("unescaped name")
			}
		})
	}
}

func TestPagesMapPage(t *testing.T) {
	e, _ := newTestPages(t)
	rec := pageDo(e, "GET", "/", nil, map[string]string{"Accept-Language": "en-US,en;q=0.9"})
	body := rec.Body.String()
	for _, w := range []string{`<html lang="en">`, `data-tiles="https://tile.openstreetmap.org/{z}/{x}/{y}.png"`,
		`data-attribution="© OpenStreetMap contributors"`, `src="/static/app.js?v=`, `<span class="pin s-closed"`, `href="?lang=fr"`} {
		if !strings.Contains(body, w) {
			t.Errorf("map page lacks %q", w)
		}
	}
	if m := regexp.MustCompile(`(?i)<script>|<[^>]*\s(?:style|on[a-z]+)=`).FindString(body); m != "" {
		t.Errorf("inline code %q", m)
	}
	if csp := rec.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "img-src 'self' data: https://tile.openstreetmap.org") {
		t.Errorf("CSP %q does not allow the tiles", csp)
	}
}

// pageWire fetches a path as a browser would (gzip accepted) and returns the
// bytes on the wire.
func pageWire(t *testing.T, h http.Handler, path string) []byte {
	rec := pageDo(h, "GET", path, nil, map[string]string{"Accept-Encoding": "gzip, deflate, br", "Accept-Language": "fr-FR,fr;q=0.9"})
	if rec.Code != 200 {
		t.Fatalf("GET %s: %d", path, rec.Code)
	}
	b := rec.Body.Bytes()
	if rec.Header().Get("Content-Encoding") == "gzip" {
		if _, err := gzip.NewReader(bytes.NewReader(b)); err != nil {
			t.Fatalf("GET %s: bad gzip: %v", path, err)
		}
	}
	return b
}

func pagePlain(b []byte) string {
	if zr, err := gzip.NewReader(bytes.NewReader(b)); err == nil {
		if out, err := io.ReadAll(zr); err == nil {
			return string(out)
		}
	}
	return string(b)
}

var pageAssetRE = regexp.MustCompile(`<(?:script[^>]* src|link[^>]* href)="(/static/[^"]+)"`)

// TestPagesWeight measures the first load of the map page (its HTML, every
// script and stylesheet it links, Leaflet included, and the message
// catalogue it preloads for its script) and of the place page (HTML and
// stylesheet), gzipped as served, against the budgets: 100 KB and 30 KB.
func TestPagesWeight(t *testing.T) {
	e, _ := newTestPages(t)
	measure := func(page string, extra ...string) (int, []string) {
		html := pageWire(t, e, page)
		total := len(html)
		lines := []string{fmt.Sprintf("%-36s %6d", page, len(html))}
		paths := extra
		for _, m := range pageAssetRE.FindAllStringSubmatch(pagePlain(html), -1) {
			paths = append(paths, m[1])
		}
		for _, p := range paths {
			b := pageWire(t, e, p)
			total += len(b)
			lines = append(lines, fmt.Sprintf("%-36s %6d", p, len(b)))
		}
		return total, lines
	}
	mapTotal, mapLines := measure("/")
	placeTotal, placeLines := measure("/place/node/1")
	if len(mapLines) < 6 || len(placeLines) < 2 || !strings.Contains(strings.Join(mapLines, " "), "/static/i18n/fr.json") {
		t.Fatalf("too few assets found: %v %v", mapLines, placeLines)
	}
	t.Logf("map page first load, gzipped bytes:\n  %s\n  total %d (%.1f KB, budget 100 KB)", strings.Join(mapLines, "\n  "), mapTotal, float64(mapTotal)/1024)
	t.Logf("place page, gzipped bytes:\n  %s\n  total %d (%.1f KB, budget 30 KB)", strings.Join(placeLines, "\n  "), placeTotal, float64(placeTotal)/1024)
	if mapTotal > 100*1024 {
		t.Errorf("map page first load %d bytes > 100 KB", mapTotal)
	}
	if placeTotal > 30*1024 {
		t.Errorf("place page %d bytes > 30 KB", placeTotal)
	}
}
