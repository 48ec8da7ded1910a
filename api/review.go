package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"codeberg.org/openmap/openmap/geo"
	"codeberg.org/openmap/openmap/internal/osmsync"
	"codeberg.org/openmap/openmap/internal/store"
)

// The review queue of the mappers (issue 7), computed from the same status
// rules and reports as every other answer of the API: the mapper pages
// (mapper_handlers.go) and the command line (openmap sync queue, approve,
// reject) both read it here.

// MapperConfig is how the instance sends reports back to OpenStreetMap.
type MapperConfig struct {
	// OSM is the OSM instance (osmsync.Production when empty).
	OSM osmsync.Server
	// ClientID, ClientSecret and RedirectURL are the OAuth 2 application
	// registered on OSM. Without a client id the mapper pages only say how
	// to configure one; the command line still works. RedirectURL defaults
	// to BaseURL + "/mapper/callback".
	ClientID, ClientSecret, RedirectURL string
	// Profile is the tag profile the instance writes with (survey when
	// zero).
	Profile geo.TagProfile
	// Hashtags, Locale and CommentLanguage go into the changeset tags.
	Hashtags        []string
	Locale          string
	CommentLanguage string
	// HTTP is the client for OSM calls (the default client when nil).
	HTTP *http.Client
}

// EditStore is the edit queue of the store (store.OSMEdits): the review
// queue reads it, and the Uploader persists every step in it.
type EditStore interface {
	osmsync.Queue
	Approve(ctx context.Context, e geo.OSMEdit, profile string, basis any) (int64, error)
	Reject(ctx context.Context, e geo.OSMEdit, profile, reason, confirmedAt string) (int64, error)
	List(ctx context.Context, states ...geo.EditState) ([]geo.OSMEdit, error)
	Settled(ctx context.Context, removal bool) (map[geo.PlaceID]time.Time, error)
}

// editStoreOf finds the edit queue of a store that has one.
func editStoreOf(st Store) EditStore {
	if s, ok := st.(interface{ OSMEdits() store.OSMEdits }); ok {
		return s.OSMEdits()
	}
	return nil
}

// ReviewFilter narrows the review queue.
type ReviewFilter struct {
	// BBox keeps the places inside it (all when nil).
	BBox *orb.Bound
	// Category keeps the places of one category id ("" for all).
	Category string
	// Removal lists the crisis keys to remove instead of the proposals.
	Removal bool
}

// ErrNoEditStore is returned by the review methods when the store keeps no
// edit queue.
var ErrNoEditStore = errors.New("api: the store keeps no edit queue")

// ErrNotInQueue is returned by Approve and Reject for a place the review
// queue does not list (nothing to change, not confirmed, already on its way).
var ErrNotInQueue = errors.New("api: the place is not in the review queue")

// profileName is how the store records the profile of an edit.
func (s *Server) profileName(removal bool) string {
	p := s.cfg.Mapper.Profile
	switch {
	case removal:
		return "removal:" + p.Suffix
	case p.Crisis():
		return "crisis:" + p.Suffix
	}
	return "survey"
}

func normalizeHours(v string) (string, error) {
	h, err := geo.ParseHours(v)
	if err != nil {
		return "", err
	}
	return h.String(), nil
}

func (f ReviewFilter) keep(p geo.Place) bool {
	if f.BBox != nil && !f.BBox.Contains(p.Location) {
		return false
	}
	return f.Category == "" || p.Category == f.Category
}

func (s *Server) reviewOptions(ctx context.Context, es EditStore, removal bool) (osmsync.ReviewOptions, error) {
	ro := osmsync.ReviewOptions{Server: s.cfg.Mapper.OSM, InProgress: map[geo.PlaceID]bool{}}
	live, err := es.List(ctx, geo.EditApproved, geo.EditUploading, geo.EditNoting)
	if err != nil {
		return ro, err
	}
	for _, e := range live {
		ro.InProgress[e.Place] = true
	}
	if ro.Rejected, err = es.Settled(ctx, removal); err != nil {
		return ro, err
	}
	return ro, nil
}

// ReviewQueue is the mappers' review queue: every place whose current status
// is confirmed (by the status rules of the API) and whose proposal under the
// instance's tag profile is not empty, newest confirmation first; or, with
// f.Removal, every place carrying keys of the crisis profile. Places whose
// reported hours do not parse are left out (logged).
func (s *Server) ReviewQueue(ctx context.Context, f ReviewFilter) ([]osmsync.ReviewItem, error) {
	return s.reviewQueue(ctx, f, "")
}

// reviewQueue is ReviewQueue, of one place only when only is a place id.
func (s *Server) reviewQueue(ctx context.Context, f ReviewFilter, only string) ([]osmsync.ReviewItem, error) {
	es := s.edits
	if es == nil {
		return nil, ErrNoEditStore
	}
	ro, err := s.reviewOptions(ctx, es, f.Removal)
	if err != nil {
		return nil, err
	}
	if f.Removal {
		if !s.cfg.Mapper.Profile.Crisis() {
			return nil, errors.New("api: removal: the instance has no crisis profile")
		}
		suffix := ":" + s.cfg.Mapper.Profile.Suffix
		var places []geo.Place
		err := s.st.EachPlace(ctx, func(p geo.Place) error {
			if !f.keep(p) || (only != "" && p.ID.String() != only) {
				return nil
			}
			if _, ok := ro.Rejected[p.ID]; ok {
				return nil // a mapper chose to keep them
			}
			for k := range p.Tags {
				if strings.HasSuffix(k, suffix) {
					places = append(places, p)
					break
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		sort.Slice(places, func(i, j int) bool { return places[i].ID.String() < places[j].ID.String() })
		return osmsync.RemovalQueue(places, s.cfg.Mapper.Profile, ro), nil
	}
	cands, err := s.candidates(ctx, f, only)
	if err != nil {
		return nil, err
	}
	now := s.now()
	items, bad := osmsync.ReviewQueue(cands, s.cfg.Mapper.Profile, now.In(s.cfg.Zone), geo.ProposeOptions{NormalizeHours: normalizeHours}, ro)
	for id, err := range bad {
		s.log.Warn("review queue: no proposal", "place", id.String(), "error", err.Error())
	}
	return items, nil
}

// candidates are the places whose status is confirmed, optionally only one.
func (s *Server) candidates(ctx context.Context, f ReviewFilter, only string) ([]osmsync.Candidate, error) {
	rev, err := s.st.Revision(ctx)
	if err != nil {
		return nil, err
	}
	recent, err := s.recentReports(ctx, rev)
	if err != nil {
		return nil, err
	}
	now := s.now()
	var out []osmsync.Candidate
	for id, reps := range recent {
		if only != "" && id.String() != only {
			continue
		}
		p, err := s.st.Place(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if !f.keep(p) {
			continue
		}
		cs := s.cfg.Rules.Compute(now, reps, s.evidence(p.State == geo.Gone, p.Tags))
		if cs.Confidence != geo.Confirmed {
			continue
		}
		if cs.Status == geo.StatusGone {
			// Gone for good, and OSM already retagged it (disused:shop…):
			// nothing left to propose.
			if osm := s.cfg.Rules.Compute(now, nil, s.evidence(p.State == geo.Gone, p.Tags)); osm.Reason == "osm_lifecycle" || osm.Reason == "osm_gone" {
				continue
			}
		}
		c := osmsync.Candidate{Place: p, LastConfirmed: cs.LastConfirmed,
			Summary: geo.StatusSummary{Status: string(cs.Status), Delivery: cs.Delivery, Takeaway: cs.Takeaway}}
		if cs.Hours != nil {
			c.Summary.OpeningHours = cs.Hours.OpeningHours
		}
		from := now.Add(-s.cfg.Rules.Window)
		for _, r := range reps {
			if !r.Hidden && r.Status == cs.Status && !r.At.Before(from) {
				c.Reports = append(c.Reports, r.ID)
			}
		}
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Place.ID.String() < out[j].Place.ID.String() })
	return out, nil
}

// reviewItem finds one place in the review queue.
func (s *Server) reviewItem(ctx context.Context, id geo.PlaceID, removal bool) (osmsync.ReviewItem, error) {
	items, err := s.reviewQueue(ctx, ReviewFilter{Removal: removal}, id.String())
	if err != nil {
		return osmsync.ReviewItem{}, err
	}
	for _, it := range items {
		if it.Place.ID == id {
			return it, nil
		}
	}
	return osmsync.ReviewItem{}, fmt.Errorf("%w: %v", ErrNotInQueue, id)
}

// reviewBasis is what an approved or rejected edit keeps of its proposal,
// for the review page.
type reviewBasis struct {
	Summary       geo.StatusSummary `json:"summary"`
	Reports       []int64           `json:"reports"`
	LastConfirmed string            `json:"last_confirmed,omitempty"`
	Edited        bool              `json:"edited,omitempty"`
}

func confirmedText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// ApproveOptions are the mapper's choices on one proposal.
type ApproveOptions struct {
	// Set edits the proposal: each key set to its value in the element's
	// tags after the proposal ("" removes the key).
	Set map[string]string
	// Removal approves from the removal queue of the crisis keys.
	Removal bool
	// Lifecycle turns the note proposed for a place gone for good into a
	// lifecycle change (shop=* → disused:shop=*): only on the mapper's
	// explicit choice.
	Lifecycle bool
}

// Approve records a mapper's approval of the proposal for place id. It
// returns the edit's id; ErrNotInQueue when the queue does not list the
// place, and geo.ErrBadDiff when the edit makes a bad diff.
func (s *Server) Approve(ctx context.Context, id geo.PlaceID, mapper int64, o ApproveOptions) (int64, error) {
	if s.edits == nil {
		return 0, ErrNoEditStore
	}
	it, err := s.reviewItem(ctx, id, o.Removal)
	if err != nil {
		return 0, err
	}
	prop := it.Proposal
	if o.Lifecycle && prop.Note != nil {
		if prop, err = s.cfg.Mapper.Profile.ProposeFor(it.Place, it.Summary, s.now().In(s.cfg.Zone),
			geo.ProposeOptions{Gone: geo.GoneLifecycle, NormalizeHours: normalizeHours}); err != nil {
			return 0, err
		}
	}
	set := o.Set
	edited := false
	if len(set) > 0 && prop.Note == nil {
		after, _ := prop.Diff.Apply(it.Place.Tags)
		for k, v := range set {
			k, v = strings.TrimSpace(k), strings.TrimSpace(v)
			if k == "" {
				continue
			}
			if v == "" {
				delete(after, k)
			} else {
				after[k] = v
			}
		}
		d := geo.DiffTags(it.Place.Tags, after)
		edited = true
		if len(d) == 0 {
			return 0, fmt.Errorf("%w: the edited proposal changes nothing", geo.ErrBadDiff)
		}
		prop.Diff = d
	}
	e := geo.NewOSMEdit(it.Place, prop, mapper)
	basis := reviewBasis{Summary: it.Summary, Reports: it.Reports, LastConfirmed: confirmedText(it.LastConfirmed), Edited: edited}
	return s.edits.Approve(ctx, e, s.profileName(o.Removal), basis)
}

// Reject records that a mapper turned the proposal for place id down, with
// an optional reason: the queue offers the place again only after a newer
// confirmation.
func (s *Server) Reject(ctx context.Context, id geo.PlaceID, mapper int64, reason string, removal bool) (int64, error) {
	if s.edits == nil {
		return 0, ErrNoEditStore
	}
	it, err := s.reviewItem(ctx, id, removal)
	if err != nil {
		return 0, err
	}
	e := geo.NewOSMEdit(it.Place, it.Proposal, mapper)
	conf := confirmedText(it.LastConfirmed)
	if conf == "" {
		conf = confirmedText(s.now())
	}
	return s.edits.Reject(ctx, e, s.profileName(removal), strings.TrimSpace(reason), conf)
}

// MapperConfig returns the mapper settings in force.
func (s *Server) MapperConfig() MapperConfig { return s.cfg.Mapper }
