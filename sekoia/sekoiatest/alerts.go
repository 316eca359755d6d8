package sekoiatest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/socgo/xdr/sekoia"
)

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
	// seedBase is the creation time of the first seeded alert, set by the
	// first SeedAlerts.
	seedBase time.Time

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

// SeedAlerts adds n alerts with deterministic contents and returns them:
// urgency (i*37)%101, status Pending, three rules and sources in
// 10.0.0.0/16 in turn, created one minute apart. The times follow the
// server's clock: the alerts of the first call end one minute before the
// clock's time truncated to the minute (the first of 250 alerts seeded at
// 12:00:30 is created at 07:50:00, the last at 11:59:00), and later calls
// go on from there: the i-th alert of the server (those of AddAlert
// counted) is created i-1 minutes after that first time. With a fixed
// clock (WithClock) two servers seed the same alerts.
func (s *Server) SeedAlerts(n int) []sekoia.Alert {
	st := s.alerts
	st.mu.Lock()
	defer st.mu.Unlock()
	n = max(n, 0)
	if st.seedBase.IsZero() {
		st.seedBase = s.Now().Truncate(time.Minute).Add(-time.Duration(n) * time.Minute)
	}
	out := make([]sekoia.Alert, 0, n)
	rules := [...]string{"Brute force on SSH", "Suspicious PowerShell", "Abnormal OpenSSH log volume"}
	for range n {
		i := st.n + 1
		created := st.seedBase.Add(time.Duration(i-1) * time.Minute)
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
