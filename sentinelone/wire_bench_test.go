package sentinelone

import (
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/socgo/xdr/internal/rest"
	"github.com/socgo/xdr/internal/wire/wiretest"
)

// handQuery builds a query string by hand, as the lists did before the
// wire layer (with the same checks), kept as the baseline of the
// request-building benchmarks.
type handQuery struct {
	*query
	v url.Values
}

func newHandQuery(op string) *handQuery { return &handQuery{newQuery(op), url.Values{}} }

func (q *handQuery) list(key string, vals []string) {
	if p := q.listParam(key, vals); p != nil {
		q.v.Set(key, strings.Join(vals, ","))
	}
}

func (q *handQuery) str(key, s string) {
	if s != "" {
		q.v.Set(key, s)
	}
}

func (q *handQuery) flag(key string, b bool) {
	if b {
		q.v.Set(key, "true")
	}
}

func (q *handQuery) boolPtr(key string, b *bool) {
	if b != nil {
		q.v.Set(key, strconv.FormatBool(*b))
	}
}

func (q *handQuery) time(key string, t time.Time) {
	if !t.IsZero() {
		q.v.Set(key, FormatTime(t))
	}
}

func (q *handQuery) paging(p Paging) {
	w := q.pagingParams(p)
	q.v.Set("limit", strconv.Itoa(*w.limit))
	if w.skip != nil {
		q.v.Set("skip", strconv.Itoa(*w.skip))
	}
	q.str("cursor", p.Cursor)
	q.flag("skipCount", p.SkipCount)
	if w.sortBy != nil {
		q.v.Set("sortBy", *w.sortBy)
	}
	if w.sortOrder != nil {
		q.v.Set("sortOrder", *w.sortOrder)
	}
}

func (q *handQuery) done() (url.Values, error) {
	if q.err != nil {
		return nil, q.err
	}
	return q.v, nil
}

// strs converts a list of a string type to strings.
func strs[S ~string](v []S) []string {
	if len(v) == 0 {
		return nil
	}
	out := make([]string, len(v))
	for i, s := range v {
		out[i] = string(s)
	}
	return out
}

// handwrittenAgentValues is the agent list's query as it was built before
// the wire layer, kept to compare.
func handwrittenAgentValues(op string, o *AgentListOptions) (url.Values, error) {
	q := newHandQuery(op)
	q.list("ids", o.IDs)
	q.list("uuids", o.UUIDs)
	q.str("computerName", o.ComputerName)
	q.list("computerName__contains", o.ComputerNameContains)
	q.list("networkStatuses", strs(o.NetworkStatuses))
	q.list("accountIds", o.AccountIDs)
	q.list("siteIds", o.SiteIDs)
	q.list("groupIds", o.GroupIDs)
	q.list("osTypes", o.OSTypes)
	q.boolPtr("isActive", o.IsActive)
	q.boolPtr("infected", o.Infected)
	q.boolPtr("isDecommissioned", o.IsDecommissioned)
	q.str("query", o.Query)
	q.time("createdAt__gt", o.CreatedAfter)
	q.time("createdAt__lt", o.CreatedBefore)
	q.time("updatedAt__gt", o.UpdatedAfter)
	q.paging(o.Paging)
	return q.done()
}

func benchAgentOptions() *AgentListOptions {
	active := true
	return &AgentListOptions{
		SiteIDs:              []string{"225494730938493804", "225494730938493805"},
		ComputerNameContains: []string{"srv-", "dc-"},
		OSTypes:              []string{"windows"},
		IsActive:             &active,
		CreatedAfter:         time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		Paging:               Paging{Limit: 500, SortBy: "createdAt", SortOrder: SortDesc},
	}
}

// sameQuery checks that the hand-written baseline and the generated
// builder make the same query.
func sameQuery(t *testing.T, hand func() (url.Values, error), gen func() (rest.Request, error)) {
	t.Helper()
	old, err := hand()
	if err != nil {
		t.Fatal(err)
	}
	w, err := gen()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := w.Query.Encode(), old.Encode(); got != want {
		t.Errorf("generated query\n%s\nhand-written\n%s", got, want)
	}
}

// benchQuery compares building (and encoding) a query by hand and with the
// generated wire layer, in the same run.
func benchQuery(b *testing.B, hand func() (url.Values, error), gen func() (rest.Request, error)) {
	wiretest.Bench(b, func() error {
		q, err := hand()
		_ = q.Encode()
		return err
	}, func() error {
		w, err := gen()
		_ = w.Query.Encode()
		return err
	})
}

func agentsHand() (url.Values, error) {
	return handwrittenAgentValues("Agents.List", benchAgentOptions())
}

func agentsGen() (rest.Request, error) { return benchAgentOptions().agentsQuery("Agents.List") }

func TestHandwrittenAgentValuesSame(t *testing.T) { sameQuery(t, agentsHand, agentsGen) }

// BenchmarkWireAgentsList compares building the query of a filtered agent
// list by hand and with the generated wire layer.
func BenchmarkWireAgentsList(b *testing.B) { benchQuery(b, agentsHand, agentsGen) }

// handwrittenAlertValues is the cloud detection alert list's query as it
// was built before the wire layer, kept to compare.
func handwrittenAlertValues(op string, o *AlertListOptions) (url.Values, error) {
	q := newHandQuery(op)
	q.list("ids", o.IDs)
	q.list("accountIds", o.AccountIDs)
	q.list("siteIds", o.SiteIDs)
	q.list("groupIds", o.GroupIDs)
	q.flag("tenant", o.Tenant)
	var sev []string
	for _, s := range o.Severities {
		sev = append(sev, string(s))
	}
	q.list("severity", sev)
	var st []string
	for _, s := range o.IncidentStatuses {
		st = append(st, upperWire(string(s)))
	}
	q.list("incidentStatus", st)
	var vd []string
	for _, v := range o.AnalystVerdicts {
		vd = append(vd, upperWire(string(v)))
	}
	q.list("analystVerdict", vd)
	q.list("ruleName__contains", o.RuleNameContains)
	q.list("sourceProcessName__contains", o.SourceProcessNameContains)
	q.list("sourceProcessCommandline__contains", o.SourceCommandLineContains)
	q.list("sourceProcessStoryline__contains", o.StorylineContains)
	q.list("sourceProcessFileHashSha1__contains", o.SHA1Contains)
	q.list("sourceProcessFileHashSha256__contains", o.SHA256Contains)
	q.list("origAgentName__contains", o.AgentNameContains)
	q.list("osType", o.OSTypes)
	q.list("machineType", o.MachineTypes)
	q.str("query", o.Query)
	q.time("createdAt__gt", o.CreatedAfter)
	q.time("createdAt__gte", o.CreatedSince)
	q.time("createdAt__lt", o.CreatedBefore)
	q.time("createdAt__lte", o.CreatedUntil)
	q.time("reportedAt__gt", o.ReportedAfter)
	q.time("reportedAt__gte", o.ReportedSince)
	q.time("reportedAt__lt", o.ReportedBefore)
	q.time("reportedAt__lte", o.ReportedUntil)
	q.paging(o.Paging)
	return q.done()
}

func benchAlertOptions() *AlertListOptions {
	return &AlertListOptions{
		SiteIDs:          []string{"225494730938493804"},
		Severities:       []AlertSeverity{SeverityHigh, SeverityCritical},
		IncidentStatuses: []IncidentStatus{IncidentUnresolved},
		RuleNameContains: []string{"lsass"},
		ReportedSince:    time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		ReportedUntil:    time.Date(2026, 1, 2, 4, 4, 5, 0, time.UTC),
		Paging:           Paging{Limit: 500},
	}
}

func alertsHand() (url.Values, error) {
	return handwrittenAlertValues("Alerts.List", benchAlertOptions())
}

func alertsGen() (rest.Request, error) { return benchAlertOptions().request("Alerts.List", false) }

func TestHandwrittenAlertValuesSame(t *testing.T) { sameQuery(t, alertsHand, alertsGen) }

// BenchmarkWireAlertsList compares building the query of a filtered cloud
// detection alert list by hand and with the generated wire layer.
func BenchmarkWireAlertsList(b *testing.B) { benchQuery(b, alertsHand, alertsGen) }
