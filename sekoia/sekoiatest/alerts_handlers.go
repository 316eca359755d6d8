package sekoiatest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/socgo/xdr/sekoia"
)

func (st *alertStore) handleList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit, offset, ok := paging(w, q, 20, 100)
	if !ok {
		return
	}
	withCount, ok := boolParam(w, q, "with_count", true)
	if !ok {
		return
	}
	stix, ok := boolParam(w, q, "stix", false)
	if !ok {
		return
	}
	cases, ok := boolParam(w, q, "cases", false)
	if !ok {
		return
	}
	sortBy, dir := q.Get("sort"), q.Get("direction")
	switch sortBy {
	case "", "created_at", "source", "target", "urgency", "entity", "type", "status", "rule_name", "updated_at", "similar":
	default:
		writeError(w, http.StatusBadRequest, "", "Invalid parameters: unknown sort "+sortBy)
		return
	}
	if dir != "" && dir != "asc" && dir != "desc" {
		writeError(w, http.StatusBadRequest, "", "Invalid parameters: direction must be asc or desc")
		return
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	fs, ok := st.filters(w, q)
	if !ok {
		return
	}
	matched := make([]*alertRec, 0, len(st.list))
	for i := len(st.list) - 1; i >= 0; i-- { // newest first
		rec := st.list[i]
		keep := true
		for _, f := range fs {
			if !f(&rec.a) {
				keep = false
				break
			}
		}
		if keep {
			matched = append(matched, rec)
		}
	}
	switch {
	case (sortBy == "" || sortBy == "created_at") && !st.unsorted:
		// Already newest first by creation time.
		if dir == "asc" {
			slices.Reverse(matched)
		}
	case sortBy != "" || dir == "asc":
		key := sortBy
		slices.SortStableFunc(matched, func(x, y *alertRec) int {
			xs, xn := sortKey(&x.a, key)
			ys, yn := sortKey(&y.a, key)
			c := strings.Compare(xs, ys)
			if c == 0 {
				c = cmpInt(xn, yn)
			}
			if dir != "asc" {
				c = -c
			}
			return c
		})
	}
	total := len(matched)
	page := matched[min(offset, total):min(offset+limit, total)]
	var b bytes.Buffer
	b.Grow(len(page)*1500 + 64)
	b.WriteString(`{"items":[`)
	for i, rec := range page {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(st.itemJSON(rec, stix, cases))
	}
	b.WriteString(`]`)
	if withCount {
		b.WriteString(`,"total":`)
		b.WriteString(strconv.Itoa(total))
	}
	b.WriteString(`,"has_more":`)
	b.WriteString(strconv.FormatBool(offset+len(page) < total))
	b.WriteString(`}`)
	writeRaw(w, http.StatusOK, b.Bytes())
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// detail renders an alert as GET /v1/sic/alerts/{id} does.
func (st *alertStore) detail(rec *alertRec, q url.Values) sekoia.Alert {
	a := rec.a
	if v, _ := strconv.ParseBool(q.Get("stix")); !v || len(a.STIX) == 0 {
		a.STIX = json.RawMessage("{}")
	}
	if v := q.Get("comments"); v == "" || v == "true" {
		a.Comments = slices.Clone(rec.comments)
		if a.Comments == nil {
			a.Comments = []sekoia.Comment{}
		}
	}
	if v := q.Get("history"); v == "" || v == "true" {
		a.History = slices.Clone(rec.history)
	}
	if v := q.Get("countermeasures"); v == "" || v == "true" {
		a.Countermeasures = []json.RawMessage{}
	}
	if q.Get("cases") != "true" {
		a.Cases = nil
	}
	a.CustomStatus = nil
	if q.Get("custom_status") == "true" && a.CustomStatusUUID != "" {
		for _, cs := range st.customStatuses {
			if cs.UUID == a.CustomStatusUUID {
				a.CustomStatus = &sekoia.AlertCustomStatus{Label: cs.Label, Description: cs.Description, Level: cs.Level, Stage: cs.Stage}
			}
		}
	}
	return a
}

func (st *alertStore) handleGet(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	for _, k := range []string{"stix", "comments", "history", "countermeasures", "cases", "custom_status"} {
		if _, ok := boolParam(w, q, k, false); !ok {
			return
		}
	}
	st.withAlert(w, r, func(rec *alertRec) { writeJSON(w, http.StatusOK, st.detail(rec, q)) })
}

// decodeBody decodes a JSON object body, or writes a 400.
func decodeBody(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := decodeStrict(w, r, v); err != nil {
		writeError(w, http.StatusBadRequest, "", "Invalid body: "+err.Error())
		return false
	}
	return true
}

// decodeStrict decodes a JSON body of at most 1 MiB into v, refusing
// unknown fields.
func decodeStrict(w http.ResponseWriter, r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

// alertPatch is the body of PATCH /v1/sic/alerts/{id}.
type alertPatch struct {
	AlertTypeCategory *string `json:"alert_type_category"`
	AlertTypeValue    *string `json:"alert_type_value"`
	Details           *string `json:"details"`
	Urgency           *int    `json:"urgency"`
	KillChainShortID  *string `json:"kill_chain_short_id"`
	Title             *string `json:"title"`
	VerdictUUID       *string `json:"verdict_uuid"`
	CustomStatusUUID  *string `json:"custom_status_uuid"`
	Assignee          *string `json:"assignee"`
}

func (st *alertStore) handlePatch(w http.ResponseWriter, r *http.Request) {
	var body alertPatch
	if !decodeBody(w, r, &body) {
		return
	}
	st.withAlert(w, r, func(rec *alertRec) { st.patch(w, rec, body) })
}

// patch applies a PATCH body to rec.
func (st *alertStore) patch(w http.ResponseWriter, rec *alertRec, body alertPatch) {
	if body.AlertTypeCategory != nil && body.AlertTypeValue == nil {
		writeError(w, http.StatusBadRequest, "", "alert_type_value is required with alert_type_category")
		return
	}
	if body.Urgency != nil && (*body.Urgency < 0 || *body.Urgency > 100) {
		writeError(w, http.StatusBadRequest, "", "urgency must be in 0..100")
		return
	}
	if body.CustomStatusUUID != nil && !slices.ContainsFunc(st.customStatuses, func(c sekoia.CustomStatus) bool { return c.UUID == *body.CustomStatusUUID }) {
		writeError(w, http.StatusBadRequest, "", "Unknown custom status")
		return
	}
	now := st.s.nowUTC()
	a := &rec.a
	if body.AlertTypeCategory != nil {
		a.AlertType = sekoia.AlertType{Category: *body.AlertTypeCategory, Value: *body.AlertTypeValue}
	}
	setIf(&a.Details, body.Details)
	if body.Urgency != nil && *body.Urgency != a.Urgency.Value {
		rec.history = append(rec.history, historyEntry(now, "urgency", map[string]any{"value": *body.Urgency, "previous_value": a.Urgency.Value}))
		a.Urgency.Value, a.Urgency.CurrentValue = *body.Urgency, *body.Urgency
		a.Urgency.Display = urgencyDisplay(*body.Urgency)
	}
	setIf(&a.KillChainShortID, body.KillChainShortID)
	setIf(&a.Title, body.Title)
	setIf(&a.VerdictUUID, body.VerdictUUID)
	setIf(&a.CustomStatusUUID, body.CustomStatusUUID)
	setIf(&a.Assignee, body.Assignee)
	a.UpdatedAt = now.Truncate(time.Second)
	rec.item = nil
	writeJSON(w, http.StatusOK, st.detail(rec, url.Values{"comments": {"false"}, "history": {"false"}, "countermeasures": {"false"}}))
}

func (st *alertStore) handleDelete(w http.ResponseWriter, r *http.Request) {
	st.withAlert(w, r, func(rec *alertRec) {
		st.list = slices.DeleteFunc(st.list, func(x *alertRec) bool { return x == rec })
		delete(st.byID, rec.a.UUID)
		delete(st.byID, rec.a.ShortID)
		w.WriteHeader(http.StatusNoContent)
	})
}

func pageBody[T any](items []T, limit, offset int) map[string]any {
	total := len(items)
	page := items[min(offset, total):min(offset+limit, total)]
	if page == nil {
		page = []T{}
	}
	return map[string]any{"items": page, "total": total}
}

// handleAlertList serves a page of one of the lists of the alert named by
// the path (its comments, its history).
func handleAlertList[T any](st *alertStore, list func(*alertRec) []T) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		limit, offset, ok := paging(w, r.URL.Query(), 20, 100)
		if !ok {
			return
		}
		st.withAlert(w, r, func(rec *alertRec) { writeJSON(w, http.StatusOK, pageBody(list(rec), limit, offset)) })
	}
}

func (st *alertStore) comment(rec *alertRec, content, author string, now time.Time) sekoia.Comment {
	by := seqUUID(0xa9, 1)
	if author == "" {
		author = "apikey:" + by
	}
	c := sekoia.Comment{UUID: newUUID(), Content: content, Author: author, Date: now.Truncate(time.Second), CreatedBy: by, CreatedByType: "apikey"}
	rec.comments = append(rec.comments, c)
	rec.a.NumberOfTotalComments = len(rec.comments)
	rec.history = append(rec.history, historyEntry(now, "comment", map[string]any{"uuid": c.UUID, "content": content, "display_name": author}))
	rec.item = nil
	return c
}

func (st *alertStore) handleAddComment(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Content *string `json:"content"`
		Author  string  `json:"author"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	if body.Content == nil || strings.TrimSpace(*body.Content) == "" {
		writeError(w, http.StatusBadRequest, "", "content is required")
		return
	}
	if len([]rune(body.Author)) > 32 {
		writeError(w, http.StatusBadRequest, "", "author is longer than 32 characters")
		return
	}
	st.withAlert(w, r, func(rec *alertRec) {
		writeJSON(w, http.StatusOK, st.comment(rec, *body.Content, body.Author, st.s.nowUTC()))
	})
}

func (st *alertStore) handleTimeline(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	span, step, n := 24*time.Hour, time.Hour, 24
	switch q.Get("type") {
	case "", "24h":
	case "14d":
		span, step, n = 14*24*time.Hour, 24*time.Hour, 14
	default:
		writeError(w, http.StatusBadRequest, "", "Invalid parameters: type must be 24h or 14d")
		return
	}
	if v := q.Get("frame-length"); v != "" {
		fl, err := strconv.Atoi(v)
		if err != nil || fl < 1 {
			writeError(w, http.StatusBadRequest, "", "Invalid parameters: frame-length must be a positive integer")
			return
		}
		step = span / time.Duration(min(fl, 1000))
		n = int(span / step)
	}
	st.withAlert(w, r, func(rec *alertRec) {
		end := st.s.nowUTC().Truncate(time.Second)
		start := end.Add(-span)
		seen := rec.a.LastSeenAt
		if seen.IsZero() {
			seen = rec.a.CreatedAt
		}
		type bucket struct {
			Start string `json:"start"`
			End   string `json:"end"`
			Value int    `json:"value"`
		}
		buckets := make([]bucket, n)
		for i := range buckets {
			bs := start.Add(time.Duration(i) * step)
			be := bs.Add(step)
			v := 0
			if !seen.Before(bs) && seen.Before(be) {
				v = rec.a.Similar
			}
			buckets[i] = bucket{bs.Format(time.RFC3339), be.Format(time.RFC3339), v}
		}
		writeJSON(w, http.StatusOK, map[string]any{
			"timeline": buckets,
			"frame":    map[string]string{"start": start.Format(time.RFC3339), "end": end.Format(time.RFC3339)},
		})
	})
}
