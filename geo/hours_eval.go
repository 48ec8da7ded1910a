package geo

import (
	"math"
	"time"
)

// HoursContext is where a value is evaluated: the time zone of the place
// (nil means UTC), its country or subdivision for public holidays ("FR",
// "DE", "DE-BE"; empty means no public holidays) and its position for sun
// events (degrees; east and north positive).
type HoursContext struct {
	Location *time.Location
	Country  string
	Lat, Lon float64
}

// HoursState is the state at an instant: "open", "closed" or "unknown", with
// the comment of the rule that decided it (or the public holiday's name).
type HoursState struct {
	State   string
	Comment string
}

// HoursInterval is a stretch of time [Start, End) in one state.
type HoursInterval struct {
	Start, End time.Time
	State      string
	Comment    string
}

// the schedule of one day: non-overlapping segments in minutes after local
// midnight, sorted; a gap is closed without a comment.
type seg struct {
	s, e int
	st   uint8
	spec bool // painted by a rule with day selectors
	cm   string
}

const maxSegs = 48

type sched struct {
	n    int
	spec bool // what paint records in seg.spec
	segs [maxSegs]seg
}

// paint sets [s, e) to st/cm, replacing what was there. It works in
// place: segments are sorted and disjoint.
func (d *sched) paint(s, e int, st uint8, cm string) {
	if e <= s {
		return
	}
	i := 0
	for i < d.n && d.segs[i].e <= s {
		i++
	}
	j := i
	for j < d.n && d.segs[j].s < e {
		j++
	}
	// segments i..j-1 overlap [s, e)
	var repl [3]seg
	k := 0
	if i < j && d.segs[i].s < s {
		repl[k] = d.segs[i]
		repl[k].e = s
		k++
	}
	repl[k] = seg{s: s, e: e, st: st, spec: d.spec, cm: cm}
	k++
	if i < j && d.segs[j-1].e > e {
		repl[k] = d.segs[j-1]
		repl[k].s = e
		k++
	}
	newN := d.n - (j - i) + k
	if newN > maxSegs {
		return // more than maxSegs pieces in a day: ignore the excess
	}
	copy(d.segs[i+k:newN], d.segs[j:d.n])
	copy(d.segs[i:i+k], repl[:k])
	d.n = newN
}

// fillGaps paints [s, e) only where the schedule says closed (painted so
// or not painted): fallback rules apply there, as in opening_hours.js.
func (d *sched) fillGaps(s, e int, st uint8, cm string) {
	cur := s
	var gaps [maxSegs + 1][2]int
	ng := 0
	for i := 0; i < d.n && cur < e; i++ {
		g := d.segs[i]
		if g.e <= cur || g.st == stClosed {
			continue
		}
		if g.s > cur {
			gaps[ng] = [2]int{cur, min(g.s, e)}
			ng++
		}
		cur = max(cur, g.e)
	}
	if cur < e && ng <= maxSegs {
		gaps[ng] = [2]int{cur, e}
		ng++
	}
	for k := 0; k < ng; k++ {
		d.paint(gaps[k][0], gaps[k][1], st, cm)
	}
}

func (d *sched) clear() { d.n = 0 }

// clearUnspecific removes what rules without day selectors painted.
func (d *sched) clearUnspecific() {
	n := 0
	for i := 0; i < d.n; i++ {
		if d.segs[i].spec {
			d.segs[n] = d.segs[i]
			n++
		}
	}
	d.n = n
}

// day is a civil day in the place's calendar.
type day struct {
	jdn     int // days since 1970-01-01
	y, m, d int
	wd      int // 0 = Monday
}

func mkDay(jdn int) day {
	y, m, d := civilFromDays(jdn)
	wd := (jdn%7 + 7 + 3) % 7 // 1970-01-01 was a Thursday
	return day{jdn: jdn, y: y, m: m, d: d, wd: wd}
}

func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// evaluator holds what one evaluation needs; it lives on the stack.
type evaluator struct {
	h   *Hours
	ctx HoursContext
	loc *time.Location
}

// matches reports whether rule r selects day dd, and the public holiday name
// when it selected it through PH.
func (ev *evaluator) matches(r *hrule, dd day) (bool, string) {
	if len(r.years) > 0 {
		ok := false
		for _, y := range r.years {
			if y.to == 0 && dd.y == y.from || y.to < 0 && dd.y >= y.from || y.to > 0 && dd.y >= y.from && dd.y <= y.to {
				if y.step <= 1 || (dd.y-y.from)%y.step == 0 {
					ok = true
					break
				}
			}
		}
		if !ok {
			return false, ""
		}
	}
	if len(r.dates) > 0 {
		ok := false
		for i := range r.dates {
			if dateMatch(&r.dates[i], dd) {
				ok = true
				break
			}
		}
		if !ok {
			return false, ""
		}
	}
	if len(r.weeks) > 0 {
		wk := isoWeek(dd)
		ok := false
		for _, w := range r.weeks {
			to := w.to
			if to == 0 {
				to = w.from
			}
			var in bool
			if to >= w.from {
				in = wk >= w.from && wk <= to
			} else {
				in = wk >= w.from || wk <= to
			}
			if in && (w.step <= 1 || ((wk-w.from)%53+53)%53%w.step == 0) {
				ok = true
				break
			}
		}
		if !ok {
			return false, ""
		}
	}
	if len(r.wdays) > 0 {
		for i := range r.wdays {
			if ok, name := ev.wdMatch(&r.wdays[i], dd); ok {
				return true, name
			}
		}
		return false, ""
	}
	return true, ""
}

func (ev *evaluator) wdMatch(t *wdTerm, dd day) (bool, string) {
	if t.hol != holNone {
		if t.hol != holPH {
			return false, "" // no school holiday data: SH never matches
		}
		hd := dd
		if t.holOff != 0 {
			hd = mkDay(dd.jdn - t.holOff)
		}
		name, ok := holidayOn(ev.ctx.Country, hd.jdn, hd.y, hd.m, hd.d)
		if !ok {
			return false, ""
		}
		if len(t.and) > 0 {
			for i := range t.and {
				if ok, _ := ev.wdMatch(&t.and[i], dd); ok {
					return true, name
				}
			}
			return false, ""
		}
		return true, name
	}
	x := dd
	if t.off != 0 {
		x = mkDay(dd.jdn - t.off)
	}
	var in bool
	if t.from <= t.to {
		in = x.wd >= t.from && x.wd <= t.to
	} else {
		in = x.wd >= t.from || x.wd <= t.to
	}
	if !in {
		return false, ""
	}
	if t.nth == 0 {
		return true, ""
	}
	k := (x.d-1)/7 + 1
	km := (daysIn(x.y, x.m)-x.d)/7 + 1
	return t.nth&(1<<(k-1)) != 0 || t.nth&(1<<(4+km)) != 0, ""
}

func isoWeek(dd day) int {
	// Thursday of the same ISO week decides the year
	th := dd.jdn - dd.wd + 3
	y, _, _ := civilFromDays(th)
	jan1 := daysFromCivil(y, 1, 1)
	return (th-jan1)/7 + 1
}

func resolveMDate(md mdate, year int) int {
	y := year
	if md.year != 0 {
		y = md.year
	}
	var j int
	if md.easter {
		em, ed := EasterSunday(y)
		j = daysFromCivil(y, em, ed)
	} else {
		d := md.day
		if d == 0 {
			d = 1
		}
		if d > daysIn(y, md.month) {
			// "Feb 29" in a common year: 1 March, as the calendar does
			j = daysFromCivil(y, md.month, daysIn(y, md.month)) + 1
		} else {
			j = daysFromCivil(y, md.month, d)
		}
	}
	return j + md.offset
}

// resolveMDateEnd is the last day (inclusive) an end date selects.
func resolveMDateEnd(md mdate, year int) int {
	if !md.easter && md.day == 0 {
		y := year
		if md.year != 0 {
			y = md.year
		}
		return daysFromCivil(y, md.month, daysIn(y, md.month)) + md.offset
	}
	if !md.easter {
		y := year
		if md.year != 0 {
			y = md.year
		}
		if md.day > daysIn(y, md.month) {
			// an end on "Feb 29" in a common year is 28 February
			return daysFromCivil(y, md.month, daysIn(y, md.month)) + md.offset
		}
	}
	return resolveMDate(md, year)
}

func dateMatch(r *dateRange, dd day) bool {
	to := r.to
	if !r.hasTo {
		to = r.from
	}
	for _, y := range [2]int{dd.y - 1, dd.y} {
		if r.from.year != 0 && y != dd.y {
			continue
		}
		b := resolveMDate(r.from, y)
		if r.plus {
			if dd.jdn >= b && (r.from.year != 0 || y == dd.y) {
				return true
			}
			continue
		}
		e := resolveMDateEnd(to, y)
		if e < b && to.year == 0 {
			e = resolveMDateEnd(to, y+1)
		}
		if dd.jdn >= b && dd.jdn <= e {
			return true
		}
	}
	return false
}

// eventMinute returns the local minute (after local midnight of dd) of a sun
// event, or false in polar day or night.
func (ev *evaluator) eventMinute(e uint8, dd day) (int, bool) {
	secs, ok := sunEventUTC(dd.jdn, ev.ctx.Lat, ev.ctx.Lon, e)
	if !ok {
		return 0, false
	}
	utc := time.Unix(int64(dd.jdn)*86400+int64(math.Round(secs/60)*60), 0).In(ev.loc)
	midnight := time.Date(dd.y, time.Month(dd.m), dd.d, 0, 0, 0, 0, ev.loc)
	return int(utc.Sub(midnight) / time.Minute), true
}

// nominal is a time with sun events at their usual hours (dawn 05:30,
// sunrise 06:00, sunset 18:00, dusk 18:30, as opening_hours.js assumes):
// whether a span with an event is meant to cross midnight is decided on it.
func nominal(t tpoint) int {
	base := [...]int{0, 330, 360, 1080, 1110}
	if t.ev == evNone {
		return t.min
	}
	return base[t.ev] + t.min
}

// openEndGuess is how long an open end ("17:00+") is assumed to last, as
// opening_hours.js does: 8 h from 22:00, 10 h from 17:00, else until midnight.
func openEndGuess(start int) int {
	m := start % 1440
	switch {
	case m >= 22*60:
		return start + 8*60
	case m >= 17*60:
		return start + 10*60
	}
	return (start/1440 + 1) * 1440
}

// how emit writes a span into a schedule
const (
	paintOwn       = iota // the day's own spans, clipped to the day
	paintSpill            // the previous day's spans past midnight
	paintGaps             // fallback rules: only where closed
	paintSpillGaps        // fallback rules of the day before, past midnight
	paintFull             // for display: the day's spans, not clipped
)

func emit(d *sched, mode int, s, e int, st uint8, cm string) {
	switch mode {
	case paintOwn:
		d.paint(max(s, 0), min(e, 1440), st, cm)
	case paintSpill:
		if e > 1440 {
			d.paint(max(s-1440, 0), min(e-1440, 1440), st, cm)
		}
	case paintGaps:
		d.fillGaps(max(s, 0), min(e, 1440), st, cm)
	case paintSpillGaps:
		if e > 1440 {
			d.fillGaps(max(s-1440, 0), min(e-1440, 1440), st, cm)
		}
	default:
		d.paint(s, e, st, cm)
	}
}

// spans writes each time span of r on day dd into d, in minutes after local
// midnight of dd (the end may pass midnight, up to 48:00 and beyond for open
// ends).
func (ev *evaluator) spans(r *hrule, dd day, d *sched, mode int, cm string) {
	if len(r.times) == 0 {
		emit(d, mode, 0, 1440, r.state, cm)
		return
	}
	for _, t := range r.times {
		s := t.from.min
		if t.from.ev != evNone {
			m, ok := ev.eventMinute(t.from.ev, dd)
			if !ok {
				continue
			}
			s = m + t.from.min
		}
		var e int
		if t.hasTo {
			e = t.to.min
			if t.to.ev != evNone {
				m, ok := ev.eventMinute(t.to.ev, dd)
				if !ok {
					continue
				}
				e = m + t.to.min
			}
			if e <= s {
				if t.from.ev == evNone && t.to.ev == evNone || nominal(t.to) <= nominal(t.from) {
					e += 1440
				} else {
					// "(sunset+00:30)-22:00" when the sun sets late: empty
					continue
				}
			}
			emit(d, mode, s, e, r.state, cm)
			if t.openEnd && r.state == stOpen {
				emit(d, mode, e, openEndGuess(e), stUnknown, cm)
			}
		} else if t.openEnd {
			st := r.state
			if st == stOpen {
				st = stUnknown
			}
			emit(d, mode, s, openEndGuess(s), st, cm)
		}
	}
}

func ruleCrossesMidnight(r *hrule) bool {
	for _, t := range r.times {
		if t.from.ev != evNone || t.to.ev != evNone || t.openEnd {
			return true
		}
		if t.hasTo && (t.to.min <= t.from.min || t.to.min > 1440) {
			return true
		}
	}
	return false
}

// build fills d with the schedule of day dd over [0, 1440): each rule that
// selects the day overrides (";") or adds to (",") the earlier ones; times
// past midnight of the day before spill in; fallback rules ("||") fill what
// nothing else said.
func (ev *evaluator) build(dd day, d *sched) { ev.buildMode(dd, d, false) }

// buildMode is build; with display set, the day's own spans are kept whole
// ("22:00-02:00" stays on its day) and nothing spills in from the day before.
func (ev *evaluator) buildMode(dd day, d *sched, display bool) {
	d.clear()
	var prev day
	havePrev := false
	h := ev.h
	for i := range h.rules {
		r := &h.rules[i]
		ok, hname := ev.matches(r, dd)
		cm := r.comment
		if cm == "" {
			cm = hname
		}
		d.spec = r.hasDaySelectors()
		own, spill := paintOwn, paintSpill
		if display {
			own = paintFull
		}
		switch {
		case r.kind == kFallback:
			// "A || B": B applies where A says closed; rules after it
			// (";") override as usual, as in opening_hours.js
			own, spill = paintGaps, paintSpillGaps
		case ok && r.kind == kNormal:
			switch {
			case i > 0 && len(r.times) > 0 && r.state == stClosed:
				// "Mo-Fr 08:00-18:00; Fr 12:00-14:00 off" only closes 12-14
			case i > 0 && len(r.times) > 0 && !d.spec:
				// a time-only rule replaces earlier time-only rules but adds
				// to rules with day selectors ("Mo-Fr 10:00-18:00;
				// 11:00-15:00" keeps 10-18 on weekdays, opens 11-15 at
				// weekends), as opening_hours.js reads it
				d.clearUnspecific()
			default:
				d.clear()
			}
		}
		if ok {
			ev.spans(r, dd, d, own, cm)
		}
		if !display && ruleCrossesMidnight(r) {
			if !havePrev {
				prev = mkDay(dd.jdn - 1)
				havePrev = true
			}
			if ok2, hn2 := ev.matches(r, prev); ok2 {
				cm2 := r.comment
				if cm2 == "" {
					cm2 = hn2
				}
				ev.spans(r, prev, d, spill, cm2)
			}
		}
	}
}

func (ctx *HoursContext) location() *time.Location {
	if ctx == nil || ctx.Location == nil {
		return time.UTC
	}
	return ctx.Location
}

func localDay(t time.Time) (day, int) {
	y, m, d := t.Date()
	jdn := daysFromCivil(y, int(m), d)
	return day{jdn: jdn, y: y, m: int(m), d: d, wd: (int(t.Weekday()) + 6) % 7}, t.Hour()*60 + t.Minute()
}

func (d *sched) at(minute int) (uint8, string) {
	for i := 0; i < d.n; i++ {
		g := &d.segs[i]
		if minute >= g.s && minute < g.e {
			return g.st, g.cm
		}
	}
	return stClosed, ""
}

// StateAt returns the state at instant t. It allocates nothing and takes
// about a microsecond (more with sun events).
func (h *Hours) StateAt(t time.Time, ctx HoursContext) HoursState {
	ev := evaluator{h: h, ctx: ctx, loc: ctx.location()}
	dd, minute := localDay(t.In(ev.loc))
	var d sched
	ev.build(dd, &d)
	st, cm := d.at(minute)
	return HoursState{State: stateNames[st], Comment: cm}
}

// maxScanDays bounds NextChange and Intervals: a value that does not change
// within this many days is taken as constant.
const maxScanDays = 3 * 366

// NextChange returns the first instant after t at which the state (open,
// closed, unknown) changes, and false when it does not change within three
// years. Comments are ignored: a closed day followed by a closed public
// holiday is one closed stretch (Intervals shows the comments).
func (h *Hours) NextChange(t time.Time, ctx HoursContext) (time.Time, bool) {
	ev := evaluator{h: h, ctx: ctx, loc: ctx.location()}
	lt := t.In(ev.loc)
	dd, minute := localDay(lt)
	var d sched
	ev.build(dd, &d)
	st, _ := d.at(minute)
	for k := 0; k < maxScanDays; k++ {
		if k > 0 {
			dd = mkDay(dd.jdn + 1)
			ev.build(dd, &d)
			minute = 0
			if s2, _ := d.at(0); s2 != st {
				return wallTime(dd, 0, ev.loc), true
			}
		}
		// boundaries inside the day after minute
		for _, b := range d.boundaries() {
			if b <= minute || b >= 1440 {
				continue
			}
			if s2, _ := d.at(b); s2 != st {
				w := wallTime(dd, b, ev.loc)
				if !w.After(t) {
					continue
				}
				return w, true
			}
		}
	}
	return time.Time{}, false
}

func (d *sched) boundaries() []int {
	out := make([]int, 0, 2*d.n)
	for i := 0; i < d.n; i++ {
		out = append(out, d.segs[i].s, d.segs[i].e)
	}
	// segments are sorted and disjoint, so out is sorted
	return out
}

func wallTime(dd day, minute int, loc *time.Location) time.Time {
	return time.Date(dd.y, time.Month(dd.m), dd.d, minute/60, minute%60, 0, 0, loc)
}

// Intervals returns the states over [from, to) as consecutive intervals,
// adjacent ones with the same state and comment merged; the first starts at
// from and the last ends at to.
func (h *Hours) Intervals(from, to time.Time, ctx HoursContext) []HoursInterval {
	if !to.After(from) {
		return nil
	}
	ev := evaluator{h: h, ctx: ctx, loc: ctx.location()}
	dd, _ := localDay(from.In(ev.loc))
	var out []HoursInterval
	add := func(s, e time.Time, st uint8, cm string) {
		if s.Before(from) {
			s = from
		}
		if e.After(to) {
			e = to
		}
		if !e.After(s) {
			return
		}
		if n := len(out); n > 0 && out[n-1].State == stateNames[st] && out[n-1].Comment == cm && !out[n-1].End.Before(s) {
			if e.After(out[n-1].End) {
				out[n-1].End = e
			}
			return
		}
		out = append(out, HoursInterval{Start: s, End: e, State: stateNames[st], Comment: cm})
	}
	var d sched
	for k := 0; k < 40000; k++ {
		start := wallTime(dd, 0, ev.loc)
		if !start.Before(to) {
			break
		}
		ev.build(dd, &d)
		cur := 0
		for i := 0; i < d.n; i++ {
			g := d.segs[i]
			if g.s > cur {
				add(wallTime(dd, cur, ev.loc), wallTime(dd, g.s, ev.loc), stClosed, "")
			}
			add(wallTime(dd, g.s, ev.loc), wallTime(dd, g.e, ev.loc), g.st, g.cm)
			cur = g.e
		}
		if cur < 1440 {
			add(wallTime(dd, cur, ev.loc), wallTime(dd, 1440, ev.loc), stClosed, "")
		}
		dd = mkDay(dd.jdn + 1)
	}
	return out
}
