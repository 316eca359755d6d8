package sekoia_test

import (
	"context"
	"errors"
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

// TestSearchSeedInputs: results_ttl and view_uuid reach the job.
func TestSearchSeedInputs(t *testing.T) {
	t.Parallel()
	srv, c := fakeSearchClient(t)
	const view = "5b7e1d2c-3a4f-4e6b-9c8d-7e6f5a4b3c2d"
	job, err := c.Events.Create(context.Background(), sekoia.SearchQuery{Term: "*", Earliest: sekoia.Ago(time.Hour), ResultsTTL: 30 * time.Minute, ViewUUID: view})
	if err != nil {
		t.Fatal(err)
	}
	if ttl, _ := srv.SearchJobTTL(job.UUID); ttl != 30*time.Minute {
		t.Errorf("results TTL %s, want 30m", ttl)
	}
	if job.ViewUUID != view || job.ResultsTTL != 30*time.Minute {
		t.Errorf("job: view %q ttl %s", job.ViewUUID, job.ResultsTTL)
	}
	for _, q := range []sekoia.SearchQuery{
		{Term: "*", Earliest: sekoia.Ago(time.Hour), ResultsTTL: -time.Second},
		{Term: "*", Earliest: sekoia.Ago(time.Hour), ViewUUID: "nope"},
	} {
		if _, err := c.Events.Create(context.Background(), q); err == nil {
			t.Errorf("%+v accepted", q)
		}
	}
}

// TestSearchAllJobAndField: SearchAll hands over the job, whose field
// statistics are then read by name.
func TestSearchAllJobAndField(t *testing.T) {
	t.Parallel()
	srv, c := fakeSearchClient(t)
	seedEvents(t, srv, 90)
	ctx := context.Background()
	var job *sekoia.SearchJob
	n := 0
	for _, err := range c.Events.SearchAll(ctx, sekoia.SearchQuery{Term: "*", Earliest: sekoia.Ago(time.Hour)}, &sekoia.SearchOptions{Wait: *fastWait, OnJob: func(j *sekoia.SearchJob) { job = j }}) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if job == nil || job.Total != int64(n) {
		t.Fatalf("job %+v, %d events", job, n)
	}
	f, err := c.Events.Field(ctx, job.UUID, "host.name")
	if err != nil {
		t.Fatal(err)
	}
	if len(f.MostCommonValues) != 3 {
		t.Errorf("host.name values: %+v", f.MostCommonValues)
	}
	if _, err := c.Events.Field(ctx, job.UUID, "no.such.field"); !errors.Is(err, sekoia.ErrNotFound) {
		t.Errorf("missing field: %v", err)
	}
}
