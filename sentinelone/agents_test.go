package sentinelone

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestAgentsListAndCount(t *testing.T) {
	t.Parallel()
	yes := true
	opts := &AgentListOptions{
		IDs: []string{"1"}, UUIDs: []string{"u1"}, ComputerName: "host01", ComputerNameContains: []string{"host"},
		NetworkStatuses: []NetworkStatus{NetworkConnected, NetworkDisconnecting}, AccountIDs: []string{"a"}, SiteIDs: []string{"s"},
		GroupIDs: []string{"g"}, OSTypes: []string{"linux"}, IsActive: &yes, Infected: &yes, IsDecommissioned: &yes, Query: "q",
		CreatedAfter: time.Unix(0, 0), CreatedBefore: time.Unix(1, 0), UpdatedAfter: time.Unix(2, 0),
		Paging: Paging{Limit: 100, SortBy: "computerName"},
	}
	filters := []string{"ids", "1", "uuids", "u1", "computerName", "host01", "computerName__contains", "host",
		"networkStatuses", "connected,disconnecting", "accountIds", "a", "siteIds", "s", "groupIds", "g", "osTypes", "linux",
		"isActive", "true", "infected", "true", "isDecommissioned", "true", "query", "q",
		"createdAt__gt", "1970-01-01T00:00:00.000000Z", "createdAt__lt", "1970-01-01T00:00:01.000000Z",
		"updatedAt__gt", "1970-01-01T00:00:02.000000Z"}
	agent := `{"id":"1","uuid":"u1","computerName":"host01","networkStatus":"connected","isActive":true,"lastActiveDate":"2024-01-01T00:00:00.000000Z","extra":{"k":1}}`
	w := newWire(t)
	w.on("GET", "/agents", vals(append(filters, "limit", "100", "sortBy", "computerName")...), "", 200, `{"data":[`+agent+`],"pagination":{"nextCursor":null,"totalItems":1}}`)
	w.on("GET", "/agents/count", vals(filters...), "", 200, `{"data":{"total":1}}`)
	w.on("GET", "/agents", vals(append(filters, "limit", "100", "sortBy", "computerName")...), "", 200, `{"data":[`+agent+`],"pagination":{"nextCursor":null,"totalItems":1}}`)
	c := newTestClient(t, w)
	p, err := c.Agents.List(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	a := p.Items[0]
	if a.ID != "1" || a.NetworkStatus != NetworkConnected || !a.IsActive || a.LastActiveDate.IsZero() || string(a.Raw) != agent {
		t.Errorf("agent = %+v", a)
	}
	if b, _ := a.MarshalJSON(); string(b) != agent {
		t.Errorf("MarshalJSON = %s", b)
	}
	n, err := c.Agents.Count(context.Background(), opts)
	if err != nil || n != 1 {
		t.Errorf("Count = %d, %v", n, err)
	}
	all, err := collectAll(c.Agents.All(context.Background(), opts))
	if err != nil || len(all) != 1 {
		t.Errorf("All = %v, %v", all, err)
	}
}

func collectAll[T any](seq func(func(T, error) bool)) ([]T, error) {
	var out []T
	for v, err := range seq {
		if err != nil {
			return out, err
		}
		out = append(out, v)
	}
	return out, nil
}

func TestAgentActionsWire(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWire(t)
	c := newTestClient(t, w)
	ids := AgentFilter{IDs: []string{"1109245354690326957"}}
	ok := `{"data":{"affected":1}}`
	type call struct {
		path, body string
		run        func() (*ActionResult, error)
	}
	f := false
	calls := []call{
		{"/agents/actions/disconnect", `{"filter":{"ids":["1109245354690326957"]},"data":{}}`, func() (*ActionResult, error) { return c.Agents.Disconnect(ctx, ids, nil) }},
		{"/agents/actions/connect", `{"filter":{"ids":["1109245354690326957"]},"data":{}}`, func() (*ActionResult, error) { return c.Agents.Connect(ctx, ids, nil) }},
		{"/agents/actions/initiate-scan", `{"filter":{"siteIds":["5"],"isDecommissioned":false},"data":{}}`, func() (*ActionResult, error) {
			return c.Agents.InitiateScan(ctx, AgentFilter{SiteIDs: []string{"5"}, IsDecommissioned: &f}, nil)
		}},
		{"/agents/actions/abort-scan", `{"filter":{"uuids":["u1"]},"data":{}}`, func() (*ActionResult, error) { return c.Agents.AbortScan(ctx, AgentFilter{UUIDs: []string{"u1"}}, nil) }},
		{"/agents/actions/restart-machine", `{"filter":{"groupIds":["g"]},"data":{}}`, func() (*ActionResult, error) {
			return c.Agents.RestartMachine(ctx, AgentFilter{GroupIDs: []string{"g"}}, nil)
		}},
		{"/agents/actions/shutdown", `{"filter":{"filterId":"f1"},"data":{}}`, func() (*ActionResult, error) { return c.Agents.Shutdown(ctx, AgentFilter{FilterID: "f1"}, nil) }},
		{"/agents/actions/fetch-logs", `{"filter":{"query":"host01"},"data":{}}`, func() (*ActionResult, error) { return c.Agents.FetchLogs(ctx, AgentFilter{Query: "host01"}, nil) }},
		{"/agents/actions/broadcast", `{"filter":{"accountIds":["a"]},"data":{"message":"Reboot at 6"}}`, func() (*ActionResult, error) {
			return c.Agents.Broadcast(ctx, AgentFilter{AccountIDs: []string{"a"}}, "Reboot at 6", nil)
		}},
		{"/agents/actions/mark-up-to-date", `{"filter":{"ids":["1109245354690326957"]},"data":{"x":1}}`, func() (*ActionResult, error) {
			return c.Agents.Action(ctx, AgentMarkUpToDate, ids, map[string]int{"x": 1}, nil)
		}},
	}
	for _, cl := range calls {
		w.on("POST", cl.path, nil, cl.body, 200, ok)
		res, err := cl.run()
		if err != nil || res.Affected != 1 {
			t.Errorf("%s: %v, %v", cl.path, res, err)
		}
	}
}

func TestAgentActionRefusals(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := newTestClient(t, newWire(t)) // any request fails the test
	yes := true
	cases := []struct {
		name string
		run  func() (*ActionResult, error)
		want string
	}{
		{"empty", func() (*ActionResult, error) { return c.Agents.Connect(ctx, AgentFilter{}, nil) }, "the filter is empty"},
		{"flags only", func() (*ActionResult, error) {
			return c.Agents.InitiateScan(ctx, AgentFilter{IsDecommissioned: &yes}, nil)
		}, "the filter is empty"},
		{"blank id", func() (*ActionResult, error) { return c.Agents.Connect(ctx, AgentFilter{IDs: []string{" "}}, nil) }, "IDs has an empty element"},
		{"dangerous by site", func() (*ActionResult, error) {
			return c.Agents.Disconnect(ctx, AgentFilter{SiteIDs: []string{"1"}}, nil)
		}, "needs a filter with IDs, GroupIDs or FilterID"},
		{"dangerous by uuid", func() (*ActionResult, error) {
			return c.Agents.Shutdown(ctx, AgentFilter{IDs: []string{"1"}, UUIDs: []string{"u"}}, nil)
		}, "does not take UUIDs"},
		{"bad action", func() (*ActionResult, error) {
			return c.Agents.Action(ctx, "../users", AgentFilter{IDs: []string{"1"}}, nil, nil)
		}, "not an action name"},
		{"no message", func() (*ActionResult, error) {
			return c.Agents.Broadcast(ctx, AgentFilter{IDs: []string{"1"}}, " ", nil)
		}, "message is empty"},
	}
	for _, tc := range cases {
		_, err := tc.run()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", tc.name, err, tc.want)
		}
	}
}

func TestAgentActionNoneAffected(t *testing.T) {
	t.Parallel()
	w := newWire(t)
	w.on("POST", "/agents/actions/disconnect", nil, `{"filter":{"ids":["404"]},"data":{}}`, 200, `{"data":{"affected":0}}`)
	w.on("POST", "/agents/actions/initiate-scan", nil, `{"filter":{"groupIds":["g"]},"data":{}}`, 200, `{"data":{"affected":0}}`)
	c := newTestClient(t, w)
	res, err := c.Agents.Disconnect(context.Background(), AgentFilter{IDs: []string{"404"}}, nil)
	var na *NoneAffectedError
	if !errors.As(err, &na) || !errors.Is(err, ErrNoneAffected) || na.Op != "Agents.Disconnect" || na.IDs[0] != "404" {
		t.Fatalf("err = %v", err)
	}
	if res == nil || res.Affected != 0 {
		t.Errorf("res = %v", res)
	}
	// Not aimed at ids: zero affected is an answer, not an error.
	if res, err := c.Agents.InitiateScan(context.Background(), AgentFilter{GroupIDs: []string{"g"}}, nil); err != nil || res.Affected != 0 {
		t.Errorf("group scan: %v, %v", res, err)
	}
}

func TestAgentActionString(t *testing.T) {
	t.Parallel()
	if AgentInitiateScan.String() != "initiate scan" || AgentDisconnect.String() != "disconnect from network" || !AgentDisconnect.Dangerous() || AgentConnect.Dangerous() {
		t.Error("AgentAction names")
	}
	if NetworkConnected.String() != "connected" {
		t.Error("NetworkStatus")
	}
}
