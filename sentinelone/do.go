package sentinelone

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/socgo/xdr/internal/rest"
)

// Do sends a request the SDK has no method for yet, with everything the
// other calls get: the API token (and its rotation), retries, the
// per-endpoint rate limits, the response size cap, redaction of secrets
// and the mapping of a failed answer to an *APIError, a 2xx whose body
// carries an "errors" array included.
//
// method is GET, POST, PUT, PATCH or DELETE. path is the escaped path
// under the API base (<console>/web/api/v2.1), starting with "/"
// ("/agents"; escape a dynamic segment with url.PathEscape); an absolute
// URL, a path with a query, a fragment, a "." or ".." segment (also
// percent-encoded), a control character or a backslash is refused, the
// error naming the argument, before any request. query is nil,
// url.Values, or a struct (or a pointer to one) encoded with
// github.com/google/go-querystring by its `url` tags. body is nil, JSON
// text ([]byte or json.RawMessage, sent as is) or a value encoded as JSON
// (not an io.Reader; the API wants {"data": {...}, "filter": {...}} for
// most actions). out is nil (the answer is read and dropped), a *[]byte
// or *json.RawMessage (set to the raw answer, empty for a 204), or a
// pointer the JSON answer is decoded into: the whole envelope, {"data",
// "pagination"} (an empty answer leaves it as is).
//
// A GET, PUT or DELETE is retried like the other reads; a POST or PATCH is
// not sent again once it may have reached the server (only a 429, which
// the server did not act on, is retried) unless WithRetryActions is set, as for
// every action of this package.
func (c *Client) Do(ctx context.Context, method, path string, query, body, out any) error {
	const op = "sentinelone: Do"
	r, err := rest.RawRequest(op, method, path, query, body)
	if err != nil {
		return err
	}
	if err := rest.CheckRawOut(op, out); err != nil {
		return err
	}
	if r.Method != http.MethodGet && c.opts.retryActions {
		r.RetrySafe = true
	}
	for attempt := 0; ; attempt++ {
		tok := c.token.Load()
		b, meta, err := c.rest.Fetch(ctx, r)
		if err == nil {
			var env struct {
				Errors []ErrorObject `json:"errors"`
			}
			if json.Unmarshal(b, &env) != nil || len(env.Errors) == 0 {
				return c.rest.DecodeRaw(r, meta, b, out)
			}
			err = bodyError(c, r, meta, env.Errors)
		}
		if attempt == 0 && errors.Is(err, ErrUnauthorized) && c.rotatedSince(ctx, tok) {
			continue
		}
		return err
	}
}
