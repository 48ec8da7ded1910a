package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"codeberg.org/openmap/openmap/internal/store"
	"github.com/labstack/echo/v4"
)

// Problem is an RFC 9457 problem body, with the detail in French as well.
type Problem struct {
	Type       string `json:"type"`
	Title      string `json:"title"`
	Status     int    `json:"status"`
	Detail     string `json:"detail,omitempty"`
	DetailFR   string `json:"detail_fr,omitempty"`
	Field      string `json:"field,omitempty"`
	Suggestion string `json:"suggestion,omitempty"`
	Position   *int   `json:"position,omitempty"`
	// retryAfter, in seconds, becomes the Retry-After header of a 429.
	retryAfter int
}

// Error makes a Problem usable as an error returned by a handler.
func (p *Problem) Error() string { return fmt.Sprintf("%d %s: %s", p.Status, p.Title, p.Detail) }

// problem builds a client error with its English and French detail.
func problem(status int, field, en, fr string) *Problem {
	return &Problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Detail: en, DetailFR: fr, Field: field}
}

func badRequest(field, en, fr string) *Problem { return problem(http.StatusBadRequest, field, en, fr) }

// handleError is the one place where errors become responses: problems as
// they are, echo's own errors (404 route, 405, 413) with their code, store
// sentinels with theirs, and anything else as a 500 whose text is logged
// once and never sent.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	var p *Problem
	var he *echo.HTTPError
	switch {
	case errors.As(err, &p):
	case errors.As(err, &he):
		switch he.Code {
		case http.StatusRequestEntityTooLarge:
			p = problem(he.Code, "", fmt.Sprintf("the body is larger than %d bytes", s.cfg.MaxBodyBytes),
				fmt.Sprintf("le corps de la requête dépasse %d octets", s.cfg.MaxBodyBytes))
		case http.StatusNotFound:
			p = problem(he.Code, "", "no such resource", "ressource inconnue")
		case http.StatusMethodNotAllowed:
			p = problem(he.Code, "", "method not allowed here", "méthode non permise ici")
		default:
			if he.Code >= 500 {
				s.log.Error("request failed", "route", c.Path(), "error", fmt.Sprint(he.Message), "internal", fmt.Sprint(he.Internal))
				p = problem(http.StatusInternalServerError, "", "internal error", "erreur interne")
			} else {
				p = problem(he.Code, "", http.StatusText(he.Code), http.StatusText(he.Code))
			}
		}
	case errors.Is(err, context.Canceled):
		// The client went away: nothing to log as a failure, and
		// nobody reads the answer (499, as nginx says).
		p = &Problem{Type: "about:blank", Title: "Client Closed Request", Status: 499, Detail: "request canceled", DetailFR: "requête annulée"}
	case errors.Is(err, store.ErrNotFound):
		p = problem(http.StatusNotFound, "", "no such place or report", "lieu ou signalement inconnu")
	case errors.Is(err, store.ErrLocked):
		p = problem(http.StatusConflict, "", "a moderator locked this place: reports are closed", "un modérateur a verrouillé ce lieu : signalements fermés")
	case errors.Is(err, store.ErrBlocked):
		p = problem(http.StatusForbidden, "", "this contributor key is blocked", "cette clé de contributeur est bloquée")
	default:
		s.log.Error("request failed", "route", c.Path(), "method", c.Request().Method, "error", err.Error())
		p = problem(http.StatusInternalServerError, "", "internal error", "erreur interne")
	}
	if p.retryAfter > 0 {
		c.Response().Header().Set("Retry-After", strconv.Itoa(p.retryAfter))
	}
	c.Response().Header().Set(echo.HeaderContentType, "application/problem+json")
	c.Response().WriteHeader(p.Status)
	if c.Request().Method == http.MethodHead {
		return
	}
	_ = writeJSONBody(c.Response(), p)
}
