package rest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strings"

	"github.com/google/go-querystring/query"

	"github.com/socgo/xdr/internal/argcheck"
)

// The raw calls (Client.Do of the API packages) are for endpoints the SDK
// does not cover yet. They take their arguments loosely typed, so every
// one is checked here, before any request, and the error names it.

// rawMethods are the methods a raw call may use.
var rawMethods = map[string]bool{
	http.MethodGet: true, http.MethodPost: true, http.MethodPut: true,
	http.MethodPatch: true, http.MethodDelete: true,
}

// RawRequest checks the arguments of a raw call and returns its Request.
// op prefixes the errors ("sekoia: Do"). See CheckRawPath for path;
// query is nil, url.Values (or map[string][]string) or a struct, or a
// pointer to one, encoded with go-querystring (its `url` tags); body is
// nil, JSON text ([]byte or json.RawMessage) sent as is, or a value
// encoded as JSON.
func RawRequest(op, method, path string, q, body any) (Request, error) {
	if !rawMethods[method] {
		return Request{}, fmt.Errorf("%s: method %s is not one of GET, POST, PUT, PATCH, DELETE", op, argcheck.Quote(method))
	}
	if err := CheckRawPath(path); err != nil {
		return Request{}, fmt.Errorf("%s: path %s %w", op, argcheck.Quote(path), err)
	}
	r := Request{Method: method, Path: path}
	switch v := q.(type) {
	case nil:
	case url.Values:
		r.Query = cloneValues(v)
	case map[string][]string:
		r.Query = cloneValues(v)
	default:
		rv := reflect.ValueOf(q)
		for rv.Kind() == reflect.Pointer && !rv.IsNil() {
			rv = rv.Elem()
		}
		if rv.Kind() == reflect.Pointer {
			break // a nil pointer: no query
		}
		if rv.Kind() != reflect.Struct {
			return Request{}, fmt.Errorf("%s: query is a %T: want url.Values or a struct with url tags", op, q)
		}
		vals, err := query.Values(q)
		if err != nil {
			return Request{}, fmt.Errorf("%s: query: %w", op, err)
		}
		if len(vals) > 0 {
			r.Query = vals
		}
	}
	switch b := body.(type) {
	case nil:
	case io.Reader:
		return Request{}, fmt.Errorf("%s: body is an %T: give the JSON text as []byte, or a value to encode", op, body)
	case json.RawMessage:
		if !json.Valid(b) {
			return Request{}, fmt.Errorf("%s: body is not valid JSON", op)
		}
		r.Body, r.ContentType = bytes.Clone(b), "application/json"
	case []byte:
		if !json.Valid(b) {
			return Request{}, fmt.Errorf("%s: body is not valid JSON", op)
		}
		r.Body, r.ContentType = bytes.Clone(b), "application/json"
	default:
		buf, err := json.Marshal(body)
		if err != nil {
			return Request{}, fmt.Errorf("%s: body: %w", op, err)
		}
		r.Body, r.ContentType = buf, "application/json"
	}
	return r, nil
}

// CheckRawPath reports why path may not be the path of a raw call: it
// must be the escaped path of a resource under the base URL, starting
// with one "/", with no scheme or host, query, fragment, dot segment
// (also percent-encoded), control character, space or backslash, and
// valid percent escapes. The error completes "path %q ".
func CheckRawPath(path string) error {
	switch {
	case path == "":
		return fmt.Errorf("is empty: give the path under the base URL, starting with /")
	case strings.Contains(path, "://"):
		return fmt.Errorf("is an absolute URL: give the path under the client's base URL, starting with /")
	case !strings.HasPrefix(path, "/"):
		return fmt.Errorf("does not start with /")
	case strings.HasPrefix(path, "//"):
		return fmt.Errorf("starts with //, which names a host")
	case strings.ContainsAny(path, "?#"):
		return fmt.Errorf("has a query or fragment: give the query in query")
	case strings.ContainsFunc(path, func(r rune) bool { return r <= ' ' || r == 0x7f || r == '\\' }):
		return fmt.Errorf("has a control character, a space or a backslash")
	}
	if _, err := url.PathUnescape(path); err != nil {
		return fmt.Errorf("has an invalid percent escape")
	}
	if checkPath(path) != nil {
		return fmt.Errorf("has a . or .. segment, which a proxy would resolve")
	}
	return nil
}

// Raw performs a raw call: it checks the arguments (RawRequest,
// CheckRawOut), sends the request with Fetch (so with the client's auth,
// retries, rate limits, body cap, redaction and error mapping) and stores
// the answer in out (DecodeRaw).
func (c *Client) Raw(ctx context.Context, op, method, path string, q, body, out any) error {
	r, err := RawRequest(op, method, path, q, body)
	if err != nil {
		return err
	}
	if err := CheckRawOut(op, out); err != nil {
		return err
	}
	b, meta, err := c.Fetch(ctx, r)
	if err != nil {
		return err
	}
	return c.DecodeRaw(r, meta, b, out)
}

// DecodeRaw stores the body of a raw call's 2xx answer in out: nothing
// when out is nil, a copy of the bytes for *[]byte and *json.RawMessage,
// else the JSON decoded (an empty body leaves out as it is).
func (c *Client) DecodeRaw(r Request, meta Meta, body []byte, out any) error {
	switch o := out.(type) {
	case nil:
		return nil
	case *[]byte:
		*o = bytes.Clone(body)
		return nil
	case *json.RawMessage:
		*o = bytes.Clone(body)
		return nil
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	if err := json.Unmarshal(body, out); err != nil {
		return fmt.Errorf("%s: %s %s: decode %d response: %w", c.Service, r.Method, r.Path, meta.StatusCode, c.WrapError(err))
	}
	return nil
}

// CheckRawOut reports an out a raw call could not decode into: it must be
// nil or a non-nil pointer.
func CheckRawOut(op string, out any) error {
	if out == nil {
		return nil
	}
	if v := reflect.ValueOf(out); v.Kind() != reflect.Pointer || v.IsNil() {
		return fmt.Errorf("%s: out is a %T: want nil or a non-nil pointer", op, out)
	}
	return nil
}

func cloneValues(v map[string][]string) url.Values {
	if len(v) == 0 {
		return nil
	}
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}
