package geo

import (
	"strconv"
	"strings"
	"time"
)

// DayHours is one line of a week table for posters and pages.
type DayHours struct {
	Day    string    // "Lundi" / "Monday"
	Date   time.Time // local midnight of the day
	Text   string    // "09:00–12:00, 14:00–19:00", "Fermé" / "Closed", "24 h/24" / "Open 24 hours"
	Closed bool      // nothing open or unknown that day
}

var dayNames = map[string][7]string{
	"fr": {"Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche"},
	"en": {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"},
}

var monthNames = map[string][13]string{
	"fr": {"", "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"},
	"en": {"", "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
}

func langOf(lang string) string {
	if lang == "fr" {
		return "fr"
	}
	return "en"
}

// Week returns the seven days starting on the local date of weekStart, in
// French ("fr") or English, as the value says they are: times past midnight
// stay on the day they start ("22:00–02:00"), public holidays of that week
// appear on their day with their name.
func (h *Hours) Week(lang string, weekStart time.Time, ctx HoursContext) []DayHours {
	lang = langOf(lang)
	ev := evaluator{h: h, ctx: ctx, loc: ctx.location()}
	dd, _ := localDay(weekStart.In(ev.loc))
	out := make([]DayHours, 0, 7)
	var d sched
	for k := 0; k < 7; k++ {
		ev.buildMode(dd, &d, true)
		text, closed := dayText(&d, lang)
		out = append(out, DayHours{Day: dayNames[lang][dd.wd], Date: wallTime(dd, 0, ev.loc), Text: text, Closed: closed})
		dd = mkDay(dd.jdn + 1)
	}
	return out
}

func hhmm(m int) string {
	if m > 1440 {
		m -= 1440
	}
	var b strings.Builder
	write2(&b, m/60)
	b.WriteByte(':')
	write2(&b, m%60)
	return b.String()
}

func dayText(d *sched, lang string) (string, bool) {
	var parts []string
	closedComment := ""
	for i := 0; i < d.n; i++ {
		g := d.segs[i]
		if g.st == stClosed {
			if g.cm != "" && closedComment == "" {
				closedComment = g.cm
			}
			continue
		}
		var p string
		if g.st == stUnknown && g.s == 0 && g.e >= 1440 && d.n == 1 {
			if g.cm != "" {
				parts = append(parts, g.cm)
			} else {
				parts = append(parts, map[string]string{"fr": "Horaires inconnus", "en": "Hours unknown"}[lang])
			}
			continue
		}
		if g.s == 0 && g.e >= 1440 && d.n == 1 {
			p = map[string]string{"fr": "24 h/24", "en": "Open 24 hours"}[lang]
		} else {
			p = hhmm(g.s) + "–" + hhmm(g.e)
		}
		if g.st == stUnknown {
			if g.cm != "" {
				p += " (" + g.cm + ")"
			} else {
				p += map[string]string{"fr": " (horaires incertains)", "en": " (times uncertain)"}[lang]
			}
		} else if g.cm != "" {
			p += " (" + g.cm + ")"
		}
		parts = append(parts, p)
	}
	if len(parts) == 0 {
		t := map[string]string{"fr": "Fermé", "en": "Closed"}[lang]
		if closedComment != "" {
			t += " (" + closedComment + ")"
		}
		return t, true
	}
	return strings.Join(parts, ", "), false
}

// Describe says in words, in French ("fr") or English, the rules a week
// table does not show: public and school holidays, dates and months, years,
// weeks, nth weekdays, comments and fallback rules. Plain weekday rules give
// no sentence (Week shows them).
func (h *Hours) Describe(lang string) []string {
	lang = langOf(lang)
	var out []string
	for i := range h.rules {
		r := &h.rules[i]
		special := len(r.years) > 0 || len(r.dates) > 0 || len(r.weeks) > 0 || r.hasComm || r.kind == kFallback
		for _, w := range r.wdays {
			if w.hol != holNone || w.nth != 0 {
				special = true
			}
		}
		if !special {
			continue
		}
		sel := describeSelectors(r, lang)
		what := describeState(r, lang)
		if r.kind == kFallback {
			sel = map[string]string{"fr": "Sinon", "en": "Otherwise"}[lang] + pre(sel, lang)
		}
		if sel == "" {
			out = append(out, capitalise(what))
			continue
		}
		sep := ": "
		if lang == "fr" {
			sep = " : "
		}
		out = append(out, capitalise(sel)+sep+what)
	}
	return out
}

func pre(s, lang string) string {
	if s == "" {
		return ""
	}
	return ", " + s
}

func capitalise(s string) string {
	for i, r := range s {
		return strings.ToUpper(string(r)) + s[i+len(string(r)):]
	}
	return s
}

func describeSelectors(r *hrule, lang string) string {
	var parts []string
	for _, y := range r.years {
		s := strconv.Itoa(y.from)
		if y.to > 0 {
			s += "–" + strconv.Itoa(y.to)
		} else if y.to < 0 {
			s = map[string]string{"fr": "depuis ", "en": "from "}[lang] + s
		}
		parts = append(parts, s)
	}
	var ds []string
	for _, d := range r.dates {
		s := describeDate(d.from, lang)
		if d.hasTo {
			s += "–" + describeDate(d.to, lang)
		} else if d.plus {
			s = map[string]string{"fr": "à partir du ", "en": "from "}[lang] + s
		}
		ds = append(ds, s)
	}
	if len(ds) > 0 {
		parts = append(parts, strings.Join(ds, ", "))
	}
	if len(r.weeks) > 0 {
		var ws []string
		for _, w := range r.weeks {
			s := strconv.Itoa(w.from)
			if w.to > 0 {
				s += "–" + strconv.Itoa(w.to)
			}
			if w.step > 1 {
				s += map[string]string{"fr": " (une sur ", "en": " (every "}[lang] + strconv.Itoa(w.step) + map[string]string{"fr": ")", "en": ")"}[lang]
			}
			ws = append(ws, s)
		}
		parts = append(parts, map[string]string{"fr": "semaines ", "en": "weeks "}[lang]+strings.Join(ws, ", "))
	}
	if len(r.wdays) > 0 {
		parts = append(parts, describeWdays(r.wdays, lang))
	}
	return strings.Join(parts, ", ")
}

func describeDate(d mdate, lang string) string {
	var s string
	switch {
	case d.easter:
		s = map[string]string{"fr": "Pâques", "en": "Easter"}[lang]
	case d.day == 0:
		s = monthNames[lang][d.month]
	case lang == "fr":
		if d.day == 1 {
			s = "1er " + monthNames[lang][d.month]
		} else {
			s = strconv.Itoa(d.day) + " " + monthNames[lang][d.month]
		}
	default:
		s = strconv.Itoa(d.day) + " " + monthNames[lang][d.month]
	}
	if d.year != 0 {
		s += " " + strconv.Itoa(d.year)
	}
	if d.offset != 0 {
		s += " " + signedDays(d.offset, lang)
	}
	return s
}

func signedDays(n int, lang string) string {
	sign := "+"
	if n < 0 {
		sign = "−"
		n = -n
	}
	unit := map[string]string{"fr": " jour", "en": " day"}[lang]
	if n > 1 {
		unit += "s"
	}
	return sign + strconv.Itoa(n) + unit
}

func describeWdays(ts []wdTerm, lang string) string {
	var parts []string
	for _, t := range ts {
		if t.hol != holNone {
			s := map[string]string{"fr": "jours fériés", "en": "public holidays"}[lang]
			if t.hol == holSH {
				s = map[string]string{"fr": "vacances scolaires", "en": "school holidays"}[lang]
			}
			if t.holOff != 0 {
				s += " " + signedDays(t.holOff, lang)
			}
			if len(t.and) > 0 {
				s += map[string]string{"fr": " tombant un ", "en": " falling on "}[lang] + describeWdays(t.and, lang)
			}
			parts = append(parts, s)
			continue
		}
		names := dayNames[lang]
		s := strings.ToLower(names[t.from])
		if lang == "en" {
			s = names[t.from]
		}
		if t.to != t.from {
			e := names[t.to]
			if lang == "fr" {
				e = strings.ToLower(e)
			}
			s += "–" + e
		}
		if t.nth != 0 {
			var ns []string
			for k := 1; k <= 5; k++ {
				if t.nth&(1<<(k-1)) != 0 {
					ns = append(ns, ordinal(k, lang))
				}
			}
			for k := 1; k <= 5; k++ {
				if t.nth&(1<<(4+k)) != 0 {
					ns = append(ns, map[string]string{"fr": "avant-dernier", "en": "second last"}[lang])
					if k == 1 {
						ns[len(ns)-1] = map[string]string{"fr": "dernier", "en": "last"}[lang]
					} else if k > 2 {
						ns[len(ns)-1] = ordinal(k, lang) + map[string]string{"fr": " avant la fin", "en": " from last"}[lang]
					}
				}
			}
			of := map[string]string{"fr": " du mois", "en": " of the month"}[lang]
			s = strings.Join(ns, ", ") + " " + s + of
			if t.off != 0 {
				s += " " + signedDays(t.off, lang)
			}
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ", ")
}

func ordinal(k int, lang string) string {
	if lang == "fr" {
		if k == 1 {
			return "1er"
		}
		return strconv.Itoa(k) + "e"
	}
	switch k {
	case 1:
		return "1st"
	case 2:
		return "2nd"
	case 3:
		return "3rd"
	}
	return strconv.Itoa(k) + "th"
}

func describeState(r *hrule, lang string) string {
	var s string
	switch {
	case len(r.times) > 0 && r.state != stClosed:
		var ts []string
		for _, t := range r.times {
			x := describeTime(t.from, lang)
			if t.hasTo {
				x += "–" + describeTime(t.to, lang)
			}
			if t.openEnd {
				x += map[string]string{"fr": " (fin non précisée)", "en": " (no fixed end)"}[lang]
			}
			ts = append(ts, x)
		}
		s = strings.Join(ts, ", ")
		if r.state == stUnknown && !r.hasComm {
			s += map[string]string{"fr": " (incertain)", "en": " (uncertain)"}[lang]
		}
	case r.state == stClosed:
		s = map[string]string{"fr": "fermé", "en": "closed"}[lang]
	case r.state == stUnknown:
		s = map[string]string{"fr": "horaires inconnus", "en": "hours unknown"}[lang]
		if r.hasComm {
			s = ""
		}
	default:
		s = map[string]string{"fr": "ouvert", "en": "open"}[lang]
		if r.always || len(r.times) == 0 {
			s = map[string]string{"fr": "ouvert toute la journée", "en": "open all day"}[lang]
		}
	}
	if r.hasComm {
		q := "“" + r.comment + "”"
		if lang == "fr" {
			q = "« " + r.comment + " »"
		}
		if s == "" {
			return q
		}
		s += " " + q
	}
	return s
}

func describeTime(t tpoint, lang string) string {
	if t.ev == evNone {
		return hhmm(t.min)
	}
	names := map[string][5]string{
		"fr": {"", "aube", "lever du soleil", "coucher du soleil", "crépuscule"},
		"en": {"", "dawn", "sunrise", "sunset", "dusk"},
	}
	s := names[lang][t.ev]
	if t.min != 0 {
		m := t.min
		sign := "+"
		if m < 0 {
			sign = "−"
			m = -m
		}
		s += " " + sign + " " + strconv.Itoa(m/60) + " h"
		if m%60 != 0 {
			s += " " + strconv.Itoa(m%60)
		}
	}
	return s
}
