package api

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
)

// operation documents one route for the OpenAPI document. A test checks
// that the operations and the registered routes are the same set.
type operation struct {
	method, path, summary string
	params                []param
	body                  string // "json", "form" or ""
	responses             []int
	auth                  bool
}

type param struct {
	name, in, typ, desc string
	required            bool
}

var (
	pType  = param{"type", "path", "string", "node, way or relation", true}
	pID    = param{"id", "path", "integer", "OSM id", true}
	pRID   = param{"rid", "path", "integer", "report id", true}
	pLang  = param{"lang", "query", "string", "fr or en (else Accept-Language)", false}
	pSize  = param{"size", "query", "string", "paper size: A5, A4 (default), A3 or Letter", false}
	pKey   = param{"X-Openmap-Contributor", "header", "string", "anonymous contributor key, 22-64 characters [A-Za-z0-9_-]", false}
	common = []int{400, 429, 500}
)

func operations() []operation {
	return []operation{
		{method: "GET", path: "/healthz", summary: "Health check", responses: []int{200, 500}},
		{method: "GET", path: "/metrics", summary: "Prometheus metrics (text format)", responses: []int{200}},
		{method: "GET", path: "/api/v1/places", summary: "Places (or clusters) in a bbox, as GeoJSON",
			params: []param{{"bbox", "query", "string", "minlon,minlat,maxlon,maxlat", true}, {"zoom", "query", "integer", "0-22 (default 16)", false},
				{"category", "query", "string", "category ids, comma-separated", false}, {"status", "query", "string", "statuses, comma-separated: open, open_adapted, partial, closed, gone, unknown", false},
				{"confidence", "query", "string", "confidences, comma-separated: confirmed, reported, disputed, osm, unknown", false},
				{"open_now", "query", "string", "1: only places open now", false}, pLang},
			responses: common},
		{method: "GET", path: "/api/v1/places/{type}/{id}", summary: "One place with its hours, status and reports",
			params: []param{pType, pID, pLang}, responses: []int{200, 404, 429, 500}},
		{method: "POST", path: "/api/v1/places/{type}/{id}/reports", summary: "Report what a place is doing; 201 with the new status, or the place document with Prefer: return=representation",
			params: []param{pType, pID, pKey, {"Prefer", "header", "string", "return=representation: answer the place document", false}, pLang}, body: "Report", responses: []int{201, 400, 401, 403, 404, 409, 413, 422, 429, 500}},
		{method: "GET", path: "/api/v1/hours/check", summary: "Validate an opening_hours value",
			params: []param{{"value", "query", "string", "the value", false}, pLang}, responses: common},
		{method: "GET", path: "/api/v1/search", summary: "Search places by name or category",
			params: []param{{"q", "query", "string", "words", true}, {"near", "query", "string", "lat,lon", false},
				{"limit", "query", "integer", "1-100 (default 20)", false}, pLang}, responses: common},
		{method: "GET", path: "/api/v1/categories", summary: "Categories, subcategories and statuses with French and English labels", responses: []int{200}},
		{method: "GET", path: "/api/v1/stats", summary: "Counts of places and reports", responses: []int{200, 500}},
		{method: "GET", path: "/api/v1/config", summary: "Settings for the map page (tiles, default view)", responses: []int{200}},
		{method: "GET", path: "/api/v1/export.geojson", summary: "Every place with its current status (GeoJSON, ODbL)", responses: []int{200, 500}},
		{method: "GET", path: "/api/v1/export.csv", summary: "Every place with its current status (CSV, ODbL)", responses: []int{200, 500}},
		{method: "GET", path: "/api/v1/openapi.json", summary: "This document", responses: []int{200}},
		{method: "POST", path: "/api/v1/moderation/reports/{rid}/hide", summary: "Hide a report", params: []param{pRID}, auth: true, responses: []int{200, 401, 403, 404}},
		{method: "POST", path: "/api/v1/moderation/reports/{rid}/unhide", summary: "Show a hidden report again", params: []param{pRID}, auth: true, responses: []int{200, 401, 403, 404}},
		{method: "POST", path: "/api/v1/moderation/contributors/block", summary: "Block the contributor behind a report ({\"report_id\": N}) and hide their reports", body: "Block", auth: true, responses: []int{200, 400, 401, 403, 404}},
		{method: "POST", path: "/api/v1/moderation/places/{type}/{id}/lock", summary: "Lock a place: no more reports", params: []param{pType, pID}, auth: true, responses: []int{200, 401, 403, 404}},
		{method: "POST", path: "/api/v1/moderation/places/{type}/{id}/unlock", summary: "Unlock a place", params: []param{pType, pID}, auth: true, responses: []int{200, 401, 403, 404}},
		{method: "GET", path: "/", summary: "The map page (HTML)", params: []param{pLang}, responses: []int{200}},
		{method: "GET", path: "/place/{type}/{id}", summary: "The place page (HTML, no JavaScript needed) with its report form",
			params: []param{pType, pID, pLang, {"sent", "query", "string", "1: thank for the report just sent", false}}, responses: []int{200, 404, 429}},
		{method: "POST", path: "/place/{type}/{id}/report", summary: "The report form of the place page: 303 back to the page, or the page again with why the report was refused",
			params: []param{pType, pID}, body: "form", responses: []int{303, 400, 403, 404, 409, 413, 422, 429}},
		{method: "GET", path: "/near", summary: "Places near a point (HTML, no JavaScript needed)",
			params: []param{{"lat", "query", "number", "degrees", false}, {"lon", "query", "number", "degrees", false},
				{"radius", "query", "integer", "metres (default 500)", false}, pLang}, responses: []int{200, 400, 429}},
		{method: "GET", path: "/signs", summary: "The posters form (HTML, no JavaScript): choose, preview, download",
			params: []param{{"kind", "query", "string", "shop, neighbour or area", false}, {"place", "query", "string", "node/123 (shop)", false},
				{"q", "query", "string", "search a place by name (shop)", false}, pSize, pLang}, responses: []int{200, 303, 400, 404, 429}},
		{method: "GET", path: "/signs/shop/{type}/{file}", summary: "Shop poster of a place with its current status (application/pdf)",
			params: []param{pType, {"file", "path", "string", "{id}.pdf", true}, pSize, pLang}, responses: []int{200, 400, 404, 429, 500}},
		{method: "GET", path: "/signs/neighbour.pdf", summary: "Neighbour poster with a pad (application/pdf); new_pad=1 without pad_seed redirects (303) to the poster of a new pad",
			params: []param{{"title", "query", "string", "headline", true}, {"subtitle", "query", "string", "message", false},
				{"pad", "query", "string", "pad URL, http(s)", false}, {"new_pad", "query", "string", "1: a new pad on a listed host", false},
				{"pad_seed", "query", "string", "with new_pad=1: derive the pad from this text", false}, {"pad_host", "query", "string", "name of a listed host", false},
				pSize, pLang}, responses: []int{200, 303, 400, 429, 500}},
		{method: "GET", path: "/signs/area.pdf", summary: "Neighbourhood sheet of the places near a point (application/pdf)",
			params: []param{{"lat", "query", "number", "degrees", true}, {"lon", "query", "number", "degrees", true},
				{"radius", "query", "number", "metres, 1-5000 (default 500)", false}, {"title", "query", "string", "headline", false},
				{"where", "query", "string", "the centre in words", false}, {"pad", "query", "string", "optional pad URL, http(s)", false}, pSize, pLang},
			responses: []int{200, 400, 429, 500}},
		// The mapper pages (HTML; every POST is a form with the session's csrf field).
		{method: "GET", path: "/mapper", summary: "Mapper review queue (HTML; setup text when no OAuth client is configured, 303 to the login without a session)",
			params: []param{{"bbox", "query", "string", "minlon,minlat,maxlon,maxlat", false}, {"category", "query", "string", "category id", false},
				{"removal", "query", "string", "1: the crisis keys to remove", false}, pLang}, responses: []int{200, 303}},
		{method: "GET", path: "/mapper/login", summary: "Start the OSM OAuth 2 login (PKCE): 302 to OSM", responses: []int{302, 303}},
		{method: "GET", path: "/mapper/callback", summary: "OSM OAuth 2 callback: opens the mapper session", responses: []int{200, 400}},
		{method: "POST", path: "/mapper/logout", summary: "End the mapper session", body: "form", responses: []int{303, 403}},
		{method: "POST", path: "/mapper/approve", summary: "Approve (and edit) a proposal: place, tag:<key>, add_key, add_value", body: "form", responses: []int{303, 400, 403}},
		{method: "POST", path: "/mapper/reject", summary: "Reject a proposal: place, reason", body: "form", responses: []int{303, 400, 403}},
		{method: "POST", path: "/mapper/upload", summary: "Upload the mapper's approved edits to OSM under their account", body: "form", responses: []int{303, 403}},
		{method: "GET", path: "/mapper/export.osc", summary: "The mapper's approved edits as an osmChange file for JOSM", responses: []int{200, 303}},
	}
}

// openAPIDoc builds the OpenAPI 3.0 document.
func (s *Server) openAPIDoc() map[string]any {
	paths := map[string]any{}
	for _, op := range operations() {
		item, _ := paths[op.path].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[op.path] = item
		}
		var params []any
		for _, p := range op.params {
			params = append(params, map[string]any{"name": p.name, "in": p.in, "required": p.required,
				"description": p.desc, "schema": map[string]any{"type": p.typ}})
		}
		resp := map[string]any{}
		for _, code := range op.responses {
			r := map[string]any{"description": http.StatusText(code)}
			if code >= 400 {
				r["content"] = map[string]any{"application/problem+json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Problem"}}}
			}
			resp[itoa(code)] = r
		}
		o := map[string]any{"summary": op.summary, "responses": resp, "operationId": opID(op)}
		if params != nil {
			o["parameters"] = params
		}
		switch op.body {
		case "Report", "Block":
			o["requestBody"] = map[string]any{"required": true, "content": map[string]any{"application/json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/" + op.body}}}}
		case "form":
			o["requestBody"] = map[string]any{"required": true, "content": map[string]any{"application/x-www-form-urlencoded": map[string]any{"schema": map[string]any{"type": "object"}}}}
		}
		if op.auth {
			o["security"] = []any{map[string]any{"bearer": []any{}}}
		}
		item[strings.ToLower(op.method)] = o
	}
	return map[string]any{
		"openapi": "3.0.3",
		"info": map[string]any{"title": "openmap API", "version": s.cfg.Version,
			"description": "What's still open, from OpenStreetMap and residents' reports. Data © OpenStreetMap contributors, ODbL.",
			"license":     map[string]any{"name": "ODbL-1.0 (data)", "url": "https://opendatacommons.org/licenses/odbl/"}},
		"servers": []any{map[string]any{"url": s.cfg.BaseURL + "/"}},
		"paths":   paths,
		"components": map[string]any{
			"securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer"}},
			"schemas": map[string]any{
				"Report": map[string]any{"type": "object", "required": []string{"status"}, "additionalProperties": false, "properties": map[string]any{
					"status":        map[string]any{"type": "string", "enum": []string{"open", "open_adapted", "partial", "closed", "gone"}},
					"opening_hours": map[string]any{"type": "string", "maxLength": maxHoursValue, "description": "OSM opening_hours syntax; none when closed or gone"},
					"delivery":      map[string]any{"type": "boolean", "nullable": true},
					"takeaway":      map[string]any{"type": "boolean", "nullable": true},
					"pickup":        map[string]any{"type": "boolean", "nullable": true},
					"remark":        map[string]any{"type": "string", "maxLength": maxRemark},
				}},
				"Block": map[string]any{"type": "object", "required": []string{"report_id"}, "properties": map[string]any{
					"report_id": map[string]any{"type": "integer", "description": "a report of the contributor to block"},
				}},
				"Problem": map[string]any{"type": "object", "properties": map[string]any{
					"type": map[string]any{"type": "string"}, "title": map[string]any{"type": "string"}, "status": map[string]any{"type": "integer"},
					"detail": map[string]any{"type": "string"}, "detail_fr": map[string]any{"type": "string"}, "field": map[string]any{"type": "string"},
					"suggestion": map[string]any{"type": "string"}, "position": map[string]any{"type": "integer"}}}},
		},
	}
}

func opID(op operation) string {
	r := strings.NewReplacer("/", "_", "{", "", "}", "", ".", "_", "-", "_")
	return strings.ToLower(op.method) + r.Replace(op.path)
}

func itoa(n int) string { return strconv.Itoa(n) }

// openAPI answers GET /api/v1/openapi.json.
func (s *Server) openAPI(c echo.Context) error { return sendJSON(c, http.StatusOK, s.openAPIDoc()) }

// echoPath turns "/places/{type}/{id}" into echo's "/places/:type/:id".
func echoPath(p string) string {
	return strings.NewReplacer("{", ":", "}", "").Replace(p)
}
