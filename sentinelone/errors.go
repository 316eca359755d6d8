package sentinelone

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/socgo/xdr/internal/apierror"
	"github.com/socgo/xdr/internal/argcheck"
	"github.com/socgo/xdr/internal/rest"
)

//go:generate go run ../internal/apierror/genpublic -pkg sentinelone

// Sentinels shared with the other API packages of this module.
var (
	// ErrNotFound matches a 404.
	ErrNotFound = apierror.ErrNotFound
	// ErrUnauthorized matches any 401 (see ErrTokenInvalid).
	ErrUnauthorized = apierror.ErrUnauthorized
	// ErrForbidden matches a 403: the token's user lacks a permission (a
	// Site Viewer cannot run mitigation actions, for example).
	ErrForbidden = apierror.ErrForbidden
	// ErrConflict matches a 409.
	ErrConflict = apierror.ErrConflict
	// ErrRateLimited matches a 429 left after the retries.
	ErrRateLimited = apierror.ErrRateLimited
	// ErrServer matches any 5xx left after the retries.
	ErrServer = apierror.ErrServer
	// ErrPaginationStalled is returned by an iterator whose server repeats
	// a cursor.
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

// Sentinels of the SentinelOne API.
var (
	// ErrTokenInvalid matches a 401 with code 4010010 ("Authentication
	// Failed"): the API token is invalid or has expired. Tokens are
	// time-limited: check Token.Details and rotate with Token.Rotate before
	// the expiry date, or create a new token in the console.
	ErrTokenInvalid = errors.New("sentinelone: API token invalid or expired")
	// ErrNoneAffected matches a *NoneAffectedError.
	ErrNoneAffected = errors.New("sentinelone: action affected nothing")
)

// CodeAuthenticationFailed is the error code of a rejected API token.
const CodeAuthenticationFailed = 4010010

// ErrorObject is one element of the "errors" array of a response.
type ErrorObject struct {
	// Code is SentinelOne's error code (4010010, 5000010, 400010…).
	Code int `json:"code"`
	// Title is the short message ("Authentication Failed").
	Title string `json:"title"`
	// Detail is the longer text; often null.
	Detail string `json:"detail"`
	// Params holds extra data, when sent.
	Params json.RawMessage `json:"params,omitempty"`
}

// UnmarshalJSON accepts a code sent as a number or a string and a null
// detail.
func (e *ErrorObject) UnmarshalJSON(b []byte) error {
	var v struct {
		Code   json.RawMessage `json:"code"`
		Title  *string         `json:"title"`
		Detail *string         `json:"detail"`
		Params json.RawMessage `json:"params"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*e = ErrorObject{Params: v.Params}
	if v.Title != nil {
		e.Title = *v.Title
	}
	if v.Detail != nil {
		e.Detail = *v.Detail
	}
	c := strings.Trim(string(v.Code), `"`)
	if c != "" && c != "null" {
		n, err := strconv.Atoi(c)
		if err != nil {
			return fmt.Errorf("error code %s is not an integer", v.Code)
		}
		e.Code = n
	}
	return nil
}

// fillError sets Code, Message, Detail and the sentinels of e from the
// first of errs.
func fillError(e *apierror.Error, errs []ErrorObject) {
	if len(errs) == 0 {
		return
	}
	first := errs[0]
	e.Code = strconv.Itoa(first.Code)
	e.Message = first.Title
	e.Detail = first.Detail
	for _, o := range errs {
		if o.Code == CodeAuthenticationFailed {
			e.Sentinels = append(e.Sentinels, ErrTokenInvalid)
			if e.Detail == "" {
				e.Detail = "the API token is invalid or has expired"
			}
			break
		}
	}
}

// decodeError reads the {"errors":[{code,title,detail}]} body of a failed
// response; other bodies (a proxy's page, a gateway's JSON) fall back to
// the common {"message","code"} shape.
func decodeError(body []byte, e *apierror.Error) {
	var env struct {
		Errors []ErrorObject `json:"errors"`
	}
	if json.Unmarshal(body, &env) == nil && len(env.Errors) > 0 {
		fillError(e, env.Errors)
		return
	}
	rest.DecodeMessageCode(body, e)
}

// NoneAffectedError is returned by an action aimed at explicit ids (agent
// ids, threat ids…) when the API answers that it affected nothing: the ids
// are unknown or outside the token's scope.
type NoneAffectedError struct {
	// Op names the call ("Agents.Disconnect").
	Op string
	// IDs are the ids the call was aimed at.
	IDs []string
}

// Error names the call and the ids.
func (e *NoneAffectedError) Error() string {
	ids := e.IDs
	more := ""
	if len(ids) > 5 {
		ids, more = ids[:5], fmt.Sprintf(" and %d more", len(e.IDs)-5)
	}
	short := make([]string, len(ids))
	for i, id := range ids {
		short[i] = argcheck.Short(id)
	}
	ids = short
	return fmt.Sprintf("sentinelone: %s: affected nothing (ids %s%s unknown or out of the token's scope)", e.Op, strings.Join(ids, ","), more)
}

// Is matches ErrNoneAffected.
func (e *NoneAffectedError) Is(target error) bool { return target == ErrNoneAffected }
