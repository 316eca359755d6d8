package sekoiatest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Search-job behaviour of the fake.
//
// A job created with POST /v1/sic/conf/events/search/jobs matches the
// seeded events (AddEvents) whose raw JSON contains the job's term (an
// empty term or "*" matches every event) and that pass its filters (a
// "contains" filter looks for the value in the field's text; Excluded
// inverts it; Disabled ignores it), in the order they were seeded; seed
// them most recent first, as the API answers. max_last_events keeps the
// first ones. Results take limit (1..1000, default 100) and offset, and
// earliest_time/latest_time (epoch seconds) keep the events whose
// "timestamp" or "@timestamp" lies between them.
//
// Each read of the job (GET …/jobs/{uuid}) moves it along: it is "not
// started" (0) for SetSearchProgress's start reads, then "running" (1) for
// its run reads, then done (2). The results are readable at any state.
// Once done, the job expires after its results_ttl (600 s unless
// changed by PUT) or at once with ExpireSearchJob; its results and fields
// then answer 410 Gone.

const (
	searchDefaultTTL = 600
	searchMaxLimit   = 1000
)

type searchStore struct {
	s *Server

	mu         sync.Mutex
	events     []json.RawMessage
	jobs       map[string]*searchJob
	startReads int
	runReads   int
	failNext   bool
}

type searchJob struct {
	UUID          string
	Status        int
	Reads         int
	Term          string
	TermLang      string
	Filters       []searchFilter
	Earliest      string
	Latest        string
	MaxLastEvents *int
	Communities   []string
	OnlyEternal   bool
	DateField     *string
	Visible       bool
	TTL           int64
	ViewUUID      *string
	CreatedAt     time.Time
	StartedAt     time.Time
	EndedAt       time.Time
	CanceledAt    time.Time
	Expired       bool
	Fail          bool
	matched       []json.RawMessage
}

type searchFilter struct {
	Field    string          `json:"field"`
	Operator string          `json:"operator"`
	Value    json.RawMessage `json:"value"`
	Disabled bool            `json:"disabled"`
	Excluded bool            `json:"excluded"`
}

func newSearchStore(s *Server) *searchStore {
	return &searchStore{s: s, jobs: make(map[string]*searchJob), startReads: 1, runReads: 1}
}

func (st *searchStore) register(mux *http.ServeMux) {
	const base = "/v1/sic/conf/events/search/jobs"
	mux.HandleFunc("POST "+base, st.create)
	mux.HandleFunc("GET "+base+"/{uuid}", st.get)
	mux.HandleFunc("PUT "+base+"/{uuid}", st.update)
	mux.HandleFunc("POST "+base+"/{uuid}/cancel", st.cancel)
	mux.HandleFunc("GET "+base+"/{uuid}/events", st.results)
	mux.HandleFunc("GET "+base+"/{uuid}/fields", st.fields)
}

// AddEvents seeds events for search jobs. Each must be a JSON object; it is
// returned byte for byte in results. Seed the most recent first: results
// come in the order seeded.
//
// A job matches the events whose raw JSON contains its term (an empty term
// or "*" matches all) and that pass its filters (a filter matches when the
// field's text contains the value; Excluded inverts it, Disabled ignores
// it); max_last_events keeps the first ones. A finished job expires after
// its results_ttl (600 s, changed by PUT) on the server's clock
// (WithClock), or at once with ExpireSearchJob: its results and fields then
// answer 410.
func (s *Server) AddEvents(events ...[]byte) error {
	for i, ev := range events {
		t := bytes.TrimSpace(ev)
		if !json.Valid(t) || len(t) == 0 || t[0] != '{' {
			return fmt.Errorf("sekoiatest: AddEvents: event %d is not a JSON object", i)
		}
	}
	st := s.search
	st.mu.Lock()
	defer st.mu.Unlock()
	for _, ev := range events {
		st.events = append(st.events, json.RawMessage(bytes.Clone(bytes.TrimSpace(ev))))
	}
	return nil
}

// SetSearchProgress sets how many reads of a new job show it not started,
// then running, before it is done (default 1 and 1). Zero and zero make
// jobs done at their first read.
func (s *Server) SetSearchProgress(startReads, runReads int) {
	st := s.search
	st.mu.Lock()
	st.startReads, st.runReads = max(startReads, 0), max(runReads, 0)
	st.mu.Unlock()
}

// FailNextSearch makes the next job created end in the failed state (4)
// when it would have been done.
func (s *Server) FailNextSearch() {
	st := s.search
	st.mu.Lock()
	st.failNext = true
	st.mu.Unlock()
}

// ExpireSearchJob expires job uuid at once: its results and fields answer
// 410 from now on. It reports whether the job exists.
func (s *Server) ExpireSearchJob(uuid string) bool {
	st := s.search
	st.mu.Lock()
	defer st.mu.Unlock()
	j, ok := st.jobs[uuid]
	if ok {
		j.Expired = true
	}
	return ok
}

// SearchJobStatus returns the status of job uuid (0 to 4) and whether it
// exists, without moving it along.
func (s *Server) SearchJobStatus(uuid string) (int, bool) {
	st := s.search
	st.mu.Lock()
	defer st.mu.Unlock()
	j, ok := st.jobs[uuid]
	if !ok {
		return 0, false
	}
	return j.Status, true
}

// SearchJobTTL returns the results TTL of job uuid.
func (s *Server) SearchJobTTL(uuid string) (time.Duration, bool) {
	st := s.search
	st.mu.Lock()
	defer st.mu.Unlock()
	j, ok := st.jobs[uuid]
	if !ok {
		return 0, false
	}
	return time.Duration(j.TTL) * time.Second, true
}

// SearchJobs returns the number of jobs created.
func (s *Server) SearchJobs() int {
	st := s.search
	st.mu.Lock()
	defer st.mu.Unlock()
	return len(st.jobs)
}

func searchWriteJSON(w http.ResponseWriter, b []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	_, _ = w.Write(b)
}

func (st *searchStore) create(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Term           *string        `json:"term"`
		TermLang       string         `json:"term_lang"`
		Filters        []searchFilter `json:"filters"`
		EarliestTime   string         `json:"earliest_time"`
		LatestTime     string         `json:"latest_time"`
		MaxLastEvents  *int           `json:"max_last_events"`
		CommunityUUIDs []string       `json:"community_uuids"`
		Visible        bool           `json:"visible"`
		DateField      *string        `json:"date_field"`
		OnlyEternal    bool           `json:"only_eternal"`
		ResultsTTL     *int64         `json:"results_ttl"`
		ViewUUID       *string        `json:"view_uuid"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		writeError(w, http.StatusBadRequest, "", "Invalid parameters: "+err.Error())
		return
	}
	switch {
	case body.Term == nil:
		writeError(w, http.StatusBadRequest, "", "Invalid parameters: term is required")
		return
	case !searchValidTime(body.EarliestTime):
		writeError(w, http.StatusBadRequest, "", "Invalid parameters: earliest_time")
		return
	case !searchValidTime(body.LatestTime):
		writeError(w, http.StatusBadRequest, "", "Invalid parameters: latest_time")
		return
	case body.MaxLastEvents != nil && *body.MaxLastEvents < 1:
		writeError(w, http.StatusBadRequest, "", "Invalid parameters: max_last_events")
		return
	case body.ResultsTTL != nil && *body.ResultsTTL < 1:
		writeError(w, http.StatusBadRequest, "", "Invalid parameters: results_ttl")
		return
	}
	ttl := int64(searchDefaultTTL)
	if body.ResultsTTL != nil {
		ttl = *body.ResultsTTL
	}
	termLang := body.TermLang
	if termLang == "" {
		termLang = "es-query-string"
	}
	st.mu.Lock()
	j := &searchJob{
		UUID:          newUUID(),
		Term:          *body.Term,
		TermLang:      termLang,
		Filters:       body.Filters,
		Earliest:      body.EarliestTime,
		Latest:        body.LatestTime,
		MaxLastEvents: body.MaxLastEvents,
		Communities:   body.CommunityUUIDs,
		OnlyEternal:   body.OnlyEternal,
		DateField:     body.DateField,
		Visible:       body.Visible,
		TTL:           ttl,
		ViewUUID:      body.ViewUUID,
		CreatedAt:     st.s.nowUTC(),
		Fail:          st.failNext,
	}
	st.failNext = false
	if st.startReads == 0 && st.runReads == 0 {
		j.StartedAt, j.EndedAt = j.CreatedAt, j.CreatedAt
		j.Status = 2
		if j.Fail {
			j.Status = 4
		}
	}
	j.matched = st.match(j)
	st.jobs[j.UUID] = j
	b := j.json()
	st.mu.Unlock()
	searchWriteJSON(w, b)
}

// searchValidTime accepts what the API documents: a relative time, "now",
// or an ISO 8601 date or date-time.
func searchValidTime(s string) bool {
	if searchRelativeTime(s) {
		return true
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999", "2006-01-02"} {
		if _, err := time.Parse(layout, s); err == nil {
			return true
		}
	}
	return false
}

// searchRelativeTime reports whether s is "now" or a sign, 1 to 9 digits
// and a unit among s, m, h, d and w, case ignored.
func searchRelativeTime(s string) bool {
	if strings.EqualFold(s, "now") {
		return true
	}
	if len(s) < 3 || len(s) > 11 || s[0] != '+' && s[0] != '-' || !strings.ContainsRune("smhdwSMHDW", rune(s[len(s)-1])) {
		return false
	}
	for _, c := range s[1 : len(s)-1] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func (st *searchStore) match(j *searchJob) []json.RawMessage {
	var out []json.RawMessage
	term := strings.TrimSpace(j.Term)
	for _, ev := range st.events {
		if term != "" && term != "*" && !bytes.Contains(ev, []byte(term)) {
			continue
		}
		if !searchPassFilters(ev, j.Filters) {
			continue
		}
		out = append(out, ev)
		if j.MaxLastEvents != nil && len(out) >= *j.MaxLastEvents {
			break
		}
	}
	return out
}

func searchPassFilters(ev json.RawMessage, filters []searchFilter) bool {
	if len(filters) == 0 {
		return true
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(ev, &m) != nil {
		return false
	}
	for _, f := range filters {
		if f.Disabled {
			continue
		}
		v := string(m[f.Field])
		var s string
		if json.Unmarshal(m[f.Field], &s) == nil {
			v = s
		}
		want := string(f.Value)
		var ws string
		if json.Unmarshal(f.Value, &ws) == nil {
			want = ws
		}
		hit := m[f.Field] != nil && strings.Contains(v, want)
		if hit == f.Excluded {
			return false
		}
	}
	return true
}
