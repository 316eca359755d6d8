package sekoia

import (
	"context"
	"net/url"

	"github.com/socgo/xdr/internal/rest"
)

// doOne sends one request and decodes its answer into a new T.
func doOne[T any](ctx context.Context, c *Client, httpMethod, path string, q url.Values, body any) (*T, error) {
	var out T
	if _, err := c.rest.Do(ctx, rest.Request{Method: httpMethod, Path: path, Query: q, Body: body}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
