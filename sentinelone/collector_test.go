package sentinelone_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/socgo/xdr/checkpoint"
	"github.com/socgo/xdr/internal/crashtest"
	"github.com/socgo/xdr/sentinelone"
	"github.com/socgo/xdr/sentinelone/sentinelonetest"
)

var errCrash = errors.New("simulated crash")

// TestCollectorCrashRestart runs the crash/restart test on the activity
// collector: activities in bursts sharing a createdAt.
func TestCollectorCrashRestart(t *testing.T) {
	t.Parallel()
	crashRestart(t, 10000, "/activities",
		func(srv *sentinelonetest.Server, n int) { srv.SeedActivities(n) },
		func(c *sentinelone.Client, cfg sentinelone.CollectorConfig, h func(context.Context, []sentinelone.Activity) error) (*sentinelone.Collector[sentinelone.Activity], error) {
			return c.ActivityCollector(cfg, nil, h)
		},
		func(a sentinelone.Activity) string { return a.ID })
}

// crashRestart is the crash/restart test of a collector: it appends total
// items (with appendNow) in bursts sharing a timestamp (1 to total/25 items
// each) while collectors made by newCol are started, killed at random
// points and restarted from the same Store. A process dies by its ctx
// cancelled before or after one of its requests (mid-walk, with a body
// half read), by a crash inside Handle before it accepts a batch, by a
// cancel inside Handle after it accepted one, or by API failures under
// path mid-walk; one in four runs its cycles undisturbed. Every item must
// be delivered exactly once.
//
// The kills are counted in requests and Handle calls, not in time, so the
// test proves the same on a loaded machine as on an idle one; it has no
// time budget. Liveness is checked in restarts: once everything is
// appended, the collectors must catch up within maxCatchUp restarts.
func crashRestart[T any](t *testing.T, total int, path string, appendNow func(*sentinelonetest.Server, int),
	newCol func(*sentinelone.Client, sentinelone.CollectorConfig, func(context.Context, []T) error) (*sentinelone.Collector[T], error),
	id func(T) string) {
	t.Helper()
	// One restart in eight at least runs undisturbed with no MaxWindow and
	// catches up: 1000 restarts without it is a defect, not bad luck.
	const maxCatchUp = 1000
	srv := sentinelonetest.NewServer(t)
	rng := rand.New(rand.NewPCG(1, 2))
	var rngMu sync.Mutex
	rnd := func(n int) int { rngMu.Lock(); defer rngMu.Unlock(); return rng.IntN(n) }
	var mu sync.Mutex // guards delivered and appended
	delivered := map[string]int{}
	appended := 0
	// The console receives bursts of equal timestamps: between restarts,
	// and while a collector walks (before one in 16 of its requests).
	burst := func() {
		mu.Lock()
		defer mu.Unlock()
		if n := min(1+rnd(total/25), total-appended); n > 0 {
			appendNow(srv, n)
			appended += n
		}
	}
	// The process's kill switch, moved by each restart.
	kill := &crashtest.Kill{Before: func() {
		if rnd(16) == 0 {
			burst()
		}
	}}
	hc := &http.Client{Transport: kill.Transport(srv.HTTPClient().Transport)}
	c, err := sentinelone.NewClient(srv.URL(), srv.APIToken(), sentinelone.WithoutRateLimits(), sentinelone.WithHTTPClient(hc),
		sentinelone.WithRetryWait(time.Millisecond, 2*time.Millisecond), sentinelone.WithMaxRetries(1))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now().Add(-time.Second)
	store := &checkpoint.Memory{}
	restarts, crashes, kills, afterAppend := 0, 0, 0, 0
	for {
		mu.Lock()
		all := appended == total
		complete := all && len(delivered) == total
		mu.Unlock()
		if complete {
			break
		}
		if all {
			if afterAppend++; afterAppend > maxCatchUp {
				t.Fatalf("not caught up %d restarts after the last append: %d of %d delivered", maxCatchUp, len(delivered), total)
			}
		}
		if rnd(3) == 0 {
			burst()
		}
		// A new process: a new collector on the same Store.
		restarts++
		ctx, cancel := context.WithCancel(context.Background())
		mode := rnd(4)
		crashAt, cancelAt := 0, 0 // crash in, or cancel after accepting, the n-th Handle call
		killAt, killAfter := 0, rnd(2) == 0
		switch mode {
		case 1:
			killAt = 1 + rnd(6)
		case 2:
			crashAt = 1 + rnd(2)
		case 3:
			cancelAt = 1 + rnd(2)
		}
		kill.Arm(cancel, killAt, killAfter)
		calls := 0
		col, err := newCol(c, sentinelone.CollectorConfig{
			Store: store, Start: start, BatchSize: 1 + rnd(300), PageSize: 1 + rnd(1000),
			MaxWindow: time.Duration(rnd(2)*(50+rnd(500))) * time.Millisecond,
			RetryMin:  time.Millisecond, RetryMax: time.Millisecond, ProgressInterval: -1,
		}, func(ctx context.Context, batch []T) error {
			calls++
			if calls == crashAt {
				return errCrash // dies before accepting: the batch is not kept
			}
			if ctx.Err() != nil {
				return ctx.Err()
			}
			mu.Lock()
			for _, a := range batch {
				delivered[id(a)]++
			}
			mu.Unlock()
			if calls == cancelAt {
				cancel() // dies once the batch is accepted: its checkpoint is still saved
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if mode != 0 { // mode 0 runs undisturbed
			switch rnd(4) {
			case 0:
				srv.InjectFault(sentinelonetest.Fault{Kind: sentinelonetest.ServerError, Status: 500, PathPrefix: "/web/api/v2.1" + path, Times: 2})
			case 1:
				srv.InjectFault(sentinelonetest.Fault{Kind: sentinelonetest.CutBody, PathPrefix: "/web/api/v2.1" + path})
			}
		}
		for range 1 + rnd(3) {
			if _, err := col.RunOnce(ctx); err != nil {
				switch {
				case errors.Is(err, errCrash):
					crashes++
				case ctx.Err() != nil:
					kills++
				}
				break // the process dies
			}
		}
		cancel()
		srv.ClearFaults()
	}
	for id, n := range delivered {
		if n != 1 {
			t.Errorf("item %s delivered %d times", id, n)
		}
	}
	if len(delivered) != total {
		t.Errorf("%d delivered, want %d", len(delivered), total)
	}
	t.Logf("%d restarts (%d after the last append), %d crashes in Handle, %d kills", restarts, afterAppend, crashes, kills)
}

func TestThreatCollectors(t *testing.T) {
	t.Parallel()
	srv := sentinelonetest.NewServer(t)
	clock := time.Now().UTC().Add(-time.Hour)
	var mu sync.Mutex
	srv.SetClock(func() time.Time { mu.Lock(); defer mu.Unlock(); return clock })
	t1 := srv.AddThreat("a.exe", clock.Add(-10*time.Minute), "1")
	t2 := srv.AddThreat("b.exe", clock.Add(-10*time.Minute), "1") // same createdAt
	c := newFakeClient(t, srv)
	ctx := context.Background()
	var newIDs, changed []string
	newCol, err := c.ThreatCollector(sentinelone.CollectorConfig{Store: &checkpoint.Memory{}, Start: clock.Add(-time.Hour), ProgressInterval: -1},
		sentinelone.NewThreats, nil, func(_ context.Context, b []sentinelone.Threat) error {
			for _, th := range b {
				newIDs = append(newIDs, th.ID)
			}
			return nil
		})
	if err != nil {
		t.Fatal(err)
	}
	chCol, err := c.ThreatCollector(sentinelone.CollectorConfig{Store: &checkpoint.Memory{}, Start: clock.Add(-time.Hour), ProgressInterval: -1},
		sentinelone.ChangedThreats, &sentinelone.ThreatListOptions{AgentIDs: []string{"1"}}, func(_ context.Context, b []sentinelone.Threat) error {
			for _, th := range b {
				changed = append(changed, th.ID+":"+string(th.ThreatInfo.IncidentStatus))
			}
			return nil
		})
	if err != nil {
		t.Fatal(err)
	}
	run := func() {
		t.Helper()
		if _, err := newCol.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := chCol.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
	}
	run()
	if strings.Join(newIDs, ",") != t1+","+t2 || len(changed) != 2 {
		t.Fatalf("first cycle: new %v changed %v", newIDs, changed)
	}
	mu.Lock()
	clock = clock.Add(time.Minute)
	mu.Unlock()
	if _, err := c.Threats.SetIncident(ctx, sentinelone.ThreatFilter{IDs: []string{t2}}, sentinelone.IncidentResolved, "", nil); err != nil {
		t.Fatal(err)
	}
	run()
	run()
	if len(newIDs) != 2 {
		t.Errorf("new threats delivered again: %v", newIDs)
	}
	if len(changed) != 3 || changed[2] != t2+":resolved" {
		t.Errorf("changed = %v", changed)
	}
	if s := chCol.Stats(); s.Delivered != 3 || s.Cycles != 3 {
		t.Errorf("stats = %+v", s)
	}
}

func TestCollectorConfigErrors(t *testing.T) {
	t.Parallel()
	c, err := sentinelone.NewClient("https://usea1-partners.sentinelone.net", "tok-1234", sentinelone.WithHTTPClient(&http.Client{}))
	if err != nil {
		t.Fatal(err)
	}
	h := func(context.Context, []sentinelone.Activity) error { return nil }
	if _, err := c.ActivityCollector(sentinelone.CollectorConfig{}, nil, h); err == nil || !strings.Contains(err.Error(), "Store") {
		t.Errorf("no store: %v", err)
	}
	st := &checkpoint.Memory{}
	if _, err := c.ActivityCollector(sentinelone.CollectorConfig{Store: st}, &sentinelone.ActivityListOptions{CreatedSince: time.Now()}, h); err == nil {
		t.Error("time filter accepted")
	}
	if _, err := c.ActivityCollector(sentinelone.CollectorConfig{Store: st, PageSize: 5000}, nil, h); err == nil {
		t.Error("page size accepted")
	}
	if _, err := c.ActivityCollector(sentinelone.CollectorConfig{Store: st}, nil, nil); err == nil {
		t.Error("nil handle accepted")
	}
	if _, err := c.ThreatCollector(sentinelone.CollectorConfig{Store: st}, 0, nil, func(context.Context, []sentinelone.Threat) error { return nil }); err == nil {
		t.Error("mode 0 accepted")
	}
	if sentinelone.NewThreats.String() != "new threats" || sentinelone.ChangedThreats.String() != "changed threats" {
		t.Error("ThreatMode names")
	}
}
