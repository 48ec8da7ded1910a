package geo

import (
	"strconv"
	"strings"
)

// Hours is a parsed OSM opening_hours value. It is immutable once built and
// safe for concurrent use, so callers may parse once and cache it per place:
// StateAt then costs about a microsecond.
type Hours struct {
	rules    []hrule
	needsSun bool
	needsPH  bool
}

// state values of a rule or an interval.
const (
	stClosed uint8 = iota
	stOpen
	stUnknown
)

var stateNames = [...]string{"closed", "open", "unknown"}

// rule kinds: how a rule joins the rules before it.
const (
	kNormal     uint8 = iota // first rule or after ";": overrides earlier rules on the days it selects
	kAdditional              // after ",": adds to earlier rules
	kFallback                // after "||": applies where the rules before it say nothing
)

type hrule struct {
	kind     uint8
	years    []yearRange
	dates    []dateRange
	weeks    []weekRange
	wdays    []wdTerm
	times    []timeSpan
	state    uint8
	explicit bool   // the modifier was written
	modWord  string // the modifier as written in canonical form ("off", "closed", "open", "unknown")
	comment  string
	hasComm  bool
	always   bool // "24/7"

	shareNext bool // parse time only: takes the times and state of the next rule
}

// hasSelectors reports whether the rule selects days (a rule without any
// selector applies every day).
func (r *hrule) hasDaySelectors() bool {
	return len(r.years) > 0 || len(r.dates) > 0 || len(r.weeks) > 0 || len(r.wdays) > 0
}

type yearRange struct{ from, to, step int } // to == 0: single year; to < 0: "2020+"

type weekRange struct{ from, to, step int }

// mdate is one end of a month-day range.
type mdate struct {
	year   int  // 0: every year
	month  int  // 1..12, 0 with easter
	day    int  // 0: the whole month
	easter bool // the date is Easter Sunday
	offset int  // days added ("easter -2 days")
}

type dateRange struct {
	from, to mdate
	hasTo    bool
	plus     bool // "Dec 25+": from that date on
}

// holidays in a weekday selector
const (
	holNone uint8 = iota
	holPH
	holSH
)

// wdTerm is one item of a weekday selector; the items are ORed.
type wdTerm struct {
	hol      uint8
	holOff   int      // "PH +1 day"
	from, to int      // 0 = Monday … 6 = Sunday
	nth      uint16   // bit k-1 for [k], bit 4+k for [-k]; 0 = every week
	off      int      // "Sa[-1] -1 day"
	and      []wdTerm // with hol: the holiday only on these weekdays ("PH Fr,Sa")
}

// time events
const (
	evNone uint8 = iota
	evDawn
	evSunrise
	evSunset
	evDusk
)

var eventNames = [...]string{"", "dawn", "sunrise", "sunset", "dusk"}

type tpoint struct {
	ev  uint8
	min int // minutes after midnight, or the offset from the event
}

type timeSpan struct {
	from, to tpoint
	hasTo    bool
	openEnd  bool // "17:00+" or "17:00-22:00+"
	every    int  // "10:00-16:00/01:30": minutes between points in time
}

// String returns the canonical form of the value: rules separated by "; ",
// ", " and " || ", two-digit times, English selectors.
func (h *Hours) String() string {
	var b strings.Builder
	for i := range h.rules {
		r := &h.rules[i]
		if i > 0 {
			switch r.kind {
			case kAdditional:
				b.WriteString(", ")
			case kFallback:
				b.WriteString(" || ")
			default:
				b.WriteString("; ")
			}
		}
		r.write(&b)
	}
	return b.String()
}

var monthAbbr = [...]string{"", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}
var dayAbbr = [...]string{"Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"}

func (r *hrule) write(b *strings.Builder) {
	n0 := b.Len()
	sp := func() {
		if b.Len() > n0 {
			b.WriteByte(' ')
		}
	}
	if r.always {
		b.WriteString("24/7")
	}
	if len(r.years) > 0 {
		sp()
		for i, y := range r.years {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strconv.Itoa(y.from))
			if y.to < 0 {
				b.WriteByte('+')
			} else if y.to > 0 {
				b.WriteByte('-')
				b.WriteString(strconv.Itoa(y.to))
			}
			if y.step > 1 {
				b.WriteByte('/')
				b.WriteString(strconv.Itoa(y.step))
			}
		}
	}
	if len(r.dates) > 0 {
		sp()
		for i, d := range r.dates {
			if i > 0 {
				b.WriteByte(',')
			}
			writeDate(b, d.from, true, 0)
			if d.plus {
				b.WriteByte('+')
			}
			if d.hasTo {
				b.WriteByte('-')
				prev := d.from.year
				if d.from.year != 0 && d.to.year == d.from.year+1 && !d.to.easter && !d.from.easter &&
					(d.to.month < d.from.month || d.to.month == d.from.month && d.to.day < d.from.day) {
					// "2021 Dec 25-Jan 05": the parser runs into the next
					// year by itself, so the end's year is left out.
					prev = d.to.year
				}
				writeDate(b, d.to, d.to.year != 0 || d.to.month != d.from.month || d.to.easter || d.from.easter || d.to.day == 0 || d.from.day == 0, prev)
			}
		}
	}
	if len(r.weeks) > 0 {
		sp()
		b.WriteString("week ")
		for i, w := range r.weeks {
			if i > 0 {
				b.WriteByte(',')
			}
			write2(b, w.from)
			if w.to > 0 {
				b.WriteByte('-')
				write2(b, w.to)
			}
			if w.step > 1 {
				b.WriteByte('/')
				b.WriteString(strconv.Itoa(w.step))
			}
		}
	}
	if len(r.wdays) > 0 {
		sp()
		writeWdays(b, r.wdays)
	}
	if len(r.times) > 0 {
		sp()
		for i, t := range r.times {
			if i > 0 {
				b.WriteByte(',')
			}
			writeTime(b, t.from)
			if t.hasTo {
				b.WriteByte('-')
				writeTime(b, t.to)
			}
			if t.openEnd {
				b.WriteByte('+')
			}
			if t.every > 0 {
				b.WriteByte('/')
				write2(b, t.every/60)
				b.WriteByte(':')
				write2(b, t.every%60)
			}
		}
	}
	if r.explicit {
		sp()
		b.WriteString(r.modWord)
	}
	if r.hasComm {
		sp()
		b.WriteByte('"')
		b.WriteString(r.comment)
		b.WriteByte('"')
	}
}

func writeWdays(b *strings.Builder, ts []wdTerm) {
	for i, t := range ts {
		if i > 0 {
			b.WriteByte(',')
		}
		if t.hol != holNone {
			if t.hol == holPH {
				b.WriteString("PH")
			} else {
				b.WriteString("SH")
			}
			writeDayOffset(b, t.holOff)
			if len(t.and) > 0 {
				b.WriteByte(' ')
				writeWdays(b, t.and)
			}
			continue
		}
		b.WriteString(dayAbbr[t.from])
		if t.to != t.from {
			b.WriteByte('-')
			b.WriteString(dayAbbr[t.to])
		}
		if t.nth != 0 {
			b.WriteByte('[')
			first := true
			for k := 1; k <= 5; k++ {
				if t.nth&(1<<(k-1)) != 0 {
					if !first {
						b.WriteByte(',')
					}
					first = false
					b.WriteString(strconv.Itoa(k))
				}
			}
			for k := 1; k <= 5; k++ {
				if t.nth&(1<<(4+k)) != 0 {
					if !first {
						b.WriteByte(',')
					}
					first = false
					b.WriteString(strconv.Itoa(-k))
				}
			}
			b.WriteByte(']')
			writeDayOffset(b, t.off)
		}
	}
}

func writeDayOffset(b *strings.Builder, off int) {
	if off == 0 {
		return
	}
	if off > 0 {
		b.WriteString(" +")
	} else {
		b.WriteString(" -")
		off = -off
	}
	b.WriteString(strconv.Itoa(off))
	if off == 1 {
		b.WriteString(" day")
	} else {
		b.WriteString(" days")
	}
}

func writeDate(b *strings.Builder, d mdate, withMonth bool, prevYear int) {
	if d.year != 0 && d.year != prevYear {
		b.WriteString(strconv.Itoa(d.year))
		b.WriteByte(' ')
		withMonth = true
	}
	if d.easter {
		b.WriteString("easter")
	} else {
		if withMonth {
			b.WriteString(monthAbbr[d.month])
		}
		if d.day > 0 {
			if withMonth {
				b.WriteByte(' ')
			}
			write2(b, d.day)
		}
	}
	writeDayOffset(b, d.offset)
}

func write2(b *strings.Builder, n int) {
	if n < 10 && n >= 0 {
		b.WriteByte('0')
	}
	b.WriteString(strconv.Itoa(n))
}

func writeTime(b *strings.Builder, t tpoint) {
	if t.ev == evNone {
		write2(b, t.min/60)
		b.WriteByte(':')
		write2(b, t.min%60)
		return
	}
	if t.min == 0 {
		b.WriteString(eventNames[t.ev])
		return
	}
	b.WriteByte('(')
	b.WriteString(eventNames[t.ev])
	m := t.min
	if m < 0 {
		b.WriteByte('-')
		m = -m
	} else {
		b.WriteByte('+')
	}
	write2(b, m/60)
	b.WriteByte(':')
	write2(b, m%60)
	b.WriteByte(')')
}

// UsesSun reports whether the value has sunrise, sunset, dawn or dusk, so
// evaluating it needs the place's position.
func (h *Hours) UsesSun() bool { return h.needsSun }

// UsesPublicHolidays reports whether the value has PH, so evaluating it needs
// the place's country.
func (h *Hours) UsesPublicHolidays() bool { return h.needsPH }
