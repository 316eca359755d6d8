package tehtris_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"math"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/socgo/xdr/checkpoint"
	"github.com/socgo/xdr/internal/crashtest"
	"github.com/socgo/xdr/tehtris"
	"github.com/socgo/xdr/tehtris/tehtristest"
)

// ledger counts the deliveries of each event id.
type ledger struct {
	mu    sync.Mutex
	count map[int64]int
	order []int64
}

func (l *ledger) add(evs []tehtris.Event) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, ev := range evs {
		l.count[ev.ID]++
		l.order = append(l.order, ev.ID)
	}
}

func (l *ledger) distinct() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.count)
}

// TestCollectorExactlyOnceAcrossRestarts appends 10,000 events in bursts
// (many in the same second, newest-first on the wire) while collectors run,
// are cancelled at random points and restarted from the same checkpoint
// store, their handler sometimes failing, and the server sometimes
// answering 429, 503, a cut body or truncated JSON. Every event must be
// delivered exactly once.
//
// A life ends at a counted point, not after a time: its ctx is cancelled
// before or after its n-th request (polls and retries count), or inside
// Handle once a batch is accepted. Bursts and faults come between lives
// and before some requests (mid-walk). So the test proves the same on a
// loaded machine as on an idle one and has no time budget; liveness is
// counted in lives after the last append.
func TestCollectorExactlyOnceAcrossRestarts(t *testing.T) {
	t.Parallel()
	const total = 10_000
	// Every fifth life after the last append runs until caught up (or
	// maxCatchUpRequests): maxCatchUp lives without catching up is a
	// defect, not bad luck.
	const maxCatchUp, maxCatchUpRequests = 500, 5000
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 0x7e47))
	var rmu sync.Mutex
	rnd := func(n int) int { rmu.Lock(); defer rmu.Unlock(); return rng.IntN(n) }

	srv := tehtristest.NewServer(t)
	start := time.Now().Add(-time.Second)
	store := &checkpoint.Memory{}
	led := &ledger{count: make(map[int64]int)}

	// Producer: bursts of events, and faults now and then.
	var pmu sync.Mutex
	var ids []int64
	kinds := []tehtristest.FaultKind{tehtristest.RateLimit, tehtristest.ServerError, tehtristest.CutBody, tehtristest.TruncatedJSON}
	burst := func() {
		pmu.Lock()
		defer pmu.Unlock()
		if n := min(1+rnd(200), total-len(ids)); n > 0 {
			ids = append(ids, srv.SeedEvents(n)...)
			if rnd(4) == 0 {
				srv.InjectFault(tehtristest.Fault{Kind: kinds[rnd(len(kinds))], PathPrefix: "/api/xdr/v1/event"})
			}
		}
	}
	allAppended := func() bool { pmu.Lock(); defer pmu.Unlock(); return len(ids) == total }

	var logs bytes.Buffer
	var lmu sync.Mutex
	logger := slog.New(slog.NewTextHandler(writerFunc(func(p []byte) (int, error) {
		lmu.Lock()
		defer lmu.Unlock()
		return logs.Write(p)
	}), &slog.HandlerOptions{Level: slog.LevelInfo}))

	// The life's kill switch, moved by each life.
	kill := &crashtest.Kill{}
	kill.Before = func() {
		if rnd(8) == 0 {
			burst()
		}
		if allAppended() && led.distinct() == total {
			kill.Now() // caught up: the life has nothing left to do
		}
	}
	hc := &http.Client{Transport: kill.Transport(srv.HTTPClient().Transport)}
	client, err := srv.Client(tehtris.WithHTTPClient(hc), tehtris.WithRetryWait(time.Millisecond, 5*time.Millisecond), tehtris.WithMaxRetryAfter(10*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	lives, afterAppend := 0, 0
	for !allAppended() || led.distinct() < total {
		done := allAppended()
		if done {
			if afterAppend++; afterAppend > maxCatchUp {
				lmu.Lock()
				l := logs.String()
				lmu.Unlock()
				if len(l) > 4000 {
					l = l[len(l)-4000:]
				}
				t.Fatalf("%d lives after the last append: %d of %d events delivered; log tail:\n%s", maxCatchUp, led.distinct(), total, l)
			}
		} else if rnd(3) == 0 {
			burst()
		}
		lives++
		ctx, cancel := context.WithCancel(context.Background())
		killAt, killAfter := 1+rnd(30), rnd(2) == 0
		if done && lives%5 == 0 {
			killAt = maxCatchUpRequests // let it catch up now and then
		}
		kill.Arm(cancel, killAt, killAfter)
		var handled atomic.Int64
		killInHandle := rnd(3) == 0
		handle := func(ctx context.Context, evs []tehtris.Event) error {
			if rnd(20) == 0 {
				return errors.New("sink unavailable") // not accepted: delivered again
			}
			if killInHandle && rnd(4) == 0 {
				cancel() // killed while handing over; the batch is accepted
			}
			led.add(evs)
			handled.Add(int64(len(evs)))
			return nil
		}
		cfg := tehtris.CollectorConfig{
			Store:             store,
			Start:             start,
			PollInterval:      time.Duration(5+rnd(20)) * time.Millisecond,
			RequestsPerMinute: 60_000,
			RetryMin:          time.Millisecond,
			RetryMax:          10 * time.Millisecond,
			PageSize:          100 + rnd(901),
			BatchSize:         1 + rnd(700),
			ProgressInterval:  50 * time.Millisecond,
			Logger:            logger,
		}
		if rnd(4) != 0 {
			cfg.MaxWindow = time.Duration(1+rnd(2)) * time.Second
		}
		col, err := client.EventCollector(cfg, handle)
		if err != nil {
			t.Fatal(err)
		}
		if err := col.Run(ctx); err != nil {
			t.Fatalf("life %d: Run: %v", lives, err)
		}
		cancel()
		if st := col.Stats(); st.Delivered != handled.Load() {
			t.Errorf("life %d: Stats.Delivered %d, handler saw %d", lives, st.Delivered, handled.Load())
		}
	}
	led.mu.Lock()
	defer led.mu.Unlock()
	dups := 0
	for id, n := range led.count {
		if n != 1 {
			dups++
			if dups < 5 {
				t.Errorf("event %d delivered %d times", id, n)
			}
		}
	}
	for _, id := range ids {
		if led.count[id] == 0 {
			t.Fatalf("event %d never delivered", id)
		}
	}
	if len(led.count) != total || dups > 0 {
		t.Fatalf("%d distinct events delivered, %d more than once; want %d exactly once", len(led.count), dups, total)
	}
	lmu.Lock()
	if !strings.Contains(logs.String(), "tehtris events") {
		t.Error("no progress line names the collector")
	}
	lmu.Unlock()
	t.Logf("%d lives (%d after the last append), %d requests", lives, afterAppend, srv.Requests())
}

type writerFunc func(p []byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// TestCollectorOrderAndSameSecond delivers events of one second that
// arrive in several parts, in (time, id) order, once.
func TestCollectorOrderAndSameSecond(t *testing.T) {
	t.Parallel()
	srv := tehtristest.NewServer(t)
	sec := time.Now().Add(-time.Minute).Truncate(time.Second)
	store := &checkpoint.Memory{}
	var got []tehtris.Event
	client := fakeClient(t, srv) // the collector's requests are checked against the spec
	cfg := tehtris.CollectorConfig{Store: store, Start: sec.Add(-time.Hour), RequestsPerMinute: -1, PageSize: 7, BatchSize: 5}
	col, err := client.EventCollector(cfg, func(_ context.Context, evs []tehtris.Event) error {
		got = append(got, evs...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	srv.SeedEventsAt(12, sec.Add(100*time.Millisecond))
	if n, err := col.RunOnce(ctx); err != nil || n != 12 {
		t.Fatalf("first cycle: %d %v", n, err)
	}
	srv.SeedEventsAt(4, sec.Add(50*time.Millisecond)) // late, earlier in the same second
	srv.SeedEventsAt(3, sec.Add(900*time.Millisecond))
	if n, err := col.RunOnce(ctx); err != nil || n != 7 {
		t.Fatalf("second cycle: %d %v", n, err)
	}
	if n, err := col.RunOnce(ctx); err != nil || n != 0 {
		t.Fatalf("third cycle: %d %v", n, err)
	}
	for i := 1; i < 12; i++ {
		if got[i].Time.Before(got[i-1].Time) || got[i].Time.Equal(got[i-1].Time) && got[i].ID < got[i-1].ID {
			t.Fatalf("batch not in (time, id) order at %d", i)
		}
	}
	// A fresh collector on the same store delivers nothing again.
	again, err := client.EventCollector(tehtris.CollectorConfig{Store: store, RequestsPerMinute: -1}, func(_ context.Context, evs []tehtris.Event) error {
		t.Errorf("delivered again: %d events", len(evs))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := again.RunOnce(ctx); err != nil || n != 0 {
		t.Fatalf("restart: %d %v", n, err)
	}
	if st := again.Stats(); st.DuplicatesDropped != 19 || st.Checkpoint.IsZero() {
		t.Errorf("stats after restart: %+v", st)
	}
}

func TestCollectorPermanent(t *testing.T) {
	t.Parallel()
	srv := tehtristest.NewServer(t)
	srv.SeedEventsAt(3, time.Now().Add(-time.Minute))
	client, err := srv.Client()
	if err != nil {
		t.Fatal(err)
	}
	stop := errors.New("disk full")
	cfg := tehtris.CollectorConfig{Store: &checkpoint.Memory{}, RequestsPerMinute: -1, PollInterval: time.Millisecond}
	col, err := client.EventCollector(cfg, func(context.Context, []tehtris.Event) error {
		return tehtris.Permanent(stop)
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := col.Run(ctx); !errors.Is(err, stop) {
		t.Errorf("Run: %v, want the permanent error", err)
	}
}

// TestCollectorConfigChecked refuses each bad field with an error naming
// it, before any request.
func TestCollectorConfigChecked(t *testing.T) {
	t.Parallel()
	srv := tehtristest.NewServer(t)
	client, err := srv.Client()
	if err != nil {
		t.Fatal(err)
	}
	h := func(context.Context, []tehtris.Event) error { return nil }
	mem := &checkpoint.Memory{}
	for _, tc := range []struct {
		cfg  tehtris.CollectorConfig
		want string
	}{
		{tehtris.CollectorConfig{}, "tehtris: EventCollector: cfg.Store is required"},
		{tehtris.CollectorConfig{PollInterval: -time.Second}, "cfg.Store is required"},
		{tehtris.CollectorConfig{Store: mem, FilterID: " x"}, "cfg.FilterID"},
		{tehtris.CollectorConfig{Store: mem, Start: time.Unix(-1, 0)}, "cfg.Start"},
		{tehtris.CollectorConfig{Store: mem, BatchSize: -1}, "cfg.BatchSize"},
		{tehtris.CollectorConfig{Store: mem, PageSize: -1}, "cfg.PageSize"},
		{tehtris.CollectorConfig{Store: mem, PageSize: tehtris.MaxLimit + 1}, "cfg.PageSize"},
		{tehtris.CollectorConfig{Store: mem, PollInterval: -time.Second}, "cfg.PollInterval"},
		{tehtris.CollectorConfig{Store: mem, MaxLookback: -time.Hour}, "cfg.MaxLookback"},
		{tehtris.CollectorConfig{Store: mem, MaxLookback: time.Minute, Delay: time.Minute}, "cfg.MaxLookback"},
		{tehtris.CollectorConfig{Store: mem, MaxWindow: -time.Hour}, "cfg.MaxWindow"},
		{tehtris.CollectorConfig{Store: mem, MaxWindow: time.Millisecond}, "cfg.MaxWindow"},
		{tehtris.CollectorConfig{Store: mem, Delay: -time.Second}, "cfg.Delay"},
		{tehtris.CollectorConfig{Store: mem, MaxWindowEvents: 100}, "cfg.MaxWindowEvents"},
		{tehtris.CollectorConfig{Store: mem, BatchSize: 10, MaxWindowEvents: 9}, "cfg.MaxWindowEvents"},
		{tehtris.CollectorConfig{Store: mem, RequestsPerMinute: 60_001}, "cfg.RequestsPerMinute"},
		{tehtris.CollectorConfig{Store: mem, RequestsPerMinute: math.NaN()}, "cfg.RequestsPerMinute"},
		{tehtris.CollectorConfig{Store: mem, RetryMin: -time.Second}, "cfg.RetryMin"},
		{tehtris.CollectorConfig{Store: mem, RetryMax: -time.Second}, "cfg.RetryMax"},
		{tehtris.CollectorConfig{Store: mem, RetryMin: time.Second, RetryMax: time.Millisecond}, "cfg.RetryMax"},
	} {
		if _, err := client.EventCollector(tc.cfg, h); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v, want an error naming %s", tc.cfg, err, tc.want)
		}
	}
	if _, err := (*tehtris.Client)(nil).EventCollector(tehtris.CollectorConfig{Store: mem}, h); err == nil {
		t.Error("nil client accepted")
	}
	if _, err := client.EventCollector(tehtris.CollectorConfig{Store: mem}, nil); err == nil || !strings.Contains(err.Error(), "handle") {
		t.Errorf("nil handle: %v", err)
	}
	// Zero values are defaults; a Limiter makes RequestsPerMinute moot;
	// MaxLookback above Delay, a lone RetryMax and any negative pace are fine.
	for _, cfg := range []tehtris.CollectorConfig{
		{Store: mem},
		{Store: mem, Limiter: unlimited{}, RequestsPerMinute: 1e9},
		{Store: mem, MaxLookback: time.Hour, Delay: time.Minute, MaxWindow: time.Second, RetryMax: time.Millisecond},
		{Store: mem, RequestsPerMinute: math.Inf(-1), FilterID: "f", PageSize: tehtris.MaxLimit, ProgressInterval: -1},
		{Store: mem, RequestsPerMinute: 1e-300},
		{Store: mem, MaxWindowEvents: -1},
		{Store: mem, BatchSize: 10, MaxWindowEvents: 10},
	} {
		if _, err := client.EventCollector(cfg, h); err != nil {
			t.Errorf("%+v: %v", cfg, err)
		}
	}
	if n := srv.Requests(); n != 0 {
		t.Errorf("%d requests sent while checking configurations", n)
	}
}

type unlimited struct{}

func (unlimited) Wait(context.Context) error { return nil }

// countingLimiter counts the requests it lets through.
type countingLimiter struct{ n atomic.Int64 }

func (l *countingLimiter) Wait(context.Context) error { l.n.Add(1); return nil }

// TestCollectorConfigUsed checks that FilterID, PageSize, Limiter and the
// client's logger (the default Logger) reach the requests and the logs.
func TestCollectorConfigUsed(t *testing.T) {
	t.Parallel()
	srv := tehtristest.NewServer(t)
	id := srv.AddFilter(tehtristest.Filter{Name: "high", MinLevel: 9, MaxLevel: 9})
	start := time.Now().Add(-time.Minute)
	for i := range 25 {
		srv.AddEvents(tehtris.Event{ID: int64(1000 + i), Time: start.Add(time.Duration(i) * time.Second), Level: 5 + 4*(i%2)})
	}
	var logs bytes.Buffer
	var lmu sync.Mutex
	logger := slog.New(slog.NewTextHandler(writerFunc(func(p []byte) (int, error) {
		lmu.Lock()
		defer lmu.Unlock()
		return logs.Write(p)
	}), &slog.HandlerOptions{Level: slog.LevelDebug}))
	client := fakeClient(t, srv, tehtris.WithLogger(logger))
	lim := &countingLimiter{}
	var got []tehtris.Event
	cfg := tehtris.CollectorConfig{Store: &checkpoint.Memory{}, Start: start.Add(-time.Second), FilterID: id, PageSize: 5,
		RequestsPerMinute: 1, Limiter: lim}
	col, err := client.EventCollector(cfg, func(_ context.Context, evs []tehtris.Event) error {
		got = append(got, evs...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if n, err := col.RunOnce(ctx); err != nil || n != 12 {
		t.Fatalf("RunOnce: %d %v, want the 12 events of level 9", n, err)
	}
	for _, ev := range got {
		if ev.Level != 9 {
			t.Errorf("event %d of level %d delivered through a level 9 filter", ev.ID, ev.Level)
		}
	}
	// 12 events in pages of 5: 3 pages, each paced by the Limiter (and not
	// by RequestsPerMinute, which would hold the second page for a minute).
	if n := lim.n.Load(); n != 3 {
		t.Errorf("limiter waited on %d times, want 3", n)
	}
	lmu.Lock()
	defer lmu.Unlock()
	if !strings.Contains(logs.String(), "collector=\"tehtris events\"") {
		t.Errorf("the client's logger got no collector line:\n%s", logs.String())
	}
}

// TestCollectorDefaultPace checks the default limit of 5 requests per
// minute: a second request in the same cycle waits (seen as a deadline
// error), while the first goes through at once.
func TestCollectorDefaultPace(t *testing.T) {
	t.Parallel()
	srv := tehtristest.NewServer(t)
	srv.SeedEventsAt(30, time.Now().Add(-time.Minute))
	client, err := srv.Client()
	if err != nil {
		t.Fatal(err)
	}
	h := func(context.Context, []tehtris.Event) error { return nil }
	col, err := client.EventCollector(tehtris.CollectorConfig{Store: &checkpoint.Memory{}, PageSize: 10}, h)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	before := srv.Requests()
	_, err = col.RunOnce(ctx)
	if err == nil {
		t.Fatal("three pages went through a 5/minute limiter within 2s")
	}
	if n := srv.Requests() - before; n != 1 {
		t.Errorf("%d requests, want 1 before the limiter holds", n)
	}

	// A negative RequestsPerMinute turns the pacing off.
	col, err = client.EventCollector(tehtris.CollectorConfig{Store: &checkpoint.Memory{}, PageSize: 10, RequestsPerMinute: -1}, h)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel = context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	before = srv.Requests()
	if n, err := col.RunOnce(ctx); err != nil || n != 30 {
		t.Fatalf("unpaced RunOnce: %d %v", n, err)
	}
	if n := srv.Requests() - before; n != 4 {
		t.Errorf("%d requests, want 4 pages of 10 (the last one empty)", n)
	}
}
