// Package clientopt validates and applies the options every API package
// offers (HTTP client, logger, retries, limiter, user agent, base URL), so
// the rules are written once. Each package wraps these in its own typed
// Option functions.
package clientopt

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/socgo/xdr/internal/transport"
)

// Settings is the part of a client's configuration shared by all packages.
type Settings struct {
	Transport transport.Config
}

// NewSettings returns the defaults.
func NewSettings() Settings { return Settings{Transport: transport.Defaults()} }

// SetHTTPClient sets the base HTTP client (copied, never changed).
func (s *Settings) SetHTTPClient(c *http.Client) error {
	if c == nil {
		return errors.New("WithHTTPClient: client is nil")
	}
	s.Transport.HTTPClient = c
	return nil
}

// SetLogger sets the logger.
func (s *Settings) SetLogger(l *slog.Logger) error {
	if l == nil {
		return errors.New("WithLogger: logger is nil")
	}
	s.Transport.Logger = l
	return nil
}

// SetMaxRetries sets the number of retries (0 turns them off).
func (s *Settings) SetMaxRetries(n int) error {
	if n < 0 || n > 100 {
		return fmt.Errorf("WithMaxRetries: %d is out of range 0..100", n)
	}
	s.Transport.MaxRetries = n
	return nil
}

// SetRetryWait sets the backoff bounds.
func (s *Settings) SetRetryWait(minWait, maxWait time.Duration) error {
	if minWait <= 0 || maxWait < minWait {
		return fmt.Errorf("WithRetryWait: need 0 < min (%s) <= max (%s)", minWait, maxWait)
	}
	s.Transport.RetryWaitMin, s.Transport.RetryWaitMax = minWait, maxWait
	return nil
}

// SetMaxRetryAfter sets the longest Retry-After that is waited for.
func (s *Settings) SetMaxRetryAfter(d time.Duration) error {
	if d < 0 {
		return fmt.Errorf("WithMaxRetryAfter: %s is negative", d)
	}
	s.Transport.MaxRetryAfter = d
	return nil
}

// SetLimiter sets the client-side limiter.
func (s *Settings) SetLimiter(l transport.Limiter) error {
	if l == nil {
		return errors.New("WithLimiter: limiter is nil")
	}
	s.Transport.Limiter = l
	return nil
}

// SetUserAgent sets a product token put before the SDK's own.
func (s *Settings) SetUserAgent(ua string) error {
	if strings.ContainsAny(ua, "\r\n") {
		return errors.New("WithUserAgent: user agent contains a line break")
	}
	s.Transport.UserAgent = strings.TrimSpace(ua)
	return nil
}

// SetMaxBodyBytes sets the response body cap.
func (s *Settings) SetMaxBodyBytes(n int64) error {
	if n <= 0 {
		return fmt.Errorf("WithMaxBodyBytes: %d must be positive", n)
	}
	s.Transport.MaxBodyBytes = n
	return nil
}

// ParseBaseURL checks a base URL: https, or http only on a loopback host;
// a host and optional port and path; no user info, query or fragment. A
// trailing slash is removed. arg names the argument in errors, which never
// repeat the URL's text: a key pasted into it would land in the error.
func ParseBaseURL(arg, raw string) (*url.URL, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, fmt.Errorf("%s is empty", arg)
	}
	u, err := url.Parse(raw)
	if err != nil {
		// Not wrapped: url.Parse's errors quote the text.
		return nil, fmt.Errorf("%s: not a valid URL", arg)
	}
	switch {
	case u.Scheme != "https" && u.Scheme != "http":
		return nil, fmt.Errorf("%s: the scheme must be https", arg)
	case u.Host == "" || u.Hostname() == "":
		return nil, fmt.Errorf("%s: no host", arg)
	case u.User != nil:
		return nil, fmt.Errorf("%s: user info is not allowed in the URL", arg)
	case u.RawQuery != "" || u.ForceQuery:
		return nil, fmt.Errorf("%s: a query is not allowed", arg)
	case u.Fragment != "":
		return nil, fmt.Errorf("%s: a fragment is not allowed", arg)
	case u.Scheme == "http" && !IsLoopback(u.Hostname()):
		return nil, fmt.Errorf("%s: plain http is accepted only for a loopback host; use https", arg)
	}
	if p := u.Port(); p != "" {
		if n, err := net.LookupPort("tcp", p); err != nil || n == 0 {
			return nil, fmt.Errorf("%s: bad port", arg)
		}
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

// IsLoopback reports whether host is localhost or a loopback IP.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
