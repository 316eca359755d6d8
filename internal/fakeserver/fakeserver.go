// Package fakeserver is the base of the fake API servers of this module
// (sekoiatest, tehtristest, sentinelonetest): a real HTTP server on a
// loopback port with the fault injection of package xdrtest around the
// fake's handler, a request counter, and the small helpers every fake
// needs to read credentials and write JSON.
//
// A fake keeps a Server in an unexported field and documents its own
// methods (URL, Close, InjectFault...), which delegate to it.
package fakeserver

import (
	"bytes"
	"crypto/subtle"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/socgo/xdr/xdrtest"
)

// Server serves a handler on loopback. The zero value is ready for Start
// or StartTLS.
type Server struct {
	hs       *httptest.Server
	cert     *tls.Certificate // after StartTLS
	faults   xdrtest.Set
	requests atomic.Int64
}

// Start serves h over plain HTTP on a fresh loopback port ("127.0.0.1:0",
// or "[::1]:0" where IPv4 is not available). Every request is counted,
// then goes through the faults of s, then to h. Start or StartTLS may be
// called once.
func (s *Server) Start(h http.Handler) error { return s.start(h, nil) }

// StartTLS is Start serving HTTPS with cert (see NewCertificate). URL
// then returns an https URL and HTTPClient a client that trusts cert and
// nothing else.
func (s *Server) StartTLS(h http.Handler, cert tls.Certificate) error {
	if len(cert.Certificate) == 0 {
		return errors.New("fakeserver: StartTLS: empty certificate")
	}
	return s.start(h, &cert)
}

// Serve is Start, or StartTLS with a fresh certificate of NewCertificate
// when useTLS is set: the start of a fake given its WithTLS option or not.
func (s *Server) Serve(h http.Handler, useTLS bool) error {
	if !useTLS {
		return s.Start(h)
	}
	cert, err := NewCertificate()
	if err != nil {
		return err
	}
	return s.StartTLS(h, cert)
}

// ServeLike starts s as peer was started: StartTLS with peer's certificate
// when peer serves HTTPS, Start otherwise. A fake with a second origin
// (sentinelonetest's download store) uses it so that the client of
// HTTPClient reaches both.
func (s *Server) ServeLike(h http.Handler, peer *Server) error {
	if peer.cert == nil {
		return s.Start(h)
	}
	return s.StartTLS(h, *peer.cert)
}

func (s *Server) start(h http.Handler, cert *tls.Certificate) error {
	if s.hs != nil {
		return errors.New("fakeserver: already started")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		if ln, err = net.Listen("tcp6", "[::1]:0"); err != nil {
			return fmt.Errorf("fakeserver: listen on loopback: %w", err)
		}
	}
	faulty := s.faults.Wrap(h)
	s.hs = &httptest.Server{Listener: ln, Config: &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			s.requests.Add(1)
			faulty.ServeHTTP(w, r)
		}),
		ReadHeaderTimeout: 10 * time.Second,
	}}
	if cert == nil {
		s.hs.Start()
		return nil
	}
	// httptest builds the client of HTTPClient with a pool holding only
	// the served certificate, verification on.
	s.cert = cert
	s.hs.Config.ErrorLog = log.New(handshakeFilter{os.Stderr}, "", log.LstdFlags)
	s.hs.TLS = &tls.Config{Certificates: []tls.Certificate{*cert}, MinVersion: tls.VersionTLS12}
	s.hs.StartTLS()
	return nil
}

// handshakeFilter drops the lines of failed TLS handshakes from a
// server's error log: a test that checks a client refuses the fake's
// certificate causes one each time. Other lines go to w.
type handshakeFilter struct{ w io.Writer }

func (f handshakeFilter) Write(p []byte) (int, error) {
	if bytes.Contains(p, []byte("http: TLS handshake error")) {
		return len(p), nil
	}
	return f.w.Write(p)
}

// Close closes the open connections and shuts the server down. It is safe
// to call more than once, and on a server that was never started.
func (s *Server) Close() {
	if s.hs == nil {
		return
	}
	s.hs.CloseClientConnections()
	s.hs.Close()
}

// URL returns the server's base URL ("http://127.0.0.1:port", or
// "https://127.0.0.1:port" after StartTLS).
func (s *Server) URL() string { return s.hs.URL }

// HTTPClient returns an HTTP client for the server; after StartTLS it
// trusts the server's certificate only.
func (s *Server) HTTPClient() *http.Client { return s.hs.Client() }

// Certificate returns the certificate served after StartTLS, nil after
// Start.
func (s *Server) Certificate() *x509.Certificate {
	if s.cert == nil {
		return nil
	}
	return s.hs.Certificate()
}

// Faults returns the fault set wrapped around the handler.
func (s *Server) Faults() *xdrtest.Set { return &s.faults }

// Requests returns the number of requests received, faulted ones
// included.
func (s *Server) Requests() int64 { return s.requests.Load() }

// WriteRaw writes b as the whole response, with Content-Type and
// Content-Length.
func WriteRaw(w http.ResponseWriter, status int, contentType string, b []byte) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// WriteJSON writes v encoded as JSON with status. When v cannot be
// encoded nothing is written and the error is returned, so that the fake
// answers in its own error shape.
func WriteJSON(w http.ResponseWriter, status int, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	WriteRaw(w, status, "application/json", b)
	return nil
}

// Credential returns the credential of an Authorization header value
// "<scheme> <cred>", the scheme matched in any case; ok is false when the
// value has another scheme or no credential.
func Credential(h, scheme string) (cred string, ok bool) {
	got, cred, found := strings.Cut(h, " ")
	if !found || !strings.EqualFold(got, scheme) || cred == "" {
		return "", false
	}
	return cred, true
}

// BasicPassword returns the password of an Authorization header value
// of HTTP Basic authentication (the user name is not looked at).
func BasicPassword(h string) (string, bool) {
	cred, ok := Credential(h, "Basic")
	if !ok {
		return "", false
	}
	dec, err := base64.StdEncoding.DecodeString(cred)
	if err != nil {
		return "", false
	}
	_, pass, ok := strings.Cut(string(dec), ":")
	return pass, ok
}

// Equal compares a credential that was received with the expected one in
// constant time.
func Equal(got, want string) bool {
	return subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// Clock is the settable clock of a fake, safe for concurrent use. The
// zero value reads time.Now.
type Clock struct {
	now atomic.Pointer[func() time.Time]
}

// Set makes the clock read now; nil restores time.Now.
func (c *Clock) Set(now func() time.Time) {
	if now == nil {
		c.now.Store(nil)
		return
	}
	c.now.Store(&now)
}

// Now returns the clock's time in UTC.
func (c *Clock) Now() time.Time {
	if p := c.now.Load(); p != nil {
		return (*p)().UTC()
	}
	return time.Now().UTC()
}
