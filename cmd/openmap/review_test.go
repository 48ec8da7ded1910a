package main

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/osm"

	"codeberg.org/openmap/openmap/geo"
	"codeberg.org/openmap/openmap/internal/osmsync/osmfake"
	"codeberg.org/openmap/openmap/internal/store"
)

const (
	starsBars = "node/267901435" // opening_hours "Mo-Su 11:00-00:00"
	spar      = "node/268113123"
)

// addReports records agreeing reports of n contributors, now (plus ahead,
// within the status rules' clock skew).
func addReports(t *testing.T, st *store.Store, id, status, hours string, n int, ahead time.Duration) {
	t.Helper()
	pid, err := geo.ParsePlaceID(id)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < n; i++ {
		if _, err := st.AddReport(context.Background(), store.NewReport{Place: pid, Status: geo.Status(status), OpeningHours: hours,
			At: time.Now().Add(ahead), Contributor: []byte{byte(i + 1), 0xaa, byte(len(id))}}); err != nil {
			t.Fatal(err)
		}
	}
}

type cliQueue struct {
	Queue []queueItem `json:"queue"`
}

func readQueue(t *testing.T, env map[string]string, args ...string) map[string]queueItem {
	t.Helper()
	out, _, err := runCmd(t, env, append([]string{"sync", "queue", "--json"}, args...)...)
	if err != nil {
		t.Fatalf("sync queue: %v", err)
	}
	var q cliQueue
	if err := json.Unmarshal([]byte(out), &q); err != nil {
		t.Fatalf("sync queue --json: %v: %s", err, out)
	}
	m := map[string]queueItem{}
	for _, it := range q.Queue {
		m[it.Place] = it
	}
	return m
}

// TestSyncReviewCommands: confirmed statuses in the store → sync queue
// lists them with the diff → approve (with an edit) and reject → upload to
// the fake → the queue no longer lists them; and the crisis profile with
// its removal flow on the command line.
func TestSyncReviewCommands(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "x.db")
	if _, _, err := runCmd(t, nil, "import", "--db", db, "--quiet", demo); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	addReports(t, st, starsBars, "open_adapted", "Mo-Fr 12:00-14:00", 2, 0)
	addReports(t, st, spar, "open", "", 2, 0)
	st.Close()
	f := osmfake.New()
	defer f.Close()
	addFromExtract(t, f, map[geo.PlaceID]bool{{Type: geo.Node, ID: 267901435}: true, {Type: geo.Node, ID: 268113123}: true})
	env := map[string]string{"OPENMAP_DB": db}
	paris, _ := time.LoadLocation("Europe/Paris")
	today := time.Now().In(paris).Format("2006-01-02")

	q := readQueue(t, env)
	it := q[starsBars]
	if len(q) != 2 || len(it.Reports) != 2 || it.Status != "open_adapted" || it.OSMURL != "https://www.openstreetmap.org/"+starsBars {
		t.Fatalf("queue %+v", q)
	}
	if got := diffText(it.Diff); got != "opening_hours=Mo-Su 11:00-00:00→Mo-Fr 12:00-14:00 check_date:opening_hours=→"+today+" check_date=→"+today {
		t.Errorf("diff %s", got)
	}
	if q := readQueue(t, env, "--bbox", "7.4,43.7,7.5,43.8", "--category", q[spar].Category); len(q) != 1 || q[spar].Place != spar {
		t.Errorf("filtered queue %+v", q)
	}
	if _, _, err := runCmd(t, env, "sync", "queue", "--bbox", "7.5,43"); err == nil {
		t.Error("bad bbox accepted")
	}
	text, _, err := runCmd(t, env, "sync", "queue")
	if err != nil || !strings.Contains(text, "opening_hours: Mo-Su 11:00-00:00 → Mo-Fr 12:00-14:00") {
		t.Errorf("sync queue: %v\n%s", err, text)
	}

	if _, _, err := runCmd(t, env, "sync", "approve", starsBars); err == nil {
		t.Error("approve without a mapper id accepted")
	}
	out, _, err := runCmd(t, env, "sync", "approve", "--mapper-id", "1", "--edit", "takeaway=yes", starsBars)
	if err != nil || !strings.Contains(out, starsBars+": approved") {
		t.Fatalf("sync approve: %v %s", err, out)
	}
	// the mapper id can come from the token
	tokEnv := map[string]string{"OPENMAP_DB": db, "OPENMAP_OSM_TOKEN": f.Token(), "OPENMAP_OSM_URL": f.URL}
	out, _, err = runCmd(t, tokEnv, "sync", "reject", "--reason", "checked last week", spar)
	if err != nil || !strings.Contains(out, spar+": rejected") {
		t.Fatalf("sync reject: %v %s", err, out)
	}
	if _, _, err := runCmd(t, env, "sync", "reject", "--mapper-id", "1", spar); err == nil {
		t.Error("rejected twice")
	}
	if q := readQueue(t, env); len(q) != 0 {
		t.Errorf("queue after approve and reject: %+v", q)
	}
	out, _, err = runCmd(t, tokEnv, "sync", "upload")
	if err != nil || !strings.Contains(out, "1 uploaded in 1 changeset(s)") {
		t.Fatalf("sync upload: %v %s", err, out)
	}
	o, _ := f.Element("node", 267901435)
	tags := tagsOf(o)
	if tags["opening_hours"] != "Mo-Fr 12:00-14:00" || tags["takeaway"] != "yes" || tags["check_date"] != today || tags["check_date:opening_hours"] != today {
		t.Errorf("fake holds %v", tags)
	}
	for _, cs := range f.Changesets() {
		if cs.Tags["source"] != "survey" || !strings.HasPrefix(cs.Tags["created_by"], "openmap ") || cs.Tags["comment"] == "" {
			t.Errorf("changeset tags %v", cs.Tags)
		}
	}
	if q := readQueue(t, env); len(q) != 0 {
		t.Errorf("queue after upload: %+v", q)
	}

	// crisis profile: opening_hours:covid19, then its removal. The
	// uploaded place comes back only with a newer confirmation.
	crisis := map[string]string{"OPENMAP_DB": db, "OPENMAP_TAG_PROFILE": "crisis", "OPENMAP_CRISIS_SUFFIX": "covid19"}
	if q := readQueue(t, crisis); len(q) != 0 {
		t.Errorf("crisis queue from the reports already uploaded: %+v", q)
	}
	st, err = store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	addReports(t, st, starsBars, "open_adapted", "Mo-Fr 12:00-14:00", 2, 2*time.Second)
	st.Close()
	q = readQueue(t, crisis)
	if got := diffText(q[starsBars].Diff); got != "opening_hours:covid19=→same" {
		t.Errorf("crisis diff %s (queue %+v)", got, q)
	}
	if _, _, err := runCmd(t, crisis, "sync", "approve", "--mapper-id", "1", starsBars); err != nil {
		t.Fatal(err)
	}
	if out, _, err := runCmd(t, tokEnv, "sync", "upload"); err != nil || !strings.Contains(out, "1 uploaded") {
		t.Fatalf("crisis upload: %v %s", err, out)
	}
	if o, _ := f.Element("node", 267901435); tagsOf(o)["opening_hours:covid19"] != "same" {
		t.Errorf("fake holds %v", tagsOf(o))
	}
	rq := readQueue(t, crisis, "--removal")
	if got := diffText(rq[starsBars].Diff); len(rq) != 1 || got != "opening_hours:covid19=same→" {
		t.Errorf("removal queue %+v", rq)
	}
	if _, _, err := runCmd(t, env, "sync", "queue", "--removal"); err == nil {
		t.Error("removal without a crisis profile accepted")
	}
	if _, _, err := runCmd(t, crisis, "sync", "approve", "--removal", "--mapper-id", "1", starsBars); err != nil {
		t.Fatal(err)
	}
	if out, _, err := runCmd(t, tokEnv, "sync", "upload"); err != nil || !strings.Contains(out, "1 uploaded") {
		t.Fatalf("removal upload: %v %s", err, out)
	}
	if o, _ := f.Element("node", 267901435); tagsOf(o)["opening_hours:covid19"] != "" {
		t.Errorf("crisis key left: %v", tagsOf(o))
	}
}

func diffText(d geo.TagDiff) string {
	var parts []string
	for _, c := range d {
		parts = append(parts, c.Key+"="+c.Old+"→"+c.New)
	}
	return strings.Join(parts, " ")
}

func tagsOf(o osm.Object) map[string]string {
	if n, ok := o.(*osm.Node); ok {
		return n.Tags.Map()
	}
	return nil
}

// TestReviewFlags: a bad flag (a tag profile, a durability) stops serve and the review commands
// before anything starts.
func TestReviewFlags(t *testing.T) {
	db := filepath.Join(t.TempDir(), "x.db")
	if err := os.WriteFile(db, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		args []string
		env  map[string]string
	}{
		{"crisis without suffix", []string{"serve", "--db", db, "--tag-profile", "crisis"}, nil},
		{"bad suffix", []string{"serve", "--db", db, "--tag-profile", "crisis", "--crisis-suffix", "Covid-19"}, nil},
		{"suffix without crisis", []string{"sync", "queue", "--db", db}, map[string]string{"OPENMAP_CRISIS_SUFFIX": "covid19"}},
		{"unknown profile", []string{"sync", "queue", "--db", db, "--tag-profile", "summer"}, nil},
		{"bad redirect", []string{"serve", "--db", db, "--osm-client-id", "x", "--osm-redirect-url", "not a url"}, nil},
		{"bad durability", []string{"serve", "--db", db, "--durability", "fast"}, nil},
		{"no window", []string{"serve", "--db", db, "--window-days", "0"}, nil},
		{"no quorum for the queue", []string{"sync", "queue", "--db", db, "--quorum", "0"}, nil},
		{"a stray argument", []string{"serve", "--db", db, "extra-arg"}, nil},
		{"bad durability in env", []string{"serve", "--db", db}, map[string]string{"OPENMAP_DURABILITY": "off"}},
		{"approve without ids", []string{"sync", "approve", "--db", db, "--mapper-id", "1"}, nil},
		{"bad edit", []string{"sync", "approve", "--db", db, "--mapper-id", "1", "--edit", "novalue", "node/1"}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := runCmd(t, c.env, c.args...)
			if !errors.Is(err, errUsage) {
				t.Errorf("%v: %v, want a usage error", c.args, err)
			}
		})
	}
}
