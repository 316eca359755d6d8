package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/socgo/xdr/checkpoint"
	"github.com/socgo/xdr/tehtris"
)

// tehtrisTour forwards TEHTRIS events to a Sekoia.io intake with a
// checkpointed collector, runs it again as after a restart, and shows that
// only the new events travel the second time.
func tehtrisTour(ctx context.Context) error {
	c, fake, err := tehtrisClient()
	if err != nil {
		return err
	}
	if fake != nil {
		defer fake.Close()
	}
	out, err := newSink()
	if err != nil {
		return err
	}
	defer out.close()

	// The checkpoint lives in a file: a collector started again on the
	// same file resumes where the previous one stopped.
	dir, err := os.MkdirTemp("", "quickstart")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	store, err := checkpoint.NewFile(filepath.Join(dir, "tehtris.checkpoint"))
	if err != nil {
		return err
	}

	// handle receives the events in (time, id) order; the checkpoint is
	// saved only after it returns nil. ev.Raw is the event's exact JSON.
	var first []tehtris.Event
	handle := func(ctx context.Context, events []tehtris.Event) error {
		if len(first) < 3 {
			first = append(first, events[:min(3-len(first), len(events))]...)
		}
		raws := make([][]byte, len(events))
		for i, ev := range events {
			raws[i] = ev.Raw
		}
		return out.push(ctx, raws)
	}
	cfg := tehtris.CollectorConfig{
		Store:            store,
		Start:            time.Now().Add(-10 * time.Minute),
		Logger:           quietLogger(),
		ProgressInterval: -1,
	}
	if fake != nil {
		// The real API is paced at 5 requests a minute; a fake takes more.
		cfg.RequestsPerMinute = -1
	}

	col, err := c.EventCollector(cfg, handle)
	if err != nil {
		return err
	}
	n, err := col.RunOnce(ctx)
	if err != nil {
		return err
	}
	fmt.Printf("first run: %d events of the last 10 minutes forwarded (%d pushed to the intake)\n", n, out.pushed)
	for _, ev := range first {
		fmt.Printf("  %s  #%d  level %d  %-15s %s\n", ev.Time.Format("15:04:05"), ev.ID, ev.Level, ev.EventName, ev.Hostname)
	}
	if cp, err := store.Load(ctx); err == nil {
		fmt.Printf("checkpoint saved in %s (%d bytes: the position in time and the ids delivered in its last second)\n", filepath.Base(store.Path()), len(cp))
	}

	if fake != nil {
		fake.SeedEvents(25)
		fmt.Println("\n25 new events arrive on the platform")
	}
	// A new collector on the same checkpoint, as after a restart.
	col, err = c.EventCollector(cfg, handle)
	if err != nil {
		return err
	}
	n, err = col.RunOnce(ctx)
	if err != nil {
		return err
	}
	fmt.Printf("second run (restarted on the same checkpoint): %d new events forwarded, %d pushed in all\n", n, out.pushed)

	if out.fake != nil {
		ids := map[int64]bool{}
		for _, raw := range out.fake.Received() {
			var ev struct {
				ID int64 `json:"id"`
			}
			if err := json.Unmarshal(raw, &ev); err != nil {
				return err
			}
			ids[ev.ID] = true
		}
		fmt.Printf("the intake holds %d events with %d distinct ids: nothing was sent twice\n", out.fake.ReceivedCount(), len(ids))
	}
	return nil
}
