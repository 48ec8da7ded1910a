package osmsync

import (
	"context"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/osm"

	"codeberg.org/openmap/openmap/geo"
	"codeberg.org/openmap/openmap/internal/osmsync/osmfake"
)

var csOpts = ChangesetOptions{Version: "1.2.3", Hashtags: []string{"openmap", "#ResteOuvertMonaco"}, Locale: "fr"}

// TestUploadEndToEnd: confirmed statuses → survey profile proposals → queue
// → upload → the fake holds the new tags at version+1, with the changeset
// tags, in one changeset, closed.
func TestUploadEndToEnd(t *testing.T) {
	f, c := newFake(t)
	f.Add(node(1, 3, 7.4200, 43.7300, "shop", "bakery", "name", "Chez Paul", "opening_hours", "Mo-Sa 07:00-19:00"))
	way := square(f, 2, 5, 7.4210, 43.7310, "amenity", "pharmacy", "name", "Pharmacie du Port")
	day := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	yes := true

	var q MemQueue
	for _, in := range []struct {
		id   geo.PlaceID
		loc  [2]float64
		tags map[string]string
		s    geo.StatusSummary
	}{
		{pid(geo.Node, 1), [2]float64{7.4200, 43.7300}, map[string]string{"shop": "bakery", "name": "Chez Paul", "opening_hours": "Mo-Sa 07:00-19:00"},
			geo.StatusSummary{Status: "open_adapted", OpeningHours: "Mo-Sa 08:00-13:00"}},
		{pid(geo.Way, 2), [2]float64{7.4210, 43.7310}, map[string]string{"amenity": "pharmacy", "name": "Pharmacie du Port"},
			geo.StatusSummary{Status: "open", Delivery: &yes}},
	} {
		prop, err := geo.SurveyProfile().Propose(in.tags, in.s, day, geo.ProposeOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := q.Add(Edit{Place: in.id, Mapper: 1, Location: pt(in.loc[0], in.loc[1]), Diff: prop.Diff}); err != nil {
			t.Fatal(err)
		}
	}
	up := &Uploader{Client: c, Queue: &q, Mapper: 1, Changeset: csOpts}
	rep, err := up.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Uploaded != 2 || len(rep.Changesets) != 1 || rep.Conflicts != 0 {
		t.Fatalf("report %+v, want 2 uploaded in 1 changeset", rep)
	}
	n, _ := f.Element("node", 1)
	wantNode := map[string]string{"shop": "bakery", "name": "Chez Paul", "opening_hours": "Mo-Sa 08:00-13:00",
		"check_date:opening_hours": "2026-12-01", "check_date": "2026-12-01"}
	if got := tagMap(n); !maps.Equal(got, wantNode) {
		t.Errorf("node/1 tags %v, want %v", got, wantNode)
	}
	cs := rep.Changesets[0]
	if nn := n.(*osm.Node); nn.Version != 4 || int64(nn.ChangesetID) != cs || nn.Lat != 43.73 || nn.Lon != 7.42 {
		t.Errorf("node/1 now v%d cs %d at %v,%v; want v4 in changeset %d, not moved", nn.Version, nn.ChangesetID, nn.Lon, nn.Lat, cs)
	}
	w, _ := f.Element("way", 2)
	ww := w.(*osm.Way)
	wantWay := map[string]string{"amenity": "pharmacy", "name": "Pharmacie du Port", "delivery": "yes", "check_date": "2026-12-01"}
	if got := tagMap(w); !maps.Equal(got, wantWay) || ww.Version != 6 {
		t.Errorf("way/2 v%d tags %v, want v6 %v", ww.Version, got, wantWay)
	}
	if len(ww.Nodes) != len(way.Nodes) || ww.Nodes[0].ID != way.Nodes[0].ID {
		t.Errorf("way/2 nodes %v, want %v kept", ww.Nodes, way.Nodes)
	}
	got := f.Changesets()[cs]
	if got.Open || got.Count != 2 {
		t.Errorf("changeset %d open=%v count=%d, want closed with 2 changes", cs, got.Open, got.Count)
	}
	for k, v := range map[string]string{"created_by": "openmap 1.2.3", "source": "survey", "hashtags": "#openmap;#ResteOuvertMonaco", "locale": "fr"} {
		if got.Tags[k] != v {
			t.Errorf("changeset tag %s=%q, want %q", k, got.Tags[k], v)
		}
	}
	if cm := got.Tags["comment"]; !strings.HasPrefix(cm, "Updated opening hours and delivery/takeaway of 1 bakery and 1 pharmacy, from residents' reports on openmap reviewed by the mapper #openmap #ResteOuvertMonaco") {
		t.Errorf("comment %q", cm)
	}
	for _, e := range q.All() {
		if e.State != StateUploaded || e.Changeset != cs {
			t.Errorf("edit %d: %s in changeset %d, want uploaded in %d", e.ID, e.State, e.Changeset, cs)
		}
	}
	if e := q.All()[0]; e.Version != 4 {
		t.Errorf("edit 1 version %d, want 4", e.Version)
	}
	// a second run has nothing to do
	rep, err = up.Run(context.Background())
	if err != nil || rep.Uploaded != 0 || len(f.Uploads()) != 2 {
		t.Errorf("second run: %+v %v, %d uploads; want nothing more", rep, err, len(f.Uploads()))
	}
}

// TestUploadReplay: the element changed on the server after the proposal.
func TestUploadReplay(t *testing.T) {
	diff := geo.TagDiff{
		{Key: "opening_hours", Old: "Mo-Sa 07:00-19:00", New: "Mo-Sa 08:00-13:00"},
		{Key: "check_date", Old: "", New: "2026-12-01"},
	}
	tests := []struct {
		name     string
		edit     func(f *osmfake.Server)
		conflict string // part of the reason; "" when it uploads
		already  bool
		want     map[string]string
	}{
		{name: "unchanged", edit: func(*osmfake.Server) {},
			want: map[string]string{"shop": "bakery", "opening_hours": "Mo-Sa 08:00-13:00", "check_date": "2026-12-01"}},
		{name: "another key changed: merges", edit: func(f *osmfake.Server) {
			f.Edit("node", 1, func(o osm.Object) {
				o.(*osm.Node).Tags = append(o.(*osm.Node).Tags, osm.Tag{Key: "phone", Value: "+377 93 00 00 00"})
			})
		}, want: map[string]string{"shop": "bakery", "opening_hours": "Mo-Sa 08:00-13:00", "check_date": "2026-12-01", "phone": "+377 93 00 00 00"}},
		{name: "same key to a third value: conflict", edit: func(f *osmfake.Server) {
			f.Edit("node", 1, func(o osm.Object) { setTag(o.(*osm.Node), "opening_hours", "Mo-Fr 09:00-18:00") })
		}, conflict: `opening_hours now holds "Mo-Fr 09:00-18:00"`},
		{name: "deleted: conflict", edit: func(f *osmfake.Server) { f.Delete("node", 1) }, conflict: "deleted"},
		{name: "moved 80 m: conflict", edit: func(f *osmfake.Server) {
			f.Edit("node", 1, func(o osm.Object) { o.(*osm.Node).Lat += 80.0 / 111320 })
		}, conflict: "moved 80 m"},
		{name: "moved 20 m: fine", edit: func(f *osmfake.Server) {
			f.Edit("node", 1, func(o osm.Object) { o.(*osm.Node).Lat += 20.0 / 111320 })
		}, want: map[string]string{"shop": "bakery", "opening_hours": "Mo-Sa 08:00-13:00", "check_date": "2026-12-01"}},
		{name: "someone made the same edit: nothing sent", edit: func(f *osmfake.Server) {
			f.Edit("node", 1, func(o osm.Object) {
				setTag(o.(*osm.Node), "opening_hours", "Mo-Sa 08:00-13:00")
				setTag(o.(*osm.Node), "check_date", "2026-12-01")
			})
		}, already: true, want: map[string]string{"shop": "bakery", "opening_hours": "Mo-Sa 08:00-13:00", "check_date": "2026-12-01"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, c := newFake(t)
			f.Add(node(1, 3, 7.42, 43.73, "shop", "bakery", "opening_hours", "Mo-Sa 07:00-19:00"))
			var q MemQueue
			q.Add(Edit{Place: pid(geo.Node, 1), Mapper: 1, Location: pt(7.42, 43.73), BaseVersion: 3, Diff: diff})
			tc.edit(f)
			before, _ := f.Element("node", 1)
			rep, err := (&Uploader{Client: c, Queue: &q, Mapper: 1, Changeset: csOpts}).Run(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			e := q.All()[0]
			after, deleted := f.Element("node", 1)
			if tc.conflict != "" {
				if e.State != StateConflict || !strings.Contains(e.Reason, tc.conflict) || rep.Conflicts != 1 {
					t.Errorf("edit %s %q (report %+v), want conflict with %q", e.State, e.Reason, rep, tc.conflict)
				}
				if len(f.Uploads()) != 0 {
					t.Errorf("uploads %v, want none", f.Uploads())
				}
				if !deleted && !maps.Equal(tagMap(after), tagMap(before)) {
					t.Errorf("element changed by a conflicting edit")
				}
				return
			}
			if e.State != StateUploaded {
				t.Fatalf("edit %s %q, want uploaded", e.State, e.Reason)
			}
			if got := tagMap(after); !maps.Equal(got, tc.want) {
				t.Errorf("tags %v, want %v", got, tc.want)
			}
			wantUploads := 1
			if tc.already {
				wantUploads = 0
				if rep.AlreadyInOSM != 1 || e.Changeset != 0 {
					t.Errorf("report %+v, edit cs %d; want already in OSM", rep, e.Changeset)
				}
			}
			if n := len(f.Uploads()); n != wantUploads {
				t.Errorf("%d uploads, want %d", n, wantUploads)
			}
			if v := after.(*osm.Node).Version; v != e.Version {
				t.Errorf("edit records version %d, element has %d", e.Version, v)
			}
		})
	}
}

func setTag(n *osm.Node, k, v string) {
	for i := range n.Tags {
		if n.Tags[i].Key == k {
			n.Tags[i].Value = v
			return
		}
	}
	n.Tags = append(n.Tags, osm.Tag{Key: k, Value: v})
}
