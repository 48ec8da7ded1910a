package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/url"
	"os"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"golang.org/x/oauth2"

	"codeberg.org/openmap/openmap/geo"
	"codeberg.org/openmap/openmap/internal/osmsync"
	"codeberg.org/openmap/openmap/internal/store"
)

// runSync dispatches "openmap sync <sub>": the review queue (queue,
// approve, reject, in review.go) and what works on the edits mappers
// approved (edits, upload, export, login).
func runSync(ctx context.Context, args []string, getenv env, s streams) error {
	subs := map[string]func(context.Context, []string, env, streams) error{
		"edits":   runSyncEdits,
		"upload":  runSyncUpload,
		"export":  runSyncExport,
		"login":   runSyncLogin,
		"queue":   runSyncQueue,
		"approve": runSyncApprove,
		"reject":  runSyncReject,
	}
	if len(args) == 0 || subs[args[0]] == nil {
		fmt.Fprintln(s.stderr, `usage: openmap sync <command> [flags]

commands:
  queue   list the places whose confirmed status differs from OSM, with the proposed tag diff
  approve approve proposals by place id (--edit key=value to correct one)
  reject  reject proposals by place id (--reason)
  edits   list the edits mappers approved, and where they are on their way to OSM
  upload  upload the approved edits of the mapper whose token is in OPENMAP_OSM_TOKEN
  export  write the approved edits as an osmChange file for JOSM
  login   get an OSM OAuth 2 token for OPENMAP_OSM_TOKEN (prints it once)`)
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
			return flag.ErrHelp
		}
		return fmt.Errorf("%w: sync: want queue, approve, reject, edits, upload, export or login", errUsage)
	}
	return subs[args[0]](ctx, args[1:], getenv, s)
}

// osmServer reads --osm-api/--osm-web (production by default, --dev for the
// OSM test server).
func osmServer(api, web string, dev bool) osmsync.Server {
	srv := osmsync.Production
	if dev {
		srv = osmsync.Dev
	}
	if api != "" {
		srv.API = api
		if web == "" {
			web = api
		}
	}
	if web != "" {
		srv.Web = web
	}
	return srv
}

func openExisting(ctx context.Context, db, op string) (*store.Store, error) {
	if _, err := os.Stat(db); err != nil {
		return nil, noDatabase(op, db)
	}
	return store.Open(ctx, db)
}

func runSyncEdits(ctx context.Context, args []string, getenv env, s streams) error {
	fs := newFlags("sync edits", s)
	db := fs.String("db", "openmap.db", "SpatiaLite database file")
	states := fs.String("state", "", "comma-separated states to list (approved, uploading, uploaded, noting, noted, conflict, rejected); all when empty")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parseFlags(fs, args, getenv); err != nil {
		return err
	}
	st, err := openExisting(ctx, *db, "sync edits")
	if err != nil {
		return err
	}
	defer st.Close()
	var want []geo.EditState
	for _, x := range strings.Split(*states, ",") {
		if x = strings.TrimSpace(x); x != "" {
			want = append(want, geo.EditState(x))
		}
	}
	edits, err := st.OSMEdits().List(ctx, want...)
	if err != nil {
		return err
	}
	if *asJSON {
		if edits == nil {
			edits = []geo.OSMEdit{}
		}
		return json.NewEncoder(s.stdout).Encode(map[string]any{"edits": edits})
	}
	tw := tabwriter.NewWriter(s.stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tPLACE\tNAME\tSTATE\tCHANGESET\tCHANGE")
	for _, e := range edits {
		detail := changeText(e.Diff, e.Note != nil)
		if e.Reason != "" {
			detail += " (" + e.Reason + ")"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%d\t%s\n", e.ID, e.Place, e.Name, e.State, e.Changeset, detail)
	}
	return tw.Flush()
}

func runSyncUpload(ctx context.Context, args []string, getenv env, s streams) error {
	fs := newFlags("sync upload", s)
	db := fs.String("db", "openmap.db", "SpatiaLite database file")
	api := fs.String("osm-api", "", "OSM API base URL (default https://api.openstreetmap.org)")
	osmURL := fs.String("osm-url", "", "OSM base URL, as for serve (used when --osm-api is not given)")
	dev := fs.Bool("dev", false, "use the OSM dev server (master.apis.dev.openstreetmap.org)")
	hashtags := fs.String("hashtags", "openmap", "comma-separated changeset hashtags")
	locale := fs.String("locale", "fr", "changeset locale tag")
	commentLang := fs.String("comment-lang", "en", "language of the changeset comment (en or fr)")
	suffix := fs.String("crisis-suffix", "", "crisis profile key suffix, to name its keys in comments")
	if err := parseFlags(fs, args, getenv); err != nil {
		return err
	}
	if *api == "" {
		api = osmURL
	}
	// The token comes from the environment only: a flag would show in ps.
	token := getenv("OPENMAP_OSM_TOKEN")
	if token == "" {
		return fmt.Errorf("%w: sync upload: set OPENMAP_OSM_TOKEN (see 'openmap sync login')", errUsage)
	}
	st, err := openExisting(ctx, *db, "sync upload")
	if err != nil {
		return err
	}
	defer st.Close()
	c, err := osmsync.NewClient(osmsync.ClientConfig{
		Server:    osmServer(*api, "", *dev),
		Token:     oauth2.StaticTokenSource(&oauth2.Token{AccessToken: token, TokenType: "Bearer"}),
		UserAgent: "openmap/" + version,
	})
	if err != nil {
		return err
	}
	user, err := c.UserDetails(ctx)
	if err != nil {
		return fmt.Errorf("sync upload: who is the token's mapper: %w", err)
	}
	var tags []string
	for _, h := range strings.Split(*hashtags, ",") {
		if h = strings.TrimSpace(h); h != "" {
			tags = append(tags, h)
		}
	}
	up := &osmsync.Uploader{Client: c, Queue: st.OSMEdits(), Mapper: user.ID,
		Changeset: osmsync.ChangesetOptions{Version: version, Hashtags: tags, Locale: *locale, CommentLanguage: *commentLang, Suffix: *suffix}}
	rep, err := up.Run(ctx)
	fmt.Fprintf(s.stdout, "Mapper %s: %d uploaded in %d changeset(s), %d already in OSM, %d conflict(s) back to review, %d note(s), %d left for later\n",
		user.DisplayName, rep.Uploaded, len(rep.Changesets), rep.AlreadyInOSM, rep.Conflicts, rep.Notes, rep.Left)
	for _, cs := range rep.Changesets {
		fmt.Fprintf(s.stdout, "  %s/changeset/%d\n", up.Client.Server().Web, cs)
	}
	return err
}

func runSyncExport(ctx context.Context, args []string, getenv env, s streams) error {
	fs := newFlags("sync export", s)
	db := fs.String("db", "openmap.db", "SpatiaLite database file")
	out := fs.String("o", "changes.osc", "osmChange file to write")
	from := fs.String("from", "", "OSM file to take the elements from (offline); default: their current version from the OSM API")
	api := fs.String("osm-api", "", "OSM API base URL (default https://api.openstreetmap.org)")
	osmURL := fs.String("osm-url", "", "OSM base URL, as for serve (used when --osm-api is not given)")
	dev := fs.Bool("dev", false, "use the OSM dev server")
	if err := parseFlags(fs, args, getenv); err != nil {
		return err
	}
	if *api == "" {
		api = osmURL
	}
	st, err := openExisting(ctx, *db, "sync export")
	if err != nil {
		return err
	}
	defer st.Close()
	edits, err := st.OSMEdits().List(ctx, geo.EditApproved)
	if err != nil {
		return err
	}
	var src osmsync.ElementSource
	if *from != "" {
		ids := make([]geo.PlaceID, len(edits))
		for i, e := range edits {
			ids[i] = e.Place
		}
		if src, err = osmsync.LoadFileSource(ctx, *from, ids); err != nil {
			return err
		}
	} else if src, err = osmsync.NewClient(osmsync.ClientConfig{Server: osmServer(*api, "", *dev), UserAgent: "openmap/" + version}); err != nil {
		return err
	}
	f, err := os.Create(*out)
	if err != nil {
		return fmt.Errorf("sync export: %w", err)
	}
	res, err := osmsync.WriteOsmChange(ctx, f, src, edits, osmsync.ExportOptions{Version: version})
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(*out)
		return err
	}
	fmt.Fprintf(s.stdout, "Wrote %d edit(s) to %s (open it in JOSM, review, upload under your account)\n", len(res.Exported), *out)
	ids := make([]int64, 0, len(res.Conflicts))
	for id := range res.Conflicts {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	for _, id := range ids {
		fmt.Fprintf(s.stdout, "  left out edit %d: %s\n", id, res.Conflicts[id])
	}
	return nil
}

func runSyncLogin(ctx context.Context, args []string, getenv env, s streams) error {
	fs := newFlags("sync login", s)
	clientID := fs.String("osm-client-id", "", "OAuth 2 client id of the openmap application registered on OSM")
	web := fs.String("osm-web", "", "OSM web base URL (default https://www.openstreetmap.org)")
	dev := fs.Bool("dev", false, "use the OSM dev server")
	if err := parseFlags(fs, args, getenv); err != nil {
		return err
	}
	if *clientID == "" {
		return fmt.Errorf("%w: sync login: --osm-client-id (or OPENMAP_OSM_CLIENT_ID) is required", errUsage)
	}
	srv := osmServer("", *web, *dev)
	cfg, err := osmsync.OAuthConfig(srv, *clientID, getenv("OPENMAP_OSM_CLIENT_SECRET"), osmsync.OutOfBand)
	if err != nil {
		return err
	}
	l, err := osmsync.StartLogin(cfg)
	if err != nil {
		return err
	}
	fmt.Fprintf(s.stderr, "Open this page, log in to OSM and authorize openmap:\n\n  %s\n\nThen paste the code OSM shows: ", l.URL)
	code, err := bufio.NewReader(s.stdin).ReadString('\n')
	if err != nil && code == "" {
		return fmt.Errorf("sync login: read the code: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	tok, err := osmsync.FinishLogin(ctx, cfg, l, url.Values{"code": {strings.TrimSpace(code)}, "state": {l.State}})
	if err != nil {
		return err
	}
	fmt.Fprintf(s.stderr, "\nYour token (keep it secret; openmap stores it nowhere):\n")
	fmt.Fprintf(s.stdout, "OPENMAP_OSM_TOKEN=%s\n", tok.AccessToken)
	return nil
}
