package rest

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRawRequest(t *testing.T) {
	type opts struct {
		Limit int      `url:"limit"`
		IDs   []string `url:"ids,comma,omitempty"`
		Skip  bool     `url:"-"`
	}
	given := url.Values{"a": {"1"}}
	for _, tc := range []struct {
		name      string
		query     any
		body      any
		wantQuery url.Values
		wantBody  string
	}{
		{name: "none"},
		{name: "url.Values", query: given, wantQuery: url.Values{"a": {"1"}}},
		{name: "map", query: map[string][]string{"b": {"2", "3"}}, wantQuery: url.Values{"b": {"2", "3"}}},
		{name: "empty url.Values", query: url.Values{}},
		{name: "struct", query: opts{Limit: 5, IDs: []string{"x", "y"}, Skip: true}, wantQuery: url.Values{"limit": {"5"}, "ids": {"x,y"}}},
		{name: "struct pointer", query: &opts{Limit: 1}, wantQuery: url.Values{"limit": {"1"}}},
		{name: "nil struct pointer", query: (*opts)(nil)},
		{name: "raw JSON", body: json.RawMessage(` {"a":1}`), wantBody: ` {"a":1}`},
		{name: "bytes", body: []byte(`[1]`), wantBody: `[1]`},
		{name: "value", body: map[string]int{"n": 2}, wantBody: `{"n":2}`},
	} {
		r, err := RawRequest("x: Do", "POST", "/a/b%2Fc", tc.query, tc.body)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if d := cmp.Diff(tc.wantQuery, r.Query); d != "" {
			t.Errorf("%s: query (-want +got):\n%s", tc.name, d)
		}
		var body string
		if b, ok := r.Body.([]byte); ok {
			body = string(b)
			if r.ContentType != "application/json" {
				t.Errorf("%s: content type %q", tc.name, r.ContentType)
			}
		}
		if body != tc.wantBody {
			t.Errorf("%s: body %q, want %q", tc.name, body, tc.wantBody)
		}
	}
	// The caller's values are copied, never kept.
	r, _ := RawRequest("x: Do", "GET", "/a", given, nil)
	r.Query["a"][0] = "changed"
	if given.Get("a") != "1" {
		t.Error("RawRequest kept the caller's url.Values")
	}
}

func TestCheckRawPath(t *testing.T) {
	for _, p := range []string{"/", "/v1/sic/alerts", "/a/b%2Fc", "/a/.b", "/a/..b", "/a/b/"} {
		if err := CheckRawPath(p); err != nil {
			t.Errorf("CheckRawPath(%q) = %v", p, err)
		}
	}
	for p, want := range map[string]string{
		"":                "is empty",
		"https://h/x":     "absolute URL",
		"x/y":             "does not start with /",
		"//h/x":           "starts with //",
		"/a?b":            "query or fragment",
		"/a#b":            "query or fragment",
		"/a\x00":          "control character",
		"/a b":            "space",
		`/a\b`:            "backslash",
		"/a/%zz":          "percent escape",
		"/a/..":           ". or ..",
		"/./a":            ". or ..",
		"/a/%2e%2e/b":     ". or ..",
		"/a/%252e%252e/b": ". or ..",
	} {
		if err := CheckRawPath(p); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("CheckRawPath(%q) = %v, want %q", p, err, want)
		}
	}
}
