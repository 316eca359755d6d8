// Command tehtris-to-sekoia forwards the events of a TEHTRIS XDR tenant to
// a Sekoia.io HTTP intake, each event byte for byte, across restarts: read
// from TEHTRIS once (a checkpoint file; the batch being checkpointed when
// the process dies is read again) and pushed at least once into the intake
// (a push whose answer is lost is sent again).
//
//	go run ./examples/tehtris-to-sekoia             # demo against both fakes
//	TEHTRIS_TENANT=abc TEHTRIS_API_KEY=… SEKOIA_INTAKE_KEY=… \
//	    go run ./examples/tehtris-to-sekoia -checkpoint /var/lib/tehtris.ckpt
//
// With TEHTRIS_TENANT (or TEHTRIS_BASE_URL), TEHTRIS_API_KEY and
// SEKOIA_INTAKE_KEY set, it follows the real tenant and pushes to the real
// intake (region from SEKOIA_REGION, FRA1 by default, or
// SEKOIA_INTAKE_URL) until interrupted (Ctrl-C stops it cleanly: the batch
// in flight is either accepted and checkpointed, or sent again next time),
// or until caught up with -once. Without them it starts a fake TEHTRIS
// platform and a fake intake, seeds events (some arrive while it runs),
// forwards them and stops once every one has been received.
package main

import (
	"context"
	"errors"
	"flag"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/socgo/xdr/checkpoint"
	"github.com/socgo/xdr/sekoia"
	"github.com/socgo/xdr/tehtris"
)

func main() {
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, logger, os.Args[1:]); err != nil {
		logger.Error("tehtris-to-sekoia failed", "err", err)
		os.Exit(1)
	}
}

type config struct {
	checkpoint string
	once       bool
	since      time.Duration
	filterID   string
	progress   time.Duration
	demoEvents int
}

func run(ctx context.Context, logger *slog.Logger, args []string) error {
	var cfg config
	fs := flag.NewFlagSet("tehtris-to-sekoia", flag.ContinueOnError)
	fs.StringVar(&cfg.checkpoint, "checkpoint", "", "checkpoint file (default tehtris-to-sekoia.checkpoint; a temporary file in demo mode)")
	fs.BoolVar(&cfg.once, "once", false, "stop once caught up instead of following new events")
	fs.DurationVar(&cfg.since, "since", time.Hour, "how far back to start when there is no checkpoint")
	fs.StringVar(&cfg.filterID, "filter", "", "TEHTRIS saved filter id (default: the key's first filter)")
	fs.DurationVar(&cfg.progress, "progress", 10*time.Second, "period of the progress line")
	fs.IntVar(&cfg.demoEvents, "demo-events", 3000, "events seeded in demo mode")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if cfg.since <= 0 || cfg.progress <= 0 || cfg.demoEvents < 0 {
		return errors.New("-since, -progress and -demo-events must be positive")
	}

	tenant, apiKey, intakeKey := os.Getenv("TEHTRIS_TENANT"), os.Getenv("TEHTRIS_API_KEY"), os.Getenv("SEKOIA_INTAKE_KEY")
	if (tenant != "" || os.Getenv("TEHTRIS_BASE_URL") != "") && apiKey != "" && intakeKey != "" {
		return forwardReal(ctx, logger, cfg, tenant, apiKey, intakeKey)
	}
	logger.Info("TEHTRIS_TENANT, TEHTRIS_API_KEY and SEKOIA_INTAKE_KEY are not all set: demo against fake servers")
	return forwardDemo(ctx, logger, cfg) // demo.go
}

func forwardReal(ctx context.Context, logger *slog.Logger, cfg config, tenant, apiKey, intakeKey string) error {
	topts := []tehtris.Option{tehtris.WithLogger(logger), tehtris.WithUserAgent("tehtris-to-sekoia")}
	if u := os.Getenv("TEHTRIS_BASE_URL"); u != "" {
		topts = append(topts, tehtris.WithBaseURL(u))
	}
	tc, err := tehtris.NewClient(tenant, apiKey, topts...)
	if err != nil {
		return err
	}
	sopts := []sekoia.Option{sekoia.WithLogger(logger), sekoia.WithUserAgent("tehtris-to-sekoia")}
	if r := os.Getenv("SEKOIA_REGION"); r != "" {
		region, err := sekoia.ParseRegion(r)
		if err != nil {
			return err
		}
		sopts = append(sopts, sekoia.WithRegion(region))
	}
	if u := os.Getenv("SEKOIA_INTAKE_URL"); u != "" {
		sopts = append(sopts, sekoia.WithIntakeURL(u))
	}
	in, err := sekoia.NewIntake(intakeKey, sopts...)
	if err != nil {
		return err
	}
	if cfg.checkpoint == "" {
		cfg.checkpoint = "tehtris-to-sekoia.checkpoint"
	}
	store, err := checkpoint.NewFile(cfg.checkpoint)
	if err != nil {
		return err
	}
	col, err := tc.EventCollector(collectorConfig(cfg, store, logger), pushTo(in))
	if err != nil {
		return err
	}
	logger.Info("forwarding", "tehtris", tc.BaseURL(), "intake", in.URL(), "checkpoint", store.Path())
	return follow(ctx, logger, cfg, col, nil)
}

// collectorConfig returns the collector's configuration; the fields left
// zero take their defaults (5 requests per minute, batches of 500, a poll
// every 30s).
func collectorConfig(cfg config, store checkpoint.Store, logger *slog.Logger) tehtris.CollectorConfig {
	return tehtris.CollectorConfig{
		Store:     store,
		FilterID:  cfg.filterID, // empty: the key's first filter
		Start:     time.Now().Add(-cfg.since),
		MaxWindow: time.Hour, // bounds memory after a long downtime
		Logger:    logger,
	}
}

// pushTo returns the collector's handler: push the batch's raw events to
// the intake; an error leaves the batch unaccepted, so it is delivered
// again (after a backoff) and nothing is checkpointed past it.
func pushTo(in *sekoia.Intake) func(context.Context, []tehtris.Event) error {
	var raws [][]byte
	return func(ctx context.Context, events []tehtris.Event) error {
		raws = raws[:0]
		for i := range events {
			raws = append(raws, events[i].Raw)
		}
		_, err := in.Push(ctx, raws)
		return err
	}
}

// follow runs the collector until ctx is done (or, with -once, until a
// cycle finds nothing new, or until done reports true), printing a
// progress line.
func follow(ctx context.Context, logger *slog.Logger, cfg config, col *tehtris.Collector, done func() bool) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		t := time.NewTicker(cfg.progress)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				s := col.Stats()
				logger.Info("progress", "forwarded", s.Delivered, "lag", s.Lag.Round(time.Second),
					"checkpoint", s.Checkpoint, "errors", s.Errors)
			}
		}
	}()
	if done != nil {
		go func() {
			t := time.NewTicker(50 * time.Millisecond)
			defer t.Stop()
			for {
				select {
				case <-ctx.Done():
					return
				case <-t.C:
					if done() {
						cancel()
						return
					}
				}
			}
		}()
	}
	var err error
	if cfg.once {
		for {
			var n int
			n, err = col.RunOnce(ctx)
			if err != nil || n == 0 {
				break
			}
		}
		if ctx.Err() != nil {
			err = nil
		}
	} else {
		err = col.Run(ctx) // nil when ctx is done
	}
	s := col.Stats()
	logger.Info("stopped", "forwarded", s.Delivered, "duplicates_dropped", s.DuplicatesDropped, "checkpoint", s.Checkpoint)
	return err
}
