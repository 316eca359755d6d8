package sentinelonetest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

var activitySpec = spec{
	lists: set("ids", "activityUuids", "activityTypes", "accountIds", "siteIds", "groupIds", "agentIds",
		"threatIds", "alertIds", "ruleIds", "userIds", "userEmails"),
	times:   set("createdAt"),
	sortBy:  set("activityType"),
	ignored: set("includeHidden"),
}

var threatSpec = spec{
	lists: set("ids", "agentIds", "accountIds", "siteIds", "groupIds", "contentHashes", "storylines", "collectionIds",
		"engines", "classifications", "classificationSources", "agentVersions", "agentMachineTypes", "osTypes",
		"osArchs", "osNames", "initiatedBy", "confidenceLevels", "mitigationStatuses", "analystVerdicts",
		"incidentStatuses", "externalTicketIds", "components"),
	contains: map[string]string{
		"contentHash__contains": "contentHashes", "threatDetails__contains": "displayName",
		"filePath__contains": "filePath", "computerName__contains": "computerName",
		"uuid__contains": "uuid", "detectionAgentVersion__contains": "agentVersions",
	},
	bools: set("agentIsActive", "noteExists", "failedActions", "rebootRequired", "pendingActions",
		"externalTicketExists", "mitigatedPreemptively"),
	strs:    set("displayName"),
	times:   set("createdAt", "updatedAt"),
	ignored: set("query"),
}

var agentSpec = spec{
	lists:    set("ids", "uuids", "networkStatuses", "accountIds", "siteIds", "groupIds", "osTypes"),
	contains: map[string]string{"computerName__contains": "computerName"},
	bools:    set("isActive", "infected", "isDecommissioned"),
	strs:     set("computerName"),
	times:    set("createdAt", "updatedAt"),
	sortBy:   set("computerName"),
	ignored:  set("query"),
}

// AddActivityJSON adds an activity given as its JSON object (for example a
// sample from a file). It must have a string "id" and a "createdAt".
func (s *Server) AddActivityJSON(raw []byte) error {
	var m map[string]any
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	if err := d.Decode(&m); err != nil {
		return fmt.Errorf("sentinelonetest: AddActivityJSON: %w", err)
	}
	r, err := activityRecord(m, bytes.Clone(raw))
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.actByID[r.id]; dup {
		return fmt.Errorf("sentinelonetest: AddActivityJSON: id %s exists", r.id)
	}
	s.actByID[r.id] = r
	s.activities = insertSorted(s.activities, r)
	return nil
}

func activityRecord(m map[string]any, raw []byte) (*record, error) {
	id, _ := m["id"].(string)
	if id == "" {
		return nil, errors.New("sentinelonetest: activity without a string id")
	}
	ca, _ := m["createdAt"].(string)
	created, ok := parseTime(ca)
	if !ok {
		return nil, fmt.Errorf("sentinelonetest: activity %s: createdAt %q", id, ca)
	}
	r := &record{id: id, raw: raw, fields: map[string][]string{"ids": {id}}, times: map[string]time.Time{"createdAt": created}}
	put := func(key string, v any) {
		switch x := v.(type) {
		case string:
			if x != "" {
				r.fields[key] = append(r.fields[key], x)
			}
		case json.Number:
			r.fields[key] = append(r.fields[key], x.String())
		}
	}
	put("activityTypes", m["activityType"])
	put("activityUuids", m["activityUuid"])
	put("accountIds", m["accountId"])
	put("siteIds", m["siteId"])
	put("groupIds", m["groupId"])
	put("agentIds", m["agentId"])
	put("threatIds", m["threatId"])
	put("userIds", m["userId"])
	if data, ok := m["data"].(map[string]any); ok {
		put("alertIds", data["alertid"])
		put("ruleIds", data["ruleid"])
		put("userEmails", data["userEmail"])
	}
	return r, nil
}

// activityTemplate is a synthetic activity of about the size of a real one.
const activityTemplate = `{"accountId":"222222222222222222","accountName":"example.com","activityType":90,` +
	`"agentId":"1109290742018175361","agentUpdatedVersion":null,"comments":null,"createdAt":"%s",` +
	`"data":{"accountName":"example.com","computerName":"host%d.example.com","createdAt":"%s",` +
	`"fullScopeDetails":"Group Default Group in Site Lab of Account example.com","groupName":"Default Group",` +
	`"scopeLevel":"Group","scopeName":"Default Group","siteName":"Lab","status":"started"},` +
	`"description":null,"groupId":"1107851598374945694","groupName":"Default Group","hash":null,"id":"%s",` +
	`"osFamily":null,"primaryDescription":"Agent host%d.example.com started full disk scan.",` +
	`"secondaryDescription":null,"siteId":"1107851598358168475","siteName":"Lab","threatId":null,` +
	`"updatedAt":"%s","userId":null}`

func formatTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000Z") }

// SeedActivitiesAt adds n synthetic activities (type 90) created at
// createdAt (microsecond precision), with new ids larger than every id the
// server made before, and returns the ids.
func (s *Server) SeedActivitiesAt(n int, createdAt time.Time) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.appendLocked(n, createdAt)
}

// SeedActivities adds n synthetic activities sharing one createdAt
// read from the server's clock while the server is locked, so that they
// become visible atomically with the time they carry: a request whose
// createdAt__lte bound is later than that time sees all of them. It
// returns the ids.
func (s *Server) SeedActivities(n int) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.appendLocked(n, s.now())
}

func (s *Server) appendLocked(n int, createdAt time.Time) []string {
	ts := formatTime(createdAt)
	at, _ := parseTime(ts)
	ids := make([]string, n)
	for i := range n {
		id := s.newIDLocked()
		host := int(s.nextID % 1000)
		raw := fmt.Appendf(nil, activityTemplate, ts, host, ts, id, host, ts)
		r := &record{id: id, raw: raw, times: map[string]time.Time{"createdAt": at}, fields: map[string][]string{
			"ids": {id}, "activityTypes": {"90"}, "accountIds": {"222222222222222222"}, "siteIds": {"1107851598358168475"},
			"groupIds": {"1107851598374945694"}, "agentIds": {"1109290742018175361"},
		}}
		s.actByID[id] = r
		s.activities = insertSorted(s.activities, r)
		ids[i] = id
	}
	return ids
}

// ActivityCount returns the number of activities held.
func (s *Server) ActivityCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.activities)
}

func (s *Server) listActivities(w http.ResponseWriter, r *http.Request) {
	lq, ok := parseList(w, r.URL.Query(), activitySpec)
	if !ok {
		return
	}
	s.mu.Lock()
	items := s.activities[:len(s.activities):len(s.activities)]
	s.mu.Unlock()
	serve(w, lq, items)
}

// threat is a stored threat: its document, changed by the actions.
type threat struct {
	doc   map[string]any
	rec   *record
	notes []string
}

// AddThreatJSON adds a threat given as its JSON object (v2.1 shape: "id" and
// "threatInfo.createdAt" are required).
func (s *Server) AddThreatJSON(raw []byte) error {
	var m map[string]any
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	if err := d.Decode(&m); err != nil {
		return fmt.Errorf("sentinelonetest: AddThreatJSON: %w", err)
	}
	th := &threat{doc: m}
	if err := th.index(bytes.Clone(raw)); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.threatByID[th.rec.id]; dup {
		return fmt.Errorf("sentinelonetest: AddThreatJSON: id %s exists", th.rec.id)
	}
	s.threatByID[th.rec.id] = th
	s.threats = append(s.threats, th)
	s.sortThreatsLocked()
	return nil
}

func (s *Server) sortThreatsLocked() {
	recs := make([]*record, 0, len(s.threats))
	for _, t := range s.threats {
		recs = insertSorted(recs, t.rec)
	}
	byID := make([]*threat, len(recs))
	for i, r := range recs {
		byID[i] = s.threatByID[r.id]
	}
	s.threats = byID
}

func obj(m map[string]any, key string) map[string]any {
	o, _ := m[key].(map[string]any)
	if o == nil {
		o = map[string]any{}
		m[key] = o
	}
	return o
}

func str(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	case bool:
		return strconv.FormatBool(x)
	}
	return ""
}

// index recomputes the record of the threat (raw given, or re-encoded).
func (t *threat) index(raw []byte) error {
	id := str(t.doc["id"])
	if id == "" {
		return errors.New("sentinelonetest: threat without an id")
	}
	ti := obj(t.doc, "threatInfo")
	ar := obj(t.doc, "agentRealtimeInfo")
	ad := obj(t.doc, "agentDetectionInfo")
	created, ok := parseTime(str(ti["createdAt"]))
	if !ok {
		return fmt.Errorf("sentinelonetest: threat %s: threatInfo.createdAt %q", id, str(ti["createdAt"]))
	}
	updated, ok := parseTime(str(ti["updatedAt"]))
	if !ok {
		updated = created
	}
	if raw == nil {
		b, err := json.Marshal(t.doc)
		if err != nil {
			return err
		}
		raw = b
	}
	f := map[string][]string{}
	put := func(k string, v any) {
		if s := str(v); s != "" {
			f[k] = append(f[k], s)
		}
	}
	put("ids", id)
	put("agentIds", ar["agentId"])
	put("accountIds", ar["accountId"])
	put("siteIds", ar["siteId"])
	put("groupIds", ar["groupId"])
	put("contentHashes", ti["sha1"])
	put("storylines", ti["storyline"])
	put("collectionIds", ti["collectionId"])
	if es, ok := ti["engines"].([]any); ok {
		for _, e := range es {
			put("engines", e)
		}
	}
	put("classifications", ti["classification"])
	put("classificationSources", ti["classificationSource"])
	put("agentVersions", ar["agentVersion"])
	put("agentMachineTypes", ar["agentMachineType"])
	put("osTypes", ar["agentOsType"])
	put("osNames", ar["agentOsName"])
	put("initiatedBy", ti["initiatedBy"])
	put("confidenceLevels", ti["confidenceLevel"])
	put("mitigationStatuses", ti["mitigationStatus"])
	put("analystVerdicts", ti["analystVerdict"])
	put("incidentStatuses", ti["incidentStatus"])
	put("externalTicketIds", ti["externalTicketId"])
	put("displayName", ti["threatName"])
	put("filePath", ti["filePath"])
	put("computerName", ar["agentComputerName"])
	put("uuid", ar["agentUuid"])
	put("uuid", ad["agentUuid"])
	put("agentIsActive", boolOf(ar["agentIsActive"]))
	put("noteExists", strconv.FormatBool(len(t.notes) > 0))
	put("failedActions", boolOf(ti["failedActions"]))
	put("rebootRequired", boolOf(ti["rebootRequired"]))
	put("pendingActions", boolOf(ti["pendingActions"]))
	put("externalTicketExists", boolOf(ti["externalTicketExists"]))
	put("mitigatedPreemptively", boolOf(ti["mitigatedPreemptively"]))
	t.rec = &record{id: id, raw: raw, fields: f, times: map[string]time.Time{"createdAt": created, "updatedAt": updated}}
	return nil
}

func boolOf(v any) string {
	b, _ := v.(bool)
	return strconv.FormatBool(b)
}

// threatTemplate is a synthetic v2.1 threat.
const threatTemplate = `{"id":%q,"threatInfo":{"threatId":%q,"threatName":%q,"createdAt":%q,"updatedAt":%q,` +
	`"identifiedAt":%q,"classification":"Malware","classificationSource":"Cloud","confidenceLevel":"malicious",` +
	`"analystVerdict":"undefined","incidentStatus":"unresolved","mitigationStatus":"not_mitigated",` +
	`"initiatedBy":"agent_policy","detectionType":"static","engines":["SentinelOne Cloud"],"filePath":"C:\\Temp\\%s",` +
	`"sha1":"6666666666666666666666666666666666666666","failedActions":false,"pendingActions":false,` +
	`"rebootRequired":false,"externalTicketExists":false,"mitigatedPreemptively":false},` +
	`"agentRealtimeInfo":{"agentId":%q,"agentComputerName":"host07.example.com","agentNetworkStatus":"connected",` +
	`"agentIsActive":true,"agentOsType":"windows","accountId":"222222222222222222","siteId":"1107851598358168475",` +
	`"groupId":"1107851598374945694"},"agentDetectionInfo":{"agentIpV4":"192.0.2.7"},"mitigationStatus":[],` +
	`"indicators":[],"whiteningOptions":["hash"]}`

// AddThreat adds a synthetic threat named name, created at createdAt on
// agent agentID, and returns its id.
func (s *Server) AddThreat(name string, createdAt time.Time, agentID string) string {
	ts := formatTime(createdAt)
	s.mu.Lock()
	id := s.newIDLocked()
	s.mu.Unlock()
	esc, _ := json.Marshal(name)
	raw := fmt.Sprintf(threatTemplate, id, id, name, ts, ts, ts, esc[1:len(esc)-1], agentID)
	if err := s.AddThreatJSON([]byte(raw)); err != nil {
		panic(err) // the template is fixed: an error here is a bug of this package
	}
	return id
}

// ThreatJSON returns the current JSON of a threat.
func (s *Server) ThreatJSON(id string) ([]byte, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.threatByID[id]
	if !ok {
		return nil, false
	}
	return bytes.Clone(t.rec.raw), true
}

// ThreatNotes returns the notes added to a threat.
func (s *Server) ThreatNotes(id string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t, ok := s.threatByID[id]; ok {
		return append([]string(nil), t.notes...)
	}
	return nil
}

func (s *Server) listThreats(w http.ResponseWriter, r *http.Request) {
	lq, ok := parseList(w, r.URL.Query(), threatSpec)
	if !ok {
		return
	}
	s.mu.Lock()
	items := make([]*record, len(s.threats))
	for i, t := range s.threats {
		items[i] = t.rec
	}
	s.mu.Unlock()
	serve(w, lq, items)
}

type actionReq struct {
	Filter map[string]any `json:"filter"`
	Data   map[string]any `json:"data"`
}

// matchFilter reports whether a record matches an action filter (lists of
// values keyed like the query parameters).
func matchFilter(f map[string]any, r *record, allowed map[string]bool) (bool, error) {
	for k, v := range f {
		if !allowed[k] {
			return false, fmt.Errorf("filter: unknown key %q", k)
		}
		var want []string
		switch x := v.(type) {
		case []any:
			for _, e := range x {
				want = append(want, str(e))
			}
		default:
			want = []string{str(x)}
		}
		have := r.fields[k]
		hit := false
		for _, h := range have {
			for _, w := range want {
				if h == w {
					hit = true
				}
			}
		}
		if !hit {
			return false, nil
		}
	}
	return true, nil
}

var threatFilterKeys = set("ids", "agentIds", "accountIds", "siteIds", "groupIds", "contentHashes")

// mitigate serves POST /threats/mitigate/{action}.
func (s *Server) mitigate(w http.ResponseWriter, r *http.Request) {
	act := r.PathValue("action")
	statusAction := map[string]string{"kill": "kill", "quarantine": "quarantine", "remediate": "remediate",
		"rollback-remediation": "rollback", "un-quarantine": "unquarantine"}[act]
	if statusAction == "" {
		writeErrors(w, http.StatusNotFound, 4040010, "Not found", "unknown mitigation action "+act)
		return
	}
	var req actionReq
	if !decodeBody(w, r, &req) {
		return
	}
	s.updateThreats(w, req, func(t *threat, now string) {
		ti := obj(t.doc, "threatInfo")
		ms, _ := t.doc["mitigationStatus"].([]any)
		t.doc["mitigationStatus"] = append(ms, map[string]any{
			"action": statusAction, "status": "success", "lastUpdate": now,
			"mitigationStartedAt": now, "mitigationEndedAt": now,
			"actionsCounters": map[string]any{"total": 1, "success": 1, "failed": 0, "pendingReboot": 0, "notFound": 0},
		})
		if act == "un-quarantine" {
			ti["mitigationStatus"] = "not_mitigated"
		} else {
			ti["mitigationStatus"] = "mitigated"
		}
	})
}

// threatUpdate serves /threats/incident, /threats/analyst-verdict and
// /threats/notes.
func (s *Server) threatUpdate(kind string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var req actionReq
		if !decodeBody(w, r, &req) {
			return
		}
		var apply func(*threat, string)
		switch kind {
		case "incident":
			st := str(req.Data["incidentStatus"])
			if st != "unresolved" && st != "in_progress" && st != "resolved" {
				badParam(w, "data.incidentStatus: %q", st)
				return
			}
			v := str(req.Data["analystVerdict"])
			apply = func(t *threat, _ string) {
				ti := obj(t.doc, "threatInfo")
				ti["incidentStatus"] = st
				if v != "" {
					ti["analystVerdict"] = v
				}
			}
		case "verdict":
			v := str(req.Data["analystVerdict"])
			if v == "" {
				badParam(w, "data.analystVerdict: required")
				return
			}
			apply = func(t *threat, _ string) { obj(t.doc, "threatInfo")["analystVerdict"] = v }
		case "notes":
			text := str(req.Data["text"])
			if text == "" {
				badParam(w, "data.text: required")
				return
			}
			apply = func(t *threat, _ string) { t.notes = append(t.notes, text) }
		}
		s.updateThreats(w, req, apply)
	}
}

func (s *Server) updateThreats(w http.ResponseWriter, req actionReq, apply func(*threat, string)) {
	n, err := s.applyThreats(req, apply)
	if err != nil {
		badParam(w, "%v", err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": map[string]int{"affected": n}})
}

func (s *Server) applyThreats(req actionReq, apply func(*threat, string)) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := formatTime(s.now())
	var hit []*threat
	for _, t := range s.threats {
		ok, err := matchFilter(req.Filter, t.rec, threatFilterKeys)
		if err != nil {
			return 0, err
		}
		if ok {
			hit = append(hit, t)
		}
	}
	for _, t := range hit {
		apply(t, now)
		obj(t.doc, "threatInfo")["updatedAt"] = now
		if err := t.index(nil); err != nil {
			return 0, err
		}
	}
	s.sortThreatsLocked()
	return len(hit), nil
}
