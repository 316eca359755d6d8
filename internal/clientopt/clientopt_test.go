package clientopt

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/socgo/xdr/internal/transport"
)

func TestParseBaseURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		raw     string
		want    string // the URL, when accepted
		wantErr string // a substring of the error, when refused
	}{
		{raw: "https://api.sekoia.io", want: "https://api.sekoia.io"},
		{raw: "https://api.sekoia.io/", want: "https://api.sekoia.io"},
		{raw: "https://console.example.test/web///", want: "https://console.example.test/web"},
		{raw: "  https://api.example.test:8443/base/  ", want: "https://api.example.test:8443/base"},
		{raw: "HTTPS://Api.Example.Test", want: "https://Api.Example.Test"},
		{raw: "http://127.0.0.1:41234", want: "http://127.0.0.1:41234"},
		{raw: "http://localhost:8080/api/", want: "http://localhost:8080/api"},
		{raw: "http://LOCALHOST", want: "http://LOCALHOST"},
		{raw: "http://[::1]:9000", want: "http://[::1]:9000"},
		{raw: "http://127.1.2.3", want: "http://127.1.2.3"},
		{raw: "", wantErr: "base URL is empty"},
		{raw: "   ", wantErr: "base URL is empty"},
		{raw: "http://api.sekoia.io", wantErr: "plain http is accepted only for a loopback host"},
		{raw: "http://10.0.0.1", wantErr: "plain http is accepted only for a loopback host"},
		{raw: "http://localhost.evil.test", wantErr: "plain http is accepted only for a loopback host"},
		{raw: "ftp://api.sekoia.io", wantErr: "scheme must be https"},
		{raw: "api.sekoia.io", wantErr: "scheme must be https"},
		{raw: "https://", wantErr: "no host"},
		{raw: "https:///path", wantErr: "no host"},
		{raw: "https://user:pass@api.sekoia.io", wantErr: "user info is not allowed"},
		{raw: "https://api.sekoia.io?x=1", wantErr: "a query is not allowed"},
		{raw: "https://api.sekoia.io/?", wantErr: "a query is not allowed"},
		{raw: "https://api.sekoia.io#top", wantErr: "a fragment is not allowed"},
		{raw: "https://api.sekoia.io:0", wantErr: "bad port"},
		{raw: "https://api.sekoia.io:99999", wantErr: "bad port"},
		{raw: "https://api.sekoia.io:abc", wantErr: "not a valid URL"},
		{raw: "https://api sekoia.io", wantErr: "not a valid URL"},
	}
	for _, tt := range tests {
		u, err := ParseBaseURL("base URL", tt.raw)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseBaseURL(%q) = %v, %v; want an error with %q", tt.raw, u, err, tt.wantErr)
			}
			continue
		}
		if err != nil || u.String() != tt.want {
			t.Errorf("ParseBaseURL(%q) = %v, %v; want %s", tt.raw, u, err, tt.want)
		}
	}
}

func TestParseBaseURLErrorsNameTheArgument(t *testing.T) {
	t.Parallel()
	_, err := ParseBaseURL("WithBaseURL", "http://example.test")
	if err == nil || !strings.HasPrefix(err.Error(), "WithBaseURL") {
		t.Errorf("err = %v, want it to start with the argument's name", err)
	}
}

func TestParseBaseURLNeverEchoesSecrets(t *testing.T) {
	t.Parallel()
	const secret = "s3cr3t-value-1234"
	for _, raw := range []string{
		"https://user:" + secret + "@api.example.test",
		"https://api.example.test/?apikey=" + secret,
		"https://api.example.test/#" + secret,
		"https://user:" + secret + "@api.example.test:bad/",
		"http://user:" + secret + "@example.test",
	} {
		_, err := ParseBaseURL("base URL", raw)
		if err == nil {
			t.Errorf("ParseBaseURL(%q) accepted", raw)
			continue
		}
		if strings.Contains(err.Error(), secret) {
			t.Errorf("error %q repeats the secret", err)
		}
	}
}

func TestIsLoopback(t *testing.T) {
	t.Parallel()
	for host, want := range map[string]bool{
		"localhost": true, "LocalHost": true, "127.0.0.1": true, "127.9.9.9": true, "::1": true,
		"10.0.0.1": false, "example.test": false, "localhost.example.test": false, "": false, "0.0.0.0": false,
	} {
		if got := IsLoopback(host); got != want {
			t.Errorf("IsLoopback(%q) = %v, want %v", host, got, want)
		}
	}
}

func TestNewSettingsAreTheTransportDefaults(t *testing.T) {
	t.Parallel()
	s := NewSettings()
	d := transport.Defaults()
	if s.Transport.MaxRetries != d.MaxRetries || s.Transport.RetryWaitMin != d.RetryWaitMin ||
		s.Transport.RetryWaitMax != d.RetryWaitMax || s.Transport.MaxRetryAfter != d.MaxRetryAfter ||
		s.Transport.MaxBodyBytes != d.MaxBodyBytes {
		t.Errorf("NewSettings() = %+v, want the transport defaults", s.Transport)
	}
}

type nopLimiter struct{}

func (nopLimiter) Wait(context.Context) error { return nil }

func TestSettersAccept(t *testing.T) {
	t.Parallel()
	s := NewSettings()
	hc := &http.Client{}
	lg := slog.New(slog.DiscardHandler)
	for name, err := range map[string]error{
		"SetHTTPClient":    s.SetHTTPClient(hc),
		"SetLogger":        s.SetLogger(lg),
		"SetMaxRetries":    s.SetMaxRetries(0),
		"SetRetryWait":     s.SetRetryWait(time.Second, time.Second),
		"SetMaxRetryAfter": s.SetMaxRetryAfter(0),
		"SetLimiter":       s.SetLimiter(nopLimiter{}),
		"SetUserAgent":     s.SetUserAgent("  triage-bot/1.0 "),
		"SetMaxBodyBytes":  s.SetMaxBodyBytes(1),
	} {
		if err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	tc := s.Transport
	if tc.HTTPClient != hc || tc.Logger != lg || tc.MaxRetries != 0 || tc.RetryWaitMin != time.Second ||
		tc.RetryWaitMax != time.Second || tc.MaxRetryAfter != 0 || tc.Limiter == nil ||
		tc.UserAgent != "triage-bot/1.0" || tc.MaxBodyBytes != 1 {
		t.Errorf("settings not applied: %+v", tc)
	}
}

func TestSettersRefuse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		set  func(*Settings) error
		want string
	}{
		{"nil client", func(s *Settings) error { return s.SetHTTPClient(nil) }, "WithHTTPClient"},
		{"nil logger", func(s *Settings) error { return s.SetLogger(nil) }, "WithLogger"},
		{"negative retries", func(s *Settings) error { return s.SetMaxRetries(-1) }, "WithMaxRetries"},
		{"too many retries", func(s *Settings) error { return s.SetMaxRetries(101) }, "WithMaxRetries"},
		{"zero min wait", func(s *Settings) error { return s.SetRetryWait(0, time.Second) }, "WithRetryWait"},
		{"max below min", func(s *Settings) error { return s.SetRetryWait(2*time.Second, time.Second) }, "WithRetryWait"},
		{"negative retry-after", func(s *Settings) error { return s.SetMaxRetryAfter(-time.Second) }, "WithMaxRetryAfter"},
		{"nil limiter", func(s *Settings) error { return s.SetLimiter(nil) }, "WithLimiter"},
		{"header injection", func(s *Settings) error { return s.SetUserAgent("bot\r\nX-Evil: 1") }, "WithUserAgent"},
		{"zero body cap", func(s *Settings) error { return s.SetMaxBodyBytes(0) }, "WithMaxBodyBytes"},
	}
	for _, tt := range tests {
		s := NewSettings()
		before := s
		err := tt.set(&s)
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want one naming %s", tt.name, err, tt.want)
		}
		if !cmp.Equal(s, before) {
			t.Errorf("%s: a refused setting changed the settings", tt.name)
		}
	}
}

func TestSettingsBuildATransport(t *testing.T) {
	t.Parallel()
	s := NewSettings()
	u, err := ParseBaseURL("base URL", "https://api.example.test/")
	if err != nil {
		t.Fatal(err)
	}
	s.Transport.Base = u
	if err := s.SetUserAgent("bot/2"); err != nil {
		t.Fatal(err)
	}
	c, err := transport.New(s.Transport)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(c.UserAgent(), "bot/2 socgo-xdr/") {
		t.Errorf("UserAgent() = %q", c.UserAgent())
	}
}

func FuzzParseBaseURL(f *testing.F) {
	for _, s := range []string{"https://api.sekoia.io", "http://127.0.0.1:8080/", "https://u:p@h", "https://h/?q", "http://example.test", "https://h:0", "https://h/a%2Fb/", "https://[::1]:443/x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		u, err := ParseBaseURL("base URL", raw)
		if err != nil {
			return
		}
		if u.Scheme != "https" && !(u.Scheme == "http" && IsLoopback(u.Hostname())) {
			t.Errorf("%q accepted with scheme %q on host %q", raw, u.Scheme, u.Hostname())
		}
		if u.User != nil || u.RawQuery != "" || u.Fragment != "" || strings.HasSuffix(u.Path, "/") || u.Host == "" {
			t.Errorf("%q accepted as %#v", raw, u)
		}
		again, err := ParseBaseURL("base URL", u.String())
		if err != nil || again.String() != u.String() {
			t.Errorf("%q gave %s, which parses to %v, %v", raw, u, again, err)
		}
	})
}
