package sentinelone

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/socgo/xdr/internal/jsonpage"
	"github.com/socgo/xdr/internal/jsonscan"
	"github.com/socgo/xdr/internal/rest"
)

// List pages are what a collector moves in bulk, so they are decoded with
// as little copying as the result allows (see internal/jsonpage):
//
//   - the body is read whole by rest.Client.Fetch into one buffer (sized
//     from Content-Length when the server sends it; a body cut short is
//     fetched again, as Fetch documents);
//   - one jsontext.Decoder walks that buffer, checking the JSON as it goes:
//     each element of "data" is decoded straight into its item (agents) or
//     cut out and decoded from its own span by the item's decoder, and the
//     item keeps its span as Raw without copying it: the items of one page
//     share that buffer.
//
// Anything the walk does not handle exactly as encoding/json would (invalid
// or truncated JSON, escaped or differently cased envelope member names,
// repeated members, a "data" that is not an array, an item that fails to
// decode) decodes the buffer again with the general json.Decoder path, so
// results and errors are those encoding/json gives.

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
	if items, ok := decodeInPlace(body, &pg, decode); ok {
		return items, pg, nil
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

// decodeInPlace decodes body in one walk: items whose pointer is a
// streamItem are decoded straight from the page's decoder, the others cut
// out first and then decoded from their spans. False sends body to the
// general decoder.
func decodeInPlace[T any](body []byte, pg *rawPage, decode func([]byte, *T) error) ([]T, bool) {
	var items []T
	var spans [][]byte
	_, stream := any((*T)(nil)).(streamItem)
	ok := pg.walk(body, func(dec *jsontext.Decoder) error {
		if stream {
			if items == nil {
				items = make([]T, 0, countElements(body, int(dec.InputOffset())))
			}
			items = append(items, *new(T))
			return any(&items[len(items)-1]).(streamItem).decodeFrom(dec, body)
		}
		v, err := jsonpage.Value(dec, body)
		spans = append(spans, v)
		return err
	})
	switch {
	case !ok:
		return nil, false
	case !pg.data:
		return nil, true
	case stream:
		if items == nil {
			items = []T{}
		}
		return items, true
	}
	items = make([]T, len(spans))
	for i, v := range spans {
		if decode(v, &items[i]) != nil {
			return nil, false
		}
	}
	return items, true
}

// streamItem is the pointer to an item decoded straight from the page's
// decoder.
type streamItem interface {
	// decodeFrom decodes the next value of dec, read over page, as
	// encoding/json would, and keeps its bytes in page as Raw.
	decodeFrom(dec *jsontext.Decoder, page []byte) error
}

// decodeSpanAs decodes span into v (an item seen as its type without
// methods) as encoding/json would, and sets *raw, the item's Raw, to span.
// On error v may be partly filled.
func decodeSpanAs[A any](span []byte, v *A, raw *json.RawMessage) error {
	var zero A
	*v = zero
	if err := jsonpage.Unmarshal(span, v); err != nil {
		return err
	}
	*raw = span
	return nil
}

// decodeFromAs is decodeSpanAs for an item decoded straight from the
// page's decoder (a streamItem).
func decodeFromAs[A any](dec *jsontext.Decoder, page []byte, v *A, raw *json.RawMessage) error {
	r, err := jsonpage.Decode(dec, page, v)
	*raw = r
	return err
}

// envelopeKeys are the members of an envelope.
var envelopeKeys = [...]string{"data", "pagination", "errors"}

// rawPage is an envelope walked in place.
type rawPage struct {
	data       bool // "data" is an array
	pagination Pagination
	errors     []ErrorObject
}

// walk reads the envelope in b in one pass of a jsontext.Decoder, which
// checks the JSON as it goes: elem reads each element of "data";
// "pagination" and "errors" are decoded. False sends b to the general
// decoder.
func (p *rawPage) walk(b []byte, elem func(*jsontext.Decoder) error) bool {
	*p = rawPage{pagination: Pagination{TotalItems: -1}}
	dec := jsonpage.NewDecoder(b)
	if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '{' {
		return false
	}
	var seen [3]bool
	for dec.PeekKind() == '"' {
		key, escaped, err := jsonpage.Name(dec)
		if err != nil || escaped {
			return false
		}
		k := -1
		switch string(key) {
		case "data":
			k = 0
			if seen[0] {
				return false
			}
			if dec.PeekKind() == 'n' {
				if _, err := dec.ReadToken(); err != nil {
					return false
				}
				break
			}
			if ok, err := jsonpage.Array(dec, func() error { return elem(dec) }); !ok || err != nil {
				return false
			}
			p.data = true
		case "pagination":
			k = 1
			v, err := dec.ReadValue()
			var pg *Pagination
			if err != nil || json.Unmarshal(v, &pg) != nil {
				return false
			}
			if pg != nil {
				p.pagination = *pg
			}
		case "errors":
			k = 2
			v, err := dec.ReadValue()
			if err != nil || json.Unmarshal(v, &p.errors) != nil {
				return false
			}
		default:
			if foldMatch(string(key), envelopeKeys[:]) || dec.SkipValue() != nil {
				return false
			}
		}
		if k >= 0 {
			if seen[k] {
				return false // a repeated member: encoding/json merges them
			}
			seen[k] = true
		}
	}
	tok, err := dec.ReadToken()
	return err == nil && tok.Kind() == '}'
}

// foldMatch reports whether encoding/json may match the member name key
// (unescaped) to one of keys, none equal to it: one of them is equal to it
// without regard to ASCII case, or key has a byte outside ASCII, which
// encoding/json may fold to an ASCII letter (U+0130 to "I", U+212A to
// "K"...).
func foldMatch(key string, keys []string) bool {
	for i := 0; i < len(key); i++ {
		if key[i] >= utf8.RuneSelf {
			return true
		}
	}
	for _, k := range keys {
		if strings.EqualFold(k, key) {
			return true
		}
	}
	return false
}

// countElements returns the number of elements of the array whose first
// element starts after offset i of page (just past its '[' and any white
// space): one scan that spares the item slice its growth.
func countElements(page []byte, i int) int {
	j := i - 1
	for j >= 0 && page[j] != '[' {
		j--
	}
	n := 0
	if j >= 0 {
		jsonscan.Elements(page[j:], func([]byte) bool { n++; return true })
	}
	return n
}
