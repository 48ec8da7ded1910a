package osmsync

import (
	"context"
	"errors"
	"math"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/osm"
	"golang.org/x/oauth2"

	"codeberg.org/openmap/openmap/geo"
	"codeberg.org/openmap/openmap/internal/osmsync/osmfake"
)

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"0", 0},
		{"120", 2 * time.Minute},
		{"Tue, 01 Dec 2026 10:00:30 GMT", 30 * time.Second},
		{"Tue, 01 Dec 2026 09:00:00 GMT", 0}, // in the past
		{"soon", 0},
		{"-5", 0},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			if got := retryAfter(tc.in, now); got != tc.want {
				t.Errorf("retryAfter(%q) = %v, want %v", tc.in, got, tc.want)
			}
		})
	}
}

// TestClientRetries: which answers are retried, how often, with what wait.
func TestClientRetries(t *testing.T) {
	tests := []struct {
		name     string
		fault    osmfake.Fault
		call     func(c *Client) error
		wantErr  error
		wantHits int // requests the fake received
		wantWait []time.Duration
	}{
		{name: "GET 500 four times then fine", fault: osmfake.Fault{Path: "/node/1", Status: 500, Times: 4},
			call: getNode1, wantHits: 5},
		{name: "GET 500 five times: gives up after 4 retries", fault: osmfake.Fault{Path: "/node/1", Status: 500, Times: 5},
			call: getNode1, wantErr: ErrServer, wantHits: 5},
		{name: "GET 429 with Retry-After 3", fault: osmfake.Fault{Path: "/node/1", Status: 429, RetryAfter: "3"},
			call: getNode1, wantHits: 2, wantWait: []time.Duration{3 * time.Second}},
		{name: "GET 429 Retry-After above MaxBackoff: no wait, ErrRateLimited", fault: osmfake.Fault{Path: "/node/1", Status: 429, RetryAfter: "3600"},
			call: getNode1, wantErr: ErrRateLimited, wantHits: 1},
		{name: "GET 404 is not retried", fault: osmfake.Fault{Path: "/node/1", Status: 404},
			call: getNode1, wantErr: ErrNotFound, wantHits: 1},
		{name: "GET 410 is ErrGone", fault: osmfake.Fault{Path: "/node/1", Status: 410},
			call: getNode1, wantErr: ErrGone, wantHits: 1},
		{name: "changeset create 500 is not retried (not idempotent)", fault: osmfake.Fault{Path: "/changeset/create", Status: 500},
			call: func(c *Client) error {
				_, err := c.CreateChangeset(context.Background(), map[string]string{"comment": "x"})
				return err
			}, wantErr: ErrServer, wantHits: 1},
		{name: "upload 412 is ErrPrecondition, not retried", fault: osmfake.Fault{Path: "/changeset/1/upload", Status: 412},
			call: func(c *Client) error {
				_, err := c.Upload(context.Background(), 1, nil)
				return err
			}, wantErr: ErrPrecondition, wantHits: 1},
		{name: "close 409 is ErrConflict", fault: osmfake.Fault{Path: "/changeset/1/close", Status: 409},
			call:    func(c *Client) error { return c.CloseChangeset(context.Background(), 1) },
			wantErr: ErrConflict, wantHits: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := osmfake.New()
			defer f.Close()
			f.Add(node(1, 1, 7.42, 43.73, "shop", "bakery"))
			f.Fail(tc.fault)
			var mu sync.Mutex
			var waits []time.Duration
			c := fakeClient(t, f.URL, f.Token(), func(_ context.Context, d time.Duration) error {
				mu.Lock()
				waits = append(waits, d)
				mu.Unlock()
				return nil
			})
			err := tc.call(c)
			if tc.wantErr == nil && err != nil || tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
				t.Fatalf("error %v, want %v", err, tc.wantErr)
			}
			if n := len(f.Requests()); n != tc.wantHits {
				t.Errorf("%d requests, want %d: %v", n, tc.wantHits, f.Requests())
			}
			if tc.wantWait != nil && (len(waits) != len(tc.wantWait) || waits[0] != tc.wantWait[0]) {
				t.Errorf("waits %v, want %v", waits, tc.wantWait)
			}
			for _, w := range waits {
				if w > 10*time.Second {
					t.Errorf("waited %v, above MaxBackoff", w)
				}
			}
		})
	}
}

func getNode1(c *Client) error {
	_, err := c.Element(context.Background(), pid(geo.Node, 1))
	return err
}

// TestClientTimeout: a server that does not answer is cut off by the
// per-attempt timeout, and the caller's context stops the retries.
func TestClientTimeout(t *testing.T) {
	block := make(chan struct{})
	srv := osmfake.New()
	defer srv.Close()
	srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-block })
	defer close(block)
	c, err := NewClient(ClientConfig{Server: Server{API: srv.URL}, UserAgent: "t", Timeout: 50 * time.Millisecond, Retries: 2, Sleep: noSleep})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = c.Element(context.Background(), pid(geo.Node, 1))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error %v, want a deadline", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v", d)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.Element(ctx, pid(geo.Node, 1)); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: %v", err)
	}
}

func TestNewClientChecks(t *testing.T) {
	if _, err := NewClient(ClientConfig{UserAgent: ""}); err == nil {
		t.Error("no User-Agent accepted")
	}
	if _, err := NewClient(ClientConfig{Server: Server{API: "ftp://x"}, UserAgent: "t"}); err == nil {
		t.Error("ftp URL accepted")
	}
	c, err := NewClient(ClientConfig{UserAgent: "t"})
	if err != nil || c.base != "https://api.openstreetmap.org/api/0.6" {
		t.Errorf("default base %q %v, want production", c.base, err)
	}
}

// TestOAuthLogin runs the authorization code + PKCE flow against the fake:
// the authorization URL, the redirect with code and state, the exchange
// with the verifier, and the display name from /user/details.
func TestOAuthLogin(t *testing.T) {
	f := osmfake.New()
	defer f.Close()
	srv := Server{API: f.URL, Web: f.URL}
	cfg, err := OAuthConfig(srv, f.ClientID, "", "https://openmap.example/mapper/callback")
	if err != nil {
		t.Fatal(err)
	}
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	authorize := func(l Login) url.Values {
		t.Helper()
		resp, err := noRedirect.Get(l.URL)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusFound {
			t.Fatalf("authorize: %s", resp.Status)
		}
		loc, _ := url.Parse(resp.Header.Get("Location"))
		if !strings.HasPrefix(loc.String(), "https://openmap.example/mapper/callback?") {
			t.Fatalf("redirected to %v", loc)
		}
		return loc.Query()
	}
	ctx := context.Background()

	l, err := StartLogin(cfg)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(l.URL)
	q := u.Query()
	if q.Get("scope") != "read_prefs write_api write_notes" || q.Get("code_challenge_method") != "S256" || q.Get("state") != l.State ||
		strings.Contains(l.URL, l.Verifier) {
		t.Fatalf("authorization URL %s", l.URL)
	}
	cb := authorize(l)
	tok, err := FinishLogin(ctx, cfg, l, cb)
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewClient(ClientConfig{Server: srv, Token: oauth2.StaticTokenSource(tok), UserAgent: "t"})
	if err != nil {
		t.Fatal(err)
	}
	user, err := c.UserDetails(ctx)
	if err != nil || user.DisplayName != "Fake Mapper" || user.ID != 1 {
		t.Fatalf("user %+v %v", user, err)
	}

	// a code is good once
	if _, err := FinishLogin(ctx, cfg, l, cb); err == nil {
		t.Error("a code was exchanged twice")
	}
	// a forged callback (other state) is refused before any exchange
	l2, _ := StartLogin(cfg)
	cb2 := authorize(l2)
	cb2.Set("state", "forged")
	if _, err := FinishLogin(ctx, cfg, l2, cb2); !errors.Is(err, ErrLoginState) {
		t.Errorf("forged state: %v", err)
	}
	// the wrong PKCE verifier is refused by the token endpoint
	l3, _ := StartLogin(cfg)
	cb3 := authorize(l3)
	l3.Verifier = oauth2.GenerateVerifier()
	if _, err := FinishLogin(ctx, cfg, l3, cb3); err == nil || !strings.Contains(err.Error(), "invalid_grant") {
		t.Errorf("wrong verifier: %v", err)
	}
	// the mapper said no
	if _, err := FinishLogin(ctx, cfg, l3, url.Values{"error": {"access_denied"}, "state": {l3.State}}); err == nil {
		t.Error("a refusal was accepted")
	}
	// a bad token gets ErrUnauthorized
	bad, _ := NewClient(ClientConfig{Server: srv, Token: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "nope"}), UserAgent: "t"})
	if _, err := bad.UserDetails(ctx); !errors.Is(err, ErrUnauthorized) {
		t.Errorf("bad token: %v", err)
	}
}

func TestOAuthConfig(t *testing.T) {
	cfg, err := OAuthConfig(Server{}, "id", "secret", "https://x.example/cb")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Endpoint.AuthURL != "https://www.openstreetmap.org/oauth2/authorize" || cfg.Endpoint.TokenURL != "https://www.openstreetmap.org/oauth2/token" {
		t.Errorf("endpoints %+v, want production", cfg.Endpoint)
	}
	dev, _ := OAuthConfig(Dev, "id", "", "https://x.example/cb")
	if !strings.HasPrefix(dev.Endpoint.AuthURL, "https://master.apis.dev.openstreetmap.org/") {
		t.Errorf("dev endpoints %+v", dev.Endpoint)
	}
	for _, bad := range [][2]string{{"", "https://x.example/cb"}, {"id", "not a url"}} {
		if _, err := OAuthConfig(Server{}, bad[0], "", bad[1]); err == nil {
			t.Errorf("OAuthConfig(%q, %q) accepted", bad[0], bad[1])
		}
	}
}

// TestElementDistance: the move test against a node, a closed way (inside
// is 0) and an open way.
func TestElementDistance(t *testing.T) {
	f, c := newFake(t)
	f.Add(node(1, 1, 7.42, 43.73))
	square(f, 2, 1, 7.43, 43.74)
	ctx := context.Background()
	n, err := c.Element(ctx, pid(geo.Node, 1))
	if err != nil {
		t.Fatal(err)
	}
	w, err := c.Element(ctx, pid(geo.Way, 2))
	if err != nil {
		t.Fatal(err)
	}
	if len(w.Points) != 5 || w.Version() != 1 {
		t.Fatalf("way with %d points v%d", len(w.Points), w.Version())
	}
	tests := []struct {
		name string
		el   *Element
		p    [2]float64
		want float64 // metres, ±2 %
	}{
		{"node itself", n, [2]float64{7.42, 43.73}, 0},
		{"100 m north of the node", n, [2]float64{7.42, 43.73 + 100.0/111320}, 100},
		{"inside the square", w, [2]float64{7.4301, 43.7401}, 0},
		{"centre of the square", w, [2]float64{7.43, 43.74}, 0},
		{"100 m north of the square's edge", w, [2]float64{7.43, 43.7402 + 100.0/111320}, 100},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.el.DistanceM(pt(tc.p[0], tc.p[1]))
			if math.Abs(got-tc.want) > 0.02*tc.want+0.01 {
				t.Errorf("DistanceM = %.2f, want %.2f", got, tc.want)
			}
		})
	}
}

// TestRelationElement: a multipolygon's /full answer gives its member ways'
// nodes; a point inside is not moved, one 200 m off is.
func TestRelationElement(t *testing.T) {
	f, c := newFake(t)
	w := square(f, 5, 1, 7.44, 43.75)
	f.Add(&osm.Relation{ID: 9, Version: 3, Visible: true, ChangesetID: 7, Timestamp: t0,
		Tags:    osm.Tags{{Key: "type", Value: "multipolygon"}, {Key: "amenity", Value: "townhall"}},
		Members: osm.Members{{Type: osm.TypeWay, Ref: int64(w.ID), Role: "outer"}}})
	el, err := c.Element(context.Background(), pid(geo.Relation, 9))
	if err != nil {
		t.Fatal(err)
	}
	if len(el.Points) != 5 || el.Version() != 3 || el.Tags()["amenity"] != "townhall" {
		t.Fatalf("relation %+v", el)
	}
	if d := el.DistanceM(pt(7.44, 43.75)); d != 0 {
		t.Errorf("inside: %v m", d)
	}
	if d := el.DistanceM(pt(7.44, 43.7502+200.0/111320)); d < 190 || d > 210 {
		t.Errorf("200 m off: %v m", d)
	}
	up := el.WithTags(map[string]string{"type": "multipolygon", "amenity": "townhall", "check_date": "2026-12-01"}, 55).(*osm.Relation)
	if len(up.Members) != 1 || up.Members[0].Ref != int64(w.ID) || up.Members[0].Role != "outer" || up.ChangesetID != 55 || up.Version != 3 {
		t.Errorf("WithTags %+v", up)
	}
}
