package sekoia_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/socgo/xdr/internal/vsraw"
	"github.com/socgo/xdr/sekoia"
	"github.com/socgo/xdr/sekoia/sekoiatest"
)

const benchEvents = 50_000

// benchEvent renders a realistic flat event of about 700 bytes.
func benchEvent(i int) []byte {
	return fmt.Appendf(nil, `{"__event_id":"ZXZlbnRzLTUyYmQwNDVmLTQxOTktNDM2MS04MjY3LW%08d","timestamp":"2026-03-01T12:%02d:%02d.652Z","message":"{\"cmd\":\"powershell -enc SQBFAFgA\"}","event.id":"0b83c211-6e79-4a28-%012d","event.dialect":"sekoia.io endpoint agent","event.category":"process","action.id":1,"process.pid":%d,"process.command_line":"C:\\Windows\\System32\\cmd.exe /c whoami","host.name":"laptop-%d","user.name":"joe.done","source.ip":"10.0.%d.%d","sekoiaio.intake.uuid":"834a2d7f-3623-4b26-9d2c-1f6e2a3b4c5d","sekoiaio.intake.parsing_status":"success","sekoiaio.tags.related.ip":["rfc5735","rfc1918"],"sekoiaio.any_asset.uuid":[["85dbcf0f-cc30-421e"],["9d99b786-6eaf-46d7"]]}`,
		i, (i/60)%60, i%60, i, 1000+i%30000, i%50, i%256, i/256%256)
}

// doneJob starts a fake with benchEvents events and a finished job over
// them.
func doneJob(b *testing.B) (*sekoiatest.Server, *sekoia.Client, string) {
	b.Helper()
	srv := sekoiatest.NewServer(b)
	evs := make([][]byte, benchEvents)
	for i := range evs {
		evs[i] = benchEvent(i)
	}
	if err := srv.AddEvents(evs...); err != nil {
		b.Fatal(err)
	}
	srv.SetSearchProgress(0, 0)
	c, err := srv.Client()
	if err != nil {
		b.Fatal(err)
	}
	job, err := c.Events.Search(context.Background(), sekoia.SearchQuery{Term: "*", Earliest: sekoia.AbsoluteTime(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC))}, nil)
	if err != nil {
		b.Fatal(err)
	}
	return srv, c, job.UUID
}

// BenchmarkVsRawSearchResults reads 50,000 events in pages of 1000 with
// Results (sdk, prefetching the next page) and with net/http and
// encoding/json by hand (raw).
func BenchmarkVsRawSearchResults(b *testing.B) {
	srv, c, uuid := doneJob(b)
	vsraw.Run(b, benchEvents, func(b *testing.B) { benchResultsSDK(b, c, uuid) }, func(b *testing.B) { benchResultsRaw(b, srv, uuid) })
}

// benchResultsSDK reads every event with Results and checks each.
func benchResultsSDK(b *testing.B, c *sekoia.Client, uuid string) {
	ctx := context.Background()
	for b.Loop() {
		n := 0
		for ev, err := range c.Events.AllResults(ctx, uuid, &sekoia.ResultsOptions{Limit: 1000}) {
			if err != nil {
				b.Fatal(err)
			}
			if len(ev.Raw) == 0 {
				b.Fatal("empty event")
			}
			n++
		}
		if n != benchEvents {
			b.Fatalf("%d events", n)
		}
	}
}

// benchResultsRaw is the baseline: the same pages fetched with net/http
// one after the other and decoded by encoding/json into json.RawMessage
// items (the cheapest decoding that keeps each event).
func benchResultsRaw(b *testing.B, srv *sekoiatest.Server, uuid string) {
	ctx := context.Background()
	hc := &http.Client{}
	for b.Loop() {
		n := 0
		for offset := 0; ; offset += 1000 {
			u := srv.URL() + "/v1/sic/conf/events/search/jobs/" + uuid + "/events?limit=1000&offset=" + strconv.Itoa(offset)
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
			req.Header.Set("Authorization", "Bearer "+srv.APIKey())
			resp, err := hc.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			var page struct {
				Items []json.RawMessage `json:"items"`
				Total int               `json:"total"`
			}
			err = json.NewDecoder(resp.Body).Decode(&page)
			_ = resp.Body.Close()
			if err != nil {
				b.Fatal(err)
			}
			n += len(page.Items)
			if len(page.Items) < 1000 {
				break
			}
		}
		if n != benchEvents {
			b.Fatalf("%d events", n)
		}
	}
}
