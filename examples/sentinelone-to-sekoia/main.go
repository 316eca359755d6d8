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
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"sync"
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
	s, intake, fakes, err := endpoints(logger)
	if err != nil {
		return err
	}
	defer fakes.close()
	if fakes.s1 != nil {
		*once = true
		stateSet := false
		fs.Visit(func(f *flag.Flag) { stateSet = stateSet || f.Name == "state" })
		if !stateSet { // a fresh fake console: a fresh checkpoint directory
			dir, err := os.MkdirTemp("", "s1-to-sekoia-")
			if err != nil {
				return err
			}
			defer os.RemoveAll(dir)
			*state = dir
		}
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
		if fakes.intake != nil {
			logger.Info("the fake intake received", "events", fakes.intake.ReceivedCount())
		}
		return nil
	}
	var wg sync.WaitGroup
	errs := make([]error, 2)
	wg.Go(func() { errs[0] = acts.Run(ctx) })
	wg.Go(func() { errs[1] = threats.Run(ctx) })
	wg.Wait()
	return errors.Join(errs...)
}

type fakes struct {
	s1     *sentinelonetest.Server
	intake *sekoiatest.Server
}

func (f fakes) close() {
	if f.s1 != nil {
		f.s1.Close()
	}
	if f.intake != nil {
		f.intake.Close()
	}
}

// endpoints returns the SentinelOne client and the intake: real ones from
// the environment, or fakes seeded with a little data.
func endpoints(logger *slog.Logger) (*sentinelone.Client, *sekoia.Intake, fakes, error) {
	var f fakes
	var s *sentinelone.Client
	var err error
	if u := os.Getenv("S1_CONSOLE_URL"); u != "" {
		s, err = sentinelone.NewClient(u, os.Getenv("S1_API_TOKEN"), sentinelone.WithLogger(logger))
	} else {
		logger.Info("S1_CONSOLE_URL not set: reading a fake console")
		f.s1 = sentinelonetest.Start()
		now := time.Now()
		for i := range 5 {
			f.s1.AppendActivities(20, now.Add(-time.Duration(30-i)*time.Minute))
		}
		f.s1.AppendThreat("invoice.pdf.exe", now.Add(-20*time.Minute), "1681212101432395267")
		f.s1.AppendThreat("mimikatz.exe", now.Add(-10*time.Minute), "1681212101432395267")
		s, err = sentinelone.NewClient(f.s1.URL(), f.s1.Token(), sentinelone.WithLogger(logger))
	}
	if err != nil {
		f.close()
		return nil, nil, fakes{}, err
	}
	var in *sekoia.Intake
	if key := os.Getenv("SEKOIA_INTAKE_KEY"); key != "" {
		opts := []sekoia.Option{sekoia.WithLogger(logger)}
		if u := os.Getenv("SEKOIA_INTAKE_URL"); u != "" {
			opts = append(opts, sekoia.WithIntakeURL(u))
		}
		in, err = sekoia.NewIntake(key, opts...)
	} else {
		logger.Info("SEKOIA_INTAKE_KEY not set: pushing to a fake intake")
		f.intake, err = sekoiatest.Start()
		if err == nil {
			in, err = sekoia.NewIntake(f.intake.IntakeKey(), sekoia.WithIntakeURL(f.intake.IntakeURL()), sekoia.WithLogger(logger))
		}
	}
	if err != nil {
		f.close()
		return nil, nil, fakes{}, fmt.Errorf("intake: %w", err)
	}
	return s, in, f, nil
}
