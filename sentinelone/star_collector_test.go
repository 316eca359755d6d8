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
		func(srv *sentinelonetest.Server, n int) { srv.AppendAlertsNow(n) },
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
	srv.SetNow(func() time.Time { mu.Lock(); defer mu.Unlock(); return clock })
	// Reported in the reverse order of their matched events: the
	// collector follows reportedAt.
	late := srv.AppendAlert("Encoded PowerShell", "High", clock.Add(-5*time.Minute))
	srv.AppendAlert("Port scan", "Low", clock.Add(-6*time.Minute))
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
	next := srv.AppendAlert("Mimikatz", "Critical", clock.Add(-time.Second))
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
