package sekoia

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"

	"time"

	"github.com/socgo/xdr/internal/argcheck"
	"github.com/socgo/xdr/internal/rest"
	wire "github.com/socgo/xdr/internal/wire/sekoia"
)

// CustomStatusStage is the stage of a custom status.
type CustomStatusStage string

// The stages of a custom status.
const (
	StageOpen       CustomStatusStage = "open"
	StageInProgress CustomStatusStage = "in_progress"
	StageClosed     CustomStatusStage = "closed"
)

// String returns the stage as the API writes it.
func (s CustomStatusStage) String() string { return string(s) }

// CustomStatus is a custom status of alerts or cases.
type CustomStatus struct {
	UUID          string            `json:"uuid"`
	CommunityUUID string            `json:"community_uuid,omitempty"`
	Label         string            `json:"label"`
	Description   string            `json:"description,omitempty"`
	Level         int               `json:"level"`
	Stage         CustomStatusStage `json:"stage"`
	// Type lists what the status applies to: "alert", "case".
	Type           []string  `json:"type,omitempty"`
	IsUsed         bool      `json:"is_used,omitempty"`
	IsUsedInAlerts bool      `json:"is_used_in_alerts,omitempty"`
	IsUsedInCases  bool      `json:"is_used_in_cases,omitempty"`
	CreatedBy      string    `json:"created_by,omitempty"`
	CreatedByType  string    `json:"created_by_type,omitempty"`
	UpdatedBy      string    `json:"updated_by,omitempty"`
	UpdatedByType  string    `json:"updated_by_type,omitempty"`
	CreatedAt      time.Time `json:"created_at,omitzero"`
	UpdatedAt      time.Time `json:"updated_at,omitzero"`
}

// UnmarshalJSON decodes a custom status, its times in any form the API uses.
func (c *CustomStatus) UnmarshalJSON(b []byte) error {
	type plain CustomStatus
	aux := struct {
		*plain
		CreatedAt isoTime `json:"created_at"`
		UpdatedAt isoTime `json:"updated_at"`
	}{plain: (*plain)(c)}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	c.CreatedAt, c.UpdatedAt = aux.CreatedAt.Time, aux.UpdatedAt.Time
	return nil
}

// CustomStatusListOptions filters ListCustomStatuses and
// AllCustomStatuses.
type CustomStatusListOptions struct {
	// Type is "alert" or "case"; empty lists both.
	Type string
	// WithIsUsed asks for the is_used flags (server default true).
	WithIsUsed *bool
	// Limit is the page size (1..100, 0 = server default).
	Limit  int
	Offset int
}

// ListCustomStatuses lists one page of custom statuses (alert statuses
// with opts.Type "alert").
//
// ListCustomStatuses calls GET /v1/sic/custom_statuses.
func (s *AlertsService) ListCustomStatuses(ctx context.Context, opts *CustomStatusListOptions) (*Page[CustomStatus], error) {
	o, r, err := opts.request("Alerts.ListCustomStatuses", 0)
	if err != nil {
		return nil, err
	}
	return getPage[CustomStatus](ctx, s.c, r.Path, r.Query, o.Offset, o.Limit)
}

// AllCustomStatuses iterates over every custom status opts selects, 100
// per page unless opts.Limit says otherwise. The iterator contract is that
// of All.
//
// AllCustomStatuses calls GET /v1/sic/custom_statuses once per page.
func (s *AlertsService) AllCustomStatuses(ctx context.Context, opts *CustomStatusListOptions) iter.Seq2[CustomStatus, error] {
	o, r, err := opts.request("Alerts.AllCustomStatuses", 100)
	if err != nil {
		return errSeq[CustomStatus](err)
	}
	return allPages[CustomStatus](ctx, s.c, r.Path, r.Query, o.Offset, o.Limit)
}

// request checks the options and builds GET /v1/sic/custom_statuses;
// defaultLimit replaces a zero Limit. With a defaultLimit (an iterator's)
// the page is left out of the query, for the iterator to page.
func (opts *CustomStatusListOptions) request(method string, defaultLimit int) (CustomStatusListOptions, rest.Request, error) {
	var o CustomStatusListOptions
	if opts != nil {
		o = *opts
	}
	if o.Limit == 0 {
		o.Limit = defaultLimit
	}
	if o.Type != "" && o.Type != "alert" && o.Type != "case" {
		return o, rest.Request{}, fmt.Errorf("sekoia: %s: type %q is not alert or case", method, argcheck.Short(o.Type))
	}
	if err := checkList(method, o.Limit, o.Offset, ""); err != nil {
		return o, rest.Request{}, err
	}
	p := wire.ListCustomStatusesParams{WithIsUsed: o.WithIsUsed}
	if o.Type != "" {
		p.Match = &wire.ListCustomStatusesParams_Match{Type: (*wire.ListCustomStatusesParamsMatchType)(&o.Type)}
	}
	if defaultLimit == 0 {
		p.Limit, p.Offset = ptr(o.Limit), ptr(o.Offset)
	}
	r, err := line(method)(wire.NewListCustomStatusesRequest(&p))
	return o, r, err
}

// SetCustomStatus sets the alert's custom status (a UUID from
// ListCustomStatuses) and returns the updated alert.
//
// SetCustomStatus calls PATCH /v1/sic/alerts/{uuid} with
// {"custom_status_uuid"}.
func (s *AlertsService) SetCustomStatus(ctx context.Context, id, customStatusUUID string) (*Alert, error) {
	const method = "Alerts.SetCustomStatus"
	if err := checkAlertID(method, id); err != nil {
		return nil, err
	}
	if err := checkUUID(method, "customStatusUUID", customStatusUUID); err != nil {
		return nil, err
	}
	return s.patch(ctx, method, id, &AlertUpdate{CustomStatusUUID: customStatusUUID})
}
