package sentinelonetest

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"
)

// Agent is an agent to seed with AddAgent. Empty fields get defaults.
type Agent struct {
	ID            string // default: a new id
	UUID          string // default: derived from the id
	ComputerName  string
	NetworkStatus string // default "connected"
	OSType        string // default "windows"
	AccountID     string
	SiteID        string
	SiteName      string
	GroupID       string
	IsActive      bool
	Infected      bool
	ScanStatus    string // default "none"
	CreatedAt     time.Time
}

type agent struct {
	a   Agent
	rec *record
	// pending is the network status the agent moves to at due (server
	// clock) after a connect or disconnect with a transition delay; empty
	// when no transition is under way.
	pending string
	due     time.Time
}

func (ag *agent) index() {
	a := ag.a
	doc := map[string]any{
		"id": a.ID, "uuid": a.UUID, "computerName": a.ComputerName, "networkStatus": a.NetworkStatus,
		"osType": a.OSType, "accountId": a.AccountID, "siteId": a.SiteID, "groupId": a.GroupID,
		"siteName": a.SiteName, "isActive": a.IsActive, "infected": a.Infected, "scanStatus": a.ScanStatus,
		"isDecommissioned": false, "isUninstalled": false, "createdAt": formatTime(a.CreatedAt),
		"updatedAt": formatTime(a.CreatedAt), "machineType": "laptop", "agentVersion": "24.1.5.277",
	}
	raw, _ := json.Marshal(doc)
	ag.rec = &record{id: a.ID, raw: raw, times: map[string]time.Time{"createdAt": a.CreatedAt, "updatedAt": a.CreatedAt},
		fields: map[string][]string{
			"ids": {a.ID}, "uuids": {a.UUID}, "computerName": {a.ComputerName}, "networkStatuses": {a.NetworkStatus},
			"osTypes": {a.OSType}, "accountIds": {a.AccountID}, "siteIds": {a.SiteID}, "groupIds": {a.GroupID},
			"isActive": {strconv.FormatBool(a.IsActive)}, "infected": {strconv.FormatBool(a.Infected)},
			"isDecommissioned": {"false"}, "isUninstalled": {"false"},
		}}
}

// AddAgent adds an agent and returns its id.
func (s *Server) AddAgent(a Agent) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a.ID == "" {
		a.ID = s.newIDLocked()
	}
	if a.UUID == "" {
		a.UUID = "uuid-" + a.ID
	}
	if a.NetworkStatus == "" {
		a.NetworkStatus = "connected"
	}
	if a.OSType == "" {
		a.OSType = "windows"
	}
	if a.ScanStatus == "" {
		a.ScanStatus = "none"
	}
	if a.CreatedAt.IsZero() {
		a.CreatedAt = s.now()
	}
	a.CreatedAt = a.CreatedAt.UTC().Truncate(time.Microsecond)
	ag := &agent{a: a}
	ag.index()
	s.agentByID[a.ID] = ag
	s.agents = append(s.agents, ag)
	return a.ID
}

// AgentState returns the current state of an agent.
func (s *Server) AgentState(id string) (Agent, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ag, ok := s.agentByID[id]
	if !ok {
		return Agent{}, false
	}
	ag.settle(s.now())
	return ag.a, true
}

func (s *Server) agentRecords() []*record {
	s.mu.Lock()
	defer s.mu.Unlock()
	var recs []*record
	now := s.now()
	for _, ag := range s.agents {
		ag.settle(now)
		recs = insertSorted(recs, ag.rec)
	}
	return recs
}

func (s *Server) listAgents(w http.ResponseWriter, r *http.Request) {
	lq, ok := parseList(w, r.URL.Query(), agentSpec)
	if !ok {
		return
	}
	serve(w, lq, s.agentRecords())
}

func (s *Server) countAgents(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	for _, k := range []string{"limit", "skip", "cursor", "sortBy", "sortOrder", "countOnly", "skipCount"} {
		if q.Has(k) {
			badParam(w, "unknown parameter %q", k)
			return
		}
	}
	lq, ok := parseList(w, q, agentSpec)
	if !ok {
		return
	}
	n := 0
	for _, rec := range s.agentRecords() {
		if lq.match(rec) {
			n++
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": map[string]int{"total": n}})
}

var agentFilterKeys = set("ids", "uuids", "groupIds", "siteIds", "accountIds", "filterId", "query", "isDecommissioned", "isUninstalled")

var dangerousActions = set("disconnect", "restart-machine", "shutdown", "decommission", "uninstall", "fetch-installed-apps")

var knownAgentActions = set("disconnect", "connect", "initiate-scan", "abort-scan", "restart-machine", "shutdown",
	"decommission", "uninstall", "fetch-logs", "broadcast", "enable-agent", "disable-agent", "fetch-installed-apps",
	"mark-up-to-date", "approve-uninstall", "reject-uninstall", "update-software", "move-to-site", "set-config",
	"firewall-logging", "set-external-id", "ranger-enable", "ranger-disable", "manage-tags")

// agentAction serves POST /agents/actions/{action}. As the real console
// does, an empty filter applies to every agent; dangerous actions require
// ids, groupIds or filterId.
func (s *Server) agentAction(w http.ResponseWriter, r *http.Request) {
	act := r.PathValue("action")
	if !knownAgentActions[act] {
		writeErrors(w, http.StatusNotFound, 4040010, "Not found", "unknown agent action "+act)
		return
	}
	var req actionReq
	if !decodeBody(w, r, &req) {
		return
	}
	if req.Filter == nil {
		badParam(w, "filter: required")
		return
	}
	if dangerousActions[act] {
		_, a := req.Filter["ids"]
		_, b := req.Filter["groupIds"]
		_, c := req.Filter["filterId"]
		if !a && !b && !c {
			badParam(w, "filter: one of ids, groupIds, filterId is required for %s", act)
			return
		}
	}
	if act == "broadcast" && str(req.Data["message"]) == "" {
		badParam(w, "data.message: required")
		return
	}
	f := make(map[string]any, len(req.Filter))
	for k, v := range req.Filter {
		if k != "query" { // free text: not applied by the fake
			f[k] = v
		}
	}
	s.mu.Lock()
	delay := s.delay
	now := s.now()
	var hit []*agent
	for _, ag := range s.agents {
		ag.settle(now)
		ok, err := matchFilter(f, ag.rec, agentFilterKeys)
		if err != nil {
			s.mu.Unlock()
			badParam(w, "%v", err)
			return
		}
		if ok {
			hit = append(hit, ag)
		}
	}
	for _, ag := range hit {
		switch act {
		case "disconnect":
			ag.transition("disconnecting", "disconnected", now, delay)
		case "connect":
			ag.transition("connecting", "connected", now, delay)
		case "initiate-scan":
			ag.a.ScanStatus = "started"
			ag.index()
		case "abort-scan":
			ag.a.ScanStatus = "aborted"
			ag.index()
		}
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"data": map[string]int{"affected": len(hit)}})
}

// transition moves the agent to final, through during for delay (on the
// server's clock) when delay is positive. A later action replaces a
// transition under way.
func (ag *agent) transition(during, final string, now time.Time, delay time.Duration) {
	if delay <= 0 {
		ag.a.NetworkStatus, ag.pending = final, ""
		ag.index()
		return
	}
	ag.a.NetworkStatus, ag.pending, ag.due = during, final, now.Add(delay)
	ag.index()
}

// settle ends the transition under way once its delay has passed at now.
// The server calls it, under its lock, before reading an agent.
func (ag *agent) settle(now time.Time) {
	if ag.pending == "" || now.Before(ag.due) {
		return
	}
	ag.a.NetworkStatus, ag.pending = ag.pending, ""
	ag.index()
}
