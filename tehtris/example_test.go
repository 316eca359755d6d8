package tehtris_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/socgo/xdr/checkpoint"
	"github.com/socgo/xdr/tehtris"
	"github.com/socgo/xdr/tehtris/tehtristest"
)

func ExampleNewClient() {
	// The API of tenant "abc" is https://abc.api.tehtris.net/api; the key
	// is sent with HTTP Basic authentication (user "api").
	c, err := tehtris.NewClient("abc", "my-60-character-api-key")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(c.BaseURL())

	// An on-premise platform on its own port.
	onprem, err := tehtris.NewClient("", "my-60-character-api-key",
		tehtris.WithBaseURL("https://xdr.example.org:8443/api"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(onprem.BaseURL())

	// A tenant id is a DNS label, never a host.
	_, err = tehtris.NewClient("evil.com/x", "my-60-character-api-key")
	fmt.Println(err)
	// Output:
	// https://abc.api.tehtris.net/api
	// https://xdr.example.org:8443/api
	// tehtris: NewClient: tenantID "evil.com/x" is not a DNS label (1 to 63 lowercase letters, digits or hyphens, not starting or ending with a hyphen)
}

func ExampleEventsService_All() {
	srv, err := tehtristest.Start() // a fake platform on loopback
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	srv.SeedEventsAt(2500, time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC))

	c, err := tehtris.NewClient("", srv.APIKey(), tehtris.WithBaseURL(srv.URL()))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	n := 0
	for ev, err := range c.Events.All(ctx, &tehtris.EventQuery{From: time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)}) {
		if err != nil {
			log.Fatal(err)
		}
		n++
		_ = ev.Raw // the exact JSON, for forwarding
	}
	fmt.Println(n, "events")
	// Output: 2500 events
}

func ExampleEventsService_SetStatus() {
	srv, err := tehtristest.Start()
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	ev := srv.AddEvents(tehtris.Event{ApplianceID: 1, Level: 7, Module: "das", EventName: "HeuristicAlert"})[0]
	c, err := srv.Client()
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	err = c.Events.SetStatus(ctx, ev.ID, tehtris.StatusIncident, &tehtris.SetStatusOptions{Expect: tehtris.StatusPending})
	fmt.Println(err)
	err = c.Events.SetStatus(ctx, ev.ID, tehtris.StatusResolved, &tehtris.SetStatusOptions{Expect: tehtris.StatusPending})
	fmt.Println(errors.Is(err, tehtris.ErrConflict))
	// Output:
	// <nil>
	// true
}

func ExampleEndpointsService_Isolate() {
	srv, err := tehtristest.Start()
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	ev := srv.AddEvents(tehtris.Event{ApplianceID: 1, Level: 9, Module: "das", EventName: "HeuristicAlert",
		AgentUUID: "5c3ff0bc-5101-4152-a330-923e569c9229"})[0]
	c, err := srv.Client()
	if err != nil {
		log.Fatal(err)
	}
	res, err := c.Endpoints.Isolate(context.Background(), ev.Endpoint(), &tehtris.IsolationOptions{Power: tehtris.PowerHard, Persist: true})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("queued:", res.Queued)
	// Output: queued: false
}

func ExampleClient_EventCollector() {
	srv, err := tehtristest.Start()
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	start := time.Now().Add(-time.Minute)
	srv.SeedEventsAt(1200, start.Add(10*time.Second))

	c, err := srv.Client()
	if err != nil {
		log.Fatal(err)
	}
	store := &checkpoint.Memory{} // checkpoint.NewFile(path) in production
	total := 0
	cfg := tehtris.CollectorConfig{
		Store:             store,
		Start:             start,
		RequestsPerMinute: 600, // a fake can take more than the default 5 per minute
	}
	col, err := c.EventCollector(cfg, func(ctx context.Context, events []tehtris.Event) error {
		total += len(events) // forward ev.Raw somewhere; return an error to get the batch again
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	// Run(ctx) loops until ctx is done; RunOnce runs one cycle.
	n, err := col.RunOnce(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(n, total, col.Stats().Delivered)
	// Output: 1200 1200 1200
}
