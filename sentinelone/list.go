package sentinelone

import (
	"context"
	"iter"
	"net/http"
	"net/url"

	"github.com/socgo/xdr/internal/paging"
	"github.com/socgo/xdr/internal/rest"
)

// pageData is the shape of every XxxPage type (ActivityPage, ThreatPage,
// AgentPage): the items of one page, the total (-1 if not counted) and the
// cursor of the next page. The page types convert to and from it, so they
// keep exactly these fields.
type pageData[T any] struct {
	Items      []T
	Total      int
	NextCursor string
}

// listPage is satisfied by the XxxPage types of items T.
type listPage[T any] interface {
	~struct {
		Items      []T
		Total      int
		NextCursor string
	}
}

// getPage calls GET path with q and returns one page, its items decoded
// with decode (see callPage).
func getPage[P listPage[T], T any](ctx context.Context, c *Client, path string, q map[string][]string, decode func([]byte, *T) error) (*P, error) {
	items, p, err := callPage(ctx, c, rest.Request{Method: http.MethodGet, Path: path, Query: q}, decode)
	if err != nil {
		return nil, err
	}
	pg := P(pageData[T]{Items: items, Total: p.TotalItems, NextCursor: p.NextCursor})
	return &pg, nil
}

// countOnly calls list with the filters of q (which it changes),
// countOnly=true and no limit or skipCount, and returns the number of
// matching items.
func countOnly[P listPage[T], T any](ctx context.Context, q map[string][]string, list func(context.Context, map[string][]string) (*P, error)) (int, error) {
	cq := url.Values(q)
	cq.Set("countOnly", "true")
	cq.Del("limit")
	cq.Del("skipCount")
	pg, err := list(ctx, cq)
	if err != nil {
		return 0, err
	}
	return pageData[T](*pg).Total, nil
}

// allPages is the cursor iterator of every list: q holds the filters of the
// first page, and its cursor if the caller gave one; the cursor of each
// next page replaces that first cursor and skip is dropped.
func allPages[P listPage[T], T any](ctx context.Context, q map[string][]string, qerr error, list func(context.Context, map[string][]string) (*P, error)) iter.Seq2[T, error] {
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
		d := pageData[T](*pg)
		return paging.CursorPage[T]{Items: d.Items, Next: d.NextCursor}, nil
	})
}
