package tehtris

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/socgo/xdr/internal/clientopt"
)

// Limiter is a client-side rate limiter: Wait blocks until a request may
// be sent or ctx is done. *rate.Limiter from golang.org/x/time/rate
// satisfies it.
type Limiter interface {
	Wait(ctx context.Context) error
}

// Option configures a Client. Options are checked by NewClient, which
// returns the first error.
type Option func(*options) error

type options struct {
	clientopt.Settings
	baseURL *url.URL
}

func newOptions(opts []Option) (options, error) {
	o := options{Settings: clientopt.NewSettings()}
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(&o); err != nil {
			return options{}, fmt.Errorf("tehtris: %w", err)
		}
	}
	return o, nil
}

// WithBaseURL sets the full API base URL, for an on-premise platform or a
// non-standard port, for example "https://abc.api.tehtris.net:8443/api" (or
// a test server's URL). Paths such as /xdr/v1/event are appended to it. It
// must be https, or http on a loopback host; a trailing slash is removed.
// With it, the tenant id given to NewClient may be empty.
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
// line per retry. The API key is never logged.
func WithLogger(l *slog.Logger) Option {
	return func(o *options) error { return o.SetLogger(l) }
}

// WithMaxRetries sets how many times a failed request is retried (default
// 4; 0 turns retries off).
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

// WithLimiter sets a client-side rate limiter waited on before every
// attempt of every request of the client (*rate.Limiter from
// golang.org/x/time/rate fits). There is none by default; the Collector
// paces its own requests (see CollectorConfig.RequestsPerMinute).
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
