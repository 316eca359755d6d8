package fleet_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/socgo/xdr/checkpoint"
	"github.com/socgo/xdr/fleet"
)

// counter is a source's collector: it counts in its checkpoint, one step
// a second, recording which holder made each step.
type counter struct {
	store checkpoint.Store
	w     *world
	id    string
}

type world struct {
	mu    sync.Mutex
	steps map[string][]int64 // source -> token of each step
}

func (c *counter) Run(ctx context.Context) error {
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(time.Second):
		}
		if f, ok := c.store.(checkpoint.Fenced); ok {
			if err := f.CheckLease(); err != nil {
				return err
			}
		}
		b, err := c.store.Load(ctx)
		if err != nil {
			return err
		}
		n, _ := strconv.Atoi(string(b))
		if err := c.store.Save(ctx, []byte(strconv.Itoa(n+1))); err != nil {
			return err
		}
		c.w.mu.Lock()
		c.w.steps[c.id] = append(c.w.steps[c.id], 0)
		c.w.mu.Unlock()
	}
}

func sources(w *world, n int) []fleet.Source {
	var out []fleet.Source
	for i := range n {
		id := fmt.Sprintf("tenant-%d", i)
		out = append(out, fleet.Source{ID: id, New: func(s checkpoint.Store) (fleet.Runner, error) {
			return &counter{store: s, w: w, id: id}, nil
		}})
	}
	return out
}

func TestFleetSpreadsAndFailsOver(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var ls checkpoint.MemoryLeases
		w := &world{steps: map[string][]int64{}}
		srcs := sources(w, 6)
		var fleets []*fleet.Fleet
		var cancels []context.CancelFunc
		var wg sync.WaitGroup
		for i := range 3 {
			f, err := fleet.New(fleet.Config{Leases: &ls, Sources: srcs, Holder: fmt.Sprintf("r%d", i),
				MaxSources: 3, TTL: 3 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(t.Context())
			fleets, cancels = append(fleets, f), append(cancels, cancel)
			wg.Go(func() { _ = f.Run(ctx) })
		}
		time.Sleep(10 * time.Second)
		total := 0
		owner := map[string]string{}
		for _, f := range fleets {
			run := f.Running()
			if len(run) > 3 {
				t.Errorf("%s runs %d sources, above MaxSources 3", f.Holder(), len(run))
			}
			for _, l := range run {
				if o, dup := owner[l.Source]; dup {
					t.Errorf("%s run by %s and %s", l.Source, o, f.Holder())
				}
				owner[l.Source] = f.Holder()
			}
			total += len(run)
		}
		if total != 6 {
			t.Fatalf("%d sources running, want 6", total)
		}
		// A replica that stops hands its sources back at once: the others
		// take them at their next attempt (AcquireEvery, 1s), not after the
		// TTL.
		stopped := fleets[0].Running()
		cancels[0]()
		time.Sleep(1500 * time.Millisecond)
		for _, l := range stopped {
			found := false
			for _, f := range fleets[1:] {
				for _, m := range f.Running() {
					if m.Source == l.Source {
						found = true
						if m.Token <= l.Token {
							t.Errorf("%s: token %d after %d", l.Source, m.Token, l.Token)
						}
					}
				}
			}
			if !found {
				t.Errorf("%s not picked up within one attempt after its replica stopped", l.Source)
			}
		}
		for _, c := range cancels {
			c()
		}
		wg.Wait()
		// Every step of every source was counted once in its checkpoint.
		for _, s := range srcs {
			b, _ := ls.Load(context.Background(), s.ID)
			n, _ := strconv.Atoi(string(b))
			if n != len(w.steps[s.ID]) || n == 0 {
				t.Errorf("%s: checkpoint counts %d steps, %d were made", s.ID, n, len(w.steps[s.ID]))
			}
		}
	})
}

// failing is a collector that fails at once.
type failing struct{}

func (failing) Run(context.Context) error { return errors.New("corrupt checkpoint") }

func TestFleetReleasesAFailedSource(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var ls checkpoint.MemoryLeases
		f, err := fleet.New(fleet.Config{Leases: &ls, Holder: "r", TTL: 3 * time.Second, RetryAfter: time.Hour,
			Sources: []fleet.Source{{ID: "bad", New: func(checkpoint.Store) (fleet.Runner, error) { return failing{}, nil }}}})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan struct{})
		go func() { _ = f.Run(ctx); close(done) }()
		time.Sleep(5 * time.Second)
		// Released: another holder can take it at once.
		l, err := ls.Acquire(t.Context(), "bad", "other", time.Second)
		if err != nil {
			t.Fatalf("a failed source's lease was not released: %v", err)
		}
		_ = ls.Release(t.Context(), l)
		cancel()
		<-done
	})
}

func TestNewNamesTheBadField(t *testing.T) {
	t.Parallel()
	var ls checkpoint.MemoryLeases
	ok := func(checkpoint.Store) (fleet.Runner, error) { return failing{}, nil }
	for _, c := range []struct {
		cfg  fleet.Config
		want string
	}{
		{fleet.Config{Sources: []fleet.Source{{ID: "a", New: ok}}}, "Leases"},
		{fleet.Config{Leases: &ls}, "Sources"},
		{fleet.Config{Leases: &ls, Sources: []fleet.Source{{ID: "", New: ok}}}, "Sources[0].ID"},
		{fleet.Config{Leases: &ls, Sources: []fleet.Source{{ID: "a", New: ok}, {ID: "a", New: ok}}}, "Sources[1].ID"},
		{fleet.Config{Leases: &ls, Sources: []fleet.Source{{ID: "a"}}}, "Sources[0].New"},
		{fleet.Config{Leases: &ls, Sources: []fleet.Source{{ID: "a", New: ok}}, MaxSources: -1}, "MaxSources"},
		{fleet.Config{Leases: &ls, Sources: []fleet.Source{{ID: "a", New: ok}}, TTL: time.Second, RenewEvery: time.Second}, "RenewEvery"},
	} {
		_, err := fleet.New(c.cfg)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("New = %v; want an error naming %s", err, c.want)
		}
	}
}
