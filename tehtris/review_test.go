package tehtris

import (
	"context"
	"net/http"
	"strings"
	"testing"
)

// TestAllCopiesQueryLists checks the iterator contract "q is copied": a
// caller that reuses its query's slices after All was called does not
// change the requests of that iterator.
func TestAllCopiesQueryLists(t *testing.T) {
	t.Parallel()
	c, mt := vmock(t)
	var rec recorder
	serve(t, mt, &rec, http.MethodGet, base+"/edr/v2/inventory", func(*http.Request) (int, string) { return 200, `{"data":[]}` })
	serve(t, mt, &rec, http.MethodGet, base+"/edr/v2/data/3/"+agent+"/processes", func(*http.Request) (int, string) { return 200, `[]` })
	ctx := context.Background()
	hq := &HostQuery{Tags: []string{"ABC_win"}, UUIDs: []string{agent}, ApplianceIDs: []int64{3}}
	hosts := c.Inventory.All(ctx, hq)
	hq.Tags[0], hq.UUIDs[0], hq.ApplianceIDs[0] = "ABC_other", agent2, 4
	pq := &ProcessQuery{PIDs: []int64{10}, PPIDs: []int64{1}}
	procs := c.Endpoints.AllProcesses(ctx, Endpoint{ApplianceID: 3, AgentUUID: agent}, pq)
	pq.PIDs[0], pq.PPIDs[0] = 99, 98
	for _, err := range hosts {
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, err := range procs {
		if err != nil {
			t.Fatal(err)
		}
	}
	rec.check(t,
		recorded{Method: "GET", Path: "/api/edr/v2/inventory", Query: q("uuids", agent, "applianceIds", "3", "tags", "ABC_win")},
		recorded{Method: "GET", Path: "/api/edr/v2/data/3/" + agent + "/processes", Query: q("limit", "100", "pids", "10", "ppids", "1")},
	)
}

// TestEndpointErrorQuotesLittle: a bad agent UUID is quoted in at most
// ~100 bytes, whatever its size.
func TestEndpointErrorQuotesLittle(t *testing.T) {
	t.Parallel()
	c, _ := vmock(t)
	huge := strings.Repeat("x", 10000)
	_, err := c.Endpoints.Quarantine(context.Background(), Endpoint{ApplianceID: 1, AgentUUID: huge}, `C:\x`, nil)
	if err == nil || len(err.Error()) > 250 || !strings.Contains(err.Error(), "Endpoints.Quarantine") {
		t.Errorf("error of %d bytes: %.300v", len(err.Error()), err)
	}
}
