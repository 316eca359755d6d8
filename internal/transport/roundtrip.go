package transport

import (
	"net/http"
	"net/url"
	"strings"
)

// roundTripper sets the User-Agent, the credential (only for the configured
// host) and waits on the limiters, for every attempt.
type roundTripper struct {
	cfg  *Config
	ua   string
	next http.RoundTripper
}

type limiterError struct{ err error }

func (e *limiterError) Error() string { return "rate limiter: " + e.err.Error() }
func (e *limiterError) Unwrap() error { return e.err }

func (t *roundTripper) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	if t.cfg.Limiter != nil {
		if err := t.cfg.Limiter.Wait(ctx); err != nil {
			closeBody(req)
			return nil, &limiterError{err}
		}
	}
	if l, ok := ctx.Value(limiterKey).(Limiter); ok && l != nil {
		if err := l.Wait(ctx); err != nil {
			closeBody(req)
			return nil, &limiterError{err}
		}
	}
	if t.cfg.PathLimiter != nil {
		if l := t.cfg.PathLimiter(req); l != nil {
			if err := l.Wait(ctx); err != nil {
				closeBody(req)
				return nil, &limiterError{err}
			}
		}
	}
	r := req.Clone(ctx) // a RoundTripper must not change the caller's request
	r.Header.Set("User-Agent", t.ua)
	r.Header.Del("Authorization")
	if t.cfg.Auth != nil && sameOrigin(r.URL, t.cfg.Base) {
		t.cfg.Auth(r.Header)
	}
	return t.next.RoundTrip(r)
}

func closeBody(r *http.Request) {
	if r.Body != nil {
		_ = r.Body.Close()
	}
}

// sameOrigin reports whether u has the scheme and host (with the port,
// defaults made explicit) of base.
func sameOrigin(u, base *url.URL) bool {
	return strings.EqualFold(u.Scheme, base.Scheme) && strings.EqualFold(hostPort(u), hostPort(base))
}

func hostPort(u *url.URL) string {
	if u.Port() != "" {
		return u.Host
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
		return u.Hostname() + ":443"
	case "http":
		return u.Hostname() + ":80"
	}
	return u.Host
}

// RedactError renders err with any URL user info and query removed: query
// strings may carry filters a log need not hold, and user info a password.
func RedactError(err error) string {
	if err == nil {
		return ""
	}
	if ue, ok := err.(*url.Error); ok {
		u, perr := url.Parse(ue.URL)
		if perr == nil {
			u.User = nil
			u.RawQuery = ""
			return ue.Op + " " + u.String() + ": " + ue.Err.Error()
		}
	}
	return err.Error()
}
