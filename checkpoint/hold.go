package checkpoint

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// Defaults of HoldOptions.
const (
	DefaultLeaseTTL = 30 * time.Second // HoldOptions.TTL
)

// HoldOptions configures Hold.
type HoldOptions struct {
	// TTL is the lease's duration from each acquisition or renewal: the
	// longest a source stays without a runner after its holder dies.
	// Default DefaultLeaseTTL; at least a millisecond.
	TTL time.Duration
	// RenewEvery is the period of the background renewal. Default TTL/3;
	// it must be shorter than TTL. A failed renewal is retried every
	// RenewEvery/4 until the lease runs out.
	RenewEvery time.Duration
	// Logger receives a Warn line per failed renewal and when the lease is
	// lost. Nil discards.
	Logger *slog.Logger
}

// Held is a lease being held: renewed in the background until Release, a
// cancelled ctx, or its loss. Its methods are safe for concurrent use.
type Held struct {
	ls    LeaseStore
	lease Lease
	ttl   time.Duration
	every time.Duration
	log   *slog.Logger

	ctx    context.Context
	cancel context.CancelCauseFunc
	done   chan struct{} // closed when the renewal loop has ended

	mu       sync.Mutex
	deadline time.Time // local monotonic end of the lease
	err      error     // set once lost or released
}

// Hold acquires the lease on source for holder and renews it in the
// background. It returns an error matching ErrLeaseHeld when another
// holder has it.
//
// The lease is measured on this process's monotonic clock from the moment
// each acquire or renew request was sent, so it ends here no later than in
// the store, whatever the clocks of the machines say. Once that local
// deadline passes without a successful renewal, or a renewal or save
// reports ErrLeaseLost, the lease is lost for good: Context is cancelled
// with ErrLeaseLost as its cause, Err and the Store's CheckLease and Save
// return ErrLeaseLost, and renewal stops. Acquire again with Hold.
func Hold(ctx context.Context, ls LeaseStore, source, holder string, opt HoldOptions) (*Held, error) {
	if ls == nil {
		return nil, errors.New("checkpoint: Hold: lease store is nil")
	}
	ttl := opt.TTL
	if ttl == 0 {
		ttl = DefaultLeaseTTL
	}
	every := opt.RenewEvery
	if every == 0 {
		every = ttl / 3
	}
	switch {
	case ttl < time.Millisecond:
		return nil, fmt.Errorf("checkpoint: Hold: TTL %s is shorter than a millisecond", ttl)
	case every <= 0 || every >= ttl:
		return nil, fmt.Errorf("checkpoint: Hold: RenewEvery %s must be positive and shorter than TTL %s", every, ttl)
	}
	log := opt.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	start := time.Now()
	l, err := ls.Acquire(ctx, source, holder, ttl)
	if err != nil {
		return nil, err
	}
	hctx, cancel := context.WithCancelCause(ctx)
	h := &Held{ls: ls, lease: l, ttl: ttl, every: every, ctx: hctx, cancel: cancel,
		done: make(chan struct{}), deadline: start.Add(ttl),
		log: log.With("source", l.Source, "token", l.Token)}
	go h.renew()
	return h, nil
}

// Lease returns the lease held.
func (h *Held) Lease() Lease { return h.lease }

// Context returns a context cancelled when the lease is lost or released
// (its cause then matches ErrLeaseLost), or when Hold's ctx is done.
func (h *Held) Context() context.Context { return h.ctx }

// Err returns nil while the lease is held, and an error matching
// ErrLeaseLost once it is lost or released.
func (h *Held) Err() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.errLocked()
}

func (h *Held) errLocked() error {
	if h.err == nil && !time.Now().Before(h.deadline) {
		h.loseLocked(fmt.Errorf("%w: %s (token %d): not renewed in time", ErrLeaseLost, h.lease.Source, h.lease.Token))
	}
	return h.err
}

func (h *Held) loseLocked(err error) {
	if h.err == nil {
		h.err = err
		h.cancel(err)
	}
}

func (h *Held) lose(err error) {
	h.mu.Lock()
	h.loseLocked(err)
	h.mu.Unlock()
}

// renew extends the lease every RenewEvery until it is lost or released.
func (h *Held) renew() {
	defer close(h.done)
	wait := h.every
	for {
		h.mu.Lock()
		left := time.Until(h.deadline)
		h.mu.Unlock()
		t := time.NewTimer(min(wait, max(left, 0)))
		select {
		case <-h.ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		if h.Err() != nil {
			h.log.Warn("lease lost: not renewed in time")
			return
		}
		start := time.Now()
		err := h.ls.Renew(h.ctx, h.lease, h.ttl)
		switch {
		case err == nil:
			h.mu.Lock()
			if h.err == nil {
				h.deadline = start.Add(h.ttl)
			}
			h.mu.Unlock()
			wait = h.every
		case errors.Is(err, ErrLeaseLost):
			h.log.Warn("lease lost", "err", err)
			h.lose(err)
			return
		default:
			if h.ctx.Err() != nil {
				return
			}
			h.log.Warn("lease renewal failed; retrying", "err", err)
			wait = max(h.every/4, time.Millisecond)
		}
	}
}

// Release stops the renewal and hands the lease back to the store at once,
// so another holder can take the source without waiting for the TTL. The
// Store stops saving. Release is idempotent.
func (h *Held) Release(ctx context.Context) error {
	h.lose(fmt.Errorf("%w: %s (token %d): released", ErrLeaseLost, h.lease.Source, h.lease.Token))
	<-h.done
	return h.ls.Release(ctx, h.lease)
}

// Store returns the Store of the source bound to the lease: Load reads the
// source's checkpoint, Save writes it only under the lease (fenced by its
// token in the store) and CheckLease reports a lost lease.
func (h *Held) Store() Fenced { return heldStore{h} }

type heldStore struct{ h *Held }

func (s heldStore) CheckLease() error { return s.h.Err() }

func (s heldStore) Lease() Lease { return s.h.lease }

func (s heldStore) Load(ctx context.Context) ([]byte, error) {
	return s.h.ls.Load(ctx, s.h.lease.Source)
}

func (s heldStore) Save(ctx context.Context, data []byte) error {
	if err := s.h.Err(); err != nil {
		return err
	}
	err := s.h.ls.Save(ctx, s.h.lease, data)
	if errors.Is(err, ErrLeaseLost) {
		s.h.lose(err)
	}
	return err
}
