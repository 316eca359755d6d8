package tehtristest

import (
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/socgo/xdr/internal/fakeserver"
	"github.com/socgo/xdr/tehtris"
	"github.com/socgo/xdr/xdrtest"
)

// DefaultAPIKey is the key the server accepts unless WithAPIKey says
// otherwise (60 characters, like a real key).
const DefaultAPIKey = "tehtristest-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJK"

// Fault is a failure to inject with InjectFault. Body and ContentType,
// when set, replace the body of a RateLimit or ServerError answer. Every
// response a fault produces or alters carries the header X-Fault-Injected
// with the kind ("rate-limit", "cut-body"...).
type Fault = xdrtest.Fault

// FaultKind is a kind of Fault.
type FaultKind = xdrtest.Kind

// The kinds of Fault.
const (
	// RateLimit answers 429 with a Retry-After of Fault.RetryAfter.
	RateLimit = xdrtest.RateLimit
	// ServerError answers Fault.Status (default 503).
	ServerError = xdrtest.ServerError
	// CutBody sends the headers and half of the body, then closes the
	// connection.
	CutBody = xdrtest.CutBody
	// TruncatedJSON sends a complete response whose body is the first
	// half of the real one.
	TruncatedJSON = xdrtest.TruncatedJSON
	// Delay waits Fault.Delay before answering normally.
	Delay = xdrtest.Delay
)

// Option configures a Server.
type Option func(*Server)

// WithAPIKey sets the API key the server accepts.
func WithAPIKey(key string) Option { return func(s *Server) { s.key = key } }

// WithClock sets the server's clock (default time.Now), used for the times
// of new and seeded events and of status changes, and for the first and
// last seen times of endpoints.
func WithClock(now func() time.Time) Option { return func(s *Server) { s.clock.Set(now) } }

// WithTLS makes the server serve HTTPS with a self-signed certificate
// made for it, valid for 127.0.0.1, ::1 and localhost: URL returns an
// https URL, HTTPClient a client that trusts that certificate and no
// other (verification stays on), Client a client of the package using
// it, and Certificate the certificate, for a client of one's own. Without
// WithTLS the server serves plain HTTP.
func WithTLS() Option { return func(s *Server) { s.tls = true } }

// Server is a fake TEHTRIS API. Its methods are safe for concurrent use,
// also while clients are calling it.
type Server struct {
	base  fakeserver.Server
	key   string
	clock fakeserver.Clock
	tls   bool

	mu        sync.Mutex
	events    []*entry // sorted by (time, id)
	byID      map[int64]*entry
	nextID    int64
	filters   []*filterEntry
	filterSeq int
	endpoints map[tehtris.Endpoint]*endpointState
}

// NewServer starts a server for the test t and closes it when the test
// ends.
func NewServer(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s, err := Start(opts...)
	if err != nil {
		t.Fatalf("tehtristest: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}

// Start starts a server on a loopback port outside a test (programs,
// examples); call Close when done.
func Start(opts ...Option) (*Server, error) {
	s := &Server{
		key:       DefaultAPIKey,
		byID:      make(map[int64]*entry),
		nextID:    100000000,
		endpoints: make(map[tehtris.Endpoint]*endpointState),
	}
	for _, o := range opts {
		if o != nil {
			o(s)
		}
	}
	if s.key == "" {
		return nil, errors.New("WithAPIKey: key is empty")
	}
	if err := s.base.Serve(s.handler(), s.tls); err != nil {
		return nil, err
	}
	return s, nil
}

// Close shuts the server down, closing open connections.
func (s *Server) Close() { s.base.Close() }

// URL returns the API base URL ("http://127.0.0.1:port/api", https with
// WithTLS), to give to tehtris.WithBaseURL.
func (s *Server) URL() string { return s.base.URL() + "/api" }

// HTTPClient returns an HTTP client that reaches the server.
func (s *Server) HTTPClient() *http.Client { return s.base.HTTPClient() }

// Certificate returns the certificate the server serves with WithTLS (add
// it to the RootCAs of an x509.CertPool to trust the server), nil without.
func (s *Server) Certificate() *x509.Certificate { return s.base.Certificate() }

// APIKey returns the key the server accepts.
func (s *Server) APIKey() string { return s.key }

// Client returns a tehtris client for this server: its URL, the
// API key and short retry waits, then opts. It uses the package's own
// transport, as a client of the real API does; with WithTLS, over the
// client of HTTPClient.
func (s *Server) Client(opts ...tehtris.Option) (*tehtris.Client, error) {
	base := []tehtris.Option{
		tehtris.WithBaseURL(s.URL()),
		tehtris.WithRetryWait(time.Millisecond, 20*time.Millisecond),
	}
	if s.tls {
		base = append(base, tehtris.WithHTTPClient(s.HTTPClient()))
	}
	return tehtris.NewClient("", s.key, append(base, opts...)...)
}

// SetClock replaces the server's clock (see WithClock); nil restores
// time.Now.
func (s *Server) SetClock(now func() time.Time) { s.clock.Set(now) }

// Now returns the time on the server's clock, in UTC.
func (s *Server) Now() time.Time { return s.clock.Now() }

// now is the server's clock, at the API's precision.
func (s *Server) now() time.Time { return s.clock.Now().Truncate(time.Microsecond) }

// InjectFault queues a failure for the next matching requests (see Fault).
// PathPrefix is matched against the full request path, /api included.
func (s *Server) InjectFault(f Fault) { s.base.Faults().Add(f) }

// ClearFaults removes every pending fault.
func (s *Server) ClearFaults() { s.base.Faults().Clear() }

// Requests returns the number of requests received, faulted ones included.
func (s *Server) Requests() int64 { return s.base.Requests() }

func (s *Server) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/xdr/v1/event", s.listEvents)
	mux.HandleFunc("PUT /api/xdr/v1/event/status/{id}", s.setStatus)
	mux.HandleFunc("GET /api/xdr/v2/filter", s.listFilters)
	mux.HandleFunc("GET /api/edr/v2/live/{app}/{uuid}/isolation", s.getIsolation)
	mux.HandleFunc("POST /api/edr/v2/live/{app}/{uuid}/isolation", s.postIsolation)
	s.routes(mux)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "no such endpoint")
	})
	// HTTP Basic authentication: the password must be the key; the user
	// name is not checked.
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if pass, ok := fakeserver.BasicPassword(r.Header.Get("Authorization")); !ok || !fakeserver.Equal(pass, s.key) {
			w.Header().Set("WWW-Authenticate", `Basic realm="api"`)
			writeError(w, http.StatusUnauthorized, "Unauthorized")
			return
		}
		mux.ServeHTTP(w, r)
	})
}

func writeError(w http.ResponseWriter, status int, msg string) {
	b, _ := json.Marshal(map[string]string{"message": msg})
	fakeserver.WriteRaw(w, status, "application/json", b)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	if err := fakeserver.WriteJSON(w, status, v); err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
	}
}

func intParam(r *http.Request, name string, def, lo, hi int64) (int64, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < lo || n > hi {
		return 0, fmt.Errorf("%s %q: must be an integer in %d..%d", name, v, lo, hi)
	}
	return n, nil
}
