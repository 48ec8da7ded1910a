package api

import (
	"bytes"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"codeberg.org/openmap/openmap/static"
)

// needTool skips when a judge tool is missing, except in CI.
func needTool(t *testing.T, names ...string) {
	t.Helper()
	for _, name := range names {
		if _, err := exec.LookPath(name); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s is required in CI", name)
			}
			t.Skipf("%s not installed", name)
		}
	}
}

// wantPDF checks a poster answer and returns its bytes.
func wantPDF(t *testing.T, w *httptestRecorder, filename string) []byte {
	t.Helper()
	wantStatus(t, w, http.StatusOK)
	if ct := w.Header().Get("Content-Type"); ct != "application/pdf" {
		t.Errorf("content type %q, want application/pdf", ct)
	}
	if cd := w.Header().Get("Content-Disposition"); filename != "" && cd != `inline; filename="`+filename+`"` {
		t.Errorf("content disposition %q, want inline with %s", cd, filename)
	}
	b := w.Body.Bytes()
	if !bytes.HasPrefix(b, []byte("%PDF-")) || !bytes.Contains(b[len(b)-64:], []byte("%%EOF")) {
		t.Fatalf("not a whole PDF: %.40q … %q", b, b[max(0, len(b)-40):])
	}
	return b
}

// pdfText is what pdftotext reads in a PDF, whitespace folded to spaces.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	needTool(t, "pdftotext")
	f := filepath.Join(t.TempDir(), "p.pdf")
	if err := os.WriteFile(f, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", f, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}

// pdfQRs renders the first page at 100 dpi and returns the QR codes zbarimg
// decodes, sorted as zbarimg prints them.
func pdfQRs(t *testing.T, pdf []byte) []string {
	t.Helper()
	needTool(t, "pdftoppm", "zbarimg")
	dir := t.TempDir()
	f := filepath.Join(dir, "p.pdf")
	if err := os.WriteFile(f, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("pdftoppm", "-r", "100", "-f", "1", "-l", "1", "-png", f, filepath.Join(dir, "page")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v: %s", err, out)
	}
	pngs, _ := filepath.Glob(filepath.Join(dir, "page*.png"))
	if len(pngs) != 1 {
		t.Fatalf("pdftoppm made %d images", len(pngs))
	}
	out, err := exec.Command("zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", pngs[0]).Output()
	if err != nil {
		t.Fatalf("zbarimg found no QR code: %v", err)
	}
	return strings.Fields(string(out))
}

func wantText(t *testing.T, text string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(text, w) {
			t.Errorf("poster lacks %q: %s", w, text)
		}
	}
}

// The shop poster prints the status the reports made, not OSM's: two
// agreeing reports confirm "closed", with the remark and services of the
// newest one; its QR code is exactly the place's page.
func TestShopPosterShowsReportedStatus(t *testing.T) {
	ts := newTestServer(t, nil)
	// Before any report: what OSM says (its hours make it open), as the API.
	if doc := ts.placeDoc(t, spar, "fr"); doc.Status.Status != "open" {
		t.Fatalf("API status before reports %+v, want open from OSM", doc.Status)
	}
	before := pdfText(t, wantPDF(t, ts.do(req{target: "/signs/shop/" + spar + ".pdf?size=A4&lang=fr"}), "openmap-shop-node-268113123-A4-fr.pdf"))
	wantText(t, before, "OUVERT", "Spar", "Supermarché", "mardi 1 8:30–20:00", "dimanche 6 fermé")
	if strings.Contains(before, "FERMÉ TEMPORAIREMENT") {
		t.Fatalf("closed before any report: %s", before)
	}
	for _, key := range []string{keyA, keyB} {
		wantStatus(t, ts.report(spar, key, `{"status":"closed","delivery":true,"pickup":false,"remark":"Fermé pour travaux jusqu'au 15 décembre"}`), http.StatusCreated)
	}
	if doc := ts.placeDoc(t, spar, "fr"); doc.Status.Status != "closed" || doc.Status.Confidence != "confirmed" {
		t.Fatalf("API status %+v, want closed and confirmed", doc.Status)
	}
	pdf := wantPDF(t, ts.do(req{target: "/signs/shop/" + spar + ".pdf?size=A4&lang=fr"}), "openmap-shop-node-268113123-A4-fr.pdf")
	wantText(t, pdfText(t, pdf), "FERMÉ TEMPORAIREMENT", "Spar", "Livraison oui", "Retrait de commandes non",
		"Fermé pour travaux jusqu'au 15 décembre", "Ce sont les horaires habituels : le lieu est fermé pour l'instant.", "openmap.test/place/node/268113123", "Imprimé le 1er décembre 2026",
		"© OpenStreetMap contributors")
	if qrs := pdfQRs(t, pdf); len(qrs) != 1 || qrs[0] != "https://openmap.test/place/node/268113123" {
		t.Errorf("QR codes %q, want exactly the place page", qrs)
	}
	// English, Letter; Accept-Language picks the language when ?lang is absent.
	en := ts.do(req{target: "/signs/shop/" + spar + ".pdf?size=letter", header: map[string]string{"Accept-Language": "en-GB,en;q=0.8"}})
	wantText(t, pdfText(t, wantPDF(t, en, "openmap-shop-node-268113123-Letter-en.pdf")), "TEMPORARILY CLOSED", "Delivery yes", "Printed on 1 December 2026")
}

// Hours changed: the week printed is the reported one, with a note.
func TestShopPosterReportedHours(t *testing.T) {
	ts := newTestServer(t, nil)
	for _, key := range []string{keyA, keyB} {
		wantStatus(t, ts.report(starsBars, key, `{"status":"open_adapted","opening_hours":"Mo-Fr 10:00-12:00","takeaway":true}`), http.StatusCreated)
	}
	for _, size := range []string{"A5", "A4", "A3", "Letter"} {
		for _, ln := range []string{"fr", "en"} {
			w := ts.do(req{target: "/signs/shop/" + starsBars + ".pdf?size=" + size + "&lang=" + ln})
			text := pdfText(t, wantPDF(t, w, "openmap-shop-node-267901435-"+size+"-"+ln+".pdf"))
			if ln == "fr" {
				wantText(t, text, "HORAIRES ADAPTÉS", "Stars n Bars", "mardi 1 10:00–12:00", "samedi 5 fermé", "À emporter oui",
					"Horaires signalés par les habitants le 1 décembre 2026.")
			} else {
				wantText(t, text, "ADAPTED HOURS", "Tuesday 1 10:00–12:00", "Saturday 5 closed", "Hours reported by residents on 1 December 2026.")
			}
			if strings.Contains(text, "11:00–24:00") {
				t.Errorf("%s %s: OSM's hours printed instead of the reported ones: %s", size, ln, text)
			}
		}
	}
}

// Every bad input is a problem+json 4xx naming its field; no PDF byte.
func TestPosterErrors(t *testing.T) {
	ts := newTestServer(t, nil)
	long := strings.Repeat("é", maxPosterSubtitle+1)
	for _, c := range []struct {
		name, target string
		code         int
		field        string
	}{
		{"unknown place", "/signs/shop/node/1.pdf", 404, ""},
		{"bad id", "/signs/shop/node/abc.pdf", 404, "id"},
		{"negative id", "/signs/shop/node/-5.pdf", 404, "id"},
		{"bad type", "/signs/shop/building/1.pdf", 404, "id"},
		{"no .pdf", "/signs/shop/node/268113123", 404, "id"},
		{"unknown size", "/signs/shop/" + spar + ".pdf?size=B5", 400, "size"},
		{"unknown lang", "/signs/shop/" + spar + ".pdf?lang=de", 400, "lang"},
		{"empty title", "/signs/neighbour.pdf?title=&pad=https://pad.example.org/p/a", 400, "title"},
		{"blank title", "/signs/neighbour.pdf?title=%20%20&pad=https://pad.example.org/p/a", 400, "title"},
		{"no title", "/signs/neighbour.pdf?pad=https://pad.example.org/p/a", 400, "title"},
		{"pad not http", "/signs/neighbour.pdf?title=Hi&pad=ftp://pad.example.org/p/a", 400, "pad"},
		{"pad javascript", "/signs/neighbour.pdf?title=Hi&pad=javascript:alert(1)", 400, "pad"},
		{"pad relative", "/signs/neighbour.pdf?title=Hi&pad=/p/a", 400, "pad"},
		{"no pad", "/signs/neighbour.pdf?title=Hi", 400, "pad"},
		{"pad and new pad", "/signs/neighbour.pdf?title=Hi&pad=https://x.org/p/a&new_pad=1", 400, "pad"},
		{"bad new_pad", "/signs/neighbour.pdf?title=Hi&new_pad=maybe", 400, "new_pad"},
		{"seed without new_pad", "/signs/neighbour.pdf?title=Hi&pad_seed=x&pad=https://x.org/p/a", 400, "pad_seed"},
		{"unknown pad host", "/signs/neighbour.pdf?title=Hi&new_pad=1&pad_host=nowhere", 400, "pad_host"},
		{"new pad, empty title", "/signs/neighbour.pdf?title=&new_pad=1", 400, "title"},
		{"neighbour size", "/signs/neighbour.pdf?title=Hi&pad=https://x.org/p/a&size=A6", 400, "size"},
		{"subtitle too long", "/signs/neighbour.pdf?title=Hi&pad=https://x.org/p/a&subtitle=" + url.QueryEscape(long), 400, "subtitle"},
		{"pad too long for a QR", "/signs/neighbour.pdf?title=Hi&pad=https://x.org/" + strings.Repeat("a", 3000), 400, "pad"},
		{"lat out of range", "/signs/area.pdf?lat=91&lon=7.42", 400, "lat"},
		{"lon out of range", "/signs/area.pdf?lat=43.7&lon=-180.5", 400, "lon"},
		{"lat missing", "/signs/area.pdf?lon=7.42", 400, "lat"},
		{"lat not a number", "/signs/area.pdf?lat=NaN&lon=7.42", 400, "lat"},
		{"radius too large", "/signs/area.pdf?lat=43.73&lon=7.42&radius=5001", 400, "radius"},
		{"radius zero", "/signs/area.pdf?lat=43.73&lon=7.42&radius=0", 400, "radius"},
		{"area pad not http", "/signs/area.pdf?lat=43.73&lon=7.42&pad=file:///etc/passwd", 400, "pad"},
		{"area lang", "/signs/area.pdf?lat=43.73&lon=7.42&lang=it", 400, "lang"},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := ts.do(req{target: c.target})
			wantProblem(t, w, c.code, c.field)
			if bytes.Contains(w.Body.Bytes(), []byte("%PDF")) {
				t.Error("a PDF in an error answer")
			}
		})
	}
}

// A new pad is picked once: new_pad=1 redirects to the poster of one pad
// of the shipped list, and that link prints the same pad every time.
func TestNeighbourPoster(t *testing.T) {
	ts := newTestServer(t, nil)
	w := ts.do(req{target: "/signs/neighbour.pdf?title=" + url.QueryEscape("Entraide au 12 rue des Lilas") + "&subtitle=" +
		url.QueryEscape("Écrivez ce dont vous avez besoin, et ce que vous pouvez offrir.") + "&new_pad=1&size=A5&lang=fr"})
	wantStatus(t, w, http.StatusSeeOther)
	loc, err := url.Parse(w.Header().Get("Location"))
	if err != nil || loc.Path != "/signs/neighbour.pdf" || loc.Query().Get("new_pad") != "" {
		t.Fatalf("redirect to %q", w.Header().Get("Location"))
	}
	pad := loc.Query().Get("pad")
	host, known := "", false
	for _, h := range ts.s.posters.hosts {
		if strings.HasPrefix(pad, h.BaseURL) && len(pad) == len(h.BaseURL)+10 {
			host, known = h.Operator, true
		}
	}
	if !known {
		t.Fatalf("pad %q is not a 10-character name on a shipped host", pad)
	}
	pdf := wantPDF(t, ts.do(req{target: loc.String()}), "openmap-neighbour-A5-fr.pdf")
	again := wantPDF(t, ts.do(req{target: loc.String()}), "")
	text := pdfText(t, pdf)
	wantText(t, text, "Entraide au 12 rue des Lilas", "Écrivez ce dont vous avez besoin",
		"Ne pas jeter sur la voie publique", "Imprimé le 1er décembre 2026")
	// pdftotext sometimes splits a monospace word where two glyphs sit
	// close ("yzq8g38 2cm"): compare the address without spaces.
	if !strings.Contains(strings.ReplaceAll(text, " ", ""), strings.TrimPrefix(pad, "https://")) {
		t.Errorf("poster lacks the pad address %s:\n%s", strings.TrimPrefix(pad, "https://"), text)
	}
	if host != "" {
		wantText(t, text, host)
	}
	if qrs := pdfQRs(t, pdf); len(qrs) != 1 || qrs[0] != pad {
		t.Errorf("QR codes %q, want %q", qrs, pad)
	}
	if qrs := pdfQRs(t, again); len(qrs) != 1 || qrs[0] != pad {
		t.Errorf("the same link printed another pad: %q", qrs)
	}
	// A seed gives the same pad without a redirect.
	seeded := "/signs/neighbour.pdf?title=Hello&new_pad=1&pad_seed=lilas-12&lang=en&size=A3"
	a, b := wantPDF(t, ts.do(req{target: seeded}), "openmap-neighbour-A3-en.pdf"), wantPDF(t, ts.do(req{target: seeded}), "")
	if qa, qb := pdfQRs(t, a), pdfQRs(t, b); len(qa) != 1 || len(qb) != 1 || qa[0] != qb[0] {
		t.Errorf("seeded pads %q and %q differ", qa, qb)
	}
	wantText(t, pdfText(t, a), "Hello", "Do not litter")
	// A given pad is printed as given.
	given := wantPDF(t, ts.do(req{target: "/signs/neighbour.pdf?title=Hi&pad=" + url.QueryEscape("http://pad.example.org/p/abc")}), "openmap-neighbour-A4-fr.pdf")
	if qrs := pdfQRs(t, given); len(qrs) != 1 || qrs[0] != "http://pad.example.org/p/abc" {
		t.Errorf("given pad: QR %q", qrs)
	}
}

// The instance's own pad host (OPENMAP_PAD_HOST) replaces the list; a bad
// one stops the server from starting.
func TestPadHostConfig(t *testing.T) {
	ts := newTestServer(t, func(c *Config) { c.PadHost = "https://pad.example.org/p" })
	w := ts.do(req{target: "/signs/neighbour.pdf?title=Hi&new_pad=1"})
	wantStatus(t, w, http.StatusSeeOther)
	loc, _ := url.Parse(w.Header().Get("Location"))
	if pad := loc.Query().Get("pad"); !regexp.MustCompile(`^https://pad\.example\.org/p/[a-z2-9]{10}$`).MatchString(pad) {
		t.Errorf("pad %q is not on the configured host", pad)
	}
	list := filepath.Join(t.TempDir(), "pads.json")
	if err := os.WriteFile(list, []byte(`{"hosts":[{"name":"ours","base_url":"https://pads.example.net/p/","operator":"Nous"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	ts = newTestServer(t, func(c *Config) { c.PadHostsFile = list })
	w = ts.do(req{target: "/signs/neighbour.pdf?title=Hi&new_pad=1&pad_host=ours"})
	wantStatus(t, w, http.StatusSeeOther)
	if !strings.Contains(w.Header().Get("Location"), "pads.example.net") {
		t.Errorf("redirect %q is not on the listed host", w.Header().Get("Location"))
	}
	for _, c := range []Config{{PadHost: "ftp://pad.example.org/p/"}, {PadHostsFile: filepath.Join(t.TempDir(), "missing.json")},
		{PadHost: "https://a.org/p/", PadHostsFile: list}} {
		if err := c.Validate(); err == nil {
			t.Errorf("config %+v accepted", c)
		}
	}
}

// The neighbourhood sheet lists the places near the point with their
// status from the reports, and its QR codes are the map there and the pad.
func TestAreaSheet(t *testing.T) {
	ts := newTestServer(t, nil)
	for _, key := range []string{keyA, keyB} {
		wantStatus(t, ts.report(spar, key, `{"status":"closed"}`), http.StatusCreated)
	}
	loc := ts.placeDoc(t, spar, "fr").Location
	at := fmt.Sprintf("lat=%.5f&lon=%.5f", loc.Lat, loc.Lon)
	pdf := wantPDF(t, ts.do(req{target: "/signs/area.pdf?" + at + "&radius=300&lang=fr&size=A4&pad=" +
		url.QueryEscape("https://pad.chapril.org/p/abcdefghij")}), "openmap-area-A4-fr.pdf")
	text := pdfText(t, pdf)
	wantText(t, text, "Ouvert près d'ici", "Lieux à moins de 300 m", "Spar", "fermé temporairement · Supermarché", "© OpenStreetMap contributors")
	qrs := pdfQRs(t, pdf)
	want := map[string]bool{fmt.Sprintf("https://openmap.test/#17/%.5f/%.5f", loc.Lat, loc.Lon): true, "https://pad.chapril.org/p/abcdefghij": true}
	if len(qrs) != 2 || !want[qrs[0]] || !want[qrs[1]] || qrs[0] == qrs[1] {
		t.Errorf("QR codes %q, want the map and the pad", qrs)
	}
	en := pdfText(t, wantPDF(t, ts.do(req{target: "/signs/area.pdf?" + at + "&lang=en&size=A5&title=Our+street"}), "openmap-area-A5-en.pdf"))
	wantText(t, en, "Our street", "temporarily closed")
}

// pagesServer is the API with the pages registered, as serve builds it.
func pagesServer(t testing.TB) *testServer {
	ts := newTestServer(t, nil)
	if err := RegisterPages(ts.e, PageDeps{Source: LoopbackSource{API: ts.e}, Tiles: PageTiles{URL: static.DefaultTileURL}}); err != nil {
		t.Fatal(err)
	}
	return ts
}

var iframeRE = regexp.MustCompile(`<iframe src="([^"]+)"`)

// previewOf returns the PDF link the form's preview frame shows, checking
// the download link is the same.
func previewOf(t *testing.T, html string) string {
	t.Helper()
	m := iframeRE.FindStringSubmatch(html)
	if m == nil {
		t.Fatalf("no preview frame: %s", html)
	}
	link := strings.ReplaceAll(m[1], "&amp;", "&")
	if !strings.Contains(html, `class="button" href="`+m[1]+`" download="`) {
		t.Errorf("the download link is not the preview's %q", m[1])
	}
	return link
}

func TestSignsForm(t *testing.T) {
	ts := pagesServer(t)
	for _, c := range []struct{ lang, title, shop, size string }{
		{"fr", "Affiches à imprimer", "Un commerce", "A5 (148 × 210 mm)"},
		{"en", "Posters to print", "A shop", "US Letter"},
	} {
		w := ts.do(req{target: "/signs?lang=" + c.lang})
		wantStatus(t, w, http.StatusOK)
		html := w.Body.String()
		for _, want := range []string{`<html lang="` + c.lang + `">`, c.title, c.shop, c.size, `href="/static/signs.css?v=`, "OpenStreetMap"} {
			if !strings.Contains(html, want) {
				t.Errorf("%s form lacks %q", c.lang, want)
			}
		}
		if m := pageInlineRE.FindString(html); m != "" {
			t.Errorf("%s form has inline code: %q", c.lang, m)
		}
		if csp := w.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "frame-src 'self'") || strings.Contains(csp, "unsafe-inline") {
			t.Errorf("CSP %q", csp)
		}
		if len(html) > 8000 {
			t.Errorf("%s form weighs %d bytes", c.lang, len(html))
		}
	}
	if w := ts.do(req{target: "/static/signs.css"}); w.Code != http.StatusOK {
		t.Errorf("signs.css: %d", w.Code)
	}

	// Search, pick, preview: the preview is the poster of that place.
	w := ts.do(req{target: "/signs?kind=shop&q=spar&lang=en"})
	wantStatus(t, w, http.StatusOK)
	if !strings.Contains(w.Body.String(), `href="/signs?kind=shop&amp;lang=en&amp;place=node%2F268113123&amp;size=A4"`) {
		t.Fatalf("search lacks the Spar: %s", w.Body.String())
	}
	w = ts.do(req{target: "/signs?place=node/268113123&size=A5"})
	wantStatus(t, w, http.StatusOK)
	link := previewOf(t, w.Body.String())
	if link != "/signs/shop/node/268113123.pdf?lang=fr&size=A5" {
		t.Errorf("preview %q", link)
	}
	wantText(t, pdfText(t, wantPDF(t, ts.do(req{target: link}), "openmap-shop-node-268113123-A5-fr.pdf")), "Spar")
	if fr := ts.do(req{target: link}); fr.Header().Get("X-Frame-Options") != "SAMEORIGIN" || !strings.Contains(fr.Header().Get("Content-Security-Policy"), "frame-ancestors 'self'") {
		t.Errorf("the PDF cannot be framed by the form: %v", fr.Header())
	}
	// An openstreetmap.org link works as an id.
	w = ts.do(req{target: "/signs?kind=shop&place=" + url.QueryEscape("https://www.openstreetmap.org/node/268113123#map=19/43.7/7.4")})
	wantStatus(t, w, http.StatusOK)
	previewOf(t, w.Body.String())

	// A new pad is picked once, by a redirect that fills the pad field;
	// preview and download then print that pad.
	w = ts.do(req{target: "/signs?kind=neighbour&title=Entraide&subtitle=Bonjour&new_pad=1&pad_host=chapril&size=A4&lang=fr"})
	wantStatus(t, w, http.StatusSeeOther)
	loc, _ := url.Parse(w.Header().Get("Location"))
	pad := loc.Query().Get("pad")
	if loc.Path != "/signs" || !strings.HasPrefix(pad, "https://pad.chapril.org/p/") {
		t.Fatalf("redirect %q", w.Header().Get("Location"))
	}
	w = ts.do(req{target: loc.String()})
	wantStatus(t, w, http.StatusOK)
	if !strings.Contains(w.Body.String(), `value="`+pad+`"`) || !strings.Contains(w.Body.String(), "<code>"+pad+"</code>") {
		t.Errorf("the form does not show the pad %q", pad)
	}
	link = previewOf(t, w.Body.String())
	if qrs := pdfQRs(t, wantPDF(t, ts.do(req{target: link}), "openmap-neighbour-A4-fr.pdf")); len(qrs) != 1 || qrs[0] != pad {
		t.Errorf("preview QR %q, want %q", qrs, pad)
	}

	// Area from ?lat=&lon= (as from the map).
	w = ts.do(req{target: "/signs?lat=43.7305&lon=7.4205&lang=en"})
	wantStatus(t, w, http.StatusOK)
	wantText(t, pdfText(t, wantPDF(t, ts.do(req{target: previewOf(t, w.Body.String())}), "openmap-area-A4-en.pdf")), "Open near here")

	// Errors are told in the form, in its language, with no preview.
	for _, c := range []struct {
		target, want string
		code         int
	}{
		{"/signs?place=node/1&lang=fr", "Ce lieu n'est pas sur la carte", 404},
		{"/signs?place=node/abc&lang=en", "This place is not on the map", 404},
		{"/signs?kind=neighbour&title=&pad=https://x.org/p/a&lang=fr", "l'affiche a besoin d'un titre", 400},
		{"/signs?kind=neighbour&title=Hi&pad=ftp://x.org/p/a&lang=en", "want an http:// or https:// address", 400},
		{"/signs?lat=95&lon=7&lang=fr", "lat : on attend des degrés de -90 à 90", 400},
		{"/signs?lat=43.7&lon=7.4&radius=9000&lang=en", "radius: want 1 to 5000 metres", 400},
		{"/signs?place=node/268113123&size=B4&lang=en", "Unknown paper size", 400},
	} {
		w := ts.do(req{target: c.target})
		if w.Code != c.code || !strings.Contains(w.Body.String(), html.EscapeString(c.want)) || iframeRE.MatchString(w.Body.String()) {
			t.Errorf("%s: %d, want %d with %q and no preview: %.300s", c.target, w.Code, c.code, c.want, w.Body.String())
		}
	}
}

// The routes are listed once, in routes().
func TestSignsRoutes(t *testing.T) {
	ts := newTestServer(t, nil)
	want := map[string]bool{"/signs": false, "/signs/shop/:type/:file": false, "/signs/neighbour.pdf": false, "/signs/area.pdf": false}
	for _, r := range ts.e.Routes() {
		if _, ok := want[r.Path]; ok && r.Method == http.MethodGet {
			want[r.Path] = true
		}
	}
	for p, ok := range want {
		if !ok {
			t.Errorf("route GET %s missing", p)
		}
	}
}

// BenchmarkShopPosterHTTP is GET /signs/shop/{type}/{id}.pdf end to end:
// the place, its reports and status, the week and the PDF (target: under
// 50 ms, as for signs.Render alone).
func BenchmarkShopPosterHTTP(b *testing.B) {
	ts := newTestServer(b, nil)
	for _, key := range []string{keyA, keyB} {
		if w := ts.report(spar, key, `{"status":"open_adapted","opening_hours":"Mo-Fr 10:00-12:00","remark":"Bienvenue"}`); w.Code != http.StatusCreated {
			b.Fatal(w.Code)
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if w := ts.do(req{target: "/signs/shop/" + spar + ".pdf?size=A4&lang=fr"}); w.Code != http.StatusOK {
			b.Fatal(w.Code)
		}
	}
}

// Without a configured base URL the QR codes point to the request's own
// origin; a request naming no host gets a 400, not a 500.
func TestPosterBaseFromRequest(t *testing.T) {
	ts := newTestServer(t, func(c *Config) { c.BaseURL = "" })
	w := ts.do(req{target: "http://carte.example.fr/signs/shop/" + spar + ".pdf"})
	if qrs := pdfQRs(t, wantPDF(t, w, "")); len(qrs) != 1 || qrs[0] != "http://carte.example.fr/place/node/268113123" {
		t.Errorf("QR %q, want the request's origin", qrs)
	}
	hr := httptest.NewRequest(http.MethodGet, "/signs/area.pdf?lat=43.73&lon=7.42", nil)
	hr.Host = ""
	rec := httptest.NewRecorder()
	ts.e.ServeHTTP(rec, hr)
	wantProblem(t, rec, http.StatusBadRequest, "host")
}
