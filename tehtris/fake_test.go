package tehtris_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/socgo/xdr/internal/oapitest"
	"github.com/socgo/xdr/tehtris"
	"github.com/socgo/xdr/tehtris/tehtristest"
)

// fakeClient returns a client of srv whose every request and response is
// validated against openapi/tehtris.yaml.
func fakeClient(t *testing.T, srv *tehtristest.Server, opts ...tehtris.Option) *tehtris.Client {
	t.Helper()
	v := oapitest.Load(t, "../openapi/tehtris.yaml", "/api")
	all := append([]tehtris.Option{tehtris.WithHTTPClient(&http.Client{Transport: v.Transport(t, srv.HTTPClient().Transport)})}, opts...)
	c, err := srv.Client(all...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func samples(t testing.TB) [][]byte {
	t.Helper()
	files, err := filepath.Glob("testdata/event_*.json")
	if err != nil || len(files) != 6 {
		t.Fatalf("samples: %v %v", files, err)
	}
	var out [][]byte
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, bytes.TrimSpace(b))
	}
	return out
}

func TestSamplesMatchSpec(t *testing.T) {
	t.Parallel()
	v := oapitest.Load(t, "../openapi/tehtris.yaml", "/api")
	page := append(append([]byte("["), bytes.Join(samples(t), []byte(","))...), ']')
	h := http.Header{"Content-Type": {"application/json"}}
	if err := v.Response("GET", "https://abc.api.tehtris.net/api/xdr/v1/event?limit=10&offset=0", 200, h, page); err != nil {
		t.Fatalf("the sample events do not match the spec: %v", err)
	}
	bad := []byte(`[{"id":"x","time":"2022-10-28T11:58:20.377350+00:00","rflId":1,"lvl":5,"module":"das","eventName":"x"}]`)
	if err := v.Response("GET", "https://abc.api.tehtris.net/api/xdr/v1/event", 200, h, bad); err == nil {
		t.Error("the spec accepts a string id")
	}
}

func TestFakeServesSamplesExactly(t *testing.T) {
	t.Parallel()
	srv := tehtristest.NewServer(t)
	var in []tehtris.Event
	for _, b := range samples(t) {
		var ev tehtris.Event
		if err := ev.UnmarshalJSON(b); err != nil {
			t.Fatal(err)
		}
		in = append(in, ev)
	}
	srv.AddEvents(in...)
	c := fakeClient(t, srv)
	page, err := c.Events.List(context.Background(), &tehtris.EventQuery{From: time.Date(2022, 10, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != 6 || page.HasMore {
		t.Fatalf("%d events, more %v", len(page.Items), page.HasMore)
	}
	// Newest first.
	for i := 1; i < len(page.Items); i++ {
		if page.Items[i].Time.After(page.Items[i-1].Time) {
			t.Errorf("not newest first at %d", i)
		}
	}
	for _, ev := range page.Items {
		i := slices.IndexFunc(in, func(e tehtris.Event) bool { return e.ID == ev.ID })
		if i < 0 || !bytes.Equal(in[i].Raw, ev.Raw) {
			t.Errorf("event %d is not served byte for byte", ev.ID)
		}
	}
	one, err := c.Events.Get(context.Background(), 777777777)
	if err != nil || one.EventName != "sandboxAlert" {
		t.Errorf("Get: %v %v", one, err)
	}
}

func TestFakeAllPagesEveryEvent(t *testing.T) {
	t.Parallel()
	srv := tehtristest.NewServer(t)
	ids := srv.SeedEventsAt(2500, time.Now().Add(-time.Minute))
	c := fakeClient(t, srv)
	before := srv.Requests()
	got, err := collectIDs(c.Events.All(context.Background(), &tehtris.EventQuery{From: time.Now().Add(-time.Hour)}))
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(got)
	if !slices.Equal(got, ids) {
		t.Fatalf("got %d events, want %d", len(got), len(ids))
	}
	if n := srv.Requests() - before; n != 3 {
		t.Errorf("%d requests for 2500 events with pages of 1000", n)
	}
}

func collectIDs(seq func(func(tehtris.Event, error) bool)) ([]int64, error) {
	var ids []int64
	for ev, err := range seq {
		if err != nil {
			return ids, err
		}
		ids = append(ids, ev.ID)
	}
	return ids, nil
}

// TestFakeAllFrozenWindow appends newer events while All walks a
// newest-first list: the frozen toDate keeps them from shifting the pages.
func TestFakeAllFrozenWindow(t *testing.T) {
	t.Parallel()
	srv := tehtristest.NewServer(t)
	past := srv.SeedEventsAt(300, time.Now().Add(-10*time.Second))
	c := fakeClient(t, srv)
	var got []int64
	first := true
	for ev, err := range c.Events.All(context.Background(), &tehtris.EventQuery{From: time.Now().Add(-time.Minute), Limit: 100}) {
		if err != nil {
			t.Fatal(err)
		}
		if first {
			time.Sleep(1100 * time.Millisecond) // the next second
			srv.SeedEvents(500)
			first = false
		}
		got = append(got, ev.ID)
	}
	slices.Sort(got)
	if !slices.Equal(got, past) {
		t.Fatalf("got %d events (%d distinct), want the %d older ones", len(got), len(slices.Compact(slices.Clone(got))), len(past))
	}
}

func TestFakeFilterAndBounds(t *testing.T) {
	t.Parallel()
	srv := tehtristest.NewServer(t)
	base := time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)
	srv.SeedEventsAt(20, base)                            // levels id%10
	srv.SeedEventsAt(10, base.Add(1500*time.Millisecond)) // at 12:00:01.5
	hi := srv.AddFilter(tehtristest.Filter{Name: "High", Module: "Endpoint_Active", MinLevel: 7})
	c := fakeClient(t, srv)
	ctx := context.Background()

	fs, err := items(c.Filters.List(ctx, &tehtris.FilterListOptions{Name: "high"}))
	if err != nil || len(fs) != 1 || fs[0].ID != hi {
		t.Fatalf("filters: %+v %v", fs, err)
	}
	page, err := c.Events.List(ctx, &tehtris.EventQuery{From: base, FilterID: hi})
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range page.Items {
		if ev.Level < 7 {
			t.Errorf("level %d through a 7~9 filter", ev.Level)
		}
	}
	if len(page.Items) != 9 {
		t.Errorf("%d events of level 7..9, want 9", len(page.Items))
	}
	// toDate 12:00:01 does not reach 12:00:01.5 in the fake.
	page, err = c.Events.List(ctx, &tehtris.EventQuery{From: base, To: base.Add(time.Second)})
	if err != nil || len(page.Items) != 20 {
		t.Errorf("bounded: %d events, %v", len(page.Items), err)
	}
	if _, err := c.Events.List(ctx, &tehtris.EventQuery{FilterID: "nope"}); !errors.Is(err, tehtris.ErrNotFound) {
		t.Errorf("unknown filter: %v", err)
	}
}

func TestFakeStatus(t *testing.T) {
	t.Parallel()
	srv := tehtristest.NewServer(t)
	evs := srv.AddEvents(tehtris.Event{EventName: "HeuristicAlert", Module: "das", Level: 5, ApplianceID: 1, Time: time.Now().Add(-time.Hour)})
	id := evs[0].ID
	c := fakeClient(t, srv)
	ctx := context.Background()
	start := time.Now().Add(-time.Second)
	if err := c.Events.SetStatus(ctx, id, tehtris.StatusIncident, &tehtris.SetStatusOptions{Expect: tehtris.StatusPending}); err != nil {
		t.Fatal(err)
	}
	if st, _ := srv.Status(id); st != tehtris.StatusIncident {
		t.Errorf("status %q", st)
	}
	err := c.Events.SetStatus(ctx, id, tehtris.StatusResolved, &tehtris.SetStatusOptions{Expect: tehtris.StatusPending})
	if !errors.Is(err, tehtris.ErrConflict) {
		t.Errorf("stale oldStatus: %v", err)
	}
	if err := c.Events.SetStatus(ctx, 1, tehtris.StatusResolved, nil); !errors.Is(err, tehtris.ErrNotFound) {
		t.Errorf("unknown event: %v", err)
	}
	// The modification is found by MODIFIED, not by CREATED.
	mod, err := c.Events.List(ctx, &tehtris.EventQuery{From: start, CreatedOrModified: tehtris.ByModified})
	if err != nil || len(mod.Items) != 1 || mod.Items[0].ID != id {
		t.Errorf("MODIFIED: %+v %v", mod, err)
	}
	cre, err := c.Events.List(ctx, &tehtris.EventQuery{From: start, CreatedOrModified: tehtris.ByCreated})
	if err != nil || len(cre.Items) != 0 {
		t.Errorf("CREATED: %+v %v", cre, err)
	}
}

func TestFakeIsolation(t *testing.T) {
	t.Parallel()
	srv := tehtristest.NewServer(t)
	c := fakeClient(t, srv)
	ctx := context.Background()
	on := tehtris.Endpoint{ApplianceID: 1, AgentUUID: "64a2fa85-0852-4745-81d6-0815eb2d5248"}
	off := tehtris.Endpoint{ApplianceID: 2, AgentUUID: "a262506e-3c9e-4afe-9233-f2335167ea86"}
	proxied := tehtris.Endpoint{ApplianceID: 2, AgentUUID: "5c3ff0bc-5101-4152-a330-923e569c9229"}
	srv.AddEndpoint(on, tehtristest.EndpointState{Online: true})
	srv.AddEndpoint(off, tehtristest.EndpointState{})
	srv.AddEndpoint(proxied, tehtristest.EndpointState{Online: true, BehindProxy: true})

	res, err := c.Endpoints.Isolate(ctx, on, &tehtris.IsolationOptions{Power: tehtris.PowerHard, Allow: []string{"10.0.0.5"}})
	if err != nil || res.Queued || res.StatusCode != 204 {
		t.Fatalf("Isolate online: %+v %v", res, err)
	}
	if iso, err := c.Endpoints.Isolated(ctx, on); err != nil || !iso {
		t.Errorf("Isolated: %v %v", iso, err)
	}
	if got := srv.Allowed(on); !slices.Equal(got, []string{"10.0.0.5"}) {
		t.Errorf("allowed %v", got)
	}
	if res, err := c.Endpoints.Release(ctx, on, nil); err != nil || res.Queued {
		t.Errorf("Release: %+v %v", res, err)
	}
	if iso, _ := c.Endpoints.Isolated(ctx, on); iso {
		t.Error("still isolated")
	}

	res, err = c.Endpoints.Isolate(ctx, off, &tehtris.IsolationOptions{Persist: true})
	if err != nil || !res.Queued || res.StatusCode != 202 {
		t.Fatalf("Isolate offline: %+v %v", res, err)
	}
	if iso, queued := srv.Isolated(off); iso || !queued {
		t.Errorf("offline: isolated %v queued %v", iso, queued)
	}
	srv.SetOnline(off, true)
	if iso, _ := c.Endpoints.Isolated(ctx, off); !iso {
		t.Error("queued order not applied when the agent came back")
	}
	if _, err := c.Endpoints.Isolate(ctx, proxied, nil); !errors.Is(err, tehtris.ErrConflict) {
		t.Errorf("behind proxy: %v", err)
	}
	unknown := tehtris.Endpoint{ApplianceID: 9, AgentUUID: "00000000-0000-4000-8000-000000000000"}
	if _, err := c.Endpoints.Isolated(ctx, unknown); !errors.Is(err, tehtris.ErrNotFound) {
		t.Errorf("unknown endpoint: %v", err)
	}
}

func TestFakeAuth(t *testing.T) {
	t.Parallel()
	srv := tehtristest.NewServer(t, tehtristest.WithAPIKey("right-key"))
	bad, err := tehtris.NewClient("", "wrong-key", tehtris.WithBaseURL(srv.URL()))
	if err != nil {
		t.Fatal(err)
	}
	_, err = bad.Events.List(context.Background(), nil)
	if !errors.Is(err, tehtris.ErrUnauthorized) || strings.Contains(err.Error(), "wrong-key") {
		t.Errorf("wrong key: %v", err)
	}
	good := fakeClient(t, srv)
	if _, err := good.Events.List(context.Background(), nil); err != nil {
		t.Errorf("right key: %v", err)
	}
}

func TestFakeFaults(t *testing.T) {
	t.Parallel()
	srv := tehtristest.NewServer(t)
	srv.SeedEventsAt(1500, time.Now().Add(-time.Minute))
	// Validated against the spec: the validator skips the responses the
	// fault injector marks, and checks every request and every real response.
	c := fakeClient(t, srv, tehtris.WithMaxRetryAfter(100*time.Millisecond))
	ctx := context.Background()
	q := &tehtris.EventQuery{From: time.Now().Add(-time.Hour)}

	// Retried: 429 with Retry-After, a 503 burst, a body cut mid-way.
	srv.InjectFault(tehtristest.Fault{Kind: tehtristest.RateLimit, PathPrefix: "/api/xdr/v1/event", RetryAfter: 0})
	srv.InjectFault(tehtristest.Fault{Kind: tehtristest.ServerError, PathPrefix: "/api/xdr/v1/event", Times: 2})
	srv.InjectFault(tehtristest.Fault{Kind: tehtristest.CutBody, PathPrefix: "/api/xdr/v1/event"})
	ids, err := collectIDs(c.Events.All(ctx, q))
	if err != nil || len(ids) != 1500 {
		t.Fatalf("with retried faults: %d events, %v", len(ids), err)
	}
	// Not retried: a complete response with truncated JSON.
	srv.InjectFault(tehtristest.Fault{Kind: tehtristest.TruncatedJSON, PathPrefix: "/api/xdr/v1/event"})
	if _, err := c.Events.List(ctx, q); err == nil || !strings.Contains(err.Error(), "truncated") {
		t.Errorf("truncated JSON: %v", err)
	}
	srv.InjectFault(tehtristest.Fault{Kind: tehtristest.RateLimit, Times: -1, RetryAfter: time.Second})
	_, err = c.Events.List(ctx, q)
	if !errors.Is(err, tehtris.ErrRateLimited) {
		t.Errorf("429 forever: %v", err)
	}
	srv.ClearFaults()
}

// items returns the items of the page a List call returned.
func items[T any](p *tehtris.Page[T], err error) ([]T, error) {
	if err != nil {
		return nil, err
	}
	return p.Items, nil
}
