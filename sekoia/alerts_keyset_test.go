package sekoia_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/socgo/xdr/sekoia"
	"github.com/socgo/xdr/sekoia/sekoiatest"
)

// triageFake seeds n pending alerts, sharing creation seconds (perSecond
// alerts each), plus some acknowledged ones, and returns the pending ones.
func triageFake(t *testing.T, srv *sekoiatest.Server, n, perSecond int) map[string]bool {
	t.Helper()
	base := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	want := make(map[string]bool, n)
	for i := range n {
		a := srv.AddAlert(sekoia.Alert{CreatedAt: base.Add(time.Duration(i/perSecond) * time.Second)})
		want[a.UUID] = true
		if i%10 == 0 {
			srv.AddAlert(sekoia.Alert{CreatedAt: base.Add(time.Duration(i/perSecond) * time.Second), Status: sekoia.AlertStatus{UUID: sekoia.StatusAcknowledged}})
		}
	}
	return want
}

// TestAlertsAllAcknowledgeInLoop is the README's triage loop: every
// pending alert, acknowledged inside the loop over pending alerts, while
// new alerts arrive. Each original is acknowledged exactly once.
func TestAlertsAllAcknowledgeInLoop(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		opts sekoia.AlertListOptions
	}{
		{"newest first", sekoia.AlertListOptions{}},
		{"oldest first", sekoia.AlertListOptions{Direction: sekoia.Ascending}},
		{"small pages", sekoia.AlertListOptions{Limit: 7}},
		{"small pages oldest first", sekoia.AlertListOptions{Limit: 7, Direction: sekoia.Ascending}},
		{"dense seconds", sekoia.AlertListOptions{Limit: 3}},
		{"dense seconds oldest first", sekoia.AlertListOptions{Limit: 3, Direction: sekoia.Ascending}},
		{"by urgency", sekoia.AlertListOptions{Sort: sekoia.AlertSortUrgency}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, c := fakeAPI(t)
			want := triageFake(t, srv, 260, 4)
			ctx := context.Background()
			opts := tc.opts
			opts.Statuses = []sekoia.Status{sekoia.StatusPending}
			visitOnce(t, want, c.Alerts.All(ctx, &opts), func(a sekoia.Alert) string { return a.UUID },
				func(a sekoia.Alert) error {
					return c.Alerts.UpdateWorkflow(ctx, a.ShortID, sekoia.ActionAcknowledge, "triaged")
				},
				func() error { srv.AddAlert(sekoia.Alert{}); return nil }) // a new alert arrives
		})
	}
}

// TestAlertsAllPlainOrder checks All without changes keeps the order and
// the whole list, on both directions, with a second holding more than a
// page.
func TestAlertsAllPlainOrder(t *testing.T) {
	t.Parallel()
	srv, c := fakeAPI(t)
	triageFake(t, srv, 50, 9)
	all := srv.Alerts()
	for _, dir := range []sekoia.Direction{"", sekoia.Ascending} {
		var got []sekoia.Alert
		for a, err := range c.Alerts.All(context.Background(), &sekoia.AlertListOptions{Limit: 4, Direction: dir}) {
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, a)
		}
		if len(got) != len(all) {
			t.Fatalf("direction %q: %d alerts, want %d", dir, len(got), len(all))
		}
		seen := map[string]bool{}
		for i, a := range got {
			if seen[a.UUID] {
				t.Fatalf("direction %q: %s twice", dir, a.UUID)
			}
			seen[a.UUID] = true
			if i > 0 {
				d := a.CreatedAt.Compare(got[i-1].CreatedAt)
				if dir == sekoia.Ascending && d < 0 || dir == "" && d > 0 {
					t.Fatalf("direction %q: out of order at %d", dir, i)
				}
			}
		}
	}
}

// TestAlertsAllKeysetWire checks the requests of a keyset walk: the sort,
// the direction and the moving date[created_at] bound.
func TestAlertsAllKeysetWire(t *testing.T) {
	t.Parallel()
	srv := sekoiatest.NewServer(t)
	triageFake(t, srv, 6, 2)
	var mu sync.Mutex
	var queries []string
	rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		mu.Lock()
		queries = append(queries, r.URL.Query().Encode())
		mu.Unlock()
		return http.DefaultTransport.RoundTrip(r)
	})
	c, err := srv.Client(sekoia.WithHTTPClient(&http.Client{Transport: rt}))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, err := range c.Alerts.All(context.Background(), &sekoia.AlertListOptions{Limit: 3, Statuses: []sekoia.Status{sekoia.StatusPending}}) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 6 {
		t.Fatalf("%d alerts, want 6", n)
	}
	wantFirst := "direction=desc&limit=3&match%5Bstatus_uuid%5D=" + string(sekoia.StatusPending) + "&offset=0&sort=created_at&with_count=false"
	if queries[0] != wantFirst {
		t.Fatalf("first query\n%s\nwant\n%s", queries[0], wantFirst)
	}
	// Alerts 4 and 5 were created at 09:00:02; the second page starts from
	// the second of the last alert read, 09:00:01.
	if !strings.Contains(queries[1], "date%5Bcreated_at%5D=1970-01-01T00%3A00%3A00.000Z%2C2026-03-01T09%3A00%3A01.999Z") {
		t.Fatalf("second query %s", queries[1])
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// ExampleAlertsService_All_triage acknowledges every pending alert inside
// the loop over them.
func ExampleAlertsService_All_triage() {
	srv, _ := sekoiatest.Start()
	defer srv.Close()
	srv.SeedAlerts(250)
	c, err := srv.Client()
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	pending := &sekoia.AlertListOptions{Statuses: []sekoia.Status{sekoia.StatusPending}}
	n := 0
	for a, err := range c.Alerts.All(ctx, pending) {
		if err != nil {
			fmt.Println(err)
			return
		}
		if err := c.Alerts.UpdateWorkflow(ctx, a.ShortID, sekoia.ActionAcknowledge, "triaged by bot"); err != nil {
			fmt.Println(err)
			return
		}
		n++
	}
	fmt.Println("acknowledged", n)
	// Output: acknowledged 250
}
