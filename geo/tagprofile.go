package geo

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"
)

// StatusSummary is what the reports say about a place once its status is
// confirmed: the input of a tag profile. Status is one of the report statuses
// "open" (as usual), "open_adapted" (open, hours changed), "partial" (only
// some services, e.g. takeaway), "closed" (temporarily) or "gone" (for good).
type StatusSummary struct {
	Status string `json:"status"`
	// OpeningHours is the reported opening_hours value; "" when not given.
	OpeningHours string `json:"opening_hours,omitempty"`
	// Delivery and Takeaway are the reported services; nil when not given.
	Delivery *bool `json:"delivery,omitempty"`
	Takeaway *bool `json:"takeaway,omitempty"`
	// Description is a short text a mapper wrote or accepted for the crisis
	// profile's description:<suffix>; never a resident's remark copied as is.
	Description string `json:"description,omitempty"`
}

// The report statuses a StatusSummary may carry.
const (
	summaryOpen        = "open"
	summaryOpenAdapted = "open_adapted"
	summaryPartial     = "partial"
	summaryClosed      = "closed"
	summaryGone        = "gone"
)

// GoneAction is what a profile proposes for a place gone for good.
type GoneAction string

// The choices for a place gone for good: a note for other mappers (the
// default, since a survey by residents is not proof enough to retag), or a
// lifecycle change (shop=* → disused:shop=*), only on a mapper's choice.
const (
	GoneNote      GoneAction = "note"
	GoneLifecycle GoneAction = "lifecycle"
)

// NoteProposal is an OSM note to open at the place instead of a tag change.
type NoteProposal struct {
	Text string `json:"text"`
}

// Proposal is what a tag profile proposes for one place: a tag diff, or a
// note, or nothing (both empty) when OSM already says what the reports say.
type Proposal struct {
	Diff TagDiff       `json:"diff,omitempty"`
	Note *NoteProposal `json:"note,omitempty"`
}

// Empty reports whether the proposal changes nothing.
func (p Proposal) Empty() bool { return len(p.Diff) == 0 && p.Note == nil }

// ProposeOptions are the choices around one proposal.
type ProposeOptions struct {
	// Gone chooses between a note (the default, also when empty) and a
	// lifecycle change for a place gone for good.
	Gone GoneAction
	// NormalizeHours turns a reported opening_hours value into its canonical
	// form, or fails when it does not parse. Nil uses NormalizeHoursSpacing.
	NormalizeHours func(string) (string, error)
	// PlaceName and PlaceID name the place in a note.
	PlaceName string
	PlaceID   PlaceID
}

// TagProfile is the set of OSM conventions an instance writes with. The zero
// value is the survey profile; a crisis profile has a Suffix.
type TagProfile struct {
	// Suffix is the crisis key suffix (e.g. "covid19"), "" for the survey
	// profile.
	Suffix string
}

// SurveyProfile is the default profile for ordinary times: check_date,
// opening_hours with check_date:opening_hours, delivery, takeaway.
func SurveyProfile() TagProfile { return TagProfile{} }

var suffixRe = regexp.MustCompile(`^[a-z0-9_]{1,32}$`)

// ErrBadProfile is returned for a crisis suffix that is not a short lower-case word.
var ErrBadProfile = errors.New("bad tag profile")

// CrisisProfile is the profile that writes temporary keys with a suffix, as
// opening_hours:covid19 was written in 2020: opening_hours:<suffix> (off,
// open, same or hours), delivery:<suffix>, takeaway:<suffix>,
// description:<suffix>.
func CrisisProfile(suffix string) (TagProfile, error) {
	if !suffixRe.MatchString(suffix) {
		return TagProfile{}, fmt.Errorf("%w: crisis suffix %q: want 1-32 of a-z 0-9 _", ErrBadProfile, suffix)
	}
	return TagProfile{Suffix: suffix}, nil
}

// Crisis reports whether p is a crisis profile.
func (p TagProfile) Crisis() bool { return p.Suffix != "" }

// ErrBadSummary is returned by Propose for an unknown status or hours that do
// not parse.
var ErrBadSummary = errors.New("bad status summary")

// dateLayout is the OSM check_date format.
const dateLayout = "2006-01-02"

// Propose turns a place's current OSM tags and its confirmed status into a
// proposal, dated day (check_date values are written as YYYY-MM-DD in day's
// location). Tags that already hold the proposed value are left out.
func (p TagProfile) Propose(tags map[string]string, s StatusSummary, day time.Time, opt ProposeOptions) (Proposal, error) {
	norm := opt.NormalizeHours
	if norm == nil {
		norm = NormalizeHoursSpacing
	}
	hours := ""
	if strings.TrimSpace(s.OpeningHours) != "" {
		h, err := norm(s.OpeningHours)
		if err != nil {
			return Proposal{}, fmt.Errorf("%w: opening hours %q: %v", ErrBadSummary, s.OpeningHours, err)
		}
		hours = h
	}
	b := diffBuilder{tags: tags}
	date := day.Format(dateLayout)

	if s.Status == summaryGone {
		if opt.Gone == GoneLifecycle {
			return Proposal{Diff: lifecycle(tags, date)}, nil
		}
		return Proposal{Note: goneNote(opt, date)}, nil
	}
	switch s.Status {
	case summaryOpen, summaryOpenAdapted, summaryPartial, summaryClosed:
	default:
		return Proposal{}, fmt.Errorf("%w: unknown status %q", ErrBadSummary, s.Status)
	}

	if p.Crisis() {
		oh := ""
		switch s.Status {
		case summaryOpen:
			oh = "same"
		case summaryClosed:
			oh = "off"
		default: // open_adapted, partial: hours when given
			switch {
			case hours == "":
				oh = "open"
			case hours == tags["opening_hours"]:
				oh = "same"
			default:
				oh = hours
			}
		}
		b.set("opening_hours:"+p.Suffix, oh)
		b.setBool("delivery:"+p.Suffix, s.Delivery)
		b.setBool("takeaway:"+p.Suffix, s.Takeaway)
		if d := strings.TrimSpace(s.Description); d != "" {
			b.set("description:"+p.Suffix, d)
		}
		return Proposal{Diff: b.diff}, nil
	}

	// Survey profile: a temporary closure is not mapped in OSM.
	if s.Status == summaryClosed {
		return Proposal{}, nil
	}
	if hours != "" && hours != tags["opening_hours"] {
		b.set("opening_hours", hours)
		b.set("check_date:opening_hours", date)
	}
	b.setBool("delivery", s.Delivery)
	b.setBool("takeaway", s.Takeaway)
	// The place was seen in business: confirm it, the StreetComplete way.
	b.set("check_date", date)
	return Proposal{Diff: b.diff}, nil
}

// Removal proposes deleting every key of the crisis profile (every key that
// ends in ":<suffix>") from tags, once the crisis is over. It is empty for
// the survey profile.
func (p TagProfile) Removal(tags map[string]string) TagDiff {
	if !p.Crisis() {
		return nil
	}
	var d TagDiff
	for k, v := range tags {
		if strings.HasSuffix(k, ":"+p.Suffix) {
			d = append(d, TagChange{Key: k, Old: v, New: ""})
		}
	}
	sort.Slice(d, func(i, j int) bool { return d[i].Key < d[j].Key })
	return d
}

// lifecycleKeys are the keys that make a place, moved behind disused: when it
// is gone for good.
var lifecycleKeys = []string{"amenity", "craft", "healthcare", "office", "shop"}

// lifecycle moves the place's main keys behind the disused: prefix
// (shop=bakery → disused:shop=bakery) and its opening hours away, and dates
// the check.
func lifecycle(tags map[string]string, date string) TagDiff {
	b := diffBuilder{tags: tags}
	for _, k := range lifecycleKeys {
		if v := tags[k]; v != "" {
			b.set(k, "")
			b.set("disused:"+k, v)
		}
	}
	b.set("opening_hours", "")
	b.set("check_date", date)
	return b.diff
}

func goneNote(opt ProposeOptions, date string) *NoteProposal {
	name := opt.PlaceName
	if name == "" {
		name = "this place"
	}
	ref := ""
	if opt.PlaceID.ID > 0 {
		ref = " (https://www.openstreetmap.org/" + opt.PlaceID.String() + ")"
	}
	return &NoteProposal{Text: fmt.Sprintf(
		"%s%s seems to be gone for good: several residents reported it on openmap (last on %s). "+
			"Please check on the ground and retag (e.g. disused:shop=*) or delete.\n"+
			"FR : %s semble avoir fermé définitivement, selon plusieurs habitants sur openmap (dernier signalement le %s). "+
			"Merci de vérifier sur place.", name, ref, date, name, date)}
}

// diffBuilder collects changes, leaving out keys that already hold their value.
type diffBuilder struct {
	tags map[string]string
	diff TagDiff
}

func (b *diffBuilder) set(key, value string) {
	if b.tags[key] == value {
		return
	}
	for i, c := range b.diff {
		if c.Key == key {
			b.diff[i].New = value
			return
		}
	}
	b.diff = append(b.diff, TagChange{Key: key, Old: b.tags[key], New: value})
}

func (b *diffBuilder) setBool(key string, v *bool) {
	if v == nil {
		return
	}
	if *v {
		b.set(key, "yes")
	} else {
		b.set(key, "no")
	}
}

var spaceRe = regexp.MustCompile(`\s+`)

// NormalizeHoursSpacing is the fallback hours normaliser: it trims the value,
// collapses white space and writes rule separators as "; ". It does not
// check the syntax; the opening_hours parser of the instance should be given
// as ProposeOptions.NormalizeHours.
func NormalizeHoursSpacing(s string) (string, error) {
	s = strings.TrimSpace(spaceRe.ReplaceAllString(s, " "))
	if s == "" {
		return "", errors.New("empty opening hours")
	}
	parts := strings.Split(s, ";")
	out := parts[:0]
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return "", errors.New("empty opening hours")
	}
	return strings.Join(out, "; "), nil
}
