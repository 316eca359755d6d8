package sekoia_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/socgo/xdr/sekoia"
	"github.com/socgo/xdr/sekoia/sekoiatest"
)

// startFake starts the fake server the examples run against; a real
// program passes only its API key (and region) to NewClient.
func startFake() *sekoiatest.Server {
	srv, err := sekoiatest.Start()
	if err != nil {
		log.Fatal(err)
	}
	return srv
}

func ExampleNewClient() {
	srv := startFake()
	defer srv.Close()

	// Against the real API: sekoia.NewClient(os.Getenv("SEKOIA_API_KEY"), sekoia.WithRegion(sekoia.FRA1)).
	c, err := sekoia.NewClient(srv.APIKey(), sekoia.WithBaseURL(srv.URL()))
	if err != nil {
		log.Fatal(err)
	}
	claims, err := c.Auth(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("key type:", claims.Type)

	srv.SetKeyState(sekoiatest.KeyExpired)
	_, err = c.Auth(context.Background())
	switch {
	case errors.Is(err, sekoia.ErrTokenExpired):
		fmt.Println("the API key has expired: create a new one")
	case errors.Is(err, sekoia.ErrTokenRevoked):
		fmt.Println("the API key was revoked")
	case errors.Is(err, sekoia.ErrUnauthorized):
		fmt.Println("the API key is invalid")
	}

	_, err = sekoia.NewClient("")
	fmt.Println(err)
	// Output:
	// key type: access
	// the API key has expired: create a new one
	// sekoia: NewClient: apiKey is empty
}

func ExampleAlertsService_All() {
	// A fake whose clock stands still at 13:00, so that the 300 alerts it
	// seeds are those of 08:00 to 12:59 on every run.
	srv, err := sekoiatest.Start(sekoiatest.WithClock(func() time.Time {
		return time.Date(2026, 1, 5, 13, 0, 0, 0, time.UTC)
	}))
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	srv.SeedAlerts(300)
	c, err := srv.Client()
	if err != nil {
		log.Fatal(err)
	}

	// Every pending alert with an urgency of 90 or more, oldest first; the
	// iterator fetches 100 alerts per request.
	opts := &sekoia.AlertListOptions{
		Statuses:  []sekoia.Status{sekoia.StatusPending},
		Urgency:   &sekoia.IntRange{Min: 90, Max: 100},
		Sort:      sekoia.AlertSortCreatedAt,
		Direction: sekoia.Ascending,
	}
	n := 0
	for a, err := range c.Alerts.All(context.Background(), opts) {
		if err != nil {
			log.Fatal(err)
		}
		if n < 3 {
			fmt.Printf("%s urgency=%d %s %s\n", a.CreatedAt.Format("15:04"), a.Urgency.Value, a.Status.UUID, a.Title)
		}
		n++
	}
	fmt.Println("urgent pending alerts:", n)
	// Output:
	// 08:07 urgency=94 Pending Abnormal OpenSSH log volume #8
	// 08:18 urgency=97 Pending Suspicious PowerShell #19
	// 08:26 urgency=90 Pending Brute force on SSH #27
	// urgent pending alerts: 33
}

func ExampleAlertsService_UpdateWorkflow() {
	srv := startFake()
	defer srv.Close()
	alert := srv.SeedAlerts(1)[0]
	c, err := srv.Client()
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	actions, err := c.Alerts.Workflow(ctx, alert.ShortID)
	if err != nil {
		log.Fatal(err)
	}
	for _, a := range actions {
		fmt.Println("available:", a.Name)
	}
	if err := c.Alerts.UpdateWorkflow(ctx, alert.ShortID, sekoia.ActionAcknowledge, "looking into it"); err != nil {
		log.Fatal(err)
	}
	// Closing needs the Ongoing status first: the API answers 409.
	err = c.Alerts.UpdateWorkflow(ctx, alert.ShortID, sekoia.StatusClosed, "")
	var apiErr *sekoia.APIError
	if errors.Is(err, sekoia.ErrConflict) && errors.As(err, &apiErr) {
		fmt.Println("refused:", apiErr.Message)
	}
	_ = c.Alerts.UpdateWorkflow(ctx, alert.ShortID, sekoia.ActionValidate, "")
	_ = c.Alerts.UpdateWorkflow(ctx, alert.ShortID, sekoia.StatusClosed, "remediated")
	a, err := c.Alerts.Get(ctx, alert.ShortID, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("status:", a.Status.UUID, "comments:", a.NumberOfTotalComments)
	// Output:
	// available: Acknowledge
	// available: Validate
	// available: Reject
	// refused: Action Close is not allowed from status Acknowledged
	// status: Closed comments: 2
}

func ExampleAssetsService_Create() {
	srv := startFake()
	defer srv.Close()
	c, err := srv.Client()
	if err != nil {
		log.Fatal(err)
	}

	crit := 80
	a, err := c.Assets.Create(context.Background(), &sekoia.AssetCreate{
		CommunityUUID: sekoiatest.DefaultCommunityUUID,
		Name:          "dc01",
		Type:          sekoia.AssetHost,
		Criticality:   &crit,
		Atoms:         sekoia.Atoms{"hostname": {"dc01"}, "ipv4": {"10.0.0.10"}},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(a.Name, a.Type, *a.Criticality, a.Atoms["ipv4"])
	// Output: dc01 host 80 [10.0.0.10]
}
