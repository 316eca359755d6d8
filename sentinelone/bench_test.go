package sentinelone_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/socgo/xdr/sentinelone"
	"github.com/socgo/xdr/sentinelone/sentinelonetest"
)

const benchActivities = 100_000

// benchServer is one fake console holding 100,000 activities, shared by
// the SDK benchmark and its raw baseline.
var benchServer = sync.OnceValue(func() *sentinelonetest.Server {
	srv, err := sentinelonetest.Start()
	if err != nil {
		panic(err)
	}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range benchActivities / 100 {
		srv.SeedActivitiesAt(100, t0.Add(time.Duration(i)*time.Second))
	}
	return srv
})

// BenchmarkActivitiesAll_SDK pages through 100,000 activities (limit 1000)
// with Activities.All.
func BenchmarkActivitiesAll_SDK(b *testing.B) {
	opts := &sentinelone.ActivityListOptions{Paging: sentinelone.Paging{Limit: 1000}}
	benchSDK(b, benchServer(), benchActivities, "activities",
		func(ctx context.Context, c *sentinelone.Client) iter.Seq2[sentinelone.Activity, error] {
			return c.Activities.All(ctx, opts)
		},
		func(a sentinelone.Activity) error {
			if a.ID == "" {
				return errors.New("no id")
			}
			return nil
		})
}

// benchSDK is the body of a _SDK benchmark: with a client of srv, it runs
// all to the end, checks every item, and fails unless want items came.
func benchSDK[T any](b *testing.B, srv *sentinelonetest.Server, want int, noun string, all func(context.Context, *sentinelone.Client) iter.Seq2[T, error], check func(T) error) {
	c, err := sentinelone.NewClient(srv.URL(), srv.APIToken(), sentinelone.WithoutRateLimits())
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
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
			b.Fatalf("%d %s", n, noun)
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
	benchRaw(b, benchServer(), "/activities", benchActivities, "activities", func(rawActivity) error { return nil })
}

// benchRaw is the body of a _Raw benchmark: it pages through path of srv
// (limit 1000, following nextCursor) with net/http, decodes each page's
// data as []T with encoding/json, checks every item, and fails unless want
// items came.
func benchRaw[T any](b *testing.B, srv *sentinelonetest.Server, path string, want int, noun string, check func(T) error) {
	hc := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	base := srv.URL() + sentinelone.APIPath + path
	b.ReportAllocs()
	for b.Loop() {
		n, cursor := 0, ""
		for {
			q := url.Values{"limit": {"1000"}}
			if cursor != "" {
				q.Set("cursor", cursor)
			}
			req, _ := http.NewRequest(http.MethodGet, base+"?"+q.Encode(), nil)
			req.Header.Set("Authorization", "ApiToken "+srv.APIToken())
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
			b.Fatal(fmt.Sprint(n, " ", noun))
		}
	}
}

const benchThreats = 10_000

// benchThreatServer is one fake console holding 10,000 threats, shared by
// the SDK threat benchmark and its raw baseline.
var benchThreatServer = sync.OnceValue(func() *sentinelonetest.Server {
	srv, err := sentinelonetest.Start()
	if err != nil {
		panic(err)
	}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range benchThreats {
		srv.AddThreat(fmt.Sprintf("sample%d.exe", i), t0.Add(time.Duration(i)*time.Second), "1681212101432395267")
	}
	return srv
})

// BenchmarkThreatsAll_SDK pages through 10,000 threats (limit 1000) with
// Threats.All.
func BenchmarkThreatsAll_SDK(b *testing.B) {
	opts := &sentinelone.ThreatListOptions{Paging: sentinelone.Paging{Limit: 1000}}
	benchSDK(b, benchThreatServer(), benchThreats, "threats",
		func(ctx context.Context, c *sentinelone.Client) iter.Seq2[sentinelone.Threat, error] {
			return c.Threats.All(ctx, opts)
		},
		func(t sentinelone.Threat) error {
			if t.ID == "" || t.CreatedAt().IsZero() {
				return errors.New("no id or time")
			}
			return nil
		})
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
	benchRaw(b, benchThreatServer(), "/threats", benchThreats, "threats", func(raw json.RawMessage) error {
		var t rawThreat
		if err := json.Unmarshal(raw, &t); err != nil || t.ID == "" || t.ThreatInfo.CreatedAt.IsZero() {
			return fmt.Errorf("threat %v", err)
		}
		return nil
	})
}
