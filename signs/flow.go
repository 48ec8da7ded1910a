package signs

// block is one piece of text in a column that flows from top to bottom:
// optional label column on the left (a day name, a service), then lines.
type block struct {
	gap   float64  // space above, in mm
	rule  bool     // draw a thin line in the middle of the gap
	label string   // drawn in labelSt at the left of the first line
	lines []string // the wrapped text
	st    style
	align string
	x, w  float64 // the column of lines (label sits left of x)
	lx    float64 // the label's x
	labSt style
	keep  bool // a heading: dropped if the block after it is
}

func (b block) height() float64 { return b.gap + float64(len(b.lines))*lh(b.st.pt) }

func blocksHeight(bs []block) float64 {
	var h float64
	for _, b := range bs {
		h += b.height()
	}
	return h
}

// flow picks the largest scale k in ks at which build(k) fits in avail mm;
// when even the smallest does not fit it keeps what fits of build(smallest)
// and truncates the first block that overflows, dropping the rest. It
// returns the blocks to draw.
func (p *page) flow(build func(k float64) []block, ks []float64, avail float64) []block {
	var bs []block
	for _, k := range ks {
		bs = build(k)
		if blocksHeight(bs) <= avail {
			return bs
		}
	}
	var out []block
	used := 0.0
	for _, b := range bs {
		if used+b.height() <= avail {
			out = append(out, b)
			used += b.height()
			continue
		}
		n := int((avail - used - b.gap) / lh(b.st.pt))
		if n >= 1 && !b.keep {
			b.lines = p.truncate(b.lines, n, b.st, b.w)
			out = append(out, b)
		}
		break
	}
	for len(out) > 0 && out[len(out)-1].keep {
		out = out[:len(out)-1]
	}
	return out
}

// draw draws blocks from y down and returns the y under the last.
func (p *page) draw(bs []block, y float64) float64 {
	for _, b := range bs {
		if b.rule {
			p.rule(b.lx, b.x+b.w, y+b.gap/2)
		}
		y += b.gap
		if b.label != "" && len(b.lines) > 0 {
			p.lines(b.lx, y, b.x-b.lx, []string{b.label}, b.labSt, "L")
		}
		y = p.lines(b.x, y, b.w, b.lines, b.st, b.align)
	}
	return y
}
