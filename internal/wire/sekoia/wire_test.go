package sekoia

import (
	"net/http"
	"testing"
)

// The builders escape path parameters without resolving the path: a dot
// segment stays, for internal/rest to refuse.
func TestPathNotResolved(t *testing.T) {
	for id, want := range map[string]string{
		"ALabc":  "/v1/sic/alerts/ALabc",
		"..":     "/v1/sic/alerts/..",
		"a/b c":  "/v1/sic/alerts/a%2Fb%20c",
		"%2e%2e": "/v1/sic/alerts/%252e%252e",
	} {
		r, err := NewDeleteAlertRequest(id)
		if err != nil {
			t.Fatal(err)
		}
		if r.Method != http.MethodDelete || r.Path != want {
			t.Errorf("%q: %s %s, want DELETE %s", id, r.Method, r.Path, want)
		}
	}
}

// match, nomatch, date and range are deepObject parameters: one query key
// per property set, the values as given (comma-joined lists).
func TestDeepObjectQuery(t *testing.T) {
	src, rule, created, urgency, limit := "1.2.3.4,5.6.7.8", "a&b=c", "2026-01-02T03:04:05.000Z,now", "70,100", 100
	r, err := NewListAlertsRequest(&ListAlertsParams{
		Match:   &ListAlertsParams_Match{Source: &src, RuleName: &rule},
		Nomatch: &ListAlertsParams_Nomatch{Source: &src},
		Date:    &ListAlertsParams_Date{CreatedAt: &created},
		Range:   &ListAlertsParams_Range{Urgency: &urgency},
		Limit:   &limit,
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"match[source]": src, "match[rule_name]": rule, "nomatch[source]": src,
		"date[created_at]": created, "range[urgency]": urgency, "limit": "100",
	}
	if len(r.Query) != len(want) {
		t.Errorf("query %v, want %v", r.Query, want)
	}
	for k, v := range want {
		if got := r.Query[k]; len(got) != 1 || got[0] != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if r.Path != "/v1/sic/alerts" || r.Method != http.MethodGet {
		t.Errorf("%s %s", r.Method, r.Path)
	}
}
