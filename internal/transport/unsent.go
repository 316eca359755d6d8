package transport

import (
	"context"
	"net"
	"net/http/httptrace"
	"sync/atomic"
)

// connTrace records, through httptrace, whether the current attempt of a
// Do asked the transport for a connection and whether it got one. Do
// resets it before every attempt.
type connTrace struct {
	asked, got atomic.Bool
	hooks      httptrace.ClientTrace // set by trace
}

func (c *connTrace) reset() {
	c.asked.Store(false)
	c.got.Store(false)
}

// trace returns ctx with the hooks that record into c.
func (c *connTrace) trace(ctx context.Context) context.Context {
	c.hooks = httptrace.ClientTrace{
		GetConn: func(string) { c.asked.Store(true) },
		GotConn: func(httptrace.GotConnInfo) { c.got.Store(true) },
	}
	return httptrace.WithClientTrace(ctx, &c.hooks)
}

// neverSent reports whether the attempt that failed with err provably
// wrote nothing of its request: the transport asked for a connection and
// got none, or err is a failed lookup or dial (see the package
// documentation).
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
