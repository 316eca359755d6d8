package sekoia_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/socgo/xdr/sekoia"
	"github.com/socgo/xdr/sekoia/sekoiatest"
)

// caseTriageFake seeds n opened cases, perSecond of them in each second
// (at sub-second times, one of them in the last microseconds of its
// second), plus some closed ones, and returns the opened ones.
func caseTriageFake(t *testing.T, srv *sekoiatest.Server, n, perSecond int) map[string]bool {
	t.Helper()
	base := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	want := make(map[string]bool, n)
	for i := range n {
		sec := base.Add(time.Duration(i/perSecond) * time.Second)
		at := sec.Add(time.Duration(i%perSecond) * time.Second / time.Duration(perSecond))
		if i%perSecond == perSecond-1 {
			at = sec.Add(time.Second - 300*time.Microsecond) // past the .999 of a millisecond bound
		}
		c := srv.AddCase(sekoia.Case{Title: "case", CreatedAt: at})
		want[c.UUID] = true
		if i%10 == 0 {
			srv.AddCase(sekoia.Case{Title: "closed", CreatedAt: at, StatusUUID: sekoiatest.CaseStatusClosed})
		}
	}
	return want
}

// TestCasesAllCloseInLoop closes every opened case inside the loop over
// opened cases, while new cases arrive (now and in the seconds already
// read). Each original is closed exactly once and no case is yielded
// twice.
func TestCasesAllCloseInLoop(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		opts sekoia.CaseListOptions
	}{
		{"newest first", sekoia.CaseListOptions{}},
		{"oldest first", sekoia.CaseListOptions{Direction: sekoia.Ascending}},
		{"small pages", sekoia.CaseListOptions{Limit: 7}},
		{"small pages oldest first", sekoia.CaseListOptions{Limit: 7, Direction: sekoia.Ascending}},
		{"dense seconds", sekoia.CaseListOptions{Limit: 3}},
		{"dense seconds oldest first", sekoia.CaseListOptions{Limit: 3, Direction: sekoia.Ascending}},
		{"by title", sekoia.CaseListOptions{Sort: sekoia.CaseSortTitle}},
		{"within a range", sekoia.CaseListOptions{CaseFilter: sekoia.CaseFilter{CreatedAt: sekoia.Between(
			time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC), time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC))}, Limit: 9}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, c := fakeAPI(t)
			want := caseTriageFake(t, srv, 260, 4)
			ctx := context.Background()
			opts := tc.opts
			opts.StatusUUIDs = []string{sekoiatest.CaseStatusOpened}
			closed := map[string]int{}
			for cs, err := range c.Cases.All(ctx, &opts) {
				if err != nil {
					t.Fatal(err)
				}
				if _, err := c.Cases.Update(ctx, cs.ShortID, &sekoia.CaseUpdate{StatusUUID: sekoiatest.CaseStatusClosed}); err != nil {
					t.Fatalf("%s: %v", cs.ShortID, err)
				}
				closed[cs.UUID]++
				if len(closed)%25 == 0 { // new cases arrive, now and in a second already read
					srv.AddCase(sekoia.Case{Title: "new"})
					srv.AddCase(sekoia.Case{Title: "late", CreatedAt: cs.CreatedAt})
				}
			}
			for id := range want {
				if closed[id] != 1 {
					t.Errorf("case %s closed %d times", id, closed[id])
				}
			}
			for id, n := range closed {
				if n != 1 {
					t.Errorf("case %s yielded %d times", id, n)
				}
			}
		})
	}
}

// TestCasesAllPlainOrder checks All without changes keeps the order and
// the whole list, on both directions, with a second holding more than a
// page.
func TestCasesAllPlainOrder(t *testing.T) {
	t.Parallel()
	srv, c := fakeAPI(t)
	caseTriageFake(t, srv, 50, 9)
	for _, dir := range []sekoia.Direction{"", sekoia.Ascending} {
		var got []*sekoia.Case
		for cs, err := range c.Cases.All(context.Background(), &sekoia.CaseListOptions{Limit: 4, Direction: dir}) {
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, cs)
		}
		if len(got) != 55 {
			t.Fatalf("direction %q: %d cases, want 55", dir, len(got))
		}
		seen := map[string]bool{}
		for i, cs := range got {
			if seen[cs.UUID] {
				t.Fatalf("direction %q: %s twice", dir, cs.UUID)
			}
			seen[cs.UUID] = true
			if i > 0 {
				d := cs.CreatedAt.Truncate(time.Second).Compare(got[i-1].CreatedAt.Truncate(time.Second))
				if dir == sekoia.Ascending && d < 0 || dir == "" && d > 0 {
					t.Fatalf("direction %q: out of order at %d", dir, i)
				}
			}
		}
	}
}

// TestCasesAllTagsRetagInLoop renames every tag inside the loop over the
// tags (each tag leaves the list as its last case loses it): every
// original tag is visited exactly once.
func TestCasesAllTagsRetagInLoop(t *testing.T) {
	t.Parallel()
	srv, c := fakeAPI(t)
	ctx := context.Background()
	owner := map[string]string{} // tag -> case short id
	for i := range 260 {
		tag := fmt.Sprintf("t%03d", i)
		owner[tag] = srv.AddCase(sekoia.Case{Title: "case", Tags: []string{tag}}).ShortID
	}
	seen := map[string]int{}
	for tag, err := range c.Cases.AllTags(ctx, &sekoia.CaseTagListOptions{Limit: 50}) {
		if err != nil {
			t.Fatal(err)
		}
		seen[tag]++
		if id, ok := owner[tag]; ok {
			if _, err := c.Cases.Update(ctx, id, &sekoia.CaseUpdate{Tags: []string{"z-" + tag}}); err != nil {
				t.Fatal(err)
			}
		}
	}
	for tag := range owner {
		if seen[tag] != 1 {
			t.Errorf("tag %s visited %d times", tag, seen[tag])
		}
	}
	for tag, n := range seen {
		if n != 1 || owner[tag] == "" {
			t.Errorf("tag %s yielded %d times", tag, n)
		}
	}
}

// TestCasesAllAlertsAcknowledgeInLoop acknowledges every pending alert of
// a case inside the loop over them, while new alerts join the case.
func TestCasesAllAlertsAcknowledgeInLoop(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		opts sekoia.AlertListOptions
	}{
		{"newest first", sekoia.AlertListOptions{}},
		{"dense seconds oldest first", sekoia.AlertListOptions{Limit: 3, Direction: sekoia.Ascending}},
		{"small pages", sekoia.AlertListOptions{Limit: 7}},
		{"by urgency", sekoia.AlertListOptions{Sort: sekoia.AlertSortUrgency}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, c := fakeAPI(t)
			want := triageFake(t, srv, 260, 4)
			var ids []string
			for _, a := range srv.Alerts() {
				ids = append(ids, a.UUID)
			}
			cs := srv.AddCase(sekoia.Case{Title: "incident"}, ids...)
			ctx := context.Background()
			opts := tc.opts
			opts.Statuses = []sekoia.Status{sekoia.StatusPending}
			acked := map[string]int{}
			for a, err := range c.Cases.AllAlerts(ctx, cs.UUID, &opts) {
				if err != nil {
					t.Fatal(err)
				}
				if err := c.Alerts.UpdateWorkflow(ctx, a.ShortID, sekoia.ActionAcknowledge, "triaged"); err != nil {
					t.Fatalf("%s: %v", a.ShortID, err)
				}
				acked[a.UUID]++
				if len(acked)%25 == 0 { // a new alert joins the case
					if err := c.Cases.AddAlerts(ctx, cs.UUID, []string{srv.AddAlert(sekoia.Alert{}).UUID}); err != nil {
						t.Fatal(err)
					}
				}
			}
			for id := range want {
				if acked[id] != 1 {
					t.Errorf("alert %s acknowledged %d times", id, acked[id])
				}
			}
			for id, n := range acked {
				if n != 1 {
					t.Errorf("alert %s yielded %d times", id, n)
				}
			}
		})
	}
}
