// Package osmsync sends what residents reported back to OpenStreetMap,
// under a mapper's own account and only after the mapper's review.
//
//   - Client speaks OSM API 0.6 (elements with their shape, changesets,
//     uploads, notes, user details) with bounded, Retry-After-honouring
//     retries; OAuthConfig, StartLogin and FinishLogin do the OAuth 2.0
//     authorization code + PKCE login; Sealer keeps the login state and the
//     mapper's session (token, CSRF value) in encrypted cookies only.
//   - ReviewQueue turns confirmed statuses into proposals under the
//     instance's tag profile (geo.TagProfile); RemovalQueue proposes
//     removing a crisis profile's keys.
//   - Uploader replays each approved tag diff on the element's current
//     version, sends conflicts back to review, groups the rest by area
//     (Group, ChangesetTags, Comment) and uploads them, persisting every
//     step in a Queue before doing it, so that a crash never uploads an edit
//     twice nor loses one. The store's OSMEdits implements Queue; MemQueue
//     and FileQueue are for tests and for running without the store.
//   - WriteOsmChange exports approved diffs as an osmChange file for JOSM.
//
// The subpackage osmfake is a fake OSM API and OAuth 2 server for tests.
package osmsync
