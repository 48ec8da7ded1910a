package signs

import (
	"fmt"
	"strings"
)

// Neighbour is the content of a neighbour poster, for a building hall: a
// title, a message and a shared pad where neighbours help each other.
type Neighbour struct {
	// Title is the headline ("Entraide au 12 rue des Lilas"); required.
	Title string
	// Subtitle is the message under it; optional, may hold line breaks.
	Subtitle string
	// PadURL is the pad link (see NewPadURL and StablePadURL); required,
	// http(s). It is printed without its scheme and as a QR code.
	PadURL string
	// Host is who runs the pad, credited at the bottom ("Chapril");
	// optional. HostOf finds it for a link on a known host.
	Host string
}

func (Neighbour) poster() {}

func (n Neighbour) check() error {
	if strings.TrimSpace(n.Title) == "" {
		return fmt.Errorf("%w: neighbour poster", ErrTitle)
	}
	return checkHTTP(n.PadURL, ErrPadURL)
}

// neighbour lays out the neighbour poster: title and message on top (shrunk,
// then truncated), a large QR code with the address under it, and the date
// and "do not litter" at the bottom.
func (p *page) neighbour(n Neighbour, qr [][]bool, when string) {
	pdf := p.pdf
	pdf.AddPage()
	k, l, m := p.s, p.lang, p.m
	cw := p.w - 2*m

	// Bottom up: litter line, date and host, then the QR block.
	y := p.h - m
	small := style{sans, false, 10 * k, grey}
	foot := []string{fmt.Sprintf(msgPrinted.in(l), when)}
	if h := p.clean(n.Host, false); h != "" {
		foot[0] += " · " + fmt.Sprintf(msgPadHost.in(l), h)
	}
	small, foot = p.fit(foot[0], small, 7*k, cw, 2)
	y -= float64(len(foot)) * lh(small.pt)
	p.lines(m, y, cw, foot, small, "C")
	lit := style{sans, true, 12 * k, black}
	y -= lh(lit.pt) + 1*k
	p.lines(m, y, cw, []string{msgLitter.in(l)}, lit, "C")
	y -= 6 * k

	urlSt, urlL := p.fit(p.clean(withoutScheme(n.PadURL), false), style{mono, false, 22 * k, black}, 9*k, cw, 3)
	inv := style{sans, false, 14 * k, black}
	inv, invL := p.fit(msgScanPad.in(l), inv, 9*k, cw, 2)
	y -= float64(len(urlL))*lh(urlSt.pt) + float64(len(invL))*lh(inv.pt) + 2*k
	qrSize := 0.62 * cw
	qrTop := y - qrSize
	p.qr(m+(cw-qrSize)/2, qrTop, qrSize, qr)
	ty := p.lines(m, y, cw, invL, inv, "C") + 2*k
	p.lines(m, ty, cw, urlL, urlSt, "C")

	top := m + 4*k
	build := func(f float64) []block {
		z := k * f
		tst, tl := p.fit(p.clean(n.Title, false), style{sans, true, 64 * z, black}, 18*z, cw, 4)
		bs := []block{{lines: tl, st: tst, align: "C", x: m, w: cw, lx: m}}
		if sub := p.clean(n.Subtitle, true); sub != "" {
			sst := style{sans, false, 24 * z, black}
			bs = append(bs, block{gap: 6 * z, lines: p.wrap(sub, sst, cw), st: sst, align: "C", x: m, w: cw, lx: m})
		}
		return bs
	}
	bs := p.flow(build, []float64{1, 0.85, 0.7, 0.6, 0.5, 0.42, 0.36}, qrTop-4*k-top)
	// Centre the text in the space above the QR code.
	free := qrTop - 4*k - top - blocksHeight(bs)
	p.draw(bs, top+free/2)
}
