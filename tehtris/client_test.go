package tehtris

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jarcoal/httpmock"
)

const testKey = "k3y-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTU"

func TestCheckTenantID(t *testing.T) {
	t.Parallel()
	good := []string{"abc", "a", "bde", "tri-1", "0ab", strings.Repeat("a", 63), "a-b-c", "123"}
	for _, id := range good {
		if err := CheckTenantID(id); err != nil {
			t.Errorf("CheckTenantID(%q) = %v", id, err)
		}
	}
	bad := []string{
		"", "evil.com/x", "a.b", "a@b", "a:1", "evil.com", "abc.evil.com", "a/b", "a?b", "a#b", "a b", " abc",
		"abc ", "a\tb", "a\nb", "-abc", "abc-", "-", strings.Repeat("a", 64), "ABC", "aBc", "ǅa", "tëst", "аbc", // Cyrillic а
		"a%2eb", "a\\b", "a_b", "[::1]", "127.0.0.1", "a\x00", "ａbc", "xn--", "abc\u200b",
	}
	for _, id := range bad {
		err := CheckTenantID(id)
		if err == nil {
			t.Errorf("CheckTenantID(%q) accepted", id)
			continue
		}
		if !strings.Contains(err.Error(), "tenantID") {
			t.Errorf("CheckTenantID(%q) error %q does not name the argument", id, err)
		}
		// NewClient refuses it too, before building a URL.
		if c, err := NewClient(id, testKey); err == nil {
			t.Errorf("NewClient(%q) built a client for %s", id, c.BaseURL())
		}
	}
}

func TestNewClientBaseURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		tenant string
		opts   []Option
		want   string
	}{
		{"abc", nil, "https://abc.api.tehtris.net/api"},
		{"abc", []Option{WithBaseURL("https://abc.api.tehtris.net:8443/api/")}, "https://abc.api.tehtris.net:8443/api"},
		{"", []Option{WithBaseURL("https://tehtris.example.org/api")}, "https://tehtris.example.org/api"},
		{"", []Option{WithBaseURL("http://127.0.0.1:8080/api")}, "http://127.0.0.1:8080/api"},
	}
	for _, tt := range tests {
		c, err := NewClient(tt.tenant, testKey, tt.opts...)
		if err != nil {
			t.Errorf("NewClient(%q): %v", tt.tenant, err)
			continue
		}
		if c.BaseURL() != tt.want || c.TenantID() != tt.tenant {
			t.Errorf("NewClient(%q): base %s, want %s", tt.tenant, c.BaseURL(), tt.want)
		}
	}
	for _, tc := range []struct {
		tenant, key string
		opts        []Option
		want        string
	}{
		{"abc", "", nil, "apiKey is empty"},
		{"abc", "a b", nil, "white space"},
		{"abc", "a\nb", nil, "white space"},
		{"", testKey, nil, "tenantID is empty"},
		{"a.b", testKey, []Option{WithBaseURL("https://x.example/api")}, "not a DNS label"},
		{"abc", testKey, []Option{WithBaseURL("http://abc.api.tehtris.net/api")}, "plain http"},
		{"abc", testKey, []Option{WithBaseURL("https://u:p@abc.api.tehtris.net/api")}, "user info"},
		{"abc", testKey, []Option{WithBaseURL("https://abc.api.tehtris.net/api?k=1")}, "query"},
		{"abc", testKey, []Option{WithMaxRetries(-1)}, "WithMaxRetries"},
		{"abc", testKey, []Option{WithHTTPClient(nil)}, "WithHTTPClient"},
	} {
		_, err := NewClient(tc.tenant, tc.key, tc.opts...)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "tehtris: ") {
			t.Errorf("NewClient(%q, %q): error %v, want one containing %q", tc.tenant, tc.key, err, tc.want)
		}
	}
}

// mock is a client over a fresh httpmock transport that fails the test on
// any request no responder expects.
func mock(t *testing.T, opts ...Option) (*Client, *httpmock.MockTransport) {
	t.Helper()
	mt := httpmock.NewMockTransport()
	mt.RegisterNoResponder(httpmock.NewNotFoundResponder(t.Fatal))
	all := append([]Option{WithHTTPClient(&http.Client{Transport: mt}), WithRetryWait(time.Millisecond, 2*time.Millisecond)}, opts...)
	c, err := NewClient("abc", testKey, all...)
	if err != nil {
		t.Fatal(err)
	}
	return c, mt
}

const base = "https://abc.api.tehtris.net/api"

var wantAuth = "Basic " + base64.StdEncoding.EncodeToString([]byte("api:"+testKey))

// recorded is what a responder saw.
type recorded struct {
	Method, Path string
	Query        url.Values
	Body         any
	Auth         string
}

type recorder struct {
	mu   sync.Mutex
	reqs []recorded
}

func (r *recorder) record(t *testing.T, req *http.Request) {
	t.Helper()
	rec := recorded{Method: req.Method, Path: req.URL.EscapedPath(), Query: req.URL.Query(), Auth: req.Header.Get("Authorization")}
	if req.Body != nil {
		b, _ := io.ReadAll(req.Body)
		if len(b) > 0 {
			if err := json.Unmarshal(b, &rec.Body); err != nil {
				t.Errorf("request body is not JSON: %q", b)
			}
			if ct := req.Header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type %q", ct)
			}
		}
	}
	r.mu.Lock()
	r.reqs = append(r.reqs, rec)
	r.mu.Unlock()
}

func (r *recorder) check(t *testing.T, want ...recorded) {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := range want {
		if want[i].Auth == "" {
			want[i].Auth = wantAuth
		}
		if want[i].Query == nil {
			want[i].Query = url.Values{}
		}
	}
	if diff := cmp.Diff(want, r.reqs); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
}

func q(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Add(kv[i], kv[i+1])
	}
	return v
}

func pageOf(evs ...string) string { return "[" + strings.Join(evs, ",") + "]" }

func evJSON(id int, ts string) string {
	return `{"id":` + itoa(id) + `,"time":"` + ts + `","rflId":1,"lvl":5,"module":"das","eventName":"HeuristicAlert"}`
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func TestEventsListWire(t *testing.T) {
	t.Parallel()
	c, mt := mock(t)
	var rec recorder
	mt.RegisterResponder(http.MethodGet, base+"/xdr/v1/event", func(req *http.Request) (*http.Response, error) {
		rec.record(t, req)
		return httpmock.NewStringResponse(200, pageOf(evJSON(2, "2024-03-01T10:00:01.000002+00:00"), evJSON(1, "2024-03-01T10:00:00.5+00:00"))), nil
	})
	from := time.Date(2024, 3, 1, 10, 0, 0, 999_000_000, time.UTC)
	to := from.Add(time.Hour)
	query := &EventQuery{From: from, To: to, Limit: 2, Offset: 40, FilterID: "f-1", CreatedOrModified: ByModified}
	orig := *query
	page, err := c.Events.List(context.Background(), query)
	if err != nil {
		t.Fatal(err)
	}
	if orig != *query {
		t.Error("List changed the query")
	}
	rec.check(t, recorded{Method: "GET", Path: "/api/xdr/v1/event", Query: q(
		"fromDate", "1709287200", "toDate", "1709290800", "limit", "2", "offset", "40", "filterID", "f-1", "createdOrModified", "MODIFIED")})
	if len(page.Items) != 2 || page.Items[0].ID != 2 || !page.HasMore || page.NextOffset() != 42 || page.Offset != 40 {
		t.Errorf("page: %+v", page)
	}
	// nil query: defaults only.
	if _, err := c.Events.List(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	rec.reqs = rec.reqs[1:]
	rec.check(t, recorded{Method: "GET", Path: "/api/xdr/v1/event", Query: q("limit", "1000", "offset", "0")})
}

func TestEventsQueryValidation(t *testing.T) {
	t.Parallel()
	c, _ := mock(t) // any request fails the test
	now := time.Now()
	for _, tc := range []struct {
		q    EventQuery
		want string
	}{
		{EventQuery{Limit: 1001}, "limit 1001 is out of range"},
		{EventQuery{Limit: -1}, "limit -1"},
		{EventQuery{Offset: -5}, "offset -5"},
		{EventQuery{From: now, To: now.Add(-time.Second)}, "before from"},
		{EventQuery{From: time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC)}, "before 1970"},
		{EventQuery{CreatedOrModified: "created"}, "createdOrModified"},
		{EventQuery{FilterID: " 12"}, "filter id"},
	} {
		_, err := c.Events.List(context.Background(), &tc.q)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "tehtris: Events.List: ") {
			t.Errorf("List(%+v): %v, want %q", tc.q, err, tc.want)
		}
		n := 0
		for _, err := range c.Events.All(context.Background(), &tc.q) {
			n++
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "Events.All") {
				t.Errorf("All(%+v): %v, want %q", tc.q, err, tc.want)
			}
		}
		if n != 1 {
			t.Errorf("All yielded %d times", n)
		}
	}
}

func TestEventsAllWire(t *testing.T) {
	t.Parallel()
	c, mt := mock(t)
	var rec recorder
	pages := map[string]string{
		"0": pageOf(evJSON(10, "2024-03-01T10:00:03+00:00"), evJSON(9, "2024-03-01T10:00:02+00:00"), evJSON(8, "2024-03-01T10:00:02+00:00")),
		"3": pageOf(evJSON(7, "2024-03-01T10:00:01+00:00"), evJSON(6, "2024-03-01T10:00:01+00:00"), evJSON(5, "2024-03-01T10:00:01+00:00")),
		"6": pageOf(evJSON(4, "2024-03-01T10:00:00+00:00")),
	}
	mt.RegisterResponder(http.MethodGet, base+"/xdr/v1/event", func(req *http.Request) (*http.Response, error) {
		rec.record(t, req)
		return httpmock.NewStringResponse(200, pages[req.URL.Query().Get("offset")]), nil
	})
	from := time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)
	query := &EventQuery{From: from, Limit: 3}
	before := time.Now().Unix()
	var ids []int64
	for ev, err := range c.Events.All(context.Background(), query) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, ev.ID)
	}
	after := time.Now().Unix()
	if diff := cmp.Diff([]int64{10, 9, 8, 7, 6, 5, 4}, ids); diff != "" {
		t.Errorf("ids (-want +got):\n%s", diff)
	}
	if !query.To.IsZero() {
		t.Error("All changed the query")
	}
	// The window is frozen: the three requests carry the same toDate.
	toDate := rec.reqs[0].Query.Get("toDate")
	if n, _ := json.Number(toDate).Int64(); n < before || n > after {
		t.Errorf("toDate %s not the start of the walk", toDate)
	}
	var want []recorded
	for _, off := range []string{"0", "3", "6"} {
		want = append(want, recorded{Method: "GET", Path: "/api/xdr/v1/event",
			Query: q("fromDate", "1709287200", "toDate", toDate, "limit", "3", "offset", off)})
	}
	rec.check(t, want...)

	// Early break: no further page is left running, and a re-run starts
	// again from the first page.
	rec.reqs = nil
	for range c.Events.All(context.Background(), query) {
		break
	}
	for range c.Events.All(context.Background(), query) {
		break
	}
	rec.mu.Lock()
	for _, r := range rec.reqs {
		if off := r.Query.Get("offset"); off != "0" && off != "3" {
			t.Errorf("early break fetched offset %s", off)
		}
	}
	rec.mu.Unlock()
}

func TestEventsAllErrorMidway(t *testing.T) {
	t.Parallel()
	c, mt := mock(t, WithMaxRetries(0))
	mt.RegisterResponder(http.MethodGet, base+"/xdr/v1/event", func(req *http.Request) (*http.Response, error) {
		if req.URL.Query().Get("offset") == "0" {
			return httpmock.NewStringResponse(200, pageOf(evJSON(2, "2024-03-01T10:00:03+00:00"), evJSON(1, "2024-03-01T10:00:02+00:00"))), nil
		}
		return httpmock.NewStringResponse(500, `{"message":"boom `+testKey+`"}`), nil
	})
	var ids []int64
	var errs []error
	for ev, err := range c.Events.All(context.Background(), &EventQuery{Limit: 2}) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		ids = append(ids, ev.ID)
	}
	if len(ids) != 2 || len(errs) != 1 || !errors.Is(errs[0], ErrServer) {
		t.Fatalf("ids %v errs %v", ids, errs)
	}
	if strings.Contains(errs[0].Error(), testKey) {
		t.Errorf("the key leaks into the error: %v", errs[0])
	}
	var ae *APIError
	if !errors.As(errs[0], &ae) || ae.StatusCode != 500 || ae.Path != "/api/xdr/v1/event" {
		t.Errorf("APIError: %+v", ae)
	}
}

func TestEventsListErrors(t *testing.T) {
	t.Parallel()
	c, mt := mock(t, WithMaxRetries(0))
	status := 401
	body := `{"message":"Unauthorized"}`
	mt.RegisterResponder(http.MethodGet, base+"/xdr/v1/event", func(*http.Request) (*http.Response, error) {
		return httpmock.NewStringResponse(status, body), nil
	})
	_, err := c.Events.List(context.Background(), nil)
	if !errors.Is(err, ErrUnauthorized) {
		t.Errorf("401: %v", err)
	}
	status, body = 403, "Forbidden\nmore"
	if _, err = c.Events.List(context.Background(), nil); !errors.Is(err, ErrForbidden) || !strings.Contains(err.Error(), "Forbidden") {
		t.Errorf("403: %v", err)
	}
	status, body = 200, `{"not":"an array"}`
	if _, err = c.Events.List(context.Background(), nil); err == nil || !strings.Contains(err.Error(), "not a JSON array") {
		t.Errorf("object body: %v", err)
	}
	status, body = 200, `[{"id":1,"time":"2024-03-01T10:00:00+00:00"},{"id":2,"time":"soon"}]`
	if _, err = c.Events.List(context.Background(), nil); err == nil || !strings.Contains(err.Error(), "element 1 of 2") || !strings.Contains(err.Error(), "id=2") {
		t.Errorf("bad event: %v", err)
	}
	status, body = 200, `[{"id":1,"time":"2024-03-01T10:00:00+00:00"},{"id":2,"ti`
	if _, err = c.Events.List(context.Background(), nil); err == nil || !strings.Contains(err.Error(), "truncated") {
		t.Errorf("truncated body: %v", err)
	}
}

func TestEventsGetWire(t *testing.T) {
	t.Parallel()
	c, mt := mock(t)
	var rec recorder
	body := pageOf(evJSON(77, "2024-03-01T10:00:03+00:00"))
	mt.RegisterResponder(http.MethodGet, base+"/xdr/v1/event", func(req *http.Request) (*http.Response, error) {
		rec.record(t, req)
		return httpmock.NewStringResponse(200, body), nil
	})
	ev, err := c.Events.Get(context.Background(), 77)
	if err != nil || ev.ID != 77 {
		t.Fatalf("Get: %v %v", ev, err)
	}
	rec.check(t, recorded{Method: "GET", Path: "/api/xdr/v1/event", Query: q("eventId", "77", "limit", "1", "offset", "0")})
	body = "[]"
	if _, err := c.Events.Get(context.Background(), 78); !errors.Is(err, ErrNotFound) || !errors.Is(err, ErrEventNotFound) {
		t.Errorf("missing event: %v", err)
	}
	if _, err := c.Events.Get(context.Background(), 0); err == nil || !strings.Contains(err.Error(), "id 0") {
		t.Errorf("id 0: %v", err)
	}
}

func TestEventsSetStatusWire(t *testing.T) {
	t.Parallel()
	c, mt := mock(t)
	var rec recorder
	mt.RegisterResponder(http.MethodPut, base+"/xdr/v1/event/status/888888888", func(req *http.Request) (*http.Response, error) {
		rec.record(t, req)
		return httpmock.NewStringResponse(204, ""), nil
	})
	ctx := context.Background()
	if err := c.Events.SetStatus(ctx, 888888888, StatusFalsePositive, nil); err != nil {
		t.Fatal(err)
	}
	if err := c.Events.SetStatus(ctx, 888888888, StatusResolved, &SetStatusOptions{Expect: StatusOngoing}); err != nil {
		t.Fatal(err)
	}
	rec.check(t,
		recorded{Method: "PUT", Path: "/api/xdr/v1/event/status/888888888", Body: map[string]any{"status": "false positive", "oldStatus": nil}},
		recorded{Method: "PUT", Path: "/api/xdr/v1/event/status/888888888", Body: map[string]any{"status": "resolved", "oldStatus": "on going"}},
	)
	for _, tc := range []struct {
		id   int64
		st   EventStatus
		opts *SetStatusOptions
		want string
	}{
		{0, StatusChecked, nil, "id 0"},
		{1, "closed", nil, `status "closed"`},
		{1, "False Positive", nil, "is not one of"},
		{1, StatusChecked, &SetStatusOptions{Expect: "new"}, `expected status "new"`},
	} {
		if err := c.Events.SetStatus(ctx, tc.id, tc.st, tc.opts); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("SetStatus(%d, %q): %v, want %q", tc.id, tc.st, err, tc.want)
		}
	}
	for s, name := range map[EventStatus]string{StatusPending: "pending", StatusOngoing: "on going", StatusChecked: "checked",
		StatusIncident: "incident", StatusFalsePositive: "false positive", StatusResolved: "resolved"} {
		if s.String() != name || !s.Valid() {
			t.Errorf("%q: String %q Valid %v", name, s.String(), s.Valid())
		}
	}
	if ByCreated.String() != "CREATED" || ByModified.String() != "MODIFIED" || PowerHard.String() != "hard" {
		t.Error("String of an enum")
	}
}

func TestFiltersListWire(t *testing.T) {
	t.Parallel()
	c, mt := mock(t)
	var rec recorder
	body := `[{"id":12,"name":"Alerts 5+","module":"Endpoint_Active","oldFilterId":null,"folder":false},{"id":"a1b2","name":"Old","oldFilterId":3}]`
	mt.RegisterResponder(http.MethodGet, base+"/xdr/v2/filter", func(req *http.Request) (*http.Response, error) {
		rec.record(t, req)
		return httpmock.NewStringResponse(200, body), nil
	})
	fs, err := items(c.Filters.List(context.Background(), &FilterListOptions{Name: "Alerts", Module: "Endpoint_Active", OldFilterID: "3", FiltersOnly: true, PresetFilters: true}))
	if err != nil {
		t.Fatal(err)
	}
	rec.check(t, recorded{Method: "GET", Path: "/api/xdr/v2/filter", Query: q("name", "Alerts", "module", "Endpoint_Active", "oldFilterId", "3", "filtersOnly", "true", "presetFilters", "true")})
	if len(fs) != 2 || fs[0].ID != "12" || fs[0].Name != "Alerts 5+" || fs[0].OldID != "" || fs[1].ID != "a1b2" || fs[1].OldID != "3" {
		t.Errorf("filters: %+v", fs)
	}
	if string(fs[0].Raw) != `{"id":12,"name":"Alerts 5+","module":"Endpoint_Active","oldFilterId":null,"folder":false}` {
		t.Errorf("Raw: %s", fs[0].Raw)
	}
	body = `{"data":[{"id":5,"name":"x"}]}`
	fs, err = items(c.Filters.List(context.Background(), nil))
	if err != nil || len(fs) != 1 || fs[0].ID != "5" {
		t.Errorf("enveloped: %+v %v", fs, err)
	}
}

const agent = "64a2fa85-0852-4745-81d6-0815eb2d5248"

func TestIsolationWire(t *testing.T) {
	t.Parallel()
	c, mt := mock(t)
	var rec recorder
	path := base + "/edr/v2/live/3/" + agent + "/isolation"
	status := 204
	mt.RegisterResponder(http.MethodPost, path, func(req *http.Request) (*http.Response, error) {
		rec.record(t, req)
		return httpmock.NewStringResponse(status, ""), nil
	})
	mt.RegisterResponder(http.MethodGet, path, func(req *http.Request) (*http.Response, error) {
		rec.record(t, req)
		return httpmock.NewStringResponse(200, `{"status":true}`), nil
	})
	ctx := context.Background()
	ep := Endpoint{ApplianceID: 3, AgentUUID: agent}
	iso, err := c.Endpoints.Isolated(ctx, ep)
	if err != nil || !iso {
		t.Fatalf("Isolated: %v %v", iso, err)
	}
	res, err := c.Endpoints.Isolate(ctx, ep, &IsolationOptions{Power: PowerHard, Persist: true, Allow: []string{"10.0.0.1", "10.0.0.0/8"}})
	if err != nil || res != (IsolationResult{Queued: false, StatusCode: 204}) {
		t.Fatalf("Isolate: %+v %v", res, err)
	}
	status = 202
	res, err = c.Endpoints.Release(ctx, ep, &IsolationOptions{Power: PowerSoft})
	if err != nil || res != (IsolationResult{Queued: true, StatusCode: 202}) {
		t.Fatalf("Release: %+v %v", res, err)
	}
	if _, err := c.Endpoints.Isolate(ctx, Endpoint{ApplianceID: 3, AgentUUID: strings.ToUpper(agent)}, nil); err != nil {
		t.Fatal(err)
	}
	p := "/api/edr/v2/live/3/" + agent + "/isolation"
	rec.check(t,
		recorded{Method: "GET", Path: p},
		recorded{Method: "POST", Path: p, Query: q("isolationAction", "enable", "power", "hard", "persist", "true"),
			Body: map[string]any{"toWhitelist": []any{"10.0.0.1", "10.0.0.0/8"}}},
		recorded{Method: "POST", Path: p, Query: q("isolationAction", "disable", "power", "soft")},
		recorded{Method: "POST", Path: p, Query: q("isolationAction", "enable")},
	)
	status = 409
	_, err = c.Endpoints.Isolate(ctx, ep, nil)
	if !errors.Is(err, ErrConflict) {
		t.Errorf("409: %v", err)
	}
	for _, tc := range []struct {
		ep   Endpoint
		opts *IsolationOptions
		want string
	}{
		{Endpoint{ApplianceID: 1, AgentUUID: "not-a-uuid"}, nil, `agent UUID "not-a-uuid" is not a UUID`},
		{Endpoint{ApplianceID: 1, AgentUUID: "../../xdr/v1/event/status/1"}, nil, "is not a UUID"},
		{Endpoint{ApplianceID: -1, AgentUUID: agent}, nil, "appliance id -1"},
		{ep, &IsolationOptions{Power: "medium"}, `power "medium"`},
		{ep, &IsolationOptions{Allow: []string{""}}, "Allow[0] is empty"},
	} {
		if _, err := c.Endpoints.Isolate(ctx, tc.ep, tc.opts); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Isolate(%v, %+v): %v, want %q", tc.ep, tc.opts, err, tc.want)
		}
	}
	if _, err := c.Endpoints.Release(ctx, ep, &IsolationOptions{Allow: []string{"1.2.3.4"}}); err == nil {
		t.Error("Release with Allow accepted")
	}
}

func TestSetAPIKeyAndUserAgent(t *testing.T) {
	t.Parallel()
	c, mt := mock(t, WithUserAgent("soc-job/1.0"))
	var auths, uas []string
	mt.RegisterResponder(http.MethodGet, base+"/xdr/v2/filter", func(req *http.Request) (*http.Response, error) {
		auths = append(auths, req.Header.Get("Authorization"))
		uas = append(uas, req.Header.Get("User-Agent"))
		return httpmock.NewStringResponse(200, `[]`), nil
	})
	if _, err := c.Filters.List(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if err := c.SetAPIKey(" "); err == nil {
		t.Error("SetAPIKey accepted a blank key")
	}
	if err := c.SetAPIKey("new-key"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Filters.List(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	want := []string{wantAuth, "Basic " + base64.StdEncoding.EncodeToString([]byte("api:new-key"))}
	if diff := cmp.Diff(want, auths); diff != "" {
		t.Errorf("Authorization (-want +got):\n%s", diff)
	}
	if !strings.HasPrefix(uas[0], "soc-job/1.0 socgo-xdr/") {
		t.Errorf("User-Agent %q", uas[0])
	}
}

func TestRetriesOn429(t *testing.T) {
	t.Parallel()
	c, mt := mock(t)
	n := 0
	mt.RegisterResponder(http.MethodGet, base+"/xdr/v1/event", func(*http.Request) (*http.Response, error) {
		n++
		if n < 3 {
			r := httpmock.NewStringResponse(429, `{"message":"slow down"}`)
			r.Header.Set("Retry-After", "0")
			return r, nil
		}
		return httpmock.NewStringResponse(200, `[]`), nil
	})
	page, err := c.Events.List(context.Background(), nil)
	if err != nil || len(page.Items) != 0 || page.HasMore || n != 3 {
		t.Errorf("page %+v err %v after %d attempts", page, err, n)
	}
}

func TestSecretsRedacted(t *testing.T) {
	t.Parallel()
	c, mt := mock(t, WithMaxRetries(0))
	mt.RegisterResponder(http.MethodGet, base+"/xdr/v1/event", func(req *http.Request) (*http.Response, error) {
		// A server that echoes the credentials it got.
		return httpmock.NewStringResponse(400, `{"message":"bad request from `+req.Header.Get("Authorization")+` key `+testKey+`"}`), nil
	})
	_, err := c.Events.List(context.Background(), nil)
	var ae *APIError
	if !errors.As(err, &ae) || ae.StatusCode != 400 {
		t.Fatalf("%v", err)
	}
	blob := strings.TrimPrefix(wantAuth, "Basic ")
	for _, s := range []string{err.Error(), string(ae.Body), ae.Message} {
		if strings.Contains(s, testKey) || strings.Contains(s, blob) {
			t.Errorf("a secret leaks: %s", s)
		}
	}
	if !strings.Contains(ae.Message, "[REDACTED]") {
		t.Errorf("message %q", ae.Message)
	}
}

// items returns the items of the page a List call returned.
func items[T any](p *Page[T], err error) ([]T, error) {
	if err != nil {
		return nil, err
	}
	return p.Items, nil
}
