package tehtris

import (
	"context"
	"net/http"
	"testing"
)

// TestFiltersAllWire: the filter list is not paged, so All sends the one
// request List sends and yields its filters.
func TestFiltersAllWire(t *testing.T) {
	t.Parallel()
	c, mt := vmock(t)
	var rec recorder
	mt.RegisterResponder(http.MethodGet, base+"/xdr/v2/filter", func(req *http.Request) (*http.Response, error) {
		rec.record(t, req)
		return jsonResp(200, `[{"id":12,"name":"Alerts 5+"},{"id":"a1b2","name":"Old"}]`), nil
	})
	var names []string
	for f, err := range c.Filters.All(context.Background(), &FilterListOptions{Module: "Endpoint_Active"}) {
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, f.Name)
	}
	if len(names) != 2 || names[0] != "Alerts 5+" || names[1] != "Old" {
		t.Errorf("names = %q", names)
	}
	page, err := c.Filters.List(context.Background(), nil)
	if err != nil || page.Total != 2 || page.HasMore || len(page.Items) != 2 {
		t.Errorf("List = %+v, %v", page, err)
	}
	rec.check(t,
		recorded{Method: "GET", Path: "/api/xdr/v2/filter", Query: q("module", "Endpoint_Active")},
		recorded{Method: "GET", Path: "/api/xdr/v2/filter"},
	)
	// An error is yielded once.
	mt.RegisterResponder(http.MethodGet, base+"/xdr/v2/filter", func(*http.Request) (*http.Response, error) {
		return jsonResp(403, `{"message":"no"}`), nil
	})
	n := 0
	for _, err := range c.Filters.All(context.Background(), nil) {
		n++
		if err == nil {
			t.Error("no error")
		}
	}
	if n != 1 {
		t.Errorf("%d yields, want 1", n)
	}
}
