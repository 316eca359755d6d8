// Package transport is the one HTTP stack every client of this module uses:
// retries with capped, jittered backoff on top of go-retryablehttp, an
// optional client-side limiter, authentication sent only to the configured
// host, a User-Agent, request logging without secrets, and a cap on the size
// of response bodies.
//
// # Retries
//
// Client.Do retries a 429 for every method. It retries 408, 5xx (but 501)
// and transport errors for a request that is safe to send twice
// (SafeToRetry: an idempotent method, or a context marked by
// WithRetrySafe). A write that is not (a POST or a PATCH) is sent again
// after a transport error only when nothing of it can have left the
// machine, which one of two facts proves:
//
//   - the standard transport (net/http's, or any RoundTripper that
//     reports httptrace's GetConn) asked for a connection for the attempt
//     and never got one (no GotConn): the DNS lookup, the dial, a proxy's
//     CONNECT or the TLS handshake failed. HTTP/1 and HTTP/2 both report
//     GotConn before they write a byte of the request;
//   - the attempt's error carries a *net.DNSError, or a *net.OpError whose
//     Op is "dial": the errors of a connection that was never made. A
//     RoundTripper given in Config.HTTPClient must return them only for
//     requests it did not send.
//
// A connection taken from the pool that breaks before any byte of the
// request was written is handled below: net/http sends the request again
// on a fresh connection itself, which Do allows by giving every body a
// length and a GetBody. Once a connection was had, a write is not sent
// again: the server may have acted on it. Those retries take the same
// backoff, the same MaxRetries and the same Warn line as the others. Never
// retried, whatever the method: the caller's context ending, a TLS
// certificate error (the server's certificate failing verification, or
// the server's alert refusing the client's: it will not heal), a refused
// redirect and a limiter's refusal.
package transport

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/hashicorp/go-retryablehttp"

	"github.com/socgo/xdr"
	"github.com/socgo/xdr/internal/apierror"
)

// Limiter is a client-side rate limiter. *rate.Limiter from
// golang.org/x/time/rate satisfies it.
type Limiter interface {
	Wait(ctx context.Context) error
}

// Defaults of Config.
const (
	DefaultMaxRetries    = 4
	DefaultRetryWaitMin  = 1 * time.Second
	DefaultRetryWaitMax  = 30 * time.Second
	DefaultMaxRetryAfter = 60 * time.Second
	DefaultMaxBodyBytes  = 128 << 20
)

// Config configures a Client. Start from Defaults() and change fields.
type Config struct {
	// Base is the URL of the API. Authentication is sent only to its scheme
	// and host (port included).
	Base *url.URL
	// Auth sets the credential on an outgoing request's header. It is called
	// for every attempt, so a credential may change between requests.
	Auth func(h http.Header)
	// UserAgent is put before "socgo-xdr/<version>" when not empty.
	UserAgent string
	// Logger receives a Debug line per attempt and a Warn line per retry.
	// Nil discards.
	Logger *slog.Logger
	// Limiter, when set, is waited on before every attempt.
	Limiter Limiter
	// PathLimiter, when set, returns a limiter for a request (for example
	// from a per-path table); nil means no limit for that request.
	PathLimiter func(r *http.Request) Limiter
	// HTTPClient is the base client. Its Transport is used; its Timeout
	// applies to each attempt. Nil means a fresh pooled client.
	HTTPClient *http.Client
	// MaxRetries is the number of retries after the first attempt; 0 turns
	// retries off.
	MaxRetries int
	// RetryWaitMin and RetryWaitMax bound the exponential backoff.
	RetryWaitMin, RetryWaitMax time.Duration
	// MaxRetryAfter caps the Retry-After a server may ask for: a longer wait,
	// or one that would pass the context's deadline, is not waited for and
	// the response is returned to the caller at once.
	MaxRetryAfter time.Duration
	// MaxBodyBytes caps the size of a response body; reading past it fails
	// with ErrBodyTooLarge.
	MaxBodyBytes int64
}

// Defaults returns the default configuration.
func Defaults() Config {
	return Config{
		MaxRetries:    DefaultMaxRetries,
		RetryWaitMin:  DefaultRetryWaitMin,
		RetryWaitMax:  DefaultRetryWaitMax,
		MaxRetryAfter: DefaultMaxRetryAfter,
		MaxBodyBytes:  DefaultMaxBodyBytes,
	}
}

// Validate reports the first invalid field of c.
func (c Config) Validate() error {
	switch {
	case c.Base == nil:
		return errors.New("base URL is required")
	case c.MaxRetries < 0:
		return fmt.Errorf("max retries %d: must be 0 or more", c.MaxRetries)
	case c.RetryWaitMin <= 0 || c.RetryWaitMax < c.RetryWaitMin:
		return fmt.Errorf("retry wait %s..%s: need 0 < min <= max", c.RetryWaitMin, c.RetryWaitMax)
	case c.MaxRetryAfter < 0:
		return fmt.Errorf("max retry-after %s: must not be negative", c.MaxRetryAfter)
	case c.MaxBodyBytes <= 0:
		return fmt.Errorf("max body bytes %d: must be positive", c.MaxBodyBytes)
	}
	return nil
}

// Client sends requests with the configured retry policy. It is safe for
// concurrent use.
type Client struct {
	cfg  Config
	http *http.Client
	ua   string
}

// New builds a Client from cfg.
func New(cfg Config) (*Client, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	base := http.DefaultTransport
	hc := &http.Client{}
	if cfg.HTTPClient != nil {
		*hc = *cfg.HTTPClient // copied: the caller's client is never changed
		if hc.Transport != nil {
			base = hc.Transport
		}
	} else {
		base = http.DefaultTransport.(*http.Transport).Clone()
	}
	ua := "socgo-xdr/" + xdr.Version
	if cfg.UserAgent != "" {
		ua = cfg.UserAgent + " " + ua
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	hc.Transport = &roundTripper{cfg: &cfg, ua: ua, next: base}
	hc.CheckRedirect = checkRedirect(cfg.Base) // the caller's policy is replaced: see checkRedirect
	return &Client{cfg: cfg, http: hc, ua: ua}, nil
}

// UserAgent returns the User-Agent the client sends.
func (c *Client) UserAgent() string { return c.ua }

// Logger returns the configured logger (never nil).
func (c *Client) Logger() *slog.Logger { return c.cfg.Logger }

// Base returns a copy of the configured base URL.
func (c *Client) Base() *url.URL { u := *c.cfg.Base; return &u }

// HTTPClient returns the client with the auth/limiter/user-agent transport,
// without retries, for callers that manage retries themselves.
func (c *Client) HTTPClient() *http.Client { return c.http }

// MaxBodyBytes returns the response body cap.
func (c *Client) MaxBodyBytes() int64 { return c.cfg.MaxBodyBytes }

// MaxRetries returns the configured number of retries after a first
// attempt.
func (c *Client) MaxRetries() int { return c.cfg.MaxRetries }

// Backoff returns the wait before retry n (0 for the first retry): the
// jittered exponential backoff Do uses, within RetryWaitMin..RetryWaitMax.
// It is for callers that repeat a request Do could not retry, such as one
// whose response body was cut.
func (c *Client) Backoff(n int) time.Duration { return backoff(&c.cfg, max(n, 0)) }

// Result is what Do returns beside the response.
type Result struct {
	// Attempts is the number of attempts made (1 when there was no retry).
	Attempts int
}

// Do sends req, retrying as configured, and returns the final response
// (whatever its status) or the final transport error. The response body is
// capped at MaxBodyBytes (unless the request's context was marked by
// WithUncappedBody); the caller must close it (Close drains it first,
// so the connection is reused).
func (c *Client) Do(req *http.Request) (*http.Response, Result, error) {
	st := &retryState{cfg: &c.cfg, method: req.Method, path: req.URL.Path}
	// The copy carries the trace that tells a request that never left
	// (see neverSent) and leaves the caller's request unchanged.
	req = req.WithContext(st.conn.trace(req.Context()))
	var held []byte
	if req.GetBody == nil && req.Body != nil && req.Body != http.NoBody {
		// A body that is only an io.Reader is read whole (FromRequest would
		// hold it too) and sent like a []byte: with its length and a
		// GetBody, net/http sends it again on a fresh connection when a
		// pooled one failed before any byte of it was written. Sent
		// chunked, it would not: net/http takes a failed write of a chunk
		// for a failed read of the body.
		b, err := io.ReadAll(req.Body)
		_ = req.Body.Close()
		if err != nil {
			return nil, Result{}, fmt.Errorf("prepare request: %w", err)
		}
		held, req.Body = b, http.NoBody
	}
	rreq, err := retryablehttp.FromRequest(req)
	if err == nil && len(held) > 0 {
		err = rreq.SetBody(held)
	}
	if err != nil {
		return nil, Result{}, fmt.Errorf("prepare request: %w", err)
	}
	st.safe = SafeToRetry(req.Context(), req.Method)
	rc := &retryablehttp.Client{
		HTTPClient:   c.http,
		RetryMax:     c.cfg.MaxRetries,
		RetryWaitMin: c.cfg.RetryWaitMin,
		RetryWaitMax: c.cfg.RetryWaitMax,
		CheckRetry:   st.checkRetry,
		Backoff:      st.backoff,
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
		RequestLogHook: func(_ retryablehttp.Logger, r *http.Request, n int) {
			st.attempts = n + 1
			st.conn.reset()
			c.cfg.Logger.LogAttrs(r.Context(), slog.LevelDebug, "http request",
				slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Int("attempt", n+1))
		},
	}
	resp, err := rc.Do(rreq)
	res := Result{Attempts: max(st.attempts, 1)}
	if err != nil {
		if resp != nil {
			DrainClose(resp.Body)
		}
		return nil, res, err
	}
	if !uncappedBody(req.Context()) {
		resp.Body = &cappedBody{rc: resp.Body, left: c.cfg.MaxBodyBytes}
	}
	return resp, res, nil
}

// ErrBodyTooLarge is returned when reading a response body past the
// configured cap.
var ErrBodyTooLarge = apierror.ErrBodyTooLarge

type cappedBody struct {
	rc   io.ReadCloser
	left int64
}

func (b *cappedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		// One more byte tells a body of exactly the cap from a larger one.
		var one [1]byte
		if n, _ := b.rc.Read(one[:]); n > 0 {
			return 0, ErrBodyTooLarge
		}
		return 0, io.EOF
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	return n, err
}

// Close drains what is left of the body (up to a bound) and closes it, so
// the connection goes back to the pool.
func (b *cappedBody) Close() error { return DrainClose(b.rc) }

// DrainClose reads up to 256 KiB of what is left in body and closes it.
func DrainClose(body io.ReadCloser) error {
	if body == nil {
		return nil
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(body, 256<<10))
	return body.Close()
}

type ctxKey int

const (
	retrySafeKey ctxKey = iota + 1
	limiterKey
)

// WithLimiter returns a context whose requests also wait on l before every
// attempt (a collector uses it to pace its own requests).
func WithLimiter(ctx context.Context, l Limiter) context.Context {
	return context.WithValue(ctx, limiterKey, l)
}

// WithRetrySafe marks requests made with the returned context as safe to
// retry on 5xx, 408 and network errors even when their method is not
// idempotent. Without it, such a request is retried after a network error
// only when it provably never left (see the package documentation).
func WithRetrySafe(ctx context.Context) context.Context {
	return context.WithValue(ctx, retrySafeKey, true)
}

// SafeToRetry reports whether a request with method and ctx may be sent
// again after a failure: its method is idempotent (GET, HEAD, OPTIONS,
// TRACE, PUT, DELETE) or ctx was marked by WithRetrySafe.
func SafeToRetry(ctx context.Context, method string) bool {
	return isIdempotent(method) || retrySafe(ctx)
}

func retrySafe(ctx context.Context) bool {
	v, _ := ctx.Value(retrySafeKey).(bool)
	return v
}

func isIdempotent(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace, http.MethodPut, http.MethodDelete:
		return true
	}
	return false
}
