package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/socgo/xdr/checkpoint"
	"github.com/socgo/xdr/sentinelone"
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
