package osmsync

import (
	"context"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/osm"
	"golang.org/x/oauth2"

	"codeberg.org/openmap/openmap/geo"
	"codeberg.org/openmap/openmap/internal/osmsync/osmfake"
)

// t0 is a fixed edit time for fixtures.
var t0 = time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC)

func node(id int64, v int, lon, lat float64, tags ...string) *osm.Node {
	n := &osm.Node{ID: osm.NodeID(id), Version: v, Lon: lon, Lat: lat, Visible: true, ChangesetID: 7, Timestamp: t0, User: "someone", UserID: 9}
	for i := 0; i+1 < len(tags); i += 2 {
		n.Tags = append(n.Tags, osm.Tag{Key: tags[i], Value: tags[i+1]})
	}
	return n
}

// square adds a closed way of 4 nodes (ids base+1..base+4), about 40 m
// across, centred on (lon, lat).
func square(f *osmfake.Server, id int64, v int, lon, lat float64, tags ...string) *osm.Way {
	const d = 0.0002
	corners := [][2]float64{{lon - d, lat - d}, {lon + d, lat - d}, {lon + d, lat + d}, {lon - d, lat + d}}
	w := &osm.Way{ID: osm.WayID(id), Version: v, Visible: true, ChangesetID: 7, Timestamp: t0}
	for i, c := range corners {
		nid := id*10 + int64(i) + 1
		f.Add(node(nid, 1, c[0], c[1]))
		w.Nodes = append(w.Nodes, osm.WayNode{ID: osm.NodeID(nid)})
	}
	w.Nodes = append(w.Nodes, w.Nodes[0])
	for i := 0; i+1 < len(tags); i += 2 {
		w.Tags = append(w.Tags, osm.Tag{Key: tags[i], Value: tags[i+1]})
	}
	f.Add(w)
	return w
}

func noSleep(context.Context, time.Duration) error { return nil }

// newFake starts a fake OSM and a client of its user 1.
func newFake(t *testing.T) (*osmfake.Server, *Client) {
	t.Helper()
	f := osmfake.New()
	t.Cleanup(f.Close)
	return f, fakeClient(t, f.URL, f.Token(), noSleep)
}

func fakeClient(t testing.TB, url, token string, sleep func(context.Context, time.Duration) error) *Client {
	t.Helper()
	c, err := NewClient(ClientConfig{
		Server:     Server{API: url, Web: url},
		Token:      oauth2.StaticTokenSource(&oauth2.Token{AccessToken: token, TokenType: "Bearer"}),
		UserAgent:  "openmap-test/0",
		Sleep:      sleep,
		MinBackoff: time.Millisecond,
		MaxBackoff: 10 * time.Second,
		Timeout:    10 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func pid(typ geo.ElementType, id int64) geo.PlaceID { return geo.PlaceID{Type: typ, ID: id} }

func pt(lon, lat float64) orb.Point { return orb.Point{lon, lat} }

func tagMap(o osm.Object) map[string]string { return tagsOfObject(o) }
