package api

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"codeberg.org/openmap/openmap/geo"
	"codeberg.org/openmap/openmap/internal/store"
)

// failingStore is the real store with some calls made to fail.
type failingStore struct {
	*store.Store
	placeErr, addErr error
}

func (f failingStore) Place(ctx context.Context, id geo.PlaceID) (geo.Place, error) {
	if f.placeErr != nil {
		return geo.Place{}, f.placeErr
	}
	return f.Store.Place(ctx, id)
}

func (f failingStore) AddReportInputs(ctx context.Context, r store.NewReport, since time.Time) (int64, []geo.Report, error) {
	if f.addErr != nil {
		return 0, nil, f.addErr
	}
	return f.Store.AddReportInputs(ctx, r, since)
}

func withStore(t *testing.T, ts *testServer, st Store) *testServer {
	t.Helper()
	log := slog.New(slog.NewJSONHandler(syncWriter{ts.logs}, nil))
	e, s, err := New(context.Background(), Deps{Store: st, Categories: geo.DefaultCategories(), Logger: log, Clock: ts.clock.now,
		Config: Config{ReadsPerSecond: -1, ReportsPerMinute: -1, ContributorsPerHour: -1}})
	if err != nil {
		t.Fatal(err)
	}
	return &testServer{e: e, s: s, st: ts.st, clock: ts.clock, logs: ts.logs}
}

func TestInternalErrorsStayInside(t *testing.T) {
	base := newTestServer(t, nil)
	secret := "disk I/O error at /srv/openmap/secret-path.db"
	ts := withStore(t, base, failingStore{Store: base.st, placeErr: fmt.Errorf("store: place: %w", errors.New(secret))})
	w := ts.do(req{target: "/api/v1/places/" + spar})
	p := wantProblem(t, w, http.StatusInternalServerError, "")
	if strings.Contains(w.Body.String(), "secret-path") || p.Detail != "internal error" {
		t.Errorf("internal text reached the client: %s", w.Body.String())
	}
	if n := strings.Count(ts.logs.String(), "secret-path"); n != 1 {
		t.Errorf("the 500 was logged %d times, want once:\n%s", n, ts.logs.String())
	}
}

func TestBusyDatabaseIs503(t *testing.T) {
	base := newTestServer(t, nil)
	ts := withStore(t, base, failingStore{Store: base.st, addErr: fmt.Errorf("store: record report: %w: database is locked", store.ErrBusy)})
	w := ts.report(spar, keyA, `{"status":"open"}`)
	wantProblem(t, w, http.StatusServiceUnavailable, "")
	if w.Header().Get("Retry-After") == "" {
		t.Error("no Retry-After")
	}
	if strings.Contains(w.Body.String(), "locked") {
		t.Errorf("driver text reached the client: %s", w.Body.String())
	}
}
