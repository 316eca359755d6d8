// Package sentinelonetest is a fake SentinelOne management console for
// tests and examples: a real HTTP server on loopback serving the part of the
// Management API v2.1 the sentinelone package covers, with state.
//
//   - Activities and threats with cursor paging (keyset cursors that stay
//     valid while data is appended), the filters of the real API, sorting,
//     countOnly and skipCount, and the limit (1..1000) and skip (0..1000)
//     bounds answered with 400 as the real console does.
//   - Agents whose network status changes after disconnect and connect
//     (through "disconnecting"/"connecting" for SetTransitionDelay).
//   - Threats whose mitigation status, incident status, verdict and notes
//     change after the action calls, with threatInfo.updatedAt moved.
//   - API tokens with an expiry the test sets, token details and rotation
//     (the old token stops working at once), 401 with code 4010010.
//   - Deep Visibility queries that move through their states (SetDVPlan),
//     filter the events held (AddDVEvent, AddDVEventJSON) with a subset of
//     S1QL and refuse what they do not parse, page their events with a
//     cursor and can be canceled; PowerQueries over the same events that
//     answer a table, at once or after pings (SetPowerQueryPings).
//   - STAR alerts (AddAlert, AddAlertJSON, SeedAlerts) with the filters of
//     GET /cloud-detection/alerts, whose verdict and incident status change
//     after the update calls.
//   - The hash blocklist, IOCs and exclusions created and deleted by the
//     API (Blocklist, IOCs, Exclusions return them), and sites, groups and
//     accounts to seed (AddAccount, AddSite, AddGroup), with agents moved
//     between groups.
//   - File fetches that produce, after SetFetchDelay, an upload of
//     SetUploadSize bytes (generated as served, so any size costs no
//     memory) and the activity of type 86 that announces it.
//   - Remote scripts whose tasks complete after SetScriptDuration, or when
//     the test calls CompleteTasks.
//   - Optional per-path, per-token rate limits answering 429 with
//     Retry-After, and the fault injection of every fake of this module.
//
// Use NewServer(t) in tests (closed by t.Cleanup) or Start and Close in
// programs; Client returns a sentinelone client for the server. The server
// speaks plain HTTP unless WithTLS is given: then it serves HTTPS (its
// download links too) with a certificate of its own, which HTTPClient and
// Client trust (verification on) and Certificate returns, so that a test
// can cover the client's TLS path.
package sentinelonetest

import (
	"crypto/rand"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/socgo/xdr/internal/fakeserver"
	"github.com/socgo/xdr/sentinelone"
	"github.com/socgo/xdr/xdrtest"
)

// APIPath is the API prefix the server serves.
const APIPath = "/web/api/v2.1"

// Fault is a failure to inject with Server.InjectFault. Body and
// ContentType, when set, replace the console-shaped body of a RateLimit or
// ServerError answer.
type Fault = xdrtest.Fault

// FaultKind is the kind of a Fault.
type FaultKind = xdrtest.Kind

// The kinds of injected failure.
const (
	// RateLimit answers 429 with a Retry-After of Fault.RetryAfter.
	RateLimit = xdrtest.RateLimit
	// ServerError answers Fault.Status (default 503).
	ServerError = xdrtest.ServerError
	// CutBody sends half of the body and closes the connection.
	CutBody = xdrtest.CutBody
	// TruncatedJSON sends a complete response holding half of the body.
	TruncatedJSON = xdrtest.TruncatedJSON
	// Delay waits Fault.Delay before answering normally.
	Delay = xdrtest.Delay
)

// DefaultTokenLifetime is the lifetime of tokens the server makes.
const DefaultTokenLifetime = 180 * 24 * time.Hour

// Server is a fake console. All methods are safe for concurrent use.
type Server struct {
	base fakeserver.Server
	// store serves the download links (the cloud store's pre-signed
	// URLs) on another origin than the console.
	store fakeserver.Server

	tls bool

	mu         sync.Mutex
	clock      fakeserver.Clock
	tokens     map[string]*tokenState
	first      string
	activities []*record
	actByID    map[string]*record
	threats    []*threat
	threatByID map[string]*threat
	agents     []*agent
	agentByID  map[string]*agent
	dvEvents   []*dvEvent
	dvQueries  map[string]*dvQuery
	dvOrder    []string
	dvPlan     DVPlan
	pqQueries  map[string]*pqQuery
	pqPings    int
	alertRecs  []*record
	alertByID  map[string]*alert
	delay      time.Duration
	limits     map[string]*rateRow // token + "\x00" + prefix
	limitTable []RateRule
	nextID     uint64
	requests   map[string]int // "METHOD /path" → count
	ops        opsState
}

type tokenState struct {
	createdAt, expiresAt time.Time
	revoked              bool
}

// DefaultAPIToken is the API token the server accepts from the start
// unless WithAPIToken says otherwise.
const DefaultAPIToken = "sentinelonetest-api-token"

// Option configures a Server.
type Option func(*Server)

// WithAPIToken sets the API token the server accepts from the start (it
// lives DefaultTokenLifetime from the server's clock).
func WithAPIToken(token string) Option { return func(s *Server) { s.first = token } }

// WithClock sets the server's clock (default time.Now), used for token
// expiry, the times of seeded and changed objects and the progress of
// queries and scripts.
func WithClock(now func() time.Time) Option { return func(s *Server) { s.clock.Set(now) } }

// WithTLS makes the server serve HTTPS with a self-signed certificate
// made for it, valid for 127.0.0.1, ::1 and localhost: URL returns an
// https URL, HTTPClient a client that trusts that certificate and no
// other (verification stays on), Client a client of the package using
// it, and Certificate the certificate, for a client of one's own. Without
// WithTLS the server serves plain HTTP.
func WithTLS() Option { return func(s *Server) { s.tls = true } }

// NewServer starts a server for the test t and closes it when the test
// ends.
func NewServer(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s, err := Start(opts...)
	if err != nil {
		t.Fatalf("sentinelonetest: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}

// Start starts a server on a loopback port outside a test (programs,
// examples); call Close when done.
func Start(opts ...Option) (*Server, error) {
	s := &Server{
		first:      DefaultAPIToken,
		tokens:     map[string]*tokenState{},
		actByID:    map[string]*record{},
		threatByID: map[string]*threat{},
		agentByID:  map[string]*agent{},
		requests:   map[string]int{},
		nextID:     1900000000000000000,
	}
	for _, o := range opts {
		if o != nil {
			o(s)
		}
	}
	if s.first == "" {
		return nil, errors.New("WithAPIToken: token is empty")
	}
	now := s.now()
	s.tokens[s.first] = &tokenState{createdAt: now, expiresAt: now.Add(DefaultTokenLifetime)}
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+APIPath+"/activities", s.listActivities)
	mux.HandleFunc("GET "+APIPath+"/threats", s.listThreats)
	mux.HandleFunc("POST "+APIPath+"/threats/mitigate/{action}", s.mitigate)
	mux.HandleFunc("POST "+APIPath+"/threats/incident", s.threatUpdate("incident"))
	mux.HandleFunc("POST "+APIPath+"/threats/analyst-verdict", s.threatUpdate("verdict"))
	mux.HandleFunc("POST "+APIPath+"/threats/notes", s.threatUpdate("notes"))
	mux.HandleFunc("GET "+APIPath+"/agents", s.listAgents)
	mux.HandleFunc("GET "+APIPath+"/agents/count", s.countAgents)
	mux.HandleFunc("POST "+APIPath+"/agents/actions/{action}", s.agentAction)
	mux.HandleFunc("POST "+APIPath+"/users/api-token-details", s.tokenDetails)
	mux.HandleFunc("POST "+APIPath+"/users/generate-api-token", s.generateToken)
	mux.HandleFunc("POST "+APIPath+"/dv/init-query", s.dvInit)
	mux.HandleFunc("GET "+APIPath+"/dv/query-status", s.dvStatus)
	mux.HandleFunc("POST "+APIPath+"/dv/cancel-query", s.dvCancel)
	mux.HandleFunc("GET "+APIPath+"/dv/events", s.dvEventsHandler)
	mux.HandleFunc("GET "+APIPath+"/dv/events/{type}", s.dvEventsHandler)
	mux.HandleFunc("POST "+APIPath+"/dv/events/pq", s.pqStart)
	mux.HandleFunc("GET "+APIPath+"/dv/events/pq-ping", s.pqPing)
	mux.HandleFunc("GET "+APIPath+"/cloud-detection/alerts", s.listAlerts)
	mux.HandleFunc("POST "+APIPath+"/cloud-detection/alerts/analyst-verdict", s.alertUpdate("analystVerdict", verdictWords))
	mux.HandleFunc("POST "+APIPath+"/cloud-detection/alerts/incident", s.alertUpdate("incidentStatus", statusWords))
	s.registerOps(mux)
	mux.HandleFunc("GET "+APIPath+"/system/status", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"data": map[string]string{"health": "ok"}})
	})
	if err := s.base.Serve(s.guard(mux), s.tls); err != nil {
		return nil, err
	}
	store := http.NewServeMux()
	store.HandleFunc("GET /cloud-store/{name...}", s.serveCloudStore)
	if err := s.store.ServeLike(store, &s.base); err != nil {
		s.base.Close()
		return nil, err
	}
	return s, nil
}

// Close shuts the server down.
func (s *Server) Close() {
	s.base.Close()
	s.store.Close()
}

// URL returns the console URL ("http://127.0.0.1:port", https with
// WithTLS), to give to sentinelone.NewClient.
func (s *Server) URL() string { return s.base.URL() }

// HTTPClient returns an HTTP client that reaches the server.
func (s *Server) HTTPClient() *http.Client { return s.base.HTTPClient() }

// Certificate returns the certificate the server serves with WithTLS (add
// it to the RootCAs of an x509.CertPool to trust the server), nil without.
func (s *Server) Certificate() *x509.Certificate { return s.base.Certificate() }

// APIToken returns the API token the server was started with (until
// rotated: after a rotation it no longer works).
func (s *Server) APIToken() string { return s.first }

// Client returns a sentinelone client for this server: its URL, the
// API token and short retry waits, then opts. It uses the package's own
// transport, as a client of the real API does; with WithTLS, over the
// client of HTTPClient.
func (s *Server) Client(opts ...sentinelone.Option) (*sentinelone.Client, error) {
	base := []sentinelone.Option{
		sentinelone.WithRetryWait(time.Millisecond, 20*time.Millisecond),
	}
	if s.tls {
		base = append(base, sentinelone.WithHTTPClient(s.HTTPClient()))
	}
	return sentinelone.NewClient(s.URL(), s.APIToken(), append(base, opts...)...)
}

// InjectFault queues a failure for the requests it matches (by Method and
// PathPrefix, the full request path with /web/api/v2.1; empty matches all),
// Times times (0 means once, -1 forever). A RateLimit or ServerError fault
// answers before authentication and rate limits, so the request is not
// counted by RequestsTo; the other kinds let the request
// through and alter or delay its answer. Every response a fault produces or
// alters carries the header X-Fault-Injected with the kind ("rate-limit",
// "cut-body"...).
//
// A RateLimit or ServerError fault whose Body is nil answers in the error
// shape of the console, {"errors":[{"code":...,"title":...,"detail":...}]}
// with the code the console uses for the status (4290010 for 429, 5000010
// for 500, 5030010 for 503...); a Body that is set is sent as it is, with
// ContentType.
func (s *Server) InjectFault(f Fault) {
	if f.Body == nil && (f.Kind == RateLimit || f.Kind == ServerError) {
		f.Body, f.ContentType = faultBody(f), ""
	}
	s.base.Faults().Add(f)
}

// ClearFaults removes every pending fault.
func (s *Server) ClearFaults() { s.base.Faults().Clear() }

// faultBody is the console's error body for the answer of a RateLimit or
// ServerError fault.
func faultBody(f Fault) []byte {
	status, title, detail := http.StatusTooManyRequests, "Too many requests", "Request rate limit exceeded, injected by sentinelonetest."
	if f.Kind == ServerError {
		status = f.Status
		if status == 0 {
			status = http.StatusServiceUnavailable
		}
		title, detail = http.StatusText(status), "Server could not process the request, injected by sentinelonetest."
		if title == "" {
			title = "Server error"
		}
	}
	b, _ := json.Marshal(map[string]any{"errors": []map[string]any{{"code": status*10000 + 10, "title": title, "detail": detail}}})
	return b
}

// SetClock replaces the server's clock (see WithClock); nil restores
// time.Now.
func (s *Server) SetClock(now func() time.Time) { s.clock.Set(now) }

// Now returns the time on the server's clock, in UTC.
func (s *Server) Now() time.Time { return s.clock.Now() }

// now is the server's clock.
func (s *Server) now() time.Time { return s.clock.Now() }

// AddToken adds a valid token expiring at expiresAt and returns it.
func (s *Server) AddToken(expiresAt time.Time) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	tok := s.newTokenLocked(0)
	s.tokens[tok].expiresAt = expiresAt.UTC()
	return tok
}

// SetTokenExpiry changes the expiry date of token.
func (s *Server) SetTokenExpiry(token string, expiresAt time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if st, ok := s.tokens[token]; ok {
		st.expiresAt = expiresAt.UTC()
	}
}

// RevokeToken makes token stop working.
func (s *Server) RevokeToken(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if st, ok := s.tokens[token]; ok {
		st.revoked = true
	}
}

// ValidTokens returns the tokens that currently work.
func (s *Server) ValidTokens() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	var out []string
	for t, st := range s.tokens {
		if !st.revoked && now.Before(st.expiresAt) {
			out = append(out, t)
		}
	}
	return out
}

func (s *Server) newTokenLocked(life time.Duration) string {
	var b [24]byte
	_, _ = rand.Read(b[:])
	tok := "s1tok-" + hex.EncodeToString(b[:])
	now := s.now()
	s.tokens[tok] = &tokenState{createdAt: now, expiresAt: now.Add(life)}
	return tok
}

// SetTransitionDelay sets how long agents stay "disconnecting" or
// "connecting" after an action (0, the default, moves them at once). The
// delay runs on the server's clock (WithClock, SetClock): a test that sets
// the clock moves agents along by moving it.
func (s *Server) SetTransitionDelay(d time.Duration) {
	s.mu.Lock()
	s.delay = d
	s.mu.Unlock()
}

// Requests returns the number of requests received, faulted ones included.
func (s *Server) Requests() int64 { return s.base.Requests() }

// RequestsTo returns how many requests reached the handlers for method and
// API path (without /web/api/v2.1), e.g. ("GET", "/activities"): requests
// that were authenticated and not rate limited.
func (s *Server) RequestsTo(method, path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests[method+" "+path]
}

func (s *Server) newIDLocked() string {
	s.nextID++
	return strconv.FormatUint(s.nextID, 10)
}

// guard authenticates, applies the rate limits and counts requests.
func (s *Server) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok, ok := bearer(r.Header.Get("Authorization"))
		s.mu.Lock()
		st := s.tokens[tok]
		valid := ok && st != nil && !st.revoked && s.now().Before(st.expiresAt)
		var wait time.Duration
		if valid {
			wait = s.rateLimitLocked(tok, strings.TrimPrefix(r.URL.Path, APIPath))
			if wait == 0 {
				s.requests[r.Method+" "+strings.TrimPrefix(r.URL.Path, APIPath)]++
			}
		}
		s.mu.Unlock()
		if !valid {
			writeErrors(w, http.StatusUnauthorized, 4010010, "Authentication Failed", "")
			return
		}
		if wait > 0 {
			secs := int((wait + time.Second - 1) / time.Second)
			w.Header().Set("Retry-After", strconv.Itoa(secs))
			writeErrors(w, http.StatusTooManyRequests, 4290010, "Too many requests", "")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// bearer reads "ApiToken <token>" (the scheme word in any case).
func bearer(h string) (string, bool) { return fakeserver.Credential(h, "ApiToken") }

// RateRule is a per-path, per-token rate limit the server enforces.
type RateRule struct {
	// Prefix is an API path ("/activities"); it matches whole segments.
	Prefix string
	// Rate is requests per second; Burst the bucket size.
	Rate  float64
	Burst int
}

type rateRow struct {
	tokens float64
	last   time.Time
	rule   RateRule
}

// DefaultRateRules returns the per-token rate table of the Management API
// documentation for the paths the server serves (the table the client's
// DefaultRateLimits follows), to pass to SetRateLimits.
func DefaultRateRules() []RateRule {
	return []RateRule{
		{Prefix: "/activities", Rate: 10, Burst: 30},
		{Prefix: "/threats", Rate: 10, Burst: 50},
		{Prefix: "/agents", Rate: 25, Burst: 1},
		{Prefix: "/users", Rate: 40, Burst: 80},
		{Prefix: "/system/status", Rate: 2, Burst: 1},
		{Prefix: "/dv/init-query", Rate: 1.0 / 60, Burst: 1},
		{Prefix: "/dv/query-status", Rate: 1, Burst: 1},
		{Prefix: "/dv/events/pq", Rate: 4, Burst: 1},
		{Prefix: "/dv/events/pq-ping", Rate: 4, Burst: 1},
		{Prefix: "/remote-scripts", Rate: 1, Burst: 30},
	}
}

// SetRateLimits makes the server answer 429 with Retry-After when a token
// exceeds a rule (nil turns limits off, the default).
func (s *Server) SetRateLimits(rules []RateRule) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.limitTable = append([]RateRule(nil), rules...)
	s.limits = map[string]*rateRow{}
}

// rateLimitLocked takes a token from the bucket of the longest rule
// matching path and returns how long to wait when there is none.
func (s *Server) rateLimitLocked(tok, path string) time.Duration {
	var best *RateRule
	for i, r := range s.limitTable {
		if path == r.Prefix || strings.HasPrefix(path, r.Prefix+"/") {
			if best == nil || len(r.Prefix) > len(best.Prefix) {
				best = &s.limitTable[i]
			}
		}
	}
	if best == nil {
		return 0
	}
	key := tok + "\x00" + best.Prefix
	row := s.limits[key]
	now := time.Now()
	if row == nil {
		row = &rateRow{tokens: float64(best.Burst), last: now, rule: *best}
		s.limits[key] = row
	}
	row.tokens = min(float64(best.Burst), row.tokens+now.Sub(row.last).Seconds()*best.Rate)
	row.last = now
	if row.tokens >= 1 {
		row.tokens--
		return 0
	}
	return time.Duration((1 - row.tokens) / best.Rate * float64(time.Second))
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	if err := fakeserver.WriteJSON(w, status, v); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
	}
}

func writeErrors(w http.ResponseWriter, status, code int, title, detail string) {
	var d any
	if detail != "" {
		d = detail
	}
	writeJSON(w, status, map[string]any{"errors": []map[string]any{{"code": code, "title": title, "detail": d}}})
}

func badParam(w http.ResponseWriter, format string, args ...any) {
	writeErrors(w, http.StatusBadRequest, 4000010, "Bad parameter given", fmt.Sprintf(format, args...))
}

// decodeBody reads a JSON request body into v.
func decodeBody(w http.ResponseWriter, r *http.Request, v any) bool {
	d := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20))
	d.UseNumber()
	if err := d.Decode(v); err != nil {
		badParam(w, "body: %v", err)
		return false
	}
	return true
}
