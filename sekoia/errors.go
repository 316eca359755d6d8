package sekoia

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/socgo/xdr/internal/apierror"
)

//go:generate go run ../internal/apierror/genpublic -pkg sekoia

// Sentinels shared with the other API packages of this module.
var (
	// ErrNotFound matches a 404 (unknown alert, asset, community…).
	ErrNotFound = apierror.ErrNotFound
	// ErrUnauthorized matches any 401 (see also ErrTokenExpired,
	// ErrTokenRevoked and ErrTokenInvalid).
	ErrUnauthorized = apierror.ErrUnauthorized
	// ErrForbidden matches a 403: the key lacks a permission.
	ErrForbidden = apierror.ErrForbidden
	// ErrConflict matches a 409, for example a workflow action not allowed
	// from the alert's current status.
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

// Sentinels of the Sekoia.io API.
var (
	// ErrJobExpired matches a 410: an event search job whose results were
	// deleted; create a new job.
	ErrJobExpired = errors.New("sekoia: search job expired")
	// ErrTokenExpired matches a 401 with code T301: the API key has expired.
	ErrTokenExpired = errors.New("sekoia: API key expired")
	// ErrTokenRevoked matches a 401 with code T302: the API key was revoked.
	ErrTokenRevoked = errors.New("sekoia: API key revoked")
	// ErrTokenInvalid matches a 401 with code T300, or any other 401: the
	// API key is missing, malformed or unknown.
	ErrTokenInvalid = errors.New("sekoia: API key invalid")
)

// errorBody is the union of the error shapes the services send:
// {"message","code"} (auth, community, sic), {"detail": "..."} or the
// FastAPI validation list {"detail":[{"loc","msg","type"}]}.
type errorBody struct {
	Message string          `json:"message"`
	Code    json.RawMessage `json:"code"`
	Detail  json.RawMessage `json:"detail"`
	Error   string          `json:"error"`
}

// decodeError fills Code, Message, Detail and the Sekoia sentinels of e from
// the body of a failed response. It never fails: an unreadable body only
// leaves the fields empty.
func decodeError(body []byte, e *apierror.Error) {
	var b errorBody
	if json.Unmarshal(body, &b) == nil {
		e.Message = strings.TrimSpace(b.Message)
		if e.Message == "" {
			e.Message = strings.TrimSpace(b.Error)
		}
		e.Code = rawScalar(b.Code)
		e.Detail = decodeDetail(b.Detail)
	}
	switch e.StatusCode {
	case http.StatusGone:
		e.Sentinels = append(e.Sentinels, ErrJobExpired)
	case http.StatusUnauthorized:
		switch e.Code {
		case "T301":
			e.Sentinels = append(e.Sentinels, ErrTokenExpired)
		case "T302":
			e.Sentinels = append(e.Sentinels, ErrTokenRevoked)
		default:
			e.Sentinels = append(e.Sentinels, ErrTokenInvalid)
		}
	}
}

// rawScalar returns a JSON string or number as text.
func rawScalar(raw json.RawMessage) string {
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return strings.TrimSpace(string(raw))
}

// decodeDetail renders "detail" whether it is a string or the FastAPI list
// of {"loc":[...],"msg":"...","type":"..."}.
func decodeDetail(raw json.RawMessage) string {
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return strings.TrimSpace(s)
	}
	var list []struct {
		Loc []any  `json:"loc"`
		Msg string `json:"msg"`
	}
	if json.Unmarshal(raw, &list) == nil && len(list) > 0 {
		parts := make([]string, 0, len(list))
		for _, d := range list {
			var loc []string
			for _, l := range d.Loc {
				switch v := l.(type) {
				case string:
					loc = append(loc, v)
				case float64:
					loc = append(loc, strconv.FormatFloat(v, 'f', -1, 64))
				}
			}
			if len(loc) > 0 {
				parts = append(parts, strings.Join(loc, ".")+": "+d.Msg)
			} else {
				parts = append(parts, d.Msg)
			}
		}
		return strings.Join(parts, "; ")
	}
	return ""
}
