package sekoiatest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/socgo/xdr/sekoia"
)

// seedBase returns the creation time of the first seeded alert.
func seedBase() time.Time { return time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC) }

type alertRec struct {
	a        sekoia.Alert // Raw, Comments and History always empty here
	comments []sekoia.Comment
	history  []sekoia.HistoryEntry
	item     []byte // cached list rendering; nil after a change
}

type alertStore struct {
	s    *Server
	mu   sync.Mutex
	list []*alertRec // in creation order
	// unsorted is set once an alert was added with a creation time before
	// that of the alert added before it: list is then not sorted by
	// created_at and the list handler sorts.
	unsorted bool
	byID     map[string]*alertRec // by UUID and by short id
	n        int

	customStatuses []sekoia.CustomStatus
}

func newAlertStore(s *Server) *alertStore {
	return &alertStore{s: s, byID: map[string]*alertRec{}}
}

func (st *alertStore) register(mux *http.ServeMux) {
	mux.HandleFunc("GET /v1/sic/alerts", st.handleList)
	mux.HandleFunc("GET /v1/sic/alerts/{id}", st.handleGet)
	mux.HandleFunc("PATCH /v1/sic/alerts/{id}", st.handlePatch)
	mux.HandleFunc("DELETE /v1/sic/alerts/{id}", st.handleDelete)
	mux.HandleFunc("GET /v1/sic/alerts/{id}/comments", handleAlertList(st, func(rec *alertRec) []sekoia.Comment { return rec.comments }))
	mux.HandleFunc("POST /v1/sic/alerts/{id}/comments", st.handleAddComment)
	mux.HandleFunc("GET /v1/sic/alerts/{id}/timeline", st.handleTimeline)
	mux.HandleFunc("GET /v1/sic/alerts/{id}/history", handleAlertList(st, func(rec *alertRec) []sekoia.HistoryEntry { return rec.history }))
	mux.HandleFunc("GET /v1/sic/alerts/{id}/workflow", st.handleWorkflow)
	mux.HandleFunc("PATCH /v1/sic/alerts/{id}/workflow", st.handleTransition)
	mux.HandleFunc("PATCH /v1/sic/alerts/bulk/workflow", st.handleBulk)
	mux.HandleFunc("GET /v1/sic/custom_statuses", st.handleCustomStatuses)
}

// urgencyDisplay buckets an urgency value like the API.
func urgencyDisplay(v int) string {
	switch {
	case v < 20:
		return "Low"
	case v < 40:
		return "Moderate"
	case v < 60:
		return "High"
	case v < 80:
		return "Major"
	}
	return "Urgent"
}

func statusName(s sekoia.Status) string { return s.String() }

func statusDescription(s sekoia.Status) string {
	switch s {
	case sekoia.StatusPending:
		return "The alert is waiting for action"
	case sekoia.StatusAcknowledged:
		return "The alert was checked by an operator"
	case sekoia.StatusOngoing:
		return "The alert needs an action"
	case sekoia.StatusRejected:
		return "The alert is a false positive or will not be addressed"
	case sekoia.StatusClosed:
		return "The alert was addressed"
	}
	return ""
}

// allowedActions is the workflow of the fake: the built-in graph
// documented on sekoia.Status.
func allowedActions(s sekoia.Status) []sekoia.Action { return s.Actions() }

func actionDescription(a sekoia.Action) string { return a.String() + " the alert" }

// target resolves an action_uuid (an action or a status) from status cur;
// it returns the status reached, or an HTTP status and message.
func target(cur sekoia.Status, id string) (sekoia.Status, int, string) {
	allowed := allowedActions(cur)
	if to, ok := sekoia.Action(id).Result(); ok {
		if !slices.Contains(allowed, sekoia.Action(id)) {
			return "", http.StatusConflict, fmt.Sprintf("Action %s is not allowed from status %s", sekoia.Action(id), cur)
		}
		return to, 0, ""
	}
	to := sekoia.Status(id)
	if to.String() == id {
		return "", http.StatusBadRequest, fmt.Sprintf("Unknown action or status %q", id)
	}
	if a, ok := to.Action(); ok && slices.Contains(allowed, a) {
		return to, 0, ""
	}
	if to == sekoia.StatusPending && (cur == sekoia.StatusAcknowledged || cur == sekoia.StatusRejected) {
		return to, 0, ""
	}
	return "", http.StatusConflict, fmt.Sprintf("Status %s cannot be set from status %s", to, cur)
}

// AddAlert stores an alert and returns it as stored. Missing fields are
// filled: UUID, short id, community (DefaultCommunityUUID), creation time
// (now), status (Pending), urgency display, rule and type.
func (s *Server) AddAlert(a sekoia.Alert) sekoia.Alert {
	st := s.alerts
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.add(a, s.nowUTC()).a
}

func (st *alertStore) add(a sekoia.Alert, now time.Time) *alertRec {
	st.n++
	a.Raw, a.Comments, a.History = nil, nil, nil
	if a.UUID == "" {
		a.UUID = newUUID()
	}
	if a.ShortID == "" {
		a.ShortID = shortID("AL", st.n)
	}
	if a.CommunityUUID == "" {
		a.CommunityUUID = DefaultCommunityUUID
	}
	if a.CreatedAt.IsZero() {
		a.CreatedAt = now
	}
	a.CreatedAt = a.CreatedAt.UTC().Truncate(time.Second)
	if a.UpdatedAt.IsZero() {
		a.UpdatedAt = a.CreatedAt
	}
	a.UpdatedAt = a.UpdatedAt.UTC().Truncate(time.Second)
	if a.FirstSeenAt.IsZero() {
		a.FirstSeenAt = a.CreatedAt
	}
	if a.Status.UUID == "" {
		a.Status.UUID = sekoia.StatusPending
	}
	if a.Status.Name == "" {
		a.Status.Name = statusName(a.Status.UUID)
		a.Status.Description = statusDescription(a.Status.UUID)
	}
	if a.Title == "" {
		a.Title = "Alert " + a.ShortID
	}
	if a.Urgency.Value == 0 && a.Urgency.CurrentValue != 0 {
		a.Urgency.Value = a.Urgency.CurrentValue
	}
	a.Urgency.CurrentValue = a.Urgency.Value
	if a.Urgency.Severity == 0 {
		a.Urgency.Severity = a.Urgency.Value
	}
	a.Urgency.Display = urgencyDisplay(a.Urgency.Value)
	if a.Rule.UUID == "" {
		a.Rule.UUID = seqUUID(0x5e1e, 1)
	}
	if a.Rule.Name == "" {
		a.Rule.Name = "Fake detection rule"
	}
	if a.AlertType.Category == "" {
		a.AlertType = sekoia.AlertType{Category: "intrusion-attempts", Value: "brute-force"}
	}
	if a.Similar == 0 {
		a.Similar = 1
	}
	rec := &alertRec{a: a}
	if n := len(st.list); n > 0 && a.CreatedAt.Before(st.list[n-1].a.CreatedAt) {
		st.unsorted = true
	}
	rec.history = append(rec.history, historyEntry(a.CreatedAt, "alert", map[string]any{"status": a.Status.Name, "previous_status": nil}))
	rec.history = append(rec.history, historyEntry(a.CreatedAt, "urgency", map[string]any{"value": a.Urgency.Value, "previous_value": nil}))
	st.list = append(st.list, rec)
	st.byID[a.UUID] = rec
	st.byID[a.ShortID] = rec
	return rec
}

// historyEntry builds an entry whose change is under key kind.
func historyEntry(at time.Time, kind string, change map[string]any) sekoia.HistoryEntry {
	m := map[string]any{
		"uuid":             newUUID(),
		"created_at":       at.Unix(),
		"created_by":       seqUUID(0xa9, 1),
		"created_by_type":  "apikey",
		"entry_type":       kind,
		"history_comments": []any{},
		kind:               change,
	}
	b, _ := json.Marshal(m)
	var h sekoia.HistoryEntry
	_ = json.Unmarshal(b, &h)
	return h
}

// SeedAlerts adds n alerts with deterministic contents: created one minute
// apart from 2026-01-05T08:00:00Z, urgency (i*37)%101, status Pending,
// three rules and sources in 10.0.0.0/16 in turn. It returns them.
func (s *Server) SeedAlerts(n int) []sekoia.Alert {
	st := s.alerts
	st.mu.Lock()
	defer st.mu.Unlock()
	out := make([]sekoia.Alert, 0, n)
	rules := [...]string{"Brute force on SSH", "Suspicious PowerShell", "Abnormal OpenSSH log volume"}
	for range n {
		i := st.n + 1
		created := seedBase().Add(time.Duration(i-1) * time.Minute)
		urg := (i * 37) % 101
		a := sekoia.Alert{
			UUID:          seqUUID(0xa1e7, i),
			Title:         fmt.Sprintf("%s #%d", rules[i%3], i),
			CreatedAt:     created,
			CreatedBy:     seqUUID(0x5e1e, 0),
			CreatedByType: "application",
			Entity:        &sekoia.AlertEntity{UUID: seqUUID(0xe7, 1), Name: "Information Technology"},
			Urgency:       sekoia.AlertUrgency{Value: urg, Severity: urg},
			Rule:          sekoia.AlertRule{UUID: seqUUID(0x5e1e, 1+i%3), Name: rules[i%3], Severity: urg, Pattern: ""},
			DetectionType: "rule",
			Source:        fmt.Sprintf("10.0.%d.%d", (i/250)%256, i%250+1),
			Similar:       1 + i%5,
			LastSeenAt:    created.Add(time.Duration(i%7) * time.Minute),
			TTPs:          []sekoia.STIXRef{},
			Adversaries:   []sekoia.STIXRef{},
			Assets:        []string{},
		}
		out = append(out, st.add(a, created).a)
	}
	return out
}

// Alert returns the current state of the alert with this UUID or short id.
func (s *Server) Alert(id string) (sekoia.Alert, bool) {
	st := s.alerts
	st.mu.Lock()
	defer st.mu.Unlock()
	rec, ok := st.byID[id]
	if !ok {
		return sekoia.Alert{}, false
	}
	return rec.a, true
}

// Alerts returns every alert, oldest first.
func (s *Server) Alerts() []sekoia.Alert {
	st := s.alerts
	st.mu.Lock()
	defer st.mu.Unlock()
	out := make([]sekoia.Alert, len(st.list))
	for i, r := range st.list {
		out[i] = r.a
	}
	return out
}

// Comments returns the comments of an alert, oldest first.
func (s *Server) Comments(id string) []sekoia.Comment {
	st := s.alerts
	st.mu.Lock()
	defer st.mu.Unlock()
	if rec, ok := st.byID[id]; ok {
		return slices.Clone(rec.comments)
	}
	return nil
}

// AddCustomStatus stores a custom status (UUID, community and times filled
// when missing) and returns it.
func (s *Server) AddCustomStatus(cs sekoia.CustomStatus) sekoia.CustomStatus {
	st := s.alerts
	st.mu.Lock()
	defer st.mu.Unlock()
	if cs.UUID == "" {
		cs.UUID = newUUID()
	}
	if cs.CommunityUUID == "" {
		cs.CommunityUUID = DefaultCommunityUUID
	}
	if cs.CreatedAt.IsZero() {
		cs.CreatedAt = s.nowUTC()
	}
	if cs.CreatedBy == "" {
		cs.CreatedBy, cs.CreatedByType = seqUUID(0xa9, 1), "apikey"
	}
	if cs.Stage == "" {
		cs.Stage = sekoia.StageOpen
	}
	if len(cs.Type) == 0 {
		cs.Type = []string{"alert"}
	}
	st.customStatuses = append(st.customStatuses, cs)
	return cs
}

// --- handlers ---

func (st *alertStore) lookup(w http.ResponseWriter, r *http.Request) *alertRec {
	id := r.PathValue("id")
	rec, ok := st.byID[id]
	if !ok {
		writeError(w, http.StatusNotFound, "", "Unknown alert")
		return nil
	}
	return rec
}

// withAlert runs f, under the store's lock, on the alert named by the
// request's path, or answers 404.
func (st *alertStore) withAlert(w http.ResponseWriter, r *http.Request, f func(rec *alertRec)) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if rec := st.lookup(w, r); rec != nil {
		f(rec)
	}
}

// paging parses limit (1..max, default def) and offset.
func paging(w http.ResponseWriter, q url.Values, def, maxLimit int) (limit, offset int, ok bool) {
	limit, offset = def, 0
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxLimit {
			writeError(w, http.StatusBadRequest, "", fmt.Sprintf("Invalid parameters: limit must be in 1..%d", maxLimit))
			return 0, 0, false
		}
		limit = n
	}
	if v := q.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			writeError(w, http.StatusBadRequest, "", "Invalid parameters: offset must be >= 0")
			return 0, 0, false
		}
		offset = n
	}
	return limit, offset, true
}

func boolParam(w http.ResponseWriter, q url.Values, key string, def bool) (bool, bool) {
	v := q.Get(key)
	if v == "" {
		return def, true
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		writeError(w, http.StatusBadRequest, "", "Invalid parameters: "+key+" must be true or false")
		return false, false
	}
	return b, true
}

// alertValues returns the values of an alert a match[key] filter compares.
func alertValues(a *sekoia.Alert, key string) ([]string, bool) {
	switch key {
	case "community_uuid":
		return []string{a.CommunityUUID}, true
	case "entity_name", "entity_uuid":
		if a.Entity == nil {
			return nil, true
		}
		if key == "entity_name" {
			return []string{a.Entity.Name}, true
		}
		return []string{a.Entity.UUID}, true
	case "status_uuid":
		return []string{string(a.Status.UUID)}, true
	case "status_name":
		return []string{strings.ToLower(a.Status.Name)}, true
	case "type_category":
		return []string{a.AlertType.Category}, true
	case "type_value":
		return []string{a.AlertType.Value}, true
	case "source":
		return []string{a.Source}, true
	case "target":
		return []string{a.Target}, true
	case "node":
		return []string{a.Source, a.Target}, true
	case "stix_object":
		var ids []string
		for _, t := range a.TTPs {
			ids = append(ids, t.ID)
		}
		for _, t := range a.Adversaries {
			ids = append(ids, t.ID)
		}
		return ids, true
	case "rule_uuid":
		return []string{a.Rule.UUID}, true
	case "rule_name":
		return []string{a.Rule.Name}, true
	case "detection_type":
		return []string{a.DetectionType}, true
	case "short_id":
		return []string{a.ShortID}, true
	case "uuid":
		return []string{a.UUID, a.ShortID}, true
	case "title", "resolved_title":
		return []string{a.Title}, true
	case "asset_uuid":
		return a.Assets, true
	case "urgency_display":
		return []string{strings.ToLower(a.Urgency.Display)}, true
	case "case_short_id":
		var ids []string
		for _, c := range a.Cases {
			ids = append(ids, c.ShortID)
		}
		return ids, true
	case "assignee":
		return []string{a.Assignee}, true
	case "custom_status_uuid":
		return []string{a.CustomStatusUUID}, true
	case "verdict_uuid":
		return []string{a.VerdictUUID}, true
	case "custom_field":
		var vals []string
		for _, f := range a.CustomFields {
			vals = append(vals, f.UUID, f.UUID+":"+strings.Trim(string(f.Value), `"`))
		}
		return vals, true
	}
	return nil, false
}

type alertFilter func(a *sekoia.Alert) bool

// parseDateRange parses "start,end" where end may be "now".
func parseDateRange(v string, now time.Time) (time.Time, time.Time, bool) {
	from, to, ok := strings.Cut(v, ",")
	if !ok {
		return time.Time{}, time.Time{}, false
	}
	f, err := time.Parse(time.RFC3339Nano, from)
	if err != nil {
		return time.Time{}, time.Time{}, false
	}
	t := now
	if to != "now" {
		if t, err = time.Parse(time.RFC3339Nano, to); err != nil {
			return time.Time{}, time.Time{}, false
		}
	}
	return f, t, true
}

func parseIntRange(v string) (int, int, bool) {
	lo, hi, ok := strings.Cut(v, ",")
	if !ok {
		return 0, 0, false
	}
	a, err1 := strconv.Atoi(lo)
	b, err2 := strconv.Atoi(hi)
	return a, b, err1 == nil && err2 == nil
}

// filters builds the predicates of an alert query, or writes a 400.
func (st *alertStore) filters(w http.ResponseWriter, q url.Values) ([]alertFilter, bool) {
	var fs []alertFilter
	now := st.s.nowUTC()
	for key, vals := range q {
		v := vals[len(vals)-1]
		switch {
		case strings.HasPrefix(key, "match[") && strings.HasSuffix(key, "]"),
			strings.HasPrefix(key, "nomatch[") && strings.HasSuffix(key, "]"):
			neg := strings.HasPrefix(key, "nomatch[")
			field := key[strings.IndexByte(key, '[')+1 : len(key)-1]
			if _, ok := alertValues(&sekoia.Alert{}, field); !ok {
				writeError(w, http.StatusBadRequest, "", "Invalid parameters: unknown filter "+key)
				return nil, false
			}
			want := strings.Split(v, ",")
			if field == "status_name" || field == "urgency_display" {
				for i := range want {
					want[i] = strings.ToLower(want[i])
				}
			}
			fs = append(fs, func(a *sekoia.Alert) bool {
				have, _ := alertValues(a, field)
				hit := false
				for _, h := range have {
					if h != "" && slices.Contains(want, h) {
						hit = true
						break
					}
				}
				return hit != neg
			})
		case key == "date[created_at]" || key == "date[updated_at]":
			from, to, ok := parseDateRange(v, now)
			if !ok {
				writeError(w, http.StatusBadRequest, "", "Invalid parameters: "+key+" must be <start>,<end>")
				return nil, false
			}
			updated := key == "date[updated_at]"
			fs = append(fs, func(a *sekoia.Alert) bool {
				t := a.CreatedAt
				if updated {
					t = a.UpdatedAt
				}
				return !t.Before(from) && !t.After(to)
			})
		case key == "range[urgency]" || key == "range[similar]":
			lo, hi, ok := parseIntRange(v)
			if !ok {
				writeError(w, http.StatusBadRequest, "", "Invalid parameters: "+key+" must be <min>,<max>")
				return nil, false
			}
			sim := key == "range[similar]"
			fs = append(fs, func(a *sekoia.Alert) bool {
				x := a.Urgency.Value
				if sim {
					x = a.Similar
				}
				return x >= lo && x <= hi
			})
		case key == "visible":
			b, ok := boolParam(w, q, key, true)
			if !ok {
				return nil, false
			}
			if !b {
				fs = append(fs, func(*sekoia.Alert) bool { return false })
			}
		case key == "is_assigned_to_case":
			b, ok := boolParam(w, q, key, false)
			if !ok {
				return nil, false
			}
			fs = append(fs, func(a *sekoia.Alert) bool { return (len(a.Cases) > 0) == b })
		case key == "similar_to":
			ref, ok := st.byID[v]
			if !ok {
				writeError(w, http.StatusBadRequest, "", "Invalid parameters: unknown alert "+v)
				return nil, false
			}
			rule, self := ref.a.Rule.UUID, ref.a.UUID
			fs = append(fs, func(a *sekoia.Alert) bool { return a.Rule.UUID == rule && a.UUID != self })
		case key == "limit" || key == "offset" || key == "with_count" || key == "stix" || key == "cases" || key == "sort" || key == "direction":
		default:
			writeError(w, http.StatusBadRequest, "", "Invalid parameters: unknown parameter "+key)
			return nil, false
		}
	}
	return fs, true
}

func sortKey(a *sekoia.Alert, key string) (string, int64) {
	switch key {
	case "updated_at":
		return "", a.UpdatedAt.UnixNano()
	case "urgency":
		return "", int64(a.Urgency.Value)
	case "similar":
		return "", int64(a.Similar)
	case "source":
		return a.Source, 0
	case "target":
		return a.Target, 0
	case "entity":
		if a.Entity != nil {
			return a.Entity.Name, 0
		}
		return "", 0
	case "type":
		return a.AlertType.Category + "/" + a.AlertType.Value, 0
	case "status":
		return a.Status.Name, 0
	case "rule_name":
		return a.Rule.Name, 0
	}
	return "", a.CreatedAt.UnixNano()
}

func (st *alertStore) itemJSON(rec *alertRec, stix, cases bool) []byte {
	if !stix && !cases {
		if rec.item == nil {
			rec.item, _ = json.Marshal(listAlert(rec.a, false, false))
		}
		return rec.item
	}
	b, _ := json.Marshal(listAlert(rec.a, stix, cases))
	return b
}

// listAlert shapes an alert as the list does: stix is {} unless asked for,
// cases only when asked for.
func listAlert(a sekoia.Alert, stix, cases bool) sekoia.Alert {
	if !stix || len(a.STIX) == 0 {
		a.STIX = json.RawMessage("{}")
	}
	if !cases {
		a.Cases = nil
	}
	a.CustomStatus = nil
	return a
}

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
