package sekoia

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	wire "github.com/socgo/xdr/internal/wire/sekoia"
)

// CustomFieldValue sets one custom field of an alert or a case: UUID is the field's
// (from CustomFields), Value its new value (a string, number, bool or list
// of strings by the field's type; nil clears it).
type CustomFieldValue struct {
	UUID  string `json:"uuid"`
	Value any    `json:"value"`
}

// SetCustomFields sets custom field values of an alert (UUID or short id)
// and returns the alert's custom fields after the change.
//
// SetCustomFields calls PATCH /v1/sic/alerts/{uuid}/custom-fields with
// {"custom_fields":[{"uuid","value"}…]}.
func (s *AlertsService) SetCustomFields(ctx context.Context, id string, values []CustomFieldValue) ([]AlertCustomField, error) {
	const method = "Alerts.SetCustomFields"
	if err := checkAlertID(method, id); err != nil {
		return nil, err
	}
	if len(values) == 0 {
		return nil, errors.New("sekoia: " + method + ": values is empty")
	}
	seen := make(map[string]bool, len(values))
	for i, v := range values {
		if err := checkUUID(method, fmt.Sprintf("values[%d].UUID", i), v.UUID); err != nil {
			return nil, err
		}
		if seen[v.UUID] {
			return nil, fmt.Errorf("sekoia: %s: values[%d].UUID %s is set twice", method, i, v.UUID)
		}
		seen[v.UUID] = true
		if _, err := json.Marshal(v.Value); err != nil {
			return nil, fmt.Errorf("sekoia: %s: values[%d].Value: %w", method, i, err)
		}
	}
	var out customFieldsAnswer
	if err := s.c.send(ctx, method, customFieldsRequest{values}, &out)(wire.NewSetAlertCustomFieldsRequest(id)); err != nil {
		return nil, err
	}
	if out.CustomFields == nil {
		return []AlertCustomField{}, nil
	}
	return out.CustomFields, nil
}

// customFieldsRequest is the body of PATCH …/custom-fields.
type customFieldsRequest struct {
	CustomFields []CustomFieldValue `json:"custom_fields"`
}

// customFieldsAnswer is its answer.
type customFieldsAnswer struct {
	CustomFields []AlertCustomField `json:"custom_fields"`
}
