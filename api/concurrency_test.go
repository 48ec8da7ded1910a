package api

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"codeberg.org/openmap/openmap/geo"
)

// TestConcurrentReportsAndReads: 50 clients post reports over real HTTP
// while 8 others read; every 201 must be in the database and no request
// may fail (a SQLITE_BUSY would surface as a 500).
func TestConcurrentReportsAndReads(t *testing.T) {
	ts := newTestServer(t, nil)
	srv := httptest.NewServer(ts.e)
	defer srv.Close()
	// Places to report on: the first 40 of Monaco.
	all := ts.places(t, "bbox="+monacoBBox)
	var ids []string
	for _, f := range all.Features[:40] {
		ids = append(ids, f.Properties["id"].(string))
	}
	const writers, perWriter, readers = 50, 8, 8
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: writers + readers}}
	var (
		mu       sync.Mutex
		accepted = map[string]string{} // remark → place
		failures []string
	)
	fail := func(s string) {
		mu.Lock()
		failures = append(failures, s)
		mu.Unlock()
	}
	statuses := []string{"open", "closed", "partial", "open_adapted", "gone"}
	var wg sync.WaitGroup
	done := make(chan struct{})
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			key := fmt.Sprintf("concurrentWriter%02d_abcdefghijkl", w)
			mu.Lock()
			suiteKeys[key] = true
			mu.Unlock()
			// Each writer is a person at an address of its own (one
			// address is one voice per place): 127.0.0.10 and on.
			dialer := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, byte(10+w))}}
			client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{DialContext: dialer.DialContext}}
			for i := 0; i < perWriter; i++ {
				place := ids[(w*perWriter+i)%len(ids)]
				remark := fmt.Sprintf("w%02d-r%02d", w, i)
				body := fmt.Sprintf(`{"status":%q,"remark":%q}`, statuses[(w+i)%len(statuses)], remark)
				req, _ := http.NewRequest(http.MethodPost, srv.URL+"/api/v1/places/"+place+"/reports", strings.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set(ContributorHeader, key)
				req.Header.Set("Prefer", "return=representation") // a read of the place too
				resp, err := client.Do(req)
				if err != nil {
					fail(err.Error())
					continue
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusCreated {
					fail(fmt.Sprintf("POST %s: %d %s", place, resp.StatusCode, b))
					continue
				}
				if !strings.Contains(string(b), remark) {
					fail("201 without the new report: " + remark)
				}
				mu.Lock()
				accepted[remark] = place
				mu.Unlock()
			}
		}(w)
	}
	var rwg sync.WaitGroup
	reads := 0
	for r := 0; r < readers; r++ {
		rwg.Add(1)
		go func(r int) {
			defer rwg.Done()
			for n := 0; ; n++ {
				select {
				case <-done:
					return
				default:
				}
				target := srv.URL + "/api/v1/places?bbox=" + monacoBBox
				if n%2 == 1 {
					target = srv.URL + "/api/v1/places/" + ids[(r+n)%len(ids)]
				}
				resp, err := client.Get(target)
				if err != nil {
					fail(err.Error())
					continue
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					fail(fmt.Sprintf("GET %s: %d %.200s", target, resp.StatusCode, b))
				}
				mu.Lock()
				reads++
				mu.Unlock()
			}
		}(r)
	}
	wg.Wait()
	close(done)
	rwg.Wait()
	for _, f := range failures {
		t.Error(f)
	}
	for _, f := range failures {
		if strings.Contains(f, "locked") || strings.Contains(f, "BUSY") {
			t.Fatalf("SQLITE_BUSY reached a client: %s", f)
		}
	}
	if len(accepted) != writers*perWriter {
		t.Errorf("%d reports accepted of %d", len(accepted), writers*perWriter)
	}
	// Every acknowledged report is in the database, on its place.
	stored, err := ts.st.RecentReports(context.Background(), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for remark, place := range accepted {
		id, _ := geo.ParsePlaceID(place)
		ok := false
		for _, r := range stored[id] {
			if r.Remark == remark {
				ok = true
			}
		}
		if !ok {
			t.Errorf("report %s on %s acknowledged but not stored", remark, place)
		} else {
			found++
		}
	}
	t.Logf("%d reports stored, %d reads during the writes", found, reads)
	if reads == 0 {
		t.Error("no read ran during the writes")
	}
}
