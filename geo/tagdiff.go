package geo

import (
	"errors"
	"fmt"
	"maps"
	"sort"
	"strings"
	"unicode/utf8"
)

// TagChange is one proposed edit of one OSM tag. Old is the value the
// proposal was made against ("" when the key was absent); New is the value to
// write ("" deletes the key).
type TagChange struct {
	Key string `json:"key"`
	Old string `json:"old"`
	New string `json:"new"`
}

// String shows the change as mappers read it: "key: old → new".
func (c TagChange) String() string {
	old, nw := c.Old, c.New
	if old == "" {
		old = "∅"
	}
	if nw == "" {
		nw = "∅"
	}
	return c.Key + ": " + old + " → " + nw
}

// TagDiff is the proposed change of one element's tags, kept with the old
// values so it can be replayed on whatever version the element has when it
// is uploaded (the way StreetComplete and Every Door do it). Keys are unique.
type TagDiff []TagChange

// TagConflict says why one change of a diff could not be replayed: the key
// now holds Current, which is neither the old nor the new value.
type TagConflict struct {
	TagChange
	Current string `json:"current"`
}

// String explains the conflict in one line (English, for logs and the queue).
func (c TagConflict) String() string {
	cur := c.Current
	if cur == "" {
		cur = "∅"
	}
	return fmt.Sprintf("%s now holds %q (proposal was %s)", c.Key, cur, c.TagChange.String())
}

// MaxTagLength is the longest key or value OSM accepts, in characters.
const MaxTagLength = 255

// ErrBadDiff is wrapped by TagDiff.Validate.
var ErrBadDiff = errors.New("bad tag diff")

// Validate checks that every key is non-empty, unique and at most 255
// characters, that every value is at most 255 characters, and that no
// change is a no-op (Old == New).
func (d TagDiff) Validate() error {
	seen := make(map[string]bool, len(d))
	for _, c := range d {
		switch {
		case strings.TrimSpace(c.Key) == "" || c.Key != strings.TrimSpace(c.Key):
			return fmt.Errorf("%w: empty or padded key %q", ErrBadDiff, c.Key)
		case seen[c.Key]:
			return fmt.Errorf("%w: key %q appears twice", ErrBadDiff, c.Key)
		case c.Old == c.New:
			return fmt.Errorf("%w: %s changes nothing", ErrBadDiff, c.Key)
		case utf8.RuneCountInString(c.Key) > MaxTagLength,
			utf8.RuneCountInString(c.New) > MaxTagLength:
			return fmt.Errorf("%w: %s: key or value longer than %d characters", ErrBadDiff, c.Key, MaxTagLength)
		}
		seen[c.Key] = true
	}
	return nil
}

// Apply replays d on tags (which it does not modify) and returns the new
// tags. For each change: when the key holds Old, New is written (or the key
// deleted); when it already holds New, nothing is done (someone made the same
// edit, or an earlier upload of this diff went through); otherwise the key
// now holds a third value and the change is a conflict. Keys the diff does
// not name are kept as they are, so edits by others on other keys merge.
// When conflicts is not empty the returned map must not be uploaded.
func (d TagDiff) Apply(tags map[string]string) (map[string]string, []TagConflict) {
	out := maps.Clone(tags)
	if out == nil {
		out = map[string]string{}
	}
	var conflicts []TagConflict
	for _, c := range d {
		cur := tags[c.Key]
		switch cur {
		case c.New:
			// already there
		case c.Old:
			if c.New == "" {
				delete(out, c.Key)
			} else {
				out[c.Key] = c.New
			}
		default:
			conflicts = append(conflicts, TagConflict{TagChange: c, Current: cur})
		}
	}
	return out, conflicts
}

// AppliedIn reports whether tags already hold every new value of d, as after
// a successful upload. An empty diff is applied in any tags.
func (d TagDiff) AppliedIn(tags map[string]string) bool {
	for _, c := range d {
		if tags[c.Key] != c.New {
			return false
		}
	}
	return true
}

// Keys returns the keys the diff touches, in its order.
func (d TagDiff) Keys() []string {
	keys := make([]string, len(d))
	for i, c := range d {
		keys[i] = c.Key
	}
	return keys
}

// Find returns the change of key, if the diff has one.
func (d TagDiff) Find(key string) (TagChange, bool) {
	for _, c := range d {
		if c.Key == key {
			return c, true
		}
	}
	return TagChange{}, false
}

// DiffTags is the diff that turns from into to, sorted by key. A mapper's
// edit of a proposal is kept this way: the edited tags diffed against the
// element's tags.
func DiffTags(from, to map[string]string) TagDiff {
	var d TagDiff
	for k, v := range to {
		if from[k] != v {
			d = append(d, TagChange{Key: k, Old: from[k], New: v})
		}
	}
	for k, v := range from {
		if _, ok := to[k]; !ok {
			d = append(d, TagChange{Key: k, Old: v, New: ""})
		}
	}
	sort.Slice(d, func(i, j int) bool { return d[i].Key < d[j].Key })
	return d
}
