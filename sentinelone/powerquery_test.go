package sentinelone

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

const pqFinished = `{"data":{"columns":[{"name":"eventTime","type":"INTEGER"},{"name":"agentUuid","type":"STRING"},` +
	`{"name":"siteId","type":"STRING"},{"name":"score","type":"DOUBLE"},{"name":"ok","type":"BOOLEAN"}],` +
	`"data":[[1724151854609,"ed8f14f1-f35b-0eca-1c1e-e31e97aefc71","1523159856757822715",1.5,true],` +
	`[null,"e931b14e-b411-b415-e653-b69db03b1708","1523159856757822716",2,"false"]],` +
	`"progress":100,"queryId":"pq1","recommendations":["Result set limited to 1000 rows by default."],"status":"FINISHED"}}`

func TestPowerQueryWire(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWire(t)
	c := newTestClient(t, w)
	q := PowerQuery{Query: "event.time = * | columns eventTime = event.time, agentUuid = agent.uuid", From: dvFrom, To: dvTo,
		AccountIDs: []string{"1"}, Limit: 10}
	w.on("POST", "/dv/events/pq", nil, `{"query":"event.time = * | columns eventTime = event.time, agentUuid = agent.uuid",`+
		`"fromDate":"2026-12-02T09:00:00.000000Z","toDate":"2026-12-03T09:00:00.000000Z","limit":10,"accountIds":["1"]}`, 200,
		`{"data":{"queryId":"pq1","status":"RUNNING","progress":0,"columns":null,"data":null}}`)
	res, err := c.PowerQuery.Start(ctx, q, nil)
	if err != nil || res.Status != QueryRunning || res.QueryID != "pq1" || res.Len() != 0 {
		t.Fatalf("Start = %+v, %v", res, err)
	}
	w.on("GET", "/dv/events/pq-ping", vals("queryId", "pq1"), "", 200, pqFinished)
	res, err = c.PowerQuery.Ping(ctx, "pq1")
	if err != nil || !res.Status.Finished() || res.Len() != 2 || len(res.Recommendations) != 1 {
		t.Fatalf("Ping = %+v, %v", res, err)
	}
	r0, r1 := res.Row(0), res.Row(1)
	if ts, err := r0.Time("eventTime"); err != nil || !ts.Equal(time.UnixMilli(1724151854609)) {
		t.Errorf("Time = %v, %v", ts, err)
	}
	if n, err := r0.Int("eventTime"); err != nil || n != 1724151854609 {
		t.Errorf("Int = %d, %v", n, err)
	}
	if s, err := r0.String("siteId"); err != nil || s != "1523159856757822715" {
		t.Errorf("String = %q, %v", s, err)
	}
	if n, err := r1.Int("siteId"); err != nil || n != 1523159856757822716 {
		t.Errorf("Int of a digit string = %d, %v", n, err)
	}
	if f, err := r0.Float("score"); err != nil || f != 1.5 {
		t.Errorf("Float = %v, %v", f, err)
	}
	if b, err := r1.Bool("ok"); err != nil || b {
		t.Errorf("Bool = %v, %v", b, err)
	}
	if ts, err := r1.Time("eventTime"); err != nil || !ts.IsZero() {
		t.Errorf("null Time = %v, %v", ts, err)
	}
	if _, err := r0.Int("agentUuid"); err == nil || !strings.Contains(err.Error(), `column "agentUuid"`) {
		t.Errorf("Int of a uuid: %v", err)
	}
	if _, err := r0.String("nope"); err == nil || !strings.Contains(err.Error(), `no column "nope"`) {
		t.Errorf("missing column: %v", err)
	}
	if res.Column("siteId") != 2 || res.Column("x") != -1 {
		t.Error("Column")
	}
	n := 0
	for row := range res.Rows() {
		if row.Index() != n {
			t.Errorf("row %d index %d", n, row.Index())
		}
		n++
	}
	if n != 2 {
		t.Errorf("%d rows", n)
	}
}

func TestPowerQueryRun(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWire(t)
	c := newTestClient(t, w)
	body := `{"query":"x","fromDate":"2026-12-02T09:00:00.000000Z","toDate":"2026-12-03T09:00:00.000000Z"}`
	w.on("POST", "/dv/events/pq", nil, body, 200, `{"data":{"queryId":"pq1","status":"RUNNING","progress":0}}`)
	w.on("GET", "/dv/events/pq-ping", vals("queryId", "pq1"), "", 200, `{"data":{"queryId":"pq1","status":"RUNNING","progress":50}}`)
	w.on("GET", "/dv/events/pq-ping", vals("queryId", "pq1"), "", 200, pqFinished)
	opts := fastWait()
	res, err := c.PowerQuery.Run(ctx, PowerQuery{Query: "x", From: dvFrom, To: dvTo}, &opts)
	if err != nil || res.Len() != 2 {
		t.Fatalf("Run = %+v, %v", res, err)
	}
	// Finished in the first answer: no ping.
	w.on("POST", "/dv/events/pq", nil, body, 200, pqFinished)
	if res, err := c.PowerQuery.Run(ctx, PowerQuery{Query: "x", From: dvFrom, To: dvTo}, &opts); err != nil || res.Len() != 2 {
		t.Fatalf("Run at once = %+v, %v", res, err)
	}
	// A query that fails on a ping.
	w.on("POST", "/dv/events/pq", nil, body, 200, `{"data":{"queryId":"pq2","status":"RUNNING","progress":0}}`)
	w.on("GET", "/dv/events/pq-ping", vals("queryId", "pq2"), "", 200, `{"data":{"queryId":"pq2","status":"FAILED_CLIENT","progress":0}}`)
	if _, err := c.PowerQuery.Run(ctx, PowerQuery{Query: "x", From: dvFrom, To: dvTo}, &opts); !errors.Is(err, ErrQueryFailed) {
		t.Errorf("failed ping: %v", err)
	}
	// The start is not retried on a 5xx.
	w.on("POST", "/dv/events/pq", nil, body, 502, `{"errors":[{"code":5020010,"title":"Bad gateway"}]}`)
	before := w.count()
	if _, err := c.PowerQuery.Run(ctx, PowerQuery{Query: "x", From: dvFrom, To: dvTo}, &opts); !errors.Is(err, ErrServer) || w.count() != before+1 {
		t.Errorf("5xx start: %v after %d requests", err, w.count()-before)
	}
}

func TestPowerQueryRefusals(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := newTestClient(t, newWire(t))
	cases := map[string]func() error{
		"PowerQuery.Start: Query is empty": func() error { _, err := c.PowerQuery.Start(ctx, PowerQuery{From: dvFrom, To: dvTo}, nil); return err },
		"Limit -1": func() error {
			_, err := c.PowerQuery.Start(ctx, PowerQuery{Query: "x", From: dvFrom, To: dvTo, Limit: -1}, nil)
			return err
		},
		"PowerQuery.Ping: query id": func() error { _, err := c.PowerQuery.Ping(ctx, ""); return err },
		"Timeout -1ns": func() error {
			_, err := c.PowerQuery.Run(ctx, PowerQuery{Query: "x"}, &DVWaitOptions{Timeout: -1})
			return err
		},
	}
	for want, run := range cases {
		if err := run(); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("err = %v, want %q", err, want)
		}
	}
}
