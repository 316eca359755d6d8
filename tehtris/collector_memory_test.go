package tehtris_test

import (
	"context"
	"testing"
	"time"

	"github.com/socgo/xdr/checkpoint"
	"github.com/socgo/xdr/tehtris"
	"github.com/socgo/xdr/tehtris/tehtristest"
)

// TestCollectorMemoryBoundedAfterDowntime: a backlog of a day holding far
// more events than MaxWindowEvents is delivered whole, once and in order,
// with no cycle holding more than the bound (plus the one event that shows
// a window is too full).
func TestCollectorMemoryBoundedAfterDowntime(t *testing.T) {
	t.Parallel()
	srv := tehtristest.NewServer(t)
	start := time.Now().Add(-24 * time.Hour).Truncate(time.Second)
	const perHour, hours = 100, 24
	total := 0
	for h := range hours {
		srv.SeedEventsAt(perHour, start.Add(time.Duration(h)*time.Hour+time.Minute))
		total += perHour
	}
	client, err := srv.Client()
	if err != nil {
		t.Fatal(err)
	}
	var got []tehtris.Event
	col, err := client.EventCollector(tehtris.CollectorConfig{
		Store: new(checkpoint.Memory), Start: start, BatchSize: 50, MaxWindowEvents: 250,
		RequestsPerMinute: -1, ProgressInterval: -1,
	}, func(_ context.Context, events []tehtris.Event) error {
		got = append(got, events...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for len(got) < total {
		n, err := col.RunOnce(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 && col.Stats().WalkedTo.After(time.Now().Add(-time.Minute)) {
			break
		}
	}
	if len(got) != total {
		t.Fatalf("delivered %d events, want %d", len(got), total)
	}
	for i := 1; i < len(got); i++ {
		a, b := got[i-1], got[i]
		if b.Time.Before(a.Time) || (b.Time.Equal(a.Time) && b.ID <= a.ID) {
			t.Fatalf("event %d (%d at %s) delivered after %d at %s", i, b.ID, b.Time, a.ID, a.Time)
		}
	}
	if s := col.Stats(); s.PeakWindow > 251 {
		t.Errorf("a cycle held %d events, above MaxWindowEvents 250", s.PeakWindow)
	}
}
