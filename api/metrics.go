package api

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"sync"
	"time"
)

// metrics are the counters of /metrics, in memory (reset at restart, as
// Prometheus expects of counters).
type metrics struct {
	mu       sync.Mutex
	requests map[reqKey]int64
	durSum   map[string]float64
	durCount map[string]int64
	limit    map[string]int64
	reports  int64
	hits     int64
	misses   int64
}

type reqKey struct {
	method, route string
	code          int
}

func newMetrics() *metrics {
	return &metrics{requests: map[reqKey]int64{}, durSum: map[string]float64{}, durCount: map[string]int64{}, limit: map[string]int64{}}
}

func (m *metrics) observe(method, route string, code int, d time.Duration) {
	m.mu.Lock()
	m.requests[reqKey{method, route, code}]++
	m.durSum[route] += d.Seconds()
	m.durCount[route]++
	m.mu.Unlock()
}

func (m *metrics) limited(kind string) {
	m.mu.Lock()
	m.limit[kind]++
	m.mu.Unlock()
}

func (m *metrics) reportCreated() {
	m.mu.Lock()
	m.reports++
	m.mu.Unlock()
}

func (m *metrics) cache(hit bool) {
	m.mu.Lock()
	if hit {
		m.hits++
	} else {
		m.misses++
	}
	m.mu.Unlock()
}

// write prints the Prometheus text exposition format (version 0.0.4).
func (m *metrics) write(w io.Writer, gauges map[string]float64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	fmt.Fprintln(w, "# HELP openmap_http_requests_total HTTP requests by method, route and status code.")
	fmt.Fprintln(w, "# TYPE openmap_http_requests_total counter")
	keys := make([]reqKey, 0, len(m.requests))
	for k := range m.requests {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if a.route != b.route {
			return a.route < b.route
		}
		if a.method != b.method {
			return a.method < b.method
		}
		return a.code < b.code
	})
	for _, k := range keys {
		fmt.Fprintf(w, "openmap_http_requests_total{method=%s,route=%s,code=\"%d\"} %d\n", strconv.Quote(k.method), strconv.Quote(k.route), k.code, m.requests[k])
	}
	fmt.Fprintln(w, "# HELP openmap_http_request_duration_seconds Time spent answering, by route.")
	fmt.Fprintln(w, "# TYPE openmap_http_request_duration_seconds summary")
	routes := make([]string, 0, len(m.durCount))
	for r := range m.durCount {
		routes = append(routes, r)
	}
	sort.Strings(routes)
	for _, r := range routes {
		fmt.Fprintf(w, "openmap_http_request_duration_seconds_sum{route=%s} %g\n", strconv.Quote(r), m.durSum[r])
		fmt.Fprintf(w, "openmap_http_request_duration_seconds_count{route=%s} %d\n", strconv.Quote(r), m.durCount[r])
	}
	fmt.Fprintln(w, "# HELP openmap_rate_limited_total Requests refused by a rate limit, by kind.")
	fmt.Fprintln(w, "# TYPE openmap_rate_limited_total counter")
	for _, k := range []string{"read", "report", "contributor"} {
		fmt.Fprintf(w, "openmap_rate_limited_total{kind=%q} %d\n", k, m.limit[k])
	}
	fmt.Fprintln(w, "# HELP openmap_reports_created_total Reports accepted since start.")
	fmt.Fprintln(w, "# TYPE openmap_reports_created_total counter")
	fmt.Fprintf(w, "openmap_reports_created_total %d\n", m.reports)
	fmt.Fprintln(w, "# HELP openmap_places_cache_total Answers of /places served from the cache or computed.")
	fmt.Fprintln(w, "# TYPE openmap_places_cache_total counter")
	fmt.Fprintf(w, "openmap_places_cache_total{result=\"hit\"} %d\n", m.hits)
	fmt.Fprintf(w, "openmap_places_cache_total{result=\"miss\"} %d\n", m.misses)
	names := make([]string, 0, len(gauges))
	for n := range gauges {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "# TYPE %s gauge\n%s %g\n", n, n, gauges[n])
	}
}
