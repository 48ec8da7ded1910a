package api

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"
)

// TestOneAddressOneVoice: reports from one address on one place count as
// one voice, whatever keys they carry, over the API and the no-JavaScript
// form; other addresses, other places, an IPv6 subscriber's /64 and token
// holders are told apart as they should be.
func TestOneAddressOneVoice(t *testing.T) {
	ts := pagesServer(t)
	post := func(place, key, remote, status string) {
		t.Helper()
		w := ts.do(req{method: http.MethodPost, target: "/api/v1/places/" + place + "/reports", key: key, remote: remote,
			body: `{"status":"` + status + `"}`})
		wantStatus(t, w, http.StatusCreated)
	}
	confidence := func(place string) string {
		t.Helper()
		d := ts.placeDoc(t, place, "en")
		return string(d.Status.Status) + "/" + string(d.Status.Confidence)
	}
	const home, other = "198.51.100.40:5000", "192.0.2.41:6000"

	// Two keys from one address: one voice, the newest report.
	post(spar, keyA, home, "closed")
	post(spar, keyB, home, "gone")
	if got := confidence(spar); got != "gone/reported" {
		t.Errorf("two keys from one address: %s, want gone/reported", got)
	}
	// Another address agreeing: two voices, confirmed.
	post(spar, keyC, other, "gone")
	if got := confidence(spar); got != "gone/confirmed" {
		t.Errorf("a second address: %s, want gone/confirmed", got)
	}

	// One address is a voice per place, not one for the whole map.
	post(starsBars, keyA, home, "open")
	post(starsBars, keyB, other, "open")
	if got := confidence(starsBars); got != "open/confirmed" {
		t.Errorf("the same addresses on another place: %s, want open/confirmed", got)
	}

	// IPv6: one /64 is one subscriber; another /64 is someone else.
	post(totalFuel, keyA, "[2001:db8:1:2::10]:1", "closed")
	post(totalFuel, keyB, "[2001:db8:1:2:ffff::99]:1", "closed")
	if got := confidence(totalFuel); got != "closed/reported" {
		t.Errorf("two addresses of one /64: %s, want closed/reported", got)
	}
	post(totalFuel, keyC, "[2001:db8:1:3::10]:1", "closed")
	if got := confidence(totalFuel); got != "closed/confirmed" {
		t.Errorf("another /64: %s, want closed/confirmed", got)
	}

	// The no-JavaScript form makes a key for each keyless post: from one
	// address they are still one voice (a new-user test made a place
	// "gone, confirmed" with two such posts).
	const form = "node/25213244"
	formPost := func(remote string) {
		t.Helper()
		w := ts.do(req{method: http.MethodPost, target: "/place/" + form + "/report", remote: remote,
			body: url.Values{"status": {"gone"}, "lang": {"fr"}}.Encode(), ctype: "application/x-www-form-urlencoded"})
		wantStatus(t, w, http.StatusSeeOther)
	}
	formPost(home)
	formPost(home)
	if got := confidence(form); got != "gone/reported" {
		t.Errorf("two keyless form posts from one address: %s, want gone/reported", got)
	}
	formPost(other)
	if got := confidence(form); got != "gone/confirmed" {
		t.Errorf("and one from another address: %s, want gone/confirmed", got)
	}

	// Two people at one address: the first gives hours, the second only
	// confirms. One voice, and the hours stay.
	const shop = "node/1681897935"
	wantStatus(t, ts.do(req{method: http.MethodPost, target: "/api/v1/places/" + shop + "/reports", key: keyA, remote: home,
		body: `{"status":"open","opening_hours":"Mo-Sa 08:00-12:00"}`}), http.StatusCreated)
	post(shop, keyB, home, "open")
	if d := ts.placeDoc(t, shop, "en"); d.ReportedHours == nil || d.ReportedHours.Normalized != "Mo-Sa 08:00-12:00" || d.Status.Confidence != "reported" {
		t.Errorf("hours given then confirmed from one address: %+v, reported hours %+v", d.Status, d.ReportedHours)
	}

	// Blocks: a refused post does not become the address's voice; a
	// blocked key cannot speak as the address's unblocked voice; a voice
	// blocked does not silence the others at its address.
	const bar = "node/1712696784"
	wantStatus(t, ts.do(req{method: http.MethodPost, target: "/api/v1/places/" + bar + "/reports", key: keyA, remote: home,
		body: `{"status":"open","opening_hours":"lu-ve 9h"}`}), http.StatusUnprocessableEntity)
	post(bar, keyB, home, "closed") // the address's voice on the bar: B
	mod := ts.createToken(t, "moderator")
	rid := ts.placeDoc(t, bar, "en").Reports[0].ID
	wantStatus(t, ts.do(req{method: http.MethodPost, target: "/api/v1/moderation/contributors/block", auth: mod,
		body: fmt.Sprintf(`{"report_id":%d}`, rid)}), http.StatusOK)
	post(bar, keyC, home, "open") // C, at B's address: speaks for itself
	if d := ts.placeDoc(t, bar, "en"); len(d.Reports) != 1 || d.Status.Status != "open" {
		t.Errorf("after B's block, C at the same address: %d reports, %+v", len(d.Reports), d.Status)
	}
	wantProblem(t, ts.do(req{method: http.MethodPost, target: "/api/v1/places/" + bar + "/reports", key: keyB, remote: other,
		body: `{"status":"gone"}`}), http.StatusForbidden, "")
	post(starsBars, keyC, home, "open") // C is not blocked elsewhere
	const fuel = "node/3264398845"
	post(fuel, keyA, home, "open")
	wantProblem(t, ts.do(req{method: http.MethodPost, target: "/api/v1/places/" + fuel + "/reports", key: keyB, remote: home,
		body: `{"status":"gone"}`}), http.StatusForbidden, "") // B blocked, even under A's voice

	// A window without a report from the address lets it go: its next
	// key is a new voice (the old one no longer counts anyway).
	ts.clock.advance(15 * 24 * time.Hour)
	post(spar, keyC, home, "open") // (B is blocked by now)
	post(spar, keyA, other, "open")
	if got := confidence(spar); got != "open/confirmed" {
		t.Errorf("after the window: %s, want open/confirmed", got)
	}
}

// TestVoicesBound: the table keeps at most max entries, the first seen
// going first, and forgets an address after the window.
func TestVoicesBound(t *testing.T) {
	v := newVoices(time.Hour)
	v.max = 3
	t0 := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	key := func(i byte) [32]byte { return [32]byte{i} }
	who := func(i byte) []byte { return []byte{i, i} }
	of := func(k [32]byte, w []byte, t time.Time) []byte { // as record uses it
		if held, ok := v.lookup(k, t); ok {
			w = held
		}
		v.remember(k, w, t)
		return w
	}
	for i := byte(1); i <= 4; i++ {
		of(key(i), who(i), t0)
	}
	if v.size() != 3 {
		t.Fatalf("size %d, want 3", v.size())
	}
	if got := of(key(1), who(9), t0); got[0] != 9 {
		t.Errorf("the first seen was not the one let go: %v", got)
	}
	if got := of(key(4), who(8), t0.Add(30*time.Minute)); got[0] != 4 {
		t.Errorf("within the window: %v, want the first voice", got)
	}
	if got := of(key(4), who(7), t0.Add(30*time.Minute+59*time.Minute)); got[0] != 4 {
		t.Errorf("seen again, the voice stays: %v", got)
	}
	if got := of(key(4), who(6), t0.Add(3*time.Hour)); got[0] != 6 {
		t.Errorf("after a window without a report: %v, want a new voice", got)
	}
	for _, c := range []struct{ in, want string }{
		{"198.51.100.7", "198.51.100.7"}, {"::ffff:198.51.100.7", "198.51.100.7"},
		{"2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"}, {"bogus", ""},
	} {
		if got := voiceNetwork(c.in); got != c.want {
			t.Errorf("voiceNetwork(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
