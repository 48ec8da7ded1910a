package api

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"fmt"
	"sync"
	"testing"
)

// TestContributorHashPooled: the pooled HMACs give HMAC-SHA256(secret, key)
// whatever key came before, from concurrent requests.
func TestContributorHashPooled(t *testing.T) {
	ts := newTestServer(t, nil)
	want := func(key string) []byte {
		m := hmac.New(sha256.New, ts.s.secret)
		m.Write([]byte(key))
		return m.Sum(nil)
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 500 {
				key := fmt.Sprintf("key-%d-%d-%s", g, i, bytes.Repeat([]byte("x"), i%70))
				if got := ts.s.contributorHash(key); !bytes.Equal(got, want(key)) {
					t.Errorf("%q: %x, want %x", key, got, want(key))
					return
				}
			}
		}()
	}
	wg.Wait()
}
