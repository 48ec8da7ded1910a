// Package api is openmap's HTTP interface (echo v4): the JSON API under
// /api/v1, the HTML form that posts a report, /healthz, /metrics and the
// OpenAPI document. Every route is listed in routes.go; each resource has
// its handlers in its own file; one error handler (errors.go) turns domain
// errors into application/problem+json.
//
// Privacy: client IP addresses are used in memory only, for rate limits,
// and never logged; contributor keys are stored as an HMAC with the server
// secret and never logged or returned.
package api
