// Command sentinelone-star-to-sekoia forwards SentinelOne STAR alerts
// (GET /cloud-detection/alerts) to a Sekoia.io HTTP intake across
// restarts: the checkpoint file is saved only after the intake accepted a
// batch, so a batch accepted but not yet checkpointed when the process dies
// is pushed again after the restart (at least once; exactly once
// otherwise). Alerts are forwarded byte for byte as the console sent
// them; -min-severity drops the low ones at the source.
//
//	S1_CONSOLE_URL=https://usea1-partners.sentinelone.net S1_API_TOKEN=... \
//	SEKOIA_INTAKE_KEY=... go run ./examples/sentinelone-star-to-sekoia -checkpoint /var/lib/star.json
//
// Without S1_CONSOLE_URL and SEKOIA_INTAKE_KEY it runs one cycle between a
// fake console holding a few alerts and a fake intake, and prints what was
// forwarded.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"slices"
	"time"

	"github.com/socgo/xdr/checkpoint"
	"github.com/socgo/xdr/sentinelone"
)

func main() {
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, logger, os.Args[1:]); err != nil {
		logger.Error("stopped", "err", err)
		os.Exit(1)
	}
}

var severities = []sentinelone.AlertSeverity{sentinelone.SeverityInfo, sentinelone.SeverityLow,
	sentinelone.SeverityMedium, sentinelone.SeverityHigh, sentinelone.SeverityCritical}

func run(ctx context.Context, logger *slog.Logger, args []string) error {
	fs := flag.NewFlagSet("sentinelone-star-to-sekoia", flag.ContinueOnError)
	file := fs.String("checkpoint", "star-to-sekoia.checkpoint.json", "the checkpoint file")
	minSev := fs.String("min-severity", "Info", "forward alerts of this severity and above (Info, Low, Medium, High, Critical)")
	since := fs.Duration("since", 24*time.Hour, "how far back to start without a checkpoint")
	poll := fs.Duration("poll", 30*time.Second, "wait between cycles once caught up")
	once := fs.Bool("once", false, "run one cycle and exit")
	if err := fs.Parse(args); err != nil {
		return err
	}
	i := slices.Index(severities, sentinelone.AlertSeverity(*minSev))
	if i < 0 {
		return fmt.Errorf("-min-severity %q is not one of %v", *minSev, severities)
	}

	// The console and the intake: real ones from the environment, or fakes
	// (demo.go).
	s, intake, closeAll, err := connect(logger, once, file)
	if err != nil {
		return err
	}
	defer closeAll()

	store, err := checkpoint.NewFile(*file)
	if err != nil {
		return err
	}
	cfg := sentinelone.CollectorConfig{Store: store, Start: time.Now().Add(-*since), PollInterval: *poll, Logger: logger}
	filter := &sentinelone.AlertListOptions{Severities: severities[i:]}
	col, err := s.AlertCollector(cfg, filter, func(ctx context.Context, batch []sentinelone.Alert) error {
		raws := make([][]byte, len(batch))
		for i := range batch {
			raws[i] = batch[i].Raw
		}
		_, err := intake.Push(ctx, raws)
		return err
	})
	if err != nil {
		return err
	}
	if !*once {
		return col.Run(ctx)
	}
	n, err := col.RunOnce(ctx)
	if err != nil {
		return err
	}
	logger.Info("one cycle done", "alerts", n, "checkpoint", col.Stats().Checkpoint)
	return nil
}
