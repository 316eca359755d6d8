package sekoia_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/socgo/xdr/internal/hostile"
	"github.com/socgo/xdr/sekoia"
)

// Four parallel pushes, each answered by a 1 GiB body: the client reads
// only what it needs of an intake answer, whatever the server sends. Not
// parallel: the heap is measured for the whole process.
func TestIntakeParallelHostileBodiesBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("reads hostile bodies")
	}
	rt := hostile.Transport(http.StatusOK, func(*http.Request) io.ReadCloser {
		return hostile.NewBody(`{"event_ids":["`, 'a', 1<<30)
	})
	in, err := sekoia.NewIntake("intake-key-1", sekoia.WithIntakeURL("https://intake.test"),
		sekoia.WithHTTPClient(&http.Client{Transport: rt}), sekoia.WithMaxRetries(0),
		sekoia.WithIntakeParallelism(4), sekoia.WithRetryWait(time.Millisecond, time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	events := make([][]byte, 4*sekoia.MaxIntakeBatchEvents)
	for i := range events {
		events[i] = []byte(`{}`)
	}
	var perr error
	peak, alloc := hostile.PeakHeap(func() { _, perr = in.Push(context.Background(), events) })
	t.Logf("four parallel pushes answered by 1 GiB bodies: peak heap +%d MiB, %d MiB allocated", peak>>20, alloc>>20)
	if perr == nil {
		t.Fatal("Push succeeded on a broken answer")
	}
	if !errors.Is(perr, sekoia.ErrBodyTooLarge) {
		t.Errorf("err %v, want ErrBodyTooLarge", perr)
	}
	if alloc > 64<<20 {
		t.Errorf("%d MiB allocated reading four answers; want a small bound per answer", alloc>>20)
	}
}
