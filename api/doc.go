// Package api is openmap's HTTP interface (echo v4): the JSON API under
// /api/v1, the HTML form that posts a report, /healthz, /metrics, the
// OpenAPI document, and the mapper pages under /mapper (mapper_handlers.go:
// OSM OAuth 2 login, the review queue of review.go, upload and export),
// whose review queue the command line (openmap sync queue) reads too. Every route is listed in routes.go; each resource has
// its handlers in its own file; one error handler (errors.go) turns domain
// errors into application/problem+json. Pages register through Deps.Pages.
//
// Status: each place's current status is computed on request by
// geo.StatusRules from the reports of the freshness window (cached per
// store revision, which every report and moderation action bumps) and the
// OSM tags. Opening hours go through hours_engine.go, the one file that
// calls geo's opening_hours engine; parsed values are cached by value.
// Rendered /places answers are cached for one store revision and one
// minute of wall time (zones of open_now move at minute resolution).
//
// Privacy: client IP addresses are used in memory only, for rate limits,
// and never logged; X-Forwarded-For is read only with Config.TrustProxy.
// Contributor keys are stored as an HMAC with the server secret and never
// logged or returned. A mapper's OSM token lives only in their sealed
// session cookie.
package api
