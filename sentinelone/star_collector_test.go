package sentinelone_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/socgo/xdr/checkpoint"
	"github.com/socgo/xdr/sentinelone"
	"github.com/socgo/xdr/sentinelone/sentinelonetest"
)

// TestAlertCollectorCrashRestart runs the crash/restart test of the
// activity collector on the STAR alert collector: alerts in bursts sharing
// a reportedAt, which the API cannot sort on. 2,000 alerts in bursts of 1
// to 80 give the same boundaries as the activities' 10,000 (dozens of
// restarts, crashes in Handle, faults mid-walk) at a fraction of the
// time.
func TestAlertCollectorCrashRestart(t *testing.T) {
	t.Parallel()
	crashRestart(t, 2000, "/cloud-detection/alerts",
		func(srv *sentinelonetest.Server, n int) { srv.SeedAlerts(n) },
		func(c *sentinelone.Client, cfg sentinelone.CollectorConfig, h func(context.Context, []sentinelone.Alert) error) (*sentinelone.Collector[sentinelone.Alert], error) {
			return c.AlertCollector(cfg, nil, h)
		},
		func(a sentinelone.Alert) string { return a.ID() })
}

func TestAlertCollector(t *testing.T) {
	t.Parallel()
	srv := sentinelonetest.NewServer(t)
	clock := time.Now().UTC().Add(-time.Hour)
	var mu sync.Mutex
	srv.SetClock(func() time.Time { mu.Lock(); defer mu.Unlock(); return clock })
	// Reported in the reverse order of their matched events: the
	// collector follows reportedAt.
	late := srv.AddAlert("Encoded PowerShell", "High", clock.Add(-5*time.Minute))
	srv.AddAlert("Port scan", "Low", clock.Add(-6*time.Minute))
	c := newFakeClient(t, srv)
	var got []string
	col, err := c.AlertCollector(sentinelone.CollectorConfig{Store: &checkpoint.Memory{}, Start: clock.Add(-time.Hour), ProgressInterval: -1},
		&sentinelone.AlertListOptions{Severities: []sentinelone.AlertSeverity{sentinelone.SeverityHigh, sentinelone.SeverityCritical}},
		func(_ context.Context, b []sentinelone.Alert) error {
			for _, a := range b {
				got = append(got, a.ID())
			}
			return nil
		})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := col.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	clock = clock.Add(time.Minute)
	mu.Unlock()
	next := srv.AddAlert("Mimikatz", "Critical", clock.Add(-time.Second))
	if _, err := c.Alerts.SetIncident(ctx, sentinelone.AlertFilter{IDs: []string{late}}, sentinelone.IncidentResolved, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := col.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, ",") != late+","+next {
		t.Errorf("delivered %v, want %s,%s", got, late, next)
	}
}

func TestAlertCollectorConfigErrors(t *testing.T) {
	t.Parallel()
	c, err := sentinelone.NewClient("https://usea1-partners.sentinelone.net", "tok-1234", sentinelone.WithHTTPClient(&http.Client{}))
	if err != nil {
		t.Fatal(err)
	}
	h := func(context.Context, []sentinelone.Alert) error { return nil }
	st := &checkpoint.Memory{}
	for name, f := range map[string]*sentinelone.AlertListOptions{
		"time":   {ReportedSince: time.Now()},
		"sort":   {Paging: sentinelone.Paging{SortBy: "severity"}},
		"cursor": {Paging: sentinelone.Paging{Cursor: "c"}},
	} {
		if _, err := c.AlertCollector(sentinelone.CollectorConfig{Store: st}, f, h); err == nil || !strings.Contains(err.Error(), "AlertCollector") {
			t.Errorf("%s filter: %v", name, err)
		}
	}
	if _, err := c.AlertCollector(sentinelone.CollectorConfig{Store: st}, &sentinelone.AlertListOptions{Severities: []sentinelone.AlertSeverity{"x"}}, h); err == nil {
		t.Error("bad severity accepted")
	}
	if _, err := c.AlertCollector(sentinelone.CollectorConfig{}, nil, h); err == nil {
		t.Error("no store accepted")
	}
}

// deadStore is a Store whose saves fail: a process that dies between its
// handler's return and the checkpoint save.
type deadStore struct{ checkpoint.Store }

func (deadStore) Save(context.Context, []byte) error { return errCrash }

// TestAlertCollectorCrashBeforeSave checks the one redelivery window: a
// batch accepted by the handler whose checkpoint save never completed is
// delivered again after the restart, and only that batch. Alerts share
// reportedAt seconds across the batches.
func TestAlertCollectorCrashBeforeSave(t *testing.T) {
	t.Parallel()
	srv := sentinelonetest.NewServer(t)
	clock := time.Now().UTC().Add(-time.Hour).Truncate(time.Second)
	srv.SetClock(func() time.Time { return clock })
	for i := range 30 {
		srv.AddAlert("Encoded PowerShell", "High", clock.Add(-time.Duration(30-i/3)*time.Second))
	}
	c := newFakeClient(t, srv)
	store := &checkpoint.Memory{}
	delivered := map[string]int{}
	var batches [][]string
	run := func(st checkpoint.Store, batches *[][]string, stopAfter int) {
		t.Helper()
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		col, err := c.AlertCollector(sentinelone.CollectorConfig{Store: st, Start: clock.Add(-time.Hour), BatchSize: 4, ProgressInterval: -1,
			RetryMin: time.Millisecond, RetryMax: time.Millisecond}, nil,
			func(_ context.Context, b []sentinelone.Alert) error {
				var ids []string
				for _, a := range b {
					delivered[a.ID()]++
					ids = append(ids, a.ID())
				}
				*batches = append(*batches, ids)
				if len(*batches) == stopAfter {
					cancel() // the process dies once this batch is accepted
				}
				return nil
			})
		if err != nil {
			t.Fatal(err)
		}
		_, _ = col.RunOnce(ctx)
	}
	// First process: two batches saved, the third accepted, then its save
	// fails until the process dies.
	run(store, &batches, 2)
	if len(batches) != 2 {
		t.Fatalf("first run delivered %d batches", len(batches))
	}
	var lost [][]string
	run(deadStore{store}, &lost, 1)
	if len(lost) != 1 {
		t.Fatalf("second run delivered %d batches", len(lost))
	}
	// The restarted process delivers that batch again, then the rest.
	var rest [][]string
	run(store, &rest, -1)
	if len(rest) == 0 || strings.Join(rest[0], ",") != strings.Join(lost[0], ",") {
		t.Fatalf("after the restart, first batch %v, want the unsaved %v", rest, lost[0])
	}
	again := map[string]bool{}
	for _, id := range lost[0] {
		again[id] = true
	}
	if len(delivered) != 30 {
		t.Errorf("%d alerts delivered, want 30", len(delivered))
	}
	for id, n := range delivered {
		if want := map[bool]int{true: 2, false: 1}[again[id]]; n != want {
			t.Errorf("alert %s delivered %d times, want %d", id, n, want)
		}
	}
}
