// Command sekoia-push sends a file of JSON lines (one event per line) to a
// Sekoia.io HTTP intake, each line byte for byte.
//
//	go run ./examples/sekoia-push events.jsonl
//	some-producer | go run ./examples/sekoia-push
//
// With SEKOIA_INTAKE_KEY set it pushes to the real intake (region from
// SEKOIA_REGION, FRA1 by default, or SEKOIA_INTAKE_URL); otherwise it
// pushes to the in-memory fake (sekoiatest) and reports what it received.
package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"

	"github.com/socgo/xdr/sekoia"
)

func main() {
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, logger, os.Args[1:]); err != nil {
		logger.Error("push failed", "err", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, logger *slog.Logger, args []string) error {
	var src io.Reader = os.Stdin
	if len(args) > 1 {
		return errors.New("usage: sekoia-push [file.jsonl]")
	}
	if len(args) == 1 && args[0] != "-" {
		f, err := os.Open(args[0])
		if err != nil {
			return err
		}
		defer f.Close()
		src = f
	}
	in, done, err := intake(logger) // the real intake or a fake: see demo.go
	if err != nil {
		return err
	}
	defer done()

	w := in.NewWriter(sekoia.WriterOptions{})
	sc := bufio.NewScanner(src)
	sc.Buffer(make([]byte, 64<<10), sekoia.MaxIntakeEventBytes+1)
	line, skipped := 0, 0
	for sc.Scan() {
		line++
		ev := sc.Bytes()
		if len(ev) == 0 {
			continue
		}
		err := w.Write(ctx, ev)
		switch {
		case errors.Is(err, sekoia.ErrEventTooLarge), errors.Is(err, sekoia.ErrInvalidEvent):
			logger.Warn("line skipped", "line", line, "err", err)
			skipped++
		case err != nil:
			_ = w.Close(ctx)
			return fmt.Errorf("line %d: %w", line, err)
		}
	}
	if err := sc.Err(); err != nil {
		_ = w.Close(ctx)
		if errors.Is(err, bufio.ErrTooLong) {
			return fmt.Errorf("line %d is over the intake's 250 KiB limit", line+1)
		}
		return err
	}
	// Close returns once every event written is accepted (or reports why not).
	if err := w.Close(ctx); err != nil {
		return err
	}
	st := w.Stats()
	logger.Info("pushed", "events", st.Accepted, "requests", st.Requests, "skipped", skipped)
	return nil
}
