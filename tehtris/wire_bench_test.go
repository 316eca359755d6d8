package tehtris

import (
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/socgo/xdr/internal/wire/wiretest"
)

// handwrittenEventValues is the event list's query as it was built before
// the wire layer, kept to compare.
func handwrittenEventValues(q *EventQuery, offset int) url.Values {
	v := make(url.Values, 6)
	if !q.From.IsZero() {
		v.Set("fromDate", strconv.FormatInt(q.From.Unix(), 10))
	}
	if !q.To.IsZero() {
		v.Set("toDate", strconv.FormatInt(q.To.Unix(), 10))
	}
	v.Set("limit", strconv.Itoa(q.limit()))
	v.Set("offset", strconv.Itoa(offset))
	if q.FilterID != "" {
		v.Set("filterID", q.FilterID)
	}
	if q.CreatedOrModified != "" {
		v.Set("createdOrModified", string(q.CreatedOrModified))
	}
	return v
}

func benchEventQuery() *EventQuery {
	from := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	return &EventQuery{From: from, To: from.Add(time.Hour), Limit: 500, FilterID: "12", CreatedOrModified: ByModified}
}

func TestHandwrittenEventValuesSame(t *testing.T) {
	q := benchEventQuery()
	w, err := q.request(1000)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := w.Query.Encode(), handwrittenEventValues(q, 1000).Encode(); got != want {
		t.Errorf("generated query\n%s\nhand-written\n%s", got, want)
	}
}

// BenchmarkWireEventsList compares building the query of an event page by
// hand and with the generated wire layer.
func BenchmarkWireEventsList(b *testing.B) {
	q := benchEventQuery()
	wiretest.Bench(b, func() error {
		_ = handwrittenEventValues(q, 1000).Encode()
		return nil
	}, func() error {
		w, err := q.request(1000)
		_ = w.Query.Encode()
		return err
	})
}
