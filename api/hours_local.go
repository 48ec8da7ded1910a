//go:build !geohours

package api

// A small stand-in for geo's opening_hours engine until it lands on main
// (branch hours): it knows "24/7", "off" and rules of weekday ranges with
// time ranges ("Mo-Fr 09:00-12:00,14:00-18:00; Sa 09:00-12:00; Su off"),
// and its lenient mode fixes case, one-digit hours, "9h30" and dashes.
// hours_engine.go (build tag geohours) is the real adapter; when geo.ParseHours
// is on main, delete this file and drop the tag.

import (
	"fmt"
	"regexp"
	"strings"
	"time"
)

var dayNames = []string{"Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"}

type span struct{ from, to int } // minutes after midnight; to may exceed 1440

type schedule struct {
	days [7][]span // Monday first
	all  bool      // 24/7
	norm string
}

type hoursError struct {
	Pos    int
	en, fr string
}

func (e *hoursError) Error() string {
	return fmt.Sprintf("opening_hours: character %d: %s", e.Pos+1, e.en)
}

func (e *hoursError) localized(lang string) string {
	if lang == "fr" {
		return fmt.Sprintf("caractère %d : %s", e.Pos+1, e.fr)
	}
	return fmt.Sprintf("character %d: %s", e.Pos+1, e.en)
}

func errorPos(err error) (int, bool) {
	if he, ok := err.(*hoursError); ok {
		return he.Pos, true
	}
	return 0, false
}

func errorText(err error, lang string) string {
	if he, ok := err.(*hoursError); ok {
		return he.localized(lang)
	}
	return err.Error()
}

var (
	ruleRe = regexp.MustCompile(`^((?:Mo|Tu|We|Th|Fr|Sa|Su)(?:-(?:Mo|Tu|We|Th|Fr|Sa|Su))?(?:,(?:Mo|Tu|We|Th|Fr|Sa|Su)(?:-(?:Mo|Tu|We|Th|Fr|Sa|Su))?)*)?\s*(off|closed|\d\d:\d\d-\d\d:\d\d(?:,\d\d:\d\d-\d\d:\d\d)*)?$`)
	timeRe = regexp.MustCompile(`(\d\d):(\d\d)-(\d\d):(\d\d)`)
)

func parseHours(value string) (*schedule, error) {
	v := strings.TrimSpace(value)
	s := &schedule{}
	if v == "24/7" {
		s.all, s.norm = true, "24/7"
		return s, nil
	}
	var norm []string
	pos := 0
	for _, rule := range strings.Split(value, ";") {
		r := strings.TrimSpace(rule)
		m := ruleRe.FindStringSubmatch(r)
		if r == "" || m == nil || (m[1] == "" && m[2] == "") {
			return nil, &hoursError{Pos: pos + len(rule) - len(strings.TrimLeft(rule, " ")), en: "unexpected text, want days and hours such as Mo-Fr 09:00-18:00", fr: "texte inattendu, on attend des jours et des heures comme Mo-Fr 09:00-18:00"}
		}
		days := [7]bool{}
		if m[1] == "" {
			days = [7]bool{true, true, true, true, true, true, true}
		}
		for _, part := range strings.Split(m[1], ",") {
			if part == "" {
				continue
			}
			a, b, _ := strings.Cut(part, "-")
			i, j := indexOf(dayNames, a), indexOf(dayNames, b)
			if j < 0 {
				j = i
			}
			for k := i; ; k = (k + 1) % 7 {
				days[k] = true
				if k == j {
					break
				}
			}
		}
		var spans []span
		if m[2] != "off" && m[2] != "closed" {
			for _, t := range timeRe.FindAllStringSubmatch(m[2], -1) {
				f := atoi(t[1])*60 + atoi(t[2])
				e := atoi(t[3])*60 + atoi(t[4])
				if atoi(t[1]) > 24 || atoi(t[3]) > 48 || atoi(t[2]) > 59 || atoi(t[4]) > 59 {
					return nil, &hoursError{Pos: pos, en: "hour out of range", fr: "heure hors limites"}
				}
				if e <= f {
					e += 1440
				}
				spans = append(spans, span{f, e})
			}
		}
		for d := range days {
			if days[d] {
				s.days[d] = spans
			}
		}
		norm = append(norm, strings.TrimSpace(m[1]+" "+m[2]))
		pos += len(rule) + 1
	}
	s.norm = strings.Join(norm, "; ")
	return s, nil
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}

var (
	hRe      = regexp.MustCompile(`(\d{1,2})\s*[hH]\s*(\d{2})?`)
	oneDigit = regexp.MustCompile(`(^|[^\d:])(\d):(\d\d)`)
	dashRe   = regexp.MustCompile(`\s*[–—-]\s*`)
)

// parseHoursLenient repairs the common mistakes, then parses strictly.
func parseHoursLenient(value, lang string) (*schedule, []string, error) {
	v := value
	var warns []string
	fix := func(nv, why string) {
		if nv != v {
			if lang == "fr" {
				why = map[string]string{"hours written with h": "heures écrites avec h", "one-digit hour": "heure à un chiffre",
					"dash or spaces around a dash": "tiret ou espaces autour d'un tiret", "day name case": "casse des jours"}[why]
			}
			warns = append(warns, why)
			v = nv
		}
	}
	fix(hRe.ReplaceAllStringFunc(v, func(m string) string {
		p := hRe.FindStringSubmatch(m)
		min := p[2]
		if min == "" {
			min = "00"
		}
		return p[1] + ":" + min
	}), "hours written with h")
	fix(oneDigit.ReplaceAllString(v, "${1}0$2:$3"), "one-digit hour")
	fix(dashRe.ReplaceAllString(v, "-"), "dash or spaces around a dash")
	for _, d := range dayNames {
		fix(regexp.MustCompile(`(?i)\b`+d+`\b`).ReplaceAllString(v, d), "day name case")
	}
	s, err := parseHours(v)
	return s, warns, err
}

func (s *schedule) String() string { return s.norm }

// stateAt says "open" or "closed" at t.
func (s *schedule) stateAt(t time.Time, hc hoursCtx) string {
	if s.all {
		return "open"
	}
	lt := t.In(loc(hc))
	wd := (int(lt.Weekday()) + 6) % 7
	m := lt.Hour()*60 + lt.Minute()
	for _, sp := range s.days[wd] {
		if m >= sp.from && m < sp.to {
			return "open"
		}
	}
	prev := (wd + 6) % 7
	for _, sp := range s.days[prev] {
		if sp.to > 1440 && m < sp.to-1440 {
			return "open"
		}
	}
	return "closed"
}

func loc(hc hoursCtx) *time.Location {
	if hc.loc == nil {
		return time.UTC
	}
	return hc.loc
}

// nextChange scans minute boundaries for a week.
func (s *schedule) nextChange(t time.Time, hc hoursCtx) (time.Time, bool) {
	cur := s.stateAt(t, hc)
	start := t.In(loc(hc)).Truncate(time.Minute)
	for i := 1; i <= 8*1440; i++ {
		at := start.Add(time.Duration(i) * time.Minute)
		if s.stateAt(at, hc) != cur {
			return at, true
		}
	}
	return time.Time{}, false
}

var weekdayNames = map[string][]string{
	"fr": {"Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche"},
	"en": {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"},
}

// week returns seven days from the day of from.
func (s *schedule) week(lang string, from time.Time, hc hoursCtx) []dayHours {
	names := weekdayNames["en"]
	if lang == "fr" {
		names = weekdayNames["fr"]
	}
	closed := map[string]string{"fr": "fermé", "en": "closed"}[langOr(lang)]
	lt := from.In(loc(hc))
	out := make([]dayHours, 0, 7)
	for i := 0; i < 7; i++ {
		d := lt.AddDate(0, 0, i)
		wd := (int(d.Weekday()) + 6) % 7
		var parts []string
		if s.all {
			parts = []string{"00:00–24:00"}
		}
		for _, sp := range s.days[wd] {
			parts = append(parts, fmt.Sprintf("%02d:%02d–%02d:%02d", sp.from/60, sp.from%60, (sp.to/60)%24, sp.to%60))
		}
		text := strings.Join(parts, ", ")
		if text == "" {
			text = closed
		}
		out = append(out, dayHours{Day: names[wd], Date: d.Format("2006-01-02"), Text: text})
	}
	return out
}

func langOr(lang string) string {
	if lang == "fr" {
		return "fr"
	}
	return "en"
}
