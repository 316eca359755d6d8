package tehtris

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/jarcoal/httpmock"

	"github.com/socgo/xdr/checkpoint"
)

// TestCollectorDefaultPaceSynctest runs a cycle of three pages on the fake
// clock: with the default 5 requests per minute (no burst) the second and
// third pages wait 12s each, and the requests carry the window's bounds.
func TestCollectorDefaultPaceSynctest(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		c, mt := mock(t)
		start := time.Now().Add(-time.Hour).Truncate(time.Second)
		var offsets []string
		var stamps []time.Duration
		t0 := time.Now()
		mt.RegisterResponder(http.MethodGet, base+"/xdr/v1/event", func(req *http.Request) (*http.Response, error) {
			q := req.URL.Query()
			offsets = append(offsets, q.Get("offset"))
			stamps = append(stamps, time.Since(t0))
			if q.Get("fromDate") != strconv.FormatInt(start.Unix(), 10) || q.Get("toDate") != strconv.FormatInt(t0.Unix()+1, 10) || q.Get("limit") != "10" {
				t.Errorf("query %v", q)
			}
			off, _ := strconv.Atoi(q.Get("offset"))
			n := min(10, 25-off)
			evs := make([]string, 0, n)
			for i := range n {
				id := 100 + off + i
				ts := start.Add(time.Duration(id) * time.Second).UTC().Format(TimeLayout)
				evs = append(evs, evJSON(id, ts))
			}
			return httpmock.NewStringResponse(200, "["+strings.Join(evs, ",")+"]"), nil
		})
		var got int
		col, err := c.EventCollector(CollectorConfig{Store: &checkpoint.Memory{}, PageSize: 10, Start: start}, func(_ context.Context, evs []Event) error {
			got += len(evs)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		n, err := col.RunOnce(context.Background())
		if err != nil || n != 25 || got != 25 {
			t.Fatalf("RunOnce: %d %v (handled %d)", n, err, got)
		}
		if strings.Join(offsets, ",") != "0,10,20" {
			t.Errorf("offsets %v", offsets)
		}
		want := []time.Duration{0, 12 * time.Second, 24 * time.Second}
		for i := range want {
			if stamps[i] != want[i] {
				t.Errorf("request %d at %s, want %s", i, stamps[i], want[i])
			}
		}
	})
}
