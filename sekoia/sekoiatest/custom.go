package sekoiatest

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/socgo/xdr/sekoia"
)

// customStore keeps the custom verdicts, priorities and fields.
type customStore struct {
	s          *Server
	mu         sync.Mutex
	verdicts   []*sekoia.CustomVerdict
	priorities []*sekoia.CustomPriority
	fields     []*sekoia.CustomField
}

func newCustomStore(s *Server) *customStore { return &customStore{s: s} }

func (st *customStore) register(mux *http.ServeMux) {
	mux.HandleFunc("GET /v1/sic/custom_verdicts", listHandler(st, func() []*sekoia.CustomVerdict { return st.verdicts }))
	mux.HandleFunc("POST /v1/sic/custom_verdicts", st.handleCreateVerdict)
	mux.HandleFunc("GET /v1/sic/custom_verdicts/{uuid}", getHandler(st, &st.verdicts, func(v *sekoia.CustomVerdict) string { return v.UUID }))
	mux.HandleFunc("PATCH /v1/sic/custom_verdicts/{uuid}", st.handleUpdateVerdict)
	mux.HandleFunc("DELETE /v1/sic/custom_verdicts/{uuid}", deleteHandler(st, &st.verdicts, func(v *sekoia.CustomVerdict) string { return v.UUID }, http.StatusNoContent))

	mux.HandleFunc("GET /v1/sic/custom_priorities", listHandler(st, func() []*sekoia.CustomPriority { return st.priorities }))
	mux.HandleFunc("POST /v1/sic/custom_priorities", st.handleCreatePriority)
	mux.HandleFunc("GET /v1/sic/custom_priorities/{uuid}", getHandler(st, &st.priorities, func(p *sekoia.CustomPriority) string { return p.UUID }))
	mux.HandleFunc("PATCH /v1/sic/custom_priorities/{uuid}", st.handleUpdatePriority)
	mux.HandleFunc("DELETE /v1/sic/custom_priorities/{uuid}", deleteHandler(st, &st.priorities, func(p *sekoia.CustomPriority) string { return p.UUID }, http.StatusNoContent))

	mux.HandleFunc("GET /v1/sic/custom-fields", st.handleListFields)
	mux.HandleFunc("POST /v1/sic/custom-fields", st.handleCreateField)
	mux.HandleFunc("GET /v1/sic/custom-fields/{uuid}", getHandler(st, &st.fields, func(f *sekoia.CustomField) string { return f.UUID }))
	mux.HandleFunc("PATCH /v1/sic/custom-fields/{uuid}", st.handleUpdateField)
	mux.HandleFunc("DELETE /v1/sic/custom-fields/{uuid}", deleteHandler(st, &st.fields, func(f *sekoia.CustomField) string { return f.UUID }, http.StatusOK))
}

// AddCustomVerdict stores a custom verdict (UUID, community, level and
// times filled when missing) and returns it.
func (s *Server) AddCustomVerdict(v sekoia.CustomVerdict) sekoia.CustomVerdict {
	st := s.custom
	st.mu.Lock()
	defer st.mu.Unlock()
	st.stamp(&v.UUID, &v.CommunityUUID, &v.CreatedBy, &v.CreatedByType, &v.CreatedAt)
	if v.Level == 0 {
		v.Level = len(st.verdicts) + 1
	}
	st.verdicts = append(st.verdicts, &v)
	return v
}

// AddCustomPriority stores a custom priority as AddCustomVerdict does.
func (s *Server) AddCustomPriority(p sekoia.CustomPriority) sekoia.CustomPriority {
	st := s.custom
	st.mu.Lock()
	defer st.mu.Unlock()
	st.stamp(&p.UUID, &p.CommunityUUID, &p.CreatedBy, &p.CreatedByType, &p.CreatedAt)
	if p.Level == 0 {
		p.Level = len(st.priorities) + 1
	}
	st.priorities = append(st.priorities, &p)
	return p
}

// AddCustomField stores a custom field (UUID, community, slug and times
// filled when missing) and returns it. Alerts take values of the fields
// the server holds.
func (s *Server) AddCustomField(f sekoia.CustomField) sekoia.CustomField {
	st := s.custom
	st.mu.Lock()
	defer st.mu.Unlock()
	st.stamp(&f.UUID, &f.CommunityUUID, &f.CreatedBy, &f.CreatedByType, &f.CreatedAt)
	if f.Slug == "" {
		f.Slug = slug(f.Name)
	}
	f.UpdatedAt = f.CreatedAt
	st.fields = append(st.fields, &f)
	return f
}

func slug(name string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case 'a' <= r && r <= 'z', '0' <= r && r <= '9':
			return r
		case 'A' <= r && r <= 'Z':
			return r + 'a' - 'A'
		}
		return '_'
	}, name)
}

// stamp fills the identity fields of a new object.
func (st *customStore) stamp(uuid, community, by, byType *string, at *time.Time) {
	if *uuid == "" {
		*uuid = newUUID()
	}
	if *community == "" {
		*community = DefaultCommunityUUID
	}
	if *by == "" {
		*by, *byType = seqUUID(0xa9, 1), "apikey"
	}
	if at.IsZero() {
		*at = st.s.nowUTC()
	}
}

// field returns the custom field with this UUID.
func (st *customStore) field(uuid string) (sekoia.CustomField, bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	for _, f := range st.fields {
		if f.UUID == uuid {
			return *f, true
		}
	}
	return sekoia.CustomField{}, false
}

func listHandler[T any](st *customStore, items func() []T) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		limit, offset, ok := paging(w, r.URL.Query(), 20, 100)
		if !ok {
			return
		}
		st.mu.Lock()
		defer st.mu.Unlock()
		writeJSON(w, http.StatusOK, pageBody(items(), limit, offset))
	}
}

// withItem runs f, under the store's lock, on the item of list named by
// the path, or answers 404.
func withItem[T any](st *customStore, w http.ResponseWriter, r *http.Request, list *[]*T, id func(*T) string, f func(i int, v *T)) {
	st.mu.Lock()
	defer st.mu.Unlock()
	i := slices.IndexFunc(*list, func(v *T) bool { return id(v) == r.PathValue("uuid") })
	if i < 0 {
		writeError(w, http.StatusNotFound, "", "Resource not found")
		return
	}
	f(i, (*list)[i])
}

func getHandler[T any](st *customStore, list *[]*T, id func(*T) string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		withItem(st, w, r, list, id, func(_ int, v *T) { writeJSON(w, http.StatusOK, v) })
	}
}

func deleteHandler[T any](st *customStore, list *[]*T, id func(*T) string, status int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		withItem(st, w, r, list, id, func(i int, _ *T) {
			*list = slices.Delete(*list, i, i+1)
			w.WriteHeader(status)
		})
	}
}

// levelBody is the body of a custom verdict or priority creation or
// change.
type levelBody struct {
	Label       *string `json:"label"`
	Description *string `json:"description"`
	Stage       *string `json:"stage"`
	Color       *string `json:"color"`
	Level       *int    `json:"level"`
}

func (b *levelBody) check(w http.ResponseWriter, create bool, stage bool) bool {
	switch {
	case create && (b.Label == nil || strings.TrimSpace(*b.Label) == ""):
		writeError(w, http.StatusBadRequest, "", "label is required")
	case stage && b.Color != nil, !stage && b.Stage != nil:
		writeError(w, http.StatusBadRequest, "", "Invalid body: unknown field")
	case stage && create && b.Stage == nil:
		writeError(w, http.StatusBadRequest, "", "stage is required")
	case b.Stage != nil && *b.Stage != "false_positive" && *b.Stage != "true_positive":
		writeError(w, http.StatusBadRequest, "", "stage must be false_positive or true_positive")
	case !stage && create && (b.Color == nil || *b.Color == ""):
		writeError(w, http.StatusBadRequest, "", "color is required")
	default:
		return true
	}
	return false
}

func (st *customStore) handleCreateVerdict(w http.ResponseWriter, r *http.Request) {
	var b levelBody
	if !decodeBody(w, r, &b) || !b.check(w, true, true) {
		return
	}
	v := sekoia.CustomVerdict{Label: *b.Label, Stage: sekoia.VerdictStage(*b.Stage)}
	setIf(&v.Description, b.Description)
	setIf(&v.Level, b.Level)
	writeJSON(w, http.StatusOK, st.s.AddCustomVerdict(v))
}

func (st *customStore) handleUpdateVerdict(w http.ResponseWriter, r *http.Request) {
	var b levelBody
	if !decodeBody(w, r, &b) || !b.check(w, false, true) {
		return
	}
	now := st.s.nowUTC()
	withItem(st, w, r, &st.verdicts, func(v *sekoia.CustomVerdict) string { return v.UUID }, func(_ int, v *sekoia.CustomVerdict) {
		setIf(&v.Label, b.Label)
		setIf(&v.Description, b.Description)
		setIf(&v.Level, b.Level)
		if b.Stage != nil {
			v.Stage = sekoia.VerdictStage(*b.Stage)
		}
		v.UpdatedAt, v.UpdatedBy, v.UpdatedByType = now, seqUUID(0xa9, 1), "apikey"
		writeJSON(w, http.StatusOK, v)
	})
}

func (st *customStore) handleCreatePriority(w http.ResponseWriter, r *http.Request) {
	var b levelBody
	if !decodeBody(w, r, &b) || !b.check(w, true, false) {
		return
	}
	p := sekoia.CustomPriority{Label: *b.Label, Color: *b.Color}
	setIf(&p.Description, b.Description)
	setIf(&p.Level, b.Level)
	writeJSON(w, http.StatusOK, st.s.AddCustomPriority(p))
}

func (st *customStore) handleUpdatePriority(w http.ResponseWriter, r *http.Request) {
	var b levelBody
	if !decodeBody(w, r, &b) || !b.check(w, false, false) {
		return
	}
	now := st.s.nowUTC()
	withItem(st, w, r, &st.priorities, func(p *sekoia.CustomPriority) string { return p.UUID }, func(_ int, p *sekoia.CustomPriority) {
		setIf(&p.Label, b.Label)
		setIf(&p.Description, b.Description)
		setIf(&p.Level, b.Level)
		setIf(&p.Color, b.Color)
		p.UpdatedAt, p.UpdatedBy, p.UpdatedByType = now, seqUUID(0xa9, 1), "apikey"
		writeJSON(w, http.StatusOK, p)
	})
}

func (st *customStore) handleListFields(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit, offset, ok := paging(w, q, 20, 100)
	if !ok {
		return
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	items := slices.Clone(st.fields)
	if name := q.Get("name"); name != "" {
		items = slices.DeleteFunc(items, func(f *sekoia.CustomField) bool { return f.Name != name })
	}
	if q.Get("sort") == "name" {
		slices.SortStableFunc(items, func(a, b *sekoia.CustomField) int { return strings.Compare(a.Name, b.Name) })
	}
	if q.Get("direction") == "desc" {
		slices.Reverse(items)
	}
	writeJSON(w, http.StatusOK, pageBody(items, limit, offset))
}

// fieldBody is the body of a custom field creation or change.
type fieldBody struct {
	Name             *string  `json:"name"`
	Description      *string  `json:"description"`
	Type             *string  `json:"type"`
	Options          []string `json:"options"`
	Color            *string  `json:"color"`
	AutoAddedToCase  *bool    `json:"auto_added_to_case"`
	AutoAddedToAlert *bool    `json:"auto_added_to_alert"`
}

func (b *fieldBody) apply(f *sekoia.CustomField) {
	setIf(&f.Name, b.Name)
	setIf(&f.Description, b.Description)
	setIf(&f.Color, b.Color)
	setIf(&f.AutoAddedToCase, b.AutoAddedToCase)
	setIf(&f.AutoAddedToAlert, b.AutoAddedToAlert)
	if b.Options != nil {
		f.Options, _ = json.Marshal(b.Options)
	}
}

func (st *customStore) handleCreateField(w http.ResponseWriter, r *http.Request) {
	var b fieldBody
	if !decodeBody(w, r, &b) {
		return
	}
	if b.Name == nil || strings.TrimSpace(*b.Name) == "" || b.Type == nil {
		writeError(w, http.StatusBadRequest, "", "name and type are required")
		return
	}
	var f sekoia.CustomField
	f.Type = sekoia.CustomFieldType(*b.Type)
	switch f.Type {
	case sekoia.FieldText, sekoia.FieldInteger, sekoia.FieldBoolean, sekoia.FieldSingleSelect, sekoia.FieldMultiSelect:
	default:
		writeError(w, http.StatusBadRequest, "", "unknown type "+*b.Type)
		return
	}
	b.apply(&f)
	writeJSON(w, http.StatusOK, st.s.AddCustomField(f))
}

func (st *customStore) handleUpdateField(w http.ResponseWriter, r *http.Request) {
	var b fieldBody
	if !decodeBody(w, r, &b) {
		return
	}
	if b.Type != nil {
		writeError(w, http.StatusBadRequest, "", "the type of a custom field cannot change")
		return
	}
	now := st.s.nowUTC()
	withItem(st, w, r, &st.fields, func(f *sekoia.CustomField) string { return f.UUID }, func(_ int, f *sekoia.CustomField) {
		b.apply(f)
		f.UpdatedAt, f.UpdatedBy, f.UpdatedByType = now, seqUUID(0xa9, 1), "apikey"
		writeJSON(w, http.StatusOK, f)
	})
}
