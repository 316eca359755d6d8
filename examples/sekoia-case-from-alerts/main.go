// Command sekoia-case-from-alerts groups the open alerts of one detection
// rule (or one entity) that are in no case yet into a new Sekoia.io case,
// comments it, and moves it through its statuses: in progress, then
// closed with -close.
//
// With no SEKOIA_API_KEY it runs against an in-process fake (sekoiatest)
// seeded with alerts and case statuses. With SEKOIA_API_KEY (and optionally
// SEKOIA_REGION, default FRA1) it reads the real workspace and only prints
// what it would do, unless -apply is given.
//
//	go run ./examples/sekoia-case-from-alerts
//	SEKOIA_API_KEY=... go run ./examples/sekoia-case-from-alerts -rule "Brute force on SSH" -apply
//	SEKOIA_API_KEY=... go run ./examples/sekoia-case-from-alerts -entity <entity uuid> -apply -close
package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"maps"
	"os"
	"os/signal"
	"slices"
	"strings"

	"github.com/socgo/xdr/sekoia"
)

func main() {
	rule := flag.String("rule", "", "group the open alerts of this rule name (default: the rule with the most open alerts)")
	entity := flag.String("entity", "", "group the open alerts of this entity UUID instead of a rule")
	apply := flag.Bool("apply", false, "against the real API, make the changes instead of printing them")
	closeIt := flag.Bool("close", false, "close the case at the end (always done against the fake)")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	c, live, cleanup, err := connect() // the real API or a fake: see demo.go
	if err != nil {
		log.Fatal(err)
	}
	defer cleanup()
	r := recipe{c: c, write: !live || *apply, close: !live || *closeIt}
	if err := r.run(ctx, *rule, *entity); err != nil {
		log.Fatal(err)
	}
}

type recipe struct {
	c     *sekoia.Client
	write bool // make the changes
	close bool // close the case at the end
}

// open are the statuses of alerts still to be handled.
var open = []sekoia.Status{sekoia.StatusPending, sekoia.StatusAcknowledged, sekoia.StatusOngoing}

func (r recipe) run(ctx context.Context, rule, entity string) error {
	// 1. The open alerts of the group that are in no case yet, read in
	// full before anything changes (attaching them takes them out of the
	// filtered list, which would shift the pages not read yet).
	f := &sekoia.AlertListOptions{Statuses: open, IsAssignedToCase: ptr(false), Sort: sekoia.AlertSortUrgency}
	switch {
	case entity != "":
		f.EntityUUIDs = []string{entity}
	case rule != "":
		f.RuleNames = []string{rule}
	default:
		busiest, err := r.busiestRule(ctx)
		if err != nil {
			return err
		}
		rule = busiest
		f.RuleNames = []string{rule}
	}
	var alerts []sekoia.Alert
	for a, err := range r.c.Alerts.All(ctx, f) {
		if err != nil {
			return err
		}
		alerts = append(alerts, a)
	}
	if len(alerts) == 0 {
		fmt.Println("no open alert outside a case: nothing to group")
		return nil
	}
	group := cmp.Or(rule, "entity "+entity)
	fmt.Printf("%d open alerts of %s:\n", len(alerts), group)
	ids := make([]string, len(alerts))
	top := 0
	for i, a := range alerts {
		ids[i] = a.UUID
		top = max(top, a.Urgency.Value)
		fmt.Printf("  %s urgency=%-3d %-15s %s\n", a.ShortID, a.Urgency.Value, a.Source, a.Title)
	}

	// 2. The case statuses of the workspace, by stage.
	stages, err := r.caseStatuses(ctx)
	if err != nil {
		return err
	}

	nc := sekoia.NewCase{
		Title:       fmt.Sprintf("%s (%d alerts)", group, len(alerts)),
		Description: "Alerts grouped by sekoia-case-from-alerts: " + strings.Join(shortIDs(alerts), ", "),
		Priority:    priority(top),
		Tags:        []string{"grouped"},
	}
	if st, ok := stages[sekoia.StageOpen]; ok {
		nc.CustomStatusUUID = st.UUID
	}
	if !r.write {
		fmt.Printf("\ndry run: would create case %q (priority %s) with these alerts (use -apply)\n", nc.Title, nc.Priority)
		return nil
	}

	// 3. Create the case with its alerts; the alerts now name it.
	cs, err := r.c.Cases.CreateFromAlerts(ctx, nc, ids)
	if err != nil {
		return err
	}
	fmt.Printf("\ncreated case %s %q, priority %s, status %s\n", cs.ShortID, cs.Title, cs.Priority, cs.CurrentStatus())
	a, err := r.c.Alerts.Get(ctx, ids[0], &sekoia.AlertGetOptions{Cases: true})
	if err != nil {
		return err
	}
	for _, ac := range a.Cases {
		fmt.Printf("alert %s is in case %s\n", a.ShortID, ac.ShortID)
	}

	// 4. Comment it and start the investigation.
	note := fmt.Sprintf("Grouped %d open alerts of %s; highest urgency %d.", len(alerts), group, top)
	if _, err := r.c.Cases.AddComment(ctx, cs.UUID, note); err != nil {
		return err
	}
	if st, ok := stages[sekoia.StageInProgress]; ok {
		if cs, err = r.move(ctx, cs, st); err != nil {
			return err
		}
	}

	// 5. Close it once handled.
	if r.close {
		if _, err := r.c.Cases.AddComment(ctx, cs.UUID, "Handled: sources blocked, accounts reset."); err != nil {
			return err
		}
		if st, ok := stages[sekoia.StageClosed]; ok {
			if cs, err = r.move(ctx, cs, st); err != nil {
				return err
			}
		}
	}
	page, err := r.c.Cases.ListComments(ctx, cs.UUID, nil)
	if err != nil {
		return err
	}
	fmt.Printf("case %s: status %s, %d comments\n", cs.ShortID, cs.CurrentStatus(), page.Total)
	return nil
}

// move sets a custom status; a change the API refuses is reported and the
// case kept as it was.
func (r recipe) move(ctx context.Context, cs *sekoia.Case, to sekoia.CustomStatus) (*sekoia.Case, error) {
	next, err := r.c.Cases.SetStatus(ctx, cs.UUID, to.UUID)
	var apiErr *sekoia.APIError
	if errors.As(err, &apiErr) && apiErr.StatusCode < 500 {
		fmt.Printf("status %s refused: %s\n", to.Label, apiErr.Message)
		return cs, nil
	}
	if err != nil {
		return nil, err
	}
	fmt.Printf("case %s: %s -> %s\n", cs.ShortID, cs.CurrentStatus(), next.CurrentStatus())
	return next, nil
}

// busiestRule returns the rule with the most open alerts outside a case.
func (r recipe) busiestRule(ctx context.Context) (string, error) {
	counts := map[string]int{}
	for a, err := range r.c.Alerts.All(ctx, &sekoia.AlertListOptions{Statuses: open, IsAssignedToCase: ptr(false)}) {
		if err != nil {
			return "", err
		}
		counts[a.Rule.Name]++
	}
	if len(counts) == 0 {
		return "", errors.New("no open alert")
	}
	names := slices.Sorted(maps.Keys(counts))
	return slices.MaxFunc(names, func(a, b string) int { return cmp.Compare(counts[a], counts[b]) }), nil
}

// caseStatuses returns the first custom case status of each stage, by
// level.
func (r recipe) caseStatuses(ctx context.Context) (map[sekoia.CustomStatusStage]sekoia.CustomStatus, error) {
	page, err := r.c.Alerts.ListCustomStatuses(ctx, &sekoia.CustomStatusListOptions{Type: "case", Limit: 100})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(page.Items, func(a, b sekoia.CustomStatus) int { return cmp.Compare(a.Level, b.Level) })
	out := map[sekoia.CustomStatusStage]sekoia.CustomStatus{}
	for _, st := range page.Items {
		if _, ok := out[st.Stage]; !ok {
			out[st.Stage] = st
		}
	}
	if len(out) == 0 {
		fmt.Println("the workspace has no custom case status: the case keeps its default status")
	}
	return out, nil
}

// priority maps the highest urgency of the alerts to a case priority.
func priority(urgency int) sekoia.CasePriority {
	switch {
	case urgency >= 80:
		return sekoia.CasePriorityHigh
	case urgency >= 40:
		return sekoia.CasePriorityMedium
	}
	return sekoia.CasePriorityLow
}

func shortIDs(alerts []sekoia.Alert) []string {
	out := make([]string, len(alerts))
	for i, a := range alerts {
		out[i] = a.ShortID
	}
	return out
}

func ptr[T any](v T) *T { return &v }

// Wait waits for the next tick or the end of ctx.
func (e every) Wait(ctx context.Context) error {
	select {
	case <-e.t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
