package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"codeberg.org/openmap/openmap/geo"
	"codeberg.org/openmap/openmap/internal/osmsync/osmfake"
	"codeberg.org/openmap/openmap/internal/store"
)

// TestSyncCommands: approved edits of imported places are listed, exported
// and uploaded to a fake OSM with the token from the environment.
func TestSyncCommands(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "x.db")
	if _, _, err := runCmd(t, nil, "import", "--db", db, "--quiet", demo); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	places, err := st.PlacesNear(ctx, [2]float64{7.4246, 43.7347}, 2000, 3)
	if err != nil || len(places) != 3 {
		t.Fatal(places, err)
	}
	f := osmfake.New()
	defer f.Close()
	for _, p := range places {
		prop, err := geo.SurveyProfile().ProposeFor(p, geo.StatusSummary{Status: "open"}, mustDay(), geo.ProposeOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.OSMEdits().Approve(ctx, geo.NewOSMEdit(p, prop, 1), "survey", nil); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()
	// the fake holds the elements as the extract has them
	ids := map[geo.PlaceID]bool{}
	for _, p := range places {
		ids[p.ID] = true
	}
	addFromExtract(t, f, ids)

	out, _, err := runCmd(t, map[string]string{"OPENMAP_DB": db}, "sync", "edits", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var listed struct{ Edits []geo.OSMEdit }
	if err := json.Unmarshal([]byte(out), &listed); err != nil || len(listed.Edits) != 3 || listed.Edits[0].State != geo.EditApproved {
		t.Fatalf("sync edits: %v %s", err, out)
	}

	osc := filepath.Join(t.TempDir(), "c.osc")
	out, _, err = runCmd(t, nil, "sync", "export", "--db", db, "-o", osc, "--from", demo)
	if err != nil || !strings.Contains(out, "Wrote 3 edit(s)") {
		t.Fatalf("sync export: %v %s", err, out)
	}
	b, _ := os.ReadFile(osc)
	if strings.Count(string(b), "check_date") != 3 || !strings.Contains(string(b), "<modify>") {
		t.Errorf("export:\n%s", b)
	}

	if _, _, err := runCmd(t, nil, "sync", "upload", "--db", db, "--osm-api", f.URL); err == nil {
		t.Error("upload without a token accepted")
	}
	out, _, err = runCmd(t, map[string]string{"OPENMAP_OSM_TOKEN": f.Token(), "OPENMAP_OSM_API": f.URL}, "sync", "upload", "--db", db)
	if err != nil || !strings.Contains(out, "Mapper Fake Mapper: 3 uploaded in 1 changeset(s)") {
		t.Fatalf("sync upload: %v %s", err, out)
	}
	if strings.Contains(out, f.Token()) {
		t.Error("the token is printed")
	}
	if n := len(f.Uploads()); n != 3 {
		t.Errorf("%d uploads", n)
	}
	out, _, _ = runCmd(t, map[string]string{"OPENMAP_DB": db}, "sync", "edits", "--state", "uploaded")
	if strings.Count(out, "uploaded") != 3 {
		t.Errorf("after upload:\n%s", out)
	}
}

// TestSyncLogin: the out-of-band login prints the URL, reads the code the
// mapper pastes and prints the token once.
func TestSyncLogin(t *testing.T) {
	f := osmfake.New()
	defer f.Close()
	pr, pw := io.Pipe()
	var out strings.Builder
	errw := &syncWriter{b: &strings.Builder{}}
	done := make(chan error, 1)
	go func() {
		done <- run(context.Background(), []string{"sync", "login", "--osm-client-id", f.ClientID, "--osm-web", f.URL},
			func(string) string { return "" }, pr, &out, errw)
	}()
	// wait for the URL, "open" it, paste the code
	var authURL string
	for deadline := time.Now().Add(10 * time.Second); authURL == "" && time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		authURL = regexp.MustCompile(`http://\S+/oauth2/authorize\S+`).FindString(errw.String())
	}
	resp, err := http.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	code, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	io.WriteString(pw, string(code)+"\n")
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^OPENMAP_OSM_TOKEN=\S{10,}\n$`).MatchString(out.String()) {
		t.Errorf("stdout %q", out.String())
	}
}

func mustDay() time.Time { return time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC) }

func addFromExtract(t *testing.T, f *osmfake.Server, ids map[geo.PlaceID]bool) {
	t.Helper()
	keys := map[string]bool{}
	for id := range ids {
		keys[id.String()] = true
	}
	if err := f.AddFromPBF(context.Background(), demo, keys); err != nil {
		t.Fatal(err)
	}
	for id := range ids {
		if o, _ := f.Element(string(id.Type), id.ID); o == nil {
			t.Fatalf("%v not loaded", id)
		}
	}
}

// syncWriter is a strings.Builder safe for one writer and one reader.
type syncWriter struct {
	mu sync.Mutex
	b  *strings.Builder
}

func (w *syncWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func (w *syncWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}
