// Package osmsync sends what residents reported back to OpenStreetMap,
// under a mapper's own account and only after the mapper's review.
//
// It holds an OSM API 0.6 client (Client) with OAuth 2.0 login helpers
// (authorization code + PKCE), the grouping of approved tag diffs into
// changesets by area (Group) with their generated tags (ChangesetTags), an
// Uploader that replays each diff on the element's current version and
// persists every step in a Queue before doing it, so that a crash never
// uploads a diff twice nor loses one, and an osmChange exporter for JOSM
// (WriteOsmChange).
//
// The package speaks no SQL: the store implements Queue. MemQueue and
// FileQueue are the implementations for tests and for running without the
// store.
package osmsync
