package checkpoint

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// MemoryLeases is a LeaseStore in memory: leases between the goroutines of
// one process, for tests and for several collectors of one program. The
// zero value is ready to use.
type MemoryLeases struct {
	mu      sync.Mutex
	sources map[string]*memLease
}

type memLease struct {
	token   int64
	holder  string
	expires time.Time // monotonic; zero when released
	data    []byte
}

var _ LeaseStore = (*MemoryLeases)(nil)

// Acquire implements LeaseStore.
func (m *MemoryLeases) Acquire(ctx context.Context, source, holder string, ttl time.Duration) (Lease, error) {
	if err := checkLeaseArgs(source, holder, ttl); err != nil {
		return Lease{}, err
	}
	if err := ctx.Err(); err != nil {
		return Lease{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.sources == nil {
		m.sources = map[string]*memLease{}
	}
	e := m.sources[source]
	if e == nil {
		e = &memLease{}
		m.sources[source] = e
	}
	now := time.Now()
	if e.holder != "" && e.holder != holder && now.Before(e.expires) {
		return Lease{}, fmt.Errorf("%w: %s", ErrLeaseHeld, source)
	}
	e.token++
	e.holder, e.expires = holder, now.Add(ttl)
	return Lease{Source: source, Holder: holder, Token: e.token}, nil
}

// current returns the entry of l if l is current and unexpired.
func (m *MemoryLeases) current(l Lease) *memLease {
	e := m.sources[l.Source]
	if e == nil || e.token != l.Token || e.holder == "" || !time.Now().Before(e.expires) {
		return nil
	}
	return e
}

// withCurrent runs fn on l's entry if l is current and unexpired.
func (m *MemoryLeases) withCurrent(ctx context.Context, l Lease, fn func(e *memLease)) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	e := m.current(l)
	if e == nil {
		return lost(l)
	}
	fn(e)
	return nil
}

// Renew implements LeaseStore.
func (m *MemoryLeases) Renew(ctx context.Context, l Lease, ttl time.Duration) error {
	return m.withCurrent(ctx, l, func(e *memLease) { e.expires = time.Now().Add(ttl) })
}

// Release implements LeaseStore.
func (m *MemoryLeases) Release(ctx context.Context, l Lease) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if e := m.sources[l.Source]; e != nil && e.token == l.Token {
		e.holder, e.expires = "", time.Time{}
	}
	return nil
}

// Load implements LeaseStore; it returns a copy.
func (m *MemoryLeases) Load(ctx context.Context, source string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if e := m.sources[source]; e != nil && e.data != nil {
		return append([]byte(nil), e.data...), nil
	}
	return nil, nil
}

// Save implements LeaseStore; it keeps a copy.
func (m *MemoryLeases) Save(ctx context.Context, l Lease, data []byte) error {
	return m.withCurrent(ctx, l, func(e *memLease) { e.data = append([]byte{}, data...) })
}
