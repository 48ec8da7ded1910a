package geo

import (
	"time"

	"github.com/paulmach/orb"
)

// EditState is where an edit is on its way back to OSM.
type EditState string

// The states of an edit. An approved edit goes approved → uploading →
// uploaded, or approved → noting → noted for a note; conflict sends it back
// to review with a reason; rejected is a proposal a mapper turned down (kept
// so the same proposal is not offered again). Uploading and noting are
// written before the request is sent: an edit found in them after a crash is
// resolved by looking at OSM, never by sending again blindly.
const (
	EditApproved  EditState = "approved"
	EditUploading EditState = "uploading" // OSMEdit.Changeset holds the changeset it is sent in
	EditUploaded  EditState = "uploaded"
	EditNoting    EditState = "noting"
	EditNoted     EditState = "noted"
	EditConflict  EditState = "conflict" // OSMEdit.Reason says why; back in the review queue
	EditRejected  EditState = "rejected"
)

// OSMEdit is one mapper-approved proposal for one place: a tag diff to
// upload, or a note to open. It is what the store keeps and what
// internal/osmsync sends.
type OSMEdit struct {
	ID    int64   `json:"id"`
	Place PlaceID `json:"place"`
	// Mapper is the OSM user id of the mapper who approved it; only their
	// token uploads it.
	Mapper int64 `json:"mapper"`
	// Name is the place's name, for logs and the review page.
	Name string `json:"name,omitempty"`
	// Location is where the place was when the proposal was made (lon,
	// lat); the upload is a conflict when the element is now far from it.
	// Zero skips that check.
	Location orb.Point `json:"location"`
	// BaseVersion is the element version the proposal was made against.
	BaseVersion int           `json:"base_version,omitempty"`
	Diff        TagDiff       `json:"diff,omitempty"`
	Note        *NoteProposal `json:"note,omitempty"`

	State     EditState `json:"state"`
	Changeset int64     `json:"changeset,omitempty"` // when uploading or uploaded (0: OSM already held the change)
	Version   int       `json:"version,omitempty"`   // the element's version once uploaded
	NoteID    int64     `json:"note_id,omitempty"`
	Reason    string    `json:"reason,omitempty"` // why it is a conflict
}

// EditUpload is what becomes of an edit once it is in OSM: the store
// records it on the edit and updates the stored place (tags and version).
type EditUpload struct {
	Changeset int64             // 0 when OSM already held the change
	Version   int               // the element's version now
	Tags      map[string]string // the element's tags now
}

// ProposeFor is Propose on a stored place: its tags, and its name and id for
// a note. An empty proposal means OSM already says what the reports say: the
// place is not in the review queue.
func (p TagProfile) ProposeFor(pl Place, s StatusSummary, day time.Time, opt ProposeOptions) (Proposal, error) {
	if opt.PlaceName == "" {
		opt.PlaceName = pl.Name
	}
	if opt.PlaceID.ID == 0 {
		opt.PlaceID = pl.ID
	}
	return p.Propose(pl.Tags, s, day, opt)
}

// NewOSMEdit is the edit a mapper approves: the proposal for the place, made
// against the place's version and location, in state approved.
func NewOSMEdit(pl Place, prop Proposal, mapper int64) OSMEdit {
	return OSMEdit{
		Place: pl.ID, Mapper: mapper, Name: pl.Name, Location: pl.Location,
		BaseVersion: pl.Version, Diff: prop.Diff, Note: prop.Note, State: EditApproved,
	}
}
