// Package apierror holds the error type that every API package of this
// module returns for a non-2xx response, and the sentinels it matches.
package apierror

import (
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"time"
)

// Sentinels matched by *Error with errors.Is.
var (
	ErrNotFound     = errors.New("not found")
	ErrUnauthorized = errors.New("unauthorized")
	ErrForbidden    = errors.New("forbidden")
	ErrConflict     = errors.New("conflict")
	ErrRateLimited  = errors.New("rate limited")
	ErrServer       = errors.New("server error")
	// ErrPaginationStalled is returned by an iterator whose server repeats a
	// cursor or does not advance an offset.
	ErrPaginationStalled = errors.New("pagination stalled: the server repeated a cursor, an offset or a page")
	// ErrRedirectRefused is matched by the error of a request whose answer
	// was a redirect the client does not follow: to another origin, a
	// downgrade to http, or any redirect of a write.
	ErrRedirectRefused = errors.New("redirect refused")
	// ErrBodyTooLarge is matched by the error of a response whose body is
	// larger than the client reads for it.
	ErrBodyTooLarge = errors.New("response body exceeds the configured size cap")
)

// MaxBody is the most bytes of a response body an Error keeps.
const MaxBody = 64 << 10

// Error is a response with a status outside 2xx (or a 2xx whose body says
// it failed).
type Error struct {
	// Service names the API: "sekoia", "tehtris" or "sentinelone".
	Service string
	// StatusCode is the HTTP status.
	StatusCode int
	// Method and Path are those of the request (the path without query).
	Method, Path string
	// RequestID is the server's request or trace id, when it sent one.
	RequestID string
	// Code is the vendor's error code ("T301", "4010010"), if any.
	Code string
	// Message is the vendor's message, if any.
	Message string
	// Detail is the vendor's longer explanation, if any.
	Detail string
	// Body is the start of the raw response body (at most 64 KiB), with
	// every secret redacted.
	Body []byte
	// RetryAfter is the wait the server asked for (Retry-After), if any.
	RetryAfter time.Duration
	// Attempts is the number of attempts made, retries included.
	Attempts int
	// Sentinels are further errors this one matches with errors.Is, set by
	// the API package (for example sekoia.ErrJobExpired).
	Sentinels []error
}

// Error renders "service: METHOD /path: 404 Not Found: message (code=…, request_id=…, attempts=N)".
func (e *Error) Error() string {
	var b strings.Builder
	if e.Service != "" {
		b.WriteString(e.Service)
		b.WriteString(": ")
	}
	fmt.Fprintf(&b, "%s %s: %d", e.Method, e.Path, e.StatusCode)
	if st := http.StatusText(e.StatusCode); st != "" {
		b.WriteString(" ")
		b.WriteString(st)
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if e.Detail != "" && e.Detail != e.Message {
		b.WriteString(": ")
		b.WriteString(e.Detail)
	}
	var kv []string
	if e.Code != "" {
		kv = append(kv, "code="+e.Code)
	}
	if e.RequestID != "" {
		kv = append(kv, "request_id="+e.RequestID)
	}
	if e.RetryAfter > 0 {
		kv = append(kv, "retry_after="+e.RetryAfter.String())
	}
	if e.Attempts > 1 {
		kv = append(kv, fmt.Sprintf("attempts=%d", e.Attempts))
	}
	if len(kv) > 0 {
		b.WriteString(" (")
		b.WriteString(strings.Join(kv, ", "))
		b.WriteString(")")
	}
	return b.String()
}

// Is matches the sentinel of the status class, and e.Sentinels.
func (e *Error) Is(target error) bool {
	for _, s := range e.Sentinels {
		if s == target {
			return true
		}
	}
	switch target {
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized
	case ErrForbidden:
		return e.StatusCode == http.StatusForbidden
	case ErrConflict:
		return e.StatusCode == http.StatusConflict
	case ErrRateLimited:
		return e.StatusCode == http.StatusTooManyRequests
	case ErrServer:
		return e.StatusCode >= 500
	}
	return false
}

// Temporary reports whether the same request may succeed later: 408, 429
// and 5xx (not 501).
func (e *Error) Temporary() bool {
	c := e.StatusCode
	return c == http.StatusRequestTimeout || c == http.StatusTooManyRequests || c >= 500 && c != http.StatusNotImplemented
}

// errorPtr is the type *Error.
var errorPtr = reflect.TypeFor[*Error]()

// As returns the first error of err's chain that is an *Error, or a
// pointer to a struct type identical to Error (the APIError of an API
// package, which the client returns in its place), as an *Error sharing
// its memory. It is for code that handles the errors of every package
// alike (the client plumbing, tests); users match their package's
// APIError with errors.As.
func As(err error) (*Error, bool) {
	for err != nil {
		if e, ok := err.(*Error); ok {
			return e, true
		}
		if v := reflect.ValueOf(err); v.Kind() == reflect.Pointer && !v.IsNil() && v.Type().ConvertibleTo(errorPtr) {
			return v.Convert(errorPtr).Interface().(*Error), true
		}
		switch u := err.(type) {
		case interface{ Unwrap() error }:
			err = u.Unwrap()
		case interface{ Unwrap() []error }:
			for _, e := range u.Unwrap() {
				if ae, ok := As(e); ok {
					return ae, true
				}
			}
			return nil, false
		default:
			return nil, false
		}
	}
	return nil, false
}
