package apierror

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

func TestErrorRendering(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  *Error
		want string
	}{
		{"bare", &Error{StatusCode: 500, Method: "GET", Path: "/v1/x"},
			"GET /v1/x: 500 Internal Server Error"},
		{"service and message", &Error{Service: "sekoia", StatusCode: 404, Method: "GET", Path: "/v1/sic/alerts/AL1", Message: "Not found"},
			"sekoia: GET /v1/sic/alerts/AL1: 404 Not Found: Not found"},
		{"detail differs", &Error{Service: "tehtris", StatusCode: 400, Method: "GET", Path: "/api/xdr/v1/event", Message: "bad", Detail: "fromDate is invalid"},
			"tehtris: GET /api/xdr/v1/event: 400 Bad Request: bad: fromDate is invalid"},
		{"detail equals message", &Error{StatusCode: 400, Method: "POST", Path: "/x", Message: "same", Detail: "same"},
			"POST /x: 400 Bad Request: same"},
		{"every key", &Error{Service: "sentinelone", StatusCode: 429, Method: "GET", Path: "/web/api/v2.1/activities",
			Code: "4290010", Message: "Too many requests", RequestID: "r-1", RetryAfter: 90 * time.Second, Attempts: 5},
			"sentinelone: GET /web/api/v2.1/activities: 429 Too Many Requests: Too many requests (code=4290010, request_id=r-1, retry_after=1m30s, attempts=5)"},
		{"one attempt not shown", &Error{StatusCode: 409, Method: "PATCH", Path: "/x", Attempts: 1, Code: "C"},
			"PATCH /x: 409 Conflict (code=C)"},
		{"unknown status", &Error{StatusCode: 599, Method: "GET", Path: "/x"},
			"GET /x: 599"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("%s: Error() =\n %q, want\n %q", tt.name, got, tt.want)
		}
	}
}

func TestErrorBodyNotRendered(t *testing.T) {
	t.Parallel()
	e := &Error{StatusCode: 500, Method: "GET", Path: "/x", Body: []byte("stack trace with internals")}
	if got := e.Error(); got != "GET /x: 500 Internal Server Error" {
		t.Errorf("Error() = %q: the raw body must not be rendered", got)
	}
}

func TestIsMapsStatusToSentinel(t *testing.T) {
	t.Parallel()
	all := []error{ErrNotFound, ErrUnauthorized, ErrForbidden, ErrConflict, ErrRateLimited, ErrServer, ErrPaginationStalled}
	tests := []struct {
		status int
		want   []error
	}{
		{400, nil},
		{401, []error{ErrUnauthorized}},
		{403, []error{ErrForbidden}},
		{404, []error{ErrNotFound}},
		{409, []error{ErrConflict}},
		{410, nil},
		{429, []error{ErrRateLimited}},
		{500, []error{ErrServer}},
		{501, []error{ErrServer}},
		{503, []error{ErrServer}},
		{504, []error{ErrServer}},
	}
	for _, tt := range tests {
		err := fmt.Errorf("wrapped: %w", &Error{StatusCode: tt.status})
		for _, s := range all {
			want := false
			for _, w := range tt.want {
				want = want || w == s
			}
			if got := errors.Is(err, s); got != want {
				t.Errorf("status %d: errors.Is(%q) = %v, want %v", tt.status, s, got, want)
			}
		}
	}
}

func TestSentinels(t *testing.T) {
	t.Parallel()
	errJobExpired := errors.New("search job expired")
	errOther := errors.New("other")
	e := &Error{StatusCode: 410, Sentinels: []error{errJobExpired}}
	var err error = fmt.Errorf("ctx: %w", e)
	if !errors.Is(err, errJobExpired) {
		t.Error("a package sentinel in Sentinels must match")
	}
	if errors.Is(err, errOther) || errors.Is(err, ErrNotFound) {
		t.Error("an unrelated sentinel matched")
	}
	// Sentinels add to the status mapping, they do not replace it.
	e = &Error{StatusCode: 404, Sentinels: []error{errJobExpired}}
	if !errors.Is(e, ErrNotFound) || !errors.Is(e, errJobExpired) {
		t.Error("a 404 with a package sentinel must match both")
	}
	var ae *Error
	if !errors.As(err, &ae) || ae.StatusCode != 410 {
		t.Error("errors.As must find the *Error")
	}
}

func TestTemporary(t *testing.T) {
	t.Parallel()
	for status, want := range map[int]bool{
		400: false, 401: false, 403: false, 404: false, 409: false, 410: false,
		408: true, 429: true, 500: true, 502: true, 503: true, 504: true,
		501: false,
	} {
		if got := (&Error{StatusCode: status}).Temporary(); got != want {
			t.Errorf("Temporary() for %d = %v, want %v", status, got, want)
		}
	}
}

func TestSentinelsAreDistinct(t *testing.T) {
	t.Parallel()
	all := []error{ErrNotFound, ErrUnauthorized, ErrForbidden, ErrConflict, ErrRateLimited, ErrServer, ErrPaginationStalled}
	seen := map[string]bool{}
	for _, s := range all {
		if seen[s.Error()] {
			t.Errorf("two sentinels read %q", s)
		}
		seen[s.Error()] = true
		for _, o := range all {
			if o != s && errors.Is(s, o) {
				t.Errorf("%q matches %q", s, o)
			}
		}
	}
}
