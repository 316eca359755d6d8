package tehtristest_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/socgo/xdr/tehtris"
	"github.com/socgo/xdr/tehtris/tehtristest"
)

// Start serves the fake outside a test (NewServer(t) in a test closes it
// by t.Cleanup); Client is a tehtris client pointed at it. The fake's clock
// times what it seeds, and a fault it is told to inject reaches the client
// as an API error.
func ExampleStart() {
	now := time.Date(2026, 1, 5, 13, 0, 0, 0, time.UTC)
	srv, err := tehtristest.Start(tehtristest.WithClock(func() time.Time { return now }))
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	srv.SeedEvents(2)
	srv.SeedEventsAt(1, now.Add(-time.Hour))
	c, err := srv.Client()
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	for ev, err := range c.Events.All(ctx, &tehtris.EventQuery{To: now}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(ev.Time.Format("15:04"), ev.EventName)
	}

	srv.InjectFault(tehtristest.Fault{Kind: tehtristest.ServerError, Status: 502, Times: -1})
	_, err = c.Events.Get(ctx, 1)
	var apiErr *tehtris.APIError
	fmt.Println(errors.As(err, &apiErr) && apiErr.StatusCode == 502, errors.Is(err, tehtris.ErrServer))
	// Output:
	// 13:00 HeuristicAlert
	// 13:00 HeuristicAlert
	// 12:00 HeuristicAlert
	// true true
}
