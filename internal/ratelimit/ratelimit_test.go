package ratelimit

import (
	"context"
	"errors"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/socgo/xdr/internal/transport"
)

var _ transport.Limiter = (*Bucket)(nil)

func TestBurstThenRate(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		b := New(2, 3) // 2/s, burst 3
		start := time.Now()
		var at []time.Duration
		for range 7 {
			if err := b.Wait(t.Context()); err != nil {
				t.Fatal(err)
			}
			at = append(at, time.Since(start))
		}
		want := []time.Duration{0, 0, 0, 500 * time.Millisecond, time.Second, 1500 * time.Millisecond, 2 * time.Second}
		for i := range want {
			if at[i] != want[i] {
				t.Errorf("wait %d passed at %s, want %s (all: %v)", i, at[i], want[i], at)
				break
			}
		}
	})
}

func TestRefillsWhileIdleUpToBurst(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		b := Every(time.Second, 2)
		for range 2 {
			_ = b.Wait(t.Context())
		}
		time.Sleep(time.Hour) // a long idle time earns no more than the burst
		start := time.Now()
		for range 3 {
			if err := b.Wait(t.Context()); err != nil {
				t.Fatal(err)
			}
		}
		if got := time.Since(start); got != time.Second {
			t.Errorf("three waits after idling took %s, want 1s (burst of 2, then one interval)", got)
		}
	})
}

func TestConcurrentWaitersAreSpaced(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		b := Every(100*time.Millisecond, 1)
		start := time.Now()
		var mu sync.Mutex
		var done []time.Duration
		var wg sync.WaitGroup
		for range 10 {
			wg.Go(func() {
				if err := b.Wait(t.Context()); err != nil {
					t.Error(err)
				}
				mu.Lock()
				done = append(done, time.Since(start))
				mu.Unlock()
			})
		}
		wg.Wait()
		if last := time.Since(start); last != 900*time.Millisecond {
			t.Errorf("ten waiters done after %s, want 900ms", last)
		}
		seen := map[time.Duration]int{}
		for _, d := range done {
			seen[d]++
		}
		for d, n := range seen {
			if n > 1 {
				t.Errorf("%d waiters released together at %s", n, d)
			}
		}
	})
}

func TestWaitPastDeadlineFailsAtOnce(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		b := Every(10*time.Second, 1)
		_ = b.Wait(t.Context())
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		defer cancel()
		start := time.Now()
		if err := b.Wait(ctx); err == nil {
			t.Fatal("a wait past the deadline succeeded")
		}
		if time.Since(start) != 0 {
			t.Errorf("refused after %s, want at once", time.Since(start))
		}
		// The refused reservation was given back: the next token is still
		// due 10s after the first.
		start = time.Now()
		if err := b.Wait(t.Context()); err != nil {
			t.Fatal(err)
		}
		if got := time.Since(start); got != 10*time.Second {
			t.Errorf("next wait took %s, want 10s", got)
		}
	})
}

func TestCancelDuringWait(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		b := Every(time.Minute, 1)
		_ = b.Wait(t.Context())
		ctx, cancel := context.WithCancel(t.Context())
		go func() {
			time.Sleep(time.Second)
			cancel()
		}()
		start := time.Now()
		if err := b.Wait(ctx); !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
		if time.Since(start) != time.Second {
			t.Errorf("returned after %s, want at the cancellation", time.Since(start))
		}
		// The cancelled waiter gave its token back.
		start = time.Now()
		_ = b.Wait(t.Context())
		if got := time.Since(start); got != 59*time.Second {
			t.Errorf("next wait took %s, want the 59s left of the interval", got)
		}
	})
}

func TestConstructorsClamp(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		b := New(0, 0) // no rate: the first call passes, the next waits for ever
		if err := b.Wait(t.Context()); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(t.Context(), time.Hour)
		defer cancel()
		if err := b.Wait(ctx); err == nil {
			t.Error("a zero rate allowed a second event within an hour")
		}
		e := Every(0, -5) // a zero interval and burst are clamped
		for range 100 {
			if err := e.Wait(t.Context()); err != nil {
				t.Fatal(err)
			}
		}
	})
}

func TestWorksAsTransportLimiter(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var l transport.Limiter = New(10, 1)
		ctx := transport.WithLimiter(t.Context(), l)
		start := time.Now()
		for range 11 {
			if err := l.Wait(ctx); err != nil {
				t.Fatal(err)
			}
		}
		if got := time.Since(start); got != time.Second {
			t.Errorf("11 events at 10/s took %s, want 1s", got)
		}
	})
}
