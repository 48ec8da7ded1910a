package api

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
)

// secure sets the security headers on every response. The pages' CSP
// allows no inline script or style, and images only from this origin,
// data: URLs and the tile server; the API's allows nothing.
func (s *Server) secure(next echo.HandlerFunc) echo.HandlerFunc {
	// The values are shared by every response, as one-element slices
	// with no room to append in place: a later Set or Add on the same
	// header replaces or copies them (keys are in canonical form).
	headers := [][2]string{
		{"Content-Security-Policy", s.csp},
		{"X-Content-Type-Options", "nosniff"},
		{"X-Frame-Options", "DENY"},
		{"Referrer-Policy", "same-origin"},
		{"Cross-Origin-Opener-Policy", "same-origin"},
		{"Permissions-Policy", "geolocation=(self), camera=(), microphone=(), interest-cohort=()"},
	}
	// JSON, CSV and text of the API are no documents: nothing may load
	// from them or frame them.
	api := [][2]string{
		{"Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"},
		{"X-Content-Type-Options", "nosniff"},
		{"X-Frame-Options", "DENY"},
		{"Referrer-Policy", "no-referrer"},
	}
	shared := func(hs [][2]string) [][]string {
		values := make([][]string, len(hs))
		for i, kv := range hs {
			values[i] = []string{kv[1]}[:1:1]
		}
		return values
	}
	values, apiValues := shared(headers), shared(api)
	return func(c echo.Context) error {
		h := c.Response().Header()
		hs, vs := headers, values
		if strings.HasPrefix(c.Request().URL.Path, "/api/") {
			hs, vs = api, apiValues
		}
		for i, kv := range hs {
			h[kv[0]] = vs[i]
		}
		return next(c)
	}
}

// observe writes the access log line and the metrics of a request. The log
// holds the method, the route, the path (never the query string, which may
// hold a position), the status, the size and the duration — no IP address,
// no header.
func (s *Server) observe(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			c.Error(err)
		}
		if c.Request().Context().Value(pageClientKey{}) != nil {
			// A page's own call to the API (LoopbackSource): the page's
			// request is the one counted and logged.
			return nil
		}
		d := time.Since(start)
		route := c.Path()
		if route == "" {
			route = "unmatched"
		}
		status := c.Response().Status
		s.metrics.observe(c.Request().Method, route, status, d)
		s.log.LogAttrs(c.Request().Context(), slog.LevelInfo, "http", slog.String("method", c.Request().Method),
			slog.String("route", route), slog.String("path", c.Request().URL.Path), slog.Int("status", status),
			slog.Int64("bytes", c.Response().Size), slog.Float64("duration_ms", float64(d.Microseconds())/1000))
		return nil
	}
}

// limitBody rejects bodies larger than MaxBodyBytes with 413, whether they
// announce their length or not.
func (s *Server) limitBody(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		if req.ContentLength > s.cfg.MaxBodyBytes {
			return echo.ErrStatusRequestEntityTooLarge
		}
		if req.Body != nil {
			req.Body = http.MaxBytesReader(c.Response(), req.Body, s.cfg.MaxBodyBytes)
		}
		return next(c)
	}
}

// limitReads applies the per-IP limit of reads.
func (s *Server) limitReads(next echo.HandlerFunc) echo.HandlerFunc {
	return s.limitBy(s.limRead, "read", next)
}

// limitReports applies the per-IP limit of report posts.
func (s *Server) limitReports(next echo.HandlerFunc) echo.HandlerFunc {
	return s.limitBy(s.limRep, "report", next)
}

func (s *Server) limitBy(l *limiter, kind string, next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if ok, wait := l.allow(c.RealIP()); !ok {
			s.metrics.limited(kind)
			return tooMany(wait)
		}
		return next(c)
	}
}

func tooMany(wait int) *Problem {
	p := problem(http.StatusTooManyRequests, "", "too many requests: try again later", "trop de requêtes : réessayez plus tard")
	p.retryAfter = wait
	return p
}

// writeJSONBody encodes v as JSON; <, > and & are escaped (\u003c…) so a
// stored payload stays inert even if a page ever inlines the JSON.
func writeJSONBody(w io.Writer, v any) error {
	return withJSON(v, func(b []byte) error {
		_, err := w.Write(b)
		return err
	})
}

// sendJSON writes v as JSON with status code (escaped as by writeJSONBody).
func sendJSON(c echo.Context, code int, v any) error {
	// Blob copies the bytes out before it returns.
	return withJSON(v, func(b []byte) error { return c.Blob(code, echo.MIMEApplicationJSON, b) })
}

// withJSON encodes v, HTML characters escaped, into a pooled buffer and
// hands the bytes to write, which must not keep them.
func withJSON(v any, write func([]byte) error) error {
	buf := jsonBufs.Get().(*bytes.Buffer)
	defer func() {
		if buf.Cap() <= maxPooledJSON {
			buf.Reset()
			jsonBufs.Put(buf)
		}
	}()
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(true)
	if err := enc.Encode(v); err != nil {
		return err
	}
	return write(buf.Bytes())
}

// jsonBufs holds the buffers of withJSON; those grown past maxPooledJSON
// (an export) are left to the collector.
var jsonBufs = sync.Pool{New: func() any { return new(bytes.Buffer) }}

const maxPooledJSON = 64 << 10
