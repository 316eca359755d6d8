// Command quickstart is a tour of the SDK: each section shows the main
// calls of one API and prints what they return.
//
// With no credentials every section runs against an in-process fake of its
// API, so the tour takes a few seconds and needs no account:
//
//	go run ./examples/quickstart
//
// Each section uses the real service when its credentials are set, and
// writes nothing to a real tenant unless SEKOIA_QUICKSTART_WRITES=1:
//
//   - SEKOIA_API_KEY (and SEKOIA_REGION, default FRA1): the Sekoia.io
//     section reads the real workspace; with SEKOIA_QUICKSTART_WRITES=1 it
//     also acknowledges and comments an alert and creates an asset.
//   - TEHTRIS_TENANT and TEHTRIS_API_KEY: the TEHTRIS section reads the
//     events of the last 10 minutes from the real platform.
//   - S1_CONSOLE_URL and S1_API_TOKEN: the SentinelOne section reads the
//     real console (token details, activities, threats).
//   - SEKOIA_INTAKE_KEY (and SEKOIA_INTAKE_URL) with
//     SEKOIA_QUICKSTART_WRITES=1: the forwarding sections push to that real
//     intake; otherwise they push to a local fake intake.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"time"
)

// section is one part of the tour.
type section struct {
	title string
	run   func(ctx context.Context) error
}

// tour lists the sections in the order they run.
func tour() []section {
	return []section{
		{"Sekoia.io: alerts, workflow, assets, kill chain, communities", sekoiaTour},
		{"TEHTRIS → Sekoia.io: forward events with a checkpointed collector", tehtrisTour},
		{"SentinelOne: token lifetime, activities, threats, forwarding", sentinelOneTour},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	failed := false
	for _, s := range tour() {
		fmt.Printf("=== %s\n\n", s.title)
		if err := s.run(ctx); err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", s.title, err)
			failed = true
		}
		fmt.Println()
	}
	if failed {
		os.Exit(1)
	}
}

// quietLogger shows the collectors' warnings and errors only, so that the
// tour's own lines stay readable.
func quietLogger() *slog.Logger {
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
}
