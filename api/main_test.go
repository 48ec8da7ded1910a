package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"codeberg.org/openmap/openmap/geo"
	"codeberg.org/openmap/openmap/importer"
	"codeberg.org/openmap/openmap/internal/store"
	"github.com/labstack/echo/v4"
)

// The extract every test serves: Monaco and the French border, 2016.
var fixtures = []string{
	"../testdata/monaco-and-french-border-2016-03-04.osm.pbf",
	"../../shared/data/osm/monaco-and-french-border-2016-03-04.osm.pbf",
}

// Client IPs and contributor keys used by the tests: the privacy check
// greps the databases and the logs for them after the whole suite.
const (
	ipDirect    = "198.51.100.23"
	ipForwarded = "203.0.113.77"
	keyA        = "KeyAlpha_0123456789abcdefXYZ"
	keyB        = "KeyBravo-0123456789abcdefXYZ"
	keyC        = "KeyCharlie0123456789abcdefXYZ"
)

var (
	baseDB string // imported once, copied for each test

	suiteMu   sync.Mutex
	suiteLogs bytes.Buffer // every log line every test server wrote
	suiteDBs  []string     // every database a test wrote to
	suiteKeys = map[string]bool{keyA: true, keyB: true, keyC: true}
	// suiteAddrs are the contributors' addresses (keyAddr).
	suiteAddrs = map[string]bool{}
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "openmap-api-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := func() int {
		defer os.RemoveAll(dir)
		fixture := ""
		for _, f := range fixtures {
			if _, err := os.Stat(f); err == nil {
				fixture = f
				break
			}
		}
		if fixture == "" {
			fmt.Fprintln(os.Stderr, "api tests: the Monaco extract is missing (testdata/ or ../shared/data/osm/)")
			return 1
		}
		baseDB = filepath.Join(dir, "base.db")
		ctx := context.Background()
		st, err := store.Open(ctx, baseDB)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		if _, err := importer.Import(ctx, st, "", []string{fixture}, importer.Options{}); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		if err := st.Close(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		code := m.Run()
		if code != 0 {
			return code
		}
		// Privacy: no client IP and no raw contributor key in any
		// database, WAL or log line the suite produced.
		if leaks := privacyLeaks(); len(leaks) > 0 {
			fmt.Fprintln(os.Stderr, "PRIVACY LEAK:", strings.Join(leaks, "; "))
			return 1
		}
		return 0
	}()
	os.Exit(code)
}

// keyAddr is the test address of the contributor with key: an IPv6
// address of the documentation prefix, its /64 drawn from the key. The
// privacy check greps for it.
func keyAddr(key string) string {
	h := fnv.New64a()
	h.Write([]byte(key))
	v := h.Sum64()
	a := fmt.Sprintf("2001:db8:%x:%x::7", uint16(v>>16), uint16(v))
	suiteMu.Lock()
	suiteAddrs[a] = true
	suiteMu.Unlock()
	return a
}

// privacyLeaks greps the suite's databases (with their -wal and -shm) and
// logs for the test IPs and keys.
func privacyLeaks() []string {
	suiteMu.Lock()
	defer suiteMu.Unlock()
	needles := []string{ipDirect, ipForwarded}
	for k := range suiteKeys {
		needles = append(needles, k)
	}
	for a := range suiteAddrs {
		needles = append(needles, a)
	}
	var leaks []string
	check := func(name string, data []byte) {
		for _, n := range needles {
			if bytes.Contains(data, []byte(n)) {
				leaks = append(leaks, fmt.Sprintf("%q found in %s", n, name))
			}
		}
	}
	check("the logs", suiteLogs.Bytes())
	read := 0
	for _, db := range suiteDBs {
		for _, f := range []string{db, db + "-wal", db + "-shm"} {
			if data, err := os.ReadFile(f); err == nil {
				check(f, data)
				read++
			}
		}
	}
	if len(suiteDBs) > 0 && read == 0 {
		leaks = append(leaks, "nothing to check: no database or log was kept")
	}
	return leaks
}

// TestPrivacyCheckFindsLeaks proves the final grep can fail: a planted key
// in a database-like file and in the logs is found.
func TestPrivacyCheckFindsLeaks(t *testing.T) {
	f := filepath.Join(t.TempDir(), "planted.db")
	if err := os.WriteFile(f, []byte("xx"+keyA+"xx"+ipForwarded), 0o600); err != nil {
		t.Fatal(err)
	}
	suiteMu.Lock()
	saved := suiteDBs
	suiteDBs = []string{f}
	suiteMu.Unlock()
	leaks := privacyLeaks()
	suiteMu.Lock()
	suiteDBs = saved
	suiteMu.Unlock()
	if len(leaks) < 2 {
		t.Fatalf("planted leaks not found: %v", leaks)
	}
}

// syncWriter serializes log writes of concurrent requests into the suite's
// log buffer (and a test's own).
type syncWriter struct{ own *bytes.Buffer }

func (w syncWriter) Write(p []byte) (int, error) {
	suiteMu.Lock()
	defer suiteMu.Unlock()
	suiteLogs.Write(p)
	if w.own != nil {
		w.own.Write(p)
	}
	return len(p), nil
}

// clock is a settable test clock.
type clock struct{ ns atomic.Int64 }

func newClock(t time.Time) *clock {
	c := &clock{}
	c.ns.Store(t.UnixNano())
	return c
}

func (c *clock) now() time.Time          { return time.Unix(0, c.ns.Load()).UTC() }
func (c *clock) advance(d time.Duration) { c.ns.Add(int64(d)) }

// testServer is an API over a fresh copy of the imported database.
type testServer struct {
	t     *testing.T
	e     *echo.Echo
	s     *Server
	st    *store.Store
	path  string
	clock *clock
	logs  *bytes.Buffer
}

// A Tuesday, 10:00 in Monaco.
var testNow = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

func newTestServer(t testing.TB, change func(*Config)) *testServer {
	t.Helper()
	// Kept in the suite's directory, not t.TempDir (removed at the end of
	// each test), so that the privacy check reads every database after
	// the suite.
	suiteMu.Lock()
	path := filepath.Join(filepath.Dir(baseDB), fmt.Sprintf("test-%03d.db", len(suiteDBs)))
	suiteDBs = append(suiteDBs, path)
	suiteMu.Unlock()
	data, err := os.ReadFile(baseDB)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	st, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{
		BaseURL: "https://openmap.test", Zone: mustZone(t, "Europe/Paris"), Country: "FR",
		ReadsPerSecond: -1, ReportsPerMinute: -1, ContributorsPerHour: -1,
	}
	if change != nil {
		change(&cfg)
	}
	own := &bytes.Buffer{}
	log := slog.New(slog.NewJSONHandler(syncWriter{own}, nil))
	clk := newClock(testNow)
	e, s, err := New(ctx, Deps{Store: st, Categories: geo.DefaultCategories(), Config: cfg, Logger: log, Clock: clk.now})
	if err != nil {
		t.Fatal(err)
	}
	ts := &testServer{e: e, s: s, st: st, path: path, clock: clk, logs: own}
	if tt, ok := t.(*testing.T); ok {
		ts.t = tt
	}
	t.Cleanup(func() {
		// Close checkpoints the WAL into the file the privacy check reads.
		if err := st.Close(); err != nil {
			t.Error(err)
		}
	})
	return ts
}

func mustZone(t testing.TB, name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// req describes one request to the test server.
type req struct {
	method, target string
	body           string
	ctype          string
	key            string // X-Openmap-Contributor
	auth           string // bearer token
	remote         string // RemoteAddr; ipDirect by default
	header         map[string]string
}

func (ts *testServer) do(r req) *httptest.ResponseRecorder {
	var body io.Reader
	if r.body != "" {
		body = strings.NewReader(r.body)
	}
	if r.method == "" {
		r.method = http.MethodGet
	}
	hr := httptest.NewRequest(r.method, r.target, body)
	hr.RemoteAddr = ipDirect + ":40123"
	if r.key != "" {
		// Contributors are people at their own addresses: one address
		// gives one voice per place (voices.go).
		hr.RemoteAddr = "[" + keyAddr(r.key) + "]:40123"
	}
	if r.remote != "" {
		hr.RemoteAddr = r.remote
	}
	if r.body != "" {
		ct := r.ctype
		if ct == "" {
			ct = "application/json"
		}
		hr.Header.Set("Content-Type", ct)
	}
	if r.key != "" {
		hr.Header.Set(ContributorHeader, r.key)
	}
	if r.auth != "" {
		hr.Header.Set("Authorization", "Bearer "+r.auth)
	}
	for k, v := range r.header {
		hr.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	ts.e.ServeHTTP(w, hr)
	return w
}

// decode reads a JSON answer into v, failing the test on bad JSON.
func decode(t testing.TB, w *httptest.ResponseRecorder, v any) {
	t.Helper()
	if err := json.Unmarshal(w.Body.Bytes(), v); err != nil {
		t.Fatalf("answer is not JSON (%v): %.300s", err, w.Body.String())
	}
}

// wantStatus fails unless the answer has that code.
func wantStatus(t testing.TB, w *httptest.ResponseRecorder, code int) {
	t.Helper()
	if w.Code != code {
		t.Fatalf("status %d, want %d: %.400s", w.Code, code, w.Body.String())
	}
}

// wantProblem checks a problem+json answer and returns it.
func wantProblem(t testing.TB, w *httptest.ResponseRecorder, code int, field string) Problem {
	t.Helper()
	wantStatus(t, w, code)
	if ct := w.Header().Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("content type %q, want application/problem+json", ct)
	}
	var p Problem
	decode(t, w, &p)
	if p.Status != code || p.Title == "" || p.Detail == "" || p.DetailFR == "" {
		t.Errorf("incomplete problem: %+v", p)
	}
	if p.Field != field {
		t.Errorf("field %q, want %q", p.Field, field)
	}
	return p
}

// createToken stores a token of that role and returns it.
func (ts *testServer) createToken(t testing.TB, role string) string {
	t.Helper()
	tok := fmt.Sprintf("om_test_%s_%d", role, time.Now().UnixNano())
	h := sha256Sum(tok)
	if _, err := ts.st.AddToken(context.Background(), h, role, "test"); err != nil {
		t.Fatal(err)
	}
	return tok
}

type httptestRecorder = httptest.ResponseRecorder

// doChunked sends the body without a Content-Length, as a chunked upload.
func (ts *testServer) doChunked(r req) *httptest.ResponseRecorder {
	hr := httptest.NewRequest(r.method, r.target, nil)
	hr.RemoteAddr = ipDirect + ":40124"
	hr.Body = io.NopCloser(strings.NewReader(r.body))
	hr.ContentLength = -1
	hr.Header.Set("Content-Type", "application/json")
	hr.Header.Set(ContributorHeader, r.key)
	w := httptest.NewRecorder()
	ts.e.ServeHTTP(w, hr)
	return w
}
