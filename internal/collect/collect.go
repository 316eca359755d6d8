// Package collect is the engine behind the product packages' Collectors:
// a long-running loop that pulls events since a checkpoint, hands them to
// the caller in order and saves the checkpoint only after the caller has
// accepted them.
//
// # Position and checkpoint
//
// The position is a time P aligned to Config.Granularity (the resolution of
// the API's lower bound: a lower bound of whole seconds always re-reads the
// second it names) plus the set of ids already delivered whose time lies in
// the boundary granule [P, P+Granularity). Each cycle fetches the window
// [P, to] with to frozen when the walk starts, drops the ids already
// delivered in the boundary granule, sorts what is left by (time, id) and
// hands it to Config.Handle in batches. After every accepted batch the
// position moves to the granule of the batch's newest event, with the ids
// delivered in that granule, and is saved to Config.Store as versioned JSON.
// Only the boundary granule's ids are kept, so memory is O(window), never
// O(history).
//
// # Invariant
//
// When the saved position is P with ids S: every event the API showed at
// walk time with a time before P has been delivered (or deliberately skipped
// by Config.MaxLookback, which logs how much); in the granule
// [P, P+Granularity) exactly the events whose ids are in S have been
// delivered; nothing later has.
//
// The position moves past a stretch of time holding no event only in one
// case: the window was cut by MaxWindow (so its end lies before the walk's
// bound, now-Delay) and was fetched and delivered completely; the next
// window then starts at the granule of its end. So an empty window still
// makes progress, and no event that was visible is ever skipped. A window
// that reaches the walk's bound leaves the position at the newest delivered
// event's granule, so an event that appears late with a time after it is
// still delivered. An event that becomes visible in the API only after the
// position has passed its time is not seen, except inside the boundary
// granule, which is re-read every cycle (a late event there is delivered).
// Config.Delay keeps the walk's bound that far behind now, for APIs that
// show events some time after their timestamp.
//
// # Delivery guarantee
//
// Exactly once, across restarts, when the process stops anywhere but between
// Handle's successful return and the completion of the checkpoint save that
// follows it. A process that dies in that gap (or whose Store keeps failing
// until the Engine is dropped) delivers that batch once more after the
// restart: at least once there, and only there. Everything else is covered:
//   - a Handle error checkpoints nothing of its batch, and the same data is
//     delivered again after a backoff;
//   - a failed save is retried before anything else is delivered, and once
//     more when Run stops, without re-delivering while the Engine lives;
//   - a cancelled ctx stops the cycle before the next Handle call, and the
//     checkpoint of a batch Handle has accepted is still saved (the save is
//     detached from the cancellation, bounded by Config.SaveTimeout);
//   - paging is Fetch's business, by raw counts; the engine dedups only on
//     ids, after the whole window has been read.
//
// Without a lease, one Engine at a time may use a Store: two collectors
// sharing a plain checkpoint deliver everything twice. Several replicas
// share a source safely through a Store bound to a lease (see Leases).
//
// # Memory
//
// A walk holds its window (sorted before delivery) plus the boundary
// granule's ids, and never more than Config.MaxWindowEvents events (20,000
// by default) however long the collector was down. A walk that reaches the
// bound stops reading, cuts its window's end to a time that holds fewer
// events (the time of the middle event read, or the middle of the window,
// whichever is earlier) and reads that shorter window again; the span that
// fitted is kept for the following windows and doubled while windows come
// back at most a quarter full. Every window is read completely before it is
// delivered, and windows follow one another without overlap or gap, so the
// bound costs re-reads, never events or order. A window is never cut
// shorter than its first granule, so every window moves the position; the
// one exception to the bound is a single granule holding more events than
// the bound: it is read whole, and a Warn line says so.
//
// # Leases
//
// When Config.Store is bound to a lease (it implements checkpoint.Fenced, as
// the Store of a checkpoint.Held does), the engine checks the lease before
// each Fetch and before each Handle call, and every save is fenced by the
// store: a lost lease stops the cycle with an error matching
// checkpoint.ErrLeaseLost, which Run returns (it does not retry: the
// caller, such as a fleet runner, acquires the lease again).
package collect

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/socgo/xdr/checkpoint"
	"github.com/socgo/xdr/internal/transport"
)

// Defaults of Config, applied when the field is zero.
const (
	DefaultBatchSize        = 500              // Config.BatchSize
	DefaultPollInterval     = 30 * time.Second // Config.PollInterval
	DefaultStartAgo         = time.Hour        // Config.Start is now minus this
	DefaultRetryMin         = time.Second      // Config.RetryMin
	DefaultRetryMax         = 5 * time.Minute  // Config.RetryMax
	DefaultProgressInterval = time.Minute      // Config.ProgressInterval
	DefaultSaveTimeout      = 30 * time.Second // Config.SaveTimeout
	DefaultMaxWindowEvents  = 20_000           // Config.MaxWindowEvents
)

// ErrCorruptCheckpoint is returned (wrapped) when the saved checkpoint
// cannot be decoded. It is permanent: Run stops instead of silently
// starting over. Delete the checkpoint to start again from Config.Start.
var ErrCorruptCheckpoint = errors.New("corrupt checkpoint")

// Config configures an Engine. Store, Key, Fetch and Handle are required;
// every other field has a default.
type Config[T any] struct {
	// Name names the collector in logs and errors ("tehtris events").
	// Default "collector".
	Name string
	// Store keeps the checkpoint between runs. Required.
	Store checkpoint.Store
	// Key returns an event's identity and time. The id must not be empty.
	// Two events in the same granule with the same id are the same event.
	Key func(event T) (id string, t time.Time)
	// Fetch returns every event with from <= time <= to, in any order, and
	// stops at the first error (yielding it). from is truncated to
	// Granularity. Paging is Fetch's business: it must page by the API's raw
	// counts. Its ctx carries Limiter (transport.WithLimiter), so every page
	// request made with it waits on the limiter. Events outside [from, to]
	// are ignored.
	Fetch func(ctx context.Context, from, to time.Time) iter.Seq2[T, error]
	// Granularity is the resolution of the API's lower bound (TEHTRIS:
	// time.Second). 0 means the bound is exact. It must not change between
	// runs that share a checkpoint.
	Granularity time.Duration
	// Handle is the caller's sink. It receives each batch in (time, id)
	// order with the Run or RunOnce ctx. The checkpoint covering a batch is
	// saved only after Handle returns nil; an error means the batch was not
	// accepted: nothing of it is checkpointed and it is delivered again
	// after a backoff. The engine does not keep batch after Handle returns.
	// Wrap the error with Permanent to stop Run.
	Handle func(ctx context.Context, batch []T) error
	// BatchSize is the maximum number of events per Handle call. Default 500.
	BatchSize int
	// PollInterval is the wait between cycles once caught up. Default 30s.
	PollInterval time.Duration
	// Start is where to begin when the Store holds no checkpoint; it is
	// truncated to Granularity. Default: one hour before the first cycle.
	// The first position is saved at once, so a restart does not move it.
	Start time.Time
	// MaxLookback, when positive, skips data older than now-MaxLookback and
	// logs at Warn how much time was skipped. 0 (the default) never skips:
	// after any downtime the collector resumes where it stopped.
	MaxLookback time.Duration
	// MaxWindow, when positive, bounds the span of time fetched per cycle
	// (memory is bounded by MaxWindowEvents in any case). A cycle whose window ends before now is followed at
	// once by the next. 0 (the default) walks up to now in one cycle. It must
	// be at least Granularity so that every window makes progress.
	MaxWindow time.Duration
	// MaxWindowEvents bounds the events one walk holds in memory (see
	// Memory in the package doc). Default DefaultMaxWindowEvents; negative
	// turns the bound off (a walk then holds its whole window). It must be
	// at least BatchSize when positive.
	MaxWindowEvents int
	// Delay keeps each walk's upper bound Delay behind now, for an API that
	// shows events some time after their timestamp: an event that appears
	// at most Delay after its time is never missed. Default 0.
	Delay time.Duration
	// Limiter, when set, paces Fetch's requests: it is put on Fetch's ctx
	// with transport.WithLimiter.
	Limiter transport.Limiter
	// RetryMin and RetryMax bound the jittered exponential backoff after a
	// failed cycle (Fetch, Handle or Store error). The backoff resets after
	// a successful cycle. Defaults 1s and 5m.
	RetryMin, RetryMax time.Duration
	// SaveTimeout bounds a checkpoint save. A save runs even when the
	// cycle's ctx has been cancelled, so that a batch Handle accepted is not
	// delivered again after a clean stop. Default 30s.
	SaveTimeout time.Duration
	// Logger receives an Info progress line every ProgressInterval, a Warn
	// line per failed cycle or lookback skip, and Debug details. Nil
	// discards.
	Logger *slog.Logger
	// ProgressInterval is the period of the Info progress line (lag,
	// delivered, checkpoint). Default 1m; negative turns it off.
	ProgressInterval time.Duration
}

// Stats is a snapshot of an Engine's progress since it was created.
type Stats struct {
	// Delivered counts events accepted by Handle.
	Delivered int64
	// DuplicatesDropped counts events fetched again and not delivered:
	// already delivered in the boundary granule, or returned twice by one
	// walk.
	DuplicatesDropped int64
	// Cycles counts cycles started (RunOnce calls, and cycles of Run).
	Cycles int64
	// Errors counts failed cycles (a cancelled ctx is not a failure).
	Errors int64
	// Checkpoint is the position last saved to the Store (zero before the
	// first load).
	Checkpoint time.Time
	// Newest is the time of the newest event delivered (zero if none).
	Newest time.Time
	// Lag is now minus Newest (0 when nothing was delivered yet).
	Lag time.Duration
	// WalkedTo is the upper bound of the last walk completed without error:
	// every event visible then with a time up to WalkedTo has been delivered.
	WalkedTo time.Time
	// Skipped is the total span of time skipped by MaxLookback.
	Skipped time.Duration
	// PeakWindow is the most events one walk has held in memory.
	PeakWindow int
	// WindowCuts counts walks stopped by MaxWindowEvents and read again
	// over a shorter window.
	WindowCuts int64
}

// Engine runs a collector. Create it with New. Stats is safe for concurrent
// use; Run and RunOnce may be called from any goroutine, and calls are
// serialized.
type Engine[T any] struct {
	cfg Config[T]
	log *slog.Logger

	run    sync.Mutex // serializes cycles; guards the fields below
	loaded bool
	pos    time.Time           // boundary granule start (UTC)
	seen   map[string]struct{} // ids delivered in [pos, pos+Granularity)
	dirty  bool                // pos/seen not saved yet
	buf    []item[T]           // reused between walks
	span   time.Duration       // learned window span that fits MaxWindowEvents (0: none)
	nextPr time.Time           // next progress line

	mu sync.Mutex // guards st
	st Stats
}

type item[T any] struct {
	ev T
	id string
	t  time.Time
}

// New validates cfg, applies the defaults and returns an Engine. An invalid
// field is named in the error ("collect: Store is required"). New does not
// touch the Store; the checkpoint is loaded by the first cycle.
func New[T any](cfg Config[T]) (*Engine[T], error) {
	switch {
	case cfg.Store == nil:
		return nil, errors.New("collect: Store is required")
	case cfg.Key == nil:
		return nil, errors.New("collect: Key is required")
	case cfg.Fetch == nil:
		return nil, errors.New("collect: Fetch is required")
	case cfg.Handle == nil:
		return nil, errors.New("collect: Handle is required")
	}
	for _, f := range []struct {
		name string
		v    time.Duration
	}{
		{"Granularity", cfg.Granularity}, {"PollInterval", cfg.PollInterval},
		{"MaxLookback", cfg.MaxLookback}, {"MaxWindow", cfg.MaxWindow}, {"Delay", cfg.Delay},
		{"RetryMin", cfg.RetryMin}, {"RetryMax", cfg.RetryMax}, {"SaveTimeout", cfg.SaveTimeout},
	} {
		if f.v < 0 {
			return nil, fmt.Errorf("collect: %s %s must not be negative", f.name, f.v)
		}
	}
	if cfg.BatchSize < 0 {
		return nil, fmt.Errorf("collect: BatchSize %d must not be negative", cfg.BatchSize)
	}
	if cfg.Name == "" {
		cfg.Name = "collector"
	}
	if cfg.BatchSize == 0 {
		cfg.BatchSize = DefaultBatchSize
	}
	if cfg.MaxWindowEvents == 0 {
		cfg.MaxWindowEvents = max(DefaultMaxWindowEvents, cfg.BatchSize)
	}
	if cfg.MaxWindowEvents > 0 && cfg.MaxWindowEvents < cfg.BatchSize {
		return nil, fmt.Errorf("collect: MaxWindowEvents %d must be at least BatchSize %d", cfg.MaxWindowEvents, cfg.BatchSize)
	}
	if cfg.PollInterval == 0 {
		cfg.PollInterval = DefaultPollInterval
	}
	if cfg.RetryMin == 0 {
		cfg.RetryMin = DefaultRetryMin
		if cfg.RetryMax > 0 {
			cfg.RetryMin = min(cfg.RetryMin, cfg.RetryMax)
		}
	}
	if cfg.RetryMax == 0 {
		cfg.RetryMax = max(DefaultRetryMax, cfg.RetryMin)
	}
	if cfg.SaveTimeout == 0 {
		cfg.SaveTimeout = DefaultSaveTimeout
	}
	if cfg.ProgressInterval == 0 {
		cfg.ProgressInterval = DefaultProgressInterval
	}
	if cfg.RetryMax < cfg.RetryMin {
		return nil, fmt.Errorf("collect: RetryMax %s must be at least RetryMin %s", cfg.RetryMax, cfg.RetryMin)
	}
	if cfg.MaxWindow > 0 && cfg.MaxWindow < cfg.Granularity {
		return nil, fmt.Errorf("collect: MaxWindow %s must be at least Granularity %s", cfg.MaxWindow, cfg.Granularity)
	}
	if cfg.MaxLookback > 0 && cfg.MaxLookback <= cfg.Delay {
		return nil, fmt.Errorf("collect: MaxLookback %s must be more than Delay %s", cfg.MaxLookback, cfg.Delay)
	}
	l := cfg.Logger
	if l == nil {
		l = slog.New(slog.DiscardHandler)
	}
	return &Engine[T]{cfg: cfg, log: l.With("collector", cfg.Name)}, nil
}

// Permanent marks err as permanent: when Fetch yields it or Handle returns
// it, Run stops and returns it instead of retrying. Permanent(nil) is nil.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &permanentError{err}
}

type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

// IsPermanent reports whether Run would stop on err rather than retry: err
// was marked with Permanent, or is a corrupt checkpoint, a bad event key or
// a lost lease (checkpoint.ErrLeaseLost).
func IsPermanent(err error) bool {
	var p *permanentError
	return errors.As(err, &p) || errors.Is(err, ErrCorruptCheckpoint) || errors.Is(err, checkpoint.ErrLeaseLost)
}

// Run runs cycles until ctx is done, in which case it returns nil, or until
// a permanent error (see IsPermanent), which it returns. Between cycles it
// waits PollInterval when caught up, nothing when a MaxWindow-bounded window
// ended before now, and a jittered backoff between RetryMin and RetryMax
// after a failed cycle (logged at Warn). It logs an Info progress line
// every ProgressInterval. The in-flight Handle receives ctx, so it sees the
// cancellation.
func (e *Engine[T]) Run(ctx context.Context) error {
	fails := 0
	for {
		n, more, err := e.cycle(ctx)
		if ctx.Err() != nil {
			e.stopped(ctx, n)
			return nil
		}
		var wait time.Duration
		switch {
		case err != nil && IsPermanent(err):
			e.log.Error("collector stopped on a permanent error", "err", err)
			return err
		case err != nil:
			fails++
			wait = e.backoff(fails)
			e.log.Warn("collector cycle failed; retrying", "err", err, "attempt", fails, "retry_in", wait)
		default:
			fails = 0
			if !more {
				wait = e.cfg.PollInterval
			}
		}
		if wait == 0 {
			continue
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			e.stopped(ctx, 0)
			return nil
		case <-t.C:
		}
	}
}

// stopped finishes a Run stopped by its ctx: a checkpoint left unsaved by
// a failed save gets one more try, so a clean stop re-delivers nothing.
func (e *Engine[T]) stopped(ctx context.Context, n int) {
	e.run.Lock()
	if e.dirty {
		if err := e.save(ctx); err != nil {
			e.log.Warn("collector stopped with its checkpoint unsaved; the last accepted batch will be delivered again", "err", err)
		}
	}
	e.run.Unlock()
	s := e.Stats()
	e.log.Info("collector stopped", "delivered_last_cycle", n, "delivered", s.Delivered, "checkpoint", s.Checkpoint)
}

// backoff returns the wait after the n-th consecutive failure: exponential
// from RetryMin, capped at RetryMax, with the upper half jittered.
func (e *Engine[T]) backoff(n int) time.Duration {
	d := e.cfg.RetryMin
	for i := 1; i < n && d < e.cfg.RetryMax; i++ {
		d *= 2
	}
	d = min(d, e.cfg.RetryMax)
	d = d/2 + rand.N(d/2+1)
	return max(d, e.cfg.RetryMin)
}

// RunOnce runs one cycle: it loads the checkpoint if not loaded yet, saves a
// checkpoint left unsaved by a failed save, fetches one window, delivers it
// in batches and checkpoints after each. It returns the number of events
// delivered, with an error if the cycle stopped early (a cancelled ctx gives
// ctx's error). It does not retry; Run does.
func (e *Engine[T]) RunOnce(ctx context.Context) (int, error) {
	n, _, err := e.cycle(ctx)
	return n, err
}

// Stats returns a snapshot of the progress.
func (e *Engine[T]) Stats() Stats {
	e.mu.Lock()
	defer e.mu.Unlock()
	s := e.st
	if !s.Newest.IsZero() {
		s.Lag = max(time.Since(s.Newest), 0)
	}
	return s
}
