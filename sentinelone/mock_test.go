package sentinelone

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jarcoal/httpmock"
)

// wire is a per-test httpmock transport (never the global one): every
// request must match the next registered expectation of its method and path
// exactly (query, JSON body, ApiToken header); a request nobody expected
// fails the test through RegisterNoResponder.
type wire struct {
	t     testing.TB
	mt    *httpmock.MockTransport
	token string

	mu      sync.Mutex
	expects map[string][]*expectation // "METHOD path" → queue
}

type expectation struct {
	method, path string
	query        url.Values // nil: must be empty
	body         string     // "" : no body
	status       int
	resp         string
	header       http.Header
	used         bool
	optional     bool // may be left unsent (a prefetch cancelled by break)
}

const (
	testConsole = "https://usea1-partners.sentinelone.net"
	testToken   = "tok-0123456789abcdef"
)

func newWire(t testing.TB) *wire {
	w := &wire{t: t, mt: httpmock.NewMockTransport(), token: testToken, expects: map[string][]*expectation{}}
	// t.Error, not t.Fatal: iterators fetch pages on another goroutine.
	w.mt.RegisterNoResponder(httpmock.NewNotFoundResponder(t.Error))
	t.Cleanup(func() {
		w.mu.Lock()
		defer w.mu.Unlock()
		for _, q := range w.expects {
			for _, e := range q {
				if !e.used && !e.optional {
					t.Errorf("expected request not sent: %s %s?%s", e.method, e.path, e.query.Encode())
				}
			}
		}
	})
	return w
}

// on registers one expected request and its answer. path is under
// /web/api/v2.1.
func (w *wire) on(method, path string, query url.Values, body string, status int, resp string) *expectation {
	e := &expectation{method: method, path: APIPath + path, query: query, body: body, status: status, resp: resp, header: http.Header{}}
	key := method + " " + e.path
	w.mu.Lock()
	first := len(w.expects[key]) == 0
	w.expects[key] = append(w.expects[key], e)
	w.mu.Unlock()
	if first {
		w.mt.RegisterResponder(method, testConsole+e.path, func(r *http.Request) (*http.Response, error) { return w.respond(key, r) })
	}
	return e
}

func (w *wire) respond(key string, r *http.Request) (*http.Response, error) {
	var body []byte
	if r.Body != nil {
		body, _ = io.ReadAll(r.Body)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if got := r.Header.Values("Authorization"); len(got) != 1 || got[0] != "ApiToken "+w.token {
		w.t.Errorf("%s %s: Authorization %q, want %q", r.Method, r.URL.Path, got, "ApiToken "+w.token)
	}
	for _, e := range w.expects[key] {
		if e.used {
			continue
		}
		e.used = true
		if q := r.URL.Query(); !(len(q) == 0 && len(e.query) == 0) {
			if d := cmp.Diff(e.query, q); d != "" {
				w.t.Errorf("%s %s: query (-want +got):\n%s", r.Method, r.URL.Path, d)
			}
		}
		if err := jsonEqual(body, e.body); err != nil {
			w.t.Errorf("%s %s: body: %v", r.Method, r.URL.Path, err)
		}
		if e.body != "" && r.Header.Get("Content-Type") != "application/json" {
			w.t.Errorf("%s %s: Content-Type %q", r.Method, r.URL.Path, r.Header.Get("Content-Type"))
		}
		resp := httpmock.NewStringResponse(e.status, e.resp)
		resp.Header = e.header.Clone()
		if resp.Header.Get("Content-Type") == "" {
			resp.Header.Set("Content-Type", "application/json")
		}
		resp.Request = r
		return resp, nil
	}
	w.t.Errorf("unexpected request %s %s?%s body=%s", r.Method, r.URL.Path, r.URL.RawQuery, body)
	return nil, fmt.Errorf("no more answers for %s", key)
}

// count returns the requests sent so far.
func (w *wire) count() int { return w.mt.GetTotalCallCount() }

func jsonEqual(got []byte, want string) error {
	if want == "" {
		if len(bytes.TrimSpace(got)) != 0 {
			return fmt.Errorf("got %s, want no body", got)
		}
		return nil
	}
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		return fmt.Errorf("got %q: %v", got, err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		return fmt.Errorf("want %q: %v", want, err)
	}
	if d := cmp.Diff(w, g); d != "" {
		return fmt.Errorf("(-want +got):\n%s", d)
	}
	return nil
}

// newTestClient returns a client sending through w, with fast retries and
// no client-side rate limits.
func newTestClient(t testing.TB, w *wire, opts ...Option) *Client {
	t.Helper()
	base := []Option{WithHTTPClient(&http.Client{Transport: w.mt}), WithRetryWait(time.Millisecond, 2*time.Millisecond), WithoutRateLimits()}
	c, err := NewClient(testConsole, testToken, append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func vals(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Add(kv[i], kv[i+1])
	}
	return v
}
