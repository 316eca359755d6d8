package sekoia

import (
	"context"
	"fmt"
	"strings"

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
