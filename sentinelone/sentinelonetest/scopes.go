package sentinelonetest

import (
	"bytes"
	"net/http"
	"strconv"
)

var siteSpec = spec{
	lists:    set("siteIds", "accountIds", "state"),
	contains: map[string]string{"name__contains": "name"},
	strs:     set("name", "siteType"),
	times:    set("createdAt", "updatedAt"),
	sortBy:   set("name"),
	ignored:  set("query"),
}

var groupSpec = spec{
	lists:   set("groupIds", "siteIds", "accountIds", "types"),
	strs:    set("name"),
	bools:   set("isDefault"),
	times:   set("createdAt", "updatedAt"),
	sortBy:  set("name"),
	ignored: set("query"),
}

var accountSpec = spec{
	lists:   set("ids", "states"),
	strs:    set("name"),
	times:   set("createdAt", "updatedAt"),
	sortBy:  set("name"),
	ignored: set("query"),
}

// AddAccount adds an account named name and returns its id.
func (s *Server) AddAccount(name string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.newIDLocked()
	now := s.now()
	doc := map[string]any{"id": id, "name": name, "state": "active", "accountType": "Paid", "activeAgents": 0,
		"numberOfSites": 0, "createdAt": formatTime(now), "updatedAt": formatTime(now), "externalId": nil}
	s.ops.accounts = insertSorted(s.ops.accounts, newRecord(id, doc, now, map[string][]string{"states": {"active"}, "name": {name}}))
	return id
}

// AddSite adds a site named name in account accountID and returns its id.
func (s *Server) AddSite(accountID, name string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.newIDLocked()
	now := s.now()
	doc := map[string]any{"id": id, "name": name, "accountId": accountID, "state": "active", "siteType": "Paid",
		"suite": "Complete", "isDefault": false, "healthStatus": true, "activeLicenses": 0, "totalLicenses": 100,
		"unlimitedLicenses": false, "registrationToken": "fake-registration-" + id,
		"createdAt": formatTime(now), "updatedAt": formatTime(now), "expiration": nil}
	s.ops.sites = insertSorted(s.ops.sites, newRecord(id, doc, now, map[string][]string{
		"siteIds": {id}, "accountIds": {accountID}, "state": {"active"}, "name": {name}, "siteType": {"Paid"}}))
	return id
}

// AddGroup adds a static group named name in site siteID and returns its
// id.
func (s *Server) AddGroup(siteID, name string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.newIDLocked()
	now := s.now()
	doc := map[string]any{"id": id, "name": name, "type": "static", "siteId": siteID, "isDefault": false,
		"inherits": true, "rank": nil, "totalAgents": 0, "registrationToken": "fake-registration-" + id,
		"createdAt": formatTime(now), "updatedAt": formatTime(now)}
	s.ops.groups = insertSorted(s.ops.groups, newRecord(id, doc, now, map[string][]string{
		"groupIds": {id}, "siteIds": {siteID}, "types": {"static"}, "isDefault": {"false"}, "name": {name}}))
	return id
}

// listSites serves GET /sites, whose data is {"allSites": {...}, "sites":
// [...]} as the console answers.
func (s *Server) listSites(w http.ResponseWriter, r *http.Request) {
	lq, ok := parseList(w, r.URL.Query(), siteSpec)
	if !ok {
		return
	}
	s.mu.Lock()
	snap := s.ops.sites[:len(s.ops.sites):len(s.ops.sites)]
	s.mu.Unlock()
	rec := &recorder{header: http.Header{}}
	serve(rec, lq, snap)
	if rec.status != http.StatusOK {
		w.WriteHeader(rec.status)
		_, _ = w.Write(rec.body.Bytes())
		return
	}
	// Rewrap {"data":[...],...} as {"data":{"allSites":{...},"sites":[...]},...}.
	body := rec.body.Bytes()
	const open = `{"data":[`
	end := bytes.Index(body, []byte(`],"pagination":`))
	if !bytes.HasPrefix(body, []byte(open)) || end < 0 {
		http.Error(w, "sentinelonetest: unexpected list body", http.StatusInternalServerError)
		return
	}
	var b bytes.Buffer
	b.WriteString(`{"data":{"allSites":{"activeLicenses":0,"totalLicenses":` + strconv.Itoa(100*len(snap)) + `},"sites":[`)
	b.Write(body[len(open):end])
	b.WriteString(`]}`)
	b.Write(body[end+1:])
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(b.Len()))
	_, _ = w.Write(b.Bytes())
}

// recorder keeps an answer in memory.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }
func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.body.Write(b)
}
func (r *recorder) WriteHeader(status int) { r.status = status }

// moveAgents serves PUT /groups/{id}/move-agents: the agents of the filter
// move to the group (and its site).
func (s *Server) moveAgents(w http.ResponseWriter, r *http.Request) {
	gid := r.PathValue("id")
	var req actionReq
	if !decodeBody(w, r, &req) {
		return
	}
	ids := idsOf(req.Filter["ids"])
	if len(ids) == 0 {
		badParam(w, "filter.ids: required")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var site string
	for _, g := range s.ops.groups {
		if g.id == gid {
			site = g.fields["siteIds"][0]
		}
	}
	if site == "" {
		writeErrors(w, http.StatusNotFound, 4040010, "Not found", "no group "+gid)
		return
	}
	n := 0
	for _, id := range ids {
		if ag, ok := s.agentByID[id]; ok {
			ag.a.GroupID, ag.a.SiteID = gid, site
			ag.index()
			n++
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": map[string]int{"agentsMoved": n}})
}
