package sentinelone

import (
	"context"
	"iter"
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

// getPage sends r, the request of one list page built by the wire layer,
// and returns the page, its items decoded with decode (see callPage).
func getPage[T any](ctx context.Context, c *Client, r rest.Request, decode func([]byte, *T) error) (*Page[T], error) {
	items, p, err := callPage(ctx, c, r, decode)
	if err != nil {
		return nil, err
	}
	return newPage(items, p), nil
}

// countOnly calls list with r, a list request built with countOnly=true
// and no limit or skipCount, and returns the number of matching items.
func countOnly[T any](ctx context.Context, r rest.Request, list func(context.Context, rest.Request) (*Page[T], error)) (int, error) {
	pg, err := list(ctx, r)
	if err != nil {
		return 0, err
	}
	return pg.Total, nil
}

// allPages is the cursor iterator of every list: r is the request of the
// first page, as the wire layer built it, with the caller's cursor if one
// was given; each next page is r with the cursor of the page before in
// place of that first cursor, and without skip.
func allPages[T any](ctx context.Context, r rest.Request, qerr error, list func(context.Context, rest.Request) (*Page[T], error)) iter.Seq2[T, error] {
	if qerr != nil {
		return func(yield func(T, error) bool) {
			var zero T
			yield(zero, qerr)
		}
	}
	q := r.Query
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
		pr := r
		pr.Query = pq
		pg, err := list(ctx, pr)
		if err != nil {
			return paging.CursorPage[T]{}, err
		}
		return paging.CursorPage[T]{Items: pg.Items, Next: pg.NextCursor}, nil
	})
}
