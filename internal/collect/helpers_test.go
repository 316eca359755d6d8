package collect

import (
	"bytes"
	"context"
	"errors"
	"iter"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/socgo/xdr/checkpoint"
)

// event is the test event type.
type event struct {
	ID   string
	Time time.Time
}

func key(e event) (string, time.Time) { return e.ID, e.Time }

// window is one Fetch call's bounds.
type window struct{ from, to time.Time }

// memSource is an in-memory API: Fetch returns the events in [from, to] in
// reverse insertion order (any order is allowed).
type memSource struct {
	mu      sync.Mutex
	events  []event
	calls   []window
	failN   int   // the next failN Fetch calls fail
	failErr error // with this error
}

func (s *memSource) add(evs ...event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.events = append(s.events, evs...)
}

func (s *memSource) windows() []window {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.calls)
}

func (s *memSource) Fetch(ctx context.Context, from, to time.Time) iter.Seq2[event, error] {
	return func(yield func(event, error) bool) {
		s.mu.Lock()
		s.calls = append(s.calls, window{from, to})
		if s.failN > 0 {
			s.failN--
			err := s.failErr
			s.mu.Unlock()
			yield(event{}, err)
			return
		}
		var out []event
		for i := len(s.events) - 1; i >= 0; i-- {
			if e := s.events[i]; !e.Time.Before(from) && !e.Time.After(to) {
				out = append(out, e)
			}
		}
		s.mu.Unlock()
		for _, e := range out {
			if err := ctx.Err(); err != nil {
				yield(event{}, err)
				return
			}
			if !yield(e, nil) {
				return
			}
		}
	}
}

// sink records what Handle accepted.
type sink struct {
	mu      sync.Mutex
	batches [][]event
	failN   int // the next failN calls fail
}

func (k *sink) Handle(_ context.Context, batch []event) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.failN > 0 {
		k.failN--
		return errors.New("sink unavailable")
	}
	k.batches = append(k.batches, slices.Clone(batch))
	return nil
}

func (k *sink) ids() []string {
	k.mu.Lock()
	defer k.mu.Unlock()
	var ids []string
	for _, b := range k.batches {
		for _, e := range b {
			ids = append(ids, e.ID)
		}
	}
	return ids
}

// flakyStore is a Memory store whose next failN saves fail.
type flakyStore struct {
	checkpoint.Memory
	mu    sync.Mutex
	failN int
	saves int
}

func (f *flakyStore) Save(ctx context.Context, b []byte) error {
	f.mu.Lock()
	if f.failN > 0 {
		f.failN--
		f.mu.Unlock()
		return errors.New("disk full")
	}
	f.saves++
	f.mu.Unlock()
	return f.Memory.Save(ctx, b)
}

// logBuffer is a concurrency-safe buffer behind a text slog handler.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// lines returns the log lines containing msg.
func (b *logBuffer) lines(msg string) []string {
	var out []string
	for l := range strings.SplitSeq(b.String(), "\n") {
		if strings.Contains(l, msg) {
			out = append(out, l)
		}
	}
	return out
}

func newLogger(b *logBuffer) *slog.Logger {
	return slog.New(slog.NewTextHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// at returns base plus d.
func at(base time.Time, d time.Duration) time.Time { return base.Add(d) }

// ev builds an event.
func ev(id string, t time.Time) event { return event{ID: id, Time: t} }

// mustNew builds an Engine or fails the test.
func mustNew(t *testing.T, cfg Config[event]) *Engine[event] {
	t.Helper()
	e, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return e
}

// loadState decodes the checkpoint saved in st.
func loadState(t *testing.T, st checkpoint.Store) state {
	t.Helper()
	b, err := st.Load(t.Context())
	if err != nil || b == nil {
		t.Fatalf("Load: %q, %v", b, err)
	}
	s, err := decodeCheckpoint(b)
	if err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
	return s
}
