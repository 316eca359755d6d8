package sentinelone_test

import (
	"context"
	"errors"
	"iter"
	"sync"
	"testing"
	"time"

	"github.com/socgo/xdr/sentinelone"
	"github.com/socgo/xdr/sentinelone/sentinelonetest"
)

const benchAlerts = 20_000

// benchAlertServer is one fake console holding 20,000 STAR alerts, shared
// by the SDK benchmark and its raw baseline.
var benchAlertServer = sync.OnceValue(func() *sentinelonetest.Server {
	srv, err := sentinelonetest.Start()
	if err != nil {
		panic(err)
	}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range benchAlerts {
		srv.AddAlert("Encoded PowerShell", "High", t0.Add(time.Duration(i)*time.Millisecond))
	}
	return srv
})

// BenchmarkAlertsAll_SDK pages through 20,000 alerts (limit 1000) with
// Alerts.All.
func BenchmarkAlertsAll_SDK(b *testing.B) {
	opts := &sentinelone.AlertListOptions{Paging: sentinelone.Paging{Limit: 1000}}
	benchSDK(b, benchAlertServer(), benchAlerts, "alerts",
		func(ctx context.Context, c *sentinelone.Client) iter.Seq2[sentinelone.Alert, error] {
			return c.Alerts.All(ctx, opts)
		},
		func(a sentinelone.Alert) error {
			if a.ID() == "" || a.Info.ReportedAt.IsZero() {
				return errors.New("no id or time")
			}
			return nil
		})
}

// rawAlert is what the baseline decodes: the blocks a forwarder reads.
type rawAlert struct {
	AlertInfo struct {
		AlertID        string    `json:"alertId"`
		CreatedAt      time.Time `json:"createdAt"`
		ReportedAt     time.Time `json:"reportedAt"`
		AnalystVerdict string    `json:"analystVerdict"`
		IncidentStatus string    `json:"incidentStatus"`
	} `json:"alertInfo"`
	RuleInfo struct {
		ID       string `json:"id"`
		Name     string `json:"name"`
		Severity string `json:"severity"`
	} `json:"ruleInfo"`
	AgentDetectionInfo struct {
		Name   string `json:"name"`
		SiteID string `json:"siteId"`
	} `json:"agentDetectionInfo"`
	SourceProcessInfo struct {
		Name        string `json:"name"`
		PID         string `json:"pid"`
		CommandLine string `json:"commandline"`
	} `json:"sourceProcessInfo"`
}

// BenchmarkAlertsAll_Raw is the baseline: a hand-written net/http +
// encoding/json loop over the same server and pages.
func BenchmarkAlertsAll_Raw(b *testing.B) {
	benchRaw(b, benchAlertServer(), "/cloud-detection/alerts", benchAlerts, "alerts", func(a rawAlert) error {
		if a.AlertInfo.AlertID == "" {
			return errors.New("no id")
		}
		return nil
	})
}
