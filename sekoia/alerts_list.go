package sekoia

import (
	"context"
	"iter"
	"net/url"
	"time"

	"github.com/socgo/xdr/internal/rest"
	wire "github.com/socgo/xdr/internal/wire/sekoia"
)

// AlertSort is a sort key of the alert list.
type AlertSort string

// The alert sort keys.
const (
	AlertSortCreatedAt AlertSort = "created_at"
	AlertSortUpdatedAt AlertSort = "updated_at"
	AlertSortUrgency   AlertSort = "urgency"
	AlertSortSource    AlertSort = "source"
	AlertSortTarget    AlertSort = "target"
	AlertSortEntity    AlertSort = "entity"
	AlertSortType      AlertSort = "type"
	AlertSortStatus    AlertSort = "status"
	AlertSortRuleName  AlertSort = "rule_name"
	AlertSortSimilar   AlertSort = "similar"
)

// String returns the key as sent.
func (s AlertSort) String() string { return string(s) }

// AlertListOptions filters, sorts and pages the alert list. Every list
// field is sent comma-joined (values are OR-ed; different fields are
// AND-ed); values may not hold a comma. The zero value lists every visible
// alert.
type AlertListOptions struct {
	// CommunityUUIDs: match[community_uuid].
	CommunityUUIDs []string `url:"match[community_uuid],comma,omitempty"`
	// EntityNames: match[entity_name]; EntityUUIDs: match[entity_uuid].
	EntityNames []string `url:"match[entity_name],comma,omitempty"`
	EntityUUIDs []string `url:"match[entity_uuid],comma,omitempty"`
	// Statuses: match[status_uuid] (legacy statuses).
	Statuses []Status `url:"-"`
	// StatusNames: match[status_name] ("Pending" …).
	StatusNames []string `url:"match[status_name],comma,omitempty"`
	// TypeCategories: match[type_category]; TypeValues: match[type_value].
	TypeCategories []string `url:"match[type_category],comma,omitempty"`
	TypeValues     []string `url:"match[type_value],comma,omitempty"`
	// Sources: match[source]; Targets: match[target]; Nodes: match[node]
	// (source or target).
	Sources []string `url:"match[source],comma,omitempty"`
	Targets []string `url:"match[target],comma,omitempty"`
	Nodes   []string `url:"match[node],comma,omitempty"`
	// STIXObjects: match[stix_object] (STIX ids).
	STIXObjects []string `url:"match[stix_object],comma,omitempty"`
	// RuleUUIDs: match[rule_uuid]; RuleNames: match[rule_name];
	// DetectionTypes: match[detection_type].
	RuleUUIDs      []string `url:"match[rule_uuid],comma,omitempty"`
	RuleNames      []string `url:"match[rule_name],comma,omitempty"`
	DetectionTypes []string `url:"match[detection_type],comma,omitempty"`
	// ShortIDs: match[short_id]; UUIDs: match[uuid].
	ShortIDs []string `url:"match[short_id],comma,omitempty"`
	UUIDs    []string `url:"match[uuid],comma,omitempty"`
	// Titles: match[title]; ResolvedTitles: match[resolved_title].
	Titles         []string `url:"match[title],comma,omitempty"`
	ResolvedTitles []string `url:"match[resolved_title],comma,omitempty"`
	// AssetUUIDs: match[asset_uuid].
	AssetUUIDs []string `url:"match[asset_uuid],comma,omitempty"`
	// UrgencyDisplays: match[urgency_display] ("Low", "Moderate", "High",
	// "Major", "Urgent").
	UrgencyDisplays []string `url:"match[urgency_display],comma,omitempty"`
	// CaseShortIDs: match[case_short_id].
	CaseShortIDs []string `url:"match[case_short_id],comma,omitempty"`
	// Assignees: match[assignee] (profile UUIDs).
	Assignees []string `url:"match[assignee],comma,omitempty"`
	// CustomStatusUUIDs: match[custom_status_uuid]; VerdictUUIDs:
	// match[verdict_uuid].
	CustomStatusUUIDs []string `url:"match[custom_status_uuid],comma,omitempty"`
	VerdictUUIDs      []string `url:"match[verdict_uuid],comma,omitempty"`
	// CustomFields: match[custom_field], each "<field uuid>:<value>" or
	// "<field uuid>" (has the field).
	CustomFields []string `url:"match[custom_field],comma,omitempty"`

	// Exclude holds the nomatch[...] filters.
	Exclude *AlertExclusions `url:"nomatch,omitempty"`

	// CreatedAt: date[created_at]; UpdatedAt: date[updated_at].
	CreatedAt *TimeRange `url:"date[created_at],omitempty"`
	UpdatedAt *TimeRange `url:"date[updated_at],omitempty"`
	// Urgency: range[urgency]; Similar: range[similar].
	Urgency *IntRange `url:"range[urgency],omitempty"`
	Similar *IntRange `url:"range[similar],omitempty"`

	// Visible filters on visibility (server default true).
	Visible *bool `url:"visible,omitempty"`
	// IsAssignedToCase keeps only alerts in a case (true) or in none (false).
	IsAssignedToCase *bool `url:"is_assigned_to_case,omitempty"`
	// SimilarTo lists the alerts similar to the alert with this short id.
	SimilarTo string `url:"similar_to,omitempty"`
	// WithCount asks for the total (server default true). All sends false
	// unless set, since it does not need it.
	WithCount *bool `url:"with_count,omitempty"`
	// STIX includes each alert's STIX bundle; Cases its cases.
	STIX  bool `url:"stix,omitempty"`
	Cases bool `url:"cases,omitempty"`
	// Sort and Direction order the list.
	Sort      AlertSort `url:"sort,omitempty"`
	Direction Direction `url:"direction,omitempty"`
	// Limit is the page size: 1..100, 0 for the server default (20; All
	// uses 100).
	Limit int `url:"limit,omitempty"`
	// Offset is the number of alerts skipped.
	Offset int `url:"offset,omitempty"`
}

// AlertExclusions are the nomatch[...] filters of the alert list: alerts
// matching any of them are left out.
type AlertExclusions struct {
	AssetUUIDs        []string `url:"asset_uuid,comma,omitempty"`
	EntityUUIDs       []string `url:"entity_uuid,comma,omitempty"`
	RuleUUIDs         []string `url:"rule_uuid,comma,omitempty"`
	RuleNames         []string `url:"rule_name,comma,omitempty"`
	DetectionTypes    []string `url:"detection_type,comma,omitempty"`
	Sources           []string `url:"source,comma,omitempty"`
	Targets           []string `url:"target,comma,omitempty"`
	Statuses          []Status `url:"-"`
	STIXObjects       []string `url:"stix_object,comma,omitempty"`
	TypeValues        []string `url:"type_value,comma,omitempty"`
	UrgencyDisplays   []string `url:"urgency_display,comma,omitempty"`
	Assignees         []string `url:"assignee,comma,omitempty"`
	CustomStatusUUIDs []string `url:"custom_status_uuid,comma,omitempty"`
	VerdictUUIDs      []string `url:"verdict_uuid,comma,omitempty"`
}

// request checks the options and builds GET /v1/sic/alerts; method
// names the call in errors.
func (o *AlertListOptions) request(method string) (rest.Request, error) {
	p, err := o.listAlertsParams(method)
	if err != nil {
		return rest.Request{}, err
	}
	return line(method)(wire.NewListAlertsRequest(&p))
}

// List returns one page of alerts matching opts (nil lists all).
//
// List calls GET /v1/sic/alerts.
func (s *AlertsService) List(ctx context.Context, opts *AlertListOptions) (*Page[Alert], error) {
	var o AlertListOptions
	if opts != nil {
		o = *opts
	}
	r, err := o.request("Alerts.List")
	if err != nil {
		return nil, err
	}
	p, _, err := getAlertPage(ctx, s.c, r.Path, r.Query, o.Offset, o.Limit)
	return p, err
}

// All iterates over every alert matching opts, fetching opts.Limit alerts
// per request (100 when 0) and the next page while the caller works on the
// current one.
//
// The iterator is lazy and can be run again (each run starts over); opts
// is copied and never changed; every request uses ctx; on an error it
// yields (nil, err) once and stops (with ErrPaginationStalled when a page
// repeats the previous one: a server ignoring the offset); breaking out of
// the loop stops fetching and frees the connection.
//
// Changing the alerts inside the loop is safe: every alert that matches
// opts when the loop starts, and still matches when its turn comes, is
// yielded exactly once, even when the loop changes alerts already yielded
// so that they no longer match (acknowledging each alert of a loop over
// pending alerts). With Sort empty or AlertSortCreatedAt, All pages by
// creation time rather than by offset: each request asks for the alerts
// created from the second of the last alert read (date[created_at]),
// skipping those already yielded in that second; this costs no request
// more than offset paging, except one request (limit 1) to fix the upper
// end of an ascending walk with no CreatedAt.To. Alerts created after the
// loop starts are not yielded (unless they share the creation second of
// the newest alert of the first page: newest-first, or of the newest
// matching alert: oldest-first). opts.Offset skips alerts of the first
// page only. Without Direction the order is newest first, the API's own.
// A second holding more than Limit alerts is read whole before any of it
// is yielded.
//
// With any other Sort, All reads the whole list first (offset paging, no
// change can happen meanwhile) and then yields it: memory grows with the
// list and the first alert comes only after the last page.
//
// All calls GET /v1/sic/alerts once per page, with sort=created_at,
// direction and date[created_at] for keyset paging.
func (s *AlertsService) All(ctx context.Context, opts *AlertListOptions) iter.Seq2[Alert, error] {
	var o AlertListOptions
	if opts != nil {
		o = *opts
	}
	if o.Limit == 0 {
		o.Limit = 100
	}
	if o.WithCount == nil {
		f := false
		o.WithCount = &f
	}
	r, err := o.request("Alerts.All")
	if err != nil {
		return errSeq[Alert](err)
	}
	return alertsAll(ctx, &o, r.Query, func(ctx context.Context, q url.Values, offset, limit int) (*Page[Alert], uint64, error) {
		return getAlertPage(ctx, s.c, r.Path, q, offset, limit)
	})
}

// alertsAll walks an alert list (the alerts, the alerts of a case) with
// options o, encoded in q, fetching pages with get: by creation time
// (keyset) unless o sorts on another key, then read whole first.
func alertsAll(ctx context.Context, o *AlertListOptions, q url.Values, get func(ctx context.Context, q url.Values, offset, limit int) (*Page[Alert], uint64, error)) iter.Seq2[Alert, error] {
	if o.Sort != "" && o.Sort != AlertSortCreatedAt {
		return snapshotAll(allPagesWith(ctx, q, o.Offset, o.Limit, get))
	}
	k := &keysetList[Alert]{
		param: "date[created_at]", sortParam: "sort", dirParam: "direction", sortValue: string(AlertSortCreatedAt),
		desc: o.Direction != Ascending, user: o.CreatedAt,
		key: func(a *Alert) (time.Time, string) { return a.CreatedAt.Truncate(time.Second), a.UUID },
		get: func(ctx context.Context, q url.Values, offset, limit int) (*Page[Alert], error) {
			p, _, err := get(ctx, q, offset, limit)
			return p, err
		},
	}
	return k.all(ctx, q, o.Offset, o.Limit)
}
