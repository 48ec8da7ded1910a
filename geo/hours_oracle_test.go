package geo

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

const realHoursTSV = "../../shared/data/hours/real_opening_hours_from_extracts.tsv"

// readHoursTSV reads "count<TAB>value[<TAB>…]" lines (a header line starting
// with "count" is skipped).
func readHoursTSV(t testing.TB, path string) (values []string, counts []int) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("open %s: %v", path, err)
		}
		t.Skipf("shared data missing: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "count\t") {
			continue
		}
		c, rest, ok := strings.Cut(line, "\t")
		if !ok {
			continue
		}
		v, _, _ := strings.Cut(rest, "\t")
		n := 0
		fmt.Sscan(c, &n)
		values = append(values, v)
		counts = append(counts, n)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return values, counts
}

// oracleInstants are the instants of the differential test: every 3 h 07 min
// over three winter weeks (Christmas, New Year) and every 3 h 11 min over two
// weeks of June, plus public holidays of Berlin.
func oracleInstants(loc *time.Location) []time.Time {
	var out []time.Time
	for t := time.Date(2024, 12, 16, 0, 0, 0, 0, loc); t.Before(time.Date(2025, 1, 6, 0, 0, 0, 0, loc)); t = t.Add(3*time.Hour + 7*time.Minute) {
		out = append(out, t)
	}
	for t := time.Date(2025, 6, 2, 0, 30, 0, 0, loc); t.Before(time.Date(2025, 6, 16, 0, 0, 0, 0, loc)); t = t.Add(3*time.Hour + 11*time.Minute) {
		out = append(out, t)
	}
	for _, d := range [][3]int{{2025, 3, 8}, {2025, 4, 18}, {2025, 4, 21}, {2025, 5, 1}, {2025, 5, 29}, {2025, 10, 3}, {2025, 8, 15}, {2025, 11, 1}} {
		for _, h := range []int{1, 9, 11, 15, 19, 23} {
			out = append(out, time.Date(d[0], time.Month(d[1]), d[2], h, 15, 0, 0, loc))
		}
	}
	return out
}

// ensureOracle returns the oracle directory with its node_modules installed
// (npm ci from the committed package-lock.json), or skips (fails under CI).
func ensureOracle(t *testing.T) string {
	t.Helper()
	dir, _ := filepath.Abs("testdata/oracle")
	need := func(msg string) {
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	if _, err := exec.LookPath("node"); err != nil {
		need("node not installed")
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "opening_hours")); err != nil {
		if _, err := exec.LookPath("npm"); err != nil {
			need("npm not installed")
		}
		cmd := exec.Command("npm", "ci", "--no-audit", "--no-fund")
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			need(fmt.Sprintf("npm ci in %s: %v\n%s", dir, err, out))
		}
	}
	return dir
}

type oracleResult struct {
	OK  bool   `json:"ok"`
	S   string `json:"s"`
	Err string `json:"err"`
}

func runOracle(t *testing.T, dir string, values []string, instants []time.Time) []oracleResult {
	t.Helper()
	ms := make([]int64, len(instants))
	for i, x := range instants {
		ms[i] = x.UnixMilli()
	}
	req, _ := json.Marshal(map[string]any{"values": values, "instants": ms, "lat": "52.5", "lon": "13.4", "country_code": "de", "state": "Berlin"})
	cmd := exec.Command("node", "eval.js")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "TZ=Europe/Berlin")
	cmd.Stdin = bytes.NewReader(req)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node eval.js: %v\n%s", err, stderr.String())
	}
	var res []oracleResult
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var r oracleResult
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("oracle output %q: %v", sc.Text(), err)
		}
		res = append(res, r)
	}
	if len(res) != len(values) {
		t.Fatalf("oracle returned %d results for %d values", len(res), len(values))
	}
	return res
}

// TestOracleOpeningHoursJS compares StateAt with opening_hours.js on every
// real value both accept, at a few hundred instants each, in Berlin. The
// values where they differ are listed; geo/testdata/oracle/DIFFERENCES.md
// explains each kind.
func TestOracleOpeningHoursJS(t *testing.T) {
	if testing.Short() {
		t.Skip("differential test skipped in -short mode")
	}
	values, _ := readHoursTSV(t, realHoursTSV)
	dir := ensureOracle(t)
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	instants := oracleInstants(berlin)
	res := runOracle(t, dir, values, instants)
	ctx := HoursContext{Location: berlin, Country: "DE-BE", Lat: 52.5, Lon: 13.4}
	letter := map[string]byte{"open": 'o', "closed": 'c', "unknown": 'u'}
	pairs, agree := 0, 0
	bothAccept, onlyUs, onlyThem := 0, 0, 0
	type disagreement struct {
		value string
		n     int
		first string
	}
	var dis []disagreement
	for i, v := range values {
		h, err := ParseHours(v)
		switch {
		case err != nil && !res[i].OK:
			continue
		case err != nil:
			onlyThem++
			continue
		case !res[i].OK:
			onlyUs++
			t.Logf("we accept, opening_hours.js rejects: %q (%s)", v, res[i].Err)
			continue
		}
		bothAccept++
		n := 0
		first := ""
		for k, at := range instants {
			ours := letter[h.StateAt(at, ctx).State]
			pairs++
			if ours == res[i].S[k] {
				agree++
				continue
			}
			if n == 0 {
				first = fmt.Sprintf("%s: ours %c, opening_hours.js %c", at.Format("Mon 2006-01-02 15:04"), ours, res[i].S[k])
			}
			n++
		}
		if n > 0 {
			dis = append(dis, disagreement{v, n, first})
		}
	}
	sort.Slice(dis, func(a, b int) bool { return dis[a].n > dis[b].n })
	for _, d := range dis {
		t.Logf("differs at %d instants: %q (first %s)", d.n, d.value, d.first)
	}
	share := float64(agree) / float64(max(pairs, 1))
	t.Logf("values: %d; both accept %d; only we accept %d; only opening_hours.js accepts %d", len(values), bothAccept, onlyUs, onlyThem)
	t.Logf("(value, instant) pairs both accept: %d, agreeing: %d (%.3f%%); values with a difference: %d", pairs, agree, 100*share, len(dis))
	if pairs == 0 || share < 0.99 {
		t.Errorf("agreement %.3f%% is below 99%%", 100*share)
	}
}

// TestOracleRepairedValues extends the differential test to a sample of the
// lenient repairs of invalid_but_unambiguous_opening_hours.tsv (every 25th
// repaired value, whose canonical form is strictly valid): it checks that
// what we propose to mappers means to opening_hours.js what it means to us.
func TestOracleRepairedValues(t *testing.T) {
	if testing.Short() {
		t.Skip("differential test skipped in -short mode")
	}
	raw, _ := readHoursTSV(t, unambiguousTSV)
	dir := ensureOracle(t)
	berlin, _ := time.LoadLocation("Europe/Berlin")
	var values []string
	var parsed []*Hours
	k := 0
	for _, v := range raw {
		if _, err := ParseHours(v); err == nil {
			continue
		}
		h, _, err := ParseHoursLenient(v)
		if err != nil {
			continue
		}
		if k++; k%25 != 0 {
			continue
		}
		values = append(values, h.String())
		parsed = append(parsed, h)
	}
	all := oracleInstants(berlin)
	var instants []time.Time
	for i := 0; i < len(all); i += 3 {
		instants = append(instants, all[i])
	}
	res := runOracle(t, dir, values, instants)
	ctx := HoursContext{Location: berlin, Country: "DE-BE", Lat: 52.5, Lon: 13.4}
	letter := map[string]byte{"open": 'o', "closed": 'c', "unknown": 'u'}
	pairs, agree, rejected := 0, 0, 0
	shown := 0
	for i, v := range values {
		if !res[i].OK {
			rejected++
			if rejected <= 10 {
				t.Logf("opening_hours.js rejects our repair %q: %s", v, res[i].Err)
			}
			continue
		}
		n := 0
		first := ""
		for j, at := range instants {
			ours := letter[parsed[i].StateAt(at, ctx).State]
			pairs++
			if ours == res[i].S[j] {
				agree++
				continue
			}
			if n == 0 {
				first = fmt.Sprintf("%s: ours %c, opening_hours.js %c", at.Format("Mon 2006-01-02 15:04"), ours, res[i].S[j])
			}
			n++
		}
		if n > 0 && shown < 40 {
			shown++
			t.Logf("differs at %d instants: %q (first %s)", n, v, first)
		}
	}
	share := float64(agree) / float64(max(pairs, 1))
	t.Logf("repairs sampled: %d; opening_hours.js rejects %d; pairs %d, agreeing %d (%.3f%%)", len(values), rejected, pairs, agree, 100*share)
	if share < 0.99 {
		t.Errorf("agreement on repairs %.3f%% is below 99%%", 100*share)
	}
}
