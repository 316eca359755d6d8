package main

// This file is the demo's scaffolding: it chooses between the real API and
// an in-process fake from the environment, and starts and seeds the fake.
// The recipe is in main.go.

import (
	"log/slog"
	"os"

	"github.com/socgo/xdr/sekoia"
	"github.com/socgo/xdr/sekoia/sekoiatest"
)

// intake returns an intake client on the real intake when
// SEKOIA_INTAKE_KEY is set, else on a fake server; done reports what the
// fake received and stops it.
func intake(logger *slog.Logger) (in *sekoia.Intake, done func(), err error) {
	if key := os.Getenv("SEKOIA_INTAKE_KEY"); key != "" {
		opts := []sekoia.Option{sekoia.WithLogger(logger)}
		if u := os.Getenv("SEKOIA_INTAKE_URL"); u != "" {
			opts = append(opts, sekoia.WithIntakeURL(u))
		} else {
			r, err := sekoia.ParseRegion(os.Getenv("SEKOIA_REGION"))
			if err != nil {
				return nil, nil, err
			}
			opts = append(opts, sekoia.WithRegion(r))
		}
		in, err = sekoia.NewIntake(key, opts...)
		return in, func() {}, err
	}
	logger.Info("SEKOIA_INTAKE_KEY not set: pushing to the in-memory fake")
	srv, err := sekoiatest.Start()
	if err != nil {
		return nil, nil, err
	}
	in, err = sekoia.NewIntake(srv.IntakeKey(), sekoia.WithIntakeURL(srv.IntakeURL()), sekoia.WithLogger(logger))
	if err != nil {
		srv.Close()
		return nil, nil, err
	}
	return in, func() {
		logger.Info("the fake intake received", "events", srv.ReceivedCount())
		srv.Close()
	}, nil
}
