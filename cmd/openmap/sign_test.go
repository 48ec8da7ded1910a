package main

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"codeberg.org/openmap/openmap/geo"
	"codeberg.org/openmap/openmap/internal/store"
	"codeberg.org/openmap/openmap/signs"
)

func pdfToText(t *testing.T, path string) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("pdftotext is required in CI")
		}
		t.Skip("pdftotext not installed")
	}
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext %s: %v", path, err)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}

func TestSignNeighbour(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "n.pdf")
	stdout, _, err := runCmd(t, nil, "sign", "neighbour", "--title", "Entraide au 12 rue des Lilas",
		"--subtitle", "Écrivez ce dont vous avez besoin", "--new-pad", "--pad-seed", "lilas-12", "-o", out, "--size", "A5", "--lang", "fr", "--date", "2026-12-01")
	if err != nil {
		t.Fatal(err)
	}
	link := strings.TrimSpace(stdout)
	again, _, _ := runCmd(t, nil, "sign", "neighbour", "--title", "x", "--new-pad", "--pad-seed", "lilas-12", "-o", filepath.Join(dir, "m.pdf"))
	if strings.TrimSpace(again) != link || !strings.HasPrefix(link, "https://") {
		t.Errorf("stable pad links %q and %q", link, again)
	}
	text := pdfToText(t, out)
	for _, want := range []string{"Entraide au 12 rue des Lilas", "Écrivez ce dont vous avez besoin", strings.TrimPrefix(link, "https://"),
		"Imprimé le 1er décembre 2026", "Ne pas jeter sur la voie publique"} {
		if !strings.Contains(text, want) {
			t.Errorf("poster lacks %q: %s", want, text)
		}
	}
	// Environment fallback: OPENMAP_LANG.
	out2 := filepath.Join(dir, "en.pdf")
	if _, _, err := runCmd(t, map[string]string{"OPENMAP_LANG": "en"}, "sign", "neighbour", "--title", "Hello", "--pad", "https://pad.example.org/p/abc", "-o", out2); err != nil {
		t.Fatal(err)
	}
	if text := pdfToText(t, out2); !strings.Contains(text, "Do not litter") || !strings.Contains(text, "pad.example.org/p/abc") {
		t.Errorf("English poster: %s", text)
	}
}

func TestSignErrors(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "bad.pdf")
	tests := []struct {
		name string
		args []string
		want error
	}{
		{"no poster", []string{"sign"}, errUsage},
		{"unknown poster", []string{"sign", "flyer"}, errUsage},
		{"empty title", []string{"sign", "neighbour", "--pad", "https://p.org/p/x", "-o", out}, signs.ErrTitle},
		{"ftp pad", []string{"sign", "neighbour", "--title", "t", "--pad", "ftp://p.org/x", "-o", out}, signs.ErrPadURL},
		{"no pad", []string{"sign", "neighbour", "--title", "t", "-o", out}, errUsage},
		{"both pads", []string{"sign", "neighbour", "--title", "t", "--pad", "https://p.org/p/x", "--new-pad", "-o", out}, errUsage},
		{"bad size", []string{"sign", "neighbour", "--title", "t", "--new-pad", "--size", "B4", "-o", out}, signs.ErrSize},
		{"bad lang", []string{"sign", "neighbour", "--title", "t", "--new-pad", "--lang", "de", "-o", out}, signs.ErrLang},
		{"bad pad host", []string{"sign", "neighbour", "--title", "t", "--new-pad", "--pad-host", "gopher://x", "-o", out}, signs.ErrPadURL},
		{"shop without id", []string{"sign", "shop", "--base-url", "https://x.org"}, errUsage},
		{"shop bad id", []string{"sign", "shop", "node/abc", "--base-url", "https://x.org"}, errUsage},
		{"shop without base url", []string{"sign", "shop", "node/1", "--db", filepath.Join(dir, "none.db")}, errUsage},
		{"area without lat", []string{"sign", "area", "--lon", "7.4", "--base-url", "https://x.org"}, errUsage},
		{"area bad radius", []string{"sign", "area", "--lat", "43.7", "--lon", "7.4", "--radius", "-3", "--base-url", "https://x.org"}, errUsage},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := runCmd(t, nil, tc.args...)
			if !errors.Is(err, tc.want) {
				t.Fatalf("error = %v, want %v", err, tc.want)
			}
			if _, err := os.Stat(out); err == nil {
				t.Errorf("a file was written despite the error")
			}
		})
	}
}

// monacoDB imports the project's demo extract (testdata, © OpenStreetMap
// contributors, ODbL) into a fresh database.
func monacoDB(t *testing.T) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "monaco.db")
	if _, _, err := runCmd(t, nil, "import", "--quiet", "--db", db, demo); err != nil {
		t.Fatalf("import: %v", err)
	}
	return db
}

func TestSignShopAndArea(t *testing.T) {
	db := monacoDB(t)
	dir := t.TempDir()
	env := map[string]string{"OPENMAP_DB": db, "OPENMAP_BASE_URL": "https://openmap.example.org"}

	shop := filepath.Join(dir, "shop.pdf")
	if _, _, err := runCmd(t, env, "sign", "shop", "node/267901435", "-o", shop, "--lang", "en", "--date", "2026-12-01"); err != nil {
		t.Fatal(err)
	}
	text := pdfToText(t, shop)
	for _, want := range []string{"Stars n Bars", "6 Quai Antoine 1er, 98000 Monaco", "Tuesday 1 11:00–24:00", "Monday 7 11:00–24:00",
		"openmap.example.org/place/node/267901435", "Printed on 1 December 2026", "© OpenStreetMap contributors"} {
		if !strings.Contains(text, want) {
			t.Errorf("shop poster lacks %q: %s", want, text)
		}
	}
	// Flags before and after the place are all read; a second place is refused.
	between := filepath.Join(dir, "between.pdf")
	if _, _, err := runCmd(t, env, "sign", "shop", "--lang", "en", "node/267901435", "-o", between); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(between); err != nil {
		t.Errorf("-o after the place was ignored: %v", err)
	}
	if _, _, err := runCmd(t, env, "sign", "shop", "node/267901435", "node/1", "-o", between); !errors.Is(err, errUsage) {
		t.Errorf("two places: %v, want a usage error", err)
	}
	if _, _, err := runCmd(t, env, "sign", "shop", "way/1", "-o", filepath.Join(dir, "x.pdf")); !errors.Is(err, errUsage) {
		t.Errorf("unknown place: %v, want a usage error", err)
	}

	area := filepath.Join(dir, "area.pdf")
	if _, _, err := runCmd(t, env, "sign", "area", "--lat", "43.7396", "--lon", "7.4271", "--pad", "https://pad.chapril.org/p/abcdefghij", "-o", area, "--date", "2026-12-01"); err != nil {
		t.Fatal(err)
	}
	text = pdfToText(t, area)
	for _, want := range []string{"Ouvert près d'ici", "Lieux à moins de 500 m de 43.73960, 7.42710", "Pharmacie", "Page 1 / ", "© OpenStreetMap contributors"} {
		if !strings.Contains(text, want) {
			t.Errorf("area sheet lacks %q: %s", want, text)
		}
	}
}

// openmap sign shop prints the status the residents' reports make, as the
// server does (api.Posters): two agreeing reports confirm "closed".
func TestSignShopShowsReports(t *testing.T) {
	db := monacoDB(t)
	ctx := context.Background()
	st, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	yes := true
	id := geo.PlaceID{Type: geo.Node, ID: 268113123} // the Spar, open by OSM's hours
	for i, who := range []string{"contributor-one", "contributor-two"} {
		r := store.NewReport{Place: id, Status: geo.StatusClosed, Takeaway: &yes, Remark: "Fermé pour inventaire",
			At: time.Now().Add(time.Duration(i-2) * time.Hour), Contributor: []byte(who)}
		if _, err := st.AddReport(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "shop.pdf")
	env := map[string]string{"OPENMAP_DB": db, "OPENMAP_BASE_URL": "https://openmap.example.org"}
	if _, _, err := runCmd(t, env, "sign", "shop", "node/268113123", "-o", out, "--lang", "fr"); err != nil {
		t.Fatal(err)
	}
	text := pdfToText(t, out)
	for _, want := range []string{"FERMÉ TEMPORAIREMENT", "Spar", "À emporter oui", "Fermé pour inventaire", "openmap.example.org/place/node/268113123"} {
		if !strings.Contains(text, want) {
			t.Errorf("shop poster lacks %q: %s", want, text)
		}
	}
	if _, _, err := runCmd(t, env, "sign", "shop", "node/268113123", "-o", out, "--tz", "Mars/Olympus"); !errors.Is(err, errUsage) {
		t.Errorf("unknown --tz: %v, want a usage error", err)
	}
}

// serve refuses a bad pad host configuration before it listens, whether
// from the flags or from OPENMAP_PAD_HOST(S).
func TestServePadHostConfig(t *testing.T) {
	db := filepath.Join(t.TempDir(), "any.db")
	if err := os.WriteFile(db, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for name, env := range map[string]map[string]string{
		"not http":     {"OPENMAP_PAD_HOST": "ftp://pad.example.org/p/"},
		"missing list": {"OPENMAP_PAD_HOSTS": filepath.Join(t.TempDir(), "none.json")},
		"both":         {"OPENMAP_PAD_HOST": "https://pad.example.org/p/", "OPENMAP_PAD_HOSTS": db},
	} {
		env["OPENMAP_ADDR"] = "127.0.0.1:0"
		if _, _, err := runCmd(t, env, "serve", "--db", db); !errors.Is(err, errUsage) || !strings.Contains(err.Error(), "pad") {
			t.Errorf("%s: %v, want a usage error about the pad host", name, err)
		}
	}
}
