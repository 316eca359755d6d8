package checkpoint_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/socgo/xdr/checkpoint"
	"github.com/socgo/xdr/checkpoint/leasetest"
)

func TestMemoryLeasesContract(t *testing.T) {
	t.Parallel()
	leasetest.Run(t, func(*testing.T) checkpoint.LeaseStore { return new(checkpoint.MemoryLeases) })
}

func TestFileLeasesContract(t *testing.T) {
	t.Parallel()
	leasetest.Run(t, func(t *testing.T) checkpoint.LeaseStore {
		s, err := checkpoint.NewFileLeases(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

func TestFileLeasesSharedAcrossInstances(t *testing.T) {
	t.Parallel()
	// Two FileLeases on one directory stand for two processes: the lock
	// file and the record on disk are all they share.
	dir := t.TempDir()
	a, _ := checkpoint.NewFileLeases(dir)
	b, _ := checkpoint.NewFileLeases(dir)
	ctx := t.Context()
	la, err := a.Acquire(ctx, "tehtris/tenant-a", "replica-1", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Acquire(ctx, "tehtris/tenant-a", "replica-2", time.Minute); !errors.Is(err, checkpoint.ErrLeaseHeld) {
		t.Fatalf("second instance's Acquire = %v; want ErrLeaseHeld", err)
	}
	if err := a.Save(ctx, la, []byte(`{"v":1}`)); err != nil {
		t.Fatal(err)
	}
	if got, _ := b.Load(ctx, "tehtris/tenant-a"); string(got) != `{"v":1}` {
		t.Fatalf("other instance Load = %q", got)
	}
	// Any valid source id is one file, however it escapes.
	long := strings.Repeat("é", 100) // 200 bytes, 600 once escaped
	ll, err := a.Acquire(ctx, long, "replica-1", time.Minute)
	if err != nil {
		t.Fatalf("Acquire of a 200-byte non-ASCII source: %v", err)
	}
	if err := a.Save(ctx, ll, []byte("x")); err != nil {
		t.Fatal(err)
	}
	if _, err := checkpoint.NewFileLeases(""); err == nil {
		t.Error("NewFileLeases(\"\") succeeded")
	}
}

func TestHoldRenewsAndFences(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var ls checkpoint.MemoryLeases
		ctx := t.Context()
		h, err := checkpoint.Hold(ctx, &ls, "s", "a", checkpoint.HoldOptions{TTL: 3 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		time.Sleep(10 * time.Second) // renewed every second
		if err := h.Err(); err != nil {
			t.Fatalf("lease lost although renewed: %v", err)
		}
		st := h.Store()
		if err := st.Save(ctx, []byte("x")); err != nil {
			t.Fatal(err)
		}
		if _, err := checkpoint.Hold(ctx, &ls, "s", "b", checkpoint.HoldOptions{TTL: 3 * time.Second}); !errors.Is(err, checkpoint.ErrLeaseHeld) {
			t.Fatalf("Hold by another holder = %v", err)
		}
		if err := h.Release(ctx); err != nil {
			t.Fatal(err)
		}
		if err := st.Save(ctx, []byte("y")); !errors.Is(err, checkpoint.ErrLeaseLost) {
			t.Fatalf("Save after Release = %v", err)
		}
		if !errors.Is(context.Cause(h.Context()), checkpoint.ErrLeaseLost) {
			t.Fatalf("Context cause = %v", context.Cause(h.Context()))
		}
		h2, err := checkpoint.Hold(ctx, &ls, "s", "b", checkpoint.HoldOptions{TTL: 3 * time.Second})
		if err != nil {
			t.Fatalf("Hold after Release = %v", err)
		}
		if h2.Lease().Token <= h.Lease().Token {
			t.Fatalf("token did not grow: %d then %d", h.Lease().Token, h2.Lease().Token)
		}
		_ = h2.Release(ctx)
	})
}

// stuckLeases fails every renewal, as a store that cannot be reached.
type stuckLeases struct{ checkpoint.MemoryLeases }

func (*stuckLeases) Renew(context.Context, checkpoint.Lease, time.Duration) error {
	return errors.New("connection refused")
}

func TestHoldLostWhenNotRenewedInTime(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		ls := new(stuckLeases)
		h, err := checkpoint.Hold(t.Context(), ls, "s", "a", checkpoint.HoldOptions{TTL: 3 * time.Second, RenewEvery: time.Second})
		if err != nil {
			t.Fatal(err)
		}
		time.Sleep(2900 * time.Millisecond)
		if err := h.Store().CheckLease(); err != nil {
			t.Fatalf("lost before its TTL: %v", err)
		}
		time.Sleep(200 * time.Millisecond)
		synctest.Wait()
		if err := h.Store().CheckLease(); !errors.Is(err, checkpoint.ErrLeaseLost) {
			t.Fatalf("CheckLease after the TTL without renewal = %v", err)
		}
		select {
		case <-h.Context().Done():
		default:
			t.Fatal("Context not cancelled at the lease's end")
		}
		_ = h.Release(t.Context())
	})
}

func TestHoldOptionsChecked(t *testing.T) {
	t.Parallel()
	var ls checkpoint.MemoryLeases
	for _, o := range []checkpoint.HoldOptions{{TTL: time.Second, RenewEvery: time.Second}, {TTL: time.Microsecond}, {RenewEvery: -1}} {
		if _, err := checkpoint.Hold(t.Context(), &ls, "s", "a", o); err == nil {
			t.Errorf("Hold with %+v succeeded", o)
		}
	}
	if _, err := checkpoint.Hold(t.Context(), nil, "s", "a", checkpoint.HoldOptions{}); err == nil {
		t.Error("Hold with a nil store succeeded")
	}
}

// A lease on a source, renewed in the background; its Store is the one to
// give the source's collector.
func ExampleHold() {
	var leases checkpoint.MemoryLeases // FileLeases or pgstore across processes
	ctx := context.Background()
	h, err := checkpoint.Hold(ctx, &leases, "tehtris/tenant-a", "replica-1", checkpoint.HoldOptions{TTL: 30 * time.Second})
	if err != nil {
		fmt.Println(err) // errors.Is(err, checkpoint.ErrLeaseHeld): another replica has it
		return
	}
	store := h.Store() // give it to the collector; run the collector with h.Context()
	fmt.Println(store.Save(ctx, []byte(`{"v":1}`)), h.Lease().Token)
	_ = h.Release(ctx)
	err = store.Save(ctx, []byte(`{"v":2}`))
	fmt.Println(errors.Is(err, checkpoint.ErrLeaseLost))
	// Output:
	// <nil> 1
	// true
}
