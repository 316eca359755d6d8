package tehtris_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/socgo/xdr/checkpoint"
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
func TestCollectorExactlyOnceAcrossRestarts(t *testing.T) {
	t.Parallel()
	const total = 10_000
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
	appended := make(chan []int64, 1)
	go func() {
		var ids []int64
		kinds := []tehtristest.FaultKind{tehtristest.RateLimit, tehtristest.ServerError, tehtristest.CutBody, tehtristest.TruncatedJSON}
		for len(ids) < total {
			n := min(1+rnd(200), total-len(ids))
			ids = append(ids, srv.AppendN(n)...)
			if rnd(4) == 0 {
				srv.InjectFault(tehtristest.Fault{Kind: kinds[rnd(len(kinds))], PathPrefix: "/api/xdr/v1/event"})
			}
			time.Sleep(time.Duration(rnd(200)) * time.Millisecond)
		}
		appended <- ids
	}()

	var logs bytes.Buffer
	var lmu sync.Mutex
	logger := slog.New(slog.NewTextHandler(writerFunc(func(p []byte) (int, error) {
		lmu.Lock()
		defer lmu.Unlock()
		return logs.Write(p)
	}), &slog.HandlerOptions{Level: slog.LevelInfo}))

	client, err := srv.NewClient(tehtris.WithRetryWait(time.Millisecond, 5*time.Millisecond), tehtris.WithMaxRetryAfter(10*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	done := false
	deadline := time.Now().Add(60 * time.Second)
	lives := 0
	for !done || led.distinct() < total {
		if time.Now().After(deadline) {
			lmu.Lock()
			l := logs.String()
			lmu.Unlock()
			if len(l) > 4000 {
				l = l[len(l)-4000:]
			}
			t.Fatalf("after %d lives: %d of %d events delivered; log tail:\n%s", lives, led.distinct(), total, l)
		}
		if !done {
			select {
			case ids = <-appended:
				done = true
			default:
			}
		}
		lives++
		ctx, cancel := context.WithCancel(context.Background())
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
		opts := []tehtris.CollectorOption{
			tehtris.WithStart(start),
			tehtris.WithPollInterval(time.Duration(5+rnd(20)) * time.Millisecond),
			tehtris.WithRequestsPerMinute(60_000),
			tehtris.WithRetryBackoff(time.Millisecond, 10*time.Millisecond),
			tehtris.WithPageSize(100 + rnd(901)),
			tehtris.WithBatchSize(1 + rnd(700)),
			tehtris.WithProgressInterval(50 * time.Millisecond),
			tehtris.WithCollectorLogger(logger),
		}
		if rnd(4) != 0 {
			opts = append(opts, tehtris.WithMaxWindow(time.Duration(1+rnd(2))*time.Second))
		}
		col, err := tehtris.NewCollector(client, store, handle, opts...)
		if err != nil {
			t.Fatal(err)
		}
		life := time.Duration(100+rnd(900)) * time.Millisecond
		if done && lives%5 == 0 {
			life = time.Second // let it catch up now and then
		}
		timer := time.AfterFunc(life, cancel)
		if err := col.Run(ctx); err != nil {
			t.Fatalf("life %d: Run: %v", lives, err)
		}
		timer.Stop()
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
	t.Logf("%d lives, %d requests", lives, srv.Requests())
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
	col, err := tehtris.NewCollector(client, store, func(_ context.Context, evs []tehtris.Event) error {
		got = append(got, evs...)
		return nil
	}, tehtris.WithStart(sec.Add(-time.Hour)), tehtris.WithRequestsPerMinute(60_000), tehtris.WithPageSize(7), tehtris.WithBatchSize(5))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	srv.AppendNAt(sec.Add(100*time.Millisecond), 12)
	if n, err := col.RunOnce(ctx); err != nil || n != 12 {
		t.Fatalf("first cycle: %d %v", n, err)
	}
	srv.AppendNAt(sec.Add(50*time.Millisecond), 4) // late, earlier in the same second
	srv.AppendNAt(sec.Add(900*time.Millisecond), 3)
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
	again, err := tehtris.NewCollector(client, store, func(_ context.Context, evs []tehtris.Event) error {
		t.Errorf("delivered again: %d events", len(evs))
		return nil
	}, tehtris.WithRequestsPerMinute(60_000))
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

func TestCollectorPermanentAndOptions(t *testing.T) {
	t.Parallel()
	srv := tehtristest.NewServer(t)
	srv.AppendNAt(time.Now().Add(-time.Minute), 3)
	client, err := srv.NewClient()
	if err != nil {
		t.Fatal(err)
	}
	stop := errors.New("disk full")
	col, err := tehtris.NewCollector(client, &checkpoint.Memory{}, func(context.Context, []tehtris.Event) error {
		return tehtris.Permanent(stop)
	}, tehtris.WithRequestsPerMinute(60_000), tehtris.WithPollInterval(time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := col.Run(ctx); !errors.Is(err, stop) {
		t.Errorf("Run: %v, want the permanent error", err)
	}
	h := func(context.Context, []tehtris.Event) error { return nil }
	for _, tc := range []struct {
		opt  tehtris.CollectorOption
		want string
	}{
		{tehtris.WithPollInterval(0), "WithPollInterval"},
		{tehtris.WithBatchSize(0), "WithBatchSize"},
		{tehtris.WithPageSize(1001), "WithPageSize"},
		{tehtris.WithRequestsPerMinute(0), "WithRequestsPerMinute"},
		{tehtris.WithMaxWindow(time.Millisecond), "WithMaxWindow"},
		{tehtris.WithMaxLookback(-time.Hour), "WithMaxLookback"},
		{tehtris.WithFilterID(" x"), "WithFilterID"},
		{tehtris.WithStart(time.Time{}), "WithStart"},
		{tehtris.WithRequestLimiter(nil), "WithRequestLimiter"},
		{tehtris.WithCollectorLogger(nil), "WithCollectorLogger"},
		{tehtris.WithRetryBackoff(time.Second, time.Millisecond), "WithRetryBackoff"},
	} {
		if _, err := tehtris.NewCollector(client, &checkpoint.Memory{}, h, tc.opt); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("option %s: %v", tc.want, err)
		}
	}
	if _, err := tehtris.NewCollector(nil, &checkpoint.Memory{}, h); err == nil {
		t.Error("nil client accepted")
	}
	if _, err := tehtris.NewCollector(client, nil, h); err == nil {
		t.Error("nil store accepted")
	}
	if _, err := tehtris.NewCollector(client, &checkpoint.Memory{}, nil); err == nil {
		t.Error("nil handler accepted")
	}
}

// TestCollectorDefaultPace checks the default limit of 5 requests per
// minute: a second request in the same cycle waits (seen as a deadline
// error), while the first goes through at once.
func TestCollectorDefaultPace(t *testing.T) {
	t.Parallel()
	srv := tehtristest.NewServer(t)
	srv.AppendNAt(time.Now().Add(-time.Minute), 30)
	client, err := srv.NewClient()
	if err != nil {
		t.Fatal(err)
	}
	col, err := tehtris.NewCollector(client, &checkpoint.Memory{}, func(context.Context, []tehtris.Event) error { return nil },
		tehtris.WithPageSize(10))
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
}
