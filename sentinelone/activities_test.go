package sentinelone

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestActivitiesListEveryFilter(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2024, 5, 1, 10, 0, 0, 123456789, time.FixedZone("CEST", 2*3600))
	opts := &ActivityListOptions{
		IDs:            []string{"1391846354951547317", "1391846354951547318"},
		ActivityUUIDs:  []string{"6a6f0c47-0d7b-4d65-9c1f-7a0f6d8b1c11"},
		ActivityTypes:  []ActivityType{ActivityUserLoggedIn, ActivityThreatQuarantined, 52},
		AccountIDs:     []string{"org-12345678"},
		SiteIDs:        []string{"551799242253151036"},
		GroupIDs:       []string{"797501649544140679"},
		AgentIDs:       []string{"997510333395640565"},
		ThreatIDs:      []string{"1391846352913115209"},
		AlertIDs:       []string{"2347034961432617935"},
		RuleIDs:        []string{"2193706489826867626"},
		UserIDs:        []string{"111111111111111111"},
		UserEmails:     []string{"a@example.com", "b@example.com"},
		IncludeHidden:  true,
		CreatedAfter:   t0,
		CreatedSince:   t0.Add(time.Second),
		CreatedBefore:  t0.Add(time.Hour),
		CreatedUntil:   t0.Add(2 * time.Hour),
		CreatedBetween: &TimeRange{From: time.UnixMilli(1514978764288), To: time.UnixMilli(1514978999999)},
		Paging:         Paging{Limit: 5000, Skip: 1000, Cursor: "YWdlbnRfaWQ6NTgwMjkzODE=", SkipCount: true, SortBy: "createdAt", SortOrder: SortAsc},
	}
	before := *opts
	w := newWire(t)
	w.on("GET", "/activities", vals(
		"ids", "1391846354951547317,1391846354951547318",
		"activityUuids", "6a6f0c47-0d7b-4d65-9c1f-7a0f6d8b1c11",
		"activityTypes", "27,2004,52",
		"accountIds", "org-12345678",
		"siteIds", "551799242253151036",
		"groupIds", "797501649544140679",
		"agentIds", "997510333395640565",
		"threatIds", "1391846352913115209",
		"alertIds", "2347034961432617935",
		"ruleIds", "2193706489826867626",
		"userIds", "111111111111111111",
		"userEmails", "a@example.com,b@example.com",
		"includeHidden", "true",
		"createdAt__gt", "2024-05-01T08:00:00.123456Z",
		"createdAt__gte", "2024-05-01T08:00:01.123456Z",
		"createdAt__lt", "2024-05-01T09:00:00.123456Z",
		"createdAt__lte", "2024-05-01T10:00:00.123456Z",
		"createdAt__between", "1514978764288-1514978999999",
		"limit", "1000",
		"skip", "1000",
		"cursor", "YWdlbnRfaWQ6NTgwMjkzODE=",
		"skipCount", "true",
		"sortBy", "createdAt",
		"sortOrder", "asc",
	), "", 200, `{"data":[{"id":"1","activityType":27,"createdAt":"2022-04-01T08:14:35.018328Z","data":{}}],"pagination":{"nextCursor":"abc","totalItems":null}}`)
	p, err := newTestClient(t, w).Activities.List(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Items) != 1 || p.Total != -1 || p.NextCursor != "abc" {
		t.Errorf("page = %+v", p)
	}
	if d := cmp.Diff(before, *opts); d != "" {
		t.Errorf("options were changed (-before +after):\n%s", d)
	}
}

func TestActivitiesBadInput(t *testing.T) {
	t.Parallel()
	c := newTestClient(t, newWire(t)) // any request fails the test
	ctx := context.Background()
	cases := map[string]*ActivityListOptions{
		"Skip 1001 is over 1000":              {Paging: Paging{Skip: 1001}},
		"Skip -1 is negative":                 {Paging: Paging{Skip: -1}},
		"Limit -5 is negative":                {Paging: Paging{Limit: -5}},
		`ids: element "1,2" contains a comma`: {IDs: []string{"1,2"}},
		"agentIds: an element is empty":       {AgentIDs: []string{""}},
		`SortOrder "up"`:                      {Paging: Paging{SortOrder: "up"}},
		"createdAt__between: To":              {CreatedBetween: &TimeRange{From: time.Unix(10, 0), To: time.Unix(5, 0)}},
		"createdAt__between: both":            {CreatedBetween: &TimeRange{From: time.Unix(10, 0)}},
	}
	for want, opts := range cases {
		_, err := c.Activities.List(ctx, opts)
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "Activities.List") {
			t.Errorf("%s: err = %v", want, err)
		}
		for _, err := range c.Activities.All(ctx, opts) {
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("All %s: err = %v", want, err)
			}
		}
	}
}

func TestActivitiesLimitClamp(t *testing.T) {
	t.Parallel()
	w := newWire(t)
	empty := `{"data":[],"pagination":{"nextCursor":null,"totalItems":0}}`
	w.on("GET", "/activities", vals("limit", "1"), "", 200, empty)
	w.on("GET", "/activities", vals("limit", "1000"), "", 200, empty)
	w.on("GET", "/activities", vals("limit", "1000"), "", 200, empty)
	c := newTestClient(t, w)
	for _, l := range []int{1, 0, 1001} {
		if _, err := c.Activities.List(context.Background(), &ActivityListOptions{Paging: Paging{Limit: l}}); err != nil {
			t.Fatal(err)
		}
	}
}

func TestActivitiesCount(t *testing.T) {
	t.Parallel()
	w := newWire(t)
	w.on("GET", "/activities", vals("activityTypes", "27", "countOnly", "true"), "", 200, `{"data":[],"pagination":{"nextCursor":null,"totalItems":580}}`)
	n, err := newTestClient(t, w).Activities.Count(context.Background(), &ActivityListOptions{ActivityTypes: []ActivityType{27}, Paging: Paging{SkipCount: true}})
	if err != nil || n != 580 {
		t.Fatalf("Count = %d, %v", n, err)
	}
}

func act(id string) string {
	return `{"id":"` + id + `","activityType":27,"createdAt":"2022-04-01T08:14:35.018328Z","data":{"n":` + id + `}}`
}

func TestActivitiesAllPaging(t *testing.T) {
	t.Parallel()
	w := newWire(t)
	since := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	base := []string{"createdAt__gt", "2024-01-02T03:04:05.000000Z", "limit", "2", "sortBy", "createdAt", "sortOrder", "asc"}
	w.on("GET", "/activities", vals(base...), "", 200,
		`{"data":[`+act("1")+`,`+act("2")+`],"pagination":{"nextCursor":"c1","totalItems":5}}`)
	// An empty page in the middle is followed.
	w.on("GET", "/activities", vals(append(base, "cursor", "c1")...), "", 200,
		`{"data":[],"pagination":{"nextCursor":"c2","totalItems":5}}`)
	w.on("GET", "/activities", vals(append(base, "cursor", "c2")...), "", 200,
		`{"data":[`+act("3")+`,`+act("4")+`],"pagination":{"nextCursor":"c3","totalItems":5}}`)
	w.on("GET", "/activities", vals(append(base, "cursor", "c3")...), "", 200,
		`{"data":[`+act("5")+`],"pagination":{"nextCursor":null,"totalItems":5}}`)
	c := newTestClient(t, w)
	opts := &ActivityListOptions{CreatedAfter: since, Paging: Paging{Limit: 2, SortBy: "createdAt", SortOrder: SortAsc}}
	var ids []string
	for a, err := range c.Activities.All(context.Background(), opts) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, a.ID)
	}
	if strings.Join(ids, ",") != "1,2,3,4,5" {
		t.Errorf("ids = %v", ids)
	}
	if opts.Cursor != "" {
		t.Error("options were changed")
	}
}

func TestActivitiesAllErrorAndBreak(t *testing.T) {
	t.Parallel()
	w := newWire(t)
	w.on("GET", "/activities", vals("limit", "1000"), "", 200,
		`{"data":[`+act("1")+`],"pagination":{"nextCursor":"c1","totalItems":5}}`)
	w.on("GET", "/activities", vals("limit", "1000", "cursor", "c1"), "", 400,
		`{"errors":[{"code":4000010,"title":"Bad parameter given"}]}`)
	c := newTestClient(t, w)
	var got []string
	var errs []error
	for a, err := range c.Activities.All(context.Background(), nil) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		got = append(got, a.ID)
	}
	if len(got) != 1 || len(errs) != 1 {
		t.Fatalf("got %v, errs %v", got, errs)
	}
	var ae *APIError
	if !errors.As(errs[0], &ae) || ae.StatusCode != 400 {
		t.Errorf("err = %v", errs[0])
	}

	// A repeated cursor stops with ErrPaginationStalled.
	w = newWire(t)
	w.on("GET", "/activities", vals("limit", "1000"), "", 200, `{"data":[`+act("1")+`],"pagination":{"nextCursor":"c1"}}`)
	w.on("GET", "/activities", vals("limit", "1000", "cursor", "c1"), "", 200, `{"data":[`+act("2")+`],"pagination":{"nextCursor":"c1"}}`)
	var last error
	for _, err := range newTestClient(t, w).Activities.All(context.Background(), nil) {
		last = err
	}
	if !errors.Is(last, ErrPaginationStalled) {
		t.Errorf("err = %v, want ErrPaginationStalled", last)
	}

	// break stops fetching: the prefetched second page is the last request.
	w = newWire(t)
	w.on("GET", "/activities", vals("limit", "1000"), "", 200, `{"data":[`+act("1")+`,`+act("2")+`],"pagination":{"nextCursor":"c1"}}`)
	w.on("GET", "/activities", vals("limit", "1000", "cursor", "c1"), "", 200, `{"data":[`+act("3")+`],"pagination":{"nextCursor":"c2"}}`).optional = true
	for a, err := range newTestClient(t, w).Activities.All(context.Background(), nil) {
		if err != nil || a.ID != "1" {
			t.Fatal(a.ID, err)
		}
		break
	}
	if w.count() > 2 {
		t.Errorf("%d requests after break", w.count())
	}
}

func TestActivitiesAllRerunnable(t *testing.T) {
	t.Parallel()
	w := newWire(t)
	for range 2 {
		w.on("GET", "/activities", vals("limit", "1000", "threatIds", "9"), "", 200, `{"data":[`+act("1")+`],"pagination":{"nextCursor":null}}`)
	}
	seq := newTestClient(t, w).Activities.All(context.Background(), &ActivityListOptions{ThreatIDs: []string{"9"}})
	for range 2 {
		n := 0
		for _, err := range seq {
			if err != nil {
				t.Fatal(err)
			}
			n++
		}
		if n != 1 {
			t.Errorf("n = %d", n)
		}
	}
}

func TestActivityTypeString(t *testing.T) {
	t.Parallel()
	if ActivityUserLoggedIn.String() != "user logged in" || ActivityType(1234).String() != "activity type 1234" {
		t.Error(ActivityUserLoggedIn.String(), ActivityType(1234).String())
	}
	if SortAsc.String() != "asc" {
		t.Error(SortAsc.String())
	}
}
