package tehtris_test

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/socgo/xdr/tehtris"
	"github.com/socgo/xdr/tehtris/tehtristest"
)

// The inventory is consistent with the events: every endpoint an event
// names is a host with the event's host members.
func TestFakeInventoryFromEvents(t *testing.T) {
	t.Parallel()
	srv := tehtristest.NewServer(t)
	for _, b := range samples(t) {
		var ev tehtris.Event
		if err := ev.UnmarshalJSON(b); err != nil {
			t.Fatal(err)
		}
		srv.AddEvents(ev)
	}
	srv.SeedEvents(3)
	c := fakeClient(t, srv)
	ctx := context.Background()
	evs, err := c.Events.List(ctx, &tehtris.EventQuery{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range evs.Items {
		if ev.AgentUUID == "" {
			continue
		}
		h, err := c.Inventory.Get(ctx, ev.AgentUUID)
		if err != nil {
			t.Fatalf("event %d: host %s: %v", ev.ID, ev.AgentUUID, err)
		}
		if h.Endpoint() != (tehtris.Endpoint{ApplianceID: ev.ApplianceID, AgentUUID: h.UUID}) || h.Hostname == "" {
			t.Errorf("event %d (%s on %d): host %+v", ev.ID, ev.Hostname, ev.ApplianceID, h)
		}
	}
	// The sanitised samples give one host name to several agents, as a
	// re-installed agent would: the name is ambiguous.
	var amb *tehtris.AmbiguousHostError
	if _, err := c.Inventory.FindByName(ctx, "mr11111"); !errors.As(err, &amb) || len(amb.Hosts) < 2 {
		t.Errorf("FindByName: %v", err)
	}
	h, err := c.Inventory.Get(ctx, "5C3FF0BC-5101-4152-A330-923E569C9229")
	if err != nil || h.Hostname != "MR11111" || h.Domain != "example.org" || !slices.Equal(h.Tags, []string{"TRI_AAA_WIN"}) || h.LastSeen.IsZero() {
		t.Fatalf("Get: %+v %v", h, err)
	}
	p, err := c.Inventory.List(ctx, &tehtris.HostQuery{Network: "10.1.0.0/16"})
	if err != nil || len(p.Items) == 0 {
		t.Errorf("by network: %+v %v", p, err)
	}
	// Process history comes from the events of the endpoint.
	ps, err := items(c.Endpoints.ListProcesses(ctx, h.Endpoint(), &tehtris.ProcessQuery{Limit: 2}))
	if err != nil || len(ps) != 2 || ps[0].PID == 0 || ps[0].Cmdline == "" {
		t.Errorf("Processes: %+v %v", ps, err)
	}
	n := 0
	for _, err := range c.Endpoints.AllProcesses(ctx, h.Endpoint(), &tehtris.ProcessQuery{Limit: 2}) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n < 3 {
		t.Errorf("AllProcesses: %d", n)
	}
}

func TestFakeInventoryPagingAndTags(t *testing.T) {
	t.Parallel()
	srv := tehtristest.NewServer(t)
	for i := range 250 {
		srv.AddHost(tehtristest.Host{Endpoint: tehtris.Endpoint{ApplianceID: int64(i % 3), AgentUUID: uuidN(i)},
			Hostname: "ws-" + strconv.Itoa(i), Domain: "corp.example", LocalIP: "10.9.0." + strconv.Itoa(i%250), Tags: "ABC_WIN", State: tehtristest.EndpointState{Online: true}})
	}
	c := fakeClient(t, srv)
	ctx := context.Background()
	n := 0
	for _, err := range c.Inventory.All(ctx, &tehtris.HostQuery{Domain: "corp"}) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 250 {
		t.Errorf("All: %d hosts", n)
	}
	// "ws-1" is a substring of 111 names; only one is exact.
	h, err := c.Inventory.FindByName(ctx, "WS-1")
	if err != nil || h.Hostname != "ws-1" {
		t.Fatalf("FindByName: %+v %v", h, err)
	}
	if err := c.Inventory.SetTags(ctx, "ABC_isolated", h.UUID); err != nil {
		t.Fatal(err)
	}
	if got := srv.Tags(h.Endpoint()); got != "ABC_isolated" {
		t.Errorf("tags %q", got)
	}
	tags, err := c.Inventory.Tags(ctx)
	if err != nil || !slices.Equal(tags, []string{"ABC_WIN", "ABC_isolated"}) {
		t.Errorf("Tags: %v %v", tags, err)
	}
	if _, err := c.Inventory.FindByName(ctx, "ws-9999"); !errors.Is(err, tehtris.ErrHostNotFound) {
		t.Errorf("unknown: %v", err)
	}
}

func uuidN(i int) string {
	const hex = "0123456789abcdef"
	b := []byte("00000000-0000-4000-8000-000000000000")
	for j, k := len(b)-1, i; k > 0; j-- {
		b[j] = hex[k%16]
		k /= 16
	}
	return string(b)
}

func TestFakeIsolateHost(t *testing.T) {
	t.Parallel()
	srv := tehtristest.NewServer(t)
	one := tehtris.Endpoint{ApplianceID: 1, AgentUUID: "64a2fa85-0852-4745-81d6-0815eb2d5248"}
	twinA := tehtris.Endpoint{ApplianceID: 1, AgentUUID: "a262506e-3c9e-4afe-9233-f2335167ea86"}
	twinB := tehtris.Endpoint{ApplianceID: 2, AgentUUID: "5c3ff0bc-5101-4152-a330-923e569c9229"}
	srv.AddHost(tehtristest.Host{Endpoint: one, Hostname: "WS-HR-07", State: tehtristest.EndpointState{Online: true}})
	srv.AddHost(tehtristest.Host{Endpoint: tehtris.Endpoint{ApplianceID: 1, AgentUUID: "0f0e0d0c-0b0a-4909-8807-060504030201"}, Hostname: "ws-hr-070", State: tehtristest.EndpointState{Online: true}})
	srv.AddHost(tehtristest.Host{Endpoint: twinA, Hostname: "db-1"})
	srv.AddHost(tehtristest.Host{Endpoint: twinB, Hostname: "DB-1", State: tehtristest.EndpointState{Online: true}})
	c := fakeClient(t, srv)
	ctx := context.Background()
	h, res, err := c.Endpoints.IsolateHost(ctx, "ws-hr-07", &tehtris.IsolationOptions{Power: tehtris.PowerHard})
	if err != nil || h.Endpoint() != one || res.Queued || res.StatusCode != 204 {
		t.Fatalf("IsolateHost: %+v %+v %v", h, res, err)
	}
	if iso, _ := srv.Isolated(one); !iso {
		t.Error("not isolated")
	}
	var amb *tehtris.AmbiguousHostError
	if _, _, err := c.Endpoints.IsolateHost(ctx, "db-1", nil); !errors.As(err, &amb) || len(amb.Hosts) != 2 {
		t.Errorf("ambiguous: %v", err)
	}
	for _, ep := range []tehtris.Endpoint{twinA, twinB} {
		if iso, queued := srv.Isolated(ep); iso || queued {
			t.Errorf("%v isolated after an ambiguous name", ep)
		}
	}
}

func TestFakeQuarantineAndScan(t *testing.T) {
	t.Parallel()
	srv := tehtristest.NewServer(t)
	on := tehtris.Endpoint{ApplianceID: 1, AgentUUID: "64a2fa85-0852-4745-81d6-0815eb2d5248"}
	off := tehtris.Endpoint{ApplianceID: 1, AgentUUID: "a262506e-3c9e-4afe-9233-f2335167ea86"}
	srv.AddHost(tehtristest.Host{Endpoint: on, Hostname: "on", State: tehtristest.EndpointState{Online: true}})
	srv.AddHost(tehtristest.Host{Endpoint: off, Hostname: "off"})
	c := fakeClient(t, srv)
	ctx := context.Background()

	if _, err := c.Endpoints.Quarantine(ctx, on, `C:\Users\doe\evil.exe`, &tehtris.QuarantineOptions{Notification: "removed"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Endpoints.Quarantine(ctx, on, `C:\Users\doe\evil.exe`, nil); !errors.Is(err, tehtris.ErrConflict) {
		t.Errorf("twice: %v", err)
	}
	ql, err := c.Endpoints.Quarantined(ctx, on)
	if err != nil || len(ql.Paths) != 1 {
		t.Fatalf("Quarantined: %+v %v", ql, err)
	}
	if _, err := c.Endpoints.Restore(ctx, on, `C:\Users\doe\evil.exe`, nil); !errors.Is(err, tehtris.ErrNotFound) {
		t.Errorf("restore by the original path: %v", err)
	}
	if _, err := c.Endpoints.Restore(ctx, on, ql.Paths[0], nil); err != nil {
		t.Fatal(err)
	}
	if got := srv.Quarantined(on); len(got) != 0 {
		t.Errorf("still quarantined: %v", got)
	}
	// Offline: 504 without persist, queued with it, applied on reconnect.
	if _, err := c.Endpoints.Quarantine(ctx, off, "/tmp/x", nil); !errors.Is(err, tehtris.ErrServer) {
		t.Errorf("offline: %v", err)
	}
	res, err := c.Endpoints.Quarantine(ctx, off, "/tmp/x", &tehtris.QuarantineOptions{Persist: true})
	if err != nil || !res.Queued {
		t.Fatalf("persist: %+v %v", res, err)
	}
	srv.SetOnline(off, true)
	if got := srv.Quarantined(off); !slices.Equal(got, []string{"/tmp/x"}) {
		t.Errorf("queued quarantine not applied: %v", got)
	}

	sr, err := c.Endpoints.ScanDisk(ctx, on, &tehtris.ScanOptions{ScanADS: true, StartFolders: []string{`C:\`}})
	if err != nil || sr.Queued || len(sr.Raw) == 0 || !srv.ScanRunning(on) {
		t.Fatalf("ScanDisk: %+v %v", sr, err)
	}
	if _, err := c.Endpoints.ScanDisk(ctx, on, nil); !errors.Is(err, tehtris.ErrConflict) {
		t.Errorf("second scan: %v", err)
	}
	if cur, err := c.Endpoints.CurrentScan(ctx, on); err != nil || len(cur) == 0 {
		t.Errorf("CurrentScan: %s %v", cur, err)
	}
	if err := c.Endpoints.StopScan(ctx, on); err != nil || srv.ScanRunning(on) {
		t.Errorf("StopScan: %v", err)
	}
	if st, err := c.Endpoints.ScanStatus(ctx, on, ""); err != nil || len(st) == 0 {
		t.Errorf("ScanStatus: %s %v", st, err)
	}
	if _, err := c.Endpoints.CurrentScan(ctx, on); !errors.Is(err, tehtris.ErrNotFound) {
		t.Errorf("no scan: %v", err)
	}
}

func TestFakeFilterWrites(t *testing.T) {
	t.Parallel()
	srv := tehtristest.NewServer(t)
	srv.SeedEvents(20)
	c := fakeClient(t, srv)
	ctx := context.Background()
	f, err := c.Filters.Create(ctx, tehtris.NewFilter{Name: "High", MinLevel: 8, MaxLevel: 9}, nil)
	if err != nil || f.ID == "" {
		t.Fatalf("Create: %+v %v", f, err)
	}
	p, err := c.Events.List(ctx, &tehtris.EventQuery{FilterID: f.ID})
	if err != nil || len(p.Items) != 4 {
		t.Fatalf("events of the new filter: %d %v", len(p.Items), err)
	}
	if err := c.Filters.Delete(ctx, f.ID); err != nil {
		t.Fatal(err)
	}
	if err := c.Filters.Delete(ctx, f.ID); !errors.Is(err, tehtris.ErrNotFound) {
		t.Errorf("deleted twice: %v", err)
	}
}

// The fault injection covers the new calls like the others.
func TestFakeInventoryFaults(t *testing.T) {
	t.Parallel()
	srv := tehtristest.NewServer(t)
	srv.SeedEvents(1)
	c := fakeClient(t, srv, tehtris.WithMaxRetryAfter(100*time.Millisecond))
	ctx := context.Background()
	srv.InjectFault(tehtristest.Fault{Kind: tehtristest.ServerError, PathPrefix: "/api/edr/v2/inventory", Times: 2})
	srv.InjectFault(tehtristest.Fault{Kind: tehtristest.CutBody, PathPrefix: "/api/edr/v2/inventory"})
	if _, err := c.Inventory.FindByName(ctx, "MR11111"); err != nil {
		t.Fatalf("retried faults: %v", err)
	}
	ep := tehtris.Endpoint{ApplianceID: 1, AgentUUID: "5c3ff0bc-5101-4152-a330-923e569c9229"}
	before := srv.Requests()
	srv.InjectFault(tehtristest.Fault{Kind: tehtristest.ServerError, PathPrefix: "/api/edr/v2/live/"})
	if _, err := c.Endpoints.Quarantine(ctx, ep, "/tmp/x", nil); !errors.Is(err, tehtris.ErrServer) || srv.Requests()-before != 1 {
		t.Errorf("quarantine after a 503: %v, %d requests", err, srv.Requests()-before)
	}
	if len(srv.Quarantined(ep)) != 0 {
		t.Error("a refused order changed the state")
	}
	srv.ClearFaults()
}
