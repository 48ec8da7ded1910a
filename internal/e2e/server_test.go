//go:build !openmap_api

package e2e

import (
	"net/http"
	"testing"

	"codeberg.org/openmap/openmap/internal/store"
)

// newServer stands in until the JSON API (issue 4, branch api) is merged:
// server_api_test.go builds the real server with api.New (build tag
// openmap_api). Once main has the API, delete this file and that tag.
func newServer(t testing.TB, st *store.Store, tiles string) http.Handler {
	t.Skip("the JSON API is not merged on this branch yet: the browser test needs api.New")
	return nil
}
