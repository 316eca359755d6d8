package sekoia_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"

	"github.com/socgo/xdr/internal/hostile"
	"github.com/socgo/xdr/sekoia"
)

// assertNoSecret fails when any rendering or field of err holds one of
// secrets.
func assertNoSecret(t *testing.T, err error, secrets ...string) {
	t.Helper()
	for _, l := range hostile.Leaks(err, nil, secrets...) {
		t.Error(l)
	}
}

func TestPreviousKeyRedactedAfterSetAPIKey(t *testing.T) {
	t.Parallel()
	c, mt := mockAPI(t)
	const old = "k3y-under-test"
	if err := c.SetAPIKey("n3w-key-after-rotation"); err != nil {
		t.Fatal(err)
	}
	mt.RegisterResponder(http.MethodGet, apiBase+"/v1/auth/validate", func(*http.Request) (*http.Response, error) {
		r := httpmock.NewStringResponse(401, `{"message":"key `+old+` was revoked, use n3w-key-after-rotation","code":"T302"}`)
		r.Header.Set(sekoia.RequestIDHeader, old)
		return r, nil
	})
	_, err := c.Auth(context.Background())
	if !errors.Is(err, sekoia.ErrTokenRevoked) {
		t.Fatalf("err = %v", err)
	}
	assertNoSecret(t, err, old, "n3w-key-after-rotation")
}

func TestURLOptionErrorsDoNotRepeatTheURL(t *testing.T) {
	t.Parallel()
	const key = "keySECRET0123456789"
	for _, raw := range []string{"https://api.test/?k=" + key, "ftp://" + key, "http://" + key + ".example", "https://api.test:1" + key, key} {
		for name, opt := range map[string]sekoia.Option{"WithBaseURL": sekoia.WithBaseURL(raw), "WithIntakeURL": sekoia.WithIntakeURL(raw)} {
			_, err := sekoia.NewClient("k3y-under-test", opt)
			if err == nil {
				_, err = sekoia.NewIntake("k3y-under-test", opt)
			}
			if err == nil {
				t.Errorf("%s(%q): accepted", name, raw)
				continue
			}
			if strings.Contains(err.Error(), key) {
				t.Errorf("%s(%q): error repeats the URL: %v", name, raw, err)
			}
		}
	}
}
