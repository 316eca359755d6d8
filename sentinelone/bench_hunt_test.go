package sentinelone_test

import (
	"context"
	"errors"
	"iter"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/socgo/xdr/sentinelone"
	"github.com/socgo/xdr/sentinelone/sentinelonetest"
)

const benchAlerts = 20_000

// alertReplay serves 20,000 STAR alerts recorded from the fake console.
var alertReplay = sync.OnceValue(func() *httptest.Server {
	srv, err := sentinelonetest.Start()
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range benchAlerts {
		srv.AddAlert("Encoded PowerShell", "High", t0.Add(time.Duration(i)*time.Millisecond))
	}
	return record(srv, "/cloud-detection/alerts")
})

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

// BenchmarkVsRawAlertsAll pages through 20,000 STAR alerts (limit 1000)
// with Alerts.All and with the baseline.
func BenchmarkVsRawAlertsAll(b *testing.B) {
	base := alertReplay().URL
	opts := &sentinelone.AlertListOptions{Paging: sentinelone.Paging{Limit: 1000}}
	compare(b, base, benchAlerts,
		func(ctx context.Context, c *sentinelone.Client) iter.Seq2[sentinelone.Alert, error] {
			return c.Alerts.All(ctx, opts)
		},
		func(a sentinelone.Alert) error {
			if a.ID() == "" || a.Info.ReportedAt.IsZero() {
				return errors.New("no id or time")
			}
			return nil
		}, "/cloud-detection/alerts", func(a rawAlert) error {
			if a.AlertInfo.AlertID == "" || a.AlertInfo.ReportedAt.IsZero() {
				return errors.New("no id or time")
			}
			return nil
		})
}
