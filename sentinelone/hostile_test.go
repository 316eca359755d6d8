package sentinelone

import (
	"context"
	"errors"
	"io"
	"net/http"
	"testing"

	"github.com/socgo/xdr/internal/hostile"
)

// An action's answer is {"data":{"affected":n}}: a huge one is not read.
// Not parallel: the heap is measured for the whole process.
func TestActionAnswerCapped(t *testing.T) {
	rt := hostile.Transport(http.StatusOK, func(*http.Request) io.ReadCloser { return hostile.NewBody(`{"data":{"affected":1}`, ' ', 1<<30) })
	c, err := NewClient(testConsole, testToken, WithHTTPClient(&http.Client{Transport: rt}), WithoutRateLimits(), WithMaxRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	var aerr error
	_, alloc := hostile.PeakHeap(func() {
		_, aerr = c.Agents.Disconnect(context.Background(), AgentFilter{IDs: []string{"1"}}, nil)
	})
	if !errors.Is(aerr, ErrBodyTooLarge) {
		t.Errorf("err %v, want ErrBodyTooLarge", aerr)
	}
	if alloc > 32<<20 { // up to the 128 MiB cap before
		t.Errorf("%d MiB allocated reading an action's answer", alloc>>20)
	}
}
