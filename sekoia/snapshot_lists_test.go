package sekoia_test

import (
	"context"
	"fmt"
	"iter"
	"testing"

	"github.com/socgo/xdr/sekoia"
)

// visitOnce runs seq, calling change on each item (whose id is id(item)),
// with add called every 25 items, and checks that every id of want was
// visited exactly once and no id twice. It returns the ids visited.
func visitOnce[T any](t *testing.T, want map[string]bool, seq iter.Seq2[T, error], id func(T) string, change func(T) error, add func() error) map[string]int {
	t.Helper()
	seen := map[string]int{}
	for it, err := range seq {
		if err != nil {
			t.Fatal(err)
		}
		seen[id(it)]++
		if err := change(it); err != nil {
			t.Fatalf("%s: %v", id(it), err)
		}
		if len(seen)%25 == 0 {
			if err := add(); err != nil {
				t.Fatal(err)
			}
		}
	}
	for k := range want {
		if seen[k] != 1 {
			t.Errorf("%s visited %d times", k, seen[k])
		}
	}
	for k, n := range seen {
		if n != 1 {
			t.Errorf("%s yielded %d times", k, n)
		}
	}
	return seen
}

// onlyOriginals checks that seen holds the ids of want only: nothing added
// during the loop was yielded.
func onlyOriginals(t *testing.T, want map[string]bool, seen map[string]int) {
	t.Helper()
	for k := range seen {
		if !want[k] {
			t.Errorf("%s, added during the loop, yielded", k)
		}
	}
}

// TestSnapshotListsChangeInLoop covers the short lists read whole before
// they are yielded: deleting or changing their items inside the loop
// visits each original once.
func TestSnapshotListsChangeInLoop(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const n = 260
	t.Run("alert comments", func(t *testing.T) {
		t.Parallel()
		srv, c := fakeAPI(t)
		a := srv.AddAlert(sekoia.Alert{})
		want := map[string]bool{}
		for i := range n {
			cm, err := c.Alerts.AddComment(ctx, a.ShortID, sekoia.NewComment{Content: fmt.Sprint("note ", i)})
			if err != nil {
				t.Fatal(err)
			}
			want[cm.UUID] = true
		}
		onlyOriginals(t, want, visitOnce(t, want, c.Alerts.AllComments(ctx, a.ShortID, nil), func(cm sekoia.Comment) string { return cm.UUID },
			func(cm sekoia.Comment) error { return c.Alerts.DeleteComment(ctx, a.ShortID, cm.UUID) },
			func() error {
				_, err := c.Alerts.AddComment(ctx, a.ShortID, sekoia.NewComment{Content: "late"})
				return err
			}))
	})
	t.Run("countermeasures of an alert by status", func(t *testing.T) {
		t.Parallel()
		srv, c := fakeAPI(t)
		a := srv.AddAlert(sekoia.Alert{})
		want := map[string]bool{}
		var status string
		for i := range n {
			cm, err := c.Countermeasures.AddToAlert(ctx, a.ShortID, sekoia.NewCountermeasure{Name: fmt.Sprint("block ", i)})
			if err != nil {
				t.Fatal(err)
			}
			want[cm.UUID], status = true, cm.Status
		}
		onlyOriginals(t, want, visitOnce(t, want, c.Countermeasures.AllForAlert(ctx, a.ShortID, &sekoia.CountermeasureListOptions{Status: status}),
			func(cm sekoia.Countermeasure) string { return cm.UUID },
			func(cm sekoia.Countermeasure) error {
				_, err := c.Countermeasures.Activate(ctx, cm.UUID, nil)
				return err
			},
			func() error {
				_, err := c.Countermeasures.AddToAlert(ctx, a.ShortID, sekoia.NewCountermeasure{Name: "late"})
				return err
			}))
	})
	t.Run("custom fields", func(t *testing.T) {
		t.Parallel()
		_, c := fakeAPI(t)
		want := map[string]bool{}
		for i := range n {
			f, err := c.CustomFields.Create(ctx, sekoia.CustomFieldCreate{Name: fmt.Sprint("field ", i), Type: sekoia.FieldText})
			if err != nil {
				t.Fatal(err)
			}
			want[f.UUID] = true
		}
		onlyOriginals(t, want, visitOnce(t, want, c.CustomFields.All(ctx, nil), func(f sekoia.CustomField) string { return f.UUID },
			func(f sekoia.CustomField) error { return c.CustomFields.Delete(ctx, f.UUID) },
			func() error {
				_, err := c.CustomFields.Create(ctx, sekoia.CustomFieldCreate{Name: "late", Type: sekoia.FieldText})
				return err
			}))
	})
	t.Run("custom priorities", func(t *testing.T) {
		t.Parallel()
		_, c := fakeAPI(t)
		want := map[string]bool{}
		for i := range n {
			p, err := c.CustomPriorities.Create(ctx, sekoia.CustomPriorityCreate{Label: fmt.Sprint("p", i), Color: "#ff0000"})
			if err != nil {
				t.Fatal(err)
			}
			want[p.UUID] = true
		}
		onlyOriginals(t, want, visitOnce(t, want, c.CustomPriorities.All(ctx, nil), func(p sekoia.CustomPriority) string { return p.UUID },
			func(p sekoia.CustomPriority) error { return c.CustomPriorities.Delete(ctx, p.UUID) },
			func() error {
				_, err := c.CustomPriorities.Create(ctx, sekoia.CustomPriorityCreate{Label: "late", Color: "#ff0000"})
				return err
			}))
	})
	t.Run("custom verdicts", func(t *testing.T) {
		t.Parallel()
		_, c := fakeAPI(t)
		want := map[string]bool{}
		for i := range n {
			v, err := c.CustomVerdicts.Create(ctx, sekoia.CustomVerdictCreate{Label: fmt.Sprint("v", i), Stage: sekoia.VerdictTruePositive})
			if err != nil {
				t.Fatal(err)
			}
			want[v.UUID] = true
		}
		onlyOriginals(t, want, visitOnce(t, want, c.CustomVerdicts.All(ctx, nil), func(v sekoia.CustomVerdict) string { return v.UUID },
			func(v sekoia.CustomVerdict) error { return c.CustomVerdicts.Delete(ctx, v.UUID) },
			func() error {
				_, err := c.CustomVerdicts.Create(ctx, sekoia.CustomVerdictCreate{Label: "late", Stage: sekoia.VerdictTruePositive})
				return err
			}))
	})
}
