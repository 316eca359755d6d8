package sentinelone

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"

	"github.com/socgo/xdr/internal/hostile"
)

// assertNoToken fails when any rendering or field of err holds one of
// toks.
func assertNoToken(t *testing.T, err error, toks ...string) {
	t.Helper()
	for _, l := range hostile.Leaks(err, nil, toks...) {
		t.Error(l)
	}
}

func TestErrorsArrayIn200Redacted(t *testing.T) {
	t.Parallel()
	mt := httpmock.NewMockTransport()
	mt.RegisterNoResponder(httpmock.NewNotFoundResponder(t.Fatal))
	echo := func(r *http.Request) (*http.Response, error) {
		tok := strings.TrimPrefix(r.Header.Get("Authorization"), "ApiToken ")
		return httpmock.NewStringResponse(200, `{"data":null,"errors":[{"code":4000010,"title":"bad `+tok+`","detail":"\u0074`+tok[1:]+`"}]}`), nil
	}
	mt.RegisterResponder(http.MethodGet, `=~/activities`, echo)
	mt.RegisterResponder(http.MethodPost, `=~/agents/actions/disconnect`, echo)
	c, err := NewClient(testConsole, testToken, WithHTTPClient(&http.Client{Transport: mt}), WithoutRateLimits(), WithMaxRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	for _, err := range c.Activities.All(context.Background(), nil) {
		if err == nil {
			t.Fatal("an item, want the error")
		}
		assertNoToken(t, err, testToken)
		break
	}
	_, err = c.Agents.Disconnect(context.Background(), AgentFilter{IDs: []string{"1"}}, nil)
	if err == nil {
		t.Fatal("Disconnect: no error")
	}
	assertNoToken(t, err, testToken)
}

func TestConsoleURLErrorsDoNotRepeatTheURL(t *testing.T) {
	t.Parallel()
	const key = "tokSECRET0123456789"
	for _, raw := range []string{
		"https://console.test/" + key, "ftp://" + key, "http://" + key + ".example", "https://" + key + "!x",
		"https://console.test:99999" + key, key + " x",
	} {
		_, err := NewClient(raw, testToken)
		if err == nil {
			t.Errorf("%q: accepted", raw)
			continue
		}
		if strings.Contains(err.Error(), key) {
			t.Errorf("%q: error repeats the URL: %v", raw, err)
		}
	}
}
