package sekoia

import (
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/go-querystring/query"

	"github.com/socgo/xdr/internal/wire/wiretest"
)

// benchAlertOptions is a filtered alert list, as a triage loop sends it.
func benchAlertOptions() *AlertListOptions {
	since := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	return &AlertListOptions{
		Statuses:       []Status{StatusPending, StatusAcknowledged},
		CommunityUUIDs: []string{"0b2e7f1c-7b8a-4f3e-9a51-0c1d2e3f4a5b"},
		RuleNames:      []string{"Suspicious PowerShell", "Mimikatz"},
		Exclude:        &AlertExclusions{Sources: []string{"10.0.0.1"}},
		CreatedAt:      Since(since),
		Urgency:        AtLeast(70),
		Sort:           AlertSortCreatedAt,
		Direction:      Descending,
		Limit:          100,
		Offset:         200,
	}
}

// handwrittenAlertQuery is the alert list's query as it was built before
// the wire layer (go-querystring over the url tags of AlertListOptions,
// kept for this comparison only).
func handwrittenAlertQuery(o *AlertListOptions) (url.Values, error) {
	if err := checkList("Alerts.List", o.Limit, o.Offset, o.Direction); err != nil {
		return nil, err
	}
	if err := checkLists("Alerts.List", reflect.ValueOf(o)); err != nil {
		return nil, err
	}
	q, err := query.Values(o)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(o.Statuses))
	for i, s := range o.Statuses {
		ids[i] = string(s)
	}
	q.Set("match[status_uuid]", strings.Join(ids, ","))
	return q, nil
}

func TestHandwrittenAlertQuerySame(t *testing.T) {
	o := benchAlertOptions()
	old, err := handwrittenAlertQuery(o)
	if err != nil {
		t.Fatal(err)
	}
	r, err := o.request("Alerts.List")
	if err != nil {
		t.Fatal(err)
	}
	q := r.Query
	if old.Encode() != q.Encode() {
		t.Errorf("generated query\n%s\nhand-written\n%s", q.Encode(), old.Encode())
	}
}

// BenchmarkWireAlertsList compares building the query of a filtered alert
// list by hand (go-querystring) and with the generated wire layer.
func BenchmarkWireAlertsList(b *testing.B) {
	o := benchAlertOptions()
	wiretest.Bench(b, func() error {
		q, err := handwrittenAlertQuery(o)
		_ = q.Encode()
		return err
	}, func() error {
		r, err := o.request("Alerts.List")
		_ = r.Query.Encode()
		return err
	})
}
