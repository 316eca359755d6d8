package sentinelone_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/socgo/xdr/sentinelone"
	"github.com/socgo/xdr/sentinelone/sentinelonetest"
)

const benchActivities = 100_000

var (
	benchOnce sync.Once
	benchSrv  *sentinelonetest.Server
)

// benchServer is one fake console holding 100,000 activities, shared by
// the SDK benchmark and its raw baseline.
func benchServer() *sentinelonetest.Server {
	benchOnce.Do(func() {
		benchSrv = sentinelonetest.Start()
		t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		for i := range benchActivities / 100 {
			benchSrv.AppendActivities(100, t0.Add(time.Duration(i)*time.Second))
		}
	})
	return benchSrv
}

// BenchmarkActivitiesAll_SDK pages through 100,000 activities (limit 1000)
// with Activities.All.
func BenchmarkActivitiesAll_SDK(b *testing.B) {
	srv := benchServer()
	c, err := sentinelone.NewClient(srv.URL(), srv.Token(), sentinelone.WithoutRateLimits())
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	opts := &sentinelone.ActivityListOptions{Paging: sentinelone.Paging{Limit: 1000}}
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		for a, err := range c.Activities.All(ctx, opts) {
			if err != nil {
				b.Fatal(err)
			}
			if a.ID == "" {
				b.Fatal("no id")
			}
			n++
		}
		if n != benchActivities {
			b.Fatalf("%d activities", n)
		}
	}
}

// rawActivity is what the baseline decodes: the fields a program reads,
// and the data object kept raw.
type rawActivity struct {
	ID           string          `json:"id"`
	ActivityType int             `json:"activityType"`
	CreatedAt    time.Time       `json:"createdAt"`
	AgentID      string          `json:"agentId"`
	Data         json.RawMessage `json:"data"`
}

// BenchmarkActivitiesAll_Raw is the baseline: a hand-written net/http +
// encoding/json loop over the same server and pages.
func BenchmarkActivitiesAll_Raw(b *testing.B) {
	srv := benchServer()
	hc := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	base := srv.URL() + sentinelone.APIPath + "/activities"
	b.ReportAllocs()
	for b.Loop() {
		n, cursor := 0, ""
		for {
			q := url.Values{"limit": {"1000"}}
			if cursor != "" {
				q.Set("cursor", cursor)
			}
			req, _ := http.NewRequest(http.MethodGet, base+"?"+q.Encode(), nil)
			req.Header.Set("Authorization", "ApiToken "+srv.Token())
			resp, err := hc.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			var page struct {
				Data       []rawActivity `json:"data"`
				Pagination struct {
					NextCursor *string `json:"nextCursor"`
				} `json:"pagination"`
			}
			err = json.NewDecoder(resp.Body).Decode(&page)
			resp.Body.Close()
			if err != nil || resp.StatusCode != 200 {
				b.Fatal(resp.StatusCode, err)
			}
			n += len(page.Data)
			if page.Pagination.NextCursor == nil {
				break
			}
			cursor = *page.Pagination.NextCursor
		}
		if n != benchActivities {
			b.Fatal(fmt.Sprint(n, " activities"))
		}
	}
}

const benchThreats = 10_000

var (
	benchThreatOnce sync.Once
	benchThreatSrv  *sentinelonetest.Server
)

// benchThreatServer is one fake console holding 10,000 threats, shared by
// the SDK threat benchmark and its raw baseline.
func benchThreatServer() *sentinelonetest.Server {
	benchThreatOnce.Do(func() {
		benchThreatSrv = sentinelonetest.Start()
		t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		for i := range benchThreats {
			benchThreatSrv.AppendThreat(fmt.Sprintf("sample%d.exe", i), t0.Add(time.Duration(i)*time.Second), "1681212101432395267")
		}
	})
	return benchThreatSrv
}

// BenchmarkThreatsAll_SDK pages through 10,000 threats (limit 1000) with
// Threats.All.
func BenchmarkThreatsAll_SDK(b *testing.B) {
	srv := benchThreatServer()
	c, err := sentinelone.NewClient(srv.URL(), srv.Token(), sentinelone.WithoutRateLimits())
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	opts := &sentinelone.ThreatListOptions{Paging: sentinelone.Paging{Limit: 1000}}
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		for t, err := range c.Threats.All(ctx, opts) {
			if err != nil {
				b.Fatal(err)
			}
			if t.ID == "" || t.CreatedAt().IsZero() {
				b.Fatal("no id or time")
			}
			n++
		}
		if n != benchThreats {
			b.Fatalf("%d threats", n)
		}
	}
}

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

// BenchmarkThreatsAll_Raw is the threat baseline: a hand-written net/http
// + encoding/json loop over the same server and pages, keeping each
// threat's bytes as the SDK does.
func BenchmarkThreatsAll_Raw(b *testing.B) {
	srv := benchThreatServer()
	hc := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	base := srv.URL() + sentinelone.APIPath + "/threats"
	b.ReportAllocs()
	for b.Loop() {
		n, cursor := 0, ""
		for {
			q := url.Values{"limit": {"1000"}}
			if cursor != "" {
				q.Set("cursor", cursor)
			}
			req, _ := http.NewRequest(http.MethodGet, base+"?"+q.Encode(), nil)
			req.Header.Set("Authorization", "ApiToken "+srv.Token())
			resp, err := hc.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			var page struct {
				Data       []json.RawMessage `json:"data"`
				Pagination struct {
					NextCursor *string `json:"nextCursor"`
				} `json:"pagination"`
			}
			err = json.NewDecoder(resp.Body).Decode(&page)
			resp.Body.Close()
			if err != nil || resp.StatusCode != 200 {
				b.Fatal(resp.StatusCode, err)
			}
			for _, raw := range page.Data {
				var t rawThreat
				if err := json.Unmarshal(raw, &t); err != nil || t.ID == "" || t.ThreatInfo.CreatedAt.IsZero() {
					b.Fatal("threat", err)
				}
				n++
			}
			if page.Pagination.NextCursor == nil {
				break
			}
			cursor = *page.Pagination.NextCursor
		}
		if n != benchThreats {
			b.Fatal(fmt.Sprint(n, " threats"))
		}
	}
}
