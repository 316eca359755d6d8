package sentinelone_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/socgo/xdr/checkpoint"
	"github.com/socgo/xdr/sentinelone"
	"github.com/socgo/xdr/sentinelone/sentinelonetest"
)

func ExampleNewClient() {
	// A console URL as pasted from the browser; https is implied.
	s, err := sentinelone.NewClient("usea1-partners.sentinelone.net/", "YOUR-API-TOKEN")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(s.BaseURL())

	// Bad input is refused before any request.
	_, err = sentinelone.NewClient("https://usea1-partners.sentinelone.net/web/api/v2.1", "t")
	fmt.Println(err != nil)
	// Output:
	// https://usea1-partners.sentinelone.net/web/api/v2.1
	// true
}

func ExampleActivitiesService_All() {
	srv, err := sentinelonetest.Start() // a fake console; use your console URL and token
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	t0 := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	srv.SeedActivitiesAt(3, t0)
	srv.SeedActivitiesAt(2, t0.Add(time.Minute))

	s, err := sentinelone.NewClient(srv.URL(), srv.APIToken())
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	opts := &sentinelone.ActivityListOptions{
		CreatedAfter:  t0,
		ActivityTypes: []sentinelone.ActivityType{sentinelone.ActivityAgentFullDiskScan},
		Paging:        sentinelone.Paging{SortBy: "createdAt", SortOrder: sentinelone.SortAsc},
	}
	for act, err := range s.Activities.All(ctx, opts) {
		if err != nil {
			log.Fatal(err)
		}
		scan, _ := act.ScanData()
		fmt.Println(act.ActivityType, act.CreatedAt.Format(time.RFC3339), scan.Status)
	}
	// Output:
	// agent full disk scan 2026-03-01T08:01:00Z started
	// agent full disk scan 2026-03-01T08:01:00Z started
}

func ExampleAgentsService_Disconnect() {
	srv, err := sentinelonetest.Start()
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	srv.AddAgent(sentinelonetest.Agent{ComputerName: "FINANCE-LT-042"})

	s, err := sentinelone.NewClient(srv.URL(), srv.APIToken())
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	page, err := s.Agents.List(ctx, &sentinelone.AgentListOptions{ComputerName: "FINANCE-LT-042"})
	if err != nil || len(page.Items) != 1 {
		log.Fatal(page, err)
	}
	agent := page.Items[0]
	res, err := s.Agents.Disconnect(ctx, sentinelone.AgentFilter{IDs: []string{agent.ID}}, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("affected:", res.Affected)

	// An empty filter would isolate every agent: refused before any request.
	_, err = s.Agents.Disconnect(ctx, sentinelone.AgentFilter{}, nil)
	fmt.Println(err)
	// Output:
	// affected: 1
	// sentinelone: Agents.Disconnect: the filter is empty; the API would apply "disconnect" to every agent in scope
}

func ExampleTokenService_Details() {
	srv, err := sentinelonetest.Start()
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	srv.SetTokenExpiry(srv.APIToken(), time.Now().Add(20*24*time.Hour+time.Hour))

	s, err := sentinelone.NewClient(srv.URL(), srv.APIToken())
	if err != nil {
		log.Fatal(err)
	}
	d, err := s.Token.Details(context.Background())
	if errors.Is(err, sentinelone.ErrTokenInvalid) {
		log.Fatal("the token is invalid or expired: create a new one in the console")
	}
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("days left:", d.DaysLeft(time.Now()))
	soon, known := d.ExpiresWithin(time.Now(), 30*24*time.Hour)
	fmt.Println("rotate now:", soon || !known)
	// Output:
	// days left: 20
	// rotate now: true
}

func ExampleClient_ActivityCollector() {
	srv, err := sentinelonetest.Start()
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	srv.SeedActivitiesAt(3, time.Now().Add(-time.Minute))

	s, err := sentinelone.NewClient(srv.URL(), srv.APIToken())
	if err != nil {
		log.Fatal(err)
	}
	store := &checkpoint.Memory{} // checkpoint.NewFile(path) in production
	col, err := s.ActivityCollector(sentinelone.CollectorConfig{Store: store, Start: time.Now().Add(-time.Hour)}, nil,
		func(ctx context.Context, batch []sentinelone.Activity) error {
			for _, a := range batch {
				_ = a.Raw // forward the exact bytes
			}
			fmt.Println("batch of", len(batch))
			return nil // the checkpoint is saved after this returns nil
		})
	if err != nil {
		log.Fatal(err)
	}
	// col.Run(ctx) loops until ctx is done; one cycle here.
	if _, err := col.RunOnce(context.Background()); err != nil {
		log.Fatal(err)
	}
	n, _ := col.RunOnce(context.Background()) // nothing new: nothing delivered again
	fmt.Println("second cycle:", n)
	// Output:
	// batch of 3
	// second cycle: 0
}
