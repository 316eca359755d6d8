package sekoia

import (
	"context"
	"iter"
	"net/http"

	"github.com/socgo/xdr/internal/rest"
)

// customObjects holds the calls the custom verdicts, priorities and fields
// share: a paged list, a read, a write and a deletion under one path.
type customObjects[T any] struct {
	c    *Client
	path string
	// kind names the service in errors ("CustomVerdicts").
	kind string
}

// list returns one page; opts holds the query (url tags) and its page.
func (r customObjects[T]) list(ctx context.Context, opts any, limit, offset int, dir Direction) (*Page[T], error) {
	q, err := listQuery(r.kind+".List", limit, offset, dir, opts)
	if err != nil {
		return nil, err
	}
	return getPage[T](ctx, r.c, r.path, q, offset, limit)
}

// all iterates from offset, limit (0: 100) items per page.
func (r customObjects[T]) all(ctx context.Context, opts any, limit, offset int, dir Direction) iter.Seq2[T, error] {
	if limit == 0 {
		limit = 100
	}
	q, err := listQuery(r.kind+".All", limit, offset, dir, opts)
	if err != nil {
		return errSeq[T](err)
	}
	q.Del("limit")
	q.Del("offset")
	// A short list, read whole before it is yielded: deleting or changing
	// entries inside the loop shifts no offset.
	return snapshotAll(allPages[T](ctx, r.c, r.path, q, offset, limit))
}

func (r customObjects[T]) get(ctx context.Context, uuid string) (*T, error) {
	if err := checkUUID(r.kind+".Get", "uuid", uuid); err != nil {
		return nil, err
	}
	return doOne[T](ctx, r.c, http.MethodGet, r.path+"/"+rest.Seg(uuid), nil, nil)
}

// create posts body to the collection.
func (r customObjects[T]) create(ctx context.Context, body any) (*T, error) {
	return doOne[T](ctx, r.c, http.MethodPost, r.path, nil, body)
}

// update patches the object; uuid was checked by the caller.
func (r customObjects[T]) update(ctx context.Context, uuid string, body any) (*T, error) {
	return doOne[T](ctx, r.c, http.MethodPatch, r.path+"/"+rest.Seg(uuid), nil, body)
}

func (r customObjects[T]) delete(ctx context.Context, uuid string) error {
	if err := checkUUID(r.kind+".Delete", "uuid", uuid); err != nil {
		return err
	}
	_, err := r.c.rest.Do(ctx, rest.Request{Method: http.MethodDelete, Path: r.path + "/" + rest.Seg(uuid)}, nil)
	return err
}
