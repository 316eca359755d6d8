// Package hostile holds what the tests of this module use to play a
// hostile server without a network: bodies of any size made on the fly,
// and a measure of the heap a piece of code needs.
package hostile

import (
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/socgo/xdr/internal/apierror"
)

// Body is an endless-looking response body of size bytes: prefix, then
// fill repeated. It is generated as it is read, never held in memory.
type Body struct {
	prefix string
	fill   byte
	left   int64
	pos    int
}

// NewBody returns a body of size bytes starting with prefix.
func NewBody(prefix string, fill byte, size int64) *Body {
	return &Body{prefix: prefix, fill: fill, left: size}
}

// Read fills p.
func (b *Body) Read(p []byte) (int, error) {
	if b.left <= 0 {
		return 0, io.EOF
	}
	n := 0
	for n < len(p) && b.left > 0 {
		if b.pos < len(b.prefix) {
			p[n] = b.prefix[b.pos]
			b.pos++
		} else {
			p[n] = b.fill
		}
		n++
		b.left--
	}
	return n, nil
}

// Close does nothing.
func (b *Body) Close() error { return nil }

// Transport answers every request with status and a body made by body,
// without a Content-Length.
func Transport(status int, body func(r *http.Request) io.ReadCloser) http.RoundTripper {
	return rtFunc(func(r *http.Request) (*http.Response, error) {
		if r.Body != nil {
			_, _ = io.Copy(io.Discard, r.Body)
			_ = r.Body.Close()
		}
		return &http.Response{
			StatusCode: status, Status: http.StatusText(status), Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
			Header:        http.Header{"Content-Type": {"application/json"}},
			Body:          body(r),
			ContentLength: -1,
			Request:       r,
		}, nil
	})
}

type rtFunc func(*http.Request) (*http.Response, error)

func (f rtFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// PeakHeap runs f and returns the most heap in use above the level before
// it, sampled every millisecond, and the bytes f allocated in all (an upper
// bound of the peak that sampling cannot miss).
func PeakHeap(f func()) (peak, allocated uint64) {
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	var max atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > before.HeapInuse && m.HeapInuse-before.HeapInuse > max.Load() {
				max.Store(m.HeapInuse - before.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	f()
	close(stop)
	wg.Wait()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	return max.Load(), after.TotalAlloc - before.TotalAlloc
}

// Repeat returns s repeated to n bytes at least, for bodies built in
// memory by small tests.
func Repeat(s string, n int) string { return strings.Repeat(s, n/len(s)+1) }

// LogBuffer collects log lines written from several goroutines.
type LogBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

// Write appends p.
func (l *LogBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// String returns what was written.
func (l *LogBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// Leaks returns a description of every place where one of secrets shows:
// err rendered with %v, %+v and %#v, every text field of the
// *apierror.Error in its chain, and the extra texts (log lines) given by
// name.
func Leaks(err error, extra map[string]string, secrets ...string) []string {
	outs := map[string]string{}
	for k, v := range extra {
		outs[k] = v
	}
	if err != nil {
		outs["%v"], outs["%+v"], outs["%#v"] = fmt.Sprintf("%v", err), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err)
		if ae, ok := apierror.As(err); ok {
			for k, v := range map[string]string{"Body": string(ae.Body), "Message": ae.Message, "Detail": ae.Detail,
				"Code": ae.Code, "RequestID": ae.RequestID, "Path": ae.Path, "Method": ae.Method, "Service": ae.Service} {
				outs[k] = v
			}
		}
	}
	var leaks []string
	for where, s := range outs {
		for _, sec := range secrets {
			if sec != "" && strings.Contains(s, sec) {
				leaks = append(leaks, where+" holds a secret: "+s)
			}
		}
	}
	return leaks
}
