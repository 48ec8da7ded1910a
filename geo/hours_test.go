package geo

import (
	"errors"
	"os"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestParseHoursCanonical(t *testing.T) {
	cases := []struct {
		name, in, want string
	}{
		{"24/7", "24/7", "24/7"},
		{"weekday range", "Mo-Fr 08:00-18:00", "Mo-Fr 08:00-18:00"},
		{"spaces are free", "Mo - Fr  08:00 - 18:00", "Mo-Fr 08:00-18:00"},
		{"rule sequence", "Mo-Fr 08:00-12:00,13:00-17:30; Sa 08:00-12:00", "Mo-Fr 08:00-12:00,13:00-17:30; Sa 08:00-12:00"},
		{"additional rule", "10:00-15:00, We 12:00-13:00 closed", "10:00-15:00, We 12:00-13:00 closed"},
		{"fallback", `Sa-Su open || "with appointment"`, `Sa-Su open || "with appointment"`},
		{"past midnight", "Fr,Sa 22:00-02:00", "Fr,Sa 22:00-02:00"},
		{"extended hours", "Fr 18:00-26:00", "Fr 18:00-26:00"},
		{"open end", "17:00+", "17:00+"},
		{"range with open end", "Mo-Sa 07:30-18:45+", "Mo-Sa 07:30-18:45+"},
		{"nth weekday", "Su[1] 10:00-12:00", "Su[1] 10:00-12:00"},
		{"nth list and offset", "Sa[1,-1] +1 day 10:00-12:00", "Sa[1,-1] +1 day 10:00-12:00"},
		{"public holidays", "Mo-Fr 09:00-18:00; PH off", "Mo-Fr 09:00-18:00; PH off"},
		{"holiday and weekday", "PH Fr,Sa 10:00-19:00", "PH Fr,Sa 10:00-19:00"},
		{"month day range", "Dec 01-15 off", "Dec 01-15 off"},
		{"month day range across months", "Dec 25-Jan 06 off", "Dec 25-Jan 06 off"},
		{"month range with colon", "Jul-Aug: Mo-Su 09:00-20:00", "Jul-Aug Mo-Su 09:00-20:00"},
		{"dated", "2021 Dec 31 08:00-14:00", "2021 Dec 31 08:00-14:00"},
		{"year range", "2020-2022 Mo-Fr 08:00-12:00", "2020-2022 Mo-Fr 08:00-12:00"},
		{"week numbers", "week 01-53/2 Fr 09:00-12:00", "week 01-53/2 Fr 09:00-12:00"},
		{"easter", "easter -2 days off", "easter -2 days off"},
		{"sun events", "sunrise-sunset", "sunrise-sunset"},
		{"sun offsets", "(sunrise+01:00)-(sunset-00:30)", "(sunrise+01:00)-(sunset-00:30)"},
		{"comment", `Mo-Fr 08:00-12:00 "by appointment"`, `Mo-Fr 08:00-12:00 "by appointment"`},
		{"comment only", `"on request"`, `"on request"`},
		{"unknown", "Mo unknown", "Mo unknown"},
		{"folded weekday list (kopeninghours autocorrect)", "Mo, We, Fr 06:30-21:30", "Mo,We,Fr 06:30-21:30"},
		{"folded times", "Mo-Fr 06:30-20:00, 09:00-18:00", "Mo-Fr 06:30-20:00,09:00-18:00"},
		{"holiday list", "Su, PH off", "Su,PH off"},
		{"point-in-time series", "Mo-Fr 10:00-16:00/01:30", "Mo-Fr 10:00-16:00/01:30"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h, err := ParseHours(c.in)
			if err != nil {
				t.Fatalf("ParseHours(%q): %v", c.in, err)
			}
			if got := h.String(); got != c.want {
				t.Errorf("String() = %q, want %q", got, c.want)
			}
			h2, err := ParseHours(h.String())
			if err != nil || h2.String() != h.String() {
				t.Errorf("canonical form %q does not reparse to itself: %v", h.String(), err)
			}
		})
	}
}

func TestParseHoursErrors(t *testing.T) {
	cases := []struct {
		name, in string
		pos      int
		code     string
	}{
		{"empty", "", 0, "empty"},
		{"one-digit hour", "Mo-Fr 8:00-18:00", 6, "bad_hour"},
		{"hour too big", "Mo 25:00-26:00", 3, "bad_hour"},
		{"minutes", "Mo 10:75-12:00", 6, "bad_minute"},
		{"unknown word", "nach Vereinbarung", 0, "unexpected"},
		{"point in time", "Mo-Fr 08:00", 11, "point_in_time"},
		{"unclosed comment", `Mo 10:00-12:00 "oops`, 15, "unclosed_comment"},
		{"trailing separator", "Mo 10:00-12:00;", 14, "trailing_separator"},
		{"lower-case day", "mo-fr 10:00-12:00", 0, "unexpected"},
		{"bad day of month", "Feb 30 off", 4, "bad_day"},
		{"one-digit day", "Jan 1 off", 4, "bad_day"},
		{"missing separator", "Mo 10:00-12:00 Tu 10:00-12:00", 15, "unexpected"},
		{"single pipe", "Mo 10:00-12:00 | Tu 10:00-12:00", 15, "unexpected"},
		{"mixed range", "Apr-Nov 15 off", 4, "mixed_range"},
		{"position counts runes", "Mö 10:00-12:00", 0, "unexpected"},
		{"bad nth", "Su[6] 10:00-12:00", 3, "unexpected"},
		{"start at 24:00", "Mo 24:00-26:00", 3, "bad_hour"},
		{"bare rule before a comma", "Tu, Jan 01 off", 2, "additional_rule"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseHours(c.in)
			var he *HoursError
			if !errors.As(err, &he) {
				t.Fatalf("ParseHours(%q) = %v, want a *HoursError", c.in, err)
			}
			if he.Pos != c.pos || he.Code != c.code {
				t.Errorf("ParseHours(%q): pos %d code %s (%v), want pos %d code %s", c.in, he.Pos, he.Code, he, c.pos, c.code)
			}
			if en, fr := he.Localized("en"), he.Localized("fr"); en == fr || !strings.Contains(fr, "caractère") || !strings.Contains(en, "character") {
				t.Errorf("messages not localised: en %q fr %q", en, fr)
			}
		})
	}
}

// TestLenientRepairs checks a sample of repairs of values from
// invalid_but_unambiguous_opening_hours.tsv for the right meaning: the exact
// corrected value, which must itself be strictly valid.
func TestLenientRepairs(t *testing.T) {
	cases := []struct {
		name, in, want string
	}{
		{"one-digit hours", "Mo-Fr 8:00-18:00; Sa-Su 8:00-18:00", "Mo-Fr 08:00-18:00; Sa-Su 08:00-18:00"},
		{"one-digit hour alone", "8:00-22:00", "08:00-22:00"},
		{"spaces and past midnight", "Mo-Fr 07:45 - 4:00", "Mo-Fr 07:45-04:00"},
		{"mixed month range", "Apr-Nov 15 Sa-Su 12:00-16:00", "Apr 01-Nov 15 Sa-Su 12:00-16:00"},
		{"easter to month", "easter-Oct: Tu-Su 12:00-18:00", "easter-Oct 31 Tu-Su 12:00-18:00"},
		{"ampersand", "Mo-Fr 09:00-1300 & 14:00-18:00", "Mo-Fr 09:00-13:00,14:00-18:00"},
		{"missing semicolon", "Mo-Fr 10:00-21:00 Sa 09:00-21:00", "Mo-Fr 10:00-21:00; Sa 09:00-21:00"},
		{"missing comma in times", "Mo-Fr 08:00-12:00 14:00-18:00", "Mo-Fr 08:00-12:00,14:00-18:00"},
		{"h as separator", "Mo-Fr 08h00-12h30", "Mo-Fr 08:00-12:30"},
		{"bare hours", "Mo-Fr 9-18", "Mo-Fr 09:00-18:00"},
		{"en dash", "Mo-Sa 09:30–19:30", "Mo-Sa 09:30-19:30"},
		{"french days", "lundi-vendredi 09:00-12:00", "Mo-Fr 09:00-12:00"},
		{"french abbreviations", "Lu-Ve 9h-18h; Sa 9h-12h", "Mo-Fr 09:00-18:00; Sa 09:00-12:00"},
		{"french dimanche", "Ma-Di 10:00-18:00", "Tu-Su 10:00-18:00"},
		{"german days", "Mo-Fr 08:00-18:00; Sa 09:00-13:00; So geschlossen", "Mo-Fr 08:00-18:00; Sa 09:00-13:00; Su off"},
		{"german Dienstag", "Di-Sa 10:00-18:00", "Tu-Sa 10:00-18:00"},
		{"english names", "Monday - Saturday 10:00AM - 9:00PM, Sunday 11:00AM - 6:00PM", "Mo-Sa 10:00-21:00, Su 11:00-18:00"},
		{"am pm", "8:00 AM - 5:00 PM", "08:00-17:00"},
		{"lower case", "mo-sa 8:30-20:00", "Mo-Sa 08:30-20:00"},
		{"Off capitalised", "Sa 09:00-15:00; Su Off", "Sa 09:00-15:00; Su off"},
		{"24 hours", "24 hours", "24/7"},
		{"24h/24", "24h/24", "24/7"},
		{"days then 24/7", "Mo-Fr 07:00-12:00, 14:00-17:00; Sa 24/7", "Mo-Fr 07:00-12:00,14:00-17:00; Sa 00:00-24:00"},
		{"trailing semicolon", "Tu-Th,Su 10:30-22:30; Fr-Sa 10:30-24:00; ", "Tu-Th,Su 10:30-22:30; Fr-Sa 10:30-24:00"},
		{"four-digit times", "Mo-Fr 1000-1600; Sa-Su Off", "Mo-Fr 10:00-16:00; Sa-Su off"},
		{"dangling dash", "Mo-Fr 16:00-, Sa 14:00-", "Mo-Fr 16:00+, Sa 14:00+"},
		{"day list in a month", "Mo-Fr 16:00-21:00; Sa-Su 14:00-21:00; Dec 24,31 off", "Mo-Fr 16:00-21:00; Sa-Su 14:00-21:00; Dec 24,Dec 31 off"},
		{"one-digit days", "Apr 1-Oct 31 09:00-18:45; Nov 1-Mar 31 09:00-17:45", "Apr 01-Oct 31 09:00-18:45; Nov 01-Mar 31 09:00-17:45"},
		{"single pipe", "We-Th 16:00-23:00|Fr-Sa 12:00-23:00", "We-Th 16:00-23:00; Fr-Sa 12:00-23:00"},
		{"key prefix", "opening_hours=Mo-Fr 07:00-19:00", "Mo-Fr 07:00-19:00"},
		{"PH lower case", "Mo-Fr 09:00-17:00; ph off", "Mo-Fr 09:00-17:00; PH off"},
		{"colon after days", "Mo-Fr: 09:00-17:00", "Mo-Fr 09:00-17:00"},
		{"french month", "juillet-août 10:00-19:00", "Jul-Aug 10:00-19:00"},
		{"point in time", "Su 9:30", "Su 09:30-09:31"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, err := ParseHours(c.in); err == nil {
				t.Fatalf("%q parses strictly: not a repair case", c.in)
			}
			h, warns, err := ParseHoursLenient(c.in)
			if err != nil {
				t.Fatalf("ParseHoursLenient(%q): %v", c.in, err)
			}
			if len(warns) == 0 && h.String() != c.in {
				t.Errorf("repair without a warning")
			}
			if got := h.String(); got != c.want {
				t.Errorf("repaired to %q, want %q (warnings %v)", got, c.want, warns)
			}
			if _, err := ParseHours(h.String()); err != nil {
				t.Errorf("repair %q is not strictly valid: %v", h.String(), err)
			}
		})
	}
}

// trulyInvalidReal are the values of real_opening_hours_from_extracts.tsv
// that neither the strict nor the lenient parser accepts, with our reading.
var trulyInvalidReal = map[string]string{
	"Seasonal, only summer time":                        "free text, no hours at all",
	"Mo-Fr 8-02;Sa 8-02 Su 8":                           "\"Su 8\" has no end time and \"8-02\" may be 08:00-02:00 or 08:00-14:00",
	"Mo-Fr 9-20;Sa 9-20 Su 9":                           "\"Su 9\" has no end time",
	"Mo-Fr 09:30 - 15:00. Lunch Mo-Fr 11:00 - 13:30":    "prose after a full stop: is lunch closed or open?",
	"Open Daily from 11 to 7 (closed Tuesday)":          "prose; \"11 to 7\" is 11:00-19:00 only if one guesses pm",
	"Weekdays 7-3, Saturdays 7-6, Sundays 7-4":          "prose; 7-3 would run past midnight read as 24-hour times",
	"Mon-Tue Closed; Wed-Thurs, Sun 11-8; Fri-Sat 11-9": "\"11-8\" is 11:00-20:00 to a reader, 11:00-08:00 to the syntax: no obvious meaning",
}

func TestRealValues(t *testing.T) {
	values, counts := readHoursTSV(t, realHoursTSV)
	paris, _ := time.LoadLocation("Europe/Paris")
	ctx := HoursContext{Location: paris, Country: "FR", Lat: 48.85, Lon: 2.35}
	at := time.Date(2025, 6, 3, 10, 0, 0, 0, paris)
	valid, repaired, invalid := 0, 0, 0
	codes := map[string]int{}
	for i, v := range values {
		h, err := ParseHours(v)
		if err == nil {
			valid++
			h2, err := ParseHours(h.String())
			if err != nil {
				t.Errorf("canonical %q of %q does not reparse: %v", h.String(), v, err)
				continue
			}
			if h2.String() != h.String() {
				t.Errorf("canonical form not stable: %q → %q", h.String(), h2.String())
			}
			for k := 0; k < 7*24; k += 5 {
				x := at.Add(time.Duration(k) * time.Hour)
				if a, b := h.StateAt(x, ctx), h2.StateAt(x, ctx); a != b {
					t.Errorf("%q and its canonical %q differ at %v: %v vs %v", v, h.String(), x, a, b)
					break
				}
			}
			continue
		}
		var he *HoursError
		if !errors.As(err, &he) || he.Pos < 0 || he.Pos > utf8.RuneCountInString(v) {
			t.Errorf("%q: error %v is not positioned", v, err)
		}
		lh, warns, lerr := ParseHoursLenient(v)
		if lerr == nil {
			repaired++
			for _, w := range warns {
				codes[w.Code]++
			}
			if _, err := ParseHours(lh.String()); err != nil {
				t.Errorf("repair %q of %q is not strictly valid: %v", lh.String(), v, err)
			}
			if _, listed := trulyInvalidReal[v]; listed && trulyInvalidReal[v] != "" {
				t.Errorf("%q is listed as truly invalid but the lenient parser repairs it to %q", v, lh.String())
			}
			t.Logf("invalid, repaired (×%d): %q → %q (%v)", counts[i], v, lh.String(), err)
			continue
		}
		invalid++
		reason, ok := trulyInvalidReal[v]
		if !ok || reason == "" {
			t.Errorf("%q is invalid and not in trulyInvalidReal: %v", v, lerr)
		}
		t.Logf("truly invalid (×%d): %q: %v — %s", counts[i], v, err, reason)
	}
	var cs []string
	for c, n := range codes {
		cs = append(cs, c+"="+itoa(n))
	}
	sort.Strings(cs)
	t.Logf("%d real values: %d valid, %d invalid but repaired (%s), %d truly invalid", len(values), valid, repaired, strings.Join(cs, " "), invalid)
}

const (
	invalidTSV     = "../../shared/data/hours/invalid_opening_hours.tsv"
	unambiguousTSV = "../../shared/data/hours/invalid_but_unambiguous_opening_hours.tsv"
)

// TestInvalidValues runs the 91 k invalid values through both parsers: no
// panic, every error positioned inside the value, every repair strictly
// valid and evaluable; it reports the share lenient mode repairs.
func TestInvalidValues(t *testing.T) {
	utc := HoursContext{Country: "FR", Lat: 48.85, Lon: 2.35}
	at := time.Date(2025, 6, 3, 10, 0, 0, 0, time.UTC)
	for _, file := range []string{invalidTSV, unambiguousTSV} {
		values, counts := readHoursTSV(t, file)
		n, strictOK, repaired, weighted, weightedRepaired := 0, 0, 0, 0, 0
		for i, v := range values {
			n++
			weighted += counts[i]
			if _, err := ParseHours(v); err == nil {
				strictOK++
				continue
			} else {
				var he *HoursError
				if !errors.As(err, &he) || he.Pos < 0 || he.Pos > utf8.RuneCountInString(v) {
					t.Fatalf("%q: error %v is not positioned", v, err)
				}
			}
			h, _, err := ParseHoursLenient(v)
			if err != nil {
				var he *HoursError
				if !errors.As(err, &he) || he.Pos < 0 || he.Pos > utf8.RuneCountInString(v) {
					t.Fatalf("%q: lenient error %v is not positioned", v, err)
				}
				continue
			}
			repaired++
			weightedRepaired += counts[i]
			if _, err := ParseHours(h.String()); err != nil {
				t.Errorf("repair %q of %q is not strictly valid: %v", h.String(), v, err)
			}
			h.StateAt(at, utc)
		}
		t.Logf("%s: %d values; %d parse strictly (grammatical, though the source calls them invalid); lenient repairs %d of the other %d (%.1f%%; %.1f%% of tag uses)",
			file[strings.LastIndex(file, "/")+1:], n, strictOK, repaired, n-strictOK, 100*float64(repaired)/float64(max(n-strictOK, 1)), 100*float64(weightedRepaired)/float64(max(weighted, 1)))
	}
}

func TestStateAt(t *testing.T) {
	paris, _ := time.LoadLocation("Europe/Paris")
	fr := HoursContext{Location: paris, Country: "FR", Lat: 48.8566, Lon: 2.3522}
	at := func(y, m, d, hh, mm int) time.Time { return time.Date(y, time.Month(m), d, hh, mm, 0, 0, paris) }
	cases := []struct {
		name, value string
		t           time.Time
		want        HoursState
	}{
		{"open weekday", "Mo-Fr 09:00-18:00", at(2025, 6, 3, 10, 0), HoursState{"open", ""}},
		{"closed at night", "Mo-Fr 09:00-18:00", at(2025, 6, 3, 19, 0), HoursState{"closed", ""}},
		{"end is exclusive", "Mo-Fr 09:00-18:00", at(2025, 6, 3, 18, 0), HoursState{"closed", ""}},
		{"14 July is a holiday", "Mo-Fr 09:00-18:00; PH off", at(2025, 7, 14, 10, 0), HoursState{"closed", "Fête nationale"}},
		{"Easter Monday", "Mo-Fr 09:00-18:00; PH off", at(2025, 4, 21, 10, 0), HoursState{"closed", "Lundi de Pâques"}},
		{"Whit Monday", "PH 10:00-12:00", at(2025, 6, 9, 11, 0), HoursState{"open", "Lundi de Pentecôte"}},
		{"spill past midnight", "Fr 22:00-02:00", at(2025, 6, 7, 1, 0), HoursState{"open", ""}},
		{"spill overridden", "Fr 22:00-02:00; Sa 10:00-12:00", at(2025, 6, 7, 1, 0), HoursState{"closed", ""}},
		{"comment", `Mo-Fr 09:00-18:00 open "ring the bell"`, at(2025, 6, 3, 10, 0), HoursState{"open", "ring the bell"}},
		{"comment means unknown", `Sa "on request"`, at(2025, 6, 7, 10, 0), HoursState{"unknown", "on request"}},
		{"fallback", `Mo-Fr 09:00-12:00 || "by appointment"`, at(2025, 6, 3, 15, 0), HoursState{"unknown", "by appointment"}},
		{"nth weekday", "Su[1] 10:00-12:00", at(2025, 6, 1, 11, 0), HoursState{"open", ""}},
		{"not the nth", "Su[1] 10:00-12:00", at(2025, 6, 8, 11, 0), HoursState{"closed", ""}},
		{"last weekday", "Fr[-1] 10:00-12:00", at(2025, 6, 27, 11, 0), HoursState{"open", ""}},
		{"wrapping month range", "10:00-18:00; Nov-Feb off", at(2025, 1, 15, 11, 0), HoursState{"closed", ""}},
		{"wrapping month range, outside", "10:00-18:00; Nov-Feb off", at(2025, 3, 15, 11, 0), HoursState{"open", ""}},
		{"a time-only rule adds to every day (opening_hours.js)", "Nov-Feb off; 10:00-18:00", at(2025, 1, 15, 11, 0), HoursState{"open", ""}},
		{"a closed rule with times only closes them", "Mo-Fr 08:00-18:00; Fr 12:00-14:00 off", at(2025, 6, 6, 15, 0), HoursState{"open", ""}},
		{"a closed rule with times", "Mo-Fr 08:00-18:00; Fr 12:00-14:00 off", at(2025, 6, 6, 13, 0), HoursState{"closed", ""}},
		{"sun span that is empty in summer", "Sa (sunset+00:30)-22:00", at(2025, 6, 15, 3, 0), HoursState{"closed", ""}},
		{"every other week", "week 02-52/2 We 16:00-18:00", at(2024, 12, 18, 17, 0), HoursState{"closed", ""}},
		{"every other week, on", "week 02-52/2 We 16:00-18:00", at(2024, 12, 11, 17, 0), HoursState{"open", ""}},
		{"sunset in June", "sunrise-sunset", at(2025, 6, 21, 21, 50), HoursState{"open", ""}},
		{"after sunset", "sunrise-sunset", at(2025, 6, 21, 22, 5), HoursState{"closed", ""}},
		{"open end", "Mo-Su 18:00+", at(2025, 6, 3, 23, 0), HoursState{"unknown", ""}},
		{"year", "2024 Mo-Su 10:00-12:00", at(2025, 6, 3, 11, 0), HoursState{"closed", ""}},
		{"week numbers", "week 23 10:00-12:00", at(2025, 6, 3, 11, 0), HoursState{"open", ""}},
		{"easter offset", "10:00-12:00; easter -2 days off", at(2025, 4, 18, 11, 0), HoursState{"closed", ""}},
		{"DST spring forward", "Mo-Su 01:00-04:00", at(2025, 3, 30, 3, 30), HoursState{"open", ""}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h, err := ParseHours(c.value)
			if err != nil {
				t.Fatal(err)
			}
			if got := h.StateAt(c.t, fr); got != c.want {
				t.Errorf("StateAt(%v) = %+v, want %+v", c.t, got, c.want)
			}
		})
	}
}

func TestNextChangeAndIntervals(t *testing.T) {
	paris, _ := time.LoadLocation("Europe/Paris")
	ctx := HoursContext{Location: paris, Country: "FR"}
	h, err := ParseHours("Mo-Fr 09:00-12:00,14:00-18:00; PH off")
	if err != nil {
		t.Fatal(err)
	}
	from := time.Date(2025, 7, 11, 17, 0, 0, 0, paris) // Friday before 14 July
	next, ok := h.NextChange(from, ctx)
	if want := time.Date(2025, 7, 11, 18, 0, 0, 0, paris); !ok || !next.Equal(want) {
		t.Errorf("NextChange = %v %v, want %v", next, ok, want)
	}
	next, ok = h.NextChange(next, ctx)
	if want := time.Date(2025, 7, 15, 9, 0, 0, 0, paris); !ok || !next.Equal(want) {
		t.Errorf("NextChange over the weekend = %v %v, want %v (Monday 14 July is a holiday)", next, ok, want)
	}
	ivs := h.Intervals(from, from.AddDate(0, 0, 4), ctx)
	var got []string
	for _, iv := range ivs {
		got = append(got, iv.Start.Format("Mon 15:04")+"-"+iv.End.Format("Mon 15:04")+" "+iv.State+" "+iv.Comment)
	}
	want := []string{
		"Fri 17:00-Fri 18:00 open ",
		"Fri 18:00-Mon 00:00 closed ",
		"Mon 00:00-Tue 00:00 closed Fête nationale",
		"Tue 00:00-Tue 09:00 closed ",
		"Tue 09:00-Tue 12:00 open ",
		"Tue 12:00-Tue 14:00 closed ",
		"Tue 14:00-Tue 17:00 open ",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("Intervals:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	always, _ := ParseHours("24/7")
	if _, ok := always.NextChange(from, ctx); ok {
		t.Errorf("24/7 has a next change")
	}
}

func TestEasterAndHolidays(t *testing.T) {
	for _, c := range []struct{ y, m, d int }{{2024, 3, 31}, {2025, 4, 20}, {2026, 4, 5}, {2019, 4, 21}, {2000, 4, 23}, {2038, 4, 25}} {
		if m, d := EasterSunday(c.y); m != c.m || d != c.d {
			t.Errorf("Easter %d = %d-%d, want %d-%d", c.y, m, d, c.m, c.d)
		}
	}
	if name, ok := holidayOn("DE-BE", daysFromCivil(2021, 3, 8), 2021, 3, 8); !ok || name != "Internationaler Frauentag" {
		t.Errorf("Berlin 8 March 2021: %q %v", name, ok)
	}
	if _, ok := holidayOn("DE", daysFromCivil(2021, 3, 8), 2021, 3, 8); ok {
		t.Errorf("8 March is not a national German holiday")
	}
	if name, ok := holidayOn("fr", daysFromCivil(2025, 5, 29), 2025, 5, 29); !ok || name != "Ascension" {
		t.Errorf("Ascension 2025: %q %v", name, ok)
	}
	for z := -800000; z < 800000; z += 997 {
		y, m, d := civilFromDays(z)
		if daysFromCivil(y, m, d) != z {
			t.Fatalf("civil round trip fails at %d", z)
		}
	}
}

func TestSunEvents(t *testing.T) {
	// Paris, 21 June 2025: sunrise 05:47, sunset 21:58 (CEST), civil dawn
	// 05:04, dusk 22:41 (timeanddate.com / NOAA calculator)
	jdn := daysFromCivil(2025, 6, 21)
	paris, _ := time.LoadLocation("Europe/Paris")
	for _, c := range []struct {
		ev   uint8
		want string
	}{{evSunrise, "05:47"}, {evSunset, "21:58"}, {evDawn, "05:04"}, {evDusk, "22:41"}} {
		s, ok := sunEventUTC(jdn, 48.8566, 2.3522, c.ev)
		if !ok {
			t.Fatalf("no %s", eventNames[c.ev])
		}
		got := time.Unix(int64(jdn)*86400+int64(s+30), 0).In(paris).Format("15:04")
		if got != c.want {
			t.Errorf("%s = %s, want %s", eventNames[c.ev], got, c.want)
		}
	}
	if _, ok := sunEventUTC(daysFromCivil(2025, 6, 21), 78.2, 15.6, evSunset); ok {
		t.Errorf("Svalbard has a sunset at midsummer")
	}
}

func FuzzParseHours(f *testing.F) {
	for _, s := range []string{"24/7", "Mo-Fr 08:00-18:00; PH off", "Fr,Sa 22:00-02:00", `Sa-Su open || "x"`,
		"Dec 25-Jan 06 off", "(sunrise+01:00)-sunset", "week 01-53/2 Su[-1] 10:00+", "2020-2022 easter -2 days",
		"Lu-Ve 9h-18h", "8:00 AM - 5:00 PM", "Mo-Fr 1000-1600", "Dec 24,31 off"} {
		f.Add(s)
	}
	if b, err := os.ReadFile(realHoursTSV); err == nil {
		for i, line := range strings.Split(string(b), "\n") {
			if _, v, ok := strings.Cut(line, "\t"); ok && i%7 == 1 {
				v, _, _ = strings.Cut(v, "\t")
				f.Add(v)
			}
		}
	}
	ctx := HoursContext{Country: "DE-BE", Lat: 52.5, Lon: 13.4}
	at := time.Date(2025, 3, 30, 1, 30, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, v string) {
		for _, lenient := range []bool{false, true} {
			var h *Hours
			var err error
			if lenient {
				h, _, err = ParseHoursLenient(v)
			} else {
				h, err = ParseHours(v)
			}
			if err != nil {
				var he *HoursError
				if !errors.As(err, &he) || he.Pos < 0 || he.Pos > utf8.RuneCountInString(v) {
					t.Fatalf("%q: bad error %v", v, err)
				}
				continue
			}
			s := h.String()
			h2, err := ParseHours(s)
			if err != nil {
				t.Fatalf("%q: canonical %q does not reparse: %v", v, s, err)
			}
			if h2.String() != s {
				t.Fatalf("%q: canonical %q reparses as %q", v, s, h2.String())
			}
			h.StateAt(at, ctx)
			h.NextChange(at, ctx)
			h.Intervals(at, at.Add(48*time.Hour), ctx)
		}
	})
}

// BenchmarkParseEvaluate parses each real value and evaluates it once: the
// cost of reading hours fresh. Reported as values per second.
func BenchmarkParseEvaluate(b *testing.B) {
	values, _ := readHoursTSV(b, realHoursTSV)
	paris, _ := time.LoadLocation("Europe/Paris")
	ctx := HoursContext{Location: paris, Country: "FR", Lat: 48.85, Lon: 2.35}
	at := time.Date(2025, 6, 3, 10, 0, 0, 0, paris)
	b.ReportAllocs()
	b.ResetTimer()
	n := 0
	for i := 0; i < b.N; i++ {
		v := values[i%len(values)]
		h, err := ParseHours(v)
		if err != nil {
			continue
		}
		h.StateAt(at, ctx)
		n++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "values/s")
}

// BenchmarkStateAtCached is the "open now" filter of a map view: the values
// are parsed once (as the API caches *Hours per place), then only StateAt.
func BenchmarkStateAtCached(b *testing.B) {
	values, _ := readHoursTSV(b, realHoursTSV)
	var hs []*Hours
	for _, v := range values {
		if h, err := ParseHours(v); err == nil {
			hs = append(hs, h)
		}
	}
	paris, _ := time.LoadLocation("Europe/Paris")
	ctx := HoursContext{Location: paris, Country: "FR", Lat: 48.85, Lon: 2.35}
	at := time.Date(2025, 6, 3, 10, 0, 0, 0, paris)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		hs[i%len(hs)].StateAt(at, ctx)
	}
}

func TestWeekAndDescribe(t *testing.T) {
	paris, _ := time.LoadLocation("Europe/Paris")
	ctx := HoursContext{Location: paris, Country: "FR"}
	h, err := ParseHours(`Mo-Fr 09:00-12:00,14:00-19:00; Sa 10:00-02:00; PH off; Dec 24 09:00-12:00; Su[1] 10:00-12:00 "brunch"`)
	if err != nil {
		t.Fatal(err)
	}
	monday := time.Date(2025, 7, 14, 15, 0, 0, 0, paris) // 14 July, a holiday
	week := h.Week("fr", monday, ctx)
	var got []string
	for _, d := range week {
		got = append(got, d.Day+" "+d.Date.Format("02")+" "+d.Text)
	}
	want := []string{
		"Lundi 14 Fermé (Fête nationale)",
		"Mardi 15 09:00–12:00, 14:00–19:00",
		"Mercredi 16 09:00–12:00, 14:00–19:00",
		"Jeudi 17 09:00–12:00, 14:00–19:00",
		"Vendredi 18 09:00–12:00, 14:00–19:00",
		"Samedi 19 10:00–02:00",
		"Dimanche 20 Fermé",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("Week fr:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if en := h.Week("en", monday, ctx); en[0].Day != "Monday" || en[0].Text != "Closed (Fête nationale)" || !en[0].Closed {
		t.Errorf("Week en: %+v", en[0])
	}
	if w := mustHours(t, `Mo-Fr 09:00-12:00 || "sur rendez-vous"`).Week("fr", monday, ctx); w[1].Text != "09:00–12:00, 12:00–24:00 (sur rendez-vous)" && w[1].Text != "00:00–09:00 (sur rendez-vous), 09:00–12:00, 12:00–24:00 (sur rendez-vous)" || w[5].Text != "sur rendez-vous" {
		t.Errorf("fallback in the week: %q / %q", w[1].Text, w[5].Text)
	}
	always, _ := ParseHours("24/7")
	if w := always.Week("fr", monday, ctx); w[2].Text != "24 h/24" {
		t.Errorf("24/7 in French: %q", w[2].Text)
	}
	if w := mustHours(t, `Mo-Fr 09:00-12:00 || "sur rendez-vous"`).Week("fr", monday, ctx); w[1].Text != "00:00–09:00 (sur rendez-vous), 09:00–12:00, 12:00–24:00 (sur rendez-vous)" || w[5].Text != "sur rendez-vous" {
		t.Errorf("fallback in the week: %q / %q", w[1].Text, w[5].Text)
	}
	for _, c := range []struct {
		lang string
		want []string
	}{
		{"fr", []string{"Jours fériés : fermé", "24 décembre : 09:00–12:00", "1er dimanche du mois : 10:00–12:00 « brunch »"}},
		{"en", []string{"Public holidays: closed", "24 December: 09:00–12:00", "1st Sunday of the month: 10:00–12:00 “brunch”"}},
	} {
		if got := h.Describe(c.lang); strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("Describe(%s) = %q, want %q", c.lang, got, c.want)
		}
	}
}

func TestHoursFlags(t *testing.T) {
	h, _ := ParseHours("Mo-Fr sunrise-sunset; PH off")
	if !h.UsesSun() || !h.UsesPublicHolidays() {
		t.Errorf("flags of %q: sun %v ph %v", h, h.UsesSun(), h.UsesPublicHolidays())
	}
	h, _ = ParseHours("Mo-Fr 08:00-12:00")
	if h.UsesSun() || h.UsesPublicHolidays() {
		t.Errorf("flags of %q", h)
	}
	_, err := ParseHours("Mo 8:00-12:00")
	var he *HoursError
	if !errors.As(err, &he) || he.Reason("fr") != "les heures s’écrivent avec deux chiffres (08:00 et non 8:00)" || strings.Contains(he.Reason("en"), "character") {
		t.Errorf("Reason: %v", err)
	}
}

func mustHours(t *testing.T, v string) *Hours {
	t.Helper()
	h, err := ParseHours(v)
	if err != nil {
		t.Fatal(err)
	}
	return h
}
