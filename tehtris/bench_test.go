package tehtris_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/socgo/xdr/internal/vsraw"
	"github.com/socgo/xdr/tehtris"
	"github.com/socgo/xdr/tehtris/tehtristest"
)

const benchEvents = 100_000

var benchSrv = sync.OnceValues(func() (*tehtristest.Server, error) {
	srv, err := tehtristest.Start()
	if err != nil {
		return nil, err
	}
	srv.SeedEventsAt(benchEvents, time.Now().Add(-time.Hour))
	return srv, nil
})

func benchServer(b *testing.B) *tehtristest.Server {
	b.Helper()
	srv, err := benchSrv()
	if err != nil {
		b.Fatal(err)
	}
	return srv
}

// BenchmarkVsRawEventsAll walks 100,000 events, 1000 per page, with
// Events.All (sdk) and with net/http and encoding/json by hand (raw).
func BenchmarkVsRawEventsAll(b *testing.B) {
	srv := benchServer(b)
	vsraw.Run(b, benchEvents, func(b *testing.B) { benchEventsSDK(b, srv) }, func(b *testing.B) { benchEventsRaw(b, srv) })
}

func benchEventsSDK(b *testing.B, srv *tehtristest.Server) {
	c, err := srv.Client()
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	q := &tehtris.EventQuery{From: time.Now().Add(-2 * time.Hour), Limit: tehtris.MaxLimit}
	for b.Loop() {
		n := 0
		for ev, err := range c.Events.All(ctx, q) {
			if err != nil {
				b.Fatal(err)
			}
			if ev.ID != 0 {
				n++
			}
		}
		if n != benchEvents {
			b.Fatalf("%d events", n)
		}
	}
}

// rawEvent is what a hand-written client would decode into: the same
// typed fields, no raw bytes kept.
type rawEvent struct {
	ID              int64     `json:"id"`
	Time            time.Time `json:"time"`
	ApplianceID     int64     `json:"rflId"`
	Level           int       `json:"lvl"`
	Module          string    `json:"module"`
	EventName       string    `json:"eventName"`
	KnowledgeBaseID int64     `json:"egKBId"`
	Description     string    `json:"description"`
	SourceIP        string    `json:"ipSrc"`
	DestinationIP   string    `json:"ipDst"`
	AgentUUID       string    `json:"uuid__"`
	UID             string    `json:"uid"`
	Hostname        string    `json:"hostname__"`
	Domain          string    `json:"domain__"`
	OS              string    `json:"os__"`
	OSVersion       string    `json:"os_version__"`
	OSRelease       string    `json:"os_release__"`
	OSArchitecture  string    `json:"os_architecture__"`
	OSServer        bool      `json:"os_server__"`
	Tag             string    `json:"tag"`
	Tags            string    `json:"tags"`
	Path            string    `json:"path"`
	CommandLine     string    `json:"cmdline"`
	PID             *int64    `json:"pid"`
	PPID            *int64    `json:"ppid"`
	ProcessCreated  time.Time `json:"pCreateDatetime"`
	Username        *string   `json:"username"`
	SHA256          string    `json:"sha256"`
	Location        string    `json:"location"`
}

// benchEventsRaw is the baseline: the same pages with net/http and
// encoding/json, by hand.
func benchEventsRaw(b *testing.B, srv *tehtristest.Server) {
	hc := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	from := strconv.FormatInt(time.Now().Add(-2*time.Hour).Unix(), 10)
	for b.Loop() {
		to := strconv.FormatInt(time.Now().Unix(), 10)
		n := 0
		for offset := 0; ; offset += tehtris.MaxLimit {
			url := fmt.Sprintf("%s/xdr/v1/event?fromDate=%s&toDate=%s&limit=%d&offset=%d", srv.URL(), from, to, tehtris.MaxLimit, offset)
			req, err := http.NewRequest(http.MethodGet, url, nil)
			if err != nil {
				b.Fatal(err)
			}
			req.SetBasicAuth("api", srv.APIKey())
			req.Header.Set("Accept", "application/json")
			resp, err := hc.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			var page []rawEvent
			err = json.NewDecoder(resp.Body).Decode(&page)
			resp.Body.Close()
			if err != nil || resp.StatusCode != 200 {
				b.Fatal(resp.StatusCode, err)
			}
			n += len(page)
			if len(page) < tehtris.MaxLimit {
				break
			}
		}
		if n != benchEvents {
			b.Fatalf("%d events", n)
		}
	}
}

// BenchmarkDecodeEvents decodes one page of 1000 events in memory.
func BenchmarkDecodeEvents(b *testing.B) {
	srv := benchServer(b)
	hc := &http.Client{}
	req, _ := http.NewRequest(http.MethodGet, srv.URL()+"/xdr/v1/event?limit=1000&offset=0", nil)
	req.SetBasicAuth("api", srv.APIKey())
	resp, err := hc.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	var body json.RawMessage
	err = json.NewDecoder(resp.Body).Decode(&body)
	resp.Body.Close()
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		evs, err := tehtris.DecodeEvents(body)
		if err != nil || len(evs) != 1000 {
			b.Fatal(len(evs), err)
		}
	}
}
