package sekoiatest

import (
	"bytes"
	"io"
	"net/http"
	"sync"

	"github.com/klauspost/compress/gzip"
)

// HTTP intake behaviour of the fake, under IntakeURL() (URL()+"/intake").
//
// POST /intake/batch takes {"intake_key": "...", "jsons": ["<event>", …]},
// optionally gzip-compressed (Content-Encoding: gzip). It answers 401 for an
// unknown intake key (IntakeKey is known from the start; AddIntakeKey adds
// others), 400 for a malformed body, and 413 when the body is over 10 MiB
// once decompressed or when any event is over 250 KiB (the fake rejects the
// whole request; the real intake may accept the other events of a batch).
// Otherwise it stores every event in order, gives each a new UUID and
// answers {"event_ids": [...]} in the order of the events.

// Limits of the fake intake, those of the real one.
const (
	IntakeMaxEventBytes   = 250 << 10
	IntakeMaxRequestBytes = 10 << 20
)

type intakeStore struct {
	s *Server

	mu       sync.Mutex
	keys     map[string]bool
	key      string
	events   [][]byte
	ids      []string
	byID     map[string]int
	requests int
	rejected int

	bodies  sync.Pool // *bytes.Buffer: request bodies being read
	gunzips sync.Pool // *gzip.Reader
}

func newIntakeStore(s *Server) *intakeStore {
	key := newUUID()
	st := &intakeStore{s: s, key: key, keys: map[string]bool{key: true}, byID: map[string]int{}}
	st.bodies.New = func() any { return new(bytes.Buffer) }
	return st
}

func (st *intakeStore) register(mux *http.ServeMux) {
	mux.HandleFunc("POST /intake/batch", st.batch)
}

// IntakeKey returns an intake key the fake intake accepts.
//
// The intake (under IntakeURL) serves POST /batch, gzip-compressed or not:
// it answers 401 for an unknown key, 400 for a malformed body, and 413 for
// a body over 10 MiB once decompressed or any event over 250 KiB (the whole
// request is refused). Otherwise it stores the events in order, each under
// a new UUID, and answers their ids in order: see Received,
// ReceivedEvent and IntakeRequests.
func (s *Server) IntakeKey() string { return s.intake.key }

// AddIntakeKey makes the fake intake accept key too.
func (s *Server) AddIntakeKey(key string) {
	st := s.intake
	st.mu.Lock()
	st.keys[key] = true
	st.mu.Unlock()
}

// Received returns a copy of the events the intake stored, in the order
// they arrived (events sent twice, after a retry, appear twice).
func (s *Server) Received() [][]byte {
	st := s.intake
	st.mu.Lock()
	defer st.mu.Unlock()
	out := make([][]byte, len(st.events))
	for i, ev := range st.events {
		out[i] = bytes.Clone(ev)
	}
	return out
}

// ReceivedCount returns the number of events the intake stored.
func (s *Server) ReceivedCount() int {
	st := s.intake
	st.mu.Lock()
	defer st.mu.Unlock()
	return len(st.events)
}

// ReceivedEvent returns the event the intake stored under id.
func (s *Server) ReceivedEvent(id string) ([]byte, bool) {
	st := s.intake
	st.mu.Lock()
	defer st.mu.Unlock()
	i, ok := st.byID[id]
	if !ok {
		return nil, false
	}
	return bytes.Clone(st.events[i]), true
}

// IntakeRequests returns how many intake requests were answered, and how
// many of them were refused (401, 400 or 413).
func (s *Server) IntakeRequests() (total, refused int) {
	st := s.intake
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.requests, st.rejected
}

// ResetIntake forgets the events received and the request counts.
func (s *Server) ResetIntake() {
	st := s.intake
	st.mu.Lock()
	st.events, st.ids, st.byID = nil, nil, map[string]int{}
	st.requests, st.rejected = 0, 0
	st.mu.Unlock()
}

func (st *intakeStore) refuse(w http.ResponseWriter, status int, msg string) {
	st.mu.Lock()
	st.requests++
	st.rejected++
	st.mu.Unlock()
	writeError(w, status, "", msg)
}

func (st *intakeStore) batch(w http.ResponseWriter, r *http.Request) {
	var body io.Reader = r.Body
	if r.Header.Get("Content-Encoding") == "gzip" {
		zr, _ := st.gunzips.Get().(*gzip.Reader)
		var err error
		if zr == nil {
			zr, err = gzip.NewReader(r.Body)
		} else {
			err = zr.Reset(r.Body)
		}
		if err != nil {
			st.refuse(w, http.StatusBadRequest, "Invalid gzip body")
			return
		}
		defer st.gunzips.Put(zr)
		body = zr
	}
	// The decoded events do not share the body's memory: it is reused.
	buf := st.bodies.Get().(*bytes.Buffer)
	defer st.bodies.Put(buf)
	buf.Reset()
	_, err := buf.ReadFrom(io.LimitReader(body, IntakeMaxRequestBytes+1))
	raw := buf.Bytes()
	if err != nil {
		st.refuse(w, http.StatusBadRequest, "Unreadable body")
		return
	}
	if len(raw) > IntakeMaxRequestBytes {
		st.refuse(w, http.StatusRequestEntityTooLarge, "Request body is over 10 MiB")
		return
	}
	in, err := decodeIntakeBody(raw)
	if err != nil {
		st.refuse(w, http.StatusBadRequest, "Invalid body: "+err.Error())
		return
	}
	st.mu.Lock()
	known := st.keys[in.IntakeKey]
	st.mu.Unlock()
	if !known {
		st.refuse(w, http.StatusUnauthorized, "Unknown intake key")
		return
	}
	if len(in.JSONs) == 0 {
		st.refuse(w, http.StatusBadRequest, "No events")
		return
	}
	for _, ev := range in.JSONs {
		if len(ev) > IntakeMaxEventBytes {
			st.refuse(w, http.StatusRequestEntityTooLarge, "Event is over 250 KiB")
			return
		}
	}
	ids := newUUIDs(len(in.JSONs))
	st.mu.Lock()
	st.requests++
	for i, ev := range in.JSONs {
		st.byID[ids[i]] = len(st.events)
		st.events = append(st.events, ev)
	}
	st.ids = append(st.ids, ids...)
	st.mu.Unlock()
	// {"event_ids": [...]}: UUIDs need no escaping.
	b := make([]byte, 0, len(`{"event_ids":[]}`)+len(ids)*(uuidLen+3))
	b = append(b, `{"event_ids":[`...)
	for i, id := range ids {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(append(append(b, '"'), id...), '"')
	}
	b = append(b, "]}"...)
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(b)
}
