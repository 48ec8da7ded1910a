package api

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"strings"

	"codeberg.org/openmap/openmap/geo"
	"codeberg.org/openmap/openmap/internal/store"
	"codeberg.org/openmap/openmap/signs"
	"codeberg.org/openmap/openmap/static"
	"github.com/labstack/echo/v4"
)

// The /signs form: choose a poster, see it, download it. It is a plain GET
// form rendered on the server (no JavaScript): every choice is in the
// query, the preview is a frame of the very PDF link the download button
// gives, and a new pad is picked once, by a redirect to the form with the
// pad's address filled in.

// signsPage is the template and catalogues of the form.
type signsPage struct {
	tmpl   *template.Template
	msgs   map[string]static.Catalog
	assets *static.Assets
}

func newSignsPage() (*signsPage, error) {
	msgs, err := static.Catalogs()
	if err != nil {
		return nil, err
	}
	t, err := template.ParseFS(static.FS(), "templates/signs.html", "templates/head.html")
	if err != nil {
		return nil, fmt.Errorf("pages: template signs: %w", err)
	}
	return &signsPage{tmpl: t, msgs: msgs, assets: static.NewAssets()}, nil
}

// option is one choice of a select or a tab.
type option struct {
	Value, Label, URL string
	Selected          bool
}

// signsResult is one place found by the shop search.
type signsResult struct {
	Name, Detail, URL string
}

type signsView struct {
	pageBase
	Kind  string
	Tabs  []option
	Sizes []option
	Langs []option
	Size  string
	// Shop.
	Place, Query string
	Results      []signsResult
	Searched     bool
	// Neighbour.
	PTitle, Subtitle, Pad string
	Hosts                 []option
	// Area.
	Lat, Lon, Radius, Where string
	// The outcome: an error to fix, or the poster's link.
	Error    string
	Chosen   string // what the poster is of, in words
	PDFURL   string
	FileName string
}

var signsKinds = []string{"shop", "neighbour", "area"}

// signsForm answers GET /signs.
func (s *Server) signsForm(c echo.Context) error {
	q := c.QueryParams()
	ln := static.Negotiate(q.Get("lang"), c.Request().Header.Get("Accept-Language"))
	m := s.signs.msgs[ln]
	kind := q.Get("kind")
	switch {
	case containsString(signsKinds, kind):
	case q.Has("lat") || q.Has("lon"):
		kind = "area"
	case q.Has("title") || q.Has("pad"):
		kind = "neighbour"
	default:
		kind = "shop"
	}
	// The poster is in the page's language.
	q.Set("lang", ln)
	other := "en"
	if ln == "en" {
		other = "fr"
	}
	sw := url.Values{}
	for k, v := range q {
		sw[k] = v
	}
	sw.Set("lang", other)
	v := signsView{
		pageBase: pageBase{Lang: ln, OtherLang: other, M: m, Title: m.T("signs.title"), Asset: s.signs.assets.URL,
			MapURL: "/?lang=" + ln, SwitchURL: "/signs?" + sw.Encode()},
		Kind: kind, Place: strings.TrimSpace(q.Get("place")), Query: strings.TrimSpace(q.Get("q")),
		PTitle: q.Get("title"), Subtitle: q.Get("subtitle"), Pad: q.Get("pad"),
		Lat: q.Get("lat"), Lon: q.Get("lon"), Radius: q.Get("radius"), Where: q.Get("where"),
	}
	if v.Radius == "" {
		v.Radius = "500"
	}
	for _, k := range signsKinds {
		v.Tabs = append(v.Tabs, option{Value: k, Label: m.T("signs.kind." + k), URL: "/signs?kind=" + k + "&lang=" + ln, Selected: k == kind})
	}
	size, err := signs.ParseSize(q.Get("size"))
	if err != nil {
		v.Error = m.T("signs.bad_size")
		size = signs.A4
	}
	v.Size = string(size)
	q.Set("size", v.Size)
	for _, z := range signs.Sizes() {
		v.Sizes = append(v.Sizes, option{Value: string(z), Label: m.T("signs.size." + strings.ToLower(string(z))), Selected: z == size})
	}
	for _, l := range static.Languages() {
		v.Langs = append(v.Langs, option{Value: l, Label: s.signs.msgs[l].T("lang.name"), Selected: l == ln})
	}
	for _, h := range s.posters.hosts {
		label := h.Name
		if h.Operator != "" {
			label = h.Operator + " (" + strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(h.BaseURL, "https://"), "http://"), "/") + ")"
		}
		v.Hosts = append(v.Hosts, option{Value: h.Name, Label: label, Selected: h.Name == q.Get("pad_host")})
	}
	ctx := c.Request().Context()
	var p poster
	var perr error
	ready := false
	switch kind {
	case "shop":
		if v.Query != "" {
			v.Searched = true
			if perr = s.signsSearch(c, &v, q); perr != nil {
				break
			}
		}
		if v.Place != "" {
			// An openstreetmap.org link works too.
			if _, after, ok := strings.Cut(v.Place, "openstreetmap.org/"); ok {
				v.Place, _, _ = strings.Cut(after, "#")
			}
			typ, num, _ := strings.Cut(v.Place, "/")
			p, perr = s.shopPoster(ctx, c, typ, num, q)
			ready = true
			if perr == nil {
				sh := p.doc.(signs.Shop)
				v.Chosen = strings.TrimPrefix(sh.Kind+" · "+sh.Name, " · ")
				v.PDFURL = "/signs/shop/" + strings.ToLower(typ) + "/" + num + ".pdf?" + pick(q, "size", "lang").Encode()
			}
		}
	case "neighbour":
		if !q.Has("title") {
			break
		}
		ready = true
		isNew, err := newPad(q)
		if err == nil && isNew && q.Get("pad_seed") == "" {
			// Pick the pad once, then show the form with it.
			picked, err := s.pickPad(q)
			if err != nil {
				perr = err
				break
			}
			picked.Set("kind", "neighbour")
			return c.Redirect(http.StatusSeeOther, "/signs?"+picked.Encode())
		}
		p, perr = s.neighbourPoster(c, q)
		if perr == nil {
			v.Pad = p.doc.(signs.Neighbour).PadURL
			v.PDFURL = "/signs/neighbour.pdf?" + pick(q, "title", "subtitle", "pad", "new_pad", "pad_seed", "pad_host", "size", "lang").Encode()
		}
	case "area":
		if !q.Has("lat") && !q.Has("lon") {
			break
		}
		ready = true
		p, perr = s.areaPoster(ctx, c, q)
		if perr == nil {
			v.PDFURL = "/signs/area.pdf?" + pick(q, "lat", "lon", "radius", "title", "where", "pad", "size", "lang").Encode()
		}
	}
	if ready && perr == nil {
		// The same checks as the PDF link: what the preview shows is
		// what the download gives.
		perr = posterProblem(signs.Render(io.Discard, p.doc, p.opts))
		v.FileName = signs.FileName(p.what, p.opts)
	}
	code := http.StatusOK
	if v.Error != "" {
		code = http.StatusBadRequest
		v.PDFURL = ""
	}
	if perr != nil {
		v.PDFURL = ""
		var pr *Problem
		switch {
		case errors.As(perr, &pr):
			code = pr.Status
			v.Error = pr.Detail
			if ln == "fr" {
				v.Error = pr.DetailFR
			}
			if pr.Status == http.StatusNotFound {
				v.Error = m.T("signs.no_place")
			}
		case errors.Is(perr, store.ErrNotFound):
			code = http.StatusNotFound
			v.Error = m.T("signs.no_place")
		default:
			return perr
		}
	}
	return s.signs.render(c, code, v)
}

// signsSearch fills the shop search results: each links to the form with
// that place chosen.
func (s *Server) signsSearch(c echo.Context, v *signsView, q url.Values) error {
	if len(strings.Fields(geo.Fold(v.Query))) == 0 || len([]rune(v.Query)) > 100 {
		return badRequest("q", "q: want 1 to 100 characters with a letter or digit", "q : on attend 1 à 100 caractères dont une lettre ou un chiffre")
	}
	places, err := s.st.Search(c.Request().Context(), v.Query, nil, 10)
	if err != nil {
		return err
	}
	for _, p := range places {
		u := pick(q, "size", "lang")
		u.Set("kind", "shop")
		u.Set("place", p.ID.String())
		kind := ""
		if sc, ok := s.cats.Subcategory(p.Subcategory); ok {
			kind = sc.Label.In(v.Lang)
		} else if cat, ok := s.cats.Category(p.Category); ok {
			kind = cat.Label.In(v.Lang)
		}
		name, detail := p.Name, strings.TrimPrefix(kind+" · "+p.Address.String(), " · ")
		if name == "" {
			// A place without a name goes by its kind and id.
			name, detail = strings.TrimSpace(kind+" ("+p.ID.String()+")"), p.Address.String()
		}
		detail = strings.TrimSuffix(detail, " · ")
		v.Results = append(v.Results, signsResult{Name: name, Detail: detail, URL: "/signs?" + u.Encode()})
	}
	return nil
}

// pick copies the non-empty values of keys from q.
func pick(q url.Values, keys ...string) url.Values {
	out := url.Values{}
	for _, k := range keys {
		if v := q.Get(k); v != "" {
			out.Set(k, v)
		}
	}
	return out
}

func (p *signsPage) render(c echo.Context, code int, v signsView) error {
	var buf bytes.Buffer
	if err := p.tmpl.ExecuteTemplate(&buf, "signs.html", v); err != nil {
		return fmt.Errorf("pages: render signs: %w", err)
	}
	h := c.Response().Header()
	static.SecurityHeaders(h, "")
	// The preview is a frame of this server's own PDF.
	h.Set("Content-Security-Policy", static.CSP("")+"; frame-src 'self'")
	h.Set("Cache-Control", "no-cache")
	h.Add("Vary", "Accept-Language, Accept-Encoding")
	body := buf.Bytes()
	if static.AcceptsGzip(c.Request()) && len(body) > 1024 {
		body = static.Gzip(body)
		h.Set("Content-Encoding", "gzip")
	}
	return c.Blob(code, "text/html; charset=utf-8", body)
}
