package sekoia

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/socgo/xdr/internal/argcheck"
	"github.com/socgo/xdr/internal/rest"
	wire "github.com/socgo/xdr/internal/wire/sekoia"
)

// CountermeasuresService lists, adds, activates and denies the
// countermeasures of alerts and cases, their action steps and their
// comments. Get it from Client.Countermeasures.
//
// Activating or denying is a PATCH the client never sends twice on its own:
// a failure after the request left (a 5xx, a cut connection) is returned
// as is, because the countermeasure may have been activated. Read the
// countermeasure again (ListForAlert or ListForCase; GetStep for a step)
// before trying once more.
type CountermeasuresService struct{ c *Client }

// Countermeasure is a countermeasure proposed for an alert or a case.
// Times are time.Time (zero when null). Raw keeps the exact JSON it was
// decoded from, and MarshalJSON returns it.
type Countermeasure struct {
	UUID        string `json:"uuid"`
	Name        string `json:"name,omitempty"`
	Description string `json:"description,omitempty"`
	// ModelUUID is the model the countermeasure was made from.
	ModelUUID        string `json:"model_uuid,omitempty"`
	Relevance        int    `json:"relevance,omitempty"`
	DynamicRelevance int    `json:"dynamic_relevance,omitempty"`
	// Duration is the estimated time to apply it, as the API writes it.
	Duration string `json:"duration,omitempty"`
	// Status is the API's (deprecated) status text; ActivatedAt and
	// DeniedAt say what happened.
	Status          string    `json:"status,omitempty"`
	Type            string    `json:"type,omitempty"`
	Assignee        string    `json:"assignee,omitempty"`
	ExternalRef     string    `json:"external_ref,omitempty"`
	AlertUUID       string    `json:"alert_uuid,omitempty"`
	CaseUUID        string    `json:"case_uuid,omitempty"`
	CreatedAt       time.Time `json:"created_at,omitzero"`
	CreatedBy       string    `json:"created_by,omitempty"`
	CreatedByType   string    `json:"created_by_type,omitempty"`
	ActivatedAt     time.Time `json:"activated_at,omitzero"`
	ActivatedBy     string    `json:"activated_by,omitempty"`
	ActivatedByType string    `json:"activated_by_type,omitempty"`
	DeniedAt        time.Time `json:"denied_at,omitzero"`
	DeniedBy        string    `json:"denied_by,omitempty"`
	DeniedByType    string    `json:"denied_by_type,omitempty"`
	// CourseOfAction is the (deprecated) STIX course of action.
	CourseOfAction json.RawMessage `json:"course_of_action,omitempty"`
	ActionSteps    []ActionStep    `json:"action_steps,omitempty"`
	Comments       []Comment       `json:"comments,omitempty"`

	// Raw is the JSON the countermeasure was decoded from.
	Raw json.RawMessage `json:"-"`
}

// Activated reports whether the countermeasure was activated.
func (c *Countermeasure) Activated() bool { return !c.ActivatedAt.IsZero() }

// Denied reports whether the countermeasure was denied.
func (c *Countermeasure) Denied() bool { return !c.DeniedAt.IsZero() }

// UnmarshalJSON decodes a countermeasure, its times in any form, keeping
// Raw.
func (c *Countermeasure) UnmarshalJSON(b []byte) error {
	type plain Countermeasure
	*c = Countermeasure{}
	aux := struct {
		*plain
		CreatedAt   isoTime `json:"created_at"`
		ActivatedAt isoTime `json:"activated_at"`
		DeniedAt    isoTime `json:"denied_at"`
	}{plain: (*plain)(c)}
	if err := json.Unmarshal(b, &aux); err != nil {
		return fmt.Errorf("sekoia: decode countermeasure: %w", err)
	}
	c.CreatedAt, c.ActivatedAt, c.DeniedAt = aux.CreatedAt.Time, aux.ActivatedAt.Time, aux.DeniedAt.Time
	if string(c.CourseOfAction) == "null" {
		c.CourseOfAction = nil
	}
	c.Raw = append(json.RawMessage(nil), b...)
	return nil
}

// MarshalJSON returns Raw when the countermeasure was decoded from JSON.
func (c Countermeasure) MarshalJSON() ([]byte, error) {
	if len(c.Raw) > 0 {
		return c.Raw, nil
	}
	type plain Countermeasure
	return json.Marshal(plain(c))
}

// ActionStep is one step of a countermeasure, activated or denied on its
// own.
type ActionStep struct {
	UUID        string `json:"uuid"`
	Name        string `json:"name,omitempty"`
	Description string `json:"description,omitempty"`
	// Status is the API's status text; ActivatedAt and DeniedAt say what
	// happened.
	Status string `json:"status,omitempty"`
	// ActionOrder is the step's position in the execution order.
	ActionOrder     int       `json:"action_order,omitempty"`
	Type            string    `json:"type,omitempty"`
	Assignee        string    `json:"assignee,omitempty"`
	CreatedAt       time.Time `json:"created_at,omitzero"`
	CreatedBy       string    `json:"created_by,omitempty"`
	CreatedByType   string    `json:"created_by_type,omitempty"`
	ActivatedAt     time.Time `json:"activated_at,omitzero"`
	ActivatedBy     string    `json:"activated_by,omitempty"`
	ActivatedByType string    `json:"activated_by_type,omitempty"`
	DeniedAt        time.Time `json:"denied_at,omitzero"`
	DeniedBy        string    `json:"denied_by,omitempty"`
	DeniedByType    string    `json:"denied_by_type,omitempty"`
	// Object is the object the step acts on.
	Object   json.RawMessage `json:"object,omitempty"`
	Comments []Comment       `json:"comments,omitempty"`
}

// Activated reports whether the step was activated.
func (a *ActionStep) Activated() bool { return !a.ActivatedAt.IsZero() }

// Denied reports whether the step was denied.
func (a *ActionStep) Denied() bool { return !a.DeniedAt.IsZero() }

// UnmarshalJSON decodes an action step, its times in any form.
func (a *ActionStep) UnmarshalJSON(b []byte) error {
	type plain ActionStep
	*a = ActionStep{}
	aux := struct {
		*plain
		CreatedAt   isoTime `json:"created_at"`
		ActivatedAt isoTime `json:"activated_at"`
		DeniedAt    isoTime `json:"denied_at"`
	}{plain: (*plain)(a)}
	if err := json.Unmarshal(b, &aux); err != nil {
		return fmt.Errorf("sekoia: decode action step: %w", err)
	}
	a.CreatedAt, a.ActivatedAt, a.DeniedAt = aux.CreatedAt.Time, aux.ActivatedAt.Time, aux.DeniedAt.Time
	if string(a.Object) == "null" {
		a.Object = nil
	}
	return nil
}

// CountermeasureListOptions filters, sorts and pages the countermeasures
// of an alert.
type CountermeasureListOptions struct {
	// Status: match[status], the status text to keep.
	Status string
	// Sort is a field name ("created_at", "relevance"…); Direction orders
	// it.
	Sort      string
	Direction Direction
	// Limit is the page size: 1..100, 0 for the server default (20; the
	// All iterators use 100).
	Limit  int
	Offset int
}

// NewCountermeasure is a countermeasure to add by hand.
type NewCountermeasure struct {
	// Name is required.
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
}

func (n *NewCountermeasure) check(method string) error {
	switch {
	case strings.TrimSpace(n.Name) == "":
		return errors.New("sekoia: " + method + ": Name is empty")
	case utf8.RuneCountInString(n.Name) > 255:
		return errors.New("sekoia: " + method + ": Name is longer than 255 characters")
	}
	return nil
}

// checkStep checks an action step's UUID or name, a path segment: not
// blank, no slash or line break, and not "." or ".." (which would make the
// path name another route).
func checkStep(method, step string) error {
	if strings.TrimSpace(step) == "" || step == "." || step == ".." || strings.ContainsAny(step, "/\r\n") || utf8.RuneCountInString(step) > 256 {
		return fmt.Errorf("sekoia: %s: step %q must be a UUID or a name (1..256 characters, no slash or line break, not a dot segment)", method, argcheck.Short(step))
	}
	return nil
}

func checkNewComment(method string, c *NewComment) error {
	switch {
	case c == nil:
		return nil
	case strings.TrimSpace(c.Content) == "":
		return errors.New("sekoia: " + method + ": comment content is empty")
	case utf8.RuneCountInString(c.Author) > 32:
		return errors.New("sekoia: " + method + ": comment author is longer than 32 characters")
	}
	return nil
}

// ListForAlert returns one page of the countermeasures of an alert (UUID
// or short id).
//
// ListForAlert calls GET /v1/sic/alerts/{uuid}/countermeasures.
func (s *CountermeasuresService) ListForAlert(ctx context.Context, alertID string, opts *CountermeasureListOptions) (*Page[Countermeasure], error) {
	const method = "Countermeasures.ListForAlert"
	if err := checkAlertID(method, alertID); err != nil {
		return nil, err
	}
	var o CountermeasureListOptions
	if opts != nil {
		o = *opts
	}
	r, err := o.request(method, alertID, true)
	if err != nil {
		return nil, err
	}
	return getPage[Countermeasure](ctx, s.c, r.Path, r.Query, o.Offset, o.Limit)
}

// AllForAlert iterates over every countermeasure of an alert matching
// opts, 100 per request unless opts.Limit says otherwise.
//
// The iterator is lazy and can be run again (each run starts over); opts
// is copied and never changed; every request uses ctx; on an error it
// yields (nil, err) once and stops; breaking out of the loop stops
// fetching and frees the connection.
//
// Activating or denying the countermeasures inside a loop filtered on
// Status is safe: AllForAlert reads every page first, then yields them
// (memory: the alert's countermeasures, a short list; the first comes
// after the last page), so each countermeasure matching when the loop
// starts is yielded once; those added during the loop are not.
//
// AllForAlert calls GET /v1/sic/alerts/{uuid}/countermeasures once per
// page.
func (s *CountermeasuresService) AllForAlert(ctx context.Context, alertID string, opts *CountermeasureListOptions) iter.Seq2[Countermeasure, error] {
	const method = "Countermeasures.AllForAlert"
	if err := checkAlertID(method, alertID); err != nil {
		return errSeq[Countermeasure](err)
	}
	var o CountermeasureListOptions
	if opts != nil {
		o = *opts
	}
	if o.Limit == 0 {
		o.Limit = 100
	}
	r, err := o.request(method, alertID, false)
	if err != nil {
		return errSeq[Countermeasure](err)
	}
	return snapshotAll(allPages[Countermeasure](ctx, s.c, r.Path, r.Query, o.Offset, o.Limit))
}

// AddToAlert adds a countermeasure to an alert and returns it.
//
// AddToAlert calls POST /v1/sic/alerts/{uuid}/countermeasures with
// {"name","description"}.
func (s *CountermeasuresService) AddToAlert(ctx context.Context, alertID string, n NewCountermeasure) (*Countermeasure, error) {
	const method = "Countermeasures.AddToAlert"
	if err := checkAlertID(method, alertID); err != nil {
		return nil, err
	}
	return s.add(ctx, method, &n)(wire.NewAddAlertCountermeasureRequest(alertID))
}

// ListForCase returns one page of the countermeasures of a case (UUID or
// short id).
//
// ListForCase calls GET /v1/sic/cases/{uuid}/countermeasures.
func (s *CountermeasuresService) ListForCase(ctx context.Context, caseID string, opts *PageOptions) (*Page[Countermeasure], error) {
	const method = "Countermeasures.ListForCase"
	if err := checkCaseID(method, caseID); err != nil {
		return nil, err
	}
	p, err := opts.page(method, 0)
	if err != nil {
		return nil, err
	}
	r, err := line(method)(wire.NewListCaseCountermeasuresRequest(caseID, &wire.ListCaseCountermeasuresParams{Limit: ptr(p.Limit), Offset: ptr(p.Offset)}))
	if err != nil {
		return nil, err
	}
	return getPage[Countermeasure](ctx, s.c, r.Path, r.Query, p.Offset, p.Limit)
}

// AllForCase iterates over every countermeasure of a case. The iterator
// contract is that of AlertsService.All.
//
// AllForCase calls GET /v1/sic/cases/{uuid}/countermeasures once per page.
func (s *CountermeasuresService) AllForCase(ctx context.Context, caseID string, opts *PageOptions) iter.Seq2[Countermeasure, error] {
	const method = "Countermeasures.AllForCase"
	if err := checkCaseID(method, caseID); err != nil {
		return errSeq[Countermeasure](err)
	}
	p, err := opts.page(method, 100)
	if err != nil {
		return errSeq[Countermeasure](err)
	}
	r, err := line(method)(wire.NewListCaseCountermeasuresRequest(caseID, nil))
	if err != nil {
		return errSeq[Countermeasure](err)
	}
	return allPages[Countermeasure](ctx, s.c, r.Path, r.Query, p.Offset, p.Limit)
}

// AddToCase adds a countermeasure to a case and returns it.
//
// AddToCase calls POST /v1/sic/cases/{uuid}/countermeasures with
// {"name","description"}.
func (s *CountermeasuresService) AddToCase(ctx context.Context, caseID string, n NewCountermeasure) (*Countermeasure, error) {
	const method = "Countermeasures.AddToCase"
	if err := checkCaseID(method, caseID); err != nil {
		return nil, err
	}
	return s.add(ctx, method, &n)(wire.NewAddCaseCountermeasureRequest(caseID))
}

// decisionBody is the body of the activate and deny calls.
type decisionBody struct {
	Comment *NewComment `json:"comment,omitempty"`
}

// Activate marks a countermeasure as activated, with an optional comment,
// and returns it. A countermeasure already activated or denied answers
// 409 (ErrConflict). The request is sent once: see CountermeasuresService.
//
// Activate calls PATCH /v1/sic/alerts/countermeasures/{uuid}/activate
// with {"comment":{"content","author"}} (or {} without a comment).
func (s *CountermeasuresService) Activate(ctx context.Context, uuid string, comment *NewComment) (*Countermeasure, error) {
	return s.decide(ctx, "Countermeasures.Activate", uuid, comment, wire.NewActivateCountermeasureRequest)
}

// Deny marks a countermeasure as denied, with an optional comment, and
// returns it. A countermeasure already activated or denied answers 409
// (ErrConflict).
//
// Deny calls PATCH /v1/sic/alerts/countermeasures/{uuid}/deny with
// {"comment":{"content","author"}} (or {} without a comment).
func (s *CountermeasuresService) Deny(ctx context.Context, uuid string, comment *NewComment) (*Countermeasure, error) {
	return s.decide(ctx, "Countermeasures.Deny", uuid, comment, wire.NewDenyCountermeasureRequest)
}

// add checks n and sends it with the request line a generated builder
// returns: s.add(ctx, method, &n)(wire.NewAddCaseCountermeasureRequest(id)).
func (s *CountermeasuresService) add(ctx context.Context, method string, n *NewCountermeasure) func(wire.Request, error) (*Countermeasure, error) {
	return func(w wire.Request, err error) (*Countermeasure, error) {
		if err := n.check(method); err != nil {
			return nil, err
		}
		var out Countermeasure
		if err := s.c.send(ctx, method, n, &out)(w, err); err != nil {
			return nil, err
		}
		return &out, nil
	}
}

// decide checks the arguments of an activate or deny call and sends the
// request op builds for the countermeasure, with the comment.
func (s *CountermeasuresService) decide(ctx context.Context, method, uuid string, comment *NewComment, op func(uuid string) (wire.Request, error)) (*Countermeasure, error) {
	if err := checkUUID(method, "uuid", uuid); err != nil {
		return nil, err
	}
	if err := checkNewComment(method, comment); err != nil {
		return nil, err
	}
	var out Countermeasure
	if err := s.c.send(ctx, method, decisionBody{comment}, &out)(op(uuid)); err != nil {
		return nil, err
	}
	return &out, nil
}

// request checks the options and builds GET
// /v1/sic/alerts/{uuid}/countermeasures (paged: with the page, else
// without, for an iterator to page).
func (o *CountermeasureListOptions) request(method, alertID string, paged bool) (rest.Request, error) {
	if err := checkList(method, o.Limit, o.Offset, o.Direction); err != nil {
		return rest.Request{}, err
	}
	if !utf8.ValidString(o.Status) {
		// match[status] is serialised through JSON, which would replace
		// the bytes that are not UTF-8.
		return rest.Request{}, fmt.Errorf("sekoia: %s: Status %q is not valid UTF-8", method, argcheck.Short(o.Status))
	}
	p := wire.ListAlertCountermeasuresParams{
		Sort: ptr(o.Sort), Direction: (*wire.ListAlertCountermeasuresParamsDirection)(ptr(string(o.Direction))),
	}
	if o.Status != "" {
		p.Match = &wire.ListAlertCountermeasuresParams_Match{Status: &o.Status}
	}
	if paged {
		p.Limit, p.Offset = ptr(o.Limit), ptr(o.Offset)
	}
	return line(method)(wire.NewListAlertCountermeasuresRequest(alertID, &p))
}
