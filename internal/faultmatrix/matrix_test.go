package faultmatrix_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/socgo/xdr/internal/apierror"
	"github.com/socgo/xdr/internal/hostile"
	"github.com/socgo/xdr/sekoia"
	"github.com/socgo/xdr/sentinelone"
	"github.com/socgo/xdr/tehtris"
)

// The credentials of the matrix; none may appear in any output.
const (
	sekoiaKey    = "skKEY-fault-0123456789abcdef"
	intakeKey    = "inKEY-fault-0123456789abcdef"
	tehtrisKey   = "thKEY-fault-0123456789abcdef"
	s1Token      = "s1TOK-fault-0123456789abcdef"
	maxRetries   = 2
	maxBodyBytes = 8 << 20
)

var tehtrisBasic = base64.StdEncoding.EncodeToString([]byte("api:" + tehtrisKey))

// kind is what a target does on a failure: a read is retried and sent
// again after a cut body; a write is neither (after its request was
// sent); a safe write is retried like a read (the intake, whose delivery
// is at least once).
type kind int

const (
	read kind = iota
	write
	safeWrite
)

// target is one call of the matrix.
type target struct {
	name    string
	kind    kind
	list    bool // a list iterator
	readsOK bool // reads the body of a 2xx (false: the isolation order)
	secrets []string
	// ok writes the success answer to the n-th request; repeat, when
	// set, writes the page that a server ignoring the offset repeats.
	ok     func(w http.ResponseWriter, r *http.Request)
	repeat func(w http.ResponseWriter, r *http.Request)
	// call runs the call against base, logging to log.
	call func(ctx context.Context, base string, log *slog.Logger) error
}

func mustRead(name string) []byte {
	b, err := os.ReadFile(name)
	if err != nil {
		panic(err)
	}
	return b
}

func writeJSON(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// drainList runs an iterator to its end and returns its error.
func drainList[T any](seq func(func(T, error) bool)) error {
	for _, err := range seq {
		if err != nil {
			return err
		}
	}
	return nil
}

func targets() []target {
	alerts := mustRead("../../sekoia/testdata/alerts_list.json")
	alertsMore := bytes.Replace(bytes.Replace(alerts, []byte(`"has_more": false`), []byte(`"has_more": true`), 1), []byte(`"total": 1,`), []byte(`"total": 100000,`), 1)
	event := mustRead("../../tehtris/testdata/event_sandbox_alert.json")
	activity := mustRead("../../sentinelone/testdata/activity_type27_user_logged_in.json")
	s1Page := func(next string) []byte {
		return []byte(`{"data":[` + string(activity) + `],"pagination":{"nextCursor":` + next + `,"totalItems":1}}`)
	}
	common := func(l *slog.Logger) (sekoia.Option, sekoia.Option, sekoia.Option, sekoia.Option) {
		return sekoia.WithLogger(l), sekoia.WithMaxRetries(maxRetries), sekoia.WithRetryWait(time.Millisecond, 2*time.Millisecond), sekoia.WithMaxBodyBytes(maxBodyBytes)
	}
	sekoiaClient := func(base string, l *slog.Logger) *sekoia.Client {
		a, b, c, d := common(l)
		cl, err := sekoia.NewClient(sekoiaKey, sekoia.WithBaseURL(base), a, b, c, d)
		if err != nil {
			panic(err)
		}
		return cl
	}
	tehtrisClient := func(base string, l *slog.Logger) *tehtris.Client {
		cl, err := tehtris.NewClient("", tehtrisKey, tehtris.WithBaseURL(base), tehtris.WithLogger(l), tehtris.WithMaxRetries(maxRetries),
			tehtris.WithRetryWait(time.Millisecond, 2*time.Millisecond), tehtris.WithMaxBodyBytes(maxBodyBytes))
		if err != nil {
			panic(err)
		}
		return cl
	}
	s1Client := func(base string, l *slog.Logger) *sentinelone.Client {
		cl, err := sentinelone.NewClient(base, s1Token, sentinelone.WithLogger(l), sentinelone.WithMaxRetries(maxRetries),
			sentinelone.WithRetryWait(time.Millisecond, 2*time.Millisecond), sentinelone.WithMaxBodyBytes(maxBodyBytes), sentinelone.WithoutRateLimits())
		if err != nil {
			panic(err)
		}
		return cl
	}
	return []target{
		{
			name: "sekoia Alerts.All", kind: read, list: true, readsOK: true, secrets: []string{sekoiaKey},
			ok:     func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, 200, alerts) },
			repeat: func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, 200, alertsMore) },
			call: func(ctx context.Context, base string, l *slog.Logger) error {
				return drainList(sekoiaClient(base, l).Alerts.All(ctx, &sekoia.AlertListOptions{Limit: 1}))
			},
		},
		{
			name: "sekoia Alerts.UpdateWorkflow", kind: write, readsOK: true, secrets: []string{sekoiaKey},
			ok: func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, 200, []byte(`{"actions":[]}`)) },
			call: func(ctx context.Context, base string, l *slog.Logger) error {
				return sekoiaClient(base, l).Alerts.UpdateWorkflow(ctx, "ALL1A4SKUUUU", sekoia.ActionAcknowledge, "")
			},
		},
		{
			name: "sekoia Intake.Push", kind: safeWrite, readsOK: true, secrets: []string{intakeKey},
			ok: func(w http.ResponseWriter, _ *http.Request) {
				writeJSON(w, 200, []byte(`{"event_ids":["6f1e2d3c-4b5a-4978-8a9b-0c1d2e3f4a5b"]}`))
			},
			call: func(ctx context.Context, base string, l *slog.Logger) error {
				a, b, c, d := common(l)
				in, err := sekoia.NewIntake(intakeKey, sekoia.WithIntakeURL(base), a, b, c, d)
				if err != nil {
					return err
				}
				_, err = in.Push(ctx, [][]byte{[]byte(`{"msg":"hello"}`)})
				return err
			},
		},
		{
			name: "tehtris Events.All", kind: read, list: true, readsOK: true, secrets: []string{tehtrisKey, tehtrisBasic},
			ok: func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Query().Get("offset") == "0" {
					writeJSON(w, 200, []byte("["+string(event)+"]"))
					return
				}
				writeJSON(w, 200, []byte("[]"))
			},
			repeat: func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, 200, []byte("["+string(event)+"]")) },
			call: func(ctx context.Context, base string, l *slog.Logger) error {
				return drainList(tehtrisClient(base, l).Events.All(ctx, &tehtris.EventQuery{Limit: 1}))
			},
		},
		{
			name: "tehtris Endpoints.Isolate", kind: write, readsOK: false, secrets: []string{tehtrisKey, tehtrisBasic},
			ok: func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) },
			call: func(ctx context.Context, base string, l *slog.Logger) error {
				_, err := tehtrisClient(base, l).Endpoints.Isolate(ctx, tehtris.Endpoint{ApplianceID: 1, AgentUUID: "6f1e2d3c-4b5a-4978-8a9b-0c1d2e3f4a5b"}, nil)
				return err
			},
		},
		{
			name: "sentinelone Activities.All", kind: read, list: true, readsOK: true, secrets: []string{s1Token},
			ok:     func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, 200, s1Page("null")) },
			repeat: func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, 200, s1Page(`"c1"`)) },
			call: func(ctx context.Context, base string, l *slog.Logger) error {
				return drainList(s1Client(base, l).Activities.All(ctx, nil))
			},
		},
		{
			name: "sentinelone Agents.Disconnect", kind: write, readsOK: true, secrets: []string{s1Token},
			ok: func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, 200, []byte(`{"data":{"affected":1}}`)) },
			call: func(ctx context.Context, base string, l *slog.Logger) error {
				_, err := s1Client(base, l).Agents.Disconnect(ctx, sentinelone.AgentFilter{IDs: []string{"1"}}, nil)
				return err
			},
		},
	}
}

// outcome is what a cell must end with.
type outcome struct {
	ok        bool  // the call succeeds
	is        error // the error matches it (errors.Is)
	attempts  int   // the *APIError's Attempts, when not 0
	requests  int   // requests the server got, when not 0
	retryHour bool  // the *APIError's RetryAfter is an hour
	anyErr    bool  // any error (a decode error) will do
}

// fault is one kind of misbehaving server.
type fault struct {
	name string
	// applies reports whether the fault concerns the target.
	applies func(tg target) bool
	// serve answers the n-th request (from 1).
	serve func(tg target, n int, other string, w http.ResponseWriter, r *http.Request)
	// deadline, when set, is the caller's timeout.
	deadline time.Duration
	want     func(tg target) outcome
}

const htmlPage = "<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>\n"

func cut(w http.ResponseWriter, body []byte) {
	conn, buf, err := w.(http.Hijacker).Hijack()
	if err != nil {
		return
	}
	fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", len(body)+100)
	_, _ = buf.Write(body[:len(body)/2])
	_ = buf.Flush()
	_ = conn.Close()
}

// okBody records what the target's success answer holds.
func okBody(tg target, r *http.Request) []byte {
	rec := httptest.NewRecorder()
	tg.ok(rec, r)
	return rec.Body.Bytes()
}

func faults() []fault {
	all := func(target) bool { return true }
	retried := func(tg target) int {
		if tg.kind == write {
			return 1
		}
		return maxRetries + 1
	}
	return []fault{
		{
			name: "429 short Retry-After", applies: all,
			serve: func(tg target, n int, _ string, w http.ResponseWriter, r *http.Request) {
				if n == 1 {
					w.Header().Set("Retry-After", "1")
					writeJSON(w, 429, []byte(`{"message":"slow down"}`))
					return
				}
				tg.ok(w, r)
			},
			want: func(target) outcome { return outcome{ok: true} },
		},
		{
			name: "429 too-long Retry-After", applies: all,
			serve: func(_ target, _ int, _ string, w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Retry-After", "3600")
				writeJSON(w, 429, []byte(`{"message":"slow down"}`))
			},
			want: func(target) outcome {
				return outcome{is: apierror.ErrRateLimited, attempts: 1, requests: 1, retryHour: true}
			},
		},
		{
			name: "503 burst then success", applies: all,
			serve: func(tg target, n int, _ string, w http.ResponseWriter, r *http.Request) {
				if n <= 2 {
					writeJSON(w, 503, []byte(`{"message":"unavailable"}`))
					return
				}
				tg.ok(w, r)
			},
			want: func(tg target) outcome {
				if tg.kind == write {
					return outcome{is: apierror.ErrServer, attempts: 1, requests: 1}
				}
				return outcome{ok: true}
			},
		},
		{
			name: "503 always", applies: all,
			serve: func(_ target, _ int, _ string, w http.ResponseWriter, _ *http.Request) {
				writeJSON(w, 503, []byte(`{"message":"unavailable"}`))
			},
			want: func(tg target) outcome {
				return outcome{is: apierror.ErrServer, attempts: retried(tg), requests: retried(tg)}
			},
		},
		{
			name: "body cut mid-way", applies: all,
			serve: func(tg target, n int, _ string, w http.ResponseWriter, r *http.Request) {
				if n == 1 {
					cut(w, okBody(tg, r))
					return
				}
				tg.ok(w, r)
			},
			want: func(tg target) outcome {
				if tg.kind == write && tg.readsOK {
					return outcome{is: io.ErrUnexpectedEOF, requests: 1}
				}
				// A read is sent again; a write that does not read its
				// answer's body (the isolation order) has succeeded.
				return outcome{ok: true}
			},
		},
		{
			name: "truncated JSON in a 200", applies: func(tg target) bool { return tg.readsOK },
			serve: func(tg target, _ int, _ string, w http.ResponseWriter, r *http.Request) {
				b := okBody(tg, r)
				writeJSON(w, 200, b[:len(b)/2])
			},
			want: func(target) outcome { return outcome{anyErr: true, requests: 1} },
		},
		{
			name: "HTML error page (502)", applies: all,
			serve: func(_ target, _ int, _ string, w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				w.WriteHeader(502)
				_, _ = io.WriteString(w, htmlPage)
			},
			want: func(tg target) outcome {
				return outcome{is: apierror.ErrServer, attempts: retried(tg), requests: retried(tg)}
			},
		},
		{
			name: "HTML page in a 200", applies: func(tg target) bool { return tg.readsOK },
			serve: func(_ target, _ int, _ string, w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				_, _ = io.WriteString(w, htmlPage)
			},
			want: func(target) outcome { return outcome{anyErr: true, requests: 1} },
		},
		{
			name: "server slower than the deadline", applies: all, deadline: 100 * time.Millisecond,
			serve: func(_ target, _ int, _ string, _ http.ResponseWriter, r *http.Request) {
				// The body is read first: until then the server does not
				// watch the connection, and would miss the caller leaving.
				_, _ = io.Copy(io.Discard, r.Body)
				select {
				case <-r.Context().Done():
				case <-time.After(10 * time.Second):
				}
			},
			want: func(target) outcome { return outcome{is: context.DeadlineExceeded} },
		},
		{
			name: "1 GiB body", applies: func(tg target) bool { return tg.readsOK },
			serve: func(_ target, _ int, _ string, w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				chunk := bytes.Repeat([]byte(" "), 64<<10)
				chunk[0] = '['
				for sent := 0; sent < 1<<30; sent += len(chunk) {
					if _, err := w.Write(chunk); err != nil {
						return
					}
					chunk[0] = ' '
				}
			},
			want: func(target) outcome { return outcome{is: apierror.ErrBodyTooLarge, requests: 1} },
		},
		{
			name: "redirect to another origin", applies: all,
			serve: func(_ target, _ int, other string, w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, other+r.URL.Path, http.StatusTemporaryRedirect)
			},
			want: func(target) outcome { return outcome{is: apierror.ErrRedirectRefused, requests: 1} },
		},
		{
			name: "a page that repeats for ever", applies: func(tg target) bool { return tg.list },
			serve: func(tg target, _ int, _ string, w http.ResponseWriter, r *http.Request) { tg.repeat(w, r) },
			want:  func(target) outcome { return outcome{is: apierror.ErrPaginationStalled} },
		},
		{
			name: "error body echoing the credential", applies: all,
			serve: func(tg target, _ int, _ string, w http.ResponseWriter, r *http.Request) {
				var echo []string
				for _, s := range tg.secrets {
					var esc strings.Builder
					for i := 0; i < len(s); i++ {
						fmt.Fprintf(&esc, `\u%04x`, s[i])
					}
					echo = append(echo, s, esc.String(), strings.ReplaceAll(s, "-", "%2D"))
				}
				echo = append(echo, r.Header.Get("Authorization"))
				w.Header().Set("X-Sekoia-Traceid", tg.secrets[0])
				writeJSON(w, 401, []byte(`{"message":"bad credential `+strings.Join(echo, " ")+`","detail":"`+tg.secrets[0]+`",`+
					`"errors":[{"code":4010010,"title":"Authentication Failed `+tg.secrets[0]+`","detail":"`+echo[1]+`"}]}`))
			},
			want: func(target) outcome { return outcome{is: apierror.ErrUnauthorized, attempts: 1, requests: 1} },
		},
	}
}

// TestFaultMatrix runs every cell at once (the cells wait on servers, not
// on the CPU), each reporting its failures under its own name.
func TestFaultMatrix(t *testing.T) {
	t.Parallel()
	var cells, correct atomic.Int64
	var wg sync.WaitGroup
	for _, f := range faults() {
		for _, tg := range targets() {
			if !f.applies(tg) {
				continue
			}
			cells.Add(1)
			wg.Go(func() {
				if runCell(t, f, tg) {
					correct.Add(1)
				}
			})
		}
	}
	wg.Wait()
	t.Logf("fault matrix: %d of %d cells correct", correct.Load(), cells.Load())
}

// asPublic reports whether errors.As finds, in err, the exported
// *APIError of the package the target named (by its first word) belongs
// to, as a user of that package would look for it.
func asPublic(name string, err error) bool {
	switch pkg, _, _ := strings.Cut(name, " "); pkg {
	case "sekoia":
		var e *sekoia.APIError
		return errors.As(err, &e)
	case "tehtris":
		var e *tehtris.APIError
		return errors.As(err, &e)
	case "sentinelone":
		var e *sentinelone.APIError
		return errors.As(err, &e)
	}
	return false
}

// runCell runs one cell and reports whether it held.
func runCell(t *testing.T, f fault, tg target) bool {
	var otherHits atomic.Int64
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		otherHits.Add(1)
		tg.ok(w, r)
	}))
	defer other.Close()
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.serve(tg, int(n.Add(1)), other.URL, w, r)
	}))
	defer srv.Close()

	logs := &hostile.LogBuffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	ctx := context.Background()
	if f.deadline > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, f.deadline)
		defer cancel()
	}
	err := tg.call(ctx, srv.URL, log)
	want := f.want(tg)
	ok := true
	fail := func(format string, args ...any) {
		ok = false
		t.Errorf("%s / %s: %s", f.name, tg.name, fmt.Sprintf(format, args...))
	}
	switch {
	case want.ok && err != nil:
		fail("err %v, want success", err)
	case !want.ok && err == nil:
		fail("success, want an error")
	case want.is != nil && !errors.Is(err, want.is):
		fail("err %v, want one matching %v", err, want.is)
	}
	ae, _ := apierror.As(err)
	if ae != nil && !asPublic(tg.name, err) {
		fail("err %#v: errors.As finds no *APIError of the package", err)
	}
	if want.attempts > 0 {
		if ae == nil || ae.Attempts != want.attempts {
			fail("err %#v: want an *APIError with %d attempts", err, want.attempts)
		}
	}
	if want.retryHour && (ae == nil || ae.RetryAfter != time.Hour) {
		fail("want RetryAfter 1h in %#v", ae)
	}
	if want.requests > 0 && int(n.Load()) != want.requests {
		fail("%d requests, want %d", n.Load(), want.requests)
	}
	if otherHits.Load() != 0 {
		fail("the other origin got %d requests", otherHits.Load())
	}
	for _, l := range hostile.Leaks(err, map[string]string{"log": logs.String()}, tg.secrets...) {
		fail("%s", l)
	}
	return ok
}
