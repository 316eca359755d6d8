package collect

// The window a cycle reads: bounded in events (MaxWindowEvents), sorted by
// (time, id) before delivery.

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/socgo/xdr/internal/transport"
)

// fetchBounded reads the window [from, to], cutting its end until it holds
// at most MaxWindowEvents events (see Memory in the package doc). It
// returns the events sorted by (time, id) and the window actually read:
// more is true when its end lies before the walk's bound.
func (e *Engine[T]) fetchBounded(ctx context.Context, from, to time.Time, more bool) ([]item[T], time.Time, bool, error) {
	limit := e.cfg.MaxWindowEvents
	for {
		items, full, err := e.fetch(ctx, from, to, limit)
		if err != nil {
			return nil, to, false, err
		}
		if !full {
			if e.span > 0 && more && len(items) <= e.cfg.MaxWindowEvents/4 {
				e.span *= 2
			}
			e.mu.Lock()
			e.st.PeakWindow = max(e.st.PeakWindow, len(items))
			e.mu.Unlock()
			return items, to, more, nil
		}
		// items holds limit+1 events of the window, unsorted: cut the window
		// at the middle one's time, or at the middle of the window if that
		// is earlier (so that a window read newest first still halves).
		e.mu.Lock()
		e.st.PeakWindow = max(e.st.PeakWindow, len(items))
		e.st.WindowCuts++
		e.mu.Unlock()
		slices.SortFunc(items, func(a, b item[T]) int { return a.t.Compare(b.t) })
		// The window never gets shorter than its first granule, so that
		// every window moves the position.
		cut := items[len(items)/2].t
		if mid := from.Add(to.Sub(from) / 2); mid.Before(cut) {
			cut = mid
		}
		if first := from.Add(max(e.cfg.Granularity, 1) - 1); cut.Before(first) {
			cut = first
		}
		clear(items)
		e.buf = items[:0]
		if !cut.Before(to) {
			e.log.Warn("collector window of one granule holds more than MaxWindowEvents events; reading it whole",
				"from", from, "to", to, "max_window_events", e.cfg.MaxWindowEvents)
			limit = -1
			continue
		}
		e.log.Debug("collector window cut by MaxWindowEvents", "from", from, "to", to, "cut", cut)
		to, more = cut, true
		e.span = max(to.Sub(from), 1)
	}
}

// fetch reads the window, drops what was already delivered and returns the
// rest sorted by (time, id). When limit is positive and the window holds
// more events than that, it stops reading after limit+1 and returns them
// unsorted with full set.
func (e *Engine[T]) fetch(ctx context.Context, from, to time.Time, limit int) (_ []item[T], full bool, _ error) {
	fctx := ctx
	if e.cfg.Limiter != nil {
		fctx = transport.WithLimiter(ctx, e.cfg.Limiter)
	}
	items := e.buf[:0]
	var dups, outside int64
	for ev, err := range e.cfg.Fetch(fctx, from, to) {
		if err != nil {
			clear(items)
			e.buf = items[:0]
			if ctx.Err() != nil {
				return nil, false, ctx.Err()
			}
			return nil, false, fmt.Errorf("collect: %s: Fetch %s..%s: %w", e.cfg.Name,
				from.Format(time.RFC3339Nano), to.Format(time.RFC3339Nano), err)
		}
		id, t := e.cfg.Key(ev)
		if id == "" {
			clear(items)
			e.buf = items[:0]
			return nil, false, Permanent(fmt.Errorf("collect: %s: Key returned an empty id for an event at %s", e.cfg.Name, t.Format(time.RFC3339Nano)))
		}
		if t.Before(from) || t.After(to) {
			outside++
			continue
		}
		if _, ok := e.seen[id]; ok && e.trunc(t).Equal(from) {
			dups++
			continue
		}
		items = append(items, item[T]{ev: ev, id: id, t: t})
		if limit > 0 && len(items) > limit {
			return items, true, nil
		}
	}
	slices.SortFunc(items, func(a, b item[T]) int {
		if c := a.t.Compare(b.t); c != 0 {
			return c
		}
		return compareID(a.id, b.id)
	})
	// One walk may return an event twice (offset pages shifting under new
	// data): equal (time, id) are now adjacent.
	w := 0
	for i := range items {
		if w > 0 && items[w-1].id == items[i].id && items[w-1].t.Equal(items[i].t) {
			dups++
			continue
		}
		items[w] = items[i]
		w++
	}
	clear(items[w:])
	items = items[:w]
	e.buf = items[:0]
	if outside > 0 {
		e.log.Debug("collector ignored events outside the window", "count", outside, "from", from, "to", to)
	}
	if dups > 0 {
		e.mu.Lock()
		e.st.DuplicatesDropped += dups
		e.mu.Unlock()
	}
	return items, false, nil
}

// compareID orders ids; decimal ids compare as numbers.
func compareID(a, b string) int {
	if len(a) != len(b) && isDecimal(a) && isDecimal(b) {
		return cmp.Compare(len(a), len(b))
	}
	return cmp.Compare(a, b)
}

func isDecimal(s string) bool {
	if s == "" || (s[0] == '0' && len(s) > 1) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
