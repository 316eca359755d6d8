package sentinelonetest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

var alertSpec = spec{
	lists: set("ids", "accountIds", "siteIds", "groupIds", "severity", "incidentStatus", "analystVerdict", "osType", "machineType"),
	contains: map[string]string{
		"ruleName__contains": "ruleName", "sourceProcessName__contains": "sourceProcessName",
		"sourceProcessCommandline__contains": "sourceProcessCommandline", "sourceProcessStoryline__contains": "storyline",
		"sourceProcessFileHashSha1__contains": "sha1", "sourceProcessFileHashSha256__contains": "sha256",
		"origAgentName__contains": "agentName",
	},
	times:   set("createdAt", "reportedAt"),
	sortBy:  set("severity", "incidentStatus", "analystVerdict"),
	ignored: set("tenant", "query"),
	order:   "reportedAt",
}

var alertFilterKeys = set("ids", "accountIds", "siteIds", "groupIds")

// alert is a stored STAR alert: its document, changed by the updates.
type alert struct {
	doc map[string]any
	rec *record
}

// verdictWords and statusWords are the answers' spelling of the
// capitalised values of filters and bodies.
var (
	verdictWords = map[string]string{"UNDEFINED": "Undefined", "TRUE_POSITIVE": "True positive", "FALSE_POSITIVE": "False positive", "SUSPICIOUS": "Suspicious"}
	statusWords  = map[string]string{"UNRESOLVED": "Unresolved", "IN_PROGRESS": "In progress", "RESOLVED": "Resolved"}
)

// capital turns "True positive" or "true_positive" into "TRUE_POSITIVE".
func capital(s string) string {
	return strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(s), " ", "_"))
}

// index recomputes the alert's record (raw given, or re-encoded).
func (a *alert) index(raw []byte) error {
	ai := obj(a.doc, "alertInfo")
	id := str(ai["alertId"])
	if id == "" {
		return errors.New("sentinelonetest: alert without alertInfo.alertId")
	}
	created, ok := parseTime(str(ai["createdAt"]))
	if !ok {
		return fmt.Errorf("sentinelonetest: alert %s: alertInfo.createdAt %q", id, str(ai["createdAt"]))
	}
	reported, ok := parseTime(str(ai["reportedAt"]))
	if !ok {
		reported = created
	}
	if raw == nil {
		b, err := json.Marshal(a.doc)
		if err != nil {
			return err
		}
		raw = b
	}
	ri := obj(a.doc, "ruleInfo")
	ad := obj(a.doc, "agentDetectionInfo")
	sp := obj(a.doc, "sourceProcessInfo")
	f := map[string][]string{}
	put := func(k string, v any) {
		if s := str(v); s != "" {
			f[k] = append(f[k], s)
		}
	}
	put("ids", id)
	put("accountIds", ad["accountId"])
	put("siteIds", ad["siteId"])
	put("groupIds", ad["groupId"])
	put("severity", ri["severity"])
	put("incidentStatus", capital(str(ai["incidentStatus"])))
	put("analystVerdict", capital(str(ai["analystVerdict"])))
	put("osType", ad["osFamily"])
	put("machineType", ad["machineType"])
	put("ruleName", ri["name"])
	put("sourceProcessName", sp["name"])
	put("sourceProcessCommandline", sp["commandline"])
	put("storyline", sp["storyline"])
	put("sha1", sp["fileHashSha1"])
	put("sha256", sp["fileHashSha256"])
	put("agentName", ad["name"])
	a.rec = &record{id: id, raw: raw, fields: f, times: map[string]time.Time{"createdAt": created, "reportedAt": reported}}
	return nil
}

// AddAlertJSON adds a STAR alert given as its JSON object (alertInfo.alertId
// and alertInfo.createdAt are required; reportedAt defaults to createdAt).
func (s *Server) AddAlertJSON(raw []byte) error {
	var m map[string]any
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	if err := d.Decode(&m); err != nil {
		return fmt.Errorf("sentinelonetest: AddAlertJSON: %w", err)
	}
	a := &alert{doc: m}
	if err := a.index(bytes.Clone(raw)); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addAlertLocked(a)
}

func (s *Server) addAlertLocked(a *alert) error {
	if s.alertByID == nil {
		s.alertByID = map[string]*alert{}
	}
	if _, dup := s.alertByID[a.rec.id]; dup {
		return fmt.Errorf("sentinelonetest: alert %s exists", a.rec.id)
	}
	s.alertByID[a.rec.id] = a
	s.alertRecs = insertSortedBy(s.alertRecs, a.rec, "reportedAt")
	return nil
}

// alertTemplate is a synthetic STAR alert, smaller than a real one (the
// blocks a collector does not read are left out).
const alertTemplate = `{"alertInfo":{"alertId":%q,"createdAt":%q,"reportedAt":%q,"updatedAt":%q,` +
	`"analystVerdict":"Undefined","incidentStatus":"Unresolved","hitType":"Events","isEdr":true,"dvEventId":"01HXYZ%s"},` +
	`"ruleInfo":{"id":"1700000000000000001","name":%q,"severity":%q,` +
	`"s1ql":"SrcProcName ContainsCIS \"powershell\" AND SrcProcCmdLine ContainsCIS \"-enc\"","queryLang":"1.0","scopeLevel":"site"},` +
	`"agentDetectionInfo":{"name":"host07.example.com","accountId":"222222222222222222","siteId":"1107851598358168475","osFamily":"windows"},` +
	`"sourceProcessInfo":{"name":"powershell.exe","pid":"4242","commandline":"powershell.exe -enc SQBFAFgA",` +
	`"fileHashSha1":"3333333333333333333333333333333333333333","storyline":"5D5E2A1C3B4F6A7B"}}`

func (s *Server) appendAlertLocked(rule, severity string, reportedAt time.Time) string {
	id := s.newIDLocked()
	ts := formatTime(reportedAt)
	created := formatTime(reportedAt.Add(-2 * time.Second))
	raw := fmt.Sprintf(alertTemplate, id, created, ts, ts, id, rule, severity)
	var m map[string]any
	d := json.NewDecoder(strings.NewReader(raw))
	d.UseNumber()
	if err := d.Decode(&m); err != nil {
		panic(err) // the template is fixed: an error here is a bug of this package
	}
	a := &alert{doc: m}
	if err := a.index([]byte(raw)); err != nil {
		panic(err)
	}
	if err := s.addAlertLocked(a); err != nil {
		panic(err)
	}
	return id
}

// AddAlert adds a synthetic STAR alert of rule (severity "Info", "Low",
// "Medium", "High" or "Critical") reported at reportedAt, and returns its
// id.
func (s *Server) AddAlert(rule, severity string, reportedAt time.Time) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.appendAlertLocked(rule, severity, reportedAt)
}

// SeedAlerts adds n synthetic alerts sharing one reportedAt read from the
// server's clock while the server is locked (see SeedActivities), and
// returns their ids.
func (s *Server) SeedAlerts(n int) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	ids := make([]string, n)
	for i := range ids {
		ids[i] = s.appendAlertLocked("Encoded PowerShell", "High", now)
	}
	return ids
}

// AlertJSON returns the current JSON of an alert.
func (s *Server) AlertJSON(id string) ([]byte, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.alertByID[id]
	if !ok {
		return nil, false
	}
	return bytes.Clone(a.rec.raw), true
}

func (s *Server) listAlerts(w http.ResponseWriter, r *http.Request) {
	lq, ok := parseList(w, r.URL.Query(), alertSpec)
	if !ok {
		return
	}
	s.mu.Lock()
	items := s.alertRecs[:len(s.alertRecs):len(s.alertRecs)]
	s.mu.Unlock()
	serve(w, lq, items)
}

// alertUpdate serves /cloud-detection/alerts/analyst-verdict and
// /cloud-detection/alerts/incident. Values are accepted in capitals or
// lower case, as the API documents, and stored in the answers' words.
func (s *Server) alertUpdate(key string, words map[string]string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var req actionReq
		if !decodeBody(w, r, &req) {
			return
		}
		word, ok := words[capital(str(req.Data[key]))]
		if !ok || strings.Contains(str(req.Data[key]), " ") {
			badParam(w, "data.%s: %q", key, str(req.Data[key]))
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		now := formatTime(s.now())
		var hit []*alert
		for _, rec := range s.alertRecs {
			a := s.alertByID[rec.id]
			ok, err := matchFilter(req.Filter, a.rec, alertFilterKeys)
			if err != nil {
				badParam(w, "%v", err)
				return
			}
			if ok {
				hit = append(hit, a)
			}
		}
		changed := make(map[*record]*record, len(hit))
		for _, a := range hit {
			ai := obj(a.doc, "alertInfo")
			ai[key] = word
			ai["updatedAt"] = now
			old := a.rec
			if err := a.index(nil); err != nil {
				badParam(w, "%v", err)
				return
			}
			changed[old] = a.rec
		}
		s.alertRecs = replaceRecords(s.alertRecs, changed)
		writeJSON(w, http.StatusOK, map[string]any{"data": map[string]int{"affected": len(hit)}})
	}
}

// replaceRecords returns items with the records of changed replaced (same
// sort key), in a new array so that snapshots held by requests never
// change.
func replaceRecords(items []*record, changed map[*record]*record) []*record {
	out := make([]*record, len(items))
	for i, x := range items {
		if r, ok := changed[x]; ok {
			x = r
		}
		out[i] = x
	}
	return out
}
