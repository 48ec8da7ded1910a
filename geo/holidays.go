package geo

import "strings"

// Holiday is one public holiday rule: a fixed day of the year or a number of
// days after Easter Sunday, possibly only for some years.
type Holiday struct {
	Month, Day  int // fixed date; 0 when Easter-based
	EasterDelta int // days after Easter Sunday when Month == 0
	FromYear    int // first year it applies, 0 = always
	ToYear      int // last year it applies, 0 = always
	Name        string
}

// PublicHolidays lists the public holidays (days off work) by country or
// subdivision code: "FR" (metropolitan France), "DE" (national), "DE-BE"
// (Berlin: national days plus its own). Adding a country is adding data here.
// A subdivision inherits its country's list (see holidaysFor).
var PublicHolidays = map[string][]Holiday{
	"FR": {
		{Month: 1, Day: 1, Name: "Jour de l’an"},
		{EasterDelta: 1, Name: "Lundi de Pâques"},
		{Month: 5, Day: 1, Name: "Fête du Travail"},
		{Month: 5, Day: 8, Name: "Victoire 1945"},
		{EasterDelta: 39, Name: "Ascension"},
		{EasterDelta: 50, Name: "Lundi de Pentecôte"},
		{Month: 7, Day: 14, Name: "Fête nationale"},
		{Month: 8, Day: 15, Name: "Assomption"},
		{Month: 11, Day: 1, Name: "Toussaint"},
		{Month: 11, Day: 11, Name: "Armistice 1918"},
		{Month: 12, Day: 25, Name: "Noël"},
	},
	// Alsace and Moselle add Good Friday and St Stephen's day.
	"FR-67": {{EasterDelta: -2, Name: "Vendredi saint"}, {Month: 12, Day: 26, Name: "Saint-Étienne"}},
	"FR-68": {{EasterDelta: -2, Name: "Vendredi saint"}, {Month: 12, Day: 26, Name: "Saint-Étienne"}},
	"FR-57": {{EasterDelta: -2, Name: "Vendredi saint"}, {Month: 12, Day: 26, Name: "Saint-Étienne"}},
	"DE": {
		{Month: 1, Day: 1, Name: "Neujahr"},
		{EasterDelta: -2, Name: "Karfreitag"},
		{EasterDelta: 1, Name: "Ostermontag"},
		{Month: 5, Day: 1, Name: "Tag der Arbeit"},
		{EasterDelta: 39, Name: "Christi Himmelfahrt"},
		{EasterDelta: 50, Name: "Pfingstmontag"},
		{Month: 10, Day: 3, Name: "Tag der Deutschen Einheit"},
		{Month: 12, Day: 25, Name: "1. Weihnachtsfeiertag"},
		{Month: 12, Day: 26, Name: "2. Weihnachtsfeiertag"},
	},
	"DE-BE": {
		{Month: 3, Day: 8, FromYear: 2019, Name: "Internationaler Frauentag"},
		{Month: 5, Day: 8, FromYear: 2020, ToYear: 2020, Name: "Tag der Befreiung"},
		{Month: 5, Day: 8, FromYear: 2025, ToYear: 2025, Name: "Tag der Befreiung"},
	},
	"MC": {
		{Month: 1, Day: 1, Name: "Jour de l’an"},
		{Month: 1, Day: 27, Name: "Sainte Dévote"},
		{EasterDelta: 1, Name: "Lundi de Pâques"},
		{Month: 5, Day: 1, Name: "Fête du Travail"},
		{EasterDelta: 39, Name: "Ascension"},
		{EasterDelta: 50, Name: "Lundi de Pentecôte"},
		{EasterDelta: 60, Name: "Fête-Dieu"},
		{Month: 8, Day: 15, Name: "Assomption"},
		{Month: 11, Day: 1, Name: "Toussaint"},
		{Month: 11, Day: 19, Name: "Fête du Prince"},
		{Month: 12, Day: 8, Name: "Immaculée Conception"},
		{Month: 12, Day: 25, Name: "Noël"},
	},
}

// HasHolidays says whether public holidays are known for a country code
// (for "DE-BE", those of DE or DE-BE).
func HasHolidays(country string) bool {
	a, b := holidayLists(country)
	return a != nil || b != nil
}

// holidayLists returns the lists that apply to a country code ("DE-BE" →
// DE and DE-BE). The result is never modified.
func holidayLists(country string) (a, b []Holiday) {
	if country == "" {
		return nil, nil
	}
	c := strings.ToUpper(country)
	if i := strings.IndexByte(c, '-'); i > 0 {
		return PublicHolidays[c[:i]], PublicHolidays[c]
	}
	return PublicHolidays[c], nil
}

// EasterSunday returns the month and day of (Gregorian) Easter Sunday, by the
// anonymous Gregorian algorithm (Meeus/Jones/Butcher).
func EasterSunday(year int) (month, day int) {
	a := year % 19
	b := year / 100
	c := year % 100
	d := b / 4
	e := b % 4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i := c / 4
	k := c % 4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month = (h + l - 7*m + 114) / 31
	day = (h+l-7*m+114)%31 + 1
	return
}

// holidayOn returns the name of the public holiday on the civil day jdn
// (days since 1970-01-01) of year y, or "" and false.
func holidayOn(country string, jdn, y, m, d int) (string, bool) {
	a, b := holidayLists(country)
	if a == nil && b == nil {
		return "", false
	}
	em, ed := EasterSunday(y)
	easter := daysFromCivil(y, em, ed)
	for _, list := range [2][]Holiday{a, b} {
		for _, h := range list {
			if h.FromYear != 0 && y < h.FromYear || h.ToYear != 0 && y > h.ToYear {
				continue
			}
			if h.Month == 0 {
				if easter+h.EasterDelta == jdn {
					return h.Name, true
				}
			} else if h.Month == m && h.Day == d {
				return h.Name, true
			}
		}
	}
	return "", false
}

// daysFromCivil returns the number of days from 1970-01-01 to y-m-d
// (proleptic Gregorian; Howard Hinnant's algorithm).
func daysFromCivil(y, m, d int) int {
	if m <= 2 {
		y--
	}
	era := y
	if era < 0 {
		era -= 399
	}
	era /= 400
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// civilFromDays is the inverse of daysFromCivil.
func civilFromDays(z int) (y, m, d int) {
	z += 719468
	era := z
	if era < 0 {
		era -= 146096
	}
	era /= 146097
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = doy - (153*mp+2)/5 + 1
	m = mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	return
}
