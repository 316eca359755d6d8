package main

// This file is the demo's scaffolding: it chooses between the real API and
// an in-process fake from the environment, and starts and seeds the fake.
// The recipe is in main.go.

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/socgo/xdr/sekoia"
	"github.com/socgo/xdr/sekoia/sekoiatest"
	"github.com/socgo/xdr/sentinelone"
	"github.com/socgo/xdr/sentinelone/sentinelonetest"
)

// connect returns the SentinelOne client and the intake, real ones from
// the environment or fakes. With a fake console it sets *once and a fresh
// checkpoint *file (removed by closeAll); with a fake intake closeAll
// reports what it received.
func connect(logger *slog.Logger, once *bool, file *string) (s *sentinelone.Client, in *sekoia.Intake, closeAll func(), err error) {
	var closers []func()
	closeAll = func() {
		for _, c := range slices.Backward(closers) {
			c()
		}
	}
	if u := os.Getenv("S1_CONSOLE_URL"); u != "" {
		s, err = sentinelone.NewClient(u, os.Getenv("S1_API_TOKEN"), sentinelone.WithLogger(logger))
	} else {
		logger.Info("S1_CONSOLE_URL not set: reading a fake console, one cycle with a fresh checkpoint")
		dir, derr := os.MkdirTemp("", "star-to-sekoia-")
		if derr != nil {
			return nil, nil, nil, derr
		}
		closers = append(closers, func() { os.RemoveAll(dir) })
		*once, *file = true, filepath.Join(dir, "checkpoint.json")
		srv, serr := sentinelonetest.Start()
		if serr != nil {
			closeAll()
			return nil, nil, nil, serr
		}
		closers = append(closers, srv.Close)
		now := srv.Now()
		srv.AddAlert("Encoded PowerShell", "High", now.Add(-50*time.Minute))
		srv.AddAlert("Office spawns a shell", "Medium", now.Add(-40*time.Minute))
		srv.AddAlert("Mimikatz command line", "Critical", now.Add(-10*time.Minute))
		srv.AddAlert("New scheduled task", "Info", now.Add(-5*time.Minute))
		s, err = srv.Client(sentinelone.WithLogger(logger))
	}
	if err != nil {
		closeAll()
		return nil, nil, nil, err
	}
	if key := os.Getenv("SEKOIA_INTAKE_KEY"); key != "" {
		in, err = sekoia.NewIntake(key, sekoia.WithLogger(logger))
	} else {
		logger.Info("SEKOIA_INTAKE_KEY not set: pushing to a fake intake")
		srv, serr := sekoiatest.Start()
		if serr != nil {
			closeAll()
			return nil, nil, nil, serr
		}
		closers = append(closers, func() {
			logger.Info("the fake intake received", "events", srv.ReceivedCount())
			srv.Close()
		})
		in, err = sekoia.NewIntake(srv.IntakeKey(), sekoia.WithIntakeURL(srv.IntakeURL()), sekoia.WithLogger(logger))
	}
	if err != nil {
		closeAll()
		return nil, nil, nil, fmt.Errorf("intake: %w", err)
	}
	return s, in, closeAll, nil
}
