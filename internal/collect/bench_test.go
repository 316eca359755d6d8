package collect

import (
	"context"
	"iter"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"github.com/socgo/xdr/checkpoint"
)

// BenchmarkRunOnce walks 100,000 in-memory events (100 per second, in
// shuffled order) in one cycle: sort, dedup, 200 batches of 500 handed to a
// no-op sink, 200 checkpoint saves. It reports ns/event.
func BenchmarkRunOnce(b *testing.B) {
	const n = 100_000
	base := time.Now().Add(-2 * time.Hour).Truncate(time.Second)
	events := make([]event, n)
	for i := range events {
		events[i] = event{ID: strconv.Itoa(i), Time: base.Add(time.Duration(i) * 10 * time.Millisecond)}
	}
	rng := rand.New(rand.NewPCG(3, 4))
	rng.Shuffle(n, func(i, j int) { events[i], events[j] = events[j], events[i] })
	fetch := func(_ context.Context, _, _ time.Time) iter.Seq2[event, error] {
		return func(yield func(event, error) bool) {
			for _, e := range events {
				if !yield(e, nil) {
					return
				}
			}
		}
	}
	handle := func(context.Context, []event) error { return nil }
	cfg := Config[event]{Key: key, Fetch: fetch, Handle: handle, Granularity: time.Second, Start: base}
	run := func(b *testing.B, e *Engine[event]) {
		if got, err := e.RunOnce(b.Context()); got != n || err != nil {
			b.Fatalf("RunOnce = %d, %v", got, err)
		}
	}
	// cold: a new Engine per walk (the window buffer grows from empty).
	b.Run("cold", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			c := cfg
			c.Store = &checkpoint.Memory{}
			e, err := New(c)
			if err != nil {
				b.Fatal(err)
			}
			run(b, e)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/event")
	})
	// warm: one Engine walking again from an empty Store, as Run does
	// cycle after cycle (the window buffer is reused).
	b.Run("warm", func(b *testing.B) {
		c := cfg
		c.Store = &checkpoint.Memory{}
		e, err := New(c)
		if err != nil {
			b.Fatal(err)
		}
		run(b, e)
		b.ReportAllocs()
		for b.Loop() {
			e.cfg.Store, e.loaded = &checkpoint.Memory{}, false
			run(b, e)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/event")
	})
}
