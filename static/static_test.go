package static

import (
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// Every key used by the script or the templates is in both catalogues, and
// both catalogues hold the same keys.
func TestCatalogs(t *testing.T) {
	cats, err := Catalogs()
	if err != nil {
		t.Fatal(err)
	}
	fr, en := cats["fr"], cats["en"]
	for k := range fr {
		if _, ok := en[k]; !ok {
			t.Errorf("%q is in fr.json only", k)
		}
	}
	for k, v := range en {
		if _, ok := fr[k]; !ok {
			t.Errorf("%q is in en.json only", k)
		}
		if strings.TrimSpace(v) == "" || strings.TrimSpace(fr[k]) == "" {
			t.Errorf("%q is empty in a catalogue", k)
		}
	}
	used := map[string]string{}
	js, _ := fs.ReadFile(FS(), "app.js")
	// t('key') and t('key', {...}) in the script; literal keys only (the
	// ones built from a prefix are checked below).
	for _, m := range regexp.MustCompile(`\bt\('([a-z_]+\.[a-z_.]*[a-z_])'`).FindAllStringSubmatch(string(js), -1) {
		used[m[1]] = "app.js"
	}
	tmpls, _ := fs.Glob(FS(), "templates/*.html")
	for _, name := range tmpls {
		b, _ := fs.ReadFile(FS(), name)
		for _, re := range []*regexp.Regexp{
			regexp.MustCompile(`\.M\.T "([a-z_.]+)"`),
			regexp.MustCompile(`data-i18n(?:-[a-z-]+)?="([a-z_.]+)"`),
		} {
			for _, m := range re.FindAllStringSubmatch(string(b), -1) {
				used[m[1]] = name
			}
		}
	}
	// Keys built as prefix + a value: every value must have its message.
	for _, prefix := range []string{"status.", "confidence.", "report.status.", "service.", "day."} {
		var values []string
		switch prefix {
		case "status.":
			values = []string{"open", "open_adapted", "partial", "closed", "gone", "unknown"}
		case "confidence.":
			values = []string{"confirmed", "reported", "disputed", "osm", "unknown"}
		case "report.status.":
			values = []string{"open", "open_adapted", "partial", "closed", "gone"}
		case "service.":
			values = []string{"delivery", "takeaway", "pickup", "yes", "no", "unknown"}
		case "day.":
			values = []string{"mo", "tu", "we", "th", "fr", "sa", "su"}
		}
		for _, v := range values {
			used[prefix+v] = "built from " + prefix
		}
	}
	if len(used) < 60 {
		t.Fatalf("found only %d message keys in use: the scan is broken", len(used))
	}
	var missing []string
	for k, where := range used {
		if _, ok := en[k]; !ok {
			missing = append(missing, k+" ("+where+")")
		}
	}
	sort.Strings(missing)
	for _, k := range missing {
		t.Errorf("message %s is not in the catalogues", k)
	}
}

// Nothing in static/ loads from a third-party host, and nothing needs
// 'unsafe-inline': no inline script, no style attribute, no on… handler.
func TestNoThirdPartyNoInline(t *testing.T) {
	thirdParty := regexp.MustCompile(`(?i)cdn\.|unpkg|jsdelivr|googleapis|gstatic|cloudflare|fonts\.|maplibre|mapbox`)
	inline := regexp.MustCompile(`(?i)<script>|<script [^>]*>[^<]|\sstyle=|\son[a-z]+=|javascript:`)
	err := fs.WalkDir(FS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(FS(), p)
		if err != nil {
			return err
		}
		if m := thirdParty.Find(b); m != nil {
			t.Errorf("%s mentions a third-party host: %q", p, m)
		}
		if strings.HasSuffix(p, ".html") {
			if m := inline.Find(b); m != nil {
				t.Errorf("%s has inline code or style: %q", p, m)
			}
		}
		if p == "app.js" && (strings.Contains(string(b), ".innerHTML =") || strings.Contains(string(b), "insertAdjacentHTML")) {
			t.Errorf("app.js writes HTML from strings")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestHandler(t *testing.T) {
	h := Handler()
	tests := []struct {
		name, path, enc string
		code            int
		ctype           string
		gzip            bool
	}{
		{"script gzipped", "/static/app.js", "gzip, br", 200, "text/javascript; charset=utf-8", true},
		{"leaflet plain", "/static/vendor/leaflet/leaflet.js", "", 200, "text/javascript; charset=utf-8", false},
		{"licence", "/static/vendor/leaflet/LICENSE", "gzip", 200, "text/plain; charset=utf-8", true},
		{"catalogue", "/static/i18n/fr.json", "gzip", 200, "application/json", true},
		{"templates are not served", "/static/templates/place.html", "", 404, "", false},
		{"unknown", "/static/nope.js", "", 404, "", false},
		{"gzip refused", "/static/app.css", "gzip;q=0", 200, "text/css; charset=utf-8", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest("GET", tc.path, nil)
			if tc.enc != "" {
				req.Header.Set("Accept-Encoding", tc.enc)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tc.code {
				t.Fatalf("status %d, want %d", rec.Code, tc.code)
			}
			if tc.code != 200 {
				return
			}
			if got := rec.Header().Get("Content-Type"); got != tc.ctype {
				t.Errorf("content type %q, want %q", got, tc.ctype)
			}
			if got := rec.Header().Get("Content-Encoding") == "gzip"; got != tc.gzip {
				t.Errorf("gzip %v, want %v", got, tc.gzip)
			}
			if rec.Header().Get("Content-Security-Policy") == "" || rec.Header().Get("ETag") == "" {
				t.Errorf("missing CSP or ETag: %v", rec.Header())
			}
			// A second request with the ETag is answered 304.
			req2 := httptest.NewRequest("GET", tc.path, nil)
			req2.Header.Set("If-None-Match", rec.Header().Get("ETag"))
			rec2 := httptest.NewRecorder()
			h.ServeHTTP(rec2, req2)
			if rec2.Code != http.StatusNotModified {
				t.Errorf("revalidation: %d, want 304", rec2.Code)
			}
			if body, _ := io.ReadAll(rec2.Body); len(body) != 0 {
				t.Errorf("304 with a body")
			}
		})
	}
}

// A versioned address may be kept for a year; a stale or missing version
// only for an hour.
func TestAssetVersions(t *testing.T) {
	a := NewAssets()
	u := a.URL("app.js")
	if !regexp.MustCompile(`^/static/app\.js\?v=[0-9a-f]{12}$`).MatchString(u) {
		t.Fatalf("URL(app.js) = %q", u)
	}
	if got := a.URL("nope.js"); got != "/static/nope.js" {
		t.Errorf("URL of an unknown file: %q", got)
	}
	for _, tc := range []struct{ target, want string }{
		{u, "public, max-age=31536000, immutable"},
		{"/static/app.js?v=000000000000", "public, max-age=3600"},
		{"/static/app.js", "public, max-age=3600"},
	} {
		rec := httptest.NewRecorder()
		a.Handler().ServeHTTP(rec, httptest.NewRequest("GET", tc.target, nil))
		if got := rec.Header().Get("Cache-Control"); rec.Code != 200 || got != tc.want {
			t.Errorf("GET %s: %d, Cache-Control %q, want %q", tc.target, rec.Code, got, tc.want)
		}
	}
}

func TestNegotiate(t *testing.T) {
	tests := []struct {
		name, query, accept, want string
	}{
		{"query wins", "en", "fr-FR,fr;q=0.9", "en"},
		{"unknown query ignored", "de", "en-GB,en;q=0.8", "en"},
		{"first known language", "", "de-DE,de;q=0.9,en;q=0.8,fr;q=0.7", "en"},
		{"quality order", "", "en;q=0.5,fr;q=0.9", "fr"},
		{"q=0 refuses", "", "fr;q=0,en;q=0.1", "en"},
		{"nothing known: French", "", "de,it", "fr"},
		{"empty: French", "", "", "fr"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Negotiate(tc.query, tc.accept); got != tc.want {
				t.Errorf("Negotiate(%q, %q) = %q, want %q", tc.query, tc.accept, got, tc.want)
			}
		})
	}
}

func TestCSP(t *testing.T) {
	tests := []struct {
		name, tiles, wantImg string
	}{
		{"OSM tiles", DefaultTileURL, "img-src 'self' data: https://tile.openstreetmap.org;"},
		{"subdomains", "https://{s}.tile.example.org/{z}/{x}/{y}.png", "img-src 'self' data: https://*.tile.example.org;"},
		{"local port", "http://127.0.0.1:8081/{z}/{x}/{y}.png", "img-src 'self' data: http://127.0.0.1:8081;"},
		{"no tiles", "", "img-src 'self' data:;"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			csp := CSP(tc.tiles)
			if !strings.Contains(csp, tc.wantImg) {
				t.Errorf("CSP %q lacks %q", csp, tc.wantImg)
			}
			if strings.Contains(csp, "unsafe") {
				t.Errorf("CSP %q allows unsafe sources", csp)
			}
			if !strings.Contains(csp, "script-src 'self';") || !strings.Contains(csp, "style-src 'self';") {
				t.Errorf("CSP %q: scripts and styles not limited to the server", csp)
			}
		})
	}
}

func TestCatalogT(t *testing.T) {
	c := Catalog{"a": "{n} places near {where}"}
	if got := c.T("a", "n", 3, "where", "Nice"); got != "3 places near Nice" {
		t.Errorf("got %q", got)
	}
	if got := c.T("missing"); got != "missing" {
		t.Errorf("a missing key gives %q", got)
	}
}
