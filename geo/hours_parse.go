package geo

import (
	"strings"
	"unicode"
)

// maxHoursLen bounds the work done on one value: OSM limits tag values to 255
// characters; anything much longer is not opening hours.
const maxHoursLen = 2000

// ParseHours parses an OSM opening_hours value strictly, following the
// specification (https://wiki.openstreetmap.org/wiki/Key:opening_hours/specification).
// Whitespace between tokens is free. The error is a *HoursError.
func ParseHours(value string) (*Hours, error) {
	p := newParser(value, false)
	h, err := p.parse()
	if err != nil {
		return nil, err
	}
	return h, nil
}

// ParseHoursLenient parses like ParseHours but also accepts the common
// mistakes that have one obvious meaning (one-digit hours, "08h00", French or
// German day and month names, other dashes, missing separators, lower case,
// "24h"…). Each repair is reported as a warning; Hours.String() is then the
// corrected value to propose to mappers. Values without an obvious meaning
// still return a *HoursError.
func ParseHoursLenient(value string) (*Hours, []HoursWarning, error) {
	p := newParser(value, true)
	h, err := p.parse()
	if err != nil {
		return nil, p.warns, err
	}
	return h, p.warns, nil
}

type tokKind uint8

const (
	tEOF tokKind = iota
	tNum
	tWord
	tComment
	tSym
)

// symFallback is the token of "||".
const symFallback = '‖'

type token struct {
	kind  tokKind
	pos   int
	num   int
	ndig  int
	sym   rune
	word  string // as written (comment text for tComment)
	lower string
	space bool // whitespace before the token
	idx   int  // index in parser.toks
}

type parser struct {
	src     []rune
	toks    []token
	i       int
	lenient bool
	warns   []HoursWarning
	french  bool // lenient: the value uses French day names, so "Di" is dimanche
	bare    bool // lenient: the last time read was a bare hour ("9")
}

func newParser(value string, lenient bool) *parser {
	return &parser{src: []rune(value), lenient: lenient}
}

func (p *parser) warn(pos int, code, en, fr string) {
	if len(p.warns) < 50 {
		p.warns = append(p.warns, HoursWarning{Pos: pos, Code: code, en: en, fr: fr})
	}
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || r == '_' }

func (p *parser) lex() *HoursError {
	src := p.src
	if p.lenient {
		for i, r := range src {
			switch r {
			case '–', '—', '‑', '−', '‐', '~', '～', '〜':
				p.warn(i, "dash", "“"+string(r)+"” written as “-”", "« "+string(r)+" » écrit « - »")
			case '“', '”', '„', '«', '»', '：', '；', '，', '、':
				p.warn(i, "punctuation", "“"+string(r)+"” replaced", "« "+string(r)+" » remplacé")
			}
			switch r {
			case '–', '—', '‑', '−', '‐', '~':
				src[i] = '-'
			case '“', '”', '„', '«', '»':
				src[i] = '"'
			case '：':
				src[i] = ':'
			case '～', '〜':
				src[i] = '-'
			case '、':
				src[i] = ','
			case '\u3000':
				src[i] = ' '
			case '\u00a0', '\t', '\n', '\r', '\u202f', '\u2009':
				src[i] = ' '
			case '；':
				src[i] = ';'
			case '，':
				src[i] = ','
			}
		}
	}
	toks := make([]token, 0, len(src)/2+2)
	space := false
	for i := 0; i < len(src); {
		r := src[i]
		switch {
		case r == ' ':
			space = true
			i++
			continue
		case r >= '0' && r <= '9':
			j, n := i, 0
			for j < len(src) && src[j] >= '0' && src[j] <= '9' {
				if n < 1e6 {
					n = n*10 + int(src[j]-'0')
				}
				j++
			}
			toks = append(toks, token{kind: tNum, pos: i, num: n, ndig: j - i, space: space})
			i = j
		case isWordRune(r):
			j := i
			for j < len(src) && isWordRune(src[j]) {
				j++
			}
			w := string(src[i:j])
			toks = append(toks, token{kind: tWord, pos: i, word: w, lower: strings.ToLower(w), space: space})
			i = j
		case r == '"':
			j := i + 1
			for j < len(src) && src[j] != '"' {
				j++
			}
			if j >= len(src) {
				return herr(i, "unclosed_comment", "comment opened with \" is never closed", "le commentaire ouvert par \" n’est jamais fermé")
			}
			toks = append(toks, token{kind: tComment, pos: i, word: string(src[i+1 : j]), space: space})
			i = j + 1
		case r == '|' && i+1 < len(src) && src[i+1] == '|':
			toks = append(toks, token{kind: tSym, pos: i, sym: symFallback, space: space})
			i += 2
		default:
			toks = append(toks, token{kind: tSym, pos: i, sym: r, space: space})
			i++
		}
		space = false
	}
	toks = append(toks, token{kind: tEOF, pos: len(src), space: space})
	for i := range toks {
		toks[i].idx = i
	}
	p.toks = toks
	return nil
}

func (p *parser) tok() *token { return &p.toks[p.i] }

func (p *parser) peek(k int) *token {
	if p.i+k < len(p.toks) {
		return &p.toks[p.i+k]
	}
	return &p.toks[len(p.toks)-1]
}

func (p *parser) isSym(k int, s rune) bool {
	t := p.peek(k)
	return t.kind == tSym && t.sym == s
}

func describeTok(t *token) (string, string) {
	switch t.kind {
	case tEOF:
		return "the end of the value", "la fin de la valeur"
	case tNum:
		return "the number " + itoa(t.num), "le nombre " + itoa(t.num)
	case tWord:
		return "“" + t.word + "”", "« " + t.word + " »"
	case tComment:
		return "a comment", "un commentaire"
	}
	return "“" + string(t.sym) + "”", "« " + string(t.sym) + " »"
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	neg := n < 0
	if neg {
		n = -n
	}
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}

func (p *parser) unexpected(what, whatFr string) *HoursError {
	t := p.tok()
	en, fr := describeTok(t)
	if what != "" {
		return herr(t.pos, "unexpected", "expected "+what+", found "+en, whatFr+" attendu, trouvé "+fr)
	}
	return herr(t.pos, "unexpected", "unexpected "+en, fr+" inattendu")
}

// keyword tables. Strict mode knows only the canonical spelling; lenient mode
// also the lower-case, long, French and German forms.
var strictDays = map[string]int{"Mo": 0, "Tu": 1, "We": 2, "Th": 3, "Fr": 4, "Sa": 5, "Su": 6}

var lenientDays = map[string]int{
	"mo": 0, "mon": 0, "monday": 0, "lu": 0, "lun": 0, "lundi": 0, "montag": 0, "mond": 0,
	"tu": 1, "tue": 1, "tues": 1, "tuesday": 1, "ma": 1, "mar": 1, "mardi": 1, "di": 1, "die": 1, "dienstag": 1,
	"we": 2, "wed": 2, "wednesday": 2, "me": 2, "mer": 2, "mercredi": 2, "mi": 2, "mit": 2, "mittwoch": 2,
	"th": 3, "thu": 3, "thur": 3, "thurs": 3, "thursday": 3, "je": 3, "jeu": 3, "jeudi": 3, "do": 3, "don": 3, "donnerstag": 3,
	"fr": 4, "fri": 4, "friday": 4, "ve": 4, "ven": 4, "vendredi": 4, "fre": 4, "freitag": 4,
	"sa": 5, "sat": 5, "saturday": 5, "sam": 5, "samedi": 5, "samstag": 5, "sonnabend": 5,
	"su": 6, "sun": 6, "sunday": 6, "dim": 6, "dimanche": 6, "so": 6, "son": 6, "sonntag": 6,
	// Russian, Spanish, Italian, Portuguese, Polish abbreviations, common in OSM
	"пн": 0, "вт": 1, "ср": 2, "чт": 3, "пт": 4, "сб": 5, "вс": 6,
	"mié": 2, "mie": 2, "jue": 3, "vie": 4, "sáb": 5, "sab": 5, "dom": 6, "gio": 3,
	"seg": 0, "ter": 1, "qua": 2, "qui": 3, "sex": 4,
	"pon": 0, "wt": 1, "śr": 2, "czw": 3, "pt": 4, "sob": 5, "nd": 6, "niedz": 6,
}

// frenchOnly are day names that only French uses; their presence makes "di"
// mean dimanche rather than Dienstag.
var frenchOnly = map[string]bool{"lu": true, "lun": true, "lundi": true, "ma": true, "mardi": true, "me": true, "mer": true, "mercredi": true, "je": true, "jeu": true, "jeudi": true, "ve": true, "ven": true, "vendredi": true, "samedi": true, "dimanche": true, "dim": true}

var strictMonths = map[string]int{"Jan": 1, "Feb": 2, "Mar": 3, "Apr": 4, "May": 5, "Jun": 6, "Jul": 7, "Aug": 8, "Sep": 9, "Oct": 10, "Nov": 11, "Dec": 12}

var lenientMonths = map[string]int{
	"jan": 1, "january": 1, "janvier": 1, "januar": 1, "janv": 1, "jänner": 1,
	"feb": 2, "february": 2, "février": 2, "fevrier": 2, "fév": 2, "fev": 2, "févr": 2, "februar": 2,
	"mar": 3, "march": 3, "mars": 3, "märz": 3, "maerz": 3, "mär": 3,
	"apr": 4, "april": 4, "avril": 4, "avr": 4,
	"may": 5, "mai": 5,
	"jun": 6, "june": 6, "juin": 6, "juni": 6,
	"jul": 7, "july": 7, "juillet": 7, "juil": 7, "juli": 7,
	"aug": 8, "august": 8, "août": 8, "aout": 8,
	"sep": 9, "sept": 9, "september": 9, "septembre": 9,
	"oct": 10, "october": 10, "octobre": 10, "okt": 10, "oktober": 10,
	"nov": 11, "november": 11, "novembre": 11,
	"dec": 12, "december": 12, "décembre": 12, "decembre": 12, "déc": 12, "dez": 12, "dezember": 12,
}

var lenientClosed = map[string]bool{"off": true, "closed": true, "geschlossen": true, "fermé": true, "ferme": true, "close": true, "ruhetag": true}

func (p *parser) dayOf(t *token) (int, bool) {
	if t.kind != tWord {
		return 0, false
	}
	if d, ok := strictDays[t.word]; ok {
		return d, true
	}
	if !p.lenient {
		return 0, false
	}
	d, ok := lenientDays[t.lower]
	if ok && t.lower == "di" && p.french {
		d = 6
	}
	if ok && (t.lower == "mar") && p.peekMonthContext(t) {
		return 0, false
	}
	return d, ok
}

// peekMonthContext reports whether t is followed by a day of the month
// ("mar 15" is March, "mar 10:00" mardi). t points into p.toks.
func (p *parser) peekMonthContext(t *token) bool {
	k := t.idx + 1
	if k >= len(p.toks) {
		return false
	}
	n := &p.toks[k]
	return n.kind == tNum && n.ndig <= 2 && !(k+1 < len(p.toks) && p.toks[k+1].kind == tSym && p.toks[k+1].sym == ':')
}

func (p *parser) monthOf(t *token) (int, bool) {
	if t.kind != tWord {
		return 0, false
	}
	if m, ok := strictMonths[t.word]; ok {
		return m, true
	}
	if !p.lenient {
		return 0, false
	}
	m, ok := lenientMonths[t.lower]
	if ok && t.lower == "mar" && !p.peekMonthContext(t) {
		// "mar" alone is mardi in French values
		if p.french {
			return 0, false
		}
	}
	return m, ok
}

func (p *parser) holOf(t *token) uint8 {
	if t.kind != tWord {
		return holNone
	}
	w := t.word
	if p.lenient {
		w = strings.ToUpper(t.word)
		if w == "JF" || w == "FEIERTAG" || w == "FEIERTAGE" || w == "FERIES" || w == "FÉRIÉS" || w == "FÉRIÉ" || w == "FERIE" {
			w = "PH"
		}
	}
	switch w {
	case "PH":
		return holPH
	case "SH":
		return holSH
	}
	return holNone
}

func (p *parser) eventOf(t *token) uint8 {
	if t.kind != tWord {
		return evNone
	}
	w := t.word
	if p.lenient {
		w = t.lower
	}
	if p.lenient {
		switch w {
		case "sundown":
			w = "sunset"
		case "sunup":
			w = "sunrise"
		}
	}
	switch w {
	case "dawn":
		return evDawn
	case "sunrise":
		return evSunrise
	case "sunset":
		return evSunset
	case "dusk":
		return evDusk
	}
	return evNone
}

func (p *parser) kw(t *token, word string) bool {
	if t.kind != tWord {
		return false
	}
	if t.word == word {
		return true
	}
	return p.lenient && t.lower == word
}

func (p *parser) modifierOf(t *token) (uint8, string, bool) {
	if t.kind != tWord {
		return 0, "", false
	}
	w := t.word
	if p.lenient {
		w = t.lower
		if w != t.word && (w == "off" || w == "closed" || w == "open" || w == "unknown") {
			p.warn(t.pos, "modifier", "“"+t.word+"” written in lower case", "« "+t.word+" » écrit en minuscules")
		}
		if lenientClosed[w] {
			if w != "off" && w != "closed" {
				p.warn(t.pos, "modifier", "“"+t.word+"” written as “off”", "« "+t.word+" » écrit « off »")
			}
			return stClosed, "off", true
		}
	}
	switch w {
	case "off":
		return stClosed, "off", true
	case "closed":
		return stClosed, "closed", true
	case "open":
		return stOpen, "open", true
	case "unknown":
		return stUnknown, "unknown", true
	}
	return 0, "", false
}

func (p *parser) isYear(k int) bool {
	t := p.peek(k)
	return t.kind == tNum && t.ndig == 4 && t.num >= 1900 && t.num <= 2200 && !p.isSym(k+1, ':')
}

// isTimeStart reports whether a time span starts at token k.
func (p *parser) isTimeStart(k int) bool {
	t := p.peek(k)
	switch t.kind {
	case tNum:
		if p.isColonTime(k) {
			return true
		}
		if p.lenient && (t.ndig == 4 || t.ndig == 3) && t.num/100 <= 24 && t.num%100 < 60 && !p.isYear(k) {
			// "1000-1600", "900-1800"
			n := p.peek(k + 1)
			if n.kind == tSym && (n.sym == '-' || n.sym == '+') {
				return true
			}
			if k > 0 && p.peek(k-1).kind == tSym && p.peek(k-1).sym == '-' {
				return true
			}
		}
		if !p.lenient || t.ndig > 2 || t.num > 24 {
			return false
		}
		n := p.peek(k + 1)
		if n.kind == tSym && n.sym == '.' && p.peek(k+2).kind == tNum && p.peek(k+2).ndig == 2 {
			return true
		}
		if n.kind == tWord && (n.lower == "h" || n.lower == "am" || n.lower == "pm" || n.lower == "uhr" || n.lower == "a" || n.lower == "p") && !n.space || n.kind == tWord && (n.lower == "am" || n.lower == "pm" || n.lower == "uhr") {
			return true
		}
		if n.kind == tWord && len(n.lower) > 1 && n.lower[0] == 'h' && !n.space {
			return false
		}
		// bare hours "9-18"
		if n.kind == tSym && n.sym == '-' {
			m := p.peek(k + 2)
			return m.kind == tNum && m.ndig <= 2 && m.num <= 48
		}
		return false
	case tWord:
		return p.eventOf(t) != evNone
	case tSym:
		return t.sym == '(' && p.eventOf(p.peek(k+1)) != evNone
	}
	return false
}

// isColonTime reports whether token k starts "hh:mm": the colon and the
// minutes follow without spaces ("May 31: 10:00" is a day and a separator).
func (p *parser) isColonTime(k int) bool {
	c, m := p.peek(k+1), p.peek(k+2)
	return c.kind == tSym && c.sym == ':' && m.kind == tNum && !m.space
}

func (p *parser) isWdayStart(k int) bool {
	t := p.peek(k)
	if _, ok := p.dayOf(t); ok {
		return true
	}
	return p.holOf(t) != holNone
}

func (p *parser) isDateStart(k int) bool {
	t := p.peek(k)
	if _, ok := p.monthOf(t); ok {
		return true
	}
	if p.kw(t, "easter") {
		return true
	}
	if p.isYear(k) {
		n := p.peek(k + 1)
		_, ok := p.monthOf(n)
		return ok || p.kw(n, "easter")
	}
	return false
}

func (p *parser) parse() (*Hours, error) {
	if len(p.src) > maxHoursLen {
		return nil, herr(maxHoursLen, "too_long", "value longer than 2000 characters", "valeur de plus de 2000 caractères")
	}
	if e := p.lex(); e != nil {
		return nil, e
	}
	if p.lenient {
		for k := range p.toks {
			if frenchOnly[p.toks[k].lower] {
				p.french = true
				break
			}
		}
	}
	if p.tok().kind == tEOF {
		return nil, herr(0, "empty", "empty value", "valeur vide")
	}
	if p.lenient && p.tok().kind == tWord && p.tok().lower == "opening_hours" && p.isSym(1, '=') {
		p.warn(0, "key_prefix", "“opening_hours=” removed", "« opening_hours= » supprimé")
		p.i += 2
	}
	h := &Hours{}
	kind := kNormal
	for {
		if p.lenient && p.tok().kind == tEOF && len(h.rules) > 0 {
			break
		}
		start := p.i
		r, err := p.parseRule()
		if err != nil {
			return nil, err
		}
		if p.i == start {
			return nil, p.unexpected("", "")
		}
		r.kind = kind
		h.rules = append(h.rules, r)
		t := p.tok()
		if t.kind == tEOF {
			break
		}
		if p.lenient && t.kind == tSym && t.sym == '|' {
			p.warn(t.pos, "pipe", "“|” written as “;”", "« | » écrit « ; »")
			t.sym = ';'
		}
		if t.kind == tSym && (t.sym == ';' || t.sym == ',' || t.sym == symFallback) {
			switch t.sym {
			case ';':
				kind = kNormal
			case ',':
				kind = kAdditional
				last := &h.rules[len(h.rules)-1]
				if !last.explicit && !last.hasComm && !last.always && len(last.times) == 0 {
					// "Tu, Jan 01 off": the comma would make "Tu" a rule of
					// its own, open all day (opening_hours.js rejects it too)
					if !p.lenient {
						return nil, herr(t.pos, "additional_rule", "“,” would make the days before it a rule open all day: use “;” or put the state on them", "« , » ferait des jours qui précèdent une règle ouverte toute la journée : utilisez « ; » ou donnez-leur un état")
					}
					p.warn(t.pos, "additional_rule", "days before “,” take the state of what follows", "les jours avant « , » prennent l’état de ce qui suit")
					last.shareNext = true
					kind = kNormal
				}
			default:
				kind = kFallback
			}
			sepPos := t.pos
			p.i++
			// repeated or trailing separators
			for p.lenient && p.tok().kind == tSym && (p.tok().sym == ';' || p.tok().sym == ',') {
				p.warn(p.tok().pos, "extra_separator", "extra separator removed", "séparateur en trop supprimé")
				p.i++
			}
			if p.tok().kind == tEOF {
				if p.lenient {
					p.warn(sepPos, "trailing_separator", "separator at the end removed", "séparateur final supprimé")
					break
				}
				return nil, herr(sepPos, "trailing_separator", "a rule separator must be followed by a rule", "un séparateur de règles doit être suivi d’une règle")
			}
			continue
		}
		if p.lenient && (p.isWdayStart(0) || p.isDateStart(0) || p.isTimeStart(0)) {
			p.warn(t.pos, "missing_separator", "missing “;” between two rules", "« ; » manquant entre deux règles")
			kind = kNormal
			continue
		}
		return nil, p.unexpected("“;”, “,” or the end", "« ; », « , » ou la fin")
	}
	for i := len(h.rules) - 2; i >= 0; i-- {
		if r := &h.rules[i]; r.shareNext {
			n := &h.rules[i+1]
			r.times = append(r.times, n.times...)
			r.state, r.explicit, r.modWord, r.comment, r.hasComm = n.state, n.explicit, n.modWord, n.comment, n.hasComm
		}
	}
	h.rules = foldRules(h.rules)
	for i := range h.rules {
		r := &h.rules[i]
		for _, t := range r.times {
			if t.from.ev != evNone || (t.hasTo && t.to.ev != evNone) {
				h.needsSun = true
			}
		}
		for _, w := range r.wdays {
			if w.hol == holPH {
				h.needsPH = true
			}
		}
	}
	return h, nil
}

func (p *parser) parseRule() (hrule, *HoursError) {
	var r hrule
	r.state = stOpen
	t := p.tok()
	// 24/7
	if t.kind == tNum && t.num == 24 && t.ndig == 2 && p.isSym(1, '/') && p.peek(2).kind == tNum && p.peek(2).num == 7 && (p.peek(2).ndig == 1 || p.lenient) {
		r.always = true
		p.i += 3
		if p.lenient && p.isSym(0, '/') && p.peek(1).kind == tNum && p.peek(1).num == 365 {
			p.warn(p.tok().pos, "always", "“24/7/365” written as “24/7”", "« 24/7/365 » écrit « 24/7 »")
			p.i += 2
		}
	} else if p.lenient && p.lenientAlways() {
		r.always = true
	} else {
		if err := p.parseSelectors(&r); err != nil {
			return r, err
		}
	}
	// modifier and comment
	if st, w, ok := p.modifierOf(p.tok()); ok {
		r.state, r.modWord, r.explicit = st, w, true
		p.i++
	}
	if p.tok().kind == tComment {
		r.comment, r.hasComm = p.tok().word, true
		p.i++
		// a comment without a written state makes the state unknown, as
		// in opening_hours.js ("Mo 10:00-12:00 \"on request\"")
		if !r.explicit {
			r.state = stUnknown
		}
		if st, w, ok := p.modifierOf(p.tok()); ok && !r.explicit && p.lenient {
			p.warn(p.tok().pos, "order", "the state goes before the comment", "l’état se met avant le commentaire")
			r.state, r.modWord, r.explicit = st, w, true
			p.i++
		}
	}
	return r, nil
}

// lenientAlways recognises "24h", "24 h", "24 hours", "24/24", "24h/24",
// "24h/24h", "24/24h", "24 heures", "24 Stunden", "rund um die Uhr".
func (p *parser) lenientAlways() bool {
	t := p.tok()
	if t.kind == tWord && (t.lower == "always" || t.lower == "nonstop") {
		p.warn(t.pos, "always", "written as “24/7”", "écrit « 24/7 »")
		p.i++
		return true
	}
	if t.kind != tNum || t.num != 24 {
		return false
	}
	k := 1
	n := p.peek(k)
	ok := false
	if n.kind == tWord {
		switch n.lower {
		case "h", "hours", "hour", "heures", "stunden", "hrs", "hr":
			ok = true
			k++
		}
	}
	if p.isSym(k, '/') && p.peek(k+1).kind == tNum && (p.peek(k+1).num == 24 || p.peek(k+1).num == 7) {
		ok = true
		k += 2
		if p.peek(k).kind == tWord && p.peek(k).lower == "h" {
			k++
		}
		if p.isSym(k, '/') && p.peek(k+1).kind == tNum && p.peek(k+1).num == 7 {
			k += 2
		}
	}
	if !ok {
		return false
	}
	// must end the rule
	e := p.peek(k)
	if !(e.kind == tEOF || e.kind == tSym && (e.sym == ';' || e.sym == ',' || e.sym == symFallback) || e.kind == tComment) {
		if _, _, m := p.modifierOf(e); !m {
			return false
		}
	}
	p.warn(t.pos, "always", "written as “24/7”", "écrit « 24/7 »")
	p.i += k
	return true
}

func (p *parser) parseSelectors(r *hrule) *HoursError {
	// years (not followed by a month: then it is a dated month-day)
	for p.isYear(0) && !p.isDateStart(0) {
		y, err := p.parseYearRange()
		if err != nil {
			return err
		}
		r.years = append(r.years, y)
		if p.isSym(0, ',') && p.isYear(1) && !p.isDateStart(1) {
			p.i++
			continue
		}
		break
	}
	for p.isDateStart(0) {
		d, err := p.parseDateRange()
		if err != nil {
			return err
		}
		r.dates = append(r.dates, d)
		// lenient: "Dec 24,31", "Dec 24,26-28": more days of the same month
		for p.lenient && p.isSym(0, ',') && p.peek(1).kind == tNum && p.peek(1).ndig <= 2 && !p.isColonTime(1) && !p.isTimeStart(1) && d.from.day > 0 && !d.from.easter {
			last := r.dates[len(r.dates)-1]
			m := last.from.month
			if last.hasTo {
				m = last.to.month
			}
			n := p.peek(1)
			p.i++
			if err := p.checkDay(n, m); err != nil {
				return err
			}
			p.warn(n.pos, "day_list", "month repeated before the day", "mois répété devant le jour")
			nd := dateRange{from: mdate{year: last.from.year, month: m, day: n.num}}
			p.i++
			if p.isSym(0, '-') && p.peek(1).kind == tNum && p.peek(1).ndig <= 2 && !p.isColonTime(1) {
				e := p.peek(1)
				p.i++
				if err := p.checkDay(e, m); err != nil {
					return err
				}
				p.i++
				nd.to, nd.hasTo = mdate{year: last.from.year, month: m, day: e.num}, true
			}
			r.dates = append(r.dates, nd)
		}
		if p.isSym(0, ',') && p.isDateStart(1) {
			p.i++
			continue
		}
		// lenient: a day list "Dec 24,25"
		break
	}
	if p.kw(p.tok(), "week") {
		p.i++
		for {
			w, err := p.parseWeekRange()
			if err != nil {
				return err
			}
			r.weeks = append(r.weeks, w)
			if p.isSym(0, ',') && p.peek(1).kind == tNum && !p.isSym(2, ':') {
				p.i++
				continue
			}
			break
		}
	}
	if (len(r.years) > 0 || len(r.dates) > 0 || len(r.weeks) > 0) && p.isSym(0, ':') {
		p.i++ // "Jan-Mar: Mo-Fr 10:00-12:00"
	}
	if p.isWdayStart(0) {
		ws, err := p.parseWdays(true)
		if err != nil {
			return err
		}
		r.wdays = ws
		if p.lenient && p.isSym(0, ':') {
			p.warn(p.tok().pos, "colon", "“:” after the days removed", "« : » après les jours supprimé")
			p.i++
		}
		if p.lenient && p.isSym(0, ',') && p.isTimeStart(1) {
			p.warn(p.tok().pos, "comma", "“,” between days and times removed", "« , » entre jours et heures supprimé")
			p.i++
		}
	} else if p.lenient && p.isSym(0, ',') && (len(r.dates) > 0) && (p.isTimeStart(1) || p.peek(1).kind == tNum && p.peek(1).num == 24 && p.isSym(2, '/')) {
		p.warn(p.tok().pos, "comma", "“,” between dates and times removed", "« , » entre dates et heures supprimé")
		p.i++
	}
	if p.lenient && r.hasDaySelectors() && p.tok().kind == tNum && p.tok().num == 24 && p.isSym(1, '/') && p.peek(2).kind == tNum && p.peek(2).num == 7 {
		p.warn(p.tok().pos, "always_time", "“24/7” after days written as “00:00-24:00”", "« 24/7 » après des jours écrit « 00:00-24:00 »")
		p.i += 3
		r.times = append(r.times, timeSpan{from: tpoint{}, to: tpoint{min: 1440}, hasTo: true})
		return nil
	}
	if p.isTimeStart(0) {
		for {
			ts, err := p.parseTimeSpan()
			if err != nil {
				return err
			}
			r.times = append(r.times, ts)
			if p.isSym(0, ',') && p.isTimeStart(1) {
				p.i++
				continue
			}
			if p.lenient && p.isTimeStart(0) {
				p.warn(p.tok().pos, "missing_comma", "missing “,” between two time ranges", "« , » manquant entre deux plages horaires")
				continue
			}
			if p.lenient && (p.tok().kind == tWord && (p.tok().lower == "und" || p.tok().lower == "et" || p.tok().lower == "and") || p.isSym(0, '&')) && p.isTimeStart(1) {
				p.warn(p.tok().pos, "and", "“"+p.tok().word+"” written as “,”", "« "+p.tok().word+" » écrit « , »")
				p.i++
				continue
			}
			break
		}
	}
	return nil
}

func (p *parser) parseYearRange() (yearRange, *HoursError) {
	y := yearRange{from: p.tok().num}
	p.i++
	if p.isSym(0, '-') && p.isYear(1) {
		y.to = p.peek(1).num
		if y.to < y.from {
			return y, herr(p.peek(1).pos, "year_order", "the range ends before it starts", "la plage finit avant de commencer")
		}
		p.i += 2
	} else if p.isSym(0, '+') {
		y.to = -1
		p.i++
	}
	if p.isSym(0, '/') && p.peek(1).kind == tNum && !p.isSym(2, ':') {
		y.step = p.peek(1).num
		if y.step < 1 {
			return y, herr(p.peek(1).pos, "bad_step", "a period must be at least 1", "une période doit valoir au moins 1")
		}
		p.i += 2
	}
	return y, nil
}

func (p *parser) parseWeekRange() (weekRange, *HoursError) {
	t := p.tok()
	if t.kind != tNum || t.num < 1 || t.num > 53 {
		return weekRange{}, p.unexpected("a week number from 01 to 53", "un numéro de semaine de 01 à 53")
	}
	if err := p.twoDigits(t, "week"); err != nil {
		return weekRange{}, err
	}
	w := weekRange{from: t.num}
	p.i++
	if p.isSym(0, '-') {
		n := p.peek(1)
		if n.kind != tNum || n.num < 1 || n.num > 53 {
			p.i++
			return w, p.unexpected("a week number from 01 to 53", "un numéro de semaine de 01 à 53")
		}
		if err := p.twoDigits(n, "week"); err != nil {
			return w, err
		}
		w.to = n.num
		p.i += 2
	}
	if p.isSym(0, '/') && p.peek(1).kind == tNum {
		w.step = p.peek(1).num
		if w.step < 1 {
			return w, herr(p.peek(1).pos, "bad_step", "a period must be at least 1", "une période doit valoir au moins 1")
		}
		p.i += 2
	}
	return w, nil
}

// parseDayOffset reads " +1 day" / " -2 days" if present.
func (p *parser) parseDayOffset() (int, bool) {
	if (p.isSym(0, '+') || p.isSym(0, '-')) && p.peek(1).kind == tNum && p.peek(2).kind == tWord && (p.kw(p.peek(2), "day") || p.kw(p.peek(2), "days")) {
		n := p.peek(1).num
		if n > 366 {
			n = 366
		}
		if p.isSym(0, '-') {
			n = -n
		}
		p.i += 3
		return n, true
	}
	return 0, false
}

func (p *parser) parseDate(withYear int) (mdate, *HoursError) {
	var d mdate
	if p.isYear(0) {
		d.year = p.tok().num
		p.i++
	} else {
		d.year = withYear
	}
	t := p.tok()
	if p.kw(t, "easter") {
		d.easter = true
		p.i++
	} else if m, ok := p.monthOf(t); ok {
		if t.word != monthAbbr[m] {
			p.warn(t.pos, "month_name", "“"+t.word+"” written as “"+monthAbbr[m]+"”", "« "+t.word+" » écrit « "+monthAbbr[m]+" »")
		}
		d.month = m
		p.i++
		if n := p.tok(); n.kind == tNum && n.ndig <= 2 && !p.isColonTime(0) && !p.lenientTimeAfter() && !p.isSym(1, '/') {
			if err := p.checkDay(n, m); err != nil {
				return d, err
			}
			d.day = n.num
			p.i++
		}
	} else {
		return d, p.unexpected("a month", "un mois")
	}
	if off, ok := p.parseDayOffset(); ok {
		d.offset = off
	}
	return d, nil
}

func (p *parser) parseDateRange() (dateRange, *HoursError) {
	var r dateRange
	from, err := p.parseDate(0)
	if err != nil {
		return r, err
	}
	r.from = from
	if p.isSym(0, '+') && !from.easter && from.day > 0 {
		r.plus = true
		p.i++
		return r, nil
	}
	if !p.isSym(0, '-') {
		return r, nil
	}
	n := p.peek(1)
	switch {
	case n.kind == tNum && n.ndig <= 2 && !p.isColonTime(1) && from.day > 0 && !from.easter:
		// "Jan 01-15"
		p.i++
		if err := p.checkDay(n, from.month); err != nil {
			return r, err
		}
		p.i++
		r.to = mdate{year: from.year, month: from.month, day: n.num}
		if from.year != 0 && n.num < from.day {
			// "2000 Jul 10-01" runs into the next year, as
			// "2000 Jul 10-Jul 01" does below.
			r.to.year++
		}
		r.hasTo = true
	case p.isDateStart(1):
		p.i++
		toPos := p.tok().pos
		to, err := p.parseDate(0)
		if err != nil {
			return r, err
		}
		fromWhole := !from.easter && from.day == 0
		toWhole := !to.easter && to.day == 0
		if fromWhole != toWhole {
			if !p.lenient {
				return r, herr(toPos, "mixed_range", "a range goes from a month to a month, or from a day to a day (Apr 01-Nov 15, Apr-Nov)", "une plage va d’un mois à un mois, ou d’un jour à un jour (Apr 01-Nov 15, Apr-Nov)")
			}
			p.warn(toPos, "mixed_range", "range between a month and a day read from the first to the last day", "plage entre un mois et un jour lue du premier au dernier jour")
			if fromWhole {
				from.day = 1
				r.from = from
			} else {
				to.day = maxDay[to.month]
			}
		}
		if to.year == 0 && from.year != 0 {
			to.year = from.year
			// "2021 Dec 25-Jan 05" runs into the next year
			if !to.easter && !from.easter && (to.month < from.month || to.month == from.month && to.day < from.day) {
				to.year++
			}
		}
		r.to = to
		r.hasTo = true
	default:
		// a dash that starts something else ("Dec 25 -" ...): leave it
		return r, nil
	}
	if p.isSym(0, '+') && r.to.day > 0 {
		p.i++ // "Jan 01-Mar 01+" hmm: treat as the range
	}
	return r, nil
}

func (p *parser) parseWdays(allowHol bool) ([]wdTerm, *HoursError) {
	var out []wdTerm
	for {
		t := p.tok()
		if h := p.holOf(t); h != holNone && allowHol {
			if p.lenient && t.word != "PH" && t.word != "SH" {
				fix := "PH"
				if h == holSH {
					fix = "SH"
				}
				p.warn(t.pos, "holiday", "“"+t.word+"” written as “"+fix+"”", "« "+t.word+" » écrit « "+fix+" »")
			}
			term := wdTerm{hol: h}
			p.i++
			if off, ok := p.parseDayOffset(); ok {
				term.holOff = off
			}
			if _, ok := p.dayOf(p.tok()); ok {
				and, err := p.parseWdays(false)
				if err != nil {
					return nil, err
				}
				term.and = and
			}
			out = append(out, term)
		} else if d, ok := p.dayOf(t); ok {
			if t.word != dayAbbr[d] {
				p.warn(t.pos, "day_name", "“"+t.word+"” written as “"+dayAbbr[d]+"”", "« "+t.word+" » écrit « "+dayAbbr[d]+" »")
			}
			term := wdTerm{from: d, to: d}
			p.i++
			if p.lenient && p.isSym(0, '.') {
				p.i++
			}
			dash := p.isSym(0, '-')
			if p.lenient && !dash && p.tok().kind == tWord && (p.tok().lower == "to" || p.tok().lower == "bis" || p.tok().lower == "au" || p.tok().lower == "à") {
				if _, ok := p.dayOf(p.peek(1)); ok {
					p.warn(p.tok().pos, "dash", "“"+p.tok().word+"” written as “-”", "« "+p.tok().word+" » écrit « - »")
					dash = true
				}
			}
			if dash {
				e, ok := p.dayOf(p.peek(1))
				if !ok {
					p.i++
					return nil, p.unexpected("a day of the week", "un jour de la semaine")
				}
				if p.peek(1).word != dayAbbr[e] {
					p.warn(p.peek(1).pos, "day_name", "“"+p.peek(1).word+"” written as “"+dayAbbr[e]+"”", "« "+p.peek(1).word+" » écrit « "+dayAbbr[e]+" »")
				}
				term.to = e
				p.i += 2
				if p.lenient && p.isSym(0, '.') {
					p.i++
				}
			}
			if p.isSym(0, '[') {
				p.i++
				for {
					neg := false
					if p.isSym(0, '-') {
						neg = true
						p.i++
					}
					n := p.tok()
					if n.kind != tNum || n.num < 1 || n.num > 5 {
						return nil, p.unexpected("a week of the month from 1 to 5", "une semaine du mois de 1 à 5")
					}
					a := n.num
					p.i++
					b := a
					if !neg && p.isSym(0, '-') && p.peek(1).kind == tNum {
						b = p.peek(1).num
						if b < a || b > 5 {
							return nil, herr(p.peek(1).pos, "bad_nth", "bad range of weeks of the month", "plage de semaines du mois invalide")
						}
						p.i += 2
					}
					for k := a; k <= b; k++ {
						if neg {
							term.nth |= 1 << (4 + k)
						} else {
							term.nth |= 1 << (k - 1)
						}
					}
					if p.isSym(0, ',') {
						p.i++
						continue
					}
					break
				}
				if !p.isSym(0, ']') {
					return nil, p.unexpected("“]”", "« ] »")
				}
				p.i++
				if off, ok := p.parseDayOffset(); ok {
					term.off = off
				}
			}
			out = append(out, term)
		} else {
			return nil, p.unexpected("a day of the week", "un jour de la semaine")
		}
		if p.isSym(0, ',') {
			n := p.peek(1)
			if _, ok := p.dayOf(n); ok {
				p.i++
				continue
			}
			if allowHol && p.holOf(n) != holNone {
				p.i++
				continue
			}
		}
		if p.lenient && allowHol && p.tok().kind == tWord && (p.tok().lower == "und" || p.tok().lower == "et" || p.tok().lower == "and" || p.tok().lower == "&") && p.isWdayStart(1) {
			p.warn(p.tok().pos, "and", "“"+p.tok().word+"” written as “,”", "« "+p.tok().word+" » écrit « , »")
			p.i++
			continue
		}
		if p.lenient && p.isSym(0, '&') && p.isWdayStart(1) {
			p.warn(p.tok().pos, "and", "“&” written as “,”", "« & » écrit « , »")
			p.i++
			continue
		}
		// lenient: "Mo Tu We 10:00-12:00" or "Mo Sa": days listed with spaces
		if p.lenient && allowHol {
			if _, ok := p.dayOf(p.tok()); ok {
				p.warn(p.tok().pos, "missing_comma", "missing “,” between days", "« , » manquant entre des jours")
				continue
			}
		}
		return out, nil
	}
}

func (p *parser) parseTimeSpan() (timeSpan, *HoursError) {
	var ts timeSpan
	from, err := p.parseTime(false)
	if err != nil {
		return ts, err
	}
	ts.from = from
	dash := p.isSym(0, '-')
	if p.lenient && !dash && p.tok().kind == tWord {
		switch p.tok().lower {
		case "to", "bis", "à", "a", "au", "jusqu":
			if p.isTimeStart(1) || p.peek(1).kind == tNum {
				p.warn(p.tok().pos, "dash", "“"+p.tok().word+"” written as “-”", "« "+p.tok().word+" » écrit « - »")
				dash = true
			}
		}
	}
	if dash && p.lenient {
		if n := p.peek(1); n.kind == tEOF || n.kind == tSym && (n.sym == ',' || n.sym == ';' || n.sym == symFallback) {
			p.warn(p.tok().pos, "open_end", "a time range without an end written as an open end “+”", "une plage sans fin écrite comme une fin ouverte « + »")
			p.i++
			ts.openEnd = true
			return ts, nil
		}
	}
	if dash {
		fromBare := p.bare
		p.i++
		toTok := p.tok()
		to, err := p.parseTime(true)
		if err != nil {
			return ts, err
		}
		if fromBare && p.bare && from.ev == evNone && to.min < from.min && from.min <= 12*60 && to.min <= 12*60 {
			// "8-6" is 08:00-06:00 read literally, but far more likely
			// 08:00-18:00: no obvious meaning, no repair
			return ts, herr(toTok.pos, "ambiguous_hours", "“"+itoa(from.min/60)+"-"+itoa(to.min/60)+"” may end in the morning or in the evening: write hh:mm-hh:mm", "« "+itoa(from.min/60)+"-"+itoa(to.min/60)+" » peut finir le matin ou le soir : écrivez hh:mm-hh:mm")
		}
		ts.to, ts.hasTo = to, true
		if to.ev == evNone && from.ev == evNone && to.min == from.min {
			if p.lenient {
				p.warn(p.tok().pos, "empty_range", "a range that ends where it starts means the whole day", "une plage qui finit où elle commence signifie toute la journée")
				ts.to.min = from.min + 24*60
			} else {
				return ts, herr(p.toks[p.i-1].pos, "empty_range", "the time range ends where it starts", "la plage horaire finit où elle commence")
			}
		}
		if p.isSym(0, '+') {
			ts.openEnd = true
			p.i++
		}
		if p.isSym(0, '/') {
			n := p.peek(1)
			if n.kind == tNum && p.isSym(2, ':') && p.peek(3).kind == tNum {
				ts.every = n.num*60 + p.peek(3).num
				p.i += 4
			} else if n.kind == tNum {
				ts.every = n.num
				p.i += 2
			} else {
				p.i++
				return ts, p.unexpected("a period (hh:mm or minutes)", "une période (hh:mm ou minutes)")
			}
			if ts.every < 1 || ts.every > 24*60 {
				return ts, herr(n.pos, "bad_step", "bad period", "période invalide")
			}
		}
		return ts, nil
	}
	if p.isSym(0, '+') {
		ts.openEnd = true
		p.i++
		return ts, nil
	}
	if p.lenient {
		// a single time: a point in time (the specification allows it; the
		// place is then open for one minute, as opening_hours.js reads it)
		p.warn(p.toks[p.i-1].pos, "point_in_time", "a single time, not a range: read as a point in time", "une heure seule et non une plage : lue comme un instant")
		ts.to = tpoint{min: from.min + 1, ev: from.ev}
		if from.ev != evNone {
			ts.to.min = from.min + 1
		}
		ts.hasTo = true
		return ts, nil
	}
	return ts, herr(p.tok().pos, "point_in_time", "a time must be followed by “-” and an end time, or by “+”", "une heure doit être suivie de « - » et d’une heure de fin, ou de « + »")
}

// parseTime reads "08:00", an event, "(sunrise+01:00)", and in lenient mode
// "8:00", "08h00", "8h", "08.00", "8am", "9" (bare hour).
func (p *parser) parseTime(isEnd bool) (tpoint, *HoursError) {
	t := p.tok()
	maxH := 24
	if isEnd {
		maxH = 48
	}
	if ev := p.eventOf(t); ev != evNone {
		if t.word != eventNames[ev] {
			p.warn(t.pos, "event", "“"+t.word+"” written as “"+eventNames[ev]+"”", "« "+t.word+" » écrit « "+eventNames[ev]+" »")
		}
		p.i++
		return tpoint{ev: ev}, nil
	}
	if t.kind == tSym && t.sym == '(' {
		ev := p.eventOf(p.peek(1))
		if ev == evNone {
			p.i++
			return tpoint{}, p.unexpected("sunrise, sunset, dawn or dusk", "sunrise, sunset, dawn ou dusk")
		}
		p.i += 2
		sign := 0
		if p.isSym(0, '+') {
			sign = 1
		} else if p.isSym(0, '-') {
			sign = -1
		} else {
			return tpoint{}, p.unexpected("“+” or “-”", "« + » ou « - »")
		}
		p.i++
		h := p.tok()
		if h.kind != tNum || !p.isSym(1, ':') || p.peek(2).kind != tNum {
			return tpoint{}, p.unexpected("an offset hh:mm", "un décalage hh:mm")
		}
		m := p.peek(2)
		if err := p.twoDigits(h, "offset"); err != nil {
			return tpoint{}, err
		}
		if h.num > 23 || m.num > 59 || m.ndig != 2 {
			return tpoint{}, herr(h.pos, "bad_offset", "bad offset", "décalage invalide")
		}
		p.i += 3
		if !p.isSym(0, ')') {
			return tpoint{}, p.unexpected("“)”", "« ) »")
		}
		p.i++
		return tpoint{ev: ev, min: sign * (h.num*60 + m.num)}, nil
	}
	if t.kind != tNum {
		return tpoint{}, p.unexpected("a time hh:mm", "une heure hh:mm")
	}
	hour := t.num
	minute := 0
	n := p.peek(1)
	p.bare = false
	switch {
	case p.lenient && (t.ndig == 3 || t.ndig == 4) && !(n.kind == tSym && n.sym == ':'):
		p.warn(t.pos, "missing_colon", "missing “:” in a time", "« : » manquant dans une heure")
		hour, minute = t.num/100, t.num%100
		t = &token{kind: tNum, pos: t.pos, num: hour, ndig: 2}
		p.i++
	case n.kind == tSym && n.sym == ':' && p.peek(2).kind == tNum:
		m := p.peek(2)
		if m.ndig != 2 {
			if !p.lenient || m.ndig > 2 {
				return tpoint{}, herr(m.pos, "bad_minute", "minutes must have two digits", "les minutes s’écrivent avec deux chiffres")
			}
			p.warn(m.pos, "single_digit_minute", "minutes written with two digits", "minutes écrites avec deux chiffres")
		}
		minute = m.num
		p.i += 3
	case p.lenient && n.kind == tSym && n.sym == '.' && p.peek(2).kind == tNum && p.peek(2).ndig == 2:
		p.warn(n.pos, "time_separator", "“.” in a time written as “:”", "« . » dans une heure écrit « : »")
		minute = p.peek(2).num
		p.i += 3
	case p.lenient && n.kind == tWord && (n.lower == "h" || n.lower == "uhr") && !n.space || p.lenient && n.kind == tWord && n.lower == "uhr":
		p.warn(n.pos, "time_separator", "“"+n.word+"” in a time written as “:”", "« "+n.word+" » dans une heure écrit « : »")
		p.i += 2
		if m := p.tok(); m.kind == tNum && m.ndig == 2 && !m.space {
			minute = m.num
			p.i++
		}
	case p.lenient && n.kind == tWord && (n.lower == "am" || n.lower == "pm" || n.lower == "a" || n.lower == "p"):
		p.i++
	case p.lenient:
		p.warn(t.pos, "bare_hour", "hour without minutes written hh:00", "heure sans minutes écrite hh:00")
		p.i++
		p.bare = true
	default:
		return tpoint{}, herr(t.pos, "bad_time", "a time is written hh:mm", "une heure s’écrit hh:mm")
	}
	// am / pm
	if p.lenient {
		if w := p.tok(); w.kind == tWord {
			switch w.lower {
			case "am", "a":
				if hour == 12 {
					hour = 0
				}
				p.skipDottedM(w)
				p.warn(w.pos, "ampm", "12-hour time written as 24-hour time", "heure sur 12 h écrite sur 24 h")
				p.i++
				if p.isSym(0, '.') {
					p.i++
				}
			case "pm", "p":
				if hour < 12 {
					hour += 12
				}
				p.skipDottedM(w)
				p.warn(w.pos, "ampm", "12-hour time written as 24-hour time", "heure sur 12 h écrite sur 24 h")
				p.i++
				if p.isSym(0, '.') {
					p.i++
				}
			}
		}
	}
	if t.ndig == 3 && p.lenient && t.num < 100 && hour == t.num {
		p.warn(t.pos, "leading_zero", "extra leading zero removed", "zéro initial en trop supprimé")
	} else if t.ndig != 2 {
		if !p.lenient || t.ndig > 2 {
			return tpoint{}, herr(t.pos, "bad_hour", "hours must have two digits (08:00, not 8:00)", "les heures s’écrivent avec deux chiffres (08:00 et non 8:00)")
		}
		p.warn(t.pos, "single_digit_hour", "hour written with two digits", "heure écrite avec deux chiffres")
	}
	if minute > 59 {
		return tpoint{}, herr(p.toks[p.i-1].pos, "bad_minute", "minutes must be from 00 to 59", "les minutes doivent être entre 00 et 59")
	}
	if !isEnd && hour == 24 {
		return tpoint{}, herr(t.pos, "bad_hour", "a time range cannot start at 24:00 (use 00:00)", "une plage horaire ne peut pas commencer à 24:00 (utilisez 00:00)")
	}
	if hour > maxH || hour == maxH && minute > 0 {
		if isEnd {
			return tpoint{}, herr(t.pos, "bad_hour", "an end hour must be from 00 to 48", "une heure de fin doit être entre 00 et 48")
		}
		return tpoint{}, herr(t.pos, "bad_hour", "an hour must be from 00 to 24", "une heure doit être entre 00 et 24")
	}
	return tpoint{min: hour*60 + minute}, nil
}

// lenientTimeAfter: in lenient mode, "8h", "8.00" or "8am" at the current
// token is a time, not a day of the month.
func (p *parser) lenientTimeAfter() bool {
	if !p.lenient {
		return false
	}
	n := p.peek(1)
	if n.kind == tSym && n.sym == '.' && p.peek(2).kind == tNum && p.peek(2).ndig == 2 {
		return true
	}
	return n.kind == tWord && !n.space && (n.lower == "h" || n.lower == "am" || n.lower == "pm")
}

var maxDay = [...]int{0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}

// checkDay validates a day of month m: two digits, and a day the month has.
func (p *parser) checkDay(n *token, m int) *HoursError {
	if p.lenient && n.num > maxDay[m] && n.num <= 31 {
		p.warn(n.pos, "bad_day", "day past the end of the month read as its last day", "jour après la fin du mois lu comme son dernier jour")
		n.num = maxDay[m]
	}
	if n.num < 1 || n.num > maxDay[m] {
		return herr(n.pos, "bad_day", "this month has no day "+itoa(n.num), "ce mois n’a pas de jour "+itoa(n.num))
	}
	if n.ndig != 2 {
		if !p.lenient {
			return herr(n.pos, "bad_day", "a day of the month has two digits (01, not 1)", "un jour du mois s’écrit avec deux chiffres (01 et non 1)")
		}
		p.warn(n.pos, "single_digit_day", "day of the month written with two digits", "jour du mois écrit avec deux chiffres")
	}
	return nil
}

// twoDigits enforces the two-digit form of week numbers and offsets; lenient
// mode repairs it.
func (p *parser) twoDigits(n *token, what string) *HoursError {
	if n.ndig == 2 {
		return nil
	}
	if p.lenient && n.ndig == 1 {
		p.warn(n.pos, "single_digit_"+what, "number written with two digits", "nombre écrit avec deux chiffres")
		return nil
	}
	return herr(n.pos, "two_digits", "this number is written with two digits (01, not 1)", "ce nombre s’écrit avec deux chiffres (01 et non 1)")
}

// foldRules merges what the grammar itself would have merged had the value
// been written canonically (lenient repairs can produce such sequences):
// ", Fr" after a rule of weekdays only continues the weekday list, and a
// time-only additional rule continues the times of the rule before it.
func foldRules(rs []hrule) []hrule {
	out := rs[:0]
	for _, r := range rs {
		if n := len(out); n > 0 && r.kind == kAdditional {
			prev := &out[n-1]
			bare := !prev.explicit && !prev.hasComm && !prev.always
			if bare && len(prev.wdays) > 0 && len(prev.times) == 0 && len(prev.years) == 0 && len(prev.dates) == 0 && len(prev.weeks) == 0 &&
				len(r.wdays) > 0 && len(r.years) == 0 && len(r.dates) == 0 && len(r.weeks) == 0 {
				r.wdays = append(append([]wdTerm{}, prev.wdays...), r.wdays...)
				r.kind = prev.kind
				out[n-1] = r
				continue
			}
			if bare && len(prev.times) > 0 && len(r.times) > 0 && !r.hasDaySelectors() && !r.always {
				prev.times = append(prev.times, r.times...)
				prev.state, prev.explicit, prev.modWord = r.state, r.explicit, r.modWord
				prev.comment, prev.hasComm = r.comment, r.hasComm
				continue
			}
		}
		out = append(out, r)
	}
	return out
}

// skipDottedM consumes the rest of "a.m." / "p. m." after the "a" or "p".
func (p *parser) skipDottedM(w *token) {
	if w.lower != "a" && w.lower != "p" {
		return
	}
	if p.isSym(1, '.') && p.peek(2).kind == tWord && p.peek(2).lower == "m" {
		p.i += 2
	}
}
