package sekoiatest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/socgo/xdr/sekoia"
)

// --- alerts of a case ---

// syncAlerts rewrites the cases field of these alerts from the cases that
// hold them: the hook that makes an alert's cases follow its cases.
func (cs *caseStore) syncAlerts(ids []string) {
	st := cs.s.alerts
	st.mu.Lock()
	defer st.mu.Unlock()
	for _, id := range ids {
		a, ok := st.byID[id]
		if !ok {
			continue
		}
		var sums []sekoia.AlertCase
		for _, rec := range cs.list {
			if slices.Contains(rec.alerts, a.a.UUID) {
				sums = append(sums, sekoia.AlertCase{
					ShortID: rec.c.ShortID, Name: rec.c.Title, Title: rec.c.Title, Manual: rec.c.Manual,
					Status: rec.c.Status, CustomStatusUUID: rec.c.CustomStatusUUID,
					CreatedBy: rec.c.CreatedBy, CreatedByType: rec.c.CreatedByType, UpdatedAt: rec.c.UpdatedAt,
				})
			}
		}
		a.a.Cases = sums
		a.item = nil
	}
}

// attach adds alerts (UUIDs) to rec, or replaces its alerts.
func (cs *caseStore) attach(rec *caseRec, ids []string, replace bool, now time.Time) {
	old := rec.alerts
	if replace {
		rec.alerts = nil
	}
	added := 0
	for _, id := range ids {
		if !slices.Contains(rec.alerts, id) {
			rec.alerts = append(rec.alerts, id)
			added++
		}
	}
	rec.c.NumberOfAlerts = len(rec.alerts)
	if added > 0 || replace {
		rec.c.UpdatedAt = now
		rec.history = append(rec.history, caseHistory(now, "alert", map[string]any{"alerts": rec.alerts}))
	}
	cs.syncAlerts(append(slices.Clone(old), rec.alerts...))
}

// resolveAlerts maps alert UUIDs or short ids to UUIDs; it answers 404 on
// an unknown one.
func (cs *caseStore) resolveAlerts(w http.ResponseWriter, ids []string) ([]string, bool) {
	st := cs.s.alerts
	st.mu.Lock()
	defer st.mu.Unlock()
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		a, ok := st.byID[id]
		if !ok {
			writeError(w, http.StatusNotFound, "", "Unknown alert "+id)
			return nil, false
		}
		out = append(out, a.a.UUID)
	}
	return out, true
}

func (cs *caseStore) handlePutAlerts(replace bool) func(w http.ResponseWriter, r *http.Request, rec *caseRec) {
	return func(w http.ResponseWriter, r *http.Request, rec *caseRec) {
		var body struct {
			Alerts []string `json:"alerts"`
		}
		if !decodeBody(w, r, &body) {
			return
		}
		if len(body.Alerts) == 0 {
			writeError(w, http.StatusBadRequest, "", "Invalid parameters: alerts is empty")
			return
		}
		ids, ok := cs.resolveAlerts(w, body.Alerts)
		if !ok {
			return
		}
		cs.attach(rec, ids, replace, cs.s.nowUTC())
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	}
}

func (cs *caseStore) handleAlerts(w http.ResponseWriter, r *http.Request, rec *caseRec) {
	q := r.URL.Query()
	limit, offset, ok := paging(w, q, 20, 100)
	if !ok {
		return
	}
	st := cs.s.alerts
	st.mu.Lock()
	defer st.mu.Unlock()
	fs, ok := st.filters(w, q)
	if !ok {
		return
	}
	var recs []*alertRec
	for _, id := range rec.alerts {
		a, ok := st.byID[id]
		if ok && !slices.ContainsFunc(fs, func(f alertFilter) bool { return !f(&a.a) }) {
			recs = append(recs, a)
		}
	}
	// In the order attached unless sorted by creation time (the keyset
	// walk of AllAlerts); other sort keys keep the order attached.
	switch sortBy, dir := q.Get("sort"), q.Get("direction"); {
	case dir != "" && dir != "asc" && dir != "desc":
		writeError(w, http.StatusBadRequest, "", "Invalid parameters: direction must be asc or desc")
		return
	case sortBy == "created_at":
		slices.SortStableFunc(recs, func(x, y *alertRec) int {
			if dir == "asc" {
				return x.a.CreatedAt.Compare(y.a.CreatedAt)
			}
			return y.a.CreatedAt.Compare(x.a.CreatedAt)
		})
	}
	items := make([]json.RawMessage, 0, len(recs))
	for _, a := range recs {
		items = append(items, st.itemJSON(a, false, false))
	}
	body := pageBody(items, limit, offset)
	body["has_more"] = offset+limit < len(items)
	writeJSON(w, http.StatusOK, body)
}

// view serves a read-only list of a case, collected from its alerts.
func (cs *caseStore) view(key string, of func(a *sekoia.Alert) []any) func(w http.ResponseWriter, r *http.Request, rec *caseRec) {
	return func(w http.ResponseWriter, _ *http.Request, rec *caseRec) {
		st := cs.s.alerts
		st.mu.Lock()
		defer st.mu.Unlock()
		out := []any{}
		seen := map[string]bool{}
		for _, id := range rec.alerts {
			if a, ok := st.byID[id]; ok {
				for _, v := range of(&a.a) {
					k := fmt.Sprint(v)
					if !seen[k] {
						seen[k] = true
						out = append(out, v)
					}
				}
			}
		}
		writeJSON(w, http.StatusOK, map[string]any{key: out})
	}
}

// --- comments, events, history ---

// handleComments serves a page of a case's comments: oldest first unless
// sorted (created_at, created_by, updated_at; direction), filtered by
// date[created_at] and match[created_by].
func (cs *caseStore) handleComments(w http.ResponseWriter, r *http.Request, rec *caseRec) {
	q := r.URL.Query()
	limit, offset, ok := paging(w, q, 20, 100)
	if !ok {
		return
	}
	sortBy, dir := q.Get("sort"), q.Get("direction")
	if (sortBy != "" && sortBy != "created_at" && sortBy != "created_by" && sortBy != "updated_at") || (dir != "" && dir != "asc" && dir != "desc") {
		writeError(w, http.StatusBadRequest, "", "Invalid parameters: sort or direction")
		return
	}
	from, to := time.Time{}, time.Time{}
	if v := q.Get("date[created_at]"); v != "" {
		if from, to, ok = parseDateRange(v, cs.s.nowUTC()); !ok {
			writeError(w, http.StatusBadRequest, "", "Invalid parameters: date[created_at]")
			return
		}
	}
	by := csv(q.Get("match[created_by]"))
	items := make([]sekoia.CaseComment, 0, len(rec.comments))
	for _, c := range rec.comments {
		if (from.IsZero() || !c.CreatedAt.Before(from) && !c.CreatedAt.After(to)) && (len(by) == 0 || slices.Contains(by, c.CreatedBy)) {
			items = append(items, c)
		}
	}
	if sortBy != "" {
		slices.SortStableFunc(items, func(x, y sekoia.CaseComment) int {
			var c int
			switch sortBy {
			case "created_by":
				c = strings.Compare(x.CreatedBy, y.CreatedBy)
			case "updated_at":
				c = x.UpdatedAt.Compare(y.UpdatedAt)
			default:
				c = x.CreatedAt.Compare(y.CreatedAt)
			}
			if dir == "desc" {
				c = -c
			}
			return c
		})
	}
	writeJSON(w, http.StatusOK, pageBody(items, limit, offset))
}

func decodeContent(w http.ResponseWriter, r *http.Request) (string, bool) {
	var body struct {
		Content string `json:"content"`
	}
	if !decodeBody(w, r, &body) {
		return "", false
	}
	if strings.TrimSpace(body.Content) == "" {
		writeError(w, http.StatusBadRequest, "", "Invalid parameters: content is empty")
		return "", false
	}
	return body.Content, true
}

func (cs *caseStore) handleAddComment(w http.ResponseWriter, r *http.Request, rec *caseRec) {
	content, ok := decodeContent(w, r)
	if !ok {
		return
	}
	now := cs.s.nowUTC()
	c := sekoia.CaseComment{UUID: newUUID(), Content: content, CreatedAt: now, CreatedBy: seqUUID(0xa9, 1), CreatedByType: "apikey"}
	rec.comments = append(rec.comments, c)
	rec.c.NumberOfComments = len(rec.comments)
	rec.history = append(rec.history, caseHistory(now, "comment", map[string]any{"comment_uuid": c.UUID}))
	writeJSON(w, http.StatusOK, c)
}

type commentHandler func(w http.ResponseWriter, r *http.Request, rec *caseRec, i int, c *sekoia.CaseComment)

func (cs *caseStore) withComment(h commentHandler) func(w http.ResponseWriter, r *http.Request, rec *caseRec) {
	return func(w http.ResponseWriter, r *http.Request, rec *caseRec) {
		i := slices.IndexFunc(rec.comments, func(c sekoia.CaseComment) bool { return c.UUID == r.PathValue("cid") })
		if i < 0 {
			writeError(w, http.StatusNotFound, "", "Unknown case or comment")
			return
		}
		h(w, r, rec, i, &rec.comments[i])
	}
}

func (cs *caseStore) handleEditComment(w http.ResponseWriter, r *http.Request, _ *caseRec, _ int, c *sekoia.CaseComment) {
	content, ok := decodeContent(w, r)
	if !ok {
		return
	}
	c.Content, c.UpdatedAt = content, cs.s.nowUTC()
	writeJSON(w, http.StatusOK, c)
}

func (cs *caseStore) handleDeleteComment(w http.ResponseWriter, _ *http.Request, rec *caseRec, i int, _ *sekoia.CaseComment) {
	rec.comments = slices.Delete(rec.comments, i, i+1)
	rec.c.NumberOfComments = len(rec.comments)
	w.WriteHeader(http.StatusNoContent)
}

func (cs *caseStore) handleEvents(add bool) func(w http.ResponseWriter, r *http.Request, rec *caseRec) {
	return func(w http.ResponseWriter, r *http.Request, rec *caseRec) {
		var body struct {
			EventIDs []string `json:"event_ids"`
		}
		if !decodeBody(w, r, &body) {
			return
		}
		if len(body.EventIDs) == 0 || slices.Contains(body.EventIDs, "") {
			writeError(w, http.StatusBadRequest, "", "Invalid parameters: event_ids")
			return
		}
		for _, id := range body.EventIDs {
			switch {
			case add && !slices.Contains(rec.events, id):
				rec.events = append(rec.events, id)
			case !add:
				rec.events = slices.DeleteFunc(rec.events, func(e string) bool { return e == id })
			}
		}
		w.WriteHeader(http.StatusNoContent)
	}
}

func (cs *caseStore) handleRemoveEvent(w http.ResponseWriter, r *http.Request, rec *caseRec) {
	rec.events = slices.DeleteFunc(rec.events, func(e string) bool { return e == r.PathValue("eid") })
	w.WriteHeader(http.StatusNoContent)
}

func (cs *caseStore) handleHistory(w http.ResponseWriter, r *http.Request, rec *caseRec) {
	q := r.URL.Query()
	limit, offset, ok := paging(w, q, 20, 100)
	if !ok {
		return
	}
	items := slices.Clone(rec.history)
	if q.Get("direction") == "desc" {
		slices.Reverse(items)
	}
	writeJSON(w, http.StatusOK, pageBody(items, limit, offset))
}

// --- bulk ---

// bulkBody reads a bulk body: the filters (string values) and the rest.
func bulkBody(w http.ResponseWriter, r *http.Request) (url.Values, map[string]json.RawMessage, bool) {
	var body map[string]json.RawMessage
	if !decodeBody(w, r, &body) {
		return nil, nil, false
	}
	q := url.Values{}
	for k, v := range body {
		if strings.HasPrefix(k, "match[") || strings.HasPrefix(k, "nomatch[") || strings.HasPrefix(k, "date[") {
			var s string
			if json.Unmarshal(v, &s) != nil {
				writeError(w, http.StatusBadRequest, "", "Invalid body: "+k+" must be a string")
				return nil, nil, false
			}
			q.Set(k, s)
			delete(body, k)
		}
	}
	if len(q) == 0 {
		writeError(w, http.StatusBadRequest, "", "Invalid body: no filter")
		return nil, nil, false
	}
	return q, body, true
}

func (cs *caseStore) handleBulk(w http.ResponseWriter, r *http.Request, what string) {
	q, rest, ok := bulkBody(w, r)
	if !ok {
		return
	}
	var change caseBody
	switch what {
	case "status", "priority", "verdict":
		b, _ := json.Marshal(rest)
		dec := json.NewDecoder(strings.NewReader(string(b)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&change); err != nil || (change == caseBody{}) {
			writeError(w, http.StatusBadRequest, "", "Invalid body for bulk "+what)
			return
		}
	case "assignees":
		var as []string
		if json.Unmarshal(rest["assignees"], &as) != nil || len(rest) != 1 {
			writeError(w, http.StatusBadRequest, "", "Invalid body: assignees")
			return
		}
		subs := []sekoia.CaseSubscriber{}
		for _, a := range as {
			subs = append(subs, sekoia.CaseSubscriber{AvatarUUID: a, Type: "assignee"})
		}
		change.Subscribers = &subs
	case "custom-fields":
		var cf []sekoia.AlertCustomField
		if json.Unmarshal(rest["custom_fields"], &cf) != nil || len(cf) == 0 || len(rest) != 1 {
			writeError(w, http.StatusBadRequest, "", "Invalid body: custom_fields")
			return
		}
		cs.mu.Lock()
		defer cs.mu.Unlock()
		matched, ok := cs.matching(w, q)
		if !ok {
			return
		}
		for _, rec := range matched {
			rec.c.CustomFields = mergeFields(rec.c.CustomFields, cf)
		}
		writeJSON(w, http.StatusOK, map[string]string{"task_id": newUUID()})
		return
	default:
		writeError(w, http.StatusNotFound, "", "Unknown bulk operation")
		return
	}
	cs.mu.Lock()
	defer cs.mu.Unlock()
	matched, ok := cs.matching(w, q)
	if !ok {
		return
	}
	now := cs.s.nowUTC()
	for _, rec := range matched {
		if !cs.apply(w, rec, change, now, true) {
			return
		}
	}
	writeJSON(w, http.StatusOK, map[string]string{"task_id": newUUID()})
}

func mergeFields(have, set []sekoia.AlertCustomField) []sekoia.AlertCustomField {
	out := slices.Clone(have)
	for _, f := range set {
		if i := slices.IndexFunc(out, func(x sekoia.AlertCustomField) bool { return x.UUID == f.UUID }); i >= 0 {
			out[i].Value = f.Value
		} else {
			out = append(out, f)
		}
	}
	return out
}

func (cs *caseStore) handleBulkAddToCase(w http.ResponseWriter, r *http.Request) {
	q, rest, ok := bulkBody(w, r)
	if !ok {
		return
	}
	var caseUUID string
	if json.Unmarshal(rest["case_uuid"], &caseUUID) != nil || len(rest) != 1 || q.Get("match[uuid]") == "" {
		writeError(w, http.StatusBadRequest, "", "Invalid body: case_uuid and match[uuid] are required")
		return
	}
	cs.mu.Lock()
	defer cs.mu.Unlock()
	rec, ok := cs.byID[caseUUID]
	if !ok {
		writeError(w, http.StatusNotFound, "", "Unknown case")
		return
	}
	ids, ok := cs.resolveAlerts(w, strings.Split(q.Get("match[uuid]"), ","))
	if !ok {
		return
	}
	cs.attach(rec, ids, false, cs.s.nowUTC())
	writeJSON(w, http.StatusOK, map[string]string{"task_id": newUUID()})
}
