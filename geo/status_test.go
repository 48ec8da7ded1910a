package geo

import (
	"testing"
	"time"
)

func TestComputeStatus(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	ago := func(d time.Duration) time.Time { return now.Add(-d) }
	day := 24 * time.Hour
	yes, no := true, false
	rep := func(who string, st Status, at time.Time) Report {
		return Report{Contributor: who, Status: st, At: at}
	}
	keys := []string{"shop", "amenity"}
	prefixes := []string{"disused", "abandoned", "was"}
	osmTags := func(kv ...string) OSMEvidence {
		tags := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			tags[kv[i]] = kv[i+1]
		}
		return OSMEvidence{Tags: tags, Keys: keys, LifecyclePrefixes: prefixes}
	}
	bakery := osmTags("shop", "bakery")
	rules := DefaultStatusRules()

	tests := []struct {
		name    string
		rules   StatusRules
		reports []Report
		osm     OSMEvidence
		status  Status
		conf    Confidence
		reason  string
	}{
		{name: "nothing speaks", osm: bakery, status: StatusUnknown, conf: UnknownConfidence, reason: "nothing"},
		{name: "one voice is reported", osm: bakery,
			reports: []Report{rep("a", StatusOpen, ago(time.Hour))},
			status:  StatusOpen, conf: Reported, reason: "one_voice"},
		{name: "two agreeing contributors confirm", osm: bakery,
			reports: []Report{rep("a", StatusClosed, ago(2*day)), rep("b", StatusClosed, ago(time.Hour))},
			status:  StatusClosed, conf: Confirmed, reason: "quorum"},
		{name: "one contributor twice counts once", osm: bakery,
			reports: []Report{rep("a", StatusClosed, ago(2*day)), rep("a", StatusClosed, ago(time.Hour))},
			status:  StatusClosed, conf: Reported, reason: "one_voice"},
		{name: "a contributor's latest report replaces the earlier one", osm: bakery,
			reports: []Report{rep("a", StatusOpen, ago(time.Hour)), rep("a", StatusClosed, ago(3*day)), rep("b", StatusOpen, ago(2*time.Hour))},
			status:  StatusOpen, conf: Confirmed, reason: "quorum"},
		{name: "changed mind: latest of each contributor disagrees", osm: bakery,
			reports: []Report{rep("a", StatusOpen, ago(3*day)), rep("a", StatusClosed, ago(time.Hour)), rep("b", StatusOpen, ago(2*time.Hour))},
			status:  StatusClosed, conf: Disputed, reason: "disagreement"},
		{name: "quorum of three when configured", rules: StatusRules{Window: 14 * day, Quorum: 3},
			osm:     bakery,
			reports: []Report{rep("a", StatusOpen, ago(time.Hour)), rep("b", StatusOpen, ago(time.Hour))},
			status:  StatusOpen, conf: Reported, reason: "one_voice"},
		{name: "trusted report alone is confirmed", osm: bakery,
			reports: []Report{{Contributor: "m", Status: StatusGone, At: ago(time.Hour), Trusted: true}},
			status:  StatusGone, conf: Confirmed, reason: "trusted"},
		{name: "trusted report outweighs one dissent", osm: bakery,
			reports: []Report{{Contributor: "m", Status: StatusOpen, At: ago(time.Hour), Trusted: true}, rep("a", StatusClosed, ago(2*time.Hour))},
			status:  StatusOpen, conf: Confirmed, reason: "trusted"},
		{name: "two against one is confirmed", osm: bakery,
			reports: []Report{rep("a", StatusOpen, ago(time.Hour)), rep("b", StatusOpen, ago(2*time.Hour)), rep("c", StatusClosed, ago(3*time.Hour))},
			status:  StatusOpen, conf: Confirmed, reason: "quorum"},
		{name: "two against two is disputed, newest leads", osm: bakery,
			reports: []Report{rep("a", StatusOpen, ago(4*time.Hour)), rep("b", StatusOpen, ago(3*time.Hour)), rep("c", StatusClosed, ago(2*time.Hour)), rep("d", StatusClosed, ago(time.Hour))},
			status:  StatusClosed, conf: Disputed, reason: "disagreement"},
		{name: "one against one is disputed", osm: bakery,
			reports: []Report{rep("a", StatusOpen, ago(2*time.Hour)), rep("b", StatusPartial, ago(time.Hour))},
			status:  StatusPartial, conf: Disputed, reason: "disagreement"},
		{name: "reports older than the window stop counting", osm: osmTags("shop", "bakery", "opening_hours", "Mo-Fr 09:00-18:00"),
			reports: []Report{rep("a", StatusClosed, ago(15*day)), rep("b", StatusClosed, ago(20*day))},
			status:  StatusOpen, conf: FromOSM, reason: "osm_hours"},
		{name: "a shorter window is honoured", rules: StatusRules{Window: day, Quorum: 2}, osm: bakery,
			reports: []Report{rep("a", StatusClosed, ago(2*day)), rep("b", StatusOpen, ago(time.Hour))},
			status:  StatusOpen, conf: Reported, reason: "one_voice"},
		{name: "hidden reports never count", osm: bakery,
			reports: []Report{{Contributor: "a", Status: StatusGone, At: ago(time.Hour), Hidden: true}, rep("b", StatusOpen, ago(2*time.Hour))},
			status:  StatusOpen, conf: Reported, reason: "one_voice"},
		{name: "reports dated far in the future are ignored", osm: bakery,
			reports: []Report{rep("a", StatusClosed, now.Add(day))},
			status:  StatusUnknown, conf: UnknownConfidence, reason: "nothing"},
		{name: "reports beat OSM", osm: osmTags("shop", "bakery", "opening_hours", "off"),
			reports: []Report{rep("a", StatusOpen, ago(time.Hour))},
			status:  StatusOpen, conf: Reported, reason: "one_voice"},
		{name: "element gone from OSM", osm: OSMEvidence{Gone: true, Tags: map[string]string{"shop": "bakery"}},
			status: StatusGone, conf: FromOSM, reason: "osm_gone"},
		{name: "disused lifecycle prefix is closed", osm: osmTags("amenity", "atm", "disused:shop", "bakery"),
			status: StatusClosed, conf: FromOSM, reason: "osm_lifecycle"},
		{name: "abandoned lifecycle prefix is gone", osm: osmTags("amenity", "atm", "abandoned:shop", "bakery"),
			status: StatusGone, conf: FromOSM, reason: "osm_lifecycle"},
		{name: "lifecycle tag beside its plain key says nothing", osm: osmTags("shop", "bakery", "was:shop", "butcher"),
			status: StatusUnknown, conf: UnknownConfidence, reason: "nothing"},
		{name: "opening_hours off is closed", osm: osmTags("shop", "bakery", "opening_hours", "off"),
			status: StatusClosed, conf: FromOSM, reason: "osm_hours_off"},
		{name: "recent check_date is open", osm: osmTags("shop", "bakery", "check_date", "2026-10-03"),
			status: StatusOpen, conf: FromOSM, reason: "osm_check_date"},
		{name: "old check_date says nothing", osm: osmTags("shop", "bakery", "check_date", "2019-10-03"),
			status: StatusUnknown, conf: UnknownConfidence, reason: "nothing"},
		{name: "opening_hours alone is open by OSM", osm: osmTags("shop", "bakery", "opening_hours", "24/7"),
			status: StatusOpen, conf: FromOSM, reason: "osm_hours"},
		{name: "unknown status values in reports are ignored", osm: bakery,
			reports: []Report{rep("a", Status("<script>"), ago(time.Hour))},
			status:  StatusUnknown, conf: UnknownConfidence, reason: "nothing"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := rules
			if tc.rules.Window != 0 {
				r = tc.rules
			}
			got := r.Compute(now, tc.reports, tc.osm)
			if got.Status != tc.status || got.Confidence != tc.conf || got.Reason != tc.reason {
				t.Errorf("got %s/%s (%s), want %s/%s (%s)", got.Status, got.Confidence, got.Reason, tc.status, tc.conf, tc.reason)
			}
		})
	}

	t.Run("basis, dates and services come from the agreeing voices", func(t *testing.T) {
		reps := []Report{
			{Contributor: "a", Status: StatusPartial, At: ago(3 * day), Takeaway: &yes, Delivery: &no},
			{Contributor: "b", Status: StatusPartial, At: ago(time.Hour), OpeningHours: "Mo-Fr 10:00-12:00", Delivery: &yes},
			{Contributor: "c", Status: StatusClosed, At: ago(2 * time.Hour), Pickup: &yes},
		}
		got := rules.Compute(now, reps, bakery)
		if got.Status != StatusPartial || got.Confidence != Confirmed {
			t.Fatalf("got %s/%s", got.Status, got.Confidence)
		}
		if got.Basis == nil || got.Basis.OpeningHours != "Mo-Fr 10:00-12:00" {
			t.Errorf("basis = %+v, want b's report", got.Basis)
		}
		if !got.LastConfirmed.Equal(ago(time.Hour)) || !got.Since.Equal(ago(3*day)) {
			t.Errorf("last confirmed %v since %v", got.LastConfirmed, got.Since)
		}
		if got.Delivery == nil || !*got.Delivery || got.Takeaway == nil || !*got.Takeaway || got.Pickup != nil {
			t.Errorf("services delivery=%v takeaway=%v pickup=%v", got.Delivery, got.Takeaway, got.Pickup)
		}
		if got.Voices != 3 || got.Agreeing != 2 {
			t.Errorf("voices %d agreeing %d", got.Voices, got.Agreeing)
		}
	})
}

func TestParseStatus(t *testing.T) {
	for _, s := range ReportStatuses {
		if got, err := ParseStatus(string(s)); err != nil || got != s {
			t.Errorf("ParseStatus(%q) = %q, %v", s, got, err)
		}
		if s.Label().FR == "" || s.Label().EN == "" {
			t.Errorf("%s has no label", s)
		}
	}
	for _, bad := range []string{"", "unknown", "OPEN", "open ", "'; DROP TABLE reports; --"} {
		if _, err := ParseStatus(bad); err == nil {
			t.Errorf("ParseStatus(%q) accepted", bad)
		}
	}
}

func TestStatusRulesValidate(t *testing.T) {
	if err := DefaultStatusRules().Validate(); err != nil {
		t.Fatal(err)
	}
	for name, r := range map[string]StatusRules{
		"zero window": {Quorum: 2},
		"zero quorum": {Window: time.Hour},
	} {
		if r.Validate() == nil {
			t.Errorf("%s accepted", name)
		}
	}
}
