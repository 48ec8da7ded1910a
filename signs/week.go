package signs

import (
	"fmt"
	"strings"
	"time"

	"codeberg.org/openmap/openmap/geo"
)

var (
	frenchDays  = [...]string{"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"}
	englishDays = [...]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}
	msgClosed   = msg{"fermé", "closed"}
	msgUnknown  = msg{"à vérifier", "to be checked"}
)

// dayLabel names a day of the table: "lundi 7", "Monday 7".
func dayLabel(t time.Time, l Lang) string {
	name := frenchDays[t.Weekday()]
	if l == English {
		name = englishDays[t.Weekday()]
	}
	return fmt.Sprintf("%s %d", name, t.Day())
}

// span is one stretch of a day in minutes after its midnight (end 1440 is
// midnight after), with its state and comment.
type span struct {
	from, to int
	state    string
	comment  string
}

// WeekOf is the week table of a shop poster: seven days from the day of
// from (in from's location), each with its opening intervals as evaluated by
// the opening-hours engine ("9:00–12:30, 14:00–19:00"), "fermé"/"closed",
// or the rule's comment and "à vérifier"/"to be checked" where the value
// says unknown. A night that runs past midnight prints on the evening it
// starts ("20:00–2:00"). Public holidays count as ctx says (its Country);
// ctx.Location defaults to from's location.
func WeekOf(h *geo.Hours, from time.Time, ctx geo.HoursContext, l Lang) []DayLine {
	if ctx.Location == nil {
		ctx.Location = from.Location()
	}
	from = from.In(ctx.Location)
	day0 := time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, ctx.Location)
	// Eight days, so the seventh night can be followed past midnight.
	days := make([][]span, 8)
	whole := make([]string, 8) // comment of a day closed all day
	for i := range days {
		start := day0.AddDate(0, 0, i)
		end := start.AddDate(0, 0, 1)
		for _, iv := range h.Intervals(start, end, ctx) {
			if iv.State == "closed" {
				if iv.Comment != "" && !iv.Start.After(start) && !iv.End.Before(end) {
					whole[i] = iv.Comment
				}
				continue
			}
			days[i] = append(days[i], span{minutes(iv.Start, start), minutes(iv.End, start), iv.State, iv.Comment})
		}
	}
	// Carry a night past midnight back to the evening it started on.
	for i := 0; i < 7; i++ {
		d, next := days[i], days[i+1]
		if len(d) == 0 || len(next) == 0 {
			continue
		}
		last, first := &d[len(d)-1], next[0]
		if last.to == 1440 && last.from > 0 && first.from == 0 && first.to < 1440 &&
			first.state == last.state && first.comment == last.comment {
			last.to = 1440 + first.to
			days[i+1] = next[1:]
		}
	}
	week := make([]DayLine, 7)
	for i := range week {
		var parts []string
		for _, sp := range days[i] {
			text := clock(sp.from) + "–" + clock(sp.to)
			switch {
			case sp.state == "unknown" && sp.comment == "":
				text += " (" + msgUnknown.in(l) + ")"
			case sp.comment != "":
				text += " (" + sp.comment + ")"
			}
			parts = append(parts, text)
		}
		text := strings.Join(parts, ", ")
		if text == "" {
			text = msgClosed.in(l)
			if whole[i] != "" {
				text += " (" + whole[i] + ")"
			}
		}
		week[i] = DayLine{Day: dayLabel(day0.AddDate(0, 0, i), l), Text: text}
	}
	return week
}

// minutes is t as minutes after dayStart, at most 1440.
func minutes(t, dayStart time.Time) int {
	m := int(t.Sub(dayStart).Minutes() + 0.5)
	return max(0, min(m, 1440))
}

// clock prints minutes after midnight as on French and English posters
// alike, "9:00"; 1440 is "24:00" (closing at midnight) and past it, the
// next morning's time.
func clock(m int) string {
	if m > 1440 {
		m -= 1440
	}
	return fmt.Sprintf("%d:%02d", m/60, m%60)
}

var (
	frenchShortDays  = [...]string{"dim.", "lun.", "mar.", "mer.", "jeu.", "ven.", "sam."}
	englishShortDays = [...]string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"}
)

// HoursSummary is the week of WeekOf on one line for the area sheet: days
// in a row with the same hours joined, "mar.–sam. 8:00–19:00 · dim. fermé ·
// lun. 8:00–19:00", starting from the day of from.
func HoursSummary(h *geo.Hours, from time.Time, ctx geo.HoursContext, l Lang) string {
	week := WeekOf(h, from, ctx, l)
	if ctx.Location == nil {
		ctx.Location = from.Location()
	}
	first := from.In(ctx.Location).Weekday()
	short := func(i int) string {
		wd := (int(first) + i) % 7
		if l == English {
			return englishShortDays[wd]
		}
		return frenchShortDays[wd]
	}
	var parts []string
	for i := 0; i < len(week); {
		j := i
		for j+1 < len(week) && week[j+1].Text == week[i].Text {
			j++
		}
		if i == 0 && j == len(week)-1 {
			return week[i].Text // the same every day
		}
		days := short(i)
		if j > i {
			days += "–" + short(j)
		}
		parts = append(parts, days+" "+week[i].Text)
		i = j + 1
	}
	return strings.Join(parts, " · ")
}
