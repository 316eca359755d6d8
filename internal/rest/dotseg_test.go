package rest

import (
	"context"
	"errors"
	"net/http"
	"testing"
)

func TestDotSegmentsRefusedBeforeAnyRequest(t *testing.T) {
	t.Parallel()
	m := newMock(t) // any request fails the test
	c := newClient(t, "https://api.test/api", m)
	for _, seg := range []string{".", "..", "%2e", "%2E%2e", "%252e%252E", ".%2e"} {
		for _, p := range []string{"/v1/assets/" + seg, "/v1/assets/" + seg + "/tag", "/" + seg, "/v1/x/" + Seg(seg)} {
			_, err := c.Do(context.Background(), Request{Method: http.MethodDelete, Path: p}, nil)
			if !errors.Is(err, ErrDotSegment) {
				t.Errorf("path %q: err %v, want ErrDotSegment", p, err)
			}
		}
	}
	if n := m.GetTotalCallCount(); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}
