// Package rest is the request/response plumbing shared by the API packages:
// it builds the URL under the base, encodes a JSON body, sends through the
// retrying transport, maps a failed response to *apierror.Error (the body
// decoded by the package's own function) and decodes a JSON answer.
package rest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/socgo/xdr/internal/apierror"
	"github.com/socgo/xdr/internal/transport"
)

// Client sends requests under one base URL.
type Client struct {
	// Service names the API in errors ("sekoia").
	Service string
	// T sends the requests.
	T *transport.Client
	// RequestIDHeader is the response header holding the server's request id.
	RequestIDHeader string
	// DecodeError fills Code, Message and Detail of e from a failed body. It
	// may add Sentinels. Nil leaves them empty.
	DecodeError func(body []byte, e *apierror.Error)
	// Secrets are redacted from error bodies and messages.
	Secrets func() []string

	base *url.URL
}

// New returns a Client sending to the base URL of t.
func New(service string, t *transport.Client) *Client {
	return &Client{Service: service, T: t, base: t.Base()}
}

// Request describes one call.
type Request struct {
	Method string
	// Path is appended to the base URL's path; it must start with "/" and
	// have its dynamic segments escaped already (use Seg).
	Path  string
	Query url.Values
	// Body is encoded as JSON unless it is []byte or io.Reader (sent as is,
	// with ContentType).
	Body        any
	ContentType string
	// Header adds request headers.
	Header http.Header
	// RetrySafe marks a non-idempotent request as safe to retry.
	RetrySafe bool
}

// Seg escapes one path segment.
func Seg(s string) string { return url.PathEscape(s) }

// URL returns the absolute URL of path and query under the base.
func (c *Client) URL(path string, q url.Values) *url.URL {
	u := *c.base
	// path is already escaped: it joins the escaped base path, and Path
	// gets the decoded form, so that a segment escaped by Seg ("a%2Fb")
	// is sent as is and never escaped twice.
	raw := strings.TrimSuffix(c.base.EscapedPath(), "/") + path
	if p, err := url.PathUnescape(raw); err == nil {
		u.Path, u.RawPath = p, raw
	} else {
		u.Path, u.RawPath = raw, "" // not valid escaping: escaped as a whole
	}
	u.RawQuery = ""
	if len(q) > 0 {
		u.RawQuery = q.Encode()
	}
	return &u
}

// Meta describes a response that succeeded.
type Meta struct {
	StatusCode int
	Header     http.Header
	RequestID  string
	Attempts   int
}

// Send performs r and returns the open response of a 2xx, or an
// *apierror.Error. The caller closes the body.
func (c *Client) Send(ctx context.Context, r Request) (*http.Response, Meta, error) {
	var body io.Reader
	ct := r.ContentType
	switch b := r.Body.(type) {
	case nil:
	case []byte:
		body = bytes.NewReader(b)
	case io.Reader:
		body = b
	default:
		buf, err := json.Marshal(b)
		if err != nil {
			return nil, Meta{}, fmt.Errorf("%s: encode request body: %w", c.Service, err)
		}
		body = bytes.NewReader(buf)
		if ct == "" {
			ct = "application/json"
		}
	}
	if r.RetrySafe {
		ctx = transport.WithRetrySafe(ctx)
	}
	req, err := http.NewRequestWithContext(ctx, r.Method, c.URL(r.Path, r.Query).String(), body)
	if err != nil {
		return nil, Meta{}, fmt.Errorf("%s: build request: %w", c.Service, err)
	}
	req.Header.Set("Accept", "application/json")
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	for k, vs := range r.Header {
		req.Header[k] = vs
	}
	resp, res, err := c.T.Do(req)
	if err != nil {
		return nil, Meta{Attempts: res.Attempts}, fmt.Errorf("%s: %s %s: %w", c.Service, r.Method, r.Path, redactedErr{err})
	}
	meta := Meta{StatusCode: resp.StatusCode, Header: resp.Header, Attempts: res.Attempts}
	if c.RequestIDHeader != "" {
		meta.RequestID = resp.Header.Get(c.RequestIDHeader)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		defer resp.Body.Close()
		return nil, meta, c.apiError(req, resp, meta)
	}
	return resp, meta, nil
}

// Do performs r and decodes a JSON answer into out (unless out is nil or
// the response has no content).
func (c *Client) Do(ctx context.Context, r Request, out any) (Meta, error) {
	resp, meta, err := c.Send(ctx, r)
	if err != nil {
		return meta, err
	}
	defer resp.Body.Close()
	if out == nil || resp.StatusCode == http.StatusNoContent {
		return meta, nil
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return meta, fmt.Errorf("%s: %s %s: decode %d response: %w", c.Service, r.Method, r.Path, resp.StatusCode, err)
	}
	return meta, nil
}

// ReadAll reads a whole response body into memory.
func ReadAll(resp *http.Response) ([]byte, error) {
	if resp.ContentLength > 0 {
		buf := bytes.NewBuffer(make([]byte, 0, resp.ContentLength+1))
		_, err := buf.ReadFrom(resp.Body)
		return buf.Bytes(), err
	}
	return io.ReadAll(resp.Body)
}

func (c *Client) apiError(req *http.Request, resp *http.Response, meta Meta) *apierror.Error {
	body, _ := io.ReadAll(io.LimitReader(resp.Body, apierror.MaxBody))
	e := &apierror.Error{
		Service:    c.Service,
		StatusCode: resp.StatusCode,
		Method:     req.Method,
		Path:       req.URL.Path,
		RequestID:  meta.RequestID,
		Attempts:   meta.Attempts,
		Body:       c.redact(body),
	}
	if ra, ok := transport.ParseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
		e.RetryAfter = ra
	}
	if c.DecodeError != nil {
		c.DecodeError(e.Body, e)
	} else {
		DecodeMessageCode(e.Body, e)
	}
	e.Message = string(c.redact([]byte(e.Message)))
	e.Detail = string(c.redact([]byte(e.Detail)))
	return e
}

func (c *Client) redact(b []byte) []byte {
	if c.Secrets == nil {
		return b
	}
	for _, s := range c.Secrets() {
		if len(s) >= 4 && bytes.Contains(b, []byte(s)) {
			b = bytes.ReplaceAll(b, []byte(s), []byte("[REDACTED]"))
		}
	}
	return b
}

// DecodeMessageCode reads the common {"message","code","detail"} shape; a
// body that is not JSON becomes the message (trimmed to one line).
func DecodeMessageCode(body []byte, e *apierror.Error) {
	var v struct {
		Message any `json:"message"`
		Code    any `json:"code"`
		Detail  any `json:"detail"`
		Error   any `json:"error"`
	}
	if err := json.Unmarshal(body, &v); err != nil {
		s := strings.TrimSpace(string(body))
		if i := strings.IndexByte(s, '\n'); i >= 0 {
			s = s[:i]
		}
		if len(s) > 200 {
			cut := 200
			for cut > 0 && !utf8.RuneStart(s[cut]) {
				cut-- // never split a character
			}
			s = s[:cut] + "…"
		}
		e.Message = s
		return
	}
	e.Message = text(v.Message)
	if e.Message == "" {
		e.Message = text(v.Error)
	}
	e.Code = text(v.Code)
	e.Detail = text(v.Detail)
}

func text(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case float64:
		return fmt.Sprintf("%.0f", x)
	default:
		b, _ := json.Marshal(x)
		return string(b)
	}
}

// redactedErr renders a transport error without URL query or user info.
type redactedErr struct{ err error }

func (r redactedErr) Error() string { return transport.RedactError(r.err) }
func (r redactedErr) Unwrap() error { return r.err }
