package collect

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/socgo/xdr/checkpoint"
	"github.com/socgo/xdr/internal/ratelimit"
	"github.com/socgo/xdr/internal/transport"
)

func TestNewNamesTheBadField(t *testing.T) {
	t.Parallel()
	src, k := &memSource{}, &sink{}
	valid := Config[event]{Store: &checkpoint.Memory{}, Key: key, Fetch: src.Fetch, Handle: k.Handle}
	for _, tc := range []struct {
		want string
		edit func(*Config[event])
	}{
		{"collect: Store is required", func(c *Config[event]) { c.Store = nil }},
		{"collect: Key is required", func(c *Config[event]) { c.Key = nil }},
		{"collect: Fetch is required", func(c *Config[event]) { c.Fetch = nil }},
		{"collect: Handle is required", func(c *Config[event]) { c.Handle = nil }},
		{"collect: Granularity -1s must not be negative", func(c *Config[event]) { c.Granularity = -time.Second }},
		{"collect: MaxWindow -1s must not be negative", func(c *Config[event]) { c.MaxWindow = -time.Second }},
		{"collect: BatchSize -1 must not be negative", func(c *Config[event]) { c.BatchSize = -1 }},
		{"collect: RetryMax 1s must be at least RetryMin 2s", func(c *Config[event]) { c.RetryMin, c.RetryMax = 2*time.Second, time.Second }},
		{"collect: MaxWindow 500ms must be at least Granularity 1s", func(c *Config[event]) { c.Granularity, c.MaxWindow = time.Second, 500*time.Millisecond }},
		{"collect: MaxLookback 1m0s must be more than Delay 1m0s", func(c *Config[event]) { c.MaxLookback, c.Delay = time.Minute, time.Minute }},
	} {
		cfg := valid
		tc.edit(&cfg)
		if _, err := New(cfg); err == nil || err.Error() != tc.want {
			t.Errorf("New: error %v, want %q", err, tc.want)
		}
	}
	if _, err := New(valid); err != nil {
		t.Fatalf("New(valid): %v", err)
	}
}

// Events come back in any order, are delivered sorted by (time, id) in
// batches of BatchSize, and the checkpoint holds the boundary granule.
func TestRunOnceDeliversSortedBatchesAndCheckpoints(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		base := time.Now().Add(-time.Hour)
		src, k, st := &memSource{}, &sink{}, &checkpoint.Memory{}
		src.add(
			ev("9", at(base, 2500*time.Millisecond)), ev("10", at(base, 2500*time.Millisecond)),
			ev("3", at(base, 1*time.Second)), ev("4", at(base, 2100*time.Millisecond)),
			ev("1", at(base, 0)), ev("2", at(base, 0)),
		)
		e := mustNew(t, Config[event]{Store: st, Key: key, Fetch: src.Fetch, Handle: k.Handle,
			Granularity: time.Second, BatchSize: 4, Start: base})
		n, err := e.RunOnce(t.Context())
		if err != nil || n != 6 {
			t.Fatalf("RunOnce = %d, %v; want 6, nil", n, err)
		}
		if got, want := k.ids(), []string{"1", "2", "3", "4", "9", "10"}; !slices.Equal(got, want) {
			t.Fatalf("delivered %v, want %v (time, then numeric id)", got, want)
		}
		if len(k.batches) != 2 || len(k.batches[0]) != 4 {
			t.Fatalf("batches %v, want 4+2", k.batches)
		}
		b, _ := st.Load(t.Context())
		want := fmt.Sprintf(`{"v":1,"time":"%s","ids":["10","4","9"]}`, at(base, 2*time.Second).UTC().Format(time.RFC3339Nano))
		if string(b) != want {
			t.Fatalf("checkpoint %s, want %s", b, want)
		}
		w := src.windows()
		if len(w) != 1 || !w[0].from.Equal(base) || !w[0].to.Equal(time.Now()) {
			t.Fatalf("Fetch windows %v, want [base, now]", w)
		}
	})
}

// The boundary granule is re-read after a restart: what was delivered is
// dropped, a late event inside it is delivered.
func TestBoundaryGranuleAcrossRestart(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		base := time.Now().Add(-time.Minute).Truncate(time.Second)
		src, st := &memSource{}, &checkpoint.Memory{}
		src.add(ev("a", at(base, 100*time.Millisecond)), ev("c", at(base, 700*time.Millisecond)))
		k1 := &sink{}
		e1 := mustNew(t, Config[event]{Store: st, Key: key, Fetch: src.Fetch, Handle: k1.Handle, Granularity: time.Second, Start: base})
		if n, err := e1.RunOnce(t.Context()); n != 2 || err != nil {
			t.Fatalf("first RunOnce = %d, %v", n, err)
		}
		// A late event inside the boundary granule, older than the newest
		// delivered one, and a new one.
		src.add(ev("b", at(base, 300*time.Millisecond)), ev("d", at(base, 1500*time.Millisecond)))
		k2 := &sink{}
		e2 := mustNew(t, Config[event]{Store: st, Key: key, Fetch: src.Fetch, Handle: k2.Handle, Granularity: time.Second})
		if n, err := e2.RunOnce(t.Context()); n != 2 || err != nil {
			t.Fatalf("RunOnce after restart = %d, %v", n, err)
		}
		if got := k2.ids(); !slices.Equal(got, []string{"b", "d"}) {
			t.Fatalf("after restart delivered %v, want [b d]", got)
		}
		if s := e2.Stats(); s.DuplicatesDropped != 2 || s.Delivered != 2 {
			t.Fatalf("stats %+v, want 2 duplicates dropped, 2 delivered", s)
		}
		if w := src.windows(); !w[1].from.Equal(base) {
			t.Fatalf("restart fetched from %v, want the boundary granule %v", w[1].from, base)
		}
		// Nothing new: nothing delivered, the granule of d is re-read.
		if n, err := e2.RunOnce(t.Context()); n != 0 || err != nil {
			t.Fatalf("third RunOnce = %d, %v", n, err)
		}
		if s := loadState(t, st); !s.Time.Equal(at(base, time.Second)) || len(s.IDs) != 1 {
			t.Fatalf("checkpoint %+v, want granule of d with [d]", s)
		}
	})
}

// One walk returning the same event twice (offset pages shifting) delivers
// it once.
func TestDuplicateWithinOneWalkDropped(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		base := time.Now().Add(-time.Minute)
		src, k := &memSource{}, &sink{}
		src.add(ev("1", base), ev("2", base), ev("1", base))
		e := mustNew(t, Config[event]{Store: &checkpoint.Memory{}, Key: key, Fetch: src.Fetch, Handle: k.Handle, Start: base})
		if n, err := e.RunOnce(t.Context()); n != 2 || err != nil {
			t.Fatalf("RunOnce = %d, %v", n, err)
		}
		if s := e.Stats(); s.DuplicatesDropped != 1 {
			t.Fatalf("DuplicatesDropped = %d, want 1", s.DuplicatesDropped)
		}
	})
}

// A Handle error checkpoints nothing of its batch; the same data comes
// again on the next cycle.
func TestHandleErrorCheckpointsNothing(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		base := time.Now().Add(-time.Hour)
		src, st := &memSource{}, &checkpoint.Memory{}
		k := &sink{failN: 1}
		for i := range 5 {
			src.add(ev(fmt.Sprint(i), at(base, time.Duration(i)*time.Minute)))
		}
		e := mustNew(t, Config[event]{Store: st, Key: key, Fetch: src.Fetch, Handle: k.Handle,
			Granularity: time.Second, BatchSize: 2, Start: base})
		// The first batch is refused: the saved checkpoint is still the start.
		if n, err := e.RunOnce(t.Context()); n != 0 || err == nil || !strings.Contains(err.Error(), "Handle: sink unavailable") {
			t.Fatalf("RunOnce = %d, %v; want 0 and the Handle error", n, err)
		}
		if s := loadState(t, st); !s.Time.Equal(base) || len(s.IDs) != 0 {
			t.Fatalf("checkpoint after a refused batch: %+v, want the start", s)
		}
		// The second batch is refused: the first stays checkpointed.
		k.mu.Lock()
		k.failN = 0
		k.mu.Unlock()
		if n, err := e.RunOnce(t.Context()); n != 5 || err != nil {
			t.Fatalf("retry RunOnce = %d, %v", n, err)
		}
		if got := k.ids(); !slices.Equal(got, []string{"0", "1", "2", "3", "4"}) {
			t.Fatalf("delivered %v", got)
		}
		if s := e.Stats(); s.Errors != 1 || s.Cycles != 2 {
			t.Fatalf("stats %+v, want 1 error in 2 cycles", s)
		}
	})
}

// A failed save is retried before anything else and re-delivers nothing
// while the Engine lives.
func TestSaveFailureRetriedWithoutRedelivery(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		base := time.Now().Add(-time.Hour)
		src, k := &memSource{}, &sink{}
		st := &flakyStore{}
		src.add(ev("1", base), ev("2", at(base, time.Minute)))
		e := mustNew(t, Config[event]{Store: st, Key: key, Fetch: src.Fetch, Handle: k.Handle, Granularity: time.Second, Start: base})
		if _, err := e.RunOnce(t.Context()); err != nil { // saves the start, delivers both
			t.Fatal(err)
		}
		src.add(ev("3", at(base, 2*time.Minute)))
		st.mu.Lock()
		st.failN = 1
		st.mu.Unlock()
		if n, err := e.RunOnce(t.Context()); n != 1 || err == nil || !strings.Contains(err.Error(), "save checkpoint: disk full") {
			t.Fatalf("RunOnce = %d, %v; want 1 and the save error", n, err)
		}
		if n, err := e.RunOnce(t.Context()); n != 0 || err != nil {
			t.Fatalf("RunOnce after the failed save = %d, %v; want nothing re-delivered", n, err)
		}
		if got := k.ids(); !slices.Equal(got, []string{"1", "2", "3"}) {
			t.Fatalf("delivered %v", got)
		}
		if s := loadState(t, st); !s.Time.Equal(at(base, 2*time.Minute)) {
			t.Fatalf("checkpoint %v, want the granule of 3", s.Time)
		}
	})
}

// Cancelling ctx while Handle runs: a batch Handle still accepts is
// checkpointed (the save is detached from the cancellation), so a restart
// does not deliver it again; Run returns nil at once.
func TestCancelDuringHandle(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		base := time.Now().Add(-time.Hour)
		src, st := &memSource{}, &checkpoint.Memory{}
		src.add(ev("1", base), ev("2", at(base, time.Second)))
		ctx, cancel := context.WithCancel(t.Context())
		var got []string
		handle := func(hctx context.Context, batch []event) error {
			cancel()
			<-hctx.Done() // Handle sees the cancellation
			for _, e := range batch {
				got = append(got, e.ID)
			}
			return nil // and accepts the batch anyway
		}
		e := mustNew(t, Config[event]{Store: st, Key: key, Fetch: src.Fetch, Handle: handle, Granularity: time.Second, Start: base, BatchSize: 1})
		start := time.Now()
		if err := e.Run(ctx); err != nil {
			t.Fatalf("Run = %v, want nil on cancel", err)
		}
		if d := time.Since(start); d != 0 {
			t.Fatalf("Run took %s of fake time after cancel", d)
		}
		if !slices.Equal(got, []string{"1"}) {
			t.Fatalf("delivered %v, want the one in-flight batch", got)
		}
		k := &sink{}
		e2 := mustNew(t, Config[event]{Store: st, Key: key, Fetch: src.Fetch, Handle: k.Handle, Granularity: time.Second})
		if _, err := e2.RunOnce(t.Context()); err != nil {
			t.Fatal(err)
		}
		if ids := k.ids(); !slices.Equal(ids, []string{"2"}) {
			t.Fatalf("after restart delivered %v, want [2]", ids)
		}
	})
}

// Run returns nil promptly when cancelled while waiting between cycles,
// while Fetch waits, and while Handle waits.
func TestRunReturnsNilOnCancel(t *testing.T) {
	t.Parallel()
	for _, where := range []string{"poll", "fetch", "handle", "backoff"} {
		t.Run(where, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				base := time.Now().Add(-time.Minute)
				src := &memSource{}
				src.add(ev("1", base))
				fetch := src.Fetch
				handle := (&sink{}).Handle
				switch where {
				case "fetch":
					fetch = func(ctx context.Context, _, _ time.Time) iter.Seq2[event, error] {
						return func(yield func(event, error) bool) { <-ctx.Done(); yield(event{}, ctx.Err()) }
					}
				case "handle":
					handle = func(ctx context.Context, _ []event) error { <-ctx.Done(); return ctx.Err() }
				case "backoff":
					src.failN, src.failErr = 1, errors.New("boom")
				}
				e := mustNew(t, Config[event]{Store: &checkpoint.Memory{}, Key: key, Fetch: fetch, Handle: handle,
					Start: base, PollInterval: time.Hour, RetryMin: time.Hour, RetryMax: time.Hour})
				ctx, cancel := context.WithCancel(t.Context())
				done := make(chan error, 1)
				go func() { done <- e.Run(ctx) }()
				synctest.Wait() // Run is now blocked where we want it
				start := time.Now()
				cancel()
				if err := <-done; err != nil {
					t.Fatalf("Run = %v, want nil", err)
				}
				if d := time.Since(start); d != 0 {
					t.Fatalf("Run returned %s (fake) after cancel", d)
				}
			})
		})
	}
}

func TestCorruptCheckpointIsAnError(t *testing.T) {
	t.Parallel()
	for _, bad := range []string{`{`, `null`, `[]`, `{"v":1}`, `{"v":2,"time":"2026-01-01T00:00:00Z"}`,
		`{"time":"2026-01-01T00:00:00Z"}`, `{"v":1,"time":"yesterday"}`, `{"v":1,"time":"2026-01-01T00:00:00Z","ids":[""]}`,
		`{"v":1,"time":"2026-01-01T00:00:00Z","extra":1}`, `{"v":1,"time":"2026-01-01T00:00:00Z"} {}`} {
		st := &checkpoint.Memory{}
		if err := st.Save(t.Context(), []byte(bad)); err != nil {
			t.Fatal(err)
		}
		called := false
		fetch := func(context.Context, time.Time, time.Time) iter.Seq2[event, error] {
			called = true
			return func(func(event, error) bool) {}
		}
		e := mustNew(t, Config[event]{Name: "tehtris events", Store: st, Key: key, Fetch: fetch, Handle: (&sink{}).Handle})
		_, err := e.RunOnce(t.Context())
		if !errors.Is(err, ErrCorruptCheckpoint) || !IsPermanent(err) || !strings.HasPrefix(err.Error(), "collect: tehtris events: corrupt checkpoint") {
			t.Errorf("checkpoint %q: RunOnce error %v, want a permanent ErrCorruptCheckpoint", bad, err)
		}
		if err := e.Run(t.Context()); !errors.Is(err, ErrCorruptCheckpoint) {
			t.Errorf("checkpoint %q: Run = %v, want it to stop on ErrCorruptCheckpoint", bad, err)
		}
		if b, _ := st.Load(t.Context()); string(b) != bad || called {
			t.Errorf("checkpoint %q: overwritten with %q or fetched (%v)", bad, b, called)
		}
	}
}

// MaxLookback skips older data and says how much at Warn.
func TestMaxLookbackSkipsAndWarns(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		now := time.Now()
		src, k, st, logs := &memSource{}, &sink{}, &checkpoint.Memory{}, &logBuffer{}
		src.add(ev("old", now.Add(-48*time.Hour)), ev("new", now.Add(-30*time.Minute)))
		e := mustNew(t, Config[event]{Store: st, Key: key, Fetch: src.Fetch, Handle: k.Handle, Granularity: time.Second,
			Start: now.Add(-72 * time.Hour), MaxLookback: time.Hour, Logger: newLogger(logs)})
		if n, err := e.RunOnce(t.Context()); n != 1 || err != nil {
			t.Fatalf("RunOnce = %d, %v", n, err)
		}
		if got := k.ids(); !slices.Equal(got, []string{"new"}) {
			t.Fatalf("delivered %v, want [new]", got)
		}
		warn := logs.lines("level=WARN")
		if len(warn) != 1 || !strings.Contains(warn[0], "skipping data older than MaxLookback") || !strings.Contains(warn[0], "skipped=71h0m0s") {
			t.Fatalf("warn lines %q, want one saying 71h were skipped", warn)
		}
		if s := e.Stats(); s.Skipped != 71*time.Hour {
			t.Fatalf("Stats.Skipped = %s", s.Skipped)
		}
	})
}

// Without MaxLookback, a long downtime loses nothing.
func TestNoLookbackClampByDefault(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		start := time.Now().Add(-time.Minute)
		src, k, st, logs := &memSource{}, &sink{}, &checkpoint.Memory{}, &logBuffer{}
		src.add(ev("1", start.Add(time.Second)))
		e := mustNew(t, Config[event]{Store: st, Key: key, Fetch: src.Fetch, Handle: k.Handle, Granularity: time.Second, Start: start, Logger: newLogger(logs)})
		if n, err := e.RunOnce(t.Context()); n != 1 || err != nil {
			t.Fatalf("first RunOnce = %d, %v", n, err)
		}
		// 30 days down; events from the whole downtime are there.
		time.Sleep(30 * 24 * time.Hour)
		src.add(ev("2", start.Add(2*time.Hour)), ev("3", start.Add(29*24*time.Hour)))
		e2 := mustNew(t, Config[event]{Store: st, Key: key, Fetch: src.Fetch, Handle: k.Handle, Granularity: time.Second, Logger: newLogger(logs)})
		if n, err := e2.RunOnce(t.Context()); n != 2 || err != nil {
			t.Fatalf("RunOnce after downtime = %d, %v", n, err)
		}
		if got := k.ids(); !slices.Equal(got, []string{"1", "2", "3"}) {
			t.Fatalf("delivered %v", got)
		}
		if w := logs.lines("level=WARN"); len(w) != 0 {
			t.Fatalf("unexpected warnings %q", w)
		}
	})
}

// MaxWindow bounds every walk, and Run moves on over empty windows until it
// reaches the events, without a PollInterval wait between windows.
func TestMaxWindowProgressesOverEmptyWindows(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		now := time.Now()
		start := now.Add(-10 * time.Hour)
		src, k, st := &memSource{}, &sink{}, &checkpoint.Memory{}
		// One event exactly on a window's upper bound, one in the last window.
		src.add(ev("edge", start.Add(4*time.Hour)), ev("late", now.Add(-30*time.Minute)))
		e := mustNew(t, Config[event]{Store: st, Key: key, Fetch: src.Fetch, Handle: k.Handle, Granularity: time.Second,
			Start: start, MaxWindow: time.Hour, PollInterval: time.Hour})
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error, 1)
		go func() { done <- e.Run(ctx) }()
		synctest.Wait() // caught up, waiting PollInterval
		cancel()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if time.Since(now) != 0 {
			t.Fatalf("windows took %s of fake time; want no wait between bounded windows", time.Since(now))
		}
		if got := k.ids(); !slices.Equal(got, []string{"edge", "late"}) {
			t.Fatalf("delivered %v", got)
		}
		w := src.windows()
		if len(w) != 10 {
			t.Fatalf("%d windows, want 10: %v", len(w), w)
		}
		for i, x := range w {
			if x.to.Sub(x.from) > time.Hour {
				t.Errorf("window %d spans %s > MaxWindow", i, x.to.Sub(x.from))
			}
			if i > 0 && !x.from.Equal(w[i-1].to.Truncate(time.Second)) {
				t.Errorf("window %d starts at %v, not at the previous end %v", i, x.from, w[i-1].to)
			}
		}
		if !w[len(w)-1].to.Equal(now) {
			t.Errorf("last window ends %v, want now", w[len(w)-1].to)
		}
		if s := e.Stats(); s.DuplicatesDropped != 1 || s.Delivered != 2 || s.Cycles != 10 {
			t.Errorf("stats %+v: want edge re-read once and dropped", s)
		}
	})
}

// Delay keeps the walk's upper bound behind now.
func TestDelayHoldsBackRecentEvents(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		now := time.Now()
		src, k := &memSource{}, &sink{}
		src.add(ev("ready", now.Add(-2*time.Minute)), ev("recent", now.Add(-30*time.Second)))
		e := mustNew(t, Config[event]{Store: &checkpoint.Memory{}, Key: key, Fetch: src.Fetch, Handle: k.Handle,
			Granularity: time.Second, Start: now.Add(-time.Hour), Delay: time.Minute})
		if n, err := e.RunOnce(t.Context()); n != 1 || err != nil {
			t.Fatalf("RunOnce = %d, %v", n, err)
		}
		time.Sleep(time.Minute)
		if n, err := e.RunOnce(t.Context()); n != 1 || err != nil {
			t.Fatalf("RunOnce a minute later = %d, %v", n, err)
		}
		if got := k.ids(); !slices.Equal(got, []string{"ready", "recent"}) {
			t.Fatalf("delivered %v", got)
		}
	})
}

// Config.Limiter reaches every page request Fetch makes through the
// transport, which waits on it.
func TestLimiterPacesFetchRequests(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var mu sync.Mutex
		var times []time.Time
		rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
			mu.Lock()
			times = append(times, time.Now())
			mu.Unlock()
			body := "[]"
			if r.URL.Query().Get("page") != "4" {
				body = `[{"id":"x"}]`
			}
			return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
				Body: io.NopCloser(strings.NewReader(body)), Request: r}, nil
		})
		cfg := transport.Defaults()
		cfg.Base, _ = url.Parse("https://api.example.test")
		cfg.HTTPClient = &http.Client{Transport: rt}
		client, err := transport.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		base := time.Now().Add(-time.Hour)
		fetch := func(ctx context.Context, from, _ time.Time) iter.Seq2[event, error] {
			return func(yield func(event, error) bool) {
				for page := 0; page < 5; page++ {
					req, _ := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf("https://api.example.test/events?page=%d", page), nil)
					resp, _, err := client.Do(req)
					if err != nil {
						yield(event{}, err)
						return
					}
					_ = resp.Body.Close()
					if !yield(ev(fmt.Sprint(page), from), nil) {
						return
					}
				}
			}
		}
		e := mustNew(t, Config[event]{Store: &checkpoint.Memory{}, Key: key, Fetch: fetch, Handle: (&sink{}).Handle,
			Start: base, Limiter: ratelimit.Every(12*time.Second, 1)}) // 5 requests per minute
		start := time.Now()
		if n, err := e.RunOnce(t.Context()); n != 5 || err != nil {
			t.Fatalf("RunOnce = %d, %v", n, err)
		}
		if len(times) != 5 {
			t.Fatalf("%d requests, want 5", len(times))
		}
		for i, x := range times {
			if want := start.Add(time.Duration(i) * 12 * time.Second); !x.Equal(want) {
				t.Errorf("request %d at +%s, want +%s", i, x.Sub(start), want.Sub(start))
			}
		}
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// Failed cycles back off exponentially with jitter within RetryMin..RetryMax,
// and the backoff resets after a success.
func TestRunBacksOffOnErrors(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		base := time.Now().Add(-time.Minute)
		src, k, logs := &memSource{}, &sink{}, &logBuffer{}
		src.add(ev("1", base))
		src.failN, src.failErr = 6, errors.New("503 from the API")
		e := mustNew(t, Config[event]{Store: &checkpoint.Memory{}, Key: key, Fetch: src.Fetch, Handle: k.Handle, Start: base,
			RetryMin: time.Second, RetryMax: 8 * time.Second, PollInterval: time.Minute, Logger: newLogger(logs)})
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error, 1)
		go func() { done <- e.Run(ctx) }()
		time.Sleep(10 * time.Minute)
		cancel()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		w := src.windows()
		var gaps []time.Duration
		for i := 1; i < len(w); i++ {
			gaps = append(gaps, w[i].to.Sub(w[i-1].to))
		}
		// 6 failures: waits in [RetryMin, 1s], [1s, 2s], [2s, 4s], [4s, 8s], [4s, 8s], [4s, 8s]; then polling.
		bounds := [][2]time.Duration{{1, 1}, {1, 2}, {2, 4}, {4, 8}, {4, 8}, {4, 8}}
		for i, b := range bounds {
			if gaps[i] < b[0]*time.Second || gaps[i] > b[1]*time.Second {
				t.Errorf("wait %d = %s, want within [%ds, %ds]", i, gaps[i], b[0], b[1])
			}
		}
		for i := len(bounds); i < len(gaps); i++ {
			if gaps[i] != time.Minute {
				t.Errorf("wait %d after success = %s, want PollInterval", i, gaps[i])
			}
		}
		if got := k.ids(); !slices.Equal(got, []string{"1"}) {
			t.Fatalf("delivered %v", got)
		}
		if s := e.Stats(); s.Errors != 6 {
			t.Errorf("Errors = %d, want 6", s.Errors)
		}
		if n := len(logs.lines("collector cycle failed; retrying")); n != 6 {
			t.Errorf("%d retry warnings, want 6", n)
		}
	})
}

// A permanent error stops Run.
func TestPermanentErrorStopsRun(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		base := time.Now().Add(-time.Minute)
		src := &memSource{}
		src.add(ev("1", base))
		refused := errors.New("sink closed for good")
		handle := func(context.Context, []event) error { return Permanent(refused) }
		e := mustNew(t, Config[event]{Store: &checkpoint.Memory{}, Key: key, Fetch: src.Fetch, Handle: handle, Start: base})
		if err := e.Run(t.Context()); !errors.Is(err, refused) || !IsPermanent(err) {
			t.Fatalf("Run = %v, want the permanent Handle error", err)
		}
		if Permanent(nil) != nil {
			t.Fatal("Permanent(nil) != nil")
		}
		emptyID := func(event) (string, time.Time) { return "", base }
		e2 := mustNew(t, Config[event]{Store: &checkpoint.Memory{}, Key: emptyID, Fetch: src.Fetch, Handle: handle, Start: base})
		if err := e2.Run(t.Context()); err == nil || !strings.Contains(err.Error(), "Key returned an empty id") {
			t.Fatalf("Run with an empty id = %v", err)
		}
	})
}

// Stats and the Info progress line.
func TestStatsAndProgressLine(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		now := time.Now()
		src, k, st, logs := &memSource{}, &sink{}, &checkpoint.Memory{}, &logBuffer{}
		src.add(ev("1", now.Add(-90*time.Second)), ev("2", now.Add(-80*time.Second)), ev("2", now.Add(-80*time.Second)))
		e := mustNew(t, Config[event]{Name: "tehtris events", Store: st, Key: key, Fetch: src.Fetch, Handle: k.Handle,
			Granularity: time.Second, Start: now.Add(-time.Hour), PollInterval: 10 * time.Second,
			ProgressInterval: time.Minute, Logger: newLogger(logs)})
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error, 1)
		go func() { done <- e.Run(ctx) }()
		time.Sleep(125 * time.Second)
		s := e.Stats()
		cancel()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		// 13 cycles (every 10s from 0 to 120s); the first drops the second
		// copy of 2, each later one re-reads the boundary granule: 2 copies.
		if s.Delivered != 2 || s.DuplicatesDropped != 1+12*2 || s.Cycles != 13 || s.Errors != 0 ||
			!s.Checkpoint.Equal(now.Add(-80*time.Second)) || !s.Newest.Equal(now.Add(-80*time.Second)) ||
			s.Lag != 205*time.Second || !s.WalkedTo.Equal(now.Add(120*time.Second)) || s.Skipped != 0 {
			t.Fatalf("Stats %+v", s)
		}
		lines := logs.lines("collector progress")
		if len(lines) != 2 {
			t.Fatalf("progress lines %q, want 2 (at +1m and +2m)", lines)
		}
		for _, l := range []string{"level=INFO", "collector=\"tehtris events\"", "lag=2m20s", "delivered=2", "duplicates_dropped=", "checkpoint=", "errors=0"} {
			if !strings.Contains(lines[0], l) {
				t.Errorf("progress line %q lacks %q", lines[0], l)
			}
		}
		if !strings.Contains(lines[1], "lag=3m20s") {
			t.Errorf("second progress line %q, want lag=3m20s", lines[1])
		}
	})
}
