package api

import (
	"crypto/sha256"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"
)

func sha256Sum(s string) []byte {
	h := sha256.Sum256([]byte(s))
	return h[:]
}

const (
	monacoBBox = "7.40,43.72,7.44,43.76"
	spar       = "node/268113123"  // opening_hours "mo-sa 8:30-20:00" (invalid, lenient fix)
	starsBars  = "node/267901435"  // "Mo-Su 11:00-00:00"
	totalFuel  = "node/1327919865" // "24/7"
)

type fc struct {
	Type        string `json:"type"`
	Attribution string `json:"attribution"`
	Clustered   bool   `json:"clustered"`
	Features    []struct {
		Geometry struct {
			Type        string     `json:"type"`
			Coordinates [2]float64 `json:"coordinates"`
		} `json:"geometry"`
		Properties map[string]any `json:"properties"`
	} `json:"features"`
}

func (ts *testServer) places(t *testing.T, query string) fc {
	t.Helper()
	w := ts.do(req{target: "/api/v1/places?" + query})
	wantStatus(t, w, http.StatusOK)
	var out fc
	decode(t, w, &out)
	return out
}

func TestListPlaces(t *testing.T) {
	ts := newTestServer(t, nil)
	all := ts.places(t, "bbox="+monacoBBox+"&zoom=16&lang=fr")
	if all.Type != "FeatureCollection" || !strings.Contains(all.Attribution, "OpenStreetMap") || all.Clustered {
		t.Fatalf("collection header: %+v", all)
	}
	if len(all.Features) < 200 {
		t.Fatalf("only %d places in Monaco", len(all.Features))
	}
	byID := map[string]map[string]any{}
	for _, f := range all.Features {
		lon, lat := f.Geometry.Coordinates[0], f.Geometry.Coordinates[1]
		if f.Geometry.Type != "Point" || lon < 7.40 || lon > 7.44 || lat < 43.72 || lat > 43.76 {
			t.Fatalf("feature outside the bbox: %+v", f.Geometry)
		}
		byID[f.Properties["id"].(string)] = f.Properties
	}
	total := byID[totalFuel]
	if total == nil {
		t.Fatalf("%s missing", totalFuel)
	}
	if total["status"] != "open" || total["confidence"] != "osm" || total["open_now"] != true {
		t.Errorf("24/7 fuel station: %v", total)
	}
	if total["category_label"] != "Alimentation" || total["subcategory_label"] != "Épicerie" {
		t.Errorf("French label: %v", total["category_label"])
	}
	// Spar's hours are invalid but have an obvious meaning: Tuesday 10:00 open.
	if byID[spar]["open_now"] != true {
		t.Errorf("Spar open_now = %v, want true from the lenient reading", byID[spar]["open_now"])
	}

	t.Run("category filter", func(t *testing.T) {
		food := ts.places(t, "bbox="+monacoBBox+"&category=food")
		if len(food.Features) == 0 || len(food.Features) >= len(all.Features) {
			t.Fatalf("%d food places of %d", len(food.Features), len(all.Features))
		}
		for _, f := range food.Features {
			if f.Properties["category"] != "food" {
				t.Fatalf("non-food place: %v", f.Properties)
			}
		}
	})
	t.Run("open_now filter", func(t *testing.T) {
		open := ts.places(t, "bbox="+monacoBBox+"&open_now=1")
		if len(open.Features) == 0 {
			t.Fatal("nothing open on a Tuesday morning")
		}
		for _, f := range open.Features {
			if f.Properties["open_now"] != true {
				t.Fatalf("not open now: %v", f.Properties)
			}
		}
		// Sunday 03:00: Stars n Bars (11:00-00:00) is closed.
		ts.clock.advance(4*24*time.Hour + 17*time.Hour)
		night := ts.places(t, "bbox="+monacoBBox+"&open_now=1")
		for _, f := range night.Features {
			if f.Properties["id"] == starsBars {
				t.Errorf("%s open at 03:00 on Sunday", starsBars)
			}
		}
		if len(night.Features) >= len(open.Features) {
			t.Errorf("%d open at night, %d in the morning", len(night.Features), len(open.Features))
		}
	})
	t.Run("status filter", func(t *testing.T) {
		unk := ts.places(t, "bbox="+monacoBBox+"&status=unknown")
		for _, f := range unk.Features {
			if f.Properties["status"] != "unknown" {
				t.Fatalf("status filter let %v through", f.Properties["status"])
			}
		}
		if len(unk.Features) == 0 {
			t.Fatal("no unknown place")
		}
	})
	t.Run("confidence filter", func(t *testing.T) {
		// One voice each way on the Spar: disputed; two agreeing on Stars
		// n Bars: confirmed.
		wantStatus(t, ts.report(spar, keyA, `{"status":"open"}`), 201)
		ts.clock.advance(time.Minute) // the newest voice, closed, leads the tie
		wantStatus(t, ts.report(spar, keyB, `{"status":"closed"}`), 201)
		wantStatus(t, ts.report(starsBars, keyA, `{"status":"open"}`), 201)
		wantStatus(t, ts.report(starsBars, keyC, `{"status":"open"}`), 201)
		ids := func(q string) []string {
			var out []string
			for _, f := range ts.places(t, "bbox="+monacoBBox+"&"+q).Features {
				out = append(out, f.Properties["id"].(string)+" "+f.Properties["confidence"].(string))
			}
			sort.Strings(out)
			return out
		}
		if got := ids("confidence=disputed"); fmt.Sprint(got) != "["+spar+" disputed]" {
			t.Errorf("disputed: %v", got)
		}
		if got := ids("confidence=confirmed,disputed&status=open"); fmt.Sprint(got) != "["+starsBars+" confirmed]" {
			t.Errorf("confirmed or disputed, open: %v", got)
		}
	})
}

func TestListPlacesClusters(t *testing.T) {
	ts := newTestServer(t, func(c *Config) { c.ClusterAbove = 50; c.MaxFeatures = 120 })
	plain := newTestServer(t, nil).places(t, "bbox="+monacoBBox)
	for _, zoom := range []int{8, 13, 15, 18} {
		got := ts.places(t, fmt.Sprintf("bbox=%s&zoom=%d", monacoBBox, zoom))
		if !got.Clustered {
			t.Fatalf("zoom %d: not clustered", zoom)
		}
		if len(got.Features) > 120 {
			t.Errorf("zoom %d: %d features, want at most 120", zoom, len(got.Features))
		}
		n, clusters := 0, 0
		for _, f := range got.Features {
			if f.Properties["cluster"] == true {
				clusters++
				c := int(f.Properties["count"].(float64))
				sum := 0
				for _, v := range f.Properties["by_status"].(map[string]any) {
					sum += int(v.(float64))
				}
				if sum != c || c < 2 {
					t.Errorf("cluster count %d, by_status sums to %d", c, sum)
				}
				n += c
			} else {
				n++
			}
		}
		if n != len(plain.Features) {
			t.Errorf("zoom %d: clusters hold %d places, the view has %d", zoom, n, len(plain.Features))
		}
		if clusters == 0 {
			t.Errorf("zoom %d: no cluster", zoom)
		}
	}
	low := ts.places(t, "bbox="+monacoBBox+"&zoom=8")
	high := ts.places(t, "bbox="+monacoBBox+"&zoom=18")
	if len(low.Features) >= len(high.Features) {
		t.Errorf("zoom 8 gives %d features, zoom 18 %d: want fewer when zoomed out", len(low.Features), len(high.Features))
	}
}

func TestListPlacesErrors(t *testing.T) {
	ts := newTestServer(t, nil)
	tests := []struct {
		name, query, field string
	}{
		{"no bbox", "", "bbox"},
		{"three numbers", "bbox=7.40,43.72,7.44", "bbox"},
		{"not a number", "bbox=7.40,abc,7.44,43.76", "bbox"},
		{"NaN", "bbox=NaN,43.72,7.44,43.76", "bbox"},
		{"min above max", "bbox=7.44,43.72,7.40,43.76", "bbox"},
		{"latitude out of range", "bbox=7.40,43.72,7.44,95", "bbox"},
		{"bbox too large", "bbox=-20,30,20,60", "bbox"},
		{"zoom not a number", "bbox=" + monacoBBox + "&zoom=x", "zoom"},
		{"zoom too deep", "bbox=" + monacoBBox + "&zoom=40", "zoom"},
		{"unknown category", "bbox=" + monacoBBox + "&category=weapons", "category"},
		{"unknown status", "bbox=" + monacoBBox + "&status=maybe", "status"},
		{"a confidence as a status", "bbox=" + monacoBBox + "&status=disputed", "status"},
		{"unknown confidence", "bbox=" + monacoBBox + "&confidence=sure", "confidence"},
		{"bad open_now", "bbox=" + monacoBBox + "&open_now=perhaps", "open_now"},
		{"SQL in bbox", "bbox=" + url.QueryEscape("7.4,43.7,7.5,43.8); DROP TABLE places; --"), "bbox"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wantProblem(t, ts.do(req{target: "/api/v1/places?" + tc.query}), http.StatusBadRequest, tc.field)
		})
	}
	if len(ts.places(t, "bbox="+monacoBBox).Features) == 0 {
		t.Fatal("places gone after the SQL payloads")
	}
}

// placeDoc fetches a place document.
func (ts *testServer) placeDoc(t *testing.T, id, lang string) PlaceDoc {
	t.Helper()
	w := ts.do(req{target: "/api/v1/places/" + id + "?lang=" + lang})
	wantStatus(t, w, http.StatusOK)
	var d PlaceDoc
	decode(t, w, &d)
	return d
}

func TestGetPlace(t *testing.T) {
	ts := newTestServer(t, nil)
	d := ts.placeDoc(t, spar, "fr")
	if d.ID != spar || d.Type != "node" || d.OSMID != 268113123 || d.Name != "Spar" || d.Version == 0 {
		t.Errorf("identity: %+v", d)
	}
	if d.Category.ID != "food" || d.Category.Label != "Alimentation" || d.Subcategory.Label != "Supermarché" {
		t.Errorf("category %+v / %+v", d.Category, d.Subcategory)
	}
	if d.Tags["shop"] != "supermarket" || d.State != "active" {
		t.Errorf("tags %v state %s", d.Tags, d.State)
	}
	if d.Hours == nil || d.Hours.Raw != "mo-sa 8:30-20:00" || d.Hours.Valid || d.Hours.Error == nil {
		t.Fatalf("hours: %+v", d.Hours)
	}
	if len(d.Hours.Notes) == 0 || !strings.Contains(d.Hours.Notes[0], "Mo-Sa 08:30-20:00") {
		t.Errorf("no lenient correction in notes: %v", d.Hours.Notes)
	}
	if d.Hours.OpenNow == nil || !*d.Hours.OpenNow || d.Hours.NextChange == nil || len(d.Hours.Week) != 7 {
		t.Errorf("open now %v next %v week %v", d.Hours.OpenNow, d.Hours.NextChange, d.Hours.Week)
	}
	if d.Status.Status != "open" || d.Status.Confidence != "osm" || d.Status.Label != "Ouvert" || d.Status.Locked {
		t.Errorf("status %+v", d.Status)
	}
	if d.OSMURL != "https://www.openstreetmap.org/node/268113123" || d.PageURL != "https://openmap.test/place/node/268113123" ||
		!strings.HasSuffix(d.PosterURL, "/signs/shop/node/268113123.pdf") || !strings.Contains(d.Attribution, "OpenStreetMap") {
		t.Errorf("links %s %s %s %s", d.OSMURL, d.PageURL, d.PosterURL, d.Attribution)
	}
	en := ts.placeDoc(t, totalFuel, "en")
	if en.Category.Label != "Food" {
		t.Errorf("English label: %q", en.Category.Label)
	}
	if en.Hours == nil || !en.Hours.Valid || en.Hours.Normalized != "24/7" {
		t.Errorf("24/7 hours: %+v", en.Hours)
	}
	// Accept-Language picks the language when ?lang is absent.
	w := ts.do(req{target: "/api/v1/places/" + spar, header: map[string]string{"Accept-Language": "en-GB,en;q=0.9,fr;q=0.5"}})
	var d2 PlaceDoc
	decode(t, w, &d2)
	if d2.Status.Label != "Open" {
		t.Errorf("Accept-Language en: label %q", d2.Status.Label)
	}

	for name, target := range map[string]string{
		"unknown place":   "/api/v1/places/node/1",
		"bad type":        "/api/v1/places/building/5",
		"negative id":     "/api/v1/places/node/-5",
		"not a number id": "/api/v1/places/node/12abc",
	} {
		t.Run(name, func(t *testing.T) {
			w := ts.do(req{target: target})
			wantStatus(t, w, http.StatusNotFound)
			if w.Header().Get("Content-Type") != "application/problem+json" {
				t.Errorf("content type %q", w.Header().Get("Content-Type"))
			}
		})
	}
}

// report posts a JSON report and returns the answer, the place document.
func (ts *testServer) report(id, key, body string) *httptestRecorder {
	return ts.do(req{method: http.MethodPost, target: "/api/v1/places/" + id + "/reports", key: key, body: body,
		header: map[string]string{"Prefer": "return=representation"}})
}

func TestPostReport(t *testing.T) {
	ts := newTestServer(t, nil)
	w := ts.report(spar, keyA, `{"status":"partial","opening_hours":"Mo-Fr 10:00-12:00","takeaway":true,"delivery":false,"remark":"Seulement à emporter"}`)
	wantStatus(t, w, http.StatusCreated)
	var d PlaceDoc
	decode(t, w, &d)
	if d.Status.Status != "partial" || d.Status.Confidence != "reported" || d.Status.LastConfirmed == nil {
		t.Errorf("status after one report: %+v", d.Status)
	}
	if d.ReportedHours == nil || !d.ReportedHours.Valid || d.ReportedHours.Normalized != "Mo-Fr 10:00-12:00" {
		t.Errorf("reported hours %+v", d.ReportedHours)
	}
	if d.Services.Takeaway == nil || !*d.Services.Takeaway || d.Services.Delivery == nil || *d.Services.Delivery || d.Services.Pickup != nil {
		t.Errorf("services %+v", d.Services)
	}
	// A second neighbour confirming without hours keeps the hours given
	// (a new-user test saw them wiped).
	var d2 PlaceDoc
	w2 := ts.report(spar, keyB, `{"status":"partial"}`)
	wantStatus(t, w2, http.StatusCreated)
	decode(t, w2, &d2)
	if d2.Status.Confidence != "confirmed" || d2.ReportedHours == nil || d2.ReportedHours.Normalized != "Mo-Fr 10:00-12:00" {
		t.Errorf("after a confirmation without hours: %+v, reported hours %+v", d2.Status, d2.ReportedHours)
	}
	if e := ts.do(req{target: "/api/v1/export.csv"}).Body.String(); !strings.Contains(e, "node/268113123") || !strings.Contains(e, "Mo-Fr 10:00-12:00") {
		t.Errorf("the export lost the reported hours")
	}
	if len(d.Reports) != 1 || d.Reports[0].Remark != "Seulement à emporter" || d.Reports[0].Status != "partial" {
		t.Fatalf("reports %+v", d.Reports)
	}
	body := w.Body.String()
	for _, secret := range []string{keyA, `"contributor"`, ipDirect} {
		if strings.Contains(body, secret) {
			t.Errorf("answer holds %q", secret)
		}
	}
	// Without Prefer: return=representation, the answer is the new
	// status only (and Prefer: return=minimal says so).
	for i, pref := range []string{"", "return=minimal"} {
		key := []string{keyB, keyC}[i]
		mw := ts.do(req{method: http.MethodPost, target: "/api/v1/places/" + spar + "/reports", key: key, body: `{"status":"partial"}`,
			header: map[string]string{"Prefer": pref}})
		wantStatus(t, mw, http.StatusCreated)
		var min struct {
			ID       string    `json:"id"`
			ReportID int64     `json:"report_id"`
			Status   StatusDoc `json:"status"`
		}
		decode(t, mw, &min)
		if min.ID != spar || min.ReportID == 0 || min.Status.Status != "partial" || min.Status.Confidence != "confirmed" ||
			mw.Header().Get("Preference-Applied") != pref || strings.Contains(mw.Body.String(), "tags") {
			t.Errorf("status answer (Prefer %q): %s", pref, mw.Body.String())
		}
	}
	// It shows in /places too (the cache is keyed by revision).
	for _, f := range ts.places(t, "bbox="+monacoBBox).Features {
		if f.Properties["id"] == spar && f.Properties["status"] != "partial" {
			t.Errorf("/places says %v", f.Properties["status"])
		}
	}
	// Tuesday 10:00 Paris time: the reported hours say open.
	for _, f := range ts.places(t, "bbox="+monacoBBox+"&open_now=1").Features {
		if f.Properties["id"] == spar {
			return
		}
	}
	t.Errorf("%s not open now by its reported hours", spar)
}

func TestPostReportErrors(t *testing.T) {
	ts := newTestServer(t, func(c *Config) { c.MaxBodyBytes = 2048 })
	long := strings.Repeat("é", 501)
	tests := []struct {
		name, id, key, body string
		code                int
		field               string
	}{
		{"unknown place", "node/1", keyA, `{"status":"open"}`, 404, ""},
		{"bad element type", "area/5", keyA, `{"status":"open"}`, 404, "id"},
		{"no contributor key", spar, "", `{"status":"open"}`, 400, "contributor"},
		{"short contributor key", spar, "abc", `{"status":"open"}`, 400, "contributor"},
		{"contributor key with odd characters", spar, "aaaaaaaaaaaaaaaaaaaaaaaa<>", `{"status":"open"}`, 400, "contributor"},
		{"malformed JSON", spar, keyA, `{"status":"open"`, 400, ""},
		{"not JSON", spar, keyA, `status=open`, 400, ""},
		{"empty body", spar, keyA, ``, 400, ""},
		{"two objects", spar, keyA, `{"status":"open"}{"status":"closed"}`, 400, ""},
		{"unknown field", spar, keyA, `{"status":"open","contributor":"x"}`, 400, ""},
		{"wrong type", spar, keyA, `{"status":"open","delivery":"yes"}`, 400, ""},
		{"bad status", spar, keyA, `{"status":"maybe"}`, 400, "status"},
		{"hours on a closed report", spar, keyA, `{"status":"closed","opening_hours":"Mo 09:00-10:00"}`, 400, "opening_hours"},
		{"hours on a gone report", spar, keyA, `{"status":"gone","opening_hours":"24/7"}`, 400, "opening_hours"},
		{"no status", spar, keyA, `{"remark":"hello"}`, 400, "status"},
		{"remark too long", spar, keyA, `{"status":"open","remark":"` + long + `"}`, 400, "remark"},
		{"control characters", spar, keyA, `{"status":"open","remark":"a\u0007b"}`, 400, "remark"},
		{"hours too long", spar, keyA, `{"status":"open","opening_hours":"` + strings.Repeat("Mo 09:00-10:00;", 20) + `"}`, 400, "opening_hours"},
		{"oversized body", spar, keyA, `{"status":"open","remark":"` + strings.Repeat("x", 4000) + `"}`, 413, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := ts.report(tc.id, tc.key, tc.body)
			if tc.code == 404 && tc.field == "" {
				wantStatus(t, w, 404)
				return
			}
			if tc.code == 413 {
				wantStatus(t, w, 413)
				return
			}
			wantProblem(t, w, tc.code, tc.field)
		})
	}
	t.Run("oversized body without length", func(t *testing.T) {
		r := req{method: http.MethodPost, target: "/api/v1/places/" + spar + "/reports", key: keyA,
			body: `{"status":"open","remark":"` + strings.Repeat("x", 4000) + `"}`}
		w := ts.doChunked(r)
		wantStatus(t, w, http.StatusRequestEntityTooLarge)
	})
	t.Run("invalid hours with a lenient suggestion", func(t *testing.T) {
		w := ts.report(spar, keyA, `{"status":"open_adapted","opening_hours":"mo-fr 9h-12h"}`)
		p := wantProblem(t, w, http.StatusUnprocessableEntity, "opening_hours")
		if p.Suggestion == "" || p.Position == nil {
			t.Fatalf("no suggestion or position: %+v", p)
		}
		if _, err := parseHours(p.Suggestion); err != nil {
			t.Errorf("suggestion %q does not parse: %v", p.Suggestion, err)
		}
	})
	t.Run("invalid hours without a suggestion", func(t *testing.T) {
		p := wantProblem(t, ts.report(spar, keyA, `{"status":"open","opening_hours":"whenever we like"}`), 422, "opening_hours")
		if p.Suggestion != "" {
			t.Errorf("suggestion %q for nonsense", p.Suggestion)
		}
	})
	if d := ts.placeDoc(t, spar, "en"); len(d.Reports) != 0 {
		t.Fatalf("a rejected report was stored: %+v", d.Reports)
	}
}

func TestPayloadsStayInert(t *testing.T) {
	ts := newTestServer(t, nil)
	payloads := []string{
		`<script>alert("x")</script>`,
		`<img src=x onerror=alert(1)>`,
		`'); DROP TABLE reports; --`,
		`" OR 1=1 --`,
		`=HYPERLINK("http://evil.example","x")`,
	}
	for i, p := range payloads {
		key := fmt.Sprintf("payloadKey%02d_0123456789abcdef", i)
		suiteMu.Lock()
		suiteKeys[key] = true
		suiteMu.Unlock()
		b, _ := json.Marshal(map[string]string{"status": "open", "remark": p})
		wantStatus(t, ts.report(spar, key, string(b)), http.StatusCreated)
	}
	w := ts.do(req{target: "/api/v1/places/" + spar})
	wantStatus(t, w, http.StatusOK)
	raw := w.Body.String()
	if strings.Contains(raw, "<script") || strings.Contains(raw, "<img") {
		t.Errorf("raw markup in JSON: %.300s", raw)
	}
	if w.Header().Get("X-Content-Type-Options") != "nosniff" || !strings.HasPrefix(w.Header().Get("Content-Type"), "application/json") {
		t.Errorf("headers %v", w.Header())
	}
	var d PlaceDoc
	decode(t, w, &d)
	got := map[string]bool{}
	for _, r := range d.Reports {
		got[r.Remark] = true
	}
	for _, p := range payloads {
		if !got[p] {
			t.Errorf("payload %q not returned as text", p)
		}
	}
	if d.Status.Confidence != "confirmed" {
		t.Errorf("five agreeing reports: %+v", d.Status)
	}
	// The SQL payloads did nothing: the reports table still answers, and
	// search treats them as words.
	wantStatus(t, ts.report(spar, keyB, `{"status":"open"}`), http.StatusCreated)
	sw := ts.do(req{target: "/api/v1/search?q=" + url.QueryEscape(`' OR 1=1 --`)})
	wantStatus(t, sw, http.StatusOK)
	var sr struct{ Results []any }
	decode(t, sw, &sr)
	if len(sr.Results) > 0 {
		t.Errorf("SQL payload in search matched %d places", len(sr.Results))
	}
	// CSV export defuses the formula.
	cw := ts.do(req{target: "/api/v1/export.csv"})
	if strings.Contains(cw.Body.String(), "\n=HYPERLINK") {
		t.Error("formula at the start of a CSV cell")
	}
}

func TestStatusRulesEndToEnd(t *testing.T) {
	ts := newTestServer(t, nil)
	status := func() StatusDoc { return ts.placeDoc(t, starsBars, "en").Status }
	post := func(key, st string) *httptestRecorder {
		return ts.report(starsBars, key, `{"status":"`+st+`"}`)
	}
	if s := status(); s.Status != "open" || s.Confidence != "osm" {
		t.Fatalf("before any report: %+v", s)
	}
	wantStatus(t, post(keyA, "closed"), 201)
	if s := status(); s.Status != "closed" || s.Confidence != "reported" {
		t.Fatalf("one voice: %+v", s)
	}
	// The same contributor again counts once.
	ts.clock.advance(time.Hour)
	wantStatus(t, post(keyA, "closed"), 201)
	if s := status(); s.Confidence != "reported" {
		t.Fatalf("same key twice: %+v", s)
	}
	ts.clock.advance(time.Hour)
	wantStatus(t, post(keyB, "closed"), 201)
	if s := status(); s.Status != "closed" || s.Confidence != "confirmed" || s.Since == nil || s.LastConfirmed == nil {
		t.Fatalf("two keys agree: %+v", s)
	}
	// Closed: not open now, whatever the OSM hours say.
	d := ts.placeDoc(t, starsBars, "en")
	if d.Hours == nil || d.Hours.OpenNow == nil || *d.Hours.OpenNow {
		t.Errorf("closed place open now: %+v", d.Hours)
	}
	ts.clock.advance(time.Hour)
	wantStatus(t, post(keyC, "open"), 201)
	wantStatus(t, post("KeyDelta_0123456789abcdefXYZ", "open"), 201)
	suiteMu.Lock()
	suiteKeys["KeyDelta_0123456789abcdefXYZ"] = true
	suiteMu.Unlock()
	if s := status(); s.Confidence != "disputed" {
		t.Fatalf("two against two: %+v", s)
	}
	// A mapper's report weighs a quorum.
	mapper := ts.createToken(t, "mapper")
	w := ts.do(req{method: http.MethodPost, target: "/api/v1/places/" + starsBars + "/reports", auth: mapper, body: `{"status":"open"}`})
	wantStatus(t, w, 201)
	if s := status(); s.Status != "open" || s.Confidence != "confirmed" {
		t.Fatalf("mapper tips it: %+v", s)
	}
	// A wrong token is refused.
	w = ts.do(req{method: http.MethodPost, target: "/api/v1/places/" + starsBars + "/reports", auth: "om_nope", body: `{"status":"open"}`})
	wantProblem(t, w, http.StatusUnauthorized, "token")
	// Fifteen days later every report is out of the window: OSM speaks.
	ts.clock.advance(15 * 24 * time.Hour)
	if s := status(); s.Status != "open" || s.Confidence != "osm" {
		t.Fatalf("after the window: %+v", s)
	}
	if n := len(ts.placeDoc(t, starsBars, "en").Reports); n != 6 {
		t.Errorf("history holds %d reports, want 6", n)
	}
}

// TestModerationNotHeldToReportBudget: a moderator clearing spam is not
// held to the anonymous report budget of the address (a new-user test saw
// the 7th hide in a minute refused); the read budget still applies.
func TestModerationNotHeldToReportBudget(t *testing.T) {
	ts := newTestServer(t, func(c *Config) {
		c.ReportsPerMinute, c.ReportBurst = 1, 1
		c.ReadsPerSecond, c.ReadBurst = 1, 11 // the read of the place and 10 actions
	})
	mod := ts.createToken(t, "moderator")
	wantStatus(t, ts.report(spar, keyA, `{"status":"gone","remark":"spam"}`), 201)
	rid := ts.placeDoc(t, spar, "en").Reports[0].ID
	for i := 0; i < 10; i++ {
		action := []string{"hide", "unhide"}[i%2]
		wantStatus(t, ts.do(req{method: http.MethodPost, target: fmt.Sprintf("/api/v1/moderation/reports/%d/%s", rid, action), auth: mod}), http.StatusOK)
	}
	wantProblem(t, ts.do(req{method: http.MethodPost, target: fmt.Sprintf("/api/v1/moderation/reports/%d/hide", rid), auth: mod}), http.StatusTooManyRequests, "")
}

func TestModeration(t *testing.T) {
	ts := newTestServer(t, nil)
	mod := ts.createToken(t, "moderator")
	mapper := ts.createToken(t, "mapper")
	wantStatus(t, ts.report(spar, keyA, `{"status":"gone","remark":"spam"}`), 201)
	wantStatus(t, ts.report(spar, keyA, `{"status":"gone","remark":"spam again"}`), 201)
	wantStatus(t, ts.report(spar, keyB, `{"status":"open"}`), 201)
	d := ts.placeDoc(t, spar, "en")
	if len(d.Reports) != 3 {
		t.Fatalf("%d reports", len(d.Reports))
	}
	var spamID, goodID int64
	for _, r := range d.Reports {
		if r.Remark == "spam" {
			spamID = r.ID
		}
		if r.Status == "open" {
			goodID = r.ID
		}
	}
	post := func(target, auth, body string) *httptestRecorder {
		return ts.do(req{method: http.MethodPost, target: target, auth: auth, body: body})
	}
	t.Run("no token", func(t *testing.T) {
		w := post(fmt.Sprintf("/api/v1/moderation/reports/%d/hide", spamID), "", "")
		wantProblem(t, w, http.StatusUnauthorized, "token")
		if w.Header().Get("WWW-Authenticate") == "" {
			t.Error("no WWW-Authenticate")
		}
	})
	t.Run("mapper token may not moderate", func(t *testing.T) {
		wantProblem(t, post(fmt.Sprintf("/api/v1/moderation/reports/%d/hide", spamID), mapper, ""), http.StatusForbidden, "token")
	})
	t.Run("unknown report", func(t *testing.T) {
		wantStatus(t, post("/api/v1/moderation/reports/999999/hide", mod, ""), http.StatusNotFound)
		wantStatus(t, post("/api/v1/moderation/reports/abc/hide", mod, ""), http.StatusNotFound)
	})
	t.Run("hide and unhide", func(t *testing.T) {
		wantStatus(t, post(fmt.Sprintf("/api/v1/moderation/reports/%d/hide", goodID), mod, ""), http.StatusOK)
		if d := ts.placeDoc(t, spar, "en"); len(d.Reports) != 2 || d.Status.Status != "gone" {
			t.Fatalf("after hiding the open report: %d reports, %+v", len(d.Reports), d.Status)
		}
		wantStatus(t, post(fmt.Sprintf("/api/v1/moderation/reports/%d/unhide", goodID), mod, ""), http.StatusOK)
	})
	t.Run("block the contributor behind a report", func(t *testing.T) {
		wantProblem(t, post("/api/v1/moderation/contributors/block", mod, `{"report_id":"x"}`), 400, "")
		wantProblem(t, post("/api/v1/moderation/contributors/block", mod, `{}`), 400, "report_id")
		wantStatus(t, post("/api/v1/moderation/contributors/block", mod, `{"report_id":999999}`), 404)
		w := post("/api/v1/moderation/contributors/block", mod, fmt.Sprintf(`{"report_id":%d}`, spamID))
		wantStatus(t, w, http.StatusOK)
		var out struct {
			ReportsHidden int `json:"reports_hidden"`
		}
		decode(t, w, &out)
		if out.ReportsHidden != 2 {
			t.Errorf("hid %d reports, want 2", out.ReportsHidden)
		}
		d := ts.placeDoc(t, spar, "en")
		if len(d.Reports) != 1 || d.Status.Status != "open" || d.Status.Confidence != "reported" {
			t.Errorf("after the block: %d reports, %+v", len(d.Reports), d.Status)
		}
		wantProblem(t, ts.report(spar, keyA, `{"status":"gone"}`), http.StatusForbidden, "")
	})
	t.Run("lock and unlock a place", func(t *testing.T) {
		wantStatus(t, post("/api/v1/moderation/places/node/1/lock", mod, ""), http.StatusNotFound)
		wantStatus(t, post("/api/v1/moderation/places/"+spar+"/lock", mod, ""), http.StatusOK)
		wantProblem(t, ts.report(spar, keyC, `{"status":"closed"}`), http.StatusConflict, "")
		if d := ts.placeDoc(t, spar, "en"); !d.Status.Locked {
			t.Error("not shown as locked")
		}
		wantStatus(t, post("/api/v1/moderation/places/"+spar+"/unlock", mod, ""), http.StatusOK)
		wantStatus(t, ts.report(spar, keyC, `{"status":"closed"}`), http.StatusCreated)
	})
}

// TestReportForm: the place page's form (no JavaScript), as serve
// registers it, over the imported database: the report is stored with its
// services, a bad one shows the page again with why, in the reader's
// language, and nothing is stored for it.
func TestReportForm(t *testing.T) {
	ts := pagesServer(t)
	form := func(v url.Values) *httptestRecorder {
		return ts.do(req{method: http.MethodPost, target: "/place/" + spar + "/report", body: v.Encode(), ctype: "application/x-www-form-urlencoded"})
	}
	w := form(url.Values{"status": {"partial"}, "takeaway": {"yes"}, "delivery": {"no"}, "pickup": {""}, "remark": {"formulaire"}, "contributor": {keyC}, "lang": {"fr"}})
	wantStatus(t, w, http.StatusSeeOther)
	if loc := w.Header().Get("Location"); loc != "/place/"+spar+"?lang=fr&sent=1" {
		t.Errorf("Location %q", loc)
	}
	d := ts.placeDoc(t, spar, "fr")
	if len(d.Reports) != 1 || d.Reports[0].Remark != "formulaire" || d.Reports[0].Takeaway == nil || !*d.Reports[0].Takeaway ||
		d.Reports[0].Delivery == nil || *d.Reports[0].Delivery || d.Reports[0].Pickup != nil || d.Reports[0].Status != "partial" {
		t.Fatalf("form report: %+v", d.Reports)
	}
	if page := ts.do(req{target: "/place/" + spar + "?lang=fr&sent=1"}); !strings.Contains(page.Body.String(), "Merci") {
		t.Errorf("the page after a report does not thank: %.300s", page.Body.String())
	}
	w = form(url.Values{"status": {"open"}, "opening_hours": {"lu-ve 9h-18h"}, "contributor": {keyC}, "lang": {"en"}})
	wantStatus(t, w, http.StatusUnprocessableEntity)
	for _, want := range []string{"Mo-Fr 09:00-18:00", `value="lu-ve 9h-18h"`, `role="alert"`} {
		if !strings.Contains(w.Body.String(), want) {
			t.Errorf("bad hours: the page lacks %q", want)
		}
	}
	w = form(url.Values{"status": {"nope"}, "contributor": {keyC}, "lang": {"fr"}})
	wantStatus(t, w, http.StatusBadRequest)
	if !strings.Contains(w.Body.String(), "choisissez ce que vous avez vu") {
		t.Errorf("bad status: %.300s", w.Body.String())
	}
	// Without a key (a page that could not put one in), or with a forged
	// one: a one-shot key, so the report counts as one more voice.
	wantStatus(t, form(url.Values{"status": {"closed"}}), http.StatusSeeOther)
	wantStatus(t, form(url.Values{"status": {"closed"}, "contributor": {"<short>"}}), http.StatusSeeOther)
	// Two closed voices outweigh the one partial: each keyless report
	// counted as a contributor of its own.
	if d := ts.placeDoc(t, spar, "en"); len(d.Reports) != 3 || string(d.Status.Status) != "closed" {
		t.Errorf("after the keyless reports: %d reports, status %s", len(d.Reports), d.Status.Status)
	}
	wantStatus(t, ts.do(req{method: http.MethodPost, target: "/place/node/1/report", body: "status=open&contributor=" + keyC, ctype: "application/x-www-form-urlencoded"}), 404)
	// The page's own calls to the API are not counted as requests of
	// their own: the form posts are, once each.
	m := ts.do(req{target: "/metrics"}).Body.String()
	if strings.Contains(m, `route="/api/v1/places/:type/:id/reports"`) || !strings.Contains(m, `openmap_http_requests_total{method="POST",route="/place/:type/:id/report",code="303"} 3`) {
		t.Errorf("metrics of the form posts:\n%s", m)
	}
}

func TestHoursCheck(t *testing.T) {
	ts := newTestServer(t, nil)
	check := func(v, lang string) hoursCheck {
		w := ts.do(req{target: "/api/v1/hours/check?lang=" + lang + "&value=" + url.QueryEscape(v)})
		wantStatus(t, w, http.StatusOK)
		var out hoursCheck
		decode(t, w, &out)
		return out
	}
	ok := check("Mo-Fr 09:00-18:00", "fr")
	if !ok.Valid || ok.Error != nil || ok.Normalized == "" || len(ok.Week) != 7 || ok.Week[0].Day != "Mardi" {
		t.Errorf("valid value: %+v", ok)
	}
	bad := check("mo-fr 9h-18h", "fr")
	if bad.Valid || bad.Error == nil || bad.Position == nil || bad.Suggestion == nil || len(bad.Warnings) == 0 {
		t.Errorf("lenient value: %+v", bad)
	}
	if !strings.Contains(*bad.Error, "caractère") {
		t.Errorf("French error: %q", *bad.Error)
	}
	junk := check("n'importe quand", "en")
	if junk.Valid || junk.Suggestion != nil {
		t.Errorf("junk: %+v", junk)
	}
	wantProblem(t, ts.do(req{target: "/api/v1/hours/check?value=" + strings.Repeat("x", 300)}), 400, "value")
}

func TestSearch(t *testing.T) {
	ts := newTestServer(t, nil)
	type result struct {
		ID, Name, CategoryLabel, SubcategoryLabel string
		Lat, Lon                                  float64
		DistanceM                                 *float64 `json:"distance_m"`
	}
	search := func(q string) []result {
		w := ts.do(req{target: "/api/v1/search?" + q})
		wantStatus(t, w, http.StatusOK)
		var out struct{ Results []result }
		decode(t, w, &out)
		return out.Results
	}
	// "epicerie" finds the places labelled "Épicerie", nearest first.
	got := search("q=epicerie&near=43.7384,7.4246&lang=fr")
	if len(got) == 0 {
		t.Fatal("epicerie found nothing")
	}
	for i, r := range got {
		if r.DistanceM == nil {
			t.Fatalf("no distance: %+v", r)
		}
		if i > 0 && *r.DistanceM < *got[i-1].DistanceM {
			t.Errorf("not nearest first: %v then %v", *got[i-1].DistanceM, *r.DistanceM)
		}
	}
	if upper := search("q=%C3%89PICERIE&near=43.7384,7.4246"); len(upper) != len(got) {
		t.Errorf("ÉPICERIE found %d, epicerie %d", len(upper), len(got))
	}
	if sp := search("q=spar"); len(sp) == 0 || sp[0].Name != "Spar" {
		t.Errorf("spar: %+v", sp)
	}
	if lim := search("q=a&limit=3"); len(lim) > 3 {
		t.Errorf("limit 3 gave %d", len(lim))
	}
	for name, q := range map[string]string{"no q": "", "only punctuation": "q=%2B%2B", "bad near": "q=spar&near=abc", "bad limit": "q=spar&limit=1000"} {
		t.Run(name, func(t *testing.T) {
			w := ts.do(req{target: "/api/v1/search?" + q})
			wantStatus(t, w, http.StatusBadRequest)
		})
	}
}

func TestMetaRoutes(t *testing.T) {
	ts := newTestServer(t, nil)
	wantStatus(t, ts.report(spar, keyA, `{"status":"closed"}`), 201)

	w := ts.do(req{target: "/api/v1/categories"})
	wantStatus(t, w, 200)
	var cats struct {
		Categories []categoryDoc
	}
	decode(t, w, &cats)
	if len(cats.Categories) < 9 || cats.Categories[0].Label.FR == "" || cats.Categories[0].Label.EN == "" || len(cats.Categories[0].Subcategories) == 0 {
		t.Errorf("categories: %+v", cats.Categories)
	}

	w = ts.do(req{target: "/api/v1/stats"})
	wantStatus(t, w, 200)
	var st struct {
		Places, Reports int
		Reports24h      int            `json:"reports_24h"`
		ByStatus        map[string]int `json:"by_status"`
		ByType          map[string]int `json:"by_type"`
	}
	decode(t, w, &st)
	sum := 0
	for _, n := range st.ByStatus {
		sum += n
	}
	if st.Places < 400 || st.Reports != 1 || st.Reports24h != 1 || st.ByStatus["closed"] != 1 || sum != st.Places || st.ByType["node"] == 0 {
		t.Errorf("stats: %+v", st)
	}

	w = ts.do(req{target: "/api/v1/config"})
	wantStatus(t, w, 200)
	var cfg struct {
		Tiles struct {
			URL, Attribution string
		}
	}
	decode(t, w, &cfg)
	if !strings.Contains(cfg.Tiles.URL, "{z}") || !strings.Contains(cfg.Tiles.Attribution, "OpenStreetMap") {
		t.Errorf("config: %+v", cfg)
	}

	w = ts.do(req{target: "/healthz"})
	if w.Code != 200 || w.Body.String() != "ok\n" {
		t.Errorf("healthz: %d %q", w.Code, w.Body.String())
	}

	ts.do(req{target: "/api/v1/places?bbox=" + monacoBBox})
	ts.do(req{target: "/api/v1/places?bbox=" + monacoBBox})
	w = ts.do(req{target: "/metrics"})
	wantStatus(t, w, 200)
	m := w.Body.String()
	for _, want := range []string{
		`openmap_http_requests_total{method="GET",route="/api/v1/places",code="200"} 2`,
		`openmap_reports_created_total 1`,
		`openmap_places_cache_total{result="hit"} 1`,
		"# TYPE openmap_http_request_duration_seconds summary",
	} {
		if !strings.Contains(m, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	if !strings.HasPrefix(w.Header().Get("Content-Type"), "text/plain; version=0.0.4") {
		t.Errorf("metrics content type %q", w.Header().Get("Content-Type"))
	}

	t.Run("unknown route and method", func(t *testing.T) {
		wantStatus(t, ts.do(req{target: "/api/v1/nothing"}), 404)
		wantStatus(t, ts.do(req{method: http.MethodDelete, target: "/api/v1/places"}), 405)
	})
	t.Run("security headers", func(t *testing.T) {
		// The API's answers are no documents: nothing loads from them.
		for _, target := range []string{"/api/v1/config", "/api/v1/places/" + spar, "/api/v1/nothing"} {
			w := ts.do(req{target: target})
			if csp := w.Header().Get("Content-Security-Policy"); csp != "default-src 'none'; frame-ancestors 'none'" {
				t.Errorf("%s: CSP %q", target, csp)
			}
			if w.Header().Get("X-Frame-Options") != "DENY" || w.Header().Get("X-Content-Type-Options") != "nosniff" || w.Header().Get("Referrer-Policy") != "no-referrer" {
				t.Errorf("%s: headers %v", target, w.Header())
			}
		}
		// The server's own pages, other than the API, get the document
		// policy (the map page's is checked in pages_test.go).
		w := ts.do(req{target: "/healthz"})
		csp := w.Header().Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'self'", "script-src 'self'", "img-src 'self' data: https://tile.openstreetmap.org", "frame-ancestors 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("CSP %q lacks %q", csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-inline") {
			t.Errorf("CSP allows inline: %q", csp)
		}
		if w.Header().Get("X-Frame-Options") != "DENY" || w.Header().Get("X-Content-Type-Options") != "nosniff" || w.Header().Get("Referrer-Policy") == "" {
			t.Errorf("headers %v", w.Header())
		}
	})
}

func TestExports(t *testing.T) {
	ts := newTestServer(t, nil)
	wantStatus(t, ts.report(spar, keyA, `{"status":"open_adapted","opening_hours":"Mo 09:00-10:00"}`), 201)
	stats := ts.do(req{target: "/api/v1/stats"})
	var st struct{ Places, Gone int }
	decode(t, stats, &st)

	w := ts.do(req{target: "/api/v1/export.geojson"})
	wantStatus(t, w, 200)
	var g fc
	decode(t, w, &g)
	if len(g.Features) != st.Places+st.Gone || !strings.Contains(g.Attribution, "OpenStreetMap") {
		t.Fatalf("geojson: %d features for %d places, attribution %q", len(g.Features), st.Places+st.Gone, g.Attribution)
	}
	found := false
	for _, f := range g.Features {
		if f.Properties["id"] == spar {
			found = f.Properties["status"] == "open_adapted" && f.Properties["reported_hours"] == "Mo 09:00-10:00"
		}
	}
	if !found {
		t.Error("Spar's reported status is not in the GeoJSON export")
	}

	w = ts.do(req{target: "/api/v1/export.csv"})
	wantStatus(t, w, 200)
	rows, err := csv.NewReader(strings.NewReader(w.Body.String())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != st.Places+st.Gone+1 || rows[0][0] != "id" || rows[0][len(rows[0])-1] != "attribution" {
		t.Fatalf("csv: %d rows, header %v", len(rows), rows[0])
	}
	for _, r := range rows[1:] {
		if !strings.Contains(r[len(r)-1], "OpenStreetMap") {
			t.Fatalf("row without attribution: %v", r)
		}
		if r[0] == spar && r[9] != "open_adapted" {
			t.Errorf("Spar in CSV: %v", r)
		}
	}
}

func TestRateLimits(t *testing.T) {
	ts := newTestServer(t, func(c *Config) {
		c.ReadsPerSecond, c.ReadBurst = 1, 3
		c.ReportsPerMinute, c.ReportBurst = 1, 2
		c.ContributorsPerHour, c.ContributorBurst = 1, 1
	})
	for i := 0; i < 3; i++ {
		wantStatus(t, ts.do(req{target: "/api/v1/config"}), 200)
	}
	w := ts.do(req{target: "/api/v1/config"})
	wantProblem(t, w, http.StatusTooManyRequests, "")
	if w.Header().Get("Retry-After") != "1" {
		t.Errorf("Retry-After %q", w.Header().Get("Retry-After"))
	}
	// Another IP has its own budget; reads and reports are apart.
	wantStatus(t, ts.do(req{target: "/api/v1/config", remote: "192.0.2.9:1"}), 200)
	// Per contributor key: one report per hour (keys A and B post from
	// one address here).
	// On one place, one address is one voice (voices.go), with that
	// voice's budget: B posts on another place.
	post := func(place, key string) *httptest.ResponseRecorder {
		return ts.do(req{method: http.MethodPost, target: "/api/v1/places/" + place + "/reports", body: `{"status":"open"}`, key: key, remote: ipDirect + ":1"})
	}
	wantStatus(t, post(spar, keyA), 201)
	w = post(spar, keyA)
	wantProblem(t, w, http.StatusTooManyRequests, "")
	if ra := w.Header().Get("Retry-After"); ra == "" || ra == "0" {
		t.Errorf("Retry-After %q", ra)
	}
	// Per IP: the burst of 2 report posts is spent.
	w = post(starsBars, keyB)
	wantProblem(t, w, http.StatusTooManyRequests, "")
	// A minute later the IP may post again.
	ts.clock.advance(61 * time.Second)
	wantStatus(t, post(starsBars, keyB), 201)
	if !strings.Contains(ts.do(req{target: "/metrics", remote: "192.0.2.10:1"}).Body.String(), `openmap_rate_limited_total{kind="contributor"} 1`) {
		t.Error("contributor limit not counted")
	}
}

func TestForwardedForOnlyBehindProxy(t *testing.T) {
	// Without TrustProxy, X-Forwarded-For is ignored: forging it does
	// not buy a fresh budget.
	direct := newTestServer(t, func(c *Config) { c.ReadsPerSecond, c.ReadBurst = 0.001, 1 })
	wantStatus(t, direct.do(req{target: "/api/v1/config", header: map[string]string{"X-Forwarded-For": ipForwarded}}), 200)
	wantStatus(t, direct.do(req{target: "/api/v1/config", header: map[string]string{"X-Forwarded-For": "192.0.2.1"}}), 429)
	// Behind a proxy (peer on loopback), each forwarded client has its own.
	proxied := newTestServer(t, func(c *Config) { c.ReadsPerSecond, c.ReadBurst = 0.001, 1; c.TrustProxy = true })
	for _, ip := range []string{ipForwarded, "192.0.2.1"} {
		wantStatus(t, proxied.do(req{target: "/api/v1/config", remote: "127.0.0.1:5000", header: map[string]string{"X-Forwarded-For": ip}}), 200)
	}
	wantStatus(t, proxied.do(req{target: "/api/v1/config", remote: "127.0.0.1:5000", header: map[string]string{"X-Forwarded-For": ipForwarded}}), 429)
	// Reports through the proxy: the forwarded IP is never stored.
	wantStatus(t, proxied.report(spar, keyB, `{"status":"open"}`), 201)
}

func TestOpenAPIMatchesRoutes(t *testing.T) {
	ts := pagesServer(t) // every route, as serve registers them
	w := ts.do(req{target: "/api/v1/openapi.json"})
	wantStatus(t, w, 200)
	var doc struct {
		OpenAPI string                            `json:"openapi"`
		Paths   map[string]map[string]interface{} `json:"paths"`
	}
	decode(t, w, &doc)
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("openapi %q", doc.OpenAPI)
	}
	documented := map[string]bool{}
	for p, ops := range doc.Paths {
		for m := range ops {
			documented[strings.ToUpper(m)+" "+echoPath(p)] = true
		}
	}
	registered := map[string]bool{}
	for _, r := range ts.e.Routes() {
		if strings.HasSuffix(r.Path, "/*") || r.Method == "echo_route_not_found" {
			continue
		}
		registered[r.Method+" "+r.Path] = true
	}
	var missing, extra []string
	for k := range registered {
		if !documented[k] {
			missing = append(missing, k)
		}
	}
	for k := range documented {
		if !registered[k] {
			extra = append(extra, k)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	if len(missing) > 0 || len(extra) > 0 {
		t.Errorf("routes not in the document: %v; documented but not routed: %v", missing, extra)
	}
	if len(registered) < 15 {
		t.Errorf("only %d routes", len(registered))
	}
}

func TestAccessLogHasNoIP(t *testing.T) {
	ts := newTestServer(t, func(c *Config) { c.TrustProxy = true })
	ts.do(req{target: "/api/v1/search?q=spar&near=43.7384,7.4246", remote: "127.0.0.1:9", header: map[string]string{"X-Forwarded-For": ipForwarded}})
	ts.report(spar, keyA, `{"status":"open"}`)
	ts.do(req{target: "/api/v1/places/node/1"})
	logs := ts.logs.String()
	if !strings.Contains(logs, `"route":"/api/v1/search"`) || !strings.Contains(logs, `"status":404`) {
		t.Fatalf("access log lacks lines: %s", logs)
	}
	for _, bad := range []string{ipForwarded, ipDirect, "127.0.0.1", keyA, "43.7384", "near="} {
		if strings.Contains(logs, bad) {
			t.Errorf("log holds %q", bad)
		}
	}
}

// TestPostAnswerStatusAsGet: the status in a report's 201 (the place
// document, from the inputs its transaction read back, and the minimal
// answer) is the one a GET of the place says right after, report after
// report.
func TestPostAnswerStatusAsGet(t *testing.T) {
	ts := newTestServer(t, nil)
	steps := []struct {
		key, status string
		minimal     bool
	}{
		{keyA, "open", false}, {keyB, "closed", true}, {keyB, "open", false}, {keyC, "partial", true},
		{keyA, "partial", false}, {keyC, "closed", false}, {keyA, "closed", true},
	}
	status := func(w *httptest.ResponseRecorder) string {
		t.Helper()
		var doc struct {
			Status map[string]any `json:"status"`
		}
		decode(t, w, &doc)
		delete(doc.Status, "locked") // the minimal answer has no lock flag
		b, _ := json.Marshal(doc.Status)
		return string(b)
	}
	for i, st := range steps {
		r := req{method: http.MethodPost, target: "/api/v1/places/" + spar + "/reports", key: st.key, body: `{"status":"` + st.status + `"}`}
		if !st.minimal {
			r.header = map[string]string{"Prefer": "return=representation"}
		}
		w := ts.do(r)
		if w.Code != http.StatusCreated {
			t.Fatalf("step %d: %d %s", i, w.Code, w.Body.String())
		}
		got := status(w)
		want := status(ts.do(req{target: "/api/v1/places/" + spar}))
		if got != want {
			t.Errorf("step %d (%s %s): 201 says %s, GET says %s", i, st.key, st.status, got, want)
		}
		ts.clock.advance(time.Minute)
	}
}
