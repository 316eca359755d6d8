package sekoia

import (
	"context"
	"errors"
	"iter"
	"net/http"
	"strings"

	"github.com/socgo/xdr/internal/rest"
)

// stepPath returns the path of an action step, with the trailing slash the
// API's routes have.
func stepPath(method, uuid, step string) (string, error) {
	if err := checkUUID(method, "uuid", uuid); err != nil {
		return "", err
	}
	if err := checkStep(method, step); err != nil {
		return "", err
	}
	return countermeasuresPath + rest.Seg(uuid) + "/" + rest.Seg(step) + "/", nil
}

// GetStep returns one action step of a countermeasure; step is the step's
// UUID or name.
//
// GetStep calls GET /v1/sic/alerts/countermeasures/{uuid}/{step}/.
func (s *CountermeasuresService) GetStep(ctx context.Context, uuid, step string) (*ActionStep, error) {
	path, err := stepPath("Countermeasures.GetStep", uuid, step)
	if err != nil {
		return nil, err
	}
	var out ActionStep
	if _, err := s.c.rest.Do(ctx, rest.Request{Method: http.MethodGet, Path: path}, &out); err != nil {
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
	path, err := stepPath(method, uuid, step)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(description) == "" {
		return nil, errors.New("sekoia: " + method + ": description is empty")
	}
	return doOne[ActionStep](ctx, s.c, http.MethodPatch, path, nil, stepUpdate{description})
}

// stepUpdate is the body of UpdateStep.
type stepUpdate struct {
	Description string `json:"description"`
}

// DeleteStep removes an action step from a countermeasure.
//
// DeleteStep calls DELETE /v1/sic/alerts/countermeasures/{uuid}/{step}/.
func (s *CountermeasuresService) DeleteStep(ctx context.Context, uuid, step string) error {
	path, err := stepPath("Countermeasures.DeleteStep", uuid, step)
	if err != nil {
		return err
	}
	_, err = s.c.rest.Do(ctx, rest.Request{Method: http.MethodDelete, Path: path}, nil)
	return err
}

// ActivateStep marks one action step as activated and returns it. A step
// already activated or denied answers 409 (ErrConflict). The request is
// sent once: see CountermeasuresService.
//
// ActivateStep calls PATCH
// /v1/sic/alerts/countermeasures/{uuid}/{step}/activate with
// {"comment":{…}} or {}.
func (s *CountermeasuresService) ActivateStep(ctx context.Context, uuid, step string, comment *NewComment) (*ActionStep, error) {
	return s.decideStep(ctx, "Countermeasures.ActivateStep", uuid, step, "activate", comment)
}

// DenyStep marks one action step as denied and returns it. A step already
// activated or denied answers 409 (ErrConflict).
//
// DenyStep calls PATCH /v1/sic/alerts/countermeasures/{uuid}/{step}/deny
// with {"comment":{…}} or {}.
func (s *CountermeasuresService) DenyStep(ctx context.Context, uuid, step string, comment *NewComment) (*ActionStep, error) {
	return s.decideStep(ctx, "Countermeasures.DenyStep", uuid, step, "deny", comment)
}

func (s *CountermeasuresService) decideStep(ctx context.Context, method, uuid, step, verb string, comment *NewComment) (*ActionStep, error) {
	path, err := stepPath(method, uuid, step)
	if err != nil {
		return nil, err
	}
	if err := checkNewComment(method, comment); err != nil {
		return nil, err
	}
	var out ActionStep
	if _, err := s.c.rest.Do(ctx, rest.Request{Method: http.MethodPatch, Path: path + verb, Body: decisionBody{comment}}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ListStepComments returns one page of the comments of an action step.
// Each comment's Date is its creation time.
//
// ListStepComments calls GET
// /v1/sic/alerts/countermeasures/{uuid}/{step}/comments.
func (s *CountermeasuresService) ListStepComments(ctx context.Context, uuid, step string, opts *PageOptions) (*Page[Comment], error) {
	const method = "Countermeasures.ListStepComments"
	path, err := stepPath(method, uuid, step)
	if err != nil {
		return nil, err
	}
	p, q, err := opts.values(method, 0)
	if err != nil {
		return nil, err
	}
	return commentPage(ctx, s.c, path+"comments", q, p.Offset, p.Limit)
}

// AllStepComments iterates over every comment of an action step. The
// iterator contract is that of Alerts.All.
//
// AllStepComments calls GET
// /v1/sic/alerts/countermeasures/{uuid}/{step}/comments once per page.
func (s *CountermeasuresService) AllStepComments(ctx context.Context, uuid, step string, opts *PageOptions) iter.Seq2[Comment, error] {
	const method = "Countermeasures.AllStepComments"
	path, err := stepPath(method, uuid, step)
	if err != nil {
		return errSeq[Comment](err)
	}
	p, _, err := opts.values(method, 100)
	if err != nil {
		return errSeq[Comment](err)
	}
	return allComments(ctx, s.c, path+"comments", p)
}

// AddStepComment comments an action step and returns the comment.
//
// AddStepComment calls POST
// /v1/sic/alerts/countermeasures/{uuid}/{step}/comments with
// {"content","author"}.
func (s *CountermeasuresService) AddStepComment(ctx context.Context, uuid, step string, c NewComment) (*Comment, error) {
	const method = "Countermeasures.AddStepComment"
	path, err := stepPath(method, uuid, step)
	if err != nil {
		return nil, err
	}
	return s.comment(ctx, method, path+"comments", &c)
}
