package tehtris

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"

	"github.com/socgo/xdr/internal/hostile"
)

func TestDoWire(t *testing.T) {
	t.Parallel()
	c, mt := vmock(t)
	ctx := context.Background()
	var rec recorder
	mt.RegisterResponder(http.MethodGet, base+"/xdr/v2/filter", func(req *http.Request) (*http.Response, error) {
		rec.record(t, req)
		return jsonResp(200, `[{"id":12,"name":"Alerts 5+","module":"Endpoint_Active"}]`), nil
	})
	mt.RegisterResponder(http.MethodPut, base+"/xdr/v1/event/status/888888888", func(req *http.Request) (*http.Response, error) {
		rec.record(t, req)
		return jsonResp(204, ""), nil
	})

	// A GET with a struct query encoded by its url tags.
	type filterQuery struct {
		Name        string `url:"name,omitempty"`
		FiltersOnly bool   `url:"filtersOnly"`
	}
	var filters []struct {
		ID   int    `json:"id"`
		Name string `json:"name"`
	}
	if err := c.Do(ctx, http.MethodGet, "/xdr/v2/filter", filterQuery{Name: "Alerts", FiltersOnly: true}, nil, &filters); err != nil {
		t.Fatal(err)
	}
	if len(filters) != 1 || filters[0].ID != 12 || filters[0].Name != "Alerts 5+" {
		t.Errorf("filters = %+v", filters)
	}

	// A PUT with a JSON body given as text; the 204 leaves out as it was.
	out := json.RawMessage(`"untouched"`)
	if err := c.Do(ctx, http.MethodPut, "/xdr/v1/event/status/888888888", nil,
		[]byte(`{"status":"resolved","oldStatus":null}`), &out); err != nil {
		t.Fatal(err)
	}
	if len(out) != 0 {
		t.Errorf("out = %s, want the empty answer", out)
	}
	rec.check(t,
		recorded{Method: "GET", Path: "/api/xdr/v2/filter", Query: q("name", "Alerts", "filtersOnly", "true")},
		recorded{Method: "PUT", Path: "/api/xdr/v1/event/status/888888888", Body: map[string]any{"status": "resolved", "oldStatus": nil}},
	)
}

// TestDoErrors: a failed answer is an *APIError; a key echoed by the
// server does not surface; a POST is not sent twice.
func TestDoErrors(t *testing.T) {
	t.Parallel()
	c, mt := mock(t, WithMaxRetries(2))
	mt.RegisterResponder(http.MethodPost, base+"/xdr/v9/unknown",
		httpmock.NewStringResponder(500, `{"message":"bad key `+testKey+`","detail":"`+wantAuth+`"}`))
	err := c.Do(context.Background(), http.MethodPost, "/xdr/v9/unknown", nil, map[string]int{"n": 1}, nil)
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 500 || !errors.Is(err, ErrServer) {
		t.Fatalf("err = %#v, want an *APIError 500", err)
	}
	for _, l := range hostile.Leaks(err, nil, testKey, strings.TrimPrefix(wantAuth, "Basic ")) {
		t.Error(l)
	}
	if n := mt.GetTotalCallCount(); n != 1 {
		t.Errorf("%d requests, want 1: a POST is not retried", n)
	}
	// Bad arguments: nothing sent, the argument named.
	for _, path := range []string{"https://evil.example/api/x", "//evil.example/x", "x", "/a/../b", "/a/%2E", "/a?b=c"} {
		if err := c.Do(context.Background(), http.MethodGet, path, nil, nil, nil); err == nil || !strings.HasPrefix(err.Error(), "tehtris: Do: path ") {
			t.Errorf("Do(GET, %q) = %v", path, err)
		}
	}
	if n := mt.GetTotalCallCount(); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}
