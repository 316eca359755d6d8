package rest

import (
	"context"
	"net/http"

	"github.com/socgo/xdr/internal/transport"
)

// Stream performs r like Send and returns the open response of a 2xx for
// the caller to copy, as a download, to where it goes. Unlike Fetch and
// Do it reads nothing of a successful body and the body is not limited by
// the transport's MaxBodyBytes, a cap meant for answers decoded in
// memory: the caller must copy it in bounded chunks (io.Copy) and close
// it. A failed answer is an *apierror.Error as with Send, its body read
// up to apierror.MaxBody.
//
// A body cut in the middle is the caller's error to report: unlike Fetch,
// Stream cannot send the request again, since part of the body may already
// have been written out.
func (c *Client) Stream(ctx context.Context, r Request) (*http.Response, Meta, error) {
	return c.Send(transport.WithUncappedBody(ctx), r)
}
