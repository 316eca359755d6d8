package sekoia_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"

	"github.com/socgo/xdr/sekoia"
)

func TestNewClientRefusesBadInput(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		key  string
		opts []sekoia.Option
		want string
	}{
		"empty key":   {"", nil, "apiKey is empty"},
		"blank key":   {"  ", nil, "apiKey is empty"},
		"key with LF": {"a\nb", nil, "apiKey contains white space"},
		"http base":   {"k", []sekoia.Option{sekoia.WithBaseURL("http://api.sekoia.io")}, "plain http"},
		"query base":  {"k", []sekoia.Option{sekoia.WithBaseURL("https://api.sekoia.io/?x=1")}, "query"},
		"intake":      {"k", []sekoia.Option{sekoia.WithIntakeURL("ftp://intake")}, "WithIntakeURL"},
		"region":      {"k", []sekoia.Option{sekoia.WithRegion("MARS1")}, `region "MARS1"`},
		"retries":     {"k", []sekoia.Option{sekoia.WithMaxRetries(-1)}, "WithMaxRetries"},
		"http client": {"k", []sekoia.Option{sekoia.WithHTTPClient(nil)}, "WithHTTPClient"},
		"user agent":  {"k", []sekoia.Option{sekoia.WithUserAgent("a\r\nb")}, "WithUserAgent"},
		"body cap":    {"k", []sekoia.Option{sekoia.WithMaxBodyBytes(0)}, "WithMaxBodyBytes"},
		"retry wait":  {"k", []sekoia.Option{sekoia.WithRetryWait(0, 0)}, "WithRetryWait"},
		"retry after": {"k", []sekoia.Option{sekoia.WithMaxRetryAfter(-1)}, "WithMaxRetryAfter"},
		"nil limiter": {"k", []sekoia.Option{sekoia.WithLimiter(nil)}, "WithLimiter"},
		"nil logger":  {"k", []sekoia.Option{sekoia.WithLogger(nil)}, "WithLogger"},
	} {
		c, err := sekoia.NewClient(tc.key, tc.opts...)
		if err == nil || c != nil || !strings.HasPrefix(err.Error(), "sekoia: ") || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

func TestRegions(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		r            sekoia.Region
		rest, intake string
	}{
		{sekoia.FRA1, "https://api.sekoia.io", "https://intake.sekoia.io"},
		{sekoia.FRA2, "https://app.fra2.sekoia.io/api", "https://intake.fra2.sekoia.io/api/v1/intake-http"},
		{sekoia.MCO1, "https://app.mco1.sekoia.io/api", "https://intake.mco1.sekoia.io/api/v1/intake-http"},
		{sekoia.UAE1, "https://app.uae1.sekoia.io/api", "https://intake.uae1.sekoia.io/api/v1/intake-http"},
		{sekoia.USA1, "https://api.usa1.sekoia.io", "https://intake.usa1.sekoia.io/api/v1/intake-http"},
		{sekoia.SGP1, "https://api.sgp1.sekoia.io", "https://intake.sgp1.sekoia.io"},
	} {
		if tc.r.BaseURL() != tc.rest || tc.r.IntakeURL() != tc.intake {
			t.Errorf("%s: %s %s", tc.r, tc.r.BaseURL(), tc.r.IntakeURL())
		}
		c, err := sekoia.NewClient("k", sekoia.WithRegion(tc.r))
		if err != nil || c.BaseURL() != tc.rest || c.Region() != tc.r {
			t.Errorf("%s: client %v, %v", tc.r, c, err)
		}
		if got, err := sekoia.ParseRegion(strings.ToLower(string(tc.r))); err != nil || got != tc.r {
			t.Errorf("ParseRegion(%s) = %v, %v", tc.r, got, err)
		}
	}
	if r, err := sekoia.ParseRegion(""); err != nil || r != sekoia.FRA1 {
		t.Errorf("default region = %v, %v", r, err)
	}
	if _, err := sekoia.ParseRegion("eu"); err == nil {
		t.Error("bad region accepted")
	}
	c, err := sekoia.NewClient("k", sekoia.WithRegion(sekoia.USA1), sekoia.WithBaseURL("https://app.usa1.sekoia.io/api/"))
	if err != nil || c.BaseURL() != "https://app.usa1.sekoia.io/api" {
		t.Errorf("WithBaseURL: %v, %v", c.BaseURL(), err)
	}
}

func TestAuthTokenErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		body    string
		want    error
		notWant []error
	}{
		{`{"message": "The token has expired", "code": "T301"}`, sekoia.ErrTokenExpired, []error{sekoia.ErrTokenRevoked, sekoia.ErrTokenInvalid}},
		{`{"message": "Token revoked", "code": "T302"}`, sekoia.ErrTokenRevoked, []error{sekoia.ErrTokenExpired, sekoia.ErrTokenInvalid}},
		{`{"message": "The token is invalid", "code": "T300"}`, sekoia.ErrTokenInvalid, []error{sekoia.ErrTokenExpired}},
		{`<html>nope</html>`, sekoia.ErrTokenInvalid, []error{sekoia.ErrTokenRevoked}},
	} {
		c, mt := mockAPI(t)
		mt.RegisterResponder(http.MethodGet, apiBase+"/v1/auth/validate", httpmock.NewStringResponder(401, tc.body))
		_, err := c.Auth(context.Background())
		if !errors.Is(err, tc.want) || !errors.Is(err, sekoia.ErrUnauthorized) {
			t.Errorf("%s: err = %v", tc.body, err)
		}
		for _, n := range tc.notWant {
			if errors.Is(err, n) {
				t.Errorf("%s: matches %v", tc.body, n)
			}
		}
		if strings.Contains(err.Error(), "k3y-under-test") {
			t.Error("the key leaked into the error")
		}
	}
	c, mt := mockAPI(t)
	mt.RegisterResponder(http.MethodGet, apiBase+"/v1/auth/validate", respond(t, wire{}, 200,
		[]byte(`{"identity":"apikey:f93a35e0-b9aa-4c95","type":"access","fresh":false,"iat":1700000000,"nbf":1700000000,"jti":"j","csrf":"c","user_claims":{}}`)))
	claims, err := c.Auth(context.Background())
	if err != nil || claims.Identity != "apikey:f93a35e0-b9aa-4c95" || claims.IssuedAt != 1700000000 {
		t.Fatalf("claims = %+v, %v", claims, err)
	}
}

func TestErrorDecoding(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		status            int
		body              string
		code, msg, detail string
		is                error
	}{
		{422, `{"detail":[{"loc":["body","name"],"msg":"too short","type":"value_error"},{"loc":["query","limit",0],"msg":"bad"}]}`, "", "", "body.name: too short; query.limit.0: bad", nil},
		{404, `{"detail":"Asset not found"}`, "", "", "Asset not found", sekoia.ErrNotFound},
		{410, `{"message":"The job has expired","code":"SJ410"}`, "SJ410", "The job has expired", "", sekoia.ErrJobExpired},
		{409, `{"message":"Action Close is not allowed","code":4090}`, "4090", "Action Close is not allowed", "", sekoia.ErrConflict},
		{403, `{"error":"forbidden"}`, "", "forbidden", "", sekoia.ErrForbidden},
		{502, `bad gateway`, "", "", "", sekoia.ErrServer},
	} {
		c, mt := mockAPI(t, sekoia.WithMaxRetries(0))
		mt.RegisterResponder(http.MethodGet, apiBase+"/v1/sic/kill-chains/KCXKNfnJupq5", httpmock.NewStringResponder(tc.status, tc.body))
		_, err := c.KillChains.Get(context.Background(), "KCXKNfnJupq5")
		var e *sekoia.APIError
		if !errors.As(err, &e) {
			t.Fatalf("%d: err = %v", tc.status, err)
		}
		if e.StatusCode != tc.status || e.Code != tc.code || e.Message != tc.msg || e.Detail != tc.detail {
			t.Errorf("%d: error = code %q msg %q detail %q", tc.status, e.Code, e.Message, e.Detail)
		}
		if tc.is != nil && !errors.Is(err, tc.is) {
			t.Errorf("%d: not %v", tc.status, tc.is)
		}
	}
}

func TestSetAPIKey(t *testing.T) {
	t.Parallel()
	c, mt := mockAPI(t)
	var got []string
	mt.RegisterResponder(http.MethodGet, apiBase+"/v1/sic/kill-chains/KCXKNfnJupq5", func(r *http.Request) (*http.Response, error) {
		got = append(got, r.Header.Get("Authorization"))
		return httpmock.NewStringResponse(200, `{"uuid":"u","short_id":"KCXKNfnJupq5","name":"n"}`), nil
	})
	_, _ = c.KillChains.Get(context.Background(), "KCXKNfnJupq5")
	if err := c.SetAPIKey("n3w-key"); err != nil {
		t.Fatal(err)
	}
	_, _ = c.KillChains.Get(context.Background(), "KCXKNfnJupq5")
	if len(got) != 2 || got[0] != "Bearer k3y-under-test" || got[1] != "Bearer n3w-key" {
		t.Errorf("Authorization headers = %q", got)
	}
	if err := c.SetAPIKey(""); err == nil || !strings.Contains(err.Error(), "SetAPIKey") {
		t.Errorf("err = %v", err)
	}
}
