package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/paulmach/orb"
	"golang.org/x/oauth2"

	"codeberg.org/openmap/openmap/api"
	"codeberg.org/openmap/openmap/geo"
	"codeberg.org/openmap/openmap/internal/osmsync"
	"codeberg.org/openmap/openmap/internal/store"
)

// reviewFlags are the settings the review queue shares between
// "openmap serve" and "openmap sync queue|approve|reject": the same status
// rules and tag profile, so the command line proposes what the pages do.
type reviewFlags struct {
	windowDays, quorum int
	profile, suffix    string
	osmURL             string
	tz                 string
}

func addReviewFlags(fs *flag.FlagSet, r *reviewFlags) {
	fs.IntVar(&r.windowDays, "window-days", 14, "days a report counts towards the status of a place")
	fs.IntVar(&r.quorum, "quorum", 2, "independent contributors who must agree for a status to be confirmed")
	fs.StringVar(&r.profile, "tag-profile", "survey", "tag profile written to OSM: survey, or crisis (with --crisis-suffix)")
	fs.StringVar(&r.suffix, "crisis-suffix", "", "key suffix of the crisis profile, e.g. covid19 (opening_hours:covid19)")
	fs.StringVar(&r.tz, "tz", "Europe/Paris", "time zone of the instance: check_date is the date there (IANA name)")
	fs.StringVar(&r.osmURL, "osm-url", "", "OSM base URL (default the production API and site; e.g. https://master.apis.dev.openstreetmap.org)")
}

func (r reviewFlags) rules() (geo.StatusRules, error) {
	if r.windowDays < 1 || r.quorum < 1 {
		return geo.StatusRules{}, fmt.Errorf("%w: --window-days and --quorum must be at least 1 (got %d and %d)", errUsage, r.windowDays, r.quorum)
	}
	rules := geo.DefaultStatusRules()
	rules.Window = time.Duration(r.windowDays) * 24 * time.Hour
	rules.Quorum = r.quorum
	return rules, nil
}

func (r reviewFlags) tagProfile() (geo.TagProfile, error) {
	switch r.profile {
	case "survey", "":
		if r.suffix != "" {
			return geo.TagProfile{}, fmt.Errorf("%w: --crisis-suffix needs --tag-profile crisis", errUsage)
		}
		return geo.SurveyProfile(), nil
	case "crisis":
		p, err := geo.CrisisProfile(r.suffix)
		if err != nil {
			return p, fmt.Errorf("%w: --tag-profile crisis: %v", errUsage, err)
		}
		return p, nil
	}
	return geo.TagProfile{}, fmt.Errorf("%w: --tag-profile %q: want survey or crisis", errUsage, r.profile)
}

func (r reviewFlags) server() osmsync.Server {
	return osmServer(r.osmURL, "", false)
}

// reviewServer is the API over the store, for the review queue of the
// command line: the statuses come from the same code as the pages'.
func reviewServer(ctx context.Context, st *store.Store, r reviewFlags) (*api.Server, error) {
	prof, err := r.tagProfile()
	if err != nil {
		return nil, err
	}
	zone, err := time.LoadLocation(r.tz)
	if err != nil {
		return nil, fmt.Errorf("%w: --tz %q: %v", errUsage, r.tz, err)
	}
	rules, err := r.rules()
	if err != nil {
		return nil, err
	}
	cfg := api.Config{Rules: rules, Zone: zone, Version: version, Mapper: api.MapperConfig{OSM: r.server(), Profile: prof}}
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("%w: %v", errUsage, err)
	}
	_, s, err := api.New(ctx, api.Deps{Store: st, Categories: geo.DefaultCategories(), Config: cfg, Logger: slog.New(slog.DiscardHandler)})
	return s, err
}

func parseBBoxFlag(v string) (*orb.Bound, error) {
	if v == "" {
		return nil, nil
	}
	parts := strings.Split(v, ",")
	if len(parts) != 4 {
		return nil, fmt.Errorf("%w: --bbox %q: want west,south,east,north", errUsage, v)
	}
	var f [4]float64
	for i, p := range parts {
		x, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil {
			return nil, fmt.Errorf("%w: --bbox %q: want west,south,east,north", errUsage, v)
		}
		f[i] = x
	}
	if f[0] > f[2] || f[1] > f[3] {
		return nil, fmt.Errorf("%w: --bbox %q: west must not exceed east, south not north", errUsage, v)
	}
	return &orb.Bound{Min: orb.Point{f[0], f[1]}, Max: orb.Point{f[2], f[3]}}, nil
}

// queueItem is one line of "openmap sync queue --json".
type queueItem struct {
	Place         string            `json:"place"`
	Name          string            `json:"name"`
	Category      string            `json:"category"`
	Version       int               `json:"version"`
	Status        string            `json:"status,omitempty"`
	LastConfirmed string            `json:"last_confirmed,omitempty"`
	Reports       []int64           `json:"reports"`
	Diff          geo.TagDiff       `json:"diff"`
	Note          *geo.NoteProposal `json:"note,omitempty"`
	OSMURL        string            `json:"osm_url"`
}

func runSyncQueue(ctx context.Context, args []string, getenv env, s streams) error {
	fs := newFlags("sync queue", s)
	db := fs.String("db", "openmap.db", "SpatiaLite database file")
	var r reviewFlags
	addReviewFlags(fs, &r)
	asJSON := fs.Bool("json", false, "print JSON")
	bbox := fs.String("bbox", "", "only places in west,south,east,north (degrees)")
	category := fs.String("category", "", "only places of this category id (see /api/v1/categories)")
	removal := fs.Bool("removal", false, "list the crisis profile's keys to remove instead (the crisis is over)")
	if err := parseFlags(fs, args, getenv); err != nil {
		return err
	}
	if _, err := r.tagProfile(); err != nil {
		return err
	}
	b, err := parseBBoxFlag(*bbox)
	if err != nil {
		return err
	}
	st, err := openExisting(ctx, *db, "sync queue")
	if err != nil {
		return err
	}
	defer st.Close()
	srv, err := reviewServer(ctx, st, r)
	if err != nil {
		return err
	}
	items, err := srv.ReviewQueue(ctx, api.ReviewFilter{BBox: b, Category: *category, Removal: *removal})
	if err != nil {
		return fmt.Errorf("sync queue: %w", err)
	}
	out := make([]queueItem, 0, len(items))
	for _, it := range items {
		q := queueItem{Place: it.Place.ID.String(), Name: it.Place.Name, Category: it.Place.Category, Version: it.Place.Version,
			Status: it.Summary.Status, Reports: it.Reports, Diff: it.Proposal.Diff, Note: it.Proposal.Note, OSMURL: it.OSMURL}
		if q.Reports == nil {
			q.Reports = []int64{}
		}
		if q.Diff == nil {
			q.Diff = geo.TagDiff{}
		}
		if !it.LastConfirmed.IsZero() {
			q.LastConfirmed = it.LastConfirmed.UTC().Format(time.RFC3339)
		}
		out = append(out, q)
	}
	if *asJSON {
		return json.NewEncoder(s.stdout).Encode(map[string]any{"queue": out})
	}
	tw := tabwriter.NewWriter(s.stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "PLACE\tNAME\tSTATUS\tREPORTS\tCHANGE\tOSM")
	for _, q := range out {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\n", q.Place, q.Name, q.Status, len(q.Reports), changeText(q.Diff, q.Note != nil), q.OSMURL)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(s.stderr, "%d place(s) to review\n", len(out))
	return nil
}

// editFlags collects repeated --edit key=value flags.
type editFlags map[string]string

func (e editFlags) String() string { return fmt.Sprint(map[string]string(e)) }

func (e editFlags) Set(v string) error {
	k, val, ok := strings.Cut(v, "=")
	if !ok || strings.TrimSpace(k) == "" {
		return errors.New("want key=value (an empty value removes the key)")
	}
	e[strings.TrimSpace(k)] = val
	return nil
}

// mapperID is the OSM user id edits are approved or rejected under:
// --mapper-id, else the account of OPENMAP_OSM_TOKEN.
func mapperID(ctx context.Context, id int64, srv osmsync.Server, getenv env) (int64, error) {
	if id > 0 {
		return id, nil
	}
	token := getenv("OPENMAP_OSM_TOKEN")
	if token == "" {
		return 0, fmt.Errorf("%w: give --mapper-id (your OSM user id) or set OPENMAP_OSM_TOKEN", errUsage)
	}
	c, err := osmsync.NewClient(osmsync.ClientConfig{Server: srv, UserAgent: "openmap/" + version,
		Token: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: token, TokenType: "Bearer"})})
	if err != nil {
		return 0, err
	}
	u, err := c.UserDetails(ctx)
	if err != nil {
		return 0, fmt.Errorf("who is the token's mapper: %w", err)
	}
	return u.ID, nil
}

func runSyncApprove(ctx context.Context, args []string, getenv env, s streams) error {
	return runSyncDecide(ctx, "approve", args, getenv, s)
}

func runSyncReject(ctx context.Context, args []string, getenv env, s streams) error {
	return runSyncDecide(ctx, "reject", args, getenv, s)
}

func runSyncDecide(ctx context.Context, op string, args []string, getenv env, s streams) error {
	fs := newFlags("sync "+op, s)
	db := fs.String("db", "openmap.db", "SpatiaLite database file")
	var r reviewFlags
	addReviewFlags(fs, &r)
	mapper := fs.Int64("mapper-id", 0, "your OSM user id (default: the account of OPENMAP_OSM_TOKEN)")
	removal := fs.Bool("removal", false, "decide on the removal of crisis keys (sync queue --removal)")
	edits := editFlags{}
	reason := ""
	lifecycle := false
	if op == "approve" {
		fs.Var(edits, "edit", "change the proposal: key=value (repeatable; key= removes the key)")
		fs.BoolVar(&lifecycle, "lifecycle", false, "for a place gone for good: retag it (shop=* → disused:shop=*) instead of opening a note")
	} else {
		fs.StringVar(&reason, "reason", "", "why the proposal is wrong (kept with the rejection)")
	}
	if err := parseFlags(fs, args, getenv); err != nil {
		return err
	}
	if _, err := r.tagProfile(); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return fmt.Errorf("%w: sync %s: give place ids (node/123 …) from 'openmap sync queue'", errUsage, op)
	}
	var ids []geo.PlaceID
	for _, a := range fs.Args() {
		id, err := geo.ParsePlaceID(a)
		if err != nil {
			return fmt.Errorf("%w: sync %s: %v", errUsage, op, err)
		}
		ids = append(ids, id)
	}
	if op == "approve" && len(edits) > 0 && len(ids) > 1 {
		return fmt.Errorf("%w: sync approve: --edit applies to one place at a time", errUsage)
	}
	uid, err := mapperID(ctx, *mapper, r.server(), getenv)
	if err != nil {
		return err
	}
	st, err := openExisting(ctx, *db, "sync "+op)
	if err != nil {
		return err
	}
	defer st.Close()
	srv, err := reviewServer(ctx, st, r)
	if err != nil {
		return err
	}
	var failed []string
	for _, id := range ids {
		var eid int64
		if op == "approve" {
			eid, err = srv.Approve(ctx, id, uid, api.ApproveOptions{Set: edits, Removal: *removal, Lifecycle: lifecycle})
		} else {
			eid, err = srv.Reject(ctx, id, uid, reason, *removal)
		}
		if err != nil {
			fmt.Fprintf(s.stderr, "%s: %v\n", id, err)
			failed = append(failed, id.String())
			continue
		}
		fmt.Fprintf(s.stdout, "%s: %s (edit %d)\n", id, map[string]string{"approve": "approved", "reject": "rejected"}[op], eid)
	}
	if len(failed) > 0 {
		return fmt.Errorf("sync %s: %d of %d place(s) failed: %s", op, len(failed), len(ids), strings.Join(failed, " "))
	}
	return nil
}

// changeText is a proposal on one line for the tables of sync queue and
// sync edits: the tag changes, and "note" when an OSM note goes with them.
func changeText(d geo.TagDiff, note bool) string {
	change := make([]string, 0, len(d)+1)
	for _, c := range d {
		change = append(change, c.String())
	}
	if note {
		change = append(change, "note")
	}
	return strings.Join(change, "; ")
}
