package transport

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/socgo/xdr"
)

const testToken = "tok-3f9a1c2e7b5d4e6f8a0b"

// step is one scripted answer of a fakeRT.
type step struct {
	status int
	header http.Header
	body   string
	err    error
}

// fakeRT is an in-memory RoundTripper answering from a script (the last
// step repeats). It records what it was sent and tracks response bodies, so
// the tests run inside a synctest bubble without sockets.
type fakeRT struct {
	mu     sync.Mutex
	steps  []step
	calls  int
	sent   []sentReq
	bodies []*trackedBody
}

type sentReq struct {
	method string
	url    string
	header http.Header
	body   string
}

type trackedBody struct {
	r      *strings.Reader
	closed atomic.Bool
}

func (b *trackedBody) Read(p []byte) (int, error) { return b.r.Read(p) }
func (b *trackedBody) Close() error               { b.closed.Store(true); return nil }
func (b *trackedBody) drained() bool              { return b.r.Len() == 0 }

func (f *fakeRT) RoundTrip(r *http.Request) (*http.Response, error) {
	var body []byte
	if r.Body != nil {
		body, _ = io.ReadAll(r.Body)
		_ = r.Body.Close()
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sent = append(f.sent, sentReq{r.Method, r.URL.String(), r.Header.Clone(), string(body)})
	s := f.steps[min(f.calls, len(f.steps)-1)]
	f.calls++
	if s.err != nil {
		return nil, s.err
	}
	h := s.header.Clone()
	if h == nil {
		h = http.Header{}
	}
	tb := &trackedBody{r: strings.NewReader(s.body)}
	f.bodies = append(f.bodies, tb)
	return &http.Response{
		StatusCode: s.status, Status: http.StatusText(s.status), Header: h, Body: tb,
		ContentLength: int64(len(s.body)), Request: r, ProtoMajor: 1, ProtoMinor: 1,
	}, nil
}

func (f *fakeRT) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls
}

func retryAfter(v string) http.Header { return http.Header{"Retry-After": {v}} }

const testBase = "https://api.example.test/base"

// newClient builds a Client on rt with the defaults and a bearer token.
func newClient(t *testing.T, rt http.RoundTripper, change func(*Config)) *Client {
	t.Helper()
	cfg := Defaults()
	cfg.Base = mustURL(t, testBase)
	cfg.Auth = func(h http.Header) { h.Set("Authorization", "Bearer "+testToken) }
	cfg.HTTPClient = &http.Client{Transport: rt}
	if change != nil {
		change(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

func mustURL(t testing.TB, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func do(t *testing.T, ctx context.Context, c *Client, method string, body io.Reader) (*http.Response, Result, error) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, method, testBase+"/v1/things", body)
	if err != nil {
		t.Fatal(err)
	}
	resp, res, err := c.Do(req)
	if resp != nil {
		t.Cleanup(func() { _ = resp.Body.Close() })
	}
	return resp, res, err
}

func TestRetry429WithoutRetryAfterUsesBackoff(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		rt := &fakeRT{steps: []step{{status: 429}, {status: 429}, {status: 200, body: "ok"}}}
		c := newClient(t, rt, nil)
		start := time.Now()
		// 429 is retried for every method, POST included.
		resp, res, err := do(t, t.Context(), c, http.MethodPost, strings.NewReader(`{"a":1}`))
		if err != nil {
			t.Fatalf("Do: %v", err)
		}
		if resp.StatusCode != 200 || res.Attempts != 3 {
			t.Fatalf("status %d after %d attempts, want 200 after 3", resp.StatusCode, res.Attempts)
		}
		// Equal jitter: retry n waits in [min*2^n/2, min*2^n].
		elapsed := time.Since(start)
		if lo, hi := 1500*time.Millisecond, 3*time.Second; elapsed < lo || elapsed > hi {
			t.Errorf("waited %s, want within %s..%s", elapsed, lo, hi)
		}
		for i, s := range rt.sent {
			if s.body != `{"a":1}` {
				t.Errorf("attempt %d sent body %q: the body must be replayed", i+1, s.body)
			}
		}
	})
}

func TestRetry429HonoursRetryAfterSeconds(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		rt := &fakeRT{steps: []step{{status: 429, header: retryAfter("7")}, {status: 200}}}
		c := newClient(t, rt, nil)
		start := time.Now()
		resp, res, err := do(t, t.Context(), c, http.MethodGet, nil)
		if err != nil {
			t.Fatalf("Do: %v", err)
		}
		if got := time.Since(start); got != 7*time.Second {
			t.Errorf("waited %s, want exactly the Retry-After of 7s", got)
		}
		if resp.StatusCode != 200 || res.Attempts != 2 {
			t.Errorf("status %d after %d attempts, want 200 after 2", resp.StatusCode, res.Attempts)
		}
	})
}

func TestRetry429HonoursRetryAfterHTTPDate(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		date := time.Now().Add(12 * time.Second).UTC().Format(http.TimeFormat)
		rt := &fakeRT{steps: []step{{status: 429, header: retryAfter(date)}, {status: 200}}}
		c := newClient(t, rt, nil)
		start := time.Now()
		if _, _, err := do(t, t.Context(), c, http.MethodGet, nil); err != nil {
			t.Fatalf("Do: %v", err)
		}
		if got := time.Since(start); got != 12*time.Second {
			t.Errorf("waited %s, want the 12s until the Retry-After date", got)
		}
	})
}

func TestRetryAfterOverCapReturnedAtOnce(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		rt := &fakeRT{steps: []step{{status: 429, header: retryAfter("61"), body: `{"message":"slow down"}`}, {status: 200}}}
		c := newClient(t, rt, nil) // default cap: 60s
		start := time.Now()
		resp, res, err := do(t, t.Context(), c, http.MethodGet, nil)
		if err != nil {
			t.Fatalf("Do: %v", err)
		}
		if time.Since(start) != 0 {
			t.Errorf("waited %s; a Retry-After over the cap must not be waited for", time.Since(start))
		}
		if resp.StatusCode != 429 || res.Attempts != 1 || rt.count() != 1 {
			t.Errorf("status %d, %d attempts, %d requests; want the 429 after 1", resp.StatusCode, res.Attempts, rt.count())
		}
		if got := resp.Header.Get("Retry-After"); got != "61" {
			t.Errorf("Retry-After %q not passed to the caller", got)
		}
		if b, _ := io.ReadAll(resp.Body); string(b) != `{"message":"slow down"}` {
			t.Errorf("body %q not passed to the caller", b)
		}
	})
}

func TestRetryAfterCapConfigurable(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		rt := &fakeRT{steps: []step{{status: 429, header: retryAfter("90")}, {status: 200}}}
		c := newClient(t, rt, func(c *Config) { c.MaxRetryAfter = 2 * time.Minute })
		start := time.Now()
		resp, _, err := do(t, t.Context(), c, http.MethodGet, nil)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("Do: %v", err)
		}
		if got := time.Since(start); got != 90*time.Second {
			t.Errorf("waited %s, want 90s under a 2m cap", got)
		}
	})
}

func TestWaitPastDeadlineFailsAtOnce(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		rt := &fakeRT{steps: []step{{status: 429, header: retryAfter("10")}, {status: 200}}}
		c := newClient(t, rt, nil)
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		defer cancel()
		start := time.Now()
		resp, res, err := do(t, ctx, c, http.MethodGet, nil)
		if err != nil {
			t.Fatalf("Do: %v", err)
		}
		if time.Since(start) != 0 || resp.StatusCode != 429 || res.Attempts != 1 {
			t.Errorf("after %s: status %d, %d attempts; want the 429 at once", time.Since(start), resp.StatusCode, res.Attempts)
		}
	})
}

func TestBackoffPastDeadlineFailsAtOnce(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		rt := &fakeRT{steps: []step{{status: 503}, {status: 200}}}
		c := newClient(t, rt, func(c *Config) { c.RetryWaitMin, c.RetryWaitMax = 10*time.Second, 10*time.Second })
		ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
		defer cancel()
		start := time.Now()
		resp, _, err := do(t, ctx, c, http.MethodGet, nil)
		if err != nil {
			t.Fatalf("Do: %v", err)
		}
		if time.Since(start) != 0 || resp.StatusCode != 503 || rt.count() != 1 {
			t.Errorf("after %s: status %d, %d requests; want the 503 at once", time.Since(start), resp.StatusCode, rt.count())
		}
	})
}

func TestRetryPolicyByMethodAndStatus(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		method   string
		safe     bool
		status   int
		attempts int
	}{
		{"POST 503 not retried", http.MethodPost, false, 503, 1},
		{"POST 503 marked safe", http.MethodPost, true, 503, 2},
		{"PATCH 500 not retried", http.MethodPatch, false, 500, 1},
		{"POST 408 not retried", http.MethodPost, false, 408, 1},
		{"POST 429 retried", http.MethodPost, false, 429, 2},
		{"GET 503", http.MethodGet, false, 503, 2},
		{"GET 502", http.MethodGet, false, 502, 2},
		{"GET 408", http.MethodGet, false, 408, 2},
		{"PUT 500", http.MethodPut, false, 500, 2},
		{"DELETE 504", http.MethodDelete, false, 504, 2},
		{"HEAD 503", http.MethodHead, false, 503, 2},
		{"GET 501 not retried", http.MethodGet, false, 501, 1},
		{"GET 400 not retried", http.MethodGet, false, 400, 1},
		{"GET 404 not retried", http.MethodGet, false, 404, 1},
		{"GET 409 not retried", http.MethodGet, false, 409, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				rt := &fakeRT{steps: []step{{status: tt.status}, {status: 200}}}
				c := newClient(t, rt, nil)
				ctx := t.Context()
				if tt.safe {
					ctx = WithRetrySafe(ctx)
				}
				_, res, err := do(t, ctx, c, tt.method, nil)
				if err != nil {
					t.Fatalf("Do: %v", err)
				}
				if res.Attempts != tt.attempts || rt.count() != tt.attempts {
					t.Errorf("%d attempts (%d requests), want %d", res.Attempts, rt.count(), tt.attempts)
				}
			})
		})
	}
}

func TestRetriesExhaustedPassesLastResponse(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		rt := &fakeRT{steps: []step{{status: 503, body: `{"message":"down"}`}}}
		c := newClient(t, rt, nil)
		start := time.Now()
		resp, res, err := do(t, t.Context(), c, http.MethodGet, nil)
		if err != nil {
			t.Fatalf("Do: %v (the final response must be passed through, not an error)", err)
		}
		if res.Attempts != 1+DefaultMaxRetries || rt.count() != 5 {
			t.Errorf("%d attempts, %d requests; want 5", res.Attempts, rt.count())
		}
		if b, _ := io.ReadAll(resp.Body); resp.StatusCode != 503 || string(b) != `{"message":"down"}` {
			t.Errorf("got %d %q, want the last 503 and its body", resp.StatusCode, b)
		}
		// Waits of 1, 2, 4 and 8s, each jittered down to half at most.
		if elapsed := time.Since(start); elapsed < 7500*time.Millisecond || elapsed > 15*time.Second {
			t.Errorf("waited %s, want within 7.5s..15s", elapsed)
		}
		for i, b := range rt.bodies[:len(rt.bodies)-1] {
			if !b.closed.Load() {
				t.Errorf("body of retried attempt %d not closed", i+1)
			}
		}
	})
}

func TestBackoffCappedAtRetryWaitMax(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		rt := &fakeRT{steps: []step{{status: 503}}}
		c := newClient(t, rt, func(c *Config) {
			c.MaxRetries = 10
			c.RetryWaitMin, c.RetryWaitMax = time.Second, 4*time.Second
		})
		start := time.Now()
		if _, _, err := do(t, t.Context(), c, http.MethodGet, nil); err != nil {
			t.Fatal(err)
		}
		// 1+2+4+4*7 = 35s at most; at least half of that.
		if elapsed := time.Since(start); elapsed < 17500*time.Millisecond || elapsed > 35*time.Second {
			t.Errorf("waited %s, want within 17.5s..35s", elapsed)
		}
	})
}

func TestRetriesOff(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		rt := &fakeRT{steps: []step{{status: 429}, {status: 200}}}
		c := newClient(t, rt, func(c *Config) { c.MaxRetries = 0 })
		resp, res, err := do(t, t.Context(), c, http.MethodGet, nil)
		if err != nil || resp.StatusCode != 429 || res.Attempts != 1 {
			t.Fatalf("got %v, %+v, %v; want the 429 after 1 attempt", resp, res, err)
		}
	})
}

func TestNetworkErrorRetryPolicy(t *testing.T) {
	t.Parallel()
	reset := &net.OpError{Op: "read", Net: "tcp", Err: errors.New("connection reset by peer")}
	for _, tt := range []struct {
		method   string
		safe     bool
		attempts int
	}{
		{http.MethodGet, false, 2},
		{http.MethodPost, false, 1},
		{http.MethodPost, true, 2},
	} {
		t.Run(tt.method+map[bool]string{true: " safe"}[tt.safe], func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				rt := &fakeRT{steps: []step{{err: reset}, {status: 200}}}
				c := newClient(t, rt, nil)
				ctx := t.Context()
				if tt.safe {
					ctx = WithRetrySafe(ctx)
				}
				_, res, err := do(t, ctx, c, tt.method, strings.NewReader("x"))
				if res.Attempts != tt.attempts {
					t.Errorf("%d attempts, want %d", res.Attempts, tt.attempts)
				}
				if wantErr := tt.attempts == 1; (err != nil) != wantErr {
					t.Errorf("err = %v, want error: %v", err, wantErr)
				}
				if err != nil && strings.Contains(err.Error(), "giving up") {
					t.Errorf("error %q carries a retry library message", err)
				}
			})
		})
	}
}

func TestNetworkErrorExhaustedReturnsLastError(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		reset := &net.OpError{Op: "read", Net: "tcp", Err: errors.New("connection reset by peer")}
		rt := &fakeRT{steps: []step{{err: reset}}}
		c := newClient(t, rt, nil)
		_, res, err := do(t, t.Context(), c, http.MethodGet, nil)
		var op *net.OpError
		if !errors.As(err, &op) {
			t.Fatalf("err = %v, want the *net.OpError", err)
		}
		if strings.Contains(err.Error(), "giving up") {
			t.Errorf("error %q carries a retry library message", err)
		}
		if res.Attempts != 5 {
			t.Errorf("%d attempts, want 5", res.Attempts)
		}
	})
}

func TestContextCancelledDuringBackoff(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		rt := &fakeRT{steps: []step{{status: 503, header: retryAfter("30")}, {status: 200}}}
		c := newClient(t, rt, nil)
		ctx, cancel := context.WithCancel(t.Context())
		go func() {
			time.Sleep(3 * time.Second)
			cancel()
		}()
		start := time.Now()
		_, res, err := do(t, ctx, c, http.MethodGet, nil)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
		if got := time.Since(start); got != 3*time.Second {
			t.Errorf("returned after %s, want at the cancellation (3s)", got)
		}
		if rt.count() != 1 || res.Attempts != 1 {
			t.Errorf("%d requests, %d attempts; want 1", rt.count(), res.Attempts)
		}
		if !rt.bodies[0].closed.Load() {
			t.Error("the 503 body was not closed")
		}
	})
}

func TestContextAlreadyCancelled(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		rt := &fakeRT{steps: []step{{status: 200}}}
		c := newClient(t, rt, nil)
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		if _, _, err := do(t, ctx, c, http.MethodGet, nil); !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
	})
}

func TestRetryOnConnectionReset(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) == 1 {
			resetConn(t, w)
			return
		}
		_, _ = io.WriteString(w, "fine")
	}))
	defer srv.Close()
	c := newServerClient(t, srv.URL, nil)
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+"/v1/x", nil)
	resp, res, err := c.Do(req)
	if err != nil {
		t.Fatalf("Do: %v", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if string(b) != "fine" || res.Attempts != 2 || hits.Load() != 2 {
		t.Errorf("body %q after %d attempts (%d hits), want \"fine\" after 2", b, res.Attempts, hits.Load())
	}
}

func TestNoRetryOfPostOnConnectionReset(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		resetConn(t, w)
	}))
	defer srv.Close()
	c := newServerClient(t, srv.URL, nil)
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL+"/v1/x", strings.NewReader("{}"))
	_, res, err := c.Do(req)
	if err == nil {
		t.Fatal("Do succeeded on a reset connection")
	}
	if res.Attempts != 1 || hits.Load() != 1 {
		t.Errorf("%d attempts, %d hits; a POST must not be retried on a network error", res.Attempts, hits.Load())
	}
}

// resetConn closes the connection of w with a TCP reset.
func resetConn(t *testing.T, w http.ResponseWriter) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		t.Errorf("hijack: %v", err)
		return
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

func newServerClient(t *testing.T, base string, change func(*Config)) *Client {
	t.Helper()
	cfg := Defaults()
	cfg.Base = mustURL(t, base)
	cfg.Auth = func(h http.Header) {
		h.Set("Authorization", "Bearer "+testToken)
		h.Set("X-Api-Key", testToken)
	}
	cfg.RetryWaitMin, cfg.RetryWaitMax = time.Millisecond, 2*time.Millisecond
	if change != nil {
		change(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestRedirectPolicy(t *testing.T) {
	t.Parallel()
	type seen struct{ auth, key, body string }
	var mu sync.Mutex
	got := map[string]seen{}
	record := func(name string, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got[name] = seen{r.Header.Get("Authorization"), r.Header.Get("X-Api-Key"), string(b)}
		mu.Unlock()
	}
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		record("other", r)
		_, _ = io.WriteString(w, "other")
	}))
	defer other.Close()
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/v1/away":
			record("api", r)
			http.Redirect(w, r, other.URL+"/landing?k="+testToken, http.StatusTemporaryRedirect)
		case "/v1/here":
			record("api", r)
			http.Redirect(w, r, "/v1/final", http.StatusTemporaryRedirect)
		case "/v1/final":
			record("final", r)
		}
	}))
	defer api.Close()
	// Both servers listen on 127.0.0.1: only the port tells them apart,
	// which is the strictest case of "another origin".
	c := newServerClient(t, api.URL, nil)
	want := seen{"Bearer " + testToken, testToken, ""}

	// Another origin: refused for every method, the body never re-sent.
	for _, method := range []string{http.MethodGet, http.MethodPost} {
		var body io.Reader
		if method == http.MethodPost {
			body = strings.NewReader(`{"intake_key":"` + testToken + `"}`)
		}
		req, _ := http.NewRequestWithContext(WithRetrySafe(t.Context()), method, api.URL+"/v1/away", body)
		resp, res, err := c.Do(req)
		if err == nil {
			resp.Body.Close()
			t.Fatalf("%s to another origin: followed, want an error", method)
		}
		if !errors.Is(err, ErrRedirectRefused) {
			t.Errorf("%s: error %v does not match ErrRedirectRefused", method, err)
		}
		var re *RedirectError
		if !errors.As(err, &re) || re.StatusCode != http.StatusTemporaryRedirect {
			t.Errorf("%s: error %#v is not a *RedirectError with the status", method, err)
		}
		if res.Attempts != 1 {
			t.Errorf("%s: %d attempts, want 1 (never retried)", method, res.Attempts)
		}
		if msg := RedactError(err); strings.Contains(msg, testToken) {
			t.Errorf("%s: error shows the credential: %s", method, msg)
		}
	}
	if _, ok := got["other"]; ok {
		t.Errorf("redirect target on another origin was reached: %+v", got["other"])
	}
	if req, _ := http.NewRequest(http.MethodGet, api.URL, nil); req.Header.Get("Authorization") != "" {
		t.Error("the caller's request was changed")
	}

	// Same origin: followed for GET, with the credential.
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, api.URL+"/v1/here", nil)
	resp, _, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got["final"] != want {
		t.Errorf("same-origin redirect target got %+v, want the credential", got["final"])
	}

	// Same origin, other methods: refused, so a write is neither re-sent
	// nor turned into a GET.
	delete(got, "final")
	req, _ = http.NewRequestWithContext(t.Context(), http.MethodPost, api.URL+"/v1/here", strings.NewReader("x"))
	if resp, _, err = c.Do(req); !errors.Is(err, ErrRedirectRefused) {
		if resp != nil {
			resp.Body.Close()
		}
		t.Errorf("POST same-origin redirect: err %v, want ErrRedirectRefused", err)
	}
	if _, ok := got["final"]; ok {
		t.Error("POST same-origin redirect was followed")
	}
}

func TestCheckRedirect(t *testing.T) {
	t.Parallel()
	base := mustURL(t, "https://api.example.test/api")
	tests := []struct {
		name, method, to string
		via              int
		ok               bool
	}{
		{"same origin GET", http.MethodGet, "https://api.example.test/api/x", 1, true},
		{"same origin explicit port", http.MethodHead, "https://api.example.test:443/x", 1, true},
		{"downgrade to http", http.MethodGet, "http://api.example.test/api/x", 1, false},
		{"other port", http.MethodGet, "https://api.example.test:8443/x", 1, false},
		{"other host", http.MethodGet, "https://evil.example.test/x", 1, false},
		{"sub-domain", http.MethodGet, "https://x.api.example.test/x", 1, false},
		{"POST same origin", http.MethodPost, "https://api.example.test/api/x", 1, false},
		{"PUT same origin", http.MethodPut, "https://api.example.test/api/x", 1, false},
		{"too many", http.MethodGet, "https://api.example.test/api/x", maxRedirects, false},
	}
	for _, tt := range tests {
		req, _ := http.NewRequest(tt.method, tt.to, nil)
		req.Response = &http.Response{StatusCode: http.StatusFound}
		via := make([]*http.Request, tt.via)
		for i := range via {
			via[i], _ = http.NewRequest(tt.method, "https://api.example.test/api/start", nil)
		}
		err := checkRedirect(base)(req, via)
		if (err == nil) != tt.ok {
			t.Errorf("%s: err %v, want ok=%v", tt.name, err, tt.ok)
		}
		if err != nil && !errors.Is(err, ErrRedirectRefused) {
			t.Errorf("%s: %v does not match ErrRedirectRefused", tt.name, err)
		}
	}
}

func TestSameOrigin(t *testing.T) {
	t.Parallel()
	tests := []struct {
		u, base string
		want    bool
	}{
		{"https://api.example.test/x", "https://api.example.test", true},
		{"https://API.example.test:443/x", "https://api.example.test", true},
		{"https://api.example.test/x", "https://api.example.test:443/base", true},
		{"http://api.example.test/x", "https://api.example.test", false},
		{"https://api.example.test:8443/x", "https://api.example.test", false},
		{"https://evil.example.test/x", "https://api.example.test", false},
		{"https://api.example.test.evil.test/x", "https://api.example.test", false},
		{"http://[::1]/x", "http://[::1]:80", true},
		{"http://[::1]:8080/x", "http://[::1]:80", false},
		{"http://127.0.0.1:1234/x", "http://127.0.0.1:1234", true},
		{"http://127.0.0.1:1235/x", "http://127.0.0.1:1234", false},
	}
	for _, tt := range tests {
		if got := sameOrigin(mustURL(t, tt.u), mustURL(t, tt.base)); got != tt.want {
			t.Errorf("sameOrigin(%s, %s) = %v, want %v", tt.u, tt.base, got, tt.want)
		}
	}
}

func TestUserAgent(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ prefix, want string }{
		{"", "socgo-xdr/" + xdr.Version},
		{"triage-bot/2.1", "triage-bot/2.1 socgo-xdr/" + xdr.Version},
	} {
		synctest.Test(t, func(t *testing.T) {
			rt := &fakeRT{steps: []step{{status: 200}}}
			c := newClient(t, rt, func(c *Config) { c.UserAgent = tt.prefix })
			if _, _, err := do(t, t.Context(), c, http.MethodGet, nil); err != nil {
				t.Fatal(err)
			}
			if got := rt.sent[0].header.Get("User-Agent"); got != tt.want || c.UserAgent() != tt.want {
				t.Errorf("User-Agent %q (UserAgent() %q), want %q", got, c.UserAgent(), tt.want)
			}
		})
	}
}

func TestAuthCalledPerAttempt(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		rt := &fakeRT{steps: []step{{status: 429}, {status: 200}}}
		var n atomic.Int32
		c := newClient(t, rt, func(c *Config) {
			c.Auth = func(h http.Header) { h.Set("Authorization", "Bearer key-"+string(rune('0'+n.Add(1)))) }
		})
		if _, _, err := do(t, t.Context(), c, http.MethodGet, nil); err != nil {
			t.Fatal(err)
		}
		if a, b := rt.sent[0].header.Get("Authorization"), rt.sent[1].header.Get("Authorization"); a != "Bearer key-1" || b != "Bearer key-2" {
			t.Errorf("credentials %q, %q; want the one current at each attempt", a, b)
		}
	})
}

// recordHandler keeps every log record, with its attributes rendered.
type recordHandler struct {
	mu   sync.Mutex
	recs []slog.Record
	text bytes.Buffer
	h    slog.Handler
}

func newRecordHandler() *recordHandler {
	r := &recordHandler{}
	r.h = slog.NewTextHandler(&r.text, &slog.HandlerOptions{Level: slog.LevelDebug})
	return r
}

func (r *recordHandler) Enabled(context.Context, slog.Level) bool { return true }
func (r *recordHandler) Handle(ctx context.Context, rec slog.Record) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.recs = append(r.recs, rec.Clone())
	return r.h.Handle(ctx, rec)
}
func (r *recordHandler) WithAttrs([]slog.Attr) slog.Handler { return r }
func (r *recordHandler) WithGroup(string) slog.Handler      { return r }

func (r *recordHandler) levels() map[slog.Level]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	m := map[slog.Level]int{}
	for _, rec := range r.recs {
		m[rec.Level]++
	}
	return m
}

func TestLoggingDebugPerAttemptWarnPerRetry(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		rt := &fakeRT{steps: []step{{status: 503}, {status: 429, header: retryAfter("1")}, {status: 200}}}
		h := newRecordHandler()
		c := newClient(t, rt, func(c *Config) { c.Logger = slog.New(h) })
		if _, _, err := do(t, t.Context(), c, http.MethodGet, nil); err != nil {
			t.Fatal(err)
		}
		lv := h.levels()
		if lv[slog.LevelDebug] != 3 || lv[slog.LevelWarn] != 2 || len(h.recs) != 5 {
			t.Errorf("log levels %v, want 3 Debug (one per attempt) and 2 Warn (one per retry):\n%s", lv, h.text.String())
		}
		out := h.text.String()
		for _, want := range []string{"path=/base/v1/things", "method=GET", "status=503", "status=429", "wait=1s"} {
			if !strings.Contains(out, want) {
				t.Errorf("log lacks %q:\n%s", want, out)
			}
		}
	})
}

func TestNoTokenInLogsOrErrors(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		reset := &url.Error{Op: "Get", URL: testBase + "/v1/things?api_key=" + testToken,
			Err: errors.New("connection reset by peer")}
		rt := &fakeRT{steps: []step{
			{status: 503, body: "echo " + testToken},
			{status: 429, header: retryAfter("1")},
			{err: reset},
			{status: 500},
		}}
		h := newRecordHandler()
		c := newClient(t, rt, func(c *Config) { c.Logger = slog.New(h); c.MaxRetries = 3 })
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodPut, testBase+"/v1/things", strings.NewReader(`{"secret":"`+testToken+`"}`))
		resp, _, err := c.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		var all strings.Builder
		all.WriteString(h.text.String())
		if err != nil {
			all.WriteString(err.Error())
		}
		if strings.Contains(all.String(), testToken) {
			t.Errorf("the token appears in the logs or the error:\n%s", all.String())
		}
		if strings.Contains(all.String(), "Authorization") || strings.Contains(all.String(), "Bearer") {
			t.Errorf("a header appears in the logs:\n%s", all.String())
		}
		if got := rt.sent[0].header.Get("Authorization"); got != "Bearer "+testToken {
			t.Fatalf("token not sent (%q): the test proves nothing", got)
		}
	})
}

func TestRedactError(t *testing.T) {
	t.Parallel()
	err := &url.Error{Op: "Get", URL: "https://user:pw@h.test/v1/x?key=" + testToken, Err: io.ErrUnexpectedEOF}
	got := RedactError(fmt.Errorf("wrapped: %w", err))
	if strings.Contains(got, testToken) {
		t.Errorf("RedactError of a wrapped error = %q, holds the query", got)
	}
	got = RedactError(err)
	if got != `Get "https://h.test/v1/x": unexpected EOF` {
		t.Errorf("RedactError = %q", got)
	}
	joined := errors.Join(io.EOF, &url.Error{Op: "Post", URL: "https://h.test/?k=" + testToken, Err: io.EOF})
	if got := RedactError(joined); strings.Contains(got, testToken) {
		t.Errorf("RedactError of a joined error = %q, holds the query", got)
	}
	if RedactError(nil) != "" || RedactError(io.EOF) != "EOF" {
		t.Error("RedactError of nil or a plain error")
	}
}

type countLimiter struct {
	n   atomic.Int32
	err error
}

func (l *countLimiter) Wait(ctx context.Context) error {
	l.n.Add(1)
	return l.err
}

func TestLimitersWaitedPerAttempt(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		rt := &fakeRT{steps: []step{{status: 429}, {status: 200}}}
		global, perCtx, perPath := &countLimiter{}, &countLimiter{}, &countLimiter{}
		c := newClient(t, rt, func(c *Config) {
			c.Limiter = global
			c.PathLimiter = func(r *http.Request) Limiter {
				if strings.HasSuffix(r.URL.Path, "/things") {
					return perPath
				}
				return nil
			}
		})
		if _, _, err := do(t, WithLimiter(t.Context(), perCtx), c, http.MethodGet, nil); err != nil {
			t.Fatal(err)
		}
		if global.n.Load() != 2 || perCtx.n.Load() != 2 || perPath.n.Load() != 2 {
			t.Errorf("limiter waits: global %d, context %d, path %d; want 2 each", global.n.Load(), perCtx.n.Load(), perPath.n.Load())
		}
	})
}

func TestLimiterErrorNotRetried(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		rt := &fakeRT{steps: []step{{status: 200}}}
		lim := &countLimiter{err: errors.New("budget exhausted")}
		c := newClient(t, rt, func(c *Config) { c.Limiter = lim })
		_, res, err := do(t, t.Context(), c, http.MethodGet, strings.NewReader("x"))
		if err == nil || !strings.Contains(err.Error(), "budget exhausted") {
			t.Fatalf("err = %v, want the limiter's", err)
		}
		if res.Attempts != 1 || lim.n.Load() != 1 || rt.count() != 0 {
			t.Errorf("%d attempts, %d waits, %d requests; want 1, 1, 0", res.Attempts, lim.n.Load(), rt.count())
		}
	})
}

func TestBodyCap(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		body    string
		wantErr bool
	}{
		{"0123456789", false},
		{"0123456789A", true},
		{"", false},
	} {
		synctest.Test(t, func(t *testing.T) {
			rt := &fakeRT{steps: []step{{status: 200, body: tt.body}}}
			c := newClient(t, rt, func(c *Config) { c.MaxBodyBytes = 10 })
			resp, _, err := do(t, t.Context(), c, http.MethodGet, nil)
			if err != nil {
				t.Fatal(err)
			}
			b, err := io.ReadAll(resp.Body)
			if tt.wantErr != errors.Is(err, ErrBodyTooLarge) {
				t.Errorf("body %q: read %q, err %v", tt.body, b, err)
			}
			if !tt.wantErr && string(b) != tt.body {
				t.Errorf("read %q, want %q", b, tt.body)
			}
		})
	}
}

func TestCloseDrainsBody(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		rt := &fakeRT{steps: []step{{status: 200, body: strings.Repeat("x", 1000)}}}
		c := newClient(t, rt, nil)
		resp, _, err := do(t, t.Context(), c, http.MethodGet, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := resp.Body.Close(); err != nil {
			t.Fatal(err)
		}
		if b := rt.bodies[0]; !b.closed.Load() || !b.drained() {
			t.Errorf("closed %v, drained %v; Close must drain then close", b.closed.Load(), b.drained())
		}
	})
}

func TestConnectionReusedAcrossRetries(t *testing.T) {
	t.Parallel()
	var conns, hits atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1)%2 == 1 {
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = io.WriteString(w, strings.Repeat("e", 2000))
			return
		}
		_, _ = io.WriteString(w, strings.Repeat("o", 5000))
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	c := newServerClient(t, srv.URL, nil)
	for range 3 {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+"/v1/x", nil)
		resp, _, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		// Closed without reading: Close drains, so the connection is reused.
		resp.Body.Close()
	}
	if hits.Load() != 6 || conns.Load() != 1 {
		t.Errorf("%d requests over %d connections, want 6 over 1", hits.Load(), conns.Load())
	}
}

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"0", 0, true},
		{"120", 2 * time.Minute, true},
		{" 5 ", 5 * time.Second, true},
		{"-1", 0, false},
		{"", 0, false},
		{"soon", 0, false},
		{"1.5", 0, false},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0, true},
		{"Sun, 01 Mar 2026 12:00:30 GMT", 30 * time.Second, true},
		{"99999999999999", time.Duration(1<<31) * time.Second, true},
	}
	for _, tt := range tests {
		got, ok := ParseRetryAfter(tt.in, now)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseRetryAfter(%q) = %s, %v; want %s, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestBackoffBounds(t *testing.T) {
	t.Parallel()
	cfg := Defaults()
	cfg.Base = mustURL(t, testBase)
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for n := range 12 {
		step := min(cfg.RetryWaitMin<<n, cfg.RetryWaitMax)
		for range 200 {
			if d := c.Backoff(n); d < step/2 || d > step {
				t.Fatalf("Backoff(%d) = %s, want within %s..%s", n, d, step/2, step)
			}
		}
	}
	if d := c.Backoff(-1); d < cfg.RetryWaitMin/2 || d > cfg.RetryWaitMin {
		t.Errorf("Backoff(-1) = %s, want the first step", d)
	}
	if c.MaxRetries() != DefaultMaxRetries {
		t.Errorf("MaxRetries() = %d, want %d", c.MaxRetries(), DefaultMaxRetries)
	}
}

func TestSafeToRetry(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete, http.MethodOptions} {
		if !SafeToRetry(ctx, m) {
			t.Errorf("SafeToRetry(%s) = false", m)
		}
	}
	for _, m := range []string{http.MethodPost, http.MethodPatch} {
		if SafeToRetry(ctx, m) {
			t.Errorf("SafeToRetry(%s) = true", m)
		}
		if !SafeToRetry(WithRetrySafe(ctx), m) {
			t.Errorf("SafeToRetry(WithRetrySafe, %s) = false", m)
		}
	}
}

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	base := mustURL(t, testBase)
	ok := Defaults()
	ok.Base = base
	if err := ok.Validate(); err != nil {
		t.Fatalf("defaults: %v", err)
	}
	tests := []struct {
		name   string
		change func(*Config)
		want   string
	}{
		{"no base", func(c *Config) { c.Base = nil }, "base URL"},
		{"negative retries", func(c *Config) { c.MaxRetries = -1 }, "max retries"},
		{"zero min wait", func(c *Config) { c.RetryWaitMin = 0 }, "retry wait"},
		{"max below min", func(c *Config) { c.RetryWaitMax = c.RetryWaitMin / 2 }, "retry wait"},
		{"negative retry-after cap", func(c *Config) { c.MaxRetryAfter = -time.Second }, "retry-after"},
		{"zero body cap", func(c *Config) { c.MaxBodyBytes = 0 }, "body bytes"},
	}
	for _, tt := range tests {
		cfg := ok
		tt.change(&cfg)
		err := cfg.Validate()
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: Validate() = %v, want an error about %q", tt.name, err, tt.want)
		}
		if _, err := New(cfg); err == nil {
			t.Errorf("%s: New accepted the config", tt.name)
		}
	}
}

func TestNewDoesNotChangeCallersClient(t *testing.T) {
	t.Parallel()
	hc := &http.Client{Timeout: time.Minute}
	cfg := Defaults()
	cfg.Base = mustURL(t, testBase)
	cfg.HTTPClient = hc
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if hc.Transport != nil {
		t.Error("New changed the caller's http.Client")
	}
	if c.HTTPClient() == hc || c.HTTPClient().Timeout != time.Minute {
		t.Error("HTTPClient() must be a copy keeping the caller's settings")
	}
	if c.Logger() == nil {
		t.Error("Logger() is nil without a configured logger")
	}
	b := c.Base()
	b.Path = "/changed"
	if c.Base().Path != "/base" {
		t.Error("Base() returned the client's own URL")
	}
}

func FuzzParseRetryAfter(f *testing.F) {
	for _, s := range []string{"0", "120", "-1", "", "Sun, 01 Mar 2026 12:00:30 GMT", "Sunday, 01-Mar-26 12:00:30 GMT", "1e9", "99999999999999999999"} {
		f.Add(s)
	}
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, v string) {
		d, ok := ParseRetryAfter(v, now)
		if d < 0 || !ok && d != 0 {
			t.Errorf("ParseRetryAfter(%q) = %s, %v", v, d, ok)
		}
	})
}

// TestRetryLibraryLogsNothing runs alone (not parallel): it watches the
// process's stderr and the standard logger while requests retry and fail.
func TestRetryLibraryLogsNothing(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	oldStderr, oldLog := os.Stderr, log.Writer()
	os.Stderr = w
	log.SetOutput(w)
	defer func() {
		os.Stderr = oldStderr
		log.SetOutput(oldLog)
	}()
	synctest.Test(t, func(t *testing.T) {
		reset := &net.OpError{Op: "read", Net: "tcp", Err: errors.New("connection reset by peer")}
		rt := &fakeRT{steps: []step{{status: 503}, {status: 429}, {err: reset}}}
		c := newClient(t, rt, nil)
		_, _, _ = do(t, t.Context(), c, http.MethodGet, nil)
	})
	os.Stderr = oldStderr
	log.SetOutput(oldLog)
	_ = w.Close()
	out, _ := io.ReadAll(r)
	if len(out) != 0 {
		t.Errorf("something was written to stderr or the standard logger:\n%s", out)
	}
}
