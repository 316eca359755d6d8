package sekoia_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"

	"github.com/socgo/xdr/sekoia"
	"github.com/socgo/xdr/sekoia/sekoiatest"
)

// extrasIDs are the objects the extras suite works on: fixed for the mock
// target, seeded for the fake.
type extrasIDs struct {
	alert, comment, cm, cm2, step, step2, caseID string
	verdict, priority, field, asset, asset2      string
}

func (id extrasIDs) expand(s string) string {
	return strings.NewReplacer(
		"{alert}", id.alert, "{comment}", id.comment, "{cm}", id.cm, "{cm2}", id.cm2,
		"{step}", id.step, "{step2}", id.step2, "{case}", id.caseID, "{verdict}", id.verdict,
		"{priority}", id.priority, "{field}", id.field, "{asset}", id.asset, "{asset2}", id.asset2,
	).Replace(s)
}

// extrasCall is one call of the suite: the exact request it must send,
// the answer the mock gives, and what both targets must return. The calls
// run in order against the fake, whose state they change.
type extrasCall struct {
	name   string
	method string
	path   string // under the API base, with {alert}… placeholders
	query  url.Values
	body   string // exact JSON body, with placeholders; "" for none
	status int
	answer string // the mock's answer, with placeholders
	call   func(ctx context.Context, c *sekoia.Client, id extrasIDs) (any, error)
	check  func(t *testing.T, got any, id extrasIDs)
}

const (
	cmJSON = `{"uuid":"{cm}","name":"Isolate the host","alert_uuid":"{alert}","status":"pending","relevance":80,` +
		`"created_at":"2026-01-05T08:00:00Z","created_by":"a9","created_by_type":"apikey","activated_at":null,"denied_at":null,` +
		`"course_of_action":null,"action_steps":[{"uuid":"{step}","name":"isolate","status":"pending","action_order":1}],"comments":[]}`
	cmActivatedJSON = `{"uuid":"{cm}","name":"Isolate the host","status":"activated","activated_at":"2026-01-05T09:00:00Z",` +
		`"activated_by":"a9","activated_by_type":"apikey","comments":[{"uuid":"` + fixedComment + `","content":"done","author":"soc","date":1767603600}]}`
	cmDeniedJSON = `{"uuid":"{cm2}","name":"Block the IP","status":"denied","denied_at":"2026-01-05T09:00:00Z","comments":[]}`
	stepJSON     = `{"uuid":"{step}","name":"isolate","status":"activated","action_order":1,"activated_at":"2026-01-05T09:00:00Z","object":{"host":"web-1"}}`
	step2JSON    = `{"uuid":"{step2}","name":"notify","status":"denied","action_order":2,"denied_at":"2026-01-05T09:00:00Z"}`
	commentJSON  = `{"uuid":"` + fixedComment + `","content":"done","author":"soc","date":1767603600,"created_by":"a9","created_by_type":"apikey"}`
	// listedCommentJSON is the same comment as the countermeasure comment
	// lists write it.
	listedCommentJSON = `{"uuid":"` + fixedComment + `","content":"done","author":"soc","created_at":"2026-01-05T09:00:00Z",` +
		`"created_by":"a9","created_by_type":"apikey","type":"countermeasure_comment"}`
	verdictJSON = `{"uuid":"{verdict}","community_uuid":"` + sekoiatest.DefaultCommunityUUID + `","label":"Benign","description":"","level":1,` +
		`"stage":"false_positive","created_at":"2026-01-05T08:00:00Z","created_by":"a9","created_by_type":"apikey","updated_at":null}`
	priorityJSON = `{"uuid":"{priority}","community_uuid":"` + sekoiatest.DefaultCommunityUUID + `","label":"P1","description":"","level":1,` +
		`"color":"#d63939","created_at":"2026-01-05T08:00:00Z","created_by":"a9","created_by_type":"apikey"}`
	fieldJSON = `{"uuid":"{field}","community_uuid":"` + sekoiatest.DefaultCommunityUUID + `","name":"Ticket","slug":"ticket","type":"text",` +
		`"options":null,"auto_added_to_case":false,"auto_added_to_alert":true,"created_at":"2026-01-05T08:00:00Z","created_by":"a9","created_by_type":"apikey"}`
	assetJSON = `{"uuid":"{asset}","community_uuid":"` + sekoiatest.DefaultCommunityUUID + `","name":"web-1","type":"host","tags":[],"revoked":%s,"reviewed":false}`

	fixedComment = "6b1f5e8c-9d5a-4c61-9e44-1f1d3b7c2a10"
)

func listBody(items ...string) string {
	return `{"items":[` + strings.Join(items, ",") + `],"total":` + strconv.Itoa(len(items)) + `}`
}

func cmOf(t *testing.T, got any) *sekoia.Countermeasure {
	t.Helper()
	cm, ok := got.(*sekoia.Countermeasure)
	if !ok || cm == nil {
		t.Fatalf("got %T", got)
	}
	return cm
}

func extrasSuite() []extrasCall {
	return []extrasCall{
		{
			name: "ListForAlert", method: http.MethodGet, path: "/v1/sic/alerts/{alert}/countermeasures",
			query: url.Values{"limit": {"10"}, "sort": {"created_at"}, "direction": {"asc"}}, status: 200, answer: listBody(cmJSON),
			call: func(ctx context.Context, c *sekoia.Client, id extrasIDs) (any, error) {
				return c.Countermeasures.ListForAlert(ctx, id.alert, &sekoia.CountermeasureListOptions{Sort: "created_at", Direction: sekoia.Ascending, Limit: 10})
			},
			check: func(t *testing.T, got any, id extrasIDs) {
				p := got.(*sekoia.Page[sekoia.Countermeasure])
				if len(p.Items) == 0 || p.Items[0].UUID != id.cm || p.Items[0].Activated() || len(p.Items[0].ActionSteps) == 0 {
					t.Errorf("page = %+v", p)
				}
			},
		},
		{
			name: "AddToAlert", method: http.MethodPost, path: "/v1/sic/alerts/{alert}/countermeasures",
			body: `{"name":"Reset the password","description":"of the account"}`, status: 200,
			answer: `{"uuid":"0e5d2f3a-1b2c-4d5e-8f90-a1b2c3d4e5f6","name":"Reset the password","description":"of the account","alert_uuid":"{alert}"}`,
			call: func(ctx context.Context, c *sekoia.Client, id extrasIDs) (any, error) {
				return c.Countermeasures.AddToAlert(ctx, id.alert, sekoia.NewCountermeasure{Name: "Reset the password", Description: "of the account"})
			},
			check: func(t *testing.T, got any, id extrasIDs) {
				if cm := cmOf(t, got); cm.Name != "Reset the password" || cm.AlertUUID != id.alert || cm.UUID == "" {
					t.Errorf("countermeasure = %+v", cm)
				}
			},
		},
		{
			name: "ListForCase", method: http.MethodGet, path: "/v1/sic/cases/{case}/countermeasures",
			query: url.Values{"limit": {"5"}}, status: 200, answer: listBody(strings.Replace(cmJSON, "{cm}", "{cm2}", 1)),
			call: func(ctx context.Context, c *sekoia.Client, id extrasIDs) (any, error) {
				return c.Countermeasures.ListForCase(ctx, id.caseID, &sekoia.PageOptions{Limit: 5})
			},
			check: func(t *testing.T, got any, id extrasIDs) {
				if p := got.(*sekoia.Page[sekoia.Countermeasure]); len(p.Items) != 1 || p.Items[0].UUID != id.cm2 {
					t.Errorf("page = %+v", p)
				}
			},
		},
		{
			name: "AddToCase", method: http.MethodPost, path: "/v1/sic/cases/{case}/countermeasures",
			body: `{"name":"Rotate keys"}`, status: 200, answer: `{"uuid":"1e5d2f3a-1b2c-4d5e-8f90-a1b2c3d4e5f6","name":"Rotate keys"}`,
			call: func(ctx context.Context, c *sekoia.Client, id extrasIDs) (any, error) {
				return c.Countermeasures.AddToCase(ctx, id.caseID, sekoia.NewCountermeasure{Name: "Rotate keys"})
			},
			check: func(t *testing.T, got any, _ extrasIDs) {
				if cm := cmOf(t, got); cm.Name != "Rotate keys" {
					t.Errorf("countermeasure = %+v", cm)
				}
			},
		},
		{
			name: "Activate", method: http.MethodPatch, path: "/v1/sic/alerts/countermeasures/{cm}/activate",
			body: `{"comment":{"content":"done","author":"soc"}}`, status: 200, answer: cmActivatedJSON,
			call: func(ctx context.Context, c *sekoia.Client, id extrasIDs) (any, error) {
				return c.Countermeasures.Activate(ctx, id.cm, &sekoia.NewComment{Content: "done", Author: "soc"})
			},
			check: func(t *testing.T, got any, _ extrasIDs) {
				if cm := cmOf(t, got); !cm.Activated() || cm.Denied() || len(cm.Comments) != 1 || cm.Comments[0].Content != "done" {
					t.Errorf("countermeasure = %+v", cm)
				}
			},
		},
		{
			name: "Deny", method: http.MethodPatch, path: "/v1/sic/alerts/countermeasures/{cm2}/deny",
			body: `{}`, status: 200, answer: cmDeniedJSON,
			call: func(ctx context.Context, c *sekoia.Client, id extrasIDs) (any, error) {
				return c.Countermeasures.Deny(ctx, id.cm2, nil)
			},
			check: func(t *testing.T, got any, _ extrasIDs) {
				if cm := cmOf(t, got); cm.Activated() || !cm.Denied() {
					t.Errorf("countermeasure = %+v", cm)
				}
			},
		},
		{
			name: "AddComment", method: http.MethodPost, path: "/v1/sic/alerts/countermeasures/{cm}/comments",
			body: `{"content":"checked"}`, status: 201, answer: strings.Replace(commentJSON, `"done"`, `"checked"`, 1),
			call: func(ctx context.Context, c *sekoia.Client, id extrasIDs) (any, error) {
				return c.Countermeasures.AddComment(ctx, id.cm, sekoia.NewComment{Content: "checked"})
			},
			check: func(t *testing.T, got any, _ extrasIDs) {
				if cm := got.(*sekoia.Comment); cm.Content != "checked" || cm.UUID == "" {
					t.Errorf("comment = %+v", cm)
				}
			},
		},
		{
			name: "ListComments", method: http.MethodGet, path: "/v1/sic/alerts/countermeasures/{cm}/comments",
			query: url.Values{"limit": {"20"}}, status: 200, answer: `{"items":[` + listedCommentJSON + `,` + strings.Replace(listedCommentJSON, `"done"`, `"checked"`, 1) + `],"total":2}`,
			call: func(ctx context.Context, c *sekoia.Client, id extrasIDs) (any, error) {
				return c.Countermeasures.ListComments(ctx, id.cm, &sekoia.PageOptions{Limit: 20})
			},
			check: func(t *testing.T, got any, _ extrasIDs) {
				if p := got.(*sekoia.Page[sekoia.Comment]); p.Total != 2 || p.Items[1].Content != "checked" {
					t.Errorf("page = %+v", p)
				}
			},
		},
		{
			name: "GetStep", method: http.MethodGet, path: "/v1/sic/alerts/countermeasures/{cm}/isolate/",
			status: 200, answer: strings.Replace(stepJSON, `"activated"`, `"pending"`, 1),
			call: func(ctx context.Context, c *sekoia.Client, id extrasIDs) (any, error) {
				return c.Countermeasures.GetStep(ctx, id.cm, "isolate")
			},
			check: func(t *testing.T, got any, id extrasIDs) {
				if s := got.(*sekoia.ActionStep); s.UUID != id.step || s.Name != "isolate" || s.ActionOrder != 1 {
					t.Errorf("step = %+v", s)
				}
			},
		},
		{
			name: "UpdateStep", method: http.MethodPatch, path: "/v1/sic/alerts/countermeasures/{cm}/{step}/",
			body: `{"description":"through the EDR"}`, status: 200,
			answer: `{"uuid":"{step}","name":"isolate","description":"through the EDR","status":"pending","action_order":1}`,
			call: func(ctx context.Context, c *sekoia.Client, id extrasIDs) (any, error) {
				return c.Countermeasures.UpdateStep(ctx, id.cm, id.step, "through the EDR")
			},
			check: func(t *testing.T, got any, id extrasIDs) {
				if s := got.(*sekoia.ActionStep); s.UUID != id.step || s.Description != "through the EDR" {
					t.Errorf("step = %+v", s)
				}
			},
		},
		{
			name: "ActivateStep", method: http.MethodPatch, path: "/v1/sic/alerts/countermeasures/{cm}/{step}/activate",
			body: `{}`, status: 200, answer: stepJSON,
			call: func(ctx context.Context, c *sekoia.Client, id extrasIDs) (any, error) {
				return c.Countermeasures.ActivateStep(ctx, id.cm, id.step, nil)
			},
			check: func(t *testing.T, got any, _ extrasIDs) {
				if s := got.(*sekoia.ActionStep); s.ActivatedAt.IsZero() || !s.DeniedAt.IsZero() {
					t.Errorf("step = %+v", s)
				}
			},
		},
		{
			name: "DenyStep", method: http.MethodPatch, path: "/v1/sic/alerts/countermeasures/{cm}/{step2}/deny",
			body: `{"comment":{"content":"not needed"}}`, status: 200, answer: step2JSON,
			call: func(ctx context.Context, c *sekoia.Client, id extrasIDs) (any, error) {
				return c.Countermeasures.DenyStep(ctx, id.cm, id.step2, &sekoia.NewComment{Content: "not needed"})
			},
			check: func(t *testing.T, got any, _ extrasIDs) {
				if s := got.(*sekoia.ActionStep); s.DeniedAt.IsZero() || s.Name != "notify" {
					t.Errorf("step = %+v", s)
				}
			},
		},
		{
			name: "AddStepComment", method: http.MethodPost, path: "/v1/sic/alerts/countermeasures/{cm}/{step}/comments",
			body: `{"content":"done","author":"soc"}`, status: 201, answer: commentJSON,
			call: func(ctx context.Context, c *sekoia.Client, id extrasIDs) (any, error) {
				return c.Countermeasures.AddStepComment(ctx, id.cm, id.step, sekoia.NewComment{Content: "done", Author: "soc"})
			},
			check: func(t *testing.T, got any, _ extrasIDs) {
				if cm := got.(*sekoia.Comment); cm.Author != "soc" {
					t.Errorf("comment = %+v", cm)
				}
			},
		},
		{
			name: "ListStepComments", method: http.MethodGet, path: "/v1/sic/alerts/countermeasures/{cm}/{step}/comments",
			status: 200, answer: `{"items":[` + listedCommentJSON + `],"total":1}`,
			call: func(ctx context.Context, c *sekoia.Client, id extrasIDs) (any, error) {
				return c.Countermeasures.ListStepComments(ctx, id.cm, id.step, nil)
			},
			check: func(t *testing.T, got any, _ extrasIDs) {
				if p := got.(*sekoia.Page[sekoia.Comment]); p.Total != 1 || p.Items[0].Content != "done" {
					t.Errorf("page = %+v", p)
				}
			},
		},
		{
			name: "DeleteStep", method: http.MethodDelete, path: "/v1/sic/alerts/countermeasures/{cm}/{step2}/", status: 204,
			call: func(ctx context.Context, c *sekoia.Client, id extrasIDs) (any, error) {
				return nil, c.Countermeasures.DeleteStep(ctx, id.cm, id.step2)
			},
		},
		{
			name: "Count", method: http.MethodGet, path: "/v1/sic/alerts/count",
			query:  url.Values{"match[status_uuid]": {sekoia.StatusPending.UUID()}, "match[entity_name]": {"Information Technology"}, "nomatch[source]": {"10.9.9.9"}},
			status: 200, answer: `{"total":1}`,
			call: func(ctx context.Context, c *sekoia.Client, id extrasIDs) (any, error) {
				// Paging, sorting and embedding are list-only and left out.
				return c.Alerts.Count(ctx, &sekoia.AlertListOptions{
					Statuses: []sekoia.Status{sekoia.StatusPending}, EntityNames: []string{"Information Technology"},
					Exclude: &sekoia.AlertExclusions{Sources: []string{"10.9.9.9"}},
					Limit:   50, Offset: 10, Sort: sekoia.AlertSortUrgency, Direction: sekoia.Descending, WithCount: ptr(true), STIX: true, Cases: true,
				})
			},
			check: func(t *testing.T, got any, _ extrasIDs) {
				if got.(int) != 1 {
					t.Errorf("count = %v", got)
				}
			},
		},
		{
			name: "EditComment", method: http.MethodPatch, path: "/v1/sic/alerts/{alert}/comments/{comment}",
			body: `{"content":"edited"}`, status: 200, answer: `{"uuid":"{comment}","content":"edited","author":"soc","date":1767603600}`,
			call: func(ctx context.Context, c *sekoia.Client, id extrasIDs) (any, error) {
				return c.Alerts.EditComment(ctx, id.alert, id.comment, "edited")
			},
			check: func(t *testing.T, got any, id extrasIDs) {
				if cm := got.(*sekoia.Comment); cm.UUID != id.comment || cm.Content != "edited" {
					t.Errorf("comment = %+v", cm)
				}
			},
		},
		{
			name: "DeleteComment", method: http.MethodDelete, path: "/v1/sic/alerts/{alert}/comments/{comment}", status: 204,
			call: func(ctx context.Context, c *sekoia.Client, id extrasIDs) (any, error) {
				return nil, c.Alerts.DeleteComment(ctx, id.alert, id.comment)
			},
		},
		{
			name: "SetCustomFields", method: http.MethodPatch, path: "/v1/sic/alerts/{alert}/custom-fields",
			body: `{"custom_fields":[{"uuid":"{field}","value":"INC-42"}]}`, status: 200,
			answer: `{"custom_fields":[{"uuid":"{field}","name":"Ticket","slug":"ticket","type":"text","value":"INC-42"}]}`,
			call: func(ctx context.Context, c *sekoia.Client, id extrasIDs) (any, error) {
				return c.Alerts.SetCustomFields(ctx, id.alert, []sekoia.CustomFieldValue{{UUID: id.field, Value: "INC-42"}})
			},
			check: func(t *testing.T, got any, id extrasIDs) {
				fs := got.([]sekoia.AlertCustomField)
				if len(fs) != 1 || fs[0].UUID != id.field || string(fs[0].Value) != `"INC-42"` || fs[0].Slug != "ticket" {
					t.Errorf("custom fields = %+v", fs)
				}
			},
		},
		{
			name: "CustomVerdicts.List", method: http.MethodGet, path: "/v1/sic/custom_verdicts",
			query: url.Values{"with_is_used": {"true"}, "limit": {"100"}}, status: 200, answer: listBody(verdictJSON),
			call: func(ctx context.Context, c *sekoia.Client, _ extrasIDs) (any, error) {
				return c.CustomVerdicts.List(ctx, &sekoia.CustomLevelListOptions{WithIsUsed: ptr(true), Limit: 100})
			},
			check: func(t *testing.T, got any, id extrasIDs) {
				if p := got.(*sekoia.Page[sekoia.CustomVerdict]); len(p.Items) != 1 || p.Items[0].UUID != id.verdict || p.Items[0].Stage != sekoia.VerdictFalsePositive {
					t.Errorf("page = %+v", p)
				}
			},
		},
		{
			name: "CustomVerdicts.Get", method: http.MethodGet, path: "/v1/sic/custom_verdicts/{verdict}", status: 200, answer: verdictJSON,
			call: func(ctx context.Context, c *sekoia.Client, id extrasIDs) (any, error) {
				return c.CustomVerdicts.Get(ctx, id.verdict)
			},
			check: func(t *testing.T, got any, _ extrasIDs) {
				if v := got.(*sekoia.CustomVerdict); v.Label != "Benign" || v.CreatedAt.IsZero() {
					t.Errorf("verdict = %+v", v)
				}
			},
		},
		{
			name: "CustomVerdicts.Create", method: http.MethodPost, path: "/v1/sic/custom_verdicts",
			body: `{"label":"Malicious","stage":"true_positive","level":2}`, status: 200,
			answer: strings.NewReplacer("Benign", "Malicious", "false_positive", "true_positive", `"level":1`, `"level":2`).Replace(verdictJSON),
			call: func(ctx context.Context, c *sekoia.Client, _ extrasIDs) (any, error) {
				return c.CustomVerdicts.Create(ctx, sekoia.CustomVerdictCreate{Label: "Malicious", Stage: sekoia.VerdictTruePositive, Level: ptr(2)})
			},
			check: func(t *testing.T, got any, _ extrasIDs) {
				if v := got.(*sekoia.CustomVerdict); v.Label != "Malicious" || v.Level != 2 || v.Stage != sekoia.VerdictTruePositive {
					t.Errorf("verdict = %+v", v)
				}
			},
		},
		{
			name: "CustomVerdicts.Update", method: http.MethodPatch, path: "/v1/sic/custom_verdicts/{verdict}",
			body: `{"description":""}`, status: 200, answer: verdictJSON,
			call: func(ctx context.Context, c *sekoia.Client, id extrasIDs) (any, error) {
				return c.CustomVerdicts.Update(ctx, id.verdict, sekoia.CustomVerdictUpdate{Description: ptr("")})
			},
			check: func(t *testing.T, got any, _ extrasIDs) {
				if v := got.(*sekoia.CustomVerdict); v.Description != "" || v.Label != "Benign" {
					t.Errorf("verdict = %+v", v)
				}
			},
		},
		{
			name: "CustomVerdicts.Delete", method: http.MethodDelete, path: "/v1/sic/custom_verdicts/{verdict}", status: 204,
			call: func(ctx context.Context, c *sekoia.Client, id extrasIDs) (any, error) {
				return nil, c.CustomVerdicts.Delete(ctx, id.verdict)
			},
		},
		{
			name: "CustomPriorities.List", method: http.MethodGet, path: "/v1/sic/custom_priorities", status: 200, answer: listBody(priorityJSON),
			call: func(ctx context.Context, c *sekoia.Client, _ extrasIDs) (any, error) {
				return c.CustomPriorities.List(ctx, nil)
			},
			check: func(t *testing.T, got any, id extrasIDs) {
				if p := got.(*sekoia.Page[sekoia.CustomPriority]); len(p.Items) != 1 || p.Items[0].UUID != id.priority || p.Items[0].Color != "#d63939" {
					t.Errorf("page = %+v", p)
				}
			},
		},
		{
			name: "CustomPriorities.Get", method: http.MethodGet, path: "/v1/sic/custom_priorities/{priority}", status: 200, answer: priorityJSON,
			call: func(ctx context.Context, c *sekoia.Client, id extrasIDs) (any, error) {
				return c.CustomPriorities.Get(ctx, id.priority)
			},
			check: func(t *testing.T, got any, _ extrasIDs) {
				if p := got.(*sekoia.CustomPriority); p.Label != "P1" {
					t.Errorf("priority = %+v", p)
				}
			},
		},
		{
			name: "CustomPriorities.Create", method: http.MethodPost, path: "/v1/sic/custom_priorities",
			body: `{"label":"P2","color":"#f59f00","description":"within a day"}`, status: 200,
			answer: strings.NewReplacer(`"P1"`, `"P2"`, "#d63939", "#f59f00", `"description":""`, `"description":"within a day"`).Replace(priorityJSON),
			call: func(ctx context.Context, c *sekoia.Client, _ extrasIDs) (any, error) {
				return c.CustomPriorities.Create(ctx, sekoia.CustomPriorityCreate{Label: "P2", Color: "#f59f00", Description: "within a day"})
			},
			check: func(t *testing.T, got any, _ extrasIDs) {
				if p := got.(*sekoia.CustomPriority); p.Label != "P2" || p.Color != "#f59f00" {
					t.Errorf("priority = %+v", p)
				}
			},
		},
		{
			name: "CustomPriorities.Update", method: http.MethodPatch, path: "/v1/sic/custom_priorities/{priority}",
			body: `{"color":"#000000","level":3}`, status: 200, answer: strings.NewReplacer("#d63939", "#000000", `"level":1`, `"level":3`).Replace(priorityJSON),
			call: func(ctx context.Context, c *sekoia.Client, id extrasIDs) (any, error) {
				return c.CustomPriorities.Update(ctx, id.priority, sekoia.CustomPriorityUpdate{Color: "#000000", Level: ptr(3)})
			},
			check: func(t *testing.T, got any, _ extrasIDs) {
				if p := got.(*sekoia.CustomPriority); p.Color != "#000000" || p.Level != 3 {
					t.Errorf("priority = %+v", p)
				}
			},
		},
		{
			name: "CustomPriorities.Delete", method: http.MethodDelete, path: "/v1/sic/custom_priorities/{priority}", status: 204,
			call: func(ctx context.Context, c *sekoia.Client, id extrasIDs) (any, error) {
				return nil, c.CustomPriorities.Delete(ctx, id.priority)
			},
		},
		{
			name: "CustomFields.List", method: http.MethodGet, path: "/v1/sic/custom-fields",
			query: url.Values{"name": {"Ticket"}, "sort": {"name"}, "direction": {"desc"}}, status: 200, answer: listBody(fieldJSON),
			call: func(ctx context.Context, c *sekoia.Client, _ extrasIDs) (any, error) {
				return c.CustomFields.List(ctx, &sekoia.CustomFieldListOptions{Name: "Ticket", Sort: "name", Direction: sekoia.Descending})
			},
			check: func(t *testing.T, got any, id extrasIDs) {
				if p := got.(*sekoia.Page[sekoia.CustomField]); len(p.Items) != 1 || p.Items[0].UUID != id.field || p.Items[0].Type != sekoia.FieldText {
					t.Errorf("page = %+v", p)
				}
			},
		},
		{
			name: "CustomFields.Get", method: http.MethodGet, path: "/v1/sic/custom-fields/{field}", status: 200, answer: fieldJSON,
			call: func(ctx context.Context, c *sekoia.Client, id extrasIDs) (any, error) {
				return c.CustomFields.Get(ctx, id.field)
			},
			check: func(t *testing.T, got any, _ extrasIDs) {
				if f := got.(*sekoia.CustomField); f.Name != "Ticket" || !f.AutoAddedToAlert || f.Options != nil {
					t.Errorf("field = %+v", f)
				}
			},
		},
		{
			name: "CustomFields.Create", method: http.MethodPost, path: "/v1/sic/custom-fields",
			body: `{"name":"Severity","type":"single_select","options":["low","high"],"auto_added_to_case":true}`, status: 200,
			answer: strings.NewReplacer(`"Ticket"`, `"Severity"`, `"ticket"`, `"severity"`, `"text"`, `"single_select"`, `"options":null`, `"options":["low","high"]`,
				`"auto_added_to_case":false`, `"auto_added_to_case":true`, `"auto_added_to_alert":true`, `"auto_added_to_alert":false`).Replace(fieldJSON),
			call: func(ctx context.Context, c *sekoia.Client, _ extrasIDs) (any, error) {
				return c.CustomFields.Create(ctx, sekoia.CustomFieldCreate{Name: "Severity", Type: sekoia.FieldSingleSelect, Options: []string{"low", "high"}, AutoAddedToCase: true})
			},
			check: func(t *testing.T, got any, _ extrasIDs) {
				if f := got.(*sekoia.CustomField); f.Name != "Severity" || string(f.Options) != `["low","high"]` || !f.AutoAddedToCase {
					t.Errorf("field = %+v", f)
				}
			},
		},
		{
			name: "CustomFields.Update", method: http.MethodPatch, path: "/v1/sic/custom-fields/{field}",
			body: `{"auto_added_to_alert":false}`, status: 200, answer: strings.Replace(fieldJSON, `"auto_added_to_alert":true`, `"auto_added_to_alert":false`, 1),
			call: func(ctx context.Context, c *sekoia.Client, id extrasIDs) (any, error) {
				return c.CustomFields.Update(ctx, id.field, sekoia.CustomFieldUpdate{AutoAddedToAlert: ptr(false)})
			},
			check: func(t *testing.T, got any, _ extrasIDs) {
				if f := got.(*sekoia.CustomField); f.AutoAddedToAlert {
					t.Errorf("field = %+v", f)
				}
			},
		},
		{
			name: "CustomFields.Delete", method: http.MethodDelete, path: "/v1/sic/custom-fields/{field}", status: 200,
			call: func(ctx context.Context, c *sekoia.Client, id extrasIDs) (any, error) {
				return nil, c.CustomFields.Delete(ctx, id.field)
			},
		},
		{
			name: "Me", method: http.MethodGet, path: "/v1/me", query: url.Values{"extended": {"true"}}, status: 200,
			answer: `{"uuid":"a9","type":"apikey","community_uuid":"` + sekoiatest.DefaultCommunityUUID + `"}`,
			call: func(ctx context.Context, c *sekoia.Client, _ extrasIDs) (any, error) {
				return c.Me(ctx, true)
			},
			check: func(t *testing.T, got any, _ extrasIDs) {
				if m := got.(*sekoia.Me); m.Type != "apikey" || !strings.Contains(string(m.Raw), sekoiatest.DefaultCommunityUUID) {
					t.Errorf("me = %+v", m)
				}
			},
		},
		{
			name: "Assets.Revoke", method: http.MethodPut, path: "/v2/asset-management/assets/{asset}/revoke", status: 200,
			answer: strings.Replace(assetJSON, "%s", "true", 1),
			call: func(ctx context.Context, c *sekoia.Client, id extrasIDs) (any, error) {
				return c.Assets.Revoke(ctx, id.asset)
			},
			check: func(t *testing.T, got any, _ extrasIDs) {
				if a := got.(*sekoia.Asset); !a.Revoked {
					t.Errorf("asset = %+v", a)
				}
			},
		},
		{
			name: "Assets.Restore", method: http.MethodPut, path: "/v2/asset-management/assets/{asset}/restore", status: 200,
			answer: strings.Replace(assetJSON, "%s", "false", 1),
			call: func(ctx context.Context, c *sekoia.Client, id extrasIDs) (any, error) {
				return c.Assets.Restore(ctx, id.asset)
			},
			check: func(t *testing.T, got any, _ extrasIDs) {
				if a := got.(*sekoia.Asset); a.Revoked || !a.RevokedAt.IsZero() {
					t.Errorf("asset = %+v", a)
				}
			},
		},
		{
			name: "Assets.Merge", method: http.MethodPost, path: "/v2/asset-management/assets/merge",
			body: `{"destination":"{asset}","sources":["{asset2}"]}`, status: 200,
			answer: strings.NewReplacer("%s", "false", `"tags":[]`, `"tags":["dmz"]`).Replace(assetJSON),
			call: func(ctx context.Context, c *sekoia.Client, id extrasIDs) (any, error) {
				return c.Assets.Merge(ctx, id.asset, []string{id.asset2})
			},
			check: func(t *testing.T, got any, id extrasIDs) {
				if a := got.(*sekoia.Asset); a.UUID != id.asset || len(a.Tags) != 1 || a.Tags[0] != "dmz" {
					t.Errorf("asset = %+v", a)
				}
			},
		},

		{
			name: "Assets.ListHistory", method: http.MethodGet, path: "/v2/asset-management/assets/{asset}/history",
			query: url.Values{"order": {"asc"}, "limit": {"10"}, "earliest": {"2026-01-01T00:00:00Z"}}, status: 200,
			answer: `{"total":3,"items":[{"2026-01-05":[{"created_at":"2026-01-05T08:00:00Z","action":"revoked","created_by_type":"apikey"},` +
				`{"created_at":"2026-01-05T08:01:00Z","action":"restored"},{"created_at":"2026-01-05T08:02:00Z","action":"merged","fields":null}]}]}`,
			call: func(ctx context.Context, c *sekoia.Client, id extrasIDs) (any, error) {
				return c.Assets.ListHistory(ctx, id.asset, &sekoia.AssetHistoryOptions{Order: sekoia.Ascending, Limit: 10, Earliest: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
			},
			check: func(t *testing.T, got any, _ extrasIDs) {
				p := got.(*sekoia.Page[sekoia.AssetHistoryEntry])
				if p.Total != 3 || len(p.Items) != 3 || p.Items[0].Action != "revoked" || p.Items[2].Action != "merged" || p.HasMore {
					t.Errorf("history = %+v", p)
				}
			},
		}}
}

// TestExtrasWire runs the suite against a fresh mock transport per call:
// each call must send exactly the request described, valid against
// openapi/sekoia.yaml.
func TestExtrasWire(t *testing.T) {
	t.Parallel()
	id := extrasIDs{
		alert: "0ac3d2a4-5b6c-4d7e-8f90-0123456789ab", comment: fixedComment,
		cm: "5f2b1c9d-3e4f-4a5b-8c6d-7e8f9a0b1c2d", cm2: "6f2b1c9d-3e4f-4a5b-8c6d-7e8f9a0b1c2d",
		step: "7a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d", step2: "8a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d",
		caseID: "9b8c7d6e-5f4a-4b3c-8d2e-1f0a9b8c7d6e", verdict: "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
		priority: "2c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f", field: "3c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
		asset: "4c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f", asset2: "5c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
	}
	for _, tc := range extrasSuite() {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, mt := mockAPI(t)
			var calls atomic.Int32
			r := respond(t, wire{query: tc.query, body: id.expand(tc.body)}, tc.status, []byte(id.expand(tc.answer)))
			mt.RegisterResponder(tc.method, apiBase+id.expand(tc.path), func(req *http.Request) (*http.Response, error) {
				calls.Add(1)
				return r(req)
			})
			got, err := tc.call(context.Background(), c, id)
			if err != nil {
				t.Fatal(err)
			}
			if n := calls.Load(); n != 1 {
				t.Errorf("%d requests, want 1", n)
			}
			if tc.check != nil {
				tc.check(t, got, id)
			}
		})
	}
}

// TestExtrasFake runs the same suite, in order, against sekoiatest, every
// request and answer checked against openapi/sekoia.yaml.
func TestExtrasFake(t *testing.T) {
	t.Parallel()
	srv, c := fakeAPI(t)
	ctx := context.Background()
	a := srv.SeedAlerts(1)[0]
	com, err := c.Alerts.AddComment(ctx, a.UUID, sekoia.NewComment{Content: "first look"})
	if err != nil {
		t.Fatal(err)
	}
	cm, _ := srv.AddCountermeasure(a.ShortID, sekoia.Countermeasure{Name: "Isolate the host", Relevance: 80,
		ActionSteps: []sekoia.ActionStep{{Name: "isolate"}, {Name: "notify"}}})
	caseID := srv.AddCase(sekoia.Case{Title: "Intrusion on web-1"}).UUID
	cm2, _ := srv.AddCaseCountermeasure(caseID, sekoia.Countermeasure{Name: "Block the IP"})
	dst := srv.AddAsset(sekoia.Asset{Name: "web-1", Type: sekoia.AssetHost, CommunityUUID: sekoiatest.DefaultCommunityUUID})
	src := srv.AddAsset(sekoia.Asset{Name: "web-1.lan", Type: sekoia.AssetHost, CommunityUUID: sekoiatest.DefaultCommunityUUID, Tags: []string{"dmz"}})
	id := extrasIDs{
		alert: a.UUID, comment: com.UUID, cm: cm.UUID, cm2: cm2.UUID, step: cm.ActionSteps[0].UUID, step2: cm.ActionSteps[1].UUID,
		caseID:   caseID,
		verdict:  srv.AddCustomVerdict(sekoia.CustomVerdict{Label: "Benign", Stage: sekoia.VerdictFalsePositive}).UUID,
		priority: srv.AddCustomPriority(sekoia.CustomPriority{Label: "P1", Color: "#d63939"}).UUID,
		field:    srv.AddCustomField(sekoia.CustomField{Name: "Ticket", Type: sekoia.FieldText, AutoAddedToAlert: true}).UUID,
		asset:    dst.UUID, asset2: src.UUID,
	}
	for _, tc := range extrasSuite() {
		got, err := tc.call(ctx, c, id)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if tc.check != nil {
			t.Run(tc.name, func(t *testing.T) { tc.check(t, got, id) })
		}
	}
	// The state the suite left.
	if got, _ := srv.Countermeasure(cm.UUID); !got.Activated() || len(got.ActionSteps) != 1 || len(got.Comments) != 2 {
		t.Errorf("countermeasure after the suite = %+v", got)
	}
	if got, _ := srv.Alert(a.UUID); len(got.CustomFields) != 1 || len(srv.Comments(a.UUID)) != 0 {
		t.Errorf("alert after the suite: custom fields %+v, comments %d", got.CustomFields, len(srv.Comments(a.UUID)))
	}
	if _, ok := srv.Asset(src.UUID); ok {
		t.Error("merged source asset still stored")
	}
	if n := countAll(t, c.Assets.AllHistory(ctx, dst.UUID, &sekoia.AssetHistoryOptions{Limit: 2})); n != 3 {
		t.Errorf("AllHistory yielded %d entries, want 3", n)
	}
	if p, err := c.Assets.ListHistory(ctx, dst.UUID, &sekoia.AssetHistoryOptions{Search: "merged"}); err != nil || p.Total != 1 || p.Items[0].Action != "merged" {
		t.Errorf("History search: %+v, %v", p, err)
	}
	if p, err := c.Assets.ListHistory(ctx, dst.UUID, &sekoia.AssetHistoryOptions{Latest: time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)}); err != nil || p.Total != 0 {
		t.Errorf("History before 2000: %+v, %v", p, err)
	}
	// A decided countermeasure or step cannot be decided again.
	if _, err := c.Countermeasures.Deny(ctx, cm.UUID, nil); !errors.Is(err, sekoia.ErrConflict) {
		t.Errorf("deny after activate: %v", err)
	}
	if _, err := c.Countermeasures.ActivateStep(ctx, cm.UUID, "isolate", nil); !errors.Is(err, sekoia.ErrConflict) {
		t.Errorf("activate step twice: %v", err)
	}
	if _, err := c.Countermeasures.Activate(ctx, "00000000-0000-4000-8000-000000000000", nil); !errors.Is(err, sekoia.ErrNotFound) {
		t.Errorf("unknown countermeasure: %v", err)
	}
	if n, err := c.Alerts.Count(ctx, &sekoia.AlertListOptions{Statuses: []sekoia.Status{sekoia.StatusClosed}}); err != nil || n != 0 {
		t.Errorf("count closed = %d, %v", n, err)
	}
}

// TestCountermeasureActivationNotRetried checks that an activation whose
// answer is a 5xx or a cut connection is sent once, whatever the retry
// setting: the countermeasure may have been activated.
func TestCountermeasureActivationNotRetried(t *testing.T) {
	t.Parallel()
	const cm = "5f2b1c9d-3e4f-4a5b-8c6d-7e8f9a0b1c2d"
	for _, tc := range []struct {
		name      string
		responder httpmock.Responder
	}{
		{"503", httpmock.NewStringResponder(503, `{"message":"unavailable"}`)},
		{"connection error", httpmock.NewErrorResponder(errors.New("connection reset by peer"))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, mt := mockAPI(t, sekoia.WithMaxRetries(4))
			var calls atomic.Int32
			for _, verb := range []string{"activate", "isolate/activate"} {
				mt.RegisterResponder(http.MethodPatch, apiBase+"/v1/sic/alerts/countermeasures/"+cm+"/"+verb, func(r *http.Request) (*http.Response, error) {
					calls.Add(1)
					return tc.responder(r)
				})
			}
			if _, err := c.Countermeasures.Activate(context.Background(), cm, nil); err == nil {
				t.Fatal("no error")
			}
			if _, err := c.Countermeasures.ActivateStep(context.Background(), cm, "isolate", nil); err == nil {
				t.Fatal("no error")
			}
			if n := calls.Load(); n != 2 {
				t.Errorf("%d requests for 2 calls: an activation was resent", n)
			}
		})
	}
}

// TestExtrasRefuseBadInput checks that bad arguments fail before any
// request (the mock fails the test on a request) and name the argument.
func TestExtrasRefuseBadInput(t *testing.T) {
	t.Parallel()
	c, _ := mockAPI(t)
	ctx := context.Background()
	const u = "5f2b1c9d-3e4f-4a5b-8c6d-7e8f9a0b1c2d"
	long := strings.Repeat("x", 300)
	for name, f := range map[string]func() error{
		"alert id": func() error { _, err := c.Countermeasures.ListForAlert(ctx, "nope", nil); return err },
		"direction": func() error {
			_, err := c.Countermeasures.ListForAlert(ctx, u, &sekoia.CountermeasureListOptions{Direction: "up"})
			return err
		},
		"case id": func() error { _, err := c.Countermeasures.ListForCase(ctx, "../x", nil); return err },
		"case add name": func() error {
			_, err := c.Countermeasures.AddToCase(ctx, u, sekoia.NewCountermeasure{Name: " "})
			return err
		},
		"alert add name": func() error {
			_, err := c.Countermeasures.AddToAlert(ctx, u, sekoia.NewCountermeasure{Name: long})
			return err
		},
		"activate uuid": func() error { _, err := c.Countermeasures.Activate(ctx, long, nil); return err },
		"deny comment":  func() error { _, err := c.Countermeasures.Deny(ctx, u, &sekoia.NewComment{}); return err },
		"step slash":    func() error { _, err := c.Countermeasures.GetStep(ctx, u, "a/b"); return err },
		"step empty":    func() error { return c.Countermeasures.DeleteStep(ctx, u, "") },
		"step comment": func() error {
			_, err := c.Countermeasures.AddStepComment(ctx, u, "s", sekoia.NewComment{Content: ""})
			return err
		},
		"comments limit": func() error {
			_, err := c.Countermeasures.ListComments(ctx, u, &sekoia.PageOptions{Limit: 101})
			return err
		},
		"count status": func() error {
			_, err := c.Alerts.Count(ctx, &sekoia.AlertListOptions{Statuses: []sekoia.Status{"x"}})
			return err
		},
		"edit comment uuid": func() error { _, err := c.Alerts.EditComment(ctx, u, "c", "x"); return err },
		"edit content":      func() error { _, err := c.Alerts.EditComment(ctx, u, u, " "); return err },
		"delete comment":    func() error { return c.Alerts.DeleteComment(ctx, "x", u) },
		"custom fields":     func() error { _, err := c.Alerts.SetCustomFields(ctx, u, nil); return err },
		"custom field uuid": func() error {
			_, err := c.Alerts.SetCustomFields(ctx, u, []sekoia.CustomFieldValue{{UUID: "f"}})
			return err
		},
		"custom field twice": func() error {
			_, err := c.Alerts.SetCustomFields(ctx, u, []sekoia.CustomFieldValue{{UUID: u}, {UUID: u}})
			return err
		},
		"custom field value": func() error {
			_, err := c.Alerts.SetCustomFields(ctx, u, []sekoia.CustomFieldValue{{UUID: u, Value: func() {}}})
			return err
		},
		"verdict stage": func() error {
			_, err := c.CustomVerdicts.Create(ctx, sekoia.CustomVerdictCreate{Label: "x", Stage: "maybe"})
			return err
		},
		"verdict label": func() error {
			_, err := c.CustomVerdicts.Create(ctx, sekoia.CustomVerdictCreate{Stage: sekoia.VerdictTruePositive})
			return err
		},
		"verdict level": func() error {
			_, err := c.CustomVerdicts.Update(ctx, u, sekoia.CustomVerdictUpdate{Level: ptr(-1)})
			return err
		},
		"verdict empty": func() error { _, err := c.CustomVerdicts.Update(ctx, u, sekoia.CustomVerdictUpdate{}); return err },
		"verdict get":   func() error { _, err := c.CustomVerdicts.Get(ctx, "v"); return err },
		"verdicts limit": func() error {
			_, err := c.CustomVerdicts.List(ctx, &sekoia.CustomLevelListOptions{Limit: -1})
			return err
		},
		"priority color": func() error {
			_, err := c.CustomPriorities.Create(ctx, sekoia.CustomPriorityCreate{Label: "x"})
			return err
		},
		"priority empty":  func() error { _, err := c.CustomPriorities.Update(ctx, u, sekoia.CustomPriorityUpdate{}); return err },
		"priority delete": func() error { return c.CustomPriorities.Delete(ctx, "p") },
		"field type": func() error {
			_, err := c.CustomFields.Create(ctx, sekoia.CustomFieldCreate{Name: "x", Type: "date"})
			return err
		},
		"field options": func() error {
			_, err := c.CustomFields.Create(ctx, sekoia.CustomFieldCreate{Name: "x", Type: sekoia.FieldMultiSelect})
			return err
		},
		"field text options": func() error {
			_, err := c.CustomFields.Create(ctx, sekoia.CustomFieldCreate{Name: "x", Type: sekoia.FieldText, Options: []string{"a"}})
			return err
		},
		"field empty":   func() error { _, err := c.CustomFields.Update(ctx, u, sekoia.CustomFieldUpdate{}); return err },
		"revoke":        func() error { _, err := c.Assets.Revoke(ctx, "a"); return err },
		"restore":       func() error { _, err := c.Assets.Restore(ctx, "a"); return err },
		"merge sources": func() error { _, err := c.Assets.Merge(ctx, u, nil); return err },
		"merge self":    func() error { _, err := c.Assets.Merge(ctx, u, []string{u}); return err },
		"merge dest":    func() error { _, err := c.Assets.Merge(ctx, "d", []string{u}); return err },
		"history order": func() error {
			_, err := c.Assets.ListHistory(ctx, u, &sekoia.AssetHistoryOptions{Order: "up"})
			return err
		},
		"history range": func() error {
			_, err := c.Assets.ListHistory(ctx, u, &sekoia.AssetHistoryOptions{Earliest: time.Now(), Latest: time.Now().Add(-time.Hour)})
			return err
		},
		"history uuid": func() error { _, err := c.Assets.ListHistory(ctx, "x", nil); return err },
	} {
		err := f()
		if err == nil || !strings.HasPrefix(err.Error(), "sekoia: ") || len(err.Error()) > 260 {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

// TestFakeCountermeasureFaults checks the fake's fault injection on the
// countermeasure routes and the client's answer to each fault: a 5xx or a
// cut answer to an activation is returned, not resent (and the fake did
// not activate); a 429 is waited out and sent again, since the server did
// not act on it; a cut list is read again.
func TestFakeCountermeasureFaults(t *testing.T) {
	t.Parallel()
	srv, c := fakeAPI(t)
	ctx := context.Background()
	a := srv.SeedAlerts(1)[0]
	cm, _ := srv.AddCountermeasure(a.UUID, sekoia.Countermeasure{Name: "Isolate the host"})
	prefix := "/v1/sic/alerts/countermeasures/"

	srv.InjectFault(sekoiatest.Fault{Kind: sekoiatest.ServerError, Method: http.MethodPatch, PathPrefix: prefix})
	var apiErr *sekoia.APIError
	if _, err := c.Countermeasures.Activate(ctx, cm.UUID, nil); !errors.Is(err, sekoia.ErrServer) || !errors.As(err, &apiErr) || apiErr.Attempts != 1 {
		t.Fatalf("activate on a 503: %v", err)
	}
	if got, _ := srv.Countermeasure(cm.UUID); got.Activated() {
		t.Fatal("the fault's request reached the store")
	}
	srv.InjectFault(sekoiatest.Fault{Kind: sekoiatest.RateLimit, Method: http.MethodPatch, PathPrefix: prefix})
	if got, err := c.Countermeasures.Activate(ctx, cm.UUID, nil); err != nil || !got.Activated() {
		t.Fatalf("activate after a 429: %+v, %v", got, err)
	}
	srv.InjectFault(sekoiatest.Fault{Kind: sekoiatest.CutBody, Method: http.MethodGet, PathPrefix: "/v1/sic/alerts/" + a.UUID + "/countermeasures"})
	if p, err := c.Countermeasures.ListForAlert(ctx, a.UUID, nil); err != nil || len(p.Items) != 1 || !p.Items[0].Activated() {
		t.Fatalf("list after a cut body: %+v, %v", p, err)
	}
	cm2, _ := srv.AddCountermeasure(a.UUID, sekoia.Countermeasure{Name: "Block the IP"})
	srv.InjectFault(sekoiatest.Fault{Kind: sekoiatest.CutBody, Method: http.MethodPatch, PathPrefix: prefix})
	if _, err := c.Countermeasures.Deny(ctx, cm2.UUID, nil); err == nil {
		t.Fatal("deny with a cut answer succeeded")
	}
	// The cut answer came after the change: reading again shows it.
	if got, _ := srv.Countermeasure(cm2.UUID); !got.Denied() {
		t.Errorf("after a cut answer the countermeasure is %+v", got)
	}
}
