package sentinelone

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/socgo/xdr/internal/jsonscan"
	"github.com/socgo/xdr/internal/rest"
)

// List pages are what a collector moves in bulk, so they are decoded with
// as little copying as the result allows:
//
//   - the body is read whole by rest.Client.Fetch into one buffer (sized
//     from Content-Length when the server sends it; a body cut short is
//     fetched again, as Fetch documents) and checked once with json.Valid;
//   - the envelope's members are walked in that buffer and each element of
//     "data" is decoded from its own span, which the item keeps as Raw
//     without copying it: the items of one page share that buffer;
//   - the item slice is allocated once, at its final length.
//
// Anything the walk does not handle exactly as encoding/json would (invalid
// or truncated JSON, escaped or differently cased member names, repeated
// members, a "data" that is not an array, an item that fails to decode)
// decodes the buffer again with the general json.Decoder path, so results
// and errors are those encoding/json gives.

// callPage is call for the list endpoints: it sends r (GET) and decodes the
// data array with decode, which may keep the span it is given (never
// modified) rather than copy it. As in call, a 2xx whose body has a
// non-empty "errors" array is an *APIError, and a 401 for a token rotated
// while the request was in flight is sent once more with the new token.
func callPage[T any](ctx context.Context, c *Client, r rest.Request, decode func(span []byte, v *T) error) ([]T, Pagination, error) {
	for attempt := 0; ; attempt++ {
		tok := c.token.Load()
		items, p, err := sendPage(ctx, c, r, decode)
		if err != nil {
			if attempt == 0 && errors.Is(err, ErrUnauthorized) && c.rotatedSince(ctx, tok) {
				continue
			}
			return nil, Pagination{TotalItems: -1}, err
		}
		return items, p, nil
	}
}

func sendPage[T any](ctx context.Context, c *Client, r rest.Request, decode func([]byte, *T) error) ([]T, Pagination, error) {
	body, meta, err := c.rest.Fetch(ctx, r)
	if err != nil {
		return nil, Pagination{}, err
	}
	items, pg, err := decodePage(body, meta.StatusCode == http.StatusNoContent, decode)
	if err != nil {
		return nil, Pagination{}, fmt.Errorf("sentinelone: %s %s: decode %d response: %w", r.Method, r.Path, meta.StatusCode, err)
	}
	if len(pg.errors) > 0 {
		return nil, Pagination{}, bodyError(c, r, meta, pg.errors)
	}
	return items, pg.pagination, nil
}

// decodePage decodes a list response body (none for a 204) in place, or
// with the general decoder when the walk declines it.
func decodePage[T any](body []byte, noContent bool, decode func([]byte, *T) error) ([]T, rawPage, error) {
	pg := rawPage{pagination: Pagination{TotalItems: -1}}
	if noContent {
		return nil, pg, nil
	}
	if pg.walk(body) {
		if items, ok := decodeItems(pg.data, pg.count, decode); ok {
			return items, pg, nil
		}
	}
	var env envelope[[]T]
	if err := json.NewDecoder(bytes.NewReader(body)).Decode(&env); err != nil {
		return nil, pg, err
	}
	pg = rawPage{pagination: Pagination{TotalItems: -1}, errors: env.Errors}
	if env.Pagination != nil {
		pg.pagination = *env.Pagination
	}
	return env.Data, pg, nil
}

// envelopeKeys are the members of an envelope.
var envelopeKeys = [...]string{"data", "pagination", "errors"}

// rawPage is an envelope walked in place.
type rawPage struct {
	data       []byte // the "data" array, or nil
	count      int    // its number of elements
	pagination Pagination
	errors     []ErrorObject
}

// walk reads the envelope in b; false sends b to the general decoder.
func (p *rawPage) walk(b []byte) bool {
	*p = rawPage{pagination: Pagination{TotalItems: -1}}
	if !json.Valid(b) {
		return false
	}
	i := jsonscan.SkipSpace(b, 0)
	if b[i] != '{' {
		return false
	}
	var seen [3]bool
	return members(b, i, func(key string, v []byte) bool {
		k := -1
		switch key {
		case "data":
			k = 0
			if string(v) == "null" {
				break
			}
			n, ok := countElements(v)
			if !ok {
				return false
			}
			p.data, p.count = v, n
		case "pagination":
			k = 1
			var pg *Pagination
			if json.Unmarshal(v, &pg) != nil {
				return false
			}
			if pg != nil {
				p.pagination = *pg
			}
		case "errors":
			k = 2
			if json.Unmarshal(v, &p.errors) != nil {
				return false
			}
		default:
			return !foldMatch(key, envelopeKeys[:])
		}
		if seen[k] {
			return false // a repeated member: encoding/json merges them
		}
		seen[k] = true
		return true
	})
}

// members calls f with every member of the valid object starting at
// b[i] == '{', in order; it stops and returns false when f does, or on an
// escaped member name.
func members(b []byte, i int, f func(key string, v []byte) bool) bool {
	i = jsonscan.SkipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return true
	}
	for {
		kend, ok := jsonscan.StringEnd(b, i)
		if !ok {
			return false
		}
		key := b[i+1 : kend-1]
		if bytes.IndexByte(key, '\\') >= 0 {
			return false
		}
		i = jsonscan.SkipSpace(b, kend)
		i = jsonscan.SkipSpace(b, i+1) // past ':'
		vend, ok := jsonscan.ValueEnd(b, i)
		if !ok || !f(string(key), b[i:vend:vend]) {
			return false
		}
		i = jsonscan.SkipSpace(b, vend)
		if i < len(b) && b[i] == ',' {
			i = jsonscan.SkipSpace(b, i+1)
			continue
		}
		return true
	}
}

// countElements returns the length of the valid array a; false if a is not
// an array.
func countElements(a []byte) (int, bool) {
	if len(a) == 0 || a[0] != '[' {
		return 0, false
	}
	n := 0
	ok := jsonscan.Elements(a, func([]byte) bool { n++; return true })
	return n, ok
}

// decodeItems decodes the n elements of the array data; false on the first
// element decode refuses.
func decodeItems[T any](data []byte, n int, decode func([]byte, *T) error) ([]T, bool) {
	if data == nil {
		return nil, true
	}
	items := make([]T, n)
	i := 0
	ok := jsonscan.Elements(data, func(v []byte) bool {
		if i >= n || decode(v, &items[i]) != nil {
			return false
		}
		i++
		return true
	})
	return items, ok && i == n
}
