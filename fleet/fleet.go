// Package fleet runs many collectors across several replicas of a
// program: every replica is given the same list of sources, and each
// source runs in exactly one replica at a time, the one holding its lease
// in a shared checkpoint.LeaseStore (checkpoint.FileLeases on one machine,
// the PostgreSQL store of github.com/socgo/xdr/checkpoint/pgstore across
// machines).
//
// A replica tries, every AcquireEvery, to acquire the lease of each source
// it does not run (in a random order, so replicas share the work), up to
// MaxSources. For each lease it holds it builds the source's collector on
// a Store bound to that lease and runs it. When a replica dies its leases
// expire after TTL, and the next replica to try picks its sources up,
// resuming from their checkpoints; when it stops cleanly (Run's ctx done)
// it saves its checkpoints and releases its leases at once.
//
// A collector works under a lease unchanged: any collector built on a
// checkpoint.Store (tehtris.Collector, sentinelone.Collector) checks the
// lease before it hands a batch to its handler, and its saves are fenced by
// the lease's token, so a replica that lost its lease (expired while it was
// paused, or taken over) can neither save nor deliver another batch.
package fleet

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/socgo/xdr/checkpoint"
)

// Defaults of Config.
const (
	DefaultRetryAfter = time.Minute // Config.RetryAfter
)

// Runner is a collector: Run runs until ctx is done (then returns nil) or
// a permanent error. tehtris.Collector and sentinelone.Collector are
// Runners.
type Runner interface {
	Run(ctx context.Context) error
}

// Source is one source of events, run by one replica at a time.
type Source struct {
	// ID is the source's stable id, the key of its lease and checkpoint
	// ("tehtris/tenant-a"). It must not change between runs.
	ID string
	// New builds the source's collector on store, the source's checkpoint
	// bound to the lease just acquired. It is called on every
	// acquisition; it should not send requests.
	New func(store checkpoint.Store) (Runner, error)
}

// Config configures a Fleet. Leases and Sources are required.
type Config struct {
	// Leases keeps every source's lease and checkpoint. Required.
	Leases checkpoint.LeaseStore
	// Sources lists the sources; every replica should get the same list.
	Sources []Source
	// Holder names this replica in the leases. Default: host name, process
	// id and a random suffix.
	Holder string
	// MaxSources bounds the sources this replica runs at once, so that
	// several replicas share them; 0 means no bound. With N replicas and S
	// sources, a bound of about S/(N-1) keeps every source running when
	// one replica is down.
	MaxSources int
	// TTL and RenewEvery configure the leases (see checkpoint.HoldOptions;
	// defaults 30s and TTL/3). TTL is the longest a source stays without a
	// runner after its replica dies.
	TTL, RenewEvery time.Duration
	// AcquireEvery is the period of the attempts to acquire free sources
	// (jittered by up to a quarter). Default TTL/3.
	AcquireEvery time.Duration
	// RetryAfter is how long this replica leaves a source alone after its
	// collector failed (a permanent error, or New failed); the lease is
	// released so another replica may try. Default 1m.
	RetryAfter time.Duration
	// Logger receives the acquisitions, losses and failures. Nil discards.
	Logger *slog.Logger
}

// Fleet runs a replica's share of the sources. Create it with New.
type Fleet struct {
	cfg Config
	log *slog.Logger

	mu      sync.Mutex
	running map[string]*checkpoint.Held
	backoff map[string]time.Time
}

// New checks cfg and returns a Fleet; it touches no store.
func New(cfg Config) (*Fleet, error) {
	if cfg.Leases == nil {
		return nil, errors.New("fleet: Leases is required")
	}
	if len(cfg.Sources) == 0 {
		return nil, errors.New("fleet: Sources is empty")
	}
	seen := map[string]bool{}
	for i, s := range cfg.Sources {
		if err := checkpoint.CheckSource(s.ID); err != nil {
			return nil, fmt.Errorf("fleet: Sources[%d].ID %s", i, err)
		}
		if seen[s.ID] {
			return nil, fmt.Errorf("fleet: Sources[%d].ID is a duplicate", i)
		}
		seen[s.ID] = true
		if s.New == nil {
			return nil, fmt.Errorf("fleet: Sources[%d].New is nil", i)
		}
	}
	switch {
	case cfg.MaxSources < 0:
		return nil, fmt.Errorf("fleet: MaxSources %d is negative", cfg.MaxSources)
	case cfg.TTL < 0 || cfg.RenewEvery < 0 || cfg.AcquireEvery < 0 || cfg.RetryAfter < 0:
		return nil, errors.New("fleet: TTL, RenewEvery, AcquireEvery and RetryAfter must not be negative")
	}
	if cfg.TTL == 0 {
		cfg.TTL = checkpoint.DefaultLeaseTTL
	}
	if cfg.RenewEvery == 0 {
		cfg.RenewEvery = cfg.TTL / 3
	}
	if cfg.RenewEvery >= cfg.TTL {
		return nil, fmt.Errorf("fleet: RenewEvery %s must be shorter than TTL %s", cfg.RenewEvery, cfg.TTL)
	}
	if cfg.AcquireEvery == 0 {
		cfg.AcquireEvery = cfg.TTL / 3
	}
	if cfg.RetryAfter == 0 {
		cfg.RetryAfter = DefaultRetryAfter
	}
	if cfg.Holder == "" {
		host, _ := os.Hostname()
		cfg.Holder = host + "-" + strconv.Itoa(os.Getpid()) + "-" + strconv.FormatUint(rand.Uint64()%1e6, 10)
	}
	if err := checkpoint.CheckSource(cfg.Holder); err != nil {
		return nil, fmt.Errorf("fleet: Holder %s", err)
	}
	l := cfg.Logger
	if l == nil {
		l = slog.New(slog.DiscardHandler)
	}
	return &Fleet{cfg: cfg, log: l.With("holder", cfg.Holder),
		running: map[string]*checkpoint.Held{}, backoff: map[string]time.Time{}}, nil
}

// Holder returns this replica's name in the leases.
func (f *Fleet) Holder() string { return f.cfg.Holder }

// Running returns the leases this replica holds and runs, sorted by
// source.
func (f *Fleet) Running() []checkpoint.Lease {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]checkpoint.Lease, 0, len(f.running))
	for _, h := range f.running {
		out = append(out, h.Lease())
	}
	slices.SortFunc(out, func(a, b checkpoint.Lease) int {
		switch {
		case a.Source < b.Source:
			return -1
		case a.Source > b.Source:
			return 1
		}
		return 0
	})
	return out
}

// Run runs this replica's share of the sources until ctx is done, then
// stops its collectors (each saves its checkpoint), releases its leases and
// returns nil. Store errors while acquiring are logged and retried.
func (f *Fleet) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	defer wg.Wait()
	for {
		f.acquire(ctx, &wg)
		d := f.cfg.AcquireEvery
		d += rand.N(d/4 + 1)
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
	}
}

// acquire tries the sources this replica does not run, in random order.
func (f *Fleet) acquire(ctx context.Context, wg *sync.WaitGroup) {
	order := rand.Perm(len(f.cfg.Sources))
	for _, i := range order {
		if ctx.Err() != nil {
			return
		}
		src := f.cfg.Sources[i]
		f.mu.Lock()
		_, busy := f.running[src.ID]
		full := f.cfg.MaxSources > 0 && len(f.running) >= f.cfg.MaxSources
		waiting := time.Now().Before(f.backoff[src.ID])
		f.mu.Unlock()
		if full {
			return
		}
		if busy || waiting {
			continue
		}
		h, err := checkpoint.Hold(ctx, f.cfg.Leases, src.ID, f.cfg.Holder,
			checkpoint.HoldOptions{TTL: f.cfg.TTL, RenewEvery: f.cfg.RenewEvery, Logger: f.log})
		switch {
		case errors.Is(err, checkpoint.ErrLeaseHeld):
			continue
		case err != nil:
			if ctx.Err() == nil {
				f.log.Warn("fleet could not acquire a lease", "source", src.ID, "err", err)
			}
			continue
		}
		f.mu.Lock()
		f.running[src.ID] = h
		f.mu.Unlock()
		f.log.Info("fleet acquired a source", "source", src.ID, "token", h.Lease().Token)
		wg.Go(func() { f.run(src, h) })
	}
}

// run runs one source's collector while its lease is held.
func (f *Fleet) run(src Source, h *checkpoint.Held) {
	err := func() error {
		r, err := src.New(h.Store())
		if err != nil {
			return fmt.Errorf("fleet: %s: New: %w", src.ID, err)
		}
		return r.Run(h.Context())
	}()
	lostErr := h.Err()
	rctx, cancel := context.WithTimeout(context.Background(), f.cfg.TTL)
	relErr := h.Release(rctx)
	cancel()
	f.mu.Lock()
	delete(f.running, src.ID)
	if err != nil && !errors.Is(err, checkpoint.ErrLeaseLost) {
		f.backoff[src.ID] = time.Now().Add(f.cfg.RetryAfter)
	}
	f.mu.Unlock()
	switch {
	case err != nil && !errors.Is(err, checkpoint.ErrLeaseLost):
		f.log.Error("fleet source failed; released", "source", src.ID, "err", err, "retry_after", f.cfg.RetryAfter)
	case lostErr != nil:
		f.log.Warn("fleet lost a source's lease", "source", src.ID, "err", lostErr)
	default:
		f.log.Info("fleet released a source", "source", src.ID)
	}
	if relErr != nil {
		f.log.Warn("fleet could not release a lease; it will expire", "source", src.ID, "err", relErr)
	}
}
