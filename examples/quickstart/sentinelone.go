package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/socgo/xdr/checkpoint"
	"github.com/socgo/xdr/sentinelone"
	"github.com/socgo/xdr/sentinelone/sentinelonetest"
)

// sentinelOneTour checks the API token's lifetime, lists the latest
// activities and threats, and forwards the activities of the last hour to
// a Sekoia.io intake with the activity collector.
func sentinelOneTour(ctx context.Context) error {
	c, done, err := sentinelOneClient()
	if err != nil {
		return err
	}
	defer done()

	// API tokens expire: a long-running program watches the days left
	// (and rotates with c.Token.Rotate, which this tour never calls).
	tok, err := c.Token.Details(ctx)
	switch {
	case errors.Is(err, sentinelone.ErrUnauthorized):
		return fmt.Errorf("the API token was refused (expired or revoked?): %w", err)
	case err != nil:
		return err
	}
	fmt.Printf("API token ok: expires %s, %d days left\n\n", tok.ExpiresAt.Format("2006-01-02"), tok.DaysLeft(time.Now()))

	// The five latest activities (one page; All iterates every page).
	newest := sentinelone.Paging{Limit: 5, SortBy: "createdAt", SortOrder: sentinelone.SortDesc}
	acts, err := c.Activities.List(ctx, &sentinelone.ActivityListOptions{Paging: newest})
	if err != nil {
		return err
	}
	fmt.Printf("%d activities; the latest:\n", acts.Total)
	for _, a := range acts.Items {
		fmt.Printf("  %s  %-22s %s\n", a.CreatedAt.Format("2006-01-02 15:04:05"), a.ActivityType, a.PrimaryDescription)
	}
	fmt.Println()

	// The five latest threats. A v2.1 threat's creation time is
	// threatInfo.createdAt, read with CreatedAt().
	threats, err := c.Threats.List(ctx, &sentinelone.ThreatListOptions{Paging: newest})
	if err != nil {
		return err
	}
	fmt.Printf("%d threats; the latest:\n", threats.Total)
	for _, t := range threats.Items {
		ti := t.ThreatInfo
		fmt.Printf("  %s  %-18s %-10s %-13s on %s\n", t.CreatedAt().Format("2006-01-02 15:04:05"), ti.ThreatName, ti.ConfidenceLevel, ti.MitigationStatus, t.AgentRealtimeInfo.ComputerName)
	}
	fmt.Println()

	// Forward the activities of the last hour: one collector cycle. Run(ctx)
	// would then poll for new ones, checkpointing after each batch.
	out, err := newSink()
	if err != nil {
		return err
	}
	defer out.close()
	col, err := c.ActivityCollector(sentinelone.CollectorConfig{
		Store:            &checkpoint.Memory{}, // checkpoint.NewFile(path) in production
		Start:            time.Now().Add(-time.Hour),
		Logger:           quietLogger(),
		ProgressInterval: -1,
	}, nil, func(ctx context.Context, batch []sentinelone.Activity) error {
		raws := make([][]byte, len(batch))
		for i, a := range batch {
			raws[i] = a.Raw // the activity's exact JSON
		}
		return out.push(ctx, raws)
	})
	if err != nil {
		return err
	}
	n, err := col.RunOnce(ctx)
	if err != nil {
		return err
	}
	fmt.Printf("collector: %d activities of the last hour forwarded to the intake (%d pushed)\n", n, out.pushed)
	return nil
}

// sentinelOneClient returns a client of the real console when
// S1_CONSOLE_URL and S1_API_TOKEN are set (the tour only reads there), and
// of a local fake console with some activities and threats otherwise.
func sentinelOneClient() (*sentinelone.Client, func(), error) {
	console, token := os.Getenv("S1_CONSOLE_URL"), os.Getenv("S1_API_TOKEN")
	if console != "" && token != "" {
		c, err := sentinelone.NewClient(console, token, sentinelone.WithUserAgent("socgo-quickstart"))
		return c, func() {}, err
	}
	srv := sentinelonetest.Start()
	now := time.Now()
	for i := range 6 {
		srv.AppendActivities(40, now.Add(-time.Duration(100-15*i)*time.Minute)) // the first two are over an hour old
	}
	srv.AppendThreat("invoice.pdf.exe", now.Add(-50*time.Minute), "1681212101432395267")
	srv.AppendThreat("mimikatz.exe", now.Add(-20*time.Minute), "1681212101432395267")
	srv.AppendThreat("updater.dll", now.Add(-5*time.Minute), "1681212101432395268")
	c, err := sentinelone.NewClient(srv.URL(), srv.Token())
	if err != nil {
		srv.Close()
		return nil, nil, err
	}
	fmt.Printf("(no S1_CONSOLE_URL/S1_API_TOKEN: using a local fake console at %s)\n\n", srv.URL())
	return c, srv.Close, nil
}
