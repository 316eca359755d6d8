package sekoia_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jarcoal/httpmock"

	"github.com/socgo/xdr/sekoia"
)

const (
	searchBase = "https://api.example.test/api"
	jobsURL    = searchBase + "/v1/sic/conf/events/search/jobs"
	jobUUID    = "483d36a5-8538-49c4-be19-49b669f90bf8"
)

// searchMock returns a client on a fresh mock transport that fails the
// test on any request without a responder.
func searchMock(t *testing.T) (*sekoia.Client, *httpmock.MockTransport) {
	t.Helper()
	mt := httpmock.NewMockTransport()
	mt.RegisterNoResponder(httpmock.NewNotFoundResponder(t.Fatal))
	c, err := sekoia.NewClient("test-api-key",
		sekoia.WithBaseURL(searchBase),
		sekoia.WithHTTPClient(&http.Client{Transport: mt}),
		sekoia.WithRetryWait(time.Millisecond, time.Millisecond),
		sekoia.WithMaxRetries(2))
	if err != nil {
		t.Fatal(err)
	}
	return c, mt
}

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// wireCall describes the one request a responder expects.
type wireCall struct {
	query url.Values // exact query (nil: none)
	body  string     // exact JSON body, compared as JSON ("" = no body)
}

// expect returns a responder checking the request against want and
// answering status with body.
func expect(t *testing.T, want wireCall, status int, body []byte) httpmock.Responder {
	t.Helper()
	return func(r *http.Request) (*http.Response, error) {
		t.Helper()
		if got := r.URL.Query(); !(len(got) == 0 && len(want.query) == 0) {
			if d := cmp.Diff(want.query, got); d != "" {
				t.Errorf("%s %s query (-want +got):\n%s", r.Method, r.URL.Path, d)
			}
		}
		var got []byte
		if r.Body != nil {
			got, _ = io.ReadAll(r.Body)
		}
		switch {
		case want.body == "" && len(got) > 0:
			t.Errorf("%s %s: unexpected body %s", r.Method, r.URL.Path, got)
		case want.body != "":
			var w, g any
			if err := json.Unmarshal([]byte(want.body), &w); err != nil {
				t.Fatalf("bad want body: %v", err)
			}
			if err := json.Unmarshal(got, &g); err != nil {
				t.Errorf("%s %s: body is not JSON: %s", r.Method, r.URL.Path, got)
			}
			if d := cmp.Diff(w, g); d != "" {
				t.Errorf("%s %s body (-want +got):\n%s", r.Method, r.URL.Path, d)
			}
			if ct := r.Header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type = %q", ct)
			}
		}
		if a := r.Header.Get("Authorization"); a != "Bearer test-api-key" {
			t.Errorf("Authorization = %q", a)
		}
		resp := httpmock.NewBytesResponse(status, body)
		resp.Header.Set("Content-Type", "application/json")
		return resp, nil
	}
}

func TestEventsCreateWire(t *testing.T) {
	t.Parallel()
	c, mt := searchMock(t)
	mt.RegisterResponder(http.MethodPost, jobsURL, expect(t, wireCall{body: `{
		"term": "host.name:laptop-test",
		"term_lang": "dork",
		"filters": [{"field":"user.name","operator":"contains","value":"joe","disabled":false,"excluded":true},
			{"field":"event.code","operator":"contains","value":4625,"disabled":false,"excluded":false}],
		"earliest_time": "2024-04-25T10:00:23.500",
		"latest_time": "-5m",
		"max_last_events": 100,
		"community_uuids": ["52bd045f-4199-4361-8267-cdebfc784392"],
		"visible": true,
		"date_field": "event.created",
		"only_eternal": true,
		"results_ttl": 1800,
		"view_uuid": "0c7a52e1-9d3b-4f6e-8a2c-1b4d5e6f7a8b"
	}`}, 200, readFixture(t, "search_job_created.json")))
	job, err := c.Events.Create(context.Background(), sekoia.SearchQuery{
		Term:     "host.name:laptop-test",
		TermLang: sekoia.TermLangDork,
		Filters: []sekoia.SearchFilter{{Field: "user.name", Operator: sekoia.FilterContains, Value: "joe", Excluded: true},
			{Field: "event.code", Operator: sekoia.FilterContains, Value: 4625}},
		Earliest:       sekoia.AbsoluteTime(time.Date(2024, 4, 25, 12, 0, 23, 500_000_000, time.FixedZone("CEST", 7200))),
		Latest:         sekoia.RelativeTime("-5m"),
		MaxLastEvents:  100,
		CommunityUUIDs: []string{"52bd045f-4199-4361-8267-cdebfc784392"},
		Visible:        true,
		DateField:      "event.created",
		OnlyEternal:    true,
		ResultsTTL:     30 * time.Minute,
		ViewUUID:       "0c7a52e1-9d3b-4f6e-8a2c-1b4d5e6f7a8b",
	})
	if err != nil {
		t.Fatal(err)
	}
	if job.UUID != "df904d2e-2c57-488f-9a3b-5b1f0e4c7a21" || job.Status != sekoia.JobNotStarted || job.ResultsTTL != 30*time.Minute {
		t.Errorf("job = %+v", job)
	}
	if want := time.Date(2024, 4, 30, 13, 50, 4, 876962000, time.UTC); !job.CreatedAt.Equal(want) {
		t.Errorf("CreatedAt = %v, want %v", job.CreatedAt, want)
	}
	if !job.StartedAt.IsZero() || !job.EndedAt.IsZero() || job.MaxLastEvents != 0 {
		t.Errorf("null fields not zero: %+v", job)
	}
	if job.EarliestTime != "2024-04-25T10:00:23" || len(job.CommunityUUIDs) != 1 {
		t.Errorf("job = %+v", job)
	}
	if string(job.Raw) != strings.TrimSpace(string(readFixture(t, "search_job_created.json"))) {
		t.Errorf("Raw not kept")
	}
	if got, _ := json.Marshal(job); string(got) != string(job.Raw) {
		t.Errorf("MarshalJSON = %s", got)
	}
}

func TestEventsCreateDefaultsWire(t *testing.T) {
	t.Parallel()
	c, mt := searchMock(t)
	mt.RegisterResponder(http.MethodPost, jobsURL, expect(t, wireCall{body: `{
		"term": "*", "earliest_time": "-1d", "latest_time": "now", "visible": false
	}`}, 200, readFixture(t, "search_job_created.json")))
	if _, err := c.Events.Create(context.Background(), sekoia.SearchQuery{Term: "*", Earliest: sekoia.Ago(24 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
}

func TestEventsCreateRefusesBadQuery(t *testing.T) {
	t.Parallel()
	c, _ := searchMock(t) // any request fails the test
	now := time.Now()
	for name, tc := range map[string]struct {
		q    sekoia.SearchQuery
		want string
	}{
		"no earliest":      {sekoia.SearchQuery{Term: "x"}, "Earliest is required"},
		"bad relative":     {sekoia.SearchQuery{Term: "x", Earliest: sekoia.RelativeTime("24h")}, `Earliest "24h"`},
		"bad latest":       {sekoia.SearchQuery{Term: "x", Earliest: sekoia.Ago(time.Hour), Latest: sekoia.RelativeTime("-1y")}, `Latest "-1y"`},
		"reversed":         {sekoia.SearchQuery{Term: "x", Earliest: sekoia.AbsoluteTime(now), Latest: sekoia.AbsoluteTime(now.Add(-time.Hour))}, "is not after Earliest"},
		"no term":          {sekoia.SearchQuery{Earliest: sekoia.Ago(time.Hour)}, "neither a Term nor Filters"},
		"filter no field":  {sekoia.SearchQuery{Earliest: sekoia.Ago(time.Hour), Filters: []sekoia.SearchFilter{{Operator: "contains"}}}, "Filters[0] has no Field"},
		"filter no op":     {sekoia.SearchQuery{Earliest: sekoia.Ago(time.Hour), Filters: []sekoia.SearchFilter{{Field: "a"}}}, "Filters[0] (a) has no Operator"},
		"bad community":    {sekoia.SearchQuery{Term: "x", Earliest: sekoia.Ago(time.Hour), CommunityUUIDs: []string{"nope"}}, `CommunityUUIDs[0] "nope" is not a UUID`},
		"negative maxlast": {sekoia.SearchQuery{Term: "x", Earliest: sekoia.Ago(time.Hour), MaxLastEvents: -1}, "MaxLastEvents -1"},
	} {
		_, err := c.Events.Create(context.Background(), tc.q)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "sekoia: Events.Create: ") {
			t.Errorf("%s: err = %v, want it to contain %q", name, err, tc.want)
		}
	}
}

func TestSearchTimeForms(t *testing.T) {
	t.Parallel()
	for d, want := range map[time.Duration]string{
		24 * time.Hour: "-1d", 14 * 24 * time.Hour: "-2w", 90 * time.Minute: "-90m", 2 * time.Hour: "-2h",
		61 * time.Second: "-61s", 0: "now", 1500 * time.Millisecond: "-1s",
	} {
		if got := sekoia.Ago(d).String(); got != want {
			t.Errorf("Ago(%s) = %q, want %q", d, got, want)
		}
	}
	if got := sekoia.AbsoluteTime(time.Date(2025, 1, 2, 3, 4, 5, 6_000_000, time.UTC)).String(); got != "2025-01-02T03:04:05.006" {
		t.Errorf("AbsoluteTime = %q", got)
	}
	if !(sekoia.SearchTime{}).IsZero() || sekoia.RelativeTime("now").IsZero() {
		t.Error("IsZero")
	}
}

func TestJobStatusString(t *testing.T) {
	t.Parallel()
	want := []string{"not started", "running", "done", "canceled", "failed"}
	for i, w := range want {
		if got := sekoia.JobStatus(i).String(); got != w {
			t.Errorf("JobStatus(%d) = %q, want %q", i, got, w)
		}
	}
	if got := sekoia.JobStatus(9).String(); got != "JobStatus(9)" {
		t.Errorf("unknown = %q", got)
	}
	if sekoia.JobRunning.Finished() || !sekoia.JobFailed.Finished() {
		t.Error("Finished")
	}
}

func TestEventsGetCancelExtendWire(t *testing.T) {
	t.Parallel()
	c, mt := searchMock(t)
	done := readFixture(t, "search_job_done.json")
	mt.RegisterResponder(http.MethodGet, jobsURL+"/"+jobUUID, expect(t, wireCall{}, 200, done))
	mt.RegisterResponder(http.MethodPost, jobsURL+"/"+jobUUID+"/cancel", expect(t, wireCall{}, 200, done))
	mt.RegisterResponder(http.MethodPut, jobsURL+"/"+jobUUID, expect(t, wireCall{body: `{"results_ttl": 3600}`}, 200, done))
	ctx := context.Background()
	job, err := c.Events.Get(ctx, jobUUID)
	if err != nil {
		t.Fatal(err)
	}
	if job.Status != sekoia.JobDone || job.Total != 3 || job.TermLang != sekoia.TermLangDork || job.CreatedByType != "avatar" ||
		job.EndedAt.Sub(job.StartedAt) != time.Second || job.ResultsTTL != 10*time.Minute || job.LatestTime != "now" {
		t.Errorf("job = %+v", job)
	}
	if _, err := c.Events.Cancel(ctx, jobUUID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Events.ExtendTTL(ctx, jobUUID, time.Hour); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Events.ExtendTTL(ctx, jobUUID, time.Millisecond); err == nil || !strings.Contains(err.Error(), "ttl 1ms") {
		t.Errorf("short ttl: %v", err)
	}
	for _, f := range []func() error{
		func() error { _, err := c.Events.Get(ctx, "AL123"); return err },
		func() error { _, err := c.Events.Cancel(ctx, "../x"); return err },
		func() error { _, err := c.Events.ListResults(ctx, "", nil); return err },
	} {
		if err := f(); err == nil || !strings.Contains(err.Error(), "job uuid") {
			t.Errorf("bad uuid accepted: %v", err)
		}
	}
	info := mt.GetCallCountInfo()
	if info["GET "+jobsURL+"/"+jobUUID] != 1 || info["PUT "+jobsURL+"/"+jobUUID] != 1 {
		t.Errorf("calls = %v", info)
	}
}

// eventsPage builds a results page of n events numbered from first.
func eventsPage(first, n, total int) []byte {
	var b strings.Builder
	b.WriteString(`{"items":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"__event_id":"ev` + strconv.Itoa(first+i) + `","timestamp":"2024-04-25T14:11:10.652Z","n":` + strconv.Itoa(first+i) + `}`)
	}
	b.WriteString(`],"total":` + strconv.Itoa(total) + `}`)
	return []byte(b.String())
}

func TestEventsResultsPageWire(t *testing.T) {
	t.Parallel()
	c, mt := searchMock(t)
	mt.RegisterResponder(http.MethodGet, jobsURL+"/"+jobUUID+"/events", expect(t, wireCall{query: url.Values{
		"limit": {"50"}, "offset": {"10"}, "earliest_time": {"1714000000"}, "latest_time": {"1714003600.5"},
	}}, 200, readFixture(t, "search_events_page.json")))
	p, err := c.Events.ListResults(context.Background(), jobUUID, &sekoia.ResultsOptions{
		Limit: 50, Offset: 10, Earliest: time.Unix(1714000000, 0), Latest: time.Unix(1714003600, 500_000_000),
	})
	if err != nil {
		t.Fatal(err)
	}
	if p.Total != 1 || len(p.Items) != 1 {
		t.Fatalf("page = %+v", p)
	}
	ev := p.Items[0]
	if ev.ID() != "ZXZlbnRzLTUyYmQwNDVmLTQxOTktNDM2MS04MjY3LWNkZWJmYzc4NDM5Mi0" || ev.Text("host.name") != "laptop-test" {
		t.Errorf("event = %s", ev.Raw)
	}
	if n, ok := ev.Int("process.pid"); !ok || n != 623 {
		t.Errorf("process.pid = %d %v", n, ok)
	}
	if got := ev.Strings("sekoiaio.any_asset.uuid"); !cmp.Equal(got, []string{"85dbcf0f-cc30-421e", "9d99b786-6eaf-46d7"}) {
		t.Errorf("Strings = %q", got)
	}
	if got := ev.Timestamp(); !got.Equal(time.Date(2024, 4, 25, 14, 11, 10, 652_000_000, time.UTC)) {
		t.Errorf("Timestamp = %v", got)
	}
	for _, bad := range []*sekoia.ResultsOptions{{Limit: 1001}, {Limit: -1}, {Offset: -1}} {
		if _, err := c.Events.ListResults(context.Background(), jobUUID, bad); err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
}

func TestEventsResultsIterates(t *testing.T) {
	t.Parallel()
	c, mt := searchMock(t)
	u := jobsURL + "/" + jobUUID + "/events"
	// total is an estimate below the truth: the iterator keeps going until a
	// short page.
	mt.RegisterResponder(http.MethodGet, u, expect(t, wireCall{query: url.Values{"limit": {"2"}, "offset": {"0"}}}, 200, eventsPage(0, 2, 3)).
		Then(expect(t, wireCall{query: url.Values{"limit": {"2"}, "offset": {"2"}}}, 200, eventsPage(2, 2, 3))).
		Then(expect(t, wireCall{query: url.Values{"limit": {"2"}, "offset": {"4"}}}, 200, eventsPage(4, 1, 3))))
	opts := &sekoia.ResultsOptions{Limit: 2}
	var ids []string
	for ev, err := range c.Events.AllResults(context.Background(), jobUUID, opts) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, ev.ID())
	}
	if d := cmp.Diff([]string{"ev0", "ev1", "ev2", "ev3", "ev4"}, ids); d != "" {
		t.Error(d)
	}
	if opts.Limit != 2 || opts.Offset != 0 {
		t.Errorf("options mutated: %+v", opts)
	}
}

func TestEventsResultsBreakAndExpired(t *testing.T) {
	t.Parallel()
	c, mt := searchMock(t)
	u := jobsURL + "/" + jobUUID + "/events"
	var calls atomic.Int32
	mt.RegisterResponder(http.MethodGet, u, func(r *http.Request) (*http.Response, error) {
		calls.Add(1)
		off, _ := strconv.Atoi(r.URL.Query().Get("offset"))
		if off >= 4 {
			return httpmock.NewStringResponse(410, `{"message":"The event search job has expired"}`), nil
		}
		return httpmock.NewBytesResponse(200, eventsPage(off, 2, 100)), nil
	})
	// break after the first event: at most the prefetched page is requested.
	for range c.Events.AllResults(context.Background(), jobUUID, &sekoia.ResultsOptions{Limit: 2}) {
		break
	}
	if n := calls.Load(); n > 2 {
		t.Errorf("break: %d requests", n)
	}
	var n int
	var last error
	for _, err := range c.Events.AllResults(context.Background(), jobUUID, &sekoia.ResultsOptions{Limit: 2}) {
		if err != nil {
			last = err
			break
		}
		n++
	}
	if n != 4 || !errors.Is(last, sekoia.ErrJobExpired) {
		t.Fatalf("n = %d, err = %v", n, last)
	}
	var ae *sekoia.APIError
	if !errors.As(last, &ae) || ae.StatusCode != 410 || ae.Message != "The event search job has expired" {
		t.Errorf("APIError = %+v", ae)
	}
	// Bad options come out of the iterator before any request.
	for _, err := range c.Events.AllResults(context.Background(), jobUUID, &sekoia.ResultsOptions{Limit: 5000}) {
		if err == nil || !strings.Contains(err.Error(), "Limit 5000 is out of range 1..1000") {
			t.Errorf("err = %v", err)
		}
	}
}

func TestEventsFieldsWire(t *testing.T) {
	t.Parallel()
	c, mt := searchMock(t)
	u := jobsURL + "/" + jobUUID + "/fields"
	mt.RegisterResponder(http.MethodGet, u, expect(t, wireCall{query: url.Values{"limit": {"100"}, "offset": {"0"}}}, 200, readFixture(t, "search_fields.json")).
		Then(expect(t, wireCall{query: url.Values{"limit": {"1"}, "offset": {"0"}}}, 200, []byte(`{"items":[{"name":"a"}],"total":2,"retrieved":4}`))).
		Then(expect(t, wireCall{query: url.Values{"limit": {"1"}, "offset": {"1"}}}, 200, []byte(`{"items":[{"name":"b"}],"total":2,"retrieved":4}`))).
		Then(httpmock.NewStringResponder(410, `{"message":"expired"}`)))
	p, err := c.Events.ListFields(context.Background(), jobUUID, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := &sekoia.Page[sekoia.SearchField]{Total: 2, Items: []sekoia.SearchField{
		{Name: "host.name", DisplayName: "host.name", ValueType: "string", MostCommonValues: []sekoia.SearchFieldValue{{Name: "laptop-test", Percent: 75}, {Name: "srv-01", Percent: 25}}},
		{Name: "process.pid", DisplayName: "process.pid", Description: "The process id", ValueType: "number", MostCommonValues: []sekoia.SearchFieldValue{{Name: "623", Percent: 100}}},
	}}
	if d := cmp.Diff(want, p); d != "" {
		t.Error(d)
	}
	var names []string
	for f, err := range c.Events.AllFields(context.Background(), jobUUID, &sekoia.FieldsOptions{Limit: 1}) {
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, f.Name)
	}
	if d := cmp.Diff([]string{"a", "b"}, names); d != "" {
		t.Error(d)
	}
	if _, err := c.Events.ListFields(context.Background(), jobUUID, nil); !errors.Is(err, sekoia.ErrJobExpired) {
		t.Errorf("410: %v", err)
	}
	if _, err := c.Events.ListFields(context.Background(), jobUUID, &sekoia.FieldsOptions{Limit: 1001}); err == nil {
		t.Error("limit 1001 accepted")
	}
}

// jobWithStatus renders a job in state s.
func jobWithStatus(s int) []byte {
	return []byte(`{"uuid":"` + jobUUID + `","status":` + strconv.Itoa(s) + `,"total":3,"results_ttl":600,"expired":false}`)
}

// statusResponder answers the job's reads with the given states in turn,
// the last one forever.
func statusResponder(states ...int) (httpmock.Responder, *atomic.Int32) {
	var n atomic.Int32
	return func(*http.Request) (*http.Response, error) {
		i := int(n.Add(1)) - 1
		return httpmock.NewBytesResponse(200, jobWithStatus(states[min(i, len(states)-1)])), nil
	}, &n
}

func TestEventsWait(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		c, mt := searchMock(t)
		r, n := statusResponder(0, 0, 1, 1, 2)
		mt.RegisterResponder(http.MethodGet, jobsURL+"/"+jobUUID, r)
		start := time.Now()
		job, err := c.Events.Wait(context.Background(), jobUUID, &sekoia.WaitOptions{PollInterval: time.Second, MaxPollInterval: 2 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		if job.Status != sekoia.JobDone || n.Load() != 5 {
			t.Errorf("status %s after %d reads", job.Status, n.Load())
		}
		// waits: ~1s, 1.5s, 2s, 2s (±20 %)
		if el := time.Since(start); el < 5*time.Second || el > 8*time.Second {
			t.Errorf("waited %s", el)
		}
	})
}

func TestEventsWaitTerminalStates(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		state int
		want  error
	}{{3, sekoia.ErrJobCanceled}, {4, sekoia.ErrJobFailed}} {
		synctest.Test(t, func(t *testing.T) {
			c, mt := searchMock(t)
			r, _ := statusResponder(1, tc.state)
			mt.RegisterResponder(http.MethodGet, jobsURL+"/"+jobUUID, r)
			_, err := c.Events.Wait(context.Background(), jobUUID, nil)
			var je *sekoia.JobError
			if !errors.Is(err, tc.want) || !errors.As(err, &je) || je.Job.Status != sekoia.JobStatus(tc.state) {
				t.Fatalf("err = %v", err)
			}
			if !strings.Contains(err.Error(), jobUUID) {
				t.Errorf("message %q lacks the uuid", err)
			}
		})
	}
}

func TestEventsWaitTimeouts(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		c, mt := searchMock(t)
		r, _ := statusResponder(0)
		mt.RegisterResponder(http.MethodGet, jobsURL+"/"+jobUUID, r)
		start := time.Now()
		_, err := c.Events.Wait(context.Background(), jobUUID, &sekoia.WaitOptions{StartTimeout: time.Minute, RunTimeout: time.Hour})
		var je *sekoia.JobError
		if !errors.Is(err, sekoia.ErrJobTimeout) || !errors.As(err, &je) || je.Job.Status != sekoia.JobNotStarted {
			t.Fatalf("err = %v", err)
		}
		if el := time.Since(start); el != time.Minute {
			t.Errorf("gave up after %s, want 1m", el)
		}
		if !strings.Contains(err.Error(), "did not start") {
			t.Errorf("message = %q", err)
		}
	})
	synctest.Test(t, func(t *testing.T) {
		c, mt := searchMock(t)
		r, _ := statusResponder(0, 0, 0, 1)
		mt.RegisterResponder(http.MethodGet, jobsURL+"/"+jobUUID, r)
		// The run limit counts from the first read that saw the job running.
		start := time.Now()
		_, err := c.Events.Wait(context.Background(), jobUUID, &sekoia.WaitOptions{StartTimeout: time.Hour, RunTimeout: 30 * time.Second, PollInterval: time.Second, MaxPollInterval: time.Second})
		if !errors.Is(err, sekoia.ErrJobTimeout) || !strings.Contains(err.Error(), "did not finish") {
			t.Fatalf("err = %v", err)
		}
		if el := time.Since(start); el < 32*time.Second || el > 34*time.Second {
			t.Errorf("gave up after %s", el)
		}
	})
	synctest.Test(t, func(t *testing.T) {
		c, mt := searchMock(t)
		r, _ := statusResponder(1)
		mt.RegisterResponder(http.MethodGet, jobsURL+"/"+jobUUID, r)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if _, err := c.Events.Wait(ctx, jobUUID, nil); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("err = %v", err)
		}
	})
	c, _ := searchMock(t)
	if _, err := c.Events.Wait(context.Background(), jobUUID, &sekoia.WaitOptions{RunTimeout: -1}); err == nil {
		t.Error("negative RunTimeout accepted")
	}
}

func TestEventsSearchAllWire(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		c, mt := searchMock(t)
		mt.RegisterResponder(http.MethodPost, jobsURL, expect(t, wireCall{body: `{"term":"x","earliest_time":"-1h","latest_time":"now","visible":false}`}, 200, jobWithStatus(0)))
		r, _ := statusResponder(1, 2)
		mt.RegisterResponder(http.MethodGet, jobsURL+"/"+jobUUID, r)
		mt.RegisterResponder(http.MethodGet, jobsURL+"/"+jobUUID+"/events",
			expect(t, wireCall{query: url.Values{"limit": {"3"}, "offset": {"0"}}}, 200, eventsPage(0, 3, 5)).
				Then(expect(t, wireCall{query: url.Values{"limit": {"3"}, "offset": {"3"}}}, 200, eventsPage(3, 2, 5))))
		var got []int64
		for ev, err := range c.Events.SearchAll(context.Background(), sekoia.SearchQuery{Term: "x", Earliest: sekoia.Ago(time.Hour)}, &sekoia.SearchOptions{Limit: 3}) {
			if err != nil {
				t.Fatal(err)
			}
			n, _ := ev.Int("n")
			got = append(got, n)
		}
		if d := cmp.Diff([]int64{0, 1, 2, 3, 4}, got); d != "" {
			t.Error(d)
		}
	})
}

func TestEventsSearchCancelsOnTimeout(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		c, mt := searchMock(t)
		mt.RegisterResponder(http.MethodPost, jobsURL, httpmock.NewBytesResponder(200, jobWithStatus(0)))
		r, _ := statusResponder(1)
		mt.RegisterResponder(http.MethodGet, jobsURL+"/"+jobUUID, r)
		mt.RegisterResponder(http.MethodPost, jobsURL+"/"+jobUUID+"/cancel", httpmock.NewBytesResponder(200, jobWithStatus(3)))
		_, err := c.Events.Search(context.Background(), sekoia.SearchQuery{Term: "x", Earliest: sekoia.Ago(time.Hour)},
			&sekoia.SearchOptions{Wait: sekoia.WaitOptions{RunTimeout: 10 * time.Second}})
		if !errors.Is(err, sekoia.ErrJobTimeout) {
			t.Fatalf("err = %v", err)
		}
		if n := mt.GetCallCountInfo()["POST "+jobsURL+"/"+jobUUID+"/cancel"]; n != 1 {
			t.Errorf("cancel calls = %d", n)
		}
	})
}
