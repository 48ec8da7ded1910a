// Package osmfake is a fake OSM API 0.6 and OAuth 2 server for tests, in
// memory, on httptest: elements with versions (node, way/full,
// relation/full), changeset create, upload (with version and changeset
// checks: 409, 410, 412 as the real API answers), close and download, notes,
// user details, an OAuth 2 authorization endpoint that approves at once and
// a token endpoint that checks PKCE (S256). Error answers (409, 412, 429
// with Retry-After, 500…) can be injected per route.
package osmfake
