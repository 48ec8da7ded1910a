package osmsync

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"codeberg.org/openmap/openmap/geo"
	"codeberg.org/openmap/openmap/internal/osmsync/osmfake"
	"codeberg.org/openmap/openmap/internal/store"
)

// TestCrashHelper is the uploader process the crash tests start and kill;
// it does nothing in a normal test run.
func TestCrashHelper(t *testing.T) {
	if os.Getenv("OSMSYNC_CRASH_HELPER") != "1" {
		t.Skip("helper process of TestCrashRestart")
	}
	q, done, err := openCrashQueue(os.Getenv("OSMSYNC_QUEUE_KIND"), os.Getenv("OSMSYNC_QUEUE"))
	if err != nil {
		t.Fatal(err)
	}
	defer done()
	c := fakeClient(t, os.Getenv("OSMSYNC_FAKE"), os.Getenv("OSMSYNC_TOKEN"), noSleep)
	at := os.Getenv("OSMSYNC_CRASH_AT")
	up := &Uploader{Client: c, Queue: q, Mapper: 1, Changeset: csOpts, Step: func(step string) {
		if step == at {
			syscall.Kill(os.Getpid(), syscall.SIGKILL) // kill -9: no defer, no flush
			time.Sleep(time.Minute)
		}
	}}
	if _, err := up.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// TestCrashRestart kills a real uploader process (SIGKILL) at each step
// between changeset creation and the record of the upload, restarts it, and
// checks that each edit was uploaded exactly once and recorded. The fake OSM
// runs here, in the parent, so it outlives the killed process; the queue is
// the fsynced JSON file, then the SQLite store.
func TestCrashRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("starts subprocesses")
	}
	tests := []struct {
		name    string
		crashAt string // a Step name, or "" when the parent kills the child
		// killOnUpload: the parent kills the child once the fake applied its
		// upload, before the answer reaches it.
		killOnUpload bool
	}{
		{name: "after changeset creation, before marking", crashAt: "changeset_created"},
		{name: "after marking uploading, before the upload", crashAt: "marked_uploading"},
		{name: "upload applied, answer lost with the process", killOnUpload: true},
		{name: "after the upload answer, before recording it", crashAt: "uploaded"},
		{name: "after the upload answer, after closing, before recording", crashAt: "closed"},
		{name: "after recording", crashAt: "recorded"},
	}
	for _, kind := range []string{"file", "sqlite"} {
		for _, tc := range tests {
			t.Run(kind+"/"+tc.name, func(t *testing.T) {
				f := osmfake.New()
				defer f.Close()
				path := filepath.Join(t.TempDir(), "queue."+kind)
				// two areas 20 km apart: two changesets, the crash hits the first
				var places []geo.Place
				for i := int64(1); i <= 6; i++ {
					lon := 7.42 + float64(i/4)*0.25
					f.Add(node(i, 2, lon, 43.73, "shop", "bakery"))
					places = append(places, geo.Place{ID: pid(geo.Node, i), Version: 2, Name: "Bakery", Category: "food", Subcategory: "bakery",
						Tags: map[string]string{"shop": "bakery"}, Location: pt(lon, 43.73), State: geo.Active})
				}
				if err := seedCrashQueue(kind, path, places); err != nil {
					t.Fatal(err)
				}
				var mu sync.Mutex
				var child *exec.Cmd
				if tc.killOnUpload {
					killed := false
					f.AfterUpload(func(int64) {
						mu.Lock()
						defer mu.Unlock()
						if !killed && child != nil {
							killed = true
							child.Process.Kill()
							child.Process.Wait()
						}
					})
				}
				start := func(crashAt string) *exec.Cmd {
					cmd := exec.Command(os.Args[0], "-test.run=^TestCrashHelper$", "-test.count=1")
					cmd.Env = append(os.Environ(), "OSMSYNC_CRASH_HELPER=1", "OSMSYNC_FAKE="+f.URL, "OSMSYNC_TOKEN="+f.Token(),
						"OSMSYNC_QUEUE="+path, "OSMSYNC_QUEUE_KIND="+kind, "OSMSYNC_CRASH_AT="+crashAt)
					return cmd
				}
				mu.Lock()
				child = start(tc.crashAt)
				if err := child.Start(); err != nil {
					t.Fatal(err)
				}
				mu.Unlock()
				err := child.Wait()
				var ee *exec.ExitError
				if !errors.As(err, &ee) && !(tc.killOnUpload && err != nil) {
					t.Fatalf("first run: %v, want it killed", err)
				}
				if ee != nil {
					if ws, ok := ee.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
						t.Fatalf("first run ended with %v, want SIGKILL", err)
					}
				}
				firstUploads := len(f.Uploads())
				mu.Lock()
				child = nil
				mu.Unlock()
				f.AfterUpload(nil)
				if out, err := start("").CombinedOutput(); err != nil {
					t.Fatalf("restart: %v\n%s", err, out)
				}

				count := map[int64]int{}
				byID := map[int64]osmfake.Upload{}
				for _, u := range f.Uploads() {
					count[u.ID]++
					byID[u.ID] = u
				}
				q, done, err := openCrashQueue(kind, path)
				if err != nil {
					t.Fatal(err)
				}
				defer done()
				edits, err := q.List(context.Background())
				if err != nil || len(edits) != 6 {
					t.Fatalf("%d edits: %v", len(edits), err)
				}
				for _, e := range edits {
					id := e.Place.ID
					if count[id] != 1 {
						t.Errorf("node/%d uploaded %d times, want exactly once", id, count[id])
					}
					if e.State != StateUploaded || e.Changeset != byID[id].Changeset || e.Version != byID[id].Version {
						t.Errorf("edit %d: %s in changeset %d v%d; the upload was in %d v%d", e.ID, e.State, e.Changeset, e.Version, byID[id].Changeset, byID[id].Version)
					}
					n, _ := f.Element("node", id)
					if tagMap(n)["check_date"] != "2026-12-01" {
						t.Errorf("node/%d tags %v", id, tagMap(n))
					}
				}
				for id, cs := range f.Changesets() {
					// the one exception: an empty changeset whose id the killed
					// process never wrote down (OSM closes it after an hour)
					if cs.Open && !(tc.crashAt == "changeset_created" && cs.Count == 0) {
						t.Errorf("changeset %d left open with %d changes", id, cs.Count)
					}
				}
				t.Logf("killed after %d uploads; %d changesets in all", firstUploads, len(f.Changesets()))
			})
		}
	}
}

// crashQueue is a Queue the crash test can also list.
type crashQueue interface {
	Queue
	List(ctx context.Context, states ...State) ([]Edit, error)
}

// fileList lists a FileQueue.
type fileList struct{ *FileQueue }

func (f fileList) List(context.Context, ...State) ([]Edit, error) { return f.All(), nil }

// openCrashQueue opens the queue the crash test persists to: the fsynced
// JSON file or the SQLite store.
func openCrashQueue(kind, path string) (crashQueue, func(), error) {
	if kind == "file" {
		q, err := OpenFileQueue(path)
		return fileList{q}, func() {}, err
	}
	st, err := store.Open(context.Background(), path)
	if err != nil {
		return nil, nil, err
	}
	return st.OSMEdits(), func() { st.Close() }, nil
}

func seedCrashQueue(kind, path string, places []geo.Place) error {
	ctx := context.Background()
	if kind == "file" {
		q, err := OpenFileQueue(path)
		if err != nil {
			return err
		}
		for _, p := range places {
			if _, err := q.Add(geo.NewOSMEdit(p, geo.Proposal{Diff: checkDiff}, 1)); err != nil {
				return err
			}
		}
		return nil
	}
	st, err := store.Open(ctx, path)
	if err != nil {
		return err
	}
	defer st.Close()
	if _, err := st.ImportPlaces(ctx, "crash", []string{"fixture"}, places, geo.DefaultCategories()); err != nil {
		return err
	}
	for _, p := range places {
		if _, err := st.OSMEdits().Approve(ctx, geo.NewOSMEdit(p, geo.Proposal{Diff: checkDiff}, 1), "survey", nil); err != nil {
			return err
		}
	}
	return nil
}
