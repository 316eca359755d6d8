package rest

import (
	"context"
	"errors"
	"io"
	"net/http"
	"sync"
	"testing"

	"github.com/socgo/xdr/internal/hostile"
	"github.com/socgo/xdr/internal/transport"
)

// Parallel requests answered by huge bodies share one budget: together
// they read no more than one request may.
func TestParallelHugeBodiesShareTheClientBudget(t *testing.T) {
	const cap = 8 << 20
	rt := hostile.Transport(http.StatusOK, func(*http.Request) io.ReadCloser { return hostile.NewBody(`[`, ' ', 1<<30) })
	c := newClientCfg(t, "https://api.test", rt, func(cfg *transport.Config) { cfg.MaxBodyBytes = cap; cfg.MaxRetries = 0 })
	var wg sync.WaitGroup
	errs := make([]error, 4)
	_, alloc := hostile.PeakHeap(func() {
		for i := range errs {
			wg.Go(func() { _, _, errs[i] = c.Fetch(context.Background(), Request{Method: http.MethodGet, Path: "/v1/x"}) })
		}
		wg.Wait()
	})
	t.Logf("four parallel reads of 1 GiB bodies, %d MiB cap: %d MiB allocated", cap>>20, alloc>>20)
	for i, err := range errs {
		if !errors.Is(err, transport.ErrBodyTooLarge) {
			t.Errorf("read %d: %v, want ErrBodyTooLarge", i, err)
		}
	}
	// Without the shared budget each read grows to the cap: 12 times it
	// allocated in all (buffers doubling up to cap+1, four times); with it
	// 5 to 6 times.
	if alloc > 8*cap {
		t.Errorf("%d MiB allocated, want the four reads to share a budget of twice the %d MiB cap", alloc>>20, cap>>20)
	}
}

func TestBodyCapPerRequest(t *testing.T) {
	t.Parallel()
	rt := hostile.Transport(http.StatusOK, func(*http.Request) io.ReadCloser { return hostile.NewBody(`"`, 'a', 10000) })
	c := newClient(t, "https://api.test", rt)
	if _, _, err := c.Fetch(context.Background(), Request{Method: http.MethodGet, Path: "/x", MaxBody: 9999}); !errors.Is(err, transport.ErrBodyTooLarge) {
		t.Errorf("10000 bytes under a 9999 cap: %v", err)
	}
	if b, _, err := c.Fetch(context.Background(), Request{Method: http.MethodGet, Path: "/x", MaxBody: 10000}); err != nil || len(b) != 10000 {
		t.Errorf("10000 bytes under a 10000 cap: %d, %v", len(b), err)
	}
	// The budget is whole again after the reads.
	if got, want := c.budget.left.Load(), 2*(c.T.MaxBodyBytes()+1); got != want {
		t.Errorf("budget %d after the reads, want %d", got, want)
	}
	// One body of exactly the cap can always be read, its buffer growing.
	c = newClientCfg(t, "https://api.test", hostile.Transport(http.StatusOK, func(*http.Request) io.ReadCloser { return hostile.NewBody(`"`, 'a', 3<<20) }),
		func(cfg *transport.Config) { cfg.MaxBodyBytes = 3 << 20 })
	if b, _, err := c.Fetch(context.Background(), Request{Method: http.MethodGet, Path: "/x"}); err != nil || len(b) != 3<<20 {
		t.Errorf("a body of exactly the cap: %d, %v", len(b), err)
	}
}
