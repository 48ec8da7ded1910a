package osmsync

import (
	"context"
	"maps"
	"path/filepath"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"codeberg.org/openmap/openmap/geo"
	"codeberg.org/openmap/openmap/importer"
	"codeberg.org/openmap/openmap/internal/store"
)

// The store's edit queue is the Uploader's persistence.
var _ Queue = store.OSMEdits{}

const monacoTestdata = "../../testdata/monaco-and-french-border-2016-03-04.osm.pbf"

// TestUploadImportedPlaces: places imported from the real extract into the
// store (nodes, ways and relations, with the importer's interior points)
// are proposed, queued and uploaded to a fake holding the same elements;
// none is taken for moved, each ends at version+1 with the new tags.
func TestUploadImportedPlaces(t *testing.T) {
	needFile(t, monacoTestdata)
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := importer.Import(ctx, st, "monaco", []string{monacoTestdata}, importer.Options{Categories: geo.DefaultCategories(), Procs: 1}); err != nil {
		t.Fatal(err)
	}
	all, err := st.PlacesInBBox(ctx, orb.Bound{Min: orb.Point{7.0, 43.0}, Max: orb.Point{8.0, 44.0}}, 100_000)
	if err != nil {
		t.Fatal(err)
	}
	var places []geo.Place
	count := map[geo.ElementType]int{}
	for _, p := range all {
		if count[p.ID.Type] < 6 {
			count[p.ID.Type]++
			places = append(places, p)
		}
	}
	if count[geo.Node] < 6 || count[geo.Way] < 6 || count[geo.Relation] < 1 {
		t.Fatalf("imported places by type %v", count)
	}

	// the fake holds the same elements, with their ways' nodes
	f, c := newFake(t)
	want := map[geo.PlaceID]bool{}
	for _, p := range places {
		want[p.ID] = true
	}
	keys := map[string]bool{}
	for id := range want {
		keys[id.String()] = true
	}
	if err := f.AddFromPBF(ctx, monacoTestdata, keys); err != nil {
		t.Fatal(err)
	}

	day := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	q := st.OSMEdits() // the SQL queue: the uploader's real persistence
	expected := map[geo.PlaceID]map[string]string{}
	for _, p := range places {
		prop, err := geo.SurveyProfile().ProposeFor(p, geo.StatusSummary{Status: "open"}, day, geo.ProposeOptions{})
		if err != nil || len(prop.Diff) == 0 {
			t.Fatalf("%v: proposal %+v %v", p.ID, prop, err)
		}
		if _, err := q.Approve(ctx, geo.NewOSMEdit(p, prop, 1), "survey", geo.StatusSummary{Status: "open"}); err != nil {
			t.Fatal(err)
		}
		exp := maps.Clone(p.Tags)
		exp["check_date"] = "2026-12-01"
		expected[p.ID] = exp
	}
	rep, err := (&Uploader{Client: c, Queue: q, Mapper: 1, Changeset: csOpts}).Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Conflicts != 0 || rep.Uploaded != len(places) {
		all, _ := q.List(ctx)
		for _, e := range all {
			if e.State != StateUploaded {
				t.Logf("%v: %s %s", e.Place, e.State, e.Reason)
			}
		}
		t.Fatalf("report %+v for %d places", rep, len(places))
	}
	edits, err := q.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range edits {
		if e.State != StateUploaded || e.Changeset == 0 {
			t.Errorf("%v: %s in changeset %d", e.Place, e.State, e.Changeset)
		}
		pl, err := st.Place(ctx, e.Place)
		if err != nil || !maps.Equal(pl.Tags, expected[e.Place]) || pl.Version != e.Version {
			t.Errorf("stored place %v: v%d %v, want v%d %v (%v)", e.Place, pl.Version, pl.Tags, e.Version, expected[e.Place], err)
		}
		o, _ := f.Element(string(e.Place.Type), e.Place.ID)
		if got := tagMap(o); !maps.Equal(got, expected[e.Place]) {
			t.Errorf("%v: tags %v, want %v", e.Place, got, expected[e.Place])
		}
		if v := versionOf(o); v != e.BaseVersion+1 || e.Version != v {
			t.Errorf("%v: version %d (edit says %d), want %d", e.Place, v, e.Version, e.BaseVersion+1)
		}
	}
	t.Logf("uploaded %d places (%v) in %d changesets", rep.Uploaded, count, len(rep.Changesets))
}
