// Command sentinelone-to-sekoia forwards SentinelOne activities and threats
// to a Sekoia.io HTTP intake across restarts: each stream has its own
// checkpoint file, saved only after the intake accepted the batch, so a
// batch accepted but not yet checkpointed when the process dies is pushed
// again after the restart (at least once; exactly once otherwise).
// Events are forwarded byte for byte as the console sent them.
//
//	S1_CONSOLE_URL=https://usea1-partners.sentinelone.net S1_API_TOKEN=... \
//	SEKOIA_INTAKE_KEY=... go run ./examples/sentinelone-to-sekoia -state /var/lib/s1-to-sekoia
//
// Threats are followed by creation; -changed-threats follows them by their
// last change instead, so every status, verdict or mitigation change is
// forwarded. Without S1_CONSOLE_URL and SEKOIA_INTAKE_KEY it runs one cycle
// between a fake console and a fake intake and prints what was forwarded.
package main

import (
	"context"
	"errors"
	"flag"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"sync"
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

func run(ctx context.Context, logger *slog.Logger, args []string) error {
	fs := flag.NewFlagSet("sentinelone-to-sekoia", flag.ContinueOnError)
	state := fs.String("state", "s1-to-sekoia-state", "directory of the checkpoint files")
	changed := fs.Bool("changed-threats", false, "follow threats by last change (threatInfo.updatedAt) instead of creation")
	since := fs.Duration("since", time.Hour, "how far back to start without a checkpoint")
	poll := fs.Duration("poll", 30*time.Second, "wait between cycles once caught up")
	once := fs.Bool("once", false, "run one cycle per stream and exit")
	if err := fs.Parse(args); err != nil {
		return err
	}
	// The console and the intake: real ones from the environment, or fakes
	// (demo.go) that run one cycle in a fresh state directory.
	s, intake, demo, err := endpoints(logger)
	if err != nil {
		return err
	}
	defer demo.close()
	if err := demo.adjust(fs, once, state); err != nil {
		return err
	}
	if err := os.MkdirAll(*state, 0o700); err != nil {
		return err
	}

	// push is the sink of both collectors: the raw bytes of each event.
	push := func(ctx context.Context, raws [][]byte) error {
		_, err := intake.Push(ctx, raws)
		return err
	}
	cfg := func(name string) (sentinelone.CollectorConfig, error) {
		store, err := checkpoint.NewFile(filepath.Join(*state, name+".checkpoint.json"))
		return sentinelone.CollectorConfig{
			Store: store, Start: time.Now().Add(-*since), PollInterval: *poll,
			Logger: logger.With("stream", name),
		}, err
	}

	actCfg, err := cfg("activities")
	if err != nil {
		return err
	}
	acts, err := s.ActivityCollector(actCfg, nil, func(ctx context.Context, batch []sentinelone.Activity) error {
		raws := make([][]byte, len(batch))
		for i := range batch {
			raws[i] = batch[i].Raw
		}
		return push(ctx, raws)
	})
	if err != nil {
		return err
	}
	mode, name := sentinelone.NewThreats, "threats"
	if *changed {
		mode, name = sentinelone.ChangedThreats, "threat-changes"
	}
	thrCfg, err := cfg(name)
	if err != nil {
		return err
	}
	threats, err := s.ThreatCollector(thrCfg, mode, nil, func(ctx context.Context, batch []sentinelone.Threat) error {
		raws := make([][]byte, len(batch))
		for i := range batch {
			raws[i] = batch[i].Raw
		}
		return push(ctx, raws)
	})
	if err != nil {
		return err
	}

	if *once {
		na, err := acts.RunOnce(ctx)
		if err != nil {
			return err
		}
		nt, err := threats.RunOnce(ctx)
		if err != nil {
			return err
		}
		logger.Info("one cycle done", "activities", na, "threats", nt)
		return nil
	}
	var wg sync.WaitGroup
	errs := make([]error, 2)
	wg.Go(func() { errs[0] = acts.Run(ctx) })
	wg.Go(func() { errs[1] = threats.Run(ctx) })
	wg.Wait()
	return errors.Join(errs...)
}
