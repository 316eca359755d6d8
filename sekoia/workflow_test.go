package sekoia_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/jarcoal/httpmock"

	"github.com/socgo/xdr/sekoia"
)

func TestStatusAndActionConstants(t *testing.T) {
	t.Parallel()
	for s, name := range map[sekoia.Status]string{
		sekoia.StatusPending:                   "Pending",
		sekoia.StatusAcknowledged:              "Acknowledged",
		sekoia.StatusOngoing:                   "Ongoing",
		sekoia.StatusRejected:                  "Rejected",
		sekoia.StatusClosed:                    "Closed",
		"0d0b9d2c-0000-4000-8000-000000000000": "0d0b9d2c-0000-4000-8000-000000000000",
	} {
		if s.String() != name {
			t.Errorf("%s.String() = %q", string(s), s.String())
		}
		if got, ok := sekoia.StatusFromName(strings.ToLower(name)); ok && got != s {
			t.Errorf("StatusFromName(%q) = %v", name, got)
		}
	}
	for a, to := range map[sekoia.Action]sekoia.Status{
		sekoia.ActionAcknowledge: sekoia.StatusAcknowledged,
		sekoia.ActionValidate:    sekoia.StatusOngoing,
		sekoia.ActionReject:      sekoia.StatusRejected,
		sekoia.ActionClose:       sekoia.StatusClosed,
	} {
		if got, ok := a.Result(); !ok || got != to {
			t.Errorf("%s.Result() = %v", a, got)
		}
		if back, ok := to.Action(); !ok || back != a {
			t.Errorf("%s.Action() = %v", to, back)
		}
	}
	if sekoia.ActionAcknowledge.String() != "Acknowledge" || sekoia.ActionClose.UUID() != "1390be4e-ced8-4dd6-9bed-573471b235ab" {
		t.Error("action names")
	}
	if _, ok := sekoia.StatusPending.Action(); ok {
		t.Error("Pending has an action")
	}
}

func TestWorkflowListWire(t *testing.T) {
	t.Parallel()
	c, mt := mockAPI(t)
	mt.RegisterResponder(http.MethodGet, alertsURL+"/ALfghiw34ax/workflow", respond(t, wire{}, 200, fixture(t, "workflow_actions.json")))
	acts, err := c.Alerts.Workflow(context.Background(), "ALfghiw34ax")
	if err != nil {
		t.Fatal(err)
	}
	var ids []sekoia.Action
	for _, a := range acts {
		ids = append(ids, a.ID)
	}
	if d := cmp.Diff([]sekoia.Action{sekoia.ActionAcknowledge, sekoia.ActionValidate, sekoia.ActionReject, sekoia.ActionClose}, ids); d != "" {
		t.Error(d)
	}
}

func TestUpdateWorkflowWire(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		to      sekoia.Transition
		comment string
		body    string
	}{
		{"action with comment", sekoia.ActionAcknowledge, "on it", `{"action_uuid":"937bdabf-6a08-434b-b6d3-d7447e4e452a","comment":"on it"}`},
		{"action", sekoia.ActionReject, "", `{"action_uuid":"ade85d7b-7507-4026-bfc6-cc006d10ddac"}`},
		{"status mapped to its action", sekoia.StatusClosed, "", `{"action_uuid":"1390be4e-ced8-4dd6-9bed-573471b235ab"}`},
		{"pending sent as status", sekoia.StatusPending, "reopen", `{"action_uuid":"2efc4930-1442-4abb-acf2-58ba219a4fd0","comment":"reopen"}`},
		{"custom action id", sekoia.Action("0d0b9d2c-0000-4000-8000-000000000000"), "", `{"action_uuid":"0d0b9d2c-0000-4000-8000-000000000000"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, mt := mockAPI(t)
			mt.RegisterResponder(http.MethodPatch, alertsURL+"/ALfghiw34ax/workflow", respond(t, wire{body: tc.body}, 200, []byte(`{"actions":[]}`)))
			if err := c.Alerts.UpdateWorkflow(context.Background(), "ALfghiw34ax", tc.to, tc.comment); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestUpdateWorkflowConflict(t *testing.T) {
	t.Parallel()
	c, mt := mockAPI(t)
	mt.RegisterResponder(http.MethodPatch, alertsURL+"/"+alertUUID+"/workflow",
		httpmock.NewStringResponder(409, `{"message":"Action Close is not allowed from status Pending"}`))
	err := c.Alerts.UpdateWorkflow(context.Background(), alertUUID, sekoia.ActionClose, "")
	var apiErr *sekoia.APIError
	if !errors.Is(err, sekoia.ErrConflict) || !errors.As(err, &apiErr) || apiErr.Message != "Action Close is not allowed from status Pending" {
		t.Fatalf("err = %v", err)
	}
}

func TestUpdateWorkflowRefusesBadInput(t *testing.T) {
	t.Parallel()
	c, _ := mockAPI(t)
	ctx := context.Background()
	if err := c.Alerts.UpdateWorkflow(ctx, "nope", sekoia.ActionClose, ""); err == nil {
		t.Error("bad id accepted")
	}
	if err := c.Alerts.UpdateWorkflow(ctx, "ALfghiw34ax", nil, ""); err == nil {
		t.Error("nil transition accepted")
	}
	if err := c.Alerts.UpdateWorkflow(ctx, "ALfghiw34ax", sekoia.Action("close"), ""); err == nil || !strings.Contains(err.Error(), "not a UUID") {
		t.Errorf("bad action: %v", err)
	}
	if err := c.Alerts.BulkUpdateWorkflow(ctx, nil, sekoia.ActionClose, ""); err == nil {
		t.Error("no ids accepted")
	}
	if err := c.Alerts.BulkUpdateWorkflow(ctx, []string{"ALfghiw34ax", "x"}, sekoia.ActionClose, ""); err == nil || !strings.Contains(err.Error(), "ids[1]") {
		t.Errorf("bad id: %v", err)
	}
	if err := c.Alerts.BulkUpdateWorkflow(ctx, make([]string, 101), sekoia.ActionClose, ""); err == nil {
		t.Error("101 ids accepted")
	}
}

func TestBulkUpdateWorkflowWire(t *testing.T) {
	t.Parallel()
	c, mt := mockAPI(t)
	mt.RegisterResponder(http.MethodPatch, alertsURL+"/bulk/workflow", respond(t, wire{
		query: url.Values{"match[uuid]": {alertUUID + ",ALL1A4SKUiU2"}},
		body:  `{"action_uuid":"1390be4e-ced8-4dd6-9bed-573471b235ab","comment":"batch close"}`,
	}, 204, nil))
	if err := c.Alerts.BulkUpdateWorkflow(context.Background(), []string{alertUUID, "ALL1A4SKUiU2"}, sekoia.StatusClosed, "batch close"); err != nil {
		t.Fatal(err)
	}
}
