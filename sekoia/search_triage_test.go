package sekoia_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/socgo/xdr/sekoia"
)

// TestSearchFilterNonStringValue: a job whose filter value is a number is
// created, read back and searched.
func TestSearchFilterNonStringValue(t *testing.T) {
	t.Parallel()
	srv, c := fakeSearchClient(t)
	seedEvents(t, srv, 30)
	ctx := context.Background()
	q := sekoia.SearchQuery{
		Term: "*", Earliest: sekoia.Ago(time.Hour),
		Filters: []sekoia.SearchFilter{{Field: "n", Operator: sekoia.FilterContains, Value: 25}},
	}
	job, err := c.Events.Search(ctx, q, &sekoia.SearchOptions{Wait: *fastWait})
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.Events.Get(ctx, job.UUID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Filters) != 1 || fmt.Sprint(got.Filters[0].Value) != "25" {
		t.Fatalf("filters read back: %+v", got.Filters)
	}
	if job.Total != 1 {
		t.Errorf("%d events match n=25, want 1", job.Total)
	}
	bad := q
	bad.Filters = []sekoia.SearchFilter{{Field: "n", Operator: sekoia.FilterContains, Value: make(chan int)}}
	if _, err := c.Events.Create(ctx, bad); err == nil || !strings.Contains(err.Error(), "Filters[0] (n) Value") {
		t.Errorf("unencodable value: %v", err)
	}
}

// TestEventStringer: an Event prints as its JSON; Text reads one field.
func TestEventStringer(t *testing.T) {
	t.Parallel()
	ev := sekoia.Event{Raw: []byte(`{"host.name":"srv-01","n":4625}`)}
	if s := fmt.Sprint(ev); s != `{"host.name":"srv-01","n":4625}` {
		t.Errorf("Sprint = %s", s)
	}
	if ev.Text("host.name") != "srv-01" || ev.Text("n") != "4625" {
		t.Errorf("Text: %q %q", ev.Text("host.name"), ev.Text("n"))
	}
	if (sekoia.Event{}).String() != "{}" {
		t.Error("empty event")
	}
}
