package tehtris

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"strconv"
	"time"

	"github.com/socgo/xdr/checkpoint"
	"github.com/socgo/xdr/internal/collect"
	"github.com/socgo/xdr/internal/ratelimit"
	"github.com/socgo/xdr/internal/transport"
)

// DefaultRequestsPerMinute is the Collector's default pace of requests to
// GET /xdr/v1/event. TEHTRIS publishes no limit and throttles the API low;
// 5 requests per minute is a pace known to be safe.
const DefaultRequestsPerMinute = 5

// Collector follows the events of a tenant: a long-running loop that
// fetches the events since a checkpoint, hands them to a function in
// (time, id) order, and saves the checkpoint only after that function has
// accepted them.
//
// # Position and guarantee
//
// The checkpoint is a position in time, whole seconds (the resolution of
// the API's fromDate), plus the ids already delivered within that second.
// Each cycle reads the window [position, now] with offset paging over a
// window frozen at the start of the walk, whatever order the API sends
// (a saved filter may sort newest first), counting pages by the raw number
// of events returned. The boundary second is read again every cycle and the
// ids already delivered in it are dropped, so several events in the same
// second, some of them arriving after others were delivered, are all
// delivered once.
//
// Delivery is exactly once, across crashes and restarts, when the process
// stops anywhere but between the handler's successful return and the end
// of the checkpoint save that follows it; a process that dies in that gap
// delivers that batch once more after the restart (at least once there,
// and only there). In detail:
//   - a handler error checkpoints nothing of its batch: the same events are
//     delivered again after a backoff (wrap the error with Permanent to
//     stop Run instead);
//   - a failed checkpoint save is retried before anything else is
//     delivered, and once more when Run stops;
//   - a cancelled ctx stops before the next handler call, and the checkpoint
//     of a batch the handler accepted is still saved;
//   - failed requests (429, 5xx, a cut connection, a truncated body) are
//     retried by the client, then the whole cycle is retried with a jittered
//     backoff: nothing is lost or duplicated by them.
//
// An event that becomes visible in the API only after the position has
// passed its time is not seen, unless it falls in the boundary second; use
// WithDelay when the platform shows events some time after their timestamp.
// There is no lookback clamp unless WithMaxLookback is given: after any
// downtime the collector resumes where it stopped. One Collector at a time
// may use a checkpoint store.
//
// Memory: a cycle holds its whole window (it is sorted before delivery);
// WithMaxWindow bounds it after a long downtime.
type Collector struct {
	engine *collect.Engine[Event]
}

// CollectorOption configures a Collector.
type CollectorOption func(*collectorOptions) error

type collectorOptions struct {
	cfg      collect.Config[Event]
	filterID string
	pageSize int
	limiter  transport.Limiter
}

// WithPollInterval sets the wait between cycles once caught up (default
// 30s).
func WithPollInterval(d time.Duration) CollectorOption {
	return func(o *collectorOptions) error {
		if d <= 0 {
			return fmt.Errorf("WithPollInterval: %s must be positive", d)
		}
		o.cfg.PollInterval = d
		return nil
	}
}

// WithBatchSize sets the largest number of events per handler call
// (default 500).
func WithBatchSize(n int) CollectorOption {
	return func(o *collectorOptions) error {
		if n <= 0 {
			return fmt.Errorf("WithBatchSize: %d must be positive", n)
		}
		o.cfg.BatchSize = n
		return nil
	}
}

// WithStart sets where to begin when the store holds no checkpoint
// (default: one hour before the first cycle). It is truncated to the
// second.
func WithStart(t time.Time) CollectorOption {
	return func(o *collectorOptions) error {
		if t.IsZero() || t.Unix() < 0 {
			return fmt.Errorf("WithStart: %s is not a usable time", t)
		}
		o.cfg.Start = t
		return nil
	}
}

// WithMaxLookback skips events older than now-d, logging at Warn how much
// time was skipped. There is no such clamp by default.
func WithMaxLookback(d time.Duration) CollectorOption {
	return func(o *collectorOptions) error {
		if d <= 0 {
			return fmt.Errorf("WithMaxLookback: %s must be positive", d)
		}
		o.cfg.MaxLookback = d
		return nil
	}
}

// WithMaxWindow bounds the span of time read per cycle (at least one
// second), and so the memory a cycle holds. A cycle whose window ends
// before now is followed at once by the next. There is no bound by
// default.
func WithMaxWindow(d time.Duration) CollectorOption {
	return func(o *collectorOptions) error {
		if d < time.Second {
			return fmt.Errorf("WithMaxWindow: %s is shorter than a second", d)
		}
		o.cfg.MaxWindow = d
		return nil
	}
}

// WithDelay keeps each walk's upper bound d behind now, for a platform that
// shows events some time after their timestamp (default 0).
func WithDelay(d time.Duration) CollectorOption {
	return func(o *collectorOptions) error {
		if d < 0 {
			return fmt.Errorf("WithDelay: %s is negative", d)
		}
		o.cfg.Delay = d
		return nil
	}
}

// WithRequestsPerMinute sets the pace of the Collector's requests (default
// DefaultRequestsPerMinute, no burst).
func WithRequestsPerMinute(n float64) CollectorOption {
	return func(o *collectorOptions) error {
		if n <= 0 || n > 60_000 {
			return fmt.Errorf("WithRequestsPerMinute: %v is out of range (0, 60000]", n)
		}
		o.limiter = ratelimit.Every(time.Duration(float64(time.Minute)/n), 1)
		return nil
	}
}

// WithRequestLimiter sets the limiter pacing the Collector's requests,
// instead of WithRequestsPerMinute (*rate.Limiter from golang.org/x/time/rate
// fits).
func WithRequestLimiter(l Limiter) CollectorOption {
	return func(o *collectorOptions) error {
		if l == nil {
			return errors.New("WithRequestLimiter: limiter is nil")
		}
		o.limiter = l
		return nil
	}
}

// WithFilterID collects the events of a saved filter (filterID) instead of
// the first filter associated with the API key.
func WithFilterID(id string) CollectorOption {
	return func(o *collectorOptions) error {
		q := EventQuery{FilterID: id}
		if err := q.check("WithFilterID"); err != nil || id == "" {
			return fmt.Errorf("WithFilterID: filter id %q is empty or has surrounding white space", id)
		}
		o.filterID = id
		return nil
	}
}

// WithPageSize sets the page size of the requests (default and maximum
// MaxLimit).
func WithPageSize(n int) CollectorOption {
	return func(o *collectorOptions) error {
		if n <= 0 || n > MaxLimit {
			return fmt.Errorf("WithPageSize: %d is out of range 1..%d", n, MaxLimit)
		}
		o.pageSize = n
		return nil
	}
}

// WithCollectorLogger sets the logger of the Collector (default: the
// client's logger, see WithLogger). It receives an Info progress line
// (lag, delivered, checkpoint) every progress interval, a Warn line per
// failed cycle or lookback skip, and Debug details.
func WithCollectorLogger(l *slog.Logger) CollectorOption {
	return func(o *collectorOptions) error {
		if l == nil {
			return errors.New("WithCollectorLogger: logger is nil")
		}
		o.cfg.Logger = l
		return nil
	}
}

// WithProgressInterval sets the period of the Info progress line (default
// 1m); a negative value turns it off.
func WithProgressInterval(d time.Duration) CollectorOption {
	return func(o *collectorOptions) error {
		if d == 0 {
			return errors.New("WithProgressInterval: 0; use a negative value to turn it off")
		}
		o.cfg.ProgressInterval = d
		return nil
	}
}

// WithRetryBackoff sets the bounds of the jittered exponential backoff
// after a failed cycle (default 1s..5m).
func WithRetryBackoff(minWait, maxWait time.Duration) CollectorOption {
	return func(o *collectorOptions) error {
		if minWait <= 0 || maxWait < minWait {
			return fmt.Errorf("WithRetryBackoff: need 0 < min (%s) <= max (%s)", minWait, maxWait)
		}
		o.cfg.RetryMin, o.cfg.RetryMax = minWait, maxWait
		return nil
	}
}

// Permanent marks an error returned by the Collector's handler as
// permanent: Run stops and returns it instead of delivering the batch again
// after a backoff. Permanent(nil) is nil.
func Permanent(err error) error { return collect.Permanent(err) }

// NewCollector returns a Collector of the events of c, which keeps its
// position in store and hands the events to handle in batches, in (time,
// id) order. The checkpoint is saved only after handle returns nil; handle
// must not keep the slice after it returns (the events themselves may be
// kept). It sends no request.
func NewCollector(c *Client, store checkpoint.Store, handle func(ctx context.Context, events []Event) error, opts ...CollectorOption) (*Collector, error) {
	switch {
	case c == nil:
		return nil, errors.New("tehtris: NewCollector: client is nil")
	case store == nil:
		return nil, errors.New("tehtris: NewCollector: store is nil")
	case handle == nil:
		return nil, errors.New("tehtris: NewCollector: handle is nil")
	}
	o := collectorOptions{pageSize: MaxLimit}
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(&o); err != nil {
			return nil, fmt.Errorf("tehtris: NewCollector: %w", err)
		}
	}
	if o.limiter == nil {
		o.limiter = ratelimit.Every(time.Minute/DefaultRequestsPerMinute, 1)
	}
	if o.cfg.Logger == nil {
		o.cfg.Logger = c.rest.T.Logger()
	}
	cfg := o.cfg
	cfg.Name = "tehtris events"
	cfg.Store = store
	cfg.Granularity = time.Second
	cfg.Limiter = o.limiter
	cfg.Handle = handle
	cfg.Key = func(ev Event) (string, time.Time) { return strconv.FormatInt(ev.ID, 10), ev.Time }
	cfg.Fetch = func(ctx context.Context, from, to time.Time) iter.Seq2[Event, error] {
		return fetchWindow(ctx, c, from, to, o.filterID, o.pageSize)
	}
	e, err := collect.New(cfg)
	if err != nil {
		return nil, fmt.Errorf("tehtris: NewCollector: %w", err)
	}
	return &Collector{engine: e}, nil
}

// fetchWindow returns every event with from <= time <= to. fromDate is
// from in whole seconds; toDate is the second after to, so the bound
// includes to whatever the API's rounding (events after to are left to
// the next cycle by the engine).
func fetchWindow(ctx context.Context, c *Client, from, to time.Time, filterID string, pageSize int) iter.Seq2[Event, error] {
	q := &EventQuery{
		From:     from,
		To:       time.Unix(to.Unix()+1, 0),
		Limit:    pageSize,
		FilterID: filterID,
	}
	return func(yield func(Event, error) bool) {
		for ev, err := range c.Events.All(ctx, q) {
			if err == nil && (ev.ID <= 0 || ev.Time.IsZero()) {
				err = fmt.Errorf("tehtris: collector: an event has no id or no time: %s", truncate(ev.Raw))
			}
			if !yield(ev, err) || err != nil {
				return
			}
		}
	}
}

// Run collects until ctx is done, in which case it returns nil, or until a
// permanent error (a handler error wrapped with Permanent, or a corrupt
// checkpoint), which it returns. Between cycles it waits the poll interval
// when caught up, and a jittered backoff after a failed cycle (logged at
// Warn). The handler receives ctx, so it sees the cancellation.
func (c *Collector) Run(ctx context.Context) error { return c.engine.Run(ctx) }

// RunOnce runs one cycle: it loads the checkpoint (first call), reads one
// window, delivers it in batches and checkpoints after each. It returns the
// number of events delivered, with an error if the cycle stopped early. It
// does not retry; Run does.
func (c *Collector) RunOnce(ctx context.Context) (int, error) { return c.engine.RunOnce(ctx) }

// CollectorStats is a snapshot of a Collector's progress since it was
// created.
type CollectorStats struct {
	// Delivered counts events accepted by the handler.
	Delivered int64
	// DuplicatesDropped counts events read again and not delivered.
	DuplicatesDropped int64
	// Cycles counts cycles started; Errors counts failed ones.
	Cycles, Errors int64
	// Checkpoint is the position last saved.
	Checkpoint time.Time
	// Newest is the time of the newest event delivered; Lag is now minus
	// Newest (0 before the first delivery).
	Newest time.Time
	Lag    time.Duration
	// WalkedTo is the upper bound of the last walk completed without
	// error: every event visible then with a time up to WalkedTo has been
	// delivered.
	WalkedTo time.Time
	// Skipped is the span of time skipped by WithMaxLookback.
	Skipped time.Duration
}

// Stats returns a snapshot of the progress. It is safe to call while Run
// is running.
func (c *Collector) Stats() CollectorStats {
	s := c.engine.Stats()
	return CollectorStats{
		Delivered: s.Delivered, DuplicatesDropped: s.DuplicatesDropped, Cycles: s.Cycles, Errors: s.Errors,
		Checkpoint: s.Checkpoint, Newest: s.Newest, Lag: s.Lag, WalkedTo: s.WalkedTo, Skipped: s.Skipped,
	}
}
