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
	"github.com/socgo/xdr/fleet"
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

	// The intake and the sources are fakes (demo.go).
	in, received, closeIntake, err := demoIntake(logger)
	if err != nil {
		return err
	}
	defer closeIntake()
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
	for received() < total {
		select {
		case <-ctx.Done():
			return fmt.Errorf("only %d of %d events reached the intake", received(), total)
		case <-time.After(250 * time.Millisecond):
		}
		if !stopped && *replicas > 1 && received() >= total/2 {
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
		received(), total, len(sources), time.Since(start).Round(time.Millisecond))
	return nil
}

func names(ls []checkpoint.Lease) []string {
	out := make([]string, len(ls))
	for i, l := range ls {
		out[i] = fmt.Sprintf("%s(token %d)", l.Source, l.Token)
	}
	return out
}
