package sentinelonetest_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/socgo/xdr/sentinelone"
	"github.com/socgo/xdr/sentinelone/sentinelonetest"
)

// Start serves the fake outside a test (NewServer(t) in a test closes it
// by t.Cleanup); Client is a sentinelone client pointed at it. The fake's
// clock times what it seeds, and a fault it is told to inject reaches the
// client as an API error.
func ExampleStart() {
	now := time.Date(2026, 1, 5, 13, 0, 0, 0, time.UTC)
	srv, err := sentinelonetest.Start(sentinelonetest.WithClock(func() time.Time { return now }))
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	srv.SeedActivitiesAt(1, now.Add(-time.Hour))
	srv.SeedActivities(2)
	c, err := srv.Client()
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	for a, err := range c.Activities.All(ctx, nil) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(a.CreatedAt.Format("15:04"), a.ActivityType)
	}

	srv.InjectFault(sentinelonetest.Fault{Kind: sentinelonetest.ServerError, Status: 502, Times: -1})
	_, err = c.Token.Details(ctx)
	var apiErr *sentinelone.APIError
	fmt.Println(errors.As(err, &apiErr) && apiErr.StatusCode == 502, errors.Is(err, sentinelone.ErrServer))
	// Output:
	// 12:00 agent full disk scan
	// 13:00 agent full disk scan
	// 13:00 agent full disk scan
	// true true
}
