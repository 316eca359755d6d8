package sekoia

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/socgo/xdr/internal/argcheck"
	"github.com/socgo/xdr/internal/idcheck"
	wire "github.com/socgo/xdr/internal/wire/sekoia"
)

// The bulk updates change every case a CaseFilter selects, in a background
// task whose id they return. The filter is sent in the JSON body, under the
// keys of the case list's query ("match[uuid]": "<uuid>,<uuid>" …); a
// filter that selects nothing in particular (nil, zero, or only
// exclusions, which select every other case) is refused, so that a
// mistake cannot change every case of the community.

// bulkBody merges the filter and the change into one JSON object.
func bulkBody(method string, f *CaseFilter, change map[string]any) (map[string]any, error) {
	if f == nil {
		return nil, errors.New("sekoia: " + method + ": filter is nil (it would select every case)")
	}
	q, err := f.query(method)
	if err != nil {
		return nil, err
	}
	if len(q) == 0 {
		return nil, errors.New("sekoia: " + method + ": filter is empty (it would select every case)")
	}
	selects := false
	for k := range q {
		selects = selects || !strings.HasPrefix(k, "nomatch[")
	}
	if !selects {
		return nil, errors.New("sekoia: " + method + ": filter has only exclusions (it would select every other case)")
	}
	body := make(map[string]any, len(q)+len(change))
	for k := range q {
		body[k] = q.Get(k)
	}
	for k, v := range change {
		body[k] = v
	}
	return body, nil
}

func (s *CasesService) bulk(ctx context.Context, method string, build func() (wire.Request, error), f *CaseFilter, change map[string]any) (string, error) {
	body, err := bulkBody(method, f, change)
	if err != nil {
		return "", err
	}
	return s.c.task(ctx, method, body)(build())
}

// BulkSetStatus moves the cases f selects to a status: a custom status
// UUID (Alerts.CustomStatuses with Type "case") when custom is true, else
// a legacy status UUID.
//
// BulkSetStatus calls PATCH /v1/sic/cases/bulk/status with the filter and
// {"custom_status_uuid"} or {"status_uuid"}.
func (s *CasesService) BulkSetStatus(ctx context.Context, f *CaseFilter, statusUUID string, custom bool) (string, error) {
	const method = "Cases.BulkSetStatus"
	if err := checkUUID(method, "statusUUID", statusUUID); err != nil {
		return "", err
	}
	key := "status_uuid"
	if custom {
		key = "custom_status_uuid"
	}
	return s.bulk(ctx, method, wire.NewBulkUpdateCaseStatusRequest, f, map[string]any{key: statusUUID})
}

// BulkSetPriority sets the priority of the cases f selects: a built-in
// priority, or a custom priority UUID when p is empty.
//
// BulkSetPriority calls PATCH /v1/sic/cases/bulk/priority with the filter
// and {"priority"} or {"custom_priority_uuid"}.
func (s *CasesService) BulkSetPriority(ctx context.Context, f *CaseFilter, p CasePriority, customPriorityUUID string) (string, error) {
	const method = "Cases.BulkSetPriority"
	change := map[string]any{}
	switch {
	case p != "" && customPriorityUUID != "":
		return "", errors.New("sekoia: " + method + ": set a priority or a custom priority, not both")
	case p != "":
		if err := p.check(method, "priority"); err != nil {
			return "", err
		}
		change["priority"] = p
	case customPriorityUUID != "":
		if err := checkUUID(method, "customPriorityUUID", customPriorityUUID); err != nil {
			return "", err
		}
		change["custom_priority_uuid"] = customPriorityUUID
	default:
		return "", errors.New("sekoia: " + method + ": no priority")
	}
	return s.bulk(ctx, method, wire.NewBulkUpdateCasePriorityRequest, f, change)
}

// BulkSetVerdict gives a verdict (a custom verdict UUID) to the cases f
// selects.
//
// BulkSetVerdict calls PATCH /v1/sic/cases/bulk/verdict with the filter
// and {"verdict_uuid"}.
func (s *CasesService) BulkSetVerdict(ctx context.Context, f *CaseFilter, verdictUUID string) (string, error) {
	const method = "Cases.BulkSetVerdict"
	if err := checkUUID(method, "verdictUUID", verdictUUID); err != nil {
		return "", err
	}
	return s.bulk(ctx, method, wire.NewBulkUpdateCaseVerdictRequest, f, map[string]any{"verdict_uuid": verdictUUID})
}

// BulkSetAssignees sets the assignees (profile UUIDs; empty unassigns) of
// the cases f selects.
//
// BulkSetAssignees calls PATCH /v1/sic/cases/bulk/assignees with the
// filter and {"assignees"}.
func (s *CasesService) BulkSetAssignees(ctx context.Context, f *CaseFilter, assignees []string) (string, error) {
	const method = "Cases.BulkSetAssignees"
	for i, a := range assignees {
		if !idcheck.IsUUID(a) {
			return "", fmt.Errorf("sekoia: %s: assignees[%d] %q is not a UUID", method, i, argcheck.Short(a))
		}
	}
	if assignees == nil {
		assignees = []string{}
	}
	return s.bulk(ctx, method, wire.NewBulkUpdateCaseAssigneesRequest, f, map[string]any{"assignees": assignees})
}

// BulkSetCustomFields sets custom field values on the cases f selects.
//
// BulkSetCustomFields calls PATCH /v1/sic/cases/bulk/custom-fields with the
// filter and {"custom_fields": [{"uuid", "value"}]}.
func (s *CasesService) BulkSetCustomFields(ctx context.Context, f *CaseFilter, fields []CustomFieldValue) (string, error) {
	const method = "Cases.BulkSetCustomFields"
	if len(fields) == 0 {
		return "", errors.New("sekoia: " + method + ": no custom fields")
	}
	for i, cf := range fields {
		if !idcheck.IsUUID(cf.UUID) {
			return "", fmt.Errorf("sekoia: %s: fields[%d].UUID %q is not a UUID", method, i, argcheck.Short(cf.UUID))
		}
		if !customFieldValue(cf.Value) {
			return "", fmt.Errorf("sekoia: %s: fields[%d].Value is a %T, not a string, number, bool or []string", method, i, cf.Value)
		}
	}
	return s.bulk(ctx, method, wire.NewBulkUpdateCaseCustomFieldsRequest, f, map[string]any{"custom_fields": fields})
}

// customFieldValue reports whether v is a value a custom field takes.
func customFieldValue(v any) bool {
	switch v.(type) {
	case string, bool, []string, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, float32, float64, json.Number:
		return true
	}
	return false
}
