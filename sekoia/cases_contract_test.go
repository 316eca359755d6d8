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

// TestCaseIteratorsContract: what each case All doc states: lazy (nothing
// is read before the loop), run again from the start, options left as they
// were, a bad id yielded once.
func TestCaseIteratorsContract(t *testing.T) {
	t.Parallel()
	srv, c := fakeAPI(t)
	ctx := context.Background()
	for range 5 {
		srv.AddCase(sekoia.Case{Title: "t"})
	}
	opts := &sekoia.CaseListOptions{Sort: sekoia.CaseSortTitle}
	seq := c.Cases.All(ctx, opts)
	srv.AddCase(sekoia.Case{Title: "added after All, before the loop"})
	for run := range 2 {
		n := 0
		for _, err := range seq {
			if err != nil {
				t.Fatal(err)
			}
			n++
		}
		if n != 6 { // lazy: the case added before the loop is listed
			t.Errorf("run %d: %d cases, want 6", run, n)
		}
	}
	if opts.Limit != 0 || opts.Offset != 0 || opts.Sort != sekoia.CaseSortTitle {
		t.Errorf("opts changed: %+v", opts)
	}
	n := 0
	for _, err := range c.Cases.AllComments(ctx, "../x", nil) {
		if err == nil {
			t.Error("a bad id gave no error")
		}
		n++
	}
	if n != 1 {
		t.Errorf("bad id: %d yields, want 1", n)
	}
}
