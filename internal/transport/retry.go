package transport

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// retryState holds the decisions of one Do call: CheckRetry computes the
// wait and Backoff returns it, so the wait that was checked against the
// deadline is the wait that is slept.
type retryState struct {
	cfg      *Config
	safe     bool
	conn     connTrace // how far the current attempt got
	attempts int
	retries  int
	wait     time.Duration
	method   string
	path     string
}

func (s *retryState) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	if s.retries >= s.cfg.MaxRetries {
		return false, nil
	}
	var wait time.Duration
	switch {
	case err != nil:
		if !retryableError(err) || !s.safe && !s.conn.neverSent(err) {
			return false, nil
		}
	case resp.StatusCode == http.StatusTooManyRequests:
		// Retried for every method: the server did not act on it.
	case resp.StatusCode == http.StatusRequestTimeout,
		resp.StatusCode >= 500 && resp.StatusCode != http.StatusNotImplemented:
		if !s.safe {
			return false, nil
		}
	default:
		return false, nil
	}
	if resp != nil && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) {
		if ra, ok := ParseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
			if ra > s.cfg.MaxRetryAfter {
				return false, nil // the caller gets the response and its RetryAfter
			}
			wait = ra
		}
	}
	if wait == 0 {
		wait = backoff(s.cfg, s.retries)
	}
	if dl, ok := ctx.Deadline(); ok && time.Now().Add(wait).After(dl) {
		return false, nil
	}
	s.wait = wait
	s.retries++
	// method and path come from the request given to Do: a custom
	// RoundTripper need not set resp.Request.
	attrs := []slog.Attr{slog.Int("attempt", s.retries), slog.Duration("wait", wait),
		slog.String("method", s.method), slog.String("path", s.path)}
	if resp != nil {
		attrs = append(attrs, slog.Int("status", resp.StatusCode))
	} else {
		attrs = append(attrs, slog.String("error", RedactError(err)))
	}
	s.cfg.Logger.LogAttrs(ctx, slog.LevelWarn, "retrying request", attrs...)
	return true, nil
}

func (s *retryState) backoff(_, _ time.Duration, _ int, _ *http.Response) time.Duration {
	return s.wait
}

// backoff is "equal jitter": half of the exponential step is kept, the
// other half is random, so waits never collapse to zero.
func backoff(cfg *Config, n int) time.Duration {
	d := cfg.RetryWaitMin
	for i := 0; i < n && d < cfg.RetryWaitMax; i++ {
		d *= 2
	}
	d = min(d, cfg.RetryWaitMax)
	half := d / 2
	return half + rand.N(half+1)
}

// retryableError reports whether a transport error is worth retrying:
// not TLS certificate errors (ours failing verification, or the server's
// alert refusing our certificate), not redirect or scheme errors, not a
// limiter refusal.
func retryableError(err error) bool {
	var lim *limiterError
	if errors.As(err, &lim) || errors.Is(err, ErrRedirectRefused) {
		return false
	}
	var unknownAuth x509.UnknownAuthorityError
	var certInvalid x509.CertificateInvalidError
	var hostname x509.HostnameError
	var verify *tls.CertificateVerificationError
	if errors.As(err, &unknownAuth) || errors.As(err, &certInvalid) || errors.As(err, &hostname) || errors.As(err, &verify) ||
		certificateAlert(err) {
		return false
	}
	msg := err.Error()
	if strings.Contains(msg, "stopped after") && strings.Contains(msg, "redirects") ||
		strings.Contains(msg, "unsupported protocol scheme") || strings.Contains(msg, "invalid header") {
		return false
	}
	return true
}

// certificateAlert reports whether err holds a TLS alert of the server
// about a certificate (bad, unsupported, revoked, expired, unknown, of an
// unknown authority, required...). crypto/tls reports a received alert as
// a *net.OpError "remote error" whose Err is of an unexported type, so the
// alert is told by its text, which names a certificate for every one of
// those alerts and for no other.
func certificateAlert(err error) bool {
	found := false
	walkErrors(err, func(e error) {
		if op, ok := e.(*net.OpError); ok && op.Op == "remote error" && op.Err != nil &&
			strings.HasPrefix(op.Err.Error(), "tls: ") && strings.Contains(op.Err.Error(), "certificate") {
			found = true
		}
	})
	return found
}

// ParseRetryAfter reads a Retry-After value: delay seconds or an HTTP date.
func ParseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if s, err := strconv.ParseInt(v, 10, 64); err == nil {
		if s < 0 {
			return 0, false
		}
		return time.Duration(min(s, 1<<31)) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}
