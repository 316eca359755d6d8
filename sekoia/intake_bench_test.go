package sekoia_test

import (
	"bytes"
	stdgzip "compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	kpgzip "github.com/klauspost/compress/gzip"

	"github.com/socgo/xdr/internal/vsraw"
	"github.com/socgo/xdr/sekoia"
	"github.com/socgo/xdr/sekoia/sekoiatest"
)

// intakeBenchEvents is the number of events one intake benchmark
// iteration pushes.
const intakeBenchEvents = 50_000

// totalLen returns the number of bytes in evs.
func totalLen(evs [][]byte) int64 {
	var n int64
	for _, ev := range evs {
		n += int64(len(ev))
	}
	return n
}

// intakeEvents returns n realistic endpoint events of about 1.1 KiB: flat
// ECS-style process starts whose hosts, users, binaries and hashes come
// from small fleets, with ids, times and process ids of their own, so that
// a batch compresses about as well as real endpoint logs (about 8x with
// gzip). The same n gives the same events.
func intakeEvents(n int) [][]byte {
	r := rand.New(rand.NewPCG(12, 2026))
	hex := func(k int) string {
		const digits = "0123456789abcdef"
		b := make([]byte, k)
		for i := range b {
			b[i] = digits[r.IntN(16)]
		}
		return string(b)
	}
	type binary struct{ exe, sha, args string }
	exes := []string{"cmd.exe", "powershell.exe", "svchost.exe", "rundll32.exe", "conhost.exe", "msedge.exe", "OneDrive.exe", "wmiprvse.exe", "taskhostw.exe", "git.exe"}
	args := []string{"/c whoami /all", "-NoProfile -ExecutionPolicy Bypass -File C:\\ProgramData\\sensor\\collect.ps1", "-k netsvcs -p -s Schedule", "C:\\Windows\\System32\\shell32.dll,Control_RunDLL", "0xffffffff -ForceV1", "--type=renderer --lang=fr --field-trial-handle=2156", "/background", "-Embedding", "", "fetch --prune origin"}
	bins := make([]binary, 60)
	for i := range bins {
		bins[i] = binary{exes[i%len(exes)], hex(64), args[r.IntN(len(args))]}
	}
	users := make([]string, 40)
	for i := range users {
		users[i] = fmt.Sprintf("user%03d.%s", r.IntN(1000), []string{"martin", "bernard", "dubois", "thomas", "robert"}[i%5])
	}
	evs := make([][]byte, n)
	for i := range evs {
		b, p := bins[r.IntN(len(bins))], bins[r.IntN(len(bins))]
		u := users[r.IntN(len(users))]
		host := r.IntN(500)
		pid, ppid := 1000+r.IntN(60000), 500+r.IntN(20000)
		ts := fmt.Sprintf("2026-03-01T%02d:%02d:%02d.%06dZ", 8+i/360000%12, i/6000%60, i/100%60, r.IntN(1000000))
		evs[i] = fmt.Appendf(nil, `{"@timestamp":%q,"event.id":"%s-%s-4%s-a%s-%s","event.dialect":"windows","event.provider":"Microsoft-Windows-Sysmon","event.code":"1","event.category":["process"],"event.type":["start"],"host.name":"wks-%04d.corp.example","host.ip":["10.%d.%d.%d"],"user.name":%q,"user.domain":"CORP","process.pid":%d,"process.name":%q,"process.executable":"C:\\Windows\\System32\\%s","process.command_line":"\"C:\\Windows\\System32\\%s\" %s","process.hash.sha256":%q,"process.parent.pid":%d,"process.parent.name":%q,"process.parent.executable":"C:\\Windows\\System32\\%s","process.working_directory":"C:\\Users\\%s\\","message":"Process Create: UtcTime: %s ProcessId: %d Image: C:\\Windows\\System32\\%s User: CORP\\%s IntegrityLevel: Medium","sekoiaio.intake.uuid":"834a2d7f-3623-4b26-9d2c-1f6e2a3b4c5d","sekoiaio.intake.dialect":"windows","sekoiaio.intake.parsing_status":"success"}`,
			ts, hex(8), hex(4), hex(3), hex(3), hex(12), host, host/250, host%250, 2+r.IntN(250), u, pid,
			b.exe, b.exe, b.exe, b.args, b.sha, ppid, p.exe, p.exe, u, ts, pid, b.exe, u)
	}
	return evs
}

// wireCounter is an http.RoundTripper counting the request body bytes it
// sends, that is the compressed bodies.
type wireCounter struct {
	next http.RoundTripper
	n    atomic.Int64
}

func (c *wireCounter) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		req.Body = &countingBody{ReadCloser: req.Body, n: &c.n}
	}
	return c.next.RoundTrip(req)
}

type countingBody struct {
	io.ReadCloser
	n *atomic.Int64
}

func (b *countingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.n.Add(int64(n))
	return n, err
}

// newWireCounter returns a counter over a transport configured like the
// one an intake builds when given no client: a connection kept idle for
// each of parallel requests.
func newWireCounter(parallel int) *wireCounter {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = max(http.DefaultMaxIdleConnsPerHost, parallel)
	return &wireCounter{next: t}
}

// processCPU returns the CPU time (user and system) the process used so
// far, or 0 where it cannot be read.
func processCPU() time.Duration {
	ns, _ := vsraw.CPUTime()
	return time.Duration(ns)
}

// intakeMeter holds what the intake benchmarks measure from: the CPU time of this
// process and of the sink (when there is one) once warmed up.
type intakeMeter struct {
	wc          *wireCounter
	sink        *intakeSink
	cpu0, sink0 time.Duration
}

// startMeter starts measuring, after a warm-up round (connections open,
// pools and the heap grown) whose bytes on the wire it forgets.
func startMeter(b *testing.B, wc *wireCounter, sink *intakeSink) *intakeMeter {
	wc.n.Store(0)
	m := &intakeMeter{wc: wc, sink: sink, cpu0: processCPU()}
	if sink != nil {
		m.sink0 = sink.cpu(b)
	}
	return m
}

// report reports events/s, the compressed bytes per event and the CPU time
// per event of this process and of the sink: on a machine shared with
// other work, CPU time moves less than the elapsed time.
func (m *intakeMeter) report(b *testing.B, events int) {
	total := float64(events) * float64(b.N)
	b.ReportMetric(total/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(m.wc.n.Load())/total, "B/event-on-wire")
	if cpu := processCPU(); cpu > 0 {
		b.ReportMetric(float64(cpu-m.cpu0)/total, "cpu-ns/event")
	}
	if m.sink != nil {
		if cpu := m.sink.cpu(b); cpu > 0 {
			b.ReportMetric(float64(cpu-m.sink0)/total, "sink-cpu-ns/event")
		}
	}
}

// newBenchIntake returns an intake pushing to url with key through wc,
// sending parallel requests at once (0: the default).
func newBenchIntake(b *testing.B, url, key string, wc *wireCounter, parallel int) *sekoia.Intake {
	opts := []sekoia.Option{sekoia.WithIntakeURL(url), sekoia.WithHTTPClient(&http.Client{Transport: wc})}
	if parallel > 0 {
		opts = append(opts, sekoia.WithIntakeParallelism(parallel))
	}
	in, err := sekoia.NewIntake(key, opts...)
	if err != nil {
		b.Fatal(err)
	}
	return in
}

// BenchmarkVsRawIntakePush pushes 50,000 realistic events of about 1.1 KiB
// to an intake sink in a child process (see intakeSinkEnv): sdk with
// Intake.Push and its defaults, raw with a hand-written loop
// (encoding/json, compress/gzip at BestSpeed, net/http, batches of
// MaxIntakeBatchEvents posted one after the other), both over the same
// pre-serialised events. cpu-ns/event is the client's CPU time alone.
func BenchmarkVsRawIntakePush(b *testing.B) {
	evs := intakeEvents(intakeBenchEvents)
	b.Run("sdk", func(b *testing.B) {
		sink := startIntakeSink(b)
		wc := newWireCounter(sekoia.DefaultIntakeParallelism)
		in := newBenchIntake(b, sink.URL, sink.Key, wc, 0)
		benchPush(b, sink, nil, wc, evs, func(ctx context.Context) (int, error) {
			ids, err := in.Push(ctx, evs)
			return len(ids), err
		})
	})
	b.Run("raw", func(b *testing.B) {
		sink := startIntakeSink(b)
		wc := newWireCounter(1)
		hc := &http.Client{Transport: wc}
		benchPush(b, sink, nil, wc, evs, func(ctx context.Context) (int, error) {
			return rawPush(ctx, hc, sink.URL, sink.Key, evs)
		})
	})
}

// BenchmarkIntakePushFake is Intake.Push of the same events to the
// in-process fake (sekoiatest), which decodes and stores every event: the
// fake's work shares the machine with the client's.
func BenchmarkIntakePushFake(b *testing.B) {
	evs := intakeEvents(intakeBenchEvents)
	srv := sekoiatest.NewServer(b)
	wc := newWireCounter(sekoia.DefaultIntakeParallelism)
	in := newBenchIntake(b, srv.IntakeURL(), srv.IntakeKey(), wc, 0)
	benchPush(b, nil, srv.ResetIntake, wc, evs, func(ctx context.Context) (int, error) {
		ids, err := in.Push(ctx, evs)
		return len(ids), err
	})
}

// benchPush runs push once to warm up, then once per iteration, checking
// it returned an id per event, and runs reset (when set) after each.
func benchPush(b *testing.B, sink *intakeSink, reset func(), wc *wireCounter, evs [][]byte, push func(context.Context) (int, error)) {
	b.SetBytes(totalLen(evs))
	b.ReportAllocs()
	ctx := context.Background()
	once := func() {
		n, err := push(ctx)
		if err != nil || n != len(evs) {
			b.Fatalf("%d ids: %v", n, err)
		}
		if reset != nil {
			b.StopTimer()
			reset()
			b.StartTimer()
		}
	}
	once()
	m := startMeter(b, wc, sink)
	for b.Loop() {
		once()
	}
	m.report(b, len(evs))
}

// rawPush is the baseline: what a caller writes with the standard library.
func rawPush(ctx context.Context, hc *http.Client, url, key string, evs [][]byte) (int, error) {
	const per = sekoia.MaxIntakeBatchEvents
	var ids []string
	for start := 0; start < len(evs); start += per {
		batch := evs[start:min(start+per, len(evs))]
		strs := make([]string, len(batch))
		for i, ev := range batch {
			strs[i] = string(ev)
		}
		body, err := json.Marshal(map[string]any{"intake_key": key, "jsons": strs})
		if err != nil {
			return 0, err
		}
		var gz bytes.Buffer
		zw, _ := stdgzip.NewWriterLevel(&gz, stdgzip.BestSpeed)
		_, _ = zw.Write(body)
		if err := zw.Close(); err != nil {
			return 0, err
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, url+"/batch", &gz)
		if err != nil {
			return 0, err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Content-Encoding", "gzip")
		resp, err := hc.Do(req)
		if err != nil {
			return 0, err
		}
		var out struct {
			EventIDs []string `json:"event_ids"`
		}
		err = json.NewDecoder(resp.Body).Decode(&out)
		_ = resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			return 0, fmt.Errorf("status %d: %v", resp.StatusCode, err)
		}
		ids = append(ids, out.EventIDs...)
	}
	return len(ids), nil
}

// BenchmarkIntakePushParallelism is Intake.Push of the same events to the
// sink with 1, 2, 4 and 8 requests at once.
func BenchmarkIntakePushParallelism(b *testing.B) {
	evs := intakeEvents(intakeBenchEvents)
	for _, p := range []int{1, 2, 4, 8} {
		b.Run(fmt.Sprint(p), func(b *testing.B) {
			sink := startIntakeSink(b)
			wc := newWireCounter(p)
			in := newBenchIntake(b, sink.URL, sink.Key, wc, p)
			benchPush(b, sink, nil, wc, evs, func(ctx context.Context) (int, error) {
				ids, err := in.Push(ctx, evs)
				return len(ids), err
			})
		})
	}
}

// BenchmarkIntakeWriter writes the same events one by one to an
// IntakeWriter with its defaults (batches of 1000 events or 1 MiB) over
// the sink, and closes it at the end (after a warm-up round).
func BenchmarkIntakeWriter(b *testing.B) {
	evs := intakeEvents(intakeBenchEvents)
	sink := startIntakeSink(b)
	wc := newWireCounter(sekoia.DefaultIntakeParallelism)
	in := newBenchIntake(b, sink.URL, sink.Key, wc, 0)
	b.SetBytes(totalLen(evs))
	b.ReportAllocs()
	ctx := context.Background()
	once := func() {
		w := in.NewWriter(sekoia.WriterOptions{})
		for _, ev := range evs {
			if err := w.Write(ctx, ev); err != nil {
				b.Fatal(err)
			}
		}
		if err := w.Close(ctx); err != nil {
			b.Fatal(err)
		}
		if st := w.Stats(); st.Accepted != int64(len(evs)) {
			b.Fatalf("%+v", st)
		}
	}
	once()
	m := startMeter(b, wc, sink)
	for b.Loop() {
		once()
	}
	m.report(b, len(evs))
}

// BenchmarkIntakeGzip compresses one full batch of the events (5000, as
// Push sends them) with compress/gzip and github.com/klauspost/compress at
// the levels that matter, reporting the compressed bytes per event.
func BenchmarkIntakeGzip(b *testing.B) {
	evs := intakeEvents(sekoia.MaxIntakeBatchEvents)
	strs := make([]string, len(evs))
	for i, ev := range evs {
		strs[i] = string(ev)
	}
	body, err := json.Marshal(map[string]any{"intake_key": "k", "jsons": strs})
	if err != nil {
		b.Fatal(err)
	}
	type codec struct {
		name string
		new  func(io.Writer) (io.WriteCloser, func(io.Writer))
	}
	std := func(level int) func(io.Writer) (io.WriteCloser, func(io.Writer)) {
		return func(w io.Writer) (io.WriteCloser, func(io.Writer)) {
			zw, _ := stdgzip.NewWriterLevel(w, level)
			return zw, zw.Reset
		}
	}
	kp := func(level int) func(io.Writer) (io.WriteCloser, func(io.Writer)) {
		return func(w io.Writer) (io.WriteCloser, func(io.Writer)) {
			zw, _ := kpgzip.NewWriterLevel(w, level)
			return zw, zw.Reset
		}
	}
	for _, c := range []codec{
		{"std-1", std(1)}, {"std-2", std(2)},
		{"klauspost-1", kp(1)}, {"klauspost-2", kp(2)}, {"klauspost-3", kp(3)},
		{"klauspost-stateless", kp(kpgzip.StatelessCompression)},
	} {
		b.Run(c.name, func(b *testing.B) {
			var out bytes.Buffer
			zw, reset := c.new(&out)
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				out.Reset()
				reset(&out)
				_, _ = zw.Write(body)
				if err := zw.Close(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(out.Len())/float64(len(evs)), "B/event-on-wire")
		})
	}
}
