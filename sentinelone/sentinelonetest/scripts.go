package sentinelonetest

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"time"
)

// scriptTask is the task of a script run on one agent.
type scriptTask struct {
	doc map[string]any
	rec *record
}

func (t *scriptTask) index() {
	t.rec = newRecord(str(t.doc["id"]), t.doc, t.rec.times["createdAt"], map[string][]string{
		"parentTaskId": {str(t.doc["parentTaskId"])}, "status": {str(t.doc["status"])}, "agentIds": {str(t.doc["agentId"])},
	})
}

var taskSpec = spec{
	lists:   set("status", "agentIds", "ids"),
	strs:    set("parentTaskId"),
	times:   set("createdAt", "updatedAt"),
	ignored: set("query"),
}

// SetScriptDuration sets how long the tasks of the next script runs stay
// "in_progress" before they complete (0, the default, completes them at
// once; a negative duration leaves them running until CompleteTasks).
func (s *Server) SetScriptDuration(d time.Duration) {
	s.mu.Lock()
	s.ops.taskDelay = d
	s.mu.Unlock()
}

// CompleteTasks completes the running tasks of the script run parentTaskID
// now, with status (TaskCompleted when empty: "completed", or "failed",
// "canceled", "expired"), and returns how many changed.
func (s *Server) CompleteTasks(parentTaskID, status string) int {
	if status == "" {
		status = "completed"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.completeLocked(parentTaskID, status)
}

func (s *Server) completeLocked(parent, status string) int {
	n := 0
	for _, t := range s.ops.tasks {
		if str(t.doc["parentTaskId"]) != parent || str(t.doc["status"]) != "in_progress" {
			continue
		}
		t.doc["status"], t.doc["updatedAt"] = status, formatTime(s.now())
		t.doc["detailedStatus"] = map[string]string{"completed": "Execution completed successfully", "failed": "The execution terminated in failure",
			"canceled": "Execution canceled by user", "expired": "Execution expired"}[status]
		if status == "completed" {
			sum := sha256.Sum256([]byte(str(t.doc["id"])))
			t.doc["scriptResultsSignature"] = hex.EncodeToString(sum[:])
		}
		t.index()
		n++
	}
	return n
}

func (s *Server) taskRecordsLocked() []*record {
	var recs []*record
	for _, t := range s.ops.tasks {
		recs = insertSorted(recs, t.rec)
	}
	return recs
}

// executeScript serves POST /remote-scripts/execute: one task per agent of
// the filter (an empty filter selects every agent, as the console does),
// in progress until the script duration has passed.
func (s *Server) executeScript(w http.ResponseWriter, r *http.Request) {
	var req actionReq
	if !decodeBody(w, r, &req) {
		return
	}
	d := req.Data
	if str(d["scriptId"]) == "" || str(d["taskDescription"]) == "" || str(d["outputDestination"]) == "" {
		badParam(w, "data: scriptId, taskDescription and outputDestination are required")
		return
	}
	if !set("SentinelCloud", "Local", "None", "SingularityXDR")[str(d["outputDestination"])] {
		badParam(w, "data.outputDestination: not one of SentinelCloud, Local, None, SingularityXDR")
		return
	}
	f := make(map[string]any, len(req.Filter))
	for k, v := range req.Filter {
		if k != "query" {
			f[k] = v
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	parent := s.newIDLocked()
	now := s.now().UTC().Truncate(time.Microsecond)
	n := 0
	for _, ag := range s.agents {
		ag.settle(s.now())
		ok, err := matchFilter(f, ag.rec, agentFilterKeys)
		if err != nil {
			badParam(w, "%v", err)
			return
		}
		if !ok {
			continue
		}
		id := s.newIDLocked()
		t := &scriptTask{rec: &record{times: map[string]time.Time{"createdAt": now}}, doc: map[string]any{
			"id": id, "parentTaskId": parent, "status": "in_progress", "detailedStatus": "Execution in progress",
			"description": str(d["taskDescription"]), "type": "script_execution", "agentId": ag.a.ID,
			"agentComputerName": ag.a.ComputerName, "agentOsType": ag.a.OSType, "accountId": ag.a.AccountID,
			"siteId": ag.a.SiteID, "groupId": ag.a.GroupID, "initiatedBy": "api", "statusCode": nil,
			"createdAt": formatTime(now), "updatedAt": formatTime(now),
		}}
		t.index()
		s.ops.tasks = append(s.ops.tasks, t)
		n++
	}
	switch delay := s.ops.taskDelay; {
	case delay == 0:
		s.completeLocked(parent, "completed")
	case delay > 0:
		time.AfterFunc(delay, func() {
			s.mu.Lock()
			defer s.mu.Unlock()
			s.completeLocked(parent, "completed")
		})
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": map[string]any{"parentTaskId": parent, "affected": n, "pending": false}})
}

// listTasks serves GET /remote-scripts/status (parentTaskId required).
func (s *Server) listTasks(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Get("parentTaskId") == "" {
		badParam(w, "parentTaskId: required")
		return
	}
	lq, ok := parseList(w, r.URL.Query(), taskSpec)
	if !ok {
		return
	}
	s.mu.Lock()
	recs := s.taskRecordsLocked()
	s.mu.Unlock()
	serve(w, lq, recs)
}

// scriptOutput serves GET /remote-scripts/fetch-file: a link to the
// fake's cloud store (another origin than the console) to the output of
// the completed task of agentId whose signature is given.
func (s *Server) scriptOutput(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("signatureType") != "SHA256" || q.Get("agentId") == "" || q.Get("siteId") == "" || q.Get("signature") == "" {
		badParam(w, "agentId, siteId, signature and signatureType=SHA256 are required")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range s.ops.tasks {
		if str(t.doc["agentId"]) == q.Get("agentId") && str(t.doc["scriptResultsSignature"]) == q.Get("signature") {
			sig := q.Get("signature")
			writeJSON(w, http.StatusOK, map[string]any{"data": map[string]string{
				"downloadUrl": s.store.URL() + "/cloud-store/rso-results/" + sig + "?X-Amz-Signature=fake", "fileName": sig + ".zip"}})
			return
		}
	}
	writeErrors(w, http.StatusNotFound, 4040010, "Not found", "no output with this signature")
}
