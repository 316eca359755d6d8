package collect

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"

	"github.com/socgo/xdr/checkpoint"
)

// TestLostLeaseStopsBeforeTheNextBatch: once the lease is lost (taken by
// another holder), the engine hands no further batch to Handle, its save is
// refused, and Run returns an error matching checkpoint.ErrLeaseLost.
func TestLostLeaseStopsBeforeTheNextBatch(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var ls checkpoint.MemoryLeases
		h, err := checkpoint.Hold(t.Context(), &ls, "src", "a", checkpoint.HoldOptions{TTL: 3 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		base := time.Now().Add(-time.Hour)
		var src memSource
		for i := range 10 {
			src.add(ev(string(rune('a'+i)), at(base, time.Duration(i)*time.Second)))
		}
		batches := 0
		e := mustNew(t, Config[event]{Store: h.Store(), Key: key, Fetch: src.Fetch, Start: base, BatchSize: 2,
			Granularity: time.Second,
			Handle: func(context.Context, []event) error {
				batches++
				if batches == 2 { // another replica takes the lease over
					if err := h.Release(t.Context()); err != nil {
						t.Fatal(err)
					}
					if _, err := ls.Acquire(t.Context(), "src", "b", time.Minute); err != nil {
						t.Fatal(err)
					}
				}
				return nil
			}})
		err = e.Run(t.Context())
		if !errors.Is(err, checkpoint.ErrLeaseLost) || !IsPermanent(err) {
			t.Fatalf("Run = %v; want ErrLeaseLost", err)
		}
		if batches != 2 {
			t.Errorf("Handle called %d times; want 2 (nothing after the loss)", batches)
		}
		// The checkpoint holds the first batch only: the second's save was
		// fenced, so the new holder delivers it again.
		if st := loadState(t, checkpointOf(t, &ls, "src")); len(st.IDs) != 1 || !st.Time.Equal(base.Add(time.Second).Truncate(time.Second).UTC()) {
			t.Errorf("checkpoint %+v; want the first batch's position", st)
		}
	})
}

// checkpointOf is a Store reading source's checkpoint in ls.
func checkpointOf(t *testing.T, ls checkpoint.LeaseStore, source string) checkpoint.Store {
	t.Helper()
	b, err := ls.Load(t.Context(), source)
	if err != nil {
		t.Fatal(err)
	}
	m := new(checkpoint.Memory)
	if b != nil {
		_ = m.Save(t.Context(), b)
	}
	return m
}
