package api

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"codeberg.org/openmap/openmap/geo"
)

// TestMapperInBrowser: a real chromium goes through the whole mapper flow
// on a real socket: /mapper → login → the fake OSM's authorization → the
// callback page → the queue (the SameSite=Strict, Secure, HttpOnly session
// cookie is kept and sent), edits a proposed value, approves, uploads. No
// script runs: the pages are plain forms.
func TestMapperInBrowser(t *testing.T) {
	exe := ""
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			exe = p
			break
		}
	}
	if exe == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("chromium is not installed")
		}
		t.Skip("chromium is not installed")
	}
	srv := httptest.NewUnstartedServer(nil)
	base := "http://" + srv.Listener.Addr().String()
	m := newMapperTestWith(t, geo.SurveyProfile(), func(mc *MapperConfig) { mc.RedirectURL = base + "/mapper/callback" }, starsBars)
	srv.Config.Handler = m.e
	srv.Start()
	defer srv.Close()
	for _, key := range []string{keyA, keyB} {
		wantStatus(t, m.report(starsBars, key, `{"status":"open_adapted","opening_hours":"Mo-Fr 12:00-14:00"}`), http.StatusCreated)
	}

	alloc, cancel := chromedp.NewExecAllocator(context.Background(), chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.Headless,
		chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-dev-shm-usage", true), chromedp.WindowSize(900, 1400))
	defer cancel()
	ctx, cancel := chromedp.NewContext(alloc)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx); err != nil {
		t.Fatal(err)
	}
	shots := filepath.Join("..", "artifacts", "mapper")
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	shot := func(name string) {
		if png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot()); err == nil {
			os.WriteFile(filepath.Join(shots, name+".png"), png, 0o644)
		}
	}
	mainText := func(step string) string {
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main")))
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		return s
	}
	do := func(step string, steps ...chromedp.Action[chromedp.Void]) {
		if err := chromedp.Do(ctx, steps...); err != nil {
			shot("failed")
			t.Fatalf("%s: %v", step, err)
		}
	}
	approve := `form[action="/mapper/approve"] button[type=submit]`
	upload := `form[action="/mapper/upload"] button`
	do("log in", chromedp.Navigate(base+"/mapper?lang=en"), chromedp.WaitVisible(chromedp.CSS(approve)))
	shot("1-queue")
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	body := mainText("queue")
	if !strings.HasPrefix(loc, base+"/mapper?") || !strings.Contains(body, "Logged in to OpenStreetMap as Fake Mapper") || !strings.Contains(body, "check_date:opening_hours") {
		t.Fatalf("after login at %s: %s", loc, body)
	}
	res, err := chromedp.Call(ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{base + "/mapper"}})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, c := range res.Cookies {
		if c.Name == "openmap_mapper" {
			found = true
			if !c.HTTPOnly || !c.Secure || c.SameSite != network.CookieSameSiteStrict || c.Path != "/mapper" {
				t.Errorf("session cookie %+v", c)
			}
		}
	}
	if !found {
		t.Fatalf("no session cookie in the browser: %+v", res.Cookies)
	}
	do("approve", chromedp.SetValue(chromedp.CSS(`input[name="tag:opening_hours"]`), "Mo-Fr 12:00-14:30"),
		chromedp.Click(chromedp.CSS(approve)), chromedp.WaitVisible(chromedp.CSS(upload)))
	shot("2-approved")
	if body := mainText("approved"); !strings.Contains(body, "Proposal approved") || !strings.Contains(body, "opening_hours=Mo-Fr 12:00-14:30") {
		t.Fatalf("after approve: %s", body)
	}
	do("upload", chromedp.Click(chromedp.CSS(upload)), chromedp.WaitVisible(chromedp.CSS(`p.flash`)))
	shot("3-uploaded")
	// the mapper's correction stands: the same reports propose nothing
	if body := mainText("uploaded"); !strings.Contains(body, "Upload done: 1 edit(s) in OpenStreetMap") || !strings.Contains(body, "Nothing to review") {
		t.Fatalf("after upload: %s", body)
	}
	o, _ := m.f.Element("node", mustID(t, starsBars).ID)
	if got := osmTags(o)["opening_hours"]; got != "Mo-Fr 12:00-14:30" {
		t.Errorf("fake holds opening_hours %q", got)
	}
}
