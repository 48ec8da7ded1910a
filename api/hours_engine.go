//go:build geohours

package api

// The adapter to geo's opening_hours engine. When geo.ParseHours is on
// main, drop the build tag here and delete hours_local.go.

import (
	"errors"
	"time"

	"codeberg.org/openmap/openmap/geo"
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

func (s *schedule) week(lang string, from time.Time, hc hoursCtx) []dayHours {
	var out []dayHours
	for _, d := range s.h.Week(lang, from, gctx(hc)) {
		out = append(out, dayHours{Day: d.Day, Date: d.Date, Text: d.Text})
	}
	return out
}
