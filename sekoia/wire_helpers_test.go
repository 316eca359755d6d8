package sekoia_test

import (
	"encoding/json"
	"io"
	"iter"
	"net/http"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jarcoal/httpmock"

	"github.com/socgo/xdr/internal/oapitest"
	"github.com/socgo/xdr/sekoia"
)

// apiBase has a path prefix so that an absolute path in a request would
// miss its responder.
const apiBase = "https://api.sekoia.test/api"

// mockAPI returns a client on a fresh mock transport; any request without
// a responder fails the test.
func mockAPI(t *testing.T, opts ...sekoia.Option) (*sekoia.Client, *httpmock.MockTransport) {
	t.Helper()
	mt := httpmock.NewMockTransport()
	mt.RegisterNoResponder(httpmock.NewNotFoundResponder(t.Fatal))
	base := []sekoia.Option{
		sekoia.WithBaseURL(apiBase),
		sekoia.WithHTTPClient(&http.Client{Transport: mt}),
		sekoia.WithRetryWait(time.Millisecond, time.Millisecond),
		sekoia.WithMaxRetries(1),
	}
	c, err := sekoia.NewClient("k3y-under-test", append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c, mt
}

// wire is the request a responder expects.
type wire struct {
	query url.Values // exact query; nil means none
	body  string     // exact JSON body; "" means none
}

// respond checks one request against w and answers status with body. The
// answer is also checked against openapi/sekoia.yaml when it is a 2xx.
func respond(t *testing.T, w wire, status int, body []byte) httpmock.Responder {
	t.Helper()
	return func(r *http.Request) (*http.Response, error) {
		got := r.URL.Query()
		if len(got) == 0 {
			got = nil
		}
		if d := cmp.Diff(w.query, got); d != "" {
			t.Errorf("%s %s query (-want +got):\n%s", r.Method, r.URL.Path, d)
		}
		var raw []byte
		if r.Body != nil {
			raw, _ = io.ReadAll(r.Body)
		}
		switch {
		case w.body == "" && len(raw) > 0:
			t.Errorf("%s %s: unexpected body %s", r.Method, r.URL.Path, raw)
		case w.body != "":
			var want, have any
			if err := json.Unmarshal([]byte(w.body), &want); err != nil {
				t.Fatalf("bad wanted body: %v", err)
			}
			if err := json.Unmarshal(raw, &have); err != nil {
				t.Errorf("%s %s: body is not JSON: %s", r.Method, r.URL.Path, raw)
			}
			if d := cmp.Diff(want, have); d != "" {
				t.Errorf("%s %s body (-want +got):\n%s", r.Method, r.URL.Path, d)
			}
		}
		if a := r.Header.Get("Authorization"); a != "Bearer k3y-under-test" {
			t.Errorf("Authorization = %q", a)
		}
		spec := specValidator(t)
		if err := spec.Request(r.Method, r.URL.String(), r.Header, raw); err != nil {
			t.Errorf("request does not match the spec: %v", err)
		}
		if status/100 == 2 && status != http.StatusNoContent {
			if err := spec.Response(r.Method, r.URL.String(), status, http.Header{"Content-Type": {"application/json"}}, body); err != nil {
				t.Errorf("response fixture does not match the spec: %v", err)
			}
		}
		resp := httpmock.NewBytesResponse(status, body)
		resp.Header.Set("Content-Type", "application/json")
		resp.Header.Set("X-Sekoia-Traceid", "trace-123")
		return resp, nil
	}
}

func specValidator(t testing.TB) *oapitest.Validator {
	return oapitest.Load(t, "../openapi/sekoia.yaml", "/api")
}

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// countAll runs seq to the end and returns how many items it yielded; an
// error fails the test.
func countAll[T any](t *testing.T, seq iter.Seq2[T, error]) int {
	t.Helper()
	var n int
	for _, err := range seq {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	return n
}
