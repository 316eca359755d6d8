package sekoiatest

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/socgo/xdr/sekoia"
)

func actionsBody(s sekoia.Status) map[string]any {
	acts := []sekoia.WorkflowAction{}
	for _, a := range allowedActions(s) {
		acts = append(acts, sekoia.WorkflowAction{ID: a, Name: a.String(), Description: actionDescription(a)})
	}
	return map[string]any{"actions": acts}
}

func (st *alertStore) handleWorkflow(w http.ResponseWriter, r *http.Request) {
	st.withAlert(w, r, func(rec *alertRec) { writeJSON(w, http.StatusOK, actionsBody(rec.a.Status.UUID)) })
}

type workflowBody struct {
	ActionUUID string  `json:"action_uuid"`
	Comment    *string `json:"comment"`
}

// move applies a workflow change already checked.
func (st *alertStore) move(rec *alertRec, to sekoia.Status, comment *string, now time.Time) {
	prev := rec.a.Status.Name
	rec.a.Status = sekoia.AlertStatus{UUID: to, Name: statusName(to), Description: statusDescription(to)}
	rec.a.UpdatedAt = now.Truncate(time.Second)
	rec.history = append(rec.history, historyEntry(now, "alert", map[string]any{"status": rec.a.Status.Name, "previous_status": prev}))
	if comment != nil && *comment != "" {
		st.comment(rec, *comment, "", now)
	}
	rec.item = nil
}

func (st *alertStore) handleTransition(w http.ResponseWriter, r *http.Request) {
	var body workflowBody
	if !decodeBody(w, r, &body) {
		return
	}
	st.withAlert(w, r, func(rec *alertRec) {
		to, code, msg := target(rec.a.Status.UUID, body.ActionUUID)
		if code != 0 {
			writeError(w, code, "", msg)
			return
		}
		st.move(rec, to, body.Comment, st.s.nowUTC())
		writeJSON(w, http.StatusOK, actionsBody(to))
	})
}

func (st *alertStore) handleBulk(w http.ResponseWriter, r *http.Request) {
	ids := r.URL.Query().Get("match[uuid]")
	if ids == "" {
		writeError(w, http.StatusBadRequest, "", "Invalid parameters: match[uuid] is required")
		return
	}
	var body workflowBody
	if !decodeBody(w, r, &body) {
		return
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	var recs []*alertRec
	var tos []sekoia.Status
	for id := range strings.SplitSeq(ids, ",") {
		rec, ok := st.byID[id]
		if !ok {
			writeError(w, http.StatusBadRequest, "", "Unknown alert "+id)
			return
		}
		to, code, msg := target(rec.a.Status.UUID, body.ActionUUID)
		if code != 0 {
			writeError(w, code, "", rec.a.ShortID+": "+msg)
			return
		}
		recs, tos = append(recs, rec), append(tos, to)
	}
	now := st.s.nowUTC()
	for i, rec := range recs {
		st.move(rec, tos[i], body.Comment, now)
	}
	w.WriteHeader(http.StatusNoContent)
}

func (st *alertStore) handleCustomStatuses(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit, offset, ok := paging(w, q, 100, 100)
	if !ok {
		return
	}
	typ := q.Get("match[type]")
	if typ != "" && typ != "alert" && typ != "case" {
		writeError(w, http.StatusBadRequest, "", "Invalid parameters: match[type] must be alert or case")
		return
	}
	withUsed, ok := boolParam(w, q, "with_is_used", true)
	if !ok {
		return
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	var items []sekoia.CustomStatus
	for _, cs := range st.customStatuses {
		if typ != "" && !slices.Contains(cs.Type, typ) {
			continue
		}
		if withUsed {
			used := false
			for _, rec := range st.list {
				if rec.a.CustomStatusUUID == cs.UUID {
					used = true
					break
				}
			}
			cs.IsUsed, cs.IsUsedInAlerts = used, used
		}
		items = append(items, cs)
	}
	writeJSON(w, http.StatusOK, pageBody(items, limit, offset))
}
