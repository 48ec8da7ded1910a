package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"codeberg.org/openmap/openmap/geo"
	"codeberg.org/openmap/openmap/internal/store"
	"codeberg.org/openmap/openmap/static"
	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/paulmach/orb"
)

// chromiumPath finds Debian's chromium: skip without it, fail in CI.
func chromiumPath(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("chromium is not installed (apt-get install chromium)")
	}
	t.Skip("chromium is not installed")
	return ""
}

// browser is one headless chromium with everything it did recorded.
type browser struct {
	t        *testing.T
	ctx      context.Context // the first tab
	alloc    context.Context
	shotDir  string
	mu       sync.Mutex
	requests []string // every URL the pages asked for
	problems []string // JS exceptions, console errors, CSP reports
	dialogs  []string // alert()/confirm() opened: an XSS would show here
	keys     []string // X-Openmap-Contributor of each report the map sent
	urls     map[network.RequestID]string
	wire     map[network.RequestID]float64 // bytes received, headers included
}

// act is a browser action with no result.
type act = chromedp.Action[chromedp.Void]

func newBrowser(t *testing.T) *browser {
	exe := chromiumPath(t)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.NoSandbox,
		chromedp.Headless,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-features", "Translate,MediaRouter,OptimizationHints"),
		chromedp.Flag("lang", "en-US"),
		chromedp.Flag("accept-lang", "en-US,en"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1200, 800),
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	b := &browser{t: t, alloc: alloc, urls: map[network.RequestID]string{}, wire: map[network.RequestID]float64{}}
	b.shotDir = filepath.Join(repoRoot(t), "artifacts", "e2e")
	// Screenshots of an earlier run would pass for this one's.
	if old, _ := filepath.Glob(filepath.Join(b.shotDir, "*.png")); len(old) > 0 {
		for _, f := range old {
			os.Remove(f)
		}
	}
	if err := os.MkdirAll(b.shotDir, 0o755); err != nil {
		t.Fatal(err)
	}
	b.ctx = b.tab()
	return b
}

// tab opens a new tab whose requests, errors and dialogs are recorded.
func (b *browser) tab() context.Context {
	parent := b.alloc
	if b.ctx != nil {
		parent = b.ctx
	}
	ctx, cancel := chromedp.NewContext(parent)
	b.t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		b.t.Fatalf("start chromium: %v", err)
	}
	err := chromedp.Listen(ctx, func(ev any) {
		b.mu.Lock()
		defer b.mu.Unlock()
		switch ev := ev.(type) {
		case *network.EventRequestWillBeSent:
			b.requests = append(b.requests, ev.Request.URL)
			b.urls[ev.RequestID] = ev.Request.URL
			if ev.Request.Method == "POST" && strings.HasSuffix(ev.Request.URL, "/reports") {
				k, _ := ev.Request.Headers["X-Openmap-Contributor"].(string)
				b.keys = append(b.keys, k)
			}
		case *network.EventLoadingFinished:
			b.wire[ev.RequestID] = ev.EncodedDataLength
		case *runtime.EventExceptionThrown:
			b.problems = append(b.problems, fmt.Sprintf("exception: %s %v", ev.ExceptionDetails.Text, ev.ExceptionDetails.Exception))
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeWarning {
				var parts []string
				for _, a := range ev.Args {
					parts = append(parts, string(a.Value))
				}
				b.problems = append(b.problems, "console: "+strings.Join(parts, " "))
			}
		case *cdplog.EventEntryAdded:
			// The no-JS form answers a refused report with the page and a
			// 4xx status, which the browser logs; that one is expected.
			expected := ev.Entry.Source == cdplog.EntrySourceNetwork && strings.HasSuffix(ev.Entry.URL, "/report") &&
				strings.Contains(ev.Entry.Text, "status of 4")
			// The fallback step blocks Leaflet on purpose.
			expected = expected || strings.Contains(ev.Entry.Text, "ERR_BLOCKED_BY_CLIENT")
			if !expected && (ev.Entry.Level == cdplog.EntryLevelError || ev.Entry.Source == cdplog.EntrySourceSecurity) {
				b.problems = append(b.problems, fmt.Sprintf("log %s: %s (%s)", ev.Entry.Source, ev.Entry.Text, ev.Entry.URL))
			}
		case *page.EventJavascriptDialogOpening:
			b.dialogs = append(b.dialogs, ev.Message)
			go chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{})
		}
	})
	if err != nil {
		b.t.Fatal(err)
	}
	for _, f := range []func() error{
		func() error { _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); return err },
		func() error { _, err := chromedp.Call(ctx, cdplog.Enable, cdp.Empty{}); return err },
		func() error { _, err := chromedp.Call(ctx, runtime.Enable, cdp.Empty{}); return err },
		func() error { _, err := chromedp.Call(ctx, page.Enable, page.EnableParams{}); return err },
	} {
		if err := f(); err != nil {
			b.t.Fatal(err)
		}
	}
	return ctx
}

// fail stops the test with the step, a screenshot and what the browser said.
func (b *browser) fail(ctx context.Context, step string, err error) {
	b.t.Helper()
	b.shot(ctx, "failed-"+strings.ReplaceAll(step, " ", "-"))
	b.mu.Lock()
	probs := strings.Join(b.problems, "\n")
	b.mu.Unlock()
	b.t.Fatalf("%s: %v\nbrowser problems so far:\n%s", step, err, probs)
}

// do runs actions on ctx within a time limit.
func (b *browser) do(ctx context.Context, step string, steps ...act) {
	b.t.Helper()
	c, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(c, steps...); err != nil {
		b.fail(ctx, step, err)
	}
}

// get runs one action that gives a value.
func get[T any](b *browser, ctx context.Context, step string, a chromedp.Action[T]) T {
	b.t.Helper()
	c, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	v, err := chromedp.Run(c, a)
	if err != nil {
		b.fail(ctx, step, err)
	}
	return v
}

// shot saves a screenshot of the tab's viewport as artifacts/e2e/NAME.png.
func (b *browser) shot(ctx context.Context, name string) {
	c, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	png, err := chromedp.Run(c, chromedp.CaptureScreenshot())
	if err != nil {
		b.t.Logf("screenshot %s: %v", name, err)
		return
	}
	p := filepath.Join(b.shotDir, name+".png")
	if err := os.WriteFile(p, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
	b.t.Logf("screenshot %s", p)
}

func visible(sel string) act                   { return chromedp.WaitVisible(chromedp.CSS(sel)) }
func ready(sel string) act                     { return chromedp.WaitReady(chromedp.CSS(sel)) }
func click(sel string) act                     { return chromedp.Click(chromedp.CSS(sel)) }
func keys(sel, v string) act                   { return chromedp.SendKeys(chromedp.CSS(sel), v) }
func text(sel string) chromedp.Action[string]  { return chromedp.Text(chromedp.CSS(sel)) }
func value(sel string) chromedp.Action[string] { return chromedp.Value(chromedp.CSS(sel)) }
func count(sel string) chromedp.Action[int] {
	return chromedp.Evaluate[int](fmt.Sprintf("document.querySelectorAll(%q).length", sel))
}
func attr(sel, name string) chromedp.Action[string] {
	return func(ctx context.Context, t *chromedp.Target) (string, error) {
		r, err := chromedp.AttributeValue(chromedp.CSS(sel), name)(ctx, t)
		return r.Value, err
	}
}

// clear empties an input as a person selecting all and deleting would,
// with the input event the page listens to.
func clear(sel string) act {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.Evaluate[bool](fmt.Sprintf(`(() => { const e = document.querySelector(%q); e.value = ''; e.dispatchEvent(new Event('input', {bubbles: true})); return true })()`, sel))(ctx, t)
		return err
	})
}

// namedPlaces returns active places with a name near the centre, nearest first.
func namedPlaces(t *testing.T, st *store.Store, center orb.Point, n int) []geo.Place {
	ps, err := st.PlacesNear(context.Background(), center, 600, 200)
	if err != nil {
		t.Fatal(err)
	}
	var out []geo.Place
	for _, p := range ps {
		if p.Name != "" && p.ID != xssID && p.State == geo.Active && !strings.ContainsAny(p.Name, `"'\`) {
			out = append(out, p)
		}
		if len(out) == n {
			break
		}
	}
	if len(out) < n {
		t.Fatalf("only %d named places near %v", len(out), center)
	}
	return out
}

// accentedPlace is a place near center whose name has an accent.
func accentedPlace(t *testing.T, st *store.Store, center orb.Point) geo.Place {
	ps, err := st.PlacesNear(context.Background(), center, 2000, 2000)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		if p.Name != "" && geo.Fold(p.Name) != strings.ToLower(p.Name) && len(geo.Fold(p.Name)) > 5 {
			return p
		}
	}
	t.Fatal("no place with an accented name in the extract")
	return geo.Place{}
}

// apiPlace reads a place from the server's JSON API, as any client would.
func apiPlace(t *testing.T, base string, id geo.PlaceID) map[string]any {
	res, err := http.Get(base + "/api/v1/places/" + id.String() + "?lang=en")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("GET place %v: %s", id, res.Status)
	}
	var m map[string]any
	if err := json.NewDecoder(res.Body).Decode(&m); err != nil {
		t.Fatal(err)
	}
	return m
}

func statusOf(m map[string]any) string {
	st, _ := m["status"].(map[string]any)
	s, _ := st["status"].(string)
	return s
}

func viewHash(p geo.Place, zoom int) string {
	return fmt.Sprintf("#%d/%.6f/%.6f", zoom, p.Location[1], p.Location[0])
}

func marker(id geo.PlaceID) string { return fmt.Sprintf(`.place-icon[data-id="%s"]`, id) }

// TestBrowser walks through the map and the pages as a resident would.
func TestBrowser(t *testing.T) {
	b := newBrowser(t)
	srv, st, tiles, tileHits := startServer(t)
	base := srv.URL
	msgs, err := static.Catalogs()
	if err != nil {
		t.Fatal(err)
	}
	center := orb.Point{7.4197, 43.7315} // Monaco, near the harbour
	ps := namedPlaces(t, st, center, 3)
	a, h, nojs := ps[0], ps[1], ps[2]
	accented := accentedPlace(t, st, center)
	ctx := b.ctx
	noInjected := `img[src="x"], script:not([src])`

	t.Run("map shows places", func(t *testing.T) {
		b.t = t
		b.do(ctx, "open the map",
			chromedp.Navigate(base+"/"+viewHash(a, 17)),
			visible(`body[data-ready="true"]`),
			visible(marker(a.ID)))
		if n := get(b, ctx, "count places", count(`.place-icon[data-id]`)); n < 5 {
			t.Errorf("%d places shown at zoom 17 in Monaco, want at least 5", n)
		}
		lang := get(b, ctx, "page language", attr(`html`, "lang"))
		near := get(b, ctx, "near-me label", text(`#nearme`))
		if lang != "en" || near != msgs["en"]["near_me"] {
			t.Errorf("browser in en-US: page lang %q, near-me button %q", lang, near)
		}
		b.shot(ctx, "01-map")
		// What the browser received for the page itself on this first
		// load: HTML, scripts, styles, catalogue (not the places, not tiles).
		b.mu.Lock()
		var pageBytes float64
		var n int
		for id, u := range b.urls {
			if hostOf(u) == hostOf(base) && !strings.Contains(u, "/api/") {
				pageBytes += b.wire[id]
				n++
			}
		}
		b.mu.Unlock()
		t.Logf("map page first load in chromium: %d requests, %.1f KB on the wire (headers included; budget 100 KB)", n, pageBytes/1024)
		if pageBytes == 0 || pageBytes > 100*1024 {
			t.Errorf("map page first load: %.0f bytes", pageBytes)
		}
		if tileHits.Load() == 0 {
			t.Error("no tile was loaded from the tile server")
		}
	})

	t.Run("filters, search and keyboard", func(t *testing.T) {
		b.t = t
		all := get(b, ctx, "count places", count(`.place-icon[data-id]`))
		b.do(ctx, "filter on food",
			click(`#chips .chip[data-category="food"]`),
			visible(`#chips .chip[data-category="food"][aria-pressed="true"]`),
			chromedp.Poll[chromedp.Void](`document.querySelectorAll('.place-icon[data-id]').length > 0 && document.querySelectorAll('.place-icon[data-id]:not([data-category="food"])').length === 0`))
		food := get(b, ctx, "count food", count(`.place-icon[data-id]`))
		if food == 0 || food >= all {
			t.Errorf("food filter: %d places of %d", food, all)
		}
		b.do(ctx, "open now",
			click(`#chips .chip[data-category="food"]`),
			click(`#opennow`),
			visible(`#opennow[aria-pressed="true"]`),
			chromedp.Poll[chromedp.Void](`document.querySelectorAll('.place-icon[data-id]:not([data-open-now="true"])').length === 0`))
		b.shot(ctx, "01b-open-now")
		b.do(ctx, "all again", click(`#opennow`), chromedp.Poll[chromedp.Void](fmt.Sprintf(`document.querySelectorAll('.place-icon[data-id]').length === %d`, all)))
		// Search without the accents of the name.
		q := geo.Fold(accented.Name)
		b.do(ctx, "search "+q,
			keys(`#q`, q),
			visible(`#results button[data-id="`+accented.ID.String()+`"]`))
		b.shot(ctx, "01c-search")
		b.do(ctx, "pick the result",
			click(`#results button[data-id="`+accented.ID.String()+`"]`),
			visible(fmt.Sprintf(`#sheet[data-id="%s"]`, accented.ID)),
			clear(`#q`))
		// Keyboard: Escape closes the sheet, a marker opens with Enter.
		b.do(ctx, "Escape closes the sheet",
			chromedp.Focus(chromedp.CSS(`#sheet .close`)),
			chromedp.KeyEvent(kb.Escape),
			chromedp.WaitNotVisible(chromedp.CSS(`#sheet`)))
		b.do(ctx, "Enter on a marker opens it",
			chromedp.Navigate(base+"/?kb=1"+viewHash(a, 17)),
			visible(marker(a.ID)),
			chromedp.Focus(chromedp.CSS(marker(a.ID))),
			chromedp.KeyEvent(kb.Enter),
			visible(fmt.Sprintf(`#sheet[data-id="%s"]`, a.ID)))
	})

	t.Run("near me", func(t *testing.T) {
		b.t = t
		// The browser says it is at place h, as a phone's GPS would.
		lat, lon, acc := nojs.Location[1], nojs.Location[0], 20.0
		if _, err := chromedp.CallBrowser(ctx, cdpbrowser.SetPermission, cdpbrowser.SetPermissionParams{
			Permission: &cdpbrowser.PermissionDescriptor{Name: "geolocation"}, Setting: cdpbrowser.PermissionSettingGranted, Origin: base}); err != nil {
			t.Fatal(err)
		}
		if _, err := chromedp.Call(ctx, emulation.SetGeolocationOverride, emulation.SetGeolocationOverrideParams{Latitude: &lat, Longitude: &lon, Accuracy: &acc}); err != nil {
			t.Fatal(err)
		}
		b.do(ctx, "near me",
			chromedp.Navigate(base+"/?nearme=1#13/43.70/7.30"),
			visible(`body[data-ready="true"]`),
			click(`#nearme`),
			visible(`.me`),
			chromedp.Poll[chromedp.Void](`/^#1[7-9]\//.test(location.hash)`),
			visible(marker(nojs.ID)))
		hash := get(b, ctx, "hash", chromedp.Evaluate[string](`location.hash`))
		var z int
		var hlat, hlon float64
		if _, err := fmt.Sscanf(hash, "#%d/%f/%f", &z, &hlat, &hlon); err != nil || z < 17 ||
			distanceM(orb.Point{hlon, hlat}, nojs.Location) > 100 {
			t.Errorf("after 'near me' the view is %q, want zoom 17+ at %.5f,%.5f", hash, lat, lon)
		}
		b.shot(ctx, "01d-near-me")
	})

	t.Run("clusters when zoomed out", func(t *testing.T) {
		b.t = t
		b.do(ctx, "zoom out",
			chromedp.Navigate(base+"/?clusters=1#12/43.7350/7.4200"),
			visible(`.cluster-icon[data-cluster]`))
		clusters := get(b, ctx, "clusters", count(`.cluster-icon[data-cluster]`))
		places := get(b, ctx, "places", count(`.place-icon[data-id]`))
		inClusters := get(b, ctx, "places in clusters", chromedp.Evaluate[int](
			`[...document.querySelectorAll('.cluster-icon[data-cluster]')].reduce((n, e) => n + +e.dataset.cluster, 0)`))
		if clusters == 0 || inClusters < 2*clusters || places+clusters >= places+inClusters {
			t.Errorf("zoom 12: %d clusters holding %d places, and %d single places", clusters, inClusters, places)
		}
		b.shot(ctx, "01e-clusters")
		b.do(ctx, "click a cluster",
			click(`.cluster-icon[data-cluster]`),
			chromedp.Poll[chromedp.Void](`/^#14\//.test(location.hash)`),
			chromedp.Navigate(base+"/?back=1"+viewHash(a, 17)),
			visible(marker(a.ID)))
	})

	t.Run("click opens the sheet", func(t *testing.T) {
		b.t = t
		b.do(ctx, "click a place",
			click(marker(a.ID)),
			visible(fmt.Sprintf(`#sheet[data-id="%s"]`, a.ID)))
		if title := get(b, ctx, "sheet title", text(`#sheet-title`)); title != a.Name {
			t.Errorf("sheet title %q, want %q", title, a.Name)
		}
		for _, sel := range []string{`[data-report="open"]`, `[data-report="closed"]`, `[data-report="more"]`,
			`#sheet a[href$="signs?place=` + a.ID.String() + `"]`, `#sheet a[href="https://www.openstreetmap.org/` + a.ID.String() + `"]`} {
			if n := get(b, ctx, "look for "+sel, count(sel)); n != 1 {
				t.Errorf("sheet: %d × %s, want 1", n, sel)
			}
		}
		b.shot(ctx, "02-sheet")
	})

	t.Run("reporting closed changes the map", func(t *testing.T) {
		b.t = t
		if before := statusOf(apiPlace(t, base, a.ID)); before == "closed" {
			t.Fatalf("%v is already closed before the report", a.ID)
		}
		// Tap 1 opened the sheet; tap 2 is "Closed".
		b.do(ctx, "report closed",
			click(`[data-report="closed"]`),
			visible(`#sheet-flash .flash.ok`),
			visible(marker(a.ID)+`[data-status="closed"]`))
		if got := statusOf(apiPlace(t, base, a.ID)); got != "closed" {
			t.Errorf("API status after the report: %q, want closed", got)
		}
		b.shot(ctx, "03-reported-closed")
		// A fresh load shows the server's status, not what the page kept.
		b.do(ctx, "reload the map",
			chromedp.Navigate(base+"/?reload=1"+viewHash(a, 17)),
			visible(marker(a.ID)+`[data-status="closed"]`))
		b.shot(ctx, "04-closed-after-reload")
	})

	t.Run("changed hours form", func(t *testing.T) {
		b.t = t
		b.do(ctx, "open the form",
			chromedp.Navigate(base+"/?form=1"+viewHash(h, 18)),
			visible(marker(h.ID)),
			click(marker(h.ID)),
			visible(fmt.Sprintf(`#sheet[data-id="%s"] [data-report="more"]`, h.ID)),
			click(`[data-report="more"]`),
			visible(`#report-raw`))
		if h.OpeningHours != "" {
			b.do(ctx, "as usual", click(`[data-action="as-usual"]`))
			if v := get(b, ctx, "raw hours", value(`#report-raw`)); v == "" {
				t.Errorf("'as usual' left the field empty; the usual hours are %q", h.OpeningHours)
			}
		}
		bad := "Mo-Fr 09:00-18:00 banana"
		b.do(ctx, "type bad hours",
			clear(`#report-raw`),
			keys(`#report-raw`, bad),
			visible(`#report-check.bad`))
		b.shot(ctx, "05-hours-rejected")
		b.do(ctx, "send bad hours", click(`#report-form button[type="submit"]`), chromedp.Sleep(700*time.Millisecond))
		if n := get(b, ctx, "form still there", count(`#report-form`)); n != 1 {
			t.Errorf("the form went away after sending invalid hours")
		}
		if m := apiPlace(t, base, h.ID); statusOf(m) == "open_adapted" {
			t.Errorf("invalid hours were recorded: %v", m["status"])
		}
		// A French way of writing hours: the lenient correction is offered.
		b.do(ctx, "type French hours",
			clear(`#report-raw`),
			keys(`#report-raw`, "Lu-Ve 9h-18h; Sa 9h-12h"),
			visible(`#report-check [data-action="use-suggestion"]`))
		b.shot(ctx, "05b-hours-suggestion")
		b.do(ctx, "use the suggestion", click(`#report-check [data-action="use-suggestion"]`), visible(`#report-check.good`))
		if v := get(b, ctx, "raw hours", value(`#report-raw`)); v != "Mo-Fr 09:00-18:00; Sa 09:00-12:00" {
			t.Errorf("after 'use this' the field holds %q", v)
		}
		good := "Mo-Fr 09:00-12:00,14:00-18:00; Sa 09:00-12:00"
		b.do(ctx, "clear", clear(`#report-raw`))
		b.do(ctx, "type good hours",
			keys(`#report-raw`, good),
			visible(`#report-check.good`))
		b.do(ctx, "send good hours",
			click(`#report-form button[type="submit"]`),
			visible(`#sheet-flash .flash.ok`))
		m := apiPlace(t, base, h.ID)
		if statusOf(m) != "open_adapted" {
			t.Errorf("status after changed hours: %v, want open_adapted", m["status"])
		}
		raw, _ := json.Marshal(m["reported_hours"])
		reps, _ := json.Marshal(m["reports"])
		if !strings.Contains(string(raw)+string(reps), "09:00-12:00") {
			t.Errorf("the reported hours are not in the place: reported_hours %s, reports %s", raw, reps)
		}
		if shown := get(b, ctx, "sheet status", attr(`#sheet`, "data-status")); shown != "open_adapted" {
			t.Errorf("sheet status %q after the report, want open_adapted", shown)
		}
		b.shot(ctx, "06-hours-accepted")
	})

	t.Run("language switch", func(t *testing.T) {
		b.t = t
		b.do(ctx, "switch to French",
			click(`#lang`),
			ready(`html[lang="fr"]`),
			chromedp.Poll[chromedp.Void](fmt.Sprintf(`(document.querySelector('#chips .chip[data-category="food"]') || {}).textContent === %q`,
				geo.DefaultCategories().List[0].Label.FR)))
		if near := get(b, ctx, "near-me label", text(`#nearme`)); near != msgs["fr"]["near_me"] {
			t.Errorf("near-me button %q after the switch, want %q", near, msgs["fr"]["near_me"])
		}
		if chip := get(b, ctx, "food chip", text(`#chips .chip[data-category="food"]`)); chip != geo.DefaultCategories().List[0].Label.FR {
			t.Errorf("food chip %q after the switch", chip)
		}
		b.shot(ctx, "07-french")
		// The choice sticks across loads.
		b.do(ctx, "reload in French", chromedp.Navigate(base+"/?again=1"+viewHash(a, 16)), visible(`body[data-ready="true"]`))
		if near := get(b, ctx, "near-me label", text(`#nearme`)); near != msgs["fr"]["near_me"] {
			t.Errorf("after reload the page is not French: %q", near)
		}
		b.do(ctx, "back to English", click(`#lang`), ready(`html[lang="en"]`))
	})

	t.Run("XSS name stays text", func(t *testing.T) {
		b.t = t
		xp, err := st.Place(context.Background(), xssID)
		if err != nil {
			t.Fatal(err)
		}
		// A report whose remark and hours are markup, sent as any client could.
		body := `{"status":"partial","opening_hours":"Mo 09:00-12:00","remark":"<script>alert(3)</script><b onmouseover=alert(4)>x</b>"}`
		req, _ := http.NewRequest("POST", base+"/api/v1/places/"+xssID.String()+"/reports", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Openmap-Contributor", "e2e-xss-contributor-key-0123456789")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusCreated {
			t.Fatalf("report with a markup remark: %s", res.Status)
		}
		b.do(ctx, "open the XSS place",
			chromedp.Navigate(base+"/?xss=1"+viewHash(xp, 19)),
			visible(marker(xssID)),
			click(marker(xssID)),
			visible(fmt.Sprintf(`#sheet[data-id="%s"] [data-report="open"]`, xssID)))
		if title := get(b, ctx, "sheet title", text(`#sheet-title`)); title != xssName {
			t.Errorf("sheet title %q, want the name as text %q", title, xssName)
		}
		if n := get(b, ctx, "injected elements", count(noInjected+`, #sheet b`)); n != 0 {
			t.Errorf("%d injected elements in the page", n)
		}
		if s := get(b, ctx, "reports", text(`#sheet .reports`)); !strings.Contains(s, "<script>alert(3)</script>") {
			t.Errorf("the remark is not shown as text: %q", s)
		}
		b.do(ctx, "search the XSS place",
			keys(`#q`, "onerror"),
			visible(`#results button[data-id="`+xssID.String()+`"]`))
		if n := get(b, ctx, "injected elements", count(noInjected)); n != 0 {
			t.Errorf("%d injected elements after search", n)
		}
		b.shot(ctx, "08-xss-as-text")
		b.do(ctx, "XSS place page", chromedp.Navigate(base+"/place/"+xssID.String()))
		title := get(b, ctx, "h1", text(`h1`))
		if n := get(b, ctx, "injected elements", count(`img[src="x"], script`)); title != xssName || n != 0 {
			t.Errorf("place page: h1 %q, %d injected elements", title, n)
		}
	})

	t.Run("phone layout", func(t *testing.T) {
		b.t = t
		tab := b.tab()
		b.do(tab, "open the map on a phone",
			chromedp.EmulateViewport(390, 760, chromedp.EmulateMobile),
			chromedp.Navigate(base+"/?phone=1"+viewHash(h, 17)),
			visible(marker(h.ID)),
			click(marker(h.ID)),
			visible(fmt.Sprintf(`#sheet[data-id="%s"] [data-report="closed"]`, h.ID)))
		b.shot(tab, "13-phone-sheet")
		// The quick buttons are reachable without scrolling the sheet.
		if n := get(b, tab, "closed button in view", chromedp.Evaluate[bool](`(() => { const r = document.querySelector('[data-report="closed"]').getBoundingClientRect(); return r.bottom <= innerHeight && r.top >= 0 })()`)); !n {
			t.Error("on a phone the Closed button is out of view when the sheet opens")
		}
		// Two taps: the place, then "Open as usual".
		b.do(tab, "open as usual on a phone",
			click(`[data-report="open"]`),
			visible(`#sheet-flash .flash.ok`),
			visible(marker(h.ID)+`[data-status="open"]`))
		if got := statusOf(apiPlace(t, base, h.ID)); got != "open" {
			t.Errorf("API status after 'open as usual': %q, want open", got)
		}
		b.shot(tab, "14-phone-open-as-usual")
	})

	t.Run("fallback without Leaflet", func(t *testing.T) {
		b.t = t
		tab := b.tab()
		if _, err := chromedp.Call(tab, network.SetBlockedURLs, network.SetBlockedURLsParams{
			URLPatterns: []*network.BlockPattern{{URLPattern: base + "/static/vendor/leaflet/leaflet.js", Block: true}}}); err != nil {
			t.Fatal(err)
		}
		b.do(tab, "map page without Leaflet", chromedp.Navigate(base+"/?noleaflet=1"), visible(`#fallback a[href^="/near?"]`))
		b.shot(tab, "15-fallback-without-leaflet")
	})

	t.Run("no-JS place page", func(t *testing.T) {
		b.t = t
		tab := b.tab()
		if _, err := chromedp.Call(tab, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
			t.Fatal(err)
		}
		b.do(tab, "map page without JavaScript", chromedp.Navigate(base+"/?nojs=1"), visible(`.noscript`))
		if s := get(b, tab, "noscript text", text(`.noscript`)); !strings.Contains(s, msgs["en"]["app.noscript"]) {
			t.Errorf("map page without JS says %q", s)
		}
		b.do(tab, "open the place page without JavaScript",
			chromedp.Navigate(base+"/place/"+nojs.ID.String()+"?lang=en"),
			visible(`form.report`))
		if h1 := get(b, tab, "h1", text(`h1`)); h1 != nojs.Name {
			t.Errorf("place page h1 %q, want %q", h1, nojs.Name)
		}
		b.shot(tab, "09-nojs-place")
		b.do(tab, "send bad hours without JavaScript",
			click(`input[name="status"][value="open_adapted"]`),
			keys(`#oh`, "Mo-Fr 09:00-18:00 banana"),
			click(`form.report button[type="submit"]`),
			visible(`.flash.err`))
		if kept := get(b, tab, "value kept", value(`#oh`)); kept != "Mo-Fr 09:00-18:00 banana" {
			t.Errorf("the form lost the typed hours: %q", kept)
		}
		b.shot(tab, "10-nojs-rejected")
		b.do(tab, "report open without JavaScript",
			click(`input[name="status"][value="open"]`),
			clear(`#oh`),
			keys(`#remark`, "seen this morning"),
			click(`form.report button[type="submit"]`),
			visible(`.flash.ok`))
		if flash := get(b, tab, "flash", text(`.flash.ok`)); flash != msgs["en"]["page.sent"] {
			t.Errorf("flash %q", flash)
		}
		if got := statusOf(apiPlace(t, base, nojs.ID)); got != "open" {
			t.Errorf("API status after the form: %q, want open", got)
		}
		b.shot(tab, "11-nojs-sent")
		b.do(tab, "near page without JavaScript",
			chromedp.Navigate(fmt.Sprintf("%s/near?lat=%.5f&lon=%.5f&lang=fr", base, nojs.Location[1], nojs.Location[0])),
			visible(`.near-list`))
		if n := get(b, tab, "near items", count(`.near-list li`)); n == 0 {
			t.Error("near page lists no place")
		}
		b.shot(tab, "12-nojs-near")
	})

	t.Run("no other host, no CSP violation, no script error", func(t *testing.T) {
		b.t = t
		stored := get(b, ctx, "stored key", chromedp.Evaluate[string](`localStorage.getItem('openmap.contributor') || ''`))
		allowed := map[string]bool{hostOf(base): true, hostOf(tiles.URL): true}
		b.mu.Lock()
		defer b.mu.Unlock()
		for _, u := range b.requests {
			if strings.HasPrefix(u, "data:") {
				continue
			}
			if !allowed[hostOf(u)] {
				t.Errorf("request to another host: %s", u)
			}
		}
		t.Logf("%d requests, all to %v", len(b.requests), allowed)
		for _, p := range b.problems {
			t.Errorf("browser reported: %s", p)
		}
		// Every report from the map carried this browser's one random key.
		if len(b.keys) < 3 {
			t.Errorf("only %d reports seen from the map", len(b.keys))
		}
		for _, k := range b.keys {
			if k != stored || !regexp.MustCompile(`^[A-Za-z0-9_-]{22,64}$`).MatchString(k) {
				t.Errorf("contributor keys %q: want the key kept in localStorage (%q) each time", b.keys, stored)
				break
			}
		}
		if len(b.dialogs) > 0 {
			t.Errorf("dialogs opened (script injection?): %q", b.dialogs)
		}
	})
}

// distanceM is the distance in metres between two (lon, lat) points, close
// enough at city scale.
func distanceM(a, b orb.Point) float64 {
	lat := (a[1] + b[1]) / 2 * math.Pi / 180
	dx := (b[0] - a[0]) * math.Pi / 180 * math.Cos(lat)
	dy := (b[1] - a[1]) * math.Pi / 180
	return 6371008.8 * math.Sqrt(dx*dx+dy*dy)
}

func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	return u.Host
}
