package geo

import "fmt"

// HoursError says why an opening_hours value does not parse and where: Pos is
// the 0-based index, in characters (runes), of the offending character.
type HoursError struct {
	Pos  int
	Code string // stable machine code, e.g. "unexpected", "bad_hour"
	en   string
	fr   string
}

// Error returns the English message with its position.
func (e *HoursError) Error() string {
	return fmt.Sprintf("opening_hours: character %d: %s", e.Pos+1, e.en)
}

// Localized returns the message in French ("fr") or English (anything else),
// with the position counted from 1 as people count.
func (e *HoursError) Localized(lang string) string {
	if lang == "fr" {
		return fmt.Sprintf("caractère %d : %s", e.Pos+1, e.fr)
	}
	return fmt.Sprintf("character %d: %s", e.Pos+1, e.en)
}

// HoursWarning is one repair made by ParseHoursLenient: what was wrong, where
// (0-based rune index in the original value) and in which words.
type HoursWarning struct {
	Pos  int
	Code string // e.g. "single_digit_hour", "day_name", "missing_separator"
	en   string
	fr   string
}

// Message returns the warning in French ("fr") or English.
func (w HoursWarning) Message(lang string) string {
	if lang == "fr" {
		return fmt.Sprintf("caractère %d : %s", w.Pos+1, w.fr)
	}
	return fmt.Sprintf("character %d: %s", w.Pos+1, w.en)
}

// String returns the English message.
func (w HoursWarning) String() string { return w.Message("en") }

func herr(pos int, code, en, fr string) *HoursError {
	return &HoursError{Pos: pos, Code: code, en: en, fr: fr}
}

// Reason returns the message without its position, in French ("fr") or
// English, for forms that point at the character themselves.
func (e *HoursError) Reason(lang string) string {
	if lang == "fr" {
		return e.fr
	}
	return e.en
}
