package osmsync

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"sort"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/osm"

	"codeberg.org/openmap/openmap/geo"
)

// Uploader sends one mapper's approved edits to OSM with the mapper's
// token. Every step is written to the Queue before the request it
// announces, so a crash or restart at any point never uploads an edit twice
// and never loses one:
//
//  1. edits left Uploading in changeset N by an interrupted run: N is
//     closed (so no upload still in flight can land in it afterwards), then
//     downloaded; an edit whose element is in it is Uploaded, the others are
//     requeued (an upload is applied whole or not at all);
//  2. edits left Noting: the notes at the place are searched for the text;
//  3. for each approved edit the current element is fetched and the diff
//     replayed; deleted, moved (more than MaxMoveM) or a key holding a third
//     value is a conflict, sent back to review with the reason;
//  4. the rest is grouped by area; for each group: create a changeset,
//     MarkUploading, upload, close, MarkUploaded.
//
// A crash between creating a changeset and MarkUploading leaves an empty
// changeset open, which the API closes after an hour idle; nothing else is
// left behind.
//
// An Uploader is not for concurrent use; run one per mapper at a time.
type Uploader struct {
	Client *Client
	Queue  Queue
	// Mapper is the OSM user id of the token's account: only their edits
	// are uploaded.
	Mapper    int64
	Changeset ChangesetOptions
	Group     GroupOptions
	// MaxMoveM is how far an element may have moved since the proposal
	// before its edit is a conflict (default 50 m).
	MaxMoveM float64
	Log      *slog.Logger
	// Step, when set, is called after each persisted step with its name
	// ("changeset_created", "marked_uploading", "uploaded", "closed",
	// "recorded", "marked_noting", "noted"); the crash tests stop the
	// process there.
	Step func(step string)
}

// Report counts what a run did.
type Report struct {
	Uploaded     int     // edits now in OSM through an upload of this run or an earlier interrupted one
	AlreadyInOSM int     // edits whose change OSM already held: nothing sent
	Conflicts    int     // edits sent back to review
	Notes        int     // notes opened (or found opened by an interrupted run)
	Left         int     // edits left approved for a later run (network errors, repeated races)
	Changesets   []int64 // changesets this run uploaded to
}

func (u *Uploader) log() *slog.Logger {
	if u.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return u.Log
}

func (u *Uploader) step(name string) {
	if u.Step != nil {
		u.Step(name)
	}
}

// passes bounds how often a run refetches and retries edits whose upload
// met a race (409) or needs to be isolated (412).
const passes = 3

// Run uploads the mapper's pending edits. It returns the first error that
// stopped it (authorization, rate limit, the network); what was done until
// then is in the queue and the report, and the next Run goes on from there.
func (u *Uploader) Run(ctx context.Context) (Report, error) {
	var rep Report
	if u.MaxMoveM <= 0 {
		u.MaxMoveM = 50
	}
	pending, err := u.Queue.Pending(ctx, u.Mapper)
	if err != nil {
		return rep, fmt.Errorf("osmsync: upload: pending edits: %w", err)
	}
	var approved, noting []Edit
	byCS := map[int64][]Edit{}
	for _, e := range pending {
		switch e.State {
		case StateUploading:
			byCS[e.Changeset] = append(byCS[e.Changeset], e)
		case StateNoting:
			noting = append(noting, e)
		default:
			approved = append(approved, e)
		}
	}
	css := make([]int64, 0, len(byCS))
	for cs := range byCS {
		css = append(css, cs)
	}
	sort.Slice(css, func(i, j int) bool { return css[i] < css[j] })
	for _, cs := range css {
		back, err := u.resolve(ctx, cs, byCS[cs], &rep)
		if err != nil {
			return rep, err
		}
		approved = append(approved, back...)
	}
	for _, e := range noting {
		back, err := u.resolveNote(ctx, e, &rep)
		if err != nil {
			return rep, err
		}
		if back {
			e.State = StateApproved
			approved = append(approved, e)
		}
	}

	var todo []Edit
	for _, e := range approved {
		switch {
		case len(e.Diff) > 0:
			todo = append(todo, e)
		case e.Note != nil:
			if err := u.note(ctx, e, &rep); err != nil {
				return rep, err
			}
		}
	}
	isolate := map[int64]bool{}
	for pass := 0; pass < passes && len(todo) > 0; pass++ {
		var ready []prepared
		for _, e := range todo {
			p, ok, err := u.prepare(ctx, e, &rep)
			if err != nil {
				return rep, err
			}
			if ok {
				ready = append(ready, p)
			}
		}
		todo = nil
		var groups [][]prepared
		var rest []prepared
		for _, p := range ready {
			if isolate[p.edit.ID] {
				groups = append(groups, []prepared{p})
			} else {
				rest = append(rest, p)
			}
		}
		groups = append(groups, Group(rest, func(p prepared) orb.Point { return p.point() }, u.Group)...)
		for _, g := range groups {
			retry, iso, err := u.upload(ctx, g, &rep)
			if err != nil {
				return rep, err
			}
			for _, e := range retry {
				if iso {
					isolate[e.ID] = true
				}
				todo = append(todo, e)
			}
		}
	}
	rep.Left += len(todo)
	return rep, nil
}

// prepared is an edit replayed on the element's current version.
type prepared struct {
	edit Edit
	el   *Element
	tags map[string]string // the element's new tags
}

func (p prepared) point() orb.Point {
	if p.edit.Location != (orb.Point{}) {
		return p.edit.Location
	}
	if len(p.el.Points) > 0 {
		return p.el.Points[0]
	}
	return orb.Point{}
}

// prepare fetches the element and replays the diff. ok is false when the
// edit was settled (conflict, already in OSM) or must wait (network).
func (u *Uploader) prepare(ctx context.Context, e Edit, rep *Report) (p prepared, ok bool, err error) {
	conflict := func(reason string) (prepared, bool, error) {
		rep.Conflicts++
		u.log().Info("osm edit conflict", "edit", e.ID, "place", e.Place.String(), "reason", reason)
		if err := u.Queue.MarkConflict(ctx, e.ID, reason); err != nil {
			return prepared{}, false, fmt.Errorf("osmsync: upload: record conflict of edit %d: %w", e.ID, err)
		}
		return prepared{}, false, nil
	}
	el, err := u.Client.Element(ctx, e.Place)
	switch {
	case errors.Is(err, ErrGone):
		return conflict("deleted from OSM since the proposal")
	case errors.Is(err, ErrNotFound):
		return conflict("not found in OSM")
	case errors.Is(err, ErrUnauthorized), errors.Is(err, ErrRateLimited), ctx.Err() != nil:
		return prepared{}, false, err
	case err != nil:
		rep.Left++
		u.log().Warn("osm edit left for later", "edit", e.ID, "place", e.Place.String(), "err", err.Error())
		return prepared{}, false, nil
	}
	if e.Location != (orb.Point{}) {
		if d := el.DistanceM(e.Location); d > u.MaxMoveM {
			return conflict(fmt.Sprintf("moved %.0f m since the proposal (more than %.0f m)", d, u.MaxMoveM))
		}
	}
	cur := el.Tags()
	tags, conflicts := e.Diff.Apply(cur)
	if len(conflicts) > 0 {
		reasons := make([]string, len(conflicts))
		for i, c := range conflicts {
			reasons[i] = c.String()
		}
		return conflict("changed in OSM since the proposal: " + strings.Join(reasons, "; "))
	}
	if maps.Equal(tags, cur) {
		rep.AlreadyInOSM++
		if err := u.Queue.MarkUploaded(ctx, e.ID, UploadResult{Version: el.Version(), Tags: cur}); err != nil {
			return prepared{}, false, fmt.Errorf("osmsync: upload: record edit %d as already in OSM: %w", e.ID, err)
		}
		return prepared{}, false, nil
	}
	return prepared{edit: e, el: el, tags: tags}, true, nil
}

// upload sends one group in one changeset. retry are edits requeued to be
// fetched and tried again (isolate: one by one).
func (u *Uploader) upload(ctx context.Context, g []prepared, rep *Report) (retry []Edit, isolate bool, err error) {
	items := make([]ChangeItem, len(g))
	ids := make([]int64, len(g))
	for i, p := range g {
		items[i] = ChangeItem{Diff: p.edit.Diff, Tags: p.tags}
		ids[i] = p.edit.ID
	}
	cs, err := u.Client.CreateChangeset(ctx, ChangesetTags(u.Changeset, items))
	if err != nil {
		return nil, false, fmt.Errorf("osmsync: upload: %w", err)
	}
	u.step("changeset_created")
	if err := u.Queue.MarkUploading(ctx, cs, ids); err != nil {
		u.closeQuietly(ctx, cs)
		return nil, false, fmt.Errorf("osmsync: upload: record changeset %d: %w", cs, err)
	}
	u.step("marked_uploading")
	v := u.Changeset.Version
	if v == "" {
		v = "dev"
	}
	change := &osm.Change{Version: "0.6", Generator: "openmap " + v}
	for _, p := range g {
		change.AppendModify(p.el.WithTags(p.tags, cs))
	}
	res, err := u.Client.Upload(ctx, cs, change)
	if err == nil {
		u.step("uploaded")
		// Close before recording: a crash in between leaves the edits
		// Uploading in a closed changeset, which the next run resolves
		// from its download; nothing stays open.
		u.closeQuietly(ctx, cs)
		u.step("closed")
		versions := map[geo.PlaceID]int{}
		for _, r := range res.Elements {
			versions[r.ID] = r.NewVersion
		}
		for _, p := range g {
			nv, ok := versions[p.edit.Place]
			if !ok {
				nv = p.el.Version() + 1
			}
			if err := u.Queue.MarkUploaded(ctx, p.edit.ID, UploadResult{Changeset: cs, Version: nv, Tags: p.tags}); err != nil {
				return nil, false, fmt.Errorf("osmsync: upload: record edit %d uploaded in changeset %d: %w", p.edit.ID, cs, err)
			}
		}
		rep.Uploaded += len(g)
		rep.Changesets = append(rep.Changesets, cs)
		u.step("recorded")
		u.log().Info("osm changeset uploaded", "changeset", cs, "edits", len(g))
		return nil, false, nil
	}

	// Whatever the answer, look at the changeset: an earlier attempt of a
	// retried request, or a request whose answer was lost, may have been
	// applied. resolve closes it, records what is in it and requeues the rest.
	back, rerr := u.resolve(ctx, cs, editsOf(g), rep)
	if rerr != nil {
		return nil, false, errors.Join(err, rerr)
	}
	if len(back) == 0 {
		return nil, false, nil
	}
	var ae *APIError
	switch {
	case errors.Is(err, ErrUnauthorized), errors.Is(err, ErrRateLimited), ctx.Err() != nil:
		rep.Left += len(back)
		return nil, false, fmt.Errorf("osmsync: upload: %w", err)
	case !errors.As(err, &ae) || ae.StatusCode >= 500:
		u.log().Warn("osm upload failed, not applied; retrying", "changeset", cs, "err", err.Error())
		return back, false, nil
	case ae.StatusCode == http.StatusConflict:
		// someone edited one of the elements since it was fetched, or the
		// changeset was closed: fetch again and retry
		u.log().Info("osm upload conflict, retrying", "changeset", cs, "message", ae.Message)
		return back, false, nil
	case len(back) > 1:
		// 412, 410, 404, 400: one element is wrong; find which, one by one
		return back, true, nil
	}
	rep.Conflicts++
	reason := fmt.Sprintf("OSM refused the upload: %d %s", ae.StatusCode, ae.Message)
	if err := u.Queue.MarkConflict(ctx, back[0].ID, reason); err != nil {
		return nil, false, fmt.Errorf("osmsync: upload: record conflict of edit %d: %w", back[0].ID, err)
	}
	return nil, false, nil
}

func editsOf(g []prepared) []Edit {
	es := make([]Edit, len(g))
	for i, p := range g {
		es[i] = p.edit
		es[i].State, es[i].Changeset = StateApproved, 0
	}
	return es
}

func (u *Uploader) closeQuietly(ctx context.Context, cs int64) {
	if err := u.Client.CloseChangeset(ctx, cs); err != nil && !errors.Is(err, ErrConflict) {
		// it closes by itself after an hour idle
		u.log().Warn("osm close changeset", "changeset", cs, "err", err.Error())
	}
}

// resolve settles edits marked Uploading in changeset cs whose upload may or
// may not have happened. It closes cs first: an upload still in flight then
// either landed before or is refused, so the download that follows is the
// truth. Edits in it are Uploaded; the others are requeued and returned.
func (u *Uploader) resolve(ctx context.Context, cs int64, edits []Edit, rep *Report) ([]Edit, error) {
	if err := u.Client.CloseChangeset(ctx, cs); err != nil && !errors.Is(err, ErrConflict) && !errors.Is(err, ErrNotFound) {
		return nil, fmt.Errorf("osmsync: resolve changeset %d: %w", cs, err)
	}
	done := map[geo.PlaceID]osm.Object{}
	ch, err := u.Client.ChangesetDownload(ctx, cs)
	switch {
	case errors.Is(err, ErrNotFound):
	case err != nil:
		return nil, fmt.Errorf("osmsync: resolve changeset %d: %w", cs, err)
	case ch.Modify != nil:
		for _, o := range ch.Modify.Objects() {
			if id, ok := placeIDOf(o); ok {
				if prev, seen := done[id]; !seen || versionOf(o) > versionOf(prev) {
					done[id] = o
				}
			}
		}
	}
	var back []Edit
	for _, e := range edits {
		if o, ok := done[e.Place]; ok {
			rep.Uploaded++
			if err := u.Queue.MarkUploaded(ctx, e.ID, UploadResult{Changeset: cs, Version: versionOf(o), Tags: tagsOfObject(o)}); err != nil {
				return nil, fmt.Errorf("osmsync: resolve changeset %d: record edit %d: %w", cs, e.ID, err)
			}
			continue
		}
		if err := u.Queue.Requeue(ctx, e.ID); err != nil {
			return nil, fmt.Errorf("osmsync: resolve changeset %d: requeue edit %d: %w", cs, e.ID, err)
		}
		e.State, e.Changeset = StateApproved, 0
		back = append(back, e)
	}
	if len(back) < len(edits) {
		rep.Changesets = append(rep.Changesets, cs)
	}
	u.log().Info("osm changeset resolved", "changeset", cs, "uploaded", len(edits)-len(back), "requeued", len(back))
	return back, nil
}

// noteRadiusDeg is the box searched for a note opened by an interrupted run.
const noteRadiusDeg = 0.0005

// note opens the note of an edit.
func (u *Uploader) note(ctx context.Context, e Edit, rep *Report) error {
	if e.Location == (orb.Point{}) {
		rep.Conflicts++
		return u.Queue.MarkConflict(ctx, e.ID, "a note needs the place's location")
	}
	if err := u.Queue.MarkNoting(ctx, e.ID); err != nil {
		return fmt.Errorf("osmsync: note for edit %d: %w", e.ID, err)
	}
	u.step("marked_noting")
	id, err := u.Client.CreateNote(ctx, e.Location[0], e.Location[1], e.Note.Text)
	var ae *APIError
	switch {
	case err == nil:
		rep.Notes++
		if err := u.Queue.MarkNoted(ctx, e.ID, id); err != nil {
			return fmt.Errorf("osmsync: note for edit %d: record note %d: %w", e.ID, id, err)
		}
		u.step("noted")
		return nil
	case errors.As(err, &ae) && (ae.StatusCode == http.StatusTooManyRequests || ae.StatusCode == http.StatusServiceUnavailable ||
		ae.StatusCode == http.StatusUnauthorized || ae.StatusCode == http.StatusForbidden):
		rep.Left++
		if rerr := u.Queue.Requeue(ctx, e.ID); rerr != nil {
			return errors.Join(err, rerr)
		}
		return fmt.Errorf("osmsync: note for edit %d: %w", e.ID, err)
	case errors.As(err, &ae) && ae.StatusCode >= 400 && ae.StatusCode < 500:
		rep.Conflicts++
		return u.Queue.MarkConflict(ctx, e.ID, fmt.Sprintf("OSM refused the note: %d %s", ae.StatusCode, ae.Message))
	}
	// 5xx or network: it may exist; the next run looks before trying again
	rep.Left++
	u.log().Warn("osm note left for later", "edit", e.ID, "err", err.Error())
	return nil
}

// resolveNote settles an edit left Noting: the note is looked for at the
// place. back is true when it was not found and the edit is approved again.
func (u *Uploader) resolveNote(ctx context.Context, e Edit, rep *Report) (back bool, err error) {
	notes, err := u.Client.Notes(ctx, e.Location[0], e.Location[1], noteRadiusDeg)
	if err != nil {
		return false, fmt.Errorf("osmsync: resolve note of edit %d: %w", e.ID, err)
	}
	want := strings.TrimSpace(e.Note.Text)
	for _, n := range notes {
		if len(n.Comments) > 0 && strings.TrimSpace(n.Comments[0].Text) == want {
			rep.Notes++
			return false, u.Queue.MarkNoted(ctx, e.ID, int64(n.ID))
		}
	}
	return true, u.Queue.Requeue(ctx, e.ID)
}

func placeIDOf(o osm.Object) (geo.PlaceID, bool) {
	switch o := o.(type) {
	case *osm.Node:
		return geo.PlaceID{Type: geo.Node, ID: int64(o.ID)}, true
	case *osm.Way:
		return geo.PlaceID{Type: geo.Way, ID: int64(o.ID)}, true
	case *osm.Relation:
		return geo.PlaceID{Type: geo.Relation, ID: int64(o.ID)}, true
	}
	return geo.PlaceID{}, false
}

func versionOf(o osm.Object) int {
	e := Element{Object: o}
	return e.Version()
}

func tagsOfObject(o osm.Object) map[string]string {
	e := Element{Object: o}
	return e.Tags()
}
