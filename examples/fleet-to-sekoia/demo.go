package main

// This file is the demo's scaffolding: the lease store chosen from the
// environment, and the fake intake and sources, started and seeded here.
// The recipe (the replicas of the fleet) is in main.go.

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/socgo/xdr/checkpoint"
	"github.com/socgo/xdr/checkpoint/pgstore"
	"github.com/socgo/xdr/fleet"
	"github.com/socgo/xdr/sekoia"
	"github.com/socgo/xdr/sekoia/sekoiatest"
	"github.com/socgo/xdr/sentinelone"
	"github.com/socgo/xdr/sentinelone/sentinelonetest"
	"github.com/socgo/xdr/tehtris"
	"github.com/socgo/xdr/tehtris/tehtristest"
)

// openLeases returns the shared lease store: PostgreSQL at
// XDR_POSTGRES_DSN, else lease files in a temporary directory.
func openLeases(ctx context.Context, logger *slog.Logger) (checkpoint.LeaseStore, func(), error) {
	if dsn := os.Getenv("XDR_POSTGRES_DSN"); dsn != "" {
		s, err := pgstore.Open(ctx, dsn, pgstore.Options{Table: "xdr_fleet_demo"})
		if err != nil {
			return nil, nil, err
		}
		// A demo starts from fresh checkpoints; a real deployment keeps them.
		return s, s.Close, nil
	}
	fmt.Println("XDR_POSTGRES_DSN is not set: leases in a temporary directory (one machine only); see the README to start a local PostgreSQL")
	dir, err := os.MkdirTemp("", "fleet-to-sekoia-")
	if err != nil {
		return nil, nil, err
	}
	s, err := checkpoint.NewFileLeases(dir)
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, nil, err
	}
	return s, func() { _ = os.RemoveAll(dir) }, nil
}

// demoIntake starts a fake Sekoia.io intake and returns a client of it,
// the count of events it received and a closer.
func demoIntake(logger *slog.Logger) (in *sekoia.Intake, received func() int, closeFn func(), err error) {
	srv, err := sekoiatest.Start()
	if err != nil {
		return nil, nil, nil, err
	}
	in, err = sekoia.NewIntake(srv.IntakeKey(), sekoia.WithIntakeURL(srv.IntakeURL()), sekoia.WithLogger(logger))
	if err != nil {
		srv.Close()
		return nil, nil, nil, err
	}
	return in, srv.ReceivedCount, srv.Close, nil
}

// demoSources starts two fake TEHTRIS tenants and two fake SentinelOne
// consoles, each with a backlog of perSource/2 events, and returns their
// sources, a feed adding the other half while the fleet runs, and a
// closer.
func demoSources(in *sekoia.Intake, logger *slog.Logger, perSource int) ([]fleet.Source, func(context.Context), func(), error) {
	var closers []func()
	closeAll := func() {
		for _, c := range closers {
			c()
		}
	}
	var sources []fleet.Source
	var feeds []func(n int)
	run := time.Now().UnixNano() // fresh source ids: a demo starts from scratch
	backlog := perSource / 2
	for i := range 2 {
		srv, err := tehtristest.Start()
		if err != nil {
			closeAll()
			return nil, nil, nil, err
		}
		closers = append(closers, srv.Close)
		client, err := srv.Client(tehtris.WithLogger(logger))
		if err != nil {
			closeAll()
			return nil, nil, nil, err
		}
		srv.SeedEventsAt(backlog, srv.Now().Add(-5*time.Minute))
		feeds = append(feeds, func(n int) { srv.SeedEvents(n) })
		sources = append(sources, fleet.Source{
			ID: fmt.Sprintf("demo-%d/tehtris/tenant-%d", run, i+1),
			New: func(store checkpoint.Store) (fleet.Runner, error) {
				return client.EventCollector(tehtris.CollectorConfig{
					Store: store, Start: time.Now().Add(-time.Hour), PollInterval: 250 * time.Millisecond,
					RequestsPerMinute: -1, Logger: logger,
				}, func(ctx context.Context, events []tehtris.Event) error {
					raws := make([][]byte, len(events))
					for i := range events {
						raws[i] = events[i].Raw
					}
					_, err := in.Push(ctx, raws)
					return err
				})
			},
		})
	}
	for i := range 2 {
		srv, err := sentinelonetest.Start()
		if err != nil {
			closeAll()
			return nil, nil, nil, err
		}
		closers = append(closers, srv.Close)
		client, err := srv.Client(sentinelone.WithLogger(logger))
		if err != nil {
			closeAll()
			return nil, nil, nil, err
		}
		srv.SeedActivitiesAt(backlog, srv.Now().Add(-10*time.Minute))
		feeds = append(feeds, func(n int) { srv.SeedActivities(n) })
		sources = append(sources, fleet.Source{
			ID: fmt.Sprintf("demo-%d/sentinelone/console-%d/activities", run, i+1),
			New: func(store checkpoint.Store) (fleet.Runner, error) {
				return client.ActivityCollector(sentinelone.CollectorConfig{
					Store: store, Start: time.Now().Add(-time.Hour), PollInterval: 250 * time.Millisecond, Logger: logger,
				}, nil, func(ctx context.Context, batch []sentinelone.Activity) error {
					raws := make([][]byte, len(batch))
					for i := range batch {
						raws[i] = batch[i].Raw
					}
					_, err := in.Push(ctx, raws)
					return err
				})
			},
		})
	}
	feed := func(ctx context.Context) {
		left := perSource - backlog
		for left > 0 && ctx.Err() == nil {
			n := min(left, 20)
			for _, f := range feeds {
				f(n)
			}
			left -= n
			time.Sleep(100 * time.Millisecond)
		}
	}
	return sources, feed, closeAll, nil
}
