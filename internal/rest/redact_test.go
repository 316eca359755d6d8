package rest

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"

	"github.com/socgo/xdr/internal/apierror"
	"github.com/socgo/xdr/internal/transport"
)

// escapeAll writes every byte of s as a JSON \u escape.
func escapeAll(s string, upper bool) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if upper {
			fmt.Fprintf(&b, `\u%04X`, s[i])
		} else {
			fmt.Fprintf(&b, `\u%04x`, s[i])
		}
	}
	return b.String()
}

// percentAll writes every byte of s percent-encoded.
func percentAll(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		fmt.Fprintf(&b, "%%%02x", s[i])
	}
	return b.String()
}

func TestErrorRedactsEveryFormOfEverySecret(t *testing.T) {
	t.Parallel()
	old := "old-key-5e1d9a7c3b"
	basic := base64.StdEncoding.EncodeToString([]byte("api:" + secret)) // holds no '/': use one that does
	slashy := "a+b/c=d/e+f0123"
	forms := map[string]string{
		"raw":                  secret,
		"json escaped":         escapeAll(secret, false),
		"json escaped upper":   escapeAll(secret, true),
		"json escaped partly":  strings.ReplaceAll(secret, "-", `\u002d`),
		"json escaped slash":   strings.ReplaceAll(slashy, "/", `\/`),
		"percent-encoded":      percentAll(secret),
		"percent-encoded part": strings.ReplaceAll(secret, "-", "%2D"),
		"percent slash":        strings.ReplaceAll(slashy, "/", "%2F"),
		"base64 of api:key":    basic,
		"previous key":         old,
	}
	for name, form := range forms {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			m := newMock(t)
			m.RegisterResponder(http.MethodGet, "https://api.test/v1/me", func(*http.Request) (*http.Response, error) {
				r := httpmock.NewStringResponse(401, `{"message":"key `+form+` is revoked","detail":"`+form+`","code":"`+form+`"}`)
				r.Header.Set("X-Request-Id", form)
				return r, nil
			})
			lb := &bytes.Buffer{}
			c := newClientCfg(t, "https://api.test", m, func(cfg *transport.Config) {
				cfg.Logger = slog.New(slog.NewTextHandler(lb, &slog.HandlerOptions{Level: slog.LevelDebug}))
			})
			c.RequestIDHeader = "X-Request-Id"
			c.Secrets = func() []string { return []string{secret, basic, slashy, old} }
			_, err := c.Do(context.Background(), Request{Method: http.MethodGet, Path: "/v1/me"}, nil)
			var ae *apierror.Error
			if !errors.As(err, &ae) {
				t.Fatalf("err = %v", err)
			}
			outs := map[string]string{
				"%v": fmt.Sprintf("%v", err), "%+v": fmt.Sprintf("%+v", err), "%#v": fmt.Sprintf("%#v", err),
				"Body": string(ae.Body), "Message": ae.Message, "Detail": ae.Detail, "Code": ae.Code,
				"RequestID": ae.RequestID, "Method": ae.Method, "Path": ae.Path, "Service": ae.Service, "log": lb.String(),
			}
			for what, s := range outs {
				for _, bad := range []string{form, secret, old, slashy, basic} {
					if strings.Contains(s, bad) {
						t.Errorf("%s holds the secret in form %q: %s", what, bad, s)
					}
				}
			}
			if !strings.Contains(ae.Message, "[REDACTED]") {
				t.Errorf("message %q: the echo was not replaced", ae.Message)
			}
		})
	}
}

func TestRedactLeavesOtherText(t *testing.T) {
	t.Parallel()
	in := `{"a":"\u0041 50% off \\ sk-live \/ done"}`
	if got := string(redactSecrets([]byte(in), []string{secret})); got != in {
		t.Errorf("redactSecrets changed text without a secret: %s", got)
	}
	if got := string(redactSecrets([]byte("x"+secret+"y"+secret), []string{secret, "ab"})); got != "x[REDACTED]y[REDACTED]" {
		t.Errorf("got %s", got)
	}
}

func TestDecodeAndTransportErrorsRedacted(t *testing.T) {
	t.Parallel()
	m := newMock(t)
	m.RegisterResponder(http.MethodGet, "https://api.test/v1/x", httpmock.NewStringResponder(200, `{"n":"`+secret+`"}`))
	c := newClient(t, "https://api.test", m)
	var out struct {
		N badText `json:"n"`
	}
	_, err := c.Do(context.Background(), Request{Method: http.MethodGet, Path: "/v1/x"}, &out)
	if err == nil || strings.Contains(fmt.Sprintf("%v %+v %#v", err, err, err), secret) {
		t.Errorf("decode error %v shows the secret (or is nil)", err)
	}
	if !errors.Is(err, errBadText) {
		t.Errorf("decode error %v lost its cause", err)
	}
	m.RegisterResponder(http.MethodGet, "https://api.test/v1/y", func(*http.Request) (*http.Response, error) {
		return nil, &url.Error{Op: "Get", URL: "https://api.test/v1/y", Err: errors.New("refused by " + secret)}
	})
	_, err = c.Do(context.Background(), Request{Method: http.MethodGet, Path: "/v1/y"}, nil)
	if err == nil || strings.Contains(fmt.Sprintf("%v %+v %#v", err, err, err), secret) {
		t.Errorf("transport error %v shows the secret (or is nil)", err)
	}
}

var errBadText = errors.New("bad text")

type badText struct{}

func (*badText) UnmarshalJSON(b []byte) error { return fmt.Errorf("%s: %w", b, errBadText) }
