package geo

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Status is what a place is doing: the value of a report and of the current
// status of a place.
type Status string

// The statuses. A report carries one of the first five; Unknown is only ever
// computed, when nothing speaks.
const (
	StatusOpen        Status = "open"         // open as usual
	StatusOpenAdapted Status = "open_adapted" // open, with changed hours
	StatusPartial     Status = "partial"      // only some services (takeaway, delivery, pickup)
	StatusClosed      Status = "closed"       // closed for now
	StatusGone        Status = "gone"         // closed for good
	StatusUnknown     Status = "unknown"
)

// ReportStatuses lists the statuses a report may carry, in the order a form
// shows them.
var ReportStatuses = []Status{StatusOpen, StatusOpenAdapted, StatusPartial, StatusClosed, StatusGone}

// ErrBadStatus is wrapped by ParseStatus for anything but a report status.
var ErrBadStatus = fmt.Errorf("bad status")

// statusIndex is the place of st in ReportStatuses, -1 if it is not a
// status a report can give.
func statusIndex(st Status) int {
	switch st {
	case StatusOpen:
		return 0
	case StatusOpenAdapted:
		return 1
	case StatusPartial:
		return 2
	case StatusClosed:
		return 3
	case StatusGone:
		return 4
	}
	return -1
}

// ParseStatus reads a report status ("open", "open_adapted", "partial",
// "closed", "gone").
func ParseStatus(s string) (Status, error) {
	for _, st := range ReportStatuses {
		if string(st) == s {
			return st, nil
		}
	}
	return "", fmt.Errorf("%w %q: want one of open, open_adapted, partial, closed, gone", ErrBadStatus, s)
}

var statusLabels = map[Status]Label{
	StatusOpen:        {FR: "Ouvert", EN: "Open"},
	StatusOpenAdapted: {FR: "Ouvert, horaires adaptés", EN: "Open, adapted hours"},
	StatusPartial:     {FR: "Ouvert en partie", EN: "Partly open"},
	StatusClosed:      {FR: "Fermé", EN: "Closed"},
	StatusGone:        {FR: "Fermé définitivement", EN: "Closed for good"},
	StatusUnknown:     {FR: "Inconnu", EN: "Unknown"},
}

// Label returns the status in French and English.
func (s Status) Label() Label { return statusLabels[s] }

// Confidence says how far the current status of a place can be trusted.
type Confidence string

// The confidences, from the strongest.
const (
	Confirmed         Confidence = "confirmed" // K independent contributors agree, or a trusted one reported
	Reported          Confidence = "reported"  // one voice
	Disputed          Confidence = "disputed"  // recent reports disagree
	FromOSM           Confidence = "osm"       // no recent report: the OSM tags speak
	UnknownConfidence Confidence = "unknown"
)

// Report is one report as the status rules see it.
type Report struct {
	// ID is the report's number where it is stored (0 when it is not), so
	// what the rules conclude can point back to the reports behind it.
	ID int64
	// Contributor identifies who reported, as an opaque value (the keyed
	// hash of the contributor key): equal values are the same person.
	Contributor string
	Status      Status
	// Trusted is set for reports made with a mapper or moderator token.
	Trusted      bool
	Hidden       bool // hidden by a moderator: never counts
	At           time.Time
	OpeningHours string // the hours the contributor saw, "" if not given
	Delivery     *bool
	Takeaway     *bool
	Pickup       *bool
}

// StatusRules are the knobs of Compute.
type StatusRules struct {
	// Window is how long a report counts; older reports stay in the
	// history and stop counting.
	Window time.Duration
	// Quorum is how many independent contributors must agree for a status
	// to be confirmed. A trusted report weighs a full quorum.
	Quorum int
	// CheckDateWindow is how old an OSM check_date may be and still say
	// that the place is open.
	CheckDateWindow time.Duration
	// Skew is how far in the future a report may be dated (clock skew)
	// and still count.
	Skew time.Duration
}

// DefaultStatusRules: 14 days, 2 contributors, check_date up to a year old.
func DefaultStatusRules() StatusRules {
	return StatusRules{Window: 14 * 24 * time.Hour, Quorum: 2, CheckDateWindow: 365 * 24 * time.Hour, Skew: 5 * time.Minute}
}

// Validate says what is wrong with the rules, if anything.
func (r StatusRules) Validate() error {
	switch {
	case r.Window <= 0:
		return fmt.Errorf("status rules: window must be positive, got %v", r.Window)
	case r.Quorum < 1:
		return fmt.Errorf("status rules: quorum must be at least 1, got %d", r.Quorum)
	case r.CheckDateWindow < 0:
		return fmt.Errorf("status rules: check_date window must not be negative")
	}
	return nil
}

// OSMEvidence is what OpenStreetMap says about a place.
type OSMEvidence struct {
	Gone bool              // the element left OSM, or is no longer a place
	Tags map[string]string // its tags (only opening_hours, check_date* and lifecycle keys are read)
	// Keys and LifecyclePrefixes come from the category table: a tag
	// "disused:shop" (prefix "disused", key "shop") without a plain "shop"
	// says the shop closed.
	Keys              []string
	LifecyclePrefixes []string
}

// CurrentStatus is the outcome of Compute.
type CurrentStatus struct {
	Status     Status
	Confidence Confidence
	// LastConfirmed is the newest counting report agreeing with Status
	// (or the OSM check_date); zero if none.
	LastConfirmed time.Time
	// Since is the oldest counting report agreeing with Status; zero if none.
	Since time.Time
	// Voices is the number of contributors counted; Agreeing how many of
	// them back Status.
	Voices, Agreeing int
	// Basis is the newest counting report agreeing with Status; nil when
	// the status does not come from reports.
	Basis *Report
	// Hours is the newest counting report agreeing with Status that gave
	// opening hours, whose hours apply: a later "still open" without hours
	// does not wipe them. Nil when none did.
	Hours *Report
	// Delivery, Takeaway and Pickup are, for each service, the newest
	// value given by a report agreeing with Status.
	Delivery, Takeaway, Pickup *bool
	// Reason names the rule that decided, for people and tests
	// ("quorum", "trusted", "one_voice", "disagreement", "osm_gone",
	// "osm_lifecycle", "osm_hours_off", "osm_check_date", "osm_hours", "nothing").
	Reason string
}

// Compute combines the reports of one place (any order, hidden ones
// included) with what OSM says, at time now:
//
//   - a report counts if it is not hidden and was made within Window
//     before now; of each contributor only the latest counting report
//     counts, once;
//   - each counting voice weighs 1, a trusted one weighs Quorum; the status
//     with the most weight leads (a tie goes to the newest voice);
//   - the hours that apply are the newest given, in a report of the
//     leading status, by a contributor whose latest report agrees; the
//     services (delivery, takeaway, pickup) are the newest an agreeing
//     voice gave;
//   - if every voice agrees: confirmed when the weight reaches Quorum,
//     else reported;
//   - if voices disagree: confirmed when the leader reaches Quorum and
//     weighs at least twice all the others together, else disputed (the
//     status shown is still the leader);
//   - with no counting voice, OSM speaks: an element gone from OSM is gone;
//     a lifecycle tag (disused:shop without shop) is closed (disused) or
//     gone (abandoned, demolished, was, …); opening_hours "off" or
//     "closed" is closed; a check_date within CheckDateWindow or any
//     opening_hours is open — all with confidence osm;
//   - else unknown.
func (r StatusRules) Compute(now time.Time, reports []Report, osm OSMEvidence) CurrentStatus {
	from := now.Add(-r.Window)
	to := now.Add(r.Skew)
	lv := getVoices(len(reports)) // each contributor's counting report
	defer putVoices(lv)
	for i := range reports {
		rep := &reports[i]
		if rep.Hidden || rep.At.Before(from) || rep.At.After(to) || statusIndex(rep.Status) < 0 {
			continue
		}
		// On equal times the later one in the slice wins (the store
		// returns reports in insertion order).
		lv.offer(reports, i)
	}
	if lv.n == 0 {
		return r.fromOSM(now, osm)
	}
	// Newest first; the contributor breaks ties so the order is stable.
	// Reports usually come oldest first, so walking them backwards is
	// already the order unless two times are equal or out of order.
	voices := make([]*Report, 0, lv.n)
	sorted := true
	for i := len(reports) - 1; i >= 0; i-- {
		if lv.latest[i] {
			v := &reports[i]
			if n := len(voices); n > 0 && !voices[n-1].At.After(v.At) {
				sorted = false
			}
			voices = append(voices, v)
		}
	}
	if !sorted {
		slices.SortFunc(voices, func(a, b *Report) int {
			if c := b.At.Compare(a.At); c != 0 {
				return c
			}
			return strings.Compare(a.Contributor, b.Contributor)
		})
	}
	var weight [5]int // by statusIndex
	total := 0
	for _, v := range voices {
		w := 1
		if v.Trusted {
			w = r.Quorum
		}
		weight[statusIndex(v.Status)] += w
		total += w
	}
	// The leader: most weight; on a tie, the status of the newest voice
	// among the tied ones (voices are newest first).
	var lead Status
	leadWeight := 0
	for _, v := range voices {
		if w := weight[statusIndex(v.Status)]; lead == "" || w > leadWeight {
			lead, leadWeight = v.Status, w
		}
	}
	cs := CurrentStatus{Status: lead, Voices: len(voices)}
	trusted := false
	for _, v := range voices {
		if v.Status != lead {
			continue
		}
		cs.Agreeing++
		trusted = trusted || v.Trusted
		if cs.Basis == nil {
			cs.Basis = v
			cs.LastConfirmed = v.At
		}
		cs.Since = v.At
		if cs.Delivery == nil {
			cs.Delivery = v.Delivery
		}
		if cs.Takeaway == nil {
			cs.Takeaway = v.Takeaway
		}
		if cs.Pickup == nil {
			cs.Pickup = v.Pickup
		}
	}
	cs.Hours = hoursOf(reports, lv, lead, from, to)
	others := total - leadWeight
	switch {
	case others == 0 && leadWeight >= r.Quorum:
		cs.Confidence = Confirmed
		cs.Reason = "quorum"
		if trusted && cs.Agreeing < r.Quorum {
			cs.Reason = "trusted"
		}
	case others == 0:
		cs.Confidence, cs.Reason = Reported, "one_voice"
	case leadWeight >= r.Quorum && leadWeight >= 2*others:
		cs.Confidence, cs.Reason = Confirmed, "quorum"
		if trusted && cs.Agreeing < r.Quorum {
			cs.Reason = "trusted"
		}
	default:
		cs.Confidence, cs.Reason = Disputed, "disagreement"
	}
	return cs
}

// hoursOf is the report whose hours apply: the newest counting report of
// status lead with hours, by a contributor whose latest report agrees with
// lead (on equal times, the higher ID). So one who confirms without hours
// keeps the hours they or others gave. (One address is one voice, so one
// contributor's reports may be several people's.)
func hoursOf(reports []Report, lv *latestVoices, lead Status, from, to time.Time) *Report {
	var best *Report
	for i := range reports {
		rep := &reports[i]
		if rep.OpeningHours == "" || rep.Status != lead || rep.Hidden || rep.At.Before(from) || rep.At.After(to) {
			continue
		}
		if best != nil && (rep.At.Before(best.At) || (rep.At.Equal(best.At) && rep.ID < best.ID)) {
			continue
		}
		if j := lv.latestOf(reports, rep.Contributor); j >= 0 && reports[j].Status == lead {
			best = rep
		}
	}
	return best
}

// checkDateKeys are the OSM keys that date a survey of a place.
var checkDateKeys = []string{"check_date", "check_date:opening_hours", "survey:date", "lastcheck", "last_checked"}

func (r StatusRules) fromOSM(now time.Time, osm OSMEvidence) CurrentStatus {
	if osm.Gone {
		return CurrentStatus{Status: StatusGone, Confidence: FromOSM, Reason: "osm_gone"}
	}
	if st, ok := lifecycleStatus(osm); ok {
		return CurrentStatus{Status: st, Confidence: FromOSM, Reason: "osm_lifecycle"}
	}
	oh := strings.TrimSpace(osm.Tags["opening_hours"])
	if strings.EqualFold(oh, "off") || strings.EqualFold(oh, "closed") {
		return CurrentStatus{Status: StatusClosed, Confidence: FromOSM, Reason: "osm_hours_off"}
	}
	var checked time.Time
	for _, k := range checkDateKeys {
		if d, ok := parseOSMDate(osm.Tags[k]); ok && d.After(checked) {
			checked = d
		}
	}
	if !checked.IsZero() && !checked.Before(now.Add(-r.CheckDateWindow)) && !checked.After(now.Add(24*time.Hour)) {
		return CurrentStatus{Status: StatusOpen, Confidence: FromOSM, LastConfirmed: checked, Reason: "osm_check_date"}
	}
	if oh != "" {
		return CurrentStatus{Status: StatusOpen, Confidence: FromOSM, Reason: "osm_hours"}
	}
	return CurrentStatus{Status: StatusUnknown, Confidence: UnknownConfidence, Reason: "nothing"}
}

// lifecycleStatus looks for "prefix:key" tags whose plain key is absent.
func lifecycleStatus(osm OSMEvidence) (Status, bool) {
	found := Status("")
	for k := range osm.Tags {
		prefix, key, ok := strings.Cut(k, ":")
		if !ok || !contains(osm.Keys, key) || !contains(osm.LifecyclePrefixes, prefix) {
			continue
		}
		if _, plain := osm.Tags[key]; plain {
			continue
		}
		if prefix == "disused" {
			// A disused shop may reopen: closed, unless another tag
			// says it is gone for good.
			if found == "" {
				found = StatusClosed
			}
			continue
		}
		found = StatusGone
	}
	return found, found != ""
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// parseOSMDate reads the dates OSM uses in check_date: "2024-03-05",
// "2024-03" or "2024".
func parseOSMDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if len(s) < 4 {
		return time.Time{}, false
	}
	for _, layout := range []string{"2006-01-02", "2006-01", "2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}
