package sentinelone_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/socgo/xdr/sentinelone"
	"github.com/socgo/xdr/sentinelone/sentinelonetest"
)

// TestDVSearchAllTruncatedWithType checks that a query cut at its limit is
// reported when only one event type, or a sub-query, is read: the events
// read are then fewer than the limit although the query is truncated.
func TestDVSearchAllTruncatedWithType(t *testing.T) {
	t.Parallel()
	srv := sentinelonetest.NewServer(t)
	base := time.Now().UTC().Add(-time.Hour).Truncate(time.Second)
	seedDV(t, srv, base) // 4 process events, then 1 dns event
	c := newFakeClient(t, srv)
	ctx := context.Background()
	for _, tc := range []struct {
		name      string
		limit     int
		events    sentinelone.DVEventsOptions
		n         int
		truncated bool
	}{
		{"dns, cut", 4, sentinelone.DVEventsOptions{Type: sentinelone.DVDNS}, 0, true},
		{"process, cut", 4, sentinelone.DVEventsOptions{Type: sentinelone.DVProcess, Limit: 3}, 4, true},
		{"dns, whole", 10, sentinelone.DVEventsOptions{Type: sentinelone.DVDNS}, 1, false},
		{"sub-query, cut", 3, sentinelone.DVEventsOptions{SubQuery: `AgentName = "db-01"`}, 1, true},
		{"sub-query, whole", 10, sentinelone.DVEventsOptions{SubQuery: `AgentName = "db-01"`}, 2, false},
	} {
		q := sentinelone.DVQuery{Query: `AgentName IS NOT EMPTY`, From: base, To: base.Add(time.Hour), Limit: tc.limit}
		n := 0
		var last error
		for _, err := range c.DeepVisibility.SearchAll(ctx, q, &sentinelone.DVSearchOptions{Wait: huntWait, Events: tc.events}) {
			if err != nil {
				last = err
				break
			}
			n++
		}
		if n != tc.n || errors.Is(last, sentinelone.ErrTooManyResults) != tc.truncated || (!tc.truncated && last != nil) {
			t.Errorf("%s: %d events, %v; want %d, truncated %t", tc.name, n, last, tc.n, tc.truncated)
		}
	}
}
