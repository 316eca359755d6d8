package transport

import (
	"net"
	"net/http/httptrace"
	"sync/atomic"
)

// A write (a POST or PATCH not marked retry-safe) is sent again after a
// transport error only when the transport can prove that nothing of it
// left the machine. Two facts prove it:
//
//   - the standard library transport (net/http's, or any RoundTripper
//     that reports httptrace's GetConn) asked for a connection for the
//     attempt and never got one (no GotConn): the DNS lookup, the dial,
//     a proxy's CONNECT or the TLS handshake failed. Both HTTP/1 and
//     HTTP/2 report GotConn before they write a byte of the request;
//   - the attempt's error carries a *net.DNSError, or a *net.OpError
//     whose Op is "dial": the errors of a connection that was never made.
//     A RoundTripper given in Config.HTTPClient must return them only
//     for requests it did not send.
//
// A connection taken from the pool that fails before any byte of the
// request was written is not one of them: net/http sends the request
// again on another connection itself, which Do allows by giving every
// request with a body a GetBody. Once a connection was had and something
// may have been written, a write is not sent again: the server may have
// acted on it. Whatever the proof, an error Do never retries stays so: the
// caller's context ending, a TLS certificate that fails verification (it
// will not heal), a refused redirect, a limiter's refusal.

// connTrace records, through httptrace, whether the current attempt of a
// Do asked the transport for a connection and whether it got one. Do
// resets it before every attempt.
type connTrace struct {
	asked, got atomic.Bool
}

func (c *connTrace) reset() {
	c.asked.Store(false)
	c.got.Store(false)
}

// hooks returns the trace that records into c.
func (c *connTrace) hooks() *httptrace.ClientTrace {
	return &httptrace.ClientTrace{
		GetConn: func(string) { c.asked.Store(true) },
		GotConn: func(httptrace.GotConnInfo) { c.got.Store(true) },
	}
}

// neverSent reports whether the attempt that failed with err provably
// wrote nothing of its request.
func (c *connTrace) neverSent(err error) bool {
	return c.asked.Load() && !c.got.Load() || dialFailed(err)
}

// dialFailed reports whether err, or an error it wraps, is a failed
// lookup or dial.
func dialFailed(err error) bool {
	found := false
	walkErrors(err, func(e error) {
		switch x := e.(type) {
		case *net.DNSError:
			found = true
		case *net.OpError:
			found = found || x.Op == "dial"
		}
	})
	return found
}
