package tehtris

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
)

// A server that ignores offset and always answers a full page.
func TestEventsAllRepeatedPageStalls(t *testing.T) {
	t.Parallel()
	c, mt := mock(t)
	mt.RegisterResponder(http.MethodGet, base+"/xdr/v1/event", httpmock.NewStringResponder(200, pageOf(evJSON(1, "2024-01-01T00:00:00+00:00"), evJSON(2, "2024-01-01T00:00:01+00:00"))))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	n := 0
	var last error
	for _, err := range c.Events.All(ctx, &EventQuery{Limit: 2}) {
		if err != nil {
			last = err
			break
		}
		n++
	}
	if !errors.Is(last, ErrPaginationStalled) {
		t.Errorf("err %v, want ErrPaginationStalled", last)
	}
	if calls := mt.GetTotalCallCount(); n != 2 || calls > 3 {
		t.Errorf("%d events in %d requests, want 2 events and the repeat noticed at once", n, calls)
	}
}

// The inventory pages by the platform's page size: a server ignoring the
// offset answers the same non-empty page for ever.
func TestInventoryAllRepeatedPageStalls(t *testing.T) {
	t.Parallel()
	c, mt := mock(t)
	mt.RegisterResponder(http.MethodGet, base+"/edr/v2/inventory", httpmock.NewStringResponder(200, `[`+hostJSON(agent, 3, "WS-07")+`]`))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var last error
	for _, err := range c.Inventory.All(ctx, nil) {
		if err != nil {
			last = err
			break
		}
	}
	if !errors.Is(last, ErrPaginationStalled) {
		t.Errorf("err %v, want ErrPaginationStalled", last)
	}
	if calls := mt.GetTotalCallCount(); calls > 3 {
		t.Errorf("%d requests, want the repeat noticed at once", calls)
	}
}
