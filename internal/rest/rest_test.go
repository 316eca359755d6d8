package rest

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"syscall"
	"testing"
	"testing/synctest"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/jarcoal/httpmock"

	"github.com/socgo/xdr/internal/apierror"
	"github.com/socgo/xdr/internal/hostile"
	"github.com/socgo/xdr/internal/transport"
	"github.com/socgo/xdr/xdrtest"
)

const secret = "sk-live-9c1f0e7d2b4a6c8e"

// newMock returns a fresh mock transport that fails the test on any
// request no responder expects.
func newMock(t *testing.T) *httpmock.MockTransport {
	t.Helper()
	m := httpmock.NewMockTransport()
	m.RegisterNoResponder(httpmock.NewNotFoundResponder(t.Fatal))
	return m
}

func newClient(t *testing.T, base string, rt http.RoundTripper) *Client {
	t.Helper()
	return newClientCfg(t, base, rt, nil)
}

func newClientCfg(t *testing.T, base string, rt http.RoundTripper, change func(*transport.Config)) *Client {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	cfg := transport.Defaults()
	cfg.Base = u
	cfg.Auth = func(h http.Header) { h.Set("Authorization", "Bearer "+secret) }
	cfg.HTTPClient = &http.Client{Transport: rt}
	cfg.RetryWaitMin, cfg.RetryWaitMax = time.Millisecond, time.Millisecond
	if change != nil {
		change(&cfg)
	}
	tc, err := transport.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	c := New("svc", tc)
	c.Secrets = func() []string { return []string{secret} }
	return c
}

// wire is what reached the server.
type wire struct {
	Method, URL, ContentType, Accept string
	Body                             string
}

func capture(got *wire, resp *http.Response) httpmock.Responder {
	return func(r *http.Request) (*http.Response, error) {
		*got = wire{Method: r.Method, URL: r.URL.String(), ContentType: r.Header.Get("Content-Type"), Accept: r.Header.Get("Accept")}
		if r.Body != nil {
			b, _ := io.ReadAll(r.Body)
			got.Body = string(b)
		}
		return resp, nil
	}
}

func jsonResp(status int, body string) *http.Response {
	r := httpmock.NewStringResponse(status, body)
	r.Header.Set("Content-Type", "application/json")
	return r
}

func TestURLJoinsUnderBasePath(t *testing.T) {
	t.Parallel()
	tests := []struct {
		base, path string
		q          url.Values
		want       string
	}{
		{"https://api.test", "/v1/alerts", nil, "https://api.test/v1/alerts"},
		{"https://api.test/api", "/v1/alerts", nil, "https://api.test/api/v1/alerts"},
		{"https://api.test/api/", "/v1/alerts", nil, "https://api.test/api/v1/alerts"},
		{"https://api.test/api", "/v1/alerts/" + Seg("a/b c%?#"), nil, "https://api.test/api/v1/alerts/a%2Fb%20c%25%3F%23"},
		{"https://api.test/my%20api", "/v1/x", nil, "https://api.test/my%20api/v1/x"},
		{"https://api.test/api", "/v1/alerts", url.Values{"limit": {"10"}, "match[status]": {"a", "b"}},
			"https://api.test/api/v1/alerts?limit=10&match%5Bstatus%5D=a&match%5Bstatus%5D=b"},
		{"https://api.test:8443", "/v1/x", url.Values{}, "https://api.test:8443/v1/x"},
	}
	for _, tt := range tests {
		c := newClient(t, tt.base, newMock(t))
		if got := c.URL(tt.path, tt.q).String(); got != tt.want {
			t.Errorf("URL(%q) under %s = %s, want %s", tt.path, tt.base, got, tt.want)
		}
	}
}

func TestSeg(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"ALxyz123":   "ALxyz123",
		"a/b":        "a%2Fb",
		"../admin":   "..%2Fadmin",
		"x?y=1#frag": "x%3Fy=1%23frag",
	} {
		if got := Seg(in); got != want {
			t.Errorf("Seg(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDoSendsJSONBodyAndDecodesAnswer(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	var got wire
	m.RegisterResponder(http.MethodPost, "https://api.test/api/v1/alerts/AL1/workflow",
		capture(&got, jsonResp(200, `{"id":"AL1","n":3}`)))
	c := newClient(t, "https://api.test/api", m)

	var out struct {
		ID string `json:"id"`
		N  int    `json:"n"`
	}
	body := struct {
		Action  string `json:"action_uuid"`
		Comment string `json:"comment,omitempty"`
	}{"ack", "looked at it"}
	meta, err := c.Do(t.Context(), Request{Method: http.MethodPost, Path: "/v1/alerts/" + Seg("AL1") + "/workflow", Body: body}, &out)
	if err != nil {
		t.Fatalf("Do: %v", err)
	}
	want := wire{Method: "POST", URL: "https://api.test/api/v1/alerts/AL1/workflow", ContentType: "application/json",
		Accept: "application/json", Body: `{"action_uuid":"ack","comment":"looked at it"}`}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("request on the wire (-want +got):\n%s", diff)
	}
	if out.ID != "AL1" || out.N != 3 {
		t.Errorf("decoded %+v", out)
	}
	if meta.StatusCode != 200 || meta.Attempts != 1 {
		t.Errorf("meta %+v", meta)
	}
}

func TestDoSendsRawBodiesAndHeaders(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	var got wire
	var extra string
	m.RegisterResponder(http.MethodPost, "https://api.test/plain", func(r *http.Request) (*http.Response, error) {
		extra = r.Header.Get("X-Extra")
		return capture(&got, httpmock.NewStringResponse(202, ""))(r)
	})
	c := newClient(t, "https://api.test", m)
	for _, body := range []any{[]byte("line1\nline2"), strings.NewReader("line1\nline2")} {
		_, err := c.Do(t.Context(), Request{Method: http.MethodPost, Path: "/plain", Body: body,
			ContentType: "text/plain", Header: http.Header{"X-Extra": {"1"}}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got.Body != "line1\nline2" || got.ContentType != "text/plain" || extra != "1" {
			t.Errorf("%T body: sent %+v, X-Extra %q", body, got, extra)
		}
	}
}

func TestDoQueryOnTheWire(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	m.RegisterResponderWithQuery(http.MethodGet, "https://api.test/v1/list", "limit=5&offset=10&q=a+b",
		httpmock.NewStringResponder(200, `[]`))
	c := newClient(t, "https://api.test", m)
	var out []int
	q := url.Values{"limit": {"5"}, "offset": {"10"}, "q": {"a b"}}
	if _, err := c.Do(t.Context(), Request{Method: http.MethodGet, Path: "/v1/list", Query: q}, &out); err != nil {
		t.Fatal(err)
	}
	if n := m.GetTotalCallCount(); n != 1 {
		t.Errorf("%d calls", n)
	}
}

func TestDo204AndNilOut(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	m.RegisterResponder(http.MethodDelete, "https://api.test/v1/x/1", httpmock.NewStringResponder(204, ""))
	m.RegisterResponder(http.MethodPut, "https://api.test/v1/x/1", httpmock.NewStringResponder(200, `not json, ignored`))
	c := newClient(t, "https://api.test", m)
	var out map[string]any
	meta, err := c.Do(t.Context(), Request{Method: http.MethodDelete, Path: "/v1/x/1"}, &out)
	if err != nil || meta.StatusCode != 204 || out != nil {
		t.Errorf("204: meta %+v, out %v, err %v", meta, out, err)
	}
	if _, err := c.Do(t.Context(), Request{Method: http.MethodPut, Path: "/v1/x/1", Body: map[string]int{"a": 1}}, nil); err != nil {
		t.Errorf("nil out: %v", err)
	}
}

func TestDoDecodeFailure(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	m.RegisterResponder(http.MethodGet, "https://api.test/v1/x", httpmock.NewStringResponder(200, `{"id":`))
	c := newClient(t, "https://api.test", m)
	var out struct{ ID string }
	_, err := c.Do(t.Context(), Request{Method: http.MethodGet, Path: "/v1/x"}, &out)
	if err == nil || !strings.Contains(err.Error(), "svc: GET /v1/x: decode 200 response") {
		t.Errorf("err = %v", err)
	}
}

func TestEncodeFailureBeforeAnyRequest(t *testing.T) {
	t.Parallel()
	c := newClient(t, "https://api.test", newMock(t)) // any request fails the test
	_, err := c.Do(t.Context(), Request{Method: http.MethodPost, Path: "/v1/x", Body: map[string]any{"f": func() {}}}, nil)
	if err == nil || !strings.Contains(err.Error(), "svc: encode request body") {
		t.Errorf("err = %v", err)
	}
}

func TestErrorDecoded(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	resp := jsonResp(404, `{"message":"Alert not found","code":"E404","detail":"no alert AL9"}`)
	resp.Header.Set("X-Trace", "trace-77")
	m.RegisterResponder(http.MethodGet, "https://api.test/api/v1/alerts/AL9", httpmock.ResponderFromResponse(resp))
	c := newClient(t, "https://api.test/api", m)
	c.RequestIDHeader = "X-Trace"
	meta, err := c.Do(t.Context(), Request{Method: http.MethodGet, Path: "/v1/alerts/AL9"}, nil)
	var ae *apierror.Error
	if !errors.As(err, &ae) {
		t.Fatalf("err = %v, want *apierror.Error", err)
	}
	want := &apierror.Error{
		Service: "svc", StatusCode: 404, Method: "GET", Path: "/api/v1/alerts/AL9", RequestID: "trace-77",
		Code: "E404", Message: "Alert not found", Detail: "no alert AL9", Attempts: 1,
		Body: []byte(`{"message":"Alert not found","code":"E404","detail":"no alert AL9"}`),
	}
	if diff := cmp.Diff(want, ae, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("error (-want +got):\n%s", diff)
	}
	if !errors.Is(err, apierror.ErrNotFound) || errors.Is(err, apierror.ErrServer) {
		t.Error("sentinels do not match the status")
	}
	if meta.RequestID != "trace-77" || meta.StatusCode != 404 {
		t.Errorf("meta %+v", meta)
	}
	if got := err.Error(); got != "svc: GET /api/v1/alerts/AL9: 404 Not Found: Alert not found: no alert AL9 (code=E404, request_id=trace-77)" {
		t.Errorf("Error() = %q", got)
	}
}

var errExpired = errors.New("job expired")

func TestCustomDecodeErrorAndSentinels(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	m.RegisterResponder(http.MethodGet, "https://api.test/v1/jobs/j1/events", httpmock.NewStringResponder(410, `{"errors":[{"msg":"gone"}]}`))
	c := newClient(t, "https://api.test", m)
	c.DecodeError = func(body []byte, e *apierror.Error) {
		var v struct {
			Errors []struct{ Msg string } `json:"errors"`
		}
		if json.Unmarshal(body, &v) == nil && len(v.Errors) > 0 {
			e.Message = v.Errors[0].Msg
		}
		if e.StatusCode == http.StatusGone {
			e.Sentinels = append(e.Sentinels, errExpired)
		}
	}
	_, err := c.Do(t.Context(), Request{Method: http.MethodGet, Path: "/v1/jobs/j1/events"}, nil)
	var ae *apierror.Error
	if !errors.As(err, &ae) || ae.Message != "gone" || !errors.Is(err, errExpired) {
		t.Errorf("err = %v; want message \"gone\" matching errExpired", err)
	}
}

func TestErrorRedactsSecrets(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	m.RegisterResponder(http.MethodGet, "https://api.test/v1/me",
		httpmock.NewStringResponder(401, `{"message":"key `+secret+` is revoked","detail":"`+secret+`","code":"T302"}`))
	c := newClient(t, "https://api.test", m)
	_, err := c.Do(t.Context(), Request{Method: http.MethodGet, Path: "/v1/me"}, nil)
	var ae *apierror.Error
	if !errors.As(err, &ae) {
		t.Fatalf("err = %v", err)
	}
	for name, s := range map[string]string{"Error()": err.Error(), "Body": string(ae.Body), "Message": ae.Message, "Detail": ae.Detail} {
		if strings.Contains(s, secret) {
			t.Errorf("%s holds the secret: %s", name, s)
		}
	}
	if ae.Message != "key [REDACTED] is revoked" || !errors.Is(err, apierror.ErrUnauthorized) {
		t.Errorf("message %q", ae.Message)
	}
}

func TestTransportErrorRedactedAndWrapped(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	m.RegisterResponder(http.MethodPost, "https://api.test/v1/x", httpmock.ConnectionFailure)
	c := newClient(t, "https://api.test", m)
	_, err := c.Do(t.Context(), Request{Method: http.MethodPost, Path: "/v1/x", Query: url.Values{"key": {secret}}}, nil)
	if err == nil {
		t.Fatal("no error")
	}
	if strings.Contains(err.Error(), secret) || !strings.HasPrefix(err.Error(), "svc: POST /v1/x: ") {
		t.Errorf("err = %q", err)
	}
	var ue *url.Error
	if !errors.As(err, &ue) {
		t.Errorf("err = %v does not unwrap to the transport's *url.Error", err)
	}
}

func TestContextErrorStillMatches(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	m.RegisterResponder(http.MethodGet, "https://api.test/v1/x", httpmock.NewStringResponder(200, `{}`))
	c := newClient(t, "https://api.test", m)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := c.Do(ctx, Request{Method: http.MethodGet, Path: "/v1/x", Query: url.Values{"key": {secret}}}, nil)
	if !errors.Is(err, context.Canceled) || strings.Contains(err.Error(), secret) {
		t.Errorf("err = %v; want context.Canceled without the query", err)
	}
}

// scripted answers a fixed sequence, without sockets (for synctest).
type scripted []*http.Response

func (s *scripted) RoundTrip(r *http.Request) (*http.Response, error) {
	resp := (*s)[0]
	if len(*s) > 1 {
		*s = (*s)[1:]
	}
	resp.Request = r
	return resp, nil
}

func TestRateLimitOverCapBecomesErrRateLimited(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		r := jsonResp(429, `{"message":"Too many requests"}`)
		r.Header.Set("Retry-After", "300")
		rt := &scripted{r}
		c := newClient(t, "https://api.test", rt)
		start := time.Now()
		_, err := c.Do(t.Context(), Request{Method: http.MethodGet, Path: "/v1/x"}, nil)
		var ae *apierror.Error
		if !errors.As(err, &ae) || !errors.Is(err, apierror.ErrRateLimited) {
			t.Fatalf("err = %v, want ErrRateLimited", err)
		}
		if ae.RetryAfter != 5*time.Minute || ae.Attempts != 1 || time.Since(start) != 0 {
			t.Errorf("RetryAfter %s, attempts %d after %s; want 5m, 1, at once", ae.RetryAfter, ae.Attempts, time.Since(start))
		}
		if !ae.Temporary() {
			t.Error("a 429 is temporary")
		}
	})
}

func TestRetriedThenFailedCountsAttempts(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		rt := &scripted{jsonResp(503, `{"message":"busy"}`)}
		c := newClient(t, "https://api.test", rt)
		_, err := c.Do(t.Context(), Request{Method: http.MethodGet, Path: "/v1/x"}, nil)
		var ae *apierror.Error
		if !errors.As(err, &ae) || ae.Attempts != 5 || !errors.Is(err, apierror.ErrServer) {
			t.Fatalf("err = %v, want ErrServer after 5 attempts", err)
		}
		if !strings.HasSuffix(err.Error(), "(attempts=5)") || strings.Contains(err.Error(), "giving up") {
			t.Errorf("Error() = %q", err)
		}
	})
}

func TestRetrySafeRequest(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		rt := &scripted{jsonResp(502, `{}`), jsonResp(200, `{"ok":true}`)}
		c := newClient(t, "https://api.test", rt)
		var out struct{ OK bool }
		meta, err := c.Do(t.Context(), Request{Method: http.MethodPost, Path: "/v1/x", Body: []byte("{}"), RetrySafe: true}, &out)
		if err != nil || !out.OK || meta.Attempts != 2 {
			t.Errorf("meta %+v, out %+v, err %v; want success after 2", meta, out, err)
		}
	})
}

func TestSendReturnsOpenBody(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	m.RegisterResponder(http.MethodGet, "https://api.test/v1/raw", httpmock.NewStringResponder(200, "raw bytes"))
	c := newClient(t, "https://api.test", m)
	resp, meta, err := c.Send(t.Context(), Request{Method: http.MethodGet, Path: "/v1/raw"})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := ReadAll(resp)
	if err != nil || string(b) != "raw bytes" || meta.StatusCode != 200 {
		t.Errorf("read %q, meta %+v, err %v", b, meta, err)
	}
}

func TestDecodeMessageCode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		body                  string
		message, code, detail string
	}{
		{`{"message":"m","code":"C1","detail":"d"}`, "m", "C1", "d"},
		{`{"error":"bad token"}`, "bad token", "", ""},
		{`{"message":"m","code":4010010}`, "m", "4010010", ""},
		{`{"detail":{"field":"x"}}`, "", "", `{"field":"x"}`},
		{"<html>\nBad Gateway\n</html>", "<html>", "", ""},
		{"  upstream timed out  ", "upstream timed out", "", ""},
		{strings.Repeat("z", 300), strings.Repeat("z", 200) + "…", "", ""},
		{``, "", "", ""},
	}
	for _, tt := range tests {
		var e apierror.Error
		DecodeMessageCode([]byte(tt.body), &e)
		if e.Message != tt.message || e.Code != tt.code || e.Detail != tt.detail {
			t.Errorf("DecodeMessageCode(%.40q) = %q, %q, %q; want %q, %q, %q", tt.body, e.Message, e.Code, e.Detail, tt.message, tt.code, tt.detail)
		}
	}
}

func TestErrorBodyBounded(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	m.RegisterResponder(http.MethodGet, "https://api.test/v1/x", httpmock.NewStringResponder(500, strings.Repeat("x", apierror.MaxBody+100)))
	c := newClientCfg(t, "https://api.test", m, func(c *transport.Config) { c.MaxRetries = 0 })
	_, err := c.Do(t.Context(), Request{Method: http.MethodGet, Path: "/v1/x"}, nil)
	var ae *apierror.Error
	if !errors.As(err, &ae) || len(ae.Body) != apierror.MaxBody {
		t.Errorf("kept %d bytes, want %d", len(ae.Body), apierror.MaxBody)
	}
}

func TestRetryAfterPastDeadlineBecomesErrRateLimited(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		r := jsonResp(429, `{"message":"Too many requests"}`)
		r.Header.Set("Retry-After", "10")
		c := newClient(t, "https://api.test", &scripted{r})
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		defer cancel()
		start := time.Now()
		_, err := c.Do(ctx, Request{Method: http.MethodGet, Path: "/v1/x"}, nil)
		var ae *apierror.Error
		if !errors.As(err, &ae) || !errors.Is(err, apierror.ErrRateLimited) || ae.RetryAfter != 10*time.Second {
			t.Fatalf("err = %v, want ErrRateLimited with RetryAfter 10s", err)
		}
		if time.Since(start) != 0 {
			t.Errorf("failed after %s, want at once", time.Since(start))
		}
	})
}

func FuzzDecodeMessageCode(f *testing.F) {
	for _, s := range []string{
		`{"message":"m","code":"C1","detail":"d"}`, `{"error":"x"}`, `{"code":4010010}`,
		`{"errors":[{"code":4000010,"detail":"d","title":"t"}]}`, "<html>\n</html>", "", "null", `{"message":null}`,
		`{"detail":[{"loc":["body","x"],"msg":"field required"}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var e apierror.Error
		DecodeMessageCode(body, &e)
		if !json.Valid(body) && (strings.Contains(e.Message, "\n") || len(e.Message) > 200+len("…")) {
			t.Errorf("message of a non-JSON body is not one bounded line: %q", e.Message)
		}
	})
}

func TestDecodeMessageCodeKeepsUTF8(t *testing.T) {
	t.Parallel()
	var e apierror.Error
	DecodeMessageCode([]byte(strings.Repeat("é", 150)), &e) // 300 bytes
	if !utf8.ValidString(e.Message) || !strings.HasSuffix(e.Message, "…") || len(e.Message) > 200+len("…") {
		t.Errorf("message %q", e.Message)
	}
}

// cutBody is a body that ends with err after its bytes.
type cutBody struct {
	r   io.Reader
	err error
}

func (b *cutBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err == io.EOF {
		return n, b.err
	}
	return n, err
}

func (b *cutBody) Close() error { return nil }

// answers replies with the responses made by fns in turn (the last one
// again when they run out) and counts the requests.
type answers struct {
	mu  sync.Mutex
	fns []func() *http.Response
	n   int
}

func (a *answers) RoundTrip(r *http.Request) (*http.Response, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	resp := a.fns[min(a.n, len(a.fns)-1)]()
	a.n++
	resp.Request = r
	return resp, nil
}

func (a *answers) count() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.n
}

// cut answers 200 with a Content-Length of len(body) but only its first
// half, then err.
func cut(body string, err error) func() *http.Response {
	return func() *http.Response {
		r := jsonResp(200, "")
		r.ContentLength = int64(len(body))
		r.Body = &cutBody{r: strings.NewReader(body[:len(body)/2]), err: err}
		return r
	}
}

func whole(body string) func() *http.Response {
	return func() *http.Response { return jsonResp(200, body) }
}

// logged returns a logger that records its lines (as text) into buf.
func logged(buf *syncBuffer) *slog.Logger {
	return slog.New(slog.NewTextHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// syncBuffer is a log sink safe for the client's goroutines.
type syncBuffer = hostile.LogBuffer

func TestCutBodyOnGETIsSentAgain(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		const body = `{"id":"a1","name":"first"}`
		rt := &answers{fns: []func() *http.Response{cut(body, io.ErrUnexpectedEOF), cut(body, syscall.ECONNRESET), whole(body)}}
		var logs syncBuffer
		c := newClientCfg(t, "https://api.test", rt, func(cfg *transport.Config) {
			cfg.Logger = logged(&logs)
			cfg.RetryWaitMin, cfg.RetryWaitMax = time.Second, 2*time.Second
		})
		var out struct{ ID, Name string }
		start := time.Now()
		meta, err := c.Do(t.Context(), Request{Method: http.MethodGet, Path: "/v1/x", Query: url.Values{"key": {secret}}}, &out)
		if err != nil || out.ID != "a1" || out.Name != "first" {
			t.Fatalf("out %+v, err %v; want the third answer decoded", out, err)
		}
		if rt.count() != 3 || meta.Attempts != 3 {
			t.Errorf("%d requests, meta.Attempts %d; want 3 and 3", rt.count(), meta.Attempts)
		}
		// The transport's backoff: 0.5s..1s, then 1s..2s.
		if d := time.Since(start); d < 1500*time.Millisecond || d > 3*time.Second {
			t.Errorf("waited %s in all, want the transport's backoff (1.5s..3s)", d)
		}
		l := logs.String()
		if strings.Count(l, "level=WARN msg=\"response body cut; sending the request again\"") != 2 ||
			!strings.Contains(l, "attempt=2") || !strings.Contains(l, "unexpected EOF") || strings.Contains(l, secret) {
			t.Errorf("logs:\n%s\nwant two Warn lines without the query", l)
		}
	})
}

func TestCutBodyGivesUpAfterMaxRetries(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		rt := &answers{fns: []func() *http.Response{cut(`{"id":"a1"}`, io.ErrUnexpectedEOF)}}
		c := newClientCfg(t, "https://api.test", rt, func(cfg *transport.Config) { cfg.MaxRetries = 2 })
		var out map[string]any
		meta, err := c.Do(t.Context(), Request{Method: http.MethodPut, Path: "/v1/x", Body: map[string]int{"a": 1}}, &out)
		if !errors.Is(err, io.ErrUnexpectedEOF) || !strings.Contains(err.Error(), "svc: PUT /v1/x: read 200 response") {
			t.Errorf("err = %v, want the read error", err)
		}
		if rt.count() != 3 || meta.Attempts != 3 || out != nil {
			t.Errorf("%d requests, %d attempts, out %v; want 3 (1 + MaxRetries), 3, nothing decoded", rt.count(), meta.Attempts, out)
		}
	})
}

func TestCutBodyOnPOSTIsNotSentAgain(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		const body = `{"id":"a1"}`
		rt := &answers{fns: []func() *http.Response{cut(body, io.ErrUnexpectedEOF), whole(body)}}
		c := newClient(t, "https://api.test", rt)
		var out map[string]any
		_, err := c.Do(t.Context(), Request{Method: http.MethodPost, Path: "/v1/x", Body: map[string]int{"a": 1}}, &out)
		if !errors.Is(err, io.ErrUnexpectedEOF) || rt.count() != 1 {
			t.Errorf("err = %v after %d requests; want io.ErrUnexpectedEOF after 1 (a POST may have acted)", err, rt.count())
		}
		// RetrySafe says it may be sent again.
		rt = &answers{fns: []func() *http.Response{cut(body, io.ErrUnexpectedEOF), whole(body)}}
		c = newClient(t, "https://api.test", rt)
		if _, err := c.Do(t.Context(), Request{Method: http.MethodPost, Path: "/v1/x", Body: []byte(`{}`), RetrySafe: true}, &out); err != nil || rt.count() != 2 {
			t.Errorf("RetrySafe POST: err = %v after %d requests; want success after 2", err, rt.count())
		}
		// A reader body cannot be sent twice, even with a GET.
		rt = &answers{fns: []func() *http.Response{cut(body, io.ErrUnexpectedEOF), whole(body)}}
		c = newClient(t, "https://api.test", rt)
		_, err = c.Do(t.Context(), Request{Method: http.MethodPut, Path: "/v1/x", Body: strings.NewReader(`{}`)}, &out)
		if !errors.Is(err, io.ErrUnexpectedEOF) || rt.count() != 1 {
			t.Errorf("PUT with a reader body: err = %v after %d requests; want 1", err, rt.count())
		}
	})
}

func TestCompleteInvalidJSONIsNotSentAgain(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		// A body that came whole, with its Content-Length, but is cut JSON
		// (or wrong JSON): the server's answer, not a transport failure.
		for _, bad := range []string{`{"id":"a1","na`, `{"id":`, `<html>`, `{"id":1}`} {
			rt := &answers{fns: []func() *http.Response{whole(bad), whole(`{"id":"a1"}`)}}
			c := newClient(t, "https://api.test", rt)
			var out struct{ ID string }
			_, err := c.Do(t.Context(), Request{Method: http.MethodGet, Path: "/v1/x"}, &out)
			if err == nil || !strings.Contains(err.Error(), "svc: GET /v1/x: decode 200 response") || rt.count() != 1 {
				t.Errorf("%q: err = %v after %d requests; want a decode error after 1", bad, err, rt.count())
			}
		}
	})
}

func TestBodyOverCapIsNotSentAgain(t *testing.T) {
	t.Parallel()
	rt := &answers{fns: []func() *http.Response{whole(`{"id":"` + strings.Repeat("x", 100) + `"}`)}}
	c := newClientCfg(t, "https://api.test", rt, func(cfg *transport.Config) { cfg.MaxBodyBytes = 50 })
	_, _, err := c.Fetch(t.Context(), Request{Method: http.MethodGet, Path: "/v1/x"})
	if !errors.Is(err, transport.ErrBodyTooLarge) || rt.count() != 1 {
		t.Errorf("err = %v after %d requests; want ErrBodyTooLarge after 1", err, rt.count())
	}
}

func TestCutBodyRetryStopsWithContext(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		rt := &answers{fns: []func() *http.Response{cut(`{"id":"a1"}`, io.ErrUnexpectedEOF)}}
		c := newClientCfg(t, "https://api.test", rt, func(cfg *transport.Config) {
			cfg.RetryWaitMin, cfg.RetryWaitMax = time.Minute, time.Minute
		})
		// The wait would pass the deadline: no second request.
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		defer cancel()
		_, _, err := c.Fetch(ctx, Request{Method: http.MethodGet, Path: "/v1/x"})
		if !errors.Is(err, io.ErrUnexpectedEOF) || rt.count() != 1 {
			t.Errorf("err = %v after %d requests; want the read error after 1", err, rt.count())
		}
		// Cancelled during the wait: the read error, at once.
		ctx, cancel = context.WithCancel(t.Context())
		time.AfterFunc(time.Second, cancel)
		start := time.Now()
		_, _, err = c.Fetch(ctx, Request{Method: http.MethodGet, Path: "/v1/x"})
		if !errors.Is(err, io.ErrUnexpectedEOF) || rt.count() != 2 || time.Since(start) != time.Second {
			t.Errorf("err = %v after %d requests and %s; want the read error after 2 in all, at the cancel", err, rt.count(), time.Since(start))
		}
	})
}

// TestCutBodyOverTheWire uses a real server whose connection is closed in
// the middle of the body.
func TestCutBodyOverTheWire(t *testing.T) {
	t.Parallel()
	var faults xdrtest.Set
	srv := httptest.NewServer(faults.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"items":[`+strings.Repeat(`{"id":"x"},`, 500)+`{"id":"last"}]}`)
	})))
	defer srv.Close()
	faults.Add(xdrtest.Fault{Kind: xdrtest.CutBody, Times: 2})
	c := newClientCfg(t, srv.URL, http.DefaultTransport, nil)
	var out struct{ Items []struct{ ID string } }
	meta, err := c.Do(t.Context(), Request{Method: http.MethodGet, Path: "/v1/x"}, &out)
	if err != nil || len(out.Items) != 501 || meta.Attempts != 3 {
		t.Errorf("%d items, %d attempts, err %v; want 501 after 3", len(out.Items), meta.Attempts, err)
	}
}

func TestReadAll(t *testing.T) {
	t.Parallel()
	body := strings.Repeat("0123456789", 100)
	tests := []struct {
		name    string
		cl      int64
		body    io.Reader
		want    string
		wantErr error
	}{
		{"exact length", int64(len(body)), strings.NewReader(body), body, nil},
		{"no length", -1, strings.NewReader(body), body, nil},
		{"shorter than its length", int64(len(body)) + 5, strings.NewReader(body), body, io.ErrUnexpectedEOF},
		{"empty with a length", 10, strings.NewReader(""), "", io.ErrUnexpectedEOF},
		{"longer than its length", 10, strings.NewReader(body), body, nil},
		// A length no buffer is made for before the bytes come (the
		// HTTP body reader itself reports one that falls short).
		{"huge length", 1 << 62, strings.NewReader("abc"), "abc", nil},
		{"cut", int64(len(body)), &cutBody{r: strings.NewReader(body[:300]), err: syscall.ECONNRESET}, body[:300], syscall.ECONNRESET},
	}
	for _, tt := range tests {
		resp := &http.Response{ContentLength: tt.cl, Body: io.NopCloser(tt.body)}
		got, err := ReadAll(resp)
		if string(got) != tt.want || !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
			t.Errorf("%s: read %d bytes, %v; want %d, %v", tt.name, len(got), err, len(tt.want), tt.wantErr)
		}
	}
}
