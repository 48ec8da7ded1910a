package api

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"codeberg.org/openmap/openmap/geo"
	"codeberg.org/openmap/openmap/signs"
	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb"
)

// The posters as PDF: GET /signs/shop/{type}/{id}.pdf, /signs/neighbour.pdf
// and /signs/area.pdf. Each handler reads its query into a poster (the
// same builders serve the /signs form's check), renders it into memory and
// only then answers, so a bad input is a problem+json, never a broken PDF.

// Longest texts a poster query may carry, in characters: the poster
// shrinks and truncates what does not fit, these bounds only keep requests
// small.
const (
	maxPosterTitle    = 300
	maxPosterSubtitle = 2000
)

// poster is a poster ready to render, with the short description its file
// is named after ("shop-node-123").
type poster struct {
	doc  signs.Poster
	opts signs.Options
	what string
}

// posterBase is the URL the QR codes point to: the configured base URL, or
// this request's origin when none is configured.
func (s *Server) posterBase(c echo.Context) string {
	if s.cfg.BaseURL != "" {
		return s.cfg.BaseURL
	}
	return c.Scheme() + "://" + c.Request().Host
}

// postersFor returns the Posters of this request (the request's origin as
// base URL when none is configured).
func (s *Server) postersFor(c echo.Context) *Posters {
	if s.cfg.BaseURL != "" {
		return s.posters
	}
	p := *s.posters
	p.cfg.BaseURL = s.posterBase(c)
	return &p
}

// posterOptions reads size and lang; lang defaults to Accept-Language.
func posterOptions(q url.Values, c echo.Context) (signs.Options, error) {
	size, err := signs.ParseSize(q.Get("size"))
	if err != nil {
		return signs.Options{}, badRequest("size", "size: want A5, A4, A3 or Letter", "size : on attend A5, A4, A3 ou Letter")
	}
	l := q.Get("lang")
	if l == "" && c != nil {
		l = lang(c)
	}
	ln, err := signs.ParseLang(l)
	if err != nil {
		return signs.Options{}, badRequest("lang", "lang: want fr or en", "lang : on attend fr ou en")
	}
	return signs.Options{Size: size, Lang: ln}, nil
}

// posterProblem turns a signs error into the problem a person can act on;
// errors of the server's own making (a status outside the list, a value
// that is not a poster) stay internal, 500s.
func posterProblem(err error) error {
	switch {
	case errors.Is(err, signs.ErrSize):
		return badRequest("size", "size: want A5, A4, A3 or Letter", "size : on attend A5, A4, A3 ou Letter")
	case errors.Is(err, signs.ErrLang):
		return badRequest("lang", "lang: want fr or en", "lang : on attend fr ou en")
	case errors.Is(err, signs.ErrTitle):
		return badRequest("title", "title: the poster needs a title", "title : l'affiche a besoin d'un titre")
	case errors.Is(err, signs.ErrPadURL):
		return badRequest("pad", "pad: want an http:// or https:// address", "pad : on attend une adresse http:// ou https://")
	case errors.Is(err, signs.ErrTooLong):
		return badRequest("pad", "pad: the address is too long for a QR code", "pad : l'adresse est trop longue pour un code QR")
	case errors.Is(err, signs.ErrCenter):
		return badRequest("lat", "lat, lon: want degrees, -90 to 90 and -180 to 180", "lat, lon : on attend des degrés, de -90 à 90 et de -180 à 180")
	case errors.Is(err, signs.ErrURL):
		// Only a request without a Host, on an instance without a base
		// URL, gets here: its QR codes would point nowhere.
		return badRequest("host", "the request names no host for the QR codes to point to", "la requête ne nomme aucun hôte vers lequel pointeraient les codes QR")
	case errors.Is(err, signs.ErrNoPadHost):
		return badRequest("pad_host", "pad_host: no Etherpad host to make a pad on", "pad_host : aucun hébergeur Etherpad pour créer un pad")
	}
	return err
}

// textParam reads a free text of at most max characters.
func textParam(q url.Values, name string, max int) (string, error) {
	v := strings.TrimSpace(q.Get(name))
	if !utf8.ValidString(v) || utf8.RuneCountInString(v) > max {
		return "", badRequest(name, fmt.Sprintf("%s: at most %d characters of UTF-8 text", name, max),
			fmt.Sprintf("%s : au plus %d caractères de texte UTF-8", name, max))
	}
	return v, nil
}

// shopPoster reads a shop poster: the place typ/num (num without ".pdf")
// and its status now. Unknown or malformed ids are 404s, as for the API.
func (s *Server) shopPoster(ctx context.Context, c echo.Context, typ, num string, q url.Values) (poster, error) {
	id, err := geo.NewPlaceID(typ, num)
	if err != nil {
		return poster{}, problem(http.StatusNotFound, "id", "no such place: want /signs/shop/node|way|relation/<positive id>.pdf",
			"lieu inconnu : on attend /signs/shop/node|way|relation/<id positif>.pdf")
	}
	opts, err := posterOptions(q, c)
	if err != nil {
		return poster{}, err
	}
	doc, err := s.postersFor(c).Shop(ctx, id, &opts)
	if err != nil {
		return poster{}, err
	}
	return poster{doc, opts, "shop-" + string(id.Type) + "-" + strconv.FormatInt(id.ID, 10)}, nil
}

// padHostsOf returns the pad hosts a query may make a new pad on: all of
// the instance's, or the one named by pad_host.
func (s *Server) padHostsOf(q url.Values) ([]signs.PadHost, error) {
	hosts := s.posters.hosts
	name := q.Get("pad_host")
	if name == "" {
		return hosts, nil
	}
	for _, h := range hosts {
		if h.Name == name {
			return []signs.PadHost{h}, nil
		}
	}
	return nil, badRequest("pad_host", fmt.Sprintf("pad_host: unknown host %q", name), fmt.Sprintf("pad_host : hébergeur %q inconnu", name))
}

// newPad reads whether the query asks for a new pad (new_pad=1) and checks
// it does not also give one.
func newPad(q url.Values) (bool, error) {
	switch q.Get("new_pad") {
	case "", "0", "false":
		if q.Get("pad_seed") != "" {
			return false, badRequest("pad_seed", "pad_seed: only with new_pad=1", "pad_seed : seulement avec new_pad=1")
		}
		return false, nil
	case "1", "true", "on":
		if q.Get("pad") != "" {
			return false, badRequest("pad", "pad and new_pad: choose one", "pad et new_pad : choisissez l'un ou l'autre")
		}
		return true, nil
	}
	return false, badRequest("new_pad", "new_pad: want 1 or 0", "new_pad : on attend 1 ou 0")
}

// neighbourPoster reads a neighbour poster whose pad is given (pad=) or
// derived from a seed (new_pad=1&pad_seed=); a random new pad is the
// caller's to pick, once.
func (s *Server) neighbourPoster(c echo.Context, q url.Values) (poster, error) {
	title, err := textParam(q, "title", maxPosterTitle)
	if err != nil {
		return poster{}, err
	}
	if title == "" {
		return poster{}, posterProblem(signs.ErrTitle)
	}
	subtitle, err := textParam(q, "subtitle", maxPosterSubtitle)
	if err != nil {
		return poster{}, err
	}
	opts, err := posterOptions(q, c)
	if err != nil {
		return poster{}, err
	}
	// A hall poster is of no place: dated in the instance's time zone.
	opts.Now = s.now().In(s.cfg.Zone)
	isNew, err := newPad(q)
	if err != nil {
		return poster{}, err
	}
	link := strings.TrimSpace(q.Get("pad"))
	switch {
	case isNew && q.Get("pad_seed") != "":
		hosts, err := s.padHostsOf(q)
		if err != nil {
			return poster{}, err
		}
		if link, err = signs.StablePadURL(q.Get("pad_seed"), hosts); err != nil {
			return poster{}, posterProblem(err)
		}
	case isNew:
		return poster{}, errors.New("api: neighbour poster: random pad not picked")
	case link == "":
		return poster{}, badRequest("pad", "pad: give the pad's address, or new_pad=1", "pad : donnez l'adresse du pad, ou new_pad=1")
	}
	doc := signs.Neighbour{Title: title, Subtitle: subtitle, PadURL: link}
	if h, ok := signs.HostOf(link, s.posters.hosts); ok {
		doc.Host = h.Operator
	}
	return poster{doc, opts, "neighbour"}, nil
}

// pickPad makes a random pad link for a query asking new_pad=1 without a
// seed and returns the query with that pad instead, so the link is picked
// once and every later view (preview, download) shows the same pad.
func (s *Server) pickPad(q url.Values) (url.Values, error) {
	hosts, err := s.padHostsOf(q)
	if err != nil {
		return nil, err
	}
	link, err := signs.NewPadURL(rand.Reader, hosts)
	if err != nil {
		return nil, posterProblem(err)
	}
	out := url.Values{}
	for k, v := range q {
		out[k] = v
	}
	out.Del("new_pad")
	out.Del("pad_host")
	out.Set("pad", link)
	return out, nil
}

// floatParam reads a finite number.
func floatParam(q url.Values, name string) (float64, bool) {
	x, err := strconv.ParseFloat(strings.TrimSpace(q.Get(name)), 64)
	return x, err == nil && !math.IsNaN(x) && !math.IsInf(x, 0)
}

// areaPoster reads a neighbourhood sheet: lat, lon, radius (default 500 m),
// optional title, where and pad.
func (s *Server) areaPoster(ctx context.Context, c echo.Context, q url.Values) (poster, error) {
	lat, ok1 := floatParam(q, "lat")
	lon, ok2 := floatParam(q, "lon")
	if !ok1 || lat < -90 || lat > 90 {
		return poster{}, badRequest("lat", "lat: want degrees from -90 to 90", "lat : on attend des degrés de -90 à 90")
	}
	if !ok2 || lon < -180 || lon > 180 {
		return poster{}, badRequest("lon", "lon: want degrees from -180 to 180", "lon : on attend des degrés de -180 à 180")
	}
	radius := 500.0
	if q.Get("radius") != "" {
		r, ok := floatParam(q, "radius")
		if !ok || r < 1 || r > MaxAreaRadius {
			return poster{}, badRequest("radius", fmt.Sprintf("radius: want 1 to %d metres", MaxAreaRadius),
				fmt.Sprintf("radius : on attend de 1 à %d mètres", MaxAreaRadius))
		}
		radius = r
	}
	title, err := textParam(q, "title", maxPosterTitle)
	if err != nil {
		return poster{}, err
	}
	where, err := textParam(q, "where", maxPosterTitle)
	if err != nil {
		return poster{}, err
	}
	opts, err := posterOptions(q, c)
	if err != nil {
		return poster{}, err
	}
	doc, err := s.postersFor(c).Area(ctx, title, where, orb.Point{lon, lat}, radius, 0, strings.TrimSpace(q.Get("pad")), &opts)
	if err != nil {
		return poster{}, err
	}
	return poster{doc, opts, "area"}, nil
}

// sendPoster renders p into memory and sends it as an inline PDF.
func sendPoster(c echo.Context, p poster) error {
	var buf bytes.Buffer
	if err := signs.Render(&buf, p.doc, p.opts); err != nil {
		return posterProblem(err)
	}
	h := c.Response().Header()
	h.Set("Content-Disposition", `inline; filename="`+signs.FileName(p.what, p.opts)+`"`)
	// The status changes with every report: a poster is made fresh.
	h.Set("Cache-Control", "no-store")
	// The /signs form shows the PDF in a frame of its own origin.
	h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'self'")
	h.Set("X-Frame-Options", "SAMEORIGIN")
	return c.Blob(http.StatusOK, signs.ContentType, buf.Bytes())
}

// shopPDF answers GET /signs/shop/:type/:file (file is "{id}.pdf").
func (s *Server) shopPDF(c echo.Context) error {
	num, ok := strings.CutSuffix(c.Param("file"), ".pdf")
	if !ok {
		return problem(http.StatusNotFound, "id", "no such poster: want /signs/shop/{type}/{id}.pdf",
			"affiche inconnue : on attend /signs/shop/{type}/{id}.pdf")
	}
	p, err := s.shopPoster(c.Request().Context(), c, c.Param("type"), num, c.QueryParams())
	if err != nil {
		return err
	}
	return sendPoster(c, p)
}

// neighbourPDF answers GET /signs/neighbour.pdf. With new_pad=1 and no
// seed it picks a random pad and redirects (303) to the poster of that
// pad, so the link in the address bar prints the same pad again.
func (s *Server) neighbourPDF(c echo.Context) error {
	q := c.QueryParams()
	isNew, err := newPad(q)
	if err != nil {
		return err
	}
	if isNew && q.Get("pad_seed") == "" {
		// Check the rest first: a bad title is told before a pad
		// is made for nothing.
		probe := url.Values{}
		for k, v := range q {
			probe[k] = v
		}
		probe.Del("new_pad")
		probe.Set("pad", "https://pad.invalid/p/probe")
		if _, err := s.neighbourPoster(c, probe); err != nil {
			return err
		}
		picked, err := s.pickPad(q)
		if err != nil {
			return err
		}
		return c.Redirect(http.StatusSeeOther, "/signs/neighbour.pdf?"+picked.Encode())
	}
	p, err := s.neighbourPoster(c, q)
	if err != nil {
		return err
	}
	return sendPoster(c, p)
}

// areaPDF answers GET /signs/area.pdf.
func (s *Server) areaPDF(c echo.Context) error {
	p, err := s.areaPoster(c.Request().Context(), c, c.QueryParams())
	if err != nil {
		return err
	}
	return sendPoster(c, p)
}
