package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/socgo/xdr/sekoia"
	"github.com/socgo/xdr/sekoia/sekoiatest"
)

// sink is where the forwarding sections push events: a Sekoia.io HTTP
// intake.
type sink struct {
	in     *sekoia.Intake
	fake   *sekoiatest.Server // nil for the real intake
	pushed int
}

// newSink returns the real intake only when SEKOIA_INTAKE_KEY is set and
// SEKOIA_QUICKSTART_WRITES=1 (pushing writes to the workspace), and a local
// fake intake otherwise.
func newSink() (*sink, error) {
	key := os.Getenv("SEKOIA_INTAKE_KEY")
	if key != "" && os.Getenv("SEKOIA_QUICKSTART_WRITES") == "1" {
		opts := []sekoia.Option{sekoia.WithUserAgent("socgo-quickstart")}
		if u := os.Getenv("SEKOIA_INTAKE_URL"); u != "" {
			opts = append(opts, sekoia.WithIntakeURL(u))
		}
		in, err := sekoia.NewIntake(key, opts...)
		if err != nil {
			return nil, err
		}
		fmt.Printf("(pushing to the real intake %s)\n", in.URL())
		return &sink{in: in}, nil
	}
	if key != "" {
		fmt.Println("(SEKOIA_INTAKE_KEY is set but SEKOIA_QUICKSTART_WRITES is not 1: pushing to a local fake intake)")
	}
	srv, err := sekoiatest.Start()
	if err != nil {
		return nil, err
	}
	in, err := sekoia.NewIntake(srv.IntakeKey(), sekoia.WithIntakeURL(srv.IntakeURL()))
	if err != nil {
		srv.Close()
		return nil, err
	}
	return &sink{in: in, fake: srv}, nil
}

// push sends the exact bytes of each event; the intake answers one id per
// event.
func (s *sink) push(ctx context.Context, raws [][]byte) error {
	ids, err := s.in.Push(ctx, raws)
	s.pushed += len(ids)
	return err
}

func (s *sink) close() {
	if s.fake != nil {
		s.fake.Close()
	}
}

// quietLogger shows the collectors' warnings and errors only, so that the
// tour's own lines stay readable.
func quietLogger() *slog.Logger {
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
}
