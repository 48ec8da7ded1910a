package signs

import (
	"bytes"
	"fmt"
	"math"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/go-pdf/fpdf"
	"github.com/skip2/go-qrcode"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/gomono"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
)

// Font families registered in every document.
const (
	sans = "go"
	mono = "gomono"
)

// ptToMM converts a font size in points to millimetres.
const ptToMM = 25.4 / 72

// lineFactor is the line height as a multiple of the font size.
const lineFactor = 1.22

// page is one PDF under construction with its geometry: everything in
// millimetres, origin top left.
type page struct {
	pdf  *fpdf.Fpdf
	w, h float64 // page size
	m    float64 // margin
	s    float64 // scale from A4: font sizes and gaps are multiplied by it
	lang Lang
	has  func(rune) bool // whether the embedded fonts draw a rune
}

// newPage starts a document of opts' size with the fonts embedded and every
// date fixed to opts.Now, so the same input gives the same bytes.
func newPage(opts Options, title string) (*page, error) {
	w, h, _ := opts.Size.dims()
	pdf := fpdf.NewCustom(&fpdf.InitType{
		OrientationStr: "P",
		UnitStr:        "mm",
		Size:           fpdf.SizeType{Wd: w, Ht: h},
	})
	pdf.SetCompression(true)
	pdf.SetCatalogSort(true)
	pdf.SetCreationDate(opts.Now)
	pdf.SetModificationDate(opts.Now)
	pdf.SetProducer("openmap", false)
	pdf.SetCreator("openmap signs", false)
	pdf.SetTitle(title, true)
	pdf.SetLang(string(opts.Lang))
	// fpdf 0.9.0 writes into the font bytes it is given while subsetting
	// (getMetrics appends to a slice of them, for glyphs past the hmtx
	// metrics, as in Go Mono): each document gets its own copy, or the
	// shared gofont slices would be corrupted, raced on and make the output
	// change from one run to the next.
	pdf.AddUTF8FontFromBytes(sans, "", bytes.Clone(goregular.TTF))
	pdf.AddUTF8FontFromBytes(sans, "B", bytes.Clone(gobold.TTF))
	pdf.AddUTF8FontFromBytes(mono, "", bytes.Clone(gomono.TTF))
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetCellMargin(0)
	s := math.Min(w/210, h/297)
	m := 12 * s
	pdf.SetMargins(m, m, m)
	if err := pdf.Error(); err != nil {
		return nil, fmt.Errorf("signs: start pdf: %w", err)
	}
	has, err := coverage()
	if err != nil {
		return nil, err
	}
	return &page{pdf: pdf, w: w, h: h, m: m, s: s, lang: opts.Lang, has: has}, nil
}

// coverage tells which runes the regular Go font (the smallest of the three
// in coverage) has a glyph for; others print as "?" rather than as nothing.
func coverage() (func(rune) bool, error) {
	f, err := sfnt.Parse(goregular.TTF)
	if err != nil {
		return nil, fmt.Errorf("signs: read font: %w", err)
	}
	var buf sfnt.Buffer
	return func(r rune) bool {
		if r > 0xFFFF { // fpdf's width table stops at the BMP
			return false
		}
		g, err := f.GlyphIndex(&buf, r)
		return err == nil && g != 0
	}, nil
}

// finish writes the document into a buffer, reporting any error fpdf kept.
func (p *page) finish() (*bytes.Buffer, error) {
	var buf bytes.Buffer
	if err := p.pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("signs: write pdf: %w", err)
	}
	return &buf, nil
}

// clean makes a text printable: runes the fonts lack become "?", control
// characters and runs of spaces become one space. With keepLines, line
// breaks stay (at most one empty line in a row).
func (p *page) clean(s string, keepLines bool) string {
	s = strings.ToValidUTF8(s, "?")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var b strings.Builder
	space, newlines := false, 0
	for _, r := range s {
		switch {
		case r == '\n' && keepLines:
			newlines++
			space = false
			continue
		case unicode.IsSpace(r) || unicode.IsControl(r):
			space = true
			continue
		}
		if b.Len() > 0 {
			if newlines > 0 {
				b.WriteString(strings.Repeat("\n", min(newlines, 2)))
			} else if space {
				b.WriteByte(' ')
			}
		}
		newlines, space = 0, false
		if !p.has(r) {
			r = '?'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// style is a font choice.
type style struct {
	family string
	bold   bool
	pt     float64
	rgb    [3]int
}

func (p *page) use(st style) {
	b := ""
	if st.bold {
		b = "B"
	}
	p.pdf.SetFont(st.family, b, st.pt)
	p.pdf.SetTextColor(st.rgb[0], st.rgb[1], st.rgb[2])
}

// lh is the line height in millimetres of a font size.
func lh(pt float64) float64 { return pt * ptToMM * lineFactor }

// wrap splits text into lines no wider than w in style st. Long words are
// cut where they reach the edge.
func (p *page) wrap(text string, st style, w float64) []string {
	if text == "" {
		return nil
	}
	p.use(st)
	var out []string
	for _, para := range strings.Split(text, "\n") {
		if para == "" {
			out = append(out, "")
			continue
		}
		// A hair under w: SplitText rounds widths up to whole font units.
		out = append(out, p.pdf.SplitText(para, w*0.995)...)
	}
	return out
}

// ellipsize shortens line until line+"…" fits in w.
func (p *page) ellipsize(line string, st style, w float64) string {
	p.use(st)
	line = strings.TrimRight(line, " ")
	for line != "" && p.pdf.GetStringWidth(line+msgTruncated) > w {
		_, n := utf8.DecodeLastRuneInString(line)
		line = strings.TrimRight(line[:len(line)-n], " ")
	}
	return line + msgTruncated
}

// truncate keeps the first n lines, marking the cut with "…".
func (p *page) truncate(lines []string, n int, st style, w float64) []string {
	if len(lines) <= n {
		return lines
	}
	if n <= 0 {
		return nil
	}
	out := append([]string(nil), lines[:n]...)
	out[n-1] = p.ellipsize(out[n-1], st, w)
	return out
}

// fit finds the largest size from st.pt down to minPt at which text takes
// at most maxLines lines of width w; at minPt it truncates. It returns the
// style with the chosen size and the lines.
func (p *page) fit(text string, st style, minPt, w float64, maxLines int) (style, []string) {
	for {
		lines := p.wrap(text, st, w)
		if len(lines) <= maxLines {
			return st, lines
		}
		if st.pt <= minPt {
			return st, p.truncate(lines, maxLines, st, w)
		}
		st.pt = math.Max(minPt, st.pt*0.92)
	}
}

// lines draws lines from top y in a column (x, w), aligned "L", "C" or "R",
// and returns the y under them.
func (p *page) lines(x, y, w float64, ls []string, st style, align string) float64 {
	p.use(st)
	h := lh(st.pt)
	for _, l := range ls {
		p.pdf.SetXY(x, y)
		p.pdf.CellFormat(w, h, l, "", 0, align, false, 0, "")
		y += h
	}
	return y
}

// qrCode encodes text with medium error correction (15 %): enough for a
// poster that gets a little worn, small enough for long URLs.
func qrCode(text string) ([][]bool, error) {
	q, err := qrcode.New(text, qrcode.Medium)
	if err != nil {
		return nil, fmt.Errorf("%w: %d bytes: %v", ErrTooLong, len(text), err)
	}
	return q.Bitmap(), nil
}

// qr draws a QR bitmap (quiet zone included) as black rectangles in a square
// of side size at (x, y): vector, so it stays sharp at any print size.
func (p *page) qr(x, y, size float64, bm [][]bool) {
	n := float64(len(bm))
	if n == 0 {
		return
	}
	cell := size / n
	p.pdf.SetFillColor(0, 0, 0)
	for j, row := range bm {
		for i := 0; i < len(row); {
			if !row[i] {
				i++
				continue
			}
			k := i
			for k < len(row) && row[k] {
				k++
			}
			// A hair of overlap so renderers leave no seam between rows.
			p.pdf.Rect(x+float64(i)*cell, y+float64(j)*cell, float64(k-i)*cell+0.01, cell+0.01, "F")
			i = k
		}
	}
}

// rule draws a thin grey horizontal line.
func (p *page) rule(x1, x2, y float64) {
	p.pdf.SetDrawColor(0xaa, 0xaa, 0xaa)
	p.pdf.SetLineWidth(0.25 * p.s)
	p.pdf.Line(x1, y, x2, y)
}

var (
	black = [3]int{0, 0, 0}
	grey  = [3]int{0x55, 0x55, 0x55}
	white = [3]int{0xff, 0xff, 0xff}
)
