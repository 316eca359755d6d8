// Package sekoiatest is a fake Sekoia.io API for tests: a real HTTP server
// on the loopback interface that keeps alerts (with their comments,
// history and workflow state), cases (with their alerts, comments, events
// and history), assets, communities, kill chain stages, event search jobs
// and intake events in memory, with the countermeasures of alerts and cases
// (activated or denied once: a second decision answers 409) and the custom
// verdicts, priorities and fields.
//
// It checks the Bearer API key like the real API (401 with code T300, or
// T301/T302 once the key is made expired or revoked), enforces the alert
// workflow (an action not allowed from the current status answers 409 with
// a message), and can inject faults: 429 with Retry-After, bursts of 5xx,
// a connection cut in the middle of a body, truncated JSON, and delays.
//
// Search jobs match the events of AddEvents by their term, in a subset of
// the events query language, and their time range on the server's clock
// (see AddEvents); a term outside the subset answers 400 naming the
// problem. A job is done when created unless SetSearchProgress asks for
// reads in the earlier states.
//
//	srv := sekoiatest.NewServer(t)
//	srv.SeedAlerts(250)
//	c, err := srv.Client() // a *sekoia.Client pointed at the fake
//	for a, err := range c.Alerts.All(ctx, nil) { ... }
//
// Outside tests (examples, demos) use Start and Close.
//
// The server speaks plain HTTP unless WithTLS is given: then it serves
// HTTPS with a certificate of its own, which HTTPClient and Client trust
// (verification on) and Certificate returns, so that a test can cover the
// client's TLS path. An Intake takes the fake's client with
// sekoia.WithHTTPClient(srv.HTTPClient()).
package sekoiatest

import (
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/socgo/xdr/internal/fakeserver"
	"github.com/socgo/xdr/sekoia"
	"github.com/socgo/xdr/xdrtest"
)

// DefaultAPIKey is the API key the server accepts unless WithAPIKey says
// otherwise.
const DefaultAPIKey = "sekoiatest-api-key"

// DefaultCommunityUUID is the community the server holds from the start;
// seeded alerts and assets belong to it.
const DefaultCommunityUUID = "c0a1b2c3-0000-4000-8000-000000000001"

// KeyState is the state of the server's API key.
type KeyState int

// The key states.
const (
	// KeyValid: requests with the key succeed.
	KeyValid KeyState = iota
	// KeyExpired: requests answer 401 with code T301.
	KeyExpired
	// KeyRevoked: requests answer 401 with code T302.
	KeyRevoked
)

// String returns "valid", "expired" or "revoked".
func (k KeyState) String() string {
	switch k {
	case KeyExpired:
		return "expired"
	case KeyRevoked:
		return "revoked"
	}
	return "valid"
}

// Fault is a failure to inject; see Server.InjectFault. Body and
// ContentType, when set, replace the body of a RateLimit or ServerError
// answer. Every response a fault produces or alters carries the header
// X-Fault-Injected with the kind ("rate-limit", "cut-body"...).
type Fault = xdrtest.Fault

// FaultKind is a kind of injected failure.
type FaultKind = xdrtest.Kind

// The kinds of failure.
const (
	// RateLimit answers 429 with Retry-After (Fault.RetryAfter, in seconds).
	RateLimit = xdrtest.RateLimit
	// ServerError answers Fault.Status (default 503).
	ServerError = xdrtest.ServerError
	// CutBody sends the headers and half the body, then closes the
	// connection.
	CutBody = xdrtest.CutBody
	// TruncatedJSON sends a complete response with half of the body.
	TruncatedJSON = xdrtest.TruncatedJSON
	// Delay waits Fault.Delay before answering.
	Delay = xdrtest.Delay
)

// Option configures a Server.
type Option func(*Server)

// WithAPIKey sets the API key the server accepts.
func WithAPIKey(key string) Option { return func(s *Server) { s.apiKey = key } }

// WithClock sets the server's clock (default time.Now), used for the times
// of new and seeded objects and of workflow changes.
func WithClock(now func() time.Time) Option { return func(s *Server) { s.clock.Set(now) } }

// WithTLS makes the server serve HTTPS with a self-signed certificate
// made for it, valid for 127.0.0.1, ::1 and localhost: URL returns an
// https URL, HTTPClient a client that trusts that certificate and no
// other (verification stays on), Client a client of the package using
// it, and Certificate the certificate, for a client of one's own. Without
// WithTLS the server serves plain HTTP.
func WithTLS() Option { return func(s *Server) { s.tls = true } }

// Server is the fake Sekoia.io API. Its methods are safe for concurrent use.
type Server struct {
	base fakeserver.Server

	mu       sync.Mutex
	apiKey   string
	keyState KeyState
	clock    fakeserver.Clock
	tls      bool

	alerts      *alertStore
	assets      *assetStore
	communities *communityStore
	search      *searchStore
	intake      *intakeStore
	cases       *caseStore

	countermeasures *countermeasureStore
	custom          *customStore
	assetHistory    assetHistory
}

// NewServer starts a server for the test t and closes it when the test
// ends.
func NewServer(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s, err := Start(opts...)
	if err != nil {
		t.Fatalf("sekoiatest: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}

// Start starts a server outside a test; call Close when done.
func Start(opts ...Option) (*Server, error) {
	s := &Server{apiKey: DefaultAPIKey}
	for _, o := range opts {
		if o != nil {
			o(s)
		}
	}
	if s.apiKey == "" {
		return nil, errors.New("WithAPIKey: key is empty")
	}
	s.alerts = newAlertStore(s)
	s.assets = newAssetStore(s)
	s.communities = newCommunityStore(s)
	s.search = newSearchStore(s)
	s.intake = newIntakeStore(s)
	s.cases = newCaseStore(s)
	s.countermeasures = newCountermeasureStore(s)
	s.custom = newCustomStore(s)

	mux := http.NewServeMux()
	s.alerts.register(mux)
	s.assets.register(mux)
	s.communities.register(mux)
	s.search.register(mux)
	s.intake.register(mux)
	s.cases.register(mux)
	s.countermeasures.register(mux)
	s.custom.register(mux)
	s.registerExtras(mux)
	mux.HandleFunc("GET /v1/auth/validate", s.handleValidate)

	if err := s.base.Serve(s.authenticate(mux), s.tls); err != nil {
		return nil, err
	}
	return s, nil
}

// Close shuts the server down. It is safe to call more than once.
func (s *Server) Close() { s.base.Close() }

// URL returns the REST base URL ("http://127.0.0.1:port", https with
// WithTLS), to give to sekoia.WithBaseURL.
func (s *Server) URL() string { return s.base.URL() }

// HTTPClient returns an HTTP client that reaches the server.
func (s *Server) HTTPClient() *http.Client { return s.base.HTTPClient() }

// Certificate returns the certificate the server serves with WithTLS (add
// it to the RootCAs of an x509.CertPool to trust the server), nil without.
func (s *Server) Certificate() *x509.Certificate { return s.base.Certificate() }

// IntakeURL returns the HTTP intake base URL (URL()+"/intake", https with
// WithTLS).
func (s *Server) IntakeURL() string { return s.base.URL() + "/intake" }

// APIKey returns the API key the server accepts.
func (s *Server) APIKey() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.apiKey
}

// SetKeyState makes the API key valid, expired (401 T301) or revoked (401
// T302).
func (s *Server) SetKeyState(k KeyState) {
	s.mu.Lock()
	s.keyState = k
	s.mu.Unlock()
}

// InjectFault queues a failure for the requests it matches (by Method and
// PathPrefix; empty matches all), Times times (0 means once, -1 forever).
func (s *Server) InjectFault(f Fault) { s.base.Faults().Add(f) }

// ClearFaults removes every pending fault.
func (s *Server) ClearFaults() { s.base.Faults().Clear() }

// Requests returns the number of requests received, faulted ones included.
func (s *Server) Requests() int64 { return s.base.Requests() }

// Client returns a sekoia client for this server: its URLs, the
// API key and short retry waits, then opts. It uses the package's own
// transport, as a client of the real API does; with WithTLS, over the
// client of HTTPClient.
func (s *Server) Client(opts ...sekoia.Option) (*sekoia.Client, error) {
	base := []sekoia.Option{
		sekoia.WithBaseURL(s.URL()),
		sekoia.WithIntakeURL(s.IntakeURL()),
		sekoia.WithRetryWait(time.Millisecond, 20*time.Millisecond),
	}
	if s.tls {
		base = append(base, sekoia.WithHTTPClient(s.HTTPClient()))
	}
	return sekoia.NewClient(s.APIKey(), append(base, opts...)...)
}

// SetClock replaces the server's clock (see WithClock); nil restores
// time.Now.
func (s *Server) SetClock(now func() time.Time) { s.clock.Set(now) }

// Now returns the time on the server's clock, in UTC.
func (s *Server) Now() time.Time { return s.clock.Now() }

// nowUTC returns the server's current time in UTC, truncated to
// microseconds.
func (s *Server) nowUTC() time.Time { return s.clock.Now().Truncate(time.Microsecond) }

// newUUID returns a fresh UUID (random, version 4).
func newUUID() string { return newUUIDs(1)[0] }

const (
	uuidLen   = 36 // the length of a UUID's text
	hexDigits = "0123456789abcdef"
)

// newUUIDs returns n fresh UUIDs (random, version 4) from one read of the
// random source; their texts share one string.
func newUUIDs(n int) []string {
	raw := make([]byte, 16*n)
	_, _ = rand.Read(raw)
	text := make([]byte, 0, n*uuidLen)
	for i := range n {
		b := raw[16*i : 16*i+16]
		b[6] = b[6]&0x0f | 0x40
		b[8] = b[8]&0x3f | 0x80
		for j, c := range b {
			if j == 4 || j == 6 || j == 8 || j == 10 {
				text = append(text, '-')
			}
			text = append(text, hexDigits[c>>4], hexDigits[c&0xf])
		}
	}
	all := string(text)
	ids := make([]string, n)
	for i := range ids {
		ids[i] = all[i*uuidLen : (i+1)*uuidLen]
	}
	return ids
}

// seqUUID returns a deterministic UUID built from a kind and a counter.
func seqUUID(kind, n int) string {
	return fmt.Sprintf("%08x-0000-4000-8000-%012x", kind, n)
}

const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// shortID returns prefix followed by n in base 62 on 10 characters.
func shortID(prefix string, n int) string {
	b := make([]byte, 10)
	for i := len(b) - 1; i >= 0; i-- {
		b[i] = base62[n%62]
		n /= 62
	}
	return prefix + string(b)
}

func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Sekoia-Traceid", newUUID())
		if strings.HasPrefix(r.URL.Path, "/intake/") || r.URL.Path == "/intake" {
			next.ServeHTTP(w, r)
			return
		}
		s.mu.Lock()
		key, state := s.apiKey, s.keyState
		s.mu.Unlock()
		got, ok := fakeserver.Credential(r.Header.Get("Authorization"), "Bearer")
		switch {
		case !ok || !fakeserver.Equal(got, key):
			writeError(w, http.StatusUnauthorized, "T300", "The token is invalid")
		case state == KeyExpired:
			writeError(w, http.StatusUnauthorized, "T301", "The token has expired")
		case state == KeyRevoked:
			writeError(w, http.StatusUnauthorized, "T302", "Token revoked")
		default:
			next.ServeHTTP(w, r)
		}
	})
}

func (s *Server) handleValidate(w http.ResponseWriter, r *http.Request) {
	now := s.nowUTC().Unix()
	writeJSON(w, http.StatusOK, map[string]any{
		"identity":    "apikey:" + seqUUID(0xa9, 1),
		"type":        "access",
		"fresh":       false,
		"iat":         now - 3600,
		"nbf":         now - 3600,
		"jti":         seqUUID(0xa9, 2),
		"csrf":        seqUUID(0xa9, 3),
		"user_claims": map[string]any{},
	})
}

// writeJSON writes v as a JSON response.
func writeJSON(w http.ResponseWriter, status int, v any) {
	if err := fakeserver.WriteJSON(w, status, v); err != nil {
		writeError(w, http.StatusInternalServerError, "", "encode: "+err.Error())
	}
}

func writeRaw(w http.ResponseWriter, status int, b []byte) {
	fakeserver.WriteRaw(w, status, "application/json", b)
}

// writeError writes the {"message","code"} error body of the API.
func writeError(w http.ResponseWriter, status int, code, msg string) {
	body := map[string]string{"message": msg}
	if code != "" {
		body["code"] = code
	}
	b, _ := json.Marshal(body)
	writeRaw(w, status, b)
}

// writeDetail writes the FastAPI {"detail": ...} error body (asset
// management).
func writeDetail(w http.ResponseWriter, status int, msg string) {
	b, _ := json.Marshal(map[string]string{"detail": msg})
	writeRaw(w, status, b)
}

// setIf sets *dst to *v when v is not nil (a field a PATCH or PUT body
// carries).
func setIf[T any](dst, v *T) {
	if v != nil {
		*dst = *v
	}
}
