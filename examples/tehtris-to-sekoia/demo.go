package main

// This file is the demo's scaffolding: it chooses between the real API and
// an in-process fake from the environment, and starts and seeds the fake.
// The recipe is in main.go.

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/socgo/xdr/checkpoint"
	"github.com/socgo/xdr/sekoia"
	"github.com/socgo/xdr/sekoia/sekoiatest"
	"github.com/socgo/xdr/tehtris"
	"github.com/socgo/xdr/tehtris/tehtristest"
)

// forwardDemo is run against a fake TEHTRIS platform and a fake intake:
// it seeds events (half of them while the collector runs), forwards them
// and stops once the intake received every one.
func forwardDemo(ctx context.Context, logger *slog.Logger, cfg config) error {
	tsrv, err := tehtristest.Start()
	if err != nil {
		return err
	}
	defer tsrv.Close()
	ssrv, err := sekoiatest.Start()
	if err != nil {
		return err
	}
	defer ssrv.Close()

	tc, err := tsrv.Client(tehtris.WithLogger(logger))
	if err != nil {
		return err
	}
	in, err := sekoia.NewIntake(ssrv.IntakeKey(), sekoia.WithIntakeURL(ssrv.IntakeURL()), sekoia.WithLogger(logger))
	if err != nil {
		return err
	}
	if cfg.checkpoint == "" {
		dir, err := os.MkdirTemp("", "tehtris-to-sekoia")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		cfg.checkpoint = filepath.Join(dir, "checkpoint")
	}
	store, err := checkpoint.NewFile(cfg.checkpoint)
	if err != nil {
		return err
	}

	// Half the events are a backlog from the last minutes, half arrive
	// while the collector runs, in bursts that share seconds.
	backlog := cfg.demoEvents / 2
	tsrv.SeedEventsAt(backlog, tsrv.Now().Add(-5*time.Minute))
	go func() {
		left := cfg.demoEvents - backlog
		for left > 0 && ctx.Err() == nil {
			n := min(left, 250)
			tsrv.SeedEvents(n)
			left -= n
			time.Sleep(200 * time.Millisecond)
		}
	}()

	ccfg := collectorConfig(cfg, store, logger)
	ccfg.PollInterval = 250 * time.Millisecond // the fakes answer fast;
	ccfg.RequestsPerMinute = 600               // the real API is paced at 5/min
	ccfg.ProgressInterval = time.Second
	col, err := tc.EventCollector(ccfg, pushTo(in))
	if err != nil {
		return err
	}
	start := time.Now()
	logger.Info("forwarding (demo)", "tehtris", tc.BaseURL(), "intake", in.URL(), "events", cfg.demoEvents, "checkpoint", store.Path())
	if cfg.progress == 10*time.Second {
		cfg.progress = time.Second
	}
	err = follow(ctx, logger, cfg, col, func() bool { return ssrv.ReceivedCount() >= cfg.demoEvents })
	if err != nil {
		return err
	}
	got := ssrv.ReceivedCount()
	fmt.Printf("%d of %d TEHTRIS events received by the intake in %s\n", got, cfg.demoEvents, time.Since(start).Round(time.Millisecond))
	if got < cfg.demoEvents && ctx.Err() == nil && !cfg.once {
		return fmt.Errorf("only %d of %d events forwarded", got, cfg.demoEvents)
	}
	return nil
}
