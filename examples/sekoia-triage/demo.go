package main

// This file is the demo's scaffolding: it chooses between the real API and
// an in-process fake from the environment, and starts and seeds the fake.
// The recipe is in main.go.

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/socgo/xdr/sekoia"
	"github.com/socgo/xdr/sekoia/sekoiatest"
)

// connect returns a client on the real API when SEKOIA_API_KEY is set, and
// on a seeded in-process fake otherwise.
func connect() (c *sekoia.Client, live bool, cleanup func(), err error) {
	if key := os.Getenv("SEKOIA_API_KEY"); key != "" {
		// Sekoia.io asks scripts to stay under 5 requests per second.
		limit := sekoia.WithLimiter(every{time.NewTicker(250 * time.Millisecond)})
		region, err := sekoia.ParseRegion(os.Getenv("SEKOIA_REGION"))
		if err != nil {
			return nil, false, nil, err
		}
		c, err := sekoia.NewClient(key, sekoia.WithRegion(region), limit, sekoia.WithUserAgent("sekoia-triage"))
		return c, true, func() {}, err
	}
	srv, err := sekoiatest.Start()
	if err != nil {
		return nil, false, nil, err
	}
	srv.SeedAlerts(500)
	c, err = srv.Client()
	if err != nil {
		srv.Close()
		return nil, false, nil, err
	}
	// Move a few alerts to Ongoing so that there is something to close.
	n := 0
	for a, err := range c.Alerts.All(context.Background(), &sekoia.AlertListOptions{Urgency: &sekoia.IntRange{Min: 0, Max: 30}, Limit: 100}) {
		if err != nil || n == 30 {
			break
		}
		_ = c.Alerts.UpdateWorkflow(context.Background(), a.ShortID, sekoia.ActionValidate, "confirmed by the SOC")
		n++
	}
	fmt.Printf("running against a local fake Sekoia.io at %s (set SEKOIA_API_KEY for the real API)\n\n", srv.URL())
	return c, false, srv.Close, nil
}

// every is a minimal limiter: one request per tick.
type every struct{ t *time.Ticker }
