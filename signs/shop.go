package signs

import (
	"fmt"
	"strings"
)

// Shop is the content of a shop poster, for a place's door.
type Shop struct {
	// Name is the place's name. If empty, Kind is the title; one of the two
	// is required.
	Name string
	// Kind is what the place is, in the poster's language ("Boulangerie");
	// optional, printed above the name.
	Kind string
	// Address is one line ("12 rue de la Paix, 75002 Paris"); optional.
	Address string
	// Status is the current status; the empty string is StatusUnknown.
	Status Status
	// Week is the hours of the coming week, one line per day, already in the
	// poster's language (from the opening-hours engine): {"lundi",
	// "9:00–12:30, 14:00–19:00"}. Empty means the hours are not known.
	Week []DayLine
	// Notes are exceptions in words ("Fermé le 25 décembre"); optional.
	Notes []string
	// Delivery, Takeaway and Pickup are the services; nil means unknown and
	// is not printed.
	Delivery, Takeaway, Pickup *bool
	// Remark is a short free text from the last report; optional.
	Remark string
	// URL is the place's page on this instance ({base}/place/node/123), the
	// QR code's target; required, http(s).
	URL string
}

// DayLine is one row of the week table.
type DayLine struct {
	// Day is the day's name ("lundi 7", "Monday").
	Day string
	// Text is the hours that day ("9:00–19:00", "fermé").
	Text string
}

func (Shop) poster() {}

func (s Shop) check() error {
	if strings.TrimSpace(s.Name) == "" && strings.TrimSpace(s.Kind) == "" {
		return fmt.Errorf("%w: shop has neither name nor kind", ErrTitle)
	}
	if _, ok := statusOf(s.Status); !ok {
		return fmt.Errorf("%w: %q", ErrStatus, s.Status)
	}
	return checkHTTP(s.URL, ErrURL)
}

func (s Shop) title() string {
	if strings.TrimSpace(s.Name) != "" {
		return s.Name
	}
	return s.Kind
}

// shop lays out the shop poster: a coloured status band on top, the place
// and its week in the middle (shrunk, then truncated, to fit), the QR code
// with its invitation and the printed date at the bottom.
func (p *page) shop(s Shop, qr [][]bool, when string) {
	pdf := p.pdf
	pdf.AddPage()
	k, l, m := p.s, p.lang, p.m
	cw := p.w - 2*m
	info, _ := statusOf(s.Status)

	// Status band.
	pad := 7 * k
	st, ls := p.fit(p.clean(info.bigIn(l), false), style{sans, true, 58 * k, white}, 24*k, cw-2*pad, 2)
	bandH := float64(len(ls))*lh(st.pt) + 2*pad
	pdf.SetFillColor(info.rgb[0], info.rgb[1], info.rgb[2])
	pdf.Rect(m, m, cw, bandH, "F")
	p.lines(m+pad, m+pad, cw-2*pad, ls, st, "C")
	top := m + bandH + 4*k

	// Bottom: attribution, QR code and its invitation, date.
	attrSt, attr := p.fit(msgOSM.in(l), style{sans, false, 9 * k, grey}, 6*k, cw, 1)
	attrY := p.h - m - lh(attrSt.pt)
	p.lines(m, attrY, cw, attr, attrSt, "C")
	qrSize := 50 * k
	qrY := attrY - 2*k - qrSize
	p.qr(p.w-m-qrSize, qrY, qrSize, qr)
	tw := cw - qrSize - 4*k
	ty := qrY + 6*k
	inv := style{sans, true, 14 * k, black}
	inv, invL := p.fit(msgScanShop.in(l), inv, 10*k, tw, 3)
	ty = p.lines(m, ty, tw, invL, inv, "L") + 2*k
	urlSt, urlL := p.fit(p.clean(withoutScheme(s.URL), false), style{mono, false, 10 * k, black}, 7*k, tw, 3)
	ty = p.lines(m, ty, tw, urlL, urlSt, "L") + 3*k
	p.lines(m, ty, tw, []string{fmt.Sprintf(msgPrinted.in(l), when)}, style{sans, false, 11 * k, grey}, "L")
	bottom := qrY - 2*k
	p.rule(m, p.w-m, bottom)

	build := func(f float64) []block {
		z := k * f
		col := func(b block) block {
			if b.w == 0 {
				b.x, b.w, b.lx = m, cw, m
			}
			if b.align == "" {
				b.align = "L"
			}
			return b
		}
		var bs []block
		if kind := p.clean(s.Kind, false); kind != "" && strings.TrimSpace(s.Name) != "" {
			st := style{sans, false, 15 * z, grey}
			st, ls := p.fit(kind, st, 10*z, cw, 1)
			bs = append(bs, col(block{gap: 4 * z, lines: ls, st: st}))
		}
		nst, nl := p.fit(p.clean(s.title(), false), style{sans, true, 36 * z, black}, 14*z, cw, 3)
		bs = append(bs, col(block{gap: 2 * z, lines: nl, st: nst}))
		if a := p.clean(s.Address, false); a != "" {
			ast, al := p.fit(a, style{sans, false, 15 * z, black}, 10*z, cw, 2)
			bs = append(bs, col(block{gap: 1 * z, lines: al, st: ast}))
		}

		head := style{sans, true, 15 * z, black}
		row := style{sans, false, 13 * z, black}
		dayW := 42 * z
		bs = append(bs, col(block{gap: 6 * z, lines: []string{msgHours.in(l)}, st: head, keep: true}))
		if len(s.Week) == 0 {
			bs = append(bs, col(block{gap: 1 * z, lines: []string{msgNoHours.in(l)}, st: style{sans, false, 13 * z, grey}}))
		}
		for i, d := range s.Week {
			day := p.ellipsizeFit(p.clean(d.Day, false), style{sans, true, row.pt, black}, dayW-2*z)
			_, tl := p.fit(p.clean(d.Text, false), row, row.pt, cw-dayW, 2)
			if len(tl) == 0 {
				tl = []string{"—"}
			}
			bs = append(bs, block{gap: 2.2 * z, rule: i > 0, label: day, lines: tl, st: row,
				align: "L", lx: m, x: m + dayW, w: cw - dayW, labSt: style{sans, true, row.pt, black}})
		}
		note := style{sans, false, 12 * z, black}
		for i, n := range s.Notes {
			if n = p.clean(n, false); n == "" {
				continue
			}
			_, nl := p.fit("• "+n, note, note.pt, cw, 3)
			g := 1.5 * z
			if i == 0 {
				g = 4 * z
			}
			bs = append(bs, col(block{gap: g, lines: nl, st: note}))
		}

		var svc []block
		for _, sv := range []struct {
			name msg
			v    *bool
		}{{msgDelivery, s.Delivery}, {msgTakeaway, s.Takeaway}, {msgPickup, s.Pickup}} {
			if sv.v == nil {
				continue
			}
			svc = append(svc, block{gap: 1.5 * z, label: sv.name.in(l), lines: []string{yesNo(*sv.v, l)}, st: row,
				align: "L", lx: m, x: m + 62*z, w: cw - 62*z, labSt: style{sans, true, row.pt, black}})
		}
		if len(svc) > 0 {
			bs = append(bs, col(block{gap: 6 * z, lines: []string{msgServices.in(l)}, st: head, keep: true}))
			bs = append(bs, svc...)
		}
		if r := p.clean(s.Remark, true); r != "" {
			rst := style{sans, false, 13 * z, black}
			bs = append(bs, col(block{gap: 6 * z, lines: []string{msgRemark.in(l)}, st: head, keep: true}))
			bs = append(bs, col(block{gap: 1 * z, lines: p.wrap(r, rst, cw), st: rst}))
		}
		return bs
	}
	p.draw(p.flow(build, []float64{1, 0.9, 0.8, 0.7, 0.6}, bottom-2*k-top), top)
}

// ellipsizeFit returns text if it fits in w, else its longest prefix that
// does, with "…".
func (p *page) ellipsizeFit(text string, st style, w float64) string {
	p.use(st)
	if p.pdf.GetStringWidth(text) <= w {
		return text
	}
	return p.ellipsize(text, st, w)
}
