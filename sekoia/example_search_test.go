package sekoia_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/socgo/xdr/sekoia"
	"github.com/socgo/xdr/sekoia/sekoiatest"
)

// exampleSearchServer starts a fake holding three events, its clock set
// just after them, whose jobs go through "not started" and "running" as
// on the real API; real code uses sekoia.NewClient(apiKey) instead.
func exampleSearchServer() (*sekoiatest.Server, *sekoia.Client) {
	srv, err := sekoiatest.Start(sekoiatest.WithClock(func() time.Time { return time.Date(2026, 3, 1, 12, 5, 0, 0, time.UTC) }))
	if err != nil {
		panic(err)
	}
	srv.SetSearchProgress(1, 1)
	_ = srv.AddEvents(
		[]byte(`{"timestamp":"2026-03-01T12:00:02Z","host.name":"laptop-1","process.name":"powershell.exe","user.name":"joe"}`),
		[]byte(`{"timestamp":"2026-03-01T12:00:01Z","host.name":"srv-db","process.name":"postgres","user.name":"postgres"}`),
		[]byte(`{"timestamp":"2026-03-01T12:00:00Z","host.name":"laptop-2","process.name":"powershell.exe","user.name":"ann"}`),
	)
	c, err := srv.Client()
	if err != nil {
		panic(err)
	}
	return srv, c
}

// Search events and range over them: SearchAll creates the job, waits for
// it and reads its results page by page.
func ExampleEventsService_SearchAll() {
	srv, c := exampleSearchServer()
	defer srv.Close()
	ctx := context.Background()

	q := sekoia.SearchQuery{
		Term:     `process.name:"powershell.exe"`,
		Earliest: sekoia.Ago(24 * time.Hour), // sent as "-1d"; or sekoia.AbsoluteTime(t)
	}
	opts := &sekoia.SearchOptions{Wait: sekoia.WaitOptions{PollInterval: 10 * time.Millisecond}}
	for ev, err := range c.Events.SearchAll(ctx, q, opts) {
		if err != nil {
			fmt.Println("search:", err)
			return
		}
		fmt.Println(ev.Timestamp().Format(time.RFC3339), ev.Text("host.name"), ev.Text("user.name"))
	}
	// Output:
	// 2026-03-01T12:00:02Z laptop-1 joe
	// 2026-03-01T12:00:00Z laptop-2 ann
}

// The steps of a search one by one: create the job, wait for it, read its
// field statistics and its events, and keep the results longer.
func ExampleEventsService_Wait() {
	srv, c := exampleSearchServer()
	defer srv.Close()
	ctx := context.Background()

	job, err := c.Events.Create(ctx, sekoia.SearchQuery{
		Term:     "*",
		Earliest: sekoia.RelativeTime("-7d"),
		Latest:   sekoia.RelativeTime("now"),
		Filters:  []sekoia.SearchFilter{{Field: "user.name", Operator: sekoia.FilterContains, Value: "postgres", Excluded: true}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("created:", job.Status)
	job, err = c.Events.Wait(ctx, job.UUID, &sekoia.WaitOptions{PollInterval: 10 * time.Millisecond, RunTimeout: time.Minute})
	var jobErr *sekoia.JobError
	switch {
	case errors.As(err, &jobErr):
		fmt.Println("job did not complete:", jobErr.Job.Status)
		return
	case err != nil:
		fmt.Println(err)
		return
	}
	fmt.Println("finished:", job.Status, job.Total, "events")

	if _, err := c.Events.ExtendTTL(ctx, job.UUID, time.Hour); err != nil {
		fmt.Println(err)
	}
	fields, err := c.Events.ListFields(ctx, job.UUID, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range fields.Items {
		if f.Name == "host.name" {
			fmt.Println("host.name values:", len(f.MostCommonValues))
		}
	}
	for ev, err := range c.Events.AllResults(ctx, job.UUID, &sekoia.ResultsOptions{Limit: 1000}) {
		if errors.Is(err, sekoia.ErrJobExpired) {
			fmt.Println("results expired: search again")
			return
		}
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(ev.Text("host.name"))
	}
	// Output:
	// created: not started
	// finished: done 2 events
	// host.name values: 2
	// laptop-1
	// laptop-2
}
