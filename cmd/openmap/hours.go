package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"codeberg.org/openmap/openmap/geo"
)

// instants is a repeatable flag of RFC 3339 instants (--at A --at B).
type instants []time.Time

func (a *instants) String() string {
	s := make([]string, len(*a))
	for i, t := range *a {
		s[i] = t.Format(time.RFC3339)
	}
	return strings.Join(s, ",")
}

func (a *instants) Set(v string) error {
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return fmt.Errorf("not an RFC 3339 instant (2025-06-03T10:00:00+02:00): %q", v)
	}
	*a = append(*a, t)
	return nil
}

// hoursLine is one output line of openmap hours.
type hoursLine struct {
	Value      string    `json:"value"`
	Valid      bool      `json:"valid"`
	Error      *string   `json:"error"`
	Normalized *string   `json:"normalized"`
	Warnings   []string  `json:"warnings"`
	Open       []*bool   `json:"open"`
	NextChange []*string `json:"next_change"`
}

// runHours reads opening_hours values on stdin, one a line, and prints one
// JSON object a line: validity, error, canonical form, lenient repairs, and
// the state and next change at each --at instant (now when none is given).
// Invalid values are reported in the JSON; only usage errors fail.
func runHours(ctx context.Context, args []string, getenv env, s streams) error {
	fs := newFlags("hours", s)
	var at instants
	fs.Var(&at, "at", "instant to evaluate at, RFC 3339 (repeatable; default now)")
	tz := fs.String("tz", "Europe/Paris", "time zone of the places (IANA name)")
	country := fs.String("country", "FR", "country or subdivision for public holidays (FR, DE, DE-BE, MC; empty: none)")
	lat := fs.Float64("lat", 48.8566, "latitude for sunrise/sunset, degrees north")
	lon := fs.Float64("lon", 2.3522, "longitude for sunrise/sunset, degrees east")
	lenient := fs.Bool("lenient", false, "repair common mistakes, with warnings")
	fs.Usage = func() {
		fmt.Fprintln(s.stderr, "usage: openmap hours [--at RFC3339 ...] [--tz Europe/Paris] [--country FR] [--lat Y --lon X] [--lenient] < values")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args, getenv); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: hours reads values on stdin, unexpected argument %q", errUsage, fs.Arg(0))
	}
	loc, err := time.LoadLocation(*tz)
	if err != nil {
		return fmt.Errorf("%w: --tz %q: %v", errUsage, *tz, err)
	}
	if *lat < -90 || *lat > 90 || *lon < -180 || *lon > 180 {
		return fmt.Errorf("%w: --lat must be within ±90 and --lon within ±180", errUsage)
	}
	if len(at) == 0 {
		at = instants{time.Now()}
	}
	hctx := geo.HoursContext{Location: loc, Country: *country, Lat: *lat, Lon: *lon}
	enc := json.NewEncoder(s.stdout)
	enc.SetEscapeHTML(false)
	sc := bufio.NewScanner(s.stdin)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		if err := ctx.Err(); err != nil {
			return err
		}
		line := hoursFor(strings.TrimSuffix(sc.Text(), "\r"), at, hctx, *lenient)
		if err := enc.Encode(line); err != nil {
			return fmt.Errorf("hours: write: %w", err)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("hours: read stdin: %w", err)
	}
	return nil
}

func hoursFor(value string, at []time.Time, hctx geo.HoursContext, lenient bool) hoursLine {
	out := hoursLine{Value: value, Warnings: []string{}, Open: make([]*bool, len(at)), NextChange: make([]*string, len(at))}
	var h *geo.Hours
	var err error
	if lenient {
		var warns []geo.HoursWarning
		h, warns, err = geo.ParseHoursLenient(value)
		if err == nil {
			for _, w := range warns {
				out.Warnings = append(out.Warnings, w.Message("en"))
			}
		}
	} else {
		h, err = geo.ParseHours(value)
	}
	if err != nil {
		msg := err.Error()
		var he *geo.HoursError
		if errors.As(err, &he) {
			msg = he.Localized("en")
		}
		out.Error = &msg
		return out
	}
	out.Valid = true
	norm := h.String()
	out.Normalized = &norm
	for i, t := range at {
		switch h.StateAt(t, hctx).State {
		case "open":
			v := true
			out.Open[i] = &v
		case "closed":
			v := false
			out.Open[i] = &v
		}
		if next, ok := h.NextChange(t, hctx); ok {
			v := next.In(hctx.Location).Format(time.RFC3339)
			out.NextChange[i] = &v
		}
	}
	return out
}
