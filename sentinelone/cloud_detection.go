package sentinelone

import (
	"context"
	"fmt"
	"iter"
	"strings"
	"time"

	"github.com/socgo/xdr/internal/rest"
	s1wire "github.com/socgo/xdr/internal/wire/sentinelone"
)

// AlertsService lists STAR (custom and platform detection rule) alerts,
// GET /cloud-detection/alerts, and sets their analyst verdict and incident
// status.
//
// The alerts API spells verdicts and statuses in capitals in filters and
// bodies (TRUE_POSITIVE, IN_PROGRESS) and in words in answers ("True
// positive", "In progress"). The SDK uses the AnalystVerdict and
// IncidentStatus constants of threats everywhere and converts.
type AlertsService struct{ c *Client }

// AlertSeverity is the severity of the rule that raised an alert.
type AlertSeverity string

// The rule severities.
const (
	SeverityInfo     AlertSeverity = "Info"
	SeverityLow      AlertSeverity = "Low"
	SeverityMedium   AlertSeverity = "Medium"
	SeverityHigh     AlertSeverity = "High"
	SeverityCritical AlertSeverity = "Critical"
)

// String returns the severity's name.
func (s AlertSeverity) String() string { return string(s) }

// Valid reports whether s is one of the severities.
func (s AlertSeverity) Valid() bool {
	switch s {
	case SeverityInfo, SeverityLow, SeverityMedium, SeverityHigh, SeverityCritical:
		return true
	}
	return false
}

// AlertListOptions filters GET /cloud-detection/alerts. Nil options list
// every alert. Lists are sent comma-joined.
type AlertListOptions struct {
	// IDs selects alerts by id (ids).
	IDs []string
	// AccountIDs, SiteIDs and GroupIDs select the scope.
	AccountIDs, SiteIDs, GroupIDs []string
	// Tenant sends tenant=true.
	Tenant bool
	// Severities selects rule severities (severity).
	Severities []AlertSeverity
	// IncidentStatuses (incidentStatus) and AnalystVerdicts
	// (analystVerdict) select the triage state.
	IncidentStatuses []IncidentStatus
	AnalystVerdicts  []AnalystVerdict
	// RuleNameContains (ruleName__contains), SourceProcessNameContains
	// (sourceProcessName__contains), SourceCommandLineContains
	// (sourceProcessCommandline__contains), StorylineContains
	// (sourceProcessStoryline__contains), SHA1Contains
	// (sourceProcessFileHashSha1__contains), SHA256Contains
	// (sourceProcessFileHashSha256__contains) and AgentNameContains
	// (origAgentName__contains) match substrings; any of a list matches.
	RuleNameContains, SourceProcessNameContains, SourceCommandLineContains []string
	StorylineContains, SHA1Contains, SHA256Contains, AgentNameContains     []string
	// OSTypes (osType) and MachineTypes (machineType) select endpoints.
	OSTypes, MachineTypes []string
	// Query is a full-text search over every field (query).
	Query string

	// CreatedAfter, CreatedSince, CreatedBefore and CreatedUntil send
	// createdAt__gt/__gte/__lt/__lte: the time of the event that matched.
	CreatedAfter, CreatedSince, CreatedBefore, CreatedUntil time.Time
	// ReportedAfter, ReportedSince, ReportedBefore and ReportedUntil send
	// reportedAt__gt/__gte/__lt/__lte: the time the alert was raised.
	ReportedAfter, ReportedSince, ReportedBefore, ReportedUntil time.Time

	// Paging sets the page size, skip, first cursor, count and sort (the
	// API sorts alerts by id, severity, incidentStatus, analystVerdict…,
	// not by time).
	Paging
}

// upperWire is the alerts API's spelling of a verdict or status.
func upperWire(s string) string { return strings.ToUpper(s) }

// request checks o and builds GET /cloud-detection/alerts, with
// countOnly=true (and no limit) when count is set.
func (o *AlertListOptions) request(op string, count bool) (rest.Request, error) {
	if o == nil {
		o = &AlertListOptions{}
	}
	q := newQuery(op)
	q.count = count
	ids, accountIDs := q.listParam("ids", o.IDs), q.listParam("accountIds", o.AccountIDs)
	siteIDs, groupIDs := q.listParam("siteIds", o.SiteIDs), q.listParam("groupIds", o.GroupIDs)
	var sev []string
	for _, s := range o.Severities {
		if !s.Valid() {
			q.fail("Severities: %q is not one of Info, Low, Medium, High, Critical", truncate(string(s), 100))
		}
		sev = append(sev, string(s))
	}
	sevP := enumListParam[s1wire.AlertSeverity](q, "severity", sev)
	var st []string
	for _, s := range o.IncidentStatuses {
		if !s.Valid() {
			q.fail("IncidentStatuses: %q is not one of unresolved, in_progress, resolved", truncate(string(s), 100))
		}
		st = append(st, upperWire(string(s)))
	}
	stP := enumListParam[s1wire.ListAlertsParamsIncidentStatus](q, "incidentStatus", st)
	var vd []string
	for _, v := range o.AnalystVerdicts {
		if !v.Valid() {
			q.fail("AnalystVerdicts: %q is not one of undefined, true_positive, false_positive, suspicious", truncate(string(v), 100))
		}
		vd = append(vd, upperWire(string(v)))
	}
	vdP := enumListParam[s1wire.ListAlertsParamsAnalystVerdict](q, "analystVerdict", vd)
	p := s1wire.ListAlertsParams{
		Ids:                                 ids,
		AccountIds:                          accountIDs,
		SiteIds:                             siteIDs,
		GroupIds:                            groupIDs,
		Tenant:                              flagParam(o.Tenant),
		Severity:                            sevP,
		IncidentStatus:                      stP,
		AnalystVerdict:                      vdP,
		RuleNameContains:                    q.listParam("ruleName__contains", o.RuleNameContains),
		SourceProcessNameContains:           q.listParam("sourceProcessName__contains", o.SourceProcessNameContains),
		SourceProcessCommandlineContains:    q.listParam("sourceProcessCommandline__contains", o.SourceCommandLineContains),
		SourceProcessStorylineContains:      q.listParam("sourceProcessStoryline__contains", o.StorylineContains),
		SourceProcessFileHashSha1Contains:   q.listParam("sourceProcessFileHashSha1__contains", o.SHA1Contains),
		SourceProcessFileHashSha256Contains: q.listParam("sourceProcessFileHashSha256__contains", o.SHA256Contains),
		OrigAgentNameContains:               q.listParam("origAgentName__contains", o.AgentNameContains),
		OsType:                              q.listParam("osType", o.OSTypes),
		MachineType:                         q.listParam("machineType", o.MachineTypes),
		Query:                               strParam(o.Query),
		CreatedAtGt:                         timeParam(o.CreatedAfter),
		CreatedAtGte:                        timeParam(o.CreatedSince),
		CreatedAtLt:                         timeParam(o.CreatedBefore),
		CreatedAtLte:                        timeParam(o.CreatedUntil),
		ReportedAtGt:                        timeParam(o.ReportedAfter),
		ReportedAtGte:                       timeParam(o.ReportedSince),
		ReportedAtLt:                        timeParam(o.ReportedBefore),
		ReportedAtLte:                       timeParam(o.ReportedUntil),
	}
	setPaging(q.pagingParams(o.Paging), &p.Limit, &p.Skip, &p.Cursor, &p.CountOnly, &p.SkipCount, &p.SortBy, &p.SortOrder)
	if q.err != nil {
		return rest.Request{}, q.err
	}
	return line(op)(s1wire.NewListAlertsRequest(&p))
}

// List calls GET /cloud-detection/alerts and returns one page.
func (s *AlertsService) List(ctx context.Context, opts *AlertListOptions) (*Page[Alert], error) {
	r, err := opts.request("Alerts.List", false)
	if err != nil {
		return nil, err
	}
	return s.list(ctx, r)
}

func (s *AlertsService) list(ctx context.Context, r rest.Request) (*Page[Alert], error) {
	return getPage[Alert](ctx, s.c, r, new(alertPage).decode)
}

// Count calls GET /cloud-detection/alerts with countOnly=true and returns
// the number of matching alerts.
func (s *AlertsService) Count(ctx context.Context, opts *AlertListOptions) (int, error) {
	r, err := opts.request("Alerts.Count", true)
	if err != nil {
		return 0, err
	}
	return countOnly(ctx, r, s.list)
}

// All calls GET /cloud-detection/alerts page after page, following
// nextCursor with the same filters, and yields every alert.
//
// The iterator is lazy and can be run again (each run starts over). opts
// is copied when All is called and never changed. Every page is fetched
// with the caller's ctx. On error it yields (zero Alert, err) once and
// stops; a repeated cursor gives ErrPaginationStalled. Breaking out of the
// loop stops fetching and frees the connection. While the caller works on
// one page the next is fetched.
func (s *AlertsService) All(ctx context.Context, opts *AlertListOptions) iter.Seq2[Alert, error] {
	r, err := opts.request("Alerts.All", false)
	return allPages(ctx, r, err, s.list)
}

// AlertFilter selects the alerts an update applies to (the "filter" of the
// body). At least one field must be set: the API would apply an empty
// filter to every alert in scope, so the client refuses it.
type AlertFilter struct {
	// IDs are alert ids. When set, an update that affects nothing fails
	// with *NoneAffectedError.
	IDs        []string `json:"ids,omitempty"`
	AccountIDs []string `json:"accountIds,omitempty"`
	SiteIDs    []string `json:"siteIds,omitempty"`
	GroupIDs   []string `json:"groupIds,omitempty"`
}

func (f AlertFilter) check(op string) error {
	n, err := countFilterLists(op, []filterList{{"IDs", f.IDs}, {"AccountIDs", f.AccountIDs}, {"SiteIDs", f.SiteIDs}, {"GroupIDs", f.GroupIDs}})
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("sentinelone: %s: the filter is empty; the API would apply the update to every alert in scope", op)
	}
	return nil
}

// SetAnalystVerdict calls POST /cloud-detection/alerts/analyst-verdict with
// {"filter": f, "data": {"analystVerdict": "TRUE_POSITIVE"}} (the verdict
// in capitals). It is not retried on 5xx or network errors once sent unless
// opts.RetrySafe is set (or the client was built WithRetryActions).
func (s *AlertsService) SetAnalystVerdict(ctx context.Context, f AlertFilter, verdict AnalystVerdict, opts *ActionOptions) (*ActionResult, error) {
	const op = "Alerts.SetAnalystVerdict"
	if !verdict.Valid() {
		return nil, fmt.Errorf("sentinelone: %s: verdict %q is not one of undefined, true_positive, false_positive, suspicious", op, truncate(string(verdict), 100))
	}
	if err := f.check(op); err != nil {
		return nil, err
	}
	return action(ctx, s.c, op, actionBody{Filter: f, Data: map[string]string{"analystVerdict": upperWire(string(verdict))}},
		f.IDs, opts)(s1wire.NewUpdateAlertVerdictRequest())
}

// SetIncident calls POST /cloud-detection/alerts/incident with {"filter":
// f, "data": {"incidentStatus": "RESOLVED"}} (the status in capitals). It
// is not retried on 5xx or network errors once sent unless opts.RetrySafe is
// set.
func (s *AlertsService) SetIncident(ctx context.Context, f AlertFilter, status IncidentStatus, opts *ActionOptions) (*ActionResult, error) {
	const op = "Alerts.SetIncident"
	if !status.Valid() {
		return nil, fmt.Errorf("sentinelone: %s: status %q is not one of unresolved, in_progress, resolved", op, truncate(string(status), 100))
	}
	if err := f.check(op); err != nil {
		return nil, err
	}
	return action(ctx, s.c, op, actionBody{Filter: f, Data: map[string]string{"incidentStatus": upperWire(string(status))}},
		f.IDs, opts)(s1wire.NewUpdateAlertIncidentRequest())
}
