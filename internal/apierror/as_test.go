package apierror

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

// public mirrors the APIError an API package declares: a struct type
// identical to Error.
type public struct {
	Service      string
	StatusCode   int
	Method, Path string
	RequestID    string
	Code         string
	Message      string
	Detail       string
	Body         []byte
	RetryAfter   time.Duration
	Attempts     int
	Sentinels    []error
}

func (p *public) Error() string { return (*Error)(p).Error() }

func TestAsFindsIdenticalTypes(t *testing.T) {
	e := &Error{StatusCode: 404}
	wrapped := fmt.Errorf("ctx: %w", (*public)(e))
	got, ok := As(wrapped)
	if !ok || got != e {
		t.Fatalf("As(public) = %p, %v; want %p", got, ok, e)
	}
	got.Attempts = 3
	if e.Attempts != 3 {
		t.Error("As returned a copy, not the same value")
	}
	joined := errors.Join(errors.New("other"), fmt.Errorf("x: %w", e))
	if got, ok := As(joined); !ok || got != e {
		t.Errorf("As(joined) = %p, %v", got, ok)
	}
	for _, err := range []error{nil, errors.New("plain"), errors.Join(errors.New("a")), fmt.Errorf("w: %w", errors.New("b"))} {
		if got, ok := As(err); ok || got != nil {
			t.Errorf("As(%v) = %v, %v; want nil, false", err, got, ok)
		}
	}
	var nilPublic *public
	if _, ok := As(nilPublic); ok {
		t.Error("As(nil *public) found an error")
	}
}
