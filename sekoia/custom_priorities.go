package sekoia

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"time"

	"github.com/socgo/xdr/internal/argcheck"
	wire "github.com/socgo/xdr/internal/wire/sekoia"
)

// CustomPrioritiesService manages the custom priorities of a workspace
// (/v1/sic/custom_priorities), the priorities a case can take. Get it
// from Client.CustomPriorities.
type CustomPrioritiesService struct{ c *Client }

// CustomPriority is a custom priority.
type CustomPriority struct {
	UUID          string `json:"uuid"`
	CommunityUUID string `json:"community_uuid,omitempty"`
	Label         string `json:"label"`
	Description   string `json:"description,omitempty"`
	Level         int    `json:"level"`
	// Color is the display color ("#d63939").
	Color string `json:"color"`
	// IsUsed reports a priority in use (in lists not asked WithIsUsed
	// false).
	IsUsed        bool      `json:"is_used,omitempty"`
	CreatedAt     time.Time `json:"created_at,omitzero"`
	CreatedBy     string    `json:"created_by,omitempty"`
	CreatedByType string    `json:"created_by_type,omitempty"`
	UpdatedAt     time.Time `json:"updated_at,omitzero"`
	UpdatedBy     string    `json:"updated_by,omitempty"`
	UpdatedByType string    `json:"updated_by_type,omitempty"`
}

// UnmarshalJSON decodes a custom priority, its times in any form.
func (p *CustomPriority) UnmarshalJSON(b []byte) error {
	type plain CustomPriority
	*p = CustomPriority{}
	aux := struct {
		*plain
		CreatedAt isoTime `json:"created_at"`
		UpdatedAt isoTime `json:"updated_at"`
	}{plain: (*plain)(p)}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	p.CreatedAt, p.UpdatedAt = aux.CreatedAt.Time, aux.UpdatedAt.Time
	return nil
}

func (s *CustomPrioritiesService) objs() customObjects[CustomPriority] {
	return customObjects[CustomPriority]{
		c: s.c, kind: "CustomPriorities", listOp: listCustomPriorities, createOp: wire.NewCreateCustomPriorityRequest,
		getOp: wire.NewGetCustomPriorityRequest, updateOp: wire.NewUpdateCustomPriorityRequest, deleteOp: wire.NewDeleteCustomPriorityRequest,
	}
}

// listCustomPriorities builds the priority list, whose parameters are
// those of the verdict list.
func listCustomPriorities(p *wire.ListCustomVerdictsParams) (wire.Request, error) {
	return wire.NewListCustomPrioritysRequest((*wire.ListCustomPrioritysParams)(p))
}

// List returns one page of custom priorities.
//
// List calls GET /v1/sic/custom_priorities.
func (s *CustomPrioritiesService) List(ctx context.Context, opts *CustomLevelListOptions) (*Page[CustomPriority], error) {
	return s.objs().levelList(ctx, opts)
}

// All iterates over every custom priority. The iterator contract is that of
// AlertsService.All, except that All reads every page before yielding (a
// short list): deleting or changing entries inside the loop visits each
// one present when the loop starts exactly once, and none added during it.
//
// All calls GET /v1/sic/custom_priorities once per page.
func (s *CustomPrioritiesService) All(ctx context.Context, opts *CustomLevelListOptions) iter.Seq2[CustomPriority, error] {
	return s.objs().levelAll(ctx, opts)
}

// Get returns one custom priority.
//
// Get calls GET /v1/sic/custom_priorities/{uuid}.
func (s *CustomPrioritiesService) Get(ctx context.Context, uuid string) (*CustomPriority, error) {
	return s.objs().get(ctx, uuid)
}

// CustomPriorityCreate is a new custom priority. Label and Color are
// required.
type CustomPriorityCreate struct {
	Label       string `json:"label"`
	Description string `json:"description,omitempty"`
	Color       string `json:"color"`
	// Level orders the priorities; nil lets the server place it last.
	Level *int `json:"level,omitempty"`
}

func checkColor(method, color string) error {
	if color == "" || len(color) > 32 {
		return fmt.Errorf("sekoia: %s: Color %q must be 1..32 bytes", method, argcheck.Short(color))
	}
	return nil
}

// Create creates a custom priority and returns it.
//
// Create calls POST /v1/sic/custom_priorities with
// {"label","description","color","level"}.
func (s *CustomPrioritiesService) Create(ctx context.Context, p CustomPriorityCreate) (*CustomPriority, error) {
	const method = "CustomPriorities.Create"
	if err := checkLabel(method, p.Label); err != nil {
		return nil, err
	}
	if err := checkColor(method, p.Color); err != nil {
		return nil, err
	}
	if err := checkLevel(method, p.Level); err != nil {
		return nil, err
	}
	return s.objs().create(ctx, p)
}

// CustomPriorityUpdate is a change to a custom priority: only the fields
// set are sent.
type CustomPriorityUpdate struct {
	Label       string  `json:"label,omitempty"`
	Description *string `json:"description,omitempty"`
	Color       string  `json:"color,omitempty"`
	Level       *int    `json:"level,omitempty"`
}

// Update changes a custom priority and returns it.
//
// Update calls PATCH /v1/sic/custom_priorities/{uuid}.
func (s *CustomPrioritiesService) Update(ctx context.Context, uuid string, u CustomPriorityUpdate) (*CustomPriority, error) {
	const method = "CustomPriorities.Update"
	if err := checkUUID(method, "uuid", uuid); err != nil {
		return nil, err
	}
	if u == (CustomPriorityUpdate{}) {
		return nil, errors.New("sekoia: " + method + ": update is empty")
	}
	if u.Label != "" {
		if err := checkLabel(method, u.Label); err != nil {
			return nil, err
		}
	}
	if u.Color != "" {
		if err := checkColor(method, u.Color); err != nil {
			return nil, err
		}
	}
	if err := checkLevel(method, u.Level); err != nil {
		return nil, err
	}
	return s.objs().update(ctx, uuid, u)
}

// Delete deletes a custom priority.
//
// Delete calls DELETE /v1/sic/custom_priorities/{uuid}.
func (s *CustomPrioritiesService) Delete(ctx context.Context, uuid string) error {
	return s.objs().delete(ctx, uuid)
}
