package tehtris

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"math"
	"strconv"
	"strings"
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
// passed its time is not seen, unless it falls in the boundary second; set
// CollectorConfig.Delay when the platform shows events some time after
// their timestamp. There is no lookback clamp unless
// CollectorConfig.MaxLookback is set: after any downtime the collector
// resumes where it stopped. One Collector at a time may use a plain
// checkpoint store; several replicas share a tenant through a Store bound
// to a lease (package fleet, checkpoint.Hold): the collector then checks
// the lease before each batch, its saves are fenced, and Run returns an
// error matching checkpoint.ErrLeaseLost once the lease is lost.
//
// Memory: a cycle holds at most CollectorConfig.MaxWindowEvents events
// (20,000 by default), however long the collector was down: a window that
// holds more is cut shorter and read again, with no loss and the same
// order.
//
// Create a Collector with Client.EventCollector.
type Collector struct {
	engine *collect.Engine[Event]
}

// CollectorConfig configures a Collector (see Client.EventCollector).
// Store is required; every other field has a default, taken when the field
// is left zero.
type CollectorConfig struct {
	// Store keeps the checkpoint between runs (checkpoint.NewFile, or your
	// own database). One Store per collector: two collectors sharing a
	// plain checkpoint deliver everything twice; for several replicas use
	// a Store bound to a lease (package fleet).
	Store checkpoint.Store
	// FilterID collects the events of a saved filter (filterID). Empty
	// (the default) lets the API use the first filter associated with the
	// API key. Keep it unchanged for a given Store.
	FilterID string
	// Start is where to begin without a checkpoint (default: one hour
	// before the first cycle). It is truncated to the second.
	Start time.Time
	// BatchSize is the most events per handle call (default 500).
	BatchSize int
	// PageSize is the page size of the GET /xdr/v1/event requests (default
	// and maximum MaxLimit).
	PageSize int
	// PollInterval is the wait between cycles once caught up (default 30s).
	PollInterval time.Duration
	// MaxLookback, when positive, skips data older than now-MaxLookback
	// after a long downtime, logging how much at Warn. 0 (the default)
	// never skips: the collector resumes where it stopped, however long ago.
	// It must be more than Delay.
	MaxLookback time.Duration
	// MaxWindow bounds the span of time read per cycle; 0 (the default)
	// reads up to now in one cycle (memory is bounded by MaxWindowEvents
	// anyway). It is
	// at least one second. A cycle whose window ends before now is followed
	// at once by the next.
	MaxWindow time.Duration
	// MaxWindowEvents bounds the events a cycle holds in memory (default
	// 20,000; negative turns the bound off). A window holding more is cut
	// shorter and read again. It must be at least BatchSize.
	MaxWindowEvents int
	// Delay keeps each cycle's upper bound that far behind now, for events
	// that become visible some time after their timestamp (default 0).
	Delay time.Duration
	// RequestsPerMinute paces the collector's requests, with no burst
	// (default DefaultRequestsPerMinute; at most 60000). A negative value,
	// such as -1, turns the pacing off: for a platform known to take more,
	// or a fake in tests. It is ignored when Limiter is set.
	RequestsPerMinute float64
	// Limiter, when set, paces the collector's own requests instead of
	// RequestsPerMinute (*rate.Limiter from golang.org/x/time/rate fits).
	// It applies on top of the client's limiter (WithLimiter), which paces
	// every request of the client.
	Limiter Limiter
	// RetryMin and RetryMax bound the jittered exponential backoff after a
	// failed cycle (defaults 1s and 5m).
	RetryMin, RetryMax time.Duration
	// Logger receives progress (Info), failed cycles and lookback skips
	// (Warn) and details (Debug). Default: the client's logger (see
	// WithLogger).
	Logger *slog.Logger
	// ProgressInterval is the period of the progress line: lag, delivered,
	// checkpoint (default 1m; negative turns it off).
	ProgressInterval time.Duration
}

// maxRequestsPerMinute bounds CollectorConfig.RequestsPerMinute (one
// request per millisecond).
const maxRequestsPerMinute = 60_000

// check validates cfg, naming the bad field.
func (cfg *CollectorConfig) check() error {
	if cfg.Store == nil {
		return errors.New("cfg.Store is required")
	}
	for _, f := range []struct {
		name string
		v    time.Duration
	}{
		{"PollInterval", cfg.PollInterval}, {"MaxLookback", cfg.MaxLookback}, {"MaxWindow", cfg.MaxWindow},
		{"Delay", cfg.Delay}, {"RetryMin", cfg.RetryMin}, {"RetryMax", cfg.RetryMax},
	} {
		if f.v < 0 {
			return fmt.Errorf("cfg.%s %s is negative", f.name, f.v)
		}
	}
	rpm := cfg.RequestsPerMinute
	switch {
	case cfg.FilterID != "" && strings.TrimSpace(cfg.FilterID) != cfg.FilterID:
		return fmt.Errorf("cfg.FilterID %q has leading or trailing white space", cfg.FilterID)
	case !cfg.Start.IsZero() && cfg.Start.Unix() < 0:
		return fmt.Errorf("cfg.Start %s is before 1970", cfg.Start.Format(time.RFC3339))
	case cfg.BatchSize < 0:
		return fmt.Errorf("cfg.BatchSize %d is negative", cfg.BatchSize)
	case cfg.PageSize < 0 || cfg.PageSize > MaxLimit:
		return fmt.Errorf("cfg.PageSize %d is out of range 1..%d (0 means %d)", cfg.PageSize, MaxLimit, MaxLimit)
	case cfg.MaxWindowEvents > 0 && cfg.MaxWindowEvents < cmp.Or(cfg.BatchSize, collect.DefaultBatchSize):
		return fmt.Errorf("cfg.MaxWindowEvents %d is less than the batch size %d", cfg.MaxWindowEvents, cmp.Or(cfg.BatchSize, collect.DefaultBatchSize))
	case cfg.MaxWindow > 0 && cfg.MaxWindow < time.Second:
		return fmt.Errorf("cfg.MaxWindow %s is shorter than a second", cfg.MaxWindow)
	case cfg.MaxLookback > 0 && cfg.MaxLookback <= cfg.Delay:
		return fmt.Errorf("cfg.MaxLookback %s must be more than cfg.Delay %s", cfg.MaxLookback, cfg.Delay)
	case cfg.RetryMin > 0 && cfg.RetryMax > 0 && cfg.RetryMax < cfg.RetryMin:
		return fmt.Errorf("cfg.RetryMax %s is less than cfg.RetryMin %s", cfg.RetryMax, cfg.RetryMin)
	case cfg.Limiter == nil && (math.IsNaN(rpm) || rpm > maxRequestsPerMinute):
		return fmt.Errorf("cfg.RequestsPerMinute %v is out of range: at most %d, negative turns the pacing off", rpm, maxRequestsPerMinute)
	}
	return nil
}

// limiter returns the limiter pacing the collector's requests, nil for
// none.
func (cfg *CollectorConfig) limiter() transport.Limiter {
	switch rpm := cfg.RequestsPerMinute; {
	case cfg.Limiter != nil:
		return cfg.Limiter
	case rpm < 0:
		return nil
	case rpm == 0:
		rpm = DefaultRequestsPerMinute
		fallthrough
	default:
		// A pace below one request per century is taken as that.
		interval := min(float64(time.Minute)/rpm, float64(100*365*24*time.Hour))
		return ratelimit.Every(time.Duration(interval), 1)
	}
}

// Permanent marks an error returned by the Collector's handler as
// permanent: Run stops and returns it instead of delivering the batch again
// after a backoff. Permanent(nil) is nil.
func Permanent(err error) error { return collect.Permanent(err) }

// EventCollector returns a Collector of the events of the tenant, which
// keeps its position in cfg.Store and hands the events to handle in
// batches, in (time, id) order. The checkpoint is saved only after handle
// returns nil; handle must not keep the slice after it returns (the events
// themselves may be kept). Each cycle calls GET /xdr/v1/event with fromDate
// (the checkpoint's second) and toDate (the second after the window's end:
// now, less cfg.Delay, unless cfg.MaxWindow cuts it), paged by offset and
// limit. EventCollector sends no request; it checks cfg and
// names the first bad field in its error.
func (c *Client) EventCollector(cfg CollectorConfig, handle func(ctx context.Context, events []Event) error) (*Collector, error) {
	if c == nil {
		return nil, errors.New("tehtris: EventCollector: client is nil")
	}
	if err := cfg.check(); err != nil {
		return nil, fmt.Errorf("tehtris: EventCollector: %w", err)
	}
	if handle == nil {
		return nil, errors.New("tehtris: EventCollector: handle is nil")
	}
	pageSize := cfg.PageSize
	if pageSize == 0 {
		pageSize = MaxLimit
	}
	logger := cfg.Logger
	if logger == nil {
		logger = c.rest.T.Logger()
	}
	filterID := cfg.FilterID
	e, err := collect.New(collect.Config[Event]{
		Name:        "tehtris events",
		Store:       cfg.Store,
		Key:         func(ev Event) (string, time.Time) { return strconv.FormatInt(ev.ID, 10), ev.Time },
		Granularity: time.Second,
		Fetch: func(ctx context.Context, from, to time.Time) iter.Seq2[Event, error] {
			return fetchWindow(ctx, c, from, to, filterID, pageSize)
		},
		Handle:           handle,
		BatchSize:        cfg.BatchSize,
		PollInterval:     cfg.PollInterval,
		Start:            cfg.Start,
		MaxLookback:      cfg.MaxLookback,
		MaxWindow:        cfg.MaxWindow,
		MaxWindowEvents:  cfg.MaxWindowEvents,
		Delay:            cfg.Delay,
		Limiter:          cfg.limiter(),
		RetryMin:         cfg.RetryMin,
		RetryMax:         cfg.RetryMax,
		Logger:           logger,
		ProgressInterval: cfg.ProgressInterval,
	})
	if err != nil {
		return nil, fmt.Errorf("tehtris: EventCollector: %w", err)
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
	// Skipped is the span of time skipped by CollectorConfig.MaxLookback.
	Skipped time.Duration
	// PeakWindow is the most events one cycle has held in memory.
	PeakWindow int
}

// Stats returns a snapshot of the progress. It is safe to call while Run
// is running.
func (c *Collector) Stats() CollectorStats {
	s := c.engine.Stats()
	return CollectorStats{
		Delivered: s.Delivered, DuplicatesDropped: s.DuplicatesDropped, Cycles: s.Cycles, Errors: s.Errors,
		Checkpoint: s.Checkpoint, Newest: s.Newest, Lag: s.Lag, WalkedTo: s.WalkedTo, Skipped: s.Skipped, PeakWindow: s.PeakWindow,
	}
}
