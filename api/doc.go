// Package api is openmap's HTTP interface (echo v4): the JSON API under
// /api/v1, the HTML form that posts a report, /healthz, /metrics, the
// OpenAPI document, and the mapper pages under /mapper (mapper_handlers.go:
// OSM OAuth 2 login, the review queue of review.go, upload and export),
// whose review queue the command line (openmap sync queue) reads too. Every route is listed in routes.go; each resource has
// its handlers in its own file; one error handler (errors.go) turns domain
// errors into application/problem+json.
//
// Privacy: client IP addresses are used in memory only, for rate limits,
// and never logged; contributor keys are stored as an HMAC with the server
// secret and never logged or returned. A mapper's OSM token lives only in
// their sealed session cookie.
package api
