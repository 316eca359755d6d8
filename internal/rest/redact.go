package rest

import (
	"bytes"
	"slices"
	"sync/atomic"
	"unicode/utf8"

	"github.com/socgo/xdr/internal/apierror"
)

// redacted replaces a secret in error bodies, messages and logs.
const redacted = "[REDACTED]"

// minSecret is the shortest secret redacted: shorter ones would blank out
// ordinary text.
const minSecret = 4

// redactSecrets replaces in b every occurrence of every secret, in any of
// the forms a server may echo it in: raw, JSON-escaped (\u0041, \u004A,
// \/, \\ …, for any of its characters), percent-encoded (%41, %2f), or a
// mix. Base64 forms (HTTP Basic credentials) are redacted when the caller
// lists them among the secrets. b is returned as is when it holds none.
func redactSecrets(b []byte, secrets []string) []byte {
	for _, s := range secrets {
		if len(s) < minSecret {
			continue
		}
		b = redactOne(b, s)
	}
	return b
}

func redactOne(b []byte, s string) []byte {
	var out []byte // nil until a first match
	last := 0
	for i := 0; i < len(b); {
		c := b[i]
		if c != s[0] && c != '\\' && c != '%' {
			i++
			continue
		}
		end := matchAt(b, i, s)
		if end < 0 {
			i++
			continue
		}
		if out == nil {
			out = make([]byte, 0, len(b))
		}
		out = append(out, b[last:i]...)
		out = append(out, redacted...)
		i, last = end, end
	}
	if out == nil {
		return b
	}
	return append(out, b[last:]...)
}

// matchAt returns the end of the text of b at i that decodes to s, or -1.
func matchAt(b []byte, i int, s string) int {
	var buf [utf8.UTFMax]byte
	for j := 0; j < len(s); {
		if i >= len(b) {
			return -1
		}
		var dec []byte
		n := 1
		switch c := b[i]; {
		case c == '\\' && i+1 < len(b):
			dec, n = jsonEscape(b[i:], buf[:0])
		case c == '%' && i+2 < len(b) && isHex(b[i+1]) && isHex(b[i+2]):
			buf[0] = unhex(b[i+1])<<4 | unhex(b[i+2])
			dec, n = buf[:1], 3
		default:
			dec = b[i : i+1]
		}
		if dec == nil || len(dec) > len(s)-j || !bytes.Equal(dec, []byte(s[j:j+len(dec)])) {
			// Not an escape of what comes next: a '\' or '%' may be a
			// character of the secret itself, in its raw form.
			if b[i] != s[j] {
				return -1
			}
			dec, n = b[i:i+1], 1
		}
		i += n
		j += len(dec)
	}
	return i
}

// jsonEscape decodes the JSON escape at the start of b into buf, returning
// the bytes and the escape's length, or nil.
func jsonEscape(b, buf []byte) ([]byte, int) {
	switch b[1] {
	case '"', '\\', '/':
		return append(buf, b[1]), 2
	case 'n':
		return append(buf, '\n'), 2
	case 't':
		return append(buf, '\t'), 2
	case 'r':
		return append(buf, '\r'), 2
	case 'u':
		if len(b) < 6 {
			return nil, 0
		}
		var r rune
		for _, h := range b[2:6] {
			if !isHex(h) {
				return nil, 0
			}
			r = r<<4 | rune(unhex(h))
		}
		return utf8.AppendRune(buf, r), 6
	}
	return nil, 0
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	}
	return c - 'a' + 10
}

// secrets returns the secrets to redact (nil when none are set).
func (c *Client) secrets() []string {
	if c.Secrets == nil {
		return nil
	}
	return c.Secrets()
}

// RedactString returns s with every form of every secret of c replaced.
func (c *Client) RedactString(s string) string {
	sec := c.secrets()
	if len(sec) == 0 {
		return s
	}
	return string(redactSecrets([]byte(s), sec))
}

// RedactError redacts every text field of e that a server filled (Body,
// Message, Detail, Code, RequestID), for errors built outside Send (a 2xx
// whose body says it failed). extra are the secrets of the one request e
// answers (Request.Secrets), redacted with the client's.
func (c *Client) RedactError(e *apierror.Error, extra ...string) {
	sec := c.secrets()
	if len(extra) > 0 {
		sec = append(slices.Clip(sec), extra...)
	}
	if len(sec) == 0 {
		return
	}
	e.Body = redactSecrets(e.Body, sec)
	for _, f := range []*string{&e.Message, &e.Detail, &e.Code, &e.RequestID} {
		*f = string(redactSecrets([]byte(*f), sec))
	}
}

// WrapError returns err with its message redacted of every secret and the
// URL query and user info of the transport's errors; errors.Is and
// errors.As still see err. It is for errors whose text may hold what a
// server sent (a decoder quoting a value).
func (c *Client) WrapError(err error) error {
	if err == nil {
		return nil
	}
	return redactedErr{err: err, msg: c.RedactString(transportRedact(err))}
}

// redactedErr renders an error without URL query, user info or secrets.
type redactedErr struct {
	err error
	msg string
}

func (r redactedErr) Error() string { return r.msg }
func (r redactedErr) Unwrap() error { return r.err }

// MaxHeld bounds the secrets a Held keeps.
const MaxHeld = 16

// Held is every secret a client has held, newest first (at most MaxHeld),
// so that an echo of a replaced key is still redacted. Its zero value is
// empty; it is safe for concurrent use.
type Held struct{ p atomic.Pointer[[]string] }

// Add records secrets as the newest.
func (h *Held) Add(secrets ...string) {
	for {
		old := h.p.Load()
		next := append([]string(nil), secrets...)
		if old != nil {
			next = append(next, *old...)
		}
		if len(next) > MaxHeld {
			next = next[:MaxHeld]
		}
		if h.p.CompareAndSwap(old, &next) {
			return
		}
	}
}

// List returns the secrets, newest first. It must not be changed.
func (h *Held) List() []string {
	if p := h.p.Load(); p != nil {
		return *p
	}
	return nil
}
