package sekoia_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/socgo/xdr/sekoia"
)

// TestAllCustomStatusesWire: the iterator pages with limit 100 and the
// caller's filters, and stops once offset reaches the total.
func TestAllCustomStatusesWire(t *testing.T) {
	t.Parallel()
	c, mt := mockAPI(t)
	mt.RegisterResponder(http.MethodGet, apiBase+"/v1/sic/custom_statuses", respond(t, wire{query: url.Values{
		"match[type]": {"case"}, "limit": {"100"}, "offset": {"0"},
	}}, 200, fixture(t, "custom_statuses.json")))
	var labels []string
	for cs, err := range c.Alerts.AllCustomStatuses(context.Background(), &sekoia.CustomStatusListOptions{Type: "case"}) {
		if err != nil {
			t.Fatal(err)
		}
		labels = append(labels, cs.Label)
	}
	if len(labels) != 1 || labels[0] != "Under investigation" {
		t.Errorf("labels = %q", labels)
	}
	n := 0
	for _, err := range c.Alerts.AllCustomStatuses(context.Background(), &sekoia.CustomStatusListOptions{Type: "incident"}) {
		n++
		if err == nil || !strings.Contains(err.Error(), "Alerts.AllCustomStatuses") {
			t.Errorf("bad type: %v", err)
		}
	}
	if n != 1 || mt.GetTotalCallCount() != 1 {
		t.Errorf("bad type: %d yields, %d requests", n, mt.GetTotalCallCount())
	}
}

// TestCountermeasureAllCommentsWire: both comment lists of a
// countermeasure page until the total.
func TestCountermeasureAllCommentsWire(t *testing.T) {
	t.Parallel()
	const cm = "5f2b1c9d-3e4f-4a5b-8c6d-7e8f9a0b1c2d"
	item := func(content string) string {
		return `{"uuid":"` + fixedComment + `","content":"` + content + `","author":"soc","created_at":"2026-01-05T09:00:00Z"}`
	}
	for _, tc := range []struct {
		name, path string
		all        func(c *sekoia.Client) func(func(sekoia.Comment, error) bool)
	}{
		{"countermeasure", "/v1/sic/alerts/countermeasures/" + cm + "/comments", func(c *sekoia.Client) func(func(sekoia.Comment, error) bool) {
			return c.Countermeasures.AllComments(context.Background(), cm, &sekoia.PageOptions{Limit: 1})
		}},
		{"step", "/v1/sic/alerts/countermeasures/" + cm + "/isolate/comments", func(c *sekoia.Client) func(func(sekoia.Comment, error) bool) {
			return c.Countermeasures.AllStepComments(context.Background(), cm, "isolate", &sekoia.PageOptions{Limit: 1})
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, mt := mockAPI(t)
			mt.RegisterResponder(http.MethodGet, apiBase+tc.path, respond(t, wire{query: url.Values{"limit": {"1"}, "offset": {"0"}}}, 200, []byte(`{"items":[`+item("one")+`],"total":2}`)).
				Then(respond(t, wire{query: url.Values{"limit": {"1"}, "offset": {"1"}}}, 200, []byte(`{"items":[`+item("two")+`],"total":2}`))))
			var got []string
			for cmt, err := range tc.all(c) {
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, cmt.Content)
			}
			if strings.Join(got, ",") != "one,two" || mt.GetTotalCallCount() != 2 {
				t.Errorf("comments %q after %d requests", got, mt.GetTotalCallCount())
			}
		})
	}
}

// TestPageOffset: a List page tells where it was read and where the next
// one starts.
func TestPageOffset(t *testing.T) {
	t.Parallel()
	c, mt := mockAPI(t)
	mt.RegisterResponder(http.MethodGet, apiBase+"/v1/sic/custom_statuses", respond(t, wire{query: url.Values{
		"limit": {"10"}, "offset": {"5"},
	}}, 200, []byte(`{"items":[],"total":5}`)))
	p, err := c.Alerts.ListCustomStatuses(context.Background(), &sekoia.CustomStatusListOptions{Limit: 10, Offset: 5})
	if err != nil {
		t.Fatal(err)
	}
	if p.Offset != 5 || p.NextOffset() != 5 || p.HasMore || p.Total != 5 || p.Items == nil {
		t.Errorf("page = %+v", p)
	}
}
