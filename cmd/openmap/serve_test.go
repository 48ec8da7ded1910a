package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

var monacoExtract = []string{
	"../../testdata/monaco-and-french-border-2016-03-04.osm.pbf",
	"../../../shared/data/osm/monaco-and-french-border-2016-03-04.osm.pbf",
}

func findExtract(t *testing.T) string {
	for _, f := range monacoExtract {
		if _, err := os.Stat(f); err == nil {
			abs, _ := filepath.Abs(f)
			return abs
		}
	}
	t.Fatal("the Monaco extract is missing")
	return ""
}

// buildBinary builds openmap into dir.
func buildBinary(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "openmap")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// server is a running `openmap serve` process.
type server struct {
	cmd  *exec.Cmd
	url  string
	logf string
}

var listenRe = regexp.MustCompile(`msg=serving addr=(127\.0\.0\.1:\d+)`)

// startServe starts bin serve on db, its output to logf, with env
// ("NAME=value") added to the environment.
func startServe(t *testing.T, bin, db, logf string, env ...string) *server {
	t.Helper()
	f, err := os.OpenFile(logf, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cmd := exec.Command(bin, "serve", "--db", db, "--addr", "127.0.0.1:0", "--trust-proxy")
	cmd.Env = append(append(os.Environ(), "OPENMAP_BASE_URL=http://openmap.test"), env...)
	cmd.Stdout, cmd.Stderr = f, f
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		data, _ := os.ReadFile(logf)
		if m := listenRe.FindStringSubmatch(string(data)); m != nil {
			return &server{cmd: cmd, url: "http://" + m[1], logf: logf}
		}
		time.Sleep(50 * time.Millisecond)
	}
	cmd.Process.Kill()
	data, _ := os.ReadFile(logf)
	t.Fatalf("serve did not start:\n%s", data)
	return nil
}

func TestServeSurvivesKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir := t.TempDir()
	bin := buildBinary(t, dir)
	db := filepath.Join(dir, "openmap.db")
	if out, err := exec.Command(bin, "import", "--db", db, findExtract(t)).CombinedOutput(); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	logf1, logf2 := filepath.Join(dir, "serve1.log"), filepath.Join(dir, "serve2.log")
	const key = "Kill9ContributorKey_0123456789"
	const ip = "203.0.113.77"

	s := startServe(t, bin, db, logf1)
	body := `{"status":"closed","remark":"acknowledged before kill -9"}`
	req, _ := http.NewRequest(http.MethodPost, s.url+"/api/v1/places/node/268113123/reports", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Openmap-Contributor", key)
	req.Header.Set("X-Forwarded-For", ip)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("POST: %d", resp.StatusCode)
	}
	// SIGKILL: no shutdown, no checkpoint, no close.
	if err := s.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	s.cmd.Wait()

	// The restart at --durability normal (from the environment): the
	// store runs as asked, and says so.
	s2 := startServe(t, bin, db, logf2, "OPENMAP_DURABILITY=normal")
	resp, err = http.Get(s2.url + "/api/v1/places/node/268113123")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Status  struct{ Status string }
		Reports []struct{ Remark string }
	}
	err = json.NewDecoder(resp.Body).Decode(&doc)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Reports) != 1 || doc.Reports[0].Remark != "acknowledged before kill -9" || doc.Status.Status != "closed" {
		t.Fatalf("after kill -9 and restart: %+v", doc)
	}
	// The restarted server takes reports; its access log (flushed at the
	// graceful stop below; the killed one may have lost its last 100 ms)
	// is grepped for the IP and key with the rest.
	req, _ = http.NewRequest(http.MethodPost, s2.url+"/api/v1/places/node/268113123/reports", strings.NewReader(`{"status":"open"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Openmap-Contributor", key)
	req.Header.Set("X-Forwarded-For", ip)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("POST after restart: %d", resp.StatusCode)
	}

	// SIGTERM: a graceful stop, exit status 0.
	if err := s2.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := s2.cmd.Wait(); err != nil {
		t.Errorf("after SIGTERM: %v", err)
	}
	logs, _ := os.ReadFile(logf2)
	if !bytes.Contains(logs, []byte("shutting down")) {
		t.Errorf("no graceful shutdown in the log:\n%s", logs)
	}
	for f, want := range map[string]string{logf1: "durability=full", logf2: "durability=normal"} {
		if data, _ := os.ReadFile(f); !bytes.Contains(data, []byte(want)) {
			t.Errorf("%s: no %q in the log:\n%s", filepath.Base(f), want, data)
		}
	}

	// Privacy: neither the client IP nor the key in the database files
	// or the log.
	for _, f := range []string{db, db + "-wal", db + "-shm", logf1, logf2} {
		data, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		for _, needle := range []string{key, ip} {
			if bytes.Contains(data, []byte(needle)) {
				t.Errorf("%q found in %s", needle, filepath.Base(f))
			}
		}
	}
	// and the access log did log the request
	sc := bufio.NewScanner(bytes.NewReader(logs))
	posted := false
	for sc.Scan() {
		if strings.Contains(sc.Text(), "method=POST") && strings.Contains(sc.Text(), "status=201") {
			posted = true
		}
	}
	if !posted {
		t.Errorf("no access log line for the POST:\n%s", logs)
	}
}
