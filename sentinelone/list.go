package sentinelone

import (
	"context"
	"iter"
	"net/http"
	"net/url"

	"github.com/socgo/xdr/internal/paging"
	"github.com/socgo/xdr/internal/rest"
)

// Page is one page of a list, the result of every List call: its items,
// in server order, the total the server counted and the cursor of the
// next page. The items are values, decoded into one slice per page; an
// All iterator yields them one by one (see the package doc, "Lists").
type Page[T any] struct {
	// Items are the items of the page.
	Items []T
	// Total is the number of matching items, or -1 when the server did
	// not count them (skipCount=true) or sent no total.
	Total int
	// HasMore reports whether another page follows: NextCursor is set.
	HasMore bool
	// NextCursor is the cursor of the next page (the Cursor of the list's
	// options); empty on the last.
	NextCursor string
}

// newPage returns the page of items with the pagination p.
func newPage[T any](items []T, p Pagination) *Page[T] {
	return &Page[T]{Items: items, Total: p.TotalItems, HasMore: p.NextCursor != "", NextCursor: p.NextCursor}
}

// getPage calls GET path with q and returns one page, its items decoded
// with decode (see callPage).
func getPage[T any](ctx context.Context, c *Client, path string, q map[string][]string, decode func([]byte, *T) error) (*Page[T], error) {
	items, p, err := callPage(ctx, c, rest.Request{Method: http.MethodGet, Path: path, Query: q}, decode)
	if err != nil {
		return nil, err
	}
	return newPage(items, p), nil
}

// countOnly calls list with the filters of q (which it changes),
// countOnly=true and no limit or skipCount, and returns the number of
// matching items.
func countOnly[T any](ctx context.Context, q map[string][]string, list func(context.Context, map[string][]string) (*Page[T], error)) (int, error) {
	cq := url.Values(q)
	cq.Set("countOnly", "true")
	cq.Del("limit")
	cq.Del("skipCount")
	pg, err := list(ctx, cq)
	if err != nil {
		return 0, err
	}
	return pg.Total, nil
}

// allPages is the cursor iterator of every list: q holds the filters of the
// first page, and its cursor if the caller gave one; the cursor of each
// next page replaces that first cursor and skip is dropped.
func allPages[T any](ctx context.Context, q map[string][]string, qerr error, list func(context.Context, map[string][]string) (*Page[T], error)) iter.Seq2[T, error] {
	if qerr != nil {
		return func(yield func(T, error) bool) {
			var zero T
			yield(zero, qerr)
		}
	}
	first := url.Values(q).Get("cursor")
	return paging.Cursor(ctx, first, func(ctx context.Context, cursor string) (paging.CursorPage[T], error) {
		pq := make(map[string][]string, len(q)+1)
		for k, v := range q {
			pq[k] = v
		}
		if cursor != "" && cursor != first {
			pq["cursor"] = []string{cursor}
			delete(pq, "skip")
		}
		pg, err := list(ctx, pq)
		if err != nil {
			return paging.CursorPage[T]{}, err
		}
		return paging.CursorPage[T]{Items: pg.Items, Next: pg.NextCursor}, nil
	})
}
