package api

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
)

// BenchmarkListPlaces: /places over Monaco (431 places), rendered each time
// (cache off) and from the cache.
func BenchmarkListPlaces(b *testing.B) {
	for _, bc := range []struct {
		name  string
		cache int
	}{{"uncached", -1}, {"cached", 0}} {
		b.Run(bc.name, func(b *testing.B) {
			ts := newTestServer(b, func(c *Config) { c.CacheEntries = bc.cache })
			target := "/api/v1/places?bbox=" + monacoBBox + "&zoom=16"
			size := 0
			for b.Loop() {
				w := ts.do(req{target: target})
				if w.Code != http.StatusOK {
					b.Fatal(w.Code)
				}
				size = w.Body.Len()
			}
			b.ReportMetric(float64(size), "bytes/resp")
		})
	}
}

// BenchmarkGetPlace: one place document.
func BenchmarkGetPlace(b *testing.B) {
	ts := newTestServer(b, nil)
	for b.Loop() {
		if w := ts.do(req{target: "/api/v1/places/" + spar}); w.Code != http.StatusOK {
			b.Fatal(w.Code)
		}
	}
}

// benchPlaces lists the ids of the Monaco view.
func benchPlaces(b *testing.B, ts *testServer) []string {
	w := ts.do(req{target: "/api/v1/places?bbox=" + monacoBBox})
	var out fc
	decode(b, w, &out)
	ids := make([]string, len(out.Features))
	for i, f := range out.Features {
		ids[i] = f.Properties["id"].(string)
	}
	return ids
}

// BenchmarkPostReport: a report, validated, stored in its own transaction,
// and the place document built for the 201 (Prefer: return=representation,
// as the map asks); reports rotate over the places of Monaco and 1000
// contributor keys.
func BenchmarkPostReport(b *testing.B) {
	ts := newTestServer(b, nil)
	ids := benchPlaces(b, ts)
	i := 0
	for b.Loop() {
		i++
		key := fmt.Sprintf("benchKey%04d_abcdefghijklmnop", i%1000)
		w := ts.do(req{method: http.MethodPost, target: "/api/v1/places/" + ids[i%len(ids)] + "/reports", key: key,
			body: `{"status":"open","opening_hours":"Mo-Fr 09:00-18:00"}`, header: map[string]string{"Prefer": "return=representation"}})
		if w.Code != http.StatusCreated {
			b.Fatal(w.Code, w.Body.String())
		}
	}
}

// BenchmarkOpenNow: the cost of open_now for one place with a cached
// parsed value.
func BenchmarkOpenNow(b *testing.B) {
	ts := newTestServer(b, nil)
	hc := ts.s.zones.at(7.42, 43.73)
	now := testNow
	ts.s.hours.openNow("Mo-Fr 08:00-12:00,14:00-19:00; Sa 09:00-12:00; PH off", now, hc)
	for b.Loop() {
		ts.s.hours.openNow("Mo-Fr 08:00-12:00,14:00-19:00; Sa 09:00-12:00; PH off", now, hc)
	}
}

// BenchmarkReportForm: the no-JavaScript form post and its 303.
func BenchmarkReportForm(b *testing.B) {
	ts := pagesServer(b)
	ids := benchPlaces(b, ts)
	i := 0
	for b.Loop() {
		i++
		body := "status=open&contributor=" + fmt.Sprintf("formKey%05d_abcdefghijklmnop", i%1000)
		hr := httptest.NewRequest(http.MethodPost, "/place/"+ids[i%len(ids)]+"/report", strings.NewReader(body))
		hr.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		w := httptest.NewRecorder()
		ts.e.ServeHTTP(w, hr)
		if w.Code != http.StatusSeeOther {
			b.Fatal(w.Code)
		}
	}
}

// BenchmarkListPlacesCity: /places for Helsinki centre (1359 places) on the
// 20-region benchmark database, uncached; set OPENMAP_BENCH_DB to a database
// imported from ../shared/data/bench/merged-20-regions.osm.pbf.
func BenchmarkListPlacesCity(b *testing.B) {
	path := os.Getenv("OPENMAP_BENCH_DB")
	if path == "" {
		b.Skip("OPENMAP_BENCH_DB not set")
	}
	saved := baseDB
	baseDB = path
	ts := newTestServer(b, func(c *Config) { c.CacheEntries = -1 })
	baseDB = saved
	for b.Loop() {
		if w := ts.do(req{target: "/api/v1/places?bbox=24.90,60.15,24.98,60.18&zoom=15"}); w.Code != http.StatusOK {
			b.Fatal(w.Code)
		}
	}
}

// BenchmarkPostReportStatus: as BenchmarkPostReport, with the default
// answer, the new status.
func BenchmarkPostReportStatus(b *testing.B) {
	ts := newTestServer(b, nil)
	ids := benchPlaces(b, ts)
	i := 0
	for b.Loop() {
		i++
		key := fmt.Sprintf("benchKey%04d_abcdefghijklmnop", i%1000)
		w := ts.do(req{method: http.MethodPost, target: "/api/v1/places/" + ids[i%len(ids)] + "/reports", key: key,
			body: `{"status":"open","opening_hours":"Mo-Fr 09:00-18:00"}`})
		if w.Code != http.StatusCreated {
			b.Fatal(w.Code, w.Body.String())
		}
	}
}

// BenchmarkPostReportParallel: report posts (status answer) from 16 goroutines, as
// wrk's 16 connections in scripts/bench-api.sh, so that group commit
// batches them; reports rotate over the places of Monaco and 1000 keys.
func BenchmarkPostReportParallel(b *testing.B) {
	ts := newTestServer(b, nil)
	ids := benchPlaces(b, ts)
	var n atomic.Int64
	b.SetParallelism(8) // 16 goroutines on 2 cores
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := int(n.Add(1))
			key := fmt.Sprintf("benchKey%04d_abcdefghijklmnop", (i*7919)%1000)
			w := ts.do(req{method: http.MethodPost, target: "/api/v1/places/" + ids[i%len(ids)] + "/reports", key: key,
				body: `{"status":"open","opening_hours":"Mo-Fr 09:00-18:00","remark":"bench"}`})
			if w.Code != http.StatusCreated {
				b.Error(w.Code, w.Body.String())
				return
			}
		}
	})
}
