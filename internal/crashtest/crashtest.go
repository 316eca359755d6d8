// Package crashtest serves the crash/restart tests of the collectors: it
// kills a process (cancels its context) at a counted request rather than
// after a time, so such a test proves the same on a loaded machine as on
// an idle one.
package crashtest

import (
	"context"
	"net/http"
	"sync"
)

// Kill is the kill switch of the current process, moved by Arm at each
// restart. The zero value never kills. It is safe for concurrent use.
type Kill struct {
	// Before, when set, runs before each request, ahead of the kill:
	// appending data mid-walk, for instance.
	Before func()

	mu     sync.Mutex
	cancel context.CancelFunc
	n, at  int
	after  bool
}

// Arm starts a new process whose ctx cancel is: it is called at the
// process's at-th request (0: never), before the request is sent or, when
// after is set, once its answer's headers are in, so that the body fails
// half read.
func (k *Kill) Arm(cancel context.CancelFunc, at int, after bool) {
	k.mu.Lock()
	k.cancel, k.n, k.at, k.after = cancel, 0, at, after
	k.mu.Unlock()
}

// Now kills the current process at once.
func (k *Kill) Now() {
	k.mu.Lock()
	cancel := k.cancel
	k.mu.Unlock()
	if cancel != nil {
		cancel()
	}
}

// Transport returns a RoundTripper that counts the process's requests,
// runs Before, kills the process at its armed request and sends through
// base.
func (k *Kill) Transport(base http.RoundTripper) http.RoundTripper {
	return roundTripFunc(func(r *http.Request) (*http.Response, error) {
		k.mu.Lock()
		k.n++
		due, after, cancel := k.n == k.at, k.after, k.cancel
		k.mu.Unlock()
		if k.Before != nil {
			k.Before()
		}
		if due && !after {
			cancel() // dies before this request is sent
		}
		resp, err := base.RoundTrip(r)
		if due && after {
			cancel() // dies while reading the answer
		}
		return resp, err
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
