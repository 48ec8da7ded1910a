package signs

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/gomono"
	"golang.org/x/image/font/gofont/goregular"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

var fixedNow = time.Date(2026, time.December, 1, 18, 30, 0, 0, time.UTC)

func ptr(b bool) *bool { return &b }

func sampleShop(l Lang) Shop {
	s := Shop{
		Name:     "Boulangerie Pâtisserie Élodie & Fils",
		Kind:     "Boulangerie",
		Address:  "12 rue de l'Église, 06240 Beausoleil",
		Status:   StatusOpenAdapted,
		Delivery: ptr(false), Takeaway: ptr(true), Pickup: ptr(true),
		Remark: "Masque obligatoire à l'intérieur. Pain frais dès 7 h, même le dimanche.",
		URL:    "https://openmap.example.org/place/node/1234567890",
		Notes:  []string{"Fermé le vendredi 25 décembre (Noël)"},
	}
	days := []string{"lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"}
	if l == English {
		days = []string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}
		s.Kind, s.Notes, s.Remark = "Bakery", []string{"Closed on Friday 25 December (Christmas)"}, "Masks required inside."
	}
	closed := "fermé"
	if l == English {
		closed = "closed"
	}
	hours := []string{closed, "7:00–13:00, 15:30–19:30", "7:00–13:00, 15:30–19:30", "7:00–13:00, 15:30–19:30", "7:00–13:00, 15:30–19:30", "7:00–19:30", "7:00–12:30"}
	for i, d := range days {
		s.Week = append(s.Week, DayLine{Day: d, Text: hours[i]})
	}
	return s
}

func sampleNeighbour(l Lang) Neighbour {
	n := Neighbour{
		Title:    "Entraide au 12 rue des Lilas",
		Subtitle: "Courses, garde d'enfants, un café : écrivez ce dont vous avez besoin ou ce que vous proposez.",
		PadURL:   "https://pad.chapril.org/p/k3mzq8rwta",
		Host:     "Chapril (April)",
	}
	if l == English {
		n.Title, n.Subtitle = "Helping each other at 12 Lilac Street", "Shopping, childcare, a coffee: write what you need or what you offer."
	}
	return n
}

func sampleArea(l Lang) Area {
	a := Area{
		Title: "Ouvert près du 12 rue des Lilas", Where: "12 rue des Lilas, Beausoleil",
		Lat: 43.7402, Lon: 7.4211, Radius: 500,
		MapURL: "https://openmap.example.org/#17/43.74020/7.42110",
		PadURL: "https://pad.chapril.org/p/k3mzq8rwta",
		Groups: []AreaGroup{
			{Category: "Alimentation", Places: []AreaPlace{
				{Name: "Épicerie du Marché", Address: "3 place du Marché", Distance: 240, Status: StatusOpen, HoursText: "lun.–sam. 8:00–20:00"},
				{Name: "Boulangerie Pâtisserie Élodie & Fils", Address: "12 rue de l'Église", Distance: 85, Status: StatusOpenAdapted, HoursText: "mar.–dim. 7:00–13:00"},
			}},
			{Category: "Santé", Places: []AreaPlace{
				{Name: "Pharmacie des Moneghetti", Distance: 1240, Status: StatusPartial, HoursText: "lun.–ven. 9:00–19:00"},
				{Name: "Cabinet médical", Distance: 410, Status: StatusClosed},
			}},
		},
	}
	if l == English {
		a.Title = "Open near 12 Lilac Street"
	}
	return a
}

func render(t testing.TB, doc Poster, opts Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Render(&buf, doc, opts); err != nil {
		t.Fatalf("Render: %v", err)
	}
	return buf.Bytes()
}

// flat joins the text with single spaces, so a phrase wrapped over two
// lines still matches.
func flat(s string) string { return strings.Join(strings.Fields(s), " ") }

func TestRenderTexts(t *testing.T) {
	tests := []struct {
		name string
		doc  Poster
		lang Lang
		want []string
	}{
		{"shop fr", sampleShop(French), French, []string{
			"HORAIRES ADAPTÉS", "Boulangerie", "Boulangerie Pâtisserie Élodie & Fils", "12 rue de l'Église, 06240 Beausoleil",
			"Horaires", "lundi fermé", "mercredi 7:00–13:00, 15:30–19:30", "dimanche 7:00–12:30",
			"• Fermé le vendredi 25 décembre (Noël)", "Services", "Livraison non", "À emporter oui", "Retrait de commandes oui",
			"Remarque", "Masque obligatoire à l'intérieur. Pain frais dès 7 h, même le dimanche.",
			"Scannez pour voir ou mettre à jour ces informations", "openmap.example.org/place/node/1234567890",
			"Imprimé le 1er décembre 2026", "© OpenStreetMap contributors (ODbL)"}},
		{"shop en", sampleShop(English), English, []string{
			"ADAPTED HOURS", "Bakery", "Opening hours", "Monday closed", "Services", "Delivery no", "Takeaway yes", "Order pickup yes",
			"Remark", "Masks required inside.", "Scan to see or update this information", "Printed on 1 December 2026",
			"© OpenStreetMap contributors (ODbL)"}},
		{"neighbour fr", sampleNeighbour(French), French, []string{
			"Entraide au 12 rue des Lilas", "Courses, garde d'enfants, un café : écrivez ce dont vous avez besoin ou ce que vous proposez.",
			"pad.chapril.org/p/k3mzq8rwta", "Scannez ou tapez l'adresse pour écrire ensemble", "Ne pas jeter sur la voie publique",
			"Imprimé le 1er décembre 2026", "Pad hébergé par Chapril (April)"}},
		{"neighbour en", sampleNeighbour(English), English, []string{
			"Helping each other at 12 Lilac Street", "pad.chapril.org/p/k3mzq8rwta", "Do not litter", "Printed on 1 December 2026",
			"Pad hosted by Chapril (April)"}},
		{"area fr", sampleArea(French), French, []string{
			"Ouvert près du 12 rue des Lilas", "Lieux à moins de 500 m de 12 rue des Lilas, Beausoleil", "Imprimé le 1er décembre 2026",
			"La carte ici", "Le pad du quartier", "Alimentation", "Épicerie du Marché", "240 m", "ouvert · 3 place du Marché",
			"horaires adaptés · 12 rue de l'Église", "1,2 km", "fermé temporairement", "© OpenStreetMap contributors (ODbL)", "Page 1 / 1"}},
		{"area en", sampleArea(English), English, []string{
			"Open near 12 Lilac Street", "Places within 500 m of 12 rue des Lilas, Beausoleil", "Printed on 1 December 2026",
			"The map here", "The neighbourhood pad", "1.2 km", "adapted hours", "temporarily closed", "Page 1 of 1"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			text := flat(pdfText(t, render(t, tc.doc, Options{A4, tc.lang, fixedNow})))
			for _, w := range tc.want {
				if !strings.Contains(text, w) {
					t.Errorf("text lacks %q\ngot: %s", w, text)
				}
			}
		})
	}
}

func TestStatusHeadlines(t *testing.T) {
	tests := []struct {
		status Status
		fr, en string
	}{
		{StatusOpen, "OUVERT", "OPEN"},
		{StatusOpenAdapted, "HORAIRES ADAPTÉS", "ADAPTED HOURS"},
		{StatusPartial, "OUVERT PARTIELLEMENT", "PARTLY OPEN"},
		{StatusClosed, "FERMÉ TEMPORAIREMENT", "TEMPORARILY CLOSED"},
		{StatusGone, "FERMÉ DÉFINITIVEMENT", "PERMANENTLY CLOSED"},
		{StatusUnknown, "HORAIRES", "OPENING HOURS"},
	}
	for _, tc := range tests {
		t.Run(string(tc.status), func(t *testing.T) {
			s := sampleShop(French)
			s.Status = tc.status
			for l, want := range map[Lang]string{French: tc.fr, English: tc.en} {
				text := flat(pdfText(t, render(t, s, Options{A5, l, fixedNow})))
				// The headline is the first thing on the page.
				if !strings.HasPrefix(text, want+" ") {
					t.Errorf("%s: page starts %.40q, want %q", l, text, want)
				}
			}
		})
	}
}

// TestQRCodes reads every poster as a phone would: rasterised at 150 dpi,
// each QR code must decode to exactly the expected URL and nothing else.
func TestQRCodes(t *testing.T) {
	needTool(t, "pdftoppm", "zbarimg")
	dir := artifactDir(t)
	long := longShop()
	tests := []struct {
		name string
		doc  Poster
		size Size
		want []string
	}{
		{"shop", sampleShop(French), A4, []string{"https://openmap.example.org/place/node/1234567890"}},
		{"shop-A5", sampleShop(English), A5, []string{"https://openmap.example.org/place/node/1234567890"}},
		{"shop-long", long, A4, []string{long.URL}},
		{"neighbour", sampleNeighbour(French), A4, []string{"https://pad.chapril.org/p/k3mzq8rwta"}},
		{"neighbour-long", longNeighbour(), A5, []string{"https://pad.chapril.org/p/k3mzq8rwta"}},
		{"area", sampleArea(French), A4, []string{"https://openmap.example.org/#17/43.74020/7.42110", "https://pad.chapril.org/p/k3mzq8rwta"}},
		{"area-A5", sampleArea(English), A5, []string{"https://openmap.example.org/#17/43.74020/7.42110", "https://pad.chapril.org/p/k3mzq8rwta"}},
		{"area-long-Letter", longArea(), Letter, []string{"https://openmap.example.org/#17/43.74020/7.42110", "https://pad.chapril.org/p/k3mzq8rwta"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pngs := writePNGs(t, render(t, tc.doc, Options{tc.size, French, fixedNow}), dir, "qr-"+tc.name)
			got := qrTexts(t, pngs[0])
			if !sameSet(got, tc.want) {
				t.Errorf("QR codes decode to %q, want %q", got, tc.want)
			}
		})
	}
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	seen := map[string]int{}
	for _, s := range a {
		seen[s]++
	}
	for _, s := range b {
		if seen[s] == 0 {
			return false
		}
		seen[s]--
	}
	return true
}

// repeatTo repeats s (with spaces) up to exactly n runes.
func repeatTo(s string, n int) string {
	var b strings.Builder
	for b.Len() < 4*n {
		b.WriteString(s)
		b.WriteString(" ")
	}
	return string([]rune(b.String())[:n])
}

const longWord = "Épicerie-fine-Crèmerie-Fromagerie-Traiteur-de-la-Place-du-Marché-aux-Herbes-Élodie-et-Fils"

func longShop() Shop {
	s := sampleShop(French)
	s.Name = repeatTo("Épicerie fine Crèmerie Fromagerie Traiteur de la Place du Marché aux Herbes", 200)
	s.Kind = repeatTo("Commerce d'alimentation générale", 120)
	s.Address = repeatTo("Résidence les Glycines, bâtiment C, escalier 4, 127 boulevard du Général-de-Gaulle", 200)
	s.Remark = repeatTo("Nous livrons les personnes âgées du quartier le mardi et le vendredi ; appelez avant midi, merci de votre patience.", 1000)
	s.Notes = []string{repeatTo("Fermé exceptionnellement pour inventaire", 300), repeatTo("Ouvert le dimanche matin en décembre", 300)}
	for i := range s.Week {
		s.Week[i].Day = repeatTo(s.Week[i].Day+" très long", 60)
		s.Week[i].Text = repeatTo("7:00–9:00, 10:00–11:00, 12:00–13:00, 14:00–15:00, 16:00–17:00", 300)
	}
	s.URL = "https://openmap.example.org/place/relation/" + strings.Repeat("9", 12) + "?from=" + strings.Repeat("x", 120)
	return s
}

func longNeighbour() Neighbour {
	n := sampleNeighbour(French)
	n.Title = repeatTo(longWord, 200)
	n.Subtitle = repeatTo("Bonjour à toutes et à tous ! Ce pad sert à nous entraider : courses, pharmacie, garde d'enfants, un appel pour prendre des nouvelles.\n", 1000)
	n.Host = repeatTo("Association pour la promotion et la défense du logiciel libre", 200)
	return n
}

func longArea() Area {
	a := sampleArea(French)
	a.Title = repeatTo("Ce qui est ouvert autour de la Résidence des Glycines et du square Édouard-Herriot", 200)
	a.Where = repeatTo("Résidence les Glycines, 127 boulevard du Général-de-Gaulle", 200)
	g := &a.Groups[0]
	g.Category = repeatTo("Alimentation générale, épiceries, supérettes et marchés couverts", 200)
	g.Places = append(g.Places, AreaPlace{
		Name: repeatTo(longWord, 200), Address: repeatTo("Galerie marchande, niveau -1", 200), Distance: 12,
		Status: StatusPartial, HoursText: repeatTo("Mo-Fr 08:00-12:00,14:00-19:00; Sa 08:00-12:00; PH off", 1000),
	})
	return a
}

// TestEverySizeAndLang renders every poster, including the ones with a
// 200-character name and a 1,000-character message, in every size and
// language, and checks with pdftotext -bbox that the page has the size asked
// and that every word sits inside it, 3 mm from the edge at least.
func TestEverySizeAndLang(t *testing.T) {
	docs := []struct {
		name  string
		doc   Poster
		title string // what the page must show of the title
	}{
		{"shop", sampleShop(French), "Boulangerie Pâtisserie Élodie & Fils"},
		{"shop-long", longShop(), "Épicerie fine Crèmerie"},
		{"neighbour", sampleNeighbour(English), "Helping each other at 12 Lilac Street"},
		{"neighbour-long", longNeighbour(), "Épicerie-fine-Crèmerie"},
		{"area", sampleArea(French), "Ouvert près du 12 rue des Lilas"},
		{"area-long", longArea(), "Ce qui est ouvert autour"},
	}
	for _, d := range docs {
		for _, z := range Sizes() {
			for _, l := range Langs() {
				t.Run(fmt.Sprintf("%s/%s/%s", d.name, z, l), func(t *testing.T) {
					pdf := render(t, d.doc, Options{z, l, fixedNow})
					w, h, _ := z.dims()
					pages := pdfBoxes(t, pdf)
					for _, pg := range pages {
						if abs(pg.Width-w/ptToMM) > 1 || abs(pg.Height-h/ptToMM) > 1 {
							t.Errorf("page is %.1f×%.1f pt, want %.1f×%.1f", pg.Width, pg.Height, w/ptToMM, h/ptToMM)
						}
					}
					checkInside(t, pdf, 3/ptToMM)
					for _, o := range overlaps(pages) {
						t.Error(o)
					}
					// Long words are cut at the edge, so compare without spaces.
					text := strings.ReplaceAll(flat(pdfText(t, pdf)), " ", "")
					if want := strings.ReplaceAll(d.title, " ", ""); !strings.Contains(text, want) {
						t.Errorf("title %q missing from %q", d.title, text)
					}
				})
			}
		}
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

func TestRenderErrors(t *testing.T) {
	ok := Options{A4, French, fixedNow}
	shop := sampleShop(French)
	nb := sampleNeighbour(French)
	area := sampleArea(French)
	with := func(f func(*Shop)) Shop { s := shop; f(&s); return s }
	withN := func(f func(*Neighbour)) Neighbour { n := nb; f(&n); return n }
	withA := func(f func(*Area)) Area { a := area; f(&a); return a }
	tests := []struct {
		name string
		doc  Poster
		opts Options
		want error
	}{
		{"unknown size", shop, Options{"B5", French, fixedNow}, ErrSize},
		{"empty size", shop, Options{"", French, fixedNow}, ErrSize},
		{"unknown lang", shop, Options{A4, "de", fixedNow}, ErrLang},
		{"shop without name or kind", with(func(s *Shop) { s.Name, s.Kind = " ", "" }), ok, ErrTitle},
		{"shop status", with(func(s *Shop) { s.Status = "maybe" }), ok, ErrStatus},
		{"shop relative url", with(func(s *Shop) { s.URL = "/place/node/1" }), ok, ErrURL},
		{"shop javascript url", with(func(s *Shop) { s.URL = "javascript:alert(1)" }), ok, ErrURL},
		{"shop url too long", with(func(s *Shop) { s.URL = "https://x.org/" + strings.Repeat("a", 3000) }), ok, ErrTooLong},
		{"neighbour empty title", withN(func(n *Neighbour) { n.Title = "  \n" }), ok, ErrTitle},
		{"neighbour ftp pad", withN(func(n *Neighbour) { n.PadURL = "ftp://pad.example.org/p/x" }), ok, ErrPadURL},
		{"neighbour no pad", withN(func(n *Neighbour) { n.PadURL = "" }), ok, ErrPadURL},
		{"neighbour pad without host", withN(func(n *Neighbour) { n.PadURL = "https:///p/x" }), ok, ErrPadURL},
		{"area empty title", withA(func(a *Area) { a.Title = "" }), ok, ErrTitle},
		{"area centre", withA(func(a *Area) { a.Lat = 91 }), ok, ErrCenter},
		{"area map url", withA(func(a *Area) { a.MapURL = "data:text/html,x" }), ok, ErrURL},
		{"area pad url", withA(func(a *Area) { a.PadURL = "mailto:a@b.c" }), ok, ErrPadURL},
		{"area place status", withA(func(a *Area) {
			a.Groups = []AreaGroup{{Category: "x", Places: []AreaPlace{{Name: "y", Status: "??"}}}}
		}), ok, ErrStatus},
		{"nil doc", nil, ok, ErrDoc},
		{"pointer doc", &shop, ok, ErrDoc},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			err := Render(&buf, tc.doc, tc.opts)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Render error = %v, want %v", err, tc.want)
			}
			if buf.Len() != 0 {
				t.Errorf("Render wrote %d bytes before failing", buf.Len())
			}
		})
	}
}

func TestParseSizeLang(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Size
		err  error
	}{{"", A4, nil}, {"a5", A5, nil}, {"A3", A3, nil}, {"LETTER", Letter, nil}, {"A6", "", ErrSize}} {
		got, err := ParseSize(tc.in)
		if got != tc.want || !errors.Is(err, tc.err) {
			t.Errorf("ParseSize(%q) = %q, %v; want %q, %v", tc.in, got, err, tc.want, tc.err)
		}
	}
	for _, tc := range []struct {
		in   string
		want Lang
		err  error
	}{{"", French, nil}, {"fr-FR", French, nil}, {"EN", English, nil}, {"de", "", ErrLang}} {
		got, err := ParseLang(tc.in)
		if got != tc.want || !errors.Is(err, tc.err) {
			t.Errorf("ParseLang(%q) = %q, %v; want %q, %v", tc.in, got, err, tc.want, tc.err)
		}
	}
}

// TestGolden keeps what a person reads on each poster (pdftotext -layout)
// and the SHA-256 of the PDF itself in testdata/; go test -update rewrites
// them. Rendering twice must also give the same bytes.
func TestGolden(t *testing.T) {
	tests := []struct {
		name string
		doc  Poster
		opts Options
	}{
		{"shop-A4-fr", sampleShop(French), Options{A4, French, fixedNow}},
		{"shop-Letter-en", sampleShop(English), Options{Letter, English, fixedNow}},
		{"neighbour-A5-fr", sampleNeighbour(French), Options{A5, French, fixedNow}},
		{"neighbour-A3-en", sampleNeighbour(English), Options{A3, English, fixedNow}},
		{"area-A4-fr", sampleArea(French), Options{A4, French, fixedNow}},
	}
	needTool(t, "pdftotext")
	var sums strings.Builder
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pdf := render(t, tc.doc, tc.opts)
			if again := render(t, tc.doc, tc.opts); !bytes.Equal(pdf, again) {
				t.Fatal("two renderings of the same poster differ")
			}
			fmt.Fprintf(&sums, "%x  %s.pdf\n", sha256.Sum256(pdf), tc.name)
			text := string(run(t, pdf, "pdftotext", "-layout", "-enc", "UTF-8", "-", "-"))
			golden(t, tc.name+".txt", text)
		})
	}
	golden(t, "pdf.sha256", sums.String())
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the golden file (go test -update to accept):\n--- got ---\n%s\n--- want ---\n%s", name, got, want)
	}
}

// TestHelsinkiPaginates prints the sheet for a dense real city centre: it
// must run over several pages, each with the repeated header, its page
// number out of the total and the OSM attribution, every place once, every
// word inside the page, and the QR codes readable on the first page.
func TestHelsinkiPaginates(t *testing.T) {
	a := helsinkiArea(t, 500)
	places := 0
	for _, g := range a.Groups {
		places += len(g.Places)
	}
	if places < 300 {
		t.Fatalf("only %d places read from %s", places, helsinkiPBF)
	}
	for _, z := range []Size{A4, A5} {
		t.Run(string(z), func(t *testing.T) {
			pdf := render(t, a, Options{z, French, fixedNow})
			pages := pdfBoxes(t, pdf)
			if len(pages) < 3 {
				t.Fatalf("%d places on %d pages; want a sheet that paginates", places, len(pages))
			}
			checkInside(t, pdf, 3/ptToMM)
			for _, o := range overlaps(pages) {
				t.Error(o)
			}
			for i, pg := range pages {
				var words []string
				for _, w := range pg.Words {
					words = append(words, w.Text)
				}
				text := strings.Join(words, " ")
				for _, want := range []string{"Ouvert près de la gare de Helsinki", fmt.Sprintf("Page %d / %d", i+1, len(pages)), "© OpenStreetMap contributors (ODbL)"} {
					if !strings.Contains(text, want) {
						t.Errorf("page %d lacks %q", i+1, want)
					}
				}
			}
			// Every place printed exactly once: one distance label ("128 m",
			// "1,2 km") per place, plus the radius in the first page's header.
			units := 0
			for _, pg := range pages {
				for _, w := range pg.Words {
					if w.Text == "m" || w.Text == "km" {
						units++
					}
				}
			}
			if units-1 != places {
				t.Errorf("%d distance labels for %d places", units-1, places)
			}
			if z == A4 {
				png := writeFirstPNG(t, pdf, artifactDir(t), "helsinki-A4-fr")
				if got := qrTexts(t, png); !sameSet(got, []string{a.MapURL, a.PadURL}) {
					t.Errorf("first page QR codes = %q", got)
				}
			}
		})
	}
}

// TestPosterImages saves a PNG of each poster in artifacts/signs for people
// to look at; it checks only that rasterising works.
func TestPosterImages(t *testing.T) {
	if testing.Short() {
		t.Skip("images only")
	}
	dir := artifactDir(t)
	for _, l := range Langs() {
		writePNGs(t, render(t, sampleShop(l), Options{A4, l, fixedNow}), dir, "shop-A4-"+string(l))
		writePNGs(t, render(t, sampleNeighbour(l), Options{A4, l, fixedNow}), dir, "neighbour-A4-"+string(l))
		writePNGs(t, render(t, sampleArea(l), Options{A4, l, fixedNow}), dir, "area-A4-"+string(l))
	}
	writePNGs(t, render(t, longShop(), Options{A5, French, fixedNow}), dir, "shop-long-A5-fr")
	writePNGs(t, render(t, longNeighbour(), Options{Letter, English, fixedNow}), dir, "neighbour-long-Letter-en")
	writePNGs(t, render(t, longArea(), Options{A4, French, fixedNow}), dir, "area-long-A4-fr")
}

func BenchmarkShopPoster(b *testing.B) {
	s := sampleShop(French)
	opts := Options{A4, French, fixedNow}
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := Render(&buf, s, opts); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len()), "bytes/pdf")
}

// TestFontsUntouched guards the copy made in newPage: rendering must leave
// the shared gofont bytes as they were (fpdf writes into what it is given).
func TestFontsUntouched(t *testing.T) {
	before := [][]byte{bytes.Clone(goregular.TTF), bytes.Clone(gobold.TTF), bytes.Clone(gomono.TTF)}
	render(t, sampleShop(French), Options{A4, French, fixedNow})
	render(t, sampleNeighbour(English), Options{A5, English, fixedNow})
	for i, now := range [][]byte{goregular.TTF, gobold.TTF, gomono.TTF} {
		if !bytes.Equal(before[i], now) {
			t.Errorf("font %d was modified by rendering", i)
		}
	}
}

// TestOutsideCanFail shows the layout checks are not blind: a word drawn
// past the right edge of an A4 page with plain fpdf is reported, and so are
// two words printed over each other.
func TestOutsideCanFail(t *testing.T) {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.AddPage()
	pdf.SetFont("Helvetica", "", 12)
	pdf.Text(20, 20, "inside")
	pdf.Text(200, 40, "overflowing")
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		t.Fatal(err)
	}
	got := outside(pdfBoxes(t, buf.Bytes()), 3/ptToMM)
	if len(got) != 1 || !strings.Contains(got[0], "overfl") {
		t.Errorf("outside = %q, want one report for the overflowing word", got)
	}

	pdf = fpdf.New("P", "mm", "A4", "")
	pdf.AddPage()
	pdf.SetFont("Helvetica", "", 12)
	pdf.Text(20, 20, "under")
	pdf.Text(22, 21, "over")
	pdf.Text(20, 40, "alone")
	buf.Reset()
	if err := pdf.Output(&buf); err != nil {
		t.Fatal(err)
	}
	if got := overlaps(pdfBoxes(t, buf.Bytes())); len(got) != 1 || !strings.Contains(got[0], "under") {
		t.Errorf("overlaps = %q, want one report for under/over", got)
	}
}

// TestRenderConcurrent renders posters from several goroutines; with -race
// it catches any state shared between renderings (fpdf once wrote into the
// shared font bytes).
func TestRenderConcurrent(t *testing.T) {
	want := render(t, sampleShop(French), Options{A4, French, fixedNow})
	done := make(chan []byte)
	for i := 0; i < 4; i++ {
		go func() {
			var buf bytes.Buffer
			if err := Render(&buf, sampleShop(French), Options{A4, French, fixedNow}); err != nil {
				t.Error(err)
			}
			done <- buf.Bytes()
		}()
	}
	for i := 0; i < 4; i++ {
		if got := <-done; !bytes.Equal(got, want) {
			t.Error("a concurrent rendering differs")
		}
	}
}

func BenchmarkNeighbourPoster(b *testing.B) {
	n := sampleNeighbour(French)
	opts := Options{A4, French, fixedNow}
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := Render(&buf, n, opts); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAreaSheetHelsinki prints the 500 m sheet of a dense city centre
// (over 500 places, many pages).
func BenchmarkAreaSheetHelsinki(b *testing.B) {
	a := helsinkiArea(b, 500)
	opts := Options{A4, French, fixedNow}
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := Render(&buf, a, opts); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len()), "bytes/pdf")
}
