package sekoia_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jarcoal/httpmock"

	"github.com/socgo/xdr/sekoia"
)

const (
	alertsURL = apiBase + "/v1/sic/alerts"
	alertUUID = "fbdeaba1-dd63-496f-b515-9f14a886a51a"
)

func ptr[T any](v T) *T { return &v }

func TestAlertsListWireEveryFilter(t *testing.T) {
	t.Parallel()
	c, mt := mockAPI(t)
	from := time.Date(2025, 9, 22, 1, 20, 0, 0, time.UTC)
	to := time.Date(2025, 9, 22, 23, 59, 59, 999e6, time.UTC)
	opts := &sekoia.AlertListOptions{
		CommunityUUIDs:    []string{"52bd045f-4199-4361-8267-cdebfc784392", "62bd045f-4199-4361-8267-cdebfc784392"},
		EntityNames:       []string{"IT"},
		EntityUUIDs:       []string{"7f7676e7-a254-43c3-8267-cdebfc784392"},
		Statuses:          []sekoia.Status{sekoia.StatusPending, sekoia.StatusAcknowledged},
		StatusNames:       []string{"Pending"},
		TypeCategories:    []string{"intrusion-attempts"},
		TypeValues:        []string{"brute-force"},
		Sources:           []string{"1.2.3.4"},
		Targets:           []string{"srv01"},
		Nodes:             []string{"10.0.0.1"},
		STIXObjects:       []string{"indicator--1"},
		RuleUUIDs:         []string{"ebcb5113-dcd1-4563-8267-cdebfc784392"},
		RuleNames:         []string{"Feed Enriched"},
		DetectionTypes:    []string{"rule", "anomaly"},
		ShortIDs:          []string{"ALL1A4SKUUUU"},
		UUIDs:             []string{alertUUID},
		Titles:            []string{"Feed Enriched"},
		ResolvedTitles:    []string{"Feed Enriched on 1.2.3.4"},
		AssetUUIDs:        []string{"00000000-0000-0000-0000-000000000123"},
		UrgencyDisplays:   []string{"High", "Urgent"},
		CaseShortIDs:      []string{"CA1"},
		Assignees:         []string{"a2f80bf3-93a0-485d-b3db-51611825474c"},
		CustomStatusUUIDs: []string{"a1b2c3d4-0000-4000-8000-000000000001"},
		VerdictUUIDs:      []string{"a1b2c3d4-0000-4000-8000-000000000002"},
		CustomFields:      []string{"a1b2c3d4-0000-4000-8000-000000000003:yes"},
		Exclude: &sekoia.AlertExclusions{
			AssetUUIDs: []string{"a"}, EntityUUIDs: []string{"b"}, RuleUUIDs: []string{"c"}, RuleNames: []string{"d"},
			DetectionTypes: []string{"e"}, Sources: []string{"f"}, Targets: []string{"g"},
			Statuses: []sekoia.Status{sekoia.StatusClosed}, STIXObjects: []string{"h"}, TypeValues: []string{"i"},
			UrgencyDisplays: []string{"Low"}, Assignees: []string{"j"}, CustomStatusUUIDs: []string{"k"}, VerdictUUIDs: []string{"l"},
		},
		CreatedAt:        sekoia.Between(from, to),
		UpdatedAt:        sekoia.Since(from),
		Urgency:          &sekoia.IntRange{Min: 80, Max: 100},
		Similar:          &sekoia.IntRange{Min: 2, Max: 50},
		Visible:          ptr(true),
		IsAssignedToCase: ptr(false),
		SimilarTo:        "ALL1A4SKUUUU",
		WithCount:        ptr(true),
		STIX:             true,
		Cases:            true,
		Sort:             sekoia.AlertSortUrgency,
		Direction:        sekoia.Descending,
		Limit:            50,
		Offset:           100,
	}
	before, _ := json.Marshal(opts)
	want := url.Values{
		"match[community_uuid]":       {"52bd045f-4199-4361-8267-cdebfc784392,62bd045f-4199-4361-8267-cdebfc784392"},
		"match[entity_name]":          {"IT"},
		"match[entity_uuid]":          {"7f7676e7-a254-43c3-8267-cdebfc784392"},
		"match[status_uuid]":          {"2efc4930-1442-4abb-acf2-58ba219a4fd0,8f206505-af6d-433e-93f4-775d46dc7d0f"},
		"match[status_name]":          {"Pending"},
		"match[type_category]":        {"intrusion-attempts"},
		"match[type_value]":           {"brute-force"},
		"match[source]":               {"1.2.3.4"},
		"match[target]":               {"srv01"},
		"match[node]":                 {"10.0.0.1"},
		"match[stix_object]":          {"indicator--1"},
		"match[rule_uuid]":            {"ebcb5113-dcd1-4563-8267-cdebfc784392"},
		"match[rule_name]":            {"Feed Enriched"},
		"match[detection_type]":       {"rule,anomaly"},
		"match[short_id]":             {"ALL1A4SKUUUU"},
		"match[uuid]":                 {alertUUID},
		"match[title]":                {"Feed Enriched"},
		"match[resolved_title]":       {"Feed Enriched on 1.2.3.4"},
		"match[asset_uuid]":           {"00000000-0000-0000-0000-000000000123"},
		"match[urgency_display]":      {"High,Urgent"},
		"match[case_short_id]":        {"CA1"},
		"match[assignee]":             {"a2f80bf3-93a0-485d-b3db-51611825474c"},
		"match[custom_status_uuid]":   {"a1b2c3d4-0000-4000-8000-000000000001"},
		"match[verdict_uuid]":         {"a1b2c3d4-0000-4000-8000-000000000002"},
		"match[custom_field]":         {"a1b2c3d4-0000-4000-8000-000000000003:yes"},
		"nomatch[asset_uuid]":         {"a"},
		"nomatch[entity_uuid]":        {"b"},
		"nomatch[rule_uuid]":          {"c"},
		"nomatch[rule_name]":          {"d"},
		"nomatch[detection_type]":     {"e"},
		"nomatch[source]":             {"f"},
		"nomatch[target]":             {"g"},
		"nomatch[status_uuid]":        {"1738b1c1-767d-489e-bada-19176621a007"},
		"nomatch[stix_object]":        {"h"},
		"nomatch[type_value]":         {"i"},
		"nomatch[urgency_display]":    {"Low"},
		"nomatch[assignee]":           {"j"},
		"nomatch[custom_status_uuid]": {"k"},
		"nomatch[verdict_uuid]":       {"l"},
		"date[created_at]":            {"2025-09-22T01:20:00.000Z,2025-09-22T23:59:59.999Z"},
		"date[updated_at]":            {"2025-09-22T01:20:00.000Z,now"},
		"range[urgency]":              {"80,100"},
		"range[similar]":              {"2,50"},
		"visible":                     {"true"},
		"is_assigned_to_case":         {"false"},
		"similar_to":                  {"ALL1A4SKUUUU"},
		"with_count":                  {"true"},
		"stix":                        {"true"},
		"cases":                       {"true"},
		"sort":                        {"urgency"},
		"direction":                   {"desc"},
		"limit":                       {"50"},
		"offset":                      {"100"},
	}
	mt.RegisterResponder(http.MethodGet, alertsURL, respond(t, wire{query: want}, 200, fixture(t, "alerts_list.json")))
	page, err := c.Alerts.List(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if page.Total != 1 || page.HasMore || len(page.Items) != 1 {
		t.Fatalf("page = total %d, has_more %v, %d items", page.Total, page.HasMore, len(page.Items))
	}
	if after, _ := json.Marshal(opts); string(after) != string(before) {
		t.Error("List changed the options")
	}
}

func TestAlertsListDefaults(t *testing.T) {
	t.Parallel()
	c, mt := mockAPI(t)
	mt.RegisterResponder(http.MethodGet, alertsURL, respond(t, wire{}, 200, []byte(`{"items":[],"has_more":false}`)))
	page, err := c.Alerts.List(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if page.Total != -1 || len(page.Items) != 0 || page.Items == nil {
		t.Fatalf("page = %+v", page)
	}
}

func TestAlertsListRefusesBadInput(t *testing.T) {
	t.Parallel()
	c, _ := mockAPI(t) // no responder: a request would fail the test
	for name, o := range map[string]*sekoia.AlertListOptions{
		"limit 101":     {Limit: 101},
		"limit -1":      {Limit: -1},
		"offset -1":     {Offset: -1},
		"direction":     {Direction: "up"},
		"comma":         {Sources: []string{"a,b"}},
		"empty value":   {Titles: []string{""}},
		"bad status":    {Statuses: []sekoia.Status{"pending"}},
		"range":         {Urgency: &sekoia.IntRange{Min: 10, Max: 1}},
		"time range":    {CreatedAt: &sekoia.TimeRange{}},
		"time reversed": {CreatedAt: sekoia.Between(time.Now(), time.Now().Add(-time.Hour))},
		"nomatch comma": {Exclude: &sekoia.AlertExclusions{Sources: []string{"x,y"}}},
	} {
		if _, err := c.Alerts.List(context.Background(), o); err == nil || !strings.HasPrefix(err.Error(), "sekoia: Alerts.List: ") {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

func TestAlertsAllPages(t *testing.T) {
	t.Parallel()
	c, mt := mockAPI(t)
	// Five alerts, newest first, one second apart; each page after the
	// first starts from the second of the last alert read, which comes back
	// and is skipped.
	const newest = 1700000010
	mk := func(from, n int, more bool) []byte {
		items := make([]map[string]any, n)
		for i := range items {
			items[i] = map[string]any{"uuid": "u" + string(rune('a'+from+i)), "short_id": "AL" + string(rune('a'+from+i)), "created_at": newest - from - i}
		}
		b, _ := json.Marshal(map[string]any{"items": items, "has_more": more})
		return b
	}
	q := func(upTo int) url.Values {
		v := url.Values{"limit": {"2"}, "offset": {"0"}, "with_count": {"false"}, "match[source]": {"1.2.3.4"}, "sort": {"created_at"}, "direction": {"desc"}}
		if upTo != 0 {
			v.Set("date[created_at]", "1970-01-01T00:00:00.000Z,"+time.Unix(int64(upTo), 0).UTC().Format("2006-01-02T15:04:05")+".999Z")
		}
		return v
	}
	mt.RegisterResponderWithQuery(http.MethodGet, alertsURL, q(0), respond(t, wire{query: q(0)}, 200, mk(0, 2, true)))
	mt.RegisterResponderWithQuery(http.MethodGet, alertsURL, q(newest-1), respond(t, wire{query: q(newest - 1)}, 200, mk(1, 2, true)))
	mt.RegisterResponderWithQuery(http.MethodGet, alertsURL, q(newest-2), respond(t, wire{query: q(newest - 2)}, 200, mk(2, 2, true)))
	mt.RegisterResponderWithQuery(http.MethodGet, alertsURL, q(newest-3), respond(t, wire{query: q(newest - 3)}, 200, mk(3, 2, false)))
	opts := &sekoia.AlertListOptions{Sources: []string{"1.2.3.4"}, Limit: 2}
	for run := range 2 { // re-runnable
		var ids []string
		for a, err := range c.Alerts.All(context.Background(), opts) {
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, a.ShortID)
		}
		if d := cmp.Diff([]string{"ALa", "ALb", "ALc", "ALd", "ALe"}, ids); d != "" {
			t.Errorf("run %d (-want +got):\n%s", run, d)
		}
	}
	if opts.WithCount != nil || opts.Limit != 2 {
		t.Error("All changed the options")
	}
	// An early break stops fetching.
	calls := mt.GetTotalCallCount()
	for range c.Alerts.All(context.Background(), opts) {
		break
	}
	if n := mt.GetTotalCallCount() - calls; n > 2 {
		t.Errorf("break: %d requests, want at most 2 (one page and its prefetch)", n)
	}
}

func TestAlertsAllErrorYieldsOnce(t *testing.T) {
	t.Parallel()
	c, mt := mockAPI(t, sekoia.WithMaxRetries(0))
	mt.RegisterResponder(http.MethodGet, alertsURL, httpmock.NewStringResponder(500, `{"message":"boom"}`))
	n := 0
	for a, err := range c.Alerts.All(context.Background(), nil) {
		n++
		if a.UUID != "" || !errors.Is(err, sekoia.ErrServer) {
			t.Fatalf("got %v, %v", a, err)
		}
	}
	if n != 1 {
		t.Fatalf("yielded %d times", n)
	}
	n = 0
	for _, err := range c.Alerts.All(context.Background(), &sekoia.AlertListOptions{Limit: 1000}) {
		n++
		if err == nil || !strings.Contains(err.Error(), "limit 1000") {
			t.Fatalf("err = %v", err)
		}
	}
	if n != 1 {
		t.Fatalf("yielded %d times", n)
	}
}

func TestAlertsGetWire(t *testing.T) {
	t.Parallel()
	c, mt := mockAPI(t)
	mt.RegisterResponder(http.MethodGet, alertsURL+"/ALfghiw34ax", respond(t, wire{query: url.Values{
		"comments": {"true"}, "history": {"true"}, "countermeasures": {"false"}, "stix": {"true"}, "cases": {"true"}, "custom_status": {"true"},
	}}, 200, fixture(t, "alert_detail.json")))
	a, err := c.Alerts.Get(context.Background(), "ALfghiw34ax", &sekoia.AlertGetOptions{Comments: true, History: true, STIX: true, Cases: true, CustomStatus: true})
	if err != nil {
		t.Fatal(err)
	}
	if a.Status.UUID != sekoia.StatusPending || len(a.History) != 2 || a.History[0].Alert.Status != "Pending" || a.History[1].Urgency.PreviousValue != nil {
		t.Errorf("alert = %+v", a)
	}
	if want := time.Date(2022, 12, 3, 21, 5, 32, 307177000, time.UTC); !a.LastSeenAt.Equal(want) {
		t.Errorf("LastSeenAt = %v", a.LastSeenAt)
	}

	mt.RegisterResponder(http.MethodGet, alertsURL+"/"+alertUUID, respond(t, wire{query: url.Values{
		"comments": {"false"}, "history": {"false"}, "countermeasures": {"false"},
	}}, 200, fixture(t, "alert_detail.json")))
	if _, err := c.Alerts.Get(context.Background(), alertUUID, nil); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"", "x", "AL", "../alerts", "fbdeaba1-dd63-496f-b515-9f14a886a51", "ALab/cd"} {
		if _, err := c.Alerts.Get(context.Background(), bad, nil); err == nil || !strings.Contains(err.Error(), "is not a UUID or short id") {
			t.Errorf("Get(%q) err = %v", bad, err)
		}
	}
}

func TestAlertsGetNotFound(t *testing.T) {
	t.Parallel()
	c, mt := mockAPI(t)
	mt.RegisterResponder(http.MethodGet, alertsURL+"/ALnope1234", func(*http.Request) (*http.Response, error) {
		r := httpmock.NewStringResponse(404, `{"message":"Unknown alert"}`)
		r.Header.Set("X-Sekoia-Traceid", "trace-404")
		return r, nil
	})
	_, err := c.Alerts.Get(context.Background(), "ALnope1234", nil)
	var apiErr *sekoia.APIError
	if !errors.Is(err, sekoia.ErrNotFound) || !errors.As(err, &apiErr) {
		t.Fatalf("err = %v", err)
	}
	if apiErr.Message != "Unknown alert" || apiErr.RequestID != "trace-404" || apiErr.Path != "/api/v1/sic/alerts/ALnope1234" {
		t.Errorf("APIError = %+v", apiErr)
	}
}

func TestAlertsUpdateWire(t *testing.T) {
	t.Parallel()
	c, mt := mockAPI(t)
	mt.RegisterResponder(http.MethodPatch, alertsURL+"/"+alertUUID, respond(t, wire{body: `{
		"alert_type_category":"malicious-code","alert_type_value":"ransomware","details":"seen on 3 hosts",
		"urgency":85,"kill_chain_short_id":"KCXKNfnJupq5","title":"Ransomware","verdict_uuid":"a1b2c3d4-0000-4000-8000-000000000002",
		"custom_status_uuid":"a1b2c3d4-0000-4000-8000-000000000001","assignee":"a2f80bf3-93a0-485d-b3db-51611825474c"}`},
		200, fixture(t, "alert_detail.json")))
	_, err := c.Alerts.Update(context.Background(), alertUUID, &sekoia.AlertUpdate{
		AlertTypeCategory: "malicious-code", AlertTypeValue: "ransomware", Details: "seen on 3 hosts", Urgency: ptr(85),
		KillChainShortID: "KCXKNfnJupq5", Title: "Ransomware", VerdictUUID: "a1b2c3d4-0000-4000-8000-000000000002",
		CustomStatusUUID: "a1b2c3d4-0000-4000-8000-000000000001", Assignee: "a2f80bf3-93a0-485d-b3db-51611825474c",
	})
	if err != nil {
		t.Fatal(err)
	}
	for name, u := range map[string]*sekoia.AlertUpdate{
		"nil":        nil,
		"empty":      {},
		"urgency":    {Urgency: ptr(101)},
		"type value": {AlertTypeCategory: "malicious-code"},
		"short":      {AlertTypeCategory: "ab", AlertTypeValue: "abc"},
		"verdict":    {VerdictUUID: "nope"},
		"assignee":   {Assignee: "nope"},
	} {
		if _, err := c.Alerts.Update(context.Background(), alertUUID, u); err == nil || !strings.HasPrefix(err.Error(), "sekoia: Alerts.Update: ") {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

func TestAlertsSetCustomStatusAndList(t *testing.T) {
	t.Parallel()
	c, mt := mockAPI(t)
	mt.RegisterResponder(http.MethodPatch, alertsURL+"/ALfghiw34ax", respond(t, wire{body: `{"custom_status_uuid":"a1b2c3d4-0000-4000-8000-000000000001"}`}, 200, fixture(t, "alert_detail.json")))
	if _, err := c.Alerts.SetCustomStatus(context.Background(), "ALfghiw34ax", "a1b2c3d4-0000-4000-8000-000000000001"); err != nil {
		t.Fatal(err)
	}
	mt.RegisterResponder(http.MethodGet, apiBase+"/v1/sic/custom_statuses", respond(t, wire{query: url.Values{
		"match[type]": {"alert"}, "with_is_used": {"false"}, "limit": {"10"}, "offset": {"5"},
	}}, 200, fixture(t, "custom_statuses.json")))
	page, err := c.Alerts.ListCustomStatuses(context.Background(), &sekoia.CustomStatusListOptions{Type: "alert", WithIsUsed: ptr(false), Limit: 10, Offset: 5})
	if err != nil {
		t.Fatal(err)
	}
	cs := page.Items[0]
	if cs.Stage != sekoia.StageInProgress || cs.Label != "Under investigation" || cs.CreatedAt.IsZero() || !cs.UpdatedAt.IsZero() {
		t.Errorf("custom status = %+v", cs)
	}
	if _, err := c.Alerts.ListCustomStatuses(context.Background(), &sekoia.CustomStatusListOptions{Type: "incident"}); err == nil {
		t.Error("bad type accepted")
	}
	if _, err := c.Alerts.SetCustomStatus(context.Background(), "ALfghiw34ax", "open"); err == nil {
		t.Error("bad custom status accepted")
	}
}

func TestAlertsDeleteWire(t *testing.T) {
	t.Parallel()
	c, mt := mockAPI(t)
	mt.RegisterResponder(http.MethodDelete, alertsURL+"/"+alertUUID, respond(t, wire{}, 204, nil))
	if err := c.Alerts.Delete(context.Background(), alertUUID); err != nil {
		t.Fatal(err)
	}
}

func TestAlertsCommentsWire(t *testing.T) {
	t.Parallel()
	c, mt := mockAPI(t)
	mt.RegisterResponder(http.MethodGet, alertsURL+"/ALfghiw34ax/comments", respond(t, wire{query: url.Values{"limit": {"5"}, "offset": {"10"}}}, 200, fixture(t, "comments.json")))
	page, err := c.Alerts.ListComments(context.Background(), "ALfghiw34ax", &sekoia.PageOptions{Limit: 5, Offset: 10})
	if err != nil {
		t.Fatal(err)
	}
	if got := page.Items[0]; got.Author != "apikey:f93a35e0-b9aa-4c95" || !got.Date.Equal(time.Unix(1686237010, 0)) || page.Total != 1 {
		t.Errorf("comment = %+v", got)
	}
	mt.RegisterResponder(http.MethodPost, alertsURL+"/ALfghiw34ax/comments", respond(t, wire{body: `{"content":"New comment test","author":"ydi"}`}, 200, fixture(t, "comment.json")))
	cm, err := c.Alerts.AddComment(context.Background(), "ALfghiw34ax", sekoia.NewComment{Content: "New comment test", Author: "ydi"})
	if err != nil {
		t.Fatal(err)
	}
	if cm.UUID != alertUUID || cm.Date.Unix() != 1670309132 {
		t.Errorf("comment = %+v", cm)
	}
	if _, err := c.Alerts.AddComment(context.Background(), "ALfghiw34ax", sekoia.NewComment{Content: "  "}); err == nil {
		t.Error("empty comment accepted")
	}
	if _, err := c.Alerts.AddComment(context.Background(), "ALfghiw34ax", sekoia.NewComment{Content: "x", Author: strings.Repeat("a", 33)}); err == nil {
		t.Error("long author accepted")
	}
	// AllComments pages with limit 100.
	mt.RegisterResponder(http.MethodGet, alertsURL+"/ALother1234/comments", respond(t, wire{query: url.Values{"limit": {"100"}, "offset": {"0"}}}, 200, fixture(t, "comments.json")))
	n := countAll(t, c.Alerts.AllComments(context.Background(), "ALother1234", nil))
	if n != 1 {
		t.Errorf("AllComments yielded %d", n)
	}
}

func TestAlertsTimelineWire(t *testing.T) {
	t.Parallel()
	c, mt := mockAPI(t)
	body := `{"timeline":[{"start":"2026-11-21T10:00:00Z","end":"2026-11-21T11:00:00+00:00","value":3}],"frame":{"start":"2026-11-21T10:00:00Z","end":"2026-11-22T10:00:00.123456Z"}}`
	mt.RegisterResponder(http.MethodGet, alertsURL+"/ALfghiw34ax/timeline", respond(t, wire{query: url.Values{"type": {"14d"}, "frame-length": {"7"}}}, 200, []byte(body)))
	tl, err := c.Alerts.Timeline(context.Background(), "ALfghiw34ax", &sekoia.TimelineOptions{Window: sekoia.Timeline14d, FrameLength: 7})
	if err != nil {
		t.Fatal(err)
	}
	if len(tl.Buckets) != 1 || tl.Buckets[0].Value != 3 || tl.Buckets[0].End.Hour() != 11 || tl.Frame.End.Nanosecond() != 123456000 {
		t.Errorf("timeline = %+v", tl)
	}
	if _, err := c.Alerts.Timeline(context.Background(), "ALfghiw34ax", &sekoia.TimelineOptions{Window: "1h"}); err == nil {
		t.Error("bad window accepted")
	}
}

func TestAlertsHistoryWire(t *testing.T) {
	t.Parallel()
	c, mt := mockAPI(t)
	body := `{"items":[{"entry_type":"alert","alert":{"status":"Ongoing","previous_status":"Acknowledged"},"created_at":1669676732,"uuid":"h1","custom":"kept"}],"total":1}`
	q := url.Values{"limit": {"20"}, "offset": {"40"}, "community_uuid": {"52bd045f-4199-4361-8267-cdebfc784392"}}
	mt.RegisterResponder(http.MethodGet, alertsURL+"/ALfghiw34ax/history", respond(t, wire{query: q}, 200, []byte(body)))
	page, err := c.Alerts.ListHistory(context.Background(), "ALfghiw34ax", &sekoia.HistoryListOptions{Limit: 20, Offset: 40, CommunityUUID: "52bd045f-4199-4361-8267-cdebfc784392"})
	if err != nil {
		t.Fatal(err)
	}
	h := page.Items[0]
	if h.Alert.PreviousStatus != "Acknowledged" || !strings.Contains(string(h.Raw), `"custom":"kept"`) || h.CreatedAt.Unix() != 1669676732 {
		t.Errorf("entry = %+v", h)
	}
	if _, err := c.Alerts.ListHistory(context.Background(), "ALfghiw34ax", &sekoia.HistoryListOptions{CommunityUUID: "x"}); err == nil {
		t.Error("bad community accepted")
	}
}
