package transport

import (
	"bytes"
	"io"
	"net/http"
	"testing"
)

// constRT answers every request with the same small 200, reading and
// closing the request body first, as a transport does.
type constRT struct{}

func (constRT) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		_, _ = io.Copy(io.Discard, r.Body)
		_ = r.Body.Close()
	}
	return &http.Response{StatusCode: 200, Header: http.Header{}, Body: io.NopCloser(bytes.NewReader(okBody)),
		ContentLength: int64(len(okBody)), Request: r, ProtoMajor: 1, ProtoMinor: 1}, nil
}

var okBody = []byte(`{"data":{"affected":1}}`)

// BenchmarkDoOverhead measures what Do adds to one POST (retry state,
// connection trace, auth, user agent, body cap) over a plain
// http.Client.Do on the same in-memory RoundTripper.
func BenchmarkDoOverhead(b *testing.B) {
	body := []byte(`{"filter":{"ids":["1"]},"data":{}}`)
	send := func(b *testing.B, do func(*http.Request) (*http.Response, error)) {
		b.ReportAllocs()
		for b.Loop() {
			req, err := http.NewRequest(http.MethodPost, testBase+"/v1/things", bytes.NewReader(body))
			if err != nil {
				b.Fatal(err)
			}
			resp, err := do(req)
			if err != nil {
				b.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			_ = resp.Body.Close()
		}
	}
	b.Run("sdk", func(b *testing.B) {
		cfg := Defaults()
		cfg.Base = mustURL(b, testBase)
		cfg.Auth = func(h http.Header) { h.Set("Authorization", "Bearer "+testToken) }
		cfg.HTTPClient = &http.Client{Transport: constRT{}}
		c, err := New(cfg)
		if err != nil {
			b.Fatal(err)
		}
		send(b, func(r *http.Request) (*http.Response, error) {
			resp, _, err := c.Do(r)
			return resp, err
		})
	})
	b.Run("raw", func(b *testing.B) {
		hc := &http.Client{Transport: constRT{}}
		send(b, hc.Do)
	})
}
