package sekoiatest

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/socgo/xdr/sekoia"
)

// The legacy case statuses of the fake. Their UUIDs are the fake's own:
// read the real ones from a case (Case.StatusUUID). Custom case statuses
// are added with AddCustomStatus (Type "case").
const (
	// CaseStatusOpened is the status of a new case (stage open).
	CaseStatusOpened = "ca5e5a7a-0000-4000-8000-000000000001"
	// CaseStatusInProgress is the stage in_progress.
	CaseStatusInProgress = "ca5e5a7a-0000-4000-8000-000000000002"
	// CaseStatusClosed is the stage closed.
	CaseStatusClosed = "ca5e5a7a-0000-4000-8000-000000000003"
)

// legacyCaseStatus is one of the fake's legacy case statuses.
type legacyCaseStatus struct {
	uuid, name string
	stage      sekoia.CustomStatusStage
}

var legacyCaseStatuses = []legacyCaseStatus{
	{CaseStatusOpened, "opened", sekoia.StageOpen},
	{CaseStatusInProgress, "in_progress", sekoia.StageInProgress},
	{CaseStatusClosed, "closed", sekoia.StageClosed},
}

func legacyByUUID(id string) (legacyCaseStatus, bool) {
	for _, l := range legacyCaseStatuses {
		if l.uuid == id {
			return l, true
		}
	}
	return legacyCaseStatus{}, false
}

func legacyByStage(stage sekoia.CustomStatusStage) legacyCaseStatus {
	for _, l := range legacyCaseStatuses {
		if l.stage == stage {
			return l
		}
	}
	return legacyCaseStatuses[0]
}

type caseRec struct {
	c        sekoia.Case // Alerts and Raw always empty here
	alerts   []string    // alert UUIDs, in the order attached
	comments []sekoia.CaseComment
	history  []sekoia.CaseHistoryEntry
	events   []string
}

func (rec *caseRec) stage() sekoia.CustomStatusStage { return rec.c.CurrentStatus().Stage }

type caseStore struct {
	s    *Server
	mu   sync.Mutex // taken before the alert store's
	list []*caseRec
	byID map[string]*caseRec // by UUID and short id
	n    int
}

func newCaseStore(s *Server) *caseStore {
	return &caseStore{s: s, byID: map[string]*caseRec{}}
}

func (cs *caseStore) register(mux *http.ServeMux) {
	mux.HandleFunc("GET /v1/sic/cases", cs.handleList)
	mux.HandleFunc("POST /v1/sic/cases", cs.handleCreate)
	mux.HandleFunc("GET /v1/sic/cases/statistics", cs.handleStatistics)
	mux.HandleFunc("GET /v1/sic/cases/tags", cs.handleTags)
	for _, what := range []string{"status", "priority", "verdict", "assignees", "custom-fields"} {
		mux.HandleFunc("PATCH /v1/sic/cases/bulk/"+what, func(w http.ResponseWriter, r *http.Request) { cs.handleBulk(w, r, what) })
	}
	mux.HandleFunc("PATCH /v1/sic/alerts/bulk/add-to-case", cs.handleBulkAddToCase)
	mux.HandleFunc("GET /v1/sic/cases/{id}", cs.withCase(cs.handleGet))
	mux.HandleFunc("PATCH /v1/sic/cases/{id}", cs.withCase(cs.handlePatch))
	mux.HandleFunc("DELETE /v1/sic/cases/{id}", cs.withCase(cs.handleDelete))
	mux.HandleFunc("GET /v1/sic/cases/{id}/alerts", cs.withCase(cs.handleAlerts))
	mux.HandleFunc("POST /v1/sic/cases/{id}/alerts", cs.withCase(cs.handlePutAlerts(true)))
	mux.HandleFunc("PATCH /v1/sic/cases/{id}/alerts", cs.withCase(cs.handlePutAlerts(false)))
	mux.HandleFunc("GET /v1/sic/cases/{id}/assets", cs.withCase(cs.view("assets", func(a *sekoia.Alert) []any { return anys(a.Assets) })))
	mux.HandleFunc("GET /v1/sic/cases/{id}/entities", cs.withCase(cs.view("entities", func(a *sekoia.Alert) []any {
		if a.Entity == nil {
			return nil
		}
		return []any{a.Entity.UUID}
	})))
	mux.HandleFunc("GET /v1/sic/cases/{id}/kill-chains", cs.withCase(cs.view("killchains", func(a *sekoia.Alert) []any {
		if a.KillChainShortID == "" {
			return nil
		}
		return []any{a.KillChainShortID}
	})))
	mux.HandleFunc("GET /v1/sic/cases/{id}/rules", cs.withCase(cs.view("rules", func(a *sekoia.Alert) []any {
		return []any{sekoia.CaseRule{UUID: a.Rule.UUID, Name: a.Rule.Name}}
	})))
	mux.HandleFunc("GET /v1/sic/cases/{id}/threats", cs.withCase(cs.view("threats", func(a *sekoia.Alert) []any {
		return anys(append(slices.Clone(a.TTPs), a.Adversaries...))
	})))
	mux.HandleFunc("GET /v1/sic/cases/{id}/comments", cs.withCase(cs.handleComments))
	mux.HandleFunc("POST /v1/sic/cases/{id}/comments", cs.withCase(cs.handleAddComment))
	mux.HandleFunc("GET /v1/sic/cases/{id}/comments/{cid}", cs.withCase(cs.withComment(func(w http.ResponseWriter, _ *http.Request, _ *caseRec, i int, c *sekoia.CaseComment) {
		writeJSON(w, http.StatusOK, c)
	})))
	mux.HandleFunc("PATCH /v1/sic/cases/{id}/comments/{cid}", cs.withCase(cs.withComment(cs.handleEditComment)))
	mux.HandleFunc("DELETE /v1/sic/cases/{id}/comments/{cid}", cs.withCase(cs.withComment(cs.handleDeleteComment)))
	mux.HandleFunc("POST /v1/sic/cases/{id}/events", cs.withCase(cs.handleEvents(true)))
	mux.HandleFunc("DELETE /v1/sic/cases/{id}/events", cs.withCase(cs.handleEvents(false)))
	mux.HandleFunc("DELETE /v1/sic/cases/{id}/events/{eid}", cs.withCase(cs.handleRemoveEvent))
	mux.HandleFunc("GET /v1/sic/cases/{id}/history", cs.withCase(cs.handleHistory))
}

func anys[T any](v []T) []any {
	out := make([]any, len(v))
	for i, x := range v {
		out[i] = x
	}
	return out
}

// AddCase stores a case, attaches the alerts named by alertIDs (UUIDs or
// short ids; unknown ones are skipped) and returns it as stored. Missing
// fields are filled: UUID, short id, community, times, priority (medium)
// and status (CaseStatusOpened).
func (s *Server) AddCase(c sekoia.Case, alertIDs ...string) sekoia.Case {
	cs := s.cases
	cs.mu.Lock()
	defer cs.mu.Unlock()
	rec := cs.add(c, s.nowUTC())
	var ids []string
	s.alerts.mu.Lock()
	for _, id := range alertIDs {
		if a, ok := s.alerts.byID[id]; ok {
			ids = append(ids, a.a.UUID)
		}
	}
	s.alerts.mu.Unlock()
	cs.attach(rec, ids, false, s.nowUTC())
	return rec.c
}

// Case returns a case by UUID or short id, with its alerts' UUIDs.
func (s *Server) Case(id string) (sekoia.Case, []string, bool) {
	cs := s.cases
	cs.mu.Lock()
	defer cs.mu.Unlock()
	rec, ok := cs.byID[id]
	if !ok {
		return sekoia.Case{}, nil, false
	}
	return rec.c, slices.Clone(rec.alerts), true
}

// CaseEvents returns the ids of the events added to a case.
func (s *Server) CaseEvents(id string) []string {
	cs := s.cases
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if rec, ok := cs.byID[id]; ok {
		return slices.Clone(rec.events)
	}
	return nil
}

func (cs *caseStore) add(c sekoia.Case, now time.Time) *caseRec {
	cs.n++
	c.Raw, c.Alerts = nil, nil
	if c.UUID == "" {
		c.UUID = newUUID()
	}
	if c.ShortID == "" {
		c.ShortID = shortID("CA", cs.n)
	}
	if c.CommunityUUID == "" {
		c.CommunityUUID = DefaultCommunityUUID
	}
	if c.CreatedAt.IsZero() {
		c.CreatedAt = now
	}
	if c.UpdatedAt.IsZero() {
		c.UpdatedAt = c.CreatedAt
	}
	if c.CreatedBy == "" {
		c.CreatedBy, c.CreatedByType = seqUUID(0xa9, 1), "apikey"
	}
	if c.Priority == "" {
		c.Priority = sekoia.CasePriorityMedium
	}
	if c.StatusUUID == "" {
		c.StatusUUID = CaseStatusOpened
	}
	if l, ok := legacyByUUID(c.StatusUUID); ok && c.Status == "" {
		c.Status = l.name
	}
	if c.Tags == nil {
		c.Tags = []string{}
	}
	if c.Subscribers == nil {
		c.Subscribers = []sekoia.CaseSubscriber{}
	}
	rec := &caseRec{c: c}
	rec.history = append(rec.history, caseHistory(now, "case", map[string]any{"created": c.Title}))
	cs.list = append(cs.list, rec)
	cs.byID[c.UUID] = rec
	cs.byID[c.ShortID] = rec
	return rec
}

func caseHistory(at time.Time, kind string, action map[string]any) sekoia.CaseHistoryEntry {
	b, _ := json.Marshal(action)
	return sekoia.CaseHistoryEntry{UUID: newUUID(), CreatedAt: at, CreatedBy: seqUUID(0xa9, 1), CreatedByType: "apikey", Type: kind, Action: b}
}

// withCase runs h, under the store's lock, on the case the path names, or
// answers 404.
func (cs *caseStore) withCase(h func(w http.ResponseWriter, r *http.Request, rec *caseRec)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		cs.mu.Lock()
		defer cs.mu.Unlock()
		rec, ok := cs.byID[r.PathValue("id")]
		if !ok {
			writeError(w, http.StatusNotFound, "", "Unknown case")
			return
		}
		h(w, r, rec)
	}
}

// --- list, statistics, tags ---

type caseFilter func(rec *caseRec) bool

// filters reads the case filters from q (the list's query or a bulk body).
func (cs *caseStore) filters(w http.ResponseWriter, q url.Values) ([]caseFilter, bool) {
	now := cs.s.nowUTC()
	var fs []caseFilter
	in := func(key string, get func(rec *caseRec) []string) {
		if v := q.Get(key); v != "" {
			want := strings.Split(v, ",")
			fs = append(fs, func(rec *caseRec) bool {
				return slices.ContainsFunc(get(rec), func(s string) bool { return slices.Contains(want, s) })
			})
		}
	}
	one := func(s string) []string { return []string{s} }
	in("match[uuid]", func(r *caseRec) []string { return one(r.c.UUID) })
	in("match[short_id]", func(r *caseRec) []string { return one(r.c.ShortID) })
	in("match[title]", func(r *caseRec) []string { return one(r.c.Title) })
	in("match[tags]", func(r *caseRec) []string { return r.c.Tags })
	in("match[priority]", func(r *caseRec) []string { return one(string(r.c.Priority)) })
	in("match[status_uuid]", func(r *caseRec) []string { return one(r.c.StatusUUID) })
	in("match[status_name]", func(r *caseRec) []string { return one(r.c.Status) })
	in("match[custom_status]", func(r *caseRec) []string { return one(r.c.CustomStatusUUID) })
	in("match[custom_priority]", func(r *caseRec) []string { return one(r.c.CustomPriorityUUID) })
	in("match[verdict]", func(r *caseRec) []string { return one(r.c.VerdictUUID) })
	in("match[alert_uuid]", func(r *caseRec) []string { return r.alerts })
	in("match[created_by]", func(r *caseRec) []string { return one(r.c.CreatedBy) })
	in("match[community_uuid]", func(r *caseRec) []string { return one(r.c.CommunityUUID) })
	in("match[assignees]", assignees)
	if v := q.Get("match[type]"); v != "" {
		fs = append(fs, func(r *caseRec) bool { return (v == "manual") == r.c.Manual })
	}
	if v := q.Get("nomatch[assignees]"); v != "" {
		not := strings.Split(v, ",")
		fs = append(fs, func(r *caseRec) bool {
			return !slices.ContainsFunc(assignees(r), func(s string) bool { return slices.Contains(not, s) })
		})
	}
	for key, get := range map[string]func(r *caseRec) time.Time{
		"date[created_at]": func(r *caseRec) time.Time { return r.c.CreatedAt },
		"date[updated_at]": func(r *caseRec) time.Time { return r.c.UpdatedAt },
	} {
		if v := q.Get(key); v != "" {
			from, to, ok := parseDateRange(v, now)
			if !ok {
				writeError(w, http.StatusBadRequest, "", "Invalid parameters: "+key)
				return nil, false
			}
			fs = append(fs, func(r *caseRec) bool { t := get(r); return !t.Before(from) && !t.After(to) })
		}
	}
	return fs, true
}

func assignees(r *caseRec) []string {
	var out []string
	for _, s := range r.c.Subscribers {
		if s.Type == "assignee" {
			out = append(out, s.AvatarUUID)
		}
	}
	return out
}

// matching returns the cases the filters of q select, newest first; it
// answers 400 on a bad filter. The caller holds the lock.
func (cs *caseStore) matching(w http.ResponseWriter, q url.Values) ([]*caseRec, bool) {
	fs, ok := cs.filters(w, q)
	if !ok {
		return nil, false
	}
	return cs.match(fs), true
}

// match returns the cases passing fs, newest first.
func (cs *caseStore) match(fs []caseFilter) []*caseRec {
	var out []*caseRec
	for i := len(cs.list) - 1; i >= 0; i-- {
		rec := cs.list[i]
		if !slices.ContainsFunc(fs, func(f caseFilter) bool { return !f(rec) }) {
			out = append(out, rec)
		}
	}
	return out
}

func (cs *caseStore) handleList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit, offset, ok := paging(w, q, 20, 100)
	if !ok {
		return
	}
	sortBy, dir := q.Get("sort"), q.Get("direction")
	if (sortBy != "" && sortBy != "created_at" && sortBy != "title") || (dir != "" && dir != "asc" && dir != "desc") {
		writeError(w, http.StatusBadRequest, "", "Invalid parameters: sort or direction")
		return
	}
	cs.mu.Lock()
	defer cs.mu.Unlock()
	matched, ok := cs.matching(w, q)
	if !ok {
		return
	}
	// By creation time (not by insertion: a case may be stored with an
	// earlier CreatedAt), newest first unless asked otherwise; ties keep
	// the newest stored first.
	slices.SortStableFunc(matched, func(x, y *caseRec) int {
		c := x.c.CreatedAt.Compare(y.c.CreatedAt)
		if sortBy == "title" {
			c = strings.Compare(x.c.Title, y.c.Title)
		}
		if dir != "asc" {
			c = -c
		}
		return c
	})
	items := make([]sekoia.Case, len(matched))
	for i, rec := range matched {
		items[i] = rec.c
	}
	body := pageBody(items, limit, offset)
	body["has_more"] = offset+limit < len(items)
	writeJSON(w, http.StatusOK, body)
}

func (cs *caseStore) handleStatistics(w http.ResponseWriter, r *http.Request) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	matched, ok := cs.matching(w, r.URL.Query())
	if !ok {
		return
	}
	var st sekoia.CaseStatistics
	for _, rec := range matched {
		st.Total++
		if rec.stage() == sekoia.StageClosed {
			st.Closed++
		} else {
			st.Open++
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"count": st})
}

func (cs *caseStore) handleTags(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit, offset, ok := paging(w, q, 20, 100)
	if !ok {
		return
	}
	name := strings.ToLower(q.Get("name"))
	cs.mu.Lock()
	defer cs.mu.Unlock()
	var tags []string
	for _, rec := range cs.list {
		for _, t := range rec.c.Tags {
			if !slices.Contains(tags, t) && strings.Contains(strings.ToLower(t), name) {
				tags = append(tags, t)
			}
		}
	}
	slices.Sort(tags)
	writeJSON(w, http.StatusOK, pageBody(tags, limit, offset))
}

// --- one case ---

// caseBody is the body of POST /v1/sic/cases and PATCH /v1/sic/cases/{id}.
type caseBody struct {
	Title              *string                  `json:"title"`
	Description        *string                  `json:"description"`
	Priority           *sekoia.CasePriority     `json:"priority"`
	StatusUUID         *string                  `json:"status_uuid"`
	CustomStatusUUID   *string                  `json:"custom_status_uuid"`
	CustomPriorityUUID *string                  `json:"custom_priority_uuid"`
	VerdictUUID        *string                  `json:"verdict_uuid"`
	Tags               *[]string                `json:"tags"`
	Subscribers        *[]sekoia.CaseSubscriber `json:"subscribers"`
	CommunityUUID      *string                  `json:"community_uuid"`
}

func (cs *caseStore) handleCreate(w http.ResponseWriter, r *http.Request) {
	var body caseBody
	if !decodeBody(w, r, &body) {
		return
	}
	if body.Title == nil || strings.TrimSpace(*body.Title) == "" {
		writeError(w, http.StatusBadRequest, "", "Invalid parameters: title is required")
		return
	}
	cs.mu.Lock()
	defer cs.mu.Unlock()
	now := cs.s.nowUTC()
	c := sekoia.Case{Title: *body.Title, Manual: true}
	setIf(&c.CommunityUUID, body.CommunityUUID)
	rec := cs.add(c, now)
	if !cs.apply(w, rec, body, now, false) {
		cs.remove(rec)
		return
	}
	writeJSON(w, http.StatusOK, rec.c)
}

// apply sets the fields of body on rec, checking statuses and
// priorities; it answers 400 and returns false on a bad value.
func (cs *caseStore) apply(w http.ResponseWriter, rec *caseRec, body caseBody, now time.Time, record bool) bool {
	if body.Description != nil && strings.TrimSpace(*body.Description) == "" {
		writeError(w, http.StatusBadRequest, "", "Invalid parameters: description may not be empty")
		return false
	}
	if body.Priority != nil && !body.Priority.Valid() {
		writeError(w, http.StatusBadRequest, "", "Invalid parameters: priority must be low, medium or high")
		return false
	}
	c := rec.c
	before := c.CurrentStatus()
	if body.StatusUUID != nil {
		l, ok := legacyByUUID(*body.StatusUUID)
		if !ok {
			writeError(w, http.StatusBadRequest, "", "Invalid parameters: unknown case status "+*body.StatusUUID)
			return false
		}
		c.StatusUUID, c.Status = l.uuid, l.name
		c.CustomStatusUUID, c.CustomStatus = "", nil
	}
	if body.CustomStatusUUID != nil {
		st, ok := cs.customStatus(*body.CustomStatusUUID)
		if !ok {
			writeError(w, http.StatusBadRequest, "", "Invalid parameters: unknown case custom status "+*body.CustomStatusUUID)
			return false
		}
		l := legacyByStage(st.Stage)
		c.CustomStatusUUID = st.UUID
		c.CustomStatus = &sekoia.CaseCustomStatus{Label: st.Label, Description: st.Description, Level: st.Level, Stage: st.Stage}
		c.StatusUUID, c.Status = l.uuid, l.name
	}
	setIf(&c.Title, body.Title)
	setIf(&c.Description, body.Description)
	setIf(&c.Priority, body.Priority)
	setIf(&c.CustomPriorityUUID, body.CustomPriorityUUID)
	setIf(&c.VerdictUUID, body.VerdictUUID)
	setIf(&c.Tags, body.Tags)
	setIf(&c.Subscribers, body.Subscribers)
	if body.VerdictUUID != nil {
		c.Verdict = &sekoia.CaseVerdict{UUID: *body.VerdictUUID}
	}
	if body.Priority != nil {
		c.PriorityUpdatedManually = true
	}
	if body.Description != nil {
		c.DescriptionUpdatedManually = true
	}
	c.UpdatedAt, c.UpdatedBy, c.UpdatedByType = now, seqUUID(0xa9, 1), "apikey"
	rec.c = c
	if after := c.CurrentStatus(); record && after.UUID != before.UUID {
		rec.history = append(rec.history, caseHistory(now, "case", map[string]any{"status": after.Name, "previous_status": before.Name}))
	}
	cs.syncAlerts(rec.alerts)
	return true
}

// customStatus returns a custom status of type case.
func (cs *caseStore) customStatus(id string) (sekoia.CustomStatus, bool) {
	st := cs.s.alerts
	st.mu.Lock()
	defer st.mu.Unlock()
	for _, c := range st.customStatuses {
		if c.UUID == id && slices.Contains(c.Type, "case") {
			return c, true
		}
	}
	return sekoia.CustomStatus{}, false
}

func (cs *caseStore) handleGet(w http.ResponseWriter, r *http.Request, rec *caseRec) {
	c := rec.c
	st := cs.s.alerts
	st.mu.Lock()
	c.Alerts = []sekoia.Alert{}
	for _, id := range rec.alerts {
		if a, ok := st.byID[id]; ok {
			c.Alerts = append(c.Alerts, listAlert(a.a, false, false))
		}
	}
	st.mu.Unlock()
	writeJSON(w, http.StatusOK, c)
}

func (cs *caseStore) handlePatch(w http.ResponseWriter, r *http.Request, rec *caseRec) {
	var body caseBody
	if !decodeBody(w, r, &body) {
		return
	}
	if body.CommunityUUID != nil {
		writeError(w, http.StatusBadRequest, "", "Invalid parameters: community_uuid cannot be changed")
		return
	}
	if cs.apply(w, rec, body, cs.s.nowUTC(), true) {
		writeJSON(w, http.StatusOK, rec.c)
	}
}

func (cs *caseStore) handleDelete(w http.ResponseWriter, _ *http.Request, rec *caseRec) {
	cs.remove(rec)
	cs.syncAlerts(rec.alerts)
	w.WriteHeader(http.StatusNoContent)
}

func (cs *caseStore) remove(rec *caseRec) {
	cs.list = slices.DeleteFunc(cs.list, func(x *caseRec) bool { return x == rec })
	delete(cs.byID, rec.c.UUID)
	delete(cs.byID, rec.c.ShortID)
}
