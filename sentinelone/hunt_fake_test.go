package sentinelone_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/socgo/xdr/sentinelone"
	"github.com/socgo/xdr/sentinelone/sentinelonetest"
)

var huntWait = sentinelone.DVWaitOptions{PollInterval: time.Millisecond, MaxPollInterval: time.Millisecond, Timeout: 10 * time.Second}

func seedDV(t *testing.T, srv *sentinelonetest.Server, base time.Time) {
	t.Helper()
	srv.AddDVEvent("web-01", "powershell.exe", "powershell -enc SQBFAFgA", base.Add(1*time.Minute))
	srv.AddDVEvent("web-01", "cmd.exe", "cmd /c whoami", base.Add(2*time.Minute))
	srv.AddDVEvent("db-01", "PowerShell.exe", "PowerShell -NoProfile", base.Add(3*time.Minute))
	srv.AddDVEvent("db-01", "sqlservr.exe", "sqlservr.exe -s MSSQLSERVER", base.Add(4*time.Minute))
	if err := srv.AddDVEventJSON([]byte(`{"id":"dns-1","objectType":"dns","eventType":"DNS Resolved","createdAt":"` +
		sentinelone.FormatTime(base.Add(5*time.Minute)) + `","agentName":"web-01","dnsRequest":"evil.example.org","pid":77,"srcPort":53}`)); err != nil {
		t.Fatal(err)
	}
}

func TestFakeDVSearchAll(t *testing.T) {
	t.Parallel()
	srv := sentinelonetest.NewServer(t)
	base := time.Now().UTC().Add(-time.Hour).Truncate(time.Second)
	seedDV(t, srv, base)
	srv.SetDVPlan(sentinelonetest.DVPlan{Polls: 3})
	c := newFakeClient(t, srv)
	ctx := context.Background()
	q := sentinelone.DVQuery{Query: `ProcessName ContainsCIS "powershell" OR (AgentName = "web-01" AND ObjectType = "dns")`, From: base, To: base.Add(time.Hour)}
	var names []string
	for ev, err := range c.DeepVisibility.SearchAll(ctx, q, &sentinelone.DVSearchOptions{Wait: huntWait, Events: sentinelone.DVEventsOptions{Limit: 2}}) {
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, ev.AgentName+"/"+ev.ProcessName+ev.DNSRequest)
	}
	if strings.Join(names, ",") != "web-01/powershell.exe,db-01/PowerShell.exe,web-01/evil.example.org" {
		t.Errorf("events = %v", names)
	}
	ids := srv.DVQueryIDs()
	if st, canceled := srv.DVQueryState(ids[0]); st != "FINISHED" || canceled {
		t.Errorf("query state %s canceled %v", st, canceled)
	}
	if n := srv.RequestsTo("GET", "/dv/query-status"); n != 4 {
		t.Errorf("%d status reads, want 4", n)
	}

	// Events of one type, a sub-query, and a time window.
	id, err := c.DeepVisibility.Search(ctx, sentinelone.DVQuery{Query: `AgentName In ("web-01", "db-01")`, From: base, To: base.Add(4 * time.Minute)}, &sentinelone.DVSearchOptions{Wait: huntWait})
	if err != nil {
		t.Fatal(err)
	}
	p, err := c.DeepVisibility.ListEvents(ctx, id, &sentinelone.DVEventsOptions{Type: sentinelone.DVProcess, SubQuery: `ProcessCmd StartsWith "cmd"`})
	if err != nil || len(p.Items) != 1 || p.Items[0].ProcessName != "cmd.exe" {
		t.Fatalf("sub-query: %+v, %v", p, err)
	}
	p, err = c.DeepVisibility.ListEvents(ctx, id, &sentinelone.DVEventsOptions{Type: sentinelone.DVDNS})
	if err != nil || len(p.Items) != 0 || p.Total != 0 {
		t.Fatalf("dns outside the window: %+v, %v", p, err)
	}
}

func TestFakeDVRefusesUnparsedQueries(t *testing.T) {
	t.Parallel()
	srv := sentinelonetest.NewServer(t)
	c := newFakeClient(t, srv)
	now := time.Now()
	for _, q := range []string{`AgentName =`, `AgentName ~ "x"`, `AgentName = "x" AND`, `(AgentName = "x"`, `AgentName RegExp "x"`, `AgentName = unquoted`} {
		_, err := c.DeepVisibility.Create(context.Background(), sentinelone.DVQuery{Query: q, From: now.Add(-time.Hour), To: now}, nil)
		var api *sentinelone.APIError
		if !errors.As(err, &api) || api.StatusCode != 400 || !strings.Contains(api.Detail, "query:") {
			t.Errorf("%q: %v", q, err)
		}
	}
}

func TestFakeDVCancelOnBreak(t *testing.T) {
	t.Parallel()
	srv := sentinelonetest.NewServer(t)
	base := time.Now().UTC().Add(-time.Hour)
	seedDV(t, srv, base)
	c := newFakeClient(t, srv)
	for range c.DeepVisibility.SearchAll(context.Background(), sentinelone.DVQuery{Query: `AgentName IS NOT EMPTY`, From: base, To: base.Add(time.Hour)},
		&sentinelone.DVSearchOptions{Wait: huntWait, Events: sentinelone.DVEventsOptions{Limit: 1}}) {
		break
	}
	ids := srv.DVQueryIDs()
	if st, canceled := srv.DVQueryState(ids[0]); st != "QUERY_CANCELLED" || !canceled {
		t.Errorf("after break: state %s canceled %v", st, canceled)
	}
}

func TestFakeDVFailsMidway(t *testing.T) {
	t.Parallel()
	srv := sentinelonetest.NewServer(t)
	base := time.Now().UTC().Add(-time.Hour)
	seedDV(t, srv, base)
	c := newFakeClient(t, srv)
	ctx := context.Background()
	q := sentinelone.DVQuery{Query: `AgentName IS NOT EMPTY`, From: base, To: base.Add(time.Hour)}

	srv.SetDVPlan(sentinelonetest.DVPlan{Polls: 2, Final: "FAILED", Error: "Query exceeded the memory limit"})
	err := firstErrOf(c.DeepVisibility.SearchAll(ctx, q, &sentinelone.DVSearchOptions{Wait: huntWait}))
	if !errors.Is(err, sentinelone.ErrQueryFailed) || !strings.Contains(err.Error(), "memory limit") {
		t.Errorf("failed: %v", err)
	}

	srv.SetDVPlan(sentinelonetest.DVPlan{ExpireAfterPages: 2})
	n := 0
	var last error
	for _, err := range c.DeepVisibility.SearchAll(ctx, q, &sentinelone.DVSearchOptions{Wait: huntWait, Events: sentinelone.DVEventsOptions{Limit: 2}}) {
		if err != nil {
			last = err
			break
		}
		n++
	}
	if n != 4 || !errors.Is(last, sentinelone.ErrQueryExpired) {
		t.Errorf("expired after 2 pages: %d events, %v", n, last)
	}
	ids := srv.DVQueryIDs()
	if _, canceled := srv.DVQueryState(ids[len(ids)-1]); !canceled {
		t.Error("the expired query was not canceled")
	}

	srv.SetDVPlan(sentinelonetest.DVPlan{})
	n = 0
	for _, err := range c.DeepVisibility.SearchAll(ctx, sentinelone.DVQuery{Query: q.Query, From: q.From, To: q.To, Limit: 2}, &sentinelone.DVSearchOptions{Wait: huntWait}) {
		if err != nil {
			last = err
			break
		}
		n++
	}
	if n != 2 || !errors.Is(last, sentinelone.ErrTooManyResults) {
		t.Errorf("limit 2: %d events, %v", n, last)
	}
}

func firstErrOf[T any](seq func(func(T, error) bool)) error {
	for _, err := range seq {
		if err != nil {
			return err
		}
	}
	return nil
}

func TestFakePowerQuery(t *testing.T) {
	t.Parallel()
	srv := sentinelonetest.NewServer(t)
	base := time.Now().UTC().Add(-time.Hour).Truncate(time.Millisecond)
	seedDV(t, srv, base)
	srv.SetPowerQueryPings(2)
	c := newFakeClient(t, srv)
	res, err := c.PowerQuery.Run(context.Background(), sentinelone.PowerQuery{
		Query: `src.process.name ContainsCIS 'powershell' | columns time = event.time, host = endpoint.name, pid = src.process.pid | limit 10`,
		From:  base, To: base.Add(time.Hour),
	}, &huntWait)
	if err != nil {
		t.Fatal(err)
	}
	if res.Len() != 2 || len(res.Columns) != 3 || res.Columns[0].Type != "INTEGER" || res.Columns[1].Type != "STRING" {
		t.Fatalf("result = %+v", res)
	}
	r := res.Row(1)
	host, _ := r.String("host")
	ts, err := r.Time("time")
	pid, perr := r.Int("pid")
	if host != "db-01" || err != nil || !ts.Equal(base.Add(3*time.Minute)) || perr != nil || pid != 4242 {
		t.Errorf("row 1: %s %v %v %d %v", host, ts, err, pid, perr)
	}
	if n := srv.RequestsTo("GET", "/dv/events/pq-ping"); n != 3 {
		t.Errorf("%d pings, want 3", n)
	}
	_, err = c.PowerQuery.Start(context.Background(), sentinelone.PowerQuery{Query: `x = 'y' | group count() by x`, From: base, To: base.Add(time.Hour)}, nil)
	if err == nil || !strings.Contains(err.Error(), "not supported by the fake") {
		t.Errorf("unsupported command: %v", err)
	}
}

func TestFakeAlerts(t *testing.T) {
	t.Parallel()
	srv := sentinelonetest.NewServer(t)
	now := time.Now().UTC()
	a1 := srv.AddAlert("Encoded PowerShell", "High", now.Add(-3*time.Minute))
	a2 := srv.AddAlert("Mimikatz", "Critical", now.Add(-2*time.Minute))
	srv.AddAlert("Port scan", "Low", now.Add(-1*time.Minute))
	c := newFakeClient(t, srv)
	ctx := context.Background()
	page, err := c.Alerts.List(ctx, &sentinelone.AlertListOptions{Severities: []sentinelone.AlertSeverity{sentinelone.SeverityHigh, sentinelone.SeverityCritical},
		ReportedSince: now.Add(-time.Hour)})
	if err != nil || len(page.Items) != 2 || page.Total != 2 {
		t.Fatalf("List = %+v, %v", page, err)
	}
	if _, err := c.Alerts.SetAnalystVerdict(ctx, sentinelone.AlertFilter{IDs: []string{a1}}, sentinelone.VerdictTruePositive, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Alerts.SetIncident(ctx, sentinelone.AlertFilter{IDs: []string{a1, a2}}, sentinelone.IncidentResolved, nil); err != nil {
		t.Fatal(err)
	}
	n, err := c.Alerts.Count(ctx, &sentinelone.AlertListOptions{AnalystVerdicts: []sentinelone.AnalystVerdict{sentinelone.VerdictTruePositive},
		IncidentStatuses: []sentinelone.IncidentStatus{sentinelone.IncidentResolved}})
	if err != nil || n != 1 {
		t.Errorf("Count true positive resolved = %d, %v", n, err)
	}
	var got []sentinelone.Alert
	for a, err := range c.Alerts.All(ctx, &sentinelone.AlertListOptions{RuleNameContains: []string{"mimi"}}) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, a)
	}
	if len(got) != 1 || got[0].ID() != a2 || got[0].Info.IncidentStatus != sentinelone.IncidentResolved ||
		got[0].Info.AnalystVerdict != sentinelone.VerdictUndefined || got[0].Info.UpdatedAt.IsZero() {
		t.Errorf("mimikatz alert = %+v", got)
	}
	raw, _ := srv.AlertJSON(a1)
	if !strings.Contains(string(raw), `"analystVerdict":"True positive"`) {
		t.Errorf("stored alert: %s", raw)
	}
}
