package sentinelone_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/socgo/xdr/sentinelone"
	"github.com/socgo/xdr/sentinelone/sentinelonetest"
)

func ExampleDeepVisibilityService_SearchAll() {
	srv, err := sentinelonetest.Start() // a fake console; use your console URL and token
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	t0 := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	srv.AddDVEvent("FINANCE-LT-042", "powershell.exe", "powershell.exe -NoP -enc SQBFAFgA", t0)
	srv.AddDVEvent("FINANCE-LT-042", "cmd.exe", "cmd.exe /c whoami", t0.Add(time.Minute))
	srv.AddDVEvent("SRV-DC-01", "PowerShell.exe", "PowerShell.exe -File backup.ps1", t0.Add(2*time.Minute))

	s, err := sentinelone.NewClient(srv.URL(), srv.APIToken())
	if err != nil {
		log.Fatal(err)
	}
	q := sentinelone.DVQuery{
		Query: `SrcProcName ContainsCIS "powershell" AND SrcProcCmdLine ContainsCIS "-enc"`,
		From:  t0.Add(-24 * time.Hour), To: t0.Add(time.Hour),
	}
	// Starts the query, waits for it, reads its events; breaking out of
	// the loop cancels the query.
	for ev, err := range s.DeepVisibility.SearchAll(context.Background(), q, nil) {
		if errors.Is(err, sentinelone.ErrTooManyResults) {
			log.Print("the results may be incomplete: ", err)
			break
		}
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(ev.CreatedAt.Format(time.RFC3339), ev.AgentName, ev.ProcessCmd)
	}
	// Output:
	// 2026-03-01T08:00:00Z FINANCE-LT-042 powershell.exe -NoP -enc SQBFAFgA
}

func ExamplePowerQueryService_Run() {
	srv, err := sentinelonetest.Start()
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	t0 := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	srv.AddDVEvent("FINANCE-LT-042", "powershell.exe", "powershell.exe -enc SQBFAFgA", t0)

	s, err := sentinelone.NewClient(srv.URL(), srv.APIToken())
	if err != nil {
		log.Fatal(err)
	}
	res, err := s.PowerQuery.Run(context.Background(), sentinelone.PowerQuery{
		Query: `src.process.name = 'powershell.exe' | columns time = event.time, host = endpoint.name | limit 100`,
		From:  t0.Add(-time.Hour), To: t0.Add(time.Hour),
	}, nil)
	if err != nil {
		log.Fatal(err)
	}
	for row := range res.Rows() {
		at, _ := row.Time("time") // epoch milliseconds on the wire
		host, _ := row.String("host")
		fmt.Println(at.UTC().Format(time.RFC3339), host)
	}
	// Output:
	// 2026-03-01T08:00:00Z FINANCE-LT-042
}

func ExampleAlertsService_All() {
	srv, err := sentinelonetest.Start()
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	t0 := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	srv.AddAlert("Encoded PowerShell", "High", t0)
	srv.AddAlert("New scheduled task", "Info", t0.Add(time.Minute))
	srv.AddAlert("Mimikatz command line", "Critical", t0.Add(2*time.Minute))

	s, err := sentinelone.NewClient(srv.URL(), srv.APIToken())
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	opts := &sentinelone.AlertListOptions{
		Severities:       []sentinelone.AlertSeverity{sentinelone.SeverityHigh, sentinelone.SeverityCritical},
		IncidentStatuses: []sentinelone.IncidentStatus{sentinelone.IncidentUnresolved},
		ReportedSince:    t0,
	}
	var ids []string
	for a, err := range s.Alerts.All(ctx, opts) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(a.Info.ReportedAt.Format(time.RFC3339), a.Rule.Severity, a.Rule.Name, a.Info.IncidentStatus)
		ids = append(ids, a.ID())
	}
	res, err := s.Alerts.SetIncident(ctx, sentinelone.AlertFilter{IDs: ids}, sentinelone.IncidentInProgress, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("in progress:", res.Affected)
	// Output:
	// 2026-03-01T08:00:00Z High Encoded PowerShell unresolved
	// 2026-03-01T08:02:00Z Critical Mimikatz command line unresolved
	// in progress: 2
}
