package sekoia

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/socgo/xdr/internal/argcheck"
	"github.com/socgo/xdr/internal/idcheck"
	wire "github.com/socgo/xdr/internal/wire/sekoia"
)

// MaxBulkAlerts is the most alerts one bulk request carries (the ids
// travel in the URL); BulkUpdateWorkflow splits longer lists.
const MaxBulkAlerts = 100

// BulkUpdateWorkflow applies one workflow change to any number of alerts
// (UUIDs or short ids), MaxBulkAlerts per request, in order. The API
// applies a request whole or not at all: if one of its alerts cannot make
// the change it answers 409 and moves none of them.
//
// When a request fails, BulkUpdateWorkflow goes on with the next ones and
// returns a *BulkWorkflowError reporting every batch; after a 409 it reads
// the alerts of the batch (Alerts.List) to name each one that cannot make
// the change, and why. errors.Is(err, ErrConflict) holds then. The batches
// that failed are not sent again.
//
// BulkUpdateWorkflow calls PATCH /v1/sic/alerts/bulk/workflow once per
// batch, with match[uuid]=<id>,<id>… in the URL and
// {"action_uuid","comment"} in the body; the API answers 204.
func (s *AlertsService) BulkUpdateWorkflow(ctx context.Context, ids []string, to Transition, comment string) error {
	const method = "Alerts.BulkUpdateWorkflow"
	if len(ids) == 0 {
		return errors.New("sekoia: " + method + ": ids is empty")
	}
	for i, id := range ids {
		if !idcheck.IsUUID(id) && !isShortID(id, "AL") {
			return fmt.Errorf("sekoia: %s: ids[%d] %q is not a UUID or short id", method, i, argcheck.Short(id))
		}
	}
	action, err := checkTransition(method, to)
	if err != nil {
		return err
	}
	body := workflowBody{ActionUUID: action, Comment: comment}
	bulkErr := &BulkWorkflowError{To: to}
	failed := false
	for batch := range slices.Chunk(ids, MaxBulkAlerts) {
		r, err := line(method)(wire.NewBulkUpdateAlertWorkflowRequest(&wire.BulkUpdateAlertWorkflowParams{
			Match: wire.BulkUpdateAlertWorkflowParams_Match{Uuid: *csv(batch)},
		}))
		if err == nil {
			r.Body = body
			_, err = s.c.rest.Do(ctx, r, nil)
		}
		bulkErr.Batches = append(bulkErr.Batches, BulkBatch{IDs: batch, Err: err})
		if err == nil {
			continue
		}
		failed = true
		if errors.Is(err, ErrConflict) {
			bulkErr.Conflicts = append(bulkErr.Conflicts, s.conflicts(ctx, batch, to, err)...)
		}
		if ctx.Err() != nil {
			break
		}
	}
	if !failed {
		return nil
	}
	return bulkErr
}

// conflicts names the alerts of a batch refused with err that the built-in
// workflow does not let move to to. When it cannot tell (the alerts cannot
// be read, or all of them look movable: a custom workflow), it names every
// alert of the batch with the server's answer as the reason.
func (s *AlertsService) conflicts(ctx context.Context, batch []string, to Transition, err error) []WorkflowConflict {
	var uuids, shorts []string
	for _, id := range batch {
		if idcheck.IsUUID(id) {
			uuids = append(uuids, id)
		} else {
			shorts = append(shorts, id)
		}
	}
	found := make(map[string]*Alert, len(batch))
	read := func(o *AlertListOptions) bool {
		p, lerr := s.List(ctx, o)
		if lerr != nil {
			return false
		}
		for i := range p.Items {
			a := &p.Items[i]
			found[a.UUID], found[a.ShortID] = a, a
		}
		return true
	}
	ok := (len(uuids) == 0 || read(&AlertListOptions{UUIDs: uuids, Limit: MaxBulkAlerts})) &&
		(len(shorts) == 0 || read(&AlertListOptions{ShortIDs: shorts, Limit: MaxBulkAlerts}))
	var out []WorkflowConflict
	if ok {
		for _, id := range batch {
			a, hit := found[id]
			switch {
			case !hit:
				out = append(out, WorkflowConflict{ID: id, Reason: "alert not found"})
			case !a.Status.UUID.CanMoveTo(to):
				out = append(out, WorkflowConflict{ID: id, ShortID: a.ShortID, From: a.Status.UUID,
					Reason: fmt.Sprintf("no move from %s to %s", a.Status.UUID, to)})
			}
		}
	}
	if len(out) > 0 {
		return out
	}
	for _, id := range batch {
		out = append(out, WorkflowConflict{ID: id, Reason: causeText(err)})
	}
	return out
}

// BulkBatch is one request of BulkUpdateWorkflow: its alert ids and its
// outcome (nil: every alert of the batch moved; otherwise none did).
type BulkBatch struct {
	IDs []string
	Err error
}

// WorkflowConflict names an alert that could not make a workflow change.
type WorkflowConflict struct {
	// ID is the id as given; ShortID and From (its status) are set when the
	// alert could be read.
	ID      string
	ShortID string
	From    Status
	// Reason says why: "no move from Rejected to Closed", "alert not
	// found", or the server's answer when the built-in graph allows it.
	Reason string
}

// BulkWorkflowError is the error of a BulkUpdateWorkflow of which a batch
// failed. It matches (errors.Is, errors.As) the errors of its batches.
type BulkWorkflowError struct {
	// To is the transition asked for.
	To Transition
	// Batches are every batch sent, in order, with its outcome.
	Batches []BulkBatch
	// Conflicts are the alerts of the batches answered 409 that could not
	// move, each with its reason.
	Conflicts []WorkflowConflict
}

// Failed returns the ids of every alert that did not move: those of the
// batches that failed.
func (e *BulkWorkflowError) Failed() []string {
	var ids []string
	for _, b := range e.Batches {
		if b.Err != nil {
			ids = append(ids, b.IDs...)
		}
	}
	return ids
}

// Error summarises the failed batches and names up to five conflicts.
func (e *BulkWorkflowError) Error() string {
	var b strings.Builder
	nFailed, first := 0, error(nil)
	for _, batch := range e.Batches {
		if batch.Err != nil {
			if first == nil {
				first = batch.Err
			}
			nFailed++
		}
	}
	fmt.Fprintf(&b, "sekoia: Alerts.BulkUpdateWorkflow: %d of %d batches failed (%d alerts not moved to %s)", nFailed, len(e.Batches), len(e.Failed()), e.To)
	if len(e.Conflicts) > 0 {
		fmt.Fprintf(&b, "; %d cannot move:", len(e.Conflicts))
		for i, c := range e.Conflicts {
			if i == 5 {
				fmt.Fprintf(&b, " and %d more", len(e.Conflicts)-i)
				break
			}
			id := c.ID
			if c.ShortID != "" {
				id = c.ShortID
			}
			fmt.Fprintf(&b, " %s (%s)", argcheck.Short(id), argcheck.Short(c.Reason))
			if i < len(e.Conflicts)-1 && i < 4 {
				b.WriteByte(',')
			}
		}
	} else if first != nil {
		b.WriteString(": ")
		b.WriteString(causeText(first))
	}
	return b.String()
}

// Unwrap returns the errors of the failed batches.
func (e *BulkWorkflowError) Unwrap() []error {
	var errs []error
	for _, b := range e.Batches {
		if b.Err != nil {
			errs = append(errs, b.Err)
		}
	}
	return errs
}
