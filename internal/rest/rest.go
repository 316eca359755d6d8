// Package rest is the request/response plumbing shared by the API packages:
// it builds the URL under the base, encodes a JSON body, sends through the
// retrying transport, maps a failed response to *apierror.Error (the body
// decoded by the package's own function) and decodes a JSON answer.
package rest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/socgo/xdr/internal/apierror"
	"github.com/socgo/xdr/internal/argcheck"
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
	// Public returns the error the package exposes for e (its APIError,
	// the same value through an identical exported struct type). Nil
	// returns e itself.
	Public func(e *apierror.Error) error

	base   *url.URL
	budget *budget
}

// New returns a Client sending to the base URL of t. The bodies Fetch
// reads at once, across all requests of the Client, hold at most twice
// the transport's MaxBodyBytes: enough for one body of MaxBodyBytes while
// its buffer grows.
func New(service string, t *transport.Client) *Client {
	return &Client{Service: service, T: t, base: t.Base(), budget: newBudget(2 * (t.MaxBodyBytes() + 1))}
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
	// MaxBody caps the body Fetch reads from the answer, below the
	// transport's MaxBodyBytes, for an answer the caller needs only a few
	// fields of; 0 means MaxBodyBytes.
	MaxBody int64
	// Secrets are redacted, with the client's Secrets, from the error of
	// this request: values of its body that the server may echo (a
	// password). They are not kept after the call.
	Secrets []string
}

// bodyCap is the most bytes Fetch reads of the answer to r.
func (c *Client) bodyCap(r Request) int64 {
	if r.MaxBody > 0 {
		return min(r.MaxBody, c.T.MaxBodyBytes())
	}
	return c.T.MaxBodyBytes()
}

// Seg escapes one path segment. A segment that is, or decodes to, "." or
// ".." is refused by Send (ErrDotSegment): callers check their arguments
// with argcheck.IsDotSegment to name the one at fault.
func Seg(s string) string { return url.PathEscape(s) }

// ErrDotSegment is matched by the error of a request whose path has a
// segment that is "." or ".." once percent-decoded; it is not sent.
var ErrDotSegment = errors.New("a path segment is . or .., which a proxy would resolve")

// checkPath reports a dot segment in the escaped path p.
func checkPath(p string) error {
	for seg := range strings.SplitSeq(p, "/") {
		if argcheck.IsDotSegment(seg) {
			return ErrDotSegment
		}
	}
	return nil
}

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
	if err := checkPath(r.Path); err != nil {
		return nil, Meta{}, fmt.Errorf("%s: %s: %w", c.Service, r.Method, err)
	}
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
		return nil, Meta{Attempts: res.Attempts}, fmt.Errorf("%s: %s %s: %w", c.Service, r.Method, r.Path, c.WrapError(err))
	}
	meta := Meta{StatusCode: resp.StatusCode, Header: resp.Header, Attempts: res.Attempts}
	if c.RequestIDHeader != "" {
		meta.RequestID = resp.Header.Get(c.RequestIDHeader)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		defer resp.Body.Close()
		return nil, meta, c.PublicError(c.apiError(req, resp, meta, r.Secrets))
	}
	return resp, meta, nil
}

// Do performs r and decodes a JSON answer into out (unless out is nil or
// the response has no content). The body is read whole first, as Fetch
// does (a request whose body is cut is sent again when that is safe), and
// decoded only once it has all come.
func (c *Client) Do(ctx context.Context, r Request, out any) (Meta, error) {
	if out == nil {
		resp, meta, err := c.Send(ctx, r)
		if err != nil {
			return meta, err
		}
		resp.Body.Close()
		return meta, nil
	}
	body, meta, err := c.Fetch(ctx, r)
	if err != nil || meta.StatusCode == http.StatusNoContent {
		return meta, err
	}
	if err := json.Unmarshal(body, out); err != nil {
		return meta, fmt.Errorf("%s: %s %s: decode %d response: %w", c.Service, r.Method, r.Path, meta.StatusCode, c.WrapError(err))
	}
	return meta, nil
}

// Fetch performs r and returns the whole body of the 2xx answer (empty
// for a 204), for callers that decode it themselves.
//
// When reading the body fails (the connection was cut or reset in the
// middle of it, or the server sent less than its Content-Length), the
// request is sent again if that is safe: its method is idempotent (GET,
// HEAD, PUT, DELETE...) or it is RetrySafe (or its ctx was marked by
// transport.WithRetrySafe), and its Body is not an io.Reader, which could
// not be read twice. It is sent at most the transport's MaxRetries times,
// after the transport's Backoff, and each time is logged at Warn. Only a
// failed read leads to a retry: a body that came whole is returned as it
// is, whatever it holds, and one past the transport's size cap is an
// error at once.
func (c *Client) Fetch(ctx context.Context, r Request) ([]byte, Meta, error) {
	prior := 0 // attempts of the earlier sends
	for retry := 0; ; retry++ {
		resp, meta, err := c.Send(ctx, r)
		meta.Attempts += prior
		if err != nil {
			if ae, ok := apierror.As(err); ok {
				ae.Attempts = meta.Attempts
			}
			return nil, meta, err
		}
		body, rerr := readBody(resp, c.bodyCap(r), c.budget)
		resp.Body.Close()
		if rerr == nil {
			return body, meta, nil
		}
		err = fmt.Errorf("%s: %s %s: read %d response: %w", c.Service, r.Method, r.Path, resp.StatusCode, c.WrapError(rerr))
		wait, ok := c.resend(ctx, r, retry, rerr)
		if !ok {
			return nil, meta, err
		}
		c.T.Logger().LogAttrs(ctx, slog.LevelWarn, "response body cut; sending the request again",
			slog.String("method", r.Method), slog.String("path", c.URL(r.Path, nil).Path), slog.Int("attempt", retry+1),
			slog.Duration("wait", wait), slog.String("error", c.RedactString(transport.RedactError(rerr))))
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, meta, err
		case <-t.C:
		}
		prior = meta.Attempts
	}
}

// resend reports whether r, whose body could not be read (rerr) for the
// retry-th time, may be sent again, and after what wait.
func (c *Client) resend(ctx context.Context, r Request, retry int, rerr error) (time.Duration, bool) {
	if _, reader := r.Body.(io.Reader); reader {
		return 0, false // already read: it cannot be sent twice
	}
	if retry >= c.T.MaxRetries() || ctx.Err() != nil || errors.Is(rerr, transport.ErrBodyTooLarge) ||
		!(r.RetrySafe || transport.SafeToRetry(ctx, r.Method)) {
		return 0, false
	}
	wait := c.T.Backoff(retry)
	if dl, ok := ctx.Deadline(); ok && time.Now().Add(wait).After(dl) {
		return 0, false
	}
	return wait, true
}

// maxPrealloc bounds the buffer ReadAll allocates from a Content-Length
// before any byte has come: a larger body grows its buffer as it arrives.
const maxPrealloc = 32 << 20

// ReadAll reads a whole response body into memory. With a Content-Length
// (up to 32 MiB) it reads into one buffer of exactly that size; a body
// shorter than its Content-Length gives the bytes that came and
// io.ErrUnexpectedEOF.
func ReadAll(resp *http.Response) ([]byte, error) { return readBody(resp, math.MaxInt64-1, nil) }

func (c *Client) apiError(req *http.Request, resp *http.Response, meta Meta, extra []string) *apierror.Error {
	body, _ := io.ReadAll(io.LimitReader(resp.Body, apierror.MaxBody))
	e := &apierror.Error{
		Service:    c.Service,
		StatusCode: resp.StatusCode,
		Method:     req.Method,
		Path:       req.URL.Path,
		RequestID:  meta.RequestID,
		Attempts:   meta.Attempts,
		Body:       body,
	}
	if ra, ok := transport.ParseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
		e.RetryAfter = ra
	}
	// The raw body is decoded before redaction, so an echo escaped in
	// JSON is found once decoded too; every field is redacted after.
	if c.DecodeError != nil {
		c.DecodeError(body, e)
	} else {
		DecodeMessageCode(body, e)
	}
	c.RedactError(e, extra...)
	return e
}

// PublicError returns e as the package's exported error type (see
// Client.Public), for errors built outside Send.
func (c *Client) PublicError(e *apierror.Error) error {
	if c.Public == nil {
		return e
	}
	return c.Public(e)
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

func transportRedact(err error) string { return transport.RedactError(err) }
