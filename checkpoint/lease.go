package checkpoint

import (
	"context"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"
)

// ErrLeaseLost is returned (wrapped) by every call made under a lease that
// has expired, was released, or was taken by another holder since. Match
// it with errors.Is.
var ErrLeaseLost = errors.New("checkpoint: lease lost")

// ErrLeaseHeld is returned (wrapped) by LeaseStore.Acquire when another
// holder's lease on the source has not expired.
var ErrLeaseHeld = errors.New("checkpoint: lease held by another holder")

// Lease is the right to run one source and save its checkpoint.
type Lease struct {
	// Source is the stable id of the source ("tehtris/tenant-a").
	Source string
	// Holder names the process holding the lease (a replica's id).
	Holder string
	// Token is the fencing token: it increases with every acquisition of
	// the source, so a save made with an older token is refused.
	Token int64
}

// LeaseStore keeps the checkpoints of many sources, each guarded by a
// lease with a fencing token. It is the contract for running the same
// sources from several replicas: at most one holder runs a source at a
// time, and a holder whose lease expired or was taken cannot save.
//
// Expiry is decided by the store alone, on its own clock (the database's
// for a database store); holders never compare wall clocks. A holder
// measures its own lease on its monotonic clock from the moment it sent
// the request (see Hold), which ends no later than the store's expiry.
type LeaseStore interface {
	// Acquire takes the lease on source for holder for ttl, if nobody
	// holds it or its lease has expired (or holder itself held it), with a
	// token greater than any given before for source. Otherwise it returns
	// an error matching ErrLeaseHeld.
	Acquire(ctx context.Context, source, holder string, ttl time.Duration) (Lease, error)
	// Renew extends the lease to ttl from now if it is still current and
	// unexpired, or returns an error matching ErrLeaseLost.
	Renew(ctx context.Context, l Lease, ttl time.Duration) error
	// Release ends the lease at once if it is current, so another holder
	// can acquire it without waiting for its expiry. Releasing a lease
	// already lost is not an error.
	Release(ctx context.Context, l Lease) error
	// Load returns the checkpoint of source, or nil and no error if none
	// was ever saved.
	Load(ctx context.Context, source string) ([]byte, error)
	// Save replaces the checkpoint of l.Source if l is current and
	// unexpired, checked and written atomically; otherwise it writes
	// nothing and returns an error matching ErrLeaseLost. It must be
	// durable when it returns nil.
	Save(ctx context.Context, l Lease, data []byte) error
}

// Fenced is a Store bound to a lease (see Held.Store). A collector checks
// CheckLease before it hands a batch to its handler; its saves are fenced
// by the lease's token.
type Fenced interface {
	Store
	// CheckLease returns nil while the lease is held, and an error
	// matching ErrLeaseLost once it is not.
	CheckLease() error
	// Lease returns the lease the store is bound to. A handler may pass
	// its Token on to its sink, so that the sink can refuse the writes of
	// an older holder.
	Lease() Lease
}

// CheckSource reports whether s is usable as a source id or holder name:
// 1 to 200 bytes of UTF-8 with no control characters.
func CheckSource(s string) error {
	switch {
	case s == "":
		return errors.New("is empty")
	case len(s) > 200:
		return fmt.Errorf("is %d bytes long (at most 200)", len(s))
	case !utf8.ValidString(s):
		return errors.New("is not valid UTF-8")
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return fmt.Errorf("holds the control character %U", r)
		}
	}
	return nil
}

// checkLeaseArgs validates Acquire's arguments.
func checkLeaseArgs(source, holder string, ttl time.Duration) error {
	if err := CheckSource(source); err != nil {
		return fmt.Errorf("checkpoint: source %s", err)
	}
	if err := CheckSource(holder); err != nil {
		return fmt.Errorf("checkpoint: holder %s", err)
	}
	if ttl < time.Millisecond {
		return fmt.Errorf("checkpoint: ttl %s is shorter than a millisecond", ttl)
	}
	return nil
}

func lost(l Lease) error {
	return fmt.Errorf("%w: %s (token %d)", ErrLeaseLost, l.Source, l.Token)
}
