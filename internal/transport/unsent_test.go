package transport

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"log"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

// countingServer is a fake API that counts the requests it received and
// keeps their bodies.
type countingServer struct {
	*httptest.Server
	mu     sync.Mutex
	bodies []string
}

func (s *countingServer) hits() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.bodies)
}

// newCountingServer starts a server answering "done" to every request
// (over TLS when tlsOn) after reading its body whole.
func newCountingServer(t *testing.T, tlsOn bool) *countingServer {
	t.Helper()
	s := &countingServer{}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.bodies = append(s.bodies, string(b))
		s.mu.Unlock()
		_, _ = io.WriteString(w, "done")
	})
	s.Server = startServer(t, h, tlsOn)
	return s
}

// startServer starts h (over TLS when tlsOn) without logging the failed
// handshakes the tests cause.
func startServer(t *testing.T, h http.Handler, tlsOn bool) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	if tlsOn {
		srv.StartTLS()
	} else {
		srv.Start()
	}
	t.Cleanup(srv.Close)
	return srv
}

// scriptedDialer dials addr, but for its first len(first) dials calls the
// scripted functions instead.
type scriptedDialer struct {
	addr  string
	mu    sync.Mutex
	first []func(ctx context.Context) (net.Conn, error)
	dials int
}

func (d *scriptedDialer) DialContext(ctx context.Context, network, _ string) (net.Conn, error) {
	d.mu.Lock()
	d.dials++
	var f func(ctx context.Context) (net.Conn, error)
	if len(d.first) > 0 {
		f, d.first = d.first[0], d.first[1:]
	}
	d.mu.Unlock()
	if f != nil {
		return f(ctx)
	}
	var nd net.Dialer
	return nd.DialContext(ctx, network, d.addr)
}

// refusedAddr returns the address of a local port nothing listens on.
func refusedAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	return addr
}

// clientFor builds a Client for srv whose connections are made by d.
func clientFor(t *testing.T, srv *countingServer, d *scriptedDialer, change func(*Config)) *Client {
	t.Helper()
	tr := http.DefaultTransport.(*http.Transport).Clone()
	if srv.TLS != nil {
		tr.TLSClientConfig = srv.Client().Transport.(*http.Transport).TLSClientConfig.Clone()
	}
	if d != nil {
		d.addr = srv.Listener.Addr().String()
		tr.DialContext = d.DialContext
	}
	t.Cleanup(tr.CloseIdleConnections)
	return newServerClient(t, srv.URL, func(c *Config) {
		c.HTTPClient = &http.Client{Transport: tr}
		if change != nil {
			change(c)
		}
	})
}

func post(t *testing.T, ctx context.Context, c *Client, url, body string) (string, Result, error) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, res, err := c.Do(req)
	if err != nil {
		return "", res, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return string(b), res, err
}

func TestWriteRetriedWhenNeverSent(t *testing.T) {
	t.Parallel()
	const order = `{"filter":{"ids":["1"]}}`
	for _, tt := range []struct {
		name  string
		tls   bool
		fails func(t *testing.T) func(ctx context.Context) (net.Conn, error)
	}{
		{"connection refused", false, func(t *testing.T) func(ctx context.Context) (net.Conn, error) {
			addr := refusedAddr(t)
			return func(ctx context.Context) (net.Conn, error) {
				var nd net.Dialer
				return nd.DialContext(ctx, "tcp", addr)
			}
		}},
		{"DNS lookup failed", false, func(t *testing.T) func(ctx context.Context) (net.Conn, error) {
			return func(ctx context.Context) (net.Conn, error) {
				nd := net.Dialer{Resolver: &net.Resolver{PreferGo: true,
					Dial: func(context.Context, string, string) (net.Conn, error) {
						return nil, errors.New("no name server reachable")
					}}}
				return nd.DialContext(ctx, "tcp", "api.example.test:443")
			}
		}},
		{"TLS handshake cut by the server", true, func(t *testing.T) func(ctx context.Context) (net.Conn, error) {
			// A server that closes every connection at once: the
			// handshake fails before any byte of the request is written.
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = ln.Close() })
			go func() {
				for {
					c, err := ln.Accept()
					if err != nil {
						return
					}
					_ = c.Close()
				}
			}()
			return func(ctx context.Context) (net.Conn, error) {
				var nd net.Dialer
				return nd.DialContext(ctx, "tcp", ln.Addr().String())
			}
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newCountingServer(t, tt.tls)
			d := &scriptedDialer{first: []func(context.Context) (net.Conn, error){tt.fails(t)}}
			h := newRecordHandler()
			c := clientFor(t, srv, d, func(c *Config) { c.Logger = slog.New(h) })
			got, res, err := post(t, t.Context(), c, srv.URL+"/v1/isolate?api_key="+testToken, order)
			if err != nil {
				t.Fatalf("POST: %v (after %d attempts); a request that never left must be sent again", err, res.Attempts)
			}
			if got != "done" || res.Attempts != 2 || d.dials != 2 {
				t.Errorf("answer %q after %d attempts and %d dials, want \"done\" after 2 and 2", got, res.Attempts, d.dials)
			}
			if srv.hits() != 1 || srv.bodies[0] != order {
				t.Errorf("the server got %q, want the order once", srv.bodies)
			}
			if lv := h.levels(); lv[slog.LevelWarn] != 1 {
				t.Errorf("log levels %v, want one Warn for the retry:\n%s", lv, h.text.String())
			}
			if out := h.text.String(); strings.Contains(out, testToken) || !strings.Contains(out, "method=POST") {
				t.Errorf("the retry's log line holds the token or lacks the method:\n%s", out)
			}
		})
	}
}

func TestWriteNotRetriedOnceSent(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		tls  bool
	}{{"http", false}, {"https", true}} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var hits atomic.Int32
			var bodies sync.Map
			h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				b, _ := io.ReadAll(r.Body)
				n := hits.Add(1)
				bodies.Store(n, string(b))
				if n == 1 {
					_, _ = io.WriteString(w, "first")
					return
				}
				// The second order reached the server whole: the
				// connection drops before any answer.
				resetConn(t, w)
			})
			srv := startServer(t, h, tt.tls)
			tr := srv.Client().Transport.(*http.Transport).Clone()
			defer tr.CloseIdleConnections()
			c := newServerClient(t, srv.URL, func(c *Config) { c.HTTPClient = &http.Client{Transport: tr} })
			for i, want := range []int{1, 1} {
				_, res, err := post(t, t.Context(), c, srv.URL+"/v1/isolate", "order")
				if (err != nil) != (i == 1) {
					t.Fatalf("POST %d: err = %v", i+1, err)
				}
				if res.Attempts != want {
					t.Errorf("POST %d: %d attempts, want %d: a write that reached the server is not sent again", i+1, res.Attempts, want)
				}
			}
			if hits.Load() != 2 {
				t.Errorf("the server got %d requests, want 2", hits.Load())
			}
			if b, _ := bodies.Load(int32(2)); b != "order" {
				t.Errorf("the second body the server read is %q, want it whole", b)
			}
		})
	}
}

func TestWriteNotRetriedOnCertificateError(t *testing.T) {
	t.Parallel()
	for _, method := range []string{http.MethodPost, http.MethodGet} {
		t.Run(method, func(t *testing.T) {
			t.Parallel()
			srv := newCountingServer(t, true)
			tr := http.DefaultTransport.(*http.Transport).Clone() // the test server's certificate is not trusted
			tr.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
			defer tr.CloseIdleConnections()
			c := newServerClient(t, srv.URL, func(c *Config) { c.HTTPClient = &http.Client{Transport: tr} })
			req, _ := http.NewRequestWithContext(t.Context(), method, srv.URL+"/v1/isolate", strings.NewReader("order"))
			_, res, err := c.Do(req)
			var verify *tls.CertificateVerificationError
			if !errors.As(err, &verify) {
				t.Fatalf("err = %v, want a certificate verification error", err)
			}
			if res.Attempts != 1 || srv.hits() != 0 {
				t.Errorf("%d attempts, %d requests served; a certificate error is not retried", res.Attempts, srv.hits())
			}
		})
	}
}

// failingConn fails its next Write without writing anything when fail is
// set.
type failingConn struct {
	net.Conn
	fail *atomic.Bool
}

func (c *failingConn) Write(p []byte) (int, error) {
	if c.fail.CompareAndSwap(true, false) {
		return 0, &net.OpError{Op: "write", Net: "tcp", Err: errors.New("broken pipe")}
	}
	return c.Conn.Write(p)
}

func TestWriteOnReusedConnectionFailingBeforeAnyByte(t *testing.T) {
	t.Parallel()
	srv := newCountingServer(t, false)
	var fail atomic.Bool
	d := &scriptedDialer{}
	c := clientFor(t, srv, d, nil)
	tr := c.http.Transport.(*roundTripper).next.(*http.Transport)
	dial := tr.DialContext
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		conn, err := dial(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return &failingConn{Conn: conn, fail: &fail}, nil
	}
	// A body that is only an io.Reader: the transport must still be able
	// to send it again.
	body := func(s string) io.Reader { return io.MultiReader(strings.NewReader(s)) }
	for i, order := range []string{"first order", "second order"} {
		if i == 1 {
			fail.Store(true) // the pooled connection breaks before the order is written
		}
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL+"/v1/isolate", body(order))
		resp, res, err := c.Do(req)
		if err != nil {
			t.Fatalf("POST %d: %v; nothing of it was written, so it must be sent on another connection", i+1, err)
		}
		resp.Body.Close()
		if res.Attempts != 1 {
			t.Errorf("POST %d: %d attempts, want 1 (the standard transport sends it again itself)", i+1, res.Attempts)
		}
	}
	if srv.hits() != 2 || srv.bodies[1] != "second order" || d.dials != 2 {
		t.Errorf("the server got %q over %d connections, want each order once over 2", srv.bodies, d.dials)
	}
}

func TestWriteNotRetriedWhenCancelledWhileDialling(t *testing.T) {
	t.Parallel()
	srv := newCountingServer(t, false)
	ctx, cancel := context.WithCancel(t.Context())
	d := &scriptedDialer{first: []func(context.Context) (net.Conn, error){
		func(context.Context) (net.Conn, error) {
			cancel()
			return nil, &net.OpError{Op: "dial", Net: "tcp", Err: context.Canceled}
		},
	}}
	c := clientFor(t, srv, d, nil)
	_, res, err := post(t, ctx, c, srv.URL+"/v1/isolate", "order")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if res.Attempts != 1 || srv.hits() != 0 {
		t.Errorf("%d attempts, %d requests served; a cancelled request is not retried", res.Attempts, srv.hits())
	}
}

// TestUnsentRetryPolicy checks, on a RoundTripper that reports no
// connection events, which errors prove that a write never left: only the
// dial's own errors do.
func TestUnsentRetryPolicy(t *testing.T) {
	t.Parallel()
	dnsErr := &net.DNSError{Err: "no such host", Name: "api.example.test", IsNotFound: true}
	for _, tt := range []struct {
		name     string
		err      error
		attempts int
	}{
		{"dial refused", &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}, 5},
		{"DNS failure in a dial", &net.OpError{Op: "dial", Net: "tcp", Err: dnsErr}, 5},
		{"DNS failure", dnsErr, 5},
		{"proxy dial refused", &net.OpError{Op: "proxyconnect", Net: "tcp",
			Err: &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}}, 5},
		{"read reset", &net.OpError{Op: "read", Net: "tcp", Err: errors.New("connection reset by peer")}, 1},
		{"write broken", &net.OpError{Op: "write", Net: "tcp", Err: errors.New("broken pipe")}, 1},
		{"EOF", io.EOF, 1},
		{"dial refused by a certificate", &net.OpError{Op: "dial", Net: "tcp", Err: &tls.CertificateVerificationError{Err: errors.New("unknown authority")}}, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				rt := &fakeRT{steps: []step{{err: tt.err}}}
				h := newRecordHandler()
				c := newClient(t, rt, func(c *Config) { c.Logger = slog.New(h) })
				start := time.Now()
				_, res, err := do(t, t.Context(), c, http.MethodPost, strings.NewReader("order"))
				if err == nil {
					t.Fatal("Do succeeded")
				}
				if res.Attempts != tt.attempts || rt.count() != tt.attempts {
					t.Errorf("%d attempts, %d sends; want %d", res.Attempts, rt.count(), tt.attempts)
				}
				if lv := h.levels(); lv[slog.LevelWarn] != tt.attempts-1 {
					t.Errorf("%d Warn lines, want one per retry", lv[slog.LevelWarn])
				}
				for i, s := range rt.sent {
					if s.body != "order" {
						t.Errorf("send %d carried %q, want the whole body", i+1, s.body)
					}
				}
				if tt.attempts > 1 {
					// Same backoff as the other retries: at least half of
					// 1s, 2s, 4s and 8s (DefaultRetryWaitMin doubling).
					if got := time.Since(start); got < 7500*time.Millisecond || got > 15*time.Second {
						t.Errorf("the retries took %s, want the default backoff (7.5s..15s)", got)
					}
				}
			})
		})
	}
}

// selfSigned returns a certificate no one trusts.
func selfSigned(t *testing.T) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "client"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

func TestNotRetriedWhenServerRefusesClientCertificate(t *testing.T) {
	t.Parallel()
	cert := selfSigned(t)
	for _, method := range []string{http.MethodPost, http.MethodGet} {
		t.Run(method, func(t *testing.T) {
			t.Parallel()
			var hits atomic.Int32
			srv := httptest.NewUnstartedServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hits.Add(1) }))
			srv.Config.ErrorLog = log.New(io.Discard, "", 0)
			// Under TLS 1.2 the server refuses the client's certificate
			// during the handshake, before the request.
			srv.TLS = &tls.Config{ClientAuth: tls.RequireAndVerifyClientCert, MaxVersion: tls.VersionTLS12}
			srv.StartTLS()
			defer srv.Close()
			tr := srv.Client().Transport.(*http.Transport).Clone()
			tr.TLSClientConfig.Certificates = []tls.Certificate{cert}
			defer tr.CloseIdleConnections()
			c := newServerClient(t, srv.URL, func(c *Config) { c.HTTPClient = &http.Client{Transport: tr} })
			req, _ := http.NewRequestWithContext(t.Context(), method, srv.URL+"/v1/isolate", strings.NewReader("order"))
			_, res, err := c.Do(req)
			if err == nil || !strings.Contains(err.Error(), "remote error: tls: unknown certificate authority") {
				t.Fatalf("err = %v, want the server's certificate alert", err)
			}
			if res.Attempts != 1 || hits.Load() != 0 {
				t.Errorf("%d attempts, %d requests served; a refused certificate is not retried", res.Attempts, hits.Load())
			}
		})
	}
}
