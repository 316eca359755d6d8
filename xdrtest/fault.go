// Package xdrtest holds what the fake servers of this module share:
// fault injection. sekoiatest, tehtristest and sentinelonetest each
// re-export these types (sekoiatest.Fault is xdrtest.Fault), so a test
// that uses one fake needs no import of this package.
//
// A fault makes the fake fail the next matching requests: rate limiting
// with Retry-After, bursts of server errors, a connection cut in the middle
// of a body, truncated JSON, or slowness. Every response a fault produces
// or alters carries the header X-Fault-Injected with the kind of the fault
// ("rate-limit", ...), so that a test's checks can tell a deliberate fault
// from a contract violation.
package xdrtest

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Kind is a kind of injected failure.
type Kind int

// The kinds of failure.
const (
	// RateLimit answers 429 with Retry-After.
	RateLimit Kind = iota + 1
	// ServerError answers Status (default 503).
	ServerError
	// CutBody sends the headers and half of the real body, then closes the
	// connection.
	CutBody
	// TruncatedJSON sends a complete response whose body is the first half
	// of the real one.
	TruncatedJSON
	// Delay waits before answering normally.
	Delay
)

// Header is the response header that marks an injected fault; its value is
// the Kind's String.
const Header = "X-Fault-Injected"

// String returns the name of k: "rate-limit", "server-error", "cut-body",
// "truncated-json" or "delay".
func (k Kind) String() string {
	switch k {
	case RateLimit:
		return "rate-limit"
	case ServerError:
		return "server-error"
	case CutBody:
		return "cut-body"
	case TruncatedJSON:
		return "truncated-json"
	case Delay:
		return "delay"
	}
	return "kind-" + strconv.Itoa(int(k))
}

// Default bodies of RateLimit and ServerError when Fault.Body is nil.
const (
	DefaultRateLimitBody   = `{"message":"Too many requests","code":"RATE_LIMITED"}`
	DefaultServerErrorBody = `{"message":"injected server error"}`
)

// Fault is one failure to inject.
type Fault struct {
	Kind Kind
	// Method and PathPrefix select requests; empty matches any.
	Method     string
	PathPrefix string
	// Times is how many matching requests fail; 0 means 1, -1 means forever.
	Times int
	// Status is the status of a ServerError (default 503).
	Status int
	// RetryAfter is sent with RateLimit (and ServerError if set), in seconds.
	RetryAfter time.Duration
	// Delay is the wait of a Delay fault.
	Delay time.Duration
	// Body is the body of a RateLimit or ServerError answer, so that it can
	// take the error shape of the API being faked; nil sends
	// DefaultRateLimitBody or DefaultServerErrorBody.
	Body []byte
	// ContentType goes with Body (default "application/json").
	ContentType string
}

// body returns the body and content type of a RateLimit or ServerError.
func (f *Fault) body(def string) ([]byte, string) {
	ct := f.ContentType
	if ct == "" {
		ct = "application/json"
	}
	if f.Body == nil {
		return []byte(def), ct
	}
	return f.Body, ct
}

// Set is a list of pending faults, safe for concurrent use.
type Set struct {
	mu     sync.Mutex
	faults []*entry
}

type entry struct {
	f    Fault
	left int
}

// Add queues f.
func (s *Set) Add(f Fault) {
	n := f.Times
	if n == 0 {
		n = 1
	}
	s.mu.Lock()
	s.faults = append(s.faults, &entry{f: f, left: n})
	s.mu.Unlock()
}

// Clear removes every pending fault.
func (s *Set) Clear() {
	s.mu.Lock()
	s.faults = nil
	s.mu.Unlock()
}

func (s *Set) take(r *http.Request) *Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, e := range s.faults {
		if e.f.Method != "" && e.f.Method != r.Method || !strings.HasPrefix(r.URL.Path, e.f.PathPrefix) {
			continue
		}
		f := e.f
		if e.left > 0 {
			e.left--
			if e.left == 0 {
				s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
			}
		}
		return &f
	}
	return nil
}

// Wrap returns next with the faults of s applied.
func (s *Set) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f := s.take(r)
		if f == nil {
			next.ServeHTTP(w, r)
			return
		}
		w.Header().Set(Header, f.Kind.String())
		switch f.Kind {
		case RateLimit:
			w.Header().Set("Retry-After", strconv.Itoa(int(f.RetryAfter/time.Second)))
			writeBody(w, http.StatusTooManyRequests, f, DefaultRateLimitBody)
		case ServerError:
			st := f.Status
			if st == 0 {
				st = http.StatusServiceUnavailable
			}
			if f.RetryAfter > 0 {
				w.Header().Set("Retry-After", strconv.Itoa(int(f.RetryAfter/time.Second)))
			}
			writeBody(w, st, f, DefaultServerErrorBody)
		case Delay:
			select {
			case <-time.After(f.Delay):
			case <-r.Context().Done():
				return
			}
			next.ServeHTTP(w, r)
		case CutBody, TruncatedJSON:
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			body := rec.Body.Bytes()
			half := body[:len(body)/2]
			for k, v := range rec.Header() {
				w.Header()[k] = v
			}
			w.Header().Set(Header, f.Kind.String())
			if f.Kind == TruncatedJSON {
				w.Header().Set("Content-Length", strconv.Itoa(len(half)))
				w.WriteHeader(rec.Code)
				_, _ = w.Write(half)
				return
			}
			w.Header().Set("Content-Length", strconv.Itoa(len(body)))
			w.WriteHeader(rec.Code)
			_, _ = w.Write(half)
			if fl, ok := w.(http.Flusher); ok {
				fl.Flush()
			}
			if hj, ok := w.(http.Hijacker); ok {
				if conn, _, err := hj.Hijack(); err == nil {
					_ = conn.Close()
				}
			}
		default:
			next.ServeHTTP(w, r)
		}
	})
}

func writeBody(w http.ResponseWriter, status int, f *Fault, def string) {
	b, ct := f.body(def)
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
