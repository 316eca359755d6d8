package sentinelonetest

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
)

var blocklistSpec = spec{
	lists:    set("ids", "osTypes", "accountIds", "siteIds", "groupIds"),
	contains: map[string]string{"value__contains": "value"},
	strs:     set("type", "value"),
	times:    set("createdAt", "updatedAt"),
	ignored:  set("tenant", "includeParents", "includeChildren", "query"),
}

var iocSpec = spec{
	lists:   set("uuids", "type", "value", "accountIds", "siteIds"),
	strs:    set("source", "externalId"),
	times:   set("createdAt", "updatedAt"),
	ignored: set("tenant"),
}

var exclusionSpec = spec{
	lists:    set("ids", "osTypes", "accountIds", "siteIds", "groupIds"),
	contains: map[string]string{"value__contains": "value"},
	strs:     set("type"),
	times:    set("createdAt", "updatedAt"),
	ignored:  set("tenant", "includeParents", "includeChildren", "query"),
}

var hashRe = regexp.MustCompile(`^([0-9a-fA-F]{40}|[0-9a-fA-F]{64})$`)

var osTypes = set("windows", "windows_legacy", "macos", "linux")

// ConfigEntry is a blocklist entry, an IOC or an exclusion held by the
// server.
type ConfigEntry struct {
	// ID is the entry's id (the uuid of an IOC).
	ID string
	// Type, Value and OSType are as the API writes them (OSType is empty
	// for IOCs).
	Type, Value, OSType string
	// Scope is "tenant", "account", "site" or "group"; ScopeIDs its ids.
	Scope    string
	ScopeIDs []string
}

func entries(items []*record) []ConfigEntry {
	out := make([]ConfigEntry, 0, len(items))
	for _, r := range items {
		var m map[string]any
		_ = json.Unmarshal(r.raw, &m)
		e := ConfigEntry{ID: r.id, Type: str(m["type"]), Value: str(m["value"]), OSType: str(m["osType"]), Scope: str(m["scope"])}
		for _, k := range []string{"accountIds", "siteIds", "groupIds"} {
			e.ScopeIDs = append(e.ScopeIDs, r.fields[k]...)
		}
		out = append(out, e)
	}
	return out
}

// Blocklist returns the entries of the hash blocklist.
func (s *Server) Blocklist() []ConfigEntry {
	s.mu.Lock()
	defer s.mu.Unlock()
	return entries(s.ops.blocklist)
}

// IOCs returns the indicators of the threat-intelligence store.
func (s *Server) IOCs() []ConfigEntry {
	s.mu.Lock()
	defer s.mu.Unlock()
	return entries(s.ops.iocs)
}

// Exclusions returns the exclusions.
func (s *Server) Exclusions() []ConfigEntry {
	s.mu.Lock()
	defer s.mu.Unlock()
	return entries(s.ops.exclusions)
}

// configDoc is the JSON of a created entry: its data plus the server's
// fields.
func (s *Server) configDocLocked(id, scope string, ids []string, data map[string]any) map[string]any {
	doc := map[string]any{}
	for k, v := range data {
		doc[k] = v
	}
	now := formatTime(s.now())
	doc["id"], doc["createdAt"], doc["updatedAt"] = id, now, now
	doc["scope"], doc["scopeName"], doc["scopePath"] = scope, scope, "Global / "+strings.Join(ids, ",")
	return doc
}

// createBlocklist serves POST /restrictions.
func (s *Server) createBlocklist(w http.ResponseWriter, r *http.Request) {
	var req actionReq
	if !decodeBody(w, r, &req) {
		return
	}
	scope, fields, msg := scopeFields(req.Filter, true)
	d := req.Data
	switch {
	case msg != "":
		badParam(w, "%s", msg)
		return
	case str(d["type"]) != "black_hash":
		badParam(w, "data.type: must be black_hash")
		return
	case !hashRe.MatchString(str(d["value"])):
		badParam(w, "data.value: not a SHA-1 or SHA-256")
		return
	case !osTypes[str(d["osType"])]:
		badParam(w, "data.osType: %q", str(d["osType"]))
		return
	}
	s.addEntry(w, &s.ops.blocklist, scope, fields, d, map[string]any{"userId": "1000000000000000001"})
}

// createExclusion serves POST /exclusions.
func (s *Server) createExclusion(w http.ResponseWriter, r *http.Request) {
	var req actionReq
	if !decodeBody(w, r, &req) {
		return
	}
	scope, fields, msg := scopeFields(req.Filter, true)
	d := req.Data
	typ := str(d["type"])
	switch {
	case msg != "":
		badParam(w, "%s", msg)
		return
	case !set("white_hash", "path", "certificate", "browser", "file_type")[typ]:
		badParam(w, "data.type: %q", typ)
		return
	case str(d["value"]) == "":
		badParam(w, "data.value: required")
		return
	case !osTypes[str(d["osType"])]:
		badParam(w, "data.osType: %q", str(d["osType"]))
		return
	}
	s.addEntry(w, &s.ops.exclusions, scope, fields, d, map[string]any{"source": "user", "userName": "api"})
}

// addEntry stores a created blocklist entry or exclusion (data d, plus
// the server's fields and extra) and answers it as a one-element array.
func (s *Server) addEntry(w http.ResponseWriter, items *[]*record, scope string, fields map[string][]string, d, extra map[string]any) {
	s.mu.Lock()
	id := s.newIDLocked()
	fields["osTypes"] = []string{str(d["osType"])}
	fields["type"], fields["value"] = []string{str(d["type"])}, []string{str(d["value"])}
	doc := s.configDocLocked(id, scope, flat(fields), d)
	for k, v := range extra {
		doc[k] = v
	}
	rec := newRecord(id, doc, s.now(), fields)
	*items = insertSorted(*items, rec)
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"data": []json.RawMessage{rec.raw}})
}

// deleteConfig serves DELETE /restrictions and /exclusions: {"data":
// {"type": ..., "ids": [...]}}.
func (s *Server) deleteConfig(items *[]*record) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var req actionReq
		if !decodeBody(w, r, &req) {
			return
		}
		ids := idsOf(req.Data["ids"])
		typ := str(req.Data["type"])
		if len(ids) == 0 || typ == "" {
			badParam(w, "data: type and ids are required")
			return
		}
		s.mu.Lock()
		n := removeIDs(items, ids, func(r *record) bool { return len(r.fields["type"]) == 1 && r.fields["type"][0] == typ })
		s.mu.Unlock()
		writeJSON(w, http.StatusOK, map[string]any{"data": map[string]int{"affected": n}})
	}
}

var iocTypes = set("DNS", "IPV4", "IPV6", "URL", "MD5", "SHA1", "SHA256")

// createIOCs serves POST /threat-intelligence/iocs.
func (s *Server) createIOCs(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Filter map[string]any   `json:"filter"`
		Data   []map[string]any `json:"data"`
	}
	if !decodeBody(w, r, &req) {
		return
	}
	scope, fields, msg := scopeFields(req.Filter, false)
	if msg != "" {
		badParam(w, "%s", msg)
		return
	}
	if len(req.Data) == 0 {
		badParam(w, "data: at least one indicator is required")
		return
	}
	for i, d := range req.Data {
		if !iocTypes[str(d["type"])] || str(d["value"]) == "" || str(d["source"]) == "" || str(d["method"]) != "EQUALS" {
			badParam(w, "data[%d]: type, value, source and method EQUALS are required", i)
			return
		}
	}
	s.mu.Lock()
	out := make([]json.RawMessage, 0, len(req.Data))
	for _, d := range req.Data {
		id := s.newIDLocked()
		f := map[string][]string{"uuids": {id}, "type": {str(d["type"])}, "value": {str(d["value"])}, "source": {str(d["source"])}}
		if x := str(d["externalId"]); x != "" {
			f["externalId"] = []string{x}
		}
		for k, v := range fields {
			f[k] = v
		}
		doc := s.configDocLocked(id, scope, flat(fields), d)
		delete(doc, "id")
		doc["uuid"], doc["uploadTime"], doc["creator"] = id, doc["createdAt"], "api"
		if len(flat(fields)) > 0 {
			doc["scopeId"] = flat(fields)[0]
		}
		rec := newRecord(id, doc, s.now(), f)
		s.ops.iocs = insertSorted(s.ops.iocs, rec)
		out = append(out, rec.raw)
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"data": out})
}

// deleteIOCs serves DELETE /threat-intelligence/iocs: {"filter": {<scope>,
// "uuids": [...]}}.
func (s *Server) deleteIOCs(w http.ResponseWriter, r *http.Request) {
	var req actionReq
	if !decodeBody(w, r, &req) {
		return
	}
	_, fields, msg := scopeFields(req.Filter, false)
	uuids := idsOf(req.Filter["uuids"])
	if msg != "" || len(uuids) == 0 {
		badParam(w, "filter: a scope and uuids are required")
		return
	}
	s.mu.Lock()
	n := removeIDs(&s.ops.iocs, uuids, func(r *record) bool {
		for k, want := range fields {
			if strings.Join(r.fields[k], ",") != strings.Join(want, ",") {
				return false
			}
		}
		return true
	})
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"data": map[string]int{"affected": n}})
}

func flat(fields map[string][]string) []string {
	var out []string
	for _, k := range []string{"accountIds", "siteIds", "groupIds"} {
		out = append(out, fields[k]...)
	}
	return out
}
