package xdr_test

import (
	"context"
	"log"
	"os"
	"os/signal"
	"time"

	"github.com/socgo/xdr/checkpoint"
	"github.com/socgo/xdr/sekoia"
	"github.com/socgo/xdr/sentinelone"
	"github.com/socgo/xdr/tehtris"
)

// The tour of README.md, compiled with the tests so that it stays true.
// It talks to real services, so it has no Output and is not run.
func Example_tour() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	// Sekoia: acknowledge every pending alert, with a comment.
	c, err := sekoia.NewClient(os.Getenv("SEKOIA_API_KEY"), sekoia.WithRegion(sekoia.FRA1))
	if err != nil {
		log.Fatal(err)
	}
	pending := &sekoia.AlertListOptions{Statuses: []sekoia.Status{sekoia.StatusPending}}
	for a, err := range c.Alerts.All(ctx, pending) {
		if err != nil {
			log.Fatal(err)
		}
		if err := c.Alerts.UpdateWorkflow(ctx, a.ShortID, sekoia.ActionAcknowledge, "triaged by bot"); err != nil {
			log.Fatal(err)
		}
	}

	// TEHTRIS → Sekoia: forward every EDR event across restarts, at least once (a batch pushed
	// but not yet checkpointed when the process dies is pushed again after the restart).
	t, err := tehtris.NewClient(os.Getenv("TEHTRIS_TENANT"), os.Getenv("TEHTRIS_API_KEY"))
	if err != nil {
		log.Fatal(err)
	}
	intake, err := sekoia.NewIntake(os.Getenv("SEKOIA_INTAKE_KEY"))
	if err != nil {
		log.Fatal(err)
	}
	store, err := checkpoint.NewFile("tehtris.checkpoint")
	if err != nil {
		log.Fatal(err)
	}
	col, err := t.EventCollector(tehtris.CollectorConfig{Store: store}, func(ctx context.Context, events []tehtris.Event) error {
		raw := make([][]byte, len(events))
		for i, ev := range events {
			raw[i] = ev.Raw // the exact bytes TEHTRIS sent
		}
		_, err := intake.Push(ctx, raw) // the checkpoint moves only when this returns nil
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
	go func() {
		if err := col.Run(ctx); err != nil {
			log.Fatal(err)
		}
	}()

	// SentinelOne: the console's activities of the last day.
	s, err := sentinelone.NewClient("https://example.sentinelone.net", os.Getenv("S1_API_TOKEN"))
	if err != nil {
		log.Fatal(err)
	}
	since := &sentinelone.ActivityListOptions{CreatedSince: time.Now().Add(-24 * time.Hour)}
	for act, err := range s.Activities.All(ctx, since) {
		if err != nil {
			log.Fatal(err)
		}
		log.Println(act.CreatedAt, act.ActivityType)
	}
}
