package collect

import (
	"context"
	"iter"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/socgo/xdr/checkpoint"
)

// synthSource is an API holding one event every step from base to end,
// generated on the fly (nothing is stored): event i has id i and time
// base + i*step. Fetch yields a window's events newest first when desc,
// else oldest first.
type synthSource struct {
	base, end time.Time
	step      time.Duration
	desc      bool
	read      int64 // events yielded by Fetch, over all calls
}

func (s *synthSource) Fetch(ctx context.Context, from, to time.Time) iter.Seq2[event, error] {
	return func(yield func(event, error) bool) {
		if to.After(s.end) {
			to = s.end
		}
		lo := (from.Sub(s.base) + s.step - 1) / s.step
		hi := to.Sub(s.base) / s.step
		if lo < 0 {
			lo = 0
		}
		for k := int64(0); k <= int64(hi-lo); k++ {
			i := int64(lo) + k
			if s.desc {
				i = int64(hi) - k
			}
			s.read++
			if !yield(event{ID: strconv.FormatInt(i, 10), Time: s.base.Add(time.Duration(i) * s.step)}, nil) {
				return
			}
		}
	}
}

// TestMemoryBoundedAfterLongDowntime catches up a week of events at two
// per second (1.2 million) with the default configuration: every event is
// delivered once, in order, while no walk holds more than
// DefaultMaxWindowEvents+1 events, whatever order the API answers in.
func TestMemoryBoundedAfterLongDowntime(t *testing.T) {
	t.Parallel()
	for _, desc := range []bool{false, true} {
		t.Run(map[bool]string{false: "oldest-first", true: "newest-first"}[desc], func(t *testing.T) {
			end := time.Now().Add(-time.Minute).Truncate(time.Second)
			src := &synthSource{base: end.Add(-7 * 24 * time.Hour), end: end, step: 500 * time.Millisecond, desc: desc}
			want := int64(end.Sub(src.base)/src.step) + 1
			var next int64
			var peakHeap uint64
			batches := 0
			e := mustNew(t, Config[event]{
				Store: new(checkpoint.Memory), Key: key, Fetch: src.Fetch, Start: src.base, Granularity: time.Second,
				Handle: func(_ context.Context, batch []event) error {
					for _, ev := range batch {
						if ev.ID != strconv.FormatInt(next, 10) {
							t.Fatalf("delivered %s, want %d: out of order, lost or duplicated", ev.ID, next)
						}
						next++
					}
					if batches++; batches%200 == 0 {
						var ms runtime.MemStats
						runtime.ReadMemStats(&ms)
						peakHeap = max(peakHeap, ms.HeapAlloc)
					}
					return nil
				},
			})
			for next < want {
				if _, err := e.RunOnce(t.Context()); err != nil {
					t.Fatal(err)
				}
			}
			s := e.Stats()
			if s.Delivered != want {
				t.Errorf("delivered %d, want %d", s.Delivered, want)
			}
			if s.PeakWindow > DefaultMaxWindowEvents+1 {
				t.Errorf("a walk held %d events, above the bound %d", s.PeakWindow, DefaultMaxWindowEvents)
			}
			t.Logf("%d events over a week; peak window %d events (bound %d); %d window cuts; %d events read (%.2fx); cycles %d; peak heap sampled %.1f MiB",
				want, s.PeakWindow, DefaultMaxWindowEvents, s.WindowCuts, src.read, float64(src.read)/float64(want), s.Cycles, float64(peakHeap)/(1<<20))
		})
	}
}

// TestWindowCutKeepsTheBoundaryGranule checks a cut inside a granule: the
// events of that granule after the cut are delivered by the next window,
// the ones before it once.
func TestWindowCutKeepsTheBoundaryGranule(t *testing.T) {
	t.Parallel()
	base := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	var src memSource
	for i := range 40 { // 40 events, 5 per second over 8 seconds
		src.add(ev(strconv.Itoa(i), at(base, time.Duration(i)*200*time.Millisecond)))
	}
	var k sink
	e := mustNew(t, Config[event]{Store: new(checkpoint.Memory), Key: key, Fetch: src.Fetch, Handle: k.Handle,
		Start: base, Granularity: time.Second, BatchSize: 3, MaxWindowEvents: 7})
	for range 50 {
		if _, err := e.RunOnce(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	got := k.ids()
	if len(got) != 40 {
		t.Fatalf("delivered %d events, want 40: %v", len(got), got)
	}
	for i, id := range got {
		if id != strconv.Itoa(i) {
			t.Fatalf("delivery %d is %s: %v", i, id, got)
		}
	}
	if s := e.Stats(); s.PeakWindow > 8 || s.WindowCuts == 0 {
		t.Errorf("peak window %d, cuts %d; want at most 8 and some cuts", s.PeakWindow, s.WindowCuts)
	}
}

// TestOneGranuleAboveTheBoundIsReadWhole: a single granule holding more
// events than MaxWindowEvents cannot be cut; it is read whole and logged.
func TestOneGranuleAboveTheBoundIsReadWhole(t *testing.T) {
	t.Parallel()
	base := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	var src memSource
	for i := range 12 {
		src.add(ev(strconv.Itoa(100+i), base))
	}
	var k sink
	var logs logBuffer
	e := mustNew(t, Config[event]{Store: new(checkpoint.Memory), Key: key, Fetch: src.Fetch, Handle: k.Handle,
		Start: base, Granularity: time.Second, BatchSize: 2, MaxWindowEvents: 5, Logger: newLogger(&logs)})
	for range 5 {
		if _, err := e.RunOnce(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	if len(k.ids()) != 12 {
		t.Fatalf("delivered %v, want the 12 events once", k.ids())
	}
	if len(logs.lines("collector window of one granule holds more than MaxWindowEvents events; reading it whole")) == 0 {
		t.Errorf("no Warn line; logs:\n%s", logs.String())
	}
}
