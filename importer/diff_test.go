package importer

import (
	"context"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"codeberg.org/openmap/openmap/geo"
	"codeberg.org/openmap/openmap/internal/store"
	"github.com/paulmach/orb"
)

const diffsDir = "../../shared/data/diffs/"

// TestUpdateMatchesOsmium applies real daily diffs to the extracts they
// follow, and compares with a fresh import of the file osmium apply-changes
// makes from the same diffs.
func TestUpdateMatchesOsmium(t *testing.T) {
	needTool(t, "osmium")
	tests := []struct {
		name, base, dir string
		from, to        int
	}{
		{"monaco 2021, 19 days", "monaco-2021-08-01.osm.pbf", "monaco-geofabrik-daily-2021-08/000/003/", 48, 66},
		{"liechtenstein 2019, 3 days", "liechtenstein-2019-11-18.osm.pbf", "liechtenstein-geofabrik-daily-2019-11/000/002/", 435, 437},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			base := need(t, shared+tc.base)
			var diffs []string
			for seq := tc.from; seq <= tc.to; seq++ {
				diffs = append(diffs, need(t, fmt.Sprintf("%s%s%03d.osc.gz", diffsDir, tc.dir, seq)))
			}
			ctx := context.Background()
			st := openStore(t)
			if _, err := Import(ctx, st, "extract", []string{base}, Options{}); err != nil {
				t.Fatal(err)
			}
			res, err := Update(ctx, st, "diff", diffs, nil)
			if err != nil {
				t.Fatal(err)
			}
			if res.Store.Inserted+res.Store.Updated+res.Store.Gone == 0 {
				t.Errorf("the diffs changed no place: %+v", res.Store)
			}
			t.Logf("update: %d elements, %+v", res.Elements, res.Store)

			applied := filepath.Join(t.TempDir(), "applied.osm.pbf")
			args := append([]string{"apply-changes", "-o", applied, base}, diffs...)
			if out, err := exec.Command("osmium", args...).CombinedOutput(); err != nil {
				t.Fatalf("osmium apply-changes: %v\n%s", err, out)
			}
			want, _ := readAll(t, applied)
			got := dumpPlaces(t, st)
			wantByID := byID(want)
			for _, p := range want {
				g, ok := got[p.ID]
				if !ok {
					if p.ID.Type == geo.Node {
						t.Errorf("%v (%s) is a place after osmium but not after update", p.ID, p.Name)
					}
					continue
				}
				if g.Version != p.Version || g.Name != p.Name || g.Subcategory != p.Subcategory || len(g.Tags) != len(p.Tags) {
					t.Errorf("%v: update gives v%d %q %s, osmium v%d %q %s", p.ID, g.Version, g.Name, g.Subcategory, p.Version, p.Name, p.Subcategory)
				}
				if p.ID.Type == geo.Node && (math.Abs(g.Location[0]-p.Location[0]) > 1e-7 || math.Abs(g.Location[1]-p.Location[1]) > 1e-7) {
					t.Errorf("%v at %v, osmium %v", p.ID, g.Location, p.Location)
				}
			}
			for id, g := range got {
				if _, ok := wantByID[id]; !ok {
					t.Errorf("%v (%s) is still an active place after update, not after osmium", id, g.Name)
				}
			}
		})
	}
}

// dumpPlaces returns the active places of a store.
func dumpPlaces(t *testing.T, st *store.Store) map[geo.PlaceID]geo.Place {
	t.Helper()
	ps, err := st.PlacesInBBox(context.Background(), orb.Bound{Min: orb.Point{-180, -90}, Max: orb.Point{180, 90}}, 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	return byID(ps)
}

func TestUpdateBadFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct{ name, path, want string }{
		{"not xml", write("a.osc", "hello"), "not a valid osmChange"},
		{"an OSM file, not a change", write("b.osc", `<osm version="0.6"><node id="1" lat="1" lon="1"/></osm>`), "not an osmChange"},
		{"missing", filepath.Join(dir, "none.osc"), "no such file"},
	}
	st := openStore(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Update(context.Background(), st, "diff", []string{tc.path}, nil)
			if err == nil || !strings.Contains(err.Error(), tc.path) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v; want one naming the file and saying %q", err, tc.want)
			}
		})
	}
}

func TestUpdateSynthetic(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	if _, err := Import(ctx, st, "shapes", []string{shapesOSM}, Options{}); err != nil {
		t.Fatal(err)
	}
	diff := filepath.Join(t.TempDir(), "d.osc")
	body := `<?xml version="1.0" encoding="UTF-8"?>
<osmChange version="0.6" generator="test">
 <create>
  <node id="500" version="1" timestamp="2021-01-01T00:00:00Z" lat="43.73" lon="7.42"><tag k="shop" v="bakery"/><tag k="name" v="Nouvelle"/></node>
  <node id="501" version="1" timestamp="2021-01-01T00:00:00Z" lat="43.731" lon="7.42"/>
  <node id="502" version="1" timestamp="2021-01-01T00:00:00Z" lat="43.731" lon="7.421"/>
  <way id="600" version="1" timestamp="2021-01-01T00:00:00Z"><nd ref="500"/><nd ref="501"/><nd ref="502"/><nd ref="500"/><tag k="amenity" v="cafe"/></way>
  <way id="601" version="1" timestamp="2021-01-01T00:00:00Z"><nd ref="1"/><nd ref="2"/><tag k="amenity" v="cafe"/></way>
 </create>
 <modify>
  <way id="100" version="4" timestamp="2021-01-01T00:00:00Z"><nd ref="1"/><nd ref="2"/><nd ref="3"/><nd ref="1"/><tag k="disused:shop" v="bakery"/></way>
  <node id="35" version="5" timestamp="2021-01-01T00:00:00Z" lat="43.7361" lon="7.4261"><tag k="amenity" v="pharmacy"/><tag k="name" v="Pharmacie Neuve"/></node>
  <relation id="300" version="3" timestamp="2021-01-01T00:00:00Z"><member type="way" ref="201" role="outer"/><tag k="type" v="multipolygon"/><tag k="amenity" v="marketplace"/><tag k="name" v="Marché"/></relation>
 </modify>
 <delete>
  <way id="400" version="2" timestamp="2021-01-01T00:00:00Z"/>
 </delete>
</osmChange>`
	if err := os.WriteFile(diff, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := Update(ctx, st, "diff", []string{diff}, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := store.ApplyResult{Inserted: 2, Updated: 2, Gone: 2, Unplaced: 1}
	if res.Store != want {
		t.Errorf("result %+v, want %+v", res.Store, want)
	}
	got := dumpPlaces(t, st)
	if p := got[geo.PlaceID{Type: geo.Node, ID: 35}]; p.Name != "Pharmacie Neuve" || p.Version != 5 || p.Location != (orb.Point{7.4261, 43.7361}) {
		t.Errorf("modified node: %+v", p)
	}
	if p := got[geo.PlaceID{Type: geo.Relation, ID: 300}]; p.Name != "Marché" || p.Version != 3 || p.Location == (orb.Point{}) {
		t.Errorf("modified relation keeps its location: %+v", p)
	}
	for _, id := range []geo.PlaceID{{Type: geo.Way, ID: 100}, {Type: geo.Way, ID: 400}} {
		if _, ok := got[id]; ok {
			t.Errorf("%v should be gone", id)
		}
	}
	if _, ok := got[geo.PlaceID{Type: geo.Way, ID: 600}]; !ok {
		t.Error("new way made of new nodes is not placed")
	}
}

// TestUpdateVersions: one element in two diffs, and diffs older than the
// database (overlapping replication ranges).
func TestUpdateVersions(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(`<?xml version="1.0"?><osmChange version="0.6">`+body+`</osmChange>`), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	base := filepath.Join(dir, "base.osm")
	if err := os.WriteFile(base, []byte(`<?xml version="1.0"?><osm version="0.6">
	  <node id="10" version="1" lat="1" lon="1"><tag k="shop" v="bakery"/><tag k="name" v="B1"/></node>
	  <node id="20" version="5" lat="1" lon="1"><tag k="shop" v="bakery"/><tag k="name" v="B5-current"/></node></osm>`), 0o644); err != nil {
		t.Fatal(err)
	}
	d1 := write("d1.osc", `<modify><node id="10" version="2" lat="1" lon="1"><tag k="shop" v="bakery"/><tag k="name" v="B2"/></node>
	  <node id="20" version="2" lat="1" lon="1"><tag k="shop" v="bakery"/><tag k="name" v="B2-old"/></node></modify>`)
	d2 := write("d2.osc", `<delete><node id="10" version="3" lat="1" lon="1"/><node id="20" version="3" lat="1" lon="1"/></delete>`)
	for i := 0; i < 5; i++ { // map order must not matter
		st := openStore(t)
		if _, err := Import(ctx, st, "b", []string{base}, Options{}); err != nil {
			t.Fatal(err)
		}
		res, err := Update(ctx, st, "diff", []string{d1, d2}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if res.Elements != 2 || res.Store.Gone != 1 || res.Store.Older != 0 {
			t.Errorf("result %+v, %d elements", res.Store, res.Elements)
		}
		got := dumpPlaces(t, st)
		if _, ok := got[geo.PlaceID{Type: geo.Node, ID: 10}]; ok {
			t.Error("node 10, deleted at v3, is still active")
		}
		if p := got[geo.PlaceID{Type: geo.Node, ID: 20}]; p.Name != "B5-current" {
			t.Errorf("node 20 rolled back to %+v by older diffs", p)
		}
		// An older modify alone is skipped and counted.
		res, err = Update(ctx, st, "diff", []string{d1}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if res.Store.Older != 2 || res.Store.Updated != 0 {
			t.Errorf("older diff: %+v", res.Store)
		}
	}
}
