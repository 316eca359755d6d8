package sekoia_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/socgo/xdr/sekoia"
	"github.com/socgo/xdr/sekoia/sekoiatest"
)

// caseStatuses adds the three custom case statuses of a community to srv.
func caseStatuses(srv *sekoiatest.Server) (open, progress, closed sekoia.CustomStatus) {
	add := func(label string, level int, stage sekoia.CustomStatusStage) sekoia.CustomStatus {
		return srv.AddCustomStatus(sekoia.CustomStatus{Label: label, Level: level, Stage: stage, Type: []string{"case"}})
	}
	return add("New", 1, sekoia.StageOpen), add("Investigating", 2, sekoia.StageInProgress), add("Resolved", 3, sekoia.StageClosed)
}

func TestFakeCaseFromAlerts(t *testing.T) {
	t.Parallel()
	srv, c := fakeAPI(t)
	seeded := srv.SeedAlerts(9)
	ctx := context.Background()
	rule := seeded[0].Rule
	var ids []string
	for a, err := range c.Alerts.All(ctx, &sekoia.AlertListOptions{RuleUUIDs: []string{rule.UUID}, Statuses: []sekoia.Status{sekoia.StatusPending}}) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, a.UUID)
	}
	if len(ids) != 3 {
		t.Fatalf("%d alerts of the rule, want 3", len(ids))
	}
	cs, err := c.Cases.CreateFromAlerts(ctx, sekoia.NewCase{Title: rule.Name, Priority: sekoia.CasePriorityHigh}, ids)
	if err != nil {
		t.Fatal(err)
	}
	if cs.ShortID == "" || cs.CurrentStatus().Stage != sekoia.StageOpen || !cs.Manual {
		t.Fatalf("new case: %+v", cs)
	}
	// The alerts name their case.
	a, err := c.Alerts.Get(ctx, ids[0], &sekoia.AlertGetOptions{Cases: true})
	if err != nil || len(a.Cases) != 1 || a.Cases[0].ShortID != cs.ShortID || a.Cases[0].Title != rule.Name {
		t.Fatalf("alert cases: %+v, %v", a.Cases, err)
	}
	page, err := c.Cases.ListAlerts(ctx, cs.ShortID, nil)
	if err != nil || page.Total != 3 {
		t.Fatalf("case alerts: %+v, %v", page, err)
	}
	got, err := c.Cases.Get(ctx, cs.UUID, nil)
	if err != nil || got.NumberOfAlerts != 3 || len(got.Alerts) != 3 {
		t.Fatalf("Get: %d alerts, %v", got.NumberOfAlerts, err)
	}
	rules, err := c.Cases.Rules(ctx, cs.UUID)
	if err != nil || len(rules) != 1 || rules[0].UUID != rule.UUID {
		t.Fatalf("Rules: %+v, %v", rules, err)
	}
	entities, err := c.Cases.Entities(ctx, cs.UUID)
	if err != nil || len(entities) != 1 {
		t.Fatalf("Entities: %v, %v", entities, err)
	}
	// The cases holding an alert.
	found, err := c.Cases.List(ctx, &sekoia.CaseListOptions{CaseFilter: sekoia.CaseFilter{AlertUUIDs: []string{ids[1]}}})
	if err != nil || found.Total != 1 || found.Items[0].UUID != cs.UUID {
		t.Fatalf("by alert: %+v, %v", found, err)
	}
	// Replacing the alerts releases the others.
	if err := c.Cases.SetAlerts(ctx, cs.UUID, ids[:1]); err != nil {
		t.Fatal(err)
	}
	if a, _ := c.Alerts.Get(ctx, ids[2], &sekoia.AlertGetOptions{Cases: true}); len(a.Cases) != 0 {
		t.Errorf("released alert still in %+v", a.Cases)
	}
	// An unknown alert is refused and changes nothing.
	err = c.Cases.AddAlerts(ctx, cs.UUID, []string{"ALunknown00"})
	if !errors.Is(err, sekoia.ErrNotFound) {
		t.Errorf("unknown alert: %v", err)
	}
	// Deleting the case empties the alerts' cases.
	if err := c.Cases.Delete(ctx, cs.UUID); err != nil {
		t.Fatal(err)
	}
	if a, _ := c.Alerts.Get(ctx, ids[0], &sekoia.AlertGetOptions{Cases: true}); len(a.Cases) != 0 {
		t.Errorf("alert of a deleted case: %+v", a.Cases)
	}
	if _, err := c.Cases.Get(ctx, cs.UUID, nil); !errors.Is(err, sekoia.ErrNotFound) {
		t.Errorf("deleted case: %v", err)
	}
}

func TestFakeCaseStatuses(t *testing.T) {
	t.Parallel()
	srv, c := fakeAPI(t)
	open, progress, closed := caseStatuses(srv)
	ctx := context.Background()
	cs, err := c.Cases.Create(ctx, sekoia.NewCase{Title: "Phishing wave", CustomStatusUUID: open.UUID})
	if err != nil {
		t.Fatal(err)
	}
	if st := cs.CurrentStatus(); st.String() != "New" || !st.Custom || st.Stage != sekoia.StageOpen {
		t.Fatalf("initial status %+v", st)
	}
	for _, to := range []sekoia.CustomStatus{progress, closed} {
		cs, err = c.Cases.SetStatus(ctx, cs.ShortID, to.UUID)
		if err != nil {
			t.Fatal(err)
		}
		if st := cs.CurrentStatus(); st.UUID != to.UUID || st.Stage != to.Stage {
			t.Fatalf("after %s: %+v", to.Label, st)
		}
	}
	if !cs.CurrentStatus().Closed() || cs.Status != "closed" || cs.StatusUUID != sekoiatest.CaseStatusClosed {
		t.Errorf("closed case: status %q %s", cs.Status, cs.StatusUUID)
	}
	// A status that is not a case status is refused.
	alertOnly := srv.AddCustomStatus(sekoia.CustomStatus{Label: "Triage", Type: []string{"alert"}})
	_, err = c.Cases.SetStatus(ctx, cs.UUID, alertOnly.UUID)
	var apiErr *sekoia.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusBadRequest || !strings.Contains(apiErr.Message, "unknown case custom status") {
		t.Errorf("alert status on a case: %v", err)
	}
	// Reopening through the legacy status.
	cs, err = c.Cases.Update(ctx, cs.UUID, &sekoia.CaseUpdate{StatusUUID: sekoiatest.CaseStatusOpened})
	if err != nil || cs.CurrentStatus().Stage != sekoia.StageOpen || cs.CurrentStatus().Custom {
		t.Fatalf("reopen: %+v, %v", cs.CurrentStatus(), err)
	}
	hist := 0
	for h, err := range c.Cases.AllHistory(ctx, cs.UUID, nil) {
		if err != nil {
			t.Fatal(err)
		}
		if h.Type == "case" && strings.Contains(string(h.Action), "previous_status") {
			hist++
		}
	}
	if hist != 3 {
		t.Errorf("%d status changes in the history, want 3", hist)
	}
	stats, err := c.Cases.Statistics(ctx, nil)
	if err != nil || *stats != (sekoia.CaseStatistics{Total: 1, Open: 1}) {
		t.Errorf("statistics %+v, %v", stats, err)
	}
}

func TestFakeCaseCommentsAndEvents(t *testing.T) {
	t.Parallel()
	srv, c := fakeAPI(t)
	ctx := context.Background()
	cs := srv.AddCase(sekoia.Case{Title: "Lateral movement"})
	first, err := c.Cases.AddComment(ctx, cs.UUID, "Isolating WS-042")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Cases.AddComment(ctx, cs.UUID, "Password reset done"); err != nil {
		t.Fatal(err)
	}
	edited, err := c.Cases.UpdateComment(ctx, cs.UUID, first.UUID, "WS-042 isolated")
	if err != nil || edited.Content != "WS-042 isolated" || edited.UpdatedAt.IsZero() {
		t.Fatalf("edit: %+v, %v", edited, err)
	}
	if err := c.Cases.DeleteComment(ctx, cs.UUID, first.UUID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Cases.GetComment(ctx, cs.UUID, first.UUID); !errors.Is(err, sekoia.ErrNotFound) {
		t.Errorf("deleted comment: %v", err)
	}
	var contents []string
	for cm, err := range c.Cases.AllComments(ctx, cs.UUID, &sekoia.CaseCommentListOptions{Limit: 1}) {
		if err != nil {
			t.Fatal(err)
		}
		contents = append(contents, cm.Content)
	}
	if !slices.Equal(contents, []string{"Password reset done"}) {
		t.Errorf("comments %q", contents)
	}
	if got, _ := c.Cases.Get(ctx, cs.UUID, nil); got.NumberOfComments != 1 {
		t.Errorf("number_of_comments %d", got.NumberOfComments)
	}

	if err := c.Cases.AddEvents(ctx, cs.UUID, []string{"ev-1", "ev-2", "ev-3"}); err != nil {
		t.Fatal(err)
	}
	if err := c.Cases.RemoveEvents(ctx, cs.UUID, []string{"ev-1"}); err != nil {
		t.Fatal(err)
	}
	if err := c.Cases.RemoveEvent(ctx, cs.UUID, "ev-3"); err != nil {
		t.Fatal(err)
	}
	if ev := srv.CaseEvents(cs.UUID); !slices.Equal(ev, []string{"ev-2"}) {
		t.Errorf("events %q", ev)
	}
}

func TestFakeCaseBulk(t *testing.T) {
	t.Parallel()
	srv, c := fakeAPI(t)
	_, progress, closed := caseStatuses(srv)
	ctx := context.Background()
	for _, title := range []string{"vpn 1", "vpn 2", "mail"} {
		tag := strings.Fields(title)[0]
		srv.AddCase(sekoia.Case{Title: title, Tags: []string{tag}})
	}
	vpn := &sekoia.CaseFilter{Tags: []string{"vpn"}}
	if task, err := c.Cases.BulkSetStatus(ctx, vpn, progress.UUID, true); err != nil || task == "" {
		t.Fatalf("bulk status: %q, %v", task, err)
	}
	if _, err := c.Cases.BulkSetAssignees(ctx, vpn, []string{tAvatar}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Cases.BulkSetPriority(ctx, vpn, sekoia.CasePriorityHigh, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Cases.BulkSetCustomFields(ctx, vpn, []sekoia.CustomFieldValue{{UUID: tField, Value: "VPN"}}); err != nil {
		t.Fatal(err)
	}
	page, err := c.Cases.List(ctx, &sekoia.CaseListOptions{CaseFilter: sekoia.CaseFilter{
		CustomStatusUUIDs: []string{progress.UUID}, Assignees: []string{tAvatar}, Priority: sekoia.CasePriorityHigh,
	}, Sort: sekoia.CaseSortTitle, Direction: sekoia.Ascending})
	if err != nil || page.Total != 2 || page.Items[0].Title != "vpn 1" || len(page.Items[1].CustomFields) != 1 {
		t.Fatalf("after bulk: %+v, %v", page, err)
	}
	if _, err := c.Cases.BulkSetStatus(ctx, &sekoia.CaseFilter{Tags: []string{"mail"}}, closed.UUID, true); err != nil {
		t.Fatal(err)
	}
	stats, err := c.Cases.Statistics(ctx, nil)
	if err != nil || *stats != (sekoia.CaseStatistics{Total: 3, Open: 2, Closed: 1}) {
		t.Errorf("statistics %+v, %v", stats, err)
	}
	var tags []string
	for tag, err := range c.Cases.AllTags(ctx, nil) {
		if err != nil {
			t.Fatal(err)
		}
		tags = append(tags, tag)
	}
	if !slices.Equal(tags, []string{"mail", "vpn"}) {
		t.Errorf("tags %q", tags)
	}
	// Bulk add to case.
	alerts := srv.SeedAlerts(2)
	cs := srv.AddCase(sekoia.Case{Title: "bulk"})
	if _, err := c.Cases.AddAlertsInBulk(ctx, cs.UUID, []string{alerts[0].UUID, alerts[1].UUID}); err != nil {
		t.Fatal(err)
	}
	if _, held, _ := srv.Case(cs.UUID); len(held) != 2 {
		t.Errorf("case holds %d alerts", len(held))
	}
}

func TestFakeCaseFaults(t *testing.T) {
	t.Parallel()
	srv, c := fakeAPI(t, sekoia.WithMaxRetries(2))
	ctx := context.Background()
	srv.AddCase(sekoia.Case{Title: "one"})
	srv.InjectFault(sekoiatest.Fault{Kind: sekoiatest.ServerError, Status: 502, PathPrefix: "/v1/sic/cases", Method: http.MethodGet})
	if page, err := c.Cases.List(ctx, nil); err != nil || page.Total != 1 {
		t.Errorf("after a 502: %+v, %v", page, err)
	}
	// A POST is not sent again.
	srv.InjectFault(sekoiatest.Fault{Kind: sekoiatest.ServerError, PathPrefix: "/v1/sic/cases", Method: http.MethodPost})
	if _, err := c.Cases.Create(ctx, sekoia.NewCase{Title: "two"}); !errors.Is(err, sekoia.ErrServer) {
		t.Errorf("POST 503: %v", err)
	}
	if page, _ := c.Cases.List(ctx, nil); page.Total != 1 {
		t.Errorf("%d cases after a failed create", page.Total)
	}
	srv.InjectFault(sekoiatest.Fault{Kind: sekoiatest.CutBody, PathPrefix: "/v1/sic/cases"})
	if page, err := c.Cases.List(ctx, nil); err != nil || page.Total != 1 {
		t.Errorf("after a cut body: %+v, %v", page, err)
	}
}

// TestCaseInputChecks: bad arguments fail before any request, naming the
// argument.
func TestCaseInputChecks(t *testing.T) {
	t.Parallel()
	c, _ := mockAPI(t) // any request fails the test
	ctx := context.Background()
	long := strings.Repeat("x", 300)
	empty := ""
	for name, tc := range map[string]struct {
		call func() error
		want string
	}{
		"Get bad id":      {func() error { _, err := c.Cases.Get(ctx, "../x", nil); return err }, `case id "../x"`},
		"Get long id":     {func() error { _, err := c.Cases.Get(ctx, long, nil); return err }, "…"},
		"Create no title": {func() error { _, err := c.Cases.Create(ctx, sekoia.NewCase{Title: " "}); return err }, "title is empty"},
		"Create priority": {func() error {
			_, err := c.Cases.Create(ctx, sekoia.NewCase{Title: "t", Priority: "urgent"})
			return err
		}, `Priority "urgent"`},
		"Create subscriber": {func() error {
			_, err := c.Cases.Create(ctx, sekoia.NewCase{Title: "t", Subscribers: []sekoia.CaseSubscriber{{AvatarUUID: "me"}}})
			return err
		}, "Subscribers[0].AvatarUUID"},
		"Update empty": {func() error { _, err := c.Cases.Update(ctx, tCase, &sekoia.CaseUpdate{}); return err }, "update is empty"},
		"Update desc": {func() error {
			_, err := c.Cases.Update(ctx, tCase, &sekoia.CaseUpdate{Description: &empty})
			return err
		}, "Description is empty"},
		"SetStatus":  {func() error { _, err := c.Cases.SetStatus(ctx, tCase, "closed"); return err }, "customStatusUUID"},
		"List sort":  {func() error { _, err := c.Cases.List(ctx, &sekoia.CaseListOptions{Sort: "urgency"}); return err }, `sort "urgency"`},
		"List limit": {func() error { _, err := c.Cases.List(ctx, &sekoia.CaseListOptions{Limit: 101}); return err }, "limit 101"},
		"List comma": {func() error {
			_, err := c.Cases.List(ctx, &sekoia.CaseListOptions{CaseFilter: sekoia.CaseFilter{Tags: []string{"a,b"}}})
			return err
		}, "Tags[0]"},
		"List type": {func() error {
			_, err := c.Cases.List(ctx, &sekoia.CaseListOptions{CaseFilter: sekoia.CaseFilter{Type: "auto"}})
			return err
		}, `Type "auto"`},
		"AddAlerts none":   {func() error { return c.Cases.AddAlerts(ctx, tCase, nil) }, "no alert ids"},
		"AddAlerts bad":    {func() error { return c.Cases.AddAlerts(ctx, tCase, []string{"x"}) }, "alert ids[0]"},
		"Bulk no filter":   {func() error { _, err := c.Cases.BulkSetVerdict(ctx, nil, tVerdict); return err }, "filter is nil"},
		"Bulk zero filter": {func() error { _, err := c.Cases.BulkSetVerdict(ctx, &sekoia.CaseFilter{}, tVerdict); return err }, "filter is empty"},
		"Bulk exclusions only": {func() error {
			_, err := c.Cases.BulkSetVerdict(ctx, &sekoia.CaseFilter{Exclude: &sekoia.CaseExclusions{Assignees: []string{tAlert1}}}, tVerdict)
			return err
		}, "only exclusions"},
		"Bulk field value": {func() error {
			_, err := c.Cases.BulkSetCustomFields(ctx, &sekoia.CaseFilter{UUIDs: []string{tCase}}, []sekoia.CustomFieldValue{{UUID: tVerdict, Value: map[string]int{"a": 1}}})
			return err
		}, "fields[0].Value"},
		"Bulk priority": {func() error {
			_, err := c.Cases.BulkSetPriority(ctx, &sekoia.CaseFilter{UUIDs: []string{tCase}}, "high", tPriority)
			return err
		}, "not both"},
		"Bulk assignee": {func() error {
			_, err := c.Cases.BulkSetAssignees(ctx, &sekoia.CaseFilter{UUIDs: []string{tCase}}, []string{"bob"})
			return err
		}, "assignees[0]"},
		"Comment empty": {func() error { _, err := c.Cases.AddComment(ctx, tCase, "  "); return err }, "content is empty"},
		"Comment uuid":  {func() error { return c.Cases.DeleteComment(ctx, tCase, "1") }, "commentUUID"},
		"Events none":   {func() error { return c.Cases.AddEvents(ctx, tCase, nil) }, "no event ids"},
		"Event space":   {func() error { return c.Cases.RemoveEvent(ctx, tCase, "a b") }, "eventID"},
		// A dot segment would make DELETE .../events/.. a DELETE of the case.
		"Event dots":    {func() error { return c.Cases.RemoveEvent(ctx, tCase, "..") }, `eventID ".."`},
		"Event dot":     {func() error { return c.Cases.RemoveEvent(ctx, tCase, ".") }, `eventID "."`},
		"Bulk add case": {func() error { _, err := c.Cases.AddAlertsInBulk(ctx, tCaseShort, []string{tAlert1}); return err }, "caseUUID"},
	} {
		err := tc.call()
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "sekoia: Cases.") {
			t.Errorf("%s: %v, want an error with %q", name, err, tc.want)
		}
		if err != nil && len(err.Error()) > 200 {
			t.Errorf("%s: error of %d bytes", name, len(err.Error()))
		}
	}
}

func TestCaseDecode(t *testing.T) {
	t.Parallel()
	var cs sekoia.Case
	if err := cs.UnmarshalJSON([]byte(caseFixture)); err != nil {
		t.Fatal(err)
	}
	st := cs.CurrentStatus()
	if st.String() != "Investigating" || st.Stage != sekoia.StageInProgress || !st.Custom || st.Closed() {
		t.Errorf("status %+v", st)
	}
	if cs.CreatedAt.IsZero() || !cs.LastSeenAt.IsZero() || cs.FirstSeenAt.Year() != 2022 || cs.Priority != sekoia.CasePriorityHigh {
		t.Errorf("times or priority: %+v", cs)
	}
	b, _ := cs.MarshalJSON()
	if string(b) != caseFixture {
		t.Error("MarshalJSON does not return the raw bytes")
	}
	legacy := sekoia.Case{Status: "closed", StatusUUID: sekoiatest.CaseStatusClosed}
	if !legacy.CurrentStatus().Closed() || legacy.CurrentStatus().String() != "closed" {
		t.Errorf("legacy status %+v", legacy.CurrentStatus())
	}
	if sekoia.CasePriorityLow.String() != "low" || sekoia.CasePriority("urgent").Valid() {
		t.Error("priorities")
	}
	if (sekoia.CaseVerdict{UUID: tVerdict}).String() != tVerdict || (sekoia.CaseVerdict{Label: "True positive"}).String() != "True positive" {
		t.Error("verdict String")
	}
}
