package signs

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Sentinel errors returned by Render (wrapped) before any byte is written;
// check them with errors.Is. HTTP handlers map all of them to 400.
var (
	// ErrSize is an unknown paper size.
	ErrSize = errors.New("signs: unknown paper size")
	// ErrLang is an unknown language.
	ErrLang = errors.New("signs: unknown language")
	// ErrTitle is a poster without a title (a shop without a name or kind,
	// a neighbour poster or area sheet without a title).
	ErrTitle = errors.New("signs: empty title")
	// ErrURL is a QR target (place page, map) that is not an absolute
	// http or https URL.
	ErrURL = errors.New("signs: not an http(s) URL")
	// ErrPadURL is a pad link that is not an absolute http or https URL.
	ErrPadURL = errors.New("signs: pad URL is not http(s)")
	// ErrStatus is a shop or place status outside the known list.
	ErrStatus = errors.New("signs: unknown status")
	// ErrDoc is a value passed to Render that is not a Shop, Neighbour or
	// Area.
	ErrDoc = errors.New("signs: unknown poster type")
	// ErrNoPadHost is a pad request with an empty host list.
	ErrNoPadHost = errors.New("signs: no pad host")
	// ErrCenter is an area centre outside (-90..90, -180..180) degrees.
	ErrCenter = errors.New("signs: area centre out of range")
	// ErrTooLong is a text too long to be encoded in a QR code.
	ErrTooLong = errors.New("signs: text too long for a QR code")
)

// Size is a paper size, always portrait.
type Size string

// The paper sizes a poster can be printed on.
const (
	A5     Size = "A5"
	A4     Size = "A4"
	A3     Size = "A3"
	Letter Size = "Letter"
)

// Sizes lists every paper size, smallest first.
func Sizes() []Size { return []Size{A5, A4, A3, Letter} }

// ParseSize reads a size name, case-insensitively ("a4", "letter"); the empty
// string is A4.
func ParseSize(s string) (Size, error) {
	if s == "" {
		return A4, nil
	}
	for _, z := range Sizes() {
		if strings.EqualFold(s, string(z)) {
			return z, nil
		}
	}
	return "", fmt.Errorf("%w: %q (want A5, A4, A3 or Letter)", ErrSize, s)
}

// dims is the page width and height in millimetres.
func (z Size) dims() (w, h float64, ok bool) {
	switch z {
	case A5:
		return 148, 210, true
	case A4:
		return 210, 297, true
	case A3:
		return 297, 420, true
	case Letter:
		return 215.9, 279.4, true
	}
	return 0, 0, false
}

// Lang is the language a poster is written in.
type Lang string

// The languages a poster can be written in.
const (
	French  Lang = "fr"
	English Lang = "en"
)

// Langs lists every language.
func Langs() []Lang { return []Lang{French, English} }

// ParseLang reads a language code ("fr", "en", "fr-FR"); the empty string is
// French.
func ParseLang(s string) (Lang, error) {
	if s == "" {
		return French, nil
	}
	base, _, _ := strings.Cut(strings.ToLower(s), "-")
	for _, l := range Langs() {
		if base == string(l) {
			return l, nil
		}
	}
	return "", fmt.Errorf("%w: %q (want fr or en)", ErrLang, s)
}

// Options are the choices shared by every poster.
type Options struct {
	// Size is the paper size; required.
	Size Size
	// Lang is the language of every fixed text; required.
	Lang Lang
	// Now is the date printed on the poster ("Imprimé le …") and the PDF's
	// creation date, in its own location. The zero time means time.Now();
	// tests fix it so the output is byte for byte stable.
	Now time.Time
}

func (o Options) check() (Options, error) {
	if _, _, ok := o.Size.dims(); !ok {
		return o, fmt.Errorf("%w: %q", ErrSize, o.Size)
	}
	if o.Lang != French && o.Lang != English {
		return o, fmt.Errorf("%w: %q", ErrLang, o.Lang)
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	return o, nil
}
