package sekoia_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"

	"github.com/socgo/xdr/internal/jsonscan"
	"github.com/socgo/xdr/internal/vsraw"
	"github.com/socgo/xdr/sekoia"
)

// The intake benchmarks push to an intake sink run in a child process,
// this test binary started again with intakeSinkEnv set: the benchmark
// process's CPU time is then the client's alone, as it is when the real
// intake is another machine, and the sink tells its own (GET /cpu). The
// sink does what the client needs of an intake and no more: it decompresses
// each body, checks the intake key, counts the events of "jsons" and
// answers as many ids (pre-serialised), in order.
const intakeSinkEnv = "SOCGO_XDR_BENCH_INTAKE_SINK"

func TestMain(m *testing.M) {
	if key := os.Getenv(intakeSinkEnv); key != "" {
		os.Exit(serveIntakeSink(key))
	}
	os.Exit(m.Run())
}

// intakeSink is a running child sink.
type intakeSink struct {
	URL, Key string
	cmd      *exec.Cmd
	stdin    io.Closer
}

// startIntakeSink starts a sink child process, stopped at the end of b.
func startIntakeSink(b testing.TB) *intakeSink {
	b.Helper()
	s := &intakeSink{Key: "bench-intake-key"}
	s.cmd = exec.Command(os.Args[0], "-test.run=^$")
	s.cmd.Env = append(os.Environ(), intakeSinkEnv+"="+s.Key)
	s.cmd.Stderr = os.Stderr
	stdin, err := s.cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	stdout, err := s.cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := s.cmd.Start(); err != nil {
		b.Fatal(err)
	}
	s.stdin = stdin
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		_ = s.cmd.Process.Kill()
		b.Fatalf("intake sink: %v", err)
	}
	s.URL = strings.TrimSpace(line)
	b.Cleanup(func() { s.stop() })
	return s
}

// stop ends the sink.
func (s *intakeSink) stop() {
	_ = s.stdin.Close() // the sink exits when its input closes
	_ = s.cmd.Wait()
}

// cpu returns the CPU time the sink has used so far (GET /cpu), or 0 where
// the system does not tell it.
func (s *intakeSink) cpu(b testing.TB) time.Duration {
	resp, err := http.Get(s.URL + "/cpu")
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		b.Fatal(err)
	}
	ns, err := strconv.ParseInt(string(body), 10, 64)
	if err != nil {
		b.Fatalf("sink /cpu: %q: %v", body, err)
	}
	return time.Duration(ns)
}

// serveIntakeSink is the child: it serves the sink on a loopback port,
// prints its URL and runs until its input closes.
func serveIntakeSink(key string) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	srv := &http.Server{Handler: newSinkHandler(key), ReadHeaderTimeout: time.Minute}
	go func() { _ = srv.Serve(ln) }()
	fmt.Printf("http://%s\n", ln.Addr())
	_, _ = io.Copy(io.Discard, os.Stdin)
	_ = srv.Close()
	return 0
}

// sinkHandler answers POST /batch, and GET /cpu with the CPU time (ns)
// the sink has used.
type sinkHandler struct {
	key     []byte // the intake key, quoted
	answers []byte // "id", for MaxIntakeBatchEvents ids, each sinkIDLen bytes with its comma
	bufs    sync.Pool
	readers sync.Pool
}

const sinkIDLen = len(`"00000000-0000-4000-8000-000000000000",`)

func newSinkHandler(key string) *sinkHandler {
	h := &sinkHandler{key: []byte(`"` + key + `"`)}
	for i := range sekoia.MaxIntakeBatchEvents {
		h.answers = fmt.Appendf(h.answers, `"%08x-0000-4000-8000-%012x",`, i, i)
	}
	h.bufs.New = func() any { return new([2]bytes.Buffer) }
	return h
}

func (h *sinkHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet && r.URL.Path == "/cpu" {
		ns, _ := vsraw.CPUTime()
		_, _ = io.WriteString(w, strconv.FormatInt(ns, 10))
		return
	}
	if r.Method != http.MethodPost || r.URL.Path != "/batch" || r.Header.Get("Content-Encoding") != "gzip" {
		http.Error(w, "sink: POST /batch with a gzip body only", http.StatusBadRequest)
		return
	}
	bufs := h.bufs.Get().(*[2]bytes.Buffer)
	defer h.bufs.Put(bufs)
	comp, raw := &bufs[0], &bufs[1]
	comp.Reset()
	raw.Reset()
	if _, err := comp.ReadFrom(r.Body); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	zr, _ := h.readers.Get().(*gzip.Reader)
	var err error
	if zr == nil {
		zr, err = gzip.NewReader(bytes.NewReader(comp.Bytes()))
	} else {
		err = zr.Reset(bytes.NewReader(comp.Bytes()))
	}
	if err == nil {
		_, err = raw.ReadFrom(zr)
		h.readers.Put(zr)
	}
	if err != nil {
		http.Error(w, "gzip: "+err.Error(), http.StatusBadRequest)
		return
	}
	n, err := h.count(raw.Bytes())
	if err != nil || n > sekoia.MaxIntakeBatchEvents {
		http.Error(w, fmt.Sprintf("body: %d events: %v", n, err), http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	out := append(append([]byte(nil), `{"event_ids":[`...), h.answers[:n*sinkIDLen]...)
	if n > 0 {
		out = out[:len(out)-1] // the last comma
	}
	_, _ = w.Write(append(out, "]}"...))
}

// count checks the key of body {"intake_key": …, "jsons": [strings]} and
// returns the number of strings.
func (h *sinkHandler) count(b []byte) (int, error) {
	i := jsonscan.SkipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return 0, fmt.Errorf("no object")
	}
	n, keyOK := -1, false
	for i = jsonscan.SkipSpace(b, i+1); i < len(b) && b[i] == '"'; {
		kEnd, ok := jsonscan.StringEnd(b, i)
		if !ok {
			return 0, fmt.Errorf("name at %d", i)
		}
		name := string(b[i+1 : kEnd-1])
		i = jsonscan.SkipSpace(b, kEnd)
		if i >= len(b) || b[i] != ':' {
			return 0, fmt.Errorf("no colon at %d", i)
		}
		i = jsonscan.SkipSpace(b, i+1)
		switch name {
		case "intake_key":
			end, ok := jsonscan.StringEnd(b, i)
			if !ok || !bytes.Equal(b[i:end], h.key) {
				return 0, fmt.Errorf("wrong intake key")
			}
			keyOK, i = true, end
		case "jsons":
			if i >= len(b) || b[i] != '[' {
				return 0, fmt.Errorf("jsons is no array")
			}
			n = 0
			for i = jsonscan.SkipSpace(b, i+1); i < len(b) && b[i] == '"'; {
				end, ok := jsonscan.StringEnd(b, i)
				if !ok {
					return 0, fmt.Errorf("event %d not closed", n)
				}
				n++
				if i = jsonscan.SkipSpace(b, end); i < len(b) && b[i] == ',' {
					i = jsonscan.SkipSpace(b, i+1)
				}
			}
			if i >= len(b) || b[i] != ']' {
				return 0, fmt.Errorf("jsons not closed at %d", i)
			}
			i++
		default:
			return 0, fmt.Errorf("unexpected member %q", name)
		}
		if i = jsonscan.SkipSpace(b, i); i < len(b) && b[i] == ',' {
			i = jsonscan.SkipSpace(b, i+1)
		}
	}
	if i >= len(b) || b[i] != '}' || !keyOK || n < 1 {
		return 0, fmt.Errorf("incomplete body")
	}
	return n, nil
}

// TestIntakeSink runs the benchmarks' sink once, so that it cannot rot
// unseen: Push gets an id per event from it, in batches within the
// limits, and it tells its CPU time; a wrong key is refused.
func TestIntakeSink(t *testing.T) {
	t.Parallel()
	sink := startIntakeSink(t)
	in, err := sekoia.NewIntake(sink.Key, sekoia.WithIntakeURL(sink.URL))
	if err != nil {
		t.Fatal(err)
	}
	evs := intakeEvents(sekoia.MaxIntakeBatchEvents + 7) // two requests
	ids, err := in.Push(context.Background(), evs)
	if err != nil || len(ids) != len(evs) || ids[len(ids)-1] == "" {
		t.Fatalf("Push: %d ids for %d events: %v", len(ids), len(evs), err)
	}
	if cpu := sink.cpu(t); cpu < 0 {
		t.Errorf("sink CPU time %v", cpu)
	}
	other, err := sekoia.NewIntake("another-key", sekoia.WithIntakeURL(sink.URL), sekoia.WithMaxRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.Push(context.Background(), evs[:3]); err == nil {
		t.Error("a wrong intake key was accepted")
	}
}
