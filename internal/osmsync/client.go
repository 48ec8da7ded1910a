package osmsync

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/osm"
	"golang.org/x/oauth2"

	"codeberg.org/openmap/openmap/geo"
)

// Server is an OSM instance: the API host and the web host (where the OAuth 2
// authorization page lives). Production keeps them apart; the dev server has
// one host.
type Server struct {
	API string // e.g. https://api.openstreetmap.org (no trailing slash, no /api/0.6)
	Web string // e.g. https://www.openstreetmap.org
}

// The OSM servers. Production is the default; Dev is the test server where
// mappers can try an upload without touching the real map.
var (
	Production = Server{API: "https://api.openstreetmap.org", Web: "https://www.openstreetmap.org"}
	Dev        = Server{API: "https://master.apis.dev.openstreetmap.org", Web: "https://master.apis.dev.openstreetmap.org"}
)

// ClientConfig configures a Client. Zero fields take the defaults.
type ClientConfig struct {
	// Server is the OSM instance; Production when API is empty.
	Server Server
	// Token authorizes writes (changesets, uploads, notes) and user details;
	// nil for a read-only client.
	Token oauth2.TokenSource
	// HTTP is the base client (its Transport is wrapped with the token);
	// http.DefaultClient's transport when nil.
	HTTP *http.Client
	// UserAgent identifies openmap to the OSM operations team
	// ("openmap/<version>"); required by the OSM API usage policy.
	UserAgent string
	// Timeout bounds each attempt of a request (default 60 s).
	Timeout time.Duration
	// Retries is how many times a retryable answer is retried (default 4).
	Retries int
	// MinBackoff and MaxBackoff bound the wait between attempts (defaults
	// 1 s and 2 min). A Retry-After longer than MaxBackoff is not waited
	// for: the call fails with ErrRateLimited and the server's wait.
	MinBackoff, MaxBackoff time.Duration
	// Sleep waits d or until ctx is done; tests replace it. Nil uses a timer.
	Sleep func(ctx context.Context, d time.Duration) error
	// Log receives one line per retried request; nil discards.
	Log *slog.Logger
}

// Client speaks OSM API 0.6. It is safe for concurrent use.
type Client struct {
	cfg  ClientConfig
	http *http.Client
	base string // Server.API + "/api/0.6"
}

// NewClient checks cfg and returns a client.
func NewClient(cfg ClientConfig) (*Client, error) {
	if cfg.Server.API == "" {
		cfg.Server = Production
	}
	u, err := url.Parse(cfg.Server.API)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("osmsync: new client: bad API URL %q", cfg.Server.API)
	}
	if cfg.UserAgent == "" {
		return nil, errors.New("osmsync: new client: a User-Agent is required by the OSM API usage policy")
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 60 * time.Second
	}
	if cfg.Retries <= 0 {
		cfg.Retries = 4
	}
	if cfg.MinBackoff <= 0 {
		cfg.MinBackoff = time.Second
	}
	if cfg.MaxBackoff <= 0 {
		cfg.MaxBackoff = 2 * time.Minute
	}
	if cfg.Sleep == nil {
		cfg.Sleep = sleep
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	base := cfg.HTTP
	if base == nil {
		base = http.DefaultClient
	}
	hc := &http.Client{Transport: base.Transport, CheckRedirect: base.CheckRedirect, Jar: base.Jar}
	if cfg.Token != nil {
		hc.Transport = &oauth2.Transport{Source: cfg.Token, Base: base.Transport}
	}
	return &Client{cfg: cfg, http: hc, base: strings.TrimRight(cfg.Server.API, "/") + "/api/0.6"}, nil
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// request is one API call.
type request struct {
	op     string
	method string
	path   string // under /api/0.6
	query  url.Values
	body   []byte
	// idempotent requests are retried on 5xx answers and network errors
	// too; the others only on 429 and 503, the answers that say the request
	// was not processed. An upload is never blindly repeated: the uploader
	// checks the changeset first.
	idempotent bool
}

// do sends r with retries and returns the body of a 2xx answer.
func (c *Client) do(ctx context.Context, r request) ([]byte, error) {
	backoff := c.cfg.MinBackoff
	for attempt := 0; ; attempt++ {
		body, wait, err := c.once(ctx, r)
		if err == nil {
			return body, nil
		}
		if ctx.Err() != nil || attempt >= c.cfg.Retries || !retryable(r, err) {
			return nil, err
		}
		if wait <= 0 {
			// full jitter, so that several mappers' uploads do not retry in step
			wait = backoff/2 + rand.N(backoff/2+1)
			backoff = min(2*backoff, c.cfg.MaxBackoff)
		}
		if wait > c.cfg.MaxBackoff {
			return nil, err
		}
		c.cfg.Log.Info("osm api retry", "op", r.op, "attempt", attempt+1, "wait", wait.String(), "err", err.Error())
		if err := c.cfg.Sleep(ctx, wait); err != nil {
			return nil, fmt.Errorf("osm api: %s: %w", r.op, err)
		}
	}
}

func retryable(r request, err error) bool {
	var ae *APIError
	if errors.As(err, &ae) {
		switch {
		case ae.StatusCode == http.StatusTooManyRequests, ae.StatusCode == http.StatusServiceUnavailable:
			return true
		case ae.StatusCode >= 500:
			return r.idempotent
		}
		return false
	}
	return r.idempotent // network error or timeout
}

// once sends r once. wait is the server's Retry-After, if any.
func (c *Client) once(ctx context.Context, r request) (body []byte, wait time.Duration, err error) {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	u := c.base + r.path
	if len(r.query) > 0 {
		u += "?" + r.query.Encode()
	}
	var rd io.Reader
	if r.body != nil {
		rd = bytes.NewReader(r.body)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, u, rd)
	if err != nil {
		return nil, 0, fmt.Errorf("osm api: %s: %w", r.op, err)
	}
	req.Header.Set("User-Agent", c.cfg.UserAgent)
	if r.body != nil {
		req.Header.Set("Content-Type", "text/xml; charset=utf-8")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, 0, fmt.Errorf("osm api: %s: %w", r.op, err)
	}
	defer resp.Body.Close()
	// 32 MiB is far above any element, changeset or diff result openmap asks for.
	body, err = io.ReadAll(io.LimitReader(resp.Body, 32<<20))
	if err != nil {
		return nil, 0, fmt.Errorf("osm api: %s: read answer: %w", r.op, err)
	}
	if resp.StatusCode/100 == 2 {
		return body, 0, nil
	}
	msg := resp.Header.Get("Error")
	if msg == "" {
		msg = strings.TrimSpace(string(body))
		if len(msg) > 500 {
			msg = msg[:500]
		}
	}
	ae := &APIError{Op: r.op, StatusCode: resp.StatusCode, Message: msg, RetryAfter: retryAfter(resp.Header.Get("Retry-After"), time.Now())}
	return nil, ae.RetryAfter, ae
}

// retryAfter reads a Retry-After header: seconds or an HTTP date.
func retryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// Server is the OSM instance the client speaks to.
func (c *Client) Server() Server { return c.cfg.Server }

// Element fetches the current version of an element. Ways and relations
// come with their members' nodes (the /full call), so Element.Geometry can
// tell whether the place moved. A deleted element is ErrGone.
func (c *Client) Element(ctx context.Context, id geo.PlaceID) (*Element, error) {
	path := "/" + string(id.Type) + "/" + strconv.FormatInt(id.ID, 10)
	if id.Type != geo.Node {
		path += "/full"
	}
	body, err := c.do(ctx, request{op: "get " + id.String(), method: http.MethodGet, path: path, idempotent: true})
	if err != nil {
		return nil, err
	}
	var o osm.OSM
	if err := xml.Unmarshal(body, &o); err != nil {
		return nil, fmt.Errorf("osm api: get %v: decode: %w", id, err)
	}
	return elementFrom(id, &o)
}

// CreateChangeset opens a changeset with tags and returns its id.
func (c *Client) CreateChangeset(ctx context.Context, tags map[string]string) (int64, error) {
	body, err := xml.Marshal(struct {
		XMLName   xml.Name `xml:"osm"`
		Changeset changesetTags
	}{Changeset: changesetTags{Tags: tagsOf(tags)}})
	if err != nil {
		return 0, fmt.Errorf("osm api: create changeset: %w", err)
	}
	out, err := c.do(ctx, request{op: "create changeset", method: http.MethodPut, path: "/changeset/create", body: body})
	if err != nil {
		return 0, err
	}
	id, err := strconv.ParseInt(strings.TrimSpace(string(out)), 10, 64)
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("osm api: create changeset: bad id %q", out)
	}
	return id, nil
}

type changesetTags struct {
	XMLName xml.Name `xml:"changeset"`
	Tags    osm.Tags `xml:"tag"`
}

// DiffResult is the API's answer to an upload: the new version of each
// element.
type DiffResult struct {
	Elements []DiffResultElement
}

// DiffResultElement is one element of a DiffResult.
type DiffResultElement struct {
	ID         geo.PlaceID // the id sent (negative for a creation)
	NewID      int64       // the id in OSM
	NewVersion int
}

// Upload sends an osmChange to an open changeset. The API applies it whole
// or not at all. Only 429 and 503 are retried: after a timeout or another
// 5xx the caller cannot know whether it was applied and must look at the
// changeset (ChangesetDownload) before trying again.
func (c *Client) Upload(ctx context.Context, changeset int64, change *osm.Change) (DiffResult, error) {
	body, err := xml.Marshal(change)
	if err != nil {
		return DiffResult{}, fmt.Errorf("osm api: upload changeset %d: encode: %w", changeset, err)
	}
	op := fmt.Sprintf("upload changeset %d", changeset)
	out, err := c.do(ctx, request{op: op, method: http.MethodPost, path: fmt.Sprintf("/changeset/%d/upload", changeset), body: body})
	if err != nil {
		return DiffResult{}, err
	}
	var dr struct {
		Items []struct {
			XMLName    xml.Name
			OldID      int64 `xml:"old_id,attr"`
			NewID      int64 `xml:"new_id,attr"`
			NewVersion int   `xml:"new_version,attr"`
		} `xml:",any"`
	}
	if err := xml.Unmarshal(out, &dr); err != nil {
		return DiffResult{}, fmt.Errorf("osm api: %s: decode diff result: %w", op, err)
	}
	var res DiffResult
	for _, it := range dr.Items {
		res.Elements = append(res.Elements, DiffResultElement{
			ID: geo.PlaceID{Type: geo.ElementType(it.XMLName.Local), ID: it.OldID}, NewID: it.NewID, NewVersion: it.NewVersion})
	}
	return res, nil
}

// CloseChangeset closes a changeset. Closing one already closed is
// ErrConflict.
func (c *Client) CloseChangeset(ctx context.Context, changeset int64) error {
	_, err := c.do(ctx, request{op: fmt.Sprintf("close changeset %d", changeset), method: http.MethodPut,
		path: fmt.Sprintf("/changeset/%d/close", changeset), idempotent: true})
	return err
}

// Changeset fetches a changeset's metadata (open or not, tags).
func (c *Client) Changeset(ctx context.Context, changeset int64) (*osm.Changeset, error) {
	op := fmt.Sprintf("get changeset %d", changeset)
	body, err := c.do(ctx, request{op: op, method: http.MethodGet, path: fmt.Sprintf("/changeset/%d", changeset), idempotent: true})
	if err != nil {
		return nil, err
	}
	var o osm.OSM
	if err := xml.Unmarshal(body, &o); err != nil || len(o.Changesets) != 1 {
		return nil, fmt.Errorf("osm api: %s: decode: %v", op, err)
	}
	return o.Changesets[0], nil
}

// ChangesetDownload fetches what a changeset changed, as an osmChange.
func (c *Client) ChangesetDownload(ctx context.Context, changeset int64) (*osm.Change, error) {
	op := fmt.Sprintf("download changeset %d", changeset)
	body, err := c.do(ctx, request{op: op, method: http.MethodGet, path: fmt.Sprintf("/changeset/%d/download", changeset), idempotent: true})
	if err != nil {
		return nil, err
	}
	var ch osm.Change
	if err := xml.Unmarshal(body, &ch); err != nil {
		return nil, fmt.Errorf("osm api: %s: decode: %w", op, err)
	}
	return &ch, nil
}

// CreateNote opens a note at (lon, lat) and returns its id. It is not
// retried on 5xx: the caller looks for the note (Notes) before trying again.
func (c *Client) CreateNote(ctx context.Context, lon, lat float64, text string) (int64, error) {
	q := url.Values{"lat": {strconv.FormatFloat(lat, 'f', 7, 64)}, "lon": {strconv.FormatFloat(lon, 'f', 7, 64)}, "text": {text}}
	body, err := c.do(ctx, request{op: "create note", method: http.MethodPost, path: "/notes", query: q})
	if err != nil {
		return 0, err
	}
	var o osm.OSM
	if err := xml.Unmarshal(body, &o); err != nil || len(o.Notes) != 1 {
		return 0, fmt.Errorf("osm api: create note: decode: %v", err)
	}
	return int64(o.Notes[0].ID), nil
}

// Notes returns the notes (open and closed) in a small box around (lon,
// lat), with their comments.
func (c *Client) Notes(ctx context.Context, lon, lat, radiusDeg float64) ([]*osm.Note, error) {
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', 7, 64) }
	q := url.Values{"bbox": {f(lon-radiusDeg) + "," + f(lat-radiusDeg) + "," + f(lon+radiusDeg) + "," + f(lat+radiusDeg)}, "closed": {"-1"}}
	body, err := c.do(ctx, request{op: "get notes", method: http.MethodGet, path: "/notes", query: q, idempotent: true})
	if err != nil {
		return nil, err
	}
	var o osm.OSM
	if err := xml.Unmarshal(body, &o); err != nil {
		return nil, fmt.Errorf("osm api: get notes: decode: %w", err)
	}
	return o.Notes, nil
}

// User is the OSM account a token belongs to.
type User struct {
	ID          int64
	DisplayName string
}

// UserDetails returns the account of the client's token.
func (c *Client) UserDetails(ctx context.Context) (User, error) {
	body, err := c.do(ctx, request{op: "get user details", method: http.MethodGet, path: "/user/details", idempotent: true})
	if err != nil {
		return User{}, err
	}
	var o osm.OSM
	if err := xml.Unmarshal(body, &o); err != nil || len(o.Users) != 1 {
		return User{}, fmt.Errorf("osm api: get user details: decode: %v", err)
	}
	return User{ID: int64(o.Users[0].ID), DisplayName: o.Users[0].Name}, nil
}

func tagsOf(m map[string]string) osm.Tags {
	ts := make(osm.Tags, 0, len(m))
	for k, v := range m {
		ts = append(ts, osm.Tag{Key: k, Value: v})
	}
	ts.SortByKeyValue()
	return ts
}
