package sekoia_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/socgo/xdr/sekoia"
	"github.com/socgo/xdr/sekoia/sekoiatest"
	"github.com/socgo/xdr/xdrtest"
)

// countingTransport counts the requests whose path starts with prefix.
type countingTransport struct {
	next   http.RoundTripper
	prefix string
	n      atomic.Int64
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.HasPrefix(r.URL.Path, c.prefix) {
		c.n.Add(1)
	}
	return c.next.RoundTrip(r)
}

// countedAPI returns a client on srv whose traffic is checked against the
// spec, and the count of its requests under prefix.
func countedAPI(t *testing.T, srv *sekoiatest.Server, prefix string, opts ...sekoia.Option) (*sekoia.Client, *countingTransport) {
	t.Helper()
	ct := &countingTransport{next: specValidator(t).Transport(t, srv.HTTPClient().Transport), prefix: prefix}
	c, err := srv.Client(append([]sekoia.Option{sekoia.WithHTTPClient(&http.Client{Transport: ct})}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c, ct
}

func TestFakeAlertsAllCutBodyIsRetried(t *testing.T) {
	t.Parallel()
	srv := sekoiatest.NewServer(t)
	seeded := srv.SeedAlerts(250)
	c, ct := countedAPI(t, srv, "/v1/sic/alerts")
	want := map[string]bool{}
	for _, a := range seeded {
		want[a.UUID] = true
	}
	seen := map[string]int{}
	n := 0
	for a, err := range c.Alerts.All(context.Background(), &sekoia.AlertListOptions{Limit: 50}) {
		if err != nil {
			t.Fatal(err)
		}
		if n == 60 {
			// The next page to be read is cut twice on its way, then
			// comes whole.
			srv.InjectFault(sekoiatest.Fault{Kind: sekoiatest.CutBody, Method: http.MethodGet, PathPrefix: "/v1/sic/alerts", Times: 2})
		}
		seen[a.UUID]++
		n++
	}
	if n != len(seeded) || len(seen) != len(seeded) {
		t.Errorf("%d alerts yielded, %d distinct; want %d, each once", n, len(seen), len(seeded))
	}
	for id, k := range seen {
		if !want[id] || k != 1 {
			t.Errorf("alert %s yielded %d times (seeded: %v)", id, k, want[id])
		}
	}
	// 250 alerts in pages of 50 (the last full page may be followed by an
	// empty one), plus the two cut answers.
	if got := ct.n.Load(); got < 5+2 || got > 6+2 {
		t.Errorf("%d requests, want the pages and two resends", got)
	}
}

func TestFakeAlertsCutBodyRetriesAreBounded(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		opts     []sekoia.Option
		requests int64
	}{
		"off":     {[]sekoia.Option{sekoia.WithMaxRetries(0)}, 1},
		"two":     {[]sekoia.Option{sekoia.WithMaxRetries(2)}, 3},
		"default": {nil, 5},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := sekoiatest.NewServer(t)
			srv.SeedAlerts(3)
			c, ct := countedAPI(t, srv, "/v1/sic/alerts", tc.opts...)
			srv.InjectFault(sekoiatest.Fault{Kind: sekoiatest.CutBody, Method: http.MethodGet, PathPrefix: "/v1/sic/alerts", Times: -1})
			n := 0
			for _, err := range c.Alerts.All(context.Background(), nil) {
				n++
				if !errors.Is(err, io.ErrUnexpectedEOF) {
					t.Errorf("error %v; want io.ErrUnexpectedEOF", err)
				}
			}
			if n != 1 {
				t.Errorf("yielded %d times", n)
			}
			if got := ct.n.Load(); got != tc.requests {
				t.Errorf("%d requests, want %d", got, tc.requests)
			}
			// Once the connection behaves, the same client reads the page.
			srv.ClearFaults()
			if page, err := c.Alerts.List(context.Background(), nil); err != nil || len(page.Items) != 3 {
				t.Errorf("after the faults: %v", err)
			}
		})
	}
}

func TestFakeResultsCutBodyRetries(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		opts     []sekoia.Option
		cuts     int // -1: every answer is cut
		requests int64
		ok       bool
	}{
		"off":              {[]sekoia.Option{sekoia.WithMaxRetries(0)}, 1, 1, false},
		"two of two":       {[]sekoia.Option{sekoia.WithMaxRetries(2)}, 2, 3, true},
		"bounded":          {[]sekoia.Option{sekoia.WithMaxRetries(2)}, -1, 3, false},
		"default, 4 cuts":  {nil, 4, 5, true},
		"default, bounded": {nil, -1, 5, false},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := sekoiatest.NewServer(t)
			seedEvents(t, srv, 30)
			srv.SetSearchProgress(0, 0)
			ct := &countingTransport{next: specTransport(t, "")}
			c, err := srv.Client(append([]sekoia.Option{sekoia.WithHTTPClient(&http.Client{Transport: ct})}, tc.opts...)...)
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			job, err := c.Events.Search(ctx, sekoia.SearchQuery{Term: "*", Earliest: sekoia.Ago(time.Hour)}, &sekoia.SearchOptions{Wait: *fastWait})
			if err != nil {
				t.Fatal(err)
			}
			events := "/v1/sic/conf/events/search/jobs/" + job.UUID + "/events"
			ct.prefix = events
			ct.n.Store(0)
			srv.InjectFault(sekoiatest.Fault{Kind: sekoiatest.CutBody, Method: http.MethodGet, PathPrefix: events, Times: tc.cuts})
			page, err := c.Events.ListResults(ctx, job.UUID, nil)
			switch {
			case tc.ok && (err != nil || len(page.Items) != 30):
				t.Errorf("after %d cuts: %v", tc.cuts, err)
			case !tc.ok && !errors.Is(err, io.ErrUnexpectedEOF):
				t.Errorf("error %v; want io.ErrUnexpectedEOF", err)
			}
			if got := ct.n.Load(); got != tc.requests {
				t.Errorf("%d requests, want %d", got, tc.requests)
			}
		})
	}
}

func TestFakeResultsJobExpiresAfterCutBody(t *testing.T) {
	t.Parallel()
	// The answer is cut and the job's results are deleted before the
	// request is sent again: the 410 that then comes is ErrJobExpired.
	srv := sekoiatest.NewServer(t)
	seedEvents(t, srv, 3)
	srv.SetSearchProgress(0, 0)
	var jobUUID atomic.Value
	expire := rtFunc(func(r *http.Request) (*http.Response, error) {
		resp, err := specTransport(t, "").RoundTrip(r)
		if err == nil && resp.Header.Get(xdrtest.Header) == xdrtest.CutBody.String() {
			srv.ExpireSearchJob(jobUUID.Load().(string))
		}
		return resp, err
	})
	c, err := srv.Client(sekoia.WithHTTPClient(&http.Client{Transport: expire}))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	job, err := c.Events.Search(ctx, sekoia.SearchQuery{Term: "*", Earliest: sekoia.Ago(time.Hour)}, &sekoia.SearchOptions{Wait: *fastWait})
	if err != nil {
		t.Fatal(err)
	}
	jobUUID.Store(job.UUID)
	srv.InjectFault(sekoiatest.Fault{Kind: sekoiatest.CutBody, Method: http.MethodGet, PathPrefix: "/v1/sic/conf/events/search/jobs/" + job.UUID + "/events"})
	_, err = c.Events.ListResults(ctx, job.UUID, nil)
	var apiErr *sekoia.APIError
	if !errors.Is(err, sekoia.ErrJobExpired) || !errors.As(err, &apiErr) || apiErr.Attempts != 2 {
		t.Errorf("expired after a cut: %v", err)
	}
	for _, err := range c.Events.AllResults(ctx, job.UUID, nil) {
		if !errors.Is(err, sekoia.ErrJobExpired) {
			t.Errorf("Results: %v", err)
		}
	}
}
