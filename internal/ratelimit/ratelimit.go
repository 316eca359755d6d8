// Package ratelimit is a token bucket that satisfies transport.Limiter.
// It waits with the context's clock, so it runs on the fake clock of
// testing/synctest too.
package ratelimit

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// Bucket allows Rate events per second on average with bursts of Burst.
// The zero value is not usable; use New or Every.
type Bucket struct {
	mu     sync.Mutex
	per    time.Duration // time to earn one token
	burst  float64
	tokens float64
	last   time.Time
}

// New returns a bucket of rate events per second and the given burst
// (at least 1). It starts full.
func New(rate float64, burst int) *Bucket {
	if rate <= 0 {
		rate = 1e-9
	}
	return Every(time.Duration(float64(time.Second)/rate), burst)
}

// Every returns a bucket that earns one token every interval.
func Every(interval time.Duration, burst int) *Bucket {
	burst = max(burst, 1)
	return &Bucket{per: max(interval, time.Nanosecond), burst: float64(burst), tokens: float64(burst)}
}

// Wait blocks until a token is available or ctx is done. It fails at once
// when the wait would pass ctx's deadline.
func (b *Bucket) Wait(ctx context.Context) error {
	b.mu.Lock()
	now := time.Now()
	if !b.last.IsZero() {
		b.tokens = min(b.burst, b.tokens+float64(now.Sub(b.last))/float64(b.per))
	}
	b.last = now
	b.tokens--
	var wait time.Duration
	if b.tokens < 0 {
		wait = time.Duration(-b.tokens * float64(b.per))
	}
	if wait == 0 {
		b.mu.Unlock()
		return nil
	}
	if dl, ok := ctx.Deadline(); ok && now.Add(wait).After(dl) {
		b.tokens++ // give the reservation back
		b.mu.Unlock()
		return fmt.Errorf("rate limit wait of %s would pass the context deadline", wait)
	}
	b.mu.Unlock()
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		b.mu.Lock()
		b.tokens++
		b.mu.Unlock()
		return ctx.Err()
	}
}
