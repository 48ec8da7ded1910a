package api

import (
	"net/http"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
)

type hoursCheck struct {
	Valid      bool       `json:"valid"`
	Error      *string    `json:"error"`
	Position   *int       `json:"position"`
	Normalized string     `json:"normalized"`
	Suggestion *string    `json:"suggestion"`
	Warnings   []string   `json:"warnings"`
	Week       []dayHours `json:"week"`
}

// checkHours answers GET /api/v1/hours/check?value=…, the live validation
// of the report form. Position counts characters from 0.
func (s *Server) checkHours(c echo.Context) error {
	v := c.QueryParam("value")
	if utf8.RuneCountInString(v) > maxHoursValue {
		return badRequest("value", "value: at most 255 characters", "value : au plus 255 caractères")
	}
	ln := lang(c)
	out := hoursCheck{Warnings: []string{}, Week: []dayHours{}}
	now := s.now()
	hc := s.zones.def
	sch, err := parseHours(v)
	if err == nil {
		out.Valid = true
		out.Normalized = sch.String()
		out.Week = sch.week(ln, now, hc)
		return sendJSON(c, http.StatusOK, out)
	}
	msg := errorText(err, ln)
	out.Error = &msg
	if pos, ok := errorPos(err); ok {
		out.Position = &pos
	}
	if fixed, warns, lerr := parseHoursLenient(v, ln); lerr == nil {
		sg := fixed.String()
		out.Suggestion = &sg
		out.Normalized = sg
		out.Warnings = append(out.Warnings, warns...)
		out.Week = fixed.week(ln, now, hc)
	}
	return sendJSON(c, http.StatusOK, out)
}
