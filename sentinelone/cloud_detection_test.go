package sentinelone

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

const alertJSONSample = `{"alertInfo":{"alertId":"1800000000000000001","createdAt":"2026-12-02T10:00:00.000000Z",` +
	`"reportedAt":"2026-12-02T10:00:03.000000Z","updatedAt":"2026-12-02T10:05:00.000000Z","analystVerdict":"True positive",` +
	`"incidentStatus":"In progress","eventType":"PROCESSCREATION","hitType":"Events","isEdr":true,"srcPort":443,"dvEventId":"01HX"},` +
	`"ruleInfo":{"id":"1700000000000000001","name":"Encoded PowerShell","severity":"High","s1ql":"x","queryLang":"1.0","scopeLevel":"site"},` +
	`"agentDetectionInfo":{"name":"host07","uuid":"ed8f","siteId":"5","osFamily":"windows"},` +
	`"sourceProcessInfo":{"name":"powershell.exe","pid":4242,"commandline":"powershell -enc SQBFAFgA","fileHashSha1":"3333","storyline":"5D5E"},` +
	`"sourceParentProcessInfo":{"name":"explorer.exe","pid":"1000"},"targetProcessInfo":{},"kubernetesInfo":null}`

func TestAlertsListWire(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWire(t)
	c := newTestClient(t, w)
	since := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	opts := &AlertListOptions{
		SiteIDs: []string{"5"}, Tenant: true, Severities: []AlertSeverity{SeverityHigh, SeverityCritical},
		IncidentStatuses: []IncidentStatus{IncidentUnresolved, IncidentInProgress}, AnalystVerdicts: []AnalystVerdict{VerdictTruePositive},
		RuleNameContains: []string{"PowerShell"}, SourceProcessNameContains: []string{"powershell.exe"}, SourceCommandLineContains: []string{"-enc"},
		StorylineContains: []string{"5D5E"}, SHA1Contains: []string{"3333"}, SHA256Contains: []string{"aa"}, AgentNameContains: []string{"host"},
		OSTypes: []string{"windows"}, MachineTypes: []string{"laptop"}, Query: "mimikatz",
		CreatedSince: since, ReportedAfter: since, ReportedUntil: since.Add(time.Hour),
		Paging: Paging{Limit: 2, SortBy: "severity", SortOrder: SortDesc},
	}
	q := vals("siteIds", "5", "tenant", "true", "severity", "High,Critical", "incidentStatus", "UNRESOLVED,IN_PROGRESS",
		"analystVerdict", "TRUE_POSITIVE", "ruleName__contains", "PowerShell", "sourceProcessName__contains", "powershell.exe",
		"sourceProcessCommandline__contains", "-enc", "sourceProcessStoryline__contains", "5D5E", "sourceProcessFileHashSha1__contains", "3333",
		"sourceProcessFileHashSha256__contains", "aa", "origAgentName__contains", "host", "osType", "windows", "machineType", "laptop",
		"query", "mimikatz", "createdAt__gte", "2026-12-02T09:00:00.000000Z", "reportedAt__gt", "2026-12-02T09:00:00.000000Z",
		"reportedAt__lte", "2026-12-02T10:00:00.000000Z", "limit", "2", "sortBy", "severity", "sortOrder", "desc")
	w.on("GET", "/cloud-detection/alerts", q, "", 200, `{"data":[`+alertJSONSample+`],"pagination":{"nextCursor":"n2","totalItems":2}}`)
	q2 := vals()
	for k, v := range q {
		q2[k] = v
	}
	q2.Set("cursor", "n2")
	w.on("GET", "/cloud-detection/alerts", q2, "", 200, `{"data":[{"alertInfo":{"alertId":"2"}}],"pagination":{"nextCursor":null,"totalItems":2}}`)
	var got []Alert
	for a, err := range c.Alerts.All(ctx, opts) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, a)
	}
	if len(got) != 2 || got[1].ID() != "2" {
		t.Fatalf("alerts = %+v", got)
	}
	a := got[0]
	if a.ID() != "1800000000000000001" || a.Info.AnalystVerdict != VerdictTruePositive || a.Info.IncidentStatus != IncidentInProgress ||
		!a.Info.ReportedAt.Equal(time.Date(2026, 12, 2, 10, 0, 3, 0, time.UTC)) || a.Info.SrcPort != "443" || !a.Info.IsEDR ||
		a.Rule.Severity != SeverityHigh || a.Rule.Name != "Encoded PowerShell" || a.Agent.SiteID != "5" ||
		a.SourceProcess.PID != "4242" || a.SourceParentProcess.PID != "1000" || a.SourceProcess.CommandLine != "powershell -enc SQBFAFgA" {
		t.Errorf("alert = %+v", a)
	}
	if b, _ := a.MarshalJSON(); string(b) != alertJSONSample {
		t.Errorf("raw = %s", b)
	}
	w.on("GET", "/cloud-detection/alerts", vals("countOnly", "true", "ids", "1"), "", 200, `{"data":[],"pagination":{"nextCursor":null,"totalItems":7}}`)
	if n, err := c.Alerts.Count(ctx, &AlertListOptions{IDs: []string{"1"}}); err != nil || n != 7 {
		t.Errorf("Count = %d, %v", n, err)
	}
	w.on("GET", "/cloud-detection/alerts", vals("limit", "1000"), "", 200, `{"data":[],"pagination":{"nextCursor":null,"totalItems":0}}`)
	if p, err := c.Alerts.List(ctx, nil); err != nil || len(p.Items) != 0 || p.Total != 0 {
		t.Errorf("List = %+v, %v", p, err)
	}
}

func TestAlertsUpdateWire(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWire(t)
	c := newTestClient(t, w)
	w.on("POST", "/cloud-detection/alerts/analyst-verdict", nil, `{"filter":{"ids":["1","2"]},"data":{"analystVerdict":"FALSE_POSITIVE"}}`, 200, `{"data":{"affected":2}}`)
	if r, err := c.Alerts.SetAnalystVerdict(ctx, AlertFilter{IDs: []string{"1", "2"}}, VerdictFalsePositive, nil); err != nil || r.Affected != 2 {
		t.Errorf("SetAnalystVerdict = %v, %v", r, err)
	}
	w.on("POST", "/cloud-detection/alerts/incident", nil, `{"filter":{"siteIds":["5"]},"data":{"incidentStatus":"IN_PROGRESS"}}`, 200, `{"data":{"affected":4}}`)
	if r, err := c.Alerts.SetIncident(ctx, AlertFilter{SiteIDs: []string{"5"}}, IncidentInProgress, nil); err != nil || r.Affected != 4 {
		t.Errorf("SetIncident = %v, %v", r, err)
	}
	w.on("POST", "/cloud-detection/alerts/incident", nil, `{"filter":{"ids":["9"]},"data":{"incidentStatus":"RESOLVED"}}`, 200, `{"data":{"affected":0}}`)
	if _, err := c.Alerts.SetIncident(ctx, AlertFilter{IDs: []string{"9"}}, IncidentResolved, nil); !errors.Is(err, ErrNoneAffected) {
		t.Errorf("none affected: %v", err)
	}
	w.on("POST", "/cloud-detection/alerts/incident", nil, `{"filter":{"ids":["9"]},"data":{"incidentStatus":"RESOLVED"}}`, 500, `{"errors":[{"code":5000010,"title":"Internal server error"}]}`)
	before := w.count()
	if _, err := c.Alerts.SetIncident(ctx, AlertFilter{IDs: []string{"9"}}, IncidentResolved, nil); !errors.Is(err, ErrServer) || w.count() != before+1 {
		t.Errorf("5xx: %v after %d requests", err, w.count()-before)
	}
}

func TestAlertsRefusals(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := newTestClient(t, newWire(t))
	cases := map[string]func() error{
		"the filter is empty": func() error { _, err := c.Alerts.SetIncident(ctx, AlertFilter{}, IncidentResolved, nil); return err },
		`status "closed"`: func() error {
			_, err := c.Alerts.SetIncident(ctx, AlertFilter{IDs: []string{"1"}}, "closed", nil)
			return err
		},
		`verdict "maybe"`: func() error {
			_, err := c.Alerts.SetAnalystVerdict(ctx, AlertFilter{IDs: []string{"1"}}, "maybe", nil)
			return err
		},
		"IDs has an empty": func() error {
			_, err := c.Alerts.SetIncident(ctx, AlertFilter{IDs: []string{" "}}, IncidentResolved, nil)
			return err
		},
		`Severities: "Huge"`: func() error {
			_, err := c.Alerts.List(ctx, &AlertListOptions{Severities: []AlertSeverity{"Huge"}})
			return err
		},
		`IncidentStatuses: "open"`: func() error {
			_, err := c.Alerts.List(ctx, &AlertListOptions{IncidentStatuses: []IncidentStatus{"open"}})
			return err
		},
		`AnalystVerdicts: "TRUE_POSITIVE"`: func() error {
			_, err := c.Alerts.Count(ctx, &AlertListOptions{AnalystVerdicts: []AnalystVerdict{"TRUE_POSITIVE"}})
			return err
		},
		"Alerts.All: Skip 1001": func() error { return firstErr(c.Alerts.All(ctx, &AlertListOptions{Paging: Paging{Skip: 1001}})) },
	}
	for want, run := range cases {
		if err := run(); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("err = %v, want %q", err, want)
		}
	}
	if SeverityMedium.String() != "Medium" || AlertSeverity("x").Valid() {
		t.Error("AlertSeverity")
	}
}

func TestAlertMarshalWithoutRaw(t *testing.T) {
	t.Parallel()
	a := Alert{Info: AlertInfo{AlertID: "7", AnalystVerdict: VerdictSuspicious, ReportedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}, Rule: AlertRuleInfo{Severity: SeverityLow}}
	b, err := a.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	var back Alert
	if err := back.UnmarshalJSON(b); err != nil || back.ID() != "7" || back.Info.AnalystVerdict != VerdictSuspicious || !back.Info.ReportedAt.Equal(a.Info.ReportedAt) || back.Rule.Severity != SeverityLow {
		t.Errorf("round trip %s: %+v, %v", b, back, err)
	}
}
