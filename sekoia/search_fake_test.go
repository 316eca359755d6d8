package sekoia_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/socgo/xdr/internal/oapitest"
	"github.com/socgo/xdr/sekoia"
	"github.com/socgo/xdr/sekoia/sekoiatest"
	"github.com/socgo/xdr/xdrtest"
)

const specPath = "../openapi/sekoia.yaml"

// specTransport validates every request and 2xx response against the
// OpenAPI document; gzip request bodies are decompressed first.
func specTransport(t *testing.T, prefix string) http.RoundTripper {
	t.Helper()
	v := oapitest.Load(t, specPath, prefix)
	next := http.DefaultTransport.(*http.Transport).Clone()
	t.Cleanup(next.CloseIdleConnections)
	return rtFunc(func(r *http.Request) (*http.Response, error) {
		var body []byte
		if r.Body != nil {
			b, err := io.ReadAll(r.Body)
			if err != nil {
				return nil, err
			}
			_ = r.Body.Close()
			body = b
			r.Body = io.NopCloser(bytes.NewReader(b))
		}
		plain, h := body, r.Header.Clone()
		if r.Header.Get("Content-Encoding") == "gzip" {
			zr, err := gzip.NewReader(bytes.NewReader(body))
			if err != nil {
				t.Errorf("request body is not gzip: %v", err)
			} else if plain, err = io.ReadAll(zr); err != nil {
				t.Errorf("request body is not gzip: %v", err)
			}
			h.Del("Content-Encoding") // the parameter is checked on the real request below
			if err := v.Request(r.Method, r.URL.String(), r.Header, nil); err != nil && !strings.Contains(err.Error(), "body") {
				t.Errorf("oapitest: %s %s: %v", r.Method, r.URL.Path, err)
			}
		}
		if err := v.Request(r.Method, r.URL.String(), h, plain); err != nil {
			t.Errorf("oapitest: request %s %s does not match the spec: %v", r.Method, r.URL.Path, err)
		}
		resp, err := next.RoundTrip(r)
		if err != nil {
			return resp, err
		}
		rb, rerr := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		resp.Body = io.NopCloser(io.MultiReader(bytes.NewReader(rb), errReader{rerr}))
		// A cut body or a response marked as an injected fault (but for a
		// delay, whose response is the real one) is not a spec mismatch.
		if rerr == nil && resp.StatusCode < 300 && !injectedFault(resp.Header) {
			if err := v.Response(r.Method, r.URL.String(), resp.StatusCode, resp.Header, rb); err != nil {
				t.Errorf("oapitest: response %d to %s %s does not match the spec: %v", resp.StatusCode, r.Method, r.URL.Path, err)
			}
		}
		return resp, nil
	})
}

// injectedFault reports whether h marks a response the fake altered on
// purpose.
func injectedFault(h http.Header) bool {
	kind, ok := h[xdrtest.Header]
	return ok && (len(kind) != 1 || kind[0] != xdrtest.Delay.String())
}

// errReader fails with err (io.EOF when err is nil).
type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) {
	if e.err == nil {
		return 0, io.EOF
	}
	return 0, e.err
}

type rtFunc func(*http.Request) (*http.Response, error)

func (f rtFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// fakeSearchClient returns a fake server and a client on it whose traffic
// is checked against the spec.
func fakeSearchClient(t *testing.T, opts ...sekoiatest.Option) (*sekoiatest.Server, *sekoia.Client) {
	t.Helper()
	srv := sekoiatest.NewServer(t, opts...)
	c, err := srv.Client(sekoia.WithHTTPClient(&http.Client{Transport: specTransport(t, "")}))
	if err != nil {
		t.Fatal(err)
	}
	return srv, c
}

// seedEvents adds n events a second apart, ev0 being the most recent, a
// minute old.
func seedEvents(t testing.TB, srv *sekoiatest.Server, n int) [][]byte {
	t.Helper()
	evs := make([][]byte, n)
	base := time.Now().UTC().Truncate(time.Second).Add(-time.Minute)
	for i := range n {
		host := "laptop-" + fmt.Sprint(i%3)
		evs[i] = fmt.Appendf(nil, `{"__event_id":"ev%d","timestamp":"%s","host.name":%q,"n":%d,"big":12345678901234567890,"msg":"é\t\"%d\""}`,
			i, base.Add(-time.Duration(i)*time.Second).Format(time.RFC3339Nano), host, i, i)
	}
	if err := srv.AddEvents(evs...); err != nil {
		t.Fatal(err)
	}
	return evs
}

var fastWait = &sekoia.WaitOptions{PollInterval: time.Millisecond, MaxPollInterval: 5 * time.Millisecond}

func TestFakeSearchJobLifecycle(t *testing.T) {
	t.Parallel()
	srv, c := fakeSearchClient(t)
	evs := seedEvents(t, srv, 2500)
	srv.SetSearchProgress(2, 2)
	ctx := context.Background()
	job, err := c.Events.Create(ctx, sekoia.SearchQuery{Term: "*", Earliest: sekoia.Ago(24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if job.Status != sekoia.JobNotStarted || job.CreatedAt.IsZero() {
		t.Fatalf("new job %+v", job)
	}
	var seen []sekoia.JobStatus
	for range 5 {
		j, err := c.Events.Get(ctx, job.UUID)
		if err != nil {
			t.Fatal(err)
		}
		seen = append(seen, j.Status)
	}
	want := []sekoia.JobStatus{0, 0, 1, 1, 2}
	if fmt.Sprint(seen) != fmt.Sprint(want) {
		t.Errorf("states %v, want %v", seen, want)
	}
	done, err := c.Events.Wait(ctx, job.UUID, fastWait)
	if err != nil || done.Status != sekoia.JobDone || done.Total != 2500 || done.ExpirationDate.IsZero() {
		t.Fatalf("Wait: %+v %v", done, err)
	}
	i := 0
	for ev, err := range c.Events.AllResults(ctx, job.UUID, nil) {
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(ev.Raw, evs[i]) {
			t.Fatalf("event %d:\n got %s\nwant %s", i, ev.Raw, evs[i])
		}
		i++
	}
	if i != 2500 {
		t.Fatalf("%d events", i)
	}
	// A window in the middle.
	p, err := c.Events.ListResults(ctx, job.UUID, &sekoia.ResultsOptions{Offset: 1200, Limit: 7})
	if err != nil || len(p.Items) != 7 || p.Items[0].ID() != "ev1200" || p.Total != 2500 {
		t.Fatalf("page: %v %v", p, err)
	}
	fp, err := c.Events.ListFields(ctx, job.UUID, nil)
	if err != nil {
		t.Fatal(err)
	}
	var host *sekoia.SearchField
	for i := range fp.Items {
		if fp.Items[i].Name == "host.name" {
			host = &fp.Items[i]
		}
	}
	if host == nil || len(host.MostCommonValues) != 3 {
		t.Fatalf("fields: %+v", fp)
	}
	ext, err := c.Events.ExtendTTL(ctx, job.UUID, 2*time.Hour)
	if err != nil || ext.ResultsTTL != 2*time.Hour {
		t.Fatalf("ExtendTTL: %+v %v", ext, err)
	}
	if ttl, _ := srv.SearchJobTTL(job.UUID); ttl != 2*time.Hour {
		t.Errorf("server TTL %s", ttl)
	}
	// Expired: results and fields answer 410.
	srv.ExpireSearchJob(job.UUID)
	for _, err := range c.Events.AllResults(ctx, job.UUID, nil) {
		if !errors.Is(err, sekoia.ErrJobExpired) {
			t.Fatalf("results after expiry: %v", err)
		}
	}
	if _, err := c.Events.ListFields(ctx, job.UUID, nil); !errors.Is(err, sekoia.ErrJobExpired) {
		t.Errorf("fields after expiry: %v", err)
	}
	if j, _ := c.Events.Get(ctx, job.UUID); !j.Expired {
		t.Error("job not reported expired")
	}
}

// clock is a settable clock for the fake.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

func TestFakeSearchExpiresAfterTTL(t *testing.T) {
	t.Parallel()
	clk := &clock{t: time.Now().UTC()}
	srv, c := fakeSearchClient(t, sekoiatest.WithClock(clk.now))
	seedEvents(t, srv, 3)
	srv.SetSearchProgress(0, 0)
	ctx := context.Background()
	job, err := c.Events.Search(ctx, sekoia.SearchQuery{Term: "laptop-1", Earliest: sekoia.Ago(time.Hour)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if job.ResultsTTL != 10*time.Minute {
		t.Fatalf("TTL %s", job.ResultsTTL)
	}
	clk.add(9 * time.Minute)
	p, err := c.Events.ListResults(ctx, job.UUID, nil)
	if err != nil || len(p.Items) != 1 || p.Items[0].Text("host.name") != "laptop-1" {
		t.Fatalf("before TTL: %v %v", p, err)
	}
	if _, err := c.Events.ExtendTTL(ctx, job.UUID, 15*time.Minute); err != nil {
		t.Fatal(err)
	}
	clk.add(5 * time.Minute) // 14 min after the end: within the new TTL
	if _, err := c.Events.ListResults(ctx, job.UUID, nil); err != nil {
		t.Fatalf("extended TTL: %v", err)
	}
	clk.add(2 * time.Minute)
	if _, err := c.Events.ListResults(ctx, job.UUID, nil); !errors.Is(err, sekoia.ErrJobExpired) {
		t.Fatalf("after TTL: %v", err)
	}
}

func TestFakeSearchWaitLimitsAndStates(t *testing.T) {
	t.Parallel()
	srv, c := fakeSearchClient(t)
	ctx := context.Background()
	q := sekoia.SearchQuery{Term: "*", Earliest: sekoia.Ago(time.Hour)}

	srv.SetSearchProgress(1000, 0)
	_, err := c.Events.Search(ctx, q, &sekoia.SearchOptions{Wait: sekoia.WaitOptions{PollInterval: time.Millisecond, StartTimeout: 20 * time.Millisecond}})
	var je *sekoia.JobError
	if !errors.Is(err, sekoia.ErrJobTimeout) || !errors.As(err, &je) || je.Job.Status != sekoia.JobNotStarted {
		t.Fatalf("start timeout: %v", err)
	}
	// Search canceled the job it gave up on.
	if st, _ := srv.SearchJobStatus(je.Job.UUID); st != 3 {
		t.Errorf("abandoned job in state %d, want canceled", st)
	}

	srv.SetSearchProgress(0, 1000)
	_, err = c.Events.Search(ctx, q, &sekoia.SearchOptions{KeepJob: true, Wait: sekoia.WaitOptions{PollInterval: time.Millisecond, RunTimeout: 20 * time.Millisecond}})
	if !errors.As(err, &je) || !errors.Is(err, sekoia.ErrJobTimeout) || je.Job.Status != sekoia.JobRunning {
		t.Fatalf("run timeout: %v", err)
	}
	if st, _ := srv.SearchJobStatus(je.Job.UUID); st != 1 {
		t.Errorf("KeepJob: job in state %d", st)
	}
	// Cancel it; Wait then reports the cancellation.
	if j, err := c.Events.Cancel(ctx, je.Job.UUID); err != nil || j.Status != sekoia.JobCanceled || j.CanceledAt.IsZero() {
		t.Fatalf("Cancel: %+v %v", j, err)
	}
	if _, err := c.Events.Wait(ctx, je.Job.UUID, fastWait); !errors.Is(err, sekoia.ErrJobCanceled) {
		t.Errorf("Wait on canceled: %v", err)
	}

	srv.SetSearchProgress(1, 1)
	srv.FailNextSearch()
	if _, err := c.Events.Search(ctx, q, &sekoia.SearchOptions{Wait: *fastWait}); !errors.Is(err, sekoia.ErrJobFailed) {
		t.Errorf("failed job: %v", err)
	}
	if _, err := c.Events.Get(ctx, "00000000-0000-4000-8000-000000000000"); !errors.Is(err, sekoia.ErrNotFound) {
		t.Errorf("unknown job: %v", err)
	}
}

func TestFakeSearchAllFiltersAndFaults(t *testing.T) {
	t.Parallel()
	srv, c := fakeSearchClient(t)
	seedEvents(t, srv, 3000)
	srv.SetSearchProgress(0, 1)
	// The second results page is rate limited once, the third cut mid-body:
	// both are retried transparently.
	srv.InjectFault(sekoiatest.Fault{Kind: sekoiatest.RateLimit, Method: http.MethodGet, PathPrefix: "/v1/sic/conf/events/search/jobs/", Times: 1})
	q := sekoia.SearchQuery{
		Term:          "*",
		Earliest:      sekoia.Ago(time.Hour),
		Filters:       []sekoia.SearchFilter{{Field: "host.name", Operator: sekoia.FilterContains, Value: "laptop-2", Excluded: true}},
		MaxLastEvents: 1500,
	}
	n := 0
	for ev, err := range c.Events.SearchAll(context.Background(), q, &sekoia.SearchOptions{Wait: *fastWait, Limit: 400}) {
		if err != nil {
			t.Fatal(err)
		}
		if ev.Text("host.name") == "laptop-2" {
			t.Fatalf("excluded event %s", ev.Raw)
		}
		if n == 500 {
			srv.InjectFault(sekoiatest.Fault{Kind: sekoiatest.CutBody, Method: http.MethodGet, PathPrefix: "/v1/sic/conf/events/search/jobs/"})
		}
		n++
	}
	if n != 1500 {
		t.Errorf("%d events, want 1500 (max_last_events)", n)
	}
	// Truncated JSON is an error, not a silent short page.
	job, err := c.Events.Search(context.Background(), sekoia.SearchQuery{Term: "*", Earliest: sekoia.Ago(time.Hour)}, &sekoia.SearchOptions{Wait: *fastWait})
	if err != nil {
		t.Fatal(err)
	}
	srv.InjectFault(sekoiatest.Fault{Kind: sekoiatest.TruncatedJSON, Method: http.MethodGet, PathPrefix: "/v1/sic/conf/events/search/jobs/" + job.UUID + "/events"})
	if _, err := c.Events.ListResults(context.Background(), job.UUID, nil); err == nil || !strings.Contains(err.Error(), "decode") {
		t.Errorf("truncated JSON: %v", err)
	}
}

func TestSearchAndIntakeFixturesMatchSpec(t *testing.T) {
	t.Parallel()
	v := oapitest.Load(t, specPath, "")
	h := http.Header{"Content-Type": {"application/json"}}
	job := "/v1/sic/conf/events/search/jobs/" + jobUUID
	for _, tc := range []struct {
		method, path, fixture string
	}{
		{http.MethodPost, "/v1/sic/conf/events/search/jobs", "search_job_created.json"},
		{http.MethodGet, job, "search_job_done.json"},
		{http.MethodPost, job + "/cancel", "search_job_done.json"},
		{http.MethodPut, job, "search_job_created.json"},
		{http.MethodGet, job + "/events", "search_events_page.json"},
		{http.MethodGet, job + "/fields", "search_fields.json"},
		{http.MethodPost, "/batch", "intake_batch_response.json"},
	} {
		if err := v.Response(tc.method, "https://api.example.test"+tc.path, 200, h, readFixture(t, tc.fixture)); err != nil {
			t.Errorf("%s %s with %s: %v", tc.method, tc.path, tc.fixture, err)
		}
	}
	// And the spec is strict enough to catch a wrong shape.
	if err := v.Response(http.MethodGet, "https://api.example.test"+job, 200, h, []byte(`{"uuid":"x","status":"done"}`)); err == nil {
		t.Error("a string status passed the spec")
	}
}
