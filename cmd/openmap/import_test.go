package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const demo = "../../testdata/monaco-and-french-border-2016-03-04.osm.pbf"

// runCmd runs the program with args and an environment map.
func runCmd(t *testing.T, env map[string]string, args ...string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), args, func(k string) string { return env[k] }, strings.NewReader(""), &out, &errb)
	return out.String(), errb.String(), err
}

func TestImportThenStats(t *testing.T) {
	db := filepath.Join(t.TempDir(), "x.db")
	out, _, err := runCmd(t, nil, "import", "--db", db, demo)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Imported 431 places", "by category", "eating (Food and drink out)", "skipped"} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	// The database comes from the environment this time.
	out, _, err = runCmd(t, map[string]string{"OPENMAP_DB": db}, "stats", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var st struct {
		Places, Gone int
		ByType       map[string]int `json:"by_type"`
		ByCategory   map[string]int `json:"by_category"`
	}
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		t.Fatalf("stats --json: %v\n%s", err, out)
	}
	if st.Places != 431 || st.ByType["node"]+st.ByType["way"]+st.ByType["relation"] != 431 || st.ByCategory["eating"] == 0 {
		t.Errorf("stats: %+v", st)
	}
	out, _, err = runCmd(t, nil, "stats", "--db", db)
	if err != nil || !strings.Contains(out, "active places  431") {
		t.Errorf("stats table (%v):\n%s", err, out)
	}
}

func TestCommandErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.osm.pbf")
	if err := os.WriteFile(bad, []byte("not osm"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		args  []string
		env   map[string]string
		want  string
		usage bool
	}{
		{"no command", nil, nil, "no command", true},
		{"unknown command", []string{"frobnicate"}, nil, "unknown command", true},
		{"import without file", []string{"import", "--db", filepath.Join(dir, "a.db")}, nil, "no file", true},
		{"import of garbage", []string{"import", "--db", filepath.Join(dir, "a.db"), bad}, nil, "bad.osm.pbf: unknown format", false},
		{"import of a missing file", []string{"import", "--db", filepath.Join(dir, "a.db"), filepath.Join(dir, "none.pbf")}, nil, "none.pbf", false},
		{"bad categories file", []string{"import", "--db", filepath.Join(dir, "a.db"), "--categories", bad, demo}, nil, "categories", false},
		{"stats of a missing database", []string{"stats", "--db", filepath.Join(dir, "none.db")}, nil, "none.db", false},
		{"bad flag", []string{"stats", "--frob"}, nil, "frob", true},
		{"bad env value", []string{"import", demo}, map[string]string{"OPENMAP_QUIET": "maybe"}, "OPENMAP_QUIET", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := runCmd(t, tc.env, tc.args...)
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q lacks %q", err, tc.want)
			}
			if got := errors.Is(err, errUsage); got != tc.usage {
				t.Errorf("usage error = %v, want %v", got, tc.usage)
			}
			if code := exitCode(err); code == 0 {
				t.Error("exit code 0")
			}
		})
	}
}

func TestVersion(t *testing.T) {
	out, _, err := runCmd(t, nil, "version")
	if err != nil || !strings.HasPrefix(out, "openmap ") {
		t.Errorf("version: %q %v", out, err)
	}
}
