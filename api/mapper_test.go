package api

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/osm"
	"golang.org/x/oauth2"

	"codeberg.org/openmap/openmap/geo"
	"codeberg.org/openmap/openmap/internal/osmsync"
	"codeberg.org/openmap/openmap/internal/osmsync/osmfake"
	"codeberg.org/openmap/openmap/internal/store"
)

// mapperTest is a test server whose mapper pages log in to, and upload to,
// a fake OSM holding the elements of the extract.
type mapperTest struct {
	*testServer
	f       *osmfake.Server
	session *http.Cookie
	csrf    string
}

func fixturePath(t *testing.T) string {
	for _, f := range fixtures {
		if _, err := os.Stat(f); err == nil {
			return f
		}
	}
	t.Fatal("no fixture")
	return ""
}

func newMapperTest(t *testing.T, profile geo.TagProfile, ids ...string) *mapperTest {
	t.Helper()
	return newMapperTestWith(t, profile, nil, ids...)
}

// newMapperTestWith is newMapperTest with a change of the mapper settings.
func newMapperTestWith(t *testing.T, profile geo.TagProfile, change func(*MapperConfig), ids ...string) *mapperTest {
	t.Helper()
	f := osmfake.New()
	t.Cleanup(f.Close)
	keys := map[string]bool{}
	for _, id := range ids {
		keys[id] = true
	}
	if err := f.AddFromPBF(context.Background(), fixturePath(t), keys); err != nil {
		t.Fatal(err)
	}
	ts := newTestServer(t, func(c *Config) {
		c.Mapper = MapperConfig{OSM: osmsync.Server{API: f.URL, Web: f.URL}, ClientID: f.ClientID,
			Profile: profile, Hashtags: []string{"#openmap"}, Locale: "fr"}
		if change != nil {
			change(&c.Mapper)
		}
	})
	return &mapperTest{testServer: ts, f: f}
}

// cookieOf returns the cookie name set by an answer.
func cookieOf(t *testing.T, w *httptest.ResponseRecorder, name string) *http.Cookie {
	t.Helper()
	for _, c := range w.Result().Cookies() {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no %s cookie in %v", name, w.Header()["Set-Cookie"])
	return nil
}

func cookieHeader(cs ...*http.Cookie) string {
	var parts []string
	for _, c := range cs {
		parts = append(parts, c.Name+"="+c.Value)
	}
	return strings.Join(parts, "; ")
}

var csrfRe = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// login goes through /mapper/login, the fake's authorize page and the
// callback, and keeps the session cookie and its CSRF value.
func (m *mapperTest) login(t *testing.T) {
	t.Helper()
	w := m.do(req{target: "/mapper"})
	if w.Code != http.StatusSeeOther || !strings.HasPrefix(w.Header().Get("Location"), "/mapper/login") {
		t.Fatalf("/mapper without a session: %d %s", w.Code, w.Header().Get("Location"))
	}
	w = m.do(req{target: "/mapper/login"})
	wantStatus(t, w, http.StatusFound)
	loginCk := cookieOf(t, w, osmsync.LoginCookie)
	if !loginCk.Secure || !loginCk.HttpOnly || loginCk.SameSite != http.SameSiteLaxMode || loginCk.Path != "/mapper" {
		t.Errorf("login cookie %+v", loginCk)
	}
	auth, err := url.Parse(w.Header().Get("Location"))
	if err != nil || !strings.HasPrefix(auth.String(), m.f.URL+"/oauth2/authorize") || auth.Query().Get("code_challenge_method") != "S256" {
		t.Fatalf("authorize URL %v", auth)
	}
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(auth.String())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	cb, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || cb.Path != "/mapper/callback" || cb.Query().Get("code") == "" {
		t.Fatalf("fake authorize answered %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	// a forged callback (another state) is refused
	forged := cb.Query()
	forged.Set("state", "forged")
	w = m.do(req{target: "/mapper/callback?" + forged.Encode(), header: map[string]string{"Cookie": cookieHeader(loginCk)}})
	wantStatus(t, w, http.StatusBadRequest)
	// the forged try used up the code at no point: the real callback works
	w = m.do(req{target: cb.RequestURI(), header: map[string]string{"Cookie": cookieHeader(loginCk)}})
	wantStatus(t, w, http.StatusOK)
	if !strings.Contains(w.Body.String(), "Fake Mapper") {
		t.Errorf("callback page: %s", w.Body.String())
	}
	m.session = cookieOf(t, w, osmsync.SessionCookie)
	if !m.session.Secure || !m.session.HttpOnly || m.session.SameSite != http.SameSiteStrictMode {
		t.Errorf("session cookie %+v", m.session)
	}
	raw, _ := base64.RawURLEncoding.DecodeString(m.session.Value)
	if strings.Contains(string(raw), "access_token") || strings.Contains(string(raw), "Fake Mapper") {
		t.Error("the session cookie is not sealed")
	}
	w = m.page(t, "/mapper")
	mm := csrfRe.FindStringSubmatch(w.Body.String())
	if mm == nil {
		t.Fatalf("no CSRF field on the queue page: %s", w.Body.String())
	}
	m.csrf = mm[1]
}

// page GETs a mapper page with the session.
func (m *mapperTest) page(t *testing.T, target string) *httptest.ResponseRecorder {
	t.Helper()
	w := m.do(req{target: target, header: map[string]string{"Cookie": cookieHeader(m.session)}})
	wantStatus(t, w, http.StatusOK)
	return w
}

// post sends a mapper form, with the session cookie when withSession.
func (m *mapperTest) post(target string, form url.Values, withSession bool) *httptest.ResponseRecorder {
	h := map[string]string{}
	if withSession {
		h["Cookie"] = cookieHeader(m.session)
	}
	return m.do(req{method: http.MethodPost, target: target, body: form.Encode(), ctype: "application/x-www-form-urlencoded", header: h})
}

func (m *mapperTest) queue(t *testing.T, f ReviewFilter) map[string]osmsync.ReviewItem {
	t.Helper()
	items, err := m.s.ReviewQueue(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]osmsync.ReviewItem{}
	for _, it := range items {
		out[it.Place.ID.String()] = it
	}
	return out
}

func diffText(d geo.TagDiff) string {
	var parts []string
	for _, c := range d {
		parts = append(parts, c.Key+"="+c.Old+"→"+c.New)
	}
	return strings.Join(parts, " ")
}

func osmTags(o osm.Object) map[string]string {
	switch e := o.(type) {
	case *osm.Node:
		return e.Tags.Map()
	case *osm.Way:
		return e.Tags.Map()
	case *osm.Relation:
		return e.Tags.Map()
	}
	return nil
}

func osmVersion(o osm.Object) int {
	switch e := o.(type) {
	case *osm.Node:
		return e.Version
	case *osm.Way:
		return e.Version
	case *osm.Relation:
		return e.Version
	}
	return 0
}

// TestMapperEndToEnd: two residents agree through the API → the status is
// confirmed → the place is in the mapper's queue with the survey profile's
// diff → the mapper logs in with OSM, approves with the CSRF value → the
// upload puts the tags on the fake at version+1 in a changeset with
// openmap's tags → the stored place follows and the queue is empty of it.
// Reject, CSRF and login redirects on the way.
func TestMapperEndToEnd(t *testing.T) {
	m := newMapperTest(t, geo.SurveyProfile(), starsBars, spar, totalFuel)
	ctx := context.Background()

	// before any report nothing is confirmed
	if q := m.queue(t, ReviewFilter{}); len(q) != 0 {
		t.Fatalf("queue before reports: %v", q)
	}
	for _, key := range []string{keyA, keyB} {
		wantStatus(t, m.report(starsBars, key, `{"status":"open_adapted","opening_hours":"Mo-Fr 12:00-14:00"}`), http.StatusCreated)
		wantStatus(t, m.report(spar, key, `{"status":"open"}`), http.StatusCreated)
	}
	// one voice only: reported, not confirmed, not in the queue
	wantStatus(t, m.report(totalFuel, keyA, `{"status":"open"}`), http.StatusCreated)
	var d PlaceDoc
	decode(t, m.do(req{target: "/api/v1/places/" + starsBars}), &d)
	if d.Status.Confidence != "confirmed" || d.Status.Status != "open_adapted" {
		t.Fatalf("status %+v", d.Status)
	}
	before, err := m.st.Place(ctx, mustID(t, starsBars))
	if err != nil {
		t.Fatal(err)
	}

	q := m.queue(t, ReviewFilter{})
	it, ok := q[starsBars]
	if !ok || len(q) != 2 {
		t.Fatalf("queue %v, want %s and %s", q, starsBars, spar)
	}
	want := "opening_hours=" + before.Tags["opening_hours"] + "→Mo-Fr 12:00-14:00 check_date:opening_hours=→2026-12-01 check_date=→2026-12-01"
	if got := diffText(it.Proposal.Diff); got != want {
		t.Errorf("diff of %s:\n got %s\nwant %s", starsBars, got, want)
	}
	if len(it.Reports) != 2 || it.OSMURL != m.f.URL+"/"+starsBars {
		t.Errorf("reports %v, OSM link %s", it.Reports, it.OSMURL)
	}
	if got := diffText(q[spar].Proposal.Diff); got != "check_date=→2026-12-01" {
		t.Errorf("diff of %s: %s", spar, got)
	}
	// filters: a bbox away from Monaco, another category
	if q := m.queue(t, ReviewFilter{BBox: mustBound(t, m.s, "2.0,48.0,2.1,48.1")}); len(q) != 0 {
		t.Errorf("bbox filter kept %v", q)
	}
	if q := m.queue(t, ReviewFilter{Category: before.Category}); len(q) != 1 || q[starsBars].Place.ID.String() != starsBars {
		t.Errorf("category %s filter kept %v", before.Category, q)
	}

	// not logged in: POSTs and the page go to the login
	w := m.post("/mapper/approve", url.Values{"place": {starsBars}}, false)
	if w.Code != http.StatusSeeOther || !strings.HasPrefix(w.Header().Get("Location"), "/mapper/login") {
		t.Fatalf("approve without a session: %d %s", w.Code, w.Header().Get("Location"))
	}
	m.login(t)
	page := m.page(t, "/mapper?lang=en").Body.String()
	for _, s := range []string{starsBars, "check_date:opening_hours", `value="Mo-Fr 12:00-14:00"`, "Fake Mapper", m.f.URL + "/" + starsBars, "Open, adapted hours"} {
		if !strings.Contains(page, s) {
			t.Errorf("queue page lacks %q", s)
		}
	}
	if strings.Contains(page, "<script") {
		t.Error("the queue page has a script")
	}
	// CSRF: missing or wrong → 403, nothing approved
	for _, tok := range []string{"", "wrong" + m.csrf} {
		form := url.Values{"place": {starsBars}}
		if tok != "" {
			form.Set("csrf", tok)
		}
		wantStatus(t, m.post("/mapper/approve", form, true), http.StatusForbidden)
	}
	if edits, _ := m.s.edits.List(ctx); len(edits) != 0 {
		t.Fatalf("edits after refused forms: %v", edits)
	}

	// approve through the page, reject the other
	w = m.post("/mapper/approve", url.Values{"csrf": {m.csrf}, "place": {starsBars}, "tag:opening_hours": {"Mo-Fr 12:00-14:00"}}, true)
	if w.Code != http.StatusSeeOther || !strings.Contains(w.Header().Get("Location"), "done=approved") {
		t.Fatalf("approve: %d %s %s", w.Code, w.Header().Get("Location"), w.Body.String())
	}
	w = m.post("/mapper/reject", url.Values{"csrf": {m.csrf}, "place": {spar}, "reason": {"already checked"}}, true)
	if w.Code != http.StatusSeeOther || !strings.Contains(w.Header().Get("Location"), "done=rejected") {
		t.Fatalf("reject: %d %s", w.Code, w.Header().Get("Location"))
	}
	if q := m.queue(t, ReviewFilter{}); len(q) != 0 {
		t.Errorf("queue after approve and reject: %v", q)
	}
	// the rejected proposal comes back with a newer confirmation
	m.clock.advance(3600e9)
	wantStatus(t, m.report(spar, keyC, `{"status":"open"}`), http.StatusCreated)
	if q := m.queue(t, ReviewFilter{}); len(q) != 1 || q[spar].Place.Name != "Spar" {
		t.Errorf("queue after a newer confirmation: %v", q)
	}

	// the export holds the approved edit
	osc := m.page(t, "/mapper/export.osc").Body.String()
	if !strings.Contains(osc, "<modify>") || !strings.Contains(osc, `v="Mo-Fr 12:00-14:00"`) {
		t.Errorf("export: %s", osc)
	}

	// one upload at a time per mapper
	mu, _ := m.s.mapper.uploading.LoadOrStore(int64(1), &sync.Mutex{})
	mu.(*sync.Mutex).Lock()
	w = m.post("/mapper/upload", url.Values{"csrf": {m.csrf}}, true)
	mu.(*sync.Mutex).Unlock()
	if loc := w.Header().Get("Location"); !strings.Contains(loc, "done=busy") || len(m.f.Changesets()) != 0 {
		t.Fatalf("upload while another runs: %d %s", w.Code, loc)
	}

	// upload
	w = m.post("/mapper/upload", url.Values{"csrf": {m.csrf}}, true)
	if w.Code != http.StatusSeeOther || !strings.Contains(w.Header().Get("Location"), "done=uploaded") || !strings.Contains(w.Header().Get("Location"), "n=1") {
		t.Fatalf("upload: %d %s", w.Code, w.Header().Get("Location"))
	}
	o, _ := m.f.Element("node", mustID(t, starsBars).ID)
	tags := osmTags(o)
	if tags["opening_hours"] != "Mo-Fr 12:00-14:00" || tags["check_date:opening_hours"] != "2026-12-01" || tags["check_date"] != "2026-12-01" || tags["name"] != before.Tags["name"] {
		t.Errorf("fake holds %v", tags)
	}
	if v := osmVersion(o); v != before.Version+1 {
		t.Errorf("version %d, want %d", v, before.Version+1)
	}
	css := m.f.Changesets()
	if len(css) != 1 {
		t.Fatalf("changesets %v", css)
	}
	for _, cs := range css {
		ct := cs.Tags
		if ct["created_by"] != "openmap dev" || ct["source"] != "survey" || ct["hashtags"] != "#openmap" || ct["locale"] != "fr" ||
			!strings.Contains(ct["comment"], "opening hours") || !strings.Contains(ct["comment"], "#openmap") {
			t.Errorf("changeset tags %v", ct)
		}
	}
	after, err := m.st.Place(ctx, mustID(t, starsBars))
	if err != nil || after.Version != before.Version+1 || after.Tags["opening_hours"] != "Mo-Fr 12:00-14:00" || after.OpeningHours != "Mo-Fr 12:00-14:00" {
		t.Errorf("stored place v%d %v (%v)", after.Version, after.Tags, err)
	}
	if _, ok := m.queue(t, ReviewFilter{})[starsBars]; ok {
		t.Error("the uploaded place is still in the queue")
	}
	page = m.page(t, "/mapper?done=uploaded&n=1&conflicts=0&lang=en").Body.String()
	if !strings.Contains(page, "Upload done: 1 edit(s)") {
		t.Errorf("flash after upload missing")
	}

	// logout needs the CSRF value too, then drops the cookie
	wantStatus(t, m.post("/mapper/logout", url.Values{}, true), http.StatusForbidden)
	w = m.post("/mapper/logout", url.Values{"csrf": {m.csrf}}, true)
	if ck := cookieOf(t, w, osmsync.SessionCookie); w.Code != http.StatusSeeOther || ck.MaxAge >= 0 {
		t.Errorf("logout: %d, cookie %+v", w.Code, ck)
	}
	// a session cookie sealed for another purpose (the login's) is no session
	forged, err := m.s.mapper.login.Seal(osmsync.Session{UserID: 1, Token: &oauth2.Token{AccessToken: "x"}, CSRF: "c"}, m.clock.now().Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	w = m.do(req{target: "/mapper", header: map[string]string{"Cookie": osmsync.SessionCookie + "=" + forged}})
	if w.Code != http.StatusSeeOther {
		t.Errorf("a cookie sealed for the login opened a session: %d", w.Code)
	}
}

// TestMapperSetupWithoutClient: with no OAuth client, /mapper explains how
// to configure it, and the login goes back there.
func TestMapperSetupWithoutClient(t *testing.T) {
	ts := newTestServer(t, nil)
	w := ts.do(req{target: "/mapper?lang=en"})
	wantStatus(t, w, http.StatusOK)
	for _, s := range []string{"not configured", "--osm-client-id", "https://openmap.test/mapper/callback", "write_api", "openmap sync queue"} {
		if !strings.Contains(w.Body.String(), s) {
			t.Errorf("setup page lacks %q", s)
		}
	}
	w = ts.do(req{target: "/mapper/login"})
	if w.Code != http.StatusSeeOther || !strings.HasPrefix(w.Header().Get("Location"), "/mapper") {
		t.Errorf("login without a client: %d %s", w.Code, w.Header().Get("Location"))
	}
	fr := ts.do(req{target: "/mapper?lang=fr"}).Body.String()
	if !strings.Contains(fr, "pas configurée") {
		t.Error("no French setup text")
	}
}

// TestMapperCrisisProfile: the crisis profile proposes
// opening_hours:<suffix> (no check_date), uploads it, and once the crisis is
// over proposes removing it.
func TestMapperCrisisProfile(t *testing.T) {
	prof, err := geo.CrisisProfile("covid19")
	if err != nil {
		t.Fatal(err)
	}
	m := newMapperTest(t, prof, starsBars, spar)
	ctx := context.Background()
	for _, key := range []string{keyA, keyB} {
		wantStatus(t, m.report(starsBars, key, `{"status":"open_adapted","opening_hours":"Mo-Fr 12:00-14:00","takeaway":true}`), http.StatusCreated)
		wantStatus(t, m.report(spar, key, `{"status":"closed"}`), http.StatusCreated)
	}
	q := m.queue(t, ReviewFilter{})
	if got := diffText(q[starsBars].Proposal.Diff); got != "opening_hours:covid19=→Mo-Fr 12:00-14:00 takeaway:covid19=→yes" {
		t.Errorf("crisis diff of %s: %s", starsBars, got)
	}
	if got := diffText(q[spar].Proposal.Diff); got != "opening_hours:covid19=→off" {
		t.Errorf("crisis diff of %s: %s", spar, got)
	}
	// approve, one with an edit by the mapper
	if _, err := m.s.Approve(ctx, mustID(t, starsBars), 1, ApproveOptions{Set: map[string]string{"description:covid19": "Vente à emporter au guichet"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := m.s.Approve(ctx, mustID(t, spar), 1, ApproveOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := m.s.Approve(ctx, mustID(t, spar), 1, ApproveOptions{}); err == nil {
		t.Error("approved twice")
	}
	up, err := m.s.Uploader(1, &oauth2.Token{AccessToken: m.f.Token(), TokenType: "Bearer"})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := up.Run(ctx)
	if err != nil || rep.Uploaded != 2 {
		t.Fatalf("upload %+v %v", rep, err)
	}
	o, _ := m.f.Element("node", mustID(t, starsBars).ID)
	tags := osmTags(o)
	if tags["opening_hours:covid19"] != "Mo-Fr 12:00-14:00" || tags["description:covid19"] != "Vente à emporter au guichet" || tags["takeaway:covid19"] != "yes" {
		t.Errorf("fake holds %v", tags)
	}
	if _, ok := tags["check_date"]; ok {
		t.Error("the crisis profile wrote check_date")
	}
	if len(m.queue(t, ReviewFilter{})) != 0 {
		t.Error("uploaded places still proposed")
	}
	// the crisis is over: remove the keys
	rq := m.queue(t, ReviewFilter{Removal: true})
	if got := diffText(rq[starsBars].Proposal.Diff); got != "description:covid19=Vente à emporter au guichet→ opening_hours:covid19=Mo-Fr 12:00-14:00→ takeaway:covid19=yes→" || len(rq) != 2 {
		t.Fatalf("removal queue %v: %s", rq, got)
	}
	if _, err := m.s.Approve(ctx, mustID(t, starsBars), 1, ApproveOptions{Removal: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := m.s.Reject(ctx, mustID(t, spar), 1, "keep for now", true); err != nil {
		t.Fatal(err)
	}
	if rep, err := up.Run(ctx); err != nil || rep.Uploaded != 1 {
		t.Fatalf("removal upload %+v %v", rep, err)
	}
	o, _ = m.f.Element("node", mustID(t, starsBars).ID)
	for k := range osmTags(o) {
		if strings.HasSuffix(k, ":covid19") {
			t.Errorf("%s left after removal", k)
		}
	}
	if rq := m.queue(t, ReviewFilter{Removal: true}); len(rq) != 0 {
		t.Errorf("removal queue after removal and reject: %v", rq)
	}
}

func mustID(t *testing.T, s string) geo.PlaceID {
	t.Helper()
	id, err := geo.ParsePlaceID(s)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func mustBound(t *testing.T, s *Server, v string) *orb.Bound {
	t.Helper()
	b, err := s.parseBBox(v)
	if err != nil {
		t.Fatal(err)
	}
	return &b
}

// TestMapperGoneForGood: a place confirmed gone is proposed as a note; the
// mapper may choose a lifecycle change instead. The note is opened on the
// fake, the lifecycle change uploaded.
func TestMapperGoneForGood(t *testing.T) {
	m := newMapperTest(t, geo.SurveyProfile(), starsBars, totalFuel)
	for _, key := range []string{keyA, keyB} {
		wantStatus(t, m.report(starsBars, key, `{"status":"gone"}`), http.StatusCreated)
		wantStatus(t, m.report(totalFuel, key, `{"status":"gone"}`), http.StatusCreated)
	}
	q := m.queue(t, ReviewFilter{})
	if n := q[totalFuel].Proposal.Note; n == nil || len(q[totalFuel].Proposal.Diff) != 0 || !strings.Contains(n.Text, "gone for good") {
		t.Fatalf("proposal for a gone place: %+v", q[totalFuel].Proposal)
	}
	m.login(t)
	page := m.page(t, "/mapper?lang=en").Body.String()
	if !strings.Contains(page, `name="gone" value="lifecycle"`) {
		t.Error("no lifecycle choice on the page")
	}
	for _, c := range []struct{ id, gone string }{{starsBars, "note"}, {totalFuel, "lifecycle"}} {
		w := m.post("/mapper/approve", url.Values{"csrf": {m.csrf}, "place": {c.id}, "gone": {c.gone}}, true)
		if w.Code != http.StatusSeeOther || !strings.Contains(w.Header().Get("Location"), "done=approved") {
			t.Fatalf("approve %s: %d %s", c.id, w.Code, w.Header().Get("Location"))
		}
	}
	wantStatus(t, m.post("/mapper/upload", url.Values{"csrf": {m.csrf}}, true), http.StatusSeeOther)
	if notes := m.f.Notes(); len(notes) != 1 || !strings.Contains(notes[0].Text, "Stars") {
		t.Errorf("notes %+v", notes)
	}
	o, _ := m.f.Element("node", mustID(t, totalFuel).ID)
	tags := osmTags(o)
	if tags["disused:amenity"] != "fuel" || tags["amenity"] != "" || tags["check_date"] != "2026-12-01" {
		t.Errorf("lifecycle change: %v", tags)
	}
	if q := m.queue(t, ReviewFilter{}); len(q) != 0 {
		t.Errorf("queue after note and lifecycle: %v", q)
	}
}

// TestMapperConflictBackToReview: someone else changed the hours on OSM
// after the import; the upload sends the edit back to review and the queue
// page says why.
func TestMapperConflictBackToReview(t *testing.T) {
	m := newMapperTest(t, geo.SurveyProfile(), starsBars)
	for _, key := range []string{keyA, keyB} {
		wantStatus(t, m.report(starsBars, key, `{"status":"open_adapted","opening_hours":"Mo-Fr 12:00-14:00"}`), http.StatusCreated)
	}
	m.login(t)
	wantStatus(t, m.post("/mapper/approve", url.Values{"csrf": {m.csrf}, "place": {starsBars}}, true), http.StatusSeeOther)
	m.f.Edit("node", mustID(t, starsBars).ID, func(o osm.Object) {
		n := o.(*osm.Node)
		for i := range n.Tags {
			if n.Tags[i].Key == "opening_hours" {
				n.Tags[i].Value = "Mo-Sa 10:00-18:00"
			}
		}
	})
	w := m.post("/mapper/upload", url.Values{"csrf": {m.csrf}}, true)
	if loc := w.Header().Get("Location"); !strings.Contains(loc, "conflicts=1") {
		t.Fatalf("upload: %d %s", w.Code, loc)
	}
	if len(m.f.Uploads()) != 0 {
		t.Error("a conflicting edit was uploaded")
	}
	page := m.page(t, "/mapper?lang=en").Body.String()
	if !strings.Contains(page, "came back as a conflict") || !strings.Contains(page, "Mo-Sa 10:00-18:00") {
		t.Errorf("queue page does not show the conflict: %s", page)
	}
}

// BenchmarkReviewQueue: the queue over Monaco with every place of the
// extract confirmed open by two residents (431 candidates, each proposing
// check_date), as /mapper and sync queue compute it on each view.
func BenchmarkReviewQueue(b *testing.B) {
	ts := newTestServer(b, nil)
	ctx := context.Background()
	n := 0
	err := ts.st.EachPlace(ctx, func(p geo.Place) error {
		for i, key := range []string{keyA, keyB} {
			if _, err := ts.st.AddReport(ctx, storeReport(p.ID, ts.s.contributorHash(key), ts.clock.now().Add(-time.Duration(i)*time.Minute))); err != nil {
				return err
			}
		}
		n++
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	// one logged request, for the suite's privacy check run after a lone
	// -bench ReviewQueue
	ts.do(req{target: "/mapper"})
	items := 0
	for b.Loop() {
		q, err := ts.s.ReviewQueue(ctx, ReviewFilter{})
		if err != nil {
			b.Fatal(err)
		}
		items = len(q)
	}
	if items < n*9/10 {
		b.Fatalf("%d items for %d confirmed places", items, n)
	}
	b.ReportMetric(float64(items), "items")
}

func storeReport(id geo.PlaceID, contributor []byte, at time.Time) store.NewReport {
	return store.NewReport{Place: id, Status: geo.StatusOpen, At: at, Contributor: contributor}
}
