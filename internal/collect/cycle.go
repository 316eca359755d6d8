package collect

import (
	"context"
	"fmt"
	"time"

	"github.com/socgo/xdr/checkpoint"
)

func (e *Engine[T]) trunc(t time.Time) time.Time {
	if e.cfg.Granularity > 0 {
		t = t.Truncate(e.cfg.Granularity)
	}
	return t.UTC()
}

// cycle runs one cycle. more reports that the window was cut by MaxWindow
// before now, so the next cycle should start at once.
func (e *Engine[T]) cycle(ctx context.Context) (n int, more bool, err error) {
	e.run.Lock()
	defer e.run.Unlock()
	e.mu.Lock()
	e.st.Cycles++
	e.mu.Unlock()
	defer func() {
		if err != nil && ctx.Err() == nil {
			e.mu.Lock()
			e.st.Errors++
			e.mu.Unlock()
		}
		e.progress()
	}()
	if err := ctx.Err(); err != nil {
		return 0, false, err
	}
	if !e.loaded {
		if err := e.load(ctx); err != nil {
			return 0, false, err
		}
	}
	if e.dirty {
		if err := e.save(ctx); err != nil {
			return 0, false, err
		}
	}

	now := time.Now()
	limit := now.Add(-e.cfg.Delay)
	if e.cfg.MaxLookback > 0 {
		if floor := e.trunc(now.Add(-e.cfg.MaxLookback)); e.pos.Before(floor) {
			skipped := floor.Sub(e.pos)
			e.log.Warn("collector skipping data older than MaxLookback",
				"skipped", skipped, "from", e.pos, "to", floor, "max_lookback", e.cfg.MaxLookback)
			e.mu.Lock()
			e.st.Skipped += skipped
			e.mu.Unlock()
			e.pos, e.seen, e.dirty = floor, map[string]struct{}{}, true
		}
	}
	from, to := e.pos, limit
	if e.cfg.MaxWindow > 0 && from.Add(e.cfg.MaxWindow).Before(to) {
		to, more = from.Add(e.cfg.MaxWindow), true
	}
	if e.span > 0 && from.Add(e.span).Before(to) {
		to, more = from.Add(e.span), true
	}
	if to.Before(from) { // Delay put the bound before the position: nothing to walk yet
		return 0, false, e.saveDirty(ctx)
	}
	if err := e.checkLease(); err != nil {
		return 0, false, err
	}

	items, to, more, err := e.fetchBounded(ctx, from, to, more)
	if err != nil {
		return 0, false, err
	}
	defer clear(items) // drop the engine's references to the events
	for start := 0; start < len(items); start += e.cfg.BatchSize {
		if err := ctx.Err(); err != nil {
			return n, false, err
		}
		if err := e.checkLease(); err != nil {
			return n, false, err
		}
		chunk := items[start:min(start+e.cfg.BatchSize, len(items))]
		batch := make([]T, len(chunk))
		for i := range chunk {
			batch[i] = chunk[i].ev
		}
		if err := e.cfg.Handle(ctx, batch); err != nil {
			return n, false, fmt.Errorf("collect: %s: Handle: %w", e.cfg.Name, err)
		}
		e.accept(chunk)
		n += len(chunk)
		if err := e.save(ctx); err != nil {
			return n, false, err
		}
		e.progress()
	}
	if more {
		// The whole window [from, to] was fetched and delivered, and to is
		// before the walk's bound: move past it even if it held nothing (to
		// the granule after it when it ends at a granule's last instant).
		if g := e.trunc(to.Add(1)); g.After(e.pos) {
			e.pos, e.seen, e.dirty = g, map[string]struct{}{}, true
		}
	}
	if err := e.saveDirty(ctx); err != nil {
		return n, false, err
	}
	e.mu.Lock()
	e.st.WalkedTo = to
	e.mu.Unlock()
	e.log.Debug("collector cycle done", "from", from, "to", to, "delivered", n, "checkpoint", e.pos, "more", more)
	return n, more, nil
}

// checkLease reports a lost lease when the Store is bound to one.
func (e *Engine[T]) checkLease() error {
	f, ok := e.cfg.Store.(checkpoint.Fenced)
	if !ok {
		return nil
	}
	if err := f.CheckLease(); err != nil {
		return fmt.Errorf("collect: %s: %w", e.cfg.Name, err)
	}
	return nil
}

// accept moves the position after Handle accepted chunk (sorted, all at or
// after the position).
func (e *Engine[T]) accept(chunk []item[T]) {
	last := chunk[len(chunk)-1]
	g := e.trunc(last.t)
	if !g.Equal(e.pos) {
		e.pos, e.seen = g, make(map[string]struct{})
	}
	for i := len(chunk) - 1; i >= 0 && !chunk[i].t.Before(g); i-- {
		e.seen[chunk[i].id] = struct{}{}
	}
	e.dirty = true
	e.mu.Lock()
	e.st.Delivered += int64(len(chunk))
	if last.t.After(e.st.Newest) {
		e.st.Newest = last.t
	}
	e.mu.Unlock()
}

func (e *Engine[T]) load(ctx context.Context) error {
	b, err := e.cfg.Store.Load(ctx)
	if err != nil {
		return fmt.Errorf("collect: %s: load checkpoint: %w", e.cfg.Name, err)
	}
	if b == nil {
		start := e.cfg.Start
		if start.IsZero() {
			start = time.Now().Add(-DefaultStartAgo)
		}
		e.pos, e.seen, e.dirty = e.trunc(start), map[string]struct{}{}, true
		e.log.Info("collector starting without a checkpoint", "from", e.pos)
	} else {
		cp, err := decodeCheckpoint(b)
		if err != nil {
			return fmt.Errorf("collect: %s: %w", e.cfg.Name, err)
		}
		e.pos, e.seen = e.trunc(cp.Time), cp.IDs
		e.log.Debug("collector resuming from its checkpoint", "from", e.pos, "boundary_ids", len(e.seen))
		e.mu.Lock()
		e.st.Checkpoint = cp.Time
		e.mu.Unlock()
	}
	e.loaded = true
	return nil
}

func (e *Engine[T]) saveDirty(ctx context.Context) error {
	if !e.dirty {
		return nil
	}
	return e.save(ctx)
}

// save writes the position. It runs detached from ctx's cancellation (but
// bounded by SaveTimeout) so that a batch accepted just before a stop is
// not delivered again.
func (e *Engine[T]) save(ctx context.Context) error {
	b, err := encodeCheckpoint(state{Time: e.pos, IDs: e.seen})
	if err != nil {
		return Permanent(fmt.Errorf("collect: %s: %w", e.cfg.Name, err))
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), e.cfg.SaveTimeout)
	defer cancel()
	if err := e.cfg.Store.Save(sctx, b); err != nil {
		return fmt.Errorf("collect: %s: save checkpoint: %w", e.cfg.Name, err)
	}
	e.dirty = false
	e.mu.Lock()
	e.st.Checkpoint = e.pos
	e.mu.Unlock()
	return nil
}

// progress logs the Info progress line when it is due. The first line
// comes one ProgressInterval after the first cycle.
func (e *Engine[T]) progress() {
	if e.cfg.ProgressInterval < 0 {
		return
	}
	now := time.Now()
	if e.nextPr.IsZero() {
		e.nextPr = now.Add(e.cfg.ProgressInterval)
		return
	}
	if now.Before(e.nextPr) {
		return
	}
	e.nextPr = now.Add(e.cfg.ProgressInterval)
	s := e.Stats()
	e.log.Info("collector progress",
		"lag", s.Lag.Round(time.Millisecond), "delivered", s.Delivered, "duplicates_dropped", s.DuplicatesDropped,
		"checkpoint", s.Checkpoint, "newest", s.Newest, "cycles", s.Cycles, "errors", s.Errors)
}
