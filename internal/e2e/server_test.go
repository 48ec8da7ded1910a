package e2e

import (
	"context"
	"net/http"
	"testing"

	"codeberg.org/openmap/openmap/api"
	"codeberg.org/openmap/openmap/geo"
	"codeberg.org/openmap/openmap/internal/store"
	"github.com/labstack/echo/v4"
)

// newServer is the whole server as `openmap serve` builds it: the API with
// the pages registered through its Pages hook, on the real store.
func newServer(t testing.TB, st *store.Store, tiles string) http.Handler {
	cfg := api.Config{TilesURL: tiles, TilesAttribution: "© OpenStreetMap contributors",
		// The test sends its reports from one address, quickly.
		ReportsPerMinute: 600, ReportBurst: 100, ReadsPerSecond: 1000, ReadBurst: 1000,
		// Few enough that the whole extract clusters when zoomed out.
		ClusterAbove: 250}
	var perr error
	e, _, err := api.New(context.Background(), api.Deps{Store: st, Categories: geo.DefaultCategories(), Config: cfg,
		Pages: func(e *echo.Echo, s *api.Server) {
			perr = api.RegisterPages(e, api.PageDeps{Source: api.LoopbackSource{API: e},
				Tiles: api.PageTiles{URL: tiles, Attribution: cfg.TilesAttribution}})
		}})
	if err != nil {
		t.Fatal(err)
	}
	if perr != nil {
		t.Fatal(perr)
	}
	return e
}
