package sekoia_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/socgo/xdr/sekoia"
	"github.com/socgo/xdr/sekoia/sekoiatest"
)

// totalLen returns the number of bytes in evs.
func totalLen(evs [][]byte) int64 {
	var n int64
	for _, ev := range evs {
		n += int64(len(ev))
	}
	return n
}

// pushEvents returns benchEvents events of about 1 KiB.
func pushEvents() [][]byte {
	evs := make([][]byte, benchEvents)
	pad := strings.Repeat("x", 300)
	for i := range evs {
		evs[i] = fmt.Appendf(benchEvent(i)[:0:0], `{"seq":%d,"pad":%q,"ev":%s}`, i, pad, benchEvent(i))
	}
	return evs
}

func benchIntake(b *testing.B, parallelism int) {
	srv := sekoiatest.NewServer(b)
	in, err := sekoia.NewIntake(srv.IntakeKey(), sekoia.WithIntakeURL(srv.IntakeURL()), sekoia.WithIntakeParallelism(parallelism))
	if err != nil {
		b.Fatal(err)
	}
	evs := pushEvents()
	b.SetBytes(totalLen(evs))
	b.ReportAllocs()
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		ids, err := in.Push(ctx, evs)
		if err != nil || len(ids) != len(evs) {
			b.Fatal(err)
		}
		b.StopTimer()
		srv.ResetIntake()
		b.StartTimer()
	}
}

// BenchmarkIntakePush_SDK pushes 50,000 events of about 1 KiB with the
// default parallelism (4 requests at once).
func BenchmarkIntakePush_SDK(b *testing.B) { benchIntake(b, sekoia.DefaultIntakeParallelism) }

// BenchmarkIntakePush_SDKSerial is the same with one request at a time,
// like the baseline.
func BenchmarkIntakePush_SDKSerial(b *testing.B) { benchIntake(b, 1) }

// BenchmarkIntakePush_Raw is the baseline: batches of the same size built
// with encoding/json ([]string of the events), gzip-compressed at the same
// level and posted one after the other with net/http.
func BenchmarkIntakePush_Raw(b *testing.B) {
	srv := sekoiatest.NewServer(b)
	evs := pushEvents()
	b.SetBytes(totalLen(evs))
	b.ReportAllocs()
	hc := &http.Client{}
	ctx := context.Background()
	const per = sekoia.MaxIntakeBatchEvents
	b.ResetTimer()
	for b.Loop() {
		var ids []string
		for start := 0; start < len(evs); start += per {
			batch := evs[start:min(start+per, len(evs))]
			strs := make([]string, len(batch))
			for i, ev := range batch {
				strs[i] = string(ev)
			}
			body, err := json.Marshal(map[string]any{"intake_key": srv.IntakeKey(), "jsons": strs})
			if err != nil {
				b.Fatal(err)
			}
			var gz bytes.Buffer
			zw, _ := gzip.NewWriterLevel(&gz, gzip.BestSpeed)
			_, _ = zw.Write(body)
			_ = zw.Close()
			req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.IntakeURL()+"/batch", &gz)
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Content-Encoding", "gzip")
			resp, err := hc.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			var out struct {
				EventIDs []string `json:"event_ids"`
			}
			err = json.NewDecoder(resp.Body).Decode(&out)
			_ = resp.Body.Close()
			if err != nil || resp.StatusCode != 200 {
				b.Fatal(resp.StatusCode, err)
			}
			ids = append(ids, out.EventIDs...)
		}
		if len(ids) != len(evs) {
			b.Fatalf("%d ids", len(ids))
		}
		b.StopTimer()
		srv.ResetIntake()
		b.StartTimer()
	}
}
