package store

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"codeberg.org/openmap/openmap/geo"
	"github.com/paulmach/orb"
)

func testPlaces() []geo.Place {
	return []geo.Place{
		{ID: geo.PlaceID{Type: geo.Node, ID: 1}, Version: 2, Name: "Épicerie du Port", Category: "food", Subcategory: "convenience",
			Tags: map[string]string{"shop": "convenience", "name": "Épicerie du Port"}, Location: orb.Point{7.4246, 43.7347}},
		{ID: geo.PlaceID{Type: geo.Way, ID: 2}, Version: 1, Name: "Pharmacie", Category: "health", Subcategory: "pharmacy",
			Tags: map[string]string{"amenity": "pharmacy"}, Location: orb.Point{7.4300, 43.7400}},
	}
}

func open(t *testing.T) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "t.db")
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

func TestOpenTwiceAndSpatialCatalogue(t *testing.T) {
	ctx := context.Background()
	s, path := open(t)
	if _, err := s.ImportPlaces(ctx, "test", []string{"x"}, testPlaces(), geo.DefaultCategories()); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s2, err := Open(ctx, path) // migrations already applied: a no-op
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	var typ, srid, idx int
	if err := s2.db.QueryRowContext(ctx, `SELECT geometry_type, srid, spatial_index_enabled FROM geometry_columns WHERE f_table_name = 'places' AND f_geometry_column = 'geom'`).Scan(&typ, &srid, &idx); err != nil {
		t.Fatal(err)
	}
	if typ != 1 || srid != 4326 || idx != 1 {
		t.Errorf("geometry_columns: type %d srid %d index %d; want POINT (1), 4326, 1", typ, srid, idx)
	}
	var n int
	if err := s2.db.QueryRowContext(ctx, `SELECT count(*) FROM idx_places_geom`).Scan(&n); err != nil || n != 2 {
		t.Errorf("spatial index holds %d rows (%v), want 2", n, err)
	}
	var mode string
	if err := s2.wdb.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal mode %q (%v)", mode, err)
	}
}

// TestDurability: the write connection syncs as the options say (SQLite's
// synchronous: 2 FULL, 1 NORMAL), the default being full, also after
// reports went through the batcher's driver-level connection.
func TestDurability(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		name string
		o    Options
		want int
	}{
		{"default", Options{}, 2},
		{"full", Options{Durability: Full}, 2},
		{"normal", Options{Durability: Normal}, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, err := OpenWith(ctx, filepath.Join(t.TempDir(), "d.db"), c.o)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if _, err := s.ImportPlaces(ctx, "test", []string{"x"}, testPlaces(), geo.DefaultCategories()); err != nil {
				t.Fatal(err)
			}
			if _, err := s.AddReport(ctx, NewReport{Place: testPlaces()[0].ID, Status: "open", At: time.Now(), Contributor: []byte("k")}); err != nil {
				t.Fatal(err)
			}
			var got int
			if err := s.wdb.QueryRowContext(ctx, `PRAGMA synchronous`).Scan(&got); err != nil || got != c.want {
				t.Errorf("synchronous = %d (%v), want %d", got, err, c.want)
			}
			if d, err := s.Durability(ctx); err != nil || d != c.o.Durability {
				t.Errorf("Durability() = %v, %v; want %v", d, err, c.o.Durability)
			}
		})
	}
	for in, want := range map[string]Durability{"full": Full, "normal": Normal} {
		if d, err := ParseDurability(in); err != nil || d != want || d.String() != in {
			t.Errorf("ParseDurability(%q) = %v, %v", in, d, err)
		}
	}
	if _, err := ParseDurability("fast"); err == nil || !strings.Contains(err.Error(), "want full or normal") {
		t.Errorf("ParseDurability(fast): %v", err)
	}
}

// TestSpatiaLiteCLI reads the file with the spatialite tool, as QGIS
// would through the same library.
func TestSpatiaLiteCLI(t *testing.T) {
	if _, err := exec.LookPath("spatialite"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("spatialite missing in CI")
		}
		t.Skip("spatialite not installed")
	}
	s, path := open(t)
	if _, err := s.ImportPlaces(context.Background(), "test", nil, testPlaces(), nil); err != nil {
		t.Fatal(err)
	}
	s.Close()
	out, err := exec.Command("spatialite", "-bail", path,
		`SELECT name, AsText(geom) FROM places WHERE MbrWithin(geom, BuildMbr(7.42, 43.73, 7.425, 43.735)) AND rowid IN (SELECT rowid FROM SpatialIndex WHERE f_table_name = 'places' AND search_frame = BuildMbr(7.42, 43.73, 7.425, 43.735));`).CombinedOutput()
	if err != nil {
		t.Fatalf("spatialite: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "Épicerie du Port|POINT(7.4246 43.7347)") {
		t.Errorf("spatialite printed:\n%s", out)
	}
}

func TestPlaceNotFound(t *testing.T) {
	s, _ := open(t)
	_, err := s.Place(context.Background(), geo.PlaceID{Type: geo.Node, ID: 99})
	if !errors.Is(err, ErrNotFound) {
		t.Errorf("got %v, want ErrNotFound", err)
	}
}

func TestPlacesNear(t *testing.T) {
	ctx := context.Background()
	s, _ := open(t)
	if _, err := s.ImportPlaces(ctx, "test", nil, testPlaces(), nil); err != nil {
		t.Fatal(err)
	}
	got, err := s.PlacesNear(ctx, orb.Point{7.4247, 43.7348}, 200, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Name != "Épicerie du Port" || got[0].Tags["shop"] != "convenience" {
		t.Errorf("near: %+v", got)
	}
	got, err = s.PlacesNear(ctx, orb.Point{7.4247, 43.7348}, 2000, 10)
	if err != nil || len(got) != 2 || got[0].ID.ID != 1 {
		t.Errorf("near 2 km: %+v, %v", got, err)
	}
}

func TestImportMarksGone(t *testing.T) {
	ctx := context.Background()
	s, _ := open(t)
	ps := testPlaces()
	if _, err := s.ImportPlaces(ctx, "a", nil, ps, nil); err != nil {
		t.Fatal(err)
	}
	res, err := s.ImportPlaces(ctx, "a", nil, ps[:1], nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Gone != 1 || res.Unchanged != 1 {
		t.Errorf("result %+v", res)
	}
	p, err := s.Place(ctx, ps[1].ID)
	if err != nil || p.State != geo.Gone {
		t.Errorf("place %v: %+v, %v; want gone, still there", ps[1].ID, p, err)
	}
	// Another source does not touch the places of "a".
	if _, err := s.ImportPlaces(ctx, "b", nil, nil, nil); err != nil {
		t.Fatal(err)
	}
	st, _ := s.Stats(ctx)
	if st.Places != 1 || st.Gone != 1 {
		t.Errorf("stats %+v", st)
	}
}

// TestOverlappingSources: a place two extracts hold is gone only when
// neither holds it any more.
func TestOverlappingSources(t *testing.T) {
	ctx := context.Background()
	s, _ := open(t)
	ps := testPlaces()
	if _, err := s.ImportPlaces(ctx, "region", nil, ps, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ImportPlaces(ctx, "city", nil, ps[1:], nil); err != nil {
		t.Fatal(err)
	}
	res, err := s.ImportPlaces(ctx, "region", nil, ps[:1], nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Gone != 0 {
		t.Errorf("the region dropped %v, still in the city: %d gone", ps[1].ID, res.Gone)
	}
	res, err = s.ImportPlaces(ctx, "city", nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Gone != 1 {
		t.Errorf("no source holds %v any more: %d gone, want 1", ps[1].ID, res.Gone)
	}
	if p, _ := s.Place(ctx, ps[1].ID); p.State != geo.Gone {
		t.Errorf("%v is %s", ps[1].ID, p.State)
	}
}

// TestSearchNamesFirst: a place whose name matches comes before places that
// match by their category label only, even when they are nearer.
func TestSearchNamesFirst(t *testing.T) {
	ctx := context.Background()
	s, _ := open(t)
	ps := []geo.Place{
		{ID: geo.PlaceID{Type: geo.Node, ID: 1}, Name: "", Category: "food", Subcategory: "supermarket", Tags: map[string]string{"shop": "supermarket"}, Location: orb.Point{7.4200, 43.7300}},
		{ID: geo.PlaceID{Type: geo.Node, ID: 2}, Name: "Carrefour", Category: "food", Subcategory: "supermarket", Tags: map[string]string{"shop": "supermarket"}, Location: orb.Point{7.4201, 43.7300}},
		{ID: geo.PlaceID{Type: geo.Node, ID: 3}, Name: "Marché U", Category: "food", Subcategory: "supermarket", Tags: map[string]string{"shop": "supermarket"}, Location: orb.Point{7.4400, 43.7400}},
	}
	if _, err := s.ImportPlaces(ctx, "t", nil, ps, geo.DefaultCategories()); err != nil {
		t.Fatal(err)
	}
	got, err := s.Search(ctx, "marche u", &orb.Point{7.42, 43.73}, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[0].Name != "Marché U" {
		t.Errorf("search order: %+v", got)
	}
}
