// Package paging turns page-fetching functions into iter.Seq2 iterators,
// for offset and for cursor paging. While the caller consumes one page the
// next is already being fetched (at most one page ahead); an early break
// cancels that fetch and waits for it, so no request outlives the loop.
package paging

import (
	"context"
	"fmt"
	"hash/maphash"
	"iter"

	"github.com/socgo/xdr/internal/apierror"
	"github.com/socgo/xdr/internal/argcheck"
)

// OffsetPage is one page of an offset-paged list.
type OffsetPage[T any] struct {
	Items []T
	// Total is the number of items the server reports, or -1 if unknown.
	Total int
	// Advance is how far the offset moves after this page: the number of
	// raw items the server returned. Zero means len(Items).
	Advance int
	// Last, when true, says the server reported no further page.
	Last bool
	// Fingerprint identifies the page's content, for example
	// Fingerprint(body) of its raw bytes; zero means none. A page with
	// items whose fingerprint equals the previous page's ends the
	// iteration with ErrPaginationStalled, its items not yielded: the
	// server ignores the offset.
	Fingerprint uint64
}

// seed keys the fingerprints of this process; it is never changed.
var seed = maphash.MakeSeed()

// Fingerprint returns a fingerprint of b for OffsetPage.Fingerprint: a
// keyed 64-bit hash (never zero), which costs a small fraction of decoding
// b.
func Fingerprint(b []byte) uint64 {
	return maphash.Bytes(seed, b) | 1
}

// OffsetFetch fetches the page at offset with the given page size.
type OffsetFetch[T any] func(ctx context.Context, offset, limit int) (OffsetPage[T], error)

// Offset iterates an offset-paged list from offset start with page size
// limit. It stops on Last, on an empty page, once the offset reaches a
// known total, or, when no total is known, on a short page.
func Offset[T any](ctx context.Context, start, limit int, fetch OffsetFetch[T]) iter.Seq2[T, error] {
	type state struct {
		offset int
		prev   uint64 // fingerprint of the previous page
	}
	return run(ctx, state{offset: start}, func(ctx context.Context, s state) ([]T, state, bool, error) {
		p, err := fetch(ctx, s.offset, limit)
		if err != nil {
			return nil, s, false, err
		}
		if p.Fingerprint != 0 && p.Fingerprint == s.prev && len(p.Items) > 0 {
			return nil, s, false, fmt.Errorf("the page at offset %d repeats the previous one: %w", s.offset, apierror.ErrPaginationStalled)
		}
		adv := p.Advance
		if adv == 0 {
			adv = len(p.Items)
		}
		next := state{offset: s.offset + adv, prev: p.Fingerprint}
		var more bool
		switch {
		case p.Last || adv == 0:
			// The server said so, or an empty page: nothing further.
		case p.Total >= 0:
			// A known total decides: a short page may only mean that the
			// server caps the page size below limit.
			more = next.offset < p.Total
		default:
			more = adv >= limit
		}
		if more && next.offset <= s.offset {
			return p.Items, s, false, fmt.Errorf("offset %d did not advance: %w", s.offset, apierror.ErrPaginationStalled)
		}
		return p.Items, next, more, nil
	})
}

// CursorPage is one page of a cursor-paged list.
type CursorPage[T any] struct {
	Items []T
	// Next is the cursor of the following page; empty at the end.
	Next string
}

// CursorFetch fetches the page at cursor ("" for the first page).
type CursorFetch[T any] func(ctx context.Context, cursor string) (CursorPage[T], error)

// Cursor iterates a cursor-paged list starting at cursor first. It follows
// cursors through empty pages, stops on an empty cursor, and fails with
// ErrPaginationStalled when the server hands back a cursor it gave before.
func Cursor[T any](ctx context.Context, first string, fetch CursorFetch[T]) iter.Seq2[T, error] {
	type state struct {
		cursor string
		seen   map[string]struct{}
	}
	return run(ctx, state{cursor: first}, func(ctx context.Context, s state) ([]T, state, bool, error) {
		p, err := fetch(ctx, s.cursor)
		if err != nil {
			return nil, s, false, err
		}
		if p.Next == "" {
			return p.Items, s, false, nil
		}
		if s.seen == nil {
			s.seen = make(map[string]struct{}, 8)
			if s.cursor != "" {
				s.seen[s.cursor] = struct{}{}
			}
		}
		if _, dup := s.seen[p.Next]; dup {
			return p.Items, s, false, fmt.Errorf("cursor %q repeated: %w", argcheck.Short(p.Next), apierror.ErrPaginationStalled)
		}
		s.seen[p.Next] = struct{}{}
		return p.Items, state{cursor: p.Next, seen: s.seen}, true, nil
	})
}

// step fetches the page of state s and returns its items, the state of the
// next page, and whether there is one. An error with items yields the items
// first.
type step[T, S any] func(ctx context.Context, s S) ([]T, S, bool, error)

type result[T, S any] struct {
	items []T
	next  S
	more  bool
	err   error
}

func run[T, S any](ctx context.Context, first S, fetch step[T, S]) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		ctx, cancel := context.WithCancel(ctx)
		var pending chan result[T, S]
		defer func() {
			cancel()
			if pending != nil {
				<-pending // the prefetch has returned: no request outlives the loop
			}
		}()
		start := func(s S) chan result[T, S] {
			ch := make(chan result[T, S], 1)
			go func() {
				items, next, more, err := fetch(ctx, s)
				ch <- result[T, S]{items, next, more, err}
			}()
			return ch
		}
		pending = start(first)
		for {
			r := <-pending
			pending = nil
			if r.err == nil && r.more {
				pending = start(r.next) // prefetch while the caller works
			}
			for _, it := range r.items {
				if !yield(it, nil) {
					return
				}
			}
			if r.err != nil {
				var zero T
				yield(zero, r.err)
				return
			}
			if !r.more {
				return
			}
		}
	}
}

// Collect gathers every item of seq, stopping at the first error.
func Collect[T any](seq iter.Seq2[T, error]) ([]T, error) {
	var out []T
	for v, err := range seq {
		if err != nil {
			return out, err
		}
		out = append(out, v)
	}
	return out, nil
}
