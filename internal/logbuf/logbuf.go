// Package logbuf buffers log output: lines written go out in one write
// every interval (or when the buffer fills), instead of one write system
// call per line — under load, one per request. A line waits at most the
// interval; Close writes what is left.
package logbuf

import (
	"bufio"
	"io"
	"sync"
	"time"
)

// Writer is an io.Writer safe for concurrent use.
type Writer struct {
	mu   sync.Mutex
	out  io.Writer
	w    *bufio.Writer
	quit chan struct{}
	done chan struct{}
	once sync.Once
}

// New buffers w (up to size bytes) and flushes it every interval.
func New(w io.Writer, size int, every time.Duration) *Writer {
	b := &Writer{out: w, w: bufio.NewWriterSize(w, size), quit: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(b.done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				b.Flush()
			case <-b.quit:
				return
			}
		}
	}()
	return b
}

// Write buffers p.
func (b *Writer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	n, err := b.w.Write(p)
	b.resetOnError(err)
	return n, err
}

// Flush writes what is buffered.
func (b *Writer) Flush() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	err := b.w.Flush()
	b.resetOnError(err)
	return err
}

// resetOnError drops what the buffer held after a failed write (a full disk):
// a bufio.Writer would refuse every later line, and logging should resume
// once the output works again.
func (b *Writer) resetOnError(err error) {
	if err != nil {
		b.w.Reset(b.out)
	}
}

// Close stops the timer and flushes; writes after Close still work (they
// are flushed when the buffer fills, or by Flush).
func (b *Writer) Close() error {
	b.once.Do(func() { close(b.quit); <-b.done })
	return b.Flush()
}
