package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"codeberg.org/openmap/openmap/api"
	"codeberg.org/openmap/openmap/geo"
	"codeberg.org/openmap/openmap/internal/logbuf"
	"codeberg.org/openmap/openmap/internal/store"
	"github.com/labstack/echo/v4"
)

// serveConfig is the configuration of openmap serve, validated before
// anything starts.
type serveConfig struct {
	db, addr, baseURL, country, tilesURL      string
	review                                    reviewFlags
	osmClientID, osmClientSecret, osmRedirect string
	hashtags, changesetLocale, commentLang    string
	trustProxy, noZoneTable                   bool
	readRate, reportRate, keyRate             float64
	cacheEntries                              int
	logFormat                                 string
	padHostsFile, padHost                     string
	durability                                string
}

func runServe(ctx context.Context, args []string, getenv env, s streams) error {
	fs := newFlags("serve", s)
	var c serveConfig
	fs.StringVar(&c.db, "db", "openmap.db", "SpatiaLite database file (made by openmap import)")
	fs.StringVar(&c.addr, "addr", ":8080", "address to listen on")
	fs.StringVar(&c.baseURL, "base-url", "http://localhost:8080", "public URL of this instance, for links and posters")
	fs.StringVar(&c.country, "country", "FR", "country for public holidays of places outside the built-in zone table")
	fs.BoolVar(&c.noZoneTable, "no-zone-table", false, "use --tz and --country for every place")
	fs.StringVar(&c.tilesURL, "tiles-url", "https://tile.openstreetmap.org/{z}/{x}/{y}.png", "base map tile URL template (allowed by the CSP)")
	addReviewFlags(fs, &c.review)
	fs.StringVar(&c.osmClientID, "osm-client-id", "", "OAuth 2 client id of this instance's application on OSM (the /mapper login; none: /mapper says how to set it up)")
	fs.StringVar(&c.osmClientSecret, "osm-client-secret", "", "its client secret (prefer OPENMAP_OSM_CLIENT_SECRET: a flag shows in ps)")
	fs.StringVar(&c.osmRedirect, "osm-redirect-url", "", "OAuth 2 redirect URL registered on OSM (default --base-url + /mapper/callback)")
	fs.StringVar(&c.hashtags, "hashtags", "openmap", "comma-separated changeset hashtags of the instance")
	fs.StringVar(&c.changesetLocale, "changeset-locale", "fr", "changeset locale tag")
	fs.StringVar(&c.commentLang, "comment-lang", "en", "language of the changeset comment (en or fr)")
	fs.BoolVar(&c.trustProxy, "trust-proxy", false, "take the client IP from X-Forwarded-For (only behind a reverse proxy)")
	fs.Float64Var(&c.readRate, "read-rate", 20, "reads per second allowed per client IP (negative: no limit)")
	fs.Float64Var(&c.reportRate, "report-rate", 6, "report posts per minute allowed per client IP (negative: no limit)")
	fs.Float64Var(&c.keyRate, "contributor-rate", 60, "reports per hour allowed per contributor key (negative: no limit)")
	fs.IntVar(&c.cacheEntries, "cache", 512, "rendered /places answers kept in memory (negative: none)")
	fs.StringVar(&c.logFormat, "log", "text", "log format: text or json")
	fs.StringVar(&c.durability, "durability", "full", "full: an acknowledged report survives a power cut on a drive that honours flushes (the log is synced at each group commit); normal: it survives a crash of openmap, not of the system (for disks where a sync is slow)")
	fs.StringVar(&c.padHostsFile, "pad-hosts", "", "JSON list of Etherpad hosts for new pads on neighbour posters, as signs/pads.json (default: the CHATONS list shipped)")
	fs.StringVar(&c.padHost, "pad-host", "", "one Etherpad base URL for new pads instead of a list, such as https://pad.example.org/p/")
	if err := parseFlags(fs, args, getenv); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: serve takes no argument, got %q (flags go before, as --db FILE)", errUsage, fs.Arg(0))
	}
	durability, err := store.ParseDurability(c.durability)
	if err != nil {
		return fmt.Errorf("%w: --%v", errUsage, err)
	}
	zone, err := time.LoadLocation(c.review.tz)
	if err != nil {
		return fmt.Errorf("%w: --tz %q: %v", errUsage, c.review.tz, err)
	}
	// The access log is written in one system call every 100 ms rather
	// than one a request (some 4 % of a report post's CPU).
	logw := logbuf.New(s.stderr, 64<<10, 100*time.Millisecond)
	defer logw.Close()
	var h slog.Handler = slog.NewTextHandler(logw, nil)
	if c.logFormat == "json" {
		h = slog.NewJSONHandler(logw, nil)
	} else if c.logFormat != "text" {
		return fmt.Errorf("%w: --log %q: want text or json", errUsage, c.logFormat)
	}
	log := slog.New(h)
	if getenv("GOGC") == "" {
		// The live heap is small (caches of tens of MB): collecting at
		// 3× rather than 2× of it costs some 15 MB of peak memory under
		// load and saves some 6 % of a report post's CPU. GOGC overrides.
		debug.SetGCPercent(200)
	}
	if _, err := os.Stat(c.db); err != nil {
		return noDatabase("serve", c.db)
	}
	if !geo.HasHolidays(c.country) {
		known := slices.Sorted(maps.Keys(geo.PublicHolidays))
		log.Warn("no public holidays known for --country: PH in opening hours will never match outside the built-in zone table",
			"country", c.country, "known", strings.Join(known, ","))
	}
	rules, err := c.review.rules()
	if err != nil {
		return err
	}
	profile, err := c.review.tagProfile()
	if err != nil {
		return err
	}
	var tags []string
	for _, h := range strings.Split(c.hashtags, ",") {
		if h = strings.TrimSpace(h); h != "" {
			tags = append(tags, h)
		}
	}
	cfg := api.Config{
		Mapper: api.MapperConfig{OSM: c.review.server(), ClientID: c.osmClientID, ClientSecret: c.osmClientSecret,
			RedirectURL: c.osmRedirect, Profile: profile, Hashtags: tags, Locale: c.changesetLocale, CommentLanguage: c.commentLang},
		BaseURL: c.baseURL, TilesURL: c.tilesURL, Zone: zone, Country: c.country, NoZoneTable: c.noZoneTable,
		Rules: rules, TrustProxy: c.trustProxy, CacheEntries: c.cacheEntries, Version: version,
		ReadsPerSecond: c.readRate, ReportsPerMinute: c.reportRate, ContributorsPerHour: c.keyRate,
		PadHostsFile: c.padHostsFile, PadHost: c.padHost,
	}
	if err := cfg.Validate(); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	st, err := store.OpenWith(ctx, c.db, store.Options{Durability: durability})
	if err != nil {
		return err
	}
	defer st.Close()
	if durability, err = st.Durability(ctx); err != nil { // as it runs, for the log
		return err
	}
	var pagesErr error
	e, _, err := api.New(ctx, api.Deps{Store: st, Categories: geo.DefaultCategories(), Config: cfg, Logger: log,
		Pages: func(e *echo.Echo, _ *api.Server) {
			pagesErr = api.RegisterPages(e, api.PageDeps{Source: api.LoopbackSource{API: e},
				Tiles:    api.PageTiles{URL: cfg.TilesURL, Attribution: cfg.TilesAttribution, MaxZoom: cfg.TilesMaxZoom},
				Location: zone, Logger: log, BaseURL: cfg.BaseURL})
		}})
	if err != nil {
		return err
	}
	if pagesErr != nil {
		return pagesErr
	}
	srv := &http.Server{
		Handler: e,
		// A client gets 5 s to send its headers: slow-loris connections
		// are dropped before they hold a goroutine for long.
		ReadHeaderTimeout: 5 * time.Second,
		// The whole request, body included (at most 16 KiB), within 15 s.
		ReadTimeout: 15 * time.Second,
		// Answers are small except exports (every place): 60 s covers
		// the export of a large region on a slow line.
		WriteTimeout: 60 * time.Second,
		// Keep-alive connections idle for 2 minutes are closed, so a
		// modest machine is not held by idle phones.
		IdleTimeout:    120 * time.Second,
		MaxHeaderBytes: 32 << 10,
		ErrorLog:       slog.NewLogLogger(h, slog.LevelWarn),
	}
	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		return fmt.Errorf("serve: listen on %s: %w", c.addr, err)
	}
	log.Info("serving", "addr", ln.Addr().String(), "db", c.db, "durability", durability.String(), "base_url", c.baseURL, "tz", c.review.tz, "country", c.country, "mapper_login", c.osmClientID != "", "osm", cfg.Mapper.OSM.API)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	// SIGTERM/SIGINT: stop accepting, let requests in flight finish (up to
	// 20 s), then close the database.
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: shutdown: %w", err)
	}
	return nil
}
