package sentinelone

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/jarcoal/httpmock"
)

const (
	sha1Hash   = "3395856ce81f2b7382dee72602f798b642f14140"
	sha256Hash = "beab9fadb100a44b3bc8ea4df3249aa6d93e710193be437adb5e47c2e201c1ef"
)

func TestBlocklistWire(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWire(t)
	c := newTestClient(t, w)
	entry := `{"id":"1234","type":"black_hash","value":"` + sha1Hash + `","osType":"windows","description":"d","source":"soc","scopeName":"Lab","scopePath":"Global / Acme / Lab","userId":"7","createdAt":"2024-05-01T10:00:00.000000Z","updatedAt":"2024-05-01T10:00:00.000000Z"}`
	w.on("GET", "/restrictions", vals("type", "black_hash", "siteIds", "5,6", "osTypes", "windows,macos", "value__contains", "3395",
		"includeParents", "true", "includeChildren", "true", "limit", "50"), "", 200,
		`{"data":[`+entry+`],"pagination":{"nextCursor":"c2","totalItems":2}}`)
	p, err := c.Blocklist.List(ctx, &BlocklistListOptions{Scope: &Scope{Level: ScopeSite, IDs: []string{"5", "6"}}, OSTypes: []OSType{OSWindows, OSMacOS},
		ValueContains: []string{"3395"}, IncludeParents: true, IncludeChildren: true, Paging: Paging{Limit: 50}})
	if err != nil {
		t.Fatal(err)
	}
	e := p.Items[0]
	if e.ID != "1234" || e.Value != sha1Hash || e.OSType != OSWindows || e.ScopePath == "" || e.CreatedAt.IsZero() || string(e.Raw) != entry || p.NextCursor != "c2" || p.Total != 2 {
		t.Errorf("page = %+v", p)
	}
	w.on("GET", "/restrictions", vals("type", "black_hash", "tenant", "true", "value", sha1Hash, "limit", "1000"), "", 200, `{"data":[`+entry+`],"pagination":{"nextCursor":"c2","totalItems":2}}`)
	w.on("GET", "/restrictions", vals("type", "black_hash", "tenant", "true", "value", sha1Hash, "limit", "1000", "cursor", "c2"), "", 200, `{"data":[`+entry+`],"pagination":{"nextCursor":null,"totalItems":2}}`)
	all, err := collectAll(c.Blocklist.All(ctx, &BlocklistListOptions{Scope: &Scope{Level: ScopeTenant}, Value: sha1Hash}))
	if err != nil || len(all) != 2 {
		t.Errorf("All = %d, %v", len(all), err)
	}
	w.on("POST", "/restrictions", nil, `{"filter":{"tenant":true},"data":{"type":"black_hash","value":"`+sha1Hash+`","osType":"windows","description":"d","source":"soc"}}`, 200, `{"data":[`+entry+`]}`)
	got, err := c.Blocklist.Add(ctx, TenantScope(), BlocklistAdd{Value: sha1Hash, OSType: OSWindows, Description: "d", Source: "soc"}, nil)
	if err != nil || len(got) != 1 || got[0].ID != "1234" || string(got[0].Raw) != entry {
		t.Errorf("Add = %+v, %v", got, err)
	}
	// An answer with one object instead of an array.
	w.on("POST", "/restrictions", nil, `{"filter":{"groupIds":["g1"]},"data":{"type":"black_hash","value":"`+sha256Hash+`","osType":"linux","description":"","source":""}}`, 200, `{"data":`+entry+`}`)
	if got, err := c.Blocklist.Add(ctx, GroupScope("g1"), BlocklistAdd{Value: sha256Hash, OSType: OSLinux}, nil); err != nil || len(got) != 1 {
		t.Errorf("Add one object = %+v, %v", got, err)
	}
	w.on("DELETE", "/restrictions", nil, `{"data":{"type":"black_hash","ids":["1234"]}}`, 200, `{"data":{"affected":1}}`)
	if n, err := c.Blocklist.Delete(ctx, []string{"1234"}); err != nil || n != 1 {
		t.Errorf("Delete = %d, %v", n, err)
	}
	w.on("DELETE", "/restrictions", nil, `{"data":{"type":"black_hash","ids":["1","2"]}}`, 200, `{"data":{}}`)
	if n, err := c.Blocklist.Delete(ctx, []string{"1", "2"}); err != nil || n != -1 {
		t.Errorf("Delete without affected = %d, %v", n, err)
	}
}

func TestAddIsNotRetriedAfterSend(t *testing.T) {
	t.Parallel()
	w := newWire(t)
	body := `{"filter":{"accountIds":["a1"]},"data":{"type":"black_hash","value":"` + sha1Hash + `","osType":"macos","description":"","source":""}}`
	w.on("POST", "/restrictions", nil, body, 503, `{"errors":[{"code":5030010,"title":"Service Unavailable"}]}`)
	c := newTestClient(t, w)
	add := BlocklistAdd{Value: sha1Hash, OSType: OSMacOS}
	if _, err := c.Blocklist.Add(context.Background(), AccountScope("a1"), add, nil); !errors.Is(err, ErrServer) || w.count() != 1 {
		t.Fatalf("err = %v after %d requests, want one 503", err, w.count())
	}
	w.on("POST", "/restrictions", nil, body, 503, `{}`)
	w.on("POST", "/restrictions", nil, body, 200, `{"data":[{"id":"9"}]}`)
	if got, err := c.Blocklist.Add(context.Background(), AccountScope("a1"), add, &ActionOptions{RetrySafe: true}); err != nil || got[0].ID != "9" {
		t.Errorf("RetrySafe Add = %v, %v", got, err)
	}
}

func TestScopeRefusals(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := newTestClient(t, newWire(t)) // any request fails the test
	add := BlocklistAdd{Value: sha1Hash, OSType: OSWindows}
	cases := map[string]func() error{
		"scope is empty; use one of": func() error { _, err := c.Blocklist.Add(ctx, Scope{}, add, nil); return err },
		"site scope has no ids":      func() error { _, err := c.Blocklist.Add(ctx, SiteScope(), add, nil); return err },
		"tenant scope takes no ids": func() error {
			_, err := c.Blocklist.Add(ctx, Scope{Level: ScopeTenant, IDs: []string{"1"}}, add, nil)
			return err
		},
		`scope level "planet"`: func() error {
			_, err := c.Blocklist.Add(ctx, Scope{Level: "planet", IDs: []string{"1"}}, add, nil)
			return err
		},
		"scope siteIds has an empty": func() error { _, err := c.Blocklist.Add(ctx, SiteScope(""), add, nil); return err },
		"not a SHA-1 or SHA-256": func() error {
			_, err := c.Blocklist.Add(ctx, TenantScope(), BlocklistAdd{Value: strings.Repeat("z", 300), OSType: OSWindows}, nil)
			if err != nil && len(err.Error()) > 250 {
				return errors.New("error quotes too much: " + err.Error())
			}
			return err
		},
		`osType "beos"`: func() error {
			_, err := c.Blocklist.Add(ctx, TenantScope(), BlocklistAdd{Value: sha1Hash, OSType: "beos"}, nil)
			return err
		},
		"Blocklist.Delete: ids is empty": func() error { _, err := c.Blocklist.Delete(ctx, nil); return err },
		"IOCs have no group scope": func() error {
			_, err := c.IOCs.List(ctx, &IOCListOptions{Scope: &Scope{Level: ScopeGroup, IDs: []string{"g"}}})
			return err
		},
		"IOCs.Create: scope level \"group\"": func() error {
			_, err := c.IOCs.Create(ctx, GroupScope("g"), []NewIOC{{Type: IOCSHA1, Value: sha1Hash, Source: "x"}}, nil)
			return err
		},
		"no indicator given": func() error { _, err := c.IOCs.Create(ctx, TenantScope(), nil, nil); return err },
		"indicator 0: source is empty": func() error {
			_, err := c.IOCs.Create(ctx, TenantScope(), []NewIOC{{Type: IOCSHA1, Value: sha1Hash}}, nil)
			return err
		},
		`indicator 0: type "HASH"`: func() error {
			_, err := c.IOCs.Create(ctx, TenantScope(), []NewIOC{{Type: "HASH", Value: "x", Source: "s"}}, nil)
			return err
		},
		"IOCs.Delete: uuids is empty": func() error { _, err := c.IOCs.Delete(ctx, AccountScope("a"), nil); return err },
		"apply to path exclusions only": func() error {
			_, err := c.Exclusions.Create(ctx, TenantScope(), NewExclusion{Type: ExclusionHash, Value: sha1Hash, OSType: OSWindows, Mode: ModeSuppress}, nil)
			return err
		},
		`Exclusions.Delete: type ""`: func() error { _, err := c.Exclusions.Delete(ctx, "", []string{"1"}); return err },
		"Exclusions.List: Type":      func() error { _, err := c.Exclusions.List(ctx, &ExclusionListOptions{Type: "nope"}); return err },
		`Sites.Get: id "../users"`:   func() error { _, err := c.Sites.Get(ctx, "../users"); return err },
		`Groups.Get: id ".."`:        func() error { _, err := c.Groups.Get(ctx, ".."); return err },
		"Accounts.Get: id is empty":  func() error { _, err := c.Accounts.Get(ctx, " "); return err },
		"MoveAgents: agentIDs is empty": func() error {
			_, err := c.Groups.MoveAgents(ctx, "1", nil)
			return err
		},
	}
	for want, run := range cases {
		if err := run(); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("err = %v, want %q", err, want)
		}
	}
}

func TestIOCsWire(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWire(t)
	c := newTestClient(t, w)
	ioc := `{"uuid":"11b317f0acf1a0005b8d003d8da44476","type":"SHA256","value":"` + sha256Hash + `","method":"EQUALS","name":"Blocked","source":"soc","scope":"account","scopeId":"216","validUntil":"2026-04-28T08:17:48.062976Z","uploadTime":"2025-11-12T07:43:38.109004Z","updatedAt":"2025-11-12T07:43:38.109004Z","creator":"me@example.com","category":[]}`
	w.on("GET", "/threat-intelligence/iocs", vals("accountIds", "216", "uuids", "u1", "type", "SHA256,IPV4", "value", sha256Hash, "source", "soc", "externalId", "x1", "limit", "10"), "", 200,
		`{"data":[`+ioc+`],"pagination":{"nextCursor":null,"totalItems":1}}`)
	p, err := c.IOCs.List(ctx, &IOCListOptions{Scope: &Scope{Level: ScopeAccount, IDs: []string{"216"}}, UUIDs: []string{"u1"}, Types: []IOCType{IOCSHA256, IOCIPv4},
		Values: []string{sha256Hash}, Source: "soc", ExternalID: "x1", Paging: Paging{Limit: 10}})
	if err != nil || len(p.Items) != 1 || p.Items[0].Type != IOCSHA256 || p.Items[0].ValidUntil.Year() != 2026 || string(p.Items[0].Raw) != ioc {
		t.Fatalf("List = %+v, %v", p, err)
	}
	w.on("GET", "/threat-intelligence/iocs", vals("limit", "1000"), "", 200, `{"data":[`+ioc+`],"pagination":{"nextCursor":null,"totalItems":1}}`)
	if all, err := collectAll(c.IOCs.All(ctx, nil)); err != nil || len(all) != 1 {
		t.Errorf("All = %v, %v", all, err)
	}
	until := time.Date(2026, 4, 28, 8, 17, 48, 62976000, time.UTC)
	w.on("POST", "/threat-intelligence/iocs", nil, `{"filter":{"accountIds":["216"]},"data":[`+
		`{"type":"SHA256","value":"`+sha256Hash+`","method":"EQUALS","source":"soc","name":"Blocked","validUntil":"2026-04-28T08:17:48.062976Z"},`+
		`{"type":"DNS","value":"evil.example","method":"EQUALS","source":"soc","description":"c2","externalId":"x2"}]}`, 200, `{"data":[`+ioc+`]}`)
	got, err := c.IOCs.Create(ctx, AccountScope("216"), []NewIOC{
		{Type: IOCSHA256, Value: sha256Hash, Source: "soc", Name: "Blocked", ValidUntil: until},
		{Type: IOCDNS, Value: "evil.example", Source: "soc", Description: "c2", ExternalID: "x2"},
	}, nil)
	if err != nil || len(got) != 1 || got[0].UUID == "" {
		t.Errorf("Create = %+v, %v", got, err)
	}
	w.on("DELETE", "/threat-intelligence/iocs", nil, `{"filter":{"accountIds":["216"],"uuids":["u1","u2"]}}`, 200, `{"data":{"affected":2}}`)
	if n, err := c.IOCs.Delete(ctx, AccountScope("216"), []string{"u1", "u2"}); err != nil || n != 2 {
		t.Errorf("Delete = %d, %v", n, err)
	}
	w.on("DELETE", "/threat-intelligence/iocs", nil, `{"filter":{"tenant":true,"uuids":["u1"]}}`, 200, `{"data":{"affected":1}}`)
	if n, err := c.IOCs.Delete(ctx, TenantScope(), []string{"u1"}); err != nil || n != 1 {
		t.Errorf("Delete tenant = %d, %v", n, err)
	}
}

func TestExclusionsWire(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWire(t)
	c := newTestClient(t, w)
	ex := `{"id":"2543493559305834189","type":"path","value":"C:\\Tools\\scan.exe","mode":"suppress","osType":"windows","description":"TEST","pathExclusionType":"file","source":"user","scopeName":"account","scopePath":"Global\\SentinelOne","createdAt":"2026-08-11T08:27:40.176838Z","updatedAt":"2026-08-11T08:27:40.206134Z","userName":"sentinelone"}`
	w.on("GET", "/exclusions", vals("groupIds", "g1", "ids", "1", "type", "path", "osTypes", "windows", "value__contains", "scan", "includeParents", "true", "limit", "1000", "skipCount", "true"), "", 200,
		`{"data":[`+ex+`],"pagination":{"nextCursor":null}}`)
	p, err := c.Exclusions.List(ctx, &ExclusionListOptions{Scope: &Scope{Level: ScopeGroup, IDs: []string{"g1"}}, IDs: []string{"1"}, Type: ExclusionPath, OSTypes: []OSType{OSWindows},
		ValueContains: []string{"scan"}, IncludeParents: true, Paging: Paging{SkipCount: true}})
	if err != nil || len(p.Items) != 1 || p.Total != -1 || p.Items[0].Mode != ModeSuppress || p.Items[0].PathExclusionType != PathFile || p.Items[0].Value != `C:\Tools\scan.exe` {
		t.Fatalf("List = %+v, %v", p, err)
	}
	w.on("GET", "/exclusions", vals("limit", "1000"), "", 200, `{"data":[`+ex+`],"pagination":{"nextCursor":null,"totalItems":1}}`)
	if all, err := collectAll(c.Exclusions.All(ctx, nil)); err != nil || len(all) != 1 {
		t.Errorf("All = %v, %v", all, err)
	}
	w.on("POST", "/exclusions", nil, `{"filter":{"siteIds":["5"]},"data":{"type":"path","value":"C:\\Tools\\scan.exe","osType":"windows","description":"TEST","mode":"suppress","pathExclusionType":"file"}}`, 200, `{"data":[`+ex+`]}`)
	got, err := c.Exclusions.Create(ctx, SiteScope("5"), NewExclusion{Type: ExclusionPath, Value: `C:\Tools\scan.exe`, OSType: OSWindows, Description: "TEST", Mode: ModeSuppress, PathExclusionType: PathFile}, nil)
	if err != nil || len(got) != 1 || got[0].ID != "2543493559305834189" {
		t.Errorf("Create = %+v, %v", got, err)
	}
	w.on("POST", "/exclusions", nil, `{"filter":{"tenant":true},"data":{"type":"white_hash","value":"`+sha1Hash+`","osType":"linux"}}`, 200, `{"data":[{"id":"3"}]}`)
	if _, err := c.Exclusions.Create(ctx, TenantScope(), NewExclusion{Type: ExclusionHash, Value: sha1Hash, OSType: OSLinux}, nil); err != nil {
		t.Error(err)
	}
	w.on("DELETE", "/exclusions", nil, `{"data":{"type":"path","ids":["2543493559305834189"]}}`, 200, `{"data":{"affected":1}}`)
	if n, err := c.Exclusions.Delete(ctx, ExclusionPath, []string{"2543493559305834189"}); err != nil || n != 1 {
		t.Errorf("Delete = %d, %v", n, err)
	}
}

func TestSitesGroupsAccountsWire(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWire(t)
	c := newTestClient(t, w)
	site := `{"id":"883943415317889722","name":"Lab","accountId":"829390405081046196","accountName":"Acme","state":"active","siteType":"Trial","suite":"Complete","isDefault":false,"healthStatus":true,"activeLicenses":3,"totalLicenses":10,"registrationToken":"eyJ1cmwi","createdAt":"2020-05-04T14:37:46.543108Z","expiration":null}`
	w.on("GET", "/sites", vals("siteIds", "1", "accountIds", "a", "name", "Lab", "name__contains", "La", "state", "active", "siteType", "Trial", "query", "q", "limit", "5"), "", 200,
		`{"data":{"allSites":{"activeLicenses":3,"totalLicenses":10},"sites":[`+site+`]},"pagination":{"nextCursor":null,"totalItems":1}}`)
	p, err := c.Sites.List(ctx, &SiteListOptions{SiteIDs: []string{"1"}, AccountIDs: []string{"a"}, Name: "Lab", NameContains: []string{"La"}, States: []string{"active"}, SiteType: "Trial", Query: "q", Paging: Paging{Limit: 5}})
	if err != nil || len(p.Items) != 1 || p.Items[0].Name != "Lab" || p.Items[0].TotalLicenses != 10 || string(p.Items[0].Raw) != site || p.Total != 1 {
		t.Fatalf("Sites.List = %+v, %v", p, err)
	}
	w.on("GET", "/sites", vals("limit", "1000"), "", 200, `{"data":{"allSites":{},"sites":[`+site+`]},"pagination":{"nextCursor":"n1","totalItems":2}}`)
	w.on("GET", "/sites", vals("limit", "1000", "cursor", "n1"), "", 200, `{"data":[`+site+`],"pagination":{"nextCursor":null,"totalItems":2}}`)
	if all, err := collectAll(c.Sites.All(ctx, nil)); err != nil || len(all) != 2 {
		t.Errorf("Sites.All = %d, %v", len(all), err)
	}
	w.on("GET", "/sites/883943415317889722", nil, "", 200, `{"data":`+site+`}`)
	if s, err := c.Sites.Get(ctx, "883943415317889722"); err != nil || s.AccountName != "Acme" {
		t.Errorf("Sites.Get = %+v, %v", s, err)
	}
	w.on("GET", "/sites/404", nil, "", 404, `{"errors":[{"code":4040010,"title":"Not found"}]}`)
	if _, err := c.Sites.Get(ctx, "404"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Sites.Get 404 = %v", err)
	}

	group := `{"id":"225494730938493804","name":"Servers","type":"static","siteId":"883943415317889722","isDefault":false,"inherits":true,"rank":null,"totalAgents":12,"createdAt":"2021-01-01T00:00:00.000000Z","registrationToken":"eyJ"}`
	no := false
	w.on("GET", "/groups", vals("groupIds", "g", "siteIds", "s", "accountIds", "a", "types", "static,dynamic", "name", "Servers", "isDefault", "false", "query", "q", "limit", "1000"), "", 200,
		`{"data":[`+group+`],"pagination":{"nextCursor":null,"totalItems":1}}`)
	gp, err := c.Groups.List(ctx, &GroupListOptions{GroupIDs: []string{"g"}, SiteIDs: []string{"s"}, AccountIDs: []string{"a"}, Types: []GroupType{GroupStatic, GroupDynamic}, Name: "Servers", IsDefault: &no, Query: "q"})
	if err != nil || len(gp.Items) != 1 || gp.Items[0].TotalAgents != 12 || gp.Items[0].Rank != nil || gp.Items[0].Type != GroupStatic {
		t.Fatalf("Groups.List = %+v, %v", gp, err)
	}
	w.on("GET", "/groups", vals("limit", "1000"), "", 200, `{"data":[`+group+`],"pagination":{"nextCursor":null,"totalItems":1}}`)
	if all, err := collectAll(c.Groups.All(ctx, nil)); err != nil || len(all) != 1 {
		t.Errorf("Groups.All = %v, %v", all, err)
	}
	w.on("GET", "/groups/225494730938493804", nil, "", 200, `{"data":`+group+`}`)
	if g, err := c.Groups.Get(ctx, "225494730938493804"); err != nil || g.Name != "Servers" {
		t.Errorf("Groups.Get = %+v, %v", g, err)
	}
	w.on("PUT", "/groups/225494730938493804/move-agents", nil, `{"filter":{"ids":["1","2"]}}`, 200, `{"data":{"agentsMoved":2}}`)
	if n, err := c.Groups.MoveAgents(ctx, "225494730938493804", []string{"1", "2"}); err != nil || n != 2 {
		t.Errorf("MoveAgents = %d, %v", n, err)
	}
	w.on("PUT", "/groups/225494730938493804/move-agents", nil, `{"filter":{"ids":["404"]}}`, 200, `{"data":{"agentsMoved":0}}`)
	if _, err := c.Groups.MoveAgents(ctx, "225494730938493804", []string{"404"}); !errors.Is(err, ErrNoneAffected) {
		t.Errorf("MoveAgents none = %v", err)
	}

	account := `{"id":"829390405081046196","name":"Acme","state":"active","accountType":"Paid","activeAgents":40,"numberOfSites":2,"createdAt":"2019-01-01T00:00:00.000000Z"}`
	w.on("GET", "/accounts", vals("ids", "829390405081046196", "name", "Acme", "states", "active", "query", "q", "limit", "1000"), "", 200,
		`{"data":[`+account+`],"pagination":{"nextCursor":null,"totalItems":1}}`)
	ap, err := c.Accounts.List(ctx, &AccountListOptions{IDs: []string{"829390405081046196"}, Name: "Acme", States: []string{"active"}, Query: "q"})
	if err != nil || len(ap.Items) != 1 || ap.Items[0].NumberOfSites != 2 {
		t.Fatalf("Accounts.List = %+v, %v", ap, err)
	}
	w.on("GET", "/accounts", vals("limit", "1000"), "", 200, `{"data":[`+account+`],"pagination":{"nextCursor":null,"totalItems":1}}`)
	if all, err := collectAll(c.Accounts.All(ctx, nil)); err != nil || len(all) != 1 {
		t.Errorf("Accounts.All = %v, %v", all, err)
	}
	w.on("GET", "/accounts/829390405081046196", nil, "", 200, `{"data":`+account+`}`)
	if a, err := c.Accounts.Get(ctx, "829390405081046196"); err != nil || a.ActiveAgents != 40 {
		t.Errorf("Accounts.Get = %+v, %v", a, err)
	}
}

func TestFilesWire(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWire(t)
	c := newTestClient(t, w)
	w.on("POST", "/threats/fetch-file", nil, `{"filter":{"ids":["1373834705420286869"]},"data":{"password":"Infected-2024!"}}`, 200, `{"data":{"affected":1}}`)
	if res, err := c.Files.FetchThreatFile(ctx, ThreatFilter{IDs: []string{"1373834705420286869"}}, "Infected-2024!", nil); err != nil || res.Affected != 1 {
		t.Errorf("FetchThreatFile = %v, %v", res, err)
	}
	w.on("POST", "/agents/1109245354690326957/actions/fetch-files", nil, `{"data":{"password":"Infected-2024!","files":["C:\\Windows\\Temp\\a.exe","/tmp/b"]}}`, 200, `{"data":{"success":true}}`)
	if err := c.Files.FetchAgentFiles(ctx, "1109245354690326957", []string{`C:\Windows\Temp\a.exe`, "/tmp/b"}, "Infected-2024!", nil); err != nil {
		t.Error(err)
	}
	archive := "PK\x03\x04 encrypted zip bytes \x00\xff"
	e := w.on("GET", "/agents/1109245354690326957/uploads/1900000000000000001", nil, "", 200, archive)
	e.header.Set("Content-Type", "application/zip")
	var buf bytes.Buffer
	if n, err := c.Files.Download(ctx, "1109245354690326957", "1900000000000000001", &buf); err != nil || n != int64(len(archive)) || buf.String() != archive {
		t.Errorf("Download = %d, %v, %q", n, err, buf.String())
	}
	w.on("GET", "/agents/7/uploads/8", nil, "", 200, "zip")
	buf.Reset()
	if _, err := c.Files.DownloadUpload(ctx, &Upload{DownloadURL: "/web/api/v2.1/agents/7/uploads/8"}, &buf); err != nil || buf.String() != "zip" {
		t.Errorf("DownloadUpload = %v, %q", err, buf.String())
	}
	w.on("GET", "/threats/1373834705420286869/download-from-cloud", nil, "", 200, `{"data":{"downloadUrl":"https://store.example/f.zip?sig=1","fileName":"f.zip"}}`)
	if d, err := c.Files.CloudDownloadLink(ctx, "1373834705420286869"); err != nil || d.DownloadURL != "https://store.example/f.zip?sig=1" || d.FileName != "f.zip" {
		t.Errorf("CloudDownloadLink = %+v, %v", d, err)
	}
	w.on("GET", "/agents/7/uploads/9", nil, "", 404, `{"errors":[{"code":4040010,"title":"Not found"}]}`)
	if _, err := c.Files.Download(ctx, "7", "9", &buf); !errors.Is(err, ErrNotFound) {
		t.Errorf("Download 404 = %v", err)
	}
}

func TestFilesRefusals(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := newTestClient(t, newWire(t))
	var buf bytes.Buffer
	cases := map[string]func() error{
		"the filter is empty": func() error {
			_, err := c.Files.FetchThreatFile(ctx, ThreatFilter{}, "long-enough-pw", nil)
			return err
		},
		"password is shorter than 10": func() error {
			_, err := c.Files.FetchThreatFile(ctx, ThreatFilter{IDs: []string{"1"}}, "short", nil)
			return err
		},
		"password contains white space": func() error { return c.Files.FetchAgentFiles(ctx, "1", []string{"/a"}, "has a space in it", nil) },
		"paths is empty":                func() error { return c.Files.FetchAgentFiles(ctx, "1", nil, "long-enough-pw", nil) },
		"11 paths":                      func() error { return c.Files.FetchAgentFiles(ctx, "1", make11(), "long-enough-pw", nil) },
		`agentID "1/../2"`:              func() error { return c.Files.FetchAgentFiles(ctx, "1/../2", []string{"/a"}, "long-enough-pw", nil) },
		"activityID is empty":           func() error { _, err := c.Files.Download(ctx, "1", "", &buf); return err },
		"w is nil":                      func() error { _, err := c.Files.Download(ctx, "1", "2", nil); return err },
		"is not /agents/{id}/uploads": func() error {
			_, err := c.Files.DownloadUpload(ctx, &Upload{DownloadURL: "https://elsewhere.example/agents/1/uploads/2"}, &buf)
			return err
		},
		"AgentID or ThreatID":      func() error { _, err := c.Files.WaitForUpload(ctx, WaitUploadOptions{}); return err },
		`threatID "."`:             func() error { _, err := c.Files.CloudDownloadLink(ctx, "."); return err },
		"ParentTaskID is required": func() error { _, err := c.RemoteScripts.ListTasks(ctx, nil); return err },
		"WaitTasks: ParentTaskID":  func() error { _, err := c.RemoteScripts.WaitTasks(ctx, "", nil); return err },
		"has no ScriptResultsSignature": func() error {
			_, err := c.RemoteScripts.FetchOutput(ctx, ScriptTask{ID: "1", AgentID: "2", SiteID: "3"})
			return err
		},
		"would apply \"remote script\"": func() error { _, err := c.RemoteScripts.Execute(ctx, AgentFilter{}, ScriptRun{}, nil); return err },
		"ScriptID is empty": func() error {
			_, err := c.RemoteScripts.Execute(ctx, AgentFilter{IDs: []string{"1"}}, ScriptRun{}, nil)
			return err
		},
		"OutputLocal needs": func() error {
			_, err := c.RemoteScripts.Execute(ctx, AgentFilter{IDs: []string{"1"}}, ScriptRun{ScriptID: "s", TaskDescription: "d", OutputDestination: OutputLocal}, nil)
			return err
		},
	}
	for want, run := range cases {
		if err := run(); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("err = %v, want %q", err, want)
		}
	}
}

func make11() []string {
	p := make([]string, 11)
	for i := range p {
		p[i] = "/f"
	}
	return p
}

// TestWaitForUploadWire polls until the announcing activity appears, in a
// synctest bubble: the five-second polls take no real time.
func TestWaitForUploadWire(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		w := newWire(t)
		c := newTestClient(t, w)
		since := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
		q := vals("activityTypes", "86", "threatIds", "1373834705420286869", "createdAt__gt", "2024-05-01T10:00:00.000000Z", "limit", "100", "sortBy", "createdAt", "sortOrder", "desc")
		w.on("GET", "/activities", q, "", 200, `{"data":[],"pagination":{"nextCursor":null,"totalItems":0}}`)
		w.on("GET", "/activities", q, "", 200, `{"data":[{"id":"5","activityType":86,"createdAt":"2024-05-01T10:00:30.000000Z","agentId":"7","threatId":"1373834705420286869","data":{"fileDisplayName":"a.exe"}}],"pagination":{"nextCursor":null,"totalItems":1}}`)
		w.on("GET", "/activities", q, "", 200, `{"data":[{"id":"6","activityType":86,"createdAt":"2024-05-01T10:01:00.000000Z","agentId":"7","threatId":"1373834705420286869","data":{"downloadUrl":"/agents/7/uploads/6","fileDisplayName":"a.exe","filePath":"/agents/7/uploads/6","fileSize":221696,"filename":"dcclient_2022-08-05_07_50_48.836","uploadedFilename":"dcclient_2022-08-05_07:50:48.zip"}}],"pagination":{"nextCursor":null,"totalItems":1}}`)
		start := time.Now()
		up, err := c.Files.WaitForUpload(context.Background(), WaitUploadOptions{ThreatID: "1373834705420286869", Since: since})
		if err != nil || up.ActivityID != "6" || up.AgentID != "7" || up.DownloadURL != "/agents/7/uploads/6" || up.FileName != "a.exe" ||
			up.FileSize != 221696 || up.ArchiveName != "dcclient_2022-08-05_07:50:48.zip" {
			t.Fatalf("WaitForUpload = %+v, %v", up, err)
		}
		if d := time.Since(start); d != 2*DefaultPollInterval {
			t.Errorf("waited %s, want two polls of %s", d, DefaultPollInterval)
		}
	})
}

func TestWaitForUploadTimeout(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		w := newWire(t)
		c := newTestClient(t, w)
		q := vals("activityTypes", "86", "agentIds", "7", "limit", "100", "sortBy", "createdAt", "sortOrder", "desc")
		for range 3 {
			w.on("GET", "/activities", q, "", 200, `{"data":[],"pagination":{"nextCursor":null,"totalItems":0}}`)
		}
		_, err := c.Files.WaitForUpload(context.Background(), WaitUploadOptions{AgentID: "7", PollInterval: time.Minute, Timeout: 150 * time.Second})
		if !errors.Is(err, ErrWaitTimeout) {
			t.Fatalf("err = %v, want ErrWaitTimeout", err)
		}
	})
}

func TestRemoteScriptsWire(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		w := newWire(t)
		c := newTestClient(t, w)
		w.on("POST", "/remote-scripts/execute", nil, `{"filter":{"ids":["0123456789"]},"data":{"scriptId":"1234566789","taskDescription":"collect","outputDestination":"SentinelCloud","inputParams":"--quick","password":"Mypa$$w0rd-long","scriptRuntimeTimeoutSeconds":340}}`,
			200, `{"data":{"parentTaskId":"1234567890","affected":1,"pending":false}}`)
		run := ScriptRun{ScriptID: "1234566789", TaskDescription: "collect", OutputDestination: OutputSentinelCloud, InputParams: "--quick", Password: "Mypa$$w0rd-long", RuntimeTimeout: 340 * time.Second}
		ex, err := c.RemoteScripts.Execute(ctx, AgentFilter{IDs: []string{"0123456789"}}, run, nil)
		if err != nil || ex.ParentTaskID != "1234567890" || ex.Affected != 1 {
			t.Fatalf("Execute = %+v, %v", ex, err)
		}
		q := vals("parentTaskId", "1234567890", "limit", "1000")
		task := func(status string) string {
			return `{"id":"t1","parentTaskId":"1234567890","status":"` + status + `","detailedStatus":"x","agentId":"0123456789","siteId":"9012345678","scriptResultsSignature":"01ba47","createdAt":"2024-07-30T06:43:22.938877Z"}`
		}
		w.on("GET", "/remote-scripts/status", q, "", 200, `{"data":[],"pagination":{"nextCursor":null,"totalItems":0}}`)
		w.on("GET", "/remote-scripts/status", q, "", 200, `{"data":[`+task("in_progress")+`],"pagination":{"nextCursor":null,"totalItems":1}}`)
		w.on("GET", "/remote-scripts/status", q, "", 200, `{"data":[`+task("completed")+`],"pagination":{"nextCursor":null,"totalItems":1}}`)
		start := time.Now()
		tasks, err := c.RemoteScripts.WaitTasks(ctx, "1234567890", &WaitOptions{PollInterval: 10 * time.Second})
		if err != nil || len(tasks) != 1 || tasks[0].Status != TaskCompleted || string(tasks[0].Raw) != task("completed") {
			t.Fatalf("WaitTasks = %+v, %v", tasks, err)
		}
		if d := time.Since(start); d != 20*time.Second {
			t.Errorf("waited %s, want 20s", d)
		}
		w.on("GET", "/remote-scripts/fetch-file", vals("agentId", "0123456789", "siteId", "9012345678", "signature", "01ba47", "signatureType", "SHA256"), "", 200,
			`{"data":{"downloadUrl":"https://bucket.example/rso-results/ac5?X-Amz-Signature=41","fileName":"ac5.zip"}}`)
		out, err := c.RemoteScripts.FetchOutput(ctx, tasks[0])
		if err != nil || out.FileName != "ac5.zip" || !strings.HasPrefix(out.DownloadURL, "https://bucket.example/") {
			t.Errorf("FetchOutput = %+v, %v", out, err)
		}
		w.on("GET", "/remote-scripts/status", vals("parentTaskId", "p", "status", "failed,canceled", "agentIds", "a", "limit", "20"), "", 200,
			`{"data":[`+task("failed")+`],"pagination":{"nextCursor":null,"totalItems":1}}`)
		if p, err := c.RemoteScripts.ListTasks(ctx, &TaskListOptions{ParentTaskID: "p", Statuses: []TaskStatus{TaskFailed, TaskCanceled}, AgentIDs: []string{"a"}, Paging: Paging{Limit: 20}}); err != nil || p.Items[0].Status.String() != "failed" {
			t.Errorf("Tasks = %+v, %v", p, err)
		}
	})
}

func TestExecuteNotRetriedAfterSend(t *testing.T) {
	t.Parallel()
	w := newWire(t)
	body := `{"filter":{"groupIds":["g"]},"data":{"scriptId":"s","taskDescription":"d","outputDestination":"None"}}`
	w.on("POST", "/remote-scripts/execute", nil, body, 502, `{"errors":[{"code":5020010,"title":"Bad Gateway"}]}`)
	c := newTestClient(t, w)
	run := ScriptRun{ScriptID: "s", TaskDescription: "d", OutputDestination: OutputNone}
	if _, err := c.RemoteScripts.Execute(context.Background(), AgentFilter{GroupIDs: []string{"g"}}, run, nil); !errors.Is(err, ErrServer) || w.count() != 1 {
		t.Fatalf("err = %v after %d requests, want one 502", err, w.count())
	}
	w.on("POST", "/remote-scripts/execute", nil, body, 429, `{"errors":[{"code":4290010,"title":"Too many requests"}]}`)
	w.on("POST", "/remote-scripts/execute", nil, body, 200, `{"data":{"parentTaskId":"p","affected":3}}`)
	if ex, err := c.RemoteScripts.Execute(context.Background(), AgentFilter{GroupIDs: []string{"g"}}, run, nil); err != nil || ex.ParentTaskID != "p" {
		t.Errorf("after 429: %+v, %v", ex, err)
	}
	w.on("POST", "/remote-scripts/execute", nil, `{"filter":{"ids":["404"]},"data":{"scriptId":"s","taskDescription":"d","outputDestination":"None"}}`, 200, `{"data":{"affected":0}}`)
	if _, err := c.RemoteScripts.Execute(context.Background(), AgentFilter{IDs: []string{"404"}}, run, nil); !errors.Is(err, ErrNoneAffected) {
		t.Errorf("none affected: %v", err)
	}
}

// TestOpsRateBuckets: the new calls fall in the rows of the per-path rate
// table that cover them.
func TestOpsRateBuckets(t *testing.T) {
	t.Parallel()
	p, err := newPathLimits("/web/api/v2.1", DefaultRateLimits())
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"/remote-scripts/execute":           "/remote-scripts",
		"/remote-scripts/status":            "/remote-scripts",
		"/remote-scripts/fetch-file":        "/remote-scripts",
		"/agents/12/uploads/34":             "/agents",
		"/agents/12/actions/fetch-files":    "/agents",
		"/threats/fetch-file":               "/threats",
		"/threats/1234/download-from-cloud": "/threats/{id}",
		"/restrictions":                     "",
		"/threat-intelligence/iocs":         "",
		"/exclusions":                       "",
		"/groups/1/move-agents":             "",
		"/accounts":                         "",
	}
	for path, prefix := range want {
		b, err := p.lookup("/web/api/v2.1" + path)
		if prefix == "" {
			if err == nil {
				t.Errorf("%s: limited, want none", path)
			}
			continue
		}
		wantB, _ := p.lookup("/web/api/v2.1" + strings.ReplaceAll(prefix, "{id}", "1"))
		if err != nil || b != wantB {
			t.Errorf("%s: not in the bucket of %s (%v)", path, prefix, err)
		}
	}
}

// TestDownloadAfterRotation: a download refused for a token rotated while
// it was in flight is sent again with the new token.
func TestDownloadAfterRotation(t *testing.T) {
	t.Parallel()
	mt := httpmock.NewMockTransport()
	mt.RegisterNoResponder(httpmock.NewNotFoundResponder(t.Error))
	var c *Client
	calls := 0
	mt.RegisterResponder("GET", testConsole+APIPath+"/agents/7/uploads/8", func(r *http.Request) (*http.Response, error) {
		calls++
		switch r.Header.Get("Authorization") {
		case "ApiToken " + testToken:
			c.setToken("tok-rotated-0123456789") // the rotation ends while this request is refused
			return httpmock.NewStringResponse(401, `{"errors":[{"code":4010010,"title":"Authentication Failed"}]}`), nil
		case "ApiToken tok-rotated-0123456789":
			return httpmock.NewStringResponse(200, "PK\x03\x04zip"), nil
		}
		t.Errorf("Authorization %q", r.Header.Get("Authorization"))
		return httpmock.NewStringResponse(500, ""), nil
	})
	var err error
	c, err = NewClient(testConsole, testToken, WithHTTPClient(&http.Client{Transport: mt}), WithoutRateLimits())
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if n, err := c.Files.Download(context.Background(), "7", "8", &buf); err != nil || n != 7 || calls != 2 {
		t.Fatalf("Download = %d, %v after %d calls", n, err, calls)
	}
}

// TestDownloadFromLink streams a pre-signed link of another origin without
// the API token, and keeps the link's signature out of its errors.
func TestDownloadFromLink(t *testing.T) {
	t.Parallel()
	w := newWire(t)
	c := newTestClient(t, w)
	link := "https://bucket.example/rso-results/ac5?X-Amz-Signature=41eae839d2"
	w.mt.RegisterResponder("GET", link, func(r *http.Request) (*http.Response, error) {
		if got := r.Header.Values("Authorization"); len(got) != 0 {
			t.Errorf("Authorization sent to the link's origin: %q", got)
		}
		return httpmock.NewStringResponse(200, "PK\x03\x04output"), nil
	})
	w.mt.RegisterResponder("GET", "https://bucket.example/expired?X-Amz-Signature=41eae839d2", httpmock.NewStringResponder(403, "<Error>AccessDenied</Error>"))
	ctx := context.Background()
	var buf bytes.Buffer
	if n, err := c.Files.DownloadFromLink(ctx, &DownloadLink{DownloadURL: link}, &buf); err != nil || n != 10 || buf.String() != "PK\x03\x04output" {
		t.Fatalf("DownloadFromLink = %d, %v", n, err)
	}
	_, err := c.Files.DownloadFromLink(ctx, &DownloadLink{DownloadURL: "https://bucket.example/expired?X-Amz-Signature=41eae839d2"}, &buf)
	if err == nil || !strings.Contains(err.Error(), "status 403") || strings.Contains(err.Error(), "41eae839d2") {
		t.Errorf("expired link: %v", err)
	}
	for _, bad := range []string{"http://bucket.example/x", "ftp://bucket.example/x", "https://user:pw@bucket.example/x", "/agents/1/uploads/2", ""} {
		if _, err := c.Files.DownloadFromLink(ctx, &DownloadLink{DownloadURL: bad}, &buf); err == nil || !strings.Contains(err.Error(), "not an https URL") {
			t.Errorf("%q: %v", bad, err)
		}
	}
	if _, err := c.Files.DownloadFromLink(ctx, nil, &buf); err == nil {
		t.Error("nil link accepted")
	}
}
