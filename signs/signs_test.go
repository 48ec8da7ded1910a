package signs

import (
	"bytes"
	"testing"
	"time"
)

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
	hours := []string{"fermé", "7:00–13:00, 15:30–19:30", "7:00–13:00, 15:30–19:30", "7:00–13:00, 15:30–19:30", "7:00–13:00, 15:30–19:30", "7:00–19:30", "7:00–12:30"}
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

func render(t testing.TB, doc Poster, opts Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Render(&buf, doc, opts); err != nil {
		t.Fatalf("Render: %v", err)
	}
	return buf.Bytes()
}

func TestLook(t *testing.T) {
	dir := artifactDir(t)
	for _, l := range Langs() {
		writePNGs(t, render(t, sampleShop(l), Options{A4, l, fixedNow}), dir, "shop-A4-"+string(l))
		writePNGs(t, render(t, sampleNeighbour(l), Options{A4, l, fixedNow}), dir, "neighbour-A4-"+string(l))
	}
}

func TestLookArea(t *testing.T) {
	a := helsinkiArea(t, 500)
	n := 0
	for _, g := range a.Groups {
		n += len(g.Places)
	}
	t.Logf("%d places in %d groups", n, len(a.Groups))
	dir := artifactDir(t)
	writePNGs(t, render(t, a, Options{A4, French, fixedNow}), dir, "area-A4-fr")
}
