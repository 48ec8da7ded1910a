package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"codeberg.org/openmap/openmap/geo"
	"codeberg.org/openmap/openmap/internal/store"
	"github.com/labstack/echo/v4"
)

// ContributorHeader carries the anonymous contributor key.
const ContributorHeader = "X-Openmap-Contributor"

// Limits of a report.
const (
	maxRemark     = 500 // characters
	maxHoursValue = 255 // characters, as OSM tag values
)

// reportBody is the JSON of POST /api/v1/places/:type/:id/reports.
type reportBody struct {
	Status       string `json:"status"`
	OpeningHours string `json:"opening_hours"`
	Delivery     *bool  `json:"delivery"`
	Takeaway     *bool  `json:"takeaway"`
	Pickup       *bool  `json:"pickup"`
	Remark       string `json:"remark"`
}

// validKey checks a contributor key: 22 to 64 characters of A-Z a-z 0-9 _ -.
func validKey(k string) bool {
	if len(k) < 22 || len(k) > 64 {
		return false
	}
	for _, r := range k {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}

// postReport answers POST /api/v1/places/:type/:id/reports.
func (s *Server) postReport(c echo.Context) error {
	id, err := placeID(c)
	if err != nil {
		return err
	}
	var body reportBody
	dec := json.NewDecoder(c.Request().Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return echo.ErrStatusRequestEntityTooLarge
		}
		en, fr := jsonProblem(err)
		return badRequest("", "malformed JSON body: "+en, "corps JSON mal formé : "+fr)
	}
	if dec.More() {
		return badRequest("", "malformed JSON body: one object expected", "corps JSON mal formé : un seul objet attendu")
	}
	if _, err := io.Copy(io.Discard, dec.Buffered()); err != nil {
		return err
	}
	ctx := c.Request().Context()
	who, trusted, err := s.contributor(ctx, c.Request().Header.Get(ContributorHeader), c.Request().Header.Get("Authorization"))
	if err != nil {
		return err
	}
	rid, inputs, err := s.record(ctx, id, body, who, trusted, c.RealIP())
	if err != nil {
		return err
	}
	switch prefer(c.Request().Header.Get("Prefer")) {
	case "return=representation":
		// RFC 7240: the whole place document, as GET would answer it
		// (what the map shows after a report).
		doc, err := s.placeDoc(ctx, id, lang(c), false, &inputs)
		if err != nil {
			return err
		}
		c.Response().Header().Set("Preference-Applied", "return=representation")
		return sendJSON(c, http.StatusCreated, doc)
	case "return=minimal":
		c.Response().Header().Set("Preference-Applied", "return=minimal")
	}
	// The new status, which the counting reports alone decide (the place
	// now has one), without a read of the place.
	st := s.statusAfterReport(inputs, lang(c))
	return sendJSON(c, http.StatusCreated, statusAnswer{ID: id.String(), ReportID: rid, Status: st})
}

// statusAnswer is the 201 body of a report: the place's new status.
type statusAnswer struct {
	ID       string    `json:"id"`
	ReportID int64     `json:"report_id"`
	Status   StatusDoc `json:"status"`
}

// prefer reads the return preference of a Prefer header (RFC 7240):
// "return=minimal", "return=representation" or "".
func prefer(h string) string {
	for _, p := range strings.Split(h, ",") {
		switch p = strings.ToLower(strings.TrimSpace(p)); p {
		case "return=minimal", "return=representation":
			return p
		}
	}
	return ""
}

// statusAfterReport computes the status of a place right after a report
// was stored, from the window's reports read back in its transaction: with
// at least one counting report, OSM's tags do not speak.
func (s *Server) statusAfterReport(inputs []geo.Report, ln string) StatusDoc {
	cs := s.cfg.Rules.Compute(s.now(), inputs, s.evidence(false, nil))
	return StatusDoc{Status: string(cs.Status), Confidence: string(cs.Confidence),
		LastConfirmed: timeOrNil(cs.LastConfirmed), Since: timeOrNil(cs.Since), Label: cs.Status.Label().In(ln)}
}

// jsonProblem says what is wrong with a body, in English and French,
// without echoing it.
func jsonProblem(err error) (en, fr string) {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.EOF):
		return "empty body", "corps vide"
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "the JSON ends too early", "le JSON s'arrête trop tôt"
	case errors.As(err, &se):
		return fmt.Sprintf("syntax error at byte %d", se.Offset), fmt.Sprintf("erreur de syntaxe à l'octet %d", se.Offset)
	case errors.As(err, &te) && te.Field == "":
		return "the body must be one JSON object", "le corps doit être un objet JSON"
	case errors.As(err, &te):
		return fmt.Sprintf("field %q has the wrong type", te.Field), fmt.Sprintf("le champ %q n'a pas le bon type", te.Field)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		f := strings.TrimPrefix(err.Error(), "json: unknown field ")
		return "unknown field " + f, "champ inconnu " + f
	}
	return "cannot be read", "illisible"
}

// contributor resolves who reports: a token holder (Authorization: Bearer),
// whose report is trusted, or an anonymous key. Either way only a keyed
// hash leaves this function.
func (s *Server) contributor(ctx context.Context, key, auth string) ([]byte, string, error) {
	if tok, ok := strings.CutPrefix(auth, "Bearer "); ok {
		role, err := s.tokenRole(ctx, tok)
		if err != nil {
			return nil, "", err
		}
		return s.contributorHash("token:" + tok), role, nil
	}
	if !validKey(key) {
		return nil, "", badRequest("contributor", ContributorHeader+": want a random key of 22 to 64 characters A-Z a-z 0-9 _ -",
			ContributorHeader+" : on attend une clé aléatoire de 22 à 64 caractères A-Z a-z 0-9 _ -")
	}
	return s.contributorHash(key), "", nil
}

// voiceKey is the key of the voices table for an anonymous report from ip
// on place (voices.go); false when ip does not parse.
func (s *Server) voiceKey(ip string, place geo.PlaceID) ([32]byte, bool) {
	var key [32]byte
	n := voiceNetwork(ip)
	if n == "" {
		return key, false
	}
	copy(key[:], s.contributorHash("voice|"+n+"|"+place.String()))
	return key, true
}

// voiceOf is the contributor an anonymous report of who, from the address
// behind key, is stored as: the address's voice on the place, unless that
// voice is blocked (then who speaks for itself) or who is (then the store
// refuses it as who). The blocks are read only when the two differ.
func (s *Server) voiceOf(ctx context.Context, key [32]byte, who []byte, now time.Time) ([]byte, error) {
	v, ok := s.voices.lookup(key, now)
	if !ok || bytes.Equal(v, who) {
		return who, nil
	}
	for _, h := range [][]byte{who, v} {
		if blocked, err := s.st.Blocked(ctx, h); err != nil || blocked {
			return who, err
		}
	}
	return v, nil
}

// record validates a report and stores it; ip is the client's address,
// whose voice on the place an anonymous report is (voices.go). It returns
// the report id and the place's status inputs right after it.
func (s *Server) record(ctx context.Context, id geo.PlaceID, b reportBody, who []byte, trusted, ip string) (int64, []geo.Report, error) {
	st, err := geo.ParseStatus(b.Status)
	if err != nil {
		return 0, nil, badRequest("status", "status: want one of open, open_adapted, partial, closed, gone",
			"status : on attend open, open_adapted, partial, closed ou gone")
	}
	b.OpeningHours = strings.TrimSpace(b.OpeningHours)
	b.Remark = strings.TrimSpace(b.Remark)
	if !utf8.ValidString(b.Remark) || !utf8.ValidString(b.OpeningHours) {
		return 0, nil, badRequest("remark", "text must be UTF-8", "le texte doit être en UTF-8")
	}
	if n := utf8.RuneCountInString(b.Remark); n > maxRemark {
		return 0, nil, badRequest("remark", fmt.Sprintf("remark: at most %d characters (got %d)", maxRemark, n),
			fmt.Sprintf("remark : au plus %d caractères (reçu %d)", maxRemark, n))
	}
	if strings.IndexFunc(b.Remark, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' }) >= 0 {
		return 0, nil, badRequest("remark", "remark: control characters are not allowed", "remark : caractères de contrôle interdits")
	}
	if b.OpeningHours != "" && (st == geo.StatusClosed || st == geo.StatusGone) {
		// Hours on a closed place would be shown, and printed, as hours
		// in force.
		return 0, nil, badRequest("opening_hours", "opening_hours: a place reported closed or gone has no hours; leave the field empty",
			"opening_hours : un lieu signalé fermé ou disparu n'a pas d'horaires ; laissez le champ vide")
	}
	if b.OpeningHours != "" {
		if n := utf8.RuneCountInString(b.OpeningHours); n > maxHoursValue {
			return 0, nil, badRequest("opening_hours", fmt.Sprintf("opening_hours: at most %d characters", maxHoursValue),
				fmt.Sprintf("opening_hours : au plus %d caractères", maxHoursValue))
		}
		if _, err := s.hours.get(b.OpeningHours); err != nil {
			p := problem(http.StatusUnprocessableEntity, "opening_hours", "opening_hours: "+errorText(err, "en"), "opening_hours : "+errorText(err, "fr"))
			if pos, ok := errorPos(err); ok {
				p.Position = &pos
			}
			if fixed, _, lerr := parseHoursLenient(b.OpeningHours, "en"); lerr == nil {
				p.Suggestion = fixed.String()
			}
			return 0, nil, p
		}
	}
	if ok, wait := s.limKey.allow(string(who)); !ok {
		s.metrics.limited("contributor")
		return 0, nil, tooMany(wait)
	}
	now := s.now()
	var key [32]byte
	tied := false
	if trusted == "" { // a token holder speaks for themselves
		key, tied = s.voiceKey(ip, id)
	}
	if tied {
		if who, err = s.voiceOf(ctx, key, who, now); err != nil {
			return 0, nil, err
		}
	}
	rid, inputs, err := s.st.AddReportInputs(ctx, store.NewReport{Place: id, Status: st, OpeningHours: b.OpeningHours,
		Delivery: b.Delivery, Takeaway: b.Takeaway, Pickup: b.Pickup, Remark: b.Remark, At: now,
		Contributor: who, Trusted: trusted}, now.Add(-s.cfg.Rules.Window-s.cfg.Rules.Skew))
	if err != nil {
		return 0, nil, err
	}
	if tied {
		s.voices.remember(key, who, now)
	}
	s.metrics.reportCreated()
	return rid, inputs, nil
}

// tokenRole checks a bearer token; 401 if it is unknown.
func (s *Server) tokenRole(ctx context.Context, tok string) (string, error) {
	h := sha256.Sum256([]byte(tok))
	role, err := s.st.TokenRole(ctx, h[:])
	if errors.Is(err, store.ErrNotFound) {
		return "", problem(http.StatusUnauthorized, "token", "unknown or revoked token", "jeton inconnu ou révoqué")
	}
	return role, err
}
