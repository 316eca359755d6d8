package tehtristest

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/socgo/xdr/tehtris"
)

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
