package sekoia_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/socgo/xdr/internal/vsraw"
	"github.com/socgo/xdr/sekoia"
	"github.com/socgo/xdr/sekoia/sekoiatest"
)

const benchAlerts = 10_000

// alertBench is the loopback server both sides of BenchmarkVsRawAlertsAll
// read: it answers every query from memory with the bytes the fake gave
// for it, fetched once beforehand (one pass of Alerts.All and one of the
// raw loop), so that the figures measure the clients, not the fake's
// filtering and sorting of its alerts on every request.
type alertBench struct {
	url, key string
}

var alertReplay = sync.OnceValue(func() alertBench {
	srv, err := sekoiatest.Start()
	if err != nil {
		panic(err)
	}
	srv.SeedAlerts(benchAlerts)
	var mu sync.Mutex
	pages := map[string][]byte{}
	recording := true
	rs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		body, ok := pages[r.URL.RawQuery]
		rec := recording
		mu.Unlock()
		if !ok && rec {
			req, _ := http.NewRequest(http.MethodGet, srv.URL()+r.URL.RequestURI(), nil)
			req.Header.Set("Authorization", r.Header.Get("Authorization"))
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadGateway)
				return
			}
			body, err = io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil || resp.StatusCode != http.StatusOK {
				http.Error(w, fmt.Sprint(resp.StatusCode, err), http.StatusBadGateway)
				return
			}
			mu.Lock()
			pages[r.URL.RawQuery] = body
			mu.Unlock()
			ok = true
		}
		if !ok {
			http.Error(w, "query not recorded: "+r.URL.RawQuery, http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	}))
	ab := alertBench{url: rs.URL, key: srv.APIKey()}
	// Record: one pass of each side.
	c, err := sekoia.NewClient(ab.key, sekoia.WithBaseURL(ab.url))
	if err != nil {
		panic(err)
	}
	for _, err := range c.Alerts.All(context.Background(), &sekoia.AlertListOptions{Limit: 100}) {
		if err != nil {
			panic(err)
		}
	}
	if n, err := rawAlertPass(http.DefaultClient, ab); err != nil || n != benchAlerts {
		panic(fmt.Sprint(n, err))
	}
	mu.Lock()
	recording = false
	mu.Unlock()
	return ab
})

// BenchmarkVsRawAlertsAll pages through 10,000 alerts, 100 per request,
// with Alerts.All (sdk) and with net/http and encoding/json by hand (raw).
func BenchmarkVsRawAlertsAll(b *testing.B) {
	ab := alertReplay()
	vsraw.Run(b, benchAlerts, func(b *testing.B) { benchAlertsSDK(b, ab) }, func(b *testing.B) { benchAlertsRaw(b, ab) })
}

func benchAlertsSDK(b *testing.B, ab alertBench) {
	c, err := sekoia.NewClient(ab.key, sekoia.WithBaseURL(ab.url))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for b.Loop() {
		n := 0
		for a, err := range c.Alerts.All(ctx, &sekoia.AlertListOptions{Limit: 100}) {
			if err != nil {
				b.Fatal(err)
			}
			if a.UUID == "" {
				b.Fatal("empty alert")
			}
			n++
		}
		if n != benchAlerts {
			b.Fatalf("%d alerts", n)
		}
	}
}

// rawAlert is what a hand-written client decodes: the same fields as
// sekoia.Alert, with the times left in their wire forms.
type rawAlert struct {
	UUID          string `json:"uuid"`
	ShortID       string `json:"short_id"`
	Title         string `json:"title"`
	Description   string `json:"description"`
	Details       string `json:"details"`
	CreatedAt     int64  `json:"created_at"`
	CreatedBy     string `json:"created_by"`
	CreatedByType string `json:"created_by_type"`
	UpdatedAt     int64  `json:"updated_at"`
	UpdatedBy     string `json:"updated_by"`
	UpdatedByType string `json:"updated_by_type"`
	FirstSeenAt   string `json:"first_seen_at"`
	LastSeenAt    string `json:"last_seen_at"`
	CommunityUUID string `json:"community_uuid"`
	Entity        *struct {
		UUID string `json:"uuid"`
		Name string `json:"name"`
	} `json:"entity"`
	Urgency struct {
		CurrentValue int    `json:"current_value"`
		Value        int    `json:"value"`
		Severity     int    `json:"severity"`
		Criticity    int    `json:"criticity"`
		Display      string `json:"display"`
	} `json:"urgency"`
	AlertType struct {
		Category string `json:"category"`
		Value    string `json:"value"`
	} `json:"alert_type"`
	Status struct {
		UUID        string `json:"uuid"`
		Name        string `json:"name"`
		Description string `json:"description"`
	} `json:"status"`
	CustomStatusUUID string          `json:"custom_status_uuid"`
	CustomStatus     json.RawMessage `json:"custom_status"`
	VerdictUUID      string          `json:"verdict_uuid"`
	Verdict          json.RawMessage `json:"verdict"`
	Assignee         string          `json:"assignee"`
	Rule             struct {
		UUID        string `json:"uuid"`
		Name        string `json:"name"`
		Description string `json:"description"`
		Severity    int    `json:"severity"`
		Type        string `json:"type"`
		Pattern     string `json:"pattern"`
	} `json:"rule"`
	DetectionType string `json:"detection_type"`
	Source        string `json:"source"`
	Target        string `json:"target"`
	Similar       int    `json:"similar"`
	TTPs          []struct {
		ID, Type, Name, Description string
	} `json:"ttps"`
	Adversaries []struct {
		ID, Type, Name, Description string
	} `json:"adversaries"`
	KillChainShortID       string          `json:"kill_chain_short_id"`
	STIX                   json.RawMessage `json:"stix"`
	NumberOfUnseenComments int             `json:"number_of_unseen_comments"`
	NumberOfTotalComments  int             `json:"number_of_total_comments"`
	Assets                 []string        `json:"assets"`
	IntakeUUIDs            []string        `json:"intake_uuids"`
	TimeToDetect           *float64        `json:"time_to_detect"`
	TimeToAcknowledge      *float64        `json:"time_to_acknowledge"`
	TimeToRespond          *float64        `json:"time_to_respond"`
	TimeToResolve          *float64        `json:"time_to_resolve"`
	Cases                  json.RawMessage `json:"cases"`
	CustomFields           json.RawMessage `json:"custom_fields"`
}

// benchAlertsRaw is the baseline: the same pages with net/http and
// encoding/json, sequentially, without the SDK.
func benchAlertsRaw(b *testing.B, ab alertBench) {
	hc := &http.Client{}
	for b.Loop() {
		if n, err := rawAlertPass(hc, ab); err != nil || n != benchAlerts {
			b.Fatalf("%d alerts: %v", n, err)
		}
	}
}

// rawAlertPass reads every page once by offset and returns the number of
// alerts.
func rawAlertPass(hc *http.Client, ab alertBench) (int, error) {
	n := 0
	for offset := 0; ; offset += 100 {
		req, _ := http.NewRequest(http.MethodGet, fmt.Sprintf("%s/v1/sic/alerts?limit=100&offset=%d&with_count=false", ab.url, offset), nil)
		req.Header.Set("Authorization", "Bearer "+ab.key)
		resp, err := hc.Do(req)
		if err != nil {
			return n, err
		}
		var page struct {
			Items   []rawAlert `json:"items"`
			HasMore bool       `json:"has_more"`
		}
		err = json.NewDecoder(resp.Body).Decode(&page)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			return n, fmt.Errorf("status %d: %v", resp.StatusCode, err)
		}
		n += len(page.Items)
		if !page.HasMore {
			return n, nil
		}
	}
}
