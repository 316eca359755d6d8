package sekoia

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/socgo/xdr/internal/argcheck"
	"github.com/socgo/xdr/internal/idcheck"
	"github.com/socgo/xdr/internal/rest"
)

// AlertsService lists, reads, updates, comments and moves alerts through
// their workflow (/v1/sic/alerts). Get it from Client.Alerts.
type AlertsService struct{ c *Client }

// Alert is a Sekoia.io alert, as listed or read. Times are time.Time
// whatever form the API used (epoch seconds for created_at/updated_at,
// RFC 3339 for first_seen_at/last_seen_at); absent or null values are the
// zero value. Raw keeps the exact JSON the alert was decoded from, unknown
// fields included, and MarshalJSON returns it.
type Alert struct {
	UUID        string `json:"uuid"`
	ShortID     string `json:"short_id"`
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
	Details     string `json:"details,omitempty"`

	CreatedAt     time.Time `json:"created_at,omitzero"`
	CreatedBy     string    `json:"created_by,omitempty"`
	CreatedByType string    `json:"created_by_type,omitempty"`
	UpdatedAt     time.Time `json:"updated_at,omitzero"`
	UpdatedBy     string    `json:"updated_by,omitempty"`
	UpdatedByType string    `json:"updated_by_type,omitempty"`
	FirstSeenAt   time.Time `json:"first_seen_at,omitzero"`
	LastSeenAt    time.Time `json:"last_seen_at,omitzero"`

	CommunityUUID string       `json:"community_uuid,omitempty"`
	Entity        *AlertEntity `json:"entity,omitempty"`
	Urgency       AlertUrgency `json:"urgency"`
	AlertType     AlertType    `json:"alert_type"`
	// Status is the legacy status (StatusPending …).
	Status           AlertStatus        `json:"status"`
	CustomStatusUUID string             `json:"custom_status_uuid,omitempty"`
	CustomStatus     *AlertCustomStatus `json:"custom_status,omitempty"`
	VerdictUUID      string             `json:"verdict_uuid,omitempty"`
	Verdict          *AlertVerdict      `json:"verdict,omitempty"`
	// Assignee is the UUID of the profile the alert is assigned to.
	Assignee string    `json:"assignee,omitempty"`
	Rule     AlertRule `json:"rule"`
	// DetectionType is "rule", "anomaly", "manual"… (empty when null).
	DetectionType string `json:"detection_type,omitempty"`
	// Source and Target are the IP or host names involved (empty when null).
	Source string `json:"source,omitempty"`
	Target string `json:"target,omitempty"`
	// Similar counts the occurrences merged into this alert.
	Similar          int       `json:"similar"`
	TTPs             []STIXRef `json:"ttps,omitempty"`
	Adversaries      []STIXRef `json:"adversaries,omitempty"`
	KillChainShortID string    `json:"kill_chain_short_id,omitempty"`
	// STIX is the STIX 2 bundle (only when listed or read with STIX true).
	STIX                   json.RawMessage `json:"stix,omitempty"`
	NumberOfUnseenComments int             `json:"number_of_unseen_comments"`
	NumberOfTotalComments  int             `json:"number_of_total_comments"`
	// Assets are asset UUIDs.
	Assets      []string `json:"assets,omitempty"`
	IntakeUUIDs []string `json:"intake_uuids,omitempty"`
	// The TimeTo fields are nil when the API sends null.
	TimeToDetect      *time.Duration     `json:"time_to_detect,omitempty"`
	TimeToAcknowledge *time.Duration     `json:"time_to_acknowledge,omitempty"`
	TimeToRespond     *time.Duration     `json:"time_to_respond,omitempty"`
	TimeToResolve     *time.Duration     `json:"time_to_resolve,omitempty"`
	Cases             []AlertCase        `json:"cases,omitempty"`
	CustomFields      []AlertCustomField `json:"custom_fields,omitempty"`

	// Comments, History and Countermeasures come with Get when asked for.
	Comments           []Comment         `json:"comments,omitempty"`
	History            []HistoryEntry    `json:"history,omitempty"`
	Countermeasures    []json.RawMessage `json:"countermeasures,omitempty"`
	SimilarityStrategy json.RawMessage   `json:"similarity_strategy,omitempty"`

	// Raw is the JSON the alert was decoded from. For an alert of List or
	// All it is a slice of the page's response body, shared with the
	// other alerts of the page (the slices do not overlap and their
	// capacity ends with the alert, so appending copies): an alert kept
	// keeps its page's memory alive. Copy Raw (bytes.Clone) to keep it
	// alone for long.
	Raw json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes an alert and keeps a copy of its raw bytes in Raw.
func (a *Alert) UnmarshalJSON(b []byte) error {
	w := new(alertWire)
	if err := json.Unmarshal(b, w); err != nil {
		return fmt.Errorf("sekoia: decode alert: %w", err)
	}
	*a = *w.finish(bytes.Clone(b))
	return nil
}

// MarshalJSON returns Raw when the alert was decoded from JSON, so that a
// forwarded alert keeps every byte; otherwise it encodes the fields in the
// API's own forms (epoch seconds for created_at/updated_at).
func (a Alert) MarshalJSON() ([]byte, error) {
	if len(a.Raw) > 0 {
		return a.Raw, nil
	}
	type plain Alert
	aux := struct {
		plain
		CreatedAt         epochTime `json:"created_at"`
		UpdatedAt         epochTime `json:"updated_at"`
		FirstSeenAt       isoTime   `json:"first_seen_at"`
		LastSeenAt        isoTime   `json:"last_seen_at"`
		TimeToDetect      *int64    `json:"time_to_detect"`
		TimeToAcknowledge *int64    `json:"time_to_acknowledge"`
		TimeToRespond     *int64    `json:"time_to_respond"`
		TimeToResolve     *int64    `json:"time_to_resolve"`
	}{
		plain:       plain(a),
		CreatedAt:   epochTime{a.CreatedAt},
		UpdatedAt:   epochTime{a.UpdatedAt},
		FirstSeenAt: isoTime{a.FirstSeenAt},
		LastSeenAt:  isoTime{a.LastSeenAt},
	}
	aux.TimeToDetect, aux.TimeToAcknowledge = toSeconds(a.TimeToDetect), toSeconds(a.TimeToAcknowledge)
	aux.TimeToRespond, aux.TimeToResolve = toSeconds(a.TimeToRespond), toSeconds(a.TimeToResolve)
	return json.Marshal(aux)
}

func toSeconds(d *time.Duration) *int64 {
	if d == nil {
		return nil
	}
	s := int64(*d / time.Second)
	return &s
}

// AlertEntity is the entity an alert belongs to.
type AlertEntity struct {
	UUID string `json:"uuid"`
	Name string `json:"name"`
}

// AlertUrgency is an alert's urgency. Display buckets Value: Low [0,20),
// Moderate [20,40), High [40,60), Major [60,80), Urgent [80,100].
type AlertUrgency struct {
	CurrentValue int    `json:"current_value"`
	Value        int    `json:"value"`
	Severity     int    `json:"severity"`
	Criticity    int    `json:"criticity"`
	Display      string `json:"display"`
}

// AlertType is an alert's type.
type AlertType struct {
	Category string `json:"category"`
	Value    string `json:"value"`
}

// AlertStatus is an alert's legacy status.
type AlertStatus struct {
	UUID        Status `json:"uuid"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
}

// AlertCustomStatus is the custom status of an alert (Get with
// CustomStatus true).
type AlertCustomStatus struct {
	Label       string            `json:"label"`
	Description string            `json:"description,omitempty"`
	Level       int               `json:"level"`
	Stage       CustomStatusStage `json:"stage"`
}

// AlertVerdict is the verdict given to an alert.
type AlertVerdict struct {
	UUID          string `json:"uuid"`
	Label         string `json:"label,omitempty"`
	Description   string `json:"description,omitempty"`
	Level         int    `json:"level,omitempty"`
	Stage         string `json:"stage,omitempty"`
	Analysis      string `json:"analysis,omitempty"`
	Confidence    int    `json:"confidence,omitempty"`
	UpdatedBy     string `json:"updated_by,omitempty"`
	UpdatedByType string `json:"updated_by_type,omitempty"`
}

// AlertRule is the detection rule that raised an alert.
type AlertRule struct {
	UUID        string `json:"uuid"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Severity    int    `json:"severity"`
	Type        string `json:"type,omitempty"`
	// Pattern may be a STIX pattern.
	Pattern string `json:"pattern,omitempty"`
}

// STIXRef is a minimal STIX object (TTP or adversary) of an alert.
type STIXRef struct {
	ID          string `json:"id"`
	Type        string `json:"type"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
}

// AlertCase is the summary of a case an alert belongs to (Cases true).
type AlertCase struct {
	ShortID          string    `json:"short_id"`
	Name             string    `json:"name,omitempty"`
	Title            string    `json:"title,omitempty"`
	IsSupplied       bool      `json:"is_supplied,omitempty"`
	Manual           bool      `json:"manual,omitempty"`
	Status           string    `json:"status,omitempty"`
	CustomStatusUUID string    `json:"custom_status_uuid,omitempty"`
	CreatedBy        string    `json:"created_by,omitempty"`
	CreatedByType    string    `json:"created_by_type,omitempty"`
	UpdatedAt        time.Time `json:"updated_at,omitzero"`
}

// UnmarshalJSON decodes a case summary, its time in any form.
func (c *AlertCase) UnmarshalJSON(b []byte) error {
	type plain AlertCase
	aux := struct {
		*plain
		UpdatedAt isoTime `json:"updated_at"`
	}{plain: (*plain)(c)}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	c.UpdatedAt = aux.UpdatedAt.Time
	return nil
}

// AlertCustomField is a custom field value of an alert.
type AlertCustomField struct {
	UUID string `json:"uuid"`
	Name string `json:"name,omitempty"`
	Slug string `json:"slug,omitempty"`
	// Type is text, integer, boolean, single_select or multi_select.
	Type  string          `json:"type,omitempty"`
	Value json.RawMessage `json:"value,omitempty"`
}

// Comment is a comment on an alert.
type Comment struct {
	UUID    string `json:"uuid"`
	Content string `json:"content"`
	// Author is the display name given, or "<type>:<uuid>".
	Author        string    `json:"author"`
	Date          time.Time `json:"date,omitzero"`
	CreatedBy     string    `json:"created_by,omitempty"`
	CreatedByType string    `json:"created_by_type,omitempty"`
	Unseen        bool      `json:"unseen,omitempty"`
}

// UnmarshalJSON decodes a comment, its date in any form.
func (c *Comment) UnmarshalJSON(b []byte) error {
	type plain Comment
	aux := struct {
		*plain
		Date epochTime `json:"date"`
	}{plain: (*plain)(c)}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	c.Date = aux.Date.Time
	return nil
}

// MarshalJSON encodes the comment with its date in epoch seconds.
func (c Comment) MarshalJSON() ([]byte, error) {
	type plain Comment
	return json.Marshal(struct {
		plain
		Date epochTime `json:"date"`
	}{plain(c), epochTime{c.Date}})
}

// HistoryEntry is one entry of an alert's change log.
type HistoryEntry struct {
	UUID          string    `json:"uuid"`
	CreatedAt     time.Time `json:"created_at,omitzero"`
	CreatedBy     string    `json:"created_by,omitempty"`
	CreatedByType string    `json:"created_by_type,omitempty"`
	// EntryType says which change this is: "alert" (status), "comment",
	// "urgency", "alert_type", "details", "kill_chain", "countermeasure"…
	EntryType string `json:"entry_type"`
	// Alert is set for a status change.
	Alert *HistoryStatusChange `json:"alert,omitempty"`
	// Urgency is set for an urgency change.
	Urgency *HistoryValueChange `json:"urgency,omitempty"`
	// Raw is the whole entry, for the change kinds not decoded here.
	Raw json.RawMessage `json:"-"`
}

// HistoryStatusChange is a status change in an alert's history.
type HistoryStatusChange struct {
	Status         string `json:"status"`
	PreviousStatus string `json:"previous_status,omitempty"`
}

// HistoryValueChange is a numeric change in an alert's history; Previous
// is nil for the first value.
type HistoryValueChange struct {
	Value         *int `json:"value"`
	PreviousValue *int `json:"previous_value"`
}

// UnmarshalJSON decodes an entry, its time in any form, keeping Raw.
func (h *HistoryEntry) UnmarshalJSON(b []byte) error {
	type plain HistoryEntry
	*h = HistoryEntry{}
	aux := struct {
		*plain
		CreatedAt epochTime `json:"created_at"`
	}{plain: (*plain)(h)}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	h.CreatedAt = aux.CreatedAt.Time
	h.Raw = append(json.RawMessage(nil), b...)
	return nil
}

// MarshalJSON returns Raw when the entry was decoded from JSON.
func (h HistoryEntry) MarshalJSON() ([]byte, error) {
	if len(h.Raw) > 0 {
		return h.Raw, nil
	}
	type plain HistoryEntry
	return json.Marshal(struct {
		plain
		CreatedAt epochTime `json:"created_at"`
	}{plain(h), epochTime{h.CreatedAt}})
}

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

// AlertPage is one page of alerts.
type AlertPage = Page[*Alert]

// query encodes the options; method names the call in errors.
func (o *AlertListOptions) query(method string) (url.Values, error) {
	q, err := listQuery(method, o.Limit, o.Offset, o.Direction, o)
	if err != nil {
		return nil, err
	}
	if err := addStatuses(method, q, "match[status_uuid]", "Statuses", o.Statuses); err != nil {
		return nil, err
	}
	if o.Exclude != nil {
		if err := addStatuses(method, q, "nomatch[status_uuid]", "Exclude.Statuses", o.Exclude.Statuses); err != nil {
			return nil, err
		}
	}
	return q, nil
}

func addStatuses(method string, q url.Values, key, field string, statuses []Status) error {
	if len(statuses) == 0 {
		return nil
	}
	ids := make([]string, len(statuses))
	for i, s := range statuses {
		if !idcheck.IsUUID(string(s)) {
			return fmt.Errorf("sekoia: %s: %s[%d] %q is not a status UUID", method, field, i, argcheck.Short(string(s)))
		}
		ids[i] = string(s)
	}
	q.Set(key, strings.Join(ids, ","))
	return nil
}

// List returns one page of alerts matching opts (nil lists all).
//
// List calls GET /v1/sic/alerts.
func (s *AlertsService) List(ctx context.Context, opts *AlertListOptions) (*AlertPage, error) {
	var o AlertListOptions
	if opts != nil {
		o = *opts
	}
	q, err := o.query("Alerts.List")
	if err != nil {
		return nil, err
	}
	p, _, err := getAlertPage(ctx, s.c, q, o.Offset, o.Limit)
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
func (s *AlertsService) All(ctx context.Context, opts *AlertListOptions) iter.Seq2[*Alert, error] {
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
	q, err := o.query("Alerts.All")
	if err != nil {
		return errSeq[*Alert](err)
	}
	get := func(ctx context.Context, q url.Values, offset, limit int) (*Page[*Alert], uint64, error) {
		return getAlertPage(ctx, s.c, q, offset, limit)
	}
	if o.Sort != "" && o.Sort != AlertSortCreatedAt {
		return snapshotAll(allPagesWith(ctx, q, o.Offset, o.Limit, get))
	}
	k := &keysetList[*Alert]{
		param: "date[created_at]", sortParam: "sort", dirParam: "direction", sortValue: string(AlertSortCreatedAt),
		desc: o.Direction != Ascending, user: o.CreatedAt,
		key: func(a *Alert) (time.Time, string) { return a.CreatedAt.Truncate(time.Second), a.UUID },
		get: func(ctx context.Context, q url.Values, offset, limit int) (*Page[*Alert], error) {
			p, _, err := get(ctx, q, offset, limit)
			return p, err
		},
	}
	return k.all(ctx, q, o.Offset, o.Limit)
}

// AlertGetOptions selects the parts of an alert Get returns. The SDK asks
// for none of the heavy parts unless set (the API's own default includes
// comments, history and countermeasures).
type AlertGetOptions struct {
	Comments        bool
	History         bool
	Countermeasures bool
	STIX            bool
	Cases           bool
	CustomStatus    bool
}

// Get returns one alert by UUID or short id ("ALL1A4SKUiU2").
//
// Get calls GET /v1/sic/alerts/{uuid} with comments, history and
// countermeasures set to the options (false by default), and stix, cases
// and custom_status when asked for.
func (s *AlertsService) Get(ctx context.Context, id string, opts *AlertGetOptions) (*Alert, error) {
	if err := checkAlertID("Alerts.Get", id); err != nil {
		return nil, err
	}
	var o AlertGetOptions
	if opts != nil {
		o = *opts
	}
	q := url.Values{
		"comments":        {strconv.FormatBool(o.Comments)},
		"history":         {strconv.FormatBool(o.History)},
		"countermeasures": {strconv.FormatBool(o.Countermeasures)},
	}
	if o.STIX {
		q.Set("stix", "true")
	}
	if o.Cases {
		q.Set("cases", "true")
	}
	if o.CustomStatus {
		q.Set("custom_status", "true")
	}
	var a Alert
	if _, err := s.c.rest.Do(ctx, rest.Request{Method: http.MethodGet, Path: "/v1/sic/alerts/" + rest.Seg(id), Query: q}, &a); err != nil {
		return nil, err
	}
	return &a, nil
}

// AlertUpdate is the change Update applies: only the fields set are sent.
type AlertUpdate struct {
	// AlertTypeCategory and AlertTypeValue (3..1000 characters) change the
	// type; the value is required with the category.
	AlertTypeCategory string `json:"alert_type_category,omitempty"`
	AlertTypeValue    string `json:"alert_type_value,omitempty"`
	// Details replaces the free text.
	Details string `json:"details,omitempty"`
	// Urgency sets the urgency (0..100).
	Urgency *int `json:"urgency,omitempty"`
	// KillChainShortID sets the kill-chain stage ("KCXKNfnJupq5").
	KillChainShortID string `json:"kill_chain_short_id,omitempty"`
	// Title replaces the title (at most 10000 characters).
	Title string `json:"title,omitempty"`
	// VerdictUUID sets the verdict.
	VerdictUUID string `json:"verdict_uuid,omitempty"`
	// CustomStatusUUID sets the custom status.
	CustomStatusUUID string `json:"custom_status_uuid,omitempty"`
	// Assignee assigns the alert to a profile UUID.
	Assignee string `json:"assignee,omitempty"`
}

func (u *AlertUpdate) check(method string) error {
	if u == nil || *u == (AlertUpdate{}) {
		return errors.New("sekoia: " + method + ": update is empty")
	}
	cat, val := utf8.RuneCountInString(u.AlertTypeCategory), utf8.RuneCountInString(u.AlertTypeValue)
	switch {
	case u.AlertTypeCategory != "" && (cat < 3 || cat > 1000):
		return fmt.Errorf("sekoia: %s: AlertTypeCategory must be 3..1000 characters", method)
	case u.AlertTypeValue != "" && (val < 3 || val > 1000):
		return fmt.Errorf("sekoia: %s: AlertTypeValue must be 3..1000 characters", method)
	case u.AlertTypeCategory != "" && u.AlertTypeValue == "":
		return fmt.Errorf("sekoia: %s: AlertTypeValue is required with AlertTypeCategory", method)
	case u.Urgency != nil && (*u.Urgency < 0 || *u.Urgency > 100):
		return fmt.Errorf("sekoia: %s: Urgency %d is out of range 0..100", method, *u.Urgency)
	case utf8.RuneCountInString(u.Title) > 10000:
		return fmt.Errorf("sekoia: %s: Title is longer than 10000 characters", method)
	case u.VerdictUUID != "" && !idcheck.IsUUID(u.VerdictUUID):
		return fmt.Errorf("sekoia: %s: VerdictUUID %q is not a UUID", method, argcheck.Short(u.VerdictUUID))
	case u.CustomStatusUUID != "" && !idcheck.IsUUID(u.CustomStatusUUID):
		return fmt.Errorf("sekoia: %s: CustomStatusUUID %q is not a UUID", method, argcheck.Short(u.CustomStatusUUID))
	case u.Assignee != "" && !idcheck.IsUUID(u.Assignee):
		return fmt.Errorf("sekoia: %s: Assignee %q is not a UUID", method, argcheck.Short(u.Assignee))
	}
	return nil
}

// Update changes the fields of an alert set in u and returns the alert.
//
// Update calls PATCH /v1/sic/alerts/{uuid}.
func (s *AlertsService) Update(ctx context.Context, id string, u *AlertUpdate) (*Alert, error) {
	const method = "Alerts.Update"
	if err := checkAlertID(method, id); err != nil {
		return nil, err
	}
	if err := u.check(method); err != nil {
		return nil, err
	}
	return s.patch(ctx, id, u)
}

func (s *AlertsService) patch(ctx context.Context, id string, u *AlertUpdate) (*Alert, error) {
	var a Alert
	if _, err := s.c.rest.Do(ctx, rest.Request{Method: http.MethodPatch, Path: "/v1/sic/alerts/" + rest.Seg(id), Body: u}, &a); err != nil {
		return nil, err
	}
	return &a, nil
}

// Delete deletes an alert (everything but its eternal events).
//
// Delete calls DELETE /v1/sic/alerts/{uuid}.
func (s *AlertsService) Delete(ctx context.Context, id string) error {
	if err := checkAlertID("Alerts.Delete", id); err != nil {
		return err
	}
	_, err := s.c.rest.Do(ctx, rest.Request{Method: http.MethodDelete, Path: "/v1/sic/alerts/" + rest.Seg(id)}, nil)
	return err
}

// PageOptions pages a simple list.
type PageOptions struct {
	// Limit is the page size: 1..100, 0 for the server default (20; the
	// All iterators use 100).
	Limit int `url:"limit,omitempty"`
	// Offset is the number of items skipped.
	Offset int `url:"offset,omitempty"`
}

func (o *PageOptions) values(method string, defaultLimit int) (PageOptions, url.Values, error) {
	var p PageOptions
	if o != nil {
		p = *o
	}
	if p.Limit == 0 {
		p.Limit = defaultLimit
	}
	if err := checkPaging(method, p.Limit, p.Offset, 100); err != nil {
		return p, nil, err
	}
	q := url.Values{}
	if p.Limit > 0 {
		q.Set("limit", strconv.Itoa(p.Limit))
	}
	if p.Offset > 0 {
		q.Set("offset", strconv.Itoa(p.Offset))
	}
	return p, q, nil
}

// ListComments returns one page of the comments of an alert.
//
// ListComments calls GET /v1/sic/alerts/{uuid}/comments.
func (s *AlertsService) ListComments(ctx context.Context, id string, opts *PageOptions) (*Page[Comment], error) {
	const method = "Alerts.ListComments"
	if err := checkAlertID(method, id); err != nil {
		return nil, err
	}
	p, q, err := opts.values(method, 0)
	if err != nil {
		return nil, err
	}
	return getPage[Comment](ctx, s.c, "/v1/sic/alerts/"+rest.Seg(id)+"/comments", q, p.Offset, p.Limit)
}

// AllComments iterates over every comment of an alert. The iterator
// contract is that of All.
//
// AllComments calls GET /v1/sic/alerts/{uuid}/comments once per page.
func (s *AlertsService) AllComments(ctx context.Context, id string, opts *PageOptions) iter.Seq2[Comment, error] {
	const method = "Alerts.AllComments"
	if err := checkAlertID(method, id); err != nil {
		return errSeq[Comment](err)
	}
	p, _, err := opts.values(method, 100)
	if err != nil {
		return errSeq[Comment](err)
	}
	return allPages[Comment](ctx, s.c, "/v1/sic/alerts/"+rest.Seg(id)+"/comments", nil, p.Offset, p.Limit)
}

// NewComment is a comment to add.
type NewComment struct {
	// Content is the text (required).
	Content string `json:"content"`
	// Author is an optional display name (at most 32 characters); the API
	// records "apikey:<uuid>" without it.
	Author string `json:"author,omitempty"`
}

// AddComment adds a comment to an alert and returns it.
//
// AddComment calls POST /v1/sic/alerts/{uuid}/comments with
// {"content","author"}.
func (s *AlertsService) AddComment(ctx context.Context, id string, c NewComment) (*Comment, error) {
	const method = "Alerts.AddComment"
	if err := checkAlertID(method, id); err != nil {
		return nil, err
	}
	if strings.TrimSpace(c.Content) == "" {
		return nil, errors.New("sekoia: " + method + ": content is empty")
	}
	if utf8.RuneCountInString(c.Author) > 32 {
		return nil, errors.New("sekoia: " + method + ": author is longer than 32 characters")
	}
	var out Comment
	if _, err := s.c.rest.Do(ctx, rest.Request{Method: http.MethodPost, Path: "/v1/sic/alerts/" + rest.Seg(id) + "/comments", Body: c}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// TimelineWindow is the span of an alert timeline.
type TimelineWindow string

// The timeline spans.
const (
	Timeline24h TimelineWindow = "24h"
	Timeline14d TimelineWindow = "14d"
)

// String returns the span as sent.
func (w TimelineWindow) String() string { return string(w) }

// TimelineOptions selects the timeline Timeline returns.
type TimelineOptions struct {
	// Window is Timeline24h (server default) or Timeline14d.
	Window TimelineWindow
	// FrameLength is the bucket length the API uses (0 = server default).
	FrameLength int
}

// Timeline is the occurrence histogram of an alert.
type Timeline struct {
	Buckets []TimelineBucket `json:"timeline"`
	Frame   TimeFrame        `json:"frame"`
}

// TimeFrame is a span of time.
type TimeFrame struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
}

// UnmarshalJSON decodes a frame, its times in any form.
func (f *TimeFrame) UnmarshalJSON(b []byte) error {
	var aux struct {
		Start isoTime `json:"start"`
		End   isoTime `json:"end"`
	}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	f.Start, f.End = aux.Start.Time, aux.End.Time
	return nil
}

// TimelineBucket counts the occurrences of an alert in a span.
type TimelineBucket struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
	Value int       `json:"value"`
}

// UnmarshalJSON decodes a bucket, its times in any form.
func (t *TimelineBucket) UnmarshalJSON(b []byte) error {
	var aux struct {
		Start isoTime `json:"start"`
		End   isoTime `json:"end"`
		Value int     `json:"value"`
	}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	t.Start, t.End, t.Value = aux.Start.Time, aux.End.Time, aux.Value
	return nil
}

// Timeline returns the occurrence histogram of an alert.
//
// Timeline calls GET /v1/sic/alerts/{uuid}/timeline with type and
// frame-length.
func (s *AlertsService) Timeline(ctx context.Context, id string, opts *TimelineOptions) (*Timeline, error) {
	const method = "Alerts.Timeline"
	if err := checkAlertID(method, id); err != nil {
		return nil, err
	}
	var o TimelineOptions
	if opts != nil {
		o = *opts
	}
	q := url.Values{}
	switch o.Window {
	case "":
	case Timeline24h, Timeline14d:
		q.Set("type", string(o.Window))
	default:
		return nil, fmt.Errorf("sekoia: %s: window %q is not 24h or 14d", method, argcheck.Short(string(o.Window)))
	}
	if o.FrameLength < 0 {
		return nil, fmt.Errorf("sekoia: %s: frame length %d is negative", method, o.FrameLength)
	}
	if o.FrameLength > 0 {
		q.Set("frame-length", strconv.Itoa(o.FrameLength))
	}
	var out Timeline
	if _, err := s.c.rest.Do(ctx, rest.Request{Method: http.MethodGet, Path: "/v1/sic/alerts/" + rest.Seg(id) + "/timeline", Query: q}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// HistoryListOptions pages an alert's history.
type HistoryListOptions struct {
	// Limit is the page size: 1..100, 0 for the server default (20; the
	// iterator uses 100).
	Limit  int `url:"limit,omitempty"`
	Offset int `url:"offset,omitempty"`
	// CommunityUUID scopes the request to a community.
	CommunityUUID string `url:"community_uuid,omitempty"`
}

func (o *HistoryListOptions) values(method string, defaultLimit int) (HistoryListOptions, url.Values, error) {
	var h HistoryListOptions
	if o != nil {
		h = *o
	}
	if h.Limit == 0 {
		h.Limit = defaultLimit
	}
	if err := checkPaging(method, h.Limit, h.Offset, 100); err != nil {
		return h, nil, err
	}
	if h.CommunityUUID != "" && !idcheck.IsUUID(h.CommunityUUID) {
		return h, nil, fmt.Errorf("sekoia: %s: CommunityUUID %q is not a UUID", method, argcheck.Short(h.CommunityUUID))
	}
	q, err := encodeQuery(method, &h)
	return h, q, err
}

// History returns one page of the change log of an alert.
//
// History calls GET /v1/sic/alerts/{uuid}/history.
func (s *AlertsService) History(ctx context.Context, id string, opts *HistoryListOptions) (*Page[HistoryEntry], error) {
	const method = "Alerts.History"
	if err := checkAlertID(method, id); err != nil {
		return nil, err
	}
	h, q, err := opts.values(method, 0)
	if err != nil {
		return nil, err
	}
	return getPage[HistoryEntry](ctx, s.c, "/v1/sic/alerts/"+rest.Seg(id)+"/history", q, h.Offset, h.Limit)
}

// AllHistory iterates over the whole change log of an alert. The iterator
// contract is that of All.
//
// AllHistory calls GET /v1/sic/alerts/{uuid}/history once per page.
func (s *AlertsService) AllHistory(ctx context.Context, id string, opts *HistoryListOptions) iter.Seq2[HistoryEntry, error] {
	const method = "Alerts.AllHistory"
	if err := checkAlertID(method, id); err != nil {
		return errSeq[HistoryEntry](err)
	}
	h, q, err := opts.values(method, 100)
	if err != nil {
		return errSeq[HistoryEntry](err)
	}
	q.Del("limit")
	q.Del("offset")
	return allPages[HistoryEntry](ctx, s.c, "/v1/sic/alerts/"+rest.Seg(id)+"/history", q, h.Offset, h.Limit)
}
