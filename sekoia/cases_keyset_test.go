package sekoia_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
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
			visitOnce(t, want, c.Cases.All(ctx, &opts), func(cs sekoia.Case) string { return cs.UUID },
				func(cs sekoia.Case) error {
					_, err := c.Cases.Update(ctx, cs.ShortID, &sekoia.CaseUpdate{StatusUUID: sekoiatest.CaseStatusClosed})
					if err == nil { // a case arrives in a second already read
						srv.AddCase(sekoia.Case{Title: "late", CreatedAt: cs.CreatedAt})
					}
					return err
				},
				func() error { srv.AddCase(sekoia.Case{Title: "new"}); return nil })
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
		var got []sekoia.Case
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
	want := map[string]bool{}
	for tag := range owner {
		want[tag] = true
	}
	onlyOriginals(t, want, visitOnce(t, want, c.Cases.AllTags(ctx, &sekoia.CaseTagListOptions{Limit: 50}), func(tag string) string { return tag },
		func(tag string) error {
			_, err := c.Cases.Update(ctx, owner[tag], &sekoia.CaseUpdate{Tags: []string{"z-" + tag}})
			return err
		},
		func() error { return nil }))
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
			visitOnce(t, want, c.Cases.AllAlerts(ctx, cs.UUID, &opts), func(a sekoia.Alert) string { return a.UUID },
				func(a sekoia.Alert) error {
					return c.Alerts.UpdateWorkflow(ctx, a.ShortID, sekoia.ActionAcknowledge, "triaged")
				},
				func() error { // a new alert joins the case
					return c.Cases.AddAlerts(ctx, cs.UUID, []string{srv.AddAlert(sekoia.Alert{}).UUID})
				})
		})
	}
}

// TestCasesAllCommentsDeleteInLoop deletes every comment of a case inside
// the loop over them (many in one second), while new comments arrive.
func TestCasesAllCommentsDeleteInLoop(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		opts sekoia.CaseCommentListOptions
	}{
		{"oldest first", sekoia.CaseCommentListOptions{}},
		{"newest first, small pages", sekoia.CaseCommentListOptions{Direction: sekoia.Descending, Limit: 7}},
		{"by author", sekoia.CaseCommentListOptions{Sort: sekoia.CaseCommentSortCreatedBy}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, c := fakeAPI(t)
			ctx := context.Background()
			cs := srv.AddCase(sekoia.Case{Title: "incident"})
			want := map[string]bool{}
			for i := range 260 {
				cm, err := c.Cases.AddComment(ctx, cs.UUID, fmt.Sprintf("note %d", i))
				if err != nil {
					t.Fatal(err)
				}
				want[cm.UUID] = true
			}
			visitOnce(t, want, c.Cases.AllComments(ctx, cs.UUID, &tc.opts), func(cm sekoia.CaseComment) string { return cm.UUID },
				func(cm sekoia.CaseComment) error { return c.Cases.DeleteComment(ctx, cs.UUID, cm.UUID) },
				func() error {
					_, err := c.Cases.AddComment(ctx, cs.UUID, "late")
					return err
				})
		})
	}
}

// TestCasesAllCommentsKeysetWire checks the requests of an oldest-first
// walk: one request (limit 1, newest first) fixes the upper end at the
// start of the second after the newest comment, then the pages follow
// created_at upwards.
func TestCasesAllCommentsKeysetWire(t *testing.T) {
	t.Parallel()
	srv := sekoiatest.NewServer(t)
	cs := srv.AddCase(sekoia.Case{Title: "incident"})
	var mu sync.Mutex
	var queries []url.Values
	rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		if r.Method == http.MethodGet {
			mu.Lock()
			queries = append(queries, r.URL.Query())
			mu.Unlock()
		}
		return http.DefaultTransport.RoundTrip(r)
	})
	c, err := srv.Client(sekoia.WithHTTPClient(&http.Client{Transport: rt}))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for i := range 3 {
		if _, err := c.Cases.AddComment(ctx, cs.UUID, fmt.Sprint("note ", i)); err != nil {
			t.Fatal(err)
		}
	}
	n := 0
	for _, err := range c.Cases.AllComments(ctx, cs.ShortID, &sekoia.CaseCommentListOptions{Limit: 2}) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 3 {
		t.Fatalf("%d comments, want 3", n)
	}
	if len(queries) < 2 {
		t.Fatalf("%d requests", len(queries))
	}
	first, second := queries[0], queries[1]
	if first.Get("limit") != "1" || first.Get("direction") != "desc" || first.Get("sort") != "created_at" ||
		!strings.HasPrefix(first.Get("date[created_at]"), "1970-01-01T00:00:00.000Z,now") {
		t.Errorf("first query %v", first)
	}
	from, to, _ := strings.Cut(second.Get("date[created_at]"), ",")
	if second.Get("direction") != "asc" || second.Get("limit") != "2" || from != "1970-01-01T00:00:00.000Z" || !strings.HasSuffix(to, ".000Z") {
		t.Errorf("second query %v", second)
	}
}
