package signs

import (
	"codeberg.org/openmap/openmap/geo"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// Area is the content of a neighbourhood sheet: the places near a point,
// grouped by category, for a building hall and for people without a phone.
type Area struct {
	// Title is the headline ("Ouvert près de chez vous"); required.
	Title string
	// Where names the centre in words ("12 rue des Lilas"); optional, the
	// coordinates are printed when empty.
	Where string
	// Lat and Lon are the centre in degrees (WGS 84).
	Lat, Lon float64
	// Radius is the search radius in metres, printed in the header.
	Radius float64
	// Groups are the categories in the order they are printed; places in a
	// group are printed nearest first whatever their order here.
	Groups []AreaGroup
	// MapURL is the map at that point, the first QR code; required, http(s).
	MapURL string
	// PadURL is an optional neighbourhood pad, the second QR code.
	PadURL string
}

// AreaGroup is one category of places.
type AreaGroup struct {
	// Category is the category's label in the sheet's language.
	Category string
	// Places are the places of the category.
	Places []AreaPlace
}

// AreaPlace is one line of the sheet.
type AreaPlace struct {
	// ID is the place's OSM id, not printed: callers that know more than
	// OSM (residents' reports) find the place by it to set Status.
	ID geo.PlaceID
	// Name is the place's name (or its kind when it has none).
	Name string
	// Address is one line; optional.
	Address string
	// Distance is from the centre, in metres.
	Distance float64
	// Status is the current status; the empty string is StatusUnknown.
	Status Status
	// HoursText is the hours in words ("lun.–sam. 9:00–19:00"); optional.
	HoursText string
}

func (Area) poster() {}

func (a Area) check() error {
	if strings.TrimSpace(a.Title) == "" {
		return fmt.Errorf("%w: area sheet", ErrTitle)
	}
	if math.IsNaN(a.Lat) || math.IsNaN(a.Lon) || math.Abs(a.Lat) > 90 || math.Abs(a.Lon) > 180 {
		return fmt.Errorf("%w: %v, %v", ErrCenter, a.Lat, a.Lon)
	}
	if err := checkHTTP(a.MapURL, ErrURL); err != nil {
		return err
	}
	if a.PadURL != "" {
		if err := checkHTTP(a.PadURL, ErrPadURL); err != nil {
			return err
		}
	}
	for _, g := range a.Groups {
		for _, pl := range g.Places {
			if _, ok := statusOf(pl.Status); !ok {
				return fmt.Errorf("%w: %q (place %q)", ErrStatus, pl.Status, pl.Name)
			}
		}
	}
	return nil
}

// areaItem is one unit of the sheet's flow: a category heading or a place.
type areaItem struct {
	heading string // category, for a heading item
	bs      []block
	h       float64
}

// areaFrame is one column of one page.
type areaFrame struct {
	page, col int
	items     []areaItem
}

// area lays out the neighbourhood sheet: a header on every page (the full
// one with QR codes on the first), then the groups flowing down one or two
// columns, a heading never left alone at the bottom of a column and repeated
// "(continued)" at the top of the next, page numbers and attribution in every
// footer.
func (p *page) area(a Area, mapQR, padQR [][]bool, when string) {
	k, l, m := p.s, p.lang, p.m
	cw := p.w - 2*m
	cols := 2
	if p.w < 200 {
		cols = 1
	}
	gutter := 6 * k
	colW := (cw - float64(cols-1)*gutter) / float64(cols)

	where := p.clean(a.Where, false)
	if where == "" {
		where = strconv.FormatFloat(a.Lat, 'f', 5, 64) + ", " + strconv.FormatFloat(a.Lon, 'f', 5, 64)
	}
	sub := fmt.Sprintf(msgAreaWithin.in(l), distance(a.Radius, l), where)
	title := p.clean(a.Title, false)

	// First-page header: title and subline left of the QR codes.
	qrSize := 30 * k
	nQR := 1
	if padQR != nil {
		nQR = 2
	}
	qrBlockW := float64(nQR)*qrSize + float64(nQR-1)*3*k
	capSt := style{sans, false, 8 * k, grey}
	headW := cw - qrBlockW - 5*k
	tSt, tL := p.fit(title, style{sans, true, 22 * k, black}, 12*k, headW, 2)
	sSt, sL := p.fit(sub, style{sans, false, 11 * k, black}, 8*k, headW, 3)
	dSt := style{sans, false, 9 * k, grey}
	dL := p.wrap(fmt.Sprintf(msgPrinted.in(l), when)+". "+msgAreaUpdate.in(l), dSt, headW)
	dL = p.truncate(dL, 2, dSt, headW)
	textH := float64(len(tL))*lh(tSt.pt) + 1.5*k + float64(len(sL))*lh(sSt.pt) + 1*k + float64(len(dL))*lh(dSt.pt)
	firstHeadH := math.Max(textH, qrSize+lh(capSt.pt)+1*k) + 4*k
	// Later pages: one line of title.
	t2St, t2L := p.fit(title+" "+msgContinued.in(l), style{sans, true, 12 * k, black}, 8*k, cw, 1)
	nextHeadH := lh(t2St.pt) + 3*k

	footSt := style{sans, false, 8 * k, grey}
	footH := lh(footSt.pt) + 3*k
	bodyBottom := p.h - m - footH

	// Items, measured.
	nameSt := style{sans, true, 10.5 * k, black}
	distSt := style{sans, false, 9.5 * k, black}
	infoSt := style{sans, false, 9 * k, grey}
	hourSt := style{sans, false, 9 * k, black}
	headSt := style{sans, true, 11.5 * k, black}
	distW := 17 * k
	heading := func(cat string, cont bool) areaItem {
		if cont {
			cat += " " + msgContinued.in(l)
		}
		_, ls := p.fit(p.clean(cat, false), headSt, headSt.pt, colW-3*k, 1)
		b := block{gap: 2.5 * k, lines: ls, st: headSt, align: "L", w: colW - 3*k}
		return areaItem{heading: cat, bs: []block{b}, h: b.height() + 1.5*k}
	}
	place := func(pl AreaPlace) areaItem {
		_, nl := p.fit(p.clean(pl.Name, false), nameSt, nameSt.pt, colW-distW, 2)
		if len(nl) == 0 {
			nl = []string{"?"}
		}
		bs := []block{{gap: 1.8 * k, label: distance(pl.Distance, l), lines: nl, st: nameSt, align: "L", w: colW - distW, labSt: distSt}}
		// "Status unknown" on every line would be noise: say only what is known.
		var parts []string
		if pl.Status != StatusUnknown && pl.Status != "" {
			info, _ := statusOf(pl.Status)
			parts = append(parts, info.smallIn(l))
		}
		if ad := p.clean(pl.Address, false); ad != "" {
			parts = append(parts, ad)
		}
		line := strings.Join(parts, " · ")
		_, il := p.fit(line, infoSt, infoSt.pt, colW, 2)
		bs = append(bs, block{lines: il, st: infoSt, align: "L", w: colW})
		if h := p.clean(pl.HoursText, false); h != "" {
			_, hl := p.fit(h, hourSt, hourSt.pt, colW, 3)
			bs = append(bs, block{lines: hl, st: hourSt, align: "L", w: colW})
		}
		return areaItem{bs: bs, h: blocksHeight(bs)}
	}

	// Flow the items into frames (page, column).
	var frames []areaFrame
	cur := areaFrame{}
	y, yTop := m+firstHeadH, m+firstHeadH
	newFrame := func() {
		frames = append(frames, cur)
		cur = areaFrame{page: cur.page, col: cur.col + 1}
		if cur.col == cols {
			cur = areaFrame{page: cur.page + 1}
		}
		yTop = m + firstHeadH
		if cur.page > 0 {
			yTop = m + nextHeadH
		}
		y = yTop
	}
	empty := true
	for _, g := range a.Groups {
		places := append([]AreaPlace(nil), g.Places...)
		if len(places) == 0 {
			continue
		}
		empty = false
		sort.SliceStable(places, func(i, j int) bool { return places[i].Distance < places[j].Distance })
		head := heading(g.Category, false)
		for i, pl := range places {
			it := place(pl)
			need := it.h
			if i == 0 {
				need += head.h // keep the heading with its first place
			}
			if y+need > bodyBottom && y > yTop {
				newFrame()
				if i > 0 {
					h := heading(g.Category, true)
					cur.items = append(cur.items, h)
					y += h.h
				}
			}
			if i == 0 {
				cur.items = append(cur.items, head)
				y += head.h
			}
			if y+it.h > bodyBottom { // a single place taller than a column
				it.bs = p.flow(func(float64) []block { return it.bs }, []float64{1}, bodyBottom-y)
				it.h = blocksHeight(it.bs)
			}
			cur.items = append(cur.items, it)
			y += it.h
		}
	}
	frames = append(frames, cur)
	pages := frames[len(frames)-1].page + 1

	// Draw.
	for pg := 0; pg < pages; pg++ {
		p.pdf.AddPage()
		if pg == 0 {
			yy := p.lines(m, m, headW, tL, tSt, "L") + 1.5*k
			yy = p.lines(m, yy, headW, sL, sSt, "L") + 1*k
			p.lines(m, yy, headW, dL, dSt, "L")
			qx := p.w - m - qrBlockW
			p.qr(qx, m, qrSize, mapQR)
			p.lines(qx, m+qrSize, qrSize, []string{msgMapQR.in(l)}, capSt, "C")
			if padQR != nil {
				qx += qrSize + 3*k
				p.qr(qx, m, qrSize, padQR)
				p.lines(qx, m+qrSize, qrSize, []string{msgPadQR.in(l)}, capSt, "C")
			}
			p.rule(m, p.w-m, m+firstHeadH-2*k)
			if empty {
				p.lines(m, m+firstHeadH+4*k, cw, []string{msgAreaNone.in(l)}, style{sans, false, 12 * k, black}, "L")
			}
		} else {
			p.lines(m, m, cw, t2L, t2St, "L")
			p.rule(m, p.w-m, m+nextHeadH-1.5*k)
		}
		fy := p.h - m - lh(footSt.pt)
		p.rule(m, p.w-m, fy-1.5*k)
		p.lines(m, fy, cw, []string{msgOSM.in(l)}, footSt, "L")
		p.lines(m, fy, cw, []string{fmt.Sprintf(msgPage.in(l), pg+1, pages)}, footSt, "R")
	}
	for _, f := range frames {
		p.pdf.SetPage(f.page + 1)
		x := m + float64(f.col)*(colW+gutter)
		y := m + firstHeadH
		if f.page > 0 {
			y = m + nextHeadH
		}
		for _, it := range f.items {
			bs := make([]block, len(it.bs))
			for i, b := range it.bs {
				b.lx, b.x = x, x
				if b.label != "" {
					// The distance label sits at the right of the name.
					b.lx = x + colW - distW
				}
				bs[i] = b
			}
			if it.heading != "" {
				p.pdf.SetFillColor(0xe8, 0xe8, 0xe8)
				p.pdf.Rect(x, y+it.bs[0].gap-0.8*k, colW, it.h-it.bs[0].gap, "F")
				for i := range bs {
					bs[i].x += 1.5 * k
				}
			}
			p.drawArea(bs, y, distW)
			y += it.h
		}
	}
}

// drawArea draws a place's blocks with the label (distance) right-aligned.
func (p *page) drawArea(bs []block, y, distW float64) {
	for _, b := range bs {
		y += b.gap
		if b.label != "" && len(b.lines) > 0 {
			p.lines(b.lx, y+(lh(b.st.pt)-lh(b.labSt.pt)), distW, []string{b.label}, b.labSt, "R")
		}
		y = p.lines(b.x, y, b.w, b.lines, b.st, b.align)
	}
}
