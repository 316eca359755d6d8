package transport

import (
	"net"
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
	port := u.Port()
	if port == "" {
		switch strings.ToLower(u.Scheme) {
		case "https":
			port = "443"
		case "http":
			port = "80"
		}
	}
	// JoinHostPort brackets IPv6 literals the same way whether or not the
	// port was explicit.
	return net.JoinHostPort(u.Hostname(), port)
}

// RedactError renders err with the user info and query of every URL it
// carries (from a *url.Error anywhere in its chain) removed: query strings
// may carry filters a log need not hold, and user info a password.
func RedactError(err error) string {
	if err == nil {
		return ""
	}
	msg := err.Error()
	walkErrors(err, func(e error) {
		if ue, ok := e.(*url.Error); ok && ue.URL != "" {
			msg = strings.ReplaceAll(msg, ue.URL, redactURL(ue.URL))
		}
	})
	return msg
}

func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "[unparsable URL]"
	}
	u.User = nil
	u.RawQuery = ""
	u.ForceQuery = false
	u.Fragment, u.RawFragment = "", ""
	return u.String()
}

// walkErrors calls f on err and every error it wraps.
func walkErrors(err error, f func(error)) {
	for depth := 0; err != nil && depth < 32; depth++ {
		f(err)
		switch x := err.(type) {
		case interface{ Unwrap() []error }:
			for _, e := range x.Unwrap() {
				walkErrors(e, f)
			}
			return
		case interface{ Unwrap() error }:
			err = x.Unwrap()
		default:
			return
		}
	}
}
