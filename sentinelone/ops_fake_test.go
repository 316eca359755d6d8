package sentinelone_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"hash"
	"runtime"
	"testing"
	"time"

	"github.com/socgo/xdr/sentinelone"
	"github.com/socgo/xdr/sentinelone/sentinelonetest"
)

const hashA = "3395856ce81f2b7382dee72602f798b642f14140"

func TestFakeBlocklistIOCsExclusions(t *testing.T) {
	t.Parallel()
	srv := sentinelonetest.NewServer(t)
	c := newFakeClient(t, srv)
	ctx := context.Background()

	added, err := c.Blocklist.Add(ctx, sentinelone.SiteScope("5"), sentinelone.BlocklistAdd{Value: hashA, OSType: sentinelone.OSWindows, Description: "dropper", Source: "soc"}, nil)
	if err != nil || len(added) != 1 || added[0].Value != hashA {
		t.Fatalf("Add = %+v, %v", added, err)
	}
	if _, err := c.Blocklist.Add(ctx, sentinelone.TenantScope(), sentinelone.BlocklistAdd{Value: hashA, OSType: sentinelone.OSLinux}, nil); err != nil {
		t.Fatal(err)
	}
	p, err := c.Blocklist.List(ctx, &sentinelone.BlocklistListOptions{Scope: &sentinelone.Scope{Level: sentinelone.ScopeSite, IDs: []string{"5"}}})
	if err != nil || len(p.Items) != 1 || p.Items[0].ID != added[0].ID || p.Items[0].OSType != sentinelone.OSWindows {
		t.Fatalf("List site 5 = %+v, %v", p, err)
	}
	n := 0
	for e, err := range c.Blocklist.All(ctx, &sentinelone.BlocklistListOptions{ValueContains: []string{"33958"}, Paging: sentinelone.Paging{Limit: 1}}) {
		if err != nil || e.Value != hashA {
			t.Fatalf("All: %+v, %v", e, err)
		}
		n++
	}
	if n != 2 {
		t.Errorf("All yielded %d, want 2", n)
	}
	if got, err := c.Blocklist.Delete(ctx, []string{added[0].ID}); err != nil || got != 1 || len(srv.Blocklist()) != 1 {
		t.Errorf("Delete = %d, %v; left %+v", got, err, srv.Blocklist())
	}

	iocs, err := c.IOCs.Create(ctx, sentinelone.AccountScope("216"), []sentinelone.NewIOC{
		{Type: sentinelone.IOCDNS, Value: "c2.example", Source: "soc", ValidUntil: time.Now().Add(24 * time.Hour)},
		{Type: sentinelone.IOCSHA1, Value: hashA, Source: "soc", ExternalID: "case-7"},
	}, nil)
	if err != nil || len(iocs) != 2 || iocs[0].UUID == "" {
		t.Fatalf("IOCs.Create = %+v, %v", iocs, err)
	}
	ip, err := c.IOCs.List(ctx, &sentinelone.IOCListOptions{Types: []sentinelone.IOCType{sentinelone.IOCSHA1}, ExternalID: "case-7"})
	if err != nil || len(ip.Items) != 1 || ip.Items[0].UUID != iocs[1].UUID {
		t.Fatalf("IOCs.List = %+v, %v", ip, err)
	}
	if got, err := c.IOCs.Delete(ctx, sentinelone.AccountScope("216"), []string{iocs[0].UUID}); err != nil || got != 1 || len(srv.IOCs()) != 1 {
		t.Errorf("IOCs.Delete = %d, %v", got, err)
	}

	ex, err := c.Exclusions.Create(ctx, sentinelone.GroupScope("g1"), sentinelone.NewExclusion{Type: sentinelone.ExclusionPath, Value: `C:\Tools\`, OSType: sentinelone.OSWindows,
		Mode: sentinelone.ModeSuppress, PathExclusionType: sentinelone.PathSubfolders}, nil)
	if err != nil || len(ex) != 1 || ex[0].Mode != sentinelone.ModeSuppress {
		t.Fatalf("Exclusions.Create = %+v, %v", ex, err)
	}
	ep, err := c.Exclusions.List(ctx, &sentinelone.ExclusionListOptions{Type: sentinelone.ExclusionPath, IncludeParents: true, IncludeChildren: true})
	if err != nil || len(ep.Items) != 1 {
		t.Fatalf("Exclusions.List = %+v, %v", ep, err)
	}
	if got, err := c.Exclusions.Delete(ctx, sentinelone.ExclusionHash, []string{ex[0].ID}); err != nil || got != 0 {
		t.Errorf("Delete with the wrong type = %d, %v", got, err)
	}
	if got, err := c.Exclusions.Delete(ctx, sentinelone.ExclusionPath, []string{ex[0].ID}); err != nil || got != 1 || len(srv.Exclusions()) != 0 {
		t.Errorf("Exclusions.Delete = %d, %v", got, err)
	}
}

func TestFakeSitesGroupsAccounts(t *testing.T) {
	t.Parallel()
	srv := sentinelonetest.NewServer(t)
	acc := srv.AddAccount("Acme")
	site := srv.AddSite(acc, "Lab")
	srv.AddSite(acc, "Prod")
	grp := srv.AddGroup(site, "Quarantine")
	agent := srv.AddAgent(sentinelonetest.Agent{ComputerName: "host01", SiteID: site})
	c := newFakeClient(t, srv)
	ctx := context.Background()

	sp, err := c.Sites.List(ctx, &sentinelone.SiteListOptions{AccountIDs: []string{acc}, Paging: sentinelone.Paging{Limit: 1}})
	if err != nil || len(sp.Items) != 1 || sp.Total != 2 || sp.NextCursor == "" {
		t.Fatalf("Sites.List = %+v, %v", sp, err)
	}
	var names []string
	for s, err := range c.Sites.All(ctx, &sentinelone.SiteListOptions{Paging: sentinelone.Paging{Limit: 1}}) {
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, s.Name)
	}
	if len(names) != 2 {
		t.Errorf("Sites.All = %v", names)
	}
	if s, err := c.Sites.Get(ctx, site); err != nil || s.Name != "Lab" || s.AccountID != acc {
		t.Errorf("Sites.Get = %+v, %v", s, err)
	}
	if _, err := c.Sites.Get(ctx, "1"); !errors.Is(err, sentinelone.ErrNotFound) {
		t.Errorf("Sites.Get unknown = %v", err)
	}
	if g, err := c.Groups.Get(ctx, grp); err != nil || g.SiteID != site || g.Type != sentinelone.GroupStatic {
		t.Errorf("Groups.Get = %+v, %v", g, err)
	}
	if gp, err := c.Groups.List(ctx, &sentinelone.GroupListOptions{SiteIDs: []string{site}}); err != nil || len(gp.Items) != 1 {
		t.Errorf("Groups.List = %+v, %v", gp, err)
	}
	if a, err := c.Accounts.Get(ctx, acc); err != nil || a.Name != "Acme" {
		t.Errorf("Accounts.Get = %+v, %v", a, err)
	}
	if ap, err := c.Accounts.List(ctx, nil); err != nil || len(ap.Items) != 1 {
		t.Errorf("Accounts.List = %+v, %v", ap, err)
	}
	if n, err := c.Groups.MoveAgents(ctx, grp, []string{agent}); err != nil || n != 1 {
		t.Fatalf("MoveAgents = %d, %v", n, err)
	}
	if st, _ := srv.AgentState(agent); st.GroupID != grp {
		t.Errorf("agent group = %q, want %q", st.GroupID, grp)
	}
	if _, err := c.Groups.MoveAgents(ctx, grp, []string{"404"}); !errors.Is(err, sentinelone.ErrNoneAffected) {
		t.Errorf("MoveAgents unknown = %v", err)
	}
}

// TestFakeThreatFileFetch fetches a threat file whose upload the fake
// announces after a delay, waits for the activity and downloads the
// archive as the console sent it.
func TestFakeThreatFileFetch(t *testing.T) {
	t.Parallel()
	srv := sentinelonetest.NewServer(t)
	agent := srv.AddAgent(sentinelonetest.Agent{ComputerName: "host07"})
	threat := srv.AddThreat("dropper.exe", time.Now().Add(-time.Hour), agent)
	srv.SetFetchDelay(30 * time.Millisecond)
	c := newFakeClient(t, srv)
	ctx := context.Background()

	since := time.Now().Add(-time.Second)
	res, err := c.Files.FetchThreatFile(ctx, sentinelone.ThreatFilter{IDs: []string{threat}}, "Infected-2024!", nil)
	if err != nil || res.Affected != 1 {
		t.Fatalf("FetchThreatFile = %+v, %v", res, err)
	}
	up, err := c.Files.WaitForUpload(ctx, sentinelone.WaitUploadOptions{ThreatID: threat, Since: since, PollInterval: 10 * time.Millisecond, Timeout: time.Minute})
	if err != nil || up.AgentID != agent || up.ThreatID != threat || up.FileName != "dropper.exe" {
		t.Fatalf("WaitForUpload = %+v, %v", up, err)
	}
	h := sha256.New()
	n, err := c.Files.DownloadUpload(ctx, up, h)
	want, _ := srv.UploadSHA256(up.ActivityID)
	if err != nil || n != sentinelonetest.DefaultUploadSize || hex.EncodeToString(h.Sum(nil)) != want {
		t.Fatalf("DownloadUpload = %d, %v (sha256 %x, want %s)", n, err, h.Sum(nil), want)
	}

	// An agent fetch, waited for by agent.
	if err := c.Files.FetchAgentFiles(ctx, agent, []string{`C:\Users\Public\a.ps1`}, "Infected-2024!", nil); err != nil {
		t.Fatal(err)
	}
	up2, err := c.Files.WaitForUpload(ctx, sentinelone.WaitUploadOptions{AgentID: agent, Since: up.CreatedAt, PollInterval: 10 * time.Millisecond, Timeout: time.Minute})
	if err != nil || up2.ActivityID == up.ActivityID {
		t.Fatalf("second WaitForUpload = %+v, %v", up2, err)
	}
	if _, err := c.Files.Download(ctx, agent, up2.ActivityID, h); err != nil {
		t.Fatal(err)
	}
	link, err := c.Files.CloudDownloadLink(ctx, threat)
	if err != nil || link.DownloadURL == "" || link.FileName != threat+".zip" {
		t.Errorf("CloudDownloadLink = %+v, %v", link, err)
	}
}

// peakWriter hashes what it is given and samples the live heap every
// megabyte.
type peakWriter struct {
	h        hash.Hash
	n, next  int64
	base     uint64
	peak     uint64
	samples  int
	chunkMax int
	memstats runtime.MemStats
}

func (w *peakWriter) Write(p []byte) (int, error) {
	w.h.Write(p)
	w.n += int64(len(p))
	w.chunkMax = max(w.chunkMax, len(p))
	if w.n >= w.next {
		w.next = w.n + 1<<20
		runtime.ReadMemStats(&w.memstats)
		w.peak = max(w.peak, w.memstats.HeapAlloc)
		w.samples++
	}
	return len(p), nil
}

// TestFakeDownloadPastBodyCap downloads an archive 128 times larger than
// the client's response cap: it streams, in bounded memory, while a JSON
// answer past the cap still fails.
func TestFakeDownloadPastBodyCap(t *testing.T) {
	const (
		bodyCap = 512 << 10
		size    = 64 << 20
	)
	srv := sentinelonetest.NewServer(t)
	agent := srv.AddAgent(sentinelonetest.Agent{ComputerName: "host08"})
	srv.SetUploadSize(size)
	// Not the validating transport: it would hold the body whole.
	c, err := sentinelone.NewClient(srv.URL(), srv.APIToken(), sentinelone.WithMaxBodyBytes(bodyCap), sentinelone.WithoutRateLimits())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := c.Files.FetchAgentFiles(ctx, agent, []string{"/var/log/big.bin"}, "Infected-2024!", nil); err != nil {
		t.Fatal(err)
	}
	up, err := c.Files.WaitForUpload(ctx, sentinelone.WaitUploadOptions{AgentID: agent, PollInterval: 10 * time.Millisecond, Timeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	w := &peakWriter{h: sha256.New()}
	runtime.ReadMemStats(&w.memstats)
	w.base = w.memstats.HeapAlloc
	n, err := c.Files.DownloadUpload(ctx, up, w)
	if err != nil || n != size {
		t.Fatalf("DownloadUpload = %d, %v", n, err)
	}
	if want, _ := srv.UploadSHA256(up.ActivityID); hex.EncodeToString(w.h.Sum(nil)) != want {
		t.Fatal("downloaded bytes differ from the upload")
	}
	growth := int64(w.peak) - int64(w.base)
	t.Logf("downloaded %d MiB with a %.1f MiB body cap: heap before %.1f MiB, peak %.1f MiB (growth %.2f MiB), %d samples, largest write %d KiB",
		size>>20, float64(bodyCap)/(1<<20), float64(w.base)/(1<<20), float64(w.peak)/(1<<20), float64(growth)/(1<<20), w.samples, w.chunkMax>>10)
	if growth > 8<<20 {
		t.Errorf("heap grew by %d bytes while streaming %d: the body was buffered", growth, size)
	}
	// The cap still holds for JSON answers.
	srv.SeedActivitiesAt(1000, time.Now())
	if _, err := c.Activities.List(ctx, &sentinelone.ActivityListOptions{Paging: sentinelone.Paging{Limit: 1000}}); err == nil {
		t.Error("a JSON page past the cap was read")
	}
}

// TestFakeRemoteScripts runs a script whose tasks the test completes: the
// wait ends only then, and the output link is fetched.
func TestFakeRemoteScripts(t *testing.T) {
	t.Parallel()
	srv := sentinelonetest.NewServer(t)
	site := srv.AddSite(srv.AddAccount("Acme"), "Lab")
	a1 := srv.AddAgent(sentinelonetest.Agent{ComputerName: "host01", SiteID: site, GroupID: "g1"})
	srv.AddAgent(sentinelonetest.Agent{ComputerName: "host02", SiteID: site, GroupID: "g1"})
	srv.AddAgent(sentinelonetest.Agent{ComputerName: "host03", SiteID: site, GroupID: "g2"})
	srv.SetScriptDuration(-1) // until CompleteTasks
	c := newFakeClient(t, srv)
	ctx := context.Background()

	run := sentinelone.ScriptRun{ScriptID: "42", TaskDescription: "collect triage", OutputDestination: sentinelone.OutputSentinelCloud, Password: "Mypa$$w0rd-long", RuntimeTimeout: time.Minute}
	ex, err := c.RemoteScripts.Execute(ctx, sentinelone.AgentFilter{GroupIDs: []string{"g1"}}, run, nil)
	if err != nil || ex.Affected != 2 || ex.ParentTaskID == "" {
		t.Fatalf("Execute = %+v, %v", ex, err)
	}
	type result struct {
		tasks []sentinelone.ScriptTask
		err   error
	}
	done := make(chan result, 1)
	go func() {
		tasks, err := c.RemoteScripts.WaitTasks(ctx, ex.ParentTaskID, &sentinelone.WaitOptions{PollInterval: 10 * time.Millisecond, Timeout: time.Minute})
		done <- result{tasks, err}
	}()
	// The wait goes on while the tasks run.
	for srv.RequestsTo("GET", "/remote-scripts/status") < 3 {
		time.Sleep(5 * time.Millisecond)
	}
	select {
	case r := <-done:
		t.Fatalf("WaitTasks returned while tasks run: %+v, %v", r.tasks, r.err)
	default:
	}
	if n := srv.CompleteTasks(ex.ParentTaskID, ""); n != 2 {
		t.Fatalf("CompleteTasks = %d", n)
	}
	r := <-done
	if r.err != nil || len(r.tasks) != 2 {
		t.Fatalf("WaitTasks = %+v, %v", r.tasks, r.err)
	}
	for _, task := range r.tasks {
		if task.Status != sentinelone.TaskCompleted || task.ScriptResultsSignature == "" {
			t.Errorf("task = %+v", task)
		}
	}
	out, err := c.RemoteScripts.FetchOutput(ctx, r.tasks[0])
	if err != nil || out.DownloadURL == "" {
		t.Fatalf("FetchOutput = %+v, %v", out, err)
	}
	// The link is not an API path: not through the validating transport.
	plain, err := sentinelone.NewClient(srv.URL(), srv.APIToken(), sentinelone.WithoutRateLimits())
	if err != nil {
		t.Fatal(err)
	}
	if n, err := plain.Files.DownloadFromLink(ctx, out, sha256.New()); err != nil || n != sentinelonetest.DefaultUploadSize {
		t.Errorf("DownloadFromLink = %d, %v", n, err)
	}
	p, err := c.RemoteScripts.ListTasks(ctx, &sentinelone.TaskListOptions{ParentTaskID: ex.ParentTaskID, AgentIDs: []string{a1}})
	if err != nil || len(p.Items) != 1 {
		t.Errorf("Tasks = %+v, %v", p, err)
	}

	// Tasks that complete by themselves after a delay; and a failed run
	// still ends the wait.
	srv.SetScriptDuration(20 * time.Millisecond)
	ex2, err := c.RemoteScripts.Execute(ctx, sentinelone.AgentFilter{IDs: []string{a1}}, run, nil)
	if err != nil {
		t.Fatal(err)
	}
	tasks, err := c.RemoteScripts.WaitTasks(ctx, ex2.ParentTaskID, &sentinelone.WaitOptions{PollInterval: 10 * time.Millisecond, Timeout: time.Minute})
	if err != nil || len(tasks) != 1 || tasks[0].Status != sentinelone.TaskCompleted {
		t.Fatalf("WaitTasks after delay = %+v, %v", tasks, err)
	}
	srv.SetScriptDuration(-1)
	ex3, err := c.RemoteScripts.Execute(ctx, sentinelone.AgentFilter{IDs: []string{a1}}, run, nil)
	if err != nil {
		t.Fatal(err)
	}
	srv.CompleteTasks(ex3.ParentTaskID, "failed")
	tasks, err = c.RemoteScripts.WaitTasks(ctx, ex3.ParentTaskID, &sentinelone.WaitOptions{PollInterval: 10 * time.Millisecond})
	if err != nil || tasks[0].Status != sentinelone.TaskFailed {
		t.Fatalf("failed run = %+v, %v", tasks, err)
	}
	if _, err := c.RemoteScripts.FetchOutput(ctx, tasks[0]); err == nil {
		t.Error("FetchOutput of a failed task succeeded")
	}
}

// TestFakeDownloadFaults: a 503 before the archive is retried (nothing was
// written yet); a body cut in the middle is an error and is not fetched
// again, since part of it was written.
func TestFakeDownloadFaults(t *testing.T) {
	t.Parallel()
	srv := sentinelonetest.NewServer(t)
	agent := srv.AddAgent(sentinelonetest.Agent{ComputerName: "host09"})
	c := newFakeClient(t, srv)
	ctx := context.Background()
	if err := c.Files.FetchAgentFiles(ctx, agent, []string{"/etc/hosts"}, "Infected-2024!", nil); err != nil {
		t.Fatal(err)
	}
	up, err := c.Files.WaitForUpload(ctx, sentinelone.WaitUploadOptions{AgentID: agent, PollInterval: 10 * time.Millisecond, Timeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	path := "/agents/" + agent + "/uploads/" + up.ActivityID
	srv.InjectFault(sentinelonetest.Fault{Kind: sentinelonetest.ServerError, Method: "GET", PathPrefix: sentinelone.APIPath + path})
	h := sha256.New()
	if n, err := c.Files.Download(ctx, agent, up.ActivityID, h); err != nil || n != sentinelonetest.DefaultUploadSize {
		t.Fatalf("Download after a 503 = %d, %v", n, err)
	}
	srv.InjectFault(sentinelonetest.Fault{Kind: sentinelonetest.CutBody, Method: "GET", PathPrefix: sentinelone.APIPath + path})
	before := srv.RequestsTo("GET", path)
	n, err := c.Files.Download(ctx, agent, up.ActivityID, sha256.New())
	if err == nil || n >= sentinelonetest.DefaultUploadSize {
		t.Fatalf("Download of a cut body = %d, %v", n, err)
	}
	if got := srv.RequestsTo("GET", path) - before; got != 1 {
		t.Errorf("%d requests for a cut download, want 1", got)
	}
	t.Logf("cut download: %v", err)
}
