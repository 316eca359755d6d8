package sekoia

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/url"
	"strings"
	"time"

	"github.com/socgo/xdr/internal/argcheck"
	"github.com/socgo/xdr/internal/idcheck"
	wire "github.com/socgo/xdr/internal/wire/sekoia"
)

// CasesService creates, lists, reads, updates and deletes cases
// (/v1/sic/cases), their alerts, comments, events and history, and applies
// bulk changes. Get it from Client.Cases.
type CasesService struct{ c *Client }

// Case is a Sekoia.io case: the alerts of one incident, with its status,
// priority, verdict, assignees and comments. Times are RFC 3339 on the
// wire (unlike alerts); absent or null values are the zero value. Raw
// keeps the exact JSON the case was decoded from and MarshalJSON returns
// it.
type Case struct {
	UUID          string       `json:"uuid"`
	ShortID       string       `json:"short_id"`
	CreatedAt     time.Time    `json:"created_at,omitzero"`
	CreatedBy     string       `json:"created_by,omitempty"`
	CreatedByType string       `json:"created_by_type,omitempty"`
	UpdatedAt     time.Time    `json:"updated_at,omitzero"`
	UpdatedBy     string       `json:"updated_by,omitempty"`
	UpdatedByType string       `json:"updated_by_type,omitempty"`
	Title         string       `json:"title"`
	Description   string       `json:"description,omitempty"`
	Priority      CasePriority `json:"priority,omitempty"`
	// Status is the name of the legacy status ("opened" …) and StatusUUID
	// its UUID; CustomStatus, when set, is what the console shows. See
	// CurrentStatus.
	Status        string `json:"status"`
	StatusUUID    string `json:"status_uuid"`
	CommunityUUID string `json:"community_uuid"`
	// Subscribers are the profiles following the case; those of type
	// "assignee" are its assignees.
	Subscribers      []CaseSubscriber `json:"subscribers,omitempty"`
	Tags             []string         `json:"tags,omitempty"`
	NumberOfComments int              `json:"number_of_comments"`
	// FirstSeenAt and LastSeenAt bound the events of the case.
	FirstSeenAt time.Time `json:"first_seen_at,omitzero"`
	LastSeenAt  time.Time `json:"last_seen_at,omitzero"`
	// Manual is true for a case made by hand; IsSupplied when alerts may
	// be added to it automatically.
	Manual     bool `json:"manual,omitempty"`
	IsSupplied bool `json:"is_supplied,omitempty"`

	VerdictUUID        string              `json:"verdict_uuid,omitempty"`
	Verdict            *CaseVerdict        `json:"verdict,omitempty"`
	CustomStatusUUID   string              `json:"custom_status_uuid,omitempty"`
	CustomStatus       *CaseCustomStatus   `json:"custom_status,omitempty"`
	CustomPriorityUUID string              `json:"custom_priority_uuid,omitempty"`
	CustomPriority     *CaseCustomPriority `json:"custom_priority,omitempty"`

	DescriptionUpdatedManually bool               `json:"description_updated_manually,omitempty"`
	PriorityUpdatedManually    bool               `json:"priority_updated_manually,omitempty"`
	CustomFields               []AlertCustomField `json:"custom_fields,omitempty"`
	NumberOfAlerts             int                `json:"number_of_alerts"`
	// Alerts are the alerts of the case, as Get returns them.
	Alerts []Alert `json:"alerts,omitempty"`

	// Raw is the JSON the case was decoded from.
	Raw json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes a case, its times in any form, keeping Raw.
func (c *Case) UnmarshalJSON(b []byte) error {
	type plain Case
	*c = Case{}
	aux := struct {
		*plain
		CreatedAt   isoTime `json:"created_at"`
		UpdatedAt   isoTime `json:"updated_at"`
		FirstSeenAt isoTime `json:"first_seen_at"`
		LastSeenAt  isoTime `json:"last_seen_at"`
	}{plain: (*plain)(c)}
	if err := json.Unmarshal(b, &aux); err != nil {
		return fmt.Errorf("sekoia: decode case: %w", err)
	}
	c.CreatedAt, c.UpdatedAt = aux.CreatedAt.Time, aux.UpdatedAt.Time
	c.FirstSeenAt, c.LastSeenAt = aux.FirstSeenAt.Time, aux.LastSeenAt.Time
	c.Raw = append(json.RawMessage(nil), b...)
	return nil
}

// MarshalJSON returns Raw when the case was decoded from JSON; otherwise it
// encodes the fields, times in RFC 3339 (null when zero for the seen
// times).
func (c Case) MarshalJSON() ([]byte, error) {
	if len(c.Raw) > 0 {
		return c.Raw, nil
	}
	type plain Case
	return json.Marshal(struct {
		plain
		FirstSeenAt isoTime `json:"first_seen_at"`
		LastSeenAt  isoTime `json:"last_seen_at"`
	}{plain(c), isoTime{c.FirstSeenAt}, isoTime{c.LastSeenAt}})
}

// CurrentStatus returns the status the case is in: its custom status when
// it has one, else its legacy status, whose stage is read from its name
// ("opened", "in_progress", "closed"; empty for another name).
func (c *Case) CurrentStatus() CaseStatus {
	if c.CustomStatus != nil || c.CustomStatusUUID != "" {
		s := CaseStatus{UUID: c.CustomStatusUUID, Custom: true}
		if c.CustomStatus != nil {
			s.Name, s.Stage = c.CustomStatus.Label, c.CustomStatus.Stage
		}
		return s
	}
	return CaseStatus{UUID: c.StatusUUID, Name: c.Status, Stage: legacyStage(c.Status)}
}

// CaseFilter selects cases: the filters of the case list, of Statistics
// and of the bulk updates. Every list field is sent comma-joined (values
// are OR-ed; different fields are AND-ed); values may not hold a comma.
type CaseFilter struct {
	// CreatedAt, UpdatedAt, LastSeenAt: date[created_at|updated_at|last_seen_at].
	CreatedAt  *TimeRange
	UpdatedAt  *TimeRange
	LastSeenAt *TimeRange
	// Tags: match[tags]; Assignees: match[assignees] (profile UUIDs).
	Tags      []string
	Assignees []string
	// CreatedBy: match[created_by]; UpdatedBy: match[updated_by].
	CreatedBy []string
	UpdatedBy []string
	// Titles: match[title].
	Titles []string
	// AlertUUIDs: match[alert_uuid] (the cases holding these alerts);
	// AssetUUIDs: match[asset_uuid].
	AlertUUIDs []string
	AssetUUIDs []string
	// Priority: match[priority] (one value).
	Priority CasePriority
	// CustomPriorityUUIDs: match[custom_priority]; CustomStatusUUIDs:
	// match[custom_status]; VerdictUUIDs: match[verdict].
	CustomPriorityUUIDs []string
	CustomStatusUUIDs   []string
	VerdictUUIDs        []string
	// ShortIDs: match[short_id]; UUIDs: match[uuid].
	ShortIDs []string
	UUIDs    []string
	// StatusUUIDs: match[status_uuid]; StatusNames: match[status_name].
	StatusUUIDs []string
	StatusNames []string
	// CustomFields: match[custom_field], each "<field uuid>:<value>".
	CustomFields []string
	// Type: match[type] (automatic or manual).
	Type CaseType
	// CommunityUUIDs: match[community_uuid].
	CommunityUUIDs []string
	// Exclude holds the nomatch[...] filters.
	Exclude *CaseExclusions
}

// CaseExclusions are the nomatch[...] filters of the case list.
type CaseExclusions struct {
	Assignees []string
	CreatedBy []string
}

func (f *CaseFilter) check(method string) error {
	if f == nil {
		return nil
	}
	if err := f.Priority.check(method, "Priority"); err != nil {
		return err
	}
	if f.Type != "" && f.Type != CaseAutomatic && f.Type != CaseManual {
		return fmt.Errorf("sekoia: %s: Type %q is not automatic or manual", method, argcheck.Short(string(f.Type)))
	}
	return nil
}

// CaseListOptions filters, sorts and pages the case list. The zero value
// lists every case.
type CaseListOptions struct {
	CaseFilter
	// WithCustomStatuses asks for each case's custom status.
	WithCustomStatuses bool
	// Sort and Direction order the list.
	Sort      CaseSort
	Direction Direction
	// Limit is the page size: 1..100, 0 for the server default (20; All
	// uses 100).
	Limit int
	// Offset is the number of cases skipped.
	Offset int
}

// List returns one page of cases matching opts (nil lists all).
//
// List calls GET /v1/sic/cases.
func (s *CasesService) List(ctx context.Context, opts *CaseListOptions) (*Page[Case], error) {
	return listPage[Case](ctx, s.c, "Cases.List", "", opts)
}

// All iterates over every case matching opts, fetching opts.Limit cases
// per request (100 when 0) and the next page while the caller works on
// the current one.
//
// The iterator is lazy and can be run again (each run starts over); opts
// is copied and never changed; every request uses ctx; on an error it
// yields (nil, err) once and stops (with ErrPaginationStalled when the
// server ignores the paging parameters); breaking out of the loop stops
// fetching and frees the connection.
//
// Changing the cases inside the loop is safe: every case that matches
// opts when the loop starts, and still matches when its turn comes, is
// yielded exactly once, even when the loop changes cases already yielded
// so that they no longer match (closing each case of a loop over open
// cases). With Sort empty or CaseSortCreatedAt, All pages by creation time
// rather than by offset, as AlertsService.All does: each request asks for
// the cases created from the second of the last case read
// (date[created_at]), skipping those already yielded in that second. This
// costs no request more than offset paging, except one request (limit 1)
// to fix the upper end of an ascending walk with no CreatedAt.To; its
// memory is one page and the ids of one second. Cases created after the
// loop starts are not yielded (unless they share the creation second of
// the newest case of the first page: newest first, or of the newest
// matching case: oldest first). opts.Offset skips cases of the first page
// only. Without Direction the order is newest first, the API's own. A
// second holding more than Limit cases is read whole before any of it is
// yielded.
//
// With Sort CaseSortTitle, All reads the whole list first (offset paging,
// no change can happen meanwhile) and then yields it: memory grows with
// the list (every case decoded, its Raw JSON kept) and the first case
// comes only after the last page.
//
// All calls GET /v1/sic/cases once per page, with sort=created_at,
// direction and date[created_at] for keyset paging.
func (s *CasesService) All(ctx context.Context, opts *CaseListOptions) iter.Seq2[Case, error] {
	o, r, err := allOptions("Cases.All", "", opts)
	if err != nil {
		return errSeq[Case](err)
	}
	if o.Sort != "" && o.Sort != CaseSortCreatedAt {
		return snapshotAll(allPages[Case](ctx, s.c, r.Path, r.Query, o.Offset, o.Limit))
	}
	k := &keysetList[Case]{
		param: "date[created_at]", sortParam: "sort", dirParam: "direction", sortValue: string(CaseSortCreatedAt),
		desc: o.Direction != Ascending, user: o.CreatedAt, subSecond: true,
		key: func(c *Case) (time.Time, string) { return c.CreatedAt.Truncate(time.Second), c.UUID },
		get: func(ctx context.Context, q url.Values, offset, limit int) (*Page[Case], error) {
			return getPage[Case](ctx, s.c, r.Path, q, offset, limit)
		},
	}
	return k.all(ctx, r.Query, o.Offset, o.Limit)
}

// isCaseID reports whether id is a case UUID or short id ("CAs3AT1XeGCp").
func checkCaseID(method, id string) error {
	if !idcheck.IsUUID(id) && !isShortID(id, "CA") {
		return fmt.Errorf("sekoia: %s: case id %q is not a UUID or short id", method, argcheck.Short(id))
	}
	return nil
}

// CaseGetOptions selects what Get returns.
type CaseGetOptions struct {
	// CommunityUUID scopes the request to a community.
	CommunityUUID string
	// Render returns the description with its placeholders resolved.
	Render bool
}

// Get returns one case by UUID or short id.
//
// Get calls GET /v1/sic/cases/{uuid} with community_uuid and render when
// set.
func (s *CasesService) Get(ctx context.Context, id string, opts *CaseGetOptions) (*Case, error) {
	const method = "Cases.Get"
	if err := checkCaseID(method, id); err != nil {
		return nil, err
	}
	var o CaseGetOptions
	if opts != nil {
		o = *opts
	}
	if o.CommunityUUID != "" {
		if err := checkUUID(method, "CommunityUUID", o.CommunityUUID); err != nil {
			return nil, err
		}
	}
	var out Case
	if err := s.c.send(ctx, method, nil, &out)(wire.NewGetCaseRequest(id, &wire.GetCaseParams{
		CommunityUuid: ptr(o.CommunityUUID), Render: ptr(o.Render),
	})); err != nil {
		return nil, err
	}
	return &out, nil
}

// NewCase is a case to create.
type NewCase struct {
	// Title is required.
	Title       string       `json:"title"`
	Description string       `json:"description,omitempty"`
	Priority    CasePriority `json:"priority,omitempty"`
	// StatusUUID or CustomStatusUUID sets the initial status (the
	// server's default status otherwise).
	StatusUUID         string           `json:"status_uuid,omitempty"`
	CustomStatusUUID   string           `json:"custom_status_uuid,omitempty"`
	CustomPriorityUUID string           `json:"custom_priority_uuid,omitempty"`
	VerdictUUID        string           `json:"verdict_uuid,omitempty"`
	Tags               []string         `json:"tags,omitempty"`
	Subscribers        []CaseSubscriber `json:"subscribers,omitempty"`
	// CommunityUUID is required with a multi-tenant key.
	CommunityUUID string `json:"community_uuid,omitempty"`
}

// caseFields are the fields NewCase and CaseUpdate share, checked alike.
type caseFields struct {
	title                                                    *string
	priority                                                 CasePriority
	status, customStatus, customPriority, verdict, community string
	subscribers                                              []CaseSubscriber
	tags                                                     []string
}

func (f caseFields) check(method string) error {
	if err := f.priority.check(method, "Priority"); err != nil {
		return err
	}
	for _, u := range []struct{ name, v string }{
		{"StatusUUID", f.status}, {"CustomStatusUUID", f.customStatus},
		{"CustomPriorityUUID", f.customPriority}, {"VerdictUUID", f.verdict},
		{"CommunityUUID", f.community},
	} {
		if u.v != "" && !idcheck.IsUUID(u.v) {
			return fmt.Errorf("sekoia: %s: %s %q is not a UUID", method, u.name, argcheck.Short(u.v))
		}
	}
	for i, sub := range f.subscribers {
		if !idcheck.IsUUID(sub.AvatarUUID) {
			return fmt.Errorf("sekoia: %s: Subscribers[%d].AvatarUUID %q is not a UUID", method, i, argcheck.Short(sub.AvatarUUID))
		}
		if strings.TrimSpace(sub.Type) == "" {
			return fmt.Errorf("sekoia: %s: Subscribers[%d].Type is empty", method, i)
		}
	}
	for i, t := range f.tags {
		if strings.TrimSpace(t) == "" {
			return fmt.Errorf("sekoia: %s: Tags[%d] is empty", method, i)
		}
	}
	return nil
}

// Create creates a case and returns it. Create is a POST: it is not
// retried once sent.
//
// Create calls POST /v1/sic/cases.
func (s *CasesService) Create(ctx context.Context, nc NewCase) (*Case, error) {
	const method = "Cases.Create"
	if strings.TrimSpace(nc.Title) == "" {
		return nil, errors.New("sekoia: " + method + ": title is empty")
	}
	f := caseFields{title: &nc.Title, priority: nc.Priority, status: nc.StatusUUID, customStatus: nc.CustomStatusUUID,
		customPriority: nc.CustomPriorityUUID, verdict: nc.VerdictUUID, community: nc.CommunityUUID, subscribers: nc.Subscribers, tags: nc.Tags}
	if err := f.check(method); err != nil {
		return nil, err
	}
	var out Case
	if err := s.c.send(ctx, method, nc, &out)(wire.NewCreateCaseRequest()); err != nil {
		return nil, err
	}
	return &out, nil
}

// CaseUpdate is the change Update applies: only the fields set are sent.
// A non-nil empty Tags or Subscribers clears them.
type CaseUpdate struct {
	Title *string `json:"title,omitempty"`
	// Description may not be set to "" (the API refuses an empty
	// description).
	Description        *string          `json:"description,omitempty"`
	Priority           CasePriority     `json:"priority,omitempty"`
	StatusUUID         string           `json:"status_uuid,omitempty"`
	CustomStatusUUID   string           `json:"custom_status_uuid,omitempty"`
	CustomPriorityUUID string           `json:"custom_priority_uuid,omitempty"`
	VerdictUUID        string           `json:"verdict_uuid,omitempty"`
	Tags               []string         `json:"tags,omitzero"`
	Subscribers        []CaseSubscriber `json:"subscribers,omitzero"`
}

func (u *CaseUpdate) check(method string) error {
	if u == nil || (u.Title == nil && u.Description == nil && u.Priority == "" && u.StatusUUID == "" &&
		u.CustomStatusUUID == "" && u.CustomPriorityUUID == "" && u.VerdictUUID == "" && u.Tags == nil && u.Subscribers == nil) {
		return errors.New("sekoia: " + method + ": update is empty")
	}
	if u.Title != nil && strings.TrimSpace(*u.Title) == "" {
		return errors.New("sekoia: " + method + ": Title is empty")
	}
	if u.Description != nil && strings.TrimSpace(*u.Description) == "" {
		return errors.New("sekoia: " + method + ": Description is empty (the API refuses it)")
	}
	return caseFields{title: u.Title, priority: u.Priority, status: u.StatusUUID, customStatus: u.CustomStatusUUID,
		customPriority: u.CustomPriorityUUID, verdict: u.VerdictUUID, subscribers: u.Subscribers, tags: u.Tags}.check(method)
}

// Update changes the fields of a case set in u and returns the case. A
// status change the server refuses fails with an *APIError carrying its
// message.
//
// Update calls PATCH /v1/sic/cases/{uuid}.
func (s *CasesService) Update(ctx context.Context, id string, u *CaseUpdate) (*Case, error) {
	const method = "Cases.Update"
	if err := checkCaseID(method, id); err != nil {
		return nil, err
	}
	if err := u.check(method); err != nil {
		return nil, err
	}
	var out Case
	if err := s.c.send(ctx, method, u, &out)(wire.NewUpdateCaseRequest(id)); err != nil {
		return nil, err
	}
	return &out, nil
}

// SetStatus moves a case to a custom status (a UUID from
// Alerts.CustomStatuses with Type "case") and returns the case.
//
// SetStatus calls PATCH /v1/sic/cases/{uuid} with {"custom_status_uuid"}.
func (s *CasesService) SetStatus(ctx context.Context, id, customStatusUUID string) (*Case, error) {
	if err := checkUUID("Cases.SetStatus", "customStatusUUID", customStatusUUID); err != nil {
		return nil, err
	}
	return s.Update(ctx, id, &CaseUpdate{CustomStatusUUID: customStatusUUID})
}

// Delete deletes a case and everything related to it (not its alerts).
//
// Delete calls DELETE /v1/sic/cases/{uuid}.
func (s *CasesService) Delete(ctx context.Context, id string) error {
	const method = "Cases.Delete"
	if err := checkCaseID(method, id); err != nil {
		return err
	}
	return s.c.send(ctx, method, nil, nil)(wire.NewDeleteCaseRequest(id))
}

// CaseStatistics counts cases.
type CaseStatistics struct {
	Total  int `json:"total"`
	Open   int `json:"open"`
	Closed int `json:"closed"`
}

// caseStatisticsBody is the body of GET /v1/sic/cases/statistics.
type caseStatisticsBody struct {
	Count CaseStatistics `json:"count"`
}

// Statistics counts the cases matching f (nil counts all).
//
// Statistics calls GET /v1/sic/cases/statistics.
func (s *CasesService) Statistics(ctx context.Context, f *CaseFilter) (*CaseStatistics, error) {
	r, err := f.statisticsRequest("Cases.Statistics")
	if err != nil {
		return nil, err
	}
	var out caseStatisticsBody
	if _, err := s.c.rest.Do(ctx, r, &out); err != nil {
		return nil, err
	}
	return &out.Count, nil
}

// CaseTagListOptions filters and pages the case tags.
type CaseTagListOptions struct {
	// Name searches the tags by name.
	Name string
	// CommunityUUIDs: match[community_uuid].
	CommunityUUIDs []string
	// Limit is the page size: 1..100, 0 for the server default (20; the
	// iterator uses 100).
	Limit  int
	Offset int
}

// ListTags returns one page of the tags used on cases.
//
// ListTags calls GET /v1/sic/cases/tags.
func (s *CasesService) ListTags(ctx context.Context, opts *CaseTagListOptions) (*Page[string], error) {
	return listPage[string](ctx, s.c, "Cases.ListTags", "", opts)
}

// AllTags iterates over every tag used on cases, 100 per request unless
// opts.Limit says otherwise.
//
// The iterator is lazy and can be run again (each run starts over); opts
// is copied and never changed; every request uses ctx; on an error it
// yields ("", err) once and stops; breaking out of the loop stops fetching
// and frees the connection.
//
// Changing the cases' tags inside the loop is safe: AllTags reads every
// page first (offset paging, no change can happen meanwhile) and then
// yields the tags, so each tag used when the loop starts is yielded
// exactly once, and tags that appear during the loop are not. The cost is
// the memory of the tag names and the first tag coming only after the last
// page.
//
// AllTags calls GET /v1/sic/cases/tags once per page.
func (s *CasesService) AllTags(ctx context.Context, opts *CaseTagListOptions) iter.Seq2[string, error] {
	return snapshotAll(listAll[string](ctx, s.c, "Cases.AllTags", "", opts))
}
