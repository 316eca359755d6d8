package sekoia

import (
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/socgo/xdr/internal/wire/wiretest"
)

// handwrittenResultsQuery is the query of a page of search results as it
// was built before the wire layer, kept to compare.
func handwrittenResultsQuery(o *ResultsOptions, offset, limit int) url.Values {
	q := url.Values{}
	q.Set("limit", strconv.Itoa(limit))
	q.Set("offset", strconv.Itoa(offset))
	for _, b := range []struct {
		key string
		t   time.Time
	}{{"earliest_time", o.Earliest}, {"latest_time", o.Latest}} {
		if b.t.IsZero() {
			continue
		}
		ms := b.t.UnixMilli()
		if ms%1000 == 0 {
			q.Set(b.key, strconv.FormatInt(ms/1000, 10))
		} else {
			q.Set(b.key, strconv.FormatFloat(float64(ms)/1000, 'f', -1, 64))
		}
	}
	return q
}

func benchResultsOptions() *ResultsOptions {
	from := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	return &ResultsOptions{Earliest: from, Latest: from.Add(90*time.Minute + 250*time.Millisecond)}
}

const benchJobUUID = "0b2e7f1c-7b8a-4f3e-9a51-0c1d2e3f4a5b"

func TestHandwrittenResultsQuerySame(t *testing.T) {
	o := benchResultsOptions()
	r, err := o.request("ListResults", benchJobUUID, 2000, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := r.Query.Encode(), handwrittenResultsQuery(o, 2000, 1000).Encode(); got != want {
		t.Errorf("generated query\n%s\nhand-written\n%s", got, want)
	}
	if want := "/v1/sic/conf/events/search/jobs/" + benchJobUUID + "/events"; r.Path != want {
		t.Errorf("path %s, want %s", r.Path, want)
	}
}

// BenchmarkWireSearchResults compares building the query of a page of
// search results by hand and with the generated wire layer (which also
// builds the path).
func BenchmarkWireSearchResults(b *testing.B) {
	o := benchResultsOptions()
	wiretest.Bench(b, func() error {
		_ = handwrittenResultsQuery(o, 2000, 1000).Encode()
		return nil
	}, func() error {
		r, err := o.request("ListResults", benchJobUUID, 2000, 1000)
		_ = r.Query.Encode()
		return err
	})
}
