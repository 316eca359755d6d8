package sentinelone

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"time"

	"github.com/socgo/xdr/checkpoint"
	"github.com/socgo/xdr/internal/collect"
)

// Granularity is the resolution at which collectors re-read their
// boundary: one millisecond.
//
// The API stores and returns times with microseconds and a createdAt__gte
// bound with microseconds would be exact if the console compares at that
// precision. That is not documented, and the __between operator works in
// milliseconds, which suggests millisecond comparisons in places. A
// collector therefore resumes at the start of the millisecond of its
// checkpoint and drops the ids it already delivered there: with a
// millisecond bound the re-read is exact whether the console compares in
// milliseconds or microseconds, and costs only the events of one
// millisecond.
const Granularity = time.Millisecond

// CollectorConfig configures a collector. Store is required; every other
// field has a default.
type CollectorConfig struct {
	// Store keeps the checkpoint between runs (checkpoint.NewFile, or your
	// own database). One Store per collector: activities and threats need
	// one each. For several replicas use a Store bound to a lease (package
	// fleet): saves are then fenced and Run returns an error matching
	// checkpoint.ErrLeaseLost once the lease is lost.
	Store checkpoint.Store
	// Start is where to begin without a checkpoint (default: one hour ago).
	Start time.Time
	// BatchSize is the most events per Handle call (default 500).
	BatchSize int
	// PageSize is the page size of the list requests (default 1000).
	PageSize int
	// PollInterval is the wait between cycles once caught up (default 30s).
	PollInterval time.Duration
	// MaxLookback, when positive, skips data older than now-MaxLookback
	// after a long downtime, logging how much at Warn. 0 (the default)
	// never skips: the collector resumes where it stopped, however long ago.
	MaxLookback time.Duration
	// MaxWindow bounds the span of time read per cycle; 0 reads up to now
	// in one cycle (memory is bounded by MaxWindowEvents anyway).
	MaxWindow time.Duration
	// MaxWindowEvents bounds the events a cycle holds in memory (default
	// 20,000; negative turns the bound off): a window holding more is cut
	// shorter and read again, with no loss and the same order. It must be
	// at least BatchSize.
	MaxWindowEvents int
	// Delay keeps each cycle's upper bound that far behind now, for events
	// that become visible some time after their timestamp (default 0).
	Delay time.Duration
	// Limiter, when set, paces the collector's own requests (on top of the
	// client's per-path limits).
	Limiter Limiter
	// RetryMin and RetryMax bound the backoff after a failed cycle
	// (defaults 1s and 5m).
	RetryMin, RetryMax time.Duration
	// Logger receives progress (Info), retries (Warn) and details (Debug).
	Logger *slog.Logger
	// ProgressInterval is the period of the progress line (default 1m;
	// negative turns it off).
	ProgressInterval time.Duration
}

// Collector pulls new events since a checkpoint and hands them to a Handle
// function in (time, id) order, saving the checkpoint only after Handle
// accepted them.
//
// Guarantees: nothing visible in the API is skipped (no lookback clamp
// unless MaxLookback is set); events sharing a timestamp across a batch or
// a restart are delivered once, by re-reading the boundary millisecond and
// dropping the ids already delivered there; a Handle error delivers the
// same batch again after a backoff; a stop by ctx still saves the
// checkpoint of an accepted batch. Exactly once across restarts, except
// when the process dies between Handle's return and the checkpoint save
// that follows (that batch is delivered again).
//
// The order of the API's answers is not relied upon: each cycle reads its
// window completely and sorts it. A cycle holds at most MaxWindowEvents
// events (20,000 by default), however long the collector was down.
type Collector[T any] struct {
	e *collect.Engine[T]
}

// Run runs cycles until ctx is done (then returns nil) or until a
// permanent error (a corrupt checkpoint), which it returns. Failed cycles
// (API errors, Handle or Store errors) are retried with a backoff.
func (c *Collector[T]) Run(ctx context.Context) error { return c.e.Run(ctx) }

// RunOnce runs one cycle: reads the window since the checkpoint, delivers
// it in batches and checkpoints after each. It returns the number of events
// delivered. It does not retry.
func (c *Collector[T]) RunOnce(ctx context.Context) (int, error) { return c.e.RunOnce(ctx) }

// CollectorStats is a snapshot of a collector's progress.
type CollectorStats struct {
	// Delivered counts events accepted by Handle; DuplicatesDropped the
	// events read again at the boundary and not delivered.
	Delivered, DuplicatesDropped int64
	// Cycles and Errors count cycles and failed cycles.
	Cycles, Errors int64
	// Checkpoint is the position last saved; Newest the time of the newest
	// event delivered; Lag is now minus Newest.
	Checkpoint, Newest time.Time
	Lag                time.Duration
	// Skipped is the time skipped by MaxLookback.
	Skipped time.Duration
	// PeakWindow is the most events one cycle has held in memory.
	PeakWindow int
}

// Stats returns a snapshot of the progress.
func (c *Collector[T]) Stats() CollectorStats {
	s := c.e.Stats()
	return CollectorStats{Delivered: s.Delivered, DuplicatesDropped: s.DuplicatesDropped, Cycles: s.Cycles, Errors: s.Errors,
		Checkpoint: s.Checkpoint, Newest: s.Newest, Lag: s.Lag, Skipped: s.Skipped, PeakWindow: s.PeakWindow}
}

func newCollector[T any](name string, cfg CollectorConfig, key func(T) (string, time.Time),
	fetch func(ctx context.Context, from, to time.Time) iter.Seq2[T, error],
	handle func(ctx context.Context, batch []T) error) (*Collector[T], error) {
	if cfg.Store == nil {
		return nil, fmt.Errorf("sentinelone: %s collector: Store is required", name)
	}
	if handle == nil {
		return nil, fmt.Errorf("sentinelone: %s collector: handle is nil", name)
	}
	if cfg.PageSize < 0 || cfg.PageSize > MaxLimit {
		return nil, fmt.Errorf("sentinelone: %s collector: PageSize %d is out of range 0..%d", name, cfg.PageSize, MaxLimit)
	}
	e, err := collect.New(collect.Config[T]{
		Name: "sentinelone " + name, Store: cfg.Store, Key: key, Fetch: fetch, Granularity: Granularity,
		Handle: handle, BatchSize: cfg.BatchSize, PollInterval: cfg.PollInterval, Start: cfg.Start,
		MaxLookback: cfg.MaxLookback, MaxWindow: cfg.MaxWindow, MaxWindowEvents: cfg.MaxWindowEvents, Delay: cfg.Delay, Limiter: cfg.Limiter,
		RetryMin: cfg.RetryMin, RetryMax: cfg.RetryMax, Logger: cfg.Logger, ProgressInterval: cfg.ProgressInterval,
	})
	if err != nil {
		return nil, fmt.Errorf("sentinelone: %s collector: %w", name, err)
	}
	return &Collector[T]{e: e}, nil
}

var errCollectorFilter = errors.New("the collector sets the time bounds, cursor, skip and sort itself; leave them empty in the filter")

// ActivityCollector returns a collector of activities, followed by
// createdAt (the API has no updatedAt filter for activities). filter
// narrows what is collected (activity types, sites…); nil collects every
// activity. Each cycle calls GET /activities with createdAt__gte (the
// checkpoint's millisecond), createdAt__lte (now), sortBy=createdAt and
// sortOrder=asc, following the cursor.
func (c *Client) ActivityCollector(cfg CollectorConfig, filter *ActivityListOptions, handle func(ctx context.Context, batch []Activity) error) (*Collector[Activity], error) {
	var base ActivityListOptions
	if filter != nil {
		base = *filter
		if !base.CreatedAfter.IsZero() || !base.CreatedSince.IsZero() || !base.CreatedBefore.IsZero() || !base.CreatedUntil.IsZero() ||
			base.CreatedBetween != nil || base.Cursor != "" || base.Skip != 0 || base.SortBy != "" || base.SortOrder != "" {
			return nil, fmt.Errorf("sentinelone: ActivityCollector: %w", errCollectorFilter)
		}
		if _, err := base.activitiesRequest("ActivityCollector", false); err != nil {
			return nil, err
		}
	}
	base.Limit = cfg.PageSize
	base.SortBy, base.SortOrder = "createdAt", SortAsc
	fetch := func(ctx context.Context, from, to time.Time) iter.Seq2[Activity, error] {
		o := base
		o.CreatedSince, o.CreatedUntil = from, to
		return c.Activities.All(ctx, &o)
	}
	key := func(a Activity) (string, time.Time) { return a.ID, a.CreatedAt }
	return newCollector("activities", cfg, key, fetch, handle)
}

// ThreatMode selects which threats a threat collector follows.
type ThreatMode int

// Threat collector modes.
const (
	// NewThreats follows threats by creation (threatInfo.createdAt): each
	// threat is delivered once, as first seen.
	NewThreats ThreatMode = iota + 1
	// ChangedThreats follows threats by their last change
	// (threatInfo.updatedAt): a threat is delivered again every time its
	// status, verdict or mitigation changes, so its current state reaches
	// the sink. Its identity is (id, updatedAt).
	ChangedThreats
)

// String returns "new threats" or "changed threats".
func (m ThreatMode) String() string {
	switch m {
	case NewThreats:
		return "new threats"
	case ChangedThreats:
		return "changed threats"
	}
	return fmt.Sprintf("ThreatMode(%d)", int(m))
}

// ThreatCollector returns a collector of threats: new ones (by
// threatInfo.createdAt) or changed ones (by threatInfo.updatedAt). The
// time always comes from threatInfo: v2.1 threats have no top-level
// createdAt. filter narrows what is collected; nil collects every threat.
// Each cycle calls GET /threats with createdAt__gte/__lte (or
// updatedAt__gte/__lte), sorted ascending on that field, following the
// cursor.
func (c *Client) ThreatCollector(cfg CollectorConfig, mode ThreatMode, filter *ThreatListOptions, handle func(ctx context.Context, batch []Threat) error) (*Collector[Threat], error) {
	var base ThreatListOptions
	if filter != nil {
		base = *filter
		if !base.CreatedAfter.IsZero() || !base.CreatedSince.IsZero() || !base.CreatedBefore.IsZero() || !base.CreatedUntil.IsZero() ||
			!base.UpdatedAfter.IsZero() || !base.UpdatedSince.IsZero() || !base.UpdatedBefore.IsZero() || !base.UpdatedUntil.IsZero() ||
			base.Cursor != "" || base.Skip != 0 || base.SortBy != "" || base.SortOrder != "" {
			return nil, fmt.Errorf("sentinelone: ThreatCollector: %w", errCollectorFilter)
		}
		if _, err := base.threatsRequest("ThreatCollector", false); err != nil {
			return nil, err
		}
	}
	base.Limit = cfg.PageSize
	base.SortOrder = SortAsc
	var fetch func(ctx context.Context, from, to time.Time) iter.Seq2[Threat, error]
	var key func(Threat) (string, time.Time)
	switch mode {
	case NewThreats:
		base.SortBy = "createdAt"
		fetch = func(ctx context.Context, from, to time.Time) iter.Seq2[Threat, error] {
			o := base
			o.CreatedSince, o.CreatedUntil = from, to
			return c.Threats.All(ctx, &o)
		}
		key = func(t Threat) (string, time.Time) { return t.ID, t.CreatedAt() }
	case ChangedThreats:
		base.SortBy = "updatedAt"
		fetch = func(ctx context.Context, from, to time.Time) iter.Seq2[Threat, error] {
			o := base
			o.UpdatedSince, o.UpdatedUntil = from, to
			return c.Threats.All(ctx, &o)
		}
		key = func(t Threat) (string, time.Time) { return t.ID + "@" + FormatTime(t.UpdatedAt()), t.UpdatedAt() }
	default:
		return nil, fmt.Errorf("sentinelone: ThreatCollector: mode %d is not NewThreats or ChangedThreats", int(mode))
	}
	return newCollector(mode.String(), cfg, key, fetch, handle)
}
