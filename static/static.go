package static

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"net/url"
	"path"
	"sort"
	"strconv"
	"strings"
)

//go:embed app.js app.css page.css i18n templates vendor
var files embed.FS

// FS returns the embedded files: app.js, app.css, page.css, i18n/*.json,
// templates/*.html and vendor/leaflet/*.
func FS() fs.FS { return files }

// Prefix is the URL path under which Handler serves the assets.
const Prefix = "/static/"

// asset is one file ready to serve, with its gzipped form when that is smaller.
type asset struct {
	body, gz []byte
	ctype    string
	etag     string
}

// Assets are the embedded assets ready to serve, each with a version (a
// hash of its content) for cache busting. Make them once with NewAssets;
// they are read-only and safe for concurrent use.
type Assets struct {
	byPath map[string]asset
}

// NewAssets reads and gzips every embedded asset (templates excepted).
func NewAssets() *Assets {
	a := &Assets{byPath: map[string]asset{}}
	err := fs.WalkDir(files, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasPrefix(p, "templates/") {
			return err
		}
		body, err := files.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		as := asset{body: body, etag: hex.EncodeToString(sum[:6])}
		as.ctype = mime.TypeByExtension(path.Ext(p))
		if path.Base(p) == "LICENSE" {
			as.ctype = "text/plain; charset=utf-8"
		}
		if gz := Gzip(body); len(gz) < len(body) {
			as.gz = gz
		}
		a.byPath[p] = as
		return nil
	})
	if err != nil {
		panic("static: embedded files unreadable: " + err.Error())
	}
	return a
}

// URL is the address of an asset ("app.js") with its version, so a page
// always loads the asset it was made with and browsers may keep it for a
// year: "/static/app.js?v=1a2b3c4d5e6f". An unknown path gets no version.
func (a *Assets) URL(p string) string {
	as, ok := a.byPath[p]
	if !ok {
		return Prefix + p
	}
	return Prefix + p + "?v=" + as.etag
}

// Handler serves the embedded assets under Prefix (it expects the full
// request path, "/static/app.js"), gzipped when the client accepts it, with
// an ETag and the same Content-Security-Policy as the pages. An address with
// the asset's current version (see URL) may be cached for a year; any other
// for an hour. Templates are not served.
func Handler() http.Handler { return NewAssets().Handler() }

// Handler serves the assets; see the package function Handler.
func (a *Assets) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		as, ok := a.byPath[strings.TrimPrefix(r.URL.Path, Prefix)]
		if !ok {
			http.NotFound(w, r)
			return
		}
		h := w.Header()
		SecurityHeaders(h, "")
		etag := `"` + as.etag + `"`
		h.Set("Content-Type", as.ctype)
		h.Set("ETag", etag)
		if r.URL.Query().Get("v") == as.etag {
			h.Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			h.Set("Cache-Control", "public, max-age=3600")
		}
		h.Add("Vary", "Accept-Encoding")
		if match := r.Header.Get("If-None-Match"); match != "" && strings.Contains(match, etag) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		body := as.body
		if as.gz != nil && AcceptsGzip(r) {
			h.Set("Content-Encoding", "gzip")
			body = as.gz
		}
		h.Set("Content-Length", strconv.Itoa(len(body)))
		if r.Method == http.MethodHead {
			return
		}
		w.Write(body)
	})
}

// AcceptsGzip reports whether the request's Accept-Encoding allows gzip.
func AcceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		name, q, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(name), "gzip") && strings.ReplaceAll(q, " ", "") != "q=0" {
			return true
		}
	}
	return false
}

// Gzip compresses b at the best compression level.
func Gzip(b []byte) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

// DefaultTileURL is the OSM standard tile layer, used when an instance
// configures no other.
const DefaultTileURL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"

// TileOrigin returns the scheme and host a tile URL template loads from, as
// a CSP source ("https://tile.openstreetmap.org", "https://*.tile.example"
// for a {s} subdomain template), or "" for a template on the same origin.
func TileOrigin(tileURL string) string {
	u, err := url.Parse(strings.NewReplacer("{s}", "sub", "{z}", "0", "{x}", "0", "{y}", "0", "{r}", "").Replace(tileURL))
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return ""
	}
	host := u.Host
	if strings.Contains(tileURL, "{s}") {
		if rest, ok := strings.CutPrefix(host, "sub."); ok {
			host = "*." + rest
		}
	}
	return u.Scheme + "://" + host
}

// CSP is the Content-Security-Policy of every page: scripts, styles and
// connections to the server itself only, images from the server and the tile
// host, and no inline script or style.
func CSP(tileURL string) string {
	img := "'self' data:"
	if o := TileOrigin(tileURL); o != "" {
		img += " " + o
	}
	return "default-src 'none'; script-src 'self'; style-src 'self'; img-src " + img +
		"; connect-src 'self'; font-src 'self'; manifest-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
}

// SecurityHeaders sets the CSP (for tileURL; "" for none) and the headers
// that stop sniffing, framing and referrer leaks to the tile host.
func SecurityHeaders(h http.Header, tileURL string) {
	h.Set("Content-Security-Policy", CSP(tileURL))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("X-Frame-Options", "DENY")
}

// Languages are the languages of the catalogues, the default first.
func Languages() []string { return []string{"fr", "en"} }

// Catalog is the messages of one language, by key.
type Catalog map[string]string

// T returns the message for key with {name} placeholders replaced by the
// pairs in args ("name", value, …); the key itself when it is missing, so a
// gap shows instead of an empty text.
func (c Catalog) T(key string, args ...any) string {
	s, ok := c[key]
	if !ok {
		return key
	}
	for i := 0; i+1 < len(args); i += 2 {
		s = strings.ReplaceAll(s, "{"+fmt.Sprint(args[i])+"}", fmt.Sprint(args[i+1]))
	}
	return s
}

// Catalogs reads the embedded catalogues, by language.
func Catalogs() (map[string]Catalog, error) {
	out := map[string]Catalog{}
	for _, lang := range Languages() {
		b, err := files.ReadFile("i18n/" + lang + ".json")
		if err != nil {
			return nil, fmt.Errorf("static: catalogue %s: %w", lang, err)
		}
		var c Catalog
		if err := json.Unmarshal(b, &c); err != nil {
			return nil, fmt.Errorf("static: catalogue %s: %w", lang, err)
		}
		out[lang] = c
	}
	return out, nil
}

// Negotiate picks the language of a page: the query's lang when it is
// known, else the best of Accept-Language, else French.
func Negotiate(query, acceptLanguage string) string {
	known := func(l string) string {
		l = strings.ToLower(strings.TrimSpace(l))
		base, _, _ := strings.Cut(l, "-")
		for _, k := range Languages() {
			if base == k {
				return k
			}
		}
		return ""
	}
	if l := known(query); l != "" {
		return l
	}
	type choice struct {
		lang string
		q    float64
		i    int
	}
	var cs []choice
	for i, part := range strings.Split(acceptLanguage, ",") {
		tag, params, _ := strings.Cut(part, ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		if l := known(tag); l != "" && q > 0 {
			cs = append(cs, choice{l, q, i})
		}
	}
	sort.SliceStable(cs, func(a, b int) bool { return cs[a].q > cs[b].q })
	if len(cs) > 0 {
		return cs[0].lang
	}
	return Languages()[0]
}
