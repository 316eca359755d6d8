package sekoia

import (
	"context"
	"errors"
	"iter"
	"strings"

	wire "github.com/socgo/xdr/internal/wire/sekoia"
)

// checkStepArgs checks the countermeasure UUID and the action step of a
// step call.
func checkStepArgs(method, uuid, step string) error {
	if err := checkUUID(method, "uuid", uuid); err != nil {
		return err
	}
	return checkStep(method, step)
}

// GetStep returns one action step of a countermeasure; step is the step's
// UUID or name.
//
// GetStep calls GET /v1/sic/alerts/countermeasures/{uuid}/{step}/.
func (s *CountermeasuresService) GetStep(ctx context.Context, uuid, step string) (*ActionStep, error) {
	const method = "Countermeasures.GetStep"
	if err := checkStepArgs(method, uuid, step); err != nil {
		return nil, err
	}
	var out ActionStep
	if err := s.c.send(ctx, method, nil, &out)(wire.NewGetCountermeasureActionStepRequest(uuid, step)); err != nil {
		return nil, err
	}
	return &out, nil
}

// UpdateStep replaces the description of an action step and returns the
// step.
//
// UpdateStep calls PATCH /v1/sic/alerts/countermeasures/{uuid}/{step}/
// with {"description"}.
func (s *CountermeasuresService) UpdateStep(ctx context.Context, uuid, step, description string) (*ActionStep, error) {
	const method = "Countermeasures.UpdateStep"
	if err := checkStepArgs(method, uuid, step); err != nil {
		return nil, err
	}
	if strings.TrimSpace(description) == "" {
		return nil, errors.New("sekoia: " + method + ": description is empty")
	}
	var out ActionStep
	if err := s.c.send(ctx, method, stepUpdate{description}, &out)(wire.NewUpdateCountermeasureActionStepRequest(uuid, step)); err != nil {
		return nil, err
	}
	return &out, nil
}

// stepUpdate is the body of UpdateStep.
type stepUpdate struct {
	Description string `json:"description"`
}

// DeleteStep removes an action step from a countermeasure.
//
// DeleteStep calls DELETE /v1/sic/alerts/countermeasures/{uuid}/{step}/.
func (s *CountermeasuresService) DeleteStep(ctx context.Context, uuid, step string) error {
	const method = "Countermeasures.DeleteStep"
	if err := checkStepArgs(method, uuid, step); err != nil {
		return err
	}
	return s.c.send(ctx, method, nil, nil)(wire.NewDeleteCountermeasureActionStepRequest(uuid, step))
}

// ActivateStep marks one action step as activated and returns it. A step
// already activated or denied answers 409 (ErrConflict). The request is
// sent once: see CountermeasuresService.
//
// ActivateStep calls PATCH
// /v1/sic/alerts/countermeasures/{uuid}/{step}/activate with
// {"comment":{…}} or {}.
func (s *CountermeasuresService) ActivateStep(ctx context.Context, uuid, step string, comment *NewComment) (*ActionStep, error) {
	const method = "Countermeasures.ActivateStep"
	if err := checkStepArgs(method, uuid, step); err != nil {
		return nil, err
	}
	return s.decideStep(ctx, method, comment)(wire.NewActivateCountermeasureActionStepRequest(uuid, step))
}

// DenyStep marks one action step as denied and returns it. A step already
// activated or denied answers 409 (ErrConflict).
//
// DenyStep calls PATCH /v1/sic/alerts/countermeasures/{uuid}/{step}/deny
// with {"comment":{…}} or {}.
func (s *CountermeasuresService) DenyStep(ctx context.Context, uuid, step string, comment *NewComment) (*ActionStep, error) {
	const method = "Countermeasures.DenyStep"
	if err := checkStepArgs(method, uuid, step); err != nil {
		return nil, err
	}
	return s.decideStep(ctx, method, comment)(wire.NewDenyCountermeasureActionStepRequest(uuid, step))
}

// decideStep sends the activate or deny request a generated builder
// returns, with the comment: s.decideStep(ctx, method, comment)(wire.…).
func (s *CountermeasuresService) decideStep(ctx context.Context, method string, comment *NewComment) func(wire.Request, error) (*ActionStep, error) {
	return func(w wire.Request, err error) (*ActionStep, error) {
		if err := checkNewComment(method, comment); err != nil {
			return nil, err
		}
		var out ActionStep
		if err := s.c.send(ctx, method, decisionBody{comment}, &out)(w, err); err != nil {
			return nil, err
		}
		return &out, nil
	}
}

// ListStepComments returns one page of the comments of an action step.
// Each comment's Date is its creation time.
//
// ListStepComments calls GET
// /v1/sic/alerts/countermeasures/{uuid}/{step}/comments.
func (s *CountermeasuresService) ListStepComments(ctx context.Context, uuid, step string, opts *PageOptions) (*Page[Comment], error) {
	const method = "Countermeasures.ListStepComments"
	if err := checkStepArgs(method, uuid, step); err != nil {
		return nil, err
	}
	p, err := opts.page(method, 0)
	if err != nil {
		return nil, err
	}
	r, err := line(method)(wire.NewListActionStepCommentsRequest(uuid, step, &wire.ListActionStepCommentsParams{Limit: ptr(p.Limit), Offset: ptr(p.Offset)}))
	if err != nil {
		return nil, err
	}
	return commentPage(ctx, s.c, r.Path, r.Query, p.Offset, p.Limit)
}

// AllStepComments iterates over every comment of an action step. The
// iterator contract is that of Alerts.All.
//
// AllStepComments calls GET
// /v1/sic/alerts/countermeasures/{uuid}/{step}/comments once per page.
func (s *CountermeasuresService) AllStepComments(ctx context.Context, uuid, step string, opts *PageOptions) iter.Seq2[Comment, error] {
	const method = "Countermeasures.AllStepComments"
	if err := checkStepArgs(method, uuid, step); err != nil {
		return errSeq[Comment](err)
	}
	p, err := opts.page(method, 100)
	if err != nil {
		return errSeq[Comment](err)
	}
	r, err := line(method)(wire.NewListActionStepCommentsRequest(uuid, step, nil))
	if err != nil {
		return errSeq[Comment](err)
	}
	return allComments(ctx, s.c, r.Path, p)
}

// AddStepComment comments an action step and returns the comment.
//
// AddStepComment calls POST
// /v1/sic/alerts/countermeasures/{uuid}/{step}/comments with
// {"content","author"}.
func (s *CountermeasuresService) AddStepComment(ctx context.Context, uuid, step string, c NewComment) (*Comment, error) {
	const method = "Countermeasures.AddStepComment"
	if err := checkStepArgs(method, uuid, step); err != nil {
		return nil, err
	}
	if err := checkNewComment(method, &c); err != nil {
		return nil, err
	}
	var out Comment
	if err := s.c.send(ctx, method, &c, &out)(wire.NewAddActionStepCommentRequest(uuid, step)); err != nil {
		return nil, err
	}
	return &out, nil
}
