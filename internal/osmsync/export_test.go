package osmsync

import (
	"bytes"
	"context"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/osm"

	"codeberg.org/openmap/openmap/geo"
)

const monaco2016 = "../../../shared/data/osm/monaco-and-french-border-2016-03-04.osm.pbf"

func needTool(t *testing.T, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is required in CI: %v", name, err)
		}
		t.Skipf("%s not installed", name)
	}
}

func needFile(t *testing.T, path string) {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
}

// TestExportAppliesWithOsmium: real elements from the Monaco extract, diffs
// from the tag profiles, exported; osmium apply-changes gives the expected
// tags, keeps versions, locations and way nodes, and touches nothing else.
func TestExportAppliesWithOsmium(t *testing.T) {
	needTool(t, "osmium")
	needFile(t, monaco2016)
	ctx := context.Background()

	// pick real places: the first shop nodes and closed amenity ways of the file
	var shops []*osm.Node
	var ways []*osm.Way
	if err := scanFile(ctx, monaco2016, func(o osm.Object) {
		switch o := o.(type) {
		case *osm.Node:
			if o.Tags.Find("shop") != "" && o.Tags.Find("name") != "" && len(shops) < 3 {
				shops = append(shops, o)
			}
		case *osm.Way:
			if o.Tags.Find("amenity") != "" && len(o.Nodes) > 3 && o.Nodes[0].ID == o.Nodes[len(o.Nodes)-1].ID && len(ways) < 2 {
				ways = append(ways, o)
			}
		}
	}); err != nil {
		t.Fatal(err)
	}
	if len(shops) < 3 || len(ways) < 2 {
		t.Fatalf("found %d shops and %d ways in the extract", len(shops), len(ways))
	}
	day := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	crisis, _ := geo.CrisisProfile("covid19")
	yes := true
	type want struct {
		id  geo.PlaceID
		set map[string]string // keys written
	}
	var edits []Edit
	var wants []want
	add := func(id geo.PlaceID, tags map[string]string, p geo.TagProfile, s geo.StatusSummary, set map[string]string) {
		prop, err := p.Propose(tags, s, day, geo.ProposeOptions{})
		if err != nil {
			t.Fatal(err)
		}
		edits = append(edits, Edit{ID: int64(len(edits) + 1), Place: id, Diff: prop.Diff})
		wants = append(wants, want{id, set})
	}
	n0, n1, n2 := shops[0], shops[1], shops[2]
	add(pid(geo.Node, int64(n0.ID)), n0.TagMap(), geo.SurveyProfile(), geo.StatusSummary{Status: "open_adapted", OpeningHours: "Mo-Sa 08:00-12:30"},
		map[string]string{"opening_hours": "Mo-Sa 08:00-12:30", "check_date:opening_hours": "2026-12-01", "check_date": "2026-12-01"})
	add(pid(geo.Node, int64(n1.ID)), n1.TagMap(), crisis, geo.StatusSummary{Status: "closed"},
		map[string]string{"opening_hours:covid19": "off"})
	add(pid(geo.Way, int64(ways[0].ID)), ways[0].TagMap(), geo.SurveyProfile(), geo.StatusSummary{Status: "open", Delivery: &yes},
		map[string]string{"delivery": "yes", "check_date": "2026-12-01"})
	add(pid(geo.Way, int64(ways[1].ID)), ways[1].TagMap(), geo.SurveyProfile(), geo.StatusSummary{Status: "open"},
		map[string]string{"check_date": "2026-12-01"})
	// an edit made against other tags than the file's: left out
	stale := Edit{ID: 99, Place: pid(geo.Node, int64(n2.ID)), Diff: geo.TagDiff{{Key: "name", Old: "Not its name", New: "X"}}}

	var ids []geo.PlaceID
	for _, e := range append(edits, stale) {
		ids = append(ids, e.Place)
	}
	src, err := LoadFileSource(ctx, monaco2016, ids)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	res, err := WriteOsmChange(ctx, &buf, src, append(edits, stale), ExportOptions{Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Exported) != 4 || !strings.Contains(res.Conflicts[99], "name now holds") {
		t.Fatalf("export %+v, want 4 exported and edit 99 in conflict", res)
	}
	if !strings.Contains(buf.String(), "© OpenStreetMap contributors") {
		t.Error("no attribution in the file")
	}
	dir := t.TempDir()
	osc := filepath.Join(dir, "changes.osc")
	out := filepath.Join(dir, "out.osm.pbf")
	os.WriteFile(osc, buf.Bytes(), 0o644)
	if b, err := exec.Command("osmium", "apply-changes", "--no-progress", "-o", out, monaco2016, osc).CombinedOutput(); err != nil {
		t.Fatalf("osmium apply-changes: %v\n%s\n%s", err, b, buf.String())
	}
	// every exported element, plus one left out, as osmium sees it
	args := []string{"getid", "--no-progress", "-f", "opl", out, "n" + itoa(int64(n2.ID))}
	for _, w := range wants {
		args = append(args, string(w.id.Type[0])+itoa(w.id.ID))
	}
	b, err := exec.Command("osmium", args...).Output()
	if err != nil {
		t.Fatalf("osmium getid: %v", err)
	}
	got := map[string]oplObject{}
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		o := parseOPL(line)
		got[o.id] = o
	}
	orig := map[string]osm.Object{"n" + itoa(int64(n0.ID)): n0, "n" + itoa(int64(n1.ID)): n1, "n" + itoa(int64(n2.ID)): n2,
		"w" + itoa(int64(ways[0].ID)): ways[0], "w" + itoa(int64(ways[1].ID)): ways[1]}
	for _, w := range append(wants, want{pid(geo.Node, int64(n2.ID)), nil}) {
		key := string(w.id.Type[0]) + itoa(w.id.ID)
		o, ok := got[key]
		if !ok {
			t.Errorf("%s not in osmium's output", key)
			continue
		}
		exp := tagMap(orig[key])
		maps.Copy(exp, w.set)
		if !maps.Equal(o.tags, exp) {
			t.Errorf("%s tags after osmium:\n%v\nwant\n%v", key, o.tags, exp)
		}
		var v int
		var refs string
		switch x := orig[key].(type) {
		case *osm.Node:
			v = x.Version
			if want := "x" + trimFloat(x.Lon) + " y" + trimFloat(x.Lat); !strings.Contains(o.line, want) {
				t.Errorf("%s moved: %s, want %s", key, o.line, want)
			}
		case *osm.Way:
			v = x.Version
			var ns []string
			for _, wn := range x.Nodes {
				ns = append(ns, "n"+itoa(int64(wn.ID)))
			}
			refs = "N" + strings.Join(ns, ",")
			if !strings.Contains(o.line, refs) {
				t.Errorf("%s nodes changed: %s, want %s", key, o.line, refs)
			}
		}
		if o.version != "v"+itoa(int64(v)) {
			t.Errorf("%s version %s, want v%d (JOSM uploads it at the version it was read at)", key, o.version, v)
		}
	}
}

type oplObject struct {
	id, version, line string
	tags              map[string]string
}

// parseOPL reads one line of osmium's OPL: "n1 v2 dV c3 t… i4 uX Tk=v,k2=v2 x… y…".
func parseOPL(line string) oplObject {
	o := oplObject{line: line, tags: map[string]string{}}
	for _, f := range strings.Fields(line) {
		switch f[0] {
		case 'n', 'w', 'r':
			if o.id == "" {
				o.id = f
			}
		case 'v':
			o.version = f
		case 'T':
			for _, kv := range strings.Split(f[1:], ",") {
				if k, v, ok := strings.Cut(kv, "="); ok {
					o.tags[oplUnescape(k)] = oplUnescape(v)
				}
			}
		}
	}
	return o
}

// oplUnescape decodes OPL's %XX% escapes (space, comma, =, @, non-ASCII).
func oplUnescape(s string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '%')
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		j := strings.IndexByte(s[i+1:], '%')
		if j < 0 {
			b.WriteString(s[i:])
			return b.String()
		}
		var r rune
		for _, c := range s[i+1 : i+1+j] {
			r = r*16 + rune(strings.IndexRune("0123456789abcdef", c|0x20))
		}
		b.WriteRune(r)
		s = s[i+2+j:]
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func trimFloat(f float64) string {
	return strings.TrimRight(strings.TrimRight(strconv.FormatFloat(f, 'f', 7, 64), "0"), ".")
}
