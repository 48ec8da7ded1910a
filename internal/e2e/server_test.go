package e2e

import (
	"net/http"
	"testing"

	"codeberg.org/openmap/openmap/internal/store"
)

// newServer is the whole server (API and pages) on st. The JSON API (issue
// 4, branch api) is not on this branch yet; once main has it, this builds it
// with api.New and registers the pages through its Pages hook (the version
// in tmp/server_test.go.real of the web worktree, tested against the api
// branch).
func newServer(t testing.TB, st *store.Store, tiles string) http.Handler {
	t.Skip("the JSON API is not merged on this branch yet: the browser test needs api.New")
	return nil
}
