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
	wire "github.com/socgo/xdr/internal/wire/sekoia"
)

// CustomVerdictsService manages the custom verdicts of a workspace
// (/v1/sic/custom_verdicts), the values of an alert's or case's
// VerdictUUID. Get it from Client.CustomVerdicts.
type CustomVerdictsService struct{ c *Client }

// VerdictStage is the stage of a custom verdict.
type VerdictStage string

// The stages of a custom verdict.
const (
	VerdictFalsePositive VerdictStage = "false_positive"
	VerdictTruePositive  VerdictStage = "true_positive"
)

// String returns the stage as the API writes it.
func (s VerdictStage) String() string { return string(s) }

func (s VerdictStage) valid() bool { return s == VerdictFalsePositive || s == VerdictTruePositive }

// CustomVerdict is a custom verdict.
type CustomVerdict struct {
	UUID          string       `json:"uuid"`
	CommunityUUID string       `json:"community_uuid,omitempty"`
	Label         string       `json:"label"`
	Description   string       `json:"description,omitempty"`
	Level         int          `json:"level"`
	Stage         VerdictStage `json:"stage"`
	// IsUsed reports a verdict in use (in lists not asked WithIsUsed
	// false).
	IsUsed        bool      `json:"is_used,omitempty"`
	CreatedAt     time.Time `json:"created_at,omitzero"`
	CreatedBy     string    `json:"created_by,omitempty"`
	CreatedByType string    `json:"created_by_type,omitempty"`
	UpdatedAt     time.Time `json:"updated_at,omitzero"`
	UpdatedBy     string    `json:"updated_by,omitempty"`
	UpdatedByType string    `json:"updated_by_type,omitempty"`
}

// UnmarshalJSON decodes a custom verdict, its times in any form.
func (v *CustomVerdict) UnmarshalJSON(b []byte) error {
	type plain CustomVerdict
	*v = CustomVerdict{}
	aux := struct {
		*plain
		CreatedAt isoTime `json:"created_at"`
		UpdatedAt isoTime `json:"updated_at"`
	}{plain: (*plain)(v)}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	v.CreatedAt, v.UpdatedAt = aux.CreatedAt.Time, aux.UpdatedAt.Time
	return nil
}

// CustomLevelListOptions pages the custom verdicts or priorities.
type CustomLevelListOptions struct {
	// WithIsUsed says whether the answer carries the is_used flags; nil
	// leaves the server default (true).
	WithIsUsed *bool
	// Limit is the page size: 1..100, 0 for the server default (20; All
	// uses 100).
	Limit  int
	Offset int
}

func (s *CustomVerdictsService) objs() customObjects[CustomVerdict] {
	return customObjects[CustomVerdict]{
		c: s.c, kind: "CustomVerdicts", listOp: wire.NewListCustomVerdictsRequest, createOp: wire.NewCreateCustomVerdictRequest,
		getOp: wire.NewGetCustomVerdictRequest, updateOp: wire.NewUpdateCustomVerdictRequest, deleteOp: wire.NewDeleteCustomVerdictRequest,
	}
}

// List returns one page of custom verdicts.
//
// List calls GET /v1/sic/custom_verdicts.
func (s *CustomVerdictsService) List(ctx context.Context, opts *CustomLevelListOptions) (*Page[CustomVerdict], error) {
	return s.objs().levelList(ctx, opts)
}

// All iterates over every custom verdict. The iterator contract is that of
// AlertsService.All, except that All reads every page before yielding (a
// short list): deleting or changing entries inside the loop visits each
// one present when the loop starts exactly once, and none added during it.
//
// All calls GET /v1/sic/custom_verdicts once per page.
func (s *CustomVerdictsService) All(ctx context.Context, opts *CustomLevelListOptions) iter.Seq2[CustomVerdict, error] {
	return s.objs().levelAll(ctx, opts)
}

// Get returns one custom verdict.
//
// Get calls GET /v1/sic/custom_verdicts/{uuid}.
func (s *CustomVerdictsService) Get(ctx context.Context, uuid string) (*CustomVerdict, error) {
	return s.objs().get(ctx, uuid)
}

// CustomVerdictCreate is a new custom verdict. Label and Stage are
// required.
type CustomVerdictCreate struct {
	Label       string       `json:"label"`
	Description string       `json:"description,omitempty"`
	Stage       VerdictStage `json:"stage"`
	// Level orders the verdicts; nil lets the server place it last.
	Level *int `json:"level,omitempty"`
}

// Create creates a custom verdict and returns it.
//
// Create calls POST /v1/sic/custom_verdicts with
// {"label","description","stage","level"}.
func (s *CustomVerdictsService) Create(ctx context.Context, v CustomVerdictCreate) (*CustomVerdict, error) {
	const method = "CustomVerdicts.Create"
	if err := checkLabel(method, v.Label); err != nil {
		return nil, err
	}
	if !v.Stage.valid() {
		return nil, fmt.Errorf("sekoia: %s: Stage %q is not false_positive or true_positive", method, argcheck.Short(string(v.Stage)))
	}
	if err := checkLevel(method, v.Level); err != nil {
		return nil, err
	}
	return s.objs().create(ctx, v)
}

// CustomVerdictUpdate is a change to a custom verdict: only the fields
// set are sent.
type CustomVerdictUpdate struct {
	Label       string       `json:"label,omitempty"`
	Description *string      `json:"description,omitempty"`
	Stage       VerdictStage `json:"stage,omitempty"`
	Level       *int         `json:"level,omitempty"`
}

// Update changes a custom verdict and returns it.
//
// Update calls PATCH /v1/sic/custom_verdicts/{uuid}.
func (s *CustomVerdictsService) Update(ctx context.Context, uuid string, u CustomVerdictUpdate) (*CustomVerdict, error) {
	const method = "CustomVerdicts.Update"
	if err := checkUUID(method, "uuid", uuid); err != nil {
		return nil, err
	}
	switch {
	case u == (CustomVerdictUpdate{}):
		return nil, errors.New("sekoia: " + method + ": update is empty")
	case u.Stage != "" && !u.Stage.valid():
		return nil, fmt.Errorf("sekoia: %s: Stage %q is not false_positive or true_positive", method, argcheck.Short(string(u.Stage)))
	}
	if u.Label != "" {
		if err := checkLabel(method, u.Label); err != nil {
			return nil, err
		}
	}
	if err := checkLevel(method, u.Level); err != nil {
		return nil, err
	}
	return s.objs().update(ctx, uuid, u)
}

// Delete deletes a custom verdict.
//
// Delete calls DELETE /v1/sic/custom_verdicts/{uuid}.
func (s *CustomVerdictsService) Delete(ctx context.Context, uuid string) error {
	return s.objs().delete(ctx, uuid)
}

// checkLabel checks the label of a custom verdict or priority (1..255
// characters, not blank).
func checkLabel(method, label string) error {
	if strings.TrimSpace(label) == "" || utf8.RuneCountInString(label) > 255 {
		return fmt.Errorf("sekoia: %s: Label %q must be 1..255 characters", method, argcheck.Short(label))
	}
	return nil
}

func checkLevel(method string, level *int) error {
	if level != nil && *level < 0 {
		return fmt.Errorf("sekoia: %s: Level %d is negative", method, *level)
	}
	return nil
}
