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
	"path/filepath"
	"slices"
	"time"

	"github.com/socgo/xdr/checkpoint"
	"github.com/socgo/xdr/sekoia"
	"github.com/socgo/xdr/sekoia/sekoiatest"
	"github.com/socgo/xdr/sentinelone"
	"github.com/socgo/xdr/sentinelone/sentinelonetest"
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

	var fakeIntake *sekoiatest.Server
	s, intake, closeAll, err := connect(logger, &fakeIntake)
	if err != nil {
		return err
	}
	defer closeAll()
	if os.Getenv("S1_CONSOLE_URL") == "" { // a fresh fake console: one cycle, a fresh checkpoint
		*once = true
		dir, err := os.MkdirTemp("", "star-to-sekoia-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		*file = filepath.Join(dir, "checkpoint.json")
	}

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
	if fakeIntake != nil {
		logger.Info("the fake intake received", "events", fakeIntake.ReceivedCount())
	}
	return nil
}

// connect returns the SentinelOne client and the intake, real ones from
// the environment or fakes (the fake intake is stored in *fake).
func connect(logger *slog.Logger, fake **sekoiatest.Server) (*sentinelone.Client, *sekoia.Intake, func(), error) {
	var closers []func()
	closeAll := func() {
		for _, c := range slices.Backward(closers) {
			c()
		}
	}
	var s *sentinelone.Client
	var err error
	if u := os.Getenv("S1_CONSOLE_URL"); u != "" {
		s, err = sentinelone.NewClient(u, os.Getenv("S1_API_TOKEN"), sentinelone.WithLogger(logger))
	} else {
		logger.Info("S1_CONSOLE_URL not set: reading a fake console")
		srv := sentinelonetest.Start()
		closers = append(closers, srv.Close)
		now := time.Now()
		srv.AppendAlert("Encoded PowerShell", "High", now.Add(-50*time.Minute))
		srv.AppendAlert("Office spawns a shell", "Medium", now.Add(-40*time.Minute))
		srv.AppendAlert("Mimikatz command line", "Critical", now.Add(-10*time.Minute))
		srv.AppendAlert("New scheduled task", "Info", now.Add(-5*time.Minute))
		s, err = sentinelone.NewClient(srv.URL(), srv.Token(), sentinelone.WithLogger(logger))
	}
	if err != nil {
		closeAll()
		return nil, nil, nil, err
	}
	var in *sekoia.Intake
	if key := os.Getenv("SEKOIA_INTAKE_KEY"); key != "" {
		in, err = sekoia.NewIntake(key, sekoia.WithLogger(logger))
	} else {
		logger.Info("SEKOIA_INTAKE_KEY not set: pushing to a fake intake")
		srv, serr := sekoiatest.Start()
		if serr != nil {
			closeAll()
			return nil, nil, nil, serr
		}
		closers = append(closers, srv.Close)
		*fake = srv
		in, err = sekoia.NewIntake(srv.IntakeKey(), sekoia.WithIntakeURL(srv.IntakeURL()), sekoia.WithLogger(logger))
	}
	if err != nil {
		closeAll()
		return nil, nil, nil, fmt.Errorf("intake: %w", err)
	}
	return s, in, closeAll, nil
}
