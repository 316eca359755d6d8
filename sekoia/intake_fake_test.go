package sekoia_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/socgo/xdr/sekoia"
	"github.com/socgo/xdr/sekoia/sekoiatest"
)

// fakeIntake returns a fake server and an intake client on it whose traffic
// is checked against the spec.
func fakeIntake(t *testing.T, opts ...sekoia.Option) (*sekoiatest.Server, *sekoia.Intake) {
	t.Helper()
	srv := sekoiatest.NewServer(t)
	opts = append([]sekoia.Option{
		sekoia.WithIntakeURL(srv.IntakeURL()),
		sekoia.WithHTTPClient(&http.Client{Transport: specTransport(t, "/intake")}),
		sekoia.WithRetryWait(time.Millisecond, 5*time.Millisecond),
	}, opts...)
	in, err := sekoia.NewIntake(srv.IntakeKey(), opts...)
	if err != nil {
		t.Fatal(err)
	}
	return srv, in
}

// awkwardEvents are events that a careless encoder would alter.
func awkwardEvents() [][]byte {
	return [][]byte{
		[]byte(`{"msg":"héllo wörld ✓ 日本語 😀","n":1}`),
		[]byte(`{"big":123456789012345678901234567890,"f":1.0000000000000000001,"e":1E400}`),
		[]byte("{\n  \"indented\" : true,\t\"trailing\":\"space\"   }\n"),
		[]byte(`{"esc":"quote \" backslash \\ slash \/ nl \n tab \t u \u00e9 \ud83d\ude00"}`),
		[]byte(`{"html":"<script>&amp;</script>","ls":"` + "\u2028\u2029" + `"}`),
		[]byte(`{"dup":1,"dup":2,"z":null,"a":[]}`),
		[]byte("not json at all, \x01 control \x1f chars \x7f"),
		[]byte(`{"k":"` + strings.Repeat("x", 200_000) + `"}`),
	}
}

func TestFakeIntakeLossless(t *testing.T) {
	t.Parallel()
	srv, in := fakeIntake(t)
	evs := awkwardEvents()
	ids, err := in.Push(context.Background(), evs)
	if err != nil {
		t.Fatal(err)
	}
	got := srv.Received()
	if len(got) != len(evs) {
		t.Fatalf("%d events received", len(got))
	}
	for i, ev := range evs {
		if !bytes.Equal(got[i], ev) {
			t.Errorf("event %d altered:\n got %q\nwant %q", i, got[i], ev)
		}
		if b, ok := srv.ReceivedEvent(ids[i]); !ok || !bytes.Equal(b, ev) {
			t.Errorf("id %d (%s) maps to %q", i, ids[i], b)
		}
	}
}

func TestFakeIntakeManyBatchesInOrder(t *testing.T) {
	t.Parallel()
	srv := sekoiatest.NewServer(t)
	// Not checked against the spec: validating 10 MiB bodies is slow.
	in, err := sekoia.NewIntake(srv.IntakeKey(), sekoia.WithIntakeURL(srv.IntakeURL()))
	if err != nil {
		t.Fatal(err)
	}
	// More events than one request holds (MaxIntakeBatchEvents).
	evs := make([][]byte, 2*sekoia.MaxIntakeBatchEvents+10)
	for i := range evs {
		evs[i] = fmt.Appendf(nil, `{"i":%d,"pad":"\\\"\t"}`, i)
	}
	ids, err := in.Push(context.Background(), evs)
	if err != nil {
		t.Fatal(err)
	}
	for i, id := range ids {
		if b, ok := srv.ReceivedEvent(id); !ok || !bytes.Equal(b, evs[i]) {
			t.Fatalf("id %d maps to %.40q", i, b)
		}
	}
	if total, refused := srv.IntakeRequests(); total != 3 || refused != 0 {
		t.Errorf("requests %d, refused %d", total, refused)
	}
}

func TestFakeIntakeRateLimitKeepsOrder(t *testing.T) {
	t.Parallel()
	srv, in := fakeIntake(t, sekoia.WithIntakeParallelism(1))
	srv.InjectFault(sekoiatest.Fault{Kind: sekoiatest.RateLimit, Method: http.MethodPost, PathPrefix: "/intake/batch", Times: 2})
	evs := [][]byte{[]byte(`{"a":1}`), []byte(`{"b":2}`), []byte(`{"c":3}`)}
	ids, err := in.Push(context.Background(), evs)
	if err != nil {
		t.Fatal(err)
	}
	if got := srv.Received(); !slices.EqualFunc(got, evs, bytes.Equal) || len(ids) != 3 {
		t.Errorf("received %q", got)
	}
}

func TestFakeIntakeCutConnectionIsRetried(t *testing.T) {
	t.Parallel()
	srv, in := fakeIntake(t)
	// The intake stores the batch, then the connection is cut before the
	// answer arrives: the batch is sent again (at least once).
	srv.InjectFault(sekoiatest.Fault{Kind: sekoiatest.CutBody, Method: http.MethodPost, PathPrefix: "/intake/batch"})
	evs := [][]byte{[]byte(`{"a":1}`), []byte(`{"b":2}`)}
	ids, err := in.Push(context.Background(), evs)
	if err != nil {
		t.Fatal(err)
	}
	if n := srv.ReceivedCount(); n != 4 {
		t.Errorf("%d events stored, want 4 (one batch twice)", n)
	}
	for i, id := range ids {
		if b, _ := srv.ReceivedEvent(id); !bytes.Equal(b, evs[i]) {
			t.Errorf("id %d maps to %q", i, b)
		}
	}
}

func TestFakeIntakeCutConnectionRetriesAreBounded(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		retries int
		stored  int
	}{
		"off": {0, 2}, // sent once
		"two": {2, 6}, // sent three times
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv, in := fakeIntake(t, sekoia.WithMaxRetries(tc.retries))
			srv.InjectFault(sekoiatest.Fault{Kind: sekoiatest.CutBody, Method: http.MethodPost, PathPrefix: "/intake/batch", Times: -1})
			ids, err := in.Push(context.Background(), [][]byte{[]byte(`{"a":1}`), []byte(`{"b":2}`)})
			var pe *sekoia.PushError
			if !errors.As(err, &pe) || pe.Start != 0 || pe.End != 2 || !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Errorf("every answer cut: %v", err)
			}
			if len(ids) != 2 || ids[0] != "" || ids[1] != "" {
				t.Errorf("ids %q for events not accepted", ids)
			}
			if n := srv.ReceivedCount(); n != tc.stored {
				t.Errorf("%d events stored, want %d", n, tc.stored)
			}
		})
	}
}

func TestFakeIntakeRefusals(t *testing.T) {
	t.Parallel()
	srv, in := fakeIntake(t, sekoia.WithMaxRetries(0))
	bad, err := sekoia.NewIntake("wrong-key", sekoia.WithIntakeURL(srv.IntakeURL()))
	if err != nil {
		t.Fatal(err)
	}
	_, err = bad.Push(context.Background(), [][]byte{[]byte("{}")})
	if !errors.Is(err, sekoia.ErrUnauthorized) || strings.Contains(err.Error(), "wrong-key") {
		t.Errorf("bad key: %v", err)
	}
	srv.InjectFault(sekoiatest.Fault{Kind: sekoiatest.ServerError, Status: 500, Method: http.MethodPost, PathPrefix: "/intake/batch"})
	ids, err := in.Push(context.Background(), [][]byte{[]byte("{}")})
	var pe *sekoia.PushError
	if !errors.As(err, &pe) || !errors.Is(err, sekoia.ErrServer) || ids[0] != "" {
		t.Errorf("5xx without retries: %v", err)
	}

	// The fake enforces the real limits on whatever reaches it.
	post := func(body []byte, gz bool) int {
		if gz {
			var b bytes.Buffer
			zw, _ := gzip.NewWriterLevel(&b, gzip.BestSpeed)
			_, _ = zw.Write(body)
			_ = zw.Close()
			body = b.Bytes()
		}
		req, _ := http.NewRequest(http.MethodPost, srv.IntakeURL()+"/batch", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if gz {
			req.Header.Set("Content-Encoding", "gzip")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		return resp.StatusCode
	}
	batch := func(events ...string) []byte {
		b, _ := json.Marshal(map[string]any{"intake_key": srv.IntakeKey(), "jsons": events})
		return b
	}
	if st := post(batch(strings.Repeat("a", sekoiatest.IntakeMaxEventBytes+1)), true); st != 413 {
		t.Errorf("event over 250 KiB: %d", st)
	}
	// Over 10 MiB once decompressed, built by hand (json.Marshal is slow
	// under the race detector).
	big := []byte(`{"intake_key":"` + srv.IntakeKey() + `","jsons":["` + strings.Repeat("b", 10<<20) + `"]}`)
	if st := post(big, true); st != 413 {
		t.Errorf("body over 10 MiB: %d", st)
	}
	if st := post(batch("ok"), false); st != 200 {
		t.Errorf("plain body: %d", st)
	}
	if st := post([]byte(`{"intake_key":"`+srv.IntakeKey()+`","jsons":[]}`), false); st != 400 {
		t.Errorf("no events: %d", st)
	}
}

func TestFakeIntakeWriter(t *testing.T) {
	t.Parallel()
	srv, in := fakeIntake(t)
	w := in.NewWriter(sekoia.WriterOptions{MaxEvents: 100, MaxAge: 10 * time.Millisecond, Parallelism: 1})
	ctx := context.Background()
	var evs [][]byte
	for i := range 1050 {
		ev := fmt.Appendf(nil, `{"i":%d}`, i)
		evs = append(evs, ev)
		if err := w.Write(ctx, ev); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	// With Parallelism 1 the batches arrive in the order written.
	if got := srv.Received(); !slices.EqualFunc(got, evs, bytes.Equal) {
		t.Fatalf("received %d events, not in order", len(got))
	}
	// Age-based flush: one event, no Flush.
	if err := w.Write(ctx, []byte(`{"late":true}`)); err != nil {
		t.Fatal(err)
	}
	// Waits for the age flush however slow the machine; a writer that never
	// sends it fails by the test timeout.
	for srv.ReceivedCount() < 1051 {
		time.Sleep(5 * time.Millisecond)
	}
	if n := srv.ReceivedCount(); n != 1051 {
		t.Errorf("after MaxAge: %d events", n)
	}
	if err := w.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if st := w.Stats(); st.Written != 1051 || st.Accepted != 1051 || st.Failed != 0 {
		t.Errorf("stats %+v", st)
	}
}

func TestFakeIntakeWriterConcurrent(t *testing.T) {
	t.Parallel()
	srv, in := fakeIntake(t)
	w := in.NewWriter(sekoia.WriterOptions{MaxEvents: 64, MaxAge: time.Millisecond})
	ctx := context.Background()
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 500 {
				if err := w.Write(ctx, fmt.Appendf(nil, `{"g":%d,"i":%d}`, g, i)); err != nil {
					t.Error(err)
					return
				}
				if i%100 == 0 {
					if err := w.Flush(ctx); err != nil {
						t.Error(err)
					}
				}
			}
		})
	}
	wg.Wait()
	if err := w.Close(ctx); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, ev := range srv.Received() {
		seen[string(ev)] = true
	}
	if len(seen) != 2000 || srv.ReceivedCount() != 2000 {
		t.Errorf("%d distinct of %d received", len(seen), srv.ReceivedCount())
	}
}

// TestFakeIntakeChunkedBodies pushes bodies built over many chunks, with
// events far larger than a chunk among them, and checks that every event
// arrives byte for byte under its id.
func TestFakeIntakeChunkedBodies(t *testing.T) {
	t.Parallel()
	srv := sekoiatest.NewServer(t)
	// Not checked against the spec: validating large bodies is slow.
	in, err := sekoia.NewIntake(srv.IntakeKey(), sekoia.WithIntakeURL(srv.IntakeURL()), sekoia.WithIntakeParallelism(2))
	if err != nil {
		t.Fatal(err)
	}
	evs := intakeEvents(6000)
	evs[100] = []byte(strings.Repeat(`"\`, 100_000))                   // 200 KB, 400 KB once escaped
	evs[2500] = []byte(strings.Repeat("é\x01€", 40_000))               // control characters escaped 6 times over
	evs[5001] = []byte(`{"k":"` + strings.Repeat("x", 240_000) + `"}`) // first of the second batch
	ids, err := in.Push(context.Background(), evs)
	if err != nil {
		t.Fatal(err)
	}
	for i, id := range ids {
		if b, ok := srv.ReceivedEvent(id); !ok || !bytes.Equal(b, evs[i]) {
			t.Fatalf("event %d (id %q) arrived as %.60q", i, id, b)
		}
	}
	if got := srv.Received(); len(got) != len(evs) {
		t.Fatalf("%d events received", len(got))
	}
}
