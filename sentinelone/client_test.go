package sentinelone

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestNewClientConsoleURL(t *testing.T) {
	t.Parallel()
	good := map[string]string{
		"https://usea1-partners.sentinelone.net":       "https://usea1-partners.sentinelone.net/web/api/v2.1",
		"https://usea1-partners.sentinelone.net/":      "https://usea1-partners.sentinelone.net/web/api/v2.1",
		"usea1-partners.sentinelone.net":               "https://usea1-partners.sentinelone.net/web/api/v2.1",
		"usea1-partners.sentinelone.net/":              "https://usea1-partners.sentinelone.net/web/api/v2.1",
		" https://euce1-110-nfr.sentinelone.net:8443 ": "https://euce1-110-nfr.sentinelone.net:8443/web/api/v2.1",
		"http://127.0.0.1:8080":                        "http://127.0.0.1:8080/web/api/v2.1",
		"http://localhost:9000/":                       "http://localhost:9000/web/api/v2.1",
		"http://[::1]:9000":                            "http://[::1]:9000/web/api/v2.1",
	}
	for in, want := range good {
		c, err := NewClient(in, testToken)
		if err != nil {
			t.Errorf("NewClient(%q): %v", in, err)
			continue
		}
		if c.BaseURL() != want {
			t.Errorf("NewClient(%q).BaseURL() = %q, want %q", in, c.BaseURL(), want)
		}
	}
	bad := map[string]string{
		"":                                      "consoleURL is empty",
		"http://usea1-partners.sentinelone.net": "plain http",
		"https://user:pw@console.sentinelone.net":      "user info",
		"user:pw@console.sentinelone.net":              "user info",
		"https://console.sentinelone.net/web":          "a path is not allowed",
		"https://console.sentinelone.net/web/api/v2.1": "a path is not allowed",
		"https://console.sentinelone.net?x=1":          "a query is not allowed",
		"https://console.sentinelone.net#frag":         "a fragment is not allowed",
		"ftp://console.sentinelone.net":                "scheme",
		"https://con sole.sentinelone.net":             "",
		"https://console.sentinelone.net:99999":        "port",
		"https://bad_host!.net":                        "",
	}
	for in, want := range bad {
		_, err := NewClient(in, testToken)
		if err == nil {
			t.Errorf("NewClient(%q): no error", in)
			continue
		}
		if !strings.Contains(err.Error(), want) {
			t.Errorf("NewClient(%q): %v, want it to mention %q", in, err, want)
		}
		if strings.Contains(err.Error(), "pw") {
			t.Errorf("NewClient(%q): error repeats the password: %v", in, err)
		}
	}
}

func TestNewClientToken(t *testing.T) {
	t.Parallel()
	for _, tok := range []string{"", "   ", "a b", "tok\n"} {
		if _, err := NewClient(testConsole, tok); err == nil || !strings.Contains(err.Error(), "apiToken") {
			t.Errorf("NewClient token %q: %v", tok, err)
		}
	}
	if _, err := NewClient(testConsole, testToken, WithRateLimits([]RateLimit{{Prefix: "activities", Rate: 1, Burst: 1}})); err == nil {
		t.Error("bad rate limit prefix accepted")
	}
	if _, err := NewClient(testConsole, testToken, WithRateLimits([]RateLimit{{Prefix: "/x", Rate: 0, Burst: 1}})); err == nil {
		t.Error("zero rate accepted")
	}
	if _, err := NewClient(testConsole, testToken, WithMaxRetries(-1)); err == nil {
		t.Error("negative retries accepted")
	}
}

func TestWithBaseURL(t *testing.T) {
	t.Parallel()
	c, err := NewClient(testConsole, testToken, WithBaseURL("https://proxy.example.com/s1/web/api/v2.1/"))
	if err != nil {
		t.Fatal(err)
	}
	if c.BaseURL() != "https://proxy.example.com/s1/web/api/v2.1" {
		t.Errorf("BaseURL = %s", c.BaseURL())
	}
	if c.ConsoleURL() != testConsole {
		t.Errorf("ConsoleURL = %s", c.ConsoleURL())
	}
}

func TestErrorsInA200(t *testing.T) {
	t.Parallel()
	w := newWire(t)
	w.on("GET", "/activities", vals("limit", "1000"), "", 200,
		`{"data":[],"pagination":{"nextCursor":null,"totalItems":0},"errors":[{"code":400010,"title":"Bad parameter given","detail":"sortBy"}]}`)
	c := newTestClient(t, w)
	_, err := c.Activities.List(context.Background(), nil)
	var ae *APIError
	if !errors.As(err, &ae) {
		t.Fatalf("err = %v, want *APIError", err)
	}
	if ae.StatusCode != 200 || ae.Code != "400010" || ae.Message != "Bad parameter given" || ae.Detail != "sortBy" {
		t.Errorf("APIError = %+v", ae)
	}
	if ae.Path != "/web/api/v2.1/activities" || ae.Method != "GET" {
		t.Errorf("Method/Path = %s %s", ae.Method, ae.Path)
	}
}

func TestTokenInvalid4010010(t *testing.T) {
	t.Parallel()
	w := newWire(t)
	w.on("GET", "/threats", vals("limit", "1000"), "", 401, `{"errors": [{"code": 4010010, "detail": null, "title": "Authentication Failed"}]}`)
	c := newTestClient(t, w)
	_, err := c.Threats.List(context.Background(), nil)
	if !errors.Is(err, ErrTokenInvalid) || !errors.Is(err, ErrUnauthorized) {
		t.Fatalf("err = %v, want ErrTokenInvalid and ErrUnauthorized", err)
	}
	var ae *APIError
	errors.As(err, &ae)
	if ae.Code != "4010010" || ae.Message != "Authentication Failed" {
		t.Errorf("APIError = %+v", ae)
	}
	if !strings.Contains(err.Error(), "invalid or has expired") {
		t.Errorf("message does not say the token is invalid or expired: %v", err)
	}
	// A 401 with another code is ErrUnauthorized only.
	w2 := newWire(t)
	w2.on("GET", "/threats", vals("limit", "1000"), "", 401, `{"errors": [{"code": 4010020, "title": "Other"}]}`)
	_, err = newTestClient(t, w2).Threats.List(context.Background(), nil)
	if errors.Is(err, ErrTokenInvalid) || !errors.Is(err, ErrUnauthorized) {
		t.Errorf("err = %v", err)
	}
}

func TestServerErrorDecoded(t *testing.T) {
	t.Parallel()
	w := newWire(t)
	for range 3 {
		w.on("GET", "/agents/count", nil, "", 500, `{"errors": [{"code": 5000010, "detail": "Server could not process the request.", "title": "Internal server error"}]}`)
	}
	c := newTestClient(t, w, WithMaxRetries(2))
	_, err := c.Agents.Count(context.Background(), nil)
	var ae *APIError
	if !errors.As(err, &ae) || !errors.Is(err, ErrServer) {
		t.Fatalf("err = %v", err)
	}
	if ae.Code != "5000010" || ae.Detail != "Server could not process the request." || ae.Attempts != 3 {
		t.Errorf("APIError = %+v", ae)
	}
}

func TestTokenRedactedFromErrors(t *testing.T) {
	t.Parallel()
	w := newWire(t)
	w.on("POST", "/users/api-token-details", nil, `{"data":{"apiToken":"`+testToken+`"}}`, 400,
		`{"errors":[{"code":4000010,"title":"Bad token `+testToken+`","detail":"token `+testToken+` unknown"}]}`)
	c := newTestClient(t, w)
	_, err := c.Token.Details(context.Background())
	if err == nil || strings.Contains(err.Error(), testToken) {
		t.Fatalf("err = %v", err)
	}
	var ae *APIError
	errors.As(err, &ae)
	if strings.Contains(string(ae.Body), testToken) {
		t.Errorf("body keeps the token: %s", ae.Body)
	}
}

func TestActionsNotRetriedOn5xx(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	body := `{"filter":{"ids":["1"]},"data":{}}`
	// Default: one attempt.
	w := newWire(t)
	w.on("POST", "/agents/actions/disconnect", nil, body, 503, `{"errors":[{"code":5030010,"title":"Unavailable"}]}`)
	c := newTestClient(t, w)
	if _, err := c.Agents.Disconnect(ctx, AgentFilter{IDs: []string{"1"}}, nil); !errors.Is(err, ErrServer) {
		t.Fatalf("err = %v", err)
	}
	if w.count() != 1 {
		t.Errorf("%d attempts, want 1", w.count())
	}
	// Per call: retried.
	w = newWire(t)
	w.on("POST", "/agents/actions/disconnect", nil, body, 503, `{}`)
	w.on("POST", "/agents/actions/disconnect", nil, body, 200, `{"data":{"affected":1}}`)
	c = newTestClient(t, w)
	if res, err := c.Agents.Disconnect(ctx, AgentFilter{IDs: []string{"1"}}, &ActionOptions{RetrySafe: true}); err != nil || res.Affected != 1 {
		t.Fatalf("res, err = %v, %v", res, err)
	}
	// Client-wide: retried.
	w = newWire(t)
	w.on("POST", "/threats/mitigate/kill", nil, `{"filter":{"ids":["7"]}}`, 502, `{}`)
	w.on("POST", "/threats/mitigate/kill", nil, `{"filter":{"ids":["7"]}}`, 200, `{"data":{"affected":1}}`)
	c = newTestClient(t, w, WithRetryActions(true))
	if _, err := c.Threats.Mitigate(ctx, MitigateKill, ThreatFilter{IDs: []string{"7"}}, nil); err != nil {
		t.Fatal(err)
	}
	// 429 is retried for actions too: the server did not act.
	w = newWire(t)
	w.on("POST", "/agents/actions/connect", nil, body, 429, `{}`).header.Set("Retry-After", "0")
	w.on("POST", "/agents/actions/connect", nil, body, 200, `{"data":{"affected":1}}`)
	c = newTestClient(t, w)
	if _, err := c.Agents.Connect(ctx, AgentFilter{IDs: []string{"1"}}, nil); err != nil {
		t.Fatal(err)
	}
}

func TestGetRetriedOn5xx(t *testing.T) {
	t.Parallel()
	w := newWire(t)
	w.on("GET", "/agents/count", nil, "", 503, `{}`)
	w.on("GET", "/agents/count", nil, "", 200, `{"data":{"total":42}}`)
	n, err := newTestClient(t, w).Agents.Count(context.Background(), nil)
	if err != nil || n != 42 {
		t.Fatalf("Count = %d, %v", n, err)
	}
}

func TestPathLimits(t *testing.T) {
	t.Parallel()
	p, err := newPathLimits("/web/api/v2.1", DefaultRateLimits())
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"/web/api/v2.1/activities":                "/activities",
		"/web/api/v2.1/activities/types":          "/activities",
		"/web/api/v2.1/threats":                   "/threats",
		"/web/api/v2.1/threats/mitigate/kill":     "/threats",
		"/web/api/v2.1/threats/1234567890/notes":  "/threats/{id}",
		"/web/api/v2.1/agents/actions/disconnect": "/agents",
		"/web/api/v2.1/users/api-token-details":   "/users",
		"/web/api/v2.1/users/login":               "/users/login",
		"/web/api/v2.1/user":                      "/user",
		"/web/api/v2.1/dv/init-query":             "/dv/init-query",
		"/web/api/v2.1/dv/query-status":           "/dv/query-status",
		"/web/api/v2.1/dv/events/pq":              "/dv/events/pq",
		"/web/api/v2.1/dv/events/pq-ping":         "/dv/events/pq-ping",
		"/web/api/v2.1/dv/events":                 "",
		"/web/api/v2.1/dv/events/process":         "",
		"/web/api/v2.1/cloud-detection/alerts":    "",
		"/web/api/v2.1/system/status":             "/system/status",
		"/web/api/v2.1/userx":                     "",
		"/web/api/v2.1/sites":                     "",
		"/other/activities":                       "",
	}
	for path, prefix := range want {
		b, err := p.lookup(path)
		if prefix == "" {
			if err == nil {
				t.Errorf("%s: limited, want none", path)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: no limit, want %s", path, prefix)
			continue
		}
		wantB, _ := p.lookup("/web/api/v2.1" + strings.ReplaceAll(prefix, "{id}", "1"))
		if b != wantB {
			t.Errorf("%s: wrong bucket, want that of %s", path, prefix)
		}
	}
	// Through the client: a request waits on the bucket of its path, and
	// fails at once when the wait would pass the ctx deadline.
	w := newWire(t)
	w.on("GET", "/activities", vals("limit", "1000"), "", 200, `{"data":[],"pagination":{"nextCursor":null,"totalItems":0}}`)
	w.on("GET", "/agents/count", nil, "", 200, `{"data":{"total":1}}`)
	c := newTestClient(t, w, WithRateLimits([]RateLimit{{Prefix: "/activities", Rate: 0.001, Burst: 1}}))
	if _, err := c.Activities.List(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	// A minute is far below the 1000 s wait and far above what the calls
	// below take on a loaded machine.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := c.Activities.List(ctx, nil); err == nil || !strings.Contains(err.Error(), "rate limit") {
		t.Fatalf("second call: %v, want a rate limit error", err)
	}
	if _, err := c.Agents.Count(ctx, nil); err != nil { // another path: not limited
		t.Fatal(err)
	}
	if w.count() != 2 {
		t.Errorf("%d requests sent, want 2", w.count())
	}
}

func TestNewTokenStringRedacts(t *testing.T) {
	t.Parallel()
	nt := NewToken{Token: "secret-token-value"}
	for _, s := range []string{nt.String(), nt.GoString()} {
		if strings.Contains(s, "secret") {
			t.Errorf("NewToken renders the token: %s", s)
		}
	}
}
