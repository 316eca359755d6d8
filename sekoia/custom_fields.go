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

// CustomFieldsService manages the custom fields of a workspace
// (/v1/sic/custom-fields), the fields alerts and cases can carry. Get it
// from Client.CustomFields; set an alert's values with
// AlertsService.SetCustomFields.
type CustomFieldsService struct{ c *Client }

// CustomFieldType is the type of a custom field.
type CustomFieldType string

// The custom field types.
const (
	FieldText         CustomFieldType = "text"
	FieldInteger      CustomFieldType = "integer"
	FieldBoolean      CustomFieldType = "boolean"
	FieldSingleSelect CustomFieldType = "single_select"
	FieldMultiSelect  CustomFieldType = "multi_select"
)

// String returns the type as the API writes it.
func (t CustomFieldType) String() string { return string(t) }

func (t CustomFieldType) valid() bool {
	switch t {
	case FieldText, FieldInteger, FieldBoolean, FieldSingleSelect, FieldMultiSelect:
		return true
	}
	return false
}

// CustomField is the definition of a custom field.
type CustomField struct {
	UUID          string          `json:"uuid"`
	CommunityUUID string          `json:"community_uuid,omitempty"`
	Name          string          `json:"name"`
	Slug          string          `json:"slug,omitempty"`
	Description   string          `json:"description,omitempty"`
	Type          CustomFieldType `json:"type"`
	// Options are the choices of a select field, as the API sends them.
	Options          json.RawMessage `json:"options,omitempty"`
	Color            string          `json:"color,omitempty"`
	AutoAddedToCase  bool            `json:"auto_added_to_case"`
	AutoAddedToAlert bool            `json:"auto_added_to_alert"`
	// TaskUUID is the cleanup task started by a deletion.
	TaskUUID      string    `json:"task_uuid,omitempty"`
	CreatedAt     time.Time `json:"created_at,omitzero"`
	CreatedBy     string    `json:"created_by,omitempty"`
	CreatedByType string    `json:"created_by_type,omitempty"`
	UpdatedAt     time.Time `json:"updated_at,omitzero"`
	UpdatedBy     string    `json:"updated_by,omitempty"`
	UpdatedByType string    `json:"updated_by_type,omitempty"`
}

// UnmarshalJSON decodes a custom field, its times in any form.
func (f *CustomField) UnmarshalJSON(b []byte) error {
	type plain CustomField
	*f = CustomField{}
	aux := struct {
		*plain
		CreatedAt isoTime `json:"created_at"`
		UpdatedAt isoTime `json:"updated_at"`
	}{plain: (*plain)(f)}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	f.CreatedAt, f.UpdatedAt = aux.CreatedAt.Time, aux.UpdatedAt.Time
	if string(f.Options) == "null" {
		f.Options = nil
	}
	return nil
}

// CustomFieldSort is a sort key of the custom field list.
type CustomFieldSort string

// The custom field sort keys.
const (
	CustomFieldSortName      CustomFieldSort = "name"
	CustomFieldSortCreatedAt CustomFieldSort = "created_at"
	CustomFieldSortUpdatedAt CustomFieldSort = "updated_at"
)

// String returns the key as sent.
func (s CustomFieldSort) String() string { return string(s) }

func (s CustomFieldSort) check(method string) error {
	switch s {
	case "", CustomFieldSortName, CustomFieldSortCreatedAt, CustomFieldSortUpdatedAt:
		return nil
	}
	return fmt.Errorf("sekoia: %s: Sort %q is not name, created_at or updated_at", method, argcheck.Short(string(s)))
}

// CustomFieldListOptions filters, sorts and pages the custom fields.
type CustomFieldListOptions struct {
	// Name keeps the fields with this name.
	Name string
	// Sort is the sort key (server default name); Direction orders it
	// (server default ascending).
	Sort      CustomFieldSort
	Direction Direction
	// Limit is the page size: 1..100, 0 for the server default (100).
	Limit  int
	Offset int
}

func (s *CustomFieldsService) objs() customObjects[CustomField] {
	return customObjects[CustomField]{
		c: s.c, kind: "CustomFields", createOp: wire.NewCreateCustomFieldRequest,
		getOp: wire.NewGetCustomFieldRequest, updateOp: wire.NewUpdateCustomFieldRequest, deleteOp: wire.NewDeleteCustomFieldRequest,
	}
}

// List returns one page of custom fields.
//
// List calls GET /v1/sic/custom-fields.
func (s *CustomFieldsService) List(ctx context.Context, opts *CustomFieldListOptions) (*Page[CustomField], error) {
	var o CustomFieldListOptions
	if opts != nil {
		o = *opts
	}
	r, err := o.request("CustomFields.List", true)
	if err != nil {
		return nil, err
	}
	return s.objs().list(ctx, r, o.Offset, o.Limit)
}

// All iterates over every custom field. The iterator contract is that of
// AlertsService.All, except that All reads every page before yielding (a
// short list): deleting or changing entries inside the loop visits each
// one present when the loop starts exactly once, and none added during it.
//
// All calls GET /v1/sic/custom-fields once per page.
func (s *CustomFieldsService) All(ctx context.Context, opts *CustomFieldListOptions) iter.Seq2[CustomField, error] {
	var o CustomFieldListOptions
	if opts != nil {
		o = *opts
	}
	if o.Limit == 0 {
		o.Limit = 100
	}
	r, err := o.request("CustomFields.All", false)
	if err != nil {
		return errSeq[CustomField](err)
	}
	return s.objs().all(ctx, r, o.Offset, o.Limit)
}

// Get returns one custom field.
//
// Get calls GET /v1/sic/custom-fields/{uuid}.
func (s *CustomFieldsService) Get(ctx context.Context, uuid string) (*CustomField, error) {
	return s.objs().get(ctx, uuid)
}

// CustomFieldCreate is a new custom field. Name and Type are required;
// Options lists the choices of a select field.
type CustomFieldCreate struct {
	Name             string          `json:"name"`
	Description      string          `json:"description,omitempty"`
	Type             CustomFieldType `json:"type"`
	Options          []string        `json:"options,omitempty"`
	Color            string          `json:"color,omitempty"`
	AutoAddedToCase  bool            `json:"auto_added_to_case,omitempty"`
	AutoAddedToAlert bool            `json:"auto_added_to_alert,omitempty"`
}

func checkFieldName(method, name string) error {
	if strings.TrimSpace(name) == "" || utf8.RuneCountInString(name) > 255 {
		return fmt.Errorf("sekoia: %s: Name %q must be 1..255 characters", method, argcheck.Short(name))
	}
	return nil
}

// checkOptions checks the choices of a select field: none blank, none
// repeated.
func checkOptions(method string, options []string) error {
	seen := make(map[string]int, len(options))
	for i, o := range options {
		if strings.TrimSpace(o) == "" {
			return fmt.Errorf("sekoia: %s: Options[%d] is blank", method, i)
		}
		if j, ok := seen[o]; ok {
			return fmt.Errorf("sekoia: %s: Options[%d] repeats Options[%d]", method, i, j)
		}
		seen[o] = i
	}
	return nil
}

// Create creates a custom field and returns it.
//
// Create calls POST /v1/sic/custom-fields with
// {"name","description","type","options","color","auto_added_to_case","auto_added_to_alert"}.
func (s *CustomFieldsService) Create(ctx context.Context, f CustomFieldCreate) (*CustomField, error) {
	const method = "CustomFields.Create"
	if err := checkFieldName(method, f.Name); err != nil {
		return nil, err
	}
	if !f.Type.valid() {
		return nil, fmt.Errorf("sekoia: %s: Type %q is not text, integer, boolean, single_select or multi_select", method, argcheck.Short(string(f.Type)))
	}
	selectType := f.Type == FieldSingleSelect || f.Type == FieldMultiSelect
	switch {
	case selectType && len(f.Options) == 0:
		return nil, fmt.Errorf("sekoia: %s: Options is empty for a %s field", method, f.Type)
	case !selectType && len(f.Options) > 0:
		return nil, fmt.Errorf("sekoia: %s: Options is only for select fields", method)
	}
	if err := checkOptions(method, f.Options); err != nil {
		return nil, err
	}
	return s.objs().create(ctx, f)
}

// CustomFieldUpdate is a change to a custom field: only the fields set are
// sent. The type cannot change; Options, when not nil, replaces the choices
// of a select field.
type CustomFieldUpdate struct {
	Name             string   `json:"name,omitempty"`
	Description      *string  `json:"description,omitempty"`
	Options          []string `json:"options,omitempty"`
	Color            string   `json:"color,omitempty"`
	AutoAddedToCase  *bool    `json:"auto_added_to_case,omitempty"`
	AutoAddedToAlert *bool    `json:"auto_added_to_alert,omitempty"`
}

// Update changes a custom field and returns it.
//
// Update calls PATCH /v1/sic/custom-fields/{uuid}.
func (s *CustomFieldsService) Update(ctx context.Context, uuid string, u CustomFieldUpdate) (*CustomField, error) {
	const method = "CustomFields.Update"
	if err := checkUUID(method, "uuid", uuid); err != nil {
		return nil, err
	}
	if u.Name == "" && u.Description == nil && u.Options == nil && u.Color == "" && u.AutoAddedToCase == nil && u.AutoAddedToAlert == nil {
		return nil, errors.New("sekoia: " + method + ": update is empty")
	}
	if u.Name != "" {
		if err := checkFieldName(method, u.Name); err != nil {
			return nil, err
		}
	}
	if u.Options != nil && len(u.Options) == 0 {
		return nil, errors.New("sekoia: " + method + ": Options is empty (nil leaves the options as they are)")
	}
	if err := checkOptions(method, u.Options); err != nil {
		return nil, err
	}
	return s.objs().update(ctx, uuid, u)
}

// Delete deletes a custom field; the API removes its values from alerts
// and cases in a background task.
//
// Delete calls DELETE /v1/sic/custom-fields/{uuid}.
func (s *CustomFieldsService) Delete(ctx context.Context, uuid string) error {
	return s.objs().delete(ctx, uuid)
}
