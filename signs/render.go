package signs

import (
	"fmt"
	"io"
)

// Poster is what Render prints: a Shop, a Neighbour or an Area (values, not
// pointers). The unexported method keeps the list closed.
type Poster interface {
	poster()
}

// ContentType is the media type of what Render writes.
const ContentType = "application/pdf"

// Render writes doc as a one-page PDF poster (Shop, Neighbour) or a sheet of
// one or more pages (Area). It validates doc and opts first and renders into
// memory, so on error nothing has been written to w; errors wrap the
// sentinels ErrSize, ErrLang, ErrTitle, ErrURL, ErrPadURL, ErrStatus,
// ErrCenter, ErrTooLong or ErrDoc. The same doc and opts (with a fixed
// opts.Now) give the same bytes. A shop poster takes about 15 ms
// (BenchmarkShopPoster).
func Render(w io.Writer, doc Poster, opts Options) error {
	opts, err := opts.check()
	if err != nil {
		return err
	}
	var (
		title string
		draw  func(p *page, when string)
	)
	switch d := doc.(type) {
	case Shop:
		if err := d.check(); err != nil {
			return err
		}
		qr, err := qrCode(d.URL)
		if err != nil {
			return err
		}
		title = d.title()
		draw = func(p *page, when string) { p.shop(d, qr, when) }
	case Neighbour:
		if err := d.check(); err != nil {
			return err
		}
		qr, err := qrCode(d.PadURL)
		if err != nil {
			return err
		}
		title = d.Title
		draw = func(p *page, when string) { p.neighbour(d, qr, when) }
	case Area:
		if err := d.check(); err != nil {
			return err
		}
		mapQR, err := qrCode(d.MapURL)
		if err != nil {
			return err
		}
		var padQR [][]bool
		if d.PadURL != "" {
			if padQR, err = qrCode(d.PadURL); err != nil {
				return err
			}
		}
		title = d.Title
		draw = func(p *page, when string) { p.area(d, mapQR, padQR, when) }
	default:
		return fmt.Errorf("%w: %T", ErrDoc, doc)
	}
	p, err := newPage(opts, title)
	if err != nil {
		return err
	}
	draw(p, date(opts.Now, opts.Lang))
	buf, err := p.finish()
	if err != nil {
		return err
	}
	if _, err := buf.WriteTo(w); err != nil {
		return fmt.Errorf("signs: write poster: %w", err)
	}
	return nil
}
