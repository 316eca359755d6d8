package fakeserver

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
)

func startTLS(t *testing.T, cert tls.Certificate) *Server {
	t.Helper()
	s := &Server{}
	if err := s.StartTLS(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		WriteRaw(w, http.StatusOK, "text/plain", []byte("ok"))
	}), cert); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

func TestStartTLS(t *testing.T) {
	t.Parallel()
	cert, err := NewCertificate()
	if err != nil {
		t.Fatal(err)
	}
	s := startTLS(t, cert)
	if !strings.HasPrefix(s.URL(), "https://") {
		t.Errorf("URL() = %q, want https", s.URL())
	}
	if got := s.Certificate(); got == nil || !got.Equal(cert.Leaf) {
		t.Errorf("Certificate() = %v, want the served one", got)
	}
	resp, body := get(t, s, "/")
	if resp.StatusCode != http.StatusOK || body != "ok" || resp.TLS == nil {
		t.Errorf("GET through HTTPClient: %d %q, TLS %v", resp.StatusCode, body, resp.TLS != nil)
	}

	// A client with the system roots refuses the certificate.
	if _, err := (&http.Client{}).Get(s.URL()); !IsUnknownAuthority(err) {
		t.Errorf("GET with the system roots: %v, want an unknown authority error", err)
	}
	// The client of HTTPClient trusts this certificate only: not another
	// fake's.
	other := startTLS(t, mustCert(t))
	if _, err := s.HTTPClient().Get(other.URL()); !IsUnknownAuthority(err) {
		t.Errorf("GET another TLS server with HTTPClient: %v, want an unknown authority error", err)
	}
	// A pool built from Certificate is enough, verification on.
	pool := x509.NewCertPool()
	pool.AddCert(s.Certificate())
	own := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	resp, err = own.Get(s.URL())
	if err != nil {
		t.Fatalf("GET with a pool of Certificate(): %v", err)
	}
	resp.Body.Close()
	own.CloseIdleConnections()
}

// TestStartTLSShared: two servers given one certificate are both reached
// by either's HTTPClient (a fake with a second origin).
func TestStartTLSShared(t *testing.T) {
	t.Parallel()
	a := &Server{}
	if err := a.Serve(http.NotFoundHandler(), true); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	b := &Server{}
	if err := b.ServeLike(http.NotFoundHandler(), a); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	if !strings.HasPrefix(b.URL(), "https://") || !b.Certificate().Equal(a.Certificate()) {
		t.Fatalf("ServeLike a TLS server: %s with %v", b.URL(), b.Certificate())
	}
	resp, err := a.HTTPClient().Get(b.URL())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	// Serve without TLS, and ServeLike a plain server, serve plain HTTP.
	c, d := &Server{}, &Server{}
	if err := c.Serve(http.NotFoundHandler(), false); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	if err := d.ServeLike(http.NotFoundHandler(), c); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(d.Close)
	if !strings.HasPrefix(c.URL(), "http://") || !strings.HasPrefix(d.URL(), "http://") || d.Certificate() != nil {
		t.Errorf("plain: %s %s", c.URL(), d.URL())
	}
}

func TestStartTLSErrors(t *testing.T) {
	t.Parallel()
	s := &Server{}
	if err := s.StartTLS(http.NotFoundHandler(), tls.Certificate{}); err == nil {
		t.Error("StartTLS with an empty certificate: no error")
	}
	plain := start(t, func(w http.ResponseWriter, r *http.Request) {})
	if plain.Certificate() != nil {
		t.Error("Certificate() after Start is not nil")
	}
	tl := startTLS(t, mustCert(t))
	if err := tl.StartTLS(http.NotFoundHandler(), mustCert(t)); err == nil {
		t.Error("a second StartTLS: no error")
	}
}

func TestNewCertificate(t *testing.T) {
	t.Parallel()
	a, b := mustCert(t), mustCert(t)
	if a.Leaf.Equal(b.Leaf) {
		t.Error("two certificates are equal")
	}
	for _, host := range []string{"127.0.0.1", "::1", "localhost"} {
		if err := a.Leaf.VerifyHostname(host); err != nil {
			t.Errorf("VerifyHostname(%q): %v", host, err)
		}
	}
	if err := a.Leaf.VerifyHostname("example.com"); err == nil {
		t.Error("the certificate is valid for example.com")
	}
}

func mustCert(t *testing.T) tls.Certificate {
	t.Helper()
	c, err := NewCertificate()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestHandshakeFilter(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	f := handshakeFilter{&b}
	for _, line := range []string{
		"2026/01/05 13:00:00 http: TLS handshake error from 127.0.0.1:1: remote error: tls: bad certificate\n",
		"2026/01/05 13:00:00 http: panic serving 127.0.0.1:2: boom\n",
	} {
		if n, err := f.Write([]byte(line)); n != len(line) || err != nil {
			t.Errorf("Write = %d, %v", n, err)
		}
	}
	if got := b.String(); got != "2026/01/05 13:00:00 http: panic serving 127.0.0.1:2: boom\n" {
		t.Errorf("kept %q, want the panic line only", got)
	}
}

func TestIsUnknownAuthority(t *testing.T) {
	t.Parallel()
	if IsUnknownAuthority(nil) || IsUnknownAuthority(io.EOF) {
		t.Error("IsUnknownAuthority is true for nil or io.EOF")
	}
	if !IsUnknownAuthority(fmt.Errorf("get: %w", x509.UnknownAuthorityError{})) {
		t.Error("IsUnknownAuthority is false for a wrapped UnknownAuthorityError")
	}
}
