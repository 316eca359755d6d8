package transport

import "context"

// uncappedKey marks a request context whose response body Do leaves
// without the MaxBodyBytes cap.
type uncappedKey struct{}

// WithUncappedBody marks ctx so that Do returns the response body of its
// request without the MaxBodyBytes cap. The cap bounds what a JSON decoder
// may read into memory; a download that the caller copies to a writer in
// small chunks never holds the body whole, so the cap does not apply to it.
// Error bodies are still read under their own bound (apierror.MaxBody).
func WithUncappedBody(ctx context.Context) context.Context {
	return context.WithValue(ctx, uncappedKey{}, true)
}

func uncappedBody(ctx context.Context) bool {
	v, _ := ctx.Value(uncappedKey{}).(bool)
	return v
}
