package sentinelone

import (
	"net/url"
	"testing"
	"time"
)

// handwrittenAgentValues is the agent list's query as it was built before
// the wire layer, kept to compare.
func handwrittenAgentValues(op string, o *AgentListOptions) (url.Values, error) {
	q := newQuery(op)
	q.list("ids", o.IDs)
	q.list("uuids", o.UUIDs)
	q.str("computerName", o.ComputerName)
	q.list("computerName__contains", o.ComputerNameContains)
	q.list("networkStatuses", strs(o.NetworkStatuses))
	q.list("accountIds", o.AccountIDs)
	q.list("siteIds", o.SiteIDs)
	q.list("groupIds", o.GroupIDs)
	q.list("osTypes", o.OSTypes)
	q.boolPtr("isActive", o.IsActive)
	q.boolPtr("infected", o.Infected)
	q.boolPtr("isDecommissioned", o.IsDecommissioned)
	q.str("query", o.Query)
	q.time("createdAt__gt", o.CreatedAfter)
	q.time("createdAt__lt", o.CreatedBefore)
	q.time("updatedAt__gt", o.UpdatedAfter)
	q.paging(o.Paging)
	return q.done()
}

func benchAgentOptions() *AgentListOptions {
	active := true
	return &AgentListOptions{
		SiteIDs:              []string{"225494730938493804", "225494730938493805"},
		ComputerNameContains: []string{"srv-", "dc-"},
		OSTypes:              []string{"windows"},
		IsActive:             &active,
		CreatedAfter:         time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		Paging:               Paging{Limit: 500, SortBy: "createdAt", SortOrder: SortDesc},
	}
}

func TestHandwrittenAgentValuesSame(t *testing.T) {
	o := benchAgentOptions()
	old, err := handwrittenAgentValues("Agents.List", o)
	if err != nil {
		t.Fatal(err)
	}
	w, err := o.agentsQuery("Agents.List")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := w.Query.Encode(), old.Encode(); got != want {
		t.Errorf("generated query\n%s\nhand-written\n%s", got, want)
	}
}

// BenchmarkWireAgentsList compares building the query of a filtered agent
// list by hand and with the generated wire layer.
func BenchmarkWireAgentsList(b *testing.B) {
	o := benchAgentOptions()
	b.Run("handwritten", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			q, err := handwrittenAgentValues("Agents.List", o)
			if err != nil {
				b.Fatal(err)
			}
			_ = q.Encode()
		}
	})
	b.Run("generated", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			w, err := o.agentsQuery("Agents.List")
			if err != nil {
				b.Fatal(err)
			}
			_ = w.Query.Encode()
		}
	})
}
