package sekoia_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/socgo/xdr/sekoia"
)

func TestStatusCanMoveTo(t *testing.T) {
	t.Parallel()
	P, A, O, R, C := sekoia.StatusPending, sekoia.StatusAcknowledged, sekoia.StatusOngoing, sekoia.StatusRejected, sekoia.StatusClosed
	for _, tc := range []struct {
		from sekoia.Status
		to   sekoia.Transition
		want bool
	}{
		{P, sekoia.ActionAcknowledge, true}, {P, A, true}, {P, O, true}, {P, R, true}, {P, C, false}, {P, P, false},
		{A, sekoia.ActionValidate, true}, {A, sekoia.ActionReject, true}, {A, P, true}, {A, C, false}, {A, A, false},
		{O, sekoia.ActionClose, true}, {O, R, true}, {O, P, false}, {O, A, false},
		{R, C, false}, {R, sekoia.ActionClose, false}, {R, P, true}, {R, O, false},
		{C, P, false}, {C, R, false},
		{sekoia.Status("0c3d7a60-8a43-4c6b-9c2e-2a4c51f5d7e1"), P, false},
	} {
		if got := tc.from.CanMoveTo(tc.to); got != tc.want {
			t.Errorf("%s.CanMoveTo(%s) = %v, want %v", tc.from, tc.to, got, tc.want)
		}
	}
	if sekoia.ActionClose.AllowedFrom(sekoia.StatusRejected) || !sekoia.ActionReject.AllowedFrom(sekoia.StatusOngoing) {
		t.Error("AllowedFrom disagrees with the graph")
	}
}

// TestBulkUpdateWorkflowBatchesAndConflicts moves 250 alerts in one call:
// three batches; the two holding a Closed alert fail whole, and the error
// names those alerts and why.
func TestBulkUpdateWorkflowBatchesAndConflicts(t *testing.T) {
	t.Parallel()
	srv, c := fakeAPI(t)
	seeded := srv.SeedAlerts(250)
	ctx := context.Background()
	ids := make([]string, len(seeded))
	for i, a := range seeded {
		ids[i] = a.UUID
	}
	ids[130] = seeded[130].ShortID
	closedAt := []int{5, 130, 131}
	for _, i := range closedAt {
		for _, to := range []sekoia.Transition{sekoia.ActionValidate, sekoia.ActionClose} {
			if err := c.Alerts.UpdateWorkflow(ctx, seeded[i].UUID, to, ""); err != nil {
				t.Fatal(err)
			}
		}
	}
	err := c.Alerts.BulkUpdateWorkflow(ctx, ids, sekoia.ActionAcknowledge, "bulk")
	var be *sekoia.BulkWorkflowError
	if !errors.As(err, &be) || !errors.Is(err, sekoia.ErrConflict) {
		t.Fatalf("err = %v", err)
	}
	if len(be.Batches) != 3 || be.Batches[0].Err == nil || be.Batches[1].Err == nil || be.Batches[2].Err != nil {
		t.Fatalf("batches: %+v", be.Batches)
	}
	if n := len(be.Failed()); n != 200 {
		t.Errorf("Failed: %d ids, want 200", n)
	}
	if len(be.Conflicts) != 3 {
		t.Fatalf("conflicts: %+v", be.Conflicts)
	}
	for i, cf := range be.Conflicts {
		if cf.ShortID != seeded[closedAt[i]].ShortID || cf.From != sekoia.StatusClosed || !strings.Contains(cf.Reason, "Closed") {
			t.Errorf("conflict %d: %+v", i, cf)
		}
	}
	if msg := err.Error(); !strings.Contains(msg, "2 of 3 batches failed") || !strings.Contains(msg, seeded[131].ShortID) || strings.Count(msg, "sekoia:") != 1 {
		t.Errorf("message: %s", msg)
	}
	for i, a := range seeded {
		st, _ := srv.Alert(a.UUID)
		want := sekoia.StatusAcknowledged
		switch {
		case i == 5 || i == 130 || i == 131:
			want = sekoia.StatusClosed
		case i < 200:
			want = sekoia.StatusPending
		}
		if st.Status.UUID != want {
			t.Fatalf("alert %d: %s, want %s", i, st.Status.UUID, want)
		}
	}
}
