package osmsync

import (
	"errors"
	"fmt"
	"net/http"
	"time"
)

// Sentinel errors for the OSM API answers the callers act on; an *APIError
// matches them with errors.Is.
var (
	// ErrNotFound: the element, changeset or note does not exist (404).
	ErrNotFound = errors.New("osm: not found")
	// ErrGone: the element was deleted (410).
	ErrGone = errors.New("osm: deleted")
	// ErrConflict: a version mismatch, or the changeset is closed or not the
	// mapper's (409).
	ErrConflict = errors.New("osm: conflict")
	// ErrPrecondition: the upload refers to something that is not there
	// (412), e.g. a way whose nodes were deleted.
	ErrPrecondition = errors.New("osm: precondition failed")
	// ErrRateLimited: too many requests (429) after every retry.
	ErrRateLimited = errors.New("osm: rate limited")
	// ErrUnauthorized: no or a bad token, or a missing scope (401, 403).
	ErrUnauthorized = errors.New("osm: unauthorized")
	// ErrServer: a 5xx answer after every retry.
	ErrServer = errors.New("osm: server error")
)

// APIError is an answer of the OSM API that is not a success.
type APIError struct {
	Op         string // what was asked, e.g. "upload changeset 12"
	StatusCode int
	// Message is the API's explanation: its Error header or the body,
	// e.g. "Version mismatch: Provided 2, server had: 3 of Node 42".
	Message string
	// RetryAfter is the wait the server asked for, on 429 and 503.
	RetryAfter time.Duration
}

func (e *APIError) Error() string {
	return fmt.Sprintf("osm api: %s: %d %s: %s", e.Op, e.StatusCode, http.StatusText(e.StatusCode), e.Message)
}

// Is matches the sentinel error of the status code.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound
	case ErrGone:
		return e.StatusCode == http.StatusGone
	case ErrConflict:
		return e.StatusCode == http.StatusConflict
	case ErrPrecondition:
		return e.StatusCode == http.StatusPreconditionFailed
	case ErrRateLimited:
		return e.StatusCode == http.StatusTooManyRequests
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized || e.StatusCode == http.StatusForbidden
	case ErrServer:
		return e.StatusCode >= 500
	}
	return false
}
