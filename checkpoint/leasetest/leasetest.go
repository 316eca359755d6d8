// Package leasetest checks that a checkpoint.LeaseStore keeps the lease
// contract: one holder at a time, fencing tokens that only grow, saves
// refused under a lost lease, expiry and release. Run it from the tests of
// any LeaseStore implementation.
package leasetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/socgo/xdr/checkpoint"
)

// Run runs the contract tests against stores made by newStore; each call
// must return an empty store (or one whose source names do not collide:
// the tests use sources prefixed with t.Name()).
func Run(t *testing.T, newStore func(t *testing.T) checkpoint.LeaseStore) {
	t.Helper()
	ctx := context.Background()
	src := func(t *testing.T) string { return fmt.Sprintf("%s/%d", t.Name(), time.Now().UnixNano()) }

	t.Run("OneHolderAndFencing", func(t *testing.T) {
		s, source := newStore(t), src(t)
		if b, err := s.Load(ctx, source); b != nil || err != nil {
			t.Fatalf("Load of a new source = %q, %v; want nil, nil", b, err)
		}
		a, err := s.Acquire(ctx, source, "a", time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if a.Source != source || a.Holder != "a" || a.Token <= 0 {
			t.Fatalf("Acquire = %+v", a)
		}
		if _, err := s.Acquire(ctx, source, "b", time.Minute); !errors.Is(err, checkpoint.ErrLeaseHeld) {
			t.Fatalf("second holder's Acquire = %v; want ErrLeaseHeld", err)
		}
		if err := s.Save(ctx, a, []byte("one")); err != nil {
			t.Fatal(err)
		}
		if err := s.Renew(ctx, a, time.Minute); err != nil {
			t.Fatal(err)
		}
		// The same holder acquiring again gets a new token, which fences
		// the old one.
		a2, err := s.Acquire(ctx, source, "a", time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if a2.Token <= a.Token {
			t.Fatalf("token %d after %d; tokens must grow", a2.Token, a.Token)
		}
		if err := s.Save(ctx, a, []byte("stale")); !errors.Is(err, checkpoint.ErrLeaseLost) {
			t.Fatalf("Save with the old token = %v; want ErrLeaseLost", err)
		}
		if err := s.Renew(ctx, a, time.Minute); !errors.Is(err, checkpoint.ErrLeaseLost) {
			t.Fatalf("Renew with the old token = %v; want ErrLeaseLost", err)
		}
		if b, _ := s.Load(ctx, source); !bytes.Equal(b, []byte("one")) {
			t.Fatalf("Load = %q; want the last fenced save", b)
		}
		if err := s.Release(ctx, a); err != nil { // a lost lease: no-op
			t.Fatal(err)
		}
		if _, err := s.Acquire(ctx, source, "b", time.Minute); !errors.Is(err, checkpoint.ErrLeaseHeld) {
			t.Fatalf("releasing a stale lease freed the current one: %v", err)
		}
	})

	t.Run("ReleaseHandsOverAtOnce", func(t *testing.T) {
		s, source := newStore(t), src(t)
		a, err := s.Acquire(ctx, source, "a", time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Release(ctx, a); err != nil {
			t.Fatal(err)
		}
		if err := s.Save(ctx, a, []byte("x")); !errors.Is(err, checkpoint.ErrLeaseLost) {
			t.Fatalf("Save after Release = %v; want ErrLeaseLost", err)
		}
		b, err := s.Acquire(ctx, source, "b", time.Hour)
		if err != nil {
			t.Fatalf("Acquire after Release = %v", err)
		}
		if b.Token <= a.Token {
			t.Fatalf("token %d after %d", b.Token, a.Token)
		}
	})

	t.Run("Expiry", func(t *testing.T) {
		s, source := newStore(t), src(t)
		a, err := s.Acquire(ctx, source, "a", 50*time.Millisecond)
		if err != nil {
			t.Fatal(err)
		}
		time.Sleep(120 * time.Millisecond)
		if err := s.Renew(ctx, a, time.Minute); !errors.Is(err, checkpoint.ErrLeaseLost) {
			t.Fatalf("Renew of an expired lease = %v; want ErrLeaseLost", err)
		}
		if err := s.Save(ctx, a, []byte("late")); !errors.Is(err, checkpoint.ErrLeaseLost) {
			t.Fatalf("Save under an expired lease = %v; want ErrLeaseLost", err)
		}
		b, err := s.Acquire(ctx, source, "b", time.Minute)
		if err != nil {
			t.Fatalf("Acquire of an expired lease = %v", err)
		}
		if err := s.Save(ctx, b, []byte("b")); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.Load(ctx, source); string(got) != "b" {
			t.Fatalf("Load = %q", got)
		}
	})

	t.Run("ConcurrentAcquireOneWinner", func(t *testing.T) {
		s, source := newStore(t), src(t)
		var mu sync.Mutex
		var won []checkpoint.Lease
		var wg sync.WaitGroup
		for i := range 8 {
			wg.Go(func() {
				l, err := s.Acquire(ctx, source, fmt.Sprintf("h%d", i), time.Minute)
				switch {
				case err == nil:
					mu.Lock()
					won = append(won, l)
					mu.Unlock()
				case !errors.Is(err, checkpoint.ErrLeaseHeld):
					t.Errorf("Acquire: %v", err)
				}
			})
		}
		wg.Wait()
		if len(won) != 1 {
			t.Fatalf("%d holders won the lease, want 1: %+v", len(won), won)
		}
	})

	t.Run("BadArguments", func(t *testing.T) {
		s := newStore(t)
		for _, c := range []struct {
			source, holder string
			ttl            time.Duration
		}{{"", "a", time.Minute}, {"s", "", time.Minute}, {"s\x00", "a", time.Minute}, {"s", "a", 0}} {
			if _, err := s.Acquire(ctx, c.source, c.holder, c.ttl); err == nil || errors.Is(err, checkpoint.ErrLeaseHeld) {
				t.Errorf("Acquire(%q, %q, %s) = %v; want an argument error", c.source, c.holder, c.ttl, err)
			}
		}
	})
}
