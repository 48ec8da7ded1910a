package importer

import (
	"bytes"
	"compress/gzip"
	"context"

	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"codeberg.org/openmap/openmap/geo"
	"codeberg.org/openmap/openmap/internal/store"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

const (
	shared    = "../../shared/data/osm/"
	demo      = "../testdata/monaco-and-french-border-2016-03-04.osm.pbf"
	shapesOSM = "../testdata/shapes.osm"
)

// need returns path, skipping the test when a file of the shared data is
// absent outside CI (in CI it must be there).
func need(t testing.TB, path string) string {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("test data missing in CI: %v", err)
		}
		t.Skipf("test data missing: %v", err)
	}
	return path
}

func needTool(t testing.TB, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s missing in CI", name)
		}
		t.Skipf("%s not installed", name)
	}
}

func readAll(t testing.TB, files ...string) ([]geo.Place, Summary) {
	t.Helper()
	places, sum, err := Read(context.Background(), files, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return places, sum
}

func byID(ps []geo.Place) map[geo.PlaceID]geo.Place {
	m := make(map[geo.PlaceID]geo.Place, len(ps))
	for _, p := range ps {
		m[p.ID] = p
	}
	return m
}

func TestShapes(t *testing.T) {
	places, sum := readAll(t, shapesOSM)
	got := byID(places)
	tests := []struct {
		name string
		id   geo.PlaceID
		sub  string
		ring [][]orb.Point // the area the point must fall in (outer, then holes)
	}{
		{"concave way", geo.PlaceID{Type: geo.Way, ID: 100}, "bakery", [][]orb.Point{{{7.42, 43.73}, {7.423, 43.73}, {7.423, 43.733}, {7.422, 43.733}, {7.422, 43.7305}, {7.421, 43.7305}, {7.421, 43.733}, {7.42, 43.733}, {7.42, 43.73}}}},
		{"multipolygon with a hole", geo.PlaceID{Type: geo.Relation, ID: 300}, "marketplace", [][]orb.Point{
			{{7.43, 43.74}, {7.434, 43.74}, {7.434, 43.744}, {7.43, 43.744}, {7.43, 43.74}},
			{{7.4305, 43.7405}, {7.4335, 43.7405}, {7.4335, 43.7435}, {7.4305, 43.7435}, {7.4305, 43.7405}},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, ok := got[tc.id]
			if !ok {
				t.Fatalf("%v not imported", tc.id)
			}
			if p.Subcategory != tc.sub {
				t.Errorf("subcategory %q, want %q", p.Subcategory, tc.sub)
			}
			poly := orb.Polygon{}
			for _, r := range tc.ring {
				poly = append(poly, orb.Ring(r))
			}
			if !planar.PolygonContains(poly, p.Location) {
				t.Errorf("point %v is not inside the area", p.Location)
			}
			// The centroid is outside: the test would catch a centroid.
			if c, _ := planar.CentroidArea(poly); planar.PolygonContains(poly, c) {
				t.Errorf("fixture is too easy: centroid %v is inside", c)
			}
		})
	}
	for _, id := range []geo.PlaceID{{Type: geo.Node, ID: 31}, {Type: geo.Node, ID: 32}, {Type: geo.Node, ID: 33}, {Type: geo.Node, ID: 34}, {Type: geo.Way, ID: 401}} {
		if _, ok := got[id]; ok {
			t.Errorf("%v should not be a place", id)
		}
	}
	ph := got[geo.PlaceID{Type: geo.Node, ID: 35}]
	if ph.Name != "Pharmacie de l'Église" || ph.Address.String() != "3 Rue Grimaldi, 98000 Monaco" || ph.OpeningHours != "Mo-Sa 08:30-19:30" || ph.Version != 4 {
		t.Errorf("pharmacy read as %+v", ph)
	}
	if _, ok := got[geo.PlaceID{Type: geo.Way, ID: 400}]; !ok {
		t.Errorf("clipped way 400 not imported from its nodes present")
	}
	if sum.Skipped[SkipLifecycle] != 1 || sum.Skipped[SkipClippedNoNodes] != 1 || sum.ClippedPartial != 1 {
		t.Errorf("skips %v, clipped partial %d; want 1 lifecycle, 1 clipped without nodes, 1 partial", sum.Skipped, sum.ClippedPartial)
	}
}

// TestPBFAndXMLAgree reads the same Liechtenstein data as PBF and as bzip2 XML.
func TestPBFAndXMLAgree(t *testing.T) {
	pbf, _ := readAll(t, need(t, shared+"liechtenstein-2013-08-03.osm.pbf"))
	xml, _ := readAll(t, need(t, shared+"liechtenstein-2013-08-03.osm.bz2"))
	if len(pbf) < 200 {
		t.Fatalf("only %d places from the PBF", len(pbf))
	}
	if len(pbf) != len(xml) {
		t.Fatalf("PBF gives %d places, XML %d", len(pbf), len(xml))
	}
	for i := range pbf {
		a, b := pbf[i], xml[i]
		// PBF stores coordinates in 1e-7 degree units (granularity 100).
		if a.ID != b.ID || a.Version != b.Version || !a.Timestamp.Equal(b.Timestamp) || a.Name != b.Name ||
			a.Subcategory != b.Subcategory || len(a.Tags) != len(b.Tags) ||
			math.Abs(a.Location[0]-b.Location[0]) > 1e-7 || math.Abs(a.Location[1]-b.Location[1]) > 1e-7 {
			t.Fatalf("place %d differs:\nPBF %+v\nXML %+v", i, a, b)
		}
		for k, v := range a.Tags {
			if b.Tags[k] != v {
				t.Fatalf("%v tag %s: PBF %q, XML %q", a.ID, k, v, b.Tags[k])
			}
		}
	}
}

// osmiumExpressions turns the category table into osmium tags-filter
// expressions that select the same tags.
func osmiumExpressions(t *testing.T, c *geo.Categories) []string {
	wild := map[string]bool{}
	exact := map[string][]string{}
	for _, cat := range c.List {
		for _, s := range cat.Subcategories {
			for _, m := range s.Match {
				if strings.Contains(m, "+") {
					t.Fatalf("osmium cannot express %q", m)
				}
				k, v, _ := strings.Cut(m, "=")
				if v == "*" {
					wild[k] = true
				} else {
					exact[k] = append(exact[k], v)
				}
			}
		}
	}
	excluded := map[string][]string{}
	for _, e := range c.Exclude {
		k, v, _ := strings.Cut(e, "=")
		excluded[k] = append(excluded[k], v)
	}
	var out []string
	for k := range wild {
		out = append(out, "nwr/"+k+"!="+strings.Join(append(excluded[k], "no"), ","))
	}
	for k, vs := range exact {
		if !wild[k] {
			out = append(out, "nwr/"+k+"="+strings.Join(vs, ","))
		}
	}
	return out
}

func osmiumCount(t *testing.T, file string) map[string]int {
	counts := map[string]int{}
	for _, typ := range []string{"nodes", "ways", "relations"} {
		o, err := exec.Command("osmium", "fileinfo", "-e", "-g", "data.count."+typ, file).Output()
		if err != nil {
			t.Fatal(err)
		}
		n, err := strconv.Atoi(strings.TrimSpace(string(o)))
		if err != nil {
			t.Fatal(err)
		}
		counts[typ] = n
	}
	return counts
}

// TestCountsMatchOsmium compares the number of places with what osmium
// tags-filter selects for the same tag set on real extracts.
func TestCountsMatchOsmium(t *testing.T) {
	needTool(t, "osmium")
	exprs := osmiumExpressions(t, geo.DefaultCategories())
	for _, file := range []string{demo, shared + "liechtenstein-2019-11-18.osm.pbf", shared + "krems-at-2013.osm.gz"} {
		t.Run(filepath.Base(file), func(t *testing.T) {
			need(t, file)
			dir := t.TempDir()
			sel := filepath.Join(dir, "sel.osm.pbf")
			args := append([]string{"tags-filter", "-R", "-o", sel, file}, exprs...)
			if out, err := exec.Command("osmium", args...).CombinedOutput(); err != nil {
				t.Fatalf("osmium %v: %v\n%s", args, err, out)
			}
			// openmap keeps only multipolygon relations, and elements
			// with a lifecycle-prefixed key only are not selected by
			// either tool.
			mp := filepath.Join(dir, "mp.osm.pbf")
			if out, err := exec.Command("osmium", "tags-filter", "-R", "-o", mp, sel, "r/type=multipolygon").CombinedOutput(); err != nil {
				t.Fatalf("osmium: %v\n%s", err, out)
			}
			want := osmiumCount(t, sel)
			want["relations"] = osmiumCount(t, mp)["relations"]
			places, sum := readAll(t, file)
			got := map[string]int{}
			for _, p := range places {
				got[string(p.ID.Type)+"s"]++
			}
			// Ways and relations without a single node in the extract
			// are counted as skipped.
			gotWR := got["ways"] + got["relations"] + sum.Skipped[SkipClippedNoNodes]
			if got["nodes"] != want["nodes"] || gotWR != want["ways"]+want["relations"] {
				t.Errorf("openmap: %v (+%d clipped without nodes), osmium: %v", got, sum.Skipped[SkipClippedNoNodes], want)
			}
			t.Logf("%s: %v places; osmium selects %v", filepath.Base(file), got, want)
		})
	}
}

func gz(s string) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.Bytes()
}

// lz4 writes the demo extract with lz4-compressed blocks.
func lz4(t *testing.T, dir string) string {
	needTool(t, "osmium")
	out := filepath.Join(dir, "lz4.osm.pbf")
	if b, err := exec.Command("osmium", "cat", "-O", "-f", "pbf,pbf_compression=lz4", "-o", out, demo).CombinedOutput(); err != nil {
		t.Fatalf("osmium: %v\n%s", err, b)
	}
	return out
}

func TestBadFiles(t *testing.T) {
	dir := t.TempDir()
	full, err := os.ReadFile(need(t, shared+"liechtenstein-2013-08-03.osm.pbf"))
	if err != nil {
		t.Fatal(err)
	}
	bz, err := os.ReadFile(need(t, shared+"liechtenstein-2013-08-03.osm.bz2"))
	if err != nil {
		t.Fatal(err)
	}
	corrupt := bytes.Clone(full)
	copy(corrupt[300000:], bytes.Repeat([]byte("x"), 100))
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name, path, want string
	}{
		{"truncated PBF", write("cut.osm.pbf", full[:300000]), "truncated"},
		{"corrupt PBF", write("bad.osm.pbf", corrupt), "inflate"},
		{"truncated bzip2 XML", write("cut.osm.bz2", bz[:400000]), "truncated"},
		{"not OSM", write("notes.osm.pbf", []byte("hello, this is not OSM data\n")), "unknown format"},
		{"empty", write("empty.osm", nil), "file is empty"},
		{"gzip of junk", write("junk.osm.gz", gz("hello")), "not OSM XML"},
		{"GPX under an .osm name", write("track.osm", []byte(`<?xml version="1.0"?>\n<gpx><trk/></gpx>`)), "root element is <gpx>"},
		{"an osmChange", write("del.osm", []byte(`<osmChange version="0.6"><delete><node id="1" version="2" lat="1" lon="1"/></delete></osmChange>`)), "openmap update"},
		{"truncated XML", write("cut.osm", []byte(`<?xml version="1.0"?>\n<osm version="0.6"><node id="1" version="1" lat="1" lon="1"><tag k="shop" v="bakery"/></node>`)), "unexpected EOF"},
		{"missing", filepath.Join(dir, "nope.osm.pbf"), "no such file"},
		{"lz4 PBF", lz4(t, dir), "osmium cat -f pbf,pbf_compression=zlib"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := Read(context.Background(), []string{shapesOSM, tc.path}, Options{})
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tc.path) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q should name %s and say %q", err, tc.path, tc.want)
			}
		})
	}
}

func openStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// dump is every stored place, to compare a database before and after.
func dump(t *testing.T, st *store.Store) string {
	t.Helper()
	ps, err := st.PlacesInBBox(context.Background(), orb.Bound{Min: orb.Point{-180, -90}, Max: orb.Point{180, 90}}, 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	stats, err := st.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, p := range ps {
		b.WriteString(p.ID.String() + " " + strconv.Itoa(p.Version) + " " + p.Name + " " + string(p.State) + "\n")
	}
	b.WriteString(strconv.Itoa(stats.Places) + " " + strconv.Itoa(stats.Gone))
	return b.String()
}

// TestFailedImportChangesNothing imports a good file, then a set with a
// corrupt file in it, as the same source: the database must not change.
func TestFailedImportChangesNothing(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	if _, err := Import(ctx, st, "area", []string{demo}, Options{}); err != nil {
		t.Fatal(err)
	}
	before := dump(t, st)
	full, err := os.ReadFile(demo)
	if err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(t.TempDir(), "cut.osm.pbf")
	if err := os.WriteFile(cut, full[:len(full)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Import(ctx, st, "area", []string{shapesOSM, cut}, Options{}); err == nil {
		t.Fatal("import of a truncated file succeeded")
	}
	if after := dump(t, st); after != before {
		t.Errorf("database changed by a failed import")
	}
}

// TestReimport replaces a source with a newer extract of the same area.
func TestReimport(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	old := need(t, demo)
	newer := need(t, shared+"monaco-2021-08-01.osm.pbf")
	r1, err := Import(ctx, st, "monaco", []string{old}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	r2, err := Import(ctx, st, "monaco", []string{newer}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r2.Store.Gone == 0 || r2.Store.Updated == 0 || r2.Store.Inserted == 0 {
		t.Errorf("second import: %+v; want some new, updated and gone places", r2.Store)
	}
	stats, err := st.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, n := range r2.ByType {
		total += n
	}
	if stats.Places != total {
		t.Errorf("%d active places, want the %d of the new extract", stats.Places, total)
	}
	firstTotal := 0
	for _, n := range r1.ByType {
		firstTotal += n
	}
	if stats.Gone != r2.Store.Gone || stats.Places+stats.Gone != firstTotal+r2.Store.Inserted {
		t.Errorf("stats %+v do not add up with %+v then %+v", stats, r1.Store, r2.Store)
	}
	// A place that was gone comes back when the old extract is imported
	// again, and one updated place holds its new version.
	r3, err := Import(ctx, st, "monaco", []string{old}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r3.Store.Revived != r2.Store.Gone {
		t.Errorf("re-import of the old extract revived %d, want %d", r3.Store.Revived, r2.Store.Gone)
	}
	// Same file again: nothing changes.
	r4, err := Import(ctx, st, "monaco", []string{old}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r4.Store.Unchanged != firstTotal || r4.Store.Updated+r4.Store.Inserted+r4.Store.Gone != 0 {
		t.Errorf("identical re-import: %+v", r4.Store)
	}
}

func TestUnsortedPBFFallsBack(t *testing.T) {
	needTool(t, "osmium")
	// osmium cat of an XML fixture keeps its order; the shapes fixture has
	// a way after... build an unsorted PBF: relation first, then nodes.
	dir := t.TempDir()
	src := filepath.Join(dir, "unsorted.osm")
	body, err := os.ReadFile(shapesOSM)
	if err != nil {
		t.Fatal(err)
	}
	s := string(body)
	// Move the pharmacy node after all ways and relations.
	i := strings.Index(s, "  <!-- A pharmacy node")
	j := strings.Index(s, "  <!-- A shop way clipped")
	s = s[:i] + s[j:]
	s = strings.Replace(s, "</osm>", string(body[i:j])+"</osm>", 1)
	if err := os.WriteFile(src, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	pbf := filepath.Join(dir, "unsorted.osm.pbf")
	if out, err := exec.Command("osmium", "cat", "-o", pbf, src).CombinedOutput(); err != nil {
		t.Fatalf("osmium cat: %v\n%s", err, out)
	}
	want, _ := readAll(t, shapesOSM)
	got, _ := readAll(t, pbf)
	if len(got) != len(want) {
		t.Fatalf("unsorted PBF gave %d places, want %d", len(got), len(want))
	}
	if _, ok := byID(got)[geo.PlaceID{Type: geo.Node, ID: 35}]; !ok {
		t.Error("the node placed after the ways was missed")
	}
}

func TestSourceName(t *testing.T) {
	if got := SourceName([]string{"/a/monaco.osm.pbf", "b/krems.osm.gz"}); got != "monaco+krems" {
		t.Errorf("SourceName = %q", got)
	}
}

func osmiumCat(t *testing.T, xml string) string {
	t.Helper()
	needTool(t, "osmium")
	dir := t.TempDir()
	src := filepath.Join(dir, "in.osm")
	if err := os.WriteFile(src, []byte(xml), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out.osm.pbf")
	if b, err := exec.Command("osmium", "cat", "-o", out, src).CombinedOutput(); err != nil {
		t.Fatalf("osmium cat: %v\n%s", err, b)
	}
	return out
}

func TestHeaderOnlyPBF(t *testing.T) {
	pbf := osmiumCat(t, `<?xml version="1.0"?><osm version="0.6"></osm>`)
	places, _, err := Read(context.Background(), []string{pbf}, Options{})
	if err != nil || len(places) != 0 {
		t.Errorf("header-only PBF: %d places, %v", len(places), err)
	}
	st := openStore(t)
	if _, err := Import(context.Background(), st, "x", []string{pbf}, Options{}); err == nil || !strings.Contains(err.Error(), "no place") {
		t.Errorf("an import of no place should be refused, got %v", err)
	}
	if _, err := Import(context.Background(), st, "x", []string{pbf}, Options{AllowEmpty: true}); err != nil {
		t.Errorf("with AllowEmpty: %v", err)
	}
}

// TestWayAfterRelationsInPBF: a multipolygon whose outer way is written after
// the relations (blocks of kinds node, way, relation, way).
func TestWayAfterRelationsInPBF(t *testing.T) {
	xml := `<?xml version="1.0"?><osm version="0.6">
 <node id="1" version="1" lat="47.10" lon="9.50"/><node id="2" version="1" lat="47.10" lon="9.51"/>
 <node id="3" version="1" lat="47.11" lon="9.51"/><node id="4" version="1" lat="47.11" lon="9.50"/>
 <way id="100" version="1"><nd ref="1"/><nd ref="2"/><tag k="highway" v="service"/></way>
 <relation id="500" version="1"><member type="way" ref="200" role="outer"/><tag k="type" v="multipolygon"/><tag k="shop" v="supermarket"/></relation>
 <way id="200" version="1"><nd ref="1"/><nd ref="2"/><nd ref="3"/><nd ref="4"/><nd ref="1"/></way>
</osm>`
	pbf := osmiumCat(t, xml)
	places, sum := readAll(t, pbf)
	if len(places) != 1 || places[0].ID != (geo.PlaceID{Type: geo.Relation, ID: 500}) {
		t.Fatalf("places %+v, skipped %v", places, sum.Skipped)
	}
	if p := places[0].Location; p[0] <= 9.50 || p[0] >= 9.51 || p[1] <= 47.10 || p[1] >= 47.11 {
		t.Errorf("point %v outside the square", p)
	}
}

// TestSameElementInTwoFiles: overlapping extracts of different dates; the
// newest version decides, even when it is no longer a place.
func TestSameElementInTwoFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(`<?xml version="1.0"?><osm version="0.6">`+body+`</osm>`), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	a := write("a.osm", `<node id="10" version="1" lat="1" lon="1"><tag k="shop" v="bakery"/><tag k="name" v="Old"/></node>
		<node id="11" version="3" lat="1" lon="1"><tag k="shop" v="florist"/><tag k="name" v="Newer in a"/></node>`)
	b := write("b.osm", `<node id="10" version="2" lat="1" lon="1"><tag k="disused:shop" v="bakery"/><tag k="name" v="Old"/></node>
		<node id="11" version="2" lat="2" lon="2"><tag k="shop" v="florist"/><tag k="name" v="Older in b"/></node>`)
	for _, order := range [][]string{{a, b}, {b, a}} {
		places, _ := readAll(t, order...)
		got := byID(places)
		if _, ok := got[geo.PlaceID{Type: geo.Node, ID: 10}]; ok {
			t.Errorf("%v: node 10 v1 kept although v2 is disused", order)
		}
		if p := got[geo.PlaceID{Type: geo.Node, ID: 11}]; p.Name != "Newer in a" || p.Location != (orb.Point{1, 1}) {
			t.Errorf("%v: node 11 is %+v, want v3", order, p)
		}
	}
}
