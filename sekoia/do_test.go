package sekoia_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"

	"github.com/socgo/xdr/internal/hostile"
	"github.com/socgo/xdr/sekoia"
)

func TestDoWire(t *testing.T) {
	t.Parallel()
	c, mt := mockAPI(t)
	ctx := context.Background()

	// A GET with a struct query encoded by its url tags; the answer is
	// decoded into out.
	type commentQuery struct {
		Limit  int `url:"limit"`
		Offset int `url:"offset,omitempty"`
	}
	mt.RegisterResponder(http.MethodGet, apiBase+"/v1/sic/alerts/ALfghiw34ax/comments",
		respond(t, wire{query: url.Values{"limit": {"5"}, "offset": {"10"}}}, 200, fixture(t, "comments.json")))
	var page struct {
		Items []struct {
			Author string `json:"author"`
		} `json:"items"`
		Total int `json:"total"`
	}
	if err := c.Do(ctx, http.MethodGet, "/v1/sic/alerts/ALfghiw34ax/comments", &commentQuery{Limit: 5, Offset: 10}, nil, &page); err != nil {
		t.Fatal(err)
	}
	if page.Total != 1 || len(page.Items) != 1 || page.Items[0].Author != "apikey:f93a35e0-b9aa-4c95" {
		t.Errorf("page = %+v", page)
	}

	// A POST with a JSON body, url.Values as the query, the raw answer
	// kept.
	mt.RegisterResponder(http.MethodPost, apiBase+"/v1/sic/alerts/ALfghiw34ax/comments",
		respond(t, wire{body: `{"content":"New comment test","author":"ydi"}`}, 200, fixture(t, "comment.json")))
	var raw json.RawMessage
	if err := c.Do(ctx, http.MethodPost, "/v1/sic/alerts/ALfghiw34ax/comments", url.Values{},
		map[string]string{"content": "New comment test", "author": "ydi"}, &raw); err != nil {
		t.Fatal(err)
	}
	if !json.Valid(raw) || !strings.Contains(string(raw), `"uuid"`) {
		t.Errorf("raw answer = %s", raw)
	}
	if n := mt.GetTotalCallCount(); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
}

func TestDoErrorIsAPIError(t *testing.T) {
	t.Parallel()
	c, mt := mockAPI(t)
	mt.RegisterResponder(http.MethodDelete, apiBase+"/v1/sic/alerts/ALfghiw34ax",
		httpmock.NewStringResponder(404, `{"message":"no such alert","code":"A404"}`))
	err := c.Do(context.Background(), http.MethodDelete, "/v1/sic/alerts/ALfghiw34ax", nil, nil, nil)
	var apiErr *sekoia.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 404 || apiErr.Code != "A404" || !errors.Is(err, sekoia.ErrNotFound) {
		t.Fatalf("err = %#v, want an *APIError 404 matching ErrNotFound", err)
	}
}

// TestDoRedactsEchoedKey: a server that echoes the API key in its error
// does not make it surface in the error, whatever way it is read.
func TestDoRedactsEchoedKey(t *testing.T) {
	t.Parallel()
	const key = "k3y-under-test"
	c, mt := mockAPI(t)
	mt.RegisterResponder(http.MethodPost, apiBase+"/v1/sic/anything",
		httpmock.NewStringResponder(401, `{"message":"key `+key+` refused","code":"T300","detail":"Bearer `+key+`"}`))
	err := c.Do(context.Background(), http.MethodPost, "/v1/sic/anything", nil, map[string]string{"a": "b"}, nil)
	var apiErr *sekoia.APIError
	if !errors.As(err, &apiErr) || !errors.Is(err, sekoia.ErrTokenInvalid) {
		t.Fatalf("err = %v, want an *APIError matching ErrTokenInvalid", err)
	}
	for _, l := range hostile.Leaks(err, nil, key) {
		t.Error(l)
	}
	if mt.GetTotalCallCount() != 1 {
		t.Errorf("%d requests, want 1 (a write is not retried)", mt.GetTotalCallCount())
	}
}

// TestDoRefusesBadArguments: nothing is sent, and the error names the
// argument at fault.
func TestDoRefusesBadArguments(t *testing.T) {
	t.Parallel()
	c, mt := mockAPI(t)
	var out struct{}
	for _, tc := range []struct {
		method, path string
		query, body  any
		out          any
		want         string
	}{
		{"GET", "https://evil.example/v1/sic/alerts", nil, nil, nil, "path"},
		{"GET", "//evil.example/v1", nil, nil, nil, "path"},
		{"GET", "v1/sic/alerts", nil, nil, nil, "path"},
		{"GET", "", nil, nil, nil, "path"},
		{"GET", "/v1/sic/alerts/../assets", nil, nil, nil, "path"},
		{"GET", "/v1/sic/alerts/%2e%2E/assets", nil, nil, nil, "path"},
		{"GET", "/v1/sic/alerts?limit=1", nil, nil, nil, "path"},
		{"GET", "/v1/sic/alerts#x", nil, nil, nil, "path"},
		{"GET", "/v1/sic/al erts", nil, nil, nil, "path"},
		{"GET", "/v1/sic/%zz", nil, nil, nil, "path"},
		{"GET", `/v1\sic`, nil, nil, nil, "path"},
		{"get", "/v1/sic/alerts", nil, nil, nil, "method"},
		{"CONNECT", "/v1/sic/alerts", nil, nil, nil, "method"},
		{"GET", "/v1/sic/alerts", 42, nil, nil, "query"},
		{"GET", "/v1/sic/alerts", "limit=1", nil, nil, "query"},
		{"POST", "/v1/sic/alerts", nil, []byte("{not json"), nil, "body"},
		{"POST", "/v1/sic/alerts", nil, func() {}, nil, "body"},
		{"POST", "/v1/sic/alerts", nil, strings.NewReader(`{}`), nil, "body"},
		{"GET", "/v1/sic/alerts", nil, nil, out, "out"},
	} {
		err := c.Do(context.Background(), tc.method, tc.path, tc.query, tc.body, tc.out)
		if err == nil || !strings.HasPrefix(err.Error(), "sekoia: Do: "+tc.want) {
			t.Errorf("Do(%q, %q, %v, %v) = %v, want an error naming %s", tc.method, tc.path, tc.query, tc.body, err, tc.want)
		}
	}
	if n := mt.GetTotalCallCount(); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}
