package sekoiatest_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/socgo/xdr/sekoia"
	"github.com/socgo/xdr/sekoia/sekoiatest"
)

// Start serves the fake outside a test (NewServer(t) in a test closes it
// by t.Cleanup); Client is a sekoia client pointed at it. The fake's clock
// times what it seeds, and a fault it is told to inject reaches the client
// as an API error.
func ExampleStart() {
	srv, err := sekoiatest.Start(sekoiatest.WithClock(func() time.Time {
		return time.Date(2026, 1, 5, 13, 0, 0, 0, time.UTC)
	}))
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	seeded := srv.SeedAlerts(3)
	c, err := srv.Client()
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	for _, a := range seeded {
		got, err := c.Alerts.Get(ctx, a.ShortID, nil)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(got.CreatedAt.Format("15:04"), got.Title)
	}

	srv.InjectFault(sekoiatest.Fault{Kind: sekoiatest.ServerError, Status: 502, Times: -1})
	_, err = c.Alerts.Get(ctx, seeded[0].ShortID, nil)
	var apiErr *sekoia.APIError
	fmt.Println(errors.As(err, &apiErr) && apiErr.StatusCode == 502, errors.Is(err, sekoia.ErrServer))
	// Output:
	// 12:57 Suspicious PowerShell #1
	// 12:58 Abnormal OpenSSH log volume #2
	// 12:59 Brute force on SSH #3
	// true true
}
