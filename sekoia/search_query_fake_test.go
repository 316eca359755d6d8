package sekoia_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/socgo/xdr/sekoia"
	"github.com/socgo/xdr/sekoia/sekoiatest"
)

// queryNow is the fake's clock in the query tests.
var queryNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// queryFake starts a fake at queryNow holding events of several hosts and
// ages, and returns a function that runs a search and lists the ids of
// the events found.
func queryFake(t *testing.T) (*sekoiatest.Server, func(q sekoia.SearchQuery) ([]string, error)) {
	t.Helper()
	srv, c := fakeSearchClient(t, sekoiatest.WithClock(func() time.Time { return queryNow }))
	ev := func(id string, age time.Duration, rest string) []byte {
		return fmt.Appendf(nil, `{"__event_id":%q,"timestamp":%q,%s}`, id, queryNow.Add(-age).Format(time.RFC3339Nano), rest)
	}
	if err := srv.AddEvents(
		ev("a", 1*time.Minute, `"host":{"name":"srv-01"},"process.name":"powershell.exe","user.name":"joe","destination.bytes":42`),
		ev("b", 10*time.Minute, `"host.name":"srv-02","process.name":"cmd.exe","user.name":"ann","destination.bytes":4200`),
		ev("c", 50*time.Minute, `"host.name":"laptop-7","process.name":"powershell.exe","user.name":"joe","message":"joe logged in"`),
		ev("d", 2*time.Hour, `"host.name":"srv-01","process.name":"sshd","user.name":"root"`),
		ev("e", 3*time.Hour, `"host.name":"srv-01","process.name":"powershell.exe","user.name":"ann"`),
	); err != nil {
		t.Fatal(err)
	}
	return srv, func(q sekoia.SearchQuery) ([]string, error) {
		var ids []string
		for e, err := range c.Events.SearchAll(context.Background(), q, nil) {
			if err != nil {
				return ids, err
			}
			ids = append(ids, e.ID())
		}
		return ids, nil
	}
}

func TestFakeSearchQueryAndTimeRange(t *testing.T) {
	t.Parallel()
	_, search := queryFake(t)
	day, hour := sekoia.Ago(24*time.Hour), sekoia.Ago(time.Hour)
	at := func(ago time.Duration) sekoia.SearchTime { return sekoia.AbsoluteTime(queryNow.Add(-ago)) }
	for _, tc := range []struct {
		name string
		q    sekoia.SearchQuery
		want []string
	}{
		{"field, nested or flat", sekoia.SearchQuery{Term: `host.name:"srv-01"`, Earliest: day}, []string{"a", "d", "e"}},
		{"word value", sekoia.SearchQuery{Term: `host.name:srv-02`, Earliest: day}, []string{"b"}},
		{"3-hour-old event out of a 1-hour search", sekoia.SearchQuery{Term: `host.name:"srv-01"`, Earliest: hour}, []string{"a"}},
		{"everything in the last hour", sekoia.SearchQuery{Term: "*", Earliest: hour}, []string{"a", "b", "c"}},
		{"relative window", sekoia.SearchQuery{Term: "*", Earliest: sekoia.RelativeTime("-150m"), Latest: sekoia.RelativeTime("-30m")}, []string{"c", "d"}},
		{"absolute bounds", sekoia.SearchQuery{Term: "*", Earliest: at(150 * time.Minute), Latest: at(5 * time.Minute)}, []string{"b", "c", "d"}},
		{"absolute bounds, included", sekoia.SearchQuery{Term: "*", Earliest: at(2 * time.Hour), Latest: at(10 * time.Minute)}, []string{"b", "c", "d"}},
		{"AND", sekoia.SearchQuery{Term: `process.name:"powershell.exe" AND user.name:joe`, Earliest: day}, []string{"a", "c"}},
		{"OR", sekoia.SearchQuery{Term: `user.name:root OR host.name:srv-02`, Earliest: day}, []string{"b", "d"}},
		{"NOT", sekoia.SearchQuery{Term: `host.name:srv-01 AND NOT process.name:sshd`, Earliest: day}, []string{"a", "e"}},
		{"precedence and parentheses", sekoia.SearchQuery{Term: `(user.name:ann OR user.name:root) AND host.name:srv-01`, Earliest: day}, []string{"d", "e"}},
		{"wildcards", sekoia.SearchQuery{Term: `host.name:srv-0? AND process.name:*.exe`, Earliest: day}, []string{"a", "b", "e"}},
		{"comparison", sekoia.SearchQuery{Term: `destination.bytes:>100`, Earliest: day}, []string{"b"}},
		{"grouped values", sekoia.SearchQuery{Term: `host.name:(srv-02 OR laptop-*)`, Earliest: day}, []string{"b", "c"}},
		{"groups with NOT and a phrase", sekoia.SearchQuery{Term: `user.name:(joe OR ann) AND process.name:(NOT "cmd.exe")`, Earliest: day}, []string{"a", "c", "e"}},
		{"exclusive range", sekoia.SearchQuery{Term: `destination.bytes:{42 TO 5000}`, Earliest: day}, []string{"b"}},
		{"mixed range", sekoia.SearchQuery{Term: `destination.bytes:[42 TO 4200}`, Earliest: day}, []string{"a"}},
		{"exclusive time range", sekoia.SearchQuery{Term: `timestamp:{2026-03-01T10:00:00Z TO 2026-03-01T11:50:00Z]`, Earliest: day}, []string{"b", "c"}},
		{"no field", sekoia.SearchQuery{Term: `joe`, Earliest: day}, []string{"a", "c"}},
		{"filters too", sekoia.SearchQuery{Term: `host.name:srv*`, Earliest: day, Filters: []sekoia.SearchFilter{{Field: "user.name", Operator: sekoia.FilterContains, Value: "ann", Excluded: true}}}, []string{"a", "d"}},
		{"nothing", sekoia.SearchQuery{Term: `host.name:"srv-03"`, Earliest: day}, nil},
	} {
		got, err := search(tc.q)
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("%s: %q from %s: %v %v, want %v", tc.name, tc.q.Term, tc.q.Earliest, got, err, tc.want)
		}
	}
}

func TestFakeSearchRefusesWhatItDoesNotUnderstand(t *testing.T) {
	t.Parallel()
	srv, search := queryFake(t)
	for term, want := range map[string]string{
		`host.name:srv-01 srv-02`:             `term: no AND or OR before "srv-02"`,
		`host.name:srv-01 and joe`:            `no AND or OR before "and"`,
		`host.name:"srv-01`:                   `unterminated phrase`,
		`(host.name:srv-01`:                   `unbalanced '('`,
		`host.name:(srv-01 OR user.name:joe)`: `unescaped ':' in the group of "host.name"`,
		`destination.bytes:{1 TO *}`:          `open bounds`,
		`-user.name:root`:                     `prefix operator "-"`,
		`a && b`:                              `&& and ||`,
	} {
		_, err := search(sekoia.SearchQuery{Term: term, Earliest: sekoia.Ago(time.Hour)})
		var apiErr *sekoia.APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusBadRequest || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v; want a 400 APIError naming %q", term, err, want)
		}
	}
	if n := srv.SearchJobs(); n != 0 {
		t.Errorf("%d jobs created from refused queries", n)
	}
	// A range whose end is not after its start is refused by the server
	// too, relative bounds included.
	_, err := search(sekoia.SearchQuery{Term: "*", Earliest: sekoia.RelativeTime("-1h"), Latest: sekoia.RelativeTime("-2h")})
	if err == nil || !strings.Contains(err.Error(), "latest_time is not after earliest_time") {
		t.Errorf("inverted range: %v", err)
	}
}

// TestFakeSearchDoneAtOnce: with the default options, a search on the fake
// reads its job once: the job is done when it is created.
func TestFakeSearchDoneAtOnce(t *testing.T) {
	t.Parallel()
	srv := sekoiatest.NewServer(t)
	seedEvents(t, srv, 5)
	var reads atomic.Int32
	next := specTransport(t, "")
	c, err := srv.Client(sekoia.WithHTTPClient(&http.Client{Transport: rtFunc(func(r *http.Request) (*http.Response, error) {
		if r.Method == http.MethodGet && !strings.HasSuffix(r.URL.Path, "/events") {
			reads.Add(1)
		}
		return next.RoundTrip(r)
	})}))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, err := range c.Events.SearchAll(context.Background(), sekoia.SearchQuery{Term: "*", Earliest: sekoia.Ago(time.Hour)}, nil) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 5 || reads.Load() != 1 {
		t.Errorf("%d events after %d reads of the job, want 5 after 1", n, reads.Load())
	}
}
