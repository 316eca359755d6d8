package sekoia_test

import (
	"context"
	"fmt"
	"log"

	"github.com/socgo/xdr/sekoia"
)

func ExampleCasesService_CreateFromAlerts() {
	srv := startFake()
	defer srv.Close()
	srv.SeedAlerts(9)
	c, err := srv.Client()
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	// The pending alerts of one rule that are in no case yet.
	var ids []string
	for a, err := range c.Alerts.All(ctx, &sekoia.AlertListOptions{
		RuleNames:        []string{"Brute force on SSH"},
		Statuses:         []sekoia.Status{sekoia.StatusPending},
		IsAssignedToCase: new(false),
	}) {
		if err != nil {
			log.Fatal(err)
		}
		ids = append(ids, a.UUID)
	}
	cs, err := c.Cases.CreateFromAlerts(ctx, sekoia.NewCase{
		Title:    "SSH brute force on the bastion",
		Priority: sekoia.CasePriorityHigh,
		Tags:     []string{"ssh"},
	}, ids)
	if err != nil {
		log.Fatal(err)
	}
	if _, err := c.Cases.AddComment(ctx, cs.UUID, "Source IPs blocked on the firewall."); err != nil {
		log.Fatal(err)
	}
	a, err := c.Alerts.Get(ctx, ids[0], &sekoia.AlertGetOptions{Cases: true})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(cs.ShortID, cs.Priority, len(ids), "alerts")
	fmt.Println("the first alert is in", a.Cases[0].ShortID)
	// Output:
	// CA0000000001 high 3 alerts
	// the first alert is in CA0000000001
}

func ExampleCasesService_SetStatus() {
	srv := startFake()
	defer srv.Close()
	// A workspace's custom case statuses; here, added to the fake.
	for i, stage := range []sekoia.CustomStatusStage{sekoia.StageOpen, sekoia.StageInProgress, sekoia.StageClosed} {
		srv.AddCustomStatus(sekoia.CustomStatus{Label: []string{"New", "Investigating", "Resolved"}[i], Level: i, Stage: stage, Type: []string{"case"}})
	}
	c, err := srv.Client()
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	statuses, err := c.Alerts.ListCustomStatuses(ctx, &sekoia.CustomStatusListOptions{Type: "case"})
	if err != nil {
		log.Fatal(err)
	}
	cs, err := c.Cases.Create(ctx, sekoia.NewCase{Title: "Phishing wave"})
	if err != nil {
		log.Fatal(err)
	}
	for _, st := range statuses.Items {
		if cs, err = c.Cases.SetStatus(ctx, cs.UUID, st.UUID); err != nil {
			log.Fatal(err)
		}
		s := cs.CurrentStatus()
		fmt.Println(s, s.Stage, s.Closed())
	}
	// Output:
	// New open false
	// Investigating in_progress false
	// Resolved closed true
}

func ExampleCasesService_BulkSetStatus() {
	srv := startFake()
	defer srv.Close()
	resolved := srv.AddCustomStatus(sekoia.CustomStatus{Label: "Resolved", Stage: sekoia.StageClosed, Type: []string{"case"}})
	srv.AddCase(sekoia.Case{Title: "old test case", Tags: []string{"test"}})
	srv.AddCase(sekoia.Case{Title: "real incident"})
	c, err := srv.Client()
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	// Close every case tagged "test"; an empty filter is refused.
	if _, err := c.Cases.BulkSetStatus(ctx, &sekoia.CaseFilter{Tags: []string{"test"}}, resolved.UUID, true); err != nil {
		log.Fatal(err)
	}
	stats, err := c.Cases.Statistics(ctx, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d cases: %d open, %d closed\n", stats.Total, stats.Open, stats.Closed)
	// Output:
	// 2 cases: 1 open, 1 closed
}
