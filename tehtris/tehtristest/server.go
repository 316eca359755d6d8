// Package tehtristest is a fake TEHTRIS XDR platform API for tests and
// demos: a real HTTP server on loopback that holds a growing event log, an
// inventory of the endpoints those events come from (with their
// isolation, tags, quarantine, disk scans and process history), checks
// HTTP Basic authentication and can
// inject failures (429 with Retry-After, 5xx bursts, a connection cut in
// the middle of a body, truncated JSON, slowness).
//
//	srv := tehtristest.NewServer(t)
//	srv.AppendN(2500)
//	c, _ := srv.NewClient()
//	for ev, err := range c.Events.All(ctx, nil) { ... }
//
// The API is served under /api (URL returns the base to give to
// tehtris.WithBaseURL). Events are served newest first, as a saved filter
// sorted by descending time would, so a client must not rely on order.
//
// Semantics of GET /api/xdr/v1/event in the fake: fromDate and toDate are
// Unix seconds compared with the event's time (createdOrModified=CREATED,
// the default) or its last modification (MODIFIED) as instants:
// fromDate <= t <= toDate, so an event at 12:00:00.5 is not within
// toDate=12:00:00. limit (1..1000, default 100), offset, filterID (404 for
// an unknown filter; none means every event) and eventId are honoured.
//
// The inventory (GET /api/edr/v2/inventory, {"data": [...]}, pages of
// InventoryPageSize, ordered by appliance id and UUID) holds every
// endpoint an appended event names, described by the event's host members
// (hostname__, domain__, ipSrc as localIp, tag, os__), plus the hosts of
// AddHost. hostname and domain match substrings without regard to case,
// network an address or prefix of localIp or remoteIp. Live orders
// (isolation, quarantine, restore, disk scan) on an offline agent answer
// 504, or 202 with persist=true and run when SetOnline brings it back.
// Quarantine lists paths of the form "quarantine/{n}/{name}", the path
// Restore takes; quarantining a file twice, or starting a scan while one
// runs, answers 409. Process history is made of the processes the
// endpoint's events name (pid, ppid, cmdline, username, path, sha256,
// created from pCreateDatetime), newest first. PUT .../inventory/tags
// replaces the endpoints' tag. Created filters select by level like
// AddFilter's.
package tehtristest

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/socgo/xdr/internal/fakeserver"
	"github.com/socgo/xdr/tehtris"
	"github.com/socgo/xdr/xdrtest"
)

// APIKey is the key the server accepts unless WithAPIKey says otherwise
// (60 characters, like a real key).
const APIKey = "tehtristest-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJK"

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

// Server is a fake TEHTRIS API. Its methods are safe for concurrent use,
// also while clients are calling it.
type Server struct {
	base fakeserver.Server
	key  string

	mu        sync.Mutex
	events    []*entry // sorted by (time, id)
	byID      map[int64]*entry
	nextID    int64
	filters   []*filterEntry
	filterSeq int
	endpoints map[tehtris.Endpoint]*endpointState
}

type entry struct {
	id       int64
	t        time.Time
	modified time.Time
	level    int
	raw      []byte
	status   tehtris.EventStatus
}

// Filter is a saved filter of the fake: it selects the events whose level
// is within MinLevel..MaxLevel (like "lvl": "5~9").
type Filter struct {
	// ID is set by AddFilter when empty.
	ID string
	// Name, Description and Module describe it in Filters.List.
	Name, Description, Module string
	// MinLevel and MaxLevel bound the level; MaxLevel 0 means 9.
	MinLevel, MaxLevel int
}

type filterEntry struct{ f Filter }

// EndpointState describes an endpoint of the fake.
type EndpointState struct {
	// Online agents apply isolation orders at once (204); offline ones
	// queue them with persist=true (202) and refuse them otherwise (504).
	Online bool
	// BehindProxy endpoints refuse isolation with 409.
	BehindProxy bool
}

type endpointState struct {
	EndpointState
	isolated bool
	allow    []string
	queued   string // "enable" or "disable" waiting for the agent
	hostInfo
}

// NewServer starts a server and closes it when the test ends.
func NewServer(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s, err := Start(opts...)
	if err != nil {
		t.Fatalf("tehtristest: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}

// Start starts a server on a loopback port; Close stops it. It is the
// constructor for programs that are not tests (demos, examples).
func Start(opts ...Option) (*Server, error) {
	s := &Server{
		key:       APIKey,
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
	if err := s.base.Start(s.handler()); err != nil {
		return nil, err
	}
	return s, nil
}

// Close shuts the server down, closing open connections.
func (s *Server) Close() { s.base.Close() }

// URL returns the API base URL ("http://127.0.0.1:port/api") for
// tehtris.WithBaseURL.
func (s *Server) URL() string { return s.base.URL() + "/api" }

// APIKey returns the key the server accepts.
func (s *Server) APIKey() string { return s.key }

// NewClient returns a client of the server: base URL, API key and short
// retry waits (10ms..100ms) are set; opts come after and may override them.
func (s *Server) NewClient(opts ...tehtris.Option) (*tehtris.Client, error) {
	all := append([]tehtris.Option{tehtris.WithBaseURL(s.URL()), tehtris.WithRetryWait(10*time.Millisecond, 100*time.Millisecond)}, opts...)
	return tehtris.NewClient("", s.key, all...)
}

// InjectFault queues a failure for the next matching requests (see Fault).
// PathPrefix is matched against the full request path, /api included.
func (s *Server) InjectFault(f Fault) { s.base.Faults().Add(f) }

// ClearFaults removes every pending fault.
func (s *Server) ClearFaults() { s.base.Faults().Clear() }

// Requests returns the number of requests received, faulted ones included.
func (s *Server) Requests() int64 { return s.base.Requests() }

// Len returns the number of events held.
func (s *Server) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.events)
}

// now is the server's clock, at the API's precision.
func now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// Append adds events and returns them as the API serves them (with Raw).
// An event without ID gets the next id; one without Time gets the current
// time. An event with Raw is served with those bytes (id and time patched
// in when they were assigned); one without is encoded from its fields. An
// event whose id is already held replaces it (as a modification).
// Endpoints of the events are registered, online, for isolation.
func (s *Server) Append(events ...tehtris.Event) []tehtris.Event {
	out := make([]tehtris.Event, 0, len(events))
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, ev := range events {
		assigned := false
		if ev.ID == 0 {
			s.nextID++
			ev.ID = s.nextID
			assigned = true
		} else if ev.ID > s.nextID {
			s.nextID = ev.ID
		}
		if ev.Time.IsZero() {
			ev.Time = now()
			assigned = true
		}
		raw, err := encodeEvent(ev, assigned)
		if err != nil {
			// An event that cannot be encoded is stored with its typed
			// fields only.
			ev.Raw = nil
			raw, _ = json.Marshal(ev)
		}
		var dec tehtris.Event
		if err := dec.UnmarshalJSON(raw); err != nil {
			continue
		}
		s.insert(&entry{id: dec.ID, t: dec.Time, modified: now(), level: dec.Level, raw: dec.Raw, status: tehtris.StatusPending})
		if dec.AgentUUID != "" {
			s.seen(&dec)
		}
		out = append(out, dec)
	}
	return out
}

func encodeEvent(ev tehtris.Event, patch bool) ([]byte, error) {
	if len(ev.Raw) == 0 {
		return json.Marshal(ev)
	}
	if !patch {
		return append([]byte(nil), ev.Raw...), nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(ev.Raw, &m); err != nil {
		return nil, err
	}
	m["id"] = json.RawMessage(strconv.FormatInt(ev.ID, 10))
	m["time"] = json.RawMessage(`"` + ev.Time.UTC().Format(tehtris.TimeLayout) + `"`)
	return json.Marshal(m)
}

// insert adds e in (time, id) order, replacing an event with the same id.
// s.mu is held.
func (s *Server) insert(e *entry) {
	if old, ok := s.byID[e.id]; ok {
		i := s.index(old)
		s.events = slices.Delete(s.events, i, i+1)
		e.status = old.status
	}
	s.byID[e.id] = e
	n := len(s.events)
	if n == 0 || less(s.events[n-1], e) {
		s.events = append(s.events, e)
		return
	}
	i, _ := slices.BinarySearchFunc(s.events, e, cmpEntry)
	s.events = slices.Insert(s.events, i, e)
}

func (s *Server) index(e *entry) int {
	i, _ := slices.BinarySearchFunc(s.events, e, cmpEntry)
	return i
}

func less(a, b *entry) bool { return cmpEntry(a, b) < 0 }

func cmpEntry(a, b *entry) int {
	if c := a.t.Compare(b.t); c != 0 {
		return c
	}
	switch {
	case a.id < b.id:
		return -1
	case a.id > b.id:
		return 1
	}
	return 0
}

// AppendN adds n generated HeuristicAlert events timed now (many share a
// second) and returns their ids.
func (s *Server) AppendN(n int) []int64 { return s.AppendNAt(time.Time{}, n) }

// AppendNAt adds n generated events timed at t (zero means now: each event
// gets the clock at its insertion) and returns their ids.
func (s *Server) AppendNAt(t time.Time, n int) []int64 {
	ids := make([]int64, 0, max(n, 0))
	s.mu.Lock()
	defer s.mu.Unlock()
	gen := genHost()
	for range n {
		s.nextID++
		id := s.nextID
		et := t
		if et.IsZero() {
			et = now()
		}
		et = et.UTC().Truncate(time.Microsecond)
		level := int(id % 10)
		s.insert(&entry{id: id, t: et, modified: now(), level: level, raw: genEvent(id, et, level), status: tehtris.StatusPending})
		gen.Time = et
		s.seen(&gen)
		ids = append(ids, id)
	}
	return ids
}

const genUUID = "5c3ff0bc-5101-4152-a330-923e569c9229"

// genEvent returns a HeuristicAlert like the platform's, about 1.2 KB.
func genEvent(id int64, t time.Time, level int) []byte {
	b := make([]byte, 0, 1400)
	b = append(b, `{"rflId":1,"time":"`...)
	b = t.AppendFormat(b, tehtris.TimeLayout)
	b = append(b, `","lvl":`...)
	b = strconv.AppendInt(b, int64(level), 10)
	b = append(b, `,"module":"das","eventName":"HeuristicAlert","ipSrc":"10.1.2.3","ipDst":"10.4.5.6","egKBId":130181011000003,"ppid":14172,"os_architecture__":"x86_64","description":"Suspect spawn tree detected\n─ (EXAMPLE-NT\\doe-j) C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe (14172)\n── (EXAMPLE-NT\\doe-j) C:\\Windows\\System32\\cmd.exe (`...)
	b = strconv.AppendInt(b, id%65536, 10)
	b = append(b, `)\n\nNo remediation taken","os_version__":"10.0.19041","pCreateDatetime":"`...)
	b = t.Add(-13*time.Minute).AppendFormat(b, tehtris.TimeLayout)
	b = append(b, `","path":"C:\\Windows\\System32\\cmd.exe","os_server__":false,"os__":"windows","domain__":"example.org","sha256":"01ba4719c80b6fe911b091a7c05124b64eeece964e09c058ef8f9805daca546b","uuid__":"`+genUUID+`","os_release__":"10","username":"EXAMPLE-NT\\doe-j","cmdline":"C:\\WINDOWS\\system32\\cmd.exe /d /c \"C:\\Users\\doe-j\\AppData\\Local\\Programs\\Example\\program.exe\" --parent-window=0","location":"","hostname__":"MR11111","uid":"`+genUUID+`;windows;MR11111;example.org","tag":"TRI_AAA_WIN","pid":`...)
	b = strconv.AppendInt(b, id%65536, 10)
	b = append(b, `,"id":`...)
	b = strconv.AppendInt(b, id, 10)
	return append(b, '}')
}

// Status returns the status of event id, and whether the event exists.
// New events are "pending".
func (s *Server) Status(id int64) (tehtris.EventStatus, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.byID[id]
	if !ok {
		return "", false
	}
	return e.status, true
}

// AddFilter adds a saved filter and returns its id.
func (s *Server) AddFilter(f Filter) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f.ID == "" {
		s.filterSeq++
		f.ID = fmt.Sprintf("%08x-0000-4000-8000-%012x", s.filterSeq, s.filterSeq)
	}
	if f.MaxLevel == 0 {
		f.MaxLevel = 9
	}
	s.filters = append(s.filters, &filterEntry{f: f})
	return f.ID
}

// AddEndpoint registers an endpoint (or changes its state).
func (s *Server) AddEndpoint(ep tehtris.Endpoint, st EndpointState) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ep.AgentUUID = strings.ToLower(ep.AgentUUID)
	if e, ok := s.endpoints[ep]; ok {
		e.EndpointState = st
		return
	}
	s.endpoints[ep] = &endpointState{EndpointState: st}
}

// SetOnline brings an endpoint's agent online or offline; going online
// applies a queued isolation order.
func (s *Server) SetOnline(ep tehtris.Endpoint, online bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.endpoints[tehtris.Endpoint{ApplianceID: ep.ApplianceID, AgentUUID: strings.ToLower(ep.AgentUUID)}]
	if !ok {
		return
	}
	e.Online = online
	if online && e.queued != "" {
		e.isolated = e.queued == "enable"
		e.queued = ""
	}
	if online {
		for _, f := range e.pending {
			f(e)
		}
		e.pending = nil
	}
}

// Isolated reports whether an endpoint is isolated, and whether an order
// is queued for it.
func (s *Server) Isolated(ep tehtris.Endpoint) (isolated, queued bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.endpoints[tehtris.Endpoint{ApplianceID: ep.ApplianceID, AgentUUID: strings.ToLower(ep.AgentUUID)}]
	if !ok {
		return false, false
	}
	return e.isolated, e.queued != ""
}

// Allowed returns the addresses an isolated endpoint may still reach.
func (s *Server) Allowed(ep tehtris.Endpoint) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.endpoints[tehtris.Endpoint{ApplianceID: ep.ApplianceID, AgentUUID: strings.ToLower(ep.AgentUUID)}]
	if !ok {
		return nil
	}
	return slices.Clone(e.allow)
}

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

func (s *Server) listEvents(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit, err := intParam(r, "limit", 100, 1, tehtris.MaxLimit)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	offset, err := intParam(r, "offset", 0, 0, 1<<40)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	const farPast, farFuture = 0, 1 << 40
	from, err := intParam(r, "fromDate", farPast, 0, farFuture)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	to, err := intParam(r, "toDate", farFuture, 0, farFuture)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	eventID, err := intParam(r, "eventId", 0, 1, 1<<62)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	byModified := false
	switch q.Get("createdOrModified") {
	case "", "CREATED":
	case "MODIFIED":
		byModified = true
	default:
		writeError(w, http.StatusBadRequest, "createdOrModified must be CREATED or MODIFIED")
		return
	}
	lo, hi := time.Unix(from, 0), time.Unix(to, 0)

	s.mu.Lock()
	minLvl, maxLvl := 0, 9
	if id := q.Get("filterID"); id != "" {
		var f *Filter
		for _, fe := range s.filters {
			if fe.f.ID == id {
				f = &fe.f
			}
		}
		if f == nil {
			s.mu.Unlock()
			writeError(w, http.StatusNotFound, "filter not found")
			return
		}
		minLvl, maxLvl = f.MinLevel, f.MaxLevel
	}
	match := func(e *entry) bool {
		return e.level >= minLvl && e.level <= maxLvl && (eventID == 0 || e.id == eventID)
	}
	var page []*entry
	if byModified {
		var all []*entry
		for _, e := range s.events {
			if !e.modified.Before(lo) && !e.modified.After(hi) && match(e) {
				all = append(all, e)
			}
		}
		slices.SortFunc(all, func(a, b *entry) int {
			if c := b.modified.Compare(a.modified); c != 0 {
				return c
			}
			return cmpEntry(b, a)
		})
		if offset < int64(len(all)) {
			page = all[offset:min(int64(len(all)), offset+limit)]
		}
	} else {
		// Newest first within [lo, hi].
		start, _ := slices.BinarySearchFunc(s.events, lo, func(e *entry, t time.Time) int { return e.t.Compare(t) })
		end, _ := slices.BinarySearchFunc(s.events, hi, func(e *entry, t time.Time) int {
			if e.t.After(t) {
				return 1
			}
			return -1
		})
		skip := offset
		for i := end - 1; i >= start && int64(len(page)) < limit; i-- {
			e := s.events[i]
			if !match(e) {
				continue
			}
			if skip > 0 {
				skip--
				continue
			}
			page = append(page, e)
		}
	}
	size := 2
	for _, e := range page {
		size += len(e.raw) + 1
	}
	body := make([]byte, 0, size)
	body = append(body, '[')
	for i, e := range page {
		if i > 0 {
			body = append(body, ',')
		}
		body = append(body, e.raw...)
	}
	body = append(body, ']')
	s.mu.Unlock()

	fakeserver.WriteRaw(w, http.StatusOK, "application/json", body)
}

func (s *Server) setStatus(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		writeError(w, http.StatusBadRequest, "id must be a positive integer")
		return
	}
	var body struct {
		Status    *tehtris.EventStatus `json:"status"`
		OldStatus *tehtris.EventStatus `json:"oldStatus"`
	}
	if !decodeBody(w, r, http.StatusBadRequest, &body) {
		return
	}
	if body.Status == nil || !body.Status.Valid() || body.OldStatus != nil && !body.OldStatus.Valid() {
		writeError(w, http.StatusBadRequest, "status must be one of pending, on going, checked, incident, false positive, resolved")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.byID[id]
	if !ok {
		writeError(w, http.StatusNotFound, "event not found")
		return
	}
	if body.OldStatus != nil && *body.OldStatus != e.status {
		writeError(w, http.StatusConflict, "the event's status is "+string(e.status))
		return
	}
	e.status = *body.Status
	e.modified = now()
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) listFilters(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	s.mu.Lock()
	out := make([]map[string]any, 0, len(s.filters))
	for _, fe := range s.filters {
		f := fe.f
		if n := q.Get("name"); n != "" && !strings.Contains(strings.ToLower(f.Name), strings.ToLower(n)) {
			continue
		}
		if m := q.Get("module"); m != "" && m != f.Module {
			continue
		}
		out = append(out, map[string]any{"id": f.ID, "name": f.Name, "description": f.Description, "module": f.Module})
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
}

// endpoint finds the endpoint of a live request; s.mu is held.
func (s *Server) endpoint(w http.ResponseWriter, r *http.Request) *endpointState {
	app, err := strconv.ParseInt(r.PathValue("app"), 10, 64)
	if err != nil {
		writeError(w, http.StatusBadRequest, "applianceId must be an integer")
		return nil
	}
	e, ok := s.endpoints[tehtris.Endpoint{ApplianceID: app, AgentUUID: strings.ToLower(r.PathValue("uuid"))}]
	if !ok {
		writeError(w, http.StatusNotFound, "endpoint not found")
		return nil
	}
	return e
}

func (s *Server) getIsolation(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	e := s.endpoint(w, r)
	if e == nil {
		s.mu.Unlock()
		return
	}
	st := e.isolated
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]bool{"status": st})
}

func (s *Server) postIsolation(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	action := q.Get("isolationAction")
	switch action {
	case "enable", "disable", "whitelist":
	default:
		writeError(w, http.StatusBadRequest, "isolationAction must be enable, disable or whitelist")
		return
	}
	switch q.Get("power") {
	case "", "soft", "hard":
	default:
		writeError(w, http.StatusBadRequest, "power must be soft or hard")
		return
	}
	persist := false
	switch q.Get("persist") {
	case "", "false":
	case "true":
		persist = true
	default:
		writeError(w, http.StatusBadRequest, "persist must be true or false")
		return
	}
	var body struct {
		ToWhitelist []string `json:"toWhitelist"`
	}
	if r.ContentLength != 0 && !decodeBody(w, r, http.StatusBadRequest, &body) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.endpoint(w, r)
	if e == nil {
		return
	}
	if e.BehindProxy {
		writeError(w, http.StatusConflict, "the endpoint is behind a local proxy")
		return
	}
	if body.ToWhitelist != nil {
		e.allow = slices.Clone(body.ToWhitelist)
	}
	if action == "whitelist" {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	if !e.Online {
		if !persist {
			writeError(w, http.StatusGatewayTimeout, "agent unreachable")
			return
		}
		e.queued = action
		w.WriteHeader(http.StatusAccepted)
		return
	}
	e.isolated = action == "enable"
	e.queued = ""
	w.WriteHeader(http.StatusNoContent)
}
