package api

// The adapter to geo's opening_hours engine: the only file that calls it.

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"codeberg.org/openmap/openmap/geo"
	"codeberg.org/openmap/openmap/signs"
)

type schedule struct{ h *geo.Hours }

func parseHours(value string) (*schedule, error) {
	h, err := geo.ParseHours(value)
	if err != nil {
		return nil, err
	}
	return &schedule{h}, nil
}

func parseHoursLenient(value, lang string) (*schedule, []string, error) {
	h, warns, err := geo.ParseHoursLenient(value)
	out := make([]string, len(warns))
	for i, w := range warns {
		out[i] = w.Message(lang)
	}
	if err != nil {
		return nil, out, err
	}
	return &schedule{h}, out, nil
}

func errorPos(err error) (int, bool) {
	var he *geo.HoursError
	if errors.As(err, &he) {
		return he.Pos, true
	}
	return 0, false
}

func errorText(err error, lang string) string {
	var he *geo.HoursError
	if errors.As(err, &he) {
		return he.Localized(lang)
	}
	return err.Error()
}

func gctx(hc hoursCtx) geo.HoursContext {
	return geo.HoursContext{Location: hc.loc, Country: hc.country, Lat: hc.lat, Lon: hc.lon}
}

func (s *schedule) String() string { return s.h.String() }

func (s *schedule) stateAt(t time.Time, hc hoursCtx) string { return s.h.StateAt(t, gctx(hc)).State }

func (s *schedule) nextChange(t time.Time, hc hoursCtx) (time.Time, bool) {
	return s.h.NextChange(t, gctx(hc))
}

var weekdayNames = map[string][7]string{
	"fr": {"Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche"},
	"en": {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"},
}

func langOr(lang string) string {
	if lang == "fr" {
		return "fr"
	}
	return "en"
}

// week returns seven days from the day of from, in the place's time zone:
// the open intervals of each day ("09:00–12:00, 14:00–18:00"), "closed",
// or the comment of a day in an unknown state.
func (s *schedule) week(lang string, from time.Time, hc hoursCtx) []dayHours {
	ln := langOr(lang)
	loc := hc.loc
	if loc == nil {
		loc = time.UTC
	}
	lt := from.In(loc)
	day0 := time.Date(lt.Year(), lt.Month(), lt.Day(), 0, 0, 0, 0, loc)
	out := make([]dayHours, 0, 7)
	for i := 0; i < 7; i++ {
		start := day0.AddDate(0, 0, i)
		end := day0.AddDate(0, 0, i+1)
		var parts []string
		unknown := ""
		for _, iv := range s.h.Intervals(start, end, gctx(hc)) {
			switch iv.State {
			case "open":
				e := iv.End.In(loc).Format("15:04")
				if iv.End.Equal(end) {
					e = "24:00"
				}
				p := iv.Start.In(loc).Format("15:04") + "–" + e
				if iv.Comment != "" {
					p += " (" + iv.Comment + ")"
				}
				parts = append(parts, p)
			case "unknown":
				unknown = iv.Comment
				if unknown == "" {
					unknown = map[string]string{"fr": "inconnu", "en": "unknown"}[ln]
				}
			}
		}
		text := strings.Join(parts, ", ")
		switch {
		case text == "" && unknown != "":
			text = unknown
		case text == "":
			text = map[string]string{"fr": "fermé", "en": "closed"}[ln]
		case unknown != "":
			text += fmt.Sprintf(" ; %s", unknown)
		}
		wd := (int(start.Weekday()) + 6) % 7
		out = append(out, dayHours{Day: weekdayNames[ln][wd], Date: start.Format("2006-01-02"), Text: text})
	}
	return out
}

// posterWeek is the week table of a shop poster from the day of from, as
// signs prints it; false if raw cannot be read even leniently.
func posterWeek(raw string, from time.Time, hc hoursCtx, l signs.Lang) ([]signs.DayLine, bool) {
	h, _, err := geo.ParseHoursLenient(raw)
	if err != nil {
		return nil, false
	}
	return signs.WeekOf(h, from, gctx(hc), l), true
}
