package sekoia

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/socgo/xdr/internal/argcheck"
	"github.com/socgo/xdr/internal/clientopt"
)

// Region is a Sekoia.io hosting region. It selects the REST and intake base
// URLs when no explicit URL is given.
type Region string

// The documented Sekoia.io regions.
const (
	// FRA1 is the default region (France, https://api.sekoia.io).
	FRA1 Region = "FRA1"
	// FRA2 is the SecNumCloud region (France).
	FRA2 Region = "FRA2"
	// MCO1 is the Monaco region.
	MCO1 Region = "MCO1"
	// UAE1 is the United Arab Emirates region.
	UAE1 Region = "UAE1"
	// USA1 is the United States region.
	USA1 Region = "USA1"
	// SGP1 is the Singapore region.
	SGP1 Region = "SGP1"
)

// urls returns the documented REST and HTTP-intake base URLs of r.
func (r Region) urls() (rest, intake string, ok bool) {
	switch r {
	case FRA1:
		return "https://api.sekoia.io", "https://intake.sekoia.io", true
	case FRA2:
		return "https://app.fra2.sekoia.io/api", "https://intake.fra2.sekoia.io/api/v1/intake-http", true
	case MCO1:
		return "https://app.mco1.sekoia.io/api", "https://intake.mco1.sekoia.io/api/v1/intake-http", true
	case UAE1:
		return "https://app.uae1.sekoia.io/api", "https://intake.uae1.sekoia.io/api/v1/intake-http", true
	case USA1:
		return "https://api.usa1.sekoia.io", "https://intake.usa1.sekoia.io/api/v1/intake-http", true
	case SGP1:
		return "https://api.sgp1.sekoia.io", "https://intake.sgp1.sekoia.io", true
	}
	return "", "", false
}

// String returns the region's name ("FRA1").
func (r Region) String() string { return string(r) }

// Valid reports whether r is one of the known regions.
func (r Region) Valid() bool { _, _, ok := r.urls(); return ok }

// BaseURL returns the documented REST base URL of the region, or "" for an
// unknown region. API paths (/v1/..., /v2/...) are appended to it.
func (r Region) BaseURL() string { u, _, _ := r.urls(); return u }

// IntakeURL returns the documented HTTP intake base URL of the region, or ""
// for an unknown region. Intake paths (/plain, /jsons, ...) are appended to it.
func (r Region) IntakeURL() string { _, u, _ := r.urls(); return u }

// ParseRegion returns the region named s (case-insensitive, "fra1" or
// "FRA1"); the empty string gives FRA1.
func ParseRegion(s string) (Region, error) {
	if s == "" {
		return FRA1, nil
	}
	r := Region(toUpperASCII(s))
	if !r.Valid() {
		return "", fmt.Errorf("sekoia: region %q is not one of FRA1, FRA2, MCO1, UAE1, USA1, SGP1", argcheck.Short(s))
	}
	return r, nil
}

func toUpperASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'a' <= c && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}

// Option configures a Client (NewClient) or an Intake (NewIntake). An
// option that concerns only one of them is ignored by the other.
type Option func(*options) error

type options struct {
	clientopt.Settings
	baseURL   *url.URL
	intakeURL *url.URL
	region    Region
	// intakeParallelism is the number of requests Intake.Push sends at once.
	intakeParallelism int
}

// newOptions applies opts over the defaults and validates the result: the
// base and intake URLs are derived from the region unless set explicitly.
func newOptions(opts []Option) (options, error) {
	o := options{Settings: clientopt.NewSettings(), region: FRA1, intakeParallelism: DefaultIntakeParallelism}
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(&o); err != nil {
			return options{}, fmt.Errorf("sekoia: %w", err)
		}
	}
	if o.baseURL == nil {
		u, err := url.Parse(o.region.BaseURL())
		if err != nil {
			return options{}, fmt.Errorf("sekoia: region %s: %w", o.region, err)
		}
		o.baseURL = u
	}
	if o.intakeURL == nil {
		u, err := url.Parse(o.region.IntakeURL())
		if err != nil {
			return options{}, fmt.Errorf("sekoia: region %s: %w", o.region, err)
		}
		o.intakeURL = u
	}
	o.Transport.Base = o.baseURL
	if err := o.Transport.Validate(); err != nil {
		return options{}, fmt.Errorf("sekoia: %w", err)
	}
	return o, nil
}

// WithRegion selects the region whose documented base URLs are used
// (default FRA1). WithBaseURL and WithIntakeURL override it.
func WithRegion(r Region) Option {
	return func(o *options) error {
		if !r.Valid() {
			return fmt.Errorf("WithRegion: region %q is not one of FRA1, FRA2, MCO1, UAE1, USA1, SGP1", argcheck.Short(string(r)))
		}
		o.region = r
		return nil
	}
}

// WithBaseURL sets the REST base URL (for example "https://app.sekoia.io/api"
// or a test server's URL). It must be https, or http on a loopback host.
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

// WithIntakeURL sets the HTTP intake base URL. It must be https, or http on
// a loopback host.
func WithIntakeURL(raw string) Option {
	return func(o *options) error {
		u, err := clientopt.ParseBaseURL("WithIntakeURL", raw)
		if err != nil {
			return err
		}
		o.intakeURL = u
		return nil
	}
}

// WithIntakeParallelism sets how many requests Intake.Push sends at once,
// and the default of WriterOptions.Parallelism (1..64; default
// DefaultIntakeParallelism). With 1, batches arrive in the order of the
// events. NewClient ignores it.
func WithIntakeParallelism(n int) Option {
	return func(o *options) error {
		if n < 1 || n > 64 {
			return fmt.Errorf("WithIntakeParallelism: %d is out of range 1..64", n)
		}
		o.intakeParallelism = n
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
// line per retry. Secrets are never logged.
func WithLogger(l *slog.Logger) Option {
	return func(o *options) error { return o.SetLogger(l) }
}

// WithMaxRetries sets how many times a failed request is retried (default
// 4; 0 turns retries off). It also bounds how many times a request whose
// answer was cut while its body was read is sent again.
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

// WithLimiter sets a client-side rate limiter waited on before every
// attempt of every request of the client. Sekoia.io asks clients to stay
// under 5 requests per second.
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
