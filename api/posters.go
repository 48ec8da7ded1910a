package api

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"time"

	"codeberg.org/openmap/openmap/geo"
	"codeberg.org/openmap/openmap/internal/store"
	"codeberg.org/openmap/openmap/signs"
	"github.com/paulmach/orb"
)

// PosterStore is what Posters read from the database; *store.Store
// implements it (and so does every Store of the API).
type PosterStore interface {
	Place(ctx context.Context, id geo.PlaceID) (geo.Place, error)
	PlaceReports(ctx context.Context, id geo.PlaceID, since time.Time) ([]store.Report, error)
	PlacesNear(ctx context.Context, p orb.Point, radius float64, limit int) ([]geo.Place, error)
	RecentReports(ctx context.Context, since time.Time) (map[geo.PlaceID][]store.Report, error)
}

// Posters fills the posters of package signs with what the API says of a
// place: its current status computed from the residents' reports by the
// status rules (the same computation as GET /api/v1/places/{type}/{id}),
// the services and remark of the report that status rests on, and the
// week of the hours in force (reported, else OSM's) in the place's time
// zone. The HTTP routes under /signs and the CLI's `openmap sign` both use
// it, so a poster says what the place page says. It is safe for
// concurrent use.
type Posters struct {
	st    PosterStore
	cats  *geo.Categories
	cfg   Config
	zones *zones
	now   func() time.Time
	hosts []signs.PadHost
}

// NewPosters builds Posters over st with the rules, time zones, base URL
// (the QR codes' target, required for shop posters and area sheets) and pad
// hosts of cfg (defaults applied, as in New); now is the clock of the status
// rules (time.Now when nil).
func NewPosters(st PosterStore, cats *geo.Categories, cfg Config, now func() time.Time) (*Posters, error) {
	if st == nil || cats == nil {
		return nil, errors.New("api: posters need a store and a category table")
	}
	cfg = cfg.withDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	hosts, err := cfg.padHosts()
	if err != nil {
		return nil, err
	}
	if now == nil {
		now = time.Now
	}
	z := newZones(cfg.Zone, cfg.Country)
	if cfg.NoZoneTable {
		z.list = nil
	}
	return &Posters{st: st, cats: cats, cfg: cfg, zones: z, now: now, hosts: hosts}, nil
}

// PadHosts returns the Etherpad hosts new pads are made on: the instance's
// list (Config.PadHostsFile), its one host (Config.PadHost) or the CHATONS
// list shipped with openmap.
func (p *Posters) PadHosts() []signs.PadHost { return append([]signs.PadHost(nil), p.hosts...) }

// padHosts reads the pad host configuration: one host, a list file, or the
// shipped list.
func (c Config) padHosts() ([]signs.PadHost, error) {
	switch {
	case c.PadHost != "" && c.PadHostsFile != "":
		return nil, errors.New("api: pad host and pad hosts file: choose one")
	case c.PadHost != "":
		h := signs.PadHost{Name: "default", BaseURL: c.PadHost}
		if u, err := url.Parse(h.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("api: pad host %q: %w", c.PadHost, signs.ErrPadURL)
		}
		if !strings.HasSuffix(h.BaseURL, "/") {
			h.BaseURL += "/"
		}
		return []signs.PadHost{h}, nil
	case c.PadHostsFile != "":
		f, err := os.Open(c.PadHostsFile)
		if err != nil {
			return nil, fmt.Errorf("api: pad hosts: %w", err)
		}
		defer f.Close()
		hosts, err := signs.ParsePadHosts(f)
		if err != nil {
			return nil, fmt.Errorf("api: pad hosts %s: %w", c.PadHostsFile, err)
		}
		return hosts, nil
	}
	return signs.DefaultPadHosts(), nil
}

// evidenceOf is what OSM says of a place, for the status rules.
func evidenceOf(cats *geo.Categories, gone bool, tags map[string]string) geo.OSMEvidence {
	return geo.OSMEvidence{Gone: gone, Tags: tags, Keys: cats.Keys, LifecyclePrefixes: cats.LifecyclePrefixes}
}

// placeStatus is the current status of p at now: its reports of the
// freshness window under the rules, with what OSM says. It is the one
// computation behind the place document and the posters; it returns the
// window's reports too.
func placeStatus(ctx context.Context, st PosterStore, rules geo.StatusRules, cats *geo.Categories, p geo.Place, now time.Time) (geo.CurrentStatus, []store.Report, error) {
	reps, err := st.PlaceReports(ctx, p.ID, now.Add(-rules.Window-rules.Skew))
	if err != nil {
		return geo.CurrentStatus{}, nil, err
	}
	return rules.Compute(now, rulesInput(reps), evidenceOf(cats, p.State == geo.Gone, p.Tags)), reps, nil
}

// basisReport is the stored report the status rests on (for its remark).
func basisReport(cs geo.CurrentStatus, reps []store.Report) (store.Report, bool) {
	if cs.Basis == nil {
		return store.Report{}, false
	}
	for _, r := range reps {
		if r.At.Equal(cs.Basis.At) && r.Rule().Contributor == cs.Basis.Contributor {
			return r, true
		}
	}
	return store.Report{}, false
}

// printed is the poster's date: opts.Now if set, else now, in loc.
func printed(opts signs.Options, now time.Time, loc *time.Location) time.Time {
	t := opts.Now
	if t.IsZero() {
		t = now
	}
	if loc != nil {
		t = t.In(loc)
	}
	return t
}

var (
	msgReportedHours = [2]string{"Horaires signalés par les habitants le %s.", "Hours reported by residents on %s."}
	msgReportedRow   = [2]string{"signalés", "reported"}
	msgUsualHours    = [2]string{"Ce sont les horaires habituels : le lieu est fermé pour l'instant.", "These are the usual hours: the place is closed for now."}
)

func in(m [2]string, l signs.Lang) string {
	if l == signs.English {
		return m[1]
	}
	return m[0]
}

// Shop fills the shop poster of place id: what OSM says (signs.ShopOf),
// then the current status, services, remark and hours of the residents'
// reports. opts.Now, if set, is the printed date and the first day of the
// week; else Shop sets it to now in the place's time zone, for Render to
// print. The status is always the one of now. store.ErrNotFound if there
// is no such place.
func (p *Posters) Shop(ctx context.Context, id geo.PlaceID, opts *signs.Options) (signs.Shop, error) {
	pl, err := p.st.Place(ctx, id)
	if err != nil {
		return signs.Shop{}, err
	}
	now := p.now()
	hc := p.zones.at(pl.Location[0], pl.Location[1])
	opts.Now = printed(*opts, now, hc.loc)
	cs, reps, err := placeStatus(ctx, p.st, p.cfg.Rules, p.cats, pl, now)
	if err != nil {
		return signs.Shop{}, err
	}
	shop := signs.ShopOf(pl, p.cats, *opts, signs.PlaceURL(p.cfg.BaseURL, id))
	shop.Status = signs.Status(cs.Status)
	if cs.Status == "" {
		shop.Status = signs.StatusUnknown
	}
	for _, sv := range []struct {
		dst **bool
		v   *bool
	}{{&shop.Delivery, cs.Delivery}, {&shop.Takeaway, cs.Takeaway}, {&shop.Pickup, cs.Pickup}} {
		if sv.v != nil {
			*sv.dst = sv.v
		}
	}
	// The hours in force: those of the report the status rests on
	// (changed hours), else OSM's, evaluated in the place's zone.
	raw := strings.TrimSpace(effectiveHours(cs, pl.OpeningHours))
	if raw != "" {
		if week, ok := posterWeek(raw, opts.Now, hc, opts.Lang); ok {
			shop.Week = week
		} else if cs.Hours != nil {
			shop.Week = []signs.DayLine{{Day: in(msgReportedRow, opts.Lang), Text: raw}}
		}
	}
	if cs.Hours != nil {
		shop.Notes = append(shop.Notes, fmt.Sprintf(in(msgReportedHours, opts.Lang), dateIn(cs.Hours.At.In(opts.Now.Location()), opts.Lang)))
	}
	switch cs.Status {
	case geo.StatusClosed:
		// The band says closed: the week is what to expect on reopening.
		if len(shop.Week) > 0 {
			shop.Notes = append(shop.Notes, in(msgUsualHours, opts.Lang))
		}
	case geo.StatusGone:
		shop.Week, shop.Notes = nil, nil
	}
	if r, ok := basisReport(cs, reps); ok {
		shop.Remark = r.Remark
	}
	return shop, nil
}

// dateIn is a day as people write it: "1 décembre 2026", "1 December 2026".
func dateIn(t time.Time, l signs.Lang) string {
	if l == signs.English {
		return t.Format("2 January 2006")
	}
	months := [...]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"}
	return fmt.Sprintf("%d %s %d", t.Day(), months[t.Month()-1], t.Year())
}

// MaxAreaRadius is the largest radius of a neighbourhood sheet, in metres.
const MaxAreaRadius = 5000

// MaxAreaPlaces bounds the places of one sheet, nearest first.
const MaxAreaPlaces = 400

// Area fills the neighbourhood sheet of the places within radius metres of
// center (lon, lat), at most limit of them nearest first (0 or more than
// MaxAreaPlaces is MaxAreaPlaces), each with its current status; title ""
// is "Ouvert près d'ici" / "Open near here". padURL is an optional pad
// (checked by signs.Render). opts.Now, if zero, is set to now in the time
// zone of center, for Render to print.
func (p *Posters) Area(ctx context.Context, title, where string, center orb.Point, radius float64, limit int, padURL string, opts *signs.Options) (signs.Area, error) {
	if radius <= 0 || radius > MaxAreaRadius {
		return signs.Area{}, fmt.Errorf("api: area radius %v: want 1 to %d metres", radius, MaxAreaRadius)
	}
	if limit <= 0 || limit > MaxAreaPlaces {
		limit = MaxAreaPlaces
	}
	now := p.now()
	hc := p.zones.at(center[0], center[1])
	opts.Now = printed(*opts, now, hc.loc)
	places, err := p.st.PlacesNear(ctx, center, radius, limit)
	if err != nil {
		return signs.Area{}, err
	}
	recent, err := p.st.RecentReports(ctx, now.Add(-p.cfg.Rules.Window-p.cfg.Rules.Skew))
	if err != nil {
		return signs.Area{}, err
	}
	if strings.TrimSpace(title) == "" {
		title = in([2]string{"Ouvert près d'ici", "Open near here"}, opts.Lang)
	}
	a := signs.AreaOf(title, center, radius, places, p.cats, *opts, signs.MapURL(p.cfg.BaseURL, center), padURL)
	a.Where = where
	status := make(map[geo.PlaceID]signs.Status, len(places))
	for _, pl := range places {
		cs := p.cfg.Rules.Compute(now, rulesInput(recent[pl.ID]), evidenceOf(p.cats, pl.State == geo.Gone, pl.Tags))
		status[pl.ID] = signs.Status(cs.Status)
	}
	for gi := range a.Groups {
		for pi := range a.Groups[gi].Places {
			ap := &a.Groups[gi].Places[pi]
			if st, ok := status[ap.ID]; ok && st != "" {
				ap.Status = st
			}
		}
	}
	return a, nil
}
