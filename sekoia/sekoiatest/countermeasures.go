package sekoiatest

import (
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/socgo/xdr/sekoia"
)

// The status texts the fake gives countermeasures and action steps (the
// API documents the field without its values).
const (
	cmPending   = "pending"
	cmActivated = "activated"
	cmDenied    = "denied"
)

type cmRec struct {
	cm       sekoia.Countermeasure // Raw and Comments always empty here
	comments []sekoia.Comment
	steps    map[string][]sekoia.Comment // comments by step UUID
}

type countermeasureStore struct {
	s      *Server
	mu     sync.Mutex
	byUUID map[string]*cmRec
	// byOwner lists the countermeasures of an alert (by alert UUID) or of
	// a case (by "case:" and the id given), oldest first.
	byOwner map[string][]*cmRec
}

func newCountermeasureStore(s *Server) *countermeasureStore {
	return &countermeasureStore{s: s, byUUID: map[string]*cmRec{}, byOwner: map[string][]*cmRec{}}
}

func (st *countermeasureStore) register(mux *http.ServeMux) {
	mux.HandleFunc("GET /v1/sic/alerts/{id}/countermeasures", st.handleAlertList)
	mux.HandleFunc("POST /v1/sic/alerts/{id}/countermeasures", st.handleAlertAdd)
	mux.HandleFunc("GET /v1/sic/cases/{id}/countermeasures", st.handleCaseList)
	mux.HandleFunc("POST /v1/sic/cases/{id}/countermeasures", st.handleCaseAdd)
	mux.HandleFunc("GET /v1/sic/alerts/countermeasures/{cm}/comments", st.handleComments)
	mux.HandleFunc("POST /v1/sic/alerts/countermeasures/{cm}/comments", st.handleAddComment)
	mux.HandleFunc("GET /v1/sic/alerts/countermeasures/{cm}/{step}/{$}", st.handleStep)
	mux.HandleFunc("PATCH /v1/sic/alerts/countermeasures/{cm}/{step}/{$}", st.handleUpdateStep)
	mux.HandleFunc("DELETE /v1/sic/alerts/countermeasures/{cm}/{step}/{$}", st.handleDeleteStep)
	mux.HandleFunc("PATCH /v1/sic/alerts/countermeasures/{cm}/{step}/{verb}", st.handleDecideStep)
	mux.HandleFunc("GET /v1/sic/alerts/countermeasures/{cm}/{step}/comments", st.handleStepComments)
	mux.HandleFunc("POST /v1/sic/alerts/countermeasures/{cm}/{step}/comments", st.handleAddStepComment)
	// PATCH /v1/sic/alerts/countermeasures/{cm}/activate|deny is served by
	// the alert PATCH dispatcher (see extras.go): it shares its shape with
	// PATCH /v1/sic/alerts/{id}/comments/{comment}.
}

// AddCountermeasure stores a countermeasure of the alert with this UUID or
// short id (UUID, times and status filled when missing; steps given
// without a UUID get one) and returns it. It reports false when the alert
// is unknown.
func (s *Server) AddCountermeasure(alertID string, cm sekoia.Countermeasure) (sekoia.Countermeasure, bool) {
	a, ok := s.Alert(alertID)
	if !ok {
		return sekoia.Countermeasure{}, false
	}
	cm.AlertUUID = a.UUID
	return s.countermeasures.add(a.UUID, cm, s.nowUTC()), true
}

// AddCaseCountermeasure stores a countermeasure of the case with this id,
// as AddCountermeasure does. The fake does not check that the case exists.
func (s *Server) AddCaseCountermeasure(caseID string, cm sekoia.Countermeasure) sekoia.Countermeasure {
	cm.CaseUUID = caseID
	return s.countermeasures.add("case:"+caseID, cm, s.nowUTC())
}

// Countermeasure returns the current state of a countermeasure.
func (s *Server) Countermeasure(uuid string) (sekoia.Countermeasure, bool) {
	st := s.countermeasures
	st.mu.Lock()
	defer st.mu.Unlock()
	rec, ok := st.byUUID[uuid]
	if !ok {
		return sekoia.Countermeasure{}, false
	}
	return st.render(rec), true
}

func (st *countermeasureStore) add(owner string, cm sekoia.Countermeasure, now time.Time) sekoia.Countermeasure {
	st.mu.Lock()
	defer st.mu.Unlock()
	cm.Raw, cm.Comments = nil, nil
	if cm.UUID == "" {
		cm.UUID = newUUID()
	}
	if cm.CreatedAt.IsZero() {
		cm.CreatedAt = now
	}
	if cm.CreatedBy == "" {
		cm.CreatedBy, cm.CreatedByType = seqUUID(0xa9, 1), "apikey"
	}
	if cm.Status == "" {
		cm.Status = cmPending
	}
	cm.ActionSteps = slices.Clone(cm.ActionSteps)
	rec := &cmRec{steps: map[string][]sekoia.Comment{}}
	for i := range cm.ActionSteps {
		step := &cm.ActionSteps[i]
		step.Comments = nil
		if step.UUID == "" {
			step.UUID = newUUID()
		}
		if step.Status == "" {
			step.Status = cmPending
		}
		if step.CreatedAt.IsZero() {
			step.CreatedAt = now
		}
		if step.ActionOrder == 0 {
			step.ActionOrder = i + 1
		}
	}
	rec.cm = cm
	st.byUUID[cm.UUID] = rec
	st.byOwner[owner] = append(st.byOwner[owner], rec)
	return st.render(rec)
}

// render returns the countermeasure as the API shows it (comments
// included).
func (st *countermeasureStore) render(rec *cmRec) sekoia.Countermeasure {
	cm := rec.cm
	cm.Comments = slices.Clone(rec.comments)
	cm.ActionSteps = slices.Clone(cm.ActionSteps)
	for i := range cm.ActionSteps {
		cm.ActionSteps[i].Comments = slices.Clone(rec.steps[cm.ActionSteps[i].UUID])
	}
	return cm
}

func (st *countermeasureStore) list(w http.ResponseWriter, r *http.Request, owner string) {
	q := r.URL.Query()
	limit, offset, ok := paging(w, q, 20, 100)
	if !ok {
		return
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	var items []sekoia.Countermeasure
	for _, rec := range st.byOwner[owner] {
		if s := q.Get("match[status]"); s != "" && rec.cm.Status != s {
			continue
		}
		items = append(items, st.render(rec))
	}
	if q.Get("direction") == "desc" {
		slices.Reverse(items)
	}
	writeJSON(w, http.StatusOK, pageBody(items, limit, offset))
}

// alertOwner returns the owner key of the alert named by the path, or
// answers 404.
func (st *countermeasureStore) alertOwner(w http.ResponseWriter, r *http.Request) (string, bool) {
	a, ok := st.s.Alert(r.PathValue("id"))
	if !ok {
		writeError(w, http.StatusNotFound, "", "Unknown alert")
		return "", false
	}
	return a.UUID, true
}

func (st *countermeasureStore) handleAlertList(w http.ResponseWriter, r *http.Request) {
	if owner, ok := st.alertOwner(w, r); ok {
		st.list(w, r, owner)
	}
}

func (st *countermeasureStore) handleCaseList(w http.ResponseWriter, r *http.Request) {
	st.list(w, r, "case:"+r.PathValue("id"))
}

// decodeNewCountermeasure reads the body of a countermeasure creation.
func decodeNewCountermeasure(w http.ResponseWriter, r *http.Request) (sekoia.Countermeasure, bool) {
	var body struct {
		Name        *string `json:"name"`
		Description string  `json:"description"`
	}
	if !decodeBody(w, r, &body) {
		return sekoia.Countermeasure{}, false
	}
	if body.Name == nil || strings.TrimSpace(*body.Name) == "" {
		writeError(w, http.StatusBadRequest, "", "name is required")
		return sekoia.Countermeasure{}, false
	}
	return sekoia.Countermeasure{Name: *body.Name, Description: body.Description}, true
}

func (st *countermeasureStore) handleAlertAdd(w http.ResponseWriter, r *http.Request) {
	owner, ok := st.alertOwner(w, r)
	if !ok {
		return
	}
	cm, ok := decodeNewCountermeasure(w, r)
	if !ok {
		return
	}
	cm.AlertUUID = owner
	writeJSON(w, http.StatusOK, st.add(owner, cm, st.s.nowUTC()))
}

func (st *countermeasureStore) handleCaseAdd(w http.ResponseWriter, r *http.Request) {
	cm, ok := decodeNewCountermeasure(w, r)
	if !ok {
		return
	}
	cm.CaseUUID = r.PathValue("id")
	writeJSON(w, http.StatusOK, st.add("case:"+cm.CaseUUID, cm, st.s.nowUTC()))
}

// withCountermeasure runs f, under the store's lock, on the
// countermeasure named by the path, or answers 404.
func (st *countermeasureStore) withCountermeasure(w http.ResponseWriter, id string, f func(rec *cmRec)) {
	st.mu.Lock()
	defer st.mu.Unlock()
	rec, ok := st.byUUID[id]
	if !ok {
		writeError(w, http.StatusNotFound, "", "Unknown counter measure")
		return
	}
	f(rec)
}

// withStep runs f on the action step named by the path (UUID or name).
func (st *countermeasureStore) withStep(w http.ResponseWriter, r *http.Request, f func(rec *cmRec, i int)) {
	st.withCountermeasure(w, r.PathValue("cm"), func(rec *cmRec) {
		name := r.PathValue("step")
		i := slices.IndexFunc(rec.cm.ActionSteps, func(s sekoia.ActionStep) bool { return s.UUID == name || s.Name == name })
		if i < 0 {
			writeError(w, http.StatusNotFound, "", "Unknown action step")
			return
		}
		f(rec, i)
	})
}

// decodeDecision reads the body of an activation or a denial: {} or
// {"comment":{"content","author"}}.
func decodeDecision(w http.ResponseWriter, r *http.Request) (*sekoia.NewComment, bool) {
	var body struct {
		Comment *sekoia.NewComment `json:"comment"`
	}
	if !decodeBody(w, r, &body) {
		return nil, false
	}
	if body.Comment != nil && strings.TrimSpace(body.Comment.Content) == "" {
		writeError(w, http.StatusBadRequest, "", "comment content is required")
		return nil, false
	}
	return body.Comment, true
}

// decision points at the fields an activation or a denial sets, on a
// countermeasure or an action step.
type decision struct {
	status                       *string
	activatedAt, deniedAt        *time.Time
	activatedBy, activatedByType *string
	deniedBy, deniedByType       *string
}

func cmDecision(c *sekoia.Countermeasure) decision {
	return decision{&c.Status, &c.ActivatedAt, &c.DeniedAt, &c.ActivatedBy, &c.ActivatedByType, &c.DeniedBy, &c.DeniedByType}
}

func stepDecision(s *sekoia.ActionStep) decision {
	return decision{&s.Status, &s.ActivatedAt, &s.DeniedAt, &s.ActivatedBy, &s.ActivatedByType, &s.DeniedBy, &s.DeniedByType}
}

// apply makes the decision, or answers 409 when one was made already.
func (d decision) apply(w http.ResponseWriter, verb string, now time.Time) bool {
	if !d.activatedAt.IsZero() || !d.deniedAt.IsZero() {
		writeError(w, http.StatusConflict, "", "Invalid action given current status")
		return false
	}
	by := seqUUID(0xa9, 1)
	if verb == "activate" {
		*d.status, *d.activatedAt, *d.activatedBy, *d.activatedByType = cmActivated, now, by, "apikey"
	} else {
		*d.status, *d.deniedAt, *d.deniedBy, *d.deniedByType = cmDenied, now, by, "apikey"
	}
	return true
}

// decisionRequest checks the verb and reads the body of an activation or
// a denial.
func decisionRequest(w http.ResponseWriter, r *http.Request, verb string) (*sekoia.NewComment, bool) {
	if verb != "activate" && verb != "deny" {
		writeError(w, http.StatusNotFound, "", "Not found")
		return nil, false
	}
	return decodeDecision(w, r)
}

// handleDecide serves PATCH /v1/sic/alerts/countermeasures/{cm}/{verb}
// (called by the dispatcher with the countermeasure UUID and the verb).
func (st *countermeasureStore) handleDecide(w http.ResponseWriter, r *http.Request, id, verb string) {
	comment, ok := decisionRequest(w, r, verb)
	if !ok {
		return
	}
	now := st.s.nowUTC()
	st.withCountermeasure(w, id, func(rec *cmRec) {
		if !cmDecision(&rec.cm).apply(w, verb, now) {
			return
		}
		if comment != nil {
			rec.comments = append(rec.comments, newComment(*comment, now))
		}
		writeJSON(w, http.StatusOK, st.render(rec))
	})
}

func (st *countermeasureStore) handleDecideStep(w http.ResponseWriter, r *http.Request) {
	verb := r.PathValue("verb")
	comment, ok := decisionRequest(w, r, verb)
	if !ok {
		return
	}
	now := st.s.nowUTC()
	st.withStep(w, r, func(rec *cmRec, i int) {
		step := &rec.cm.ActionSteps[i]
		if !stepDecision(step).apply(w, verb, now) {
			return
		}
		if comment != nil {
			rec.steps[step.UUID] = append(rec.steps[step.UUID], newComment(*comment, now))
		}
		writeJSON(w, http.StatusOK, st.render(rec).ActionSteps[i])
	})
}

// newComment makes a comment written with the API key.
func newComment(c sekoia.NewComment, now time.Time) sekoia.Comment {
	by := seqUUID(0xa9, 1)
	author := c.Author
	if author == "" {
		author = "apikey:" + by
	}
	return sekoia.Comment{UUID: newUUID(), Content: c.Content, Author: author, Date: now.Truncate(time.Second), CreatedBy: by, CreatedByType: "apikey"}
}

// decodeComment reads a {"content","author"} body.
func decodeComment(w http.ResponseWriter, r *http.Request) (sekoia.NewComment, bool) {
	var body sekoia.NewComment
	if !decodeBody(w, r, &body) {
		return body, false
	}
	if strings.TrimSpace(body.Content) == "" {
		writeError(w, http.StatusBadRequest, "", "content is required")
		return body, false
	}
	return body, true
}

func (st *countermeasureStore) handleComments(w http.ResponseWriter, r *http.Request) {
	limit, offset, ok := paging(w, r.URL.Query(), 20, 100)
	if !ok {
		return
	}
	st.withCountermeasure(w, r.PathValue("cm"), func(rec *cmRec) {
		writeJSON(w, http.StatusOK, pageBody(rec.comments, limit, offset))
	})
}

func (st *countermeasureStore) handleAddComment(w http.ResponseWriter, r *http.Request) {
	body, ok := decodeComment(w, r)
	if !ok {
		return
	}
	now := st.s.nowUTC()
	st.withCountermeasure(w, r.PathValue("cm"), func(rec *cmRec) {
		c := newComment(body, now)
		rec.comments = append(rec.comments, c)
		writeJSON(w, http.StatusCreated, c)
	})
}

func (st *countermeasureStore) handleStep(w http.ResponseWriter, r *http.Request) {
	st.withStep(w, r, func(rec *cmRec, i int) { writeJSON(w, http.StatusOK, st.render(rec).ActionSteps[i]) })
}

func (st *countermeasureStore) handleUpdateStep(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Description *string `json:"description"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	if body.Description == nil || strings.TrimSpace(*body.Description) == "" {
		writeError(w, http.StatusBadRequest, "", "description is required")
		return
	}
	st.withStep(w, r, func(rec *cmRec, i int) {
		rec.cm.ActionSteps[i].Description = *body.Description
		writeJSON(w, http.StatusOK, st.render(rec).ActionSteps[i])
	})
}

func (st *countermeasureStore) handleDeleteStep(w http.ResponseWriter, r *http.Request) {
	st.withStep(w, r, func(rec *cmRec, i int) {
		delete(rec.steps, rec.cm.ActionSteps[i].UUID)
		rec.cm.ActionSteps = slices.Delete(rec.cm.ActionSteps, i, i+1)
		w.WriteHeader(http.StatusNoContent)
	})
}

func (st *countermeasureStore) handleStepComments(w http.ResponseWriter, r *http.Request) {
	limit, offset, ok := paging(w, r.URL.Query(), 20, 100)
	if !ok {
		return
	}
	st.withStep(w, r, func(rec *cmRec, i int) {
		writeJSON(w, http.StatusOK, pageBody(rec.steps[rec.cm.ActionSteps[i].UUID], limit, offset))
	})
}

func (st *countermeasureStore) handleAddStepComment(w http.ResponseWriter, r *http.Request) {
	body, ok := decodeComment(w, r)
	if !ok {
		return
	}
	now := st.s.nowUTC()
	st.withStep(w, r, func(rec *cmRec, i int) {
		c := newComment(body, now)
		id := rec.cm.ActionSteps[i].UUID
		rec.steps[id] = append(rec.steps[id], c)
		writeJSON(w, http.StatusCreated, c)
	})
}
