package transport

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/socgo/xdr/internal/apierror"
)

// ErrRedirectRefused is matched by the error of a request whose answer was
// a redirect the client does not follow.
var ErrRedirectRefused = apierror.ErrRedirectRefused

// maxRedirects is the most redirects one request follows.
const maxRedirects = 5

// RedirectError is a redirect that was not followed. It names the origin
// of the target, never its path or query, which a server may fill with
// anything (a credential it echoes among them).
type RedirectError struct {
	// StatusCode is the redirect's status (301, 302, 303, 307, 308).
	StatusCode int
	// Method is the method of the request that was redirected.
	Method string
	// Origin is the target's scheme://host:port.
	Origin string
	// Reason says why the redirect was refused.
	Reason string
}

// Error renders "redirect 307 to https://other:443 refused: reason".
func (e *RedirectError) Error() string {
	return fmt.Sprintf("redirect %d of %s to %s refused: %s", e.StatusCode, e.Method, e.Origin, e.Reason)
}

// Is matches ErrRedirectRefused.
func (e *RedirectError) Is(target error) bool { return target == ErrRedirectRefused }

// checkRedirect is the redirect policy of every client of this module.
// Every request they send carries a credential, in a header or (the
// intake's) in its body, so:
//
//   - a redirect to another origin (scheme, host or port, default ports
//     made explicit) is never followed, whatever the method: a downgrade
//     from https to http is another origin;
//   - a redirect on the same origin is followed for GET and HEAD only, at
//     most maxRedirects times: a write is never sent again (307 and 308
//     would re-send its body) nor turned into a GET (301, 302, 303).
//
// A refused redirect fails the request with a *RedirectError, which is not
// retried; the redirect's body is not read.
func checkRedirect(base *url.URL) func(req *http.Request, via []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		e := &RedirectError{Method: req.Method, Origin: origin(req.URL)}
		if len(via) > 0 {
			e.Method = via[0].Method
		}
		if req.Response != nil {
			e.StatusCode = req.Response.StatusCode
		}
		switch {
		case !sameOrigin(req.URL, base):
			if req.URL.Scheme == "http" && base.Scheme == "https" {
				e.Reason = "a downgrade to http is never followed"
			} else {
				e.Reason = "a request carrying a credential never follows a redirect to another origin"
			}
		case e.Method != http.MethodGet && e.Method != http.MethodHead:
			e.Reason = "only GET and HEAD follow a redirect"
		case len(via) >= maxRedirects:
			e.Reason = fmt.Sprintf("stopped after %d redirects", maxRedirects)
		default:
			return nil
		}
		return e
	}
}

// origin renders the scheme, host and port of u.
func origin(u *url.URL) string {
	return u.Scheme + "://" + hostPort(u)
}
