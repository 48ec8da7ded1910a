package signs

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// needTool skips the test when an external judge is missing, except in CI
// where it must be installed.
func needTool(t testing.TB, names ...string) {
	t.Helper()
	for _, n := range names {
		if _, err := exec.LookPath(n); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s is required in CI: %v", n, err)
			}
			t.Skipf("%s not installed", n)
		}
	}
}

// artifactDir is where rendered PDFs and PNGs are kept for people to look
// at (git-ignored).
func artifactDir(t testing.TB) string {
	t.Helper()
	d := filepath.Join("..", "artifacts", "signs")
	if err := os.MkdirAll(d, 0o755); err != nil {
		t.Fatal(err)
	}
	return d
}

func run(t testing.TB, stdin []byte, name string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Stdin = bytes.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, errb.String())
	}
	return out.Bytes()
}

// pdfText is what pdftotext reads in a PDF, in reading order.
func pdfText(t testing.TB, pdf []byte) string {
	t.Helper()
	needTool(t, "pdftotext")
	return string(run(t, pdf, "pdftotext", "-enc", "UTF-8", "-", "-"))
}

// writePNGs rasterises every page at 150 dpi into dir/name-N.png and
// returns the files.
func writePNGs(t testing.TB, pdf []byte, dir, name string) []string {
	t.Helper()
	return rasterise(t, pdf, dir, name)
}

// writeFirstPNG rasterises only the first page.
func writeFirstPNG(t testing.TB, pdf []byte, dir, name string) string {
	t.Helper()
	return rasterise(t, pdf, dir, name, "-f", "1", "-l", "1")[0]
}

func rasterise(t testing.TB, pdf []byte, dir, name string, opts ...string) []string {
	t.Helper()
	needTool(t, "pdftoppm")
	pdfPath := filepath.Join(dir, name+".pdf")
	if err := os.WriteFile(pdfPath, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	prefix := filepath.Join(dir, name)
	for _, old := range must(filepath.Glob(prefix + "-*.png")) {
		os.Remove(old)
	}
	run(t, nil, "pdftoppm", append(append([]string{"-r", "150", "-png"}, opts...), pdfPath, prefix)...)
	files, err := filepath.Glob(prefix + "-*.png")
	if err != nil || len(files) == 0 {
		t.Fatalf("pdftoppm made no PNG for %s: %v", name, err)
	}
	return files
}

// qrTexts decodes every QR code on one PNG with zbarimg.
func qrTexts(t testing.TB, png string) []string {
	t.Helper()
	needTool(t, "zbarimg")
	cmd := exec.Command("zbarimg", "--raw", "-q", "-Sdisable", "-Sqrcode.enable", png)
	out, err := cmd.Output()
	if err != nil {
		// Exit status 4 means no symbol found.
		return nil
	}
	var res []string
	for _, l := range strings.Split(strings.TrimRight(string(out), "\n"), "\n") {
		if l != "" {
			res = append(res, l)
		}
	}
	return res
}

// bboxPage is pdftotext -bbox output: pages with their words' boxes, in
// points, origin top left.
type bboxPage struct {
	Width  float64    `xml:"width,attr"`
	Height float64    `xml:"height,attr"`
	Words  []bboxWord `xml:"word"`
}

type bboxWord struct {
	XMin float64 `xml:"xMin,attr"`
	YMin float64 `xml:"yMin,attr"`
	XMax float64 `xml:"xMax,attr"`
	YMax float64 `xml:"yMax,attr"`
	Text string  `xml:",chardata"`
}

func pdfBoxes(t testing.TB, pdf []byte) []bboxPage {
	t.Helper()
	needTool(t, "pdftotext")
	out := run(t, pdf, "pdftotext", "-bbox", "-enc", "UTF-8", "-", "-")
	var doc struct {
		Body struct {
			Doc struct {
				Pages []bboxPage `xml:"page"`
			} `xml:"doc"`
		} `xml:"body"`
	}
	dec := xml.NewDecoder(bytes.NewReader(out))
	dec.Strict = false
	dec.AutoClose = xml.HTMLAutoClose
	dec.Entity = xml.HTMLEntity
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("read pdftotext -bbox: %v", err)
	}
	return doc.Body.Doc.Pages
}

// checkInside fails when a word of the PDF is not at least inset points
// inside its page.
func checkInside(t testing.TB, pdf []byte, inset float64) {
	t.Helper()
	pages := pdfBoxes(t, pdf)
	if len(pages) == 0 {
		t.Fatal("pdftotext -bbox found no page")
	}
	for _, o := range outside(pages, inset) {
		t.Error(o)
	}
}

// outside lists the words that are not at least inset points inside their
// page.
func outside(pages []bboxPage, inset float64) []string {
	var out []string
	for i, pg := range pages {
		for _, w := range pg.Words {
			if w.XMin < inset || w.YMin < inset || w.XMax > pg.Width-inset || w.YMax > pg.Height-inset {
				out = append(out, fmt.Sprintf("page %d (%.0f×%.0f pt): word %q at [%.1f,%.1f]-[%.1f,%.1f] is outside the printable area",
					i+1, pg.Width, pg.Height, w.Text, w.XMin, w.YMin, w.XMax, w.YMax))
			}
		}
	}
	return out
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// overlaps lists pairs of words whose boxes overlap on a page: text printed
// over other text, which nobody can read. Boxes are shrunk by a fifth of
// their height first, since lines that merely touch are fine.
func overlaps(pages []bboxPage) []string {
	var out []string
	for i, pg := range pages {
		ws := pg.Words
		for a := range ws {
			for b := a + 1; b < len(ws); b++ {
				if boxOverlap(ws[a], ws[b]) {
					out = append(out, fmt.Sprintf("page %d: %q [%.1f,%.1f]-[%.1f,%.1f] overlaps %q [%.1f,%.1f]-[%.1f,%.1f]",
						i+1, ws[a].Text, ws[a].XMin, ws[a].YMin, ws[a].XMax, ws[a].YMax, ws[b].Text, ws[b].XMin, ws[b].YMin, ws[b].XMax, ws[b].YMax))
				}
			}
		}
	}
	return out
}

func boxOverlap(a, b bboxWord) bool {
	ia := (a.YMax - a.YMin) / 5
	ib := (b.YMax - b.YMin) / 5
	return a.XMin+ia < b.XMax-ib && b.XMin+ib < a.XMax-ia &&
		a.YMin+ia < b.YMax-ib && b.YMin+ib < a.YMax-ia
}
