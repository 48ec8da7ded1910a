package api

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"golang.org/x/oauth2"

	"codeberg.org/openmap/openmap/geo"
	"codeberg.org/openmap/openmap/internal/osmsync"
	"codeberg.org/openmap/openmap/static"
)

// The mapper pages (/mapper): log in with OSM (OAuth 2 with PKCE), read the
// review queue, approve (possibly edited) or reject each proposal, upload
// the approved edits under the mapper's own account, or download them as an
// osmChange file for JOSM. Server-rendered, no script: every action is a
// form POST carrying the session's CSRF value.
//
// The OSM token lives only in the mapper's session cookie, sealed
// (AES-GCM) with a key derived from a server secret the store keeps; the
// server writes it nowhere.

// mapperState is what the mapper pages keep between requests.
type mapperState struct {
	login, session *osmsync.Sealer
	oauth          *oauth2.Config // nil when no OAuth client is configured
	tmpl           *template.Template
	msgs           map[string]static.Catalog
	// uploading holds one *sync.Mutex per mapper: one upload at a time.
	uploading sync.Map
	// assets gives the versioned addresses of the stylesheet the page
	// head links to; made on the first mapper page (it reads every asset).
	assets func() *static.Assets
}

func newMapperState(ctx context.Context, st Store, cfg Config) (*mapperState, error) {
	secret, err := st.Secret(ctx, "mapper_cookie")
	if err != nil {
		return nil, fmt.Errorf("api: mapper pages: %w", err)
	}
	m := &mapperState{assets: sync.OnceValue(static.NewAssets)}
	if m.login, err = osmsync.NewSealer(secret, "login"); err != nil {
		return nil, err
	}
	if m.session, err = osmsync.NewSealer(secret, "session"); err != nil {
		return nil, err
	}
	if cfg.Mapper.ClientID != "" {
		if m.oauth, err = osmsync.OAuthConfig(cfg.Mapper.OSM, cfg.Mapper.ClientID, cfg.Mapper.ClientSecret, cfg.Mapper.RedirectURL); err != nil {
			return nil, fmt.Errorf("api: mapper login: %w", err)
		}
	}
	if m.msgs, err = static.Catalogs(); err != nil {
		return nil, err
	}
	if m.tmpl, err = template.ParseFS(static.FS(), "templates/mapper.html", "templates/head.html"); err != nil {
		return nil, fmt.Errorf("api: mapper template: %w", err)
	}
	return m, nil
}

// mapperBase is the frame of a mapper page (the head and foot templates).
func (s *Server) mapperBase(c echo.Context, title string) pageBase {
	lang := static.Negotiate(c.FormValue("lang"), c.Request().Header.Get("Accept-Language"))
	other := "en"
	if lang == "en" {
		other = "fr"
	}
	q := c.Request().URL.Query()
	q.Set("lang", other)
	for _, k := range []string{"done", "n", "error"} {
		q.Del(k)
	}
	m := s.mapper.msgs[lang]
	return pageBase{Lang: lang, OtherLang: other, M: m, Title: m.T(title), Asset: s.mapper.assets().URL,
		MapURL: "/?lang=" + lang, SwitchURL: c.Request().URL.Path + "?" + q.Encode()}
}

func (s *Server) renderMapper(c echo.Context, code int, name string, data any) error {
	var buf bytes.Buffer
	if err := s.mapper.tmpl.ExecuteTemplate(&buf, name, data); err != nil {
		return fmt.Errorf("mapper: render %s: %w", name, err)
	}
	h := c.Response().Header()
	static.SecurityHeaders(h, "")
	h.Set("Cache-Control", "no-store")
	h.Add("Vary", "Accept-Language")
	return c.HTMLBlob(code, buf.Bytes())
}

// mapperSession returns the logged-in mapper, if any.
func (s *Server) mapperSession(c echo.Context) (osmsync.Session, bool) {
	ck, err := c.Cookie(osmsync.SessionCookie)
	if err != nil {
		return osmsync.Session{}, false
	}
	var sess osmsync.Session
	if err := s.mapper.session.Open(ck.Value, s.now(), &sess); err != nil || sess.Token == nil || sess.UserID == 0 {
		return osmsync.Session{}, false
	}
	return sess, true
}

// mapperPost checks a mapper form: a session (else to the login), the
// CSRF value (else 403).
func (s *Server) mapperPost(c echo.Context) (osmsync.Session, error) {
	sess, ok := s.mapperSession(c)
	if !ok {
		return sess, c.Redirect(http.StatusSeeOther, "/mapper/login?lang="+s.mapperBase(c, "").Lang)
	}
	if !sess.CheckCSRF(c.FormValue("csrf")) {
		b := s.mapperBase(c, "mapper.title")
		return sess, s.renderMapper(c, http.StatusForbidden, "mapper_message", mapperMessage{pageBase: b,
			Heading: b.M.T("mapper.forbidden"), Text: b.M.T("mapper.forbidden_text")})
	}
	return sess, nil
}

type mapperMessage struct {
	pageBase
	Heading, Text  string
	Link, LinkText string
	Refresh        string
}

// ---- login ----

// loginState is the sealed content of the login cookie.
type loginState struct {
	Login osmsync.Login `json:"login"`
	Lang  string        `json:"lang"`
}

func (s *Server) oauthContext(ctx context.Context) context.Context {
	if s.cfg.Mapper.HTTP != nil {
		return context.WithValue(ctx, oauth2.HTTPClient, s.cfg.Mapper.HTTP)
	}
	return ctx
}

// mapperLogin sends the mapper to OSM's authorization page.
func (s *Server) mapperLogin(c echo.Context) error {
	b := s.mapperBase(c, "mapper.title")
	if s.mapper.oauth == nil {
		return c.Redirect(http.StatusSeeOther, "/mapper?lang="+b.Lang)
	}
	l, err := osmsync.StartLogin(s.mapper.oauth)
	if err != nil {
		return err
	}
	v, err := s.mapper.login.Seal(loginState{Login: l, Lang: b.Lang}, s.now().Add(osmsync.LoginTTL))
	if err != nil {
		return err
	}
	c.SetCookie(osmsync.Cookie(osmsync.LoginCookie, v, osmsync.LoginTTL, http.SameSiteLaxMode))
	return c.Redirect(http.StatusFound, l.URL)
}

// mapperCallback finishes the login: checks the state, exchanges the code
// (with the PKCE verifier), asks OSM who the mapper is and opens the
// session.
func (s *Server) mapperCallback(c echo.Context) error {
	b := s.mapperBase(c, "mapper.title")
	fail := func(text string) error {
		return s.renderMapper(c, http.StatusBadRequest, "mapper_message", mapperMessage{pageBase: b,
			Heading: b.M.T("mapper.login_failed"), Text: text, Link: "/mapper/login?lang=" + b.Lang, LinkText: b.M.T("mapper.login")})
	}
	if s.mapper.oauth == nil {
		return c.Redirect(http.StatusSeeOther, "/mapper")
	}
	ck, err := c.Cookie(osmsync.LoginCookie)
	if err != nil {
		return fail(b.M.T("mapper.login_expired"))
	}
	var ls loginState
	if err := s.mapper.login.Open(ck.Value, s.now(), &ls); err != nil {
		return fail(b.M.T("mapper.login_expired"))
	}
	if ls.Lang != "" && c.QueryParam("lang") == "" {
		b = s.mapperBaseLang(c, ls.Lang)
	}
	// The login cookie is good once.
	c.SetCookie(osmsync.Cookie(osmsync.LoginCookie, "", -time.Second, http.SameSiteLaxMode))
	ctx := s.oauthContext(c.Request().Context())
	tok, err := osmsync.FinishLogin(ctx, s.mapper.oauth, ls.Login, c.QueryParams())
	if err != nil {
		s.log.Warn("mapper login failed", "error", err.Error())
		return fail(b.M.T("mapper.login_refused"))
	}
	cl, err := s.osmClient(tok)
	if err != nil {
		return err
	}
	u, err := cl.UserDetails(c.Request().Context())
	if err != nil {
		s.log.Warn("mapper login: user details", "error", err.Error())
		return fail(b.M.T("mapper.login_refused"))
	}
	sess, err := osmsync.NewSession(u, tok)
	if err != nil {
		return err
	}
	v, err := s.mapper.session.Seal(sess, s.now().Add(osmsync.SessionTTL))
	if err != nil {
		return err
	}
	c.SetCookie(osmsync.Cookie(osmsync.SessionCookie, v, osmsync.SessionTTL, http.SameSiteStrictMode))
	s.log.Info("mapper logged in", "osm_uid", u.ID)
	// A page of our own, not a redirect: the browser sends the SameSite=Strict
	// session cookie only on a navigation that starts on this site, and the
	// callback came from OSM.
	next := "/mapper?lang=" + b.Lang
	return s.renderMapper(c, http.StatusOK, "mapper_message", mapperMessage{pageBase: b,
		Heading: b.M.T("mapper.logged_in", "name", u.DisplayName), Link: next, LinkText: b.M.T("mapper.continue"), Refresh: "0;url=" + next})
}

func (s *Server) mapperBaseLang(c echo.Context, lang string) pageBase {
	q := c.Request().URL.Query()
	q.Set("lang", lang)
	c.Request().URL.RawQuery = q.Encode()
	return s.mapperBase(c, "mapper.title")
}

// mapperLogout ends the session (the cookie is dropped; OSM keeps the
// authorization until the mapper revokes it in their OSM settings).
func (s *Server) mapperLogout(c echo.Context) error {
	if _, err := s.mapperPost(c); err != nil || c.Response().Committed {
		return err
	}
	c.SetCookie(osmsync.Cookie(osmsync.SessionCookie, "", -time.Second, http.SameSiteStrictMode))
	return c.Redirect(http.StatusSeeOther, "/?lang="+s.mapperBase(c, "").Lang)
}

func (s *Server) osmClient(tok *oauth2.Token) (*osmsync.Client, error) {
	var ts oauth2.TokenSource
	if tok != nil {
		ts = oauth2.StaticTokenSource(tok)
	}
	return osmsync.NewClient(osmsync.ClientConfig{Server: s.cfg.Mapper.OSM, Token: ts, HTTP: s.cfg.Mapper.HTTP,
		UserAgent: "openmap/" + s.cfg.Version, Log: s.log})
}

// ---- the queue ----

type mapperView struct {
	pageBase
	Configured bool
	OSMWeb     string
	DevURL     string // the OSM instance when it is not the production one
	Callback   string
	User       string
	CSRF       string
	Profile    string
	Crisis     bool
	Removal    bool
	BBox       string
	Category   string
	Categories []mapperOption
	Items      []mapperItem
	Approved   []mapperEdit
	Conflicts  []mapperEdit
	Flash      string
	Error      string
}

type mapperOption struct {
	ID, Label string
	Selected  bool
}

type mapperItem struct {
	ID, Name, Category, OSMURL, PageURL string
	Status, Confirmed                   string
	Changes                             []mapperChange
	Note                                string
	Conflict                            string // why the last upload of this place was sent back
	Reports                             []mapperReport
}

type mapperChange struct{ Key, Old, New string }

type mapperReport struct{ Status, Hours, At string }

type mapperEdit struct {
	ID          int64
	Place, Name string
	OSMURL      string
	Changes     []mapperChange
	Note        bool
	Reason      string
}

func changesOf(d geo.TagDiff) []mapperChange {
	out := make([]mapperChange, len(d))
	for i, c := range d {
		out[i] = mapperChange{Key: c.Key, Old: c.Old, New: c.New}
	}
	return out
}

// mapperHome is GET /mapper: the setup text when no OAuth client is
// configured, the login when nobody is logged in, else the queue.
func (s *Server) mapperHome(c echo.Context) error {
	b := s.mapperBase(c, "mapper.title")
	if s.edits == nil {
		return ErrNoEditStore
	}
	v := mapperView{pageBase: b, Configured: s.mapper.oauth != nil, OSMWeb: s.cfg.Mapper.OSM.Web,
		Callback: s.cfg.Mapper.RedirectURL, Profile: s.profileName(false), Crisis: s.cfg.Mapper.Profile.Crisis()}
	if s.cfg.Mapper.OSM != osmsync.Production {
		v.DevURL = s.cfg.Mapper.OSM.API
	}
	if v.Callback == "" {
		v.Callback = "https://<host>/mapper/callback"
	}
	if !v.Configured {
		return s.renderMapper(c, http.StatusOK, "mapper_setup", v)
	}
	sess, ok := s.mapperSession(c)
	if !ok {
		return c.Redirect(http.StatusSeeOther, "/mapper/login?lang="+b.Lang)
	}
	v.User, v.CSRF = sess.DisplayName, sess.CSRF
	v.Removal = c.QueryParam("removal") == "1" && v.Crisis
	f := ReviewFilter{Removal: v.Removal, Category: strings.TrimSpace(c.QueryParam("category"))}
	if bb := strings.TrimSpace(c.QueryParam("bbox")); bb != "" {
		bound, err := s.parseBBox(bb)
		if err != nil {
			v.Error = b.M.T("mapper.bad_bbox")
		} else {
			f.BBox, v.BBox = &bound, bb
		}
	}
	v.Category = f.Category
	for _, cat := range s.cats.List {
		v.Categories = append(v.Categories, mapperOption{ID: cat.ID, Label: cat.Label.In(b.Lang), Selected: cat.ID == f.Category})
	}
	switch c.QueryParam("done") {
	case "approved", "rejected", "uploaded", "busy", "upload_failed":
		v.Flash = b.M.T("mapper.done_"+c.QueryParam("done"), "n", c.QueryParam("n"), "conflicts", c.QueryParam("conflicts"))
	}
	if e := c.QueryParam("error"); e == "bad_edit" || e == "not_in_queue" {
		v.Error = b.M.T("mapper.error_" + e)
	}
	ctx := c.Request().Context()
	items, err := s.ReviewQueue(ctx, f)
	if err != nil {
		return err
	}
	for _, it := range items {
		mi := mapperItem{ID: it.Place.ID.String(), Name: it.Place.Name, OSMURL: it.OSMURL,
			PageURL: "/place/" + it.Place.ID.String() + "?lang=" + b.Lang, Changes: changesOf(it.Proposal.Diff)}
		if mi.Name == "" {
			mi.Name = mi.ID
		}
		if cat, ok := s.cats.Category(it.Place.Category); ok {
			mi.Category = cat.Label.In(b.Lang)
		}
		if it.Summary.Status != "" {
			mi.Status = geo.Status(it.Summary.Status).Label().In(b.Lang)
			mi.Confirmed = it.LastConfirmed.In(s.cfg.Zone).Format("2006-01-02 15:04")
		}
		if it.Proposal.Note != nil {
			mi.Note = it.Proposal.Note.Text
		}
		if len(it.Reports) > 0 {
			want := map[int64]bool{}
			for _, id := range it.Reports {
				want[id] = true
			}
			reps, err := s.st.LatestReports(ctx, it.Place.ID, 50)
			if err != nil {
				return err
			}
			for _, r := range reps {
				if want[r.ID] {
					mi.Reports = append(mi.Reports, mapperReport{Status: r.Status.Label().In(b.Lang), Hours: r.OpeningHours,
						At: r.At.In(s.cfg.Zone).Format("2006-01-02 15:04")})
				}
			}
		}
		v.Items = append(v.Items, mi)
	}
	edits, err := s.edits.List(ctx)
	if err != nil {
		return err
	}
	// A conflict matters until a newer edit of the same place replaces it.
	latest := map[geo.PlaceID]int64{}
	for _, e := range edits {
		latest[e.Place] = max(latest[e.Place], e.ID)
	}
	conflict := map[string]string{}
	for _, e := range edits {
		me := mapperEdit{ID: e.ID, Place: e.Place.String(), Name: e.Name, OSMURL: s.cfg.Mapper.OSM.Web + "/" + e.Place.String(),
			Changes: changesOf(e.Diff), Note: e.Note != nil, Reason: e.Reason}
		switch {
		case e.State == geo.EditConflict && latest[e.Place] == e.ID:
			v.Conflicts = append(v.Conflicts, me)
			conflict[me.Place] = e.Reason
		case e.State == geo.EditApproved && e.Mapper == sess.UserID:
			v.Approved = append(v.Approved, me)
		}
	}
	for i := range v.Items {
		v.Items[i].Conflict = conflict[v.Items[i].ID]
	}
	return s.renderMapper(c, http.StatusOK, "mapper", v)
}

// back is where a mapper form returns: the queue with its filters.
func (s *Server) back(c echo.Context, extra url.Values) error {
	q := url.Values{"lang": {s.mapperBase(c, "").Lang}}
	for _, k := range []string{"bbox", "category"} {
		if v := c.FormValue(k); v != "" {
			q.Set(k, v)
		}
	}
	if c.FormValue("removal") == "1" {
		q.Set("removal", "1")
	}
	for k, v := range extra {
		q[k] = v
	}
	return c.Redirect(http.StatusSeeOther, "/mapper?"+q.Encode())
}

func (s *Server) formPlace(c echo.Context) (geo.PlaceID, error) {
	id, err := geo.ParsePlaceID(c.FormValue("place"))
	if err != nil {
		return id, badRequest("place", "want a place id such as node/123", "identifiant de lieu attendu, comme node/123")
	}
	return id, nil
}

// mapperApprove is POST /mapper/approve: the proposal for one place, with
// the values the mapper edited (fields "tag:<key>", and one new key in
// add_key/add_value).
func (s *Server) mapperApprove(c echo.Context) error {
	sess, err := s.mapperPost(c)
	if err != nil || c.Response().Committed {
		return err
	}
	id, err := s.formPlace(c)
	if err != nil {
		return err
	}
	removal := c.FormValue("removal") == "1"
	set := map[string]string{}
	form, err := c.FormParams()
	if err != nil {
		return err
	}
	it, err := s.reviewItem(c.Request().Context(), id, removal)
	if errors.Is(err, ErrNotInQueue) {
		return s.back(c, url.Values{"error": {"not_in_queue"}})
	}
	if err != nil {
		return err
	}
	for _, ch := range it.Proposal.Diff {
		if vals, ok := form["tag:"+ch.Key]; ok && strings.TrimSpace(vals[0]) != ch.New {
			set[ch.Key] = vals[0]
		}
	}
	if k := strings.TrimSpace(form.Get("add_key")); k != "" {
		set[k] = form.Get("add_value")
	}
	o := ApproveOptions{Set: set, Removal: removal, Lifecycle: c.FormValue("gone") == "lifecycle"}
	if _, err := s.Approve(c.Request().Context(), id, sess.UserID, o); err != nil {
		if errors.Is(err, geo.ErrBadDiff) {
			return s.back(c, url.Values{"error": {"bad_edit"}})
		}
		if errors.Is(err, ErrNotInQueue) {
			return s.back(c, url.Values{"error": {"not_in_queue"}})
		}
		return err
	}
	return s.back(c, url.Values{"done": {"approved"}})
}

// mapperReject is POST /mapper/reject.
func (s *Server) mapperReject(c echo.Context) error {
	sess, err := s.mapperPost(c)
	if err != nil || c.Response().Committed {
		return err
	}
	id, err := s.formPlace(c)
	if err != nil {
		return err
	}
	if _, err := s.Reject(c.Request().Context(), id, sess.UserID, c.FormValue("reason"), c.FormValue("removal") == "1"); err != nil {
		if errors.Is(err, ErrNotInQueue) {
			return s.back(c, url.Values{"error": {"not_in_queue"}})
		}
		return err
	}
	return s.back(c, url.Values{"done": {"rejected"}})
}

// Uploader returns the uploader of one mapper's approved edits, with their
// token, under the instance's changeset settings.
func (s *Server) Uploader(mapper int64, tok *oauth2.Token) (*osmsync.Uploader, error) {
	if s.edits == nil {
		return nil, ErrNoEditStore
	}
	cl, err := s.osmClient(tok)
	if err != nil {
		return nil, err
	}
	m := s.cfg.Mapper
	return &osmsync.Uploader{Client: cl, Queue: s.edits, Mapper: mapper, Log: s.log,
		Changeset: osmsync.ChangesetOptions{Version: s.cfg.Version, Hashtags: m.Hashtags, Locale: m.Locale,
			CommentLanguage: m.CommentLanguage, Suffix: m.Profile.Suffix}}, nil
}

// mapperUpload is POST /mapper/upload: the mapper's approved edits go to
// OSM, one run at a time per mapper.
func (s *Server) mapperUpload(c echo.Context) error {
	sess, err := s.mapperPost(c)
	if err != nil || c.Response().Committed {
		return err
	}
	mu, _ := s.mapper.uploading.LoadOrStore(sess.UserID, &sync.Mutex{})
	if !mu.(*sync.Mutex).TryLock() {
		return s.back(c, url.Values{"done": {"busy"}})
	}
	defer mu.(*sync.Mutex).Unlock()
	up, err := s.Uploader(sess.UserID, sess.Token)
	if err != nil {
		return err
	}
	// A mapper closing the tab does not stop an upload half way (it would
	// be resumed safely, but later).
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.Request().Context()), 5*time.Minute)
	defer cancel()
	rep, err := up.Run(ctx)
	if err != nil {
		s.log.Warn("mapper upload", "osm_uid", sess.UserID, "error", err.Error())
		return s.back(c, url.Values{"done": {"upload_failed"}, "n": {strconv.Itoa(rep.Uploaded)}})
	}
	s.log.Info("mapper upload", "osm_uid", sess.UserID, "uploaded", rep.Uploaded, "changesets", len(rep.Changesets), "conflicts", rep.Conflicts)
	return s.back(c, url.Values{"done": {"uploaded"}, "n": {strconv.Itoa(rep.Uploaded + rep.AlreadyInOSM + rep.Notes)},
		"conflicts": {strconv.Itoa(rep.Conflicts)}})
}

// mapperExport is GET /mapper/export.osc: the mapper's approved edits as an
// osmChange file, replayed on the elements' current versions.
func (s *Server) mapperExport(c echo.Context) error {
	sess, ok := s.mapperSession(c)
	if !ok {
		return c.Redirect(http.StatusSeeOther, "/mapper/login")
	}
	if s.edits == nil {
		return ErrNoEditStore
	}
	ctx := c.Request().Context()
	all, err := s.edits.List(ctx, geo.EditApproved)
	if err != nil {
		return err
	}
	var edits []geo.OSMEdit
	for _, e := range all {
		if e.Mapper == sess.UserID && len(e.Diff) > 0 {
			edits = append(edits, e)
		}
	}
	sort.Slice(edits, func(i, j int) bool { return edits[i].ID < edits[j].ID })
	cl, err := s.osmClient(sess.Token)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if _, err := osmsync.WriteOsmChange(ctx, &buf, cl, edits, osmsync.ExportOptions{Version: s.cfg.Version}); err != nil {
		return err
	}
	c.Response().Header().Set("Content-Disposition", `attachment; filename="openmap-changes.osc"`)
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.Blob(http.StatusOK, "application/xml; charset=utf-8", buf.Bytes())
}
