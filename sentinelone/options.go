package sentinelone

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/socgo/xdr/internal/clientopt"
)

// APIPath is the path of the Management API v2.1 under a console URL.
const APIPath = "/web/api/v2.1"

// Option configures a Client.
type Option func(*options) error

type options struct {
	clientopt.Settings
	baseURL      *url.URL // the API base, console URL + APIPath
	rateLimits   []RateLimit
	noRateLimits bool
	retryActions bool
}

func newOptions(console *url.URL, opts []Option) (options, error) {
	o := options{Settings: clientopt.NewSettings(), rateLimits: DefaultRateLimits()}
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(&o); err != nil {
			return options{}, fmt.Errorf("sentinelone: %w", err)
		}
	}
	if o.baseURL == nil {
		u := *console
		u.Path = APIPath
		u.RawPath = ""
		o.baseURL = &u
	}
	o.Transport.Base = o.baseURL
	if err := o.Transport.Validate(); err != nil {
		return options{}, fmt.Errorf("sentinelone: %w", err)
	}
	return o, nil
}

// ParseConsoleURL checks a console URL and returns it in canonical form
// ("https://host[:port]"). It accepts a URL with scheme https (http only for
// a loopback host, as the fakes use) or a bare host name as pasted from a
// browser ("usea1-partners.sentinelone.net", which means https), and a
// trailing slash. It refuses user info, a query, a fragment and any path:
// the API path is added by the client.
func ParseConsoleURL(raw string) (*url.URL, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return nil, errors.New("consoleURL is empty")
	}
	if !strings.Contains(s, "://") {
		if h := strings.SplitN(s, "/", 2)[0]; strings.Contains(h, "@") {
			return nil, errors.New("consoleURL: user info is not allowed in the URL")
		}
		s = "https://" + s
	}
	u, err := clientopt.ParseBaseURL("consoleURL", s)
	if err != nil {
		return nil, err
	}
	if u.Path != "" {
		return nil, fmt.Errorf("consoleURL: a path is not allowed (give the console host only; the client adds %s)", APIPath)
	}
	if h := u.Hostname(); net.ParseIP(h) == nil && !validHostname(h) {
		return nil, errors.New("consoleURL: the host is not a valid host name")
	}
	return &url.URL{Scheme: u.Scheme, Host: u.Host}, nil
}

// validHostname reports whether h is made of DNS labels (letters, digits,
// hyphens and underscores, dot-separated).
func validHostname(h string) bool {
	if h == "" || len(h) > 253 {
		return false
	}
	for label := range strings.SplitSeq(strings.TrimSuffix(h, "."), ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return false
			}
		}
	}
	return true
}

// WithBaseURL replaces the API base URL the client sends to (by default
// the console URL followed by /web/api/v2.1), for a proxy that serves the
// API under another path. It must be https, or http on a loopback host.
// Authentication is sent only to this URL's host.
func WithBaseURL(raw string) Option {
	return func(o *options) error {
		u, err := clientopt.ParseBaseURL("WithBaseURL", raw)
		if err != nil {
			return err
		}
		o.baseURL = u
		return nil
	}
}

// WithHTTPClient sets the HTTP client whose Transport and Timeout are used.
// The client is copied, never changed. A write is retried after an error
// of the Transport that proves it never left: a *net.DNSError, a
// *net.OpError whose Op is "dial", or no connection had (httptrace's
// GetConn without GotConn). A Transport of its own must return those only
// for requests it did not send.
func WithHTTPClient(c *http.Client) Option {
	return func(o *options) error { return o.SetHTTPClient(c) }
}

// WithLogger sets the logger receiving a Debug line per attempt and a Warn
// line per retry. Tokens are never logged.
func WithLogger(l *slog.Logger) Option {
	return func(o *options) error { return o.SetLogger(l) }
}

// WithMaxRetries sets how many times a failed request is retried (default
// 4; 0 turns retries off). It also bounds how many times a read is sent
// again after its answer's body was cut.
func WithMaxRetries(n int) Option {
	return func(o *options) error { return o.SetMaxRetries(n) }
}

// WithRetryWait sets the bounds of the exponential backoff between retries
// (default 1s..30s).
func WithRetryWait(minWait, maxWait time.Duration) Option {
	return func(o *options) error { return o.SetRetryWait(minWait, maxWait) }
}

// WithMaxRetryAfter sets the longest Retry-After the client waits for
// (default 60s); a longer one is returned as ErrRateLimited at once.
func WithMaxRetryAfter(d time.Duration) Option {
	return func(o *options) error { return o.SetMaxRetryAfter(d) }
}

// Limiter is a client-side rate limiter: Wait blocks until a request may
// be sent or ctx is done. *rate.Limiter from golang.org/x/time/rate
// satisfies it.
type Limiter interface {
	Wait(ctx context.Context) error
}

// WithLimiter sets a client-wide rate limiter waited on before every
// attempt, in addition to the per-path limits (see WithRateLimits).
func WithLimiter(l Limiter) Option {
	return func(o *options) error { return o.SetLimiter(l) }
}

// WithUserAgent sets a product token sent before the SDK's own User-Agent.
func WithUserAgent(ua string) Option {
	return func(o *options) error { return o.SetUserAgent(ua) }
}

// WithMaxBodyBytes caps the size of a response body (default 128 MiB).
func WithMaxBodyBytes(n int64) Option {
	return func(o *options) error { return o.SetMaxBodyBytes(n) }
}

// WithRateLimits replaces the per-path client-side rate limits (default
// DefaultRateLimits). An empty table turns them off, like WithoutRateLimits.
func WithRateLimits(limits []RateLimit) Option {
	return func(o *options) error {
		for i, l := range limits {
			if err := l.validate(); err != nil {
				return fmt.Errorf("WithRateLimits: entry %d: %w", i, err)
			}
		}
		o.rateLimits = append([]RateLimit(nil), limits...)
		o.noRateLimits = len(limits) == 0
		return nil
	}
}

// WithoutRateLimits turns the per-path client-side rate limits off (a
// limiter given with WithLimiter still applies).
func WithoutRateLimits() Option {
	return func(o *options) error {
		o.rateLimits, o.noRateLimits = nil, true
		return nil
	}
}

// WithRetryActions makes every action (the POSTs of agent actions, threat
// mitigation, incident updates, notes and token calls) retried on 5xx, 408,
// network errors and cut answer bodies like reads are. By default they are
// retried only on 429 and when they provably never left (a failed DNS
// lookup, connection or TLS handshake), because a request that timed out
// may have been carried out. Per call, ActionOptions.RetrySafe does the
// same for one call.
func WithRetryActions(on bool) Option {
	return func(o *options) error {
		o.retryActions = on
		return nil
	}
}
