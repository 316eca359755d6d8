package tehtris

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestQuarantineWire(t *testing.T) {
	t.Parallel()
	c, mt := vmock(t)
	var rec recorder
	path := base + "/edr/v2/live/3/" + agent + "/remediation/quarantine"
	status := 204
	for _, m := range []string{http.MethodPost, http.MethodPatch} {
		serve(t, mt, &rec, m, path, func(*http.Request) (int, string) { return status, "" })
	}
	serve(t, mt, &rec, http.MethodGet, path, func(*http.Request) (int, string) {
		return 200, `{"quarantinePaths":["quarantine/1/evil.exe"],"count":1}`
	})
	ctx := context.Background()
	ep := Endpoint{ApplianceID: 3, AgentUUID: strings.ToUpper(agent)}
	res, err := c.Endpoints.Quarantine(ctx, ep, `C:\Users\doe\evil.exe`, &QuarantineOptions{Persist: true, Notification: "Removed by the SOC"})
	if err != nil || res != (ActionResult{StatusCode: 204}) {
		t.Fatalf("Quarantine: %+v %v", res, err)
	}
	ql, err := c.Endpoints.Quarantined(ctx, ep)
	if err != nil || len(ql.Paths) != 1 || ql.Paths[0] != "quarantine/1/evil.exe" || !strings.Contains(string(ql.Raw), `"count":1`) {
		t.Fatalf("Quarantined: %+v %v", ql, err)
	}
	status = 202
	res, err = c.Endpoints.Restore(ctx, ep, ql.Paths[0], &QuarantineOptions{Persist: true})
	if err != nil || res != (ActionResult{Queued: true, StatusCode: 202}) {
		t.Fatalf("Restore: %+v %v", res, err)
	}
	if _, err := c.Endpoints.Restore(ctx, ep, ql.Paths[0], nil); err != nil {
		t.Fatal(err)
	}
	p := "/api/edr/v2/live/3/" + agent + "/remediation/quarantine"
	rec.check(t,
		recorded{Method: "POST", Path: p, Query: q("path", `C:\Users\doe\evil.exe`, "persist", "true", "notification", "Removed by the SOC")},
		recorded{Method: "GET", Path: p},
		recorded{Method: "PATCH", Path: p, Query: q("path", "quarantine/1/evil.exe", "persist", "true")},
		recorded{Method: "PATCH", Path: p, Query: q("path", "quarantine/1/evil.exe")},
	)
	status = 409
	if _, err := c.Endpoints.Quarantine(ctx, ep, "/tmp/x", nil); !errors.Is(err, ErrConflict) {
		t.Errorf("409: %v", err)
	}
	for _, tc := range []struct {
		call func() error
		want string
	}{
		{func() error { _, err := c.Endpoints.Quarantine(ctx, ep, " ", nil); return err }, "Endpoints.Quarantine: path is empty"},
		{func() error { _, err := c.Endpoints.Quarantine(ctx, ep, "a\x00b", nil); return err }, "control character"},
		{func() error { _, err := c.Endpoints.Quarantine(ctx, ep, strings.Repeat("a", 5000), nil); return err }, "longer than 4096"},
		{func() error {
			_, err := c.Endpoints.Restore(ctx, ep, "q/1", &QuarantineOptions{Notification: "x"})
			return err
		}, "Notification is only used when quarantining"},
		{func() error {
			_, err := c.Endpoints.Quarantined(ctx, Endpoint{ApplianceID: 1, AgentUUID: ".."})
			return err
		}, "is not a UUID"},
	} {
		if err := tc.call(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v, want %q", err, tc.want)
		}
	}
}

// Writes that are not idempotent are sent once on a 5xx unless the caller
// says they are safe to repeat; 429 is retried always.
func TestActionsNotRetriedAfterSend(t *testing.T) {
	t.Parallel()
	c, mt := vmock(t, WithRetryWait(time.Millisecond, time.Millisecond))
	n := 0
	status := 503
	for _, m := range []string{http.MethodPost, http.MethodPatch} {
		mt.RegisterResponder(m, base+"/edr/v2/live/3/"+agent+"/remediation/quarantine", func(*http.Request) (*http.Response, error) {
			n++
			return jsonResp(status, ""), nil
		})
		mt.RegisterResponder(m, base+"/edr/v2/live/3/"+agent+"/scan-disk", func(*http.Request) (*http.Response, error) {
			n++
			return jsonResp(status, ""), nil
		})
	}
	mt.RegisterResponder(http.MethodPost, base+"/xdr/v2/filter/filter", func(*http.Request) (*http.Response, error) {
		n++
		return jsonResp(status, ""), nil
	})
	mt.RegisterResponder(http.MethodPost, base+"/edr/v2/live/3/"+agent+"/isolation", func(*http.Request) (*http.Response, error) {
		n++
		return jsonResp(status, ""), nil
	})
	ctx := context.Background()
	ep := Endpoint{ApplianceID: 3, AgentUUID: agent}
	calls := []struct {
		name string
		call func(safe bool) error
	}{
		{"Quarantine", func(safe bool) error {
			_, err := c.Endpoints.Quarantine(ctx, ep, "/x", &QuarantineOptions{RetrySafe: safe})
			return err
		}},
		{"Restore", func(safe bool) error {
			_, err := c.Endpoints.Restore(ctx, ep, "q/1", &QuarantineOptions{RetrySafe: safe})
			return err
		}},
		{"ScanDisk", func(safe bool) error {
			_, err := c.Endpoints.ScanDisk(ctx, ep, &ScanOptions{RetrySafe: safe})
			return err
		}},
		{"Isolate", func(safe bool) error {
			_, err := c.Endpoints.Isolate(ctx, ep, &IsolationOptions{Persist: true, RetrySafe: safe})
			return err
		}},
		{"Release", func(safe bool) error {
			_, err := c.Endpoints.Release(ctx, ep, &IsolationOptions{RetrySafe: safe})
			return err
		}},
		{"Filters.Create", func(safe bool) error {
			_, err := c.Filters.Create(ctx, NewFilter{Name: "x", MaxLevel: 9}, &ActionOptions{RetrySafe: safe})
			return err
		}},
	}
	for _, tc := range calls {
		status, n = 503, 0
		if err := tc.call(false); !errors.Is(err, ErrServer) || n != 1 {
			t.Errorf("%s: sent %d times, %v", tc.name, n, err)
		}
		n = 0
		if err := tc.call(true); !errors.Is(err, ErrServer) || n != 5 {
			t.Errorf("%s RetrySafe: sent %d times, %v", tc.name, n, err)
		}
		status, n = 429, 0
		if err := tc.call(false); !errors.Is(err, ErrRateLimited) || n != 5 {
			t.Errorf("%s 429: sent %d times, %v", tc.name, n, err)
		}
	}
}

func TestScanWire(t *testing.T) {
	t.Parallel()
	c, mt := vmock(t)
	var rec recorder
	p := "/api/edr/v2/live/3/" + agent + "/scan-disk"
	serve(t, mt, &rec, http.MethodPost, base+strings.TrimPrefix(p, "/api"), func(*http.Request) (int, string) { return 201, `{"scanId":"scan-1","status":"running"}` })
	serve(t, mt, &rec, http.MethodGet, base+strings.TrimPrefix(p, "/api"), func(*http.Request) (int, string) { return 200, `{"scanId":"scan-1","status":"done"}` })
	serve(t, mt, &rec, http.MethodGet, base+strings.TrimPrefix(p, "/api")+"/current", func(*http.Request) (int, string) { return 200, `{"scanId":"scan-1","status":"running"}` })
	serve(t, mt, &rec, http.MethodDelete, base+strings.TrimPrefix(p, "/api")+"/current", func(*http.Request) (int, string) { return 204, "" })
	ctx := context.Background()
	ep := Endpoint{ApplianceID: 3, AgentUUID: agent}
	res, err := c.Endpoints.ScanDisk(ctx, ep, &ScanOptions{ScanADS: true, StartFolders: []string{`C:\Users`}, ExcludePaths: []string{`C:\Windows`}, Persist: true})
	if err != nil || res.StatusCode != 201 || res.Queued || string(res.Raw) != `{"scanId":"scan-1","status":"running"}` {
		t.Fatalf("ScanDisk: %+v %v", res, err)
	}
	if _, err := c.Endpoints.ScanDisk(ctx, ep, nil); err != nil {
		t.Fatal(err)
	}
	st, err := c.Endpoints.ScanStatus(ctx, ep, "scan-1")
	if err != nil || string(st) != `{"scanId":"scan-1","status":"done"}` {
		t.Fatalf("ScanStatus: %s %v", st, err)
	}
	if _, err := c.Endpoints.ScanStatus(ctx, ep, ""); err != nil {
		t.Fatal(err)
	}
	if cur, err := c.Endpoints.CurrentScan(ctx, ep); err != nil || !strings.Contains(string(cur), "running") {
		t.Fatalf("CurrentScan: %s %v", cur, err)
	}
	if err := c.Endpoints.StopScan(ctx, ep); err != nil {
		t.Fatal(err)
	}
	rec.check(t,
		recorded{Method: "POST", Path: p, Query: q("persist", "true"),
			Body: map[string]any{"scanADS": true, "startFolders": []any{`C:\Users`}, "scanWhitelistPaths": []any{`C:\Windows`}}},
		recorded{Method: "POST", Path: p, Body: map[string]any{}},
		recorded{Method: "GET", Path: p, Query: q("scanId", "scan-1")},
		recorded{Method: "GET", Path: p},
		recorded{Method: "GET", Path: p + "/current"},
		recorded{Method: "DELETE", Path: p + "/current"},
	)
	if _, err := c.Endpoints.ScanStatus(ctx, ep, "../x"); err == nil || !strings.Contains(err.Error(), `Endpoints.ScanStatus: scanID "../x"`) {
		t.Errorf("bad scan id: %v", err)
	}
	if _, err := c.Endpoints.ScanDisk(ctx, ep, &ScanOptions{StartFolders: []string{""}}); err == nil || !strings.Contains(err.Error(), "StartFolders[0]") {
		t.Errorf("empty folder: %v", err)
	}
}

func TestProcessesWire(t *testing.T) {
	t.Parallel()
	c, mt := vmock(t)
	var rec recorder
	pages := map[string]string{
		"":  `{"data":[{"pid":10,"ppid":1,"cmdline":"cmd.exe /c x","username":"EX\\doe","created":"2025-09-26T14:40:22.924Z","path":"C:\\cmd.exe"},{"pid":11,"ppid":10}]}`,
		"2": `{"data":[{"pid":12,"ppid":10}]}`,
	}
	serve(t, mt, &rec, http.MethodGet, base+"/edr/v2/data/3/"+agent+"/processes", func(req *http.Request) (int, string) { return 200, pages[req.URL.Query().Get("offset")] })
	ctx := context.Background()
	ep := Endpoint{ApplianceID: 3, AgentUUID: agent}
	from := time.Date(2025, 9, 26, 14, 0, 0, 0, time.UTC)
	sha := strings.Repeat("ab", 32)
	ps, err := items(c.Endpoints.ListProcesses(ctx, ep, &ProcessQuery{From: from, To: from.Add(time.Hour), TimeFilter: ProcessCreated,
		PIDs: []int64{10, 11}, PPIDs: []int64{1}, Username: "doe", DomainName: "EX", UserIdentifier: "S-1-5", Path: "cmd", Cmdline: "/c",
		SHA256: sha, Limit: 2}))
	if err != nil || len(ps) != 2 || ps[0].PID != 10 || ps[0].PPID != 1 || ps[0].Cmdline != "cmd.exe /c x" || ps[0].Username != `EX\doe` ||
		!ps[0].Created.Equal(time.Date(2025, 9, 26, 14, 40, 22, 924e6, time.UTC)) || !strings.Contains(string(ps[0].Raw), `"path"`) {
		t.Fatalf("Processes: %+v %v", ps, err)
	}
	var pids []int64
	for p, err := range c.Endpoints.AllProcesses(ctx, ep, &ProcessQuery{Limit: 2}) {
		if err != nil {
			t.Fatal(err)
		}
		pids = append(pids, p.PID)
	}
	if len(pids) != 3 || pids[2] != 12 {
		t.Errorf("AllProcesses: %v", pids)
	}
	pp := "/api/edr/v2/data/3/" + agent + "/processes"
	rec.check(t,
		recorded{Method: "GET", Path: pp, Query: q("limit", "2", "timeFrom", "2025-09-26T14:00:00.000Z", "timeTo", "2025-09-26T15:00:00.000Z",
			"timeFilter", "created", "pids", "10", "pids", "11", "ppids", "1", "username", "doe", "domainName", "EX", "userIdentifier", "S-1-5",
			"path", "cmd", "cmdline", "/c", "sha256", sha)},
		recorded{Method: "GET", Path: pp, Query: q("limit", "2")},
		recorded{Method: "GET", Path: pp, Query: q("limit", "2", "offset", "2")},
	)
	for _, tc := range []struct {
		q    ProcessQuery
		want string
	}{
		{ProcessQuery{Limit: 1001}, "Limit 1001"},
		{ProcessQuery{Offset: -1}, "Offset -1"},
		{ProcessQuery{TimeFilter: "later"}, `TimeFilter "later"`},
		{ProcessQuery{SHA256: "zz"}, "SHA256"},
		{ProcessQuery{PIDs: []int64{-1}}, "PIDs[0]"},
		{ProcessQuery{From: from, To: from.Add(-time.Second)}, "To is before From"},
	} {
		if _, err := c.Endpoints.ListProcesses(ctx, ep, &tc.q); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Processes(%+v): %v, want %q", tc.q, err, tc.want)
		}
	}
}

func TestFiltersCreateDeleteWire(t *testing.T) {
	t.Parallel()
	c, mt := vmock(t)
	var rec recorder
	reply := `{"id":"f-12","name":"SOC 5+","description":"d","module":"Endpoint"}`
	serve(t, mt, &rec, http.MethodPost, base+"/xdr/v2/filter/filter", func(*http.Request) (int, string) {
		if reply == "" {
			return 204, ""
		}
		return 201, reply
	})
	serve(t, mt, &rec, http.MethodDelete, base+"/xdr/v2/filter/filter/f-12", func(*http.Request) (int, string) { return 204, "" })
	ctx := context.Background()
	f, err := c.Filters.Create(ctx, NewFilter{Name: "SOC 5+", Description: "d", MinLevel: 5, MaxLevel: 9}, nil)
	if err != nil || f.ID != "f-12" || f.Name != "SOC 5+" {
		t.Fatalf("Create: %+v %v", f, err)
	}
	reply = ""
	f, err = c.Filters.Create(ctx, NewFilter{Name: "Low", Module: "Endpoint", MaxLevel: 2}, nil)
	if err != nil || f.ID != "" || f.Name != "Low" {
		t.Fatalf("Create, empty reply: %+v %v", f, err)
	}
	if err := c.Filters.Delete(ctx, "f-12"); err != nil {
		t.Fatal(err)
	}
	fq := func(lvl string) map[string]any {
		return map[string]any{"module": "Endpoint_Active", "offset": float64(0), "limit": float64(25), "timeOrder": "DESC",
			"columns": map[string]any{"lvl": map[string]any{"searchValue": lvl}}}
	}
	rec.check(t,
		recorded{Method: "POST", Path: "/api/xdr/v2/filter/filter", Body: map[string]any{"name": "SOC 5+", "description": "d", "module": "Endpoint", "filterQuery": fq("5~9")}},
		recorded{Method: "POST", Path: "/api/xdr/v2/filter/filter", Body: map[string]any{"name": "Low", "description": "", "module": "Endpoint", "filterQuery": fq("0~2")}},
		recorded{Method: "DELETE", Path: "/api/xdr/v2/filter/filter/f-12"},
	)
	for _, tc := range []struct {
		call func() error
		want string
	}{
		{func() error { _, err := c.Filters.Create(ctx, NewFilter{}, nil); return err }, "Name is empty"},
		{func() error {
			_, err := c.Filters.Create(ctx, NewFilter{Name: "x", MinLevel: 6, MaxLevel: 5}, nil)
			return err
		}, "levels 6..5"},
		{func() error { _, err := c.Filters.Create(ctx, NewFilter{Name: "x", MaxLevel: 10}, nil); return err }, "levels 0..10"},
		{func() error { return c.Filters.Delete(ctx, "..") }, `filter id ".."`},
		{func() error { return c.Filters.Delete(ctx, "a/b") }, "letters, digits"},
		{func() error { return c.Filters.Delete(ctx, "") }, "filter id is empty"},
	} {
		if err := tc.call(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v, want %q", err, tc.want)
		}
	}
}
