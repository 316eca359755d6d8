package sentinelone

import (
	"context"
	"errors"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

var (
	dvFrom = time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	dvTo   = time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
)

const dvEventsPage1 = `{"data":[{"id":"e1","objectType":"process","eventType":"Process Creation","createdAt":"2026-12-02T10:00:00.000000Z",` +
	`"agentName":"web-01","processName":"powershell.exe","pid":4242,"srcPort":null},` +
	`{"id":"e2","objectType":"process","createdAt":"2026-12-02T10:00:01.000000Z","agentName":"web-01","pid":"17"}],` +
	`"pagination":{"nextCursor":"c2","totalItems":3}}`
const dvEventsPage2 = `{"data":[{"id":"e3","objectType":"dns","createdAt":"2026-12-02T10:00:02.000000Z","dnsRequest":"example.org"}],"pagination":{"nextCursor":null,"totalItems":3}}`

func fastWait() DVWaitOptions {
	return DVWaitOptions{PollInterval: time.Millisecond, MaxPollInterval: time.Millisecond, Timeout: 5 * time.Second}
}

func TestDVCreateStatusCancelWire(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWire(t)
	c := newTestClient(t, w)
	w.on("POST", "/dv/init-query", nil, `{"query":"AgentName = \"web-01\"","fromDate":"2026-12-02T09:00:00.000000Z","toDate":"2026-12-03T09:00:00.000000Z",`+
		`"limit":500,"siteIds":["5"],"groupIds":["7"],"tenant":true,"isVerbose":true}`, 200, `{"data":{"queryId":"q123","queryModeInfo":{"mode":"scalyr"}}}`)
	id, err := c.DeepVisibility.Create(ctx, DVQuery{Query: `AgentName = "web-01"`, From: dvFrom, To: dvTo, SiteIDs: []string{"5"}, GroupIDs: []string{"7"},
		Tenant: true, Limit: 500, Verbose: true}, nil)
	if err != nil || id != "q123" {
		t.Fatalf("Create = %q, %v", id, err)
	}
	w.on("POST", "/dv/init-query", nil, `{"query":"x","fromDate":"2026-12-02T09:00:00.000000Z","toDate":"2026-12-03T09:00:00.000000Z","limit":20000}`, 200, `{"data":{"queryId":"q124"}}`)
	if id, err := c.DeepVisibility.Create(ctx, DVQuery{Query: "x", From: dvFrom, To: dvTo}, nil); err != nil || id != "q124" {
		t.Fatalf("Create default limit = %q, %v", id, err)
	}
	w.on("GET", "/dv/query-status", vals("queryId", "q123"), "", 200, `{"data":{"responseState":"EVENTS_RUNNING","progressStatus":42,"responseError":null}}`)
	st, err := c.DeepVisibility.Status(ctx, "q123")
	if err != nil || st.State != QueryEventsRunning || st.Progress != 42 || st.State.Ended() {
		t.Fatalf("Status = %+v, %v", st, err)
	}
	w.on("POST", "/dv/cancel-query", nil, `{"queryId":"q123"}`, 200, `{"data":{"success":true}}`)
	if err := c.DeepVisibility.Cancel(ctx, "q123"); err != nil {
		t.Fatal(err)
	}
}

func TestDVCreateNotRetried(t *testing.T) {
	t.Parallel()
	w := newWire(t)
	c := newTestClient(t, w)
	w.on("POST", "/dv/init-query", nil, `{"query":"x","fromDate":"2026-12-02T09:00:00.000000Z","toDate":"2026-12-03T09:00:00.000000Z","limit":20000}`, 503, `{"errors":[{"code":5030010,"title":"Service unavailable"}]}`)
	_, err := c.DeepVisibility.Create(context.Background(), DVQuery{Query: "x", From: dvFrom, To: dvTo}, nil)
	if !errors.Is(err, ErrServer) || w.count() != 1 {
		t.Errorf("err = %v after %d requests", err, w.count())
	}
}

func TestDVEventsWire(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWire(t)
	c := newTestClient(t, w)
	w.on("GET", "/dv/events", vals("queryId", "q1", "limit", "2", "sortBy", "createdAt", "sortOrder", "asc", "subQuery", `ProcessName = "x"`), "", 200, dvEventsPage1)
	w.on("GET", "/dv/events", vals("queryId", "q1", "limit", "2", "sortBy", "createdAt", "sortOrder", "asc", "subQuery", `ProcessName = "x"`, "cursor", "c2"), "", 200, dvEventsPage2)
	var ids []string
	for ev, err := range c.DeepVisibility.AllEvents(ctx, "q1", &DVEventsOptions{Limit: 2, SortBy: "createdAt", SortOrder: SortAsc, SubQuery: `ProcessName = "x"`}) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, ev.ID)
		if ev.ID == "e1" && (ev.PID != "4242" || ev.AgentName != "web-01" || ev.EventType != "Process Creation" || ev.SrcPort != "" ||
			!ev.CreatedAt.Equal(time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)) || !strings.HasPrefix(string(ev.Raw), `{"id":"e1"`)) {
			t.Errorf("e1 = %+v", ev)
		}
		if ev.ID == "e3" && ev.DNSRequest != "example.org" {
			t.Errorf("e3 = %+v", ev)
		}
	}
	if strings.Join(ids, ",") != "e1,e2,e3" {
		t.Errorf("ids = %v", ids)
	}
	w.on("GET", "/dv/events/process", vals("queryId", "q1", "limit", "1000", "cursor", "abc"), "", 200, dvEventsPage2)
	p, err := c.DeepVisibility.ListEvents(ctx, "q1", &DVEventsOptions{Type: DVProcess, Cursor: "abc"})
	if err != nil || len(p.Items) != 1 || p.NextCursor != "" || p.Total != 3 {
		t.Fatalf("EventsPage = %+v, %v", p, err)
	}
	b, _ := p.Items[0].MarshalJSON()
	if string(b) != `{"id":"e3","objectType":"dns","createdAt":"2026-12-02T10:00:02.000000Z","dnsRequest":"example.org"}` {
		t.Errorf("raw = %s", b)
	}
}

func TestDVWaitStates(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWire(t)
	c := newTestClient(t, w)
	opts := fastWait()
	for _, s := range []string{"PLANNING", "RUNNING", "SOMETHING_NEW", "EVENTS_RUNNING", "FINISHED"} {
		w.on("GET", "/dv/query-status", vals("queryId", "q1"), "", 200, `{"data":{"responseState":"`+s+`","progressStatus":50}}`)
	}
	st, err := c.DeepVisibility.Wait(ctx, "q1", &opts)
	if err != nil || st.State != QueryFinished {
		t.Fatalf("Wait = %+v, %v", st, err)
	}
	cases := map[string]error{"FAILED": ErrQueryFailed, "FAILED_CLIENT": ErrQueryFailed, "ERROR": ErrQueryFailed, "TIMED_OUT": ErrQueryTimedOut,
		"QUERY_CANCELLED": ErrQueryCanceled, "QUERY_CANCEL": ErrQueryCanceled, "QUERY_EXPIRED": ErrQueryExpired, "QUERY_NOT_FOUND": ErrQueryNotFound}
	for state, want := range cases {
		w.on("GET", "/dv/query-status", vals("queryId", "q2"), "", 200, `{"data":{"responseState":"RUNNING","progressStatus":10}}`)
		w.on("GET", "/dv/query-status", vals("queryId", "q2"), "", 200, `{"data":{"responseState":"`+state+`","progressStatus":10,"responseError":"bad field Foo"}}`)
		_, err := c.DeepVisibility.Wait(ctx, "q2", &opts)
		var qe *QueryError
		if !errors.Is(err, want) || !errors.As(err, &qe) || qe.State != QueryState(state) || qe.QueryID != "q2" {
			t.Errorf("%s: err = %v", state, err)
		}
		if state == "FAILED" && !strings.Contains(err.Error(), "bad field Foo") {
			t.Errorf("FAILED: %v", err)
		}
	}
}

func TestDVWaitTimeout(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		w := newWire(t)
		c := newTestClient(t, w)
		for range 6 {
			w.on("GET", "/dv/query-status", vals("queryId", "q1"), "", 200, `{"data":{"responseState":"RUNNING","progressStatus":1}}`).optional = true
		}
		start := time.Now()
		_, err := c.DeepVisibility.Wait(context.Background(), "q1", &DVWaitOptions{PollInterval: time.Second, MaxPollInterval: 2 * time.Second, Timeout: 5 * time.Second})
		if !errors.Is(err, ErrQueryTimedOut) || !strings.Contains(err.Error(), "not finished within the wait's timeout") {
			t.Errorf("err = %v", err)
		}
		if waited := time.Since(start); waited != 5*time.Second {
			t.Errorf("gave up after %s, want the 5s timeout", waited)
		}
		if n := w.count(); n < 4 || n > 6 {
			t.Errorf("%d status reads", n)
		}
	})
}

// TestDVSearchAllCancelOnBreak: a loop that stops early cancels the query.
func TestDVSearchAllCancelOnBreak(t *testing.T) {
	t.Parallel()
	w := newWire(t)
	c := newTestClient(t, w)
	w.on("POST", "/dv/init-query", nil, `{"query":"x","fromDate":"2026-12-02T09:00:00.000000Z","toDate":"2026-12-03T09:00:00.000000Z","limit":20000}`, 200, `{"data":{"queryId":"q9"}}`)
	w.on("GET", "/dv/query-status", vals("queryId", "q9"), "", 200, `{"data":{"responseState":"RUNNING","progressStatus":10}}`)
	w.on("GET", "/dv/query-status", vals("queryId", "q9"), "", 200, `{"data":{"responseState":"FINISHED","progressStatus":100}}`)
	w.on("GET", "/dv/events", vals("queryId", "q9", "limit", "2"), "", 200, dvEventsPage1)
	w.on("GET", "/dv/events", vals("queryId", "q9", "limit", "2", "cursor", "c2"), "", 200, dvEventsPage2).optional = true // prefetch
	w.on("POST", "/dv/cancel-query", nil, `{"queryId":"q9"}`, 200, `{"data":{"success":true}}`)
	n := 0
	for _, err := range c.DeepVisibility.SearchAll(context.Background(), DVQuery{Query: "x", From: dvFrom, To: dvTo}, &DVSearchOptions{Wait: fastWait(), Events: DVEventsOptions{Limit: 2}}) {
		if err != nil {
			t.Fatal(err)
		}
		n++
		break
	}
	if n != 1 {
		t.Errorf("n = %d", n)
	}
}

// TestDVSearchAllReadToEnd: a query read to the end is not canceled; a
// query that reached its limit ends with ErrTooManyResults.
func TestDVSearchAllReadToEnd(t *testing.T) {
	t.Parallel()
	w := newWire(t)
	c := newTestClient(t, w)
	for _, limit := range []string{"3", "4"} {
		w.on("POST", "/dv/init-query", nil, `{"query":"x","fromDate":"2026-12-02T09:00:00.000000Z","toDate":"2026-12-03T09:00:00.000000Z","limit":`+limit+`}`, 200, `{"data":{"queryId":"q`+limit+`"}}`)
		w.on("GET", "/dv/query-status", vals("queryId", "q"+limit), "", 200, `{"data":{"responseState":"FINISHED","progressStatus":100}}`)
		w.on("GET", "/dv/events", vals("queryId", "q"+limit, "limit", "1000"), "", 200, strings.Replace(dvEventsPage1, `"c2"`, `"c3"`, 1))
		w.on("GET", "/dv/events", vals("queryId", "q"+limit, "limit", "1000", "cursor", "c3"), "", 200, dvEventsPage2)
	}
	run := func(limit int) (int, error) {
		n := 0
		for _, err := range c.DeepVisibility.SearchAll(context.Background(), DVQuery{Query: "x", From: dvFrom, To: dvTo, Limit: limit}, &DVSearchOptions{Wait: fastWait()}) {
			if err != nil {
				return n, err
			}
			n++
		}
		return n, nil
	}
	n, err := run(3)
	var qe *QueryError
	if n != 3 || !errors.Is(err, ErrTooManyResults) || !errors.As(err, &qe) || qe.Limit != 3 || !strings.Contains(err.Error(), "limit of 3") {
		t.Errorf("limit 3: %d events, %v", n, err)
	}
	if n, err := run(4); n != 3 || err != nil {
		t.Errorf("limit 4: %d events, %v", n, err)
	}
}

// TestDVSearchAllFailsMidway: a query that fails while it runs yields a
// typed error and is canceled; one whose events fail after a page is
// canceled too.
func TestDVSearchAllFailsMidway(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWire(t)
	c := newTestClient(t, w, WithMaxRetries(0))
	body := `{"query":"x","fromDate":"2026-12-02T09:00:00.000000Z","toDate":"2026-12-03T09:00:00.000000Z","limit":20000}`
	w.on("POST", "/dv/init-query", nil, body, 200, `{"data":{"queryId":"qa"}}`)
	w.on("GET", "/dv/query-status", vals("queryId", "qa"), "", 200, `{"data":{"responseState":"RUNNING","progressStatus":30}}`)
	w.on("GET", "/dv/query-status", vals("queryId", "qa"), "", 200, `{"data":{"responseState":"FAILED","progressStatus":30,"responseError":"Query exceeded memory"}}`)
	w.on("POST", "/dv/cancel-query", nil, `{"queryId":"qa"}`, 200, `{"data":{"success":true}}`)
	var got []error
	for _, err := range c.DeepVisibility.SearchAll(ctx, DVQuery{Query: "x", From: dvFrom, To: dvTo}, &DVSearchOptions{Wait: fastWait()}) {
		got = append(got, err)
	}
	if len(got) != 1 || !errors.Is(got[0], ErrQueryFailed) || !strings.Contains(got[0].Error(), "Query exceeded memory") {
		t.Fatalf("failed query: %v", got)
	}

	w.on("POST", "/dv/init-query", nil, body, 200, `{"data":{"queryId":"qb"}}`)
	w.on("GET", "/dv/query-status", vals("queryId", "qb"), "", 200, `{"data":{"responseState":"FINISHED","progressStatus":100}}`)
	w.on("GET", "/dv/events", vals("queryId", "qb", "limit", "1000"), "", 200, dvEventsPage1)
	w.on("GET", "/dv/events", vals("queryId", "qb", "limit", "1000", "cursor", "c2"), "", 400, `{"errors":[{"code":4000010,"title":"Bad parameter given","detail":"query expired"}]}`)
	w.on("GET", "/dv/query-status", vals("queryId", "qb"), "", 200, `{"data":{"responseState":"QUERY_EXPIRED","progressStatus":100}}`)
	w.on("POST", "/dv/cancel-query", nil, `{"queryId":"qb"}`, 200, `{"data":{"success":true}}`)
	n := 0
	var last error
	for _, err := range c.DeepVisibility.SearchAll(ctx, DVQuery{Query: "x", From: dvFrom, To: dvTo}, &DVSearchOptions{Wait: fastWait()}) {
		if err != nil {
			last = err
			continue
		}
		n++
	}
	var api *APIError
	if n != 2 || !errors.Is(last, ErrQueryExpired) || !errors.As(last, &api) || api.StatusCode != 400 {
		t.Errorf("expired midway: %d events, %v", n, last)
	}
}

func TestDVKeepQuery(t *testing.T) {
	t.Parallel()
	w := newWire(t)
	c := newTestClient(t, w)
	w.on("POST", "/dv/init-query", nil, `{"query":"x","fromDate":"2026-12-02T09:00:00.000000Z","toDate":"2026-12-03T09:00:00.000000Z","limit":20000}`, 200, `{"data":{"queryId":"q9"}}`)
	w.on("GET", "/dv/query-status", vals("queryId", "q9"), "", 200, `{"data":{"responseState":"FINISHED","progressStatus":100}}`)
	w.on("GET", "/dv/events", vals("queryId", "q9", "limit", "1000"), "", 200, dvEventsPage1)
	w.on("GET", "/dv/events", vals("queryId", "q9", "limit", "1000", "cursor", "c2"), "", 200, dvEventsPage2).optional = true
	for range c.DeepVisibility.SearchAll(context.Background(), DVQuery{Query: "x", From: dvFrom, To: dvTo}, &DVSearchOptions{Wait: fastWait(), KeepQuery: true}) {
		break // no cancel-query expected
	}
}

func TestDVRefusals(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := newTestClient(t, newWire(t))
	q := DVQuery{Query: "x", From: dvFrom, To: dvTo}
	bad := func(f func(*DVQuery)) DVQuery { v := q; f(&v); return v }
	cases := map[string]func() error{
		"Query is empty": func() error {
			_, err := c.DeepVisibility.Create(ctx, bad(func(v *DVQuery) { v.Query = " " }), nil)
			return err
		},
		"From and To": func() error {
			_, err := c.DeepVisibility.Create(ctx, bad(func(v *DVQuery) { v.From = time.Time{} }), nil)
			return err
		},
		"is before From": func() error {
			_, err := c.DeepVisibility.Create(ctx, bad(func(v *DVQuery) { v.To = dvFrom.Add(-1) }), nil)
			return err
		},
		"Limit 100001": func() error {
			_, err := c.DeepVisibility.Create(ctx, bad(func(v *DVQuery) { v.Limit = 100001 }), nil)
			return err
		},
		"SiteIDs has an empty": func() error {
			_, err := c.DeepVisibility.Create(ctx, bad(func(v *DVQuery) { v.SiteIDs = []string{""} }), nil)
			return err
		},
		"Status: query id is": func() error { _, err := c.DeepVisibility.Status(ctx, ""); return err },
		"is not a query id":   func() error { return c.DeepVisibility.Cancel(ctx, "q1&limit=5") },
		`Type "proc"`: func() error {
			_, err := c.DeepVisibility.ListEvents(ctx, "q1", &DVEventsOptions{Type: "proc"})
			return err
		},
		"Limit 1001": func() error {
			_, err := c.DeepVisibility.ListEvents(ctx, "q1", &DVEventsOptions{Limit: 1001})
			return err
		},
		`SortOrder "up"`: func() error {
			_, err := c.DeepVisibility.ListEvents(ctx, "q1", &DVEventsOptions{SortOrder: "up"})
			return err
		},
		"PollInterval -1ns": func() error { _, err := c.DeepVisibility.Wait(ctx, "q1", &DVWaitOptions{PollInterval: -1}); return err },
		"Events.Cursor must be": func() error {
			return firstErr(c.DeepVisibility.SearchAll(ctx, q, &DVSearchOptions{Events: DVEventsOptions{Cursor: "c"}}))
		},
		"SearchAll: Query is emp": func() error { return firstErr(c.DeepVisibility.SearchAll(ctx, DVQuery{}, nil)) },
	}
	for want, run := range cases {
		if err := run(); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("err = %v, want %q", err, want)
		}
	}
}

func firstErr[T any](seq func(func(T, error) bool)) error {
	for _, err := range seq {
		return err
	}
	return nil
}

func TestQueryStateNames(t *testing.T) {
	t.Parallel()
	if QueryEventsRunning.String() != "events running" || !QueryEmptyResults.Finished() || !QueryTimedOut.Ended() || QueryPlanning.Ended() {
		t.Error("QueryState")
	}
	if DVScheduledTask.String() != "scheduled task" || !DVDNS.Valid() || DVEventType("x").Valid() {
		t.Error("DVEventType")
	}
}
