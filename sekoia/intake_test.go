package sekoia

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jarcoal/httpmock"

	"github.com/socgo/xdr/internal/jsonstr"
)

const intakeTestURL = "https://intake.example.test/api/v1/intake-http"

func intakeMock(t *testing.T, opts ...Option) (*Intake, *httpmock.MockTransport) {
	t.Helper()
	mt := httpmock.NewMockTransport()
	mt.RegisterNoResponder(httpmock.NewNotFoundResponder(t.Fatal))
	opts = append([]Option{
		WithIntakeURL(intakeTestURL),
		WithHTTPClient(&http.Client{Transport: mt}),
		WithRetryWait(time.Millisecond, time.Millisecond),
		WithMaxRetries(3),
	}, opts...)
	in, err := NewIntake("intake-key-1", opts...)
	if err != nil {
		t.Fatal(err)
	}
	return in, mt
}

// intakeBody decompresses and decodes a /batch request, checking its
// headers.
func intakeBody(t *testing.T, r *http.Request) (raw []byte, key string, events []string) {
	t.Helper()
	if r.Header.Get("Content-Encoding") != "gzip" || r.Header.Get("Content-Type") != "application/json" {
		t.Errorf("headers = %v", r.Header)
	}
	if a := r.Header.Get("Authorization"); a != "" {
		t.Errorf("Authorization sent to the intake: %q", a)
	}
	zr, err := gzip.NewReader(r.Body)
	if err != nil {
		t.Fatalf("body is not gzip: %v", err)
	}
	raw, err = io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	var b struct {
		IntakeKey string   `json:"intake_key"`
		JSONs     []string `json:"jsons"`
	}
	if err := json.Unmarshal(raw, &b); err != nil {
		t.Fatalf("body %s: %v", raw, err)
	}
	return raw, b.IntakeKey, b.JSONs
}

// idsResponder answers every batch with ids derived from the events
// ("id:" + event), so that the test can check the order.
func idsResponder(t *testing.T, seen *[][]string, mu *sync.Mutex) httpmock.Responder {
	return func(r *http.Request) (*http.Response, error) {
		_, key, evs := intakeBody(t, r)
		if key != "intake-key-1" {
			t.Errorf("intake_key = %q", key)
		}
		ids := make([]string, len(evs))
		for i, e := range evs {
			ids[i] = "id:" + e
		}
		if seen != nil {
			mu.Lock()
			*seen = append(*seen, evs)
			mu.Unlock()
		}
		return httpmock.NewJsonResponse(200, map[string][]string{"event_ids": ids})
	}
}

func TestIntakePushWire(t *testing.T) {
	t.Parallel()
	in, mt := intakeMock(t)
	mt.RegisterResponder(http.MethodPost, intakeTestURL+"/batch", func(r *http.Request) (*http.Response, error) {
		raw, _, _ := intakeBody(t, r)
		want := `{"intake_key":"intake-key-1","jsons":["{\"a\": 1}","{\"msg\":\"l1\\nl2\",\"q\":\"\\\"\"}"]}`
		if string(raw) != want {
			t.Errorf("body\n got %s\nwant %s", raw, want)
		}
		resp := httpmock.NewStringResponse(200, `{"event_ids": ["ba2098cc-5fcf-4ad1-8d1d-af55750220ec", "921b214c-fb89-4e27-a1fd-266f1837ea31"]}`)
		return resp, nil
	})
	ids, err := in.Push(context.Background(), [][]byte{[]byte(`{"a": 1}`), []byte(`{"msg":"l1\nl2","q":"\""}`)})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{"ba2098cc-5fcf-4ad1-8d1d-af55750220ec", "921b214c-fb89-4e27-a1fd-266f1837ea31"}, ids); d != "" {
		t.Error(d)
	}
	if got := in.URL(); got != intakeTestURL {
		t.Errorf("URL = %q", got)
	}
}

func TestIntakeRefusesBadEventsBeforeSending(t *testing.T) {
	t.Parallel()
	in, _ := intakeMock(t) // any request fails the test
	big := bytes.Repeat([]byte("a"), MaxIntakeEventBytes+1)
	_, err := in.Push(context.Background(), [][]byte{[]byte("{}"), []byte("{}"), big})
	if !errors.Is(err, ErrEventTooLarge) || !strings.Contains(err.Error(), "event 2: 256001 bytes") {
		t.Errorf("big: %v", err)
	}
	_, err = in.Push(context.Background(), [][]byte{[]byte("{}"), {0xff, 0xfe}})
	if !errors.Is(err, ErrInvalidEvent) || !strings.Contains(err.Error(), "event 1") {
		t.Errorf("invalid UTF-8: %v", err)
	}
	if _, err = in.Push(context.Background(), [][]byte{{}}); !errors.Is(err, ErrInvalidEvent) {
		t.Errorf("empty: %v", err)
	}
	if ids, err := in.Push(context.Background(), nil); err != nil || len(ids) != 0 {
		t.Errorf("nothing: %v %v", ids, err)
	}
	// exactly at the limit is fine (checked without sending here)
	if _, err := checkEvent(big[:MaxIntakeEventBytes]); err != nil {
		t.Errorf("limit: %v", err)
	}
}

// TestIntakeParallelCheckNamesFirstBadEvent: events checked in parts at
// once still fail on the earliest invalid event, before any request, and
// get the sizes a check in one part gives.
func TestIntakeParallelCheckNamesFirstBadEvent(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	in, _ := intakeMock(t) // any request fails the test
	events := make([][]byte, 4*checkSpan)
	for i := range events {
		events[i] = []byte(`{"n":"` + strconv.Itoa(i) + `\"}`)
	}
	sizes, err := checkEvents("test", events)
	if err != nil {
		t.Fatal(err)
	}
	for i, ev := range events {
		if want := len(jsonstr.AppendQuoted(nil, ev)); sizes[i] != want {
			t.Fatalf("event %d sized %d, want %d", i, sizes[i], want)
		}
	}
	events[3*checkSpan+5] = []byte{0xff}
	events[checkSpan+7] = bytes.Repeat([]byte("a"), MaxIntakeEventBytes+1)
	_, err = in.Push(context.Background(), events)
	if !errors.Is(err, ErrEventTooLarge) || !strings.Contains(err.Error(), fmt.Sprintf("event %d:", checkSpan+7)) {
		t.Errorf("two bad events: %v", err)
	}
	events[checkSpan+7] = []byte("{}")
	_, err = in.Push(context.Background(), events)
	if !errors.Is(err, ErrInvalidEvent) || !strings.Contains(err.Error(), fmt.Sprintf("event %d:", 3*checkSpan+5)) {
		t.Errorf("one bad event: %v", err)
	}
}

func TestNewIntakeChecksArguments(t *testing.T) {
	t.Parallel()
	for _, k := range []string{"", "  ", "a b", "a\nb"} {
		if _, err := NewIntake(k); err == nil || !strings.Contains(err.Error(), "intakeKey") {
			t.Errorf("key %q: %v", k, err)
		}
	}
	if _, err := NewIntake("k", WithIntakeURL("http://example.com")); err == nil {
		t.Error("plain http intake URL accepted")
	}
	in, err := NewIntake("k", WithRegion(FRA2))
	if err != nil || in.URL() != "https://intake.fra2.sekoia.io/api/v1/intake-http" {
		t.Errorf("FRA2: %v %v", in, err)
	}
	in, _ = NewIntake("k")
	if in.URL() != "https://intake.sekoia.io" {
		t.Errorf("default URL %q", in.URL())
	}
	for _, n := range []int{0, -1, 65} {
		if _, err := NewIntake("k", WithIntakeParallelism(n)); err == nil || !strings.Contains(err.Error(), "WithIntakeParallelism") {
			t.Errorf("parallelism %d: %v", n, err)
		}
	}
	for _, n := range []int{1, 64} {
		if in, err := NewIntake("k", WithIntakeParallelism(n)); err != nil || in.parallelism != n {
			t.Errorf("parallelism %d: %v", n, err)
		}
	}
	if in.parallelism != DefaultIntakeParallelism {
		t.Errorf("default parallelism %d", in.parallelism)
	}
}

func TestIntakeBatchesWithinLimits(t *testing.T) {
	t.Parallel()
	in, mt := intakeMock(t, WithIntakeParallelism(1)) // in order, to compare the stream
	in.maxBody = 4096
	in.maxEvents = 7
	var mu sync.Mutex
	var got []string
	var requests int
	mt.RegisterResponder(http.MethodPost, intakeTestURL+"/batch", func(r *http.Request) (*http.Response, error) {
		raw, _, evs := intakeBody(t, r)
		if len(raw) > in.maxBody || len(evs) > in.maxEvents {
			t.Errorf("batch of %d events, %d bytes", len(evs), len(raw))
		}
		mu.Lock()
		got = append(got, evs...)
		requests++
		mu.Unlock()
		ids := make([]string, len(evs))
		for i, e := range evs {
			ids[i] = "id:" + e
		}
		return httpmock.NewJsonResponse(200, map[string][]string{"event_ids": ids})
	})
	var events [][]byte
	for i := range 100 {
		// Sizes vary, with characters that JSON escaping makes longer.
		events = append(events, []byte(fmt.Sprintf(`{"i":%d,"pad":"%s"}`, i, strings.Repeat("\\\"\n\x01é", i))))
	}
	ids, err := in.Push(context.Background(), events)
	if err != nil {
		t.Fatal(err)
	}
	for i, ev := range events {
		if got[i] != string(ev) || ids[i] != "id:"+string(ev) {
			t.Fatalf("event %d: got %q, id %q", i, got[i], ids[i])
		}
	}
	if requests < 100/7 {
		t.Errorf("%d requests", requests)
	}
}

func TestIntakeParallelKeepsIDOrder(t *testing.T) {
	t.Parallel()
	in, mt := intakeMock(t)
	in.maxEvents = 3
	var calls atomic.Int32
	mt.RegisterResponder(http.MethodPost, intakeTestURL+"/batch", func(r *http.Request) (*http.Response, error) {
		calls.Add(1)
		return idsResponder(t, nil, nil)(r)
	})
	var events [][]byte
	for i := range 50 {
		events = append(events, []byte(strconv.Itoa(i)))
	}
	ids, err := in.Push(context.Background(), events)
	if err != nil {
		t.Fatal(err)
	}
	for i := range events {
		if ids[i] != "id:"+strconv.Itoa(i) {
			t.Fatalf("ids[%d] = %q", i, ids[i])
		}
	}
	if calls.Load() != 17 {
		t.Errorf("calls = %d", calls.Load())
	}
}

func TestIntakeRetriesThenKeepsOrder(t *testing.T) {
	t.Parallel()
	in, mt := intakeMock(t)
	mt.RegisterResponder(http.MethodPost, intakeTestURL+"/batch",
		httpmock.NewStringResponder(429, `{"message":"slow down"}`).HeaderSet(http.Header{"Retry-After": {"0"}}).
			Then(httpmock.NewStringResponder(503, `{"message":"busy"}`)).
			Then(idsResponder(t, nil, nil)))
	ids, err := in.Push(context.Background(), [][]byte{[]byte("a"), []byte("b")})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{"id:a", "id:b"}, ids); d != "" {
		t.Error(d)
	}
	if n := mt.GetTotalCallCount(); n != 3 {
		t.Errorf("calls = %d", n)
	}
}

func TestIntakeErrors(t *testing.T) {
	t.Parallel()
	in, mt := intakeMock(t, WithIntakeParallelism(1))
	in.maxEvents = 2
	mt.RegisterResponder(http.MethodPost, intakeTestURL+"/batch",
		idsResponder(t, nil, nil).Then(httpmock.NewStringResponder(413, `{"message":"Payload too large"}`)))
	ids, err := in.Push(context.Background(), [][]byte{[]byte("a"), []byte("b"), []byte("c"), []byte("d"), []byte("e")})
	var pe *PushError
	if !errors.As(err, &pe) || pe.Start != 2 || pe.End != 4 || !errors.Is(err, ErrPayloadTooLarge) {
		t.Fatalf("err = %v", err)
	}
	if d := cmp.Diff([]string{"id:a", "id:b", "", "", ""}, ids); d != "" {
		t.Error(d)
	}
	if !strings.Contains(err.Error(), "events [2, 4)") || !strings.Contains(err.Error(), "413") {
		t.Errorf("message = %q", err)
	}

	// The key never appears in an error, even when the server echoes it.
	in2, mt2 := intakeMock(t)
	mt2.RegisterResponder(http.MethodPost, intakeTestURL+"/batch", httpmock.NewStringResponder(401, `{"message":"Unknown intake key intake-key-1"}`))
	_, err = in2.Push(context.Background(), [][]byte{[]byte("a")})
	if err == nil || strings.Contains(err.Error(), "intake-key-1") || !errors.Is(err, ErrUnauthorized) {
		t.Errorf("err = %v", err)
	}

	// Fewer ids than events is an error, not a silent loss.
	in3, mt3 := intakeMock(t)
	mt3.RegisterResponder(http.MethodPost, intakeTestURL+"/batch", httpmock.NewStringResponder(200, `{"event_ids":["x"]}`))
	if _, err := in3.Push(context.Background(), [][]byte{[]byte("a"), []byte("b")}); err == nil || !strings.Contains(err.Error(), "1 event ids for 2 events") {
		t.Errorf("err = %v", err)
	}
}

func TestIntakeWriterBatchesByCountAndFlush(t *testing.T) {
	t.Parallel()
	in, mt := intakeMock(t)
	var mu sync.Mutex
	var batches [][]string
	mt.RegisterResponder(http.MethodPost, intakeTestURL+"/batch", idsResponder(t, &batches, &mu))
	w := in.NewWriter(WriterOptions{MaxEvents: 3, MaxAge: time.Hour, Parallelism: 1})
	ctx := context.Background()
	for i := range 7 {
		if err := w.Write(ctx, []byte(strconv.Itoa(i))); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"0", "1", "2"}, {"3", "4", "5"}, {"6"}}
	mu.Lock()
	if d := cmp.Diff(want, batches); d != "" {
		t.Error(d)
	}
	mu.Unlock()
	if st := w.Stats(); st != (WriterStats{Written: 7, Accepted: 7, Requests: 3}) {
		t.Errorf("stats = %+v", st)
	}
	if err := w.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if err := w.Write(ctx, []byte("x")); !errors.Is(err, ErrWriterClosed) {
		t.Errorf("after Close: %v", err)
	}
	if err := w.Close(ctx); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if err := w.Write(ctx, bytes.Repeat([]byte("x"), MaxIntakeEventBytes+1)); !errors.Is(err, ErrEventTooLarge) {
		t.Errorf("big: %v", err)
	}
}

func TestIntakeWriterBatchesByBytes(t *testing.T) {
	t.Parallel()
	in, mt := intakeMock(t)
	var mu sync.Mutex
	var batches [][]string
	mt.RegisterResponder(http.MethodPost, intakeTestURL+"/batch", idsResponder(t, &batches, &mu))
	w := in.NewWriter(WriterOptions{MaxBytes: 200, MaxAge: time.Hour, Parallelism: 1})
	ev := bytes.Repeat([]byte("e"), 50)
	for range 10 {
		if err := w.Write(context.Background(), ev); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, b := range batches {
		body := len(in.prefix) + 2
		for i, e := range b {
			body += len(e) + 2
			if i > 0 {
				body++
			}
		}
		if body > 200 {
			t.Errorf("batch body %d bytes", body)
		}
		n += len(b)
	}
	if n != 10 || len(batches) < 4 {
		t.Errorf("%d events in %d batches", n, len(batches))
	}
}

func TestIntakeWriterAgeFlush(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		in, mt := intakeMock(t)
		var mu sync.Mutex
		var batches [][]string
		mt.RegisterResponder(http.MethodPost, intakeTestURL+"/batch", idsResponder(t, &batches, &mu))
		w := in.NewWriter(WriterOptions{MaxAge: 2 * time.Second})
		if err := w.Write(context.Background(), []byte("a")); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Second)
		synctest.Wait()
		mu.Lock()
		if len(batches) != 0 {
			t.Fatal("sent before MaxAge")
		}
		mu.Unlock()
		time.Sleep(time.Second + time.Millisecond)
		synctest.Wait()
		mu.Lock()
		if d := cmp.Diff([][]string{{"a"}}, batches); d != "" {
			t.Error(d)
		}
		mu.Unlock()
		if err := w.Close(context.Background()); err != nil {
			t.Fatal(err)
		}
	})
}

func TestIntakeWriterReportsFailures(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) { testIntakeWriterReportsFailures(t) })
}

func testIntakeWriterReportsFailures(t *testing.T) {
	in, mt := intakeMock(t, WithMaxRetries(0))
	mt.RegisterResponder(http.MethodPost, intakeTestURL+"/batch",
		httpmock.NewStringResponder(500, `{"message":"boom"}`).Then(idsResponder(t, nil, nil)))
	ctx := context.Background()
	w := in.NewWriter(WriterOptions{MaxEvents: 1, MaxAge: time.Hour, Parallelism: 1})
	if err := w.Write(ctx, []byte("a")); err != nil {
		t.Fatal(err)
	}
	// Writing "b" sends the batch [a], which fails.
	if err := w.Write(ctx, []byte("b")); err != nil {
		t.Fatal(err)
	}
	synctest.Wait() // the send of [a] has failed
	if st := w.Stats(); st.Failed != 1 {
		t.Fatalf("after the failed send: %+v", st)
	}
	// The next Write reports it once, without taking its event.
	if err := w.Write(ctx, []byte("c")); !errors.Is(err, ErrServer) {
		t.Fatalf("Write after failure: %v", err)
	}
	// Flush reports it too, then forgets it.
	if err := w.Flush(ctx); !errors.Is(err, ErrServer) {
		t.Fatalf("Flush: %v", err)
	}
	if err := w.Write(ctx, []byte("d")); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(ctx); err != nil {
		t.Fatalf("second Flush: %v", err)
	}
	st := w.Stats()
	if st.Written != 3 || st.Failed != 1 || st.Accepted != 2 {
		t.Errorf("stats = %+v", st)
	}
	_ = w.Close(ctx)
}

func TestIntakeWriterBackpressure(t *testing.T) {
	t.Parallel()
	// In a bubble the 200ms pass only once both sends are blocked and the
	// third Write waits: a loaded machine cannot spend them earlier.
	synctest.Test(t, func(t *testing.T) { testIntakeWriterBackpressure(t) })
}

func testIntakeWriterBackpressure(t *testing.T) {
	in, mt := intakeMock(t)
	release := make(chan struct{})
	var inflight, peak atomic.Int32
	mt.RegisterResponder(http.MethodPost, intakeTestURL+"/batch", func(r *http.Request) (*http.Response, error) {
		n := inflight.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		<-release
		inflight.Add(-1)
		return idsResponder(t, nil, nil)(r)
	})
	w := in.NewWriter(WriterOptions{MaxEvents: 1, MaxAge: time.Hour, Parallelism: 2})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	var err error
	for i := 0; i < 10 && err == nil; i++ {
		err = w.Write(ctx, []byte(strconv.Itoa(i)))
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Write did not wait: %v", err)
	}
	close(release)
	if err := w.Close(context.Background()); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Close should report the batch dropped while waiting: %v", err)
	}
	if peak.Load() > 2 {
		t.Errorf("%d requests at once", peak.Load())
	}
}

// FuzzIntakeBatches checks the batcher on arbitrary events: every request
// body stays within the limits, decodes to the events in order, and every
// event is sent exactly once.
func FuzzIntakeBatches(f *testing.F) {
	f.Add([]byte(`{"a":1}|{"b":"\n"}|x`), 64, 3)
	f.Add([]byte("\x00\x01|\"\\|é€|"), 40, 1)
	f.Add(bytes.Repeat([]byte(`"\`), 200), 300, 10)
	f.Fuzz(func(t *testing.T, data []byte, maxBody, maxEvents int) {
		maxEvents = 1 + abs(maxEvents)%50
		var events [][]byte
		for _, part := range bytes.Split(data, []byte("|")) {
			if len(part) > 0 {
				events = append(events, part)
			}
		}
		sizes, err := checkEvents("fuzz", events)
		if err != nil {
			return // invalid UTF-8: refused, nothing to batch
		}
		prefix := jsonstr.AppendQuoted([]byte(`{"intake_key":`), []byte("k"))
		prefix = append(prefix, `,"jsons":[`...)
		largest := 0
		for _, s := range sizes {
			largest = max(largest, s)
		}
		maxBody = len(prefix) + 2 + largest + abs(maxBody)%2000
		batches := planBatches(sizes, len(prefix)+2, maxBody, maxEvents)
		next := 0
		for _, b := range batches {
			if b.start != next || b.end <= b.start || b.end-b.start > maxEvents {
				t.Fatalf("batch %+v after %d (max %d events)", b, next, maxEvents)
			}
			next = b.end
			body := append([]byte(nil), prefix...)
			for i, ev := range events[b.start:b.end] {
				if i > 0 {
					body = append(body, ',')
				}
				body = jsonstr.AppendQuoted(body, ev)
			}
			body = append(body, ']', '}')
			if len(body) != b.size || len(body) > maxBody {
				t.Fatalf("body %d bytes, planned %d, max %d", len(body), b.size, maxBody)
			}
			var got struct{ JSONs []string }
			if err := json.Unmarshal(body, &got); err != nil {
				t.Fatal(err)
			}
			for i, ev := range events[b.start:b.end] {
				if got.JSONs[i] != string(ev) {
					t.Fatalf("event %d: %q != %q", b.start+i, got.JSONs[i], ev)
				}
			}
		}
		if next != len(events) {
			t.Fatalf("batched %d of %d events", next, len(events))
		}
	})
}

func abs(n int) int {
	if n < 0 {
		if n == -n { // math.MinInt
			return 0
		}
		return -n
	}
	return n
}
