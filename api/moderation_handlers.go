package api

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
)

// requireRole lets through requests with "Authorization: Bearer <token>" of
// that role; 401 without a valid token, 403 with one of another role.
func (s *Server) requireRole(role string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			tok, ok := strings.CutPrefix(c.Request().Header.Get("Authorization"), "Bearer ")
			if !ok || tok == "" {
				c.Response().Header().Set("WWW-Authenticate", `Bearer realm="openmap"`)
				return problem(http.StatusUnauthorized, "token", "a moderator token is needed (Authorization: Bearer …)",
					"il faut un jeton de modérateur (Authorization: Bearer …)")
			}
			got, err := s.tokenRole(c.Request().Context(), tok)
			if err != nil {
				return err
			}
			if got != role {
				return problem(http.StatusForbidden, "token", "this token may not moderate", "ce jeton ne permet pas de modérer")
			}
			return next(c)
		}
	}
}

func reportID(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("rid"), 10, 64)
	if err != nil || id <= 0 {
		return 0, problem(http.StatusNotFound, "id", "no such report", "signalement inconnu")
	}
	return id, nil
}

// hideReport answers POST /api/v1/moderation/reports/:rid/hide.
func (s *Server) hideReport(c echo.Context) error { return s.setHidden(c, true) }

// unhideReport answers POST /api/v1/moderation/reports/:rid/unhide.
func (s *Server) unhideReport(c echo.Context) error { return s.setHidden(c, false) }

func (s *Server) setHidden(c echo.Context, hidden bool) error {
	id, err := reportID(c)
	if err != nil {
		return err
	}
	r, err := s.st.HideReport(c.Request().Context(), id, hidden, s.now())
	if err != nil {
		return err
	}
	return sendJSON(c, http.StatusOK, map[string]any{"id": r.ID, "place": r.Place.String(), "hidden": r.Hidden})
}

// blockContributor answers POST /api/v1/moderation/contributors/block with
// {"report_id": N}: the key behind that report may no longer report, and
// its reports are hidden.
func (s *Server) blockContributor(c echo.Context) error {
	var body struct {
		ReportID int64 `json:"report_id"`
	}
	dec := json.NewDecoder(c.Request().Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil {
		en, fr := jsonProblem(err)
		return badRequest("", "malformed JSON body: "+en, "corps JSON mal formé : "+fr)
	}
	if body.ReportID <= 0 {
		return badRequest("report_id", "report_id: want a report id", "report_id : on attend un numéro de signalement")
	}
	n, err := s.st.BlockContributorOf(c.Request().Context(), body.ReportID, s.now())
	if err != nil {
		return err
	}
	return sendJSON(c, http.StatusOK, map[string]any{"blocked": true, "reports_hidden": n})
}

// lockPlace answers POST /api/v1/moderation/places/:type/:id/lock.
func (s *Server) lockPlace(c echo.Context) error { return s.setLock(c, true) }

// unlockPlace answers POST /api/v1/moderation/places/:type/:id/unlock.
func (s *Server) unlockPlace(c echo.Context) error { return s.setLock(c, false) }

func (s *Server) setLock(c echo.Context, locked bool) error {
	id, err := placeID(c)
	if err != nil {
		return err
	}
	if err := s.st.LockPlace(c.Request().Context(), id, locked, s.now()); err != nil {
		return err
	}
	return sendJSON(c, http.StatusOK, map[string]any{"id": id.String(), "locked": locked})
}
