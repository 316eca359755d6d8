package tehtris

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/socgo/xdr/internal/oapitest"
)

// vmock is mock with every request and response also validated against
// openapi/tehtris.yaml.
func vmock(t *testing.T, opts ...Option) (*Client, *httpmock.MockTransport) {
	t.Helper()
	mt := httpmock.NewMockTransport()
	mt.RegisterNoResponder(httpmock.NewNotFoundResponder(t.Fatal))
	v := oapitest.Load(t, "../openapi/tehtris.yaml", "/api")
	all := append([]Option{WithHTTPClient(&http.Client{Transport: v.Transport(t, mt)}), WithRetryWait(time.Millisecond, 2*time.Millisecond)}, opts...)
	c, err := NewClient("abc", testKey, all...)
	if err != nil {
		t.Fatal(err)
	}
	return c, mt
}

// jsonResp is a response with body, typed application/json when not empty.
func jsonResp(status int, body string) *http.Response {
	r := httpmock.NewStringResponse(status, body)
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	return r
}

// serve registers a responder for method and url that records each
// request in rec and answers what reply returns (see jsonResp).
func serve(t *testing.T, mt *httpmock.MockTransport, rec *recorder, method, url string, reply func(*http.Request) (int, string)) {
	mt.RegisterResponder(method, url, func(req *http.Request) (*http.Response, error) {
		rec.record(t, req)
		status, body := reply(req)
		return jsonResp(status, body), nil
	})
}

// firstPage answers *body at offset 0 and an empty page after it.
func firstPage(body *string) func(*http.Request) (int, string) {
	return func(req *http.Request) (int, string) {
		if req.URL.Query().Get("offset") != "" {
			return 200, `{"data":[]}`
		}
		return 200, *body
	}
}

func hostJSON(uuid string, app int, name string) string {
	return `{"uuid":"` + uuid + `","applianceId":` + itoa(app) + `,"hostname":"` + name + `","domain":"example.org","tags":"ABC_WIN",` +
		`"localIp":"10.0.0.5","remoteIp":"198.51.100.7","configUuid":"c1","firstSeen":"2025-01-02T03:04:05Z","lastSeen":"2025-06-01T00:00:00.5+00:00",` +
		`"os":{"windows":"10"},"versions":{"edr":"1.2"}}`
}

const agent2 = "0f0e0d0c-0b0a-4909-8807-060504030201"

func TestInventoryListWire(t *testing.T) {
	t.Parallel()
	c, mt := vmock(t)
	var rec recorder
	body := `{"data":[` + hostJSON(agent, 3, "WS-07") + `]}`
	serve(t, mt, &rec, http.MethodGet, base+"/edr/v2/inventory", func(*http.Request) (int, string) { return 200, body })
	ctx := context.Background()
	p, err := c.Inventory.List(ctx, &HostQuery{Hostname: "ws", HostnameRegex: "^WS-[0-9]+$", Domain: "example", DomainRegex: "org$",
		Network: "10.0.0.0/8", UUIDs: []string{strings.ToUpper(agent), agent2}, ApplianceIDs: []int64{3, 4}, Tags: []string{"ABC_WIN", "ABC_SRV"}, Offset: 200})
	if err != nil {
		t.Fatal(err)
	}
	rec.check(t, recorded{Method: "GET", Path: "/api/edr/v2/inventory", Query: q(
		"hostname", "ws", "hostnameRegex", "^WS-[0-9]+$", "domain", "example", "domainRegex", "org$", "network", "10.0.0.0/8",
		"uuids", agent, "uuids", agent2, "applianceIds", "3", "applianceIds", "4", "tags", "ABC_WIN", "tags", "ABC_SRV", "offset", "200")})
	if p.Offset != 200 || len(p.Items) != 1 {
		t.Fatalf("page %+v", p)
	}
	h := p.Items[0]
	want := Host{UUID: agent, ApplianceID: 3, Hostname: "WS-07", Domain: "example.org", Tags: []string{"ABC_WIN"}, LocalIP: "10.0.0.5",
		RemoteIP: "198.51.100.7", ConfigUUID: "c1", FirstSeen: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)}
	if h.UUID != want.UUID || h.ApplianceID != 3 || h.Hostname != want.Hostname || h.Domain != want.Domain || len(h.Tags) != 1 ||
		h.Tags[0] != "ABC_WIN" || h.LocalIP != want.LocalIP || h.RemoteIP != want.RemoteIP || h.ConfigUUID != "c1" ||
		!h.FirstSeen.Equal(want.FirstSeen) || h.LastSeen.IsZero() || string(h.OS) != `{"windows":"10"}` || string(h.Versions) != `{"edr":"1.2"}` {
		t.Errorf("host %+v", h)
	}
	if h.Endpoint() != (Endpoint{ApplianceID: 3, AgentUUID: agent}) {
		t.Errorf("Endpoint %v", h.Endpoint())
	}
	if b, _ := h.MarshalJSON(); string(b) != hostJSON(agent, 3, "WS-07") {
		t.Errorf("MarshalJSON %s", b)
	}
}

// A bare array is accepted too (outside the spec, which follows the
// evidence of a {"data": [...]} reply).
func TestInventoryListBareArray(t *testing.T) {
	t.Parallel()
	c, mt := mock(t)
	mt.RegisterResponder(http.MethodGet, base+"/edr/v2/inventory", httpmock.NewStringResponder(200, `[`+hostJSON(agent, 3, "WS-07")+`]`))
	if p, err := c.Inventory.List(context.Background(), nil); err != nil || len(p.Items) != 1 {
		t.Errorf("bare array: %+v %v", p, err)
	}
}

func TestInventoryQueryValidation(t *testing.T) {
	t.Parallel()
	c, _ := mock(t)
	ctx := context.Background()
	long := strings.Repeat("x", 300)
	for _, tc := range []struct {
		q    HostQuery
		want string
	}{
		{HostQuery{Offset: -1}, "Offset -1"},
		{HostQuery{UUIDs: []string{"../../x"}}, `UUIDs[0] "../../x" is not a UUID`},
		{HostQuery{ApplianceIDs: []int64{-2}}, "ApplianceIDs[0] -2"},
		{HostQuery{Network: "10.0.0.300"}, "Network"},
		{HostQuery{HostnameRegex: "("}, "HostnameRegex"},
		{HostQuery{Hostname: "a\nb"}, "control character"},
		{HostQuery{Tags: []string{" "}}, "Tags[0] is empty"},
		{HostQuery{UUIDs: []string{long}}, `"` + strings.Repeat("x", 100) + `"…`},
	} {
		_, err := c.Inventory.List(ctx, &tc.q)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "tehtris: Inventory.List: ") {
			t.Errorf("List(%+v): %v, want %q", tc.q, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), strings.Repeat("x", 101)) {
			t.Errorf("more than 100 bytes quoted: %v", err)
		}
	}
	for _, err := range []error{
		func() error { _, err := c.Inventory.Get(ctx, "nope"); return err }(),
		func() error { _, err := c.Inventory.FindByName(ctx, " "); return err }(),
		c.Inventory.SetTags(ctx, "bad", agent),
		c.Inventory.SetTags(ctx, "ABC_x"),
		c.Inventory.SetTags(ctx, "ABC_x", "zz"),
	} {
		if err == nil || !strings.HasPrefix(err.Error(), "tehtris: Inventory.") {
			t.Errorf("bad input accepted or unnamed: %v", err)
		}
	}
}

func TestInventoryAllWire(t *testing.T) {
	t.Parallel()
	c, mt := vmock(t)
	var rec recorder
	pages := map[string]string{
		"":  `{"data":[` + hostJSON(agent, 1, "a") + `,` + hostJSON(agent2, 1, "b") + `]}`,
		"2": `{"data":[` + hostJSON(agent, 2, "c") + `]}`,
		"3": `{"data":[]}`,
	}
	serve(t, mt, &rec, http.MethodGet, base+"/edr/v2/inventory", func(req *http.Request) (int, string) { return 200, pages[req.URL.Query().Get("offset")] })
	var names []string
	for h, err := range c.Inventory.All(context.Background(), &HostQuery{Domain: "example.org"}) {
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, h.Hostname)
	}
	if strings.Join(names, ",") != "a,b,c" {
		t.Errorf("hosts %v", names)
	}
	rec.check(t,
		recorded{Method: "GET", Path: "/api/edr/v2/inventory", Query: q("domain", "example.org")},
		recorded{Method: "GET", Path: "/api/edr/v2/inventory", Query: q("domain", "example.org", "offset", "2")},
		recorded{Method: "GET", Path: "/api/edr/v2/inventory", Query: q("domain", "example.org", "offset", "3")},
	)
}

func TestInventoryGetAndFindWire(t *testing.T) {
	t.Parallel()
	c, mt := vmock(t)
	var rec recorder
	body := ""
	serve(t, mt, &rec, http.MethodGet, base+"/edr/v2/inventory", firstPage(&body))
	ctx := context.Background()
	body = `{"data":[` + hostJSON(agent, 3, "WS-07") + `]}`
	h, err := c.Inventory.Get(ctx, strings.ToUpper(agent))
	if err != nil || h.Hostname != "WS-07" {
		t.Fatalf("Get: %+v %v", h, err)
	}
	body = `{"data":[]}`
	if _, err := c.Inventory.Get(ctx, agent); !errors.Is(err, ErrHostNotFound) {
		t.Errorf("Get unknown: %v", err)
	}
	// The platform matches a substring: ws-07 also finds ws-070.
	body = `{"data":[` + hostJSON(agent2, 3, "ws-070") + `,` + hostJSON(agent, 3, "WS-07") + `]}`
	h, err = c.Inventory.FindByName(ctx, "ws-07")
	if err != nil || h.UUID != agent {
		t.Fatalf("FindByName: %+v %v", h, err)
	}
	body = `{"data":[` + hostJSON(agent2, 3, "ws-070") + `]}`
	if _, err := c.Inventory.FindByName(ctx, "ws-07"); !errors.Is(err, ErrHostNotFound) {
		t.Errorf("FindByName substring only: %v", err)
	}
	body = `{"data":[` + hostJSON(agent2, 3, "WS-07") + `,` + hostJSON(agent, 4, "ws-07") + `]}`
	_, err = c.Inventory.FindByName(ctx, "ws-07")
	var amb *AmbiguousHostError
	if !errors.Is(err, ErrAmbiguousHost) || !errors.As(err, &amb) || len(amb.Hosts) != 2 || !strings.Contains(err.Error(), "4/"+agent) {
		t.Errorf("ambiguous: %v", err)
	}
	p := "/api/edr/v2/inventory"
	rec.check(t,
		recorded{Method: "GET", Path: p, Query: q("uuids", agent)},
		recorded{Method: "GET", Path: p, Query: q("uuids", agent)},
		recorded{Method: "GET", Path: p, Query: q("hostname", "ws-07")},
		recorded{Method: "GET", Path: p, Query: q("hostname", "ws-07", "offset", "2")},
		recorded{Method: "GET", Path: p, Query: q("hostname", "ws-07")},
		recorded{Method: "GET", Path: p, Query: q("hostname", "ws-07", "offset", "1")},
		recorded{Method: "GET", Path: p, Query: q("hostname", "ws-07")},
		recorded{Method: "GET", Path: p, Query: q("hostname", "ws-07", "offset", "2")},
	)
}

func TestInventoryTagsWire(t *testing.T) {
	t.Parallel()
	c, mt := vmock(t)
	var rec recorder
	serve(t, mt, &rec, http.MethodGet, base+"/edr/v2/inventory/tags", func(*http.Request) (int, string) { return 200, `["ABC_SRV","ABC_WIN"]` })
	serve(t, mt, &rec, http.MethodPut, base+"/edr/v2/inventory/tags", func(*http.Request) (int, string) { return 204, "" })
	ctx := context.Background()
	tags, err := c.Inventory.Tags(ctx)
	if err != nil || strings.Join(tags, ",") != "ABC_SRV,ABC_WIN" {
		t.Fatalf("Tags: %v %v", tags, err)
	}
	if err := c.Inventory.SetTags(ctx, "ABC_isolated", strings.ToUpper(agent), agent2); err != nil {
		t.Fatal(err)
	}
	rec.check(t,
		recorded{Method: "GET", Path: "/api/edr/v2/inventory/tags"},
		recorded{Method: "PUT", Path: "/api/edr/v2/inventory/tags", Body: map[string]any{"edrUuidList": []any{agent, agent2}, "tags": "ABC_isolated"}},
	)
}

func TestIsolateHostWire(t *testing.T) {
	t.Parallel()
	c, mt := vmock(t)
	var rec recorder
	body := `{"data":[` + hostJSON(agent, 3, "WS-07") + `]}`
	serve(t, mt, &rec, http.MethodGet, base+"/edr/v2/inventory", firstPage(&body))
	status := 202
	serve(t, mt, &rec, http.MethodPost, base+"/edr/v2/live/3/"+agent+"/isolation", func(*http.Request) (int, string) { return status, "" })
	ctx := context.Background()
	h, res, err := c.Endpoints.IsolateHost(ctx, "ws-07", &IsolationOptions{Power: PowerHard, Persist: true})
	if err != nil || h.UUID != agent || res != (IsolationResult{Queued: true, StatusCode: 202}) {
		t.Fatalf("IsolateHost: %+v %+v %v", h, res, err)
	}
	status = 409
	if h, _, err := c.Endpoints.IsolateHost(ctx, "ws-07", nil); !errors.Is(err, ErrConflict) || h == nil {
		t.Errorf("409: %v %v", h, err)
	}
	// Two endpoints share the name: nothing is sent.
	body = `{"data":[` + hostJSON(agent, 3, "WS-07") + `,` + hostJSON(agent2, 3, "ws-07") + `]}`
	if _, _, err := c.Endpoints.IsolateHost(ctx, "ws-07", nil); !errors.Is(err, ErrAmbiguousHost) {
		t.Errorf("ambiguous: %v", err)
	}
	p := "/api/edr/v2/inventory"
	iso := "/api/edr/v2/live/3/" + agent + "/isolation"
	rec.check(t,
		recorded{Method: "GET", Path: p, Query: q("hostname", "ws-07")},
		recorded{Method: "GET", Path: p, Query: q("hostname", "ws-07", "offset", "1")},
		recorded{Method: "POST", Path: iso, Query: q("isolationAction", "enable", "power", "hard", "persist", "true")},
		recorded{Method: "GET", Path: p, Query: q("hostname", "ws-07")},
		recorded{Method: "GET", Path: p, Query: q("hostname", "ws-07", "offset", "1")},
		recorded{Method: "POST", Path: iso, Query: q("isolationAction", "enable")},
		recorded{Method: "GET", Path: p, Query: q("hostname", "ws-07")},
		recorded{Method: "GET", Path: p, Query: q("hostname", "ws-07", "offset", "2")},
	)
	if _, _, err := c.Endpoints.IsolateHost(ctx, "", nil); err == nil || !strings.Contains(err.Error(), "Endpoints.IsolateHost: hostname is empty") {
		t.Errorf("empty name: %v", err)
	}
}
