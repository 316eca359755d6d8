package rest

import (
	"fmt"
	"io"
	"net/http"
	"sync/atomic"

	"github.com/socgo/xdr/internal/transport"
)

// budget bounds the bytes of the response bodies a client is reading at
// once, across all its requests: parallel requests share it, so that a
// server answering each of them with a huge body gets no more memory than
// one request could use.
type budget struct{ left atomic.Int64 }

func newBudget(n int64) *budget {
	b := &budget{}
	b.left.Store(n)
	return b
}

// take reserves n bytes, or reports that they are not free.
func (b *budget) take(n int64) bool {
	if b == nil {
		return true
	}
	for {
		left := b.left.Load()
		if left < n {
			return false
		}
		if b.left.CompareAndSwap(left, left-n) {
			return true
		}
	}
}

// give frees n bytes.
func (b *budget) give(n int64) {
	if b != nil {
		b.left.Add(n)
	}
}

// minBuf is the first buffer of a body without a Content-Length.
const minBuf = 512

// readBody reads a whole response body of at most limit bytes. A
// Content-Length over limit fails at once; a body longer than limit fails
// once limit+1 bytes have come. The buffer grows as bytes come (from the
// Content-Length, up to 32 MiB, when there is one) and every buffer is
// reserved in b while the body is read; a reservation b cannot grant
// fails too. Both failures match transport.ErrBodyTooLarge. A body shorter
// than its Content-Length (up to 32 MiB; the HTTP body reader itself
// reports a larger one that falls short) gives the bytes that came and
// io.ErrUnexpectedEOF.
func readBody(resp *http.Response, limit int64, b *budget) ([]byte, error) {
	cl := resp.ContentLength
	if cl > limit {
		return nil, fmt.Errorf("%w: Content-Length %d is over the %d-byte cap", transport.ErrBodyTooLarge, cl, limit)
	}
	size := int64(minBuf)
	if cl > 0 {
		size = min(cl, maxPrealloc)
	}
	size = min(size, limit+1)
	if !b.take(size) {
		return nil, errBudget(size)
	}
	held := size
	defer func() { b.give(held) }()
	buf := make([]byte, 0, size)
	var probe [1]byte
	for {
		if len(buf) == cap(buf) {
			extra := false
			if int64(len(buf)) == cl {
				// The body should end here; one that goes on (only a
				// RoundTripper that misstates the length gives one) is
				// read on.
				n, err := resp.Body.Read(probe[:])
				switch {
				case n == 0 && err == io.EOF:
					return buf, nil
				case n == 0 && err != nil:
					return buf, err
				}
				extra = n > 0
			}
			if int64(len(buf)) >= limit+1 || extra && int64(len(buf)) >= limit {
				return buf, fmt.Errorf("%w: over %d bytes", transport.ErrBodyTooLarge, limit)
			}
			grow := min(max(2*int64(cap(buf)), minBuf), limit+1)
			if !b.take(grow) {
				return buf, errBudget(grow)
			}
			nb := make([]byte, len(buf), grow)
			copy(nb, buf)
			b.give(held)
			held, buf = grow, nb
			if extra {
				buf = append(buf, probe[0])
			}
			continue
		}
		n, err := resp.Body.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			if cl > 0 && cl <= maxPrealloc && int64(len(buf)) < cl {
				return buf, io.ErrUnexpectedEOF
			}
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}

func errBudget(n int64) error {
	return fmt.Errorf("%w: %d more bytes would pass the client's budget for bodies read at once", transport.ErrBodyTooLarge, n)
}
