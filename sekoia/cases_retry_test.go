package sekoia_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/socgo/xdr/sekoia"
	"github.com/socgo/xdr/sekoia/sekoiatest"
)

// TestCaseWritesRetryAsDocumented: what the package overview says of
// retries holds: a PATCH is not sent again after a 5xx, a DELETE is
// (deleting twice changes nothing).
func TestCaseWritesRetryAsDocumented(t *testing.T) {
	t.Parallel()
	srv, c := fakeAPI(t, sekoia.WithMaxRetries(2))
	ctx := context.Background()
	cs := srv.AddCase(sekoia.Case{Title: "one"})
	title := "two"
	srv.InjectFault(sekoiatest.Fault{Kind: sekoiatest.ServerError, PathPrefix: "/v1/sic/cases", Method: http.MethodPatch})
	if _, err := c.Cases.Update(ctx, cs.UUID, &sekoia.CaseUpdate{Title: &title}); !errors.Is(err, sekoia.ErrServer) {
		t.Errorf("PATCH 503: %v, want it not sent again", err)
	}
	srv.InjectFault(sekoiatest.Fault{Kind: sekoiatest.ServerError, PathPrefix: "/v1/sic/cases", Method: http.MethodDelete})
	if err := c.Cases.Delete(ctx, cs.UUID); err != nil {
		t.Errorf("DELETE after a 503: %v, want it sent again", err)
	}
	if _, _, ok := srv.Case(cs.UUID); ok {
		t.Error("the case is still there")
	}
}
