package sentinelone

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/socgo/xdr/internal/hostile"
	"github.com/socgo/xdr/internal/oapitest"
)

// validated returns a client sending through w, every request and answer
// also checked against openapi/sentinelone.yaml.
func validated(t *testing.T, w *wire) *Client {
	t.Helper()
	v := oapitest.Load(t, "../openapi/sentinelone.yaml", APIPath)
	c, err := NewClient(testConsole, testToken, WithHTTPClient(&http.Client{Transport: v.Transport(t, w.mt)}),
		WithRetryWait(time.Millisecond, 2*time.Millisecond), WithoutRateLimits())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestDoWire(t *testing.T) {
	t.Parallel()
	w := newWire(t)
	c := validated(t, w)
	ctx := context.Background()

	// A GET with a struct query encoded by its url tags; out gets the
	// whole envelope.
	type agentQuery struct {
		IDs       []string `url:"ids,comma,omitempty"`
		Limit     int      `url:"limit"`
		SkipCount bool     `url:"skipCount"`
	}
	w.on("GET", "/agents", vals("ids", "1,2", "limit", "2", "skipCount", "true"), "", 200,
		`{"data":[{"id":"1","computerName":"a"}],"pagination":{"nextCursor":null,"totalItems":1}}`)
	var page struct {
		Data []struct {
			ID           string `json:"id"`
			ComputerName string `json:"computerName"`
		} `json:"data"`
		Pagination Pagination `json:"pagination"`
	}
	if err := c.Do(ctx, http.MethodGet, "/agents", &agentQuery{IDs: []string{"1", "2"}, Limit: 2, SkipCount: true}, nil, &page); err != nil {
		t.Fatal(err)
	}
	if len(page.Data) != 1 || page.Data[0].ComputerName != "a" || page.Pagination.TotalItems != 1 {
		t.Errorf("page = %+v", page)
	}

	// A POST with a JSON body; its answer read as raw bytes.
	w.on("POST", "/agents/actions/disconnect", nil, `{"filter":{"ids":["1109245354690326957"]},"data":{}}`, 200, `{"data":{"affected":1}}`)
	var raw []byte
	body := map[string]any{"filter": map[string]any{"ids": []string{"1109245354690326957"}}, "data": map[string]any{}}
	if err := c.Do(ctx, http.MethodPost, "/agents/actions/disconnect", nil, body, &raw); err != nil {
		t.Fatal(err)
	}
	if string(raw) != `{"data":{"affected":1}}` {
		t.Errorf("raw = %s", raw)
	}
}

// TestDoErrors: a 2xx with an "errors" array and a 401 are *APIError
// values; the token echoed by the server does not surface; a POST is not
// sent twice; bad arguments send nothing.
func TestDoErrors(t *testing.T) {
	t.Parallel()
	w := newWire(t)
	c := newTestClient(t, w, WithMaxRetries(2))
	ctx := context.Background()
	w.on("GET", "/system/info", nil, "", 200, `{"errors":[{"code":4000010,"title":"Validation Error","detail":"bad"}]}`)
	err := c.Do(ctx, http.MethodGet, "/system/info", nil, nil, nil)
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Code != "4000010" || apiErr.StatusCode != 200 {
		t.Fatalf("err = %#v, want an *APIError with code 4000010", err)
	}

	w.on("POST", "/agents/actions/fetch-logs", nil, `{"filter":{}}`, 503,
		`{"errors":[{"code":4010010,"title":"Authentication Failed","detail":"token `+testToken+` refused"}]}`)
	err = c.Do(ctx, http.MethodPost, "/agents/actions/fetch-logs", nil, map[string]any{"filter": map[string]any{}}, nil)
	if !errors.As(err, &apiErr) || !errors.Is(err, ErrServer) {
		t.Fatalf("err = %#v, want an *APIError 503", err)
	}
	for _, l := range hostile.Leaks(err, nil, testToken) {
		t.Error(l)
	}

	before := w.count()
	for _, path := range []string{"https://evil.example/web/api/v2.1/agents", "//evil.example/agents", "agents", "/agents/../users", "/agents/%2e%2e", "/agents#x"} {
		if err := c.Do(ctx, http.MethodGet, path, nil, nil, nil); err == nil || !strings.HasPrefix(err.Error(), "sentinelone: Do: path ") {
			t.Errorf("Do(GET, %q) = %v", path, err)
		}
	}
	if err := c.Do(ctx, http.MethodGet, "/agents", nil, nil, struct{}{}); err == nil || !strings.HasPrefix(err.Error(), "sentinelone: Do: out ") {
		t.Errorf("Do with a non-pointer out = %v", err)
	}
	if w.count() != before {
		t.Errorf("%d requests sent for bad arguments", w.count()-before)
	}
}
