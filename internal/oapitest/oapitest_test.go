package oapitest

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/socgo/xdr/xdrtest"
)

const spec = "../../openapi/sekoia.yaml"

const validClaims = `{"identity":"apikey:5d6e7f80-1111-4222-8333-944455556666","type":"access","fresh":false,"iat":1767225600,"nbf":1767225600,"jti":"j-1","csrf":"c-1","user_claims":{"community":"x"}}`

func TestRequest(t *testing.T) {
	t.Parallel()
	v := Load(t, spec, "")
	h := http.Header{"Authorization": {"Bearer k"}, "Accept": {"application/json"}}
	if err := v.Request(http.MethodGet, "https://api.sekoia.io/v1/auth/validate", h, nil); err != nil {
		t.Errorf("a valid request was refused: %v", err)
	}
	for _, bad := range []struct{ method, url string }{
		{http.MethodPost, "https://api.sekoia.io/v1/auth/validate"}, // no such operation
		{http.MethodGet, "https://api.sekoia.io/v1/auth/validat"},   // no such path
		{http.MethodGet, "https://api.sekoia.io/v2/auth/validate"},
	} {
		if err := v.Request(bad.method, bad.url, h, nil); err == nil {
			t.Errorf("%s %s was accepted", bad.method, bad.url)
		}
	}
}

func TestRequestUnderPrefix(t *testing.T) {
	t.Parallel()
	v := Load(t, spec, "/proxy/sekoia/")
	if err := v.Request(http.MethodGet, "http://127.0.0.1:1234/proxy/sekoia/v1/auth/validate", http.Header{}, nil); err != nil {
		t.Errorf("a request under the prefix was refused: %v", err)
	}
}

func TestResponse(t *testing.T) {
	t.Parallel()
	v := Load(t, spec, "")
	h := http.Header{"Content-Type": {"application/json"}}
	const u = "https://api.sekoia.io/v1/auth/validate"
	if err := v.Response(http.MethodGet, u, 200, h, []byte(validClaims)); err != nil {
		t.Errorf("a valid response was refused: %v", err)
	}
	if err := v.Response(http.MethodGet, u, 401, h, []byte(`{"message":"Token expired","code":"T301"}`)); err != nil {
		t.Errorf("a valid 401 was refused: %v", err)
	}
	for _, body := range []string{`{"fresh":"yes"}`, `{"iat":"yesterday"}`, `[]`, `not json`} {
		if err := v.Response(http.MethodGet, u, 200, h, []byte(body)); err == nil {
			t.Errorf("response %s was accepted", body)
		}
	}
	if err := v.Response(http.MethodGet, u, 418, h, []byte(`{}`)); err == nil {
		t.Error("an undocumented status was accepted")
	}
}

func TestLoadIsCached(t *testing.T) {
	t.Parallel()
	first, again := Load(t, spec, ""), Load(t, spec, "")
	if first != again {
		t.Error("the same document and prefix must share one validator")
	}
	if Load(t, spec, "") == Load(t, spec, "/other") {
		t.Error("another prefix must get its own validator")
	}
}

// recordingTB records Errorf calls instead of failing the test.
type recordingTB struct {
	testing.TB
	mu   sync.Mutex
	errs []string
}

func (r *recordingTB) Helper() {}
func (r *recordingTB) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func (r *recordingTB) errors() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.errs...)
}

func TestTransportValidatesTraffic(t *testing.T) {
	t.Parallel()
	body := validClaims
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, body)
	}))
	defer srv.Close()
	v := Load(t, spec, "")
	rec := &recordingTB{TB: t}
	c := &http.Client{Transport: v.Transport(rec, nil)}

	send := func(method string) string {
		req, _ := http.NewRequestWithContext(t.Context(), method, srv.URL+"/v1/auth/validate", nil)
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}

	if got := send(http.MethodGet); got != validClaims || len(rec.errors()) != 0 {
		t.Errorf("valid traffic: body %q, errors %v", got, rec.errors())
	}
	send(http.MethodDelete)
	errs := rec.errors()
	if len(errs) != 1 || !strings.Contains(errs[0], "request DELETE /v1/auth/validate does not match") {
		t.Errorf("an undocumented request: errors %v; want it reported once", errs)
	}
	send(http.MethodGet + "x") // unknown method on a known path, then an unknown path
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+"/v1/nowhere", nil)
	if resp, err := c.Do(req); err == nil {
		resp.Body.Close()
	}
	if got := rec.errors(); len(got) != 3 {
		t.Errorf("two more undocumented requests: errors %v; want 3 in all", got)
	}
	errs = rec.errors()
	mu.Lock()
	body = `{"fresh":"no"}`
	mu.Unlock()
	if got := send(http.MethodGet); got != `{"fresh":"no"}` {
		t.Errorf("the body must still reach the client, got %q", got)
	}
	n := len(errs)
	if errs := rec.errors(); len(errs) != n+1 || !strings.Contains(errs[n], "response 200 to GET /v1/auth/validate does not match") {
		t.Errorf("an invalid response: errors %v", errs)
	}
}

func TestTransportKeepsACutBodyCut(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", "1000")
		_, _ = io.WriteString(w, `{"identity":"apik`)
		w.(http.Flusher).Flush()
		conn, _, _ := w.(http.Hijacker).Hijack()
		_ = conn.Close()
	}))
	defer srv.Close()
	v := Load(t, spec, "")
	rec := &recordingTB{TB: t}
	c := &http.Client{Transport: v.Transport(rec, &http.Transport{})}
	resp, err := c.Get(srv.URL + "/v1/auth/validate")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if !errors.Is(err, io.ErrUnexpectedEOF) || string(b) != `{"identity":"apik` {
		t.Errorf("read %q, %v; want the bytes that came, then io.ErrUnexpectedEOF", b, err)
	}
	if errs := rec.errors(); len(errs) != 0 {
		t.Errorf("a cut body is not a spec violation: %v", errs)
	}
}

func TestTransportSkipsInjectedFaults(t *testing.T) {
	t.Parallel()
	var set xdrtest.Set
	srv := httptest.NewServer(set.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"fresh":"not a boolean"}`)
	})))
	defer srv.Close()
	v := Load(t, spec, "")
	rec := &recordingTB{TB: t}
	c := &http.Client{Transport: v.Transport(rec, nil)}
	get := func() {
		t.Helper()
		resp, err := c.Get(srv.URL + "/v1/auth/validate")
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.ReadAll(resp.Body)
		resp.Body.Close()
	}
	// A truncated body is a deliberate fault: not reported.
	set.Add(xdrtest.Fault{Kind: xdrtest.TruncatedJSON})
	get()
	if errs := rec.errors(); len(errs) != 0 {
		t.Errorf("an injected fault was reported: %v", errs)
	}
	// A delayed response is the real one: still checked.
	set.Add(xdrtest.Fault{Kind: xdrtest.Delay, Delay: time.Millisecond})
	get()
	if errs := rec.errors(); len(errs) != 1 || !strings.Contains(errs[0], "response 200 to GET /v1/auth/validate does not match") {
		t.Errorf("a delayed invalid response: errors %v; want it reported", errs)
	}
	// So is a response without the mark.
	get()
	if errs := rec.errors(); len(errs) != 2 {
		t.Errorf("an unmarked invalid response: errors %v; want it reported", errs)
	}
}

func TestTransportChecksJSONRequestBodies(t *testing.T) {
	t.Parallel()
	// The validate operation takes no body: the request is checked on its
	// method and path, the body is replayed to the server unchanged.
	var got string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got = string(b)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, validClaims)
	}))
	defer srv.Close()
	v := Load(t, spec, "")
	rec := &recordingTB{TB: t}
	c := &http.Client{Transport: v.Transport(rec, nil)}
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+"/v1/auth/validate", strings.NewReader("payload"))
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got != "payload" {
		t.Errorf("server got %q, want the body replayed", got)
	}
}
