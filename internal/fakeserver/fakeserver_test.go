package fakeserver

import (
	"io"
	"math"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/socgo/xdr/xdrtest"
)

func start(t *testing.T, h http.HandlerFunc) *Server {
	t.Helper()
	s := &Server{}
	if err := s.Start(h); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

func get(t *testing.T, s *Server, path string) (*http.Response, string) {
	t.Helper()
	resp, err := s.HTTPClient().Get(s.URL() + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

func TestServeCountAndFaults(t *testing.T) {
	t.Parallel()
	s := start(t, func(w http.ResponseWriter, r *http.Request) {
		if err := WriteJSON(w, http.StatusOK, map[string]string{"path": r.URL.Path}); err != nil {
			t.Error(err)
		}
	})
	u, err := url.Parse(s.URL())
	if err != nil || u.Scheme != "http" || (u.Hostname() != "127.0.0.1" && u.Hostname() != "::1") {
		t.Fatalf("URL %q (%v), want http on loopback", s.URL(), err)
	}
	resp, body := get(t, s, "/a")
	if resp.StatusCode != 200 || body != `{"path":"/a"}` || resp.Header.Get("Content-Type") != "application/json" ||
		resp.ContentLength != int64(len(body)) {
		t.Errorf("got %d %q %v", resp.StatusCode, body, resp.Header)
	}
	s.Faults().Add(xdrtest.Fault{Kind: xdrtest.ServerError, Status: 502, Body: []byte(`{"errors":[]}`)})
	resp, body = get(t, s, "/b")
	if resp.StatusCode != 502 || body != `{"errors":[]}` || resp.Header.Get(xdrtest.Header) != "server-error" {
		t.Errorf("faulted: %d %q %v", resp.StatusCode, body, resp.Header)
	}
	if n := s.Requests(); n != 2 {
		t.Errorf("Requests() = %d, want 2 (faulted ones included)", n)
	}
}

func TestStartTwiceAndClose(t *testing.T) {
	t.Parallel()
	var never Server
	never.Close() // never started: nothing to do
	s := start(t, func(http.ResponseWriter, *http.Request) {})
	if err := s.Start(http.NotFoundHandler()); err == nil {
		t.Error("a second Start succeeded")
	}
	s.Close()
	s.Close()
	if _, err := http.Get(s.URL()); err == nil {
		t.Error("the server still answers after Close")
	}
}

func TestWriteJSONError(t *testing.T) {
	t.Parallel()
	s := start(t, func(w http.ResponseWriter, r *http.Request) {
		if err := WriteJSON(w, http.StatusOK, math.Inf(1)); err != nil {
			WriteRaw(w, http.StatusInternalServerError, "text/plain", []byte("own shape: "+err.Error()))
		}
	})
	resp, body := get(t, s, "/")
	if resp.StatusCode != 500 || !strings.HasPrefix(body, "own shape: json: unsupported value") || resp.Header.Get("Content-Type") != "text/plain" {
		t.Errorf("got %d %q", resp.StatusCode, body)
	}
}

func TestCredential(t *testing.T) {
	t.Parallel()
	tests := []struct {
		header, scheme, want string
		ok                   bool
	}{
		{"Bearer abc", "Bearer", "abc", true},
		{"bearer abc", "Bearer", "abc", true},
		{"ApiToken t-1", "ApiToken", "t-1", true},
		{"Bearer ", "Bearer", "", false},
		{"Bearer", "Bearer", "", false},
		{"Basic abc", "Bearer", "", false},
		{"", "Bearer", "", false},
	}
	for _, tt := range tests {
		got, ok := Credential(tt.header, tt.scheme)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Credential(%q, %q) = %q, %v; want %q, %v", tt.header, tt.scheme, got, ok, tt.want, tt.ok)
		}
	}
}

func TestBasicPassword(t *testing.T) {
	t.Parallel()
	r, _ := http.NewRequest(http.MethodGet, "http://x/", nil)
	r.SetBasicAuth("anyone", "p:ss")
	if got, ok := BasicPassword(r.Header.Get("Authorization")); !ok || got != "p:ss" || !Equal(got, "p:ss") || Equal(got, "p:s") {
		t.Errorf("BasicPassword = %q, %v", got, ok)
	}
	for _, h := range []string{"Basic !!!", "Basic " + "bm9jb2xvbg==" /* "nocolon" */, "Bearer x", ""} {
		if got, ok := BasicPassword(h); ok {
			t.Errorf("%q: BasicPassword = %q, true", h, got)
		}
	}
}

func TestClock(t *testing.T) {
	var c Clock
	if d := time.Since(c.Now()); d < 0 || d > time.Minute {
		t.Errorf("zero Clock is %v from time.Now", d)
	}
	at := time.Date(2026, 5, 1, 12, 0, 0, 0, time.FixedZone("CEST", 2*3600))
	c.Set(func() time.Time { return at })
	if got := c.Now(); !got.Equal(at) || got.Location() != time.UTC {
		t.Errorf("Now = %v, want %v in UTC", got, at)
	}
	c.Set(nil)
	if d := time.Since(c.Now()); d < 0 || d > time.Minute {
		t.Errorf("Set(nil): %v from time.Now", d)
	}
}
