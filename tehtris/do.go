package tehtris

import "context"

// Do sends a request the SDK has no method for yet, with everything the
// other calls get: the API key, retries, rate limiting, the response size
// cap, redaction of secrets and the mapping of a failed answer to an
// *APIError.
//
// method is GET, POST, PUT, PATCH or DELETE. path is the escaped path
// under the client's base URL, starting with "/" ("/xdr/v1/event"; escape
// a dynamic segment with url.PathEscape); an absolute URL, a path with a
// query, a fragment, a "." or ".." segment (also percent-encoded), a
// control character or a backslash is refused, the error naming the
// argument, before any request. query is nil, url.Values, or a struct (or
// a pointer to one) encoded with github.com/google/go-querystring by its
// `url` tags. body is nil, JSON text ([]byte or json.RawMessage, sent as
// is) or a value encoded as JSON (not an io.Reader). out is nil (the
// answer is read and dropped), a *[]byte or *json.RawMessage (set to the
// raw answer, empty for a 204), or a pointer the JSON answer is decoded
// into (an empty answer leaves it as is).
//
// A GET, PUT or DELETE is retried like the other reads; a POST or PATCH is
// not sent again once it may have reached the server (only a 429, which
// the server did not act on, is retried), as for every write of this package.
func (c *Client) Do(ctx context.Context, method, path string, query, body, out any) error {
	return c.rest.Raw(ctx, "tehtris: Do", method, path, query, body, out)
}
