package sentinelonetest

import (
	"encoding/json"
	"net/http"
	"time"
)

// opsState is the state of the configuration and response calls: the hash
// blocklist, IOCs, exclusions, sites, groups and accounts, file uploads and
// script tasks. It is guarded by Server.mu.
type opsState struct {
	blocklist  []*record
	iocs       []*record
	exclusions []*record
	sites      []*record
	groups     []*record
	accounts   []*record
	uploads    map[string]*upload // activity id → upload
	tasks      []*scriptTask
	fetchDelay time.Duration
	uploadSize int64
	taskDelay  time.Duration
}

// registerOps adds the routes of the configuration and response calls.
func (s *Server) registerOps(mux *http.ServeMux) {
	mux.HandleFunc("GET "+APIPath+"/restrictions", s.listConfig(&s.ops.blocklist, blocklistSpec))
	mux.HandleFunc("POST "+APIPath+"/restrictions", s.createBlocklist)
	mux.HandleFunc("DELETE "+APIPath+"/restrictions", s.deleteConfig(&s.ops.blocklist))
	mux.HandleFunc("GET "+APIPath+"/threat-intelligence/iocs", s.listConfig(&s.ops.iocs, iocSpec))
	mux.HandleFunc("POST "+APIPath+"/threat-intelligence/iocs", s.createIOCs)
	mux.HandleFunc("DELETE "+APIPath+"/threat-intelligence/iocs", s.deleteIOCs)
	mux.HandleFunc("GET "+APIPath+"/exclusions", s.listConfig(&s.ops.exclusions, exclusionSpec))
	mux.HandleFunc("POST "+APIPath+"/exclusions", s.createExclusion)
	mux.HandleFunc("DELETE "+APIPath+"/exclusions", s.deleteConfig(&s.ops.exclusions))
	mux.HandleFunc("GET "+APIPath+"/sites", s.listSites)
	mux.HandleFunc("GET "+APIPath+"/sites/{id}", s.getScope(&s.ops.sites))
	mux.HandleFunc("GET "+APIPath+"/groups", s.listConfig(&s.ops.groups, groupSpec))
	mux.HandleFunc("GET "+APIPath+"/groups/{id}", s.getScope(&s.ops.groups))
	mux.HandleFunc("PUT "+APIPath+"/groups/{id}/move-agents", s.moveAgents)
	mux.HandleFunc("GET "+APIPath+"/accounts", s.listConfig(&s.ops.accounts, accountSpec))
	mux.HandleFunc("GET "+APIPath+"/accounts/{id}", s.getScope(&s.ops.accounts))
	mux.HandleFunc("POST "+APIPath+"/threats/fetch-file", s.fetchThreatFile)
	mux.HandleFunc("POST "+APIPath+"/agents/{id}/actions/fetch-files", s.fetchAgentFiles)
	mux.HandleFunc("GET "+APIPath+"/agents/{id}/uploads/{activityId}", s.serveUpload)
	mux.HandleFunc("GET "+APIPath+"/threats/{id}/download-from-cloud", s.cloudDownload)
	mux.HandleFunc("POST "+APIPath+"/remote-scripts/execute", s.executeScript)
	mux.HandleFunc("GET "+APIPath+"/remote-scripts/status", s.listTasks)
	mux.HandleFunc("GET "+APIPath+"/remote-scripts/fetch-file", s.scriptOutput)
}

// newRecord makes the record of an object created now: its JSON, and the
// values its list filters match.
func newRecord(id string, doc map[string]any, created time.Time, fields map[string][]string) *record {
	raw, _ := json.Marshal(doc)
	if fields == nil {
		fields = map[string][]string{}
	}
	fields["ids"] = []string{id}
	return &record{id: id, raw: raw, fields: fields, times: map[string]time.Time{"createdAt": created, "updatedAt": created}}
}

// listConfig serves the list of one kind of object.
func (s *Server) listConfig(items *[]*record, sp spec) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		lq, ok := parseList(w, r.URL.Query(), sp)
		if !ok {
			return
		}
		s.mu.Lock()
		snap := (*items)[:len(*items):len(*items)]
		s.mu.Unlock()
		serve(w, lq, snap)
	}
}

// getScope serves GET …/{id} of a site, group or account.
func (s *Server) getScope(items *[]*record) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("id")
		s.mu.Lock()
		var raw []byte
		for _, rec := range *items {
			if rec.id == id {
				raw = rec.raw
			}
		}
		s.mu.Unlock()
		if raw == nil {
			writeErrors(w, http.StatusNotFound, 4040010, "Not found", "no object with id "+id)
			return
		}
		writeJSON(w, http.StatusOK, map[string]json.RawMessage{"data": raw})
	}
}

// scopeFields reads the scope of a create filter: {"tenant": true} or one
// of accountIds, siteIds, groupIds. It returns the scope name and the
// fields the record is matched on, or a message for a 400.
func scopeFields(f map[string]any, allowGroup bool) (string, map[string][]string, string) {
	if len(f) == 0 {
		return "", nil, "filter: a scope is required (tenant, accountIds, siteIds or groupIds)"
	}
	fields := map[string][]string{}
	scope := ""
	for k, v := range f {
		switch k {
		case "tenant":
			if str(v) != "true" {
				return "", nil, "filter.tenant: must be true"
			}
			scope = "tenant"
		case "accountIds", "siteIds", "groupIds":
			if k == "groupIds" && !allowGroup {
				return "", nil, "filter.groupIds: not accepted here"
			}
			list, _ := v.([]any)
			if len(list) == 0 {
				return "", nil, "filter." + k + ": must be a non-empty array"
			}
			for _, e := range list {
				fields[k] = append(fields[k], str(e))
			}
			scope = map[string]string{"accountIds": "account", "siteIds": "site", "groupIds": "group"}[k]
		case "uuids":
		default:
			return "", nil, "filter: unknown key " + k
		}
	}
	return scope, fields, ""
}

// idsOf reads a JSON array of ids.
func idsOf(v any) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, e := range list {
		if s := str(e); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// removeIDs drops the records whose id is in ids and returns how many.
func removeIDs(items *[]*record, ids []string, match func(*record) bool) int {
	want := map[string]bool{}
	for _, id := range ids {
		want[id] = true
	}
	kept := make([]*record, 0, len(*items))
	n := 0
	for _, r := range *items {
		if want[r.id] && (match == nil || match(r)) {
			n++
			continue
		}
		kept = append(kept, r)
	}
	*items = kept
	return n
}
