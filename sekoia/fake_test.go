package sekoia_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/socgo/xdr/sekoia"
	"github.com/socgo/xdr/sekoia/sekoiatest"
)

// fakeAPI starts a fake server and a client on it whose every request and
// 2xx response is checked against openapi/sekoia.yaml.
func fakeAPI(t *testing.T, opts ...sekoia.Option) (*sekoiatest.Server, *sekoia.Client) {
	t.Helper()
	srv := sekoiatest.NewServer(t)
	v := specValidator(t)
	// The server's own transport, not http.DefaultTransport: a pool shared
	// by every test could hand a POST a connection of a closed server
	// whose port a new server reuses, and a POST is never sent again.
	spec := []sekoia.Option{sekoia.WithHTTPClient(&http.Client{Transport: v.Transport(t, srv.HTTPClient().Transport)})}
	c, err := srv.Client(append(spec, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return srv, c
}

func TestFakeAlertsAllAndFilters(t *testing.T) {
	t.Parallel()
	srv, c := fakeAPI(t)
	seeded := srv.SeedAlerts(250)
	ctx := context.Background()
	var got []string
	for a, err := range c.Alerts.All(ctx, nil) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, a.UUID)
	}
	if len(got) != 250 || got[0] != seeded[249].UUID || got[249] != seeded[0].UUID {
		t.Fatalf("All: %d alerts, newest first expected", len(got))
	}
	// Filters: urgency >= 80 created in the first 100 minutes.
	want := 0
	for _, a := range seeded[:100] {
		if a.Urgency.Value >= 80 {
			want++
		}
	}
	page, err := c.Alerts.List(ctx, &sekoia.AlertListOptions{
		Urgency:   &sekoia.IntRange{Min: 80, Max: 100},
		CreatedAt: sekoia.Between(seeded[0].CreatedAt, seeded[99].CreatedAt),
		Statuses:  []sekoia.Status{sekoia.StatusPending},
		Sort:      sekoia.AlertSortUrgency, Direction: sekoia.Descending, Limit: 100,
	})
	if err != nil {
		t.Fatal(err)
	}
	if page.Total != want || len(page.Items) != want || page.HasMore {
		t.Fatalf("filtered: total %d, %d items, want %d", page.Total, len(page.Items), want)
	}
	if !slices.IsSortedFunc(page.Items, func(a, b sekoia.Alert) int { return b.Urgency.Value - a.Urgency.Value }) {
		t.Error("not sorted by urgency desc")
	}
	// nomatch and ShortIDs.
	page, err = c.Alerts.List(ctx, &sekoia.AlertListOptions{
		ShortIDs: []string{seeded[0].ShortID, seeded[1].ShortID},
		Exclude:  &sekoia.AlertExclusions{Sources: []string{seeded[0].Source}},
	})
	if err != nil || page.Total != 1 || page.Items[0].UUID != seeded[1].UUID {
		t.Fatalf("nomatch: %+v, %v", page, err)
	}
}

func TestFakeWorkflow(t *testing.T) {
	t.Parallel()
	srv, c := fakeAPI(t)
	a := srv.SeedAlerts(3)
	ctx := context.Background()
	id := a[0].ShortID

	acts, err := c.Alerts.Workflow(ctx, id)
	if err != nil || len(acts) != 3 || acts[0].ID != sekoia.ActionAcknowledge {
		t.Fatalf("Workflow = %+v, %v", acts, err)
	}
	if err := c.Alerts.UpdateWorkflow(ctx, id, sekoia.ActionAcknowledge, "looking"); err != nil {
		t.Fatal(err)
	}
	// Close is not allowed from Acknowledged.
	err = c.Alerts.UpdateWorkflow(ctx, id, sekoia.ActionClose, "")
	var apiErr *sekoia.APIError
	if !errors.Is(err, sekoia.ErrConflict) || !errors.As(err, &apiErr) || !strings.Contains(apiErr.Message, "not allowed from status Acknowledged") {
		t.Fatalf("illegal transition: %v", err)
	}
	if err := c.Alerts.UpdateWorkflow(ctx, id, sekoia.StatusOngoing, ""); err != nil {
		t.Fatal(err)
	}
	if err := c.Alerts.UpdateWorkflow(ctx, id, sekoia.StatusClosed, "done"); err != nil {
		t.Fatal(err)
	}
	got, err := c.Alerts.Get(ctx, id, &sekoia.AlertGetOptions{Comments: true, History: true})
	if err != nil {
		t.Fatal(err)
	}
	if got.Status.UUID != sekoia.StatusClosed || got.Status.Name != "Closed" || len(got.Comments) != 2 || got.NumberOfTotalComments != 2 {
		t.Fatalf("after workflow: status %v, %d comments", got.Status, len(got.Comments))
	}
	var changes []string
	for _, h := range got.History {
		if h.EntryType == "alert" {
			changes = append(changes, h.Alert.Status)
		}
	}
	if want := []string{"Pending", "Acknowledged", "Ongoing", "Closed"}; !slices.Equal(changes, want) {
		t.Errorf("history = %v", changes)
	}

	// Bulk: one alert cannot be closed, nothing changes.
	ids := []string{a[1].UUID, a[2].ShortID}
	if err := c.Alerts.BulkUpdateWorkflow(ctx, ids, sekoia.ActionClose, ""); !errors.Is(err, sekoia.ErrConflict) {
		t.Fatalf("bulk close of pending alerts: %v", err)
	}
	if err := c.Alerts.BulkUpdateWorkflow(ctx, ids, sekoia.ActionValidate, "batch"); err != nil {
		t.Fatal(err)
	}
	if err := c.Alerts.BulkUpdateWorkflow(ctx, ids, sekoia.StatusClosed, "batch"); err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		if st, _ := srv.Alert(id); st.Status.UUID != sekoia.StatusClosed {
			t.Errorf("%s: %v", id, st.Status)
		}
	}
	// Reopen by status.
	if err := c.Alerts.UpdateWorkflow(ctx, a[1].UUID, sekoia.StatusPending, ""); !errors.Is(err, sekoia.ErrConflict) {
		t.Errorf("reopen a closed alert: %v", err)
	}
}

func TestFakeAlertEditCommentsTimelineHistory(t *testing.T) {
	t.Parallel()
	srv, c := fakeAPI(t)
	a := srv.AddAlert(sekoia.Alert{Title: "Suspicious login", Urgency: sekoia.AlertUrgency{Value: 10}, Source: "10.1.1.1"})
	ctx := context.Background()
	up, err := c.Alerts.Update(ctx, a.UUID, &sekoia.AlertUpdate{Urgency: ptr(90), Title: "Brute force"})
	if err != nil || up.Urgency.Display != "Urgent" || up.Title != "Brute force" {
		t.Fatalf("Update = %+v, %v", up, err)
	}
	cm, err := c.Alerts.AddComment(ctx, a.ShortID, sekoia.NewComment{Content: "escalated", Author: "tier2"})
	if err != nil || cm.Author != "tier2" || cm.Date.IsZero() {
		t.Fatalf("AddComment = %+v, %v", cm, err)
	}
	comments, err := c.Alerts.ListComments(ctx, a.ShortID, nil)
	if err != nil || comments.Total != 1 || comments.Items[0].Content != "escalated" {
		t.Fatalf("ListComments = %+v, %v", comments, err)
	}
	tl, err := c.Alerts.Timeline(ctx, a.ShortID, &sekoia.TimelineOptions{Window: sekoia.Timeline14d})
	if err != nil || len(tl.Buckets) != 14 || tl.Frame.End.IsZero() {
		t.Fatalf("Timeline = %+v, %v", tl, err)
	}
	var kinds []string
	for h, err := range c.Alerts.AllHistory(ctx, a.ShortID, &sekoia.HistoryListOptions{Limit: 2}) {
		if err != nil {
			t.Fatal(err)
		}
		kinds = append(kinds, h.EntryType)
	}
	if want := []string{"alert", "urgency", "urgency", "comment"}; !slices.Equal(kinds, want) {
		t.Errorf("history kinds = %v", kinds)
	}
	cs := srv.AddCustomStatus(sekoia.CustomStatus{Label: "Triaged", Level: 1, Stage: sekoia.StageInProgress})
	if _, err := c.Alerts.SetCustomStatus(ctx, a.UUID, cs.UUID); err != nil {
		t.Fatal(err)
	}
	list, err := c.Alerts.ListCustomStatuses(ctx, &sekoia.CustomStatusListOptions{Type: "alert"})
	if err != nil || len(list.Items) != 1 || !list.Items[0].IsUsed {
		t.Fatalf("CustomStatuses = %+v, %v", list, err)
	}
	got, err := c.Alerts.Get(ctx, a.UUID, &sekoia.AlertGetOptions{CustomStatus: true})
	if err != nil || got.CustomStatus == nil || got.CustomStatus.Label != "Triaged" {
		t.Fatalf("Get custom status = %+v, %v", got, err)
	}
	if err := c.Alerts.Delete(ctx, a.ShortID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Alerts.Get(ctx, a.UUID, nil); !errors.Is(err, sekoia.ErrNotFound) {
		t.Errorf("Get after Delete: %v", err)
	}
}

func TestFakeKeyStates(t *testing.T) {
	t.Parallel()
	srv, c := fakeAPI(t)
	ctx := context.Background()
	if _, err := c.Auth(ctx); err != nil {
		t.Fatal(err)
	}
	srv.SetKeyState(sekoiatest.KeyExpired)
	if _, err := c.Auth(ctx); !errors.Is(err, sekoia.ErrTokenExpired) {
		t.Errorf("expired: %v", err)
	}
	srv.SetKeyState(sekoiatest.KeyRevoked)
	if _, err := c.Alerts.List(ctx, nil); !errors.Is(err, sekoia.ErrTokenRevoked) || !errors.Is(err, sekoia.ErrUnauthorized) {
		t.Errorf("revoked: %v", err)
	}
	srv.SetKeyState(sekoiatest.KeyValid)
	bad, err := srv.Client()
	if err != nil {
		t.Fatal(err)
	}
	if err := bad.SetAPIKey("wrong"); err != nil {
		t.Fatal(err)
	}
	if _, err := bad.Auth(ctx); !errors.Is(err, sekoia.ErrTokenInvalid) {
		t.Errorf("wrong key: %v", err)
	}
}

func TestFakeFaults(t *testing.T) {
	t.Parallel()
	srv, c := fakeAPI(t)
	srv.SeedAlerts(5)
	ctx := context.Background()

	srv.InjectFault(sekoiatest.Fault{Kind: sekoiatest.RateLimit, PathPrefix: "/v1/sic/alerts", RetryAfter: time.Second})
	if _, err := c.Alerts.List(ctx, nil); err != nil {
		t.Errorf("after a 429: %v", err)
	}
	srv.InjectFault(sekoiatest.Fault{Kind: sekoiatest.ServerError, Status: 502, Times: 2})
	if _, err := c.Alerts.List(ctx, nil); err != nil {
		t.Errorf("after two 502: %v", err)
	}
	srv.InjectFault(sekoiatest.Fault{Kind: sekoiatest.ServerError, Times: -1, Method: http.MethodGet, PathPrefix: "/v1/sic/kill-chains"})
	_, err := c.KillChains.List(ctx, nil)
	var apiErr *sekoia.APIError
	if !errors.Is(err, sekoia.ErrServer) || !errors.As(err, &apiErr) || apiErr.Attempts < 2 {
		t.Errorf("5xx burst: %v", err)
	}
	srv.ClearFaults()

	// A 5xx on a PATCH is not retried.
	srv.InjectFault(sekoiatest.Fault{Kind: sekoiatest.ServerError, Method: http.MethodPatch})
	id := srv.Alerts()[0].UUID
	if err := c.Alerts.UpdateWorkflow(ctx, id, sekoia.ActionAcknowledge, ""); !errors.Is(err, sekoia.ErrServer) {
		t.Errorf("PATCH 503: %v", err)
	}

	// A page cut on its way is requested again.
	srv.InjectFault(sekoiatest.Fault{Kind: sekoiatest.CutBody, PathPrefix: "/v1/sic/alerts"})
	if page, err := c.Alerts.List(ctx, nil); err != nil || len(page.Items) != 5 {
		t.Errorf("cut body: %v", err)
	}
	// The answer comes long after the deadline (the fault stops waiting
	// when the request is cancelled), so no machine is slow enough to see it.
	srv.InjectFault(sekoiatest.Fault{Kind: sekoiatest.Delay, Delay: time.Hour})
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if _, err := c.Alerts.List(short, nil); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("delay: %v", err)
	}
	// After the faults the same client works again.
	if _, err := c.Alerts.List(ctx, nil); err != nil {
		t.Errorf("after faults: %v", err)
	}
}

func TestFakeTruncatedJSON(t *testing.T) {
	t.Parallel()
	// The broken body is marked as an injected fault: the spec check
	// leaves it alone.
	srv, c := fakeAPI(t)
	srv.SeedAlerts(3)
	srv.InjectFault(sekoiatest.Fault{Kind: sekoiatest.TruncatedJSON, PathPrefix: "/v1/sic/alerts"})
	n := 0
	for _, err := range c.Alerts.All(context.Background(), nil) {
		n++
		if err == nil {
			t.Fatal("truncated JSON decoded")
		}
	}
	if n != 1 {
		t.Errorf("yielded %d times", n)
	}
}

func TestFakeAssets(t *testing.T) {
	t.Parallel()
	srv, c := fakeAPI(t)
	ctx := context.Background()
	created, err := c.Assets.Create(ctx, &sekoia.AssetCreate{
		CommunityUUID: sekoiatest.DefaultCommunityUUID, Name: "pc01", Type: sekoia.AssetHost,
		Atoms: sekoia.Atoms{"hostname": {"pc01"}, "ipv4": {"10.0.0.1"}}, Tags: []string{"finance"}, Criticality: ptr(60),
	})
	if err != nil {
		t.Fatal(err)
	}
	srv.AddAsset(sekoia.Asset{Name: "core-switch", Type: sekoia.AssetNetwork})
	srv.AddAsset(sekoia.Asset{Name: "jdoe", Type: sekoia.AssetAccount, Tags: []string{"finance"}})
	if err := c.Assets.AddTag(ctx, created.UUID, "vip"); err != nil {
		t.Fatal(err)
	}
	up, err := c.Assets.Update(ctx, created.UUID, &sekoia.AssetUpdate{Description: ptr("finance laptop"), Reviewed: ptr(true)})
	if err != nil || up.Description != "finance laptop" || !up.Reviewed || !slices.Contains(up.Tags, "vip") {
		t.Fatalf("Update = %+v, %v", up, err)
	}
	page, err := c.Assets.List(ctx, &sekoia.AssetListOptions{Tags: []string{"finance"}, Types: []sekoia.AssetType{sekoia.AssetHost, sekoia.AssetAccount}, Sort: sekoia.AssetSortName})
	if err != nil || page.Total != 2 || page.Items[0].Name != "jdoe" {
		t.Fatalf("List = %+v, %v", page, err)
	}
	page, err = c.Assets.List(ctx, &sekoia.AssetListOptions{Search: "10.0.0", AlsoSearchInDetectionProperties: true})
	if err != nil || page.Total != 1 || page.Items[0].UUID != created.UUID {
		t.Fatalf("search atoms = %+v, %v", page, err)
	}
	got, err := c.Assets.Get(ctx, created.UUID, &sekoia.AssetGetOptions{WithTelemetry: true})
	if err != nil || got.Atoms["ipv4"][0] != "10.0.0.1" || *got.Criticality != 60 {
		t.Fatalf("Get = %+v, %v", got, err)
	}
	if err := c.Assets.RemoveTag(ctx, created.UUID, "vip"); err != nil {
		t.Fatal(err)
	}
	if err := c.Assets.Delete(ctx, created.UUID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Assets.Get(ctx, created.UUID, nil); !errors.Is(err, sekoia.ErrNotFound) {
		t.Errorf("after Delete: %v", err)
	}
	n := countAll(t, c.Assets.All(ctx, &sekoia.AssetListOptions{Limit: 1}))
	if n != 2 {
		t.Errorf("All yielded %d", n)
	}
}

func TestFakeCommunitiesAndKillChains(t *testing.T) {
	t.Parallel()
	srv, c := fakeAPI(t)
	ctx := context.Background()
	srv.AddCommunity(sekoia.Community{Name: "Beta SOC"})
	var names []string
	for cm, err := range c.Communities.All(ctx, &sekoia.CommunityListOptions{Sort: "name", Direction: sekoia.Ascending}) {
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, cm.Name)
	}
	if !slices.Equal(names, []string{"Beta SOC", "Fake SOC"}) {
		t.Errorf("communities = %v", names)
	}
	cm, err := c.Communities.Get(ctx, sekoiatest.DefaultCommunityUUID, nil)
	if err != nil || cm.Name != "Fake SOC" || cm.CreatedAt.IsZero() {
		t.Fatalf("Get = %+v, %v", cm, err)
	}
	var stages []sekoia.KillChainStage
	for s, err := range c.KillChains.All(ctx, &sekoia.KillChainListOptions{Limit: 3}) {
		if err != nil {
			t.Fatal(err)
		}
		stages = append(stages, s)
	}
	if len(stages) != 7 || stages[0].Name != "Reconnaissance" || stages[6].OrderID != 7 {
		t.Fatalf("stages = %+v", stages)
	}
	s, err := c.KillChains.Get(ctx, stages[2].ShortID)
	if err != nil || s.Name != "Delivery" {
		t.Fatalf("Get = %+v, %v", s, err)
	}
	if _, err := c.KillChains.Get(ctx, "KCnope00000"); !errors.Is(err, sekoia.ErrNotFound) {
		t.Errorf("unknown stage: %v", err)
	}
}

func TestFakeAllCanceled(t *testing.T) {
	t.Parallel()
	srv, c := fakeAPI(t)
	srv.SeedAlerts(500)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	n, errs := 0, 0
	for _, err := range c.Alerts.All(ctx, &sekoia.AlertListOptions{Limit: 10}) {
		if err != nil {
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("err = %v", err)
			}
			errs++
			continue
		}
		n++
		if n == 15 {
			cancel()
		}
	}
	if errs != 1 || n >= 500 {
		t.Errorf("%d alerts, %d errors after cancel", n, errs)
	}
}
