package e2e

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"codeberg.org/openmap/openmap/geo"
	"codeberg.org/openmap/openmap/importer"
	"codeberg.org/openmap/openmap/internal/store"
	"github.com/paulmach/orb"
)

// extract is the real OSM extract the tests import: Monaco and the French
// towns on its border, 2016 (© OpenStreetMap contributors, ODbL).
const extract = "monaco-and-french-border-2016-03-04.osm.pbf"

// xssName is the name of a place added to the imported data: it must show as
// text everywhere, never as markup.
const xssName = `<img src=x onerror=alert(1)>`

// xssID is the place with that name; far above real node ids of the extract.
var xssID = geo.PlaceID{Type: geo.Node, ID: 9_000_000_001}

// repoRoot is the directory holding go.mod, found from the test's directory.
func repoRoot(t testing.TB) string {
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test directory")
		}
		dir = parent
	}
}

// extractPath finds the extract in testdata/ or in ../shared/data/osm/.
func extractPath(t testing.TB) string {
	root := repoRoot(t)
	for _, p := range []string{
		filepath.Join(root, "testdata", extract),
		filepath.Join(root, "..", "shared", "data", "osm", extract),
	} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s is neither in testdata/ nor in ../shared/data/osm/", extract)
	}
	t.Skipf("%s not found", extract)
	return ""
}

// importDB imports the extract into a new database, plus the XSS place.
func importDB(t testing.TB) *store.Store {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "e2e.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	start := time.Now()
	res, err := importer.Import(ctx, st, "", []string{extractPath(t)}, importer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("imported %d places from %s in %v", res.Store.Inserted, extract, time.Since(start).Round(time.Millisecond))
	if res.Store.Inserted < 100 {
		t.Fatalf("only %d places imported", res.Store.Inserted)
	}
	cats := geo.DefaultCategories()
	tags := map[string]string{"shop": "bakery", "name": xssName, "addr:street": `"><script>alert(2)</script>`, "opening_hours": "Mo-Sa 07:00-19:30"}
	xss := geo.Place{ID: xssID, Version: 1, Name: xssName, Category: "food", Subcategory: "bakery",
		Address: geo.AddressFromTags(tags), OpeningHours: tags["opening_hours"], Tags: tags,
		Location: orb.Point{7.4163, 43.7335}, State: geo.Active}
	if _, err := st.ImportPlaces(ctx, "e2e-fixture", nil, []geo.Place{xss}, cats); err != nil {
		t.Fatal(err)
	}
	return st
}

// tileServer serves the same small PNG for every {z}/{x}/{y} tile and
// counts the requests, standing in for the instance's tile server.
func tileServer(t testing.TB) (*httptest.Server, *atomic.Int64) {
	img := image.NewRGBA(image.Rect(0, 0, 256, 256))
	for y := 0; y < 256; y++ {
		for x := 0; x < 256; x++ {
			c := color.RGBA{0xf2, 0xef, 0xe9, 0xff}
			if x%64 == 0 || y%64 == 0 {
				c = color.RGBA{0xdd, 0xd8, 0xcf, 0xff}
			}
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	tile := buf.Bytes()
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.Header().Set("Content-Type", "image/png")
		w.Header().Set("Cache-Control", "max-age=3600")
		w.Write(tile)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

// startServer runs the whole openmap server (API and pages) on a database
// imported from the real extract, with tiles from a local tile server.
func startServer(t testing.TB) (srv *httptest.Server, st *store.Store, tiles *httptest.Server, tileHits *atomic.Int64) {
	st = importDB(t)
	tiles, tileHits = tileServer(t)
	srv = httptest.NewServer(newServer(t, st, tiles.URL+"/{z}/{x}/{y}.png"))
	t.Cleanup(srv.Close)
	return srv, st, tiles, tileHits
}
