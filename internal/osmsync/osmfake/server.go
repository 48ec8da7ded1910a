package osmfake

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/paulmach/osm"
)

// Fault is an injected error answer: the next Times requests whose method
// and path match (path by prefix, after /api/0.6 or at the root for
// /oauth2) get Status instead of being served.
type Fault struct {
	Method     string // "" matches any
	Path       string // prefix, e.g. "/changeset/" or "/api/0.6/changeset/1/upload"
	Status     int
	RetryAfter string // Retry-After header, if any
	Message    string // Error header
	Times      int    // how many requests it hits (default 1)
	// After serves the request first, then answers Status: the client
	// sees an error for something that was done (a lost answer).
	After bool
}

// Upload is one modification the fake applied, in order.
type Upload struct {
	Type      string // node, way, relation
	ID        int64
	Version   int // the new version
	Changeset int64
}

// Changeset is a changeset the fake holds.
type Changeset struct {
	ID    int64
	User  int64
	Tags  map[string]string
	Open  bool
	objs  []osm.Object // the versions it made, for download
	Count int
}

// Note is a note the fake holds.
type Note struct {
	ID       int64
	Lon, Lat float64
	Text     string
	User     int64
}

type elemKey struct {
	typ string
	id  int64
}

type elem struct {
	obj     osm.Object
	deleted bool
}

// Server is the fake. Its methods are safe for concurrent use.
type Server struct {
	*httptest.Server

	mu         sync.Mutex
	elems      map[elemKey]*elem
	changesets map[int64]*Changeset
	nextCS     int64
	notes      []Note
	uploads    []Upload
	faults     []*Fault
	requests   []string // "METHOD /path"
	// OAuth
	ClientID     string
	ClientSecret string // "" for a public client
	codes        map[string]codeGrant
	tokens       map[string]int64 // access token → user id
	users        map[int64]string // user id → display name

	afterUpload func(changeset int64)
}

// AfterUpload sets f (nil: none) to be called once an upload has been
// applied and before its answer leaves the server: a test kills the client
// there.
func (s *Server) AfterUpload(f func(changeset int64)) {
	s.mu.Lock()
	s.afterUpload = f
	s.mu.Unlock()
}

type codeGrant struct {
	challenge, redirect string
	user                int64
}

// New starts a fake with one user (id 1, "Fake Mapper") whose token is
// returned by Token, and OAuth client "openmap-test".
func New() *Server {
	s := &Server{
		elems:      map[elemKey]*elem{},
		changesets: map[int64]*Changeset{},
		nextCS:     1000,
		ClientID:   "openmap-test",
		codes:      map[string]codeGrant{},
		tokens:     map[string]int64{},
		users:      map[int64]string{1: "Fake Mapper"},
	}
	s.tokens["test-token-1"] = 1
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// Token is a valid access token of user 1.
func (s *Server) Token() string { return "test-token-1" }

// Add stores elements (nodes, ways, relations) as they are.
func (s *Server) Add(objs ...osm.Object) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, o := range objs {
		s.elems[keyOf(o)] = &elem{obj: o}
	}
}

func keyOf(o osm.Object) elemKey {
	switch o := o.(type) {
	case *osm.Node:
		return elemKey{"node", int64(o.ID)}
	case *osm.Way:
		return elemKey{"way", int64(o.ID)}
	case *osm.Relation:
		return elemKey{"relation", int64(o.ID)}
	}
	panic(fmt.Sprintf("osmfake: not an element: %T", o))
}

// Edit changes an element as another mapper would: f edits a copy, which
// becomes the next version in changeset 1.
func (s *Server) Edit(typ string, id int64, f func(osm.Object)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.elems[elemKey{typ, id}]
	o := clone(e.obj)
	f(o)
	setMeta(o, version(e.obj)+1, 1)
	e.obj = o
}

// Delete deletes an element as another mapper would.
func (s *Server) Delete(typ string, id int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.elems[elemKey{typ, id}]
	e.deleted = true
	setMeta(e.obj, version(e.obj)+1, 1)
}

// Element returns a copy of the current element (nil if unknown) and
// whether it is deleted.
func (s *Server) Element(typ string, id int64) (osm.Object, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.elems[elemKey{typ, id}]
	if e == nil {
		return nil, false
	}
	return clone(e.obj), e.deleted
}

// Uploads returns every modification applied, in order.
func (s *Server) Uploads() []Upload {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Upload(nil), s.uploads...)
}

// Changesets returns copies of the changesets, by id.
func (s *Server) Changesets() map[int64]Changeset {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[int64]Changeset{}
	for id, c := range s.changesets {
		out[id] = Changeset{ID: c.ID, User: c.User, Tags: c.Tags, Open: c.Open, Count: c.Count}
	}
	return out
}

// Notes returns the notes opened.
func (s *Server) Notes() []Note {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Note(nil), s.notes...)
}

// Requests returns "METHOD /path" of every request received.
func (s *Server) Requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.requests...)
}

// Fail injects a fault.
func (s *Server) Fail(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f.Times <= 0 {
		f.Times = 1
	}
	s.faults = append(s.faults, &f)
}

func (s *Server) fault(r *http.Request) *Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := strings.TrimPrefix(r.URL.Path, "/api/0.6")
	for _, f := range s.faults {
		if f.Times > 0 && (f.Method == "" || f.Method == r.Method) && (strings.HasPrefix(p, f.Path) || strings.HasPrefix(r.URL.Path, f.Path)) {
			f.Times--
			return f
		}
	}
	return nil
}

func writeFault(w http.ResponseWriter, f *Fault) {
	if f.RetryAfter != "" {
		w.Header().Set("Retry-After", f.RetryAfter)
	}
	msg := f.Message
	if msg == "" {
		msg = http.StatusText(f.Status)
	}
	w.Header().Set("Error", msg)
	http.Error(w, msg, f.Status)
}

// recorder keeps an answer so that a fault with After can replace it.
type recorder struct {
	http.ResponseWriter
	discard bool
}

func (r *recorder) WriteHeader(code int) {
	if !r.discard {
		r.ResponseWriter.WriteHeader(code)
	}
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.discard {
		return len(b), nil
	}
	return r.ResponseWriter.Write(b)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.requests = append(s.requests, r.Method+" "+r.URL.Path)
	s.mu.Unlock()
	if f := s.fault(r); f != nil {
		if !f.After {
			writeFault(w, f)
			return
		}
		s.route(&recorder{ResponseWriter: w, discard: true}, r)
		writeFault(w, f)
		return
	}
	s.route(w, r)
	s.mu.Lock()
	after := s.afterUpload
	s.mu.Unlock()
	if after != nil && r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/upload") {
		id, _ := strconv.ParseInt(strings.Split(r.URL.Path, "/")[4], 10, 64)
		after(id)
	}
}

func (s *Server) route(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	switch {
	case path == "/oauth2/authorize":
		s.authorize(w, r)
		return
	case path == "/oauth2/token" && r.Method == http.MethodPost:
		s.token(w, r)
		return
	case !strings.HasPrefix(path, "/api/0.6/"):
		http.NotFound(w, r)
		return
	}
	parts := strings.Split(strings.TrimPrefix(path, "/api/0.6/"), "/")
	switch {
	case r.Method == http.MethodGet && len(parts) >= 2 && (parts[0] == "node" || parts[0] == "way" || parts[0] == "relation"):
		s.getElement(w, parts)
	case r.Method == http.MethodPut && len(parts) == 2 && parts[0] == "changeset" && parts[1] == "create":
		s.createChangeset(w, r)
	case len(parts) >= 2 && parts[0] == "changeset":
		id, err := strconv.ParseInt(parts[1], 10, 64)
		if err != nil {
			apiError(w, http.StatusBadRequest, "bad changeset id")
			return
		}
		switch {
		case r.Method == http.MethodGet && len(parts) == 2:
			s.getChangeset(w, id)
		case r.Method == http.MethodGet && len(parts) == 3 && parts[2] == "download":
			s.download(w, id)
		case r.Method == http.MethodPost && len(parts) == 3 && parts[2] == "upload":
			s.upload(w, r, id)
		case r.Method == http.MethodPut && len(parts) == 3 && parts[2] == "close":
			s.closeChangeset(w, r, id)
		default:
			apiError(w, http.StatusNotFound, "no such route")
		}
	case len(parts) == 1 && parts[0] == "notes" && r.Method == http.MethodPost:
		s.createNote(w, r)
	case len(parts) == 1 && parts[0] == "notes" && r.Method == http.MethodGet:
		s.getNotes(w, r)
	case len(parts) == 2 && parts[0] == "user" && parts[1] == "details" && r.Method == http.MethodGet:
		s.userDetails(w, r)
	default:
		apiError(w, http.StatusNotFound, "no such route")
	}
}

func apiError(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Error", msg)
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(code)
	io.WriteString(w, msg)
}

func writeXML(w http.ResponseWriter, v any) {
	b, err := xml.Marshal(v)
	if err != nil {
		apiError(w, http.StatusInternalServerError, err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	io.WriteString(w, xml.Header)
	w.Write(b)
}

// user returns the user of the request's bearer token, or answers 401.
func (s *Server) user(w http.ResponseWriter, r *http.Request) (int64, bool) {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	s.mu.Lock()
	uid, known := s.tokens[tok]
	s.mu.Unlock()
	if !ok || !known {
		apiError(w, http.StatusUnauthorized, "Couldn't authenticate you")
		return 0, false
	}
	return uid, true
}

func (s *Server) getElement(w http.ResponseWriter, parts []string) {
	id, err := strconv.ParseInt(parts[1], 10, 64)
	full := len(parts) == 3 && parts[2] == "full"
	if err != nil || len(parts) > 3 || (len(parts) == 3 && !full) {
		apiError(w, http.StatusBadRequest, "bad element path")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.elems[elemKey{parts[0], id}]
	switch {
	case e == nil:
		apiError(w, http.StatusNotFound, "")
		return
	case e.deleted:
		apiError(w, http.StatusGone, "")
		return
	}
	out := &osm.OSM{Version: "0.6", Generator: "osmfake"}
	out.Append(clone(e.obj))
	if full {
		seen := map[osm.NodeID]bool{}
		addNode := func(id osm.NodeID) {
			if n := s.elems[elemKey{"node", int64(id)}]; n != nil && !n.deleted && !seen[id] {
				seen[id] = true
				out.Append(clone(n.obj))
			}
		}
		switch o := e.obj.(type) {
		case *osm.Way:
			for _, wn := range o.Nodes {
				addNode(wn.ID)
			}
		case *osm.Relation:
			for _, m := range o.Members {
				switch m.Type {
				case osm.TypeNode:
					addNode(osm.NodeID(m.Ref))
				case osm.TypeWay:
					if we := s.elems[elemKey{"way", m.Ref}]; we != nil && !we.deleted {
						way := clone(we.obj).(*osm.Way)
						out.Append(way)
						for _, wn := range way.Nodes {
							addNode(wn.ID)
						}
					}
				}
			}
		}
	}
	writeXML(w, out)
}

func (s *Server) createChangeset(w http.ResponseWriter, r *http.Request) {
	uid, ok := s.user(w, r)
	if !ok {
		return
	}
	var in osm.OSM
	body, _ := io.ReadAll(r.Body)
	if err := xml.Unmarshal(body, &in); err != nil || len(in.Changesets) != 1 {
		apiError(w, http.StatusBadRequest, "Cannot parse valid changeset from xml string")
		return
	}
	s.mu.Lock()
	s.nextCS++
	id := s.nextCS
	s.changesets[id] = &Changeset{ID: id, User: uid, Tags: in.Changesets[0].Tags.Map(), Open: true}
	s.mu.Unlock()
	w.Header().Set("Content-Type", "text/plain")
	fmt.Fprint(w, id)
}

func (s *Server) getChangeset(w http.ResponseWriter, id int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.changesets[id]
	if c == nil {
		apiError(w, http.StatusNotFound, "")
		return
	}
	cs := &osm.Changeset{ID: osm.ChangesetID(id), UserID: osm.UserID(c.User), User: s.users[c.User], Open: c.Open,
		ChangesCount: c.Count, Tags: tags(c.Tags), CreatedAt: time.Now().UTC()}
	writeXML(w, &osm.OSM{Version: "0.6", Changesets: osm.Changesets{cs}})
}

func (s *Server) download(w http.ResponseWriter, id int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.changesets[id]
	if c == nil {
		apiError(w, http.StatusNotFound, "")
		return
	}
	ch := &osm.Change{Version: "0.6", Generator: "osmfake"}
	for _, o := range c.objs {
		ch.AppendModify(clone(o))
	}
	writeXML(w, ch)
}

func (s *Server) upload(w http.ResponseWriter, r *http.Request, id int64) {
	uid, ok := s.user(w, r)
	if !ok {
		return
	}
	body, _ := io.ReadAll(r.Body)
	var ch osm.Change
	if err := xml.Unmarshal(body, &ch); err != nil {
		apiError(w, http.StatusBadRequest, "Cannot parse valid osmChange: "+err.Error())
		return
	}
	if ch.Delete != nil && len(ch.Delete.Objects()) > 0 || ch.Create != nil && (len(ch.Create.Ways) > 0 || len(ch.Create.Relations) > 0) {
		apiError(w, http.StatusBadRequest, "osmfake supports node creation and modifications only")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.changesets[id]
	switch {
	case c == nil:
		apiError(w, http.StatusNotFound, "")
		return
	case c.User != uid:
		apiError(w, http.StatusConflict, "The user doesn't own that changeset")
		return
	case !c.Open:
		apiError(w, http.StatusConflict, fmt.Sprintf("The changeset %d was closed at %s", id, time.Now().UTC().Format(time.RFC3339)))
		return
	}
	var mods []osm.Object
	if ch.Modify != nil {
		for _, o := range ch.Modify.Objects() {
			mods = append(mods, o)
		}
	}
	// check everything first: the real API applies a diff whole or not at all
	for _, o := range mods {
		k := keyOf(o)
		e := s.elems[k]
		name := strings.ToUpper(k.typ[:1]) + k.typ[1:]
		switch {
		case e == nil:
			apiError(w, http.StatusNotFound, "")
			return
		case e.deleted:
			apiError(w, http.StatusGone, fmt.Sprintf("The %s with the id %d has already been deleted", k.typ, k.id))
			return
		case changesetOf(o) != id:
			apiError(w, http.StatusConflict, fmt.Sprintf("Changeset mismatch: Provided %d but only %d is allowed", changesetOf(o), id))
			return
		case version(o) != version(e.obj):
			apiError(w, http.StatusConflict, fmt.Sprintf("Version mismatch: Provided %d, server had: %d of %s %d", version(o), version(e.obj), name, k.id))
			return
		}
		if wy, ok := o.(*osm.Way); ok {
			for _, wn := range wy.Nodes {
				if n := s.elems[elemKey{"node", int64(wn.ID)}]; n == nil || n.deleted {
					apiError(w, http.StatusPreconditionFailed, fmt.Sprintf("Precondition failed: Way %d requires the nodes with id in (%d), which either do not exist, or are not visible.", k.id, wn.ID))
					return
				}
			}
		}
	}
	type res struct {
		XMLName    xml.Name
		OldID      int64 `xml:"old_id,attr"`
		NewID      int64 `xml:"new_id,attr"`
		NewVersion int   `xml:"new_version,attr"`
	}
	out := struct {
		XMLName xml.Name `xml:"diffResult"`
		Version string   `xml:"version,attr"`
		Items   []res
	}{Version: "0.6"}
	if ch.Create != nil {
		for _, n := range ch.Create.Nodes {
			if n.ID >= 0 || changesetOf(n) != id {
				apiError(w, http.StatusBadRequest, "a created node needs a negative placeholder id and this changeset")
				return
			}
		}
		for _, n := range ch.Create.Nodes {
			newID := int64(1)
			for k := range s.elems {
				if k.typ == "node" && k.id >= newID {
					newID = k.id + 1
				}
			}
			c := clone(n).(*osm.Node)
			c.ID = osm.NodeID(newID)
			setMeta(c, 1, id)
			s.elems[elemKey{"node", newID}] = &elem{obj: c}
			c2 := s.changesets[id]
			c2.objs = append(c2.objs, clone(c))
			c2.Count++
			out.Items = append(out.Items, res{XMLName: xml.Name{Local: "node"}, OldID: int64(n.ID), NewID: newID, NewVersion: 1})
		}
	}
	for _, o := range mods {
		k := keyOf(o)
		e := s.elems[k]
		n := clone(o)
		if wy, ok := n.(*osm.Way); ok {
			for i := range wy.Nodes {
				wy.Nodes[i] = osm.WayNode{ID: wy.Nodes[i].ID}
			}
		}
		v := version(e.obj) + 1
		setMeta(n, v, id)
		e.obj = n
		c.objs = append(c.objs, clone(n))
		c.Count++
		s.uploads = append(s.uploads, Upload{Type: k.typ, ID: k.id, Version: v, Changeset: id})
		out.Items = append(out.Items, res{XMLName: xml.Name{Local: k.typ}, OldID: k.id, NewID: k.id, NewVersion: v})
	}
	writeXML(w, out)
}

func (s *Server) closeChangeset(w http.ResponseWriter, r *http.Request, id int64) {
	uid, ok := s.user(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.changesets[id]
	switch {
	case c == nil:
		apiError(w, http.StatusNotFound, "")
	case c.User != uid:
		apiError(w, http.StatusConflict, "The user doesn't own that changeset")
	case !c.Open:
		apiError(w, http.StatusConflict, fmt.Sprintf("The changeset %d was closed at %s", id, time.Now().UTC().Format(time.RFC3339)))
	default:
		c.Open = false
	}
}

// CloseChangeset closes a changeset as the server does after an hour idle.
func (s *Server) CloseChangeset(id int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.changesets[id]; c != nil {
		c.Open = false
	}
}

func (s *Server) createNote(w http.ResponseWriter, r *http.Request) {
	uid, ok := s.user(w, r)
	if !ok {
		return
	}
	if err := r.ParseForm(); err != nil {
		apiError(w, http.StatusBadRequest, "bad form")
		return
	}
	lat, err1 := strconv.ParseFloat(r.Form.Get("lat"), 64)
	lon, err2 := strconv.ParseFloat(r.Form.Get("lon"), 64)
	text := r.Form.Get("text")
	if err1 != nil || err2 != nil || text == "" {
		apiError(w, http.StatusBadRequest, "No lat, lon or text was given")
		return
	}
	s.mu.Lock()
	id := int64(len(s.notes) + 1)
	s.notes = append(s.notes, Note{ID: id, Lon: lon, Lat: lat, Text: text, User: uid})
	n := noteXML(s.notes[id-1])
	s.mu.Unlock()
	writeXML(w, &osm.OSM{Version: "0.6", Notes: osm.Notes{n}})
}

func noteXML(n Note) *osm.Note {
	return &osm.Note{ID: osm.NoteID(n.ID), Lat: n.Lat, Lon: n.Lon, Status: osm.NoteOpen,
		DateCreated: osm.Date{Time: time.Now().UTC().Truncate(time.Second)},
		Comments:    []*osm.NoteComment{{Action: osm.NoteCommentOpened, Text: n.Text, UserID: osm.UserID(n.User)}}}
}

func (s *Server) getNotes(w http.ResponseWriter, r *http.Request) {
	b := strings.Split(r.URL.Query().Get("bbox"), ",")
	if len(b) != 4 {
		apiError(w, http.StatusBadRequest, "The parameter bbox is required")
		return
	}
	var f [4]float64
	for i := range b {
		v, err := strconv.ParseFloat(b[i], 64)
		if err != nil {
			apiError(w, http.StatusBadRequest, "bad bbox")
			return
		}
		f[i] = v
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := &osm.OSM{Version: "0.6"}
	for _, n := range s.notes {
		if n.Lon >= f[0] && n.Lat >= f[1] && n.Lon <= f[2] && n.Lat <= f[3] {
			out.Notes = append(out.Notes, noteXML(n))
		}
	}
	writeXML(w, out)
}

func (s *Server) userDetails(w http.ResponseWriter, r *http.Request) {
	uid, ok := s.user(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	name := s.users[uid]
	s.mu.Unlock()
	writeXML(w, &osm.OSM{Version: "0.6", Users: osm.Users{{ID: osm.UserID(uid), Name: name}}})
}

// authorize approves at once: it redirects to redirect_uri with a code, as
// OSM does once the mapper clicked "Authorize".
func (s *Server) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	switch {
	case q.Get("client_id") != s.ClientID:
		http.Error(w, "unknown client", http.StatusBadRequest)
		return
	case q.Get("response_type") != "code":
		http.Error(w, "response_type must be code", http.StatusBadRequest)
		return
	case q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "":
		http.Error(w, "PKCE S256 required", http.StatusBadRequest)
		return
	}
	for _, sc := range strings.Fields(q.Get("scope")) {
		if sc != "read_prefs" && sc != "write_api" && sc != "write_notes" {
			http.Error(w, "unexpected scope "+sc, http.StatusBadRequest)
			return
		}
	}
	code := random()
	s.mu.Lock()
	s.codes[code] = codeGrant{challenge: q.Get("code_challenge"), redirect: q.Get("redirect_uri"), user: 1}
	s.mu.Unlock()
	if q.Get("redirect_uri") == "urn:ietf:wg:oauth:2.0:oob" {
		// OSM shows the code on a page for the mapper to copy
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, code)
		return
	}
	u, err := url.Parse(q.Get("redirect_uri"))
	if err != nil || u.Host == "" {
		http.Error(w, "bad redirect_uri", http.StatusBadRequest)
		return
	}
	v := u.Query()
	v.Set("code", code)
	v.Set("state", q.Get("state"))
	u.RawQuery = v.Encode()
	http.Redirect(w, r, u.String(), http.StatusFound)
}

func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		tokenError(w, "invalid_request")
		return
	}
	f := r.PostForm
	id, secret := f.Get("client_id"), f.Get("client_secret")
	if u, p, ok := r.BasicAuth(); ok {
		id, secret = u, p
	}
	if id != s.ClientID || secret != s.ClientSecret {
		tokenError(w, "invalid_client")
		return
	}
	if f.Get("grant_type") != "authorization_code" {
		tokenError(w, "unsupported_grant_type")
		return
	}
	s.mu.Lock()
	g, ok := s.codes[f.Get("code")]
	delete(s.codes, f.Get("code")) // a code is good once
	s.mu.Unlock()
	sum := sha256.Sum256([]byte(f.Get("code_verifier")))
	switch {
	case !ok, g.redirect != f.Get("redirect_uri"):
		tokenError(w, "invalid_grant")
		return
	case base64.RawURLEncoding.EncodeToString(sum[:]) != g.challenge:
		tokenError(w, "invalid_grant") // PKCE verifier does not match
		return
	}
	tok := random()
	s.mu.Lock()
	s.tokens[tok] = g.user
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"access_token": tok, "token_type": "Bearer",
		"scope": "read_prefs write_api write_notes", "created_at": time.Now().Unix()})
}

func tokenError(w http.ResponseWriter, code string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusBadRequest)
	json.NewEncoder(w).Encode(map[string]string{"error": code})
}

func random() string {
	b := make([]byte, 16)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func tags(m map[string]string) osm.Tags {
	var ts osm.Tags
	for k, v := range m {
		ts = append(ts, osm.Tag{Key: k, Value: v})
	}
	ts.SortByKeyValue()
	return ts
}

func clone(o osm.Object) osm.Object {
	switch o := o.(type) {
	case *osm.Node:
		n := *o
		n.Tags = append(osm.Tags(nil), o.Tags...)
		return &n
	case *osm.Way:
		w := *o
		w.Tags = append(osm.Tags(nil), o.Tags...)
		w.Nodes = append(osm.WayNodes(nil), o.Nodes...)
		return &w
	case *osm.Relation:
		r := *o
		r.Tags = append(osm.Tags(nil), o.Tags...)
		r.Members = append(osm.Members(nil), o.Members...)
		return &r
	}
	return o
}

func version(o osm.Object) int {
	switch o := o.(type) {
	case *osm.Node:
		return o.Version
	case *osm.Way:
		return o.Version
	case *osm.Relation:
		return o.Version
	}
	return 0
}

func changesetOf(o osm.Object) int64 {
	switch o := o.(type) {
	case *osm.Node:
		return int64(o.ChangesetID)
	case *osm.Way:
		return int64(o.ChangesetID)
	case *osm.Relation:
		return int64(o.ChangesetID)
	}
	return 0
}

func setMeta(o osm.Object, v int, cs int64) {
	now := time.Now().UTC().Truncate(time.Second)
	switch o := o.(type) {
	case *osm.Node:
		o.Version, o.ChangesetID, o.Timestamp, o.Visible = v, osm.ChangesetID(cs), now, true
	case *osm.Way:
		o.Version, o.ChangesetID, o.Timestamp, o.Visible = v, osm.ChangesetID(cs), now, true
	case *osm.Relation:
		o.Version, o.ChangesetID, o.Timestamp, o.Visible = v, osm.ChangesetID(cs), now, true
	}
}
