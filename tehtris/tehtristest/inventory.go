package tehtristest

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/http"
	"net/netip"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/socgo/xdr/tehtris"
)

// InventoryPageSize is the number of hosts a page of GET
// /api/edr/v2/inventory holds in the fake (the API takes no limit).
const InventoryPageSize = 100

// Host describes an endpoint of the fake's inventory for AddHost.
type Host struct {
	// Endpoint is the agent's address (appliance id, UUID).
	Endpoint tehtris.Endpoint
	// Hostname, Domain, LocalIP, RemoteIP, Tags and OS describe it.
	Hostname, Domain, LocalIP, RemoteIP, Tags, OS string
	// State is its isolation behaviour (online, behind a proxy).
	State EndpointState
}

// hostInfo is the inventory part of an endpoint; quarantine and scans are
// its live state.
type hostInfo struct {
	hostname, domain, localIP, remoteIP, tags, os string
	firstSeen, lastSeen                           time.Time
	quarantine                                    []quarantined
	nextQ                                         int
	scans                                         []*scan
	pending                                       []func(*endpointState)
}

type quarantined struct{ original, qpath string }

type scan struct {
	id     string
	status string // "running", "stopped", "done"
}

func genHost() tehtris.Event {
	return tehtris.Event{ApplianceID: 1, AgentUUID: genUUID, Hostname: "MR11111", Domain: "example.org",
		SourceIP: "10.1.2.3", Tag: "TRI_AAA_WIN", OS: "windows"}
}

// seen registers the endpoint of an event (online) and updates its
// inventory entry from the event's host members; s.mu is held.
func (s *Server) seen(ev *tehtris.Event) {
	ep := tehtris.Endpoint{ApplianceID: ev.ApplianceID, AgentUUID: strings.ToLower(ev.AgentUUID)}
	e, ok := s.endpoints[ep]
	if !ok {
		e = &endpointState{EndpointState: EndpointState{Online: true}}
		s.endpoints[ep] = e
	}
	set := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	set(&e.hostname, ev.Hostname)
	set(&e.domain, ev.Domain)
	set(&e.localIP, ev.SourceIP)
	set(&e.tags, ev.Tag)
	set(&e.os, ev.OS)
	t := ev.Time
	if t.IsZero() {
		t = s.now()
	}
	if e.firstSeen.IsZero() || t.Before(e.firstSeen) {
		e.firstSeen = t
	}
	if t.After(e.lastSeen) {
		e.lastSeen = t
	}
}

// AddHost adds an endpoint to the inventory (or replaces its description
// and state). Endpoints the events come from are in the inventory
// already, online, described by the events' host members.
func (s *Server) AddHost(h Host) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ep := tehtris.Endpoint{ApplianceID: h.Endpoint.ApplianceID, AgentUUID: strings.ToLower(h.Endpoint.AgentUUID)}
	e, ok := s.endpoints[ep]
	if !ok {
		e = &endpointState{}
		s.endpoints[ep] = e
	}
	e.EndpointState = h.State
	e.hostname, e.domain, e.localIP, e.remoteIP, e.tags, e.os = h.Hostname, h.Domain, h.LocalIP, h.RemoteIP, h.Tags, h.OS
	t := s.now()
	if e.firstSeen.IsZero() {
		e.firstSeen = t
	}
	e.lastSeen = t
}

func (s *Server) state(ep tehtris.Endpoint) *endpointState {
	return s.endpoints[tehtris.Endpoint{ApplianceID: ep.ApplianceID, AgentUUID: strings.ToLower(ep.AgentUUID)}]
}

// Tags returns the tag string of an endpoint.
func (s *Server) Tags(ep tehtris.Endpoint) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.state(ep); e != nil {
		return e.tags
	}
	return ""
}

// Quarantined returns the original paths of the files in an endpoint's
// quarantine.
func (s *Server) Quarantined(ep tehtris.Endpoint) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	if e := s.state(ep); e != nil {
		for _, q := range e.quarantine {
			out = append(out, q.original)
		}
	}
	return out
}

// ScanRunning reports whether a disk scan runs on an endpoint.
func (s *Server) ScanRunning(ep tehtris.Endpoint) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.state(ep)
	return e != nil && e.current() != nil
}

// FinishScan ends the disk scan running on an endpoint, as done.
func (s *Server) FinishScan(ep tehtris.Endpoint) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.state(ep); e != nil {
		if sc := e.current(); sc != nil {
			sc.status = "done"
		}
	}
}

func (e *endpointState) current() *scan {
	if n := len(e.scans); n > 0 && e.scans[n-1].status == "running" {
		return e.scans[n-1]
	}
	return nil
}

func (s *Server) routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/edr/v2/inventory", s.listHosts)
	mux.HandleFunc("GET /api/edr/v2/inventory/tags", s.listTags)
	mux.HandleFunc("PUT /api/edr/v2/inventory/tags", s.putTags)
	mux.HandleFunc("GET /api/edr/v2/live/{app}/{uuid}/remediation/quarantine", s.getQuarantine)
	mux.HandleFunc("POST /api/edr/v2/live/{app}/{uuid}/remediation/quarantine", s.postQuarantine)
	mux.HandleFunc("PATCH /api/edr/v2/live/{app}/{uuid}/remediation/quarantine", s.patchQuarantine)
	mux.HandleFunc("GET /api/edr/v2/live/{app}/{uuid}/scan-disk", s.getScan)
	mux.HandleFunc("POST /api/edr/v2/live/{app}/{uuid}/scan-disk", s.postScan)
	mux.HandleFunc("GET /api/edr/v2/live/{app}/{uuid}/scan-disk/current", s.getCurrentScan)
	mux.HandleFunc("DELETE /api/edr/v2/live/{app}/{uuid}/scan-disk/current", s.deleteScan)
	mux.HandleFunc("GET /api/edr/v2/data/{app}/{uuid}/processes", s.listProcesses)
	mux.HandleFunc("POST /api/xdr/v2/filter/filter", s.createFilter)
	mux.HandleFunc("DELETE /api/xdr/v2/filter/filter/{id}", s.deleteFilter)
}

type hostJSON struct {
	UUID        string            `json:"uuid"`
	ApplianceID int64             `json:"applianceId"`
	Hostname    string            `json:"hostname"`
	Domain      string            `json:"domain"`
	Tags        string            `json:"tags"`
	LocalIP     string            `json:"localIp"`
	RemoteIP    string            `json:"remoteIp"`
	FirstSeen   string            `json:"firstSeen"`
	LastSeen    string            `json:"lastSeen"`
	OS          map[string]string `json:"os,omitempty"`
}

func (s *Server) listHosts(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	offset, err := intParam(r, "offset", 0, 0, 1<<40)
	if err != nil {
		writeError(w, http.StatusUnprocessableEntity, err.Error())
		return
	}
	var res []*regexp.Regexp
	for _, k := range []string{"hostnameRegex", "domainRegex"} {
		var re *regexp.Regexp
		if v := q.Get(k); v != "" {
			if re, err = regexp.Compile(v); err != nil {
				writeError(w, http.StatusUnprocessableEntity, k+" is not a regular expression")
				return
			}
		}
		res = append(res, re)
	}
	var network netip.Prefix
	if v := q.Get("network"); v != "" {
		if a, err := netip.ParseAddr(v); err == nil {
			network = netip.PrefixFrom(a, a.BitLen())
		} else if network, err = netip.ParsePrefix(v); err != nil {
			writeError(w, http.StatusUnprocessableEntity, "network must be an IP address or a CIDR prefix")
			return
		}
	}
	inNet := func(ip string) bool {
		a, err := netip.ParseAddr(ip)
		return err == nil && network.Contains(a)
	}
	contains := func(have, want string) bool {
		return want == "" || strings.Contains(strings.ToLower(have), strings.ToLower(want))
	}
	s.mu.Lock()
	eps := make([]tehtris.Endpoint, 0, len(s.endpoints))
	for ep := range s.endpoints {
		eps = append(eps, ep)
	}
	slices.SortFunc(eps, func(a, b tehtris.Endpoint) int {
		return cmp.Or(cmp.Compare(a.ApplianceID, b.ApplianceID), cmp.Compare(a.AgentUUID, b.AgentUUID))
	})
	out := []hostJSON{}
	skip := offset
	for _, ep := range eps {
		e := s.endpoints[ep]
		switch {
		case !contains(e.hostname, q.Get("hostname")), !contains(e.domain, q.Get("domain")),
			res[0] != nil && !res[0].MatchString(e.hostname), res[1] != nil && !res[1].MatchString(e.domain),
			network.IsValid() && !inNet(e.localIP) && !inNet(e.remoteIP),
			q.Has("uuids") && !slices.Contains(q["uuids"], ep.AgentUUID),
			q.Has("applianceIds") && !slices.Contains(q["applianceIds"], strconv.FormatInt(ep.ApplianceID, 10)),
			q.Has("tags") && !slices.Contains(q["tags"], e.tags):
			continue
		}
		if skip > 0 {
			skip--
			continue
		}
		if len(out) == InventoryPageSize {
			break
		}
		h := hostJSON{UUID: ep.AgentUUID, ApplianceID: ep.ApplianceID, Hostname: e.hostname, Domain: e.domain,
			Tags: e.tags, LocalIP: e.localIP, RemoteIP: e.remoteIP}
		if !e.firstSeen.IsZero() {
			h.FirstSeen = e.firstSeen.Format(time.RFC3339Nano)
			h.LastSeen = e.lastSeen.Format(time.RFC3339Nano)
		}
		if e.os != "" {
			h.OS = map[string]string{"name": e.os}
		}
		out = append(out, h)
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"data": out})
}

func (s *Server) listTags(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	tags := []string{}
	for _, e := range s.endpoints {
		if e.tags != "" && !slices.Contains(tags, e.tags) {
			tags = append(tags, e.tags)
		}
	}
	s.mu.Unlock()
	slices.Sort(tags)
	writeJSON(w, http.StatusOK, tags)
}

var tagForm = regexp.MustCompile(`^[A-Za-z0-9]{3}_.+$`)

// putTags replaces the tags of the endpoints (the platform may do so).
func (s *Server) putTags(w http.ResponseWriter, r *http.Request) {
	var body struct {
		UUIDs []string `json:"edrUuidList"`
		Tags  string   `json:"tags"`
	}
	if !decodeBody(w, r, http.StatusUnprocessableEntity, &body) {
		return
	}
	if len(body.UUIDs) == 0 || !tagForm.MatchString(body.Tags) {
		writeError(w, http.StatusUnprocessableEntity, "edrUuidList must not be empty and tags must be XXX_tags")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var hit []*endpointState
	for ep, e := range s.endpoints {
		if slices.Contains(body.UUIDs, ep.AgentUUID) {
			hit = append(hit, e)
		}
	}
	if len(hit) == 0 {
		writeError(w, http.StatusNotFound, "no such endpoint")
		return
	}
	for _, e := range hit {
		e.tags = body.Tags
	}
	w.WriteHeader(http.StatusNoContent)
}

// live runs a live order: 504 for an offline agent unless persist=true,
// which queues it (202); s.mu is held.
func live(w http.ResponseWriter, r *http.Request, e *endpointState, do func(*endpointState) (int, any)) {
	if !e.Online {
		if r.URL.Query().Get("persist") != "true" {
			writeError(w, http.StatusGatewayTimeout, "agent unreachable")
			return
		}
		e.pending = append(e.pending, func(e *endpointState) { do(e) })
		w.WriteHeader(http.StatusAccepted)
		return
	}
	status, body := do(e)
	switch {
	case body == nil:
		w.WriteHeader(status)
	case status >= 400:
		writeError(w, status, fmt.Sprint(body))
	default:
		writeJSON(w, status, body)
	}
}

// withEndpoint runs f, under s.mu, on the endpoint of a live request; an
// unknown endpoint has been answered already.
func (s *Server) withEndpoint(w http.ResponseWriter, r *http.Request, f func(*endpointState)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.endpoint(w, r); e != nil {
		f(e)
	}
}

// liveOrder runs a live order on the endpoint of the request (see live).
func (s *Server) liveOrder(w http.ResponseWriter, r *http.Request, do func(*endpointState) (int, any)) {
	s.withEndpoint(w, r, func(e *endpointState) { live(w, r, e, do) })
}

// decodeBody decodes a JSON request body of at most 64 KiB into v; on
// failure it answers status and returns false.
func decodeBody(w http.ResponseWriter, r *http.Request, status int, v any) bool {
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(v); err != nil {
		writeError(w, status, "body: "+err.Error())
		return false
	}
	return true
}

// pathParam returns the required path query parameter, or answers 422.
func pathParam(w http.ResponseWriter, r *http.Request) (string, bool) {
	p := r.URL.Query().Get("path")
	if p == "" {
		writeError(w, http.StatusUnprocessableEntity, "path is required")
	}
	return p, p != ""
}

func (s *Server) getQuarantine(w http.ResponseWriter, r *http.Request) {
	s.withEndpoint(w, r, func(e *endpointState) {
		if !e.Online {
			writeError(w, http.StatusGatewayTimeout, "agent unreachable")
			return
		}
		paths := []string{}
		for _, q := range e.quarantine {
			paths = append(paths, q.qpath)
		}
		writeJSON(w, http.StatusOK, map[string]any{"quarantinePaths": paths})
	})
}

func (s *Server) postQuarantine(w http.ResponseWriter, r *http.Request) {
	p, ok := pathParam(w, r)
	if !ok {
		return
	}
	s.liveOrder(w, r, func(e *endpointState) (int, any) {
		for _, q := range e.quarantine {
			if q.original == p {
				return http.StatusConflict, "the file is already in quarantine"
			}
		}
		e.nextQ++
		base := path.Base(strings.ReplaceAll(p, `\`, "/"))
		e.quarantine = append(e.quarantine, quarantined{original: p, qpath: fmt.Sprintf("quarantine/%d/%s", e.nextQ, base)})
		return http.StatusNoContent, nil
	})
}

func (s *Server) patchQuarantine(w http.ResponseWriter, r *http.Request) {
	p, ok := pathParam(w, r)
	if !ok {
		return
	}
	s.liveOrder(w, r, func(e *endpointState) (int, any) {
		i := slices.IndexFunc(e.quarantine, func(q quarantined) bool { return q.qpath == p })
		if i < 0 {
			return http.StatusNotFound, "no such file in quarantine (give the path Quarantined lists)"
		}
		e.quarantine = slices.Delete(e.quarantine, i, i+1)
		return http.StatusNoContent, nil
	})
}

func scanJSON(sc *scan) map[string]string {
	return map[string]string{"scanId": sc.id, "status": sc.status}
}

func (s *Server) postScan(w http.ResponseWriter, r *http.Request) {
	var body struct {
		ScanADS      bool     `json:"scanADS"`
		Exclude      []string `json:"scanWhitelistPaths"`
		StartFolders []string `json:"startFolders"`
	}
	if r.ContentLength != 0 && !decodeBody(w, r, http.StatusUnprocessableEntity, &body) {
		return
	}
	s.liveOrder(w, r, func(e *endpointState) (int, any) {
		if e.current() != nil {
			return http.StatusConflict, "a scan is already running"
		}
		sc := &scan{id: fmt.Sprintf("scan-%d", len(e.scans)+1), status: "running"}
		e.scans = append(e.scans, sc)
		return http.StatusCreated, scanJSON(sc)
	})
}

func (s *Server) getScan(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("scanId")
	s.withEndpoint(w, r, func(e *endpointState) {
		for i := len(e.scans) - 1; i >= 0; i-- {
			if id == "" || e.scans[i].id == id {
				writeJSON(w, http.StatusOK, scanJSON(e.scans[i]))
				return
			}
		}
		writeError(w, http.StatusNotFound, "no such scan")
	})
}

func (s *Server) getCurrentScan(w http.ResponseWriter, r *http.Request) {
	s.withEndpoint(w, r, func(e *endpointState) {
		if sc := e.current(); sc != nil {
			writeJSON(w, http.StatusOK, scanJSON(sc))
			return
		}
		writeError(w, http.StatusNotFound, "no scan running")
	})
}

func (s *Server) deleteScan(w http.ResponseWriter, r *http.Request) {
	s.withEndpoint(w, r, func(e *endpointState) {
		sc := e.current()
		if sc == nil {
			writeError(w, http.StatusNotFound, "no scan running")
			return
		}
		sc.status = "stopped"
		w.WriteHeader(http.StatusNoContent)
	})
}

type processJSON struct {
	PID      int64  `json:"pid"`
	PPID     int64  `json:"ppid"`
	Path     string `json:"path,omitempty"`
	Cmdline  string `json:"cmdline,omitempty"`
	Username string `json:"username,omitempty"`
	SHA256   string `json:"sha256,omitempty"`
	Created  string `json:"created,omitempty"`
}

// listProcesses serves the processes the endpoint's events name, newest
// first; timeFrom and timeTo bound their creation time.
func (s *Server) listProcesses(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit, err := intParam(r, "limit", 100, 1, 1000)
	if err == nil {
		var offset int64
		offset, err = intParam(r, "offset", 0, 0, 1<<40)
		q.Set("offset", strconv.FormatInt(offset, 10))
	}
	var from, to time.Time
	for _, b := range []struct {
		k string
		t *time.Time
	}{{"timeFrom", &from}, {"timeTo", &to}} {
		if v := q.Get(b.k); v != "" && err == nil {
			if *b.t, err = time.Parse(time.RFC3339Nano, v); err != nil {
				err = fmt.Errorf("%s must be an ISO 8601 time", b.k)
			}
		}
	}
	if err != nil {
		writeError(w, http.StatusUnprocessableEntity, err.Error())
		return
	}
	offset, _ := strconv.Atoi(q.Get("offset"))
	has := func(k, v string) bool {
		return q.Get(k) == "" || strings.Contains(strings.ToLower(v), strings.ToLower(q.Get(k)))
	}
	s.mu.Lock()
	e := s.endpoint(w, r)
	if e == nil {
		s.mu.Unlock()
		return
	}
	uuid := strings.ToLower(r.PathValue("uuid"))
	out := []processJSON{}
	for i := len(s.events) - 1; i >= 0 && len(out) < int(limit); i-- {
		var ev tehtris.Event
		if ev.UnmarshalJSON(s.events[i].raw) != nil || ev.PID == nil || strings.ToLower(ev.AgentUUID) != uuid {
			continue
		}
		p := processJSON{PID: *ev.PID, Path: ev.Path, Cmdline: ev.CommandLine, Username: ev.Username, SHA256: ev.SHA256}
		if ev.PPID != nil {
			p.PPID = *ev.PPID
		}
		created := ev.ProcessCreated
		if !created.IsZero() {
			p.Created = created.UTC().Format(time.RFC3339Nano)
		}
		switch {
		case !from.IsZero() && created.Before(from), !to.IsZero() && created.After(to),
			q.Has("pids") && !slices.Contains(q["pids"], strconv.FormatInt(p.PID, 10)),
			q.Has("ppids") && !slices.Contains(q["ppids"], strconv.FormatInt(p.PPID, 10)),
			!has("username", p.Username), !has("path", p.Path), !has("cmdline", p.Cmdline),
			q.Get("sha256") != "" && !strings.EqualFold(q.Get("sha256"), p.SHA256):
			continue
		}
		if offset > 0 {
			offset--
			continue
		}
		out = append(out, p)
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"data": out})
}

var levelRange = regexp.MustCompile(`^([0-9])~([0-9])$`)

func (s *Server) createFilter(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Name        string `json:"name"`
		Description string `json:"description"`
		Module      string `json:"module"`
		FilterQuery struct {
			Columns map[string]struct {
				SearchValue string `json:"searchValue"`
			} `json:"columns"`
		} `json:"filterQuery"`
	}
	if !decodeBody(w, r, http.StatusUnprocessableEntity, &body) {
		return
	}
	f := Filter{Name: body.Name, Description: body.Description, Module: body.Module}
	if m := levelRange.FindStringSubmatch(body.FilterQuery.Columns["lvl"].SearchValue); m != nil {
		f.MinLevel, _ = strconv.Atoi(m[1])
		f.MaxLevel, _ = strconv.Atoi(m[2])
	}
	if f.Name == "" || f.MinLevel > f.MaxLevel {
		writeError(w, http.StatusUnprocessableEntity, "name is required and lvl must be min~max")
		return
	}
	f.ID = s.AddFilter(f)
	writeJSON(w, http.StatusCreated, map[string]any{"id": f.ID, "name": f.Name, "description": f.Description, "module": f.Module})
}

func (s *Server) deleteFilter(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	s.mu.Lock()
	defer s.mu.Unlock()
	i := slices.IndexFunc(s.filters, func(fe *filterEntry) bool { return fe.f.ID == id })
	if i < 0 {
		writeError(w, http.StatusNotFound, "filter not found")
		return
	}
	s.filters = slices.Delete(s.filters, i, i+1)
	w.WriteHeader(http.StatusNoContent)
}
