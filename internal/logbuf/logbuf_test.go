package logbuf

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuf is a bytes.Buffer safe for the flusher goroutine and the test.
type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestLinesWaitForTheFlush(t *testing.T) {
	var out syncBuf
	w := New(&out, 4096, time.Hour)
	defer w.Close()
	fmt.Fprintln(w, "one")
	if got := out.String(); got != "" {
		t.Fatalf("written at once: %q", got)
	}
	w.Flush()
	if got := out.String(); got != "one\n" {
		t.Fatalf("after Flush: %q", got)
	}
}

func TestTheTickerFlushes(t *testing.T) {
	var out syncBuf
	w := New(&out, 4096, 20*time.Millisecond)
	defer w.Close()
	fmt.Fprintln(w, "one")
	deadline := time.Now().Add(5 * time.Second)
	for out.String() != "one\n" {
		if time.Now().After(deadline) {
			t.Fatalf("not flushed by the ticker: %q", out.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestCloseWritesEverythingFromConcurrentWriters(t *testing.T) {
	var out syncBuf
	w := New(&out, 256, time.Hour) // only a full buffer or Close flush
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 100 {
				fmt.Fprintf(w, "g%d line %03d\n", g, i)
			}
		}()
	}
	wg.Wait()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 800 {
		t.Fatalf("%d lines, want 800", len(lines))
	}
	for _, l := range lines { // no line torn by another writer
		var g, i int
		if n, _ := fmt.Sscanf(l, "g%d line %03d", &g, &i); n != 2 {
			t.Fatalf("torn line %q", l)
		}
	}
}

// failing fails its writes while broken.
type failing struct {
	syncBuf
	broken bool
}

func (f *failing) Write(p []byte) (int, error) {
	if f.broken {
		return 0, errors.New("disk full")
	}
	return f.syncBuf.Write(p)
}

func TestLoggingResumesAfterAFailedWrite(t *testing.T) {
	out := &failing{broken: true}
	w := New(out, 4096, time.Hour)
	defer w.Close()
	fmt.Fprintln(w, "lost")
	if err := w.Flush(); err == nil {
		t.Fatal("no error from a failing output")
	}
	out.broken = false
	fmt.Fprintln(w, "two")
	if err := w.Flush(); err != nil {
		t.Fatalf("flush after the output came back: %v", err)
	}
	if got := out.String(); got != "two\n" {
		t.Fatalf("got %q, want the line written after the failure", got)
	}
}
