package sekoia

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/socgo/xdr/internal/jsonstr"
)

// ErrWriterClosed is returned by the methods of an IntakeWriter after Close.
var ErrWriterClosed = errors.New("sekoia: intake writer is closed")

// Defaults of WriterOptions.
const (
	DefaultWriterMaxEvents = 1000
	DefaultWriterMaxBytes  = 1 << 20
	DefaultWriterMaxAge    = time.Second
)

// WriterOptions tunes an IntakeWriter. The zero value gives the defaults.
type WriterOptions struct {
	// MaxEvents sends a batch once it holds this many events (default 1000,
	// at most MaxIntakeBatchEvents).
	MaxEvents int
	// MaxBytes sends a batch before its request body would pass this many
	// bytes, JSON escaping counted (default 1 MiB, at most
	// MaxIntakeRequestBytes).
	MaxBytes int
	// MaxAge sends a batch this long after its first event was written,
	// however small it is (default 1s).
	MaxAge time.Duration
	// Parallelism is how many batches may be under way at once (default:
	// the intake's, see WithIntakeParallelism). When that many are under
	// way, Write waits: the writer never holds more than Parallelism+1
	// batches. With 1, batches arrive in the order they were written.
	Parallelism int
}

// WriterStats counts what an IntakeWriter did.
type WriterStats struct {
	// Written is the number of events taken by Write.
	Written int64
	// Accepted is the number of events the intake accepted.
	Accepted int64
	// Failed is the number of events of batches that failed.
	Failed int64
	// Requests is the number of batches sent (retries not counted).
	Requests int64
}

// IntakeWriter batches events written one by one and pushes them to the
// intake in the background, by size, count and age; a collector streams
// into it and calls Flush before it records its progress. It is safe for
// concurrent use.
//
// Delivery is at least once: Flush returns nil only when every event
// written before it was accepted by the intake (an event may have been
// stored twice after a retry). When a batch fails (after the transport's
// retries) its events are dropped and the failure is returned by the next
// Write (once, without taking that Write's event) and by the next Flush
// or Close; a caller that saves its progress only after a nil Flush and
// sends again from there loses nothing.
type IntakeWriter struct {
	in   *Intake
	opts WriterOptions
	sem  chan struct{}

	bg     context.Context // for the sends, which outlive the Write that starts them
	cancel context.CancelFunc

	mu       sync.Mutex
	buf      []byte // body of the current batch, prefix and events
	n        int    // events in buf
	gen      uint64 // batch generation, for the age timer
	timer    *time.Timer
	inflight map[*writerBatch]struct{}
	lastTurn chan struct{} // turn of the batch cut last
	failed   []error       // batch failures since the last Flush
	early    error         // a failure Write has not reported yet
	closed   bool

	written, accepted, failedEvents, requests atomic.Int64
}

type writerBatch struct {
	body []byte
	n    int
	done chan struct{} // closed once the batch is answered or dropped
	turn chan struct{} // closed once the batch has its sending slot or is dropped
	prev chan struct{} // turn of the batch cut before, nil for the first
}

// NewWriter returns a batching writer on in. Invalid options are replaced
// by their defaults (a negative or zero value) or clamped to the intake's
// limits.
func (in *Intake) NewWriter(opts WriterOptions) *IntakeWriter {
	if opts.MaxEvents <= 0 {
		opts.MaxEvents = DefaultWriterMaxEvents
	}
	opts.MaxEvents = min(opts.MaxEvents, in.maxEvents)
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = DefaultWriterMaxBytes
	}
	opts.MaxBytes = min(opts.MaxBytes, in.maxBody)
	if opts.MaxAge <= 0 {
		opts.MaxAge = DefaultWriterMaxAge
	}
	if opts.Parallelism <= 0 {
		opts.Parallelism = in.parallelism
	}
	w := &IntakeWriter{
		in:       in,
		opts:     opts,
		sem:      make(chan struct{}, opts.Parallelism),
		inflight: make(map[*writerBatch]struct{}),
	}
	// The sends run after the Write that fills a batch has returned, so
	// they cannot use its context; Close ends them.
	w.bg, w.cancel = context.WithCancel(context.Background())
	return w
}

// Write adds one event (copied: the caller may reuse ev). It fails at once,
// taking nothing, for an event over MaxIntakeEventBytes (ErrEventTooLarge),
// an empty or non-UTF-8 event (ErrInvalidEvent), after Close
// (ErrWriterClosed), or to report a batch that failed since the last call.
// When the batch is full Write starts sending it, and waits (with ctx)
// while Parallelism batches are already under way; if ctx ends during that
// wait the batch is dropped, the failure is kept for Flush, and Write
// returns ctx's error.
func (w *IntakeWriter) Write(ctx context.Context, ev []byte) error {
	size, err := checkEvent(ev)
	if err != nil {
		return fmt.Errorf("sekoia: IntakeWriter.Write: %w", err)
	}
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return ErrWriterClosed
	}
	if err := w.early; err != nil {
		w.early = nil
		w.mu.Unlock()
		return fmt.Errorf("sekoia: IntakeWriter.Write: an earlier batch failed: %w", err)
	}
	var full *writerBatch
	if w.n > 0 && (len(w.buf)+1+size+2 > w.opts.MaxBytes || w.n >= w.opts.MaxEvents) {
		full = w.cutLocked()
	}
	if w.n == 0 {
		w.buf = append(w.buf[:0], w.in.prefix...)
		w.startTimerLocked()
	} else {
		w.buf = append(w.buf, ',')
	}
	w.buf = jsonstr.AppendQuotedN(w.buf, ev, size)
	w.n++
	w.written.Add(1)
	w.mu.Unlock()
	if full != nil {
		return w.dispatch(ctx, full)
	}
	return nil
}

// startTimerLocked arms the age timer of the batch just begun.
func (w *IntakeWriter) startTimerLocked() {
	gen := w.gen
	w.timer = time.AfterFunc(w.opts.MaxAge, func() {
		w.mu.Lock()
		if w.gen != gen || w.n == 0 || w.closed {
			w.mu.Unlock()
			return
		}
		b := w.cutLocked()
		w.mu.Unlock()
		_ = w.dispatch(w.bg, b) // a failure is recorded for Flush
	})
}

// cutLocked ends the current batch and registers it as under way.
func (w *IntakeWriter) cutLocked() *writerBatch {
	if w.timer != nil {
		w.timer.Stop()
		w.timer = nil
	}
	w.gen++
	body := append(w.buf, ']', '}')
	b := &writerBatch{body: body, n: w.n, done: make(chan struct{}), turn: make(chan struct{}), prev: w.lastTurn}
	w.lastTurn = b.turn
	w.buf, w.n = w.in.pools.getBody(min(cap(body), w.opts.MaxBytes+2)), 0
	w.inflight[b] = struct{}{}
	return b
}

// dispatch waits for a sending slot and sends b in the background.
func (w *IntakeWriter) dispatch(ctx context.Context, b *writerBatch) error {
	// Batches take their sending slot in the order they were cut, so that
	// with Parallelism 1 they arrive in the order written.
	defer close(b.turn)
	drop := func(err error) error {
		w.finish(b, fmt.Errorf("dropped while waiting to send: %w", err), true) // the caller hears of it now; Flush will report it too
		return err
	}
	if b.prev != nil {
		select {
		case <-b.prev:
		case <-ctx.Done():
			return drop(ctx.Err())
		case <-w.bg.Done():
			return drop(ErrWriterClosed)
		}
	}
	select {
	case w.sem <- struct{}{}:
	case <-ctx.Done():
		return drop(ctx.Err())
	case <-w.bg.Done():
		return drop(ErrWriterClosed)
	}
	w.requests.Add(1)
	go func() {
		defer func() { <-w.sem }()
		gz, err := w.in.gzipBody(b.body)
		w.in.pools.putBody(b.body) // compressed: the body is not read again
		b.body = nil
		if err == nil {
			_, err = w.in.post(w.bg, gz, b.n)
		}
		w.finish(b, err, false)
	}()
	return nil
}

// finish records the outcome of batch b; reported says the caller of Write
// already got the error.
func (w *IntakeWriter) finish(b *writerBatch, err error, reported bool) {
	w.mu.Lock()
	delete(w.inflight, b)
	if err != nil {
		err = &wrapped{msg: fmt.Sprintf("sekoia: intake writer: batch of %d events: %s", b.n, causeText(err)), err: err}
		w.failed = append(w.failed, err)
		if w.early == nil && !reported {
			w.early = err
		}
		w.failedEvents.Add(int64(b.n))
	} else {
		w.accepted.Add(int64(b.n))
	}
	w.mu.Unlock()
	close(b.done)
}

// Flush sends the events buffered so far and waits until every batch
// written before the call has been answered. It returns nil only when every
// event written before it was accepted since the previous Flush; else the
// failures since the previous Flush (joined), after which they are
// forgotten. If ctx ends first, Flush returns ctx's error and the batches
// go on in the background.
func (w *IntakeWriter) Flush(ctx context.Context) error {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return ErrWriterClosed
	}
	w.mu.Unlock()
	return w.flush(ctx)
}

func (w *IntakeWriter) flush(ctx context.Context) error {
	w.mu.Lock()
	var cut *writerBatch
	if w.n > 0 {
		cut = w.cutLocked()
	}
	wait := make([]*writerBatch, 0, len(w.inflight))
	for b := range w.inflight {
		if b != cut {
			wait = append(wait, b)
		}
	}
	w.mu.Unlock()
	if cut != nil {
		if err := w.dispatch(ctx, cut); err != nil {
			return err
		}
		wait = append(wait, cut)
	}
	for _, b := range wait {
		select {
		case <-b.done:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	w.mu.Lock()
	err := errors.Join(w.failed...)
	w.failed, w.early = nil, nil
	w.mu.Unlock()
	return err
}

// Close flushes the writer (see Flush) and releases it; later calls fail
// with ErrWriterClosed, and a second Close returns nil. If ctx ends before
// the batches are answered, they are abandoned and Close returns ctx's
// error.
func (w *IntakeWriter) Close(ctx context.Context) error {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return nil
	}
	w.closed = true // no Write gets in from here on
	w.mu.Unlock()
	err := w.flush(ctx)
	w.cancel()
	return err
}

// Stats returns the writer's counters.
func (w *IntakeWriter) Stats() WriterStats {
	return WriterStats{
		Written:  w.written.Load(),
		Accepted: w.accepted.Load(),
		Failed:   w.failedEvents.Load(),
		Requests: w.requests.Load(),
	}
}
