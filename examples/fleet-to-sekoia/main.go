// Command fleet-to-sekoia forwards several TEHTRIS tenants and SentinelOne
// consoles to a Sekoia.io intake with N replicas sharing one PostgreSQL:
// each source runs in exactly one replica at a time (the holder of its
// lease), a replica that stops hands its sources back at once, and one that
// dies has them picked up by the others after the lease's TTL, resuming
// from their checkpoints.
//
//	export XDR_POSTGRES_DSN='host=/tmp/xdr-pg user=xdr dbname=postgres'
//	go run .                # demo: fakes, 3 replicas in this process
//
// The demo starts two fake TEHTRIS tenants, two fake SentinelOne consoles
// and a fake intake, runs three replicas (goroutines here; processes or
// machines in production, each running one fleet.Fleet with the same source
// list), stops one of them half-way to show the hand-over, and ends once the
// intake has received every event. Without XDR_POSTGRES_DSN it keeps the
// leases in a temporary directory (checkpoint.FileLeases: one machine
// only); the README says how to start a local PostgreSQL.
//
// This example is a module of its own, so that the SDK's module does not
// depend on the PostgreSQL driver.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"sync"
	"syscall"
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

func main() {
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, logger, os.Args[1:]); err != nil {
		logger.Error("fleet-to-sekoia failed", "err", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, logger *slog.Logger, args []string) error {
	fs := flag.NewFlagSet("fleet-to-sekoia", flag.ContinueOnError)
	replicas := fs.Int("replicas", 3, "replicas to run")
	perSource := fs.Int("events", 400, "events per source (half a backlog, half arriving while it runs)")
	timeout := fs.Duration("timeout", 2*time.Minute, "give up after this long")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if *replicas < 1 || *perSource < 2 {
		return errors.New("-replicas must be at least 1 and -events at least 2")
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()

	leases, closeLeases, err := openLeases(ctx, logger)
	if err != nil {
		return err
	}
	defer closeLeases()

	intake, err := sekoiatest.Start()
	if err != nil {
		return err
	}
	defer intake.Close()
	in, err := sekoia.NewIntake(intake.IntakeKey(), sekoia.WithIntakeURL(intake.IntakeURL()), sekoia.WithLogger(logger))
	if err != nil {
		return err
	}
	sources, feed, closeFakes, err := demoSources(in, logger, *perSource)
	if err != nil {
		return err
	}
	defer closeFakes()
	total := len(sources) * *perSource
	go feed(ctx)

	// The replicas: in production each is a process (or a machine) running
	// one Fleet with the same source list.
	var wg sync.WaitGroup
	var fleets []*fleet.Fleet
	var stops []context.CancelFunc
	for i := range *replicas {
		f, err := fleet.New(fleet.Config{
			Leases: leases, Sources: sources, Holder: fmt.Sprintf("replica-%d", i+1),
			MaxSources: max(1, (len(sources)+*replicas-2)/max(*replicas-1, 1)), // room for one replica down
			TTL:        3 * time.Second, Logger: logger,
		})
		if err != nil {
			return err
		}
		rctx, stop := context.WithCancel(ctx)
		fleets, stops = append(fleets, f), append(stops, stop)
		wg.Go(func() { _ = f.Run(rctx) })
	}
	defer func() {
		for _, stop := range stops {
			stop()
		}
		wg.Wait()
	}()

	start := time.Now()
	stopped := false
	for intake.ReceivedCount() < total {
		select {
		case <-ctx.Done():
			return fmt.Errorf("only %d of %d events reached the intake", intake.ReceivedCount(), total)
		case <-time.After(250 * time.Millisecond):
		}
		if !stopped && *replicas > 1 && intake.ReceivedCount() >= total/2 {
			fmt.Printf("stopping %s, which runs %v\n", fleets[0].Holder(), names(fleets[0].Running()))
			stops[0]()
			stopped = true
		}
	}
	time.Sleep(500 * time.Millisecond) // let a last hand-over show
	for _, f := range fleets[min(1, len(fleets)-1):] {
		fmt.Printf("%s runs %v\n", f.Holder(), names(f.Running()))
	}
	fmt.Printf("%d of %d events from %d sources received by the intake in %s\n",
		intake.ReceivedCount(), total, len(sources), time.Since(start).Round(time.Millisecond))
	return nil
}

func names(ls []checkpoint.Lease) []string {
	out := make([]string, len(ls))
	for i, l := range ls {
		out[i] = fmt.Sprintf("%s(token %d)", l.Source, l.Token)
	}
	return out
}

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
		client, err := srv.NewClient(tehtris.WithLogger(logger))
		if err != nil {
			closeAll()
			return nil, nil, nil, err
		}
		srv.AppendNAt(time.Now().Add(-5*time.Minute), backlog)
		feeds = append(feeds, func(n int) { srv.AppendN(n) })
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
		srv := sentinelonetest.Start()
		closers = append(closers, srv.Close)
		client, err := sentinelone.NewClient(srv.URL(), srv.Token(), sentinelone.WithLogger(logger))
		if err != nil {
			closeAll()
			return nil, nil, nil, err
		}
		srv.AppendActivities(backlog, time.Now().Add(-10*time.Minute))
		feeds = append(feeds, func(n int) { srv.AppendActivitiesNow(n) })
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
