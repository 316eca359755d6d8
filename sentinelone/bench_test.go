package sentinelone_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/socgo/xdr/internal/vsraw"
	"github.com/socgo/xdr/sentinelone"
	"github.com/socgo/xdr/sentinelone/sentinelonetest"
)

// The list benchmarks are comparisons, BenchmarkVsRaw<Path>, each with two
// sub-benchmarks over the same pre-serialised pages served on loopback:
// sdk pages through the list with the client's All, raw with a
// hand-written net/http + encoding/json loop decoding the same fields
// (go run ./internal/benchtable prints their ratios).

// benchToken is the token of the replay servers (which do not check it).
const benchToken = "bench-token-0123456789abcdef"

// replayServer serves recorded list pages: GET <path> answers pages[""]
// without a cursor and pages[c] with cursor=c; other query parameters are
// ignored.
func replayServer(pages map[string][]byte) *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := pages[r.URL.Query().Get("cursor")]
		if !ok {
			http.Error(w, `{"errors":[{"code":4000010,"title":"Validation Error"}]}`, http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		_, _ = w.Write(body)
	}))
}

// record reads every page of path from the fake srv (limit 1000, following
// nextCursor) and returns a replay server of those pages.
func record(srv *sentinelonetest.Server, path string) *httptest.Server {
	pages := map[string][]byte{}
	cursor := ""
	for {
		q := url.Values{"limit": {"1000"}}
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		req, _ := http.NewRequest(http.MethodGet, srv.URL()+sentinelone.APIPath+path+"?"+q.Encode(), nil)
		req.Header.Set("Authorization", "ApiToken "+srv.APIToken())
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			panic(err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			panic(fmt.Sprint(resp.StatusCode, err))
		}
		pages[cursor] = body
		var pg struct {
			Pagination struct {
				NextCursor *string `json:"nextCursor"`
			} `json:"pagination"`
		}
		if err := json.Unmarshal(body, &pg); err != nil {
			panic(err)
		}
		if pg.Pagination.NextCursor == nil {
			return replayServer(pages)
		}
		cursor = *pg.Pagination.NextCursor
	}
}

// compare runs the comparison of a list of n items: sdk pages through it
// with all and checks each item, raw pages through rawPath of the same
// server with encoding/json, decoding each item as R, and checks it.
func compare[T, R any](b *testing.B, base string, n int, all func(context.Context, *sentinelone.Client) iter.Seq2[T, error], check func(T) error, rawPath string, rawCheck func(R) error) {
	vsraw.Run(b, n, func(b *testing.B) { benchSDK(b, base, n, all, check) }, func(b *testing.B) { benchRaw(b, base, rawPath, n, rawCheck) })
}

// benchSDK is the body of an sdk sub-benchmark: with a client of the
// server at base, it runs all to the end, checks every item, and fails
// unless want items came.
func benchSDK[T any](b *testing.B, base string, want int, all func(context.Context, *sentinelone.Client) iter.Seq2[T, error], check func(T) error) {
	c, err := sentinelone.NewClient(base, benchToken, sentinelone.WithoutRateLimits())
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for b.Loop() {
		n := 0
		for v, err := range all(ctx, c) {
			if err != nil {
				b.Fatal(err)
			}
			if err := check(v); err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != want {
			b.Fatalf("%d items, want %d", n, want)
		}
	}
}

// benchRaw is the body of a raw sub-benchmark: it pages through path of
// the server at base (limit 1000, following nextCursor) with net/http,
// decodes each page's data as []T with encoding/json, checks every item,
// and fails unless want items came.
func benchRaw[T any](b *testing.B, base, path string, want int, check func(T) error) {
	hc := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	u := base + sentinelone.APIPath + path
	for b.Loop() {
		n, cursor := 0, ""
		for {
			q := url.Values{"limit": {"1000"}}
			if cursor != "" {
				q.Set("cursor", cursor)
			}
			req, _ := http.NewRequest(http.MethodGet, u+"?"+q.Encode(), nil)
			req.Header.Set("Authorization", "ApiToken "+benchToken)
			resp, err := hc.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			var page struct {
				Data       []T `json:"data"`
				Pagination struct {
					NextCursor *string `json:"nextCursor"`
				} `json:"pagination"`
			}
			err = json.NewDecoder(resp.Body).Decode(&page)
			resp.Body.Close()
			if err != nil || resp.StatusCode != 200 {
				b.Fatal(resp.StatusCode, err)
			}
			for _, v := range page.Data {
				if err := check(v); err != nil {
					b.Fatal(err)
				}
				n++
			}
			if page.Pagination.NextCursor == nil {
				break
			}
			cursor = *page.Pagination.NextCursor
		}
		if n != want {
			b.Fatalf("%d items, want %d", n, want)
		}
	}
}

const benchActivities = 100_000

// activityReplay serves 100,000 activities recorded from the fake console.
var activityReplay = sync.OnceValue(func() *httptest.Server {
	srv, err := sentinelonetest.Start()
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range benchActivities / 100 {
		srv.SeedActivitiesAt(100, t0.Add(time.Duration(i)*time.Second))
	}
	return record(srv, "/activities")
})

// rawActivity is what the activity baseline decodes: the fields a program
// reads, and the data object kept raw.
type rawActivity struct {
	ID           string          `json:"id"`
	ActivityType int             `json:"activityType"`
	CreatedAt    time.Time       `json:"createdAt"`
	AgentID      string          `json:"agentId"`
	Data         json.RawMessage `json:"data"`
}

// BenchmarkVsRawActivitiesAll pages through 100,000 activities (limit
// 1000) with Activities.All and with the baseline.
func BenchmarkVsRawActivitiesAll(b *testing.B) {
	base := activityReplay().URL
	opts := &sentinelone.ActivityListOptions{Paging: sentinelone.Paging{Limit: 1000}}
	compare(b, base, benchActivities,
		func(ctx context.Context, c *sentinelone.Client) iter.Seq2[sentinelone.Activity, error] {
			return c.Activities.All(ctx, opts)
		},
		func(a sentinelone.Activity) error {
			if a.ID == "" || a.CreatedAt.IsZero() {
				return errors.New("no id or time")
			}
			return nil
		}, "/activities", func(a rawActivity) error {
			if a.ID == "" || a.CreatedAt.IsZero() {
				return errors.New("no id or time")
			}
			return nil
		})
}

const benchThreats = 10_000

// threatReplay serves 10,000 threats recorded from the fake console.
var threatReplay = sync.OnceValue(func() *httptest.Server {
	srv, err := sentinelonetest.Start()
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range benchThreats {
		srv.AddThreat(fmt.Sprintf("sample%d.exe", i), t0.Add(time.Duration(i)*time.Second), "1681212101432395267")
	}
	return record(srv, "/threats")
})

// rawThreat is what the threat baseline decodes: the fields a program
// reads, and the whole object kept raw.
type rawThreat struct {
	ID         string `json:"id"`
	ThreatInfo struct {
		ThreatName       string    `json:"threatName"`
		CreatedAt        time.Time `json:"createdAt"`
		ConfidenceLevel  string    `json:"confidenceLevel"`
		MitigationStatus string    `json:"mitigationStatus"`
	} `json:"threatInfo"`
	AgentRealtimeInfo struct {
		AgentComputerName string `json:"agentComputerName"`
	} `json:"agentRealtimeInfo"`
}

// BenchmarkVsRawThreatsAll pages through 10,000 threats (limit 1000) with
// Threats.All and with the baseline, which keeps each threat's bytes as
// the SDK does.
func BenchmarkVsRawThreatsAll(b *testing.B) {
	base := threatReplay().URL
	opts := &sentinelone.ThreatListOptions{Paging: sentinelone.Paging{Limit: 1000}}
	compare(b, base, benchThreats,
		func(ctx context.Context, c *sentinelone.Client) iter.Seq2[sentinelone.Threat, error] {
			return c.Threats.All(ctx, opts)
		},
		func(t sentinelone.Threat) error {
			if t.ID == "" || t.CreatedAt().IsZero() {
				return errors.New("no id or time")
			}
			return nil
		}, "/threats", func(raw json.RawMessage) error {
			var t rawThreat
			if err := json.Unmarshal(raw, &t); err != nil || t.ID == "" || t.ThreatInfo.CreatedAt.IsZero() {
				return fmt.Errorf("threat %v", err)
			}
			return nil
		})
}

const (
	benchAgents         = 100_000
	benchAgentsDistinct = 10 // distinct pages of 1000 agents, served in turn
)

// agentReplay serves 100,000 agents (1000 per page, the same ten pages of
// data in turn, each with its own cursor).
var agentReplay = sync.OnceValue(func() *httptest.Server {
	var data [benchAgentsDistinct][]byte
	for p := range data {
		a := []byte{'['}
		for i := range 1000 {
			if i > 0 {
				a = append(a, ',')
			}
			a = append(a, sentinelone.BenchAgentJSON(p*1000+i)...)
		}
		data[p] = append(a, ']')
	}
	pages := map[string][]byte{}
	for p := range benchAgents / 1000 {
		next := "null"
		if p+1 < benchAgents/1000 {
			next = `"c` + strconv.Itoa(p+1) + `"`
		}
		cursor := ""
		if p > 0 {
			cursor = "c" + strconv.Itoa(p)
		}
		body := append([]byte(`{"data":`), data[p%benchAgentsDistinct]...)
		pages[cursor] = append(body, `,"pagination":{"nextCursor":`+next+`,"totalItems":`+strconv.Itoa(benchAgents)+`}}`...)
	}
	return replayServer(pages)
})

// rawAgent is what the agent baseline decodes: the fields of
// sentinelone.Agent.
type rawAgent struct {
	ID                   string `json:"id"`
	UUID                 string `json:"uuid"`
	ComputerName         string `json:"computerName"`
	Domain               string `json:"domain"`
	NetworkStatus        string `json:"networkStatus"`
	IsActive             bool   `json:"isActive"`
	Infected             bool   `json:"infected"`
	ActiveThreats        int    `json:"activeThreats"`
	IsDecommissioned     bool   `json:"isDecommissioned"`
	IsUninstalled        bool   `json:"isUninstalled"`
	OSType               string `json:"osType"`
	OSName               string `json:"osName"`
	OSRevision           string `json:"osRevision"`
	AgentVersion         string `json:"agentVersion"`
	MachineType          string `json:"machineType"`
	MitigationMode       string `json:"mitigationMode"`
	ScanStatus           string `json:"scanStatus"`
	ExternalIP           string `json:"externalIp"`
	LastIPToMgmt         string `json:"lastIpToMgmt"`
	LastLoggedInUserName string `json:"lastLoggedInUserName"`
	NetworkInterfaces    []struct {
		ID       string   `json:"id"`
		Name     string   `json:"name"`
		Inet     []string `json:"inet"`
		Inet6    []string `json:"inet6"`
		Physical string   `json:"physical"`
	} `json:"networkInterfaces"`
	AccountID      string    `json:"accountId"`
	AccountName    string    `json:"accountName"`
	SiteID         string    `json:"siteId"`
	SiteName       string    `json:"siteName"`
	GroupID        string    `json:"groupId"`
	GroupName      string    `json:"groupName"`
	LastActiveDate time.Time `json:"lastActiveDate"`
	RegisteredAt   time.Time `json:"registeredAt"`
	CreatedAt      time.Time `json:"createdAt"`
	UpdatedAt      time.Time `json:"updatedAt"`
}

// BenchmarkVsRawAgentsAll pages through 100,000 agents of about 2.4 KiB
// (limit 1000) with Agents.All and with the baseline.
func BenchmarkVsRawAgentsAll(b *testing.B) {
	base := agentReplay().URL
	opts := &sentinelone.AgentListOptions{Paging: sentinelone.Paging{Limit: 1000}}
	compare(b, base, benchAgents,
		func(ctx context.Context, c *sentinelone.Client) iter.Seq2[sentinelone.Agent, error] {
			return c.Agents.All(ctx, opts)
		},
		func(a sentinelone.Agent) error {
			if a.ID == "" || a.CreatedAt.IsZero() {
				return errors.New("no id or time")
			}
			return nil
		}, "/agents", func(a rawAgent) error {
			if a.ID == "" || a.CreatedAt.IsZero() {
				return errors.New("no id or time")
			}
			return nil
		})
}
