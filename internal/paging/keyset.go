package paging

import (
	"context"
	"fmt"
	"iter"
	"slices"
	"time"

	"github.com/socgo/xdr/internal/apierror"
)

// KeysetBound is the part of a list a keyset fetch asks for, on top of the
// caller's own filters. The list is sorted by a time of whole seconds (the
// key) in the walk's direction.
type KeysetBound struct {
	// Edge is zero for the first page: the caller's bounds as they are.
	// Otherwise the fetch keeps only the items whose key is at or past the
	// second Edge in the walk's direction (ascending: key >= Edge;
	// descending: key < Edge+1s).
	Edge time.Time
	// Exact asks for the items of the second Edge only.
	Exact bool
}

// KeysetFetch fetches the items within b, in key order, skipping offset
// items, at most limit; more reports whether the server has more.
type KeysetFetch[T any] func(ctx context.Context, b KeysetBound, offset int) (items []T, more bool, err error)

// KeysetKey returns an item's key (whole seconds) and its unique id.
type KeysetKey[T any] func(T) (time.Time, string)

// maxDensePasses bounds the passes over a second holding more than a page.
const maxDensePasses = 8

// Keyset iterates a list sorted by a time key, every page asking for the
// items from the second of the last item read (the boundary second) and
// skipping the ids already yielded in that second. Unlike offset paging,
// an item read leaving the list (changed by the caller so that it no
// longer matches) moves no other item: every item that matches throughout
// is yielded exactly once.
//
// start is the offset of the first page only. A page whose items all share
// one second that is not finished (a second holding a page or more) is
// completed by reading that second alone by offset, in passes until a
// pass finds nothing new, before any of it is yielded; the walk then moves
// past that second.
func Keyset[T any](ctx context.Context, desc bool, start, limit int, key KeysetKey[T], fetch KeysetFetch[T]) iter.Seq2[T, error] {
	type state struct {
		b      KeysetBound
		offset int
		seen   map[string]struct{} // ids yielded in the second b.Edge
	}
	step := time.Second
	if desc {
		step = -time.Second
	}
	return run(ctx, state{offset: start}, func(ctx context.Context, s state) ([]T, state, bool, error) {
		items, more, err := fetch(ctx, s.b, s.offset)
		if err != nil {
			return nil, s, false, err
		}
		out := items[:0:0]
		for _, it := range items {
			t, id := key(it)
			if _, dup := s.seen[id]; dup && t.Equal(s.b.Edge) {
				continue
			}
			out = append(out, it)
		}
		if len(items) > 0 && !s.b.Edge.IsZero() {
			// A server that honours the bound sends nothing before the
			// boundary second; one that ignores it (and so repeats a
			// page) would make the walk go round for ever.
			firstT, _ := key(items[0])
			if desc && firstT.After(s.b.Edge) || !desc && firstT.Before(s.b.Edge) {
				return out, s, false, fmt.Errorf("page before second %s: the server ignored the bound: %w", s.b.Edge.UTC().Format(time.RFC3339), apierror.ErrPaginationStalled)
			}
		}
		if !more || len(items) == 0 {
			return out, s, false, nil
		}
		firstT, _ := key(items[0])
		lastT, _ := key(items[len(items)-1])
		if !firstT.Equal(lastT) {
			next := state{b: KeysetBound{Edge: lastT}, seen: make(map[string]struct{}, len(items))}
			for _, it := range items {
				if t, id := key(it); t.Equal(lastT) {
					next.seen[id] = struct{}{}
				}
			}
			return out, next, true, nil
		}
		// The whole page lies in one second: read that second alone.
		seen := make(map[string]struct{}, 2*len(items))
		if s.b.Edge.Equal(lastT) {
			for id := range s.seen {
				seen[id] = struct{}{}
			}
		}
		for _, it := range out {
			_, id := key(it)
			seen[id] = struct{}{}
		}
		exact := KeysetBound{Edge: lastT, Exact: true}
		for pass := 0; ; pass++ {
			if pass == maxDensePasses {
				return out, s, false, fmt.Errorf("second %s still changing after %d passes: %w", lastT.UTC().Format(time.RFC3339), pass, apierror.ErrPaginationStalled)
			}
			found := false
			var prev []string
			for offset := 0; ; {
				items, more, err := fetch(ctx, exact, offset)
				if err != nil {
					return out, s, false, err
				}
				ids := make([]string, len(items))
				for i, it := range items {
					t, id := key(it)
					if !t.Equal(lastT) {
						return out, s, false, fmt.Errorf("item of second %s in a read of second %s: the server ignored the bound: %w",
							t.UTC().Format(time.RFC3339), lastT.UTC().Format(time.RFC3339), apierror.ErrPaginationStalled)
					}
					ids[i] = id
				}
				if offset > 0 && len(ids) > 0 && slices.Equal(ids, prev) {
					return out, s, false, fmt.Errorf("second %s: page at offset %d repeats the previous one: %w", lastT.UTC().Format(time.RFC3339), offset, apierror.ErrPaginationStalled)
				}
				prev = ids
				for _, it := range items {
					if _, id := key(it); !has(seen, id) {
						seen[id] = struct{}{}
						out = append(out, it)
						found = true
					}
				}
				offset += len(items)
				if !more || len(items) == 0 {
					break
				}
			}
			if !found {
				break
			}
		}
		return out, state{b: KeysetBound{Edge: lastT.Add(step)}}, true, nil
	})
}

func has(m map[string]struct{}, k string) bool {
	_, ok := m[k]
	return ok
}
