package main

// This file is the demo's scaffolding: it chooses between the real API and
// an in-process fake from the environment, and starts and seeds the fake.
// The recipe is in main.go.

import (
	"flag"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/socgo/xdr/sekoia"
	"github.com/socgo/xdr/sekoia/sekoiatest"
	"github.com/socgo/xdr/sentinelone"
	"github.com/socgo/xdr/sentinelone/sentinelonetest"
)

// fakes are the fake console and intake the demo runs against, when the
// environment names no real ones.
type fakes struct {
	logger *slog.Logger
	s1     *sentinelonetest.Server
	intake *sekoiatest.Server
	dir    string // a fresh state directory, removed by close
}

// adjust makes a run against a fake console a single cycle, in a fresh
// state directory unless -state was given.
func (f *fakes) adjust(fs *flag.FlagSet, once *bool, state *string) error {
	if f.s1 == nil {
		return nil
	}
	*once = true
	stateSet := false
	fs.Visit(func(fl *flag.Flag) { stateSet = stateSet || fl.Name == "state" })
	if stateSet {
		return nil
	}
	dir, err := os.MkdirTemp("", "s1-to-sekoia-")
	if err != nil {
		return err
	}
	f.dir, *state = dir, dir
	return nil
}

// close reports what the fake intake received and stops the fakes.
func (f *fakes) close() {
	if f.s1 != nil {
		f.s1.Close()
	}
	if f.intake != nil {
		f.logger.Info("the fake intake received", "events", f.intake.ReceivedCount())
		f.intake.Close()
	}
	if f.dir != "" {
		os.RemoveAll(f.dir)
	}
}

// endpoints returns the SentinelOne client and the intake: real ones from
// the environment, or fakes seeded with a little data.
func endpoints(logger *slog.Logger) (*sentinelone.Client, *sekoia.Intake, *fakes, error) {
	f := &fakes{logger: logger}
	var s *sentinelone.Client
	var err error
	if u := os.Getenv("S1_CONSOLE_URL"); u != "" {
		s, err = sentinelone.NewClient(u, os.Getenv("S1_API_TOKEN"), sentinelone.WithLogger(logger))
	} else {
		logger.Info("S1_CONSOLE_URL not set: reading a fake console")
		if f.s1, err = sentinelonetest.Start(); err == nil {
			now := f.s1.Now()
			for i := range 5 {
				f.s1.SeedActivitiesAt(20, now.Add(-time.Duration(30-i)*time.Minute))
			}
			f.s1.AddThreat("invoice.pdf.exe", now.Add(-20*time.Minute), "1681212101432395267")
			f.s1.AddThreat("mimikatz.exe", now.Add(-10*time.Minute), "1681212101432395267")
			s, err = f.s1.Client(sentinelone.WithLogger(logger))
		}
	}
	if err != nil {
		f.close()
		return nil, nil, nil, err
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
		return nil, nil, nil, fmt.Errorf("intake: %w", err)
	}
	return s, in, f, nil
}
