package sentinelone

import (
	"context"
	"net/url"
	"testing"
)

// TestListsPagingWire asserts the exact query of every list built on the
// generated wire layer with the paging and scope parameters the other wire
// tests leave out (skip, cursor, skipCount, sort, tenant, includeChildren,
// a count's sort), each request validated against openapi/sentinelone.yaml.
func TestListsPagingWire(t *testing.T) {
	t.Parallel()
	const empty = `{"data":[],"pagination":{"nextCursor":null,"totalItems":0}}`
	yes := true
	full := Paging{Limit: 50, Skip: 10, SkipCount: true, SortBy: "name", SortOrder: SortAsc}
	for _, tc := range []struct {
		name, path string
		query      url.Values
		call       func(context.Context, *Client) error
		resp       string // "": an empty page
	}{
		{"Accounts.List", "/accounts", vals("limit", "50", "skip", "10", "skipCount", "true", "sortBy", "name", "sortOrder", "asc"),
			func(ctx context.Context, c *Client) error {
				_, err := c.Accounts.List(ctx, &AccountListOptions{Paging: full})
				return err
			}, ""},
		{"Sites.List", "/sites", vals("limit", "1000", "cursor", "YWJj", "sortBy", "name", "sortOrder", "desc"),
			func(ctx context.Context, c *Client) error {
				_, err := c.Sites.List(ctx, &SiteListOptions{Paging: Paging{Cursor: "YWJj", SortBy: "name", SortOrder: SortDesc}})
				return err
			}, `{"data":{"allSites":{},"sites":[]},"pagination":{"nextCursor":null,"totalItems":0}}`},
		{"Groups.List", "/groups", vals("isDefault", "true", "limit", "50", "skip", "10", "skipCount", "true", "sortBy", "name", "sortOrder", "asc"),
			func(ctx context.Context, c *Client) error {
				_, err := c.Groups.List(ctx, &GroupListOptions{IsDefault: &yes, Paging: full})
				return err
			}, ""},
		{"Blocklist.List", "/restrictions", vals("type", "black_hash", "siteIds", "5", "includeChildren", "true", "limit", "1000", "skip", "3"),
			func(ctx context.Context, c *Client) error {
				s := SiteScope("5")
				_, err := c.Blocklist.List(ctx, &BlocklistListOptions{Scope: &s, IncludeChildren: true, Paging: Paging{Skip: 3}})
				return err
			}, ""},
		{"IOCs.List", "/threat-intelligence/iocs", vals("tenant", "true", "limit", "1000", "sortBy", "creationTime", "sortOrder", "desc"),
			func(ctx context.Context, c *Client) error {
				s := TenantScope()
				_, err := c.IOCs.List(ctx, &IOCListOptions{Scope: &s, Paging: Paging{SortBy: "creationTime", SortOrder: SortDesc}})
				return err
			}, ""},
		{"Exclusions.List", "/exclusions", vals("accountIds", "216,217", "includeChildren", "true", "limit", "1000", "cursor", "c9"),
			func(ctx context.Context, c *Client) error {
				s := AccountScope("216", "217")
				_, err := c.Exclusions.List(ctx, &ExclusionListOptions{Scope: &s, IncludeChildren: true, Paging: Paging{Cursor: "c9"}})
				return err
			}, ""},
		// A count keeps the filters and the sort, drops limit and skipCount.
		{"Alerts.Count", "/cloud-detection/alerts", vals("siteIds", "5", "countOnly", "true", "skip", "10", "sortBy", "name", "sortOrder", "asc"),
			func(ctx context.Context, c *Client) error {
				_, err := c.Alerts.Count(ctx, &AlertListOptions{SiteIDs: []string{"5"}, Paging: full})
				return err
			}, ""},
		{"Threats.Count", "/threats", vals("countOnly", "true", "skip", "10", "sortBy", "name", "sortOrder", "asc"),
			func(ctx context.Context, c *Client) error {
				_, err := c.Threats.Count(ctx, &ThreatListOptions{Paging: full})
				return err
			}, ""},
		{"RemoteScripts.ListTasks", "/remote-scripts/status", vals("parentTaskId", "p1", "limit", "50", "skip", "10", "skipCount", "true", "sortBy", "name", "sortOrder", "asc"),
			func(ctx context.Context, c *Client) error {
				_, err := c.RemoteScripts.ListTasks(ctx, &TaskListOptions{ParentTaskID: "p1", Paging: full})
				return err
			}, ""},
		{"DeepVisibility.ListEvents", "/dv/events/file", vals("queryId", "q1", "limit", "20", "subQuery", `FileFullName ContainsCIS "tmp"`, "sortBy", "pid", "sortOrder", "desc"),
			func(ctx context.Context, c *Client) error {
				_, err := c.DeepVisibility.ListEvents(ctx, "q1", &DVEventsOptions{Type: DVFile, Limit: 20, SubQuery: `FileFullName ContainsCIS "tmp"`, SortBy: "pid", SortOrder: SortDesc})
				return err
			}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := newWire(t)
			c := validated(t, w)
			resp := tc.resp
			if resp == "" {
				resp = empty
			}
			w.on("GET", tc.path, tc.query, "", 200, resp)
			if err := tc.call(context.Background(), c); err != nil {
				t.Fatal(err)
			}
		})
	}
}
