// Command sekoia-triage walks the pending alerts of a Sekoia.io workspace,
// acknowledges the urgent ones with a comment, and closes a batch of the
// alerts already under investigation.
//
// With no SEKOIA_API_KEY it runs against an in-process fake
// (sekoiatest) seeded with alerts. With SEKOIA_API_KEY (and optionally
// SEKOIA_REGION, default FRA1) it reads the real workspace and only prints
// what it would change, unless -apply is given.
//
//	go run ./examples/sekoia-triage
//	SEKOIA_API_KEY=... go run ./examples/sekoia-triage -min-urgency 80 -apply
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"time"

	"github.com/socgo/xdr/sekoia"
)

func main() {
	minUrgency := flag.Int("min-urgency", 80, "acknowledge pending alerts with at least this urgency")
	batch := flag.Int("close-batch", 20, "close at most this many ongoing alerts")
	days := flag.Int("days", 0, "only alerts created in the last N days (0: all)")
	apply := flag.Bool("apply", false, "against the real API, make the changes instead of printing them")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	c, live, cleanup, err := connect() // the real API or a fake: see demo.go
	if err != nil {
		log.Fatal(err)
	}
	defer cleanup()
	write := !live || *apply
	if err := triage(ctx, c, *days, *minUrgency, *batch, write); err != nil {
		log.Fatal(err)
	}
}

func triage(ctx context.Context, c *sekoia.Client, days, minUrgency, batch int, write bool) error {
	if _, err := c.Auth(ctx); err != nil {
		switch {
		case errors.Is(err, sekoia.ErrTokenExpired):
			return fmt.Errorf("the API key has expired: %w", err)
		case errors.Is(err, sekoia.ErrTokenRevoked):
			return fmt.Errorf("the API key was revoked: %w", err)
		}
		return err
	}

	// 1. Page through the urgent pending alerts, then acknowledge them.
	// The list is read in full first: acknowledging an alert takes it out
	// of the filtered list, which would shift the offsets of the pages not
	// read yet.
	pending := &sekoia.AlertListOptions{
		Statuses: []sekoia.Status{sekoia.StatusPending},
		Urgency:  &sekoia.IntRange{Min: minUrgency, Max: 100},
		Sort:     sekoia.AlertSortUrgency,
		Limit:    100,
	}
	if days > 0 {
		pending.CreatedAt = sekoia.Since(time.Now().AddDate(0, 0, -days))
	}
	var urgent []sekoia.Alert
	for a, err := range c.Alerts.All(ctx, pending) {
		if err != nil {
			return err
		}
		urgent = append(urgent, a)
	}
	if !write {
		fmt.Println("dry run: nothing is changed (use -apply)")
	}
	acked := 0
	for _, a := range urgent {
		fmt.Printf("acknowledge %s urgency=%-3d %s\n", a.ShortID, a.Urgency.Value, a.Title)
		if !write {
			continue
		}
		comment := fmt.Sprintf("Acknowledged by sekoia-triage: urgency %d (%s) from rule %q.", a.Urgency.Value, a.Urgency.Display, a.Rule.Name)
		err := c.Alerts.UpdateWorkflow(ctx, a.ShortID, sekoia.ActionAcknowledge, comment)
		if errors.Is(err, sekoia.ErrConflict) {
			fmt.Printf("  skipped: %v\n", err) // someone moved it meanwhile
			continue
		}
		if err != nil {
			return err
		}
		acked++
	}
	fmt.Printf("\n%d urgent pending alerts, %d acknowledged\n\n", len(urgent), acked)

	// 2. Close a batch of the alerts under investigation in one request.
	page, err := c.Alerts.List(ctx, &sekoia.AlertListOptions{Statuses: []sekoia.Status{sekoia.StatusOngoing}, Limit: min(batch, 100)})
	if err != nil {
		return err
	}
	if len(page.Items) == 0 {
		fmt.Println("no ongoing alert to close")
		return nil
	}
	ids := make([]string, len(page.Items))
	for i, a := range page.Items {
		ids[i] = a.ShortID
	}
	fmt.Printf("close %d ongoing alerts: %v\n", len(ids), ids)
	if write {
		if err := c.Alerts.BulkUpdateWorkflow(ctx, ids, sekoia.StatusClosed, "Closed in batch by sekoia-triage."); err != nil {
			return err
		}
		left, err := c.Alerts.List(ctx, &sekoia.AlertListOptions{Statuses: []sekoia.Status{sekoia.StatusOngoing}, Limit: 1})
		if err != nil {
			return err
		}
		fmt.Printf("done; %d alerts still ongoing\n", left.Total)
	}
	return nil
}

// Wait waits for the next tick or the end of ctx.
func (e every) Wait(ctx context.Context) error {
	select {
	case <-e.t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
