package sentinelone

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestThreatsListEveryFilter(t *testing.T) {
	t.Parallel()
	yes, no := true, false
	t0 := time.Date(2025, 3, 21, 14, 15, 14, 698660000, time.UTC)
	opts := &ThreatListOptions{
		IDs: []string{"4444444444444444444"}, AgentIDs: []string{"2222222222222222222"},
		AccountIDs: []string{"1"}, SiteIDs: []string{"2"}, GroupIDs: []string{"3"},
		ContentHashes: []string{"eeee"}, Storylines: []string{"ST"}, CollectionIDs: []string{"55"},
		Engines: []string{"SentinelOne Cloud"}, Classifications: []string{"Malware", "PUA"},
		ClassificationSources: []string{"Static"}, AgentVersions: []string{"24.1.5.277"},
		AgentMachineTypes: []string{"laptop"}, OSTypes: []string{"windows"}, OSArchs: []string{"64 bit"},
		OSNames: []string{"Windows 10"}, InitiatedBy: []string{"agent_policy"}, ConfidenceLevels: []string{"malicious"},
		MitigationStatuses: []string{"not_mitigated"}, AnalystVerdicts: []AnalystVerdict{VerdictUndefined, VerdictTruePositive},
		IncidentStatuses: []IncidentStatus{IncidentUnresolved}, ExternalTicketIDs: []string{"T-1"},
		Components: []string{"c"}, DisplayName: "document.txt", Query: "doc",
		AgentIsActive: &yes, NoteExists: &no, FailedActions: &no, RebootRequired: &no, PendingActions: &yes,
		ExternalTicketExists: &no, MitigatedPreemptively: &no,
		ContentHashContains: []string{"ee"}, ThreatDetailsContains: []string{"doc"}, FilePathContains: []string{"Downloads"},
		ComputerNameContains: []string{"host14"}, UUIDContains: []string{"abcd"}, DetectionAgentVersionContains: []string{"24.1"},
		CreatedAfter: t0, CreatedSince: t0, CreatedBefore: t0, CreatedUntil: t0,
		UpdatedAfter: t0, UpdatedSince: t0, UpdatedBefore: t0, UpdatedUntil: t0,
		Paging: Paging{Limit: 50, SortBy: "updatedAt", SortOrder: SortDesc},
	}
	ts := "2025-03-21T14:15:14.698660Z"
	w := newWire(t)
	w.on("GET", "/threats", vals(
		"ids", "4444444444444444444", "agentIds", "2222222222222222222", "accountIds", "1", "siteIds", "2", "groupIds", "3",
		"contentHashes", "eeee", "storylines", "ST", "collectionIds", "55", "engines", "SentinelOne Cloud",
		"classifications", "Malware,PUA", "classificationSources", "Static", "agentVersions", "24.1.5.277",
		"agentMachineTypes", "laptop", "osTypes", "windows", "osArchs", "64 bit", "osNames", "Windows 10",
		"initiatedBy", "agent_policy", "confidenceLevels", "malicious", "mitigationStatuses", "not_mitigated",
		"analystVerdicts", "undefined,true_positive", "incidentStatuses", "unresolved", "externalTicketIds", "T-1",
		"components", "c", "displayName", "document.txt", "query", "doc",
		"agentIsActive", "true", "noteExists", "false", "failedActions", "false", "rebootRequired", "false",
		"pendingActions", "true", "externalTicketExists", "false", "mitigatedPreemptively", "false",
		"contentHash__contains", "ee", "threatDetails__contains", "doc", "filePath__contains", "Downloads",
		"computerName__contains", "host14", "uuid__contains", "abcd", "detectionAgentVersion__contains", "24.1",
		"createdAt__gt", ts, "createdAt__gte", ts, "createdAt__lt", ts, "createdAt__lte", ts,
		"updatedAt__gt", ts, "updatedAt__gte", ts, "updatedAt__lt", ts, "updatedAt__lte", ts,
		"limit", "50", "sortBy", "updatedAt", "sortOrder", "desc",
	), "", 200, `{"data":[`+string(readSample(t, "threat_v21_with_ecsinfo_2025.json"))+`],"pagination":{"nextCursor":null,"totalItems":1}}`)
	p, err := newTestClient(t, w).Threats.List(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Items) != 1 || p.Items[0].ID != "4444444444444444444" || p.Total != 1 || p.NextCursor != "" {
		t.Errorf("page = %+v", p)
	}
}

func TestThreatsAllAndCount(t *testing.T) {
	t.Parallel()
	th := func(id string) string {
		return `{"id":"` + id + `","threatInfo":{"threatId":"` + id + `","createdAt":"2024-01-01T00:00:00.000001Z","updatedAt":"2024-01-01T00:00:00.000001Z"}}`
	}
	w := newWire(t)
	w.on("GET", "/threats", vals("limit", "1", "incidentStatuses", "resolved"), "", 200, `{"data":[`+th("1")+`],"pagination":{"nextCursor":"n1","totalItems":2}}`)
	w.on("GET", "/threats", vals("limit", "1", "incidentStatuses", "resolved", "cursor", "n1"), "", 200, `{"data":[`+th("2")+`],"pagination":{"nextCursor":null,"totalItems":2}}`)
	w.on("GET", "/threats", vals("incidentStatuses", "resolved", "countOnly", "true"), "", 200, `{"data":[],"pagination":{"nextCursor":null,"totalItems":2}}`)
	c := newTestClient(t, w)
	opts := &ThreatListOptions{IncidentStatuses: []IncidentStatus{IncidentResolved}, Paging: Paging{Limit: 1}}
	var ids []string
	for th, err := range c.Threats.All(context.Background(), opts) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, th.ID)
		if th.CreatedAt().IsZero() {
			t.Error("CreatedAt not read from threatInfo")
		}
	}
	if strings.Join(ids, ",") != "1,2" {
		t.Errorf("ids = %v", ids)
	}
	n, err := c.Threats.Count(context.Background(), opts)
	if err != nil || n != 2 {
		t.Errorf("Count = %d, %v", n, err)
	}
}

// TestThreatTopLevelCreatedAtIgnored: a threat carrying a top-level
// createdAt (as some fixtures fake) still reports threatInfo.createdAt.
func TestThreatTopLevelCreatedAtIgnored(t *testing.T) {
	t.Parallel()
	var th Threat
	err := th.UnmarshalJSON([]byte(`{"id":"1","createdAt":"2030-01-01T00:00:00Z","threatInfo":{"createdAt":"2021-03-16T14:00:16.879105Z"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := FormatTime(th.CreatedAt()); got != "2021-03-16T14:00:16.879105Z" {
		t.Errorf("CreatedAt = %s", got)
	}
}
