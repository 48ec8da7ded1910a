package api

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"codeberg.org/openmap/openmap/geo"
	"codeberg.org/openmap/openmap/internal/osmsync"
	"codeberg.org/openmap/openmap/internal/store"
	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb"
)

// Store is what the API needs from the database. *store.Store implements it;
// tests may wrap it.
type Store interface {
	Place(ctx context.Context, id geo.PlaceID) (geo.Place, error)
	PlacePoints(ctx context.Context, b orb.Bound, limit int, withGone bool, lifecyclePrefixes []string) ([]store.PlacePoint, error)
	AllPlacePoints(ctx context.Context, lifecyclePrefixes []string) ([]store.PlacePoint, error)
	EachPlace(ctx context.Context, f func(geo.Place) error) error
	Search(ctx context.Context, query string, near *orb.Point, limit int) ([]geo.Place, error)
	Stats(ctx context.Context) (store.Stats, error)
	AddReport(ctx context.Context, r store.NewReport) (int64, error)
	AddReportInputs(ctx context.Context, r store.NewReport, since time.Time) (int64, []geo.Report, error)
	PlaceReports(ctx context.Context, id geo.PlaceID, since time.Time) ([]store.Report, error)
	PlacesNear(ctx context.Context, p orb.Point, radius float64, limit int) ([]geo.Place, error)
	LatestReports(ctx context.Context, id geo.PlaceID, n int) ([]store.Report, error)
	RecentReports(ctx context.Context, since time.Time) (map[geo.PlaceID][]store.Report, error)
	Revision(ctx context.Context) (int64, error)
	HideReport(ctx context.Context, id int64, hidden bool, at time.Time) (store.Report, error)
	BlockContributorOf(ctx context.Context, reportID int64, at time.Time) (int, error)
	Blocked(ctx context.Context, who []byte) (bool, error)
	LockPlace(ctx context.Context, id geo.PlaceID, locked bool, at time.Time) error
	PlaceLocked(ctx context.Context, id geo.PlaceID) (bool, error)
	CountReports(ctx context.Context, since time.Time) (store.ReportCounts, error)
	Secret(ctx context.Context, name string) ([]byte, error)
	TokenRole(ctx context.Context, hash []byte) (string, error)
}

// Config holds the settings of the API; the zero value of a field means its
// default (see withDefaults).
type Config struct {
	// BaseURL is the public URL of the instance, without a trailing
	// slash ("https://openmap.example.org"), used in page and poster links.
	BaseURL string
	// TilesURL is the base map tile template; its host is allowed by the CSP.
	TilesURL         string
	TilesAttribution string
	TilesMaxZoom     int
	// Zone and Country are the time zone and public-holiday country used
	// for places outside the rough zone table (zones.go).
	Zone    *time.Location
	Country string
	// NoZoneTable makes every place use Zone and Country.
	NoZoneTable bool
	// Rules are the status rules.
	Rules geo.StatusRules
	// MaxBodyBytes bounds request bodies (413 beyond).
	MaxBodyBytes int64
	// Rate limits, per client IP held in memory (reads and report posts
	// apart) and per contributor key. A rate of 0 takes the default, a
	// negative rate switches the limit off.
	ReadsPerSecond      float64
	ReadBurst           int
	ReportsPerMinute    float64
	ReportBurst         int
	ContributorsPerHour float64
	ContributorBurst    int
	// TrustProxy makes the client IP come from X-Forwarded-For (set it only
	// behind a reverse proxy that sets that header); otherwise it is the
	// peer address.
	TrustProxy bool
	// ClusterAbove is the number of places in a view above which /places
	// answers with clusters; MaxFeatures bounds the features of one answer.
	ClusterAbove int
	MaxFeatures  int
	// MaxSpanDegrees bounds the width and height of a bbox.
	MaxSpanDegrees float64
	// CacheEntries is the number of /places answers kept (0: default 512,
	// negative: no cache).
	CacheEntries int
	// PadHostsFile is a JSON list of Etherpad hosts for new pads on
	// neighbour posters (the format of signs/pads.json); PadHost is one
	// Etherpad base URL instead ("https://pad.example.org/p/"). With
	// neither, the CHATONS list shipped with openmap is used.
	PadHostsFile string
	PadHost      string
	// DefaultView is where the map opens.
	DefaultView View
	Version     string
	// Mapper is how reviewed reports go back to OpenStreetMap (the
	// /mapper pages and the review queue).
	Mapper MapperConfig
}

// View is a map position.
type View struct {
	Lat  float64 `json:"lat"`
	Lon  float64 `json:"lon"`
	Zoom int     `json:"zoom"`
}

func (c Config) withDefaults() Config {
	orDefault(&c.TilesURL, "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
	orDefault(&c.TilesAttribution, "© OpenStreetMap contributors")
	orDefault(&c.TilesMaxZoom, 19)
	orDefault(&c.Zone, time.UTC)
	if c.Rules.Window == 0 {
		c.Rules = geo.DefaultStatusRules()
	}
	orDefault(&c.MaxBodyBytes, 16<<10)
	orDefault(&c.ReadsPerSecond, 20)
	orDefault(&c.ReadBurst, 100)
	orDefault(&c.ReportsPerMinute, 6)
	orDefault(&c.ReportBurst, 20)
	orDefault(&c.ContributorsPerHour, 60)
	orDefault(&c.ContributorBurst, 30)
	orDefault(&c.ClusterAbove, 2000)
	orDefault(&c.MaxFeatures, 3000)
	orDefault(&c.MaxSpanDegrees, 10)
	orDefault(&c.CacheEntries, 512)
	if c.DefaultView.Zoom == 0 {
		c.DefaultView = View{Lat: 43.7384, Lon: 7.4246, Zoom: 15}
	}
	orDefault(&c.Version, "dev")
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	if c.Mapper.OSM.Web == "" {
		c.Mapper.OSM = osmsync.Production
	}
	if c.Mapper.RedirectURL == "" && c.BaseURL != "" {
		c.Mapper.RedirectURL = c.BaseURL + "/mapper/callback"
	}
	orDefault(&c.Mapper.Locale, "fr")
	orDefault(&c.Mapper.CommentLanguage, "en")
	return c
}

// orDefault sets *p to v when it holds its type's zero value (an unset
// Config field).
func orDefault[T comparable](p *T, v T) {
	var zero T
	if *p == zero {
		*p = v
	}
}

// Validate says what is wrong with the configuration (defaults applied).
func (c Config) Validate() error {
	c = c.withDefaults()
	if err := c.Rules.Validate(); err != nil {
		return err
	}
	if c.BaseURL != "" {
		u, err := url.Parse(c.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("api: base URL %q: want http(s)://host[/path]", c.BaseURL)
		}
	}
	if _, err := tileOrigin(c.TilesURL); err != nil {
		return err
	}
	if _, err := c.padHosts(); err != nil {
		return err
	}
	if c.Mapper.ClientID != "" {
		if _, err := osmsync.OAuthConfig(c.Mapper.OSM, c.Mapper.ClientID, c.Mapper.ClientSecret, c.Mapper.RedirectURL); err != nil {
			return fmt.Errorf("api: mapper login: %w", err)
		}
	}
	if c.MaxFeatures < 10 || c.ClusterAbove > c.MaxFeatures {
		return fmt.Errorf("api: want 10 <= cluster-above (%d) <= max-features (%d)", c.ClusterAbove, c.MaxFeatures)
	}
	return nil
}

// Deps are the dependencies of the API.
type Deps struct {
	Store      Store
	Categories *geo.Categories
	Config     Config
	Logger     *slog.Logger
	// Clock returns the current time; time.Now when nil.
	Clock func() time.Time
	// Pages, when set, registers the HTML pages (/, /place/:type/:id,
	// /near, /signs, static assets) on the same echo instance. It is
	// called after the API routes, with the Server so pages can reuse
	// PlaceDoc and the status of places.
	Pages func(e *echo.Echo, s *Server)
	// Edits is the edit queue of the mapper review; the store's own
	// (store.OSMEdits) when nil and the store has one.
	Edits EditStore
}

// Server holds the API's state: caches, limiters, counters.
type Server struct {
	st      Store
	cats    *geo.Categories
	cfg     Config
	log     *slog.Logger
	now     func() time.Time
	secret  []byte
	hmacs   sync.Pool // of HMAC-SHA256 keyed with secret (contributorHash)
	hours   *hoursCache
	cache   *respCache
	recent  recentCache
	stats   statsCache
	limRead *limiter
	limRep  *limiter
	limKey  *limiter
	voices  *voices
	metrics *metrics
	zones   *zones
	csp     string
	posters *Posters
	signs   *signsPage
	edits   EditStore
	mapper  *mapperState
}

// New builds the server and its echo instance. It reads (creating it the
// first time) the server secret from the store.
func New(ctx context.Context, d Deps) (*echo.Echo, *Server, error) {
	if d.Store == nil || d.Categories == nil {
		return nil, nil, errors.New("api: a store and a category table are needed")
	}
	cfg := d.Config.withDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, nil, err
	}
	log := d.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	now := d.Clock
	if now == nil {
		now = time.Now
	}
	secret, err := d.Store.Secret(ctx, "contributor_hmac")
	if err != nil {
		return nil, nil, fmt.Errorf("api: %w", err)
	}
	origin, _ := tileOrigin(cfg.TilesURL)

	s := &Server{
		st: d.Store, cats: d.Categories, cfg: cfg, log: log, now: now, secret: secret,
		hours:   newHoursCache(100000),
		cache:   newRespCache(cfg.CacheEntries),
		limRead: newLimiter(cfg.ReadsPerSecond, cfg.ReadBurst, now),
		limRep:  newLimiter(cfg.ReportsPerMinute/60, cfg.ReportBurst, now),
		limKey:  newLimiter(cfg.ContributorsPerHour/3600, cfg.ContributorBurst, now),
		voices:  newVoices(cfg.Rules.Window),
		metrics: newMetrics(),
		zones:   newZones(cfg.Zone, cfg.Country),
		csp: "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: " + origin +
			"; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
	}
	if cfg.NoZoneTable {
		s.zones.list = nil
	}
	if s.posters, err = NewPosters(d.Store, d.Categories, cfg, now); err != nil {
		return nil, nil, err
	}
	if s.signs, err = newSignsPage(); err != nil {
		return nil, nil, err
	}
	s.edits = d.Edits
	if s.edits == nil {
		s.edits = editStoreOf(d.Store)
	}
	if s.mapper, err = newMapperState(ctx, d.Store, cfg); err != nil {
		return nil, nil, err
	}
	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	e.HTTPErrorHandler = s.handleError
	if cfg.TrustProxy {
		e.IPExtractor = echo.ExtractIPFromXFFHeader()
	} else {
		e.IPExtractor = echo.ExtractIPDirect()
	}
	s.routes(e)
	if d.Pages != nil {
		d.Pages(e, s)
	}
	return e, s, nil
}

// tileOrigin is the scheme and host of a tile URL template, for the CSP;
// "{s}" subdomains become a wildcard.
func tileOrigin(tiles string) (string, error) {
	u, err := url.Parse(strings.ReplaceAll(tiles, "{s}", "s"))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", fmt.Errorf("api: tiles URL %q: want http(s)://host/{z}/{x}/{y}.png", tiles)
	}
	host := u.Host
	if strings.Contains(tiles, "{s}.") {
		host = "*." + strings.TrimPrefix(host, "s.")
	}
	return u.Scheme + "://" + host, nil
}

// contributorHash is the HMAC-SHA256 of a contributor key with the server
// secret: the only form in which a key is stored.
func (s *Server) contributorHash(key string) []byte {
	m, _ := s.hmacs.Get().(hash.Hash)
	if m == nil {
		m = hmac.New(sha256.New, s.secret)
		// From now on Reset restores the keyed state saved here, which
		// clears the block buffer (the first Reset of a new HMAC would
		// leave the last key's bytes in it).
		m.Reset()
	}
	m.Write([]byte(key))
	sum := m.Sum(make([]byte, 0, sha256.Size))
	m.Reset() // back to the keyed state, the key's bytes cleared
	s.hmacs.Put(m)
	return sum
}

// Rules returns the status rules in force.
func (s *Server) Rules() geo.StatusRules { return s.cfg.Rules }

// Handler is a convenience for http.Server.
func Handler(e *echo.Echo) http.Handler { return e }

// recentCache keeps the reports of the freshness window, per store revision.
type recentCache struct {
	mu    sync.Mutex
	rev   int64
	since time.Time
	m     map[geo.PlaceID][]geo.Report
	ok    bool
}

// statsCache keeps the status counts of /stats for a minute.
type statsCache struct {
	mu  sync.Mutex
	rev int64
	at  time.Time
	by  map[string]int
}
