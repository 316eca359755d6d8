package tehtris

import "github.com/socgo/xdr/internal/apierror"

//go:generate go run ../internal/apierror/genpublic -pkg tehtris

// Sentinels shared with the other API packages of this module.
var (
	// ErrNotFound matches a 404 (unknown event, filter or endpoint).
	ErrNotFound = apierror.ErrNotFound
	// ErrUnauthorized matches a 401: a wrong API key, a key without the API
	// being called selected, or (on some platforms) a source IP that is not
	// allow-listed.
	ErrUnauthorized = apierror.ErrUnauthorized
	// ErrForbidden matches a 403: the key may not call this API, or the
	// source IP is not allow-listed.
	ErrForbidden = apierror.ErrForbidden
	// ErrConflict matches a 409. On an isolation order it means the
	// endpoint reaches the platform through a local proxy and cannot be
	// isolated.
	ErrConflict = apierror.ErrConflict
	// ErrRateLimited matches a 429 left after the retries.
	ErrRateLimited = apierror.ErrRateLimited
	// ErrServer matches any 5xx left after the retries.
	ErrServer = apierror.ErrServer
	// ErrPaginationStalled is returned by an iterator whose server does not
	// advance.
	ErrPaginationStalled = apierror.ErrPaginationStalled
	// ErrRedirectRefused matches a request whose answer was a redirect the
	// client does not follow: to another scheme, host or port (a downgrade
	// to http included), or any redirect of a method other than GET and
	// HEAD. It is not retried.
	ErrRedirectRefused = apierror.ErrRedirectRefused
	// ErrBodyTooLarge matches a response whose body is larger than the
	// client reads for it (see the package's section on memory).
	ErrBodyTooLarge = apierror.ErrBodyTooLarge
)
