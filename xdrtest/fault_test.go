package xdrtest

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const realBody = `{"items":[{"id":1,"name":"first"},{"id":2,"name":"second"}],"total":2}`

// newServer starts a server whose handler answers realBody, wrapped by a
// fresh Set.
func newServer(t *testing.T) (*httptest.Server, *Set, *atomic.Int32) {
	t.Helper()
	var s Set
	hits := new(atomic.Int32)
	srv := httptest.NewServer(s.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Real", "yes")
		_, _ = io.WriteString(w, realBody)
	})))
	t.Cleanup(srv.Close)
	return srv, &s, hits
}

func get(t *testing.T, method, url string) (*http.Response, []byte, error) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	// A fresh transport per request: a cut connection must not affect the
	// next request, and no retry hides a fault.
	c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := c.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp, b, err
}

func TestNoFaultPassesThrough(t *testing.T) {
	t.Parallel()
	srv, _, hits := newServer(t)
	resp, b, err := get(t, http.MethodGet, srv.URL+"/v1/x")
	if err != nil || resp.StatusCode != 200 || string(b) != realBody || hits.Load() != 1 {
		t.Errorf("got %v %q %v", resp, b, err)
	}
}

func TestRateLimit(t *testing.T) {
	t.Parallel()
	srv, s, hits := newServer(t)
	s.Add(Fault{Kind: RateLimit, RetryAfter: 7 * time.Second})
	resp, b, err := get(t, http.MethodGet, srv.URL+"/v1/x")
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "7" {
		t.Errorf("got %d with Retry-After %q, want 429 with 7", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	if string(b) != DefaultRateLimitBody || resp.Header.Get("Content-Type") != "application/json" || hits.Load() != 0 {
		t.Errorf("body %q (%s), handler hit %d times; want the default body, application/json, 0 hits", b, resp.Header.Get("Content-Type"), hits.Load())
	}
	if got := resp.Header.Get(Header); got != "rate-limit" {
		t.Errorf("%s = %q, want rate-limit", Header, got)
	}
	// Times defaults to 1: the next request goes through, unmarked.
	resp, b, err = get(t, http.MethodGet, srv.URL+"/v1/x")
	if err != nil || resp.StatusCode != 200 || string(b) != realBody {
		t.Errorf("second request: %v %q %v", resp.StatusCode, b, err)
	}
	if _, ok := resp.Header[Header]; ok {
		t.Errorf("a real response carries %s", Header)
	}
}

func TestServerError(t *testing.T) {
	t.Parallel()
	srv, s, _ := newServer(t)
	s.Add(Fault{Kind: ServerError, Times: 2})
	s.Add(Fault{Kind: ServerError, Status: http.StatusBadGateway, RetryAfter: 3 * time.Second})
	for i, want := range []int{503, 503, 502, 200} {
		resp, _, err := get(t, http.MethodGet, srv.URL+"/v1/x")
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != want {
			t.Errorf("request %d: status %d, want %d", i+1, resp.StatusCode, want)
		}
		if ra := resp.Header.Get("Retry-After"); (want == 502) != (ra == "3") {
			t.Errorf("request %d: Retry-After %q", i+1, ra)
		}
		wantH := "server-error"
		if want == 200 {
			wantH = ""
		}
		if got := resp.Header.Get(Header); got != wantH {
			t.Errorf("request %d: %s = %q, want %q", i+1, Header, got, wantH)
		}
	}
}

func TestVendorErrorBody(t *testing.T) {
	t.Parallel()
	srv, s, _ := newServer(t)
	vendor := []byte(`{"errors":[{"code":4290010,"title":"Too many requests"}]}`)
	s.Add(Fault{Kind: RateLimit, Body: vendor})
	s.Add(Fault{Kind: ServerError, Status: 500, Body: []byte("<html>oops</html>"), ContentType: "text/html"})
	s.Add(Fault{Kind: ServerError, Body: []byte{}})
	tests := []struct {
		status    int
		body, ct  string
		faultKind string
	}{
		{429, string(vendor), "application/json", "rate-limit"},
		{500, "<html>oops</html>", "text/html", "server-error"},
		{503, "", "application/json", "server-error"}, // an empty, non-nil Body is sent empty
	}
	for i, tt := range tests {
		resp, b, err := get(t, http.MethodGet, srv.URL+"/v1/x")
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != tt.status || string(b) != tt.body || resp.Header.Get("Content-Type") != tt.ct || resp.Header.Get(Header) != tt.faultKind {
			t.Errorf("fault %d: %d %q (%s, %s=%q); want %d %q (%s, %q)", i+1, resp.StatusCode, b,
				resp.Header.Get("Content-Type"), Header, resp.Header.Get(Header), tt.status, tt.body, tt.ct, tt.faultKind)
		}
	}
}

func TestKindString(t *testing.T) {
	t.Parallel()
	want := map[Kind]string{RateLimit: "rate-limit", ServerError: "server-error", CutBody: "cut-body",
		TruncatedJSON: "truncated-json", Delay: "delay", Kind(0): "kind-0", Kind(99): "kind-99"}
	for k, w := range want {
		if got := k.String(); got != w {
			t.Errorf("Kind(%d).String() = %q, want %q", int(k), got, w)
		}
	}
}

func TestCutBody(t *testing.T) {
	t.Parallel()
	srv, s, _ := newServer(t)
	s.Add(Fault{Kind: CutBody})
	resp, b, err := get(t, http.MethodGet, srv.URL+"/v1/x")
	if resp == nil {
		t.Fatalf("no response: %v (the headers must arrive before the cut)", err)
	}
	if resp.StatusCode != 200 || resp.Header.Get("X-Real") != "yes" || resp.Header.Get(Header) != "cut-body" {
		t.Errorf("status %d, headers %v: the real headers must be sent, marked cut-body", resp.StatusCode, resp.Header)
	}
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("reading the body: %v, want io.ErrUnexpectedEOF", err)
	}
	if string(b) != realBody[:len(realBody)/2] {
		t.Errorf("read %q, want the first half of the body", b)
	}
}

func TestTruncatedJSON(t *testing.T) {
	t.Parallel()
	srv, s, _ := newServer(t)
	s.Add(Fault{Kind: TruncatedJSON})
	resp, b, err := get(t, http.MethodGet, srv.URL+"/v1/x")
	if err != nil {
		t.Fatalf("a truncated body is a complete response: %v", err)
	}
	if resp.StatusCode != 200 || string(b) != realBody[:len(realBody)/2] || resp.Header.Get(Header) != "truncated-json" {
		t.Errorf("got %d %q, %s %q", resp.StatusCode, b, Header, resp.Header.Get(Header))
	}
	var v any
	if err := json.Unmarshal(b, &v); err == nil {
		t.Error("the truncated body decodes")
	}
}

func TestDelay(t *testing.T) {
	t.Parallel()
	srv, s, _ := newServer(t)
	s.Add(Fault{Kind: Delay, Delay: 50 * time.Millisecond})
	start := time.Now()
	resp, b, err := get(t, http.MethodGet, srv.URL+"/v1/x")
	if err != nil || resp.StatusCode != 200 || string(b) != realBody || resp.Header.Get(Header) != "delay" {
		t.Fatalf("got %v %q %v", resp, b, err)
	}
	// A lower bound only: the request cannot have been answered sooner.
	if time.Since(start) < 50*time.Millisecond {
		t.Errorf("answered after %s, before the delay", time.Since(start))
	}
}

func TestDelayAbandonedByClient(t *testing.T) {
	t.Parallel()
	srv, s, hits := newServer(t)
	s.Add(Fault{Kind: Delay, Delay: time.Hour})
	c := &http.Client{Timeout: 50 * time.Millisecond}
	_, err := c.Get(srv.URL + "/v1/x")
	if err == nil {
		t.Fatal("a request delayed by an hour did not time out")
	}
	srv.Close() // waits for the handler: it must have returned on the client's cancel
	if hits.Load() != 0 {
		t.Errorf("the delayed handler ran %d times after the client left", hits.Load())
	}
}

func TestMatchByMethodAndPath(t *testing.T) {
	t.Parallel()
	srv, s, _ := newServer(t)
	s.Add(Fault{Kind: ServerError, Method: http.MethodPost, PathPrefix: "/v1/alerts", Times: -1})
	tests := []struct {
		method, path string
		want         int
	}{
		{http.MethodGet, "/v1/alerts", 200},
		{http.MethodPost, "/v1/assets", 200},
		{http.MethodPost, "/v1/alerts", 503},
		{http.MethodPost, "/v1/alerts/AL1/workflow", 503},
		{http.MethodPost, "/v1/alerts", 503}, // Times -1: for ever
	}
	for _, tt := range tests {
		resp, _, err := get(t, tt.method, srv.URL+tt.path)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != tt.want {
			t.Errorf("%s %s: %d, want %d", tt.method, tt.path, resp.StatusCode, tt.want)
		}
	}
	s.Clear()
	if resp, _, _ := get(t, http.MethodPost, srv.URL+"/v1/alerts"); resp.StatusCode != 200 {
		t.Errorf("after Clear: %d, want 200", resp.StatusCode)
	}
}

func TestFaultsApplyInOrder(t *testing.T) {
	t.Parallel()
	srv, s, _ := newServer(t)
	s.Add(Fault{Kind: RateLimit, RetryAfter: time.Second})
	s.Add(Fault{Kind: ServerError, Status: 500})
	var got []int
	for range 3 {
		resp, _, err := get(t, http.MethodGet, srv.URL+"/")
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, resp.StatusCode)
	}
	if got[0] != 429 || got[1] != 500 || got[2] != 200 {
		t.Errorf("statuses %v, want 429, 500, 200", got)
	}
}

func TestSetConcurrentUse(t *testing.T) {
	t.Parallel()
	srv, s, _ := newServer(t)
	s.Add(Fault{Kind: ServerError, Times: 10})
	var wg sync.WaitGroup
	var mu sync.Mutex
	failed := 0
	for range 25 {
		wg.Go(func() {
			resp, _, err := get(t, http.MethodGet, srv.URL+"/")
			if err != nil {
				t.Error(err)
				return
			}
			if resp.StatusCode == 503 {
				mu.Lock()
				failed++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if failed != 10 {
		t.Errorf("%d requests failed, want exactly Times (10)", failed)
	}
}
