package osmsync

import (
	"context"
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/osm"
	"golang.org/x/oauth2"

	"codeberg.org/openmap/openmap/geo"
)

// TestLiveDevServer uploads to the OSM dev server
// (master.apis.dev.openstreetmap.org, a test database, not the map) with a
// real token: OPENMAP_LIVE_OSM=1 OPENMAP_OSM_TOKEN=<access token with
// read_prefs write_api> go test -run Live ./internal/osmsync/
// It creates a node, then lets the Uploader change its tags, and checks the
// result and the changeset tags on the server.
func TestLiveDevServer(t *testing.T) {
	if os.Getenv("OPENMAP_LIVE_OSM") != "1" {
		t.Skip("set OPENMAP_LIVE_OSM=1 and OPENMAP_OSM_TOKEN to run against the OSM dev server")
	}
	token := os.Getenv("OPENMAP_OSM_TOKEN")
	if token == "" {
		t.Fatal("OPENMAP_OSM_TOKEN is empty")
	}
	c, err := NewClient(ClientConfig{Server: Dev, UserAgent: "openmap-live-test/0 (+https://codeberg.org/openmap/openmap)",
		Token: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: token, TokenType: "Bearer"})})
	if err != nil {
		t.Fatal(err)
	}
	liveScenario(t, c, Dev)
}

// TestLiveScenarioOnFake runs the live test's scenario against the fake, so
// that the live test itself is known to work before anyone runs it.
func TestLiveScenarioOnFake(t *testing.T) {
	f, c := newFake(t)
	liveScenario(t, c, Server{API: f.URL, Web: f.URL})
}

func liveScenario(t *testing.T, c *Client, srv Server) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	user, err := c.UserDetails(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("logged in as %q (%d)", user.DisplayName, user.ID)

	// a node to edit, somewhere random in the sea south of Monaco
	lon, lat := 7.3+rand.Float64()*0.2, 43.5+rand.Float64()*0.1
	cs, err := c.CreateChangeset(ctx, map[string]string{"created_by": "openmap live test", "comment": "openmap live test: create a node to edit"})
	if err != nil {
		t.Fatal(err)
	}
	n := &osm.Node{ID: -1, Lat: lat, Lon: lon, ChangesetID: osm.ChangesetID(cs), Visible: true, Timestamp: time.Now().UTC(),
		Tags: osm.Tags{{Key: "shop", Value: "bakery"}, {Key: "name", Value: "openmap live test"}, {Key: "opening_hours", Value: "Mo-Sa 07:00-19:00"}}}
	// osm.Change.AppendCreate panics on negative ids: build the block directly
	res, err := c.Upload(ctx, cs, &osm.Change{Version: "0.6", Generator: "openmap live test", Create: &osm.OSM{Nodes: osm.Nodes{n}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.CloseChangeset(ctx, cs); err != nil {
		t.Fatal(err)
	}
	if len(res.Elements) != 1 || res.Elements[0].NewID <= 0 {
		t.Fatalf("diff result %+v", res)
	}
	id := geo.PlaceID{Type: geo.Node, ID: res.Elements[0].NewID}
	t.Logf("created %v in changeset %d", id, cs)

	var q MemQueue
	q.Add(Edit{Place: id, Mapper: user.ID, Location: orb.Point{lon, lat}, Diff: geo.TagDiff{
		{Key: "opening_hours", Old: "Mo-Sa 07:00-19:00", New: "Mo-Sa 08:00-12:00"},
		{Key: "check_date", New: time.Now().UTC().Format("2006-01-02")},
	}})
	rep, err := (&Uploader{Client: c, Queue: &q, Mapper: user.ID, Changeset: ChangesetOptions{Version: "live-test", Hashtags: []string{"openmap"}, Locale: "en"}}).Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Uploaded != 1 || len(rep.Changesets) != 1 {
		t.Fatalf("report %+v", rep)
	}
	el, err := c.Element(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if tags := el.Tags(); tags["opening_hours"] != "Mo-Sa 08:00-12:00" || el.Version() != 2 {
		t.Errorf("v%d tags %v", el.Version(), tags)
	}
	got, err := c.Changeset(ctx, rep.Changesets[0])
	if err != nil {
		t.Fatal(err)
	}
	if got.Open || got.Tags.Find("created_by") != "openmap live-test" || got.Tags.Find("source") != "survey" {
		t.Errorf("changeset %d: open=%v tags %v", got.ID, got.Open, got.Tags)
	}
	t.Logf("changeset: %s/changeset/%d", srv.Web, rep.Changesets[0])
}
