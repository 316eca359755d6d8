package sekoia

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/socgo/xdr/internal/argcheck"
	"github.com/socgo/xdr/internal/idcheck"
	wire "github.com/socgo/xdr/internal/wire/sekoia"
)

// Status is the UUID of a legacy alert status: the value of an alert's
// status.uuid and of the match[status_uuid] filter. Use the constants; a
// Status read from the API may hold another UUID.
//
// The built-in statuses move along this graph (Status.Actions,
// Status.CanMoveTo and Action.AllowedFrom answer from it; the API answers
// 409, ErrConflict, to any other move):
//
//	from          actions (status reached)
//	Pending       Acknowledge (Acknowledged), Validate (Ongoing), Reject (Rejected)
//	Acknowledged  Validate (Ongoing), Reject (Rejected); back to Pending
//	Ongoing       Close (Closed), Reject (Rejected)
//	Rejected      none; back to Pending
//	Closed        none (final)
//
// "Back to Pending" is sent as the StatusPending UUID itself: no action
// leads there. Rejected alerts therefore cannot be closed: reopen them
// (StatusPending), then validate and close. A community using custom
// statuses may move otherwise: Workflow lists what the API allows for one
// alert.
type Status string

// The five alert statuses.
const (
	// StatusPending: the alert is waiting for an action.
	StatusPending Status = "2efc4930-1442-4abb-acf2-58ba219a4fd0"
	// StatusAcknowledged: the alert was checked by an operator and will be
	// evaluated.
	StatusAcknowledged Status = "8f206505-af6d-433e-93f4-775d46dc7d0f"
	// StatusOngoing: the alert may be a true positive; action is needed.
	StatusOngoing Status = "1f2f88d5-ff5b-48bf-bbbc-00c2fff82d9f"
	// StatusRejected: a false positive, or an alert that will not be
	// addressed.
	StatusRejected Status = "4f68da89-38e0-4703-a6ab-652f02bdf24e"
	// StatusClosed: a true positive that was addressed.
	StatusClosed Status = "1738b1c1-767d-489e-bada-19176621a007"
)

// String returns the status's name ("Pending", ...), or its UUID when it is
// not one of the five.
func (s Status) String() string {
	switch s {
	case StatusPending:
		return "Pending"
	case StatusAcknowledged:
		return "Acknowledged"
	case StatusOngoing:
		return "Ongoing"
	case StatusRejected:
		return "Rejected"
	case StatusClosed:
		return "Closed"
	}
	return string(s)
}

// UUID returns the status's UUID.
func (s Status) UUID() string { return string(s) }

// StatusFromName returns the status named name (case-insensitive,
// "pending" or "Pending").
func StatusFromName(name string) (Status, bool) {
	for _, s := range []Status{StatusPending, StatusAcknowledged, StatusOngoing, StatusRejected, StatusClosed} {
		if strings.EqualFold(s.String(), strings.TrimSpace(name)) {
			return s, true
		}
	}
	return "", false
}

// Action is the UUID of a workflow action: the value of an action's id in
// GET /v1/sic/alerts/{uuid}/workflow. Use the constants, or an id read
// from Workflow. Which action is allowed from which status is the graph
// documented on Status; see AllowedFrom.
type Action string

// The four workflow actions.
const (
	// ActionAcknowledge moves an alert to StatusAcknowledged.
	ActionAcknowledge Action = "937bdabf-6a08-434b-b6d3-d7447e4e452a"
	// ActionValidate moves an alert to StatusOngoing.
	ActionValidate Action = "c39a0a95-aa2c-4d0d-8d2e-d3decf426eea"
	// ActionReject moves an alert to StatusRejected.
	ActionReject Action = "ade85d7b-7507-4026-bfc6-cc006d10ddac"
	// ActionClose moves an alert to StatusClosed.
	ActionClose Action = "1390be4e-ced8-4dd6-9bed-573471b235ab"
)

// String returns the action's name ("Acknowledge", ...), or its UUID when
// it is not one of the four.
func (a Action) String() string {
	switch a {
	case ActionAcknowledge:
		return "Acknowledge"
	case ActionValidate:
		return "Validate"
	case ActionReject:
		return "Reject"
	case ActionClose:
		return "Close"
	}
	return string(a)
}

// UUID returns the action's UUID.
func (a Action) UUID() string { return string(a) }

// Result returns the status the action leads to, if it is one of the four.
func (a Action) Result() (Status, bool) {
	switch a {
	case ActionAcknowledge:
		return StatusAcknowledged, true
	case ActionValidate:
		return StatusOngoing, true
	case ActionReject:
		return StatusRejected, true
	case ActionClose:
		return StatusClosed, true
	}
	return "", false
}

// Action returns the workflow action leading to s. StatusPending has none
// (the API accepts the status UUID itself to go back to Pending).
func (s Status) Action() (Action, bool) {
	switch s {
	case StatusAcknowledged:
		return ActionAcknowledge, true
	case StatusOngoing:
		return ActionValidate, true
	case StatusRejected:
		return ActionReject, true
	case StatusClosed:
		return ActionClose, true
	}
	return "", false
}

// Actions returns the actions the built-in workflow allows from s (none
// from Rejected, Closed or an unknown status). See the graph on Status.
func (s Status) Actions() []Action {
	switch s {
	case StatusPending:
		return []Action{ActionAcknowledge, ActionValidate, ActionReject}
	case StatusAcknowledged:
		return []Action{ActionValidate, ActionReject}
	case StatusOngoing:
		return []Action{ActionClose, ActionReject}
	}
	return nil
}

// AllowedFrom reports whether the built-in workflow allows action a from
// status s.
func (a Action) AllowedFrom(s Status) bool {
	for _, x := range s.Actions() {
		if x == a {
			return true
		}
	}
	return false
}

// CanMoveTo reports whether the built-in workflow allows the transition to
// (an Action, or a Status to reach) from s: an action allowed from s, a
// status one of those actions leads to, or StatusPending from Acknowledged
// or Rejected. It answers false for unknown statuses and actions.
func (s Status) CanMoveTo(to Transition) bool {
	switch t := to.(type) {
	case Action:
		return t.AllowedFrom(s)
	case Status:
		if t == StatusPending {
			return s == StatusAcknowledged || s == StatusRejected
		}
		a, ok := t.Action()
		return ok && a.AllowedFrom(s)
	}
	return false
}

// Transition is what a workflow update asks for: an Action, or a Status to
// reach. Both Action and Status satisfy it.
type Transition interface {
	// transitionUUID returns the UUID sent as action_uuid.
	transitionUUID() string
	String() string
}

// transitionUUID sends the action's UUID.
func (a Action) transitionUUID() string { return string(a) }

// transitionUUID sends the UUID of the action leading to s, or the status
// UUID itself when no action leads there (Pending, or an unknown status);
// the API accepts either in action_uuid.
func (s Status) transitionUUID() string {
	if a, ok := s.Action(); ok {
		return string(a)
	}
	return string(s)
}

func checkTransition(method string, to Transition) (string, error) {
	if to == nil {
		return "", fmt.Errorf("sekoia: %s: transition is nil", method)
	}
	id := to.transitionUUID()
	if !idcheck.IsUUID(id) {
		return "", fmt.Errorf("sekoia: %s: transition %q is not a UUID", method, argcheck.Short(id))
	}
	return id, nil
}

// Workflow lists the actions available from the alert's current status.
// id is the alert's UUID or short id.
//
// Workflow calls GET /v1/sic/alerts/{uuid}/workflow.
func (s *AlertsService) Workflow(ctx context.Context, id string) ([]WorkflowAction, error) {
	if err := checkAlertID("Alerts.Workflow", id); err != nil {
		return nil, err
	}
	r, err := line("Alerts.Workflow")(wire.NewListAlertWorkflowActionsRequest(id))
	if err != nil {
		return nil, err
	}
	var out workflowActions
	if _, err := s.c.rest.Do(ctx, r, &out); err != nil {
		return nil, err
	}
	return out.Actions, nil
}

// UpdateWorkflow moves the alert through its workflow: to is an Action
// (ActionAcknowledge …) or a Status to reach (StatusClosed …; sent as the
// action leading there, or as the status UUID for StatusPending). comment,
// when not empty, is recorded with the change. id is the alert's UUID or
// short id. A change not allowed from the current status fails with an
// error matching ErrConflict that carries the server's message.
//
// UpdateWorkflow calls PATCH /v1/sic/alerts/{uuid}/workflow with
// {"action_uuid", "comment"}.
func (s *AlertsService) UpdateWorkflow(ctx context.Context, id string, to Transition, comment string) error {
	_, err := s.Transition(ctx, id, to, comment)
	return err
}

// Transition is UpdateWorkflow returning the actions available after the
// change (the API may return none).
//
// Transition calls PATCH /v1/sic/alerts/{uuid}/workflow.
func (s *AlertsService) Transition(ctx context.Context, id string, to Transition, comment string) ([]WorkflowAction, error) {
	const method = "Alerts.UpdateWorkflow"
	if err := checkAlertID(method, id); err != nil {
		return nil, err
	}
	action, err := checkTransition(method, to)
	if err != nil {
		return nil, err
	}
	r, err := line(method)(wire.NewUpdateAlertWorkflowRequest(id))
	if err != nil {
		return nil, err
	}
	r.Body = workflowBody{ActionUUID: action, Comment: comment}
	var out workflowActions
	if _, err := s.c.rest.Do(ctx, r, &out); err != nil {
		return nil, err
	}
	return out.Actions, nil
}

// MaxBulkAlerts is the most alerts one bulk request carries (the ids
// travel in the URL); BulkUpdateWorkflow splits longer lists.
const MaxBulkAlerts = 100

// BulkUpdateWorkflow applies one workflow change to any number of alerts
// (UUIDs or short ids), MaxBulkAlerts per request, in order. The API
// applies a request whole or not at all: if one of its alerts cannot make
// the change it answers 409 and moves none of them.
//
// When a request fails, BulkUpdateWorkflow goes on with the next ones and
// returns a *BulkWorkflowError reporting every batch; after a 409 it reads
// the alerts of the batch (Alerts.List) to name each one that cannot make
// the change, and why. errors.Is(err, ErrConflict) holds then. The batches
// that failed are not sent again.
//
// BulkUpdateWorkflow calls PATCH /v1/sic/alerts/bulk/workflow once per
// batch, with match[uuid]=<id>,<id>… in the URL and
// {"action_uuid","comment"} in the body; the API answers 204.
func (s *AlertsService) BulkUpdateWorkflow(ctx context.Context, ids []string, to Transition, comment string) error {
	const method = "Alerts.BulkUpdateWorkflow"
	if len(ids) == 0 {
		return errors.New("sekoia: " + method + ": ids is empty")
	}
	for i, id := range ids {
		if !idcheck.IsUUID(id) && !isShortID(id, "AL") {
			return fmt.Errorf("sekoia: %s: ids[%d] %q is not a UUID or short id", method, i, argcheck.Short(id))
		}
	}
	action, err := checkTransition(method, to)
	if err != nil {
		return err
	}
	body := workflowBody{ActionUUID: action, Comment: comment}
	bulkErr := &BulkWorkflowError{To: to}
	failed := false
	for batch := range slices.Chunk(ids, MaxBulkAlerts) {
		r, err := line(method)(wire.NewBulkUpdateAlertWorkflowRequest(&wire.BulkUpdateAlertWorkflowParams{
			Match: wire.BulkUpdateAlertWorkflowParams_Match{Uuid: *csv(batch)},
		}))
		if err == nil {
			r.Body = body
			_, err = s.c.rest.Do(ctx, r, nil)
		}
		bulkErr.Batches = append(bulkErr.Batches, BulkBatch{IDs: batch, Err: err})
		if err == nil {
			continue
		}
		failed = true
		if errors.Is(err, ErrConflict) {
			bulkErr.Conflicts = append(bulkErr.Conflicts, s.conflicts(ctx, batch, to, err)...)
		}
		if ctx.Err() != nil {
			break
		}
	}
	if !failed {
		return nil
	}
	return bulkErr
}

// conflicts names the alerts of a batch refused with err that the built-in
// workflow does not let move to to. When it cannot tell (the alerts cannot
// be read, or all of them look movable: a custom workflow), it names every
// alert of the batch with the server's answer as the reason.
func (s *AlertsService) conflicts(ctx context.Context, batch []string, to Transition, err error) []WorkflowConflict {
	var uuids, shorts []string
	for _, id := range batch {
		if idcheck.IsUUID(id) {
			uuids = append(uuids, id)
		} else {
			shorts = append(shorts, id)
		}
	}
	found := make(map[string]*Alert, len(batch))
	read := func(o *AlertListOptions) bool {
		p, lerr := s.List(ctx, o)
		if lerr != nil {
			return false
		}
		for i := range p.Items {
			a := &p.Items[i]
			found[a.UUID], found[a.ShortID] = a, a
		}
		return true
	}
	ok := (len(uuids) == 0 || read(&AlertListOptions{UUIDs: uuids, Limit: MaxBulkAlerts})) &&
		(len(shorts) == 0 || read(&AlertListOptions{ShortIDs: shorts, Limit: MaxBulkAlerts}))
	var out []WorkflowConflict
	if ok {
		for _, id := range batch {
			a, hit := found[id]
			switch {
			case !hit:
				out = append(out, WorkflowConflict{ID: id, Reason: "alert not found"})
			case !a.Status.UUID.CanMoveTo(to):
				out = append(out, WorkflowConflict{ID: id, ShortID: a.ShortID, From: a.Status.UUID,
					Reason: fmt.Sprintf("no move from %s to %s", a.Status.UUID, to)})
			}
		}
	}
	if len(out) > 0 {
		return out
	}
	for _, id := range batch {
		out = append(out, WorkflowConflict{ID: id, Reason: causeText(err)})
	}
	return out
}

// BulkBatch is one request of BulkUpdateWorkflow: its alert ids and its
// outcome (nil: every alert of the batch moved; otherwise none did).
type BulkBatch struct {
	IDs []string
	Err error
}

// WorkflowConflict names an alert that could not make a workflow change.
type WorkflowConflict struct {
	// ID is the id as given; ShortID and From (its status) are set when the
	// alert could be read.
	ID      string
	ShortID string
	From    Status
	// Reason says why: "no move from Rejected to Closed", "alert not
	// found", or the server's answer when the built-in graph allows it.
	Reason string
}

// BulkWorkflowError is the error of a BulkUpdateWorkflow of which a batch
// failed. It matches (errors.Is, errors.As) the errors of its batches.
type BulkWorkflowError struct {
	// To is the transition asked for.
	To Transition
	// Batches are every batch sent, in order, with its outcome.
	Batches []BulkBatch
	// Conflicts are the alerts of the batches answered 409 that could not
	// move, each with its reason.
	Conflicts []WorkflowConflict
}

// Failed returns the ids of every alert that did not move: those of the
// batches that failed.
func (e *BulkWorkflowError) Failed() []string {
	var ids []string
	for _, b := range e.Batches {
		if b.Err != nil {
			ids = append(ids, b.IDs...)
		}
	}
	return ids
}

// Error summarises the failed batches and names up to five conflicts.
func (e *BulkWorkflowError) Error() string {
	var b strings.Builder
	nFailed, first := 0, error(nil)
	for _, batch := range e.Batches {
		if batch.Err != nil {
			if first == nil {
				first = batch.Err
			}
			nFailed++
		}
	}
	fmt.Fprintf(&b, "sekoia: Alerts.BulkUpdateWorkflow: %d of %d batches failed (%d alerts not moved to %s)", nFailed, len(e.Batches), len(e.Failed()), e.To)
	if len(e.Conflicts) > 0 {
		fmt.Fprintf(&b, "; %d cannot move:", len(e.Conflicts))
		for i, c := range e.Conflicts {
			if i == 5 {
				fmt.Fprintf(&b, " and %d more", len(e.Conflicts)-i)
				break
			}
			id := c.ID
			if c.ShortID != "" {
				id = c.ShortID
			}
			fmt.Fprintf(&b, " %s (%s)", argcheck.Short(id), argcheck.Short(c.Reason))
			if i < len(e.Conflicts)-1 && i < 4 {
				b.WriteByte(',')
			}
		}
	} else if first != nil {
		b.WriteString(": ")
		b.WriteString(causeText(first))
	}
	return b.String()
}

// Unwrap returns the errors of the failed batches.
func (e *BulkWorkflowError) Unwrap() []error {
	var errs []error
	for _, b := range e.Batches {
		if b.Err != nil {
			errs = append(errs, b.Err)
		}
	}
	return errs
}

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
	Type string `url:"match[type],omitempty"`
	// WithIsUsed asks for the is_used flags (server default true).
	WithIsUsed *bool `url:"with_is_used,omitempty"`
	// Limit is the page size (1..100, 0 = server default).
	Limit  int `url:"limit,omitempty"`
	Offset int `url:"offset,omitempty"`
}

// ListCustomStatuses lists one page of custom statuses (alert statuses
// with opts.Type "alert").
//
// ListCustomStatuses calls GET /v1/sic/custom_statuses.
func (s *AlertsService) ListCustomStatuses(ctx context.Context, opts *CustomStatusListOptions) (*Page[CustomStatus], error) {
	o, q, err := opts.values("Alerts.ListCustomStatuses", 0)
	if err != nil {
		return nil, err
	}
	return getPage[CustomStatus](ctx, s.c, customStatusesPath, q, o.Offset, o.Limit)
}

// AllCustomStatuses iterates over every custom status opts selects, 100
// per page unless opts.Limit says otherwise. The iterator contract is that
// of All.
//
// AllCustomStatuses calls GET /v1/sic/custom_statuses once per page.
func (s *AlertsService) AllCustomStatuses(ctx context.Context, opts *CustomStatusListOptions) iter.Seq2[CustomStatus, error] {
	o, q, err := opts.values("Alerts.AllCustomStatuses", 100)
	if err != nil {
		return errSeq[CustomStatus](err)
	}
	q.Del("limit")
	q.Del("offset")
	return allPages[CustomStatus](ctx, s.c, customStatusesPath, q, o.Offset, o.Limit)
}

const customStatusesPath = "/v1/sic/custom_statuses"

// values checks the options and encodes the query; defaultLimit replaces
// a zero Limit.
func (opts *CustomStatusListOptions) values(method string, defaultLimit int) (CustomStatusListOptions, url.Values, error) {
	var o CustomStatusListOptions
	if opts != nil {
		o = *opts
	}
	if o.Limit == 0 {
		o.Limit = defaultLimit
	}
	if o.Type != "" && o.Type != "alert" && o.Type != "case" {
		return o, nil, fmt.Errorf("sekoia: %s: type %q is not alert or case", method, argcheck.Short(o.Type))
	}
	q, err := listQuery(method, o.Limit, o.Offset, "", &o)
	return o, q, err
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
