// Command sekoia-search runs a Sekoia.io event search and writes the
// matching events to standard output as JSON lines, byte for byte as the
// API returned them.
//
//	go run ./examples/sekoia-search -term 'host.name:"laptop-1"' -since 24h > events.jsonl
//
// With SEKOIA_API_KEY set it searches the real API (region from
// SEKOIA_REGION, FRA1 by default, or SEKOIA_BASE_URL); otherwise it starts
// the in-memory fake (sekoiatest) with a few demo events, so it runs
// anywhere.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"time"

	"github.com/socgo/xdr/sekoia"
)

func main() {
	term := flag.String("term", "*", "search term (events query language, e.g. 'host.name:\"laptop-1\" AND NOT user.name:root')")
	since := flag.Duration("since", 24*time.Hour, "how far back to search")
	limit := flag.Int("limit", 0, "stop after this many events (0: all)")
	timeout := flag.Duration("timeout", 30*time.Minute, "how long the job may run")
	flag.Parse()

	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, logger, *term, *since, *limit, *timeout); err != nil {
		logger.Error("search failed", "err", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, logger *slog.Logger, term string, since time.Duration, limit int, timeout time.Duration) error {
	c, closeFn, err := client(logger) // the real API or a fake: see demo.go
	if err != nil {
		return err
	}
	defer closeFn()

	q := sekoia.SearchQuery{Term: term, Earliest: sekoia.Ago(since), Latest: sekoia.RelativeTime("now")}
	opts := &sekoia.SearchOptions{Wait: sekoia.WaitOptions{RunTimeout: timeout}}
	out := bufio.NewWriterSize(os.Stdout, 256<<10)
	n := 0
	start := time.Now()
	for ev, err := range c.Events.SearchAll(ctx, q, opts) {
		if err != nil {
			if errors.Is(err, sekoia.ErrJobExpired) {
				err = fmt.Errorf("the results expired while being read (raise their TTL with ExtendTTL): %w", err)
			}
			_ = out.Flush()
			return err
		}
		_, _ = out.Write(ev.Raw) // a write error is reported by Flush
		_ = out.WriteByte('\n')
		if n++; limit > 0 && n >= limit {
			break // stops fetching; the job is left to expire
		}
	}
	if err := out.Flush(); err != nil {
		return err
	}
	logger.Info("search done", "events", n, "elapsed", time.Since(start).Round(time.Millisecond))
	return nil
}
