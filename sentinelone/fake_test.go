package sentinelone_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/socgo/xdr/internal/hostile"
	"github.com/socgo/xdr/internal/oapitest"
	"github.com/socgo/xdr/sentinelone"
	"github.com/socgo/xdr/sentinelone/sentinelonetest"
)

// newFakeClient returns a client of srv whose every request and 2xx
// response is validated against openapi/sentinelone.yaml.
func newFakeClient(t testing.TB, srv *sentinelonetest.Server, opts ...sentinelone.Option) *sentinelone.Client {
	t.Helper()
	v := oapitest.Load(t, "../openapi/sentinelone.yaml", sentinelone.APIPath)
	base := []sentinelone.Option{
		// The server's own pool, not http.DefaultTransport's (see sekoia's fakeAPI).
		sentinelone.WithHTTPClient(&http.Client{Transport: v.Transport(t, srv.HTTPClient().Transport)}),
		sentinelone.WithRetryWait(time.Millisecond, 5*time.Millisecond),
		sentinelone.WithoutRateLimits(),
	}
	c, err := sentinelone.NewClient(srv.URL(), srv.APIToken(), append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func sample(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSpace(b)
}

func seedSamples(t testing.TB, srv *sentinelonetest.Server) {
	t.Helper()
	acts, _ := filepath.Glob("testdata/activity_*.json")
	for _, p := range acts {
		if err := srv.AddActivityJSON(sample(t, filepath.Base(p))); err != nil {
			t.Fatal(err)
		}
	}
	for _, n := range []string{"threat_v21_malware_2021.json", "threat_v21_with_ecsinfo_2025.json"} {
		if err := srv.AddThreatJSON(sample(t, n)); err != nil {
			t.Fatal(err)
		}
	}
}

func TestFakeSamplesRoundTrip(t *testing.T) {
	t.Parallel()
	srv := sentinelonetest.NewServer(t)
	seedSamples(t, srv)
	c := newFakeClient(t, srv)
	ctx := context.Background()
	n := 0
	var prev time.Time
	for a, err := range c.Activities.All(ctx, &sentinelone.ActivityListOptions{Paging: sentinelone.Paging{Limit: 2, SortBy: "createdAt", SortOrder: sentinelone.SortAsc}}) {
		if err != nil {
			t.Fatal(err)
		}
		if a.CreatedAt.Before(prev) {
			t.Errorf("not sorted: %s after %s", a.CreatedAt, prev)
		}
		prev = a.CreatedAt
		b, _ := a.MarshalJSON()
		found := false
		acts, _ := filepath.Glob("testdata/activity_*.json")
		for _, p := range acts {
			if bytes.Equal(b, sample(t, filepath.Base(p))) {
				found = true
			}
		}
		if !found {
			t.Errorf("activity %s: bytes differ from every sample", a.ID)
		}
		n++
	}
	if n != 7 {
		t.Errorf("%d activities, want 7", n)
	}
	p, err := c.Activities.List(ctx, &sentinelone.ActivityListOptions{ActivityTypes: []sentinelone.ActivityType{3608, 3784}, AccountIDs: []string{"org-12345678"}})
	if err != nil || len(p.Items) != 1 || p.Items[0].ActivityType != sentinelone.ActivityPlatformRuleAlert || p.Total != 1 {
		t.Fatalf("filtered: %+v, %v", p, err)
	}
	cnt, err := c.Activities.Count(ctx, &sentinelone.ActivityListOptions{CreatedSince: time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil || cnt != 5 {
		t.Errorf("Count since 2022 = %d, %v", cnt, err)
	}
	cnt, err = c.Activities.Count(ctx, &sentinelone.ActivityListOptions{CreatedBetween: &sentinelone.TimeRange{
		From: time.Date(2022, 4, 5, 9, 10, 14, 913000000, time.UTC), To: time.Date(2022, 4, 5, 9, 10, 15, 137000000, time.UTC)}})
	if err != nil || cnt != 2 {
		t.Errorf("Count between = %d, %v", cnt, err)
	}
	threats, err := c.Threats.List(ctx, &sentinelone.ThreatListOptions{CreatedAfter: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil || len(threats.Items) != 1 || threats.Items[0].ID != "4444444444444444444" {
		t.Fatalf("threats: %+v, %v", threats, err)
	}
	if !bytes.Equal(threats.Items[0].Raw, sample(t, "threat_v21_with_ecsinfo_2025.json")) {
		t.Error("threat bytes differ")
	}
}

// TestSamplesMatchSpec validates list responses built from the real
// samples against openapi/sentinelone.yaml.
func TestSamplesMatchSpec(t *testing.T) {
	t.Parallel()
	v := oapitest.Load(t, "../openapi/sentinelone.yaml", sentinelone.APIPath)
	h := http.Header{"Content-Type": {"application/json"}}
	acts, _ := filepath.Glob("testdata/activity_*.json")
	for _, p := range acts {
		body := `{"data":[` + string(sample(t, filepath.Base(p))) + `],"pagination":{"nextCursor":null,"totalItems":1},"errors":null}`
		if err := v.Response("GET", "https://c.example.net/web/api/v2.1/activities?limit=10", 200, h, []byte(body)); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
	for _, n := range []string{"threat_v21_malware_2021.json", "threat_v21_with_ecsinfo_2025.json"} {
		body := `{"data":[` + string(sample(t, n)) + `],"pagination":{"nextCursor":"YWJj","totalItems":2}}`
		if err := v.Response("GET", "https://c.example.net/web/api/v2.1/threats", 200, h, []byte(body)); err != nil {
			t.Errorf("%s: %v", n, err)
		}
	}
}

func TestFakeBoundsAnswer400(t *testing.T) {
	t.Parallel()
	srv := sentinelonetest.NewServer(t)
	// A raw request past the bounds: the fake answers as the console does.
	for _, q := range []string{"limit=1001", "skip=1001", "limit=0", "bogus=1", "ids=1&ids=2"} {
		req, _ := http.NewRequest("GET", srv.URL()+sentinelone.APIPath+"/activities?"+q, nil)
		req.Header.Set("Authorization", "ApiToken "+srv.APIToken())
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 400 {
			t.Errorf("%s: %d", q, resp.StatusCode)
		}
	}
}

func TestFakeThreatLifecycle(t *testing.T) {
	t.Parallel()
	srv := sentinelonetest.NewServer(t)
	clock := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	srv.SetClock(func() time.Time { mu.Lock(); defer mu.Unlock(); return clock })
	id := srv.AddThreat("evil.exe", time.Date(2026, 1, 1, 11, 0, 0, 0, time.UTC), "1234567890123456789")
	other := srv.AddThreat("other.exe", time.Date(2026, 1, 1, 11, 0, 1, 0, time.UTC), "1234567890123456789")
	c := newFakeClient(t, srv)
	ctx := context.Background()
	mu.Lock()
	clock = clock.Add(time.Minute)
	mu.Unlock()
	res, err := c.Threats.Mitigate(ctx, sentinelone.MitigateKill, sentinelone.ThreatFilter{IDs: []string{id}}, nil)
	if err != nil || res.Affected != 1 {
		t.Fatalf("Mitigate: %v, %v", res, err)
	}
	if _, err := c.Threats.SetIncident(ctx, sentinelone.ThreatFilter{IDs: []string{id}}, sentinelone.IncidentResolved, sentinelone.VerdictTruePositive, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Threats.AddNote(ctx, sentinelone.ThreatFilter{IDs: []string{id}}, "killed by SOC", nil); err != nil {
		t.Fatal(err)
	}
	p, err := c.Threats.List(ctx, &sentinelone.ThreatListOptions{IDs: []string{id}})
	if err != nil || len(p.Items) != 1 {
		t.Fatal(p, err)
	}
	th := p.Items[0]
	if th.ThreatInfo.MitigationStatus != "mitigated" || len(th.MitigationStatus) != 1 || th.MitigationStatus[0].Action != "kill" || th.MitigationStatus[0].Status != "success" {
		t.Errorf("mitigation = %q %+v", th.ThreatInfo.MitigationStatus, th.MitigationStatus)
	}
	if th.ThreatInfo.IncidentStatus != sentinelone.IncidentResolved || th.ThreatInfo.AnalystVerdict != sentinelone.VerdictTruePositive {
		t.Errorf("incident = %s %s", th.ThreatInfo.IncidentStatus, th.ThreatInfo.AnalystVerdict)
	}
	if !th.UpdatedAt().Equal(clock) || th.CreatedAt().Equal(clock) {
		t.Errorf("updatedAt %s createdAt %s", th.UpdatedAt(), th.CreatedAt())
	}
	if notes := srv.ThreatNotes(id); len(notes) != 1 || notes[0] != "killed by SOC" {
		t.Errorf("notes = %v", notes)
	}
	// Changed threats: only the one touched since.
	changed, err := c.Threats.List(ctx, &sentinelone.ThreatListOptions{UpdatedSince: clock, NoteExists: ptr(true), IncidentStatuses: []sentinelone.IncidentStatus{sentinelone.IncidentResolved}})
	if err != nil || len(changed.Items) != 1 || changed.Items[0].ID != id {
		t.Errorf("changed = %+v, %v", changed, err)
	}
	// An unknown id affects nothing: a typed error.
	_, err = c.Threats.Mitigate(ctx, sentinelone.MitigateQuarantine, sentinelone.ThreatFilter{IDs: []string{"1"}}, nil)
	if !errors.Is(err, sentinelone.ErrNoneAffected) {
		t.Errorf("unknown id: %v", err)
	}
	_ = other
}

func ptr[T any](v T) *T { return &v }

func TestFakeAgentNetworkStatus(t *testing.T) {
	t.Parallel()
	srv := sentinelonetest.NewServer(t)
	id := srv.AddAgent(sentinelonetest.Agent{ComputerName: "FINANCE-LT-042", SiteID: "1", IsActive: true})
	srv.AddAgent(sentinelonetest.Agent{ComputerName: "HR-LT-001", SiteID: "1", IsActive: true})
	c := newFakeClient(t, srv)
	ctx := context.Background()
	status := func() sentinelone.NetworkStatus {
		p, err := c.Agents.List(ctx, &sentinelone.AgentListOptions{ComputerName: "FINANCE-LT-042"})
		if err != nil || len(p.Items) != 1 {
			t.Fatalf("List: %v, %v", p, err)
		}
		return p.Items[0].NetworkStatus
	}
	if status() != sentinelone.NetworkConnected {
		t.Fatal(status())
	}
	if res, err := c.Agents.Disconnect(ctx, sentinelone.AgentFilter{IDs: []string{id}}, nil); err != nil || res.Affected != 1 {
		t.Fatal(res, err)
	}
	if s := status(); s != sentinelone.NetworkDisconnected {
		t.Errorf("after disconnect: %s", s)
	}
	if n, err := c.Agents.Count(ctx, &sentinelone.AgentListOptions{NetworkStatuses: []sentinelone.NetworkStatus{sentinelone.NetworkDisconnected}}); err != nil || n != 1 {
		t.Errorf("Count disconnected = %d, %v", n, err)
	}
	// The transition runs on the server's clock, which the test moves.
	var clockMu sync.Mutex
	clock := time.Now().UTC()
	srv.SetClock(func() time.Time { clockMu.Lock(); defer clockMu.Unlock(); return clock })
	advance := func(d time.Duration) { clockMu.Lock(); clock = clock.Add(d); clockMu.Unlock() }
	srv.SetTransitionDelay(50 * time.Millisecond)
	if _, err := c.Agents.Connect(ctx, sentinelone.AgentFilter{IDs: []string{id}}, nil); err != nil {
		t.Fatal(err)
	}
	if s := status(); s != sentinelone.NetworkConnecting {
		t.Errorf("just after connect: %s", s)
	}
	advance(49 * time.Millisecond)
	if s := status(); s != sentinelone.NetworkConnecting {
		t.Errorf("before the end of the transition: %s", s)
	}
	advance(time.Millisecond)
	if s := status(); s != sentinelone.NetworkConnected {
		t.Errorf("after the transition: %s", s)
	}
	if a, _ := srv.AgentState(id); a.NetworkStatus != string(sentinelone.NetworkConnected) {
		t.Errorf("AgentState after the transition: %s", a.NetworkStatus)
	}
	// A disconnect during a connect replaces it.
	if _, err := c.Agents.Connect(ctx, sentinelone.AgentFilter{IDs: []string{id}}, nil); err != nil {
		t.Fatal(err)
	}
	advance(20 * time.Millisecond)
	if _, err := c.Agents.Disconnect(ctx, sentinelone.AgentFilter{IDs: []string{id}}, nil); err != nil {
		t.Fatal(err)
	}
	advance(40 * time.Millisecond)
	if s := status(); s != sentinelone.NetworkDisconnecting {
		t.Errorf("disconnect during a connect, 40ms later: %s", s)
	}
	advance(10 * time.Millisecond)
	if n, err := c.Agents.Count(ctx, &sentinelone.AgentListOptions{NetworkStatuses: []sentinelone.NetworkStatus{sentinelone.NetworkDisconnected}}); err != nil || n != 1 {
		t.Errorf("Count disconnected after the second transition = %d, %v", n, err)
	}
	srv.SetTransitionDelay(0)
	if _, err := c.Agents.Connect(ctx, sentinelone.AgentFilter{IDs: []string{id}}, nil); err != nil {
		t.Fatal(err)
	}
	if s := status(); s != sentinelone.NetworkConnected {
		t.Errorf("connect without a delay: %s", s)
	}
	if _, err := c.Agents.InitiateScan(ctx, sentinelone.AgentFilter{SiteIDs: []string{"1"}}, nil); err != nil {
		t.Fatal(err)
	}
	if a, _ := srv.AgentState(id); a.ScanStatus != "started" {
		t.Errorf("scan status %q", a.ScanStatus)
	}
	_, err := c.Agents.Disconnect(ctx, sentinelone.AgentFilter{IDs: []string{"999"}}, nil)
	var na *sentinelone.NoneAffectedError
	if !errors.As(err, &na) {
		t.Errorf("unknown agent: %v", err)
	}
	all, err := collect(c.Agents.All(ctx, &sentinelone.AgentListOptions{Paging: sentinelone.Paging{Limit: 1}}))
	if err != nil || len(all) != 2 {
		t.Errorf("All = %d, %v", len(all), err)
	}
}

func collect[T any](seq func(func(T, error) bool)) ([]T, error) {
	var out []T
	for v, err := range seq {
		if err != nil {
			return out, err
		}
		out = append(out, v)
	}
	return out, nil
}

func TestFakeTokenDetailsAndExpiry(t *testing.T) {
	t.Parallel()
	srv := sentinelonetest.NewServer(t)
	exp := time.Now().Add(10*24*time.Hour + time.Hour).UTC().Truncate(time.Millisecond)
	srv.SetTokenExpiry(srv.APIToken(), exp)
	c := newFakeClient(t, srv)
	d, err := c.Token.Details(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	soon30, _ := d.ExpiresWithin(time.Now(), 30*24*time.Hour)
	soon1, _ := d.ExpiresWithin(time.Now(), 24*time.Hour)
	if !d.ExpiresAt.Equal(exp) || d.DaysLeft(time.Now()) != 10 || !soon30 || soon1 {
		t.Errorf("details = %+v, days %d", d, d.DaysLeft(time.Now()))
	}
	// Once expired, every call fails with ErrTokenInvalid.
	srv.SetTokenExpiry(srv.APIToken(), time.Now().Add(-time.Minute))
	_, err = c.Activities.List(context.Background(), nil)
	if !errors.Is(err, sentinelone.ErrTokenInvalid) {
		t.Errorf("expired token: %v", err)
	}
}

func TestFakeTokenRotation(t *testing.T) {
	t.Parallel()
	srv := sentinelonetest.NewServer(t)
	old := srv.APIToken()
	c := newFakeClient(t, srv)
	stale := newFakeClient(t, srv) // keeps the old token
	nt, err := c.Token.Rotate(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if nt.Token == old || !slices.Contains(srv.ValidTokens(), nt.Token) || slices.Contains(srv.ValidTokens(), old) {
		t.Fatal("rotation did not replace the token")
	}
	if _, err := c.Agents.Count(context.Background(), nil); err != nil {
		t.Fatalf("new token: %v", err)
	}
	_, err = stale.Agents.Count(context.Background(), nil)
	if !errors.Is(err, sentinelone.ErrTokenInvalid) {
		t.Errorf("old token: %v", err)
	}
	if err != nil && bytes.Contains([]byte(err.Error()), []byte(old)) {
		t.Error("error shows the token")
	}
}

type startedAfterKey struct{}

// tokenSpy records, for every attempt, the Authorization header and
// whether the API call began after the rotation returned.
type tokenSpy struct {
	next     http.RoundTripper
	newToken atomic.Pointer[string]
	bad      atomic.Int64
	mixed    atomic.Int64
}

func (s *tokenSpy) RoundTrip(r *http.Request) (*http.Response, error) {
	vals := r.Header.Values("Authorization")
	if len(vals) != 1 {
		s.mixed.Add(1)
	}
	if after, _ := r.Context().Value(startedAfterKey{}).(bool); after {
		if nt := s.newToken.Load(); nt == nil || vals[0] != "ApiToken "+*nt {
			s.bad.Add(1)
		}
	}
	return s.next.RoundTrip(r)
}

// TestRotationRace runs requests from many goroutines while the token is
// rotated: none fails (a request refused for the old token while in flight
// is sent again with the new one), every request carries exactly one
// token, and every call started after Rotate returned carries the new one.
func TestRotationRace(t *testing.T) {
	t.Parallel()
	srv := sentinelonetest.NewServer(t)
	srv.SeedActivitiesAt(5, time.Now().Add(-time.Minute))
	spy := &tokenSpy{next: http.DefaultTransport}
	c, err := sentinelone.NewClient(srv.URL(), srv.APIToken(), sentinelone.WithHTTPClient(&http.Client{Transport: spy}), sentinelone.WithoutRateLimits())
	if err != nil {
		t.Fatal(err)
	}
	var rotated atomic.Bool
	var failures atomic.Int64
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 8 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				ctx := context.WithValue(context.Background(), startedAfterKey{}, rotated.Load())
				if _, err := c.Activities.List(ctx, nil); err != nil {
					failures.Add(1)
					t.Errorf("request failed: %v", err)
				}
			}
		})
	}
	// The rotation happens while requests are in flight, and enough
	// requests follow it to matter: counted, not timed, so a busy machine
	// only makes the test slower.
	waitRequests := func(n int) {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for srv.RequestsTo("GET", "/activities") < n {
			if time.Now().After(deadline) {
				close(stop)
				wg.Wait()
				t.Fatalf("only %d of %d requests ran in 30 s", srv.RequestsTo("GET", "/activities"), n)
			}
			time.Sleep(time.Millisecond)
		}
	}
	waitRequests(8)
	nt, err := c.Token.Rotate(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	spy.newToken.Store(&nt.Token)
	rotated.Store(true)
	waitRequests(srv.RequestsTo("GET", "/activities") + 16)
	close(stop)
	wg.Wait()
	if spy.bad.Load() != 0 || spy.mixed.Load() != 0 || failures.Load() != 0 {
		t.Errorf("after rotation: %d requests with the old token, %d with several tokens, %d failures", spy.bad.Load(), spy.mixed.Load(), failures.Load())
	}
}

func TestFakeRateLimit429(t *testing.T) {
	t.Parallel()
	srv := sentinelonetest.NewServer(t)
	srv.SetRateLimits([]sentinelonetest.RateRule{{Prefix: "/activities", Rate: 0.01, Burst: 1}})
	c := newFakeClient(t, srv, sentinelone.WithMaxRetries(0))
	ctx := context.Background()
	if _, err := c.Activities.List(ctx, nil); err != nil {
		t.Fatal(err)
	}
	_, err := c.Activities.List(ctx, nil)
	var ae *sentinelone.APIError
	if !errors.Is(err, sentinelone.ErrRateLimited) || !errors.As(err, &ae) || ae.RetryAfter <= 0 {
		t.Fatalf("err = %v", err)
	}
	// Another path has its own bucket.
	if _, err := c.Agents.Count(ctx, nil); err != nil {
		t.Fatal(err)
	}
	// With a client-side table a little stricter than the server's (the
	// margin absorbs network jitter between the two clocks), no 429 is seen.
	srv2 := sentinelonetest.NewServer(t)
	srv2.SetRateLimits([]sentinelonetest.RateRule{{Prefix: "/activities", Rate: 40, Burst: 2}})
	c2 := newFakeClient(t, srv2, sentinelone.WithMaxRetries(0), sentinelone.WithRateLimits([]sentinelone.RateLimit{{Prefix: "/activities", Rate: 30, Burst: 1}}))
	for i := range 6 {
		if _, err := c2.Activities.List(ctx, nil); err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
	}
}

func TestFakeFaults(t *testing.T) {
	t.Parallel()
	srv := sentinelonetest.NewServer(t)
	srv.SeedActivitiesAt(3, time.Now().Add(-time.Hour))
	// Injected answers carry X-Fault-Injected and are left out of the
	// spec check; every other request and response is still checked.
	c := newFakeClient(t, srv)
	ctx := context.Background()
	srv.InjectFault(sentinelonetest.Fault{Kind: sentinelonetest.ServerError, PathPrefix: "/web/api/v2.1/activities", Times: 2})
	p, err := c.Activities.List(ctx, nil)
	if err != nil || len(p.Items) != 3 {
		t.Fatalf("after 2 injected 503: %v", err)
	}
	srv.InjectFault(sentinelonetest.Fault{Kind: sentinelonetest.RateLimit, PathPrefix: "/web/api/v2.1/activities"})
	if _, err := c.Activities.List(ctx, nil); err != nil {
		t.Fatalf("after an injected 429: %v", err)
	}
	srv.InjectFault(sentinelonetest.Fault{Kind: sentinelonetest.TruncatedJSON, PathPrefix: "/web/api/v2.1/activities"})
	if _, err := c.Activities.List(ctx, nil); err == nil {
		t.Fatal("truncated JSON accepted")
	}
	// A POST action hit by a 503 is not retried.
	id := srv.AddAgent(sentinelonetest.Agent{ComputerName: "x"})
	srv.InjectFault(sentinelonetest.Fault{Kind: sentinelonetest.ServerError, Method: "POST", PathPrefix: "/web/api/v2.1/agents/actions"})
	if _, err := c.Agents.Disconnect(ctx, sentinelone.AgentFilter{IDs: []string{id}}, nil); !errors.Is(err, sentinelone.ErrServer) {
		t.Fatalf("POST 503: %v", err)
	}
	if a, _ := srv.AgentState(id); a.NetworkStatus != "connected" {
		t.Error("the failed action was applied")
	}
}

// syncBuffer is a log sink safe for the client's goroutines.
type syncBuffer = hostile.LogBuffer

func TestFakeCutBodyRetried(t *testing.T) {
	t.Parallel()
	srv := sentinelonetest.NewServer(t)
	ids := srv.SeedActivitiesAt(7, time.Now().Add(-time.Hour))
	var logs syncBuffer
	c := newFakeClient(t, srv, sentinelone.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	ctx := context.Background()
	opts := &sentinelone.ActivityListOptions{Paging: sentinelone.Paging{Limit: 2}}

	// The first page is cut twice, a later one once: each GET is sent
	// again and every activity comes once.
	srv.InjectFault(sentinelonetest.Fault{Kind: sentinelonetest.CutBody, PathPrefix: "/web/api/v2.1/activities", Times: 2})
	seen := map[string]int{}
	for a, err := range c.Activities.All(ctx, opts) {
		if err != nil {
			t.Fatalf("All: %v", err)
		}
		if len(seen) == 0 {
			srv.InjectFault(sentinelonetest.Fault{Kind: sentinelonetest.CutBody, PathPrefix: "/web/api/v2.1/activities"})
		}
		seen[a.ID]++
	}
	if len(seen) != len(ids) {
		t.Errorf("%d activities, want %d", len(seen), len(ids))
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("activity %s yielded %d times", id, n)
		}
	}
	// 4 pages, 3 of their answers cut: every cut request reached the
	// handler before its answer was cut.
	if got := srv.RequestsTo("GET", "/activities"); got != 4+3 {
		t.Errorf("%d GET /activities, want 7", got)
	}
	if n := strings.Count(logs.String(), "response body cut"); n != 3 {
		t.Errorf("%d Warn lines about a cut body, want 3:\n%s", n, logs.String())
	}

	// A GET decoded by call (not a list page) is sent again too.
	srv.AddAgent(sentinelonetest.Agent{ComputerName: "a"})
	srv.InjectFault(sentinelonetest.Fault{Kind: sentinelonetest.CutBody, PathPrefix: "/web/api/v2.1/agents/count"})
	if n, err := c.Agents.Count(ctx, nil); err != nil || n != 1 {
		t.Errorf("Agents.Count after a cut body = %d, %v", n, err)
	}

	// A POST action is not sent again: the action may have been carried
	// out (here it was) and its answer lost.
	id := srv.AddAgent(sentinelonetest.Agent{ComputerName: "b"})
	srv.InjectFault(sentinelonetest.Fault{Kind: sentinelonetest.CutBody, Method: "POST", PathPrefix: "/web/api/v2.1/agents/actions"})
	if _, err := c.Agents.Disconnect(ctx, sentinelone.AgentFilter{IDs: []string{id}}, nil); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("POST with a cut body: %v, want io.ErrUnexpectedEOF", err)
	}
	if got := srv.RequestsTo("POST", "/agents/actions/disconnect"); got != 1 {
		t.Errorf("POST sent %d times, want 1", got)
	}
	// Unless the call says that repeating it is safe.
	srv.InjectFault(sentinelonetest.Fault{Kind: sentinelonetest.CutBody, Method: "POST", PathPrefix: "/web/api/v2.1/agents/actions"})
	if _, err := c.Agents.Connect(ctx, sentinelone.AgentFilter{IDs: []string{id}}, &sentinelone.ActionOptions{RetrySafe: true}); err != nil {
		t.Errorf("RetrySafe POST with a cut body: %v", err)
	}
	if got := srv.RequestsTo("POST", "/agents/actions/connect"); got != 2 {
		t.Errorf("RetrySafe POST sent %d times, want 2", got)
	}

	// WithMaxRetries(0) turns the resend off.
	c0 := newFakeClient(t, srv, sentinelone.WithMaxRetries(0))
	srv.InjectFault(sentinelonetest.Fault{Kind: sentinelonetest.CutBody, PathPrefix: "/web/api/v2.1/activities"})
	var last error
	n := 0
	for _, err := range c0.Activities.All(ctx, opts) {
		if err != nil {
			last = err
			continue
		}
		n++
	}
	if !errors.Is(last, io.ErrUnexpectedEOF) || n != 0 {
		t.Errorf("with no retries: %d items, error %v; want 0 and io.ErrUnexpectedEOF", n, last)
	}
}

func TestFakeFaultErrorShape(t *testing.T) {
	t.Parallel()
	srv := sentinelonetest.NewServer(t)
	c := newFakeClient(t, srv, sentinelone.WithMaxRetries(0))
	ctx := context.Background()
	for _, tc := range []struct {
		name           string
		f              sentinelonetest.Fault
		sentinel       error
		status         int
		code, msg, det string
	}{
		{"429", sentinelonetest.Fault{Kind: sentinelonetest.RateLimit, RetryAfter: time.Second}, sentinelone.ErrRateLimited, 429, "4290010", "Too many requests", "Request rate limit exceeded, injected by sentinelonetest."},
		{"503", sentinelonetest.Fault{Kind: sentinelonetest.ServerError}, sentinelone.ErrServer, 503, "5030010", "Service Unavailable", "Server could not process the request, injected by sentinelonetest."},
		{"500", sentinelonetest.Fault{Kind: sentinelonetest.ServerError, Status: 500}, sentinelone.ErrServer, 500, "5000010", "Internal Server Error", "Server could not process the request, injected by sentinelonetest."},
		{"own body", sentinelonetest.Fault{Kind: sentinelonetest.ServerError, Status: 502, Body: []byte("<html>bad gateway</html>"), ContentType: "text/html"}, sentinelone.ErrServer, 502, "", "<html>bad gateway</html>", ""},
	} {
		srv.InjectFault(tc.f)
		_, err := c.Activities.List(ctx, nil)
		var ae *sentinelone.APIError
		if !errors.As(err, &ae) || !errors.Is(err, tc.sentinel) {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if ae.StatusCode != tc.status || ae.Code != tc.code || ae.Message != tc.msg || ae.Detail != tc.det {
			t.Errorf("%s: status %d code %q message %q detail %q", tc.name, ae.StatusCode, ae.Code, ae.Message, ae.Detail)
		}
	}
	// ClearFaults drops what is pending.
	srv.InjectFault(sentinelonetest.Fault{Kind: sentinelonetest.ServerError, Times: -1})
	srv.ClearFaults()
	if _, err := c.Activities.List(ctx, nil); err != nil {
		t.Errorf("after ClearFaults: %v", err)
	}
}

func TestFakeCursorSurvivesAppends(t *testing.T) {
	t.Parallel()
	srv := sentinelonetest.NewServer(t)
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	srv.SeedActivitiesAt(5, t0)
	c := newFakeClient(t, srv)
	seen := map[string]bool{}
	i := 0
	for a, err := range c.Activities.All(context.Background(), &sentinelone.ActivityListOptions{CreatedSince: t0, Paging: sentinelone.Paging{Limit: 2, SortBy: "createdAt", SortOrder: sentinelone.SortAsc}}) {
		if err != nil {
			t.Fatal(err)
		}
		if seen[a.ID] {
			t.Fatalf("duplicate %s", a.ID)
		}
		seen[a.ID] = true
		if i == 0 {
			srv.SeedActivitiesAt(3, t0) // same createdAt, appended mid-walk
		}
		i++
	}
	if len(seen) < 5 {
		t.Errorf("%d activities", len(seen))
	}
}
