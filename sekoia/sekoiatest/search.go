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

	"github.com/socgo/xdr/internal/argcheck"
)

// Search-job behaviour of the fake.
//
// A job created with POST /v1/sic/conf/events/search/jobs matches, when
// it is created, the seeded events (AddEvents) whose time lies within its
// earliest_time and latest_time (resolved against the server's clock),
// that match its term (query.go: the fake's subset of the events query
// language; a term it does not understand answers 400) and that pass its
// filters (a "contains" filter looks for the value in the text of the
// field's values; Excluded inverts it; Disabled ignores it), in the order
// they were seeded; seed them most recent first, as the API answers.
// max_last_events keeps the first ones. Results take limit (1..1000,
// default 100) and offset, and earliest_time/latest_time (epoch seconds)
// to keep the events whose time lies between them.
//
// A job is done when it is created, unless SetSearchProgress asks for
// reads in the "not started" (0) and "running" (1) states first: each
// read of the job (GET …/jobs/{uuid}) then moves it along. The results
// are readable at any state. Once done, the job expires after its
// results_ttl (600 s unless changed by PUT) or at once with
// ExpireSearchJob; its results and fields then answer 410 Gone.

const (
	searchDefaultTTL = 600
	searchMaxLimit   = 1000
)

type searchStore struct {
	s *Server

	mu         sync.Mutex
	events     []searchEvent
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
	matched       []searchEvent
}

type searchFilter struct {
	Field    string          `json:"field"`
	Operator string          `json:"operator"`
	Value    json.RawMessage `json:"value"`
	Disabled bool            `json:"disabled"`
	Excluded bool            `json:"excluded"`
}

func newSearchStore(s *Server) *searchStore {
	return &searchStore{s: s, jobs: make(map[string]*searchJob)}
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

// AddEvents seeds events for search jobs. Each must be a JSON object
// with its time in "timestamp" (or "@timestamp"): an RFC 3339 string, or
// ISO 8601 without a zone, taken as UTC. It is returned byte for byte in
// results. Seed the most recent first: results come in the order seeded.
//
// A job keeps the events whose time is within its earliest_time and
// latest_time, bounds included: a relative bound ("-1h", "now", as
// sekoia.Ago and RelativeTime send) is resolved against the server's
// clock (WithClock) when the job is created, an absolute one is taken as
// is. A job's date_field, when set to another field, is read instead
// (dotted, like query fields); an event without it is not matched.
// Events added after a job was created are not in it.
//
// The job's term is parsed in the fake's subset of Sekoia.io's events
// query language: field:value, field:"quoted value", wildcards * and ?,
// /regexp/, field:*, comparisons (:>, :>=, :<, :<=) and ranges ([X TO Y]
// inclusive, {X TO Y} exclusive, [X TO Y} and {X TO Y] mixed) on numbers,
// dates and IP addresses, grouped values (field:(a OR "b c" AND NOT d*),
// the field applied to each term), terms without a field (searched in
// every field), AND, OR, NOT and parentheses; dotted field names resolve
// against nested objects and flat keys; values compare as their JSON
// text, case-sensitively. An empty term or * matches everything. A term
// outside the subset is refused with 400 and a message naming the problem
// (the client returns an *sekoia.APIError), so that a test never passes
// on a query that matches nothing by accident.
//
// The job's filters apply too (a filter matches when the text of one of
// the field's values contains the value; Excluded inverts it, Disabled
// ignores it; "contains" is the only operator); max_last_events keeps the
// first ones. A finished job expires after its results_ttl (600 s,
// changed by PUT) on the server's clock, or at once with ExpireSearchJob:
// its results and fields then answer 410.
func (s *Server) AddEvents(events ...[]byte) error {
	seeded := make([]searchEvent, len(events))
	for i, ev := range events {
		t := bytes.TrimSpace(ev)
		if !json.Valid(t) || len(t) == 0 || t[0] != '{' {
			return fmt.Errorf("sekoiatest: AddEvents: event %d is not a JSON object", i)
		}
		at, ok := searchDefaultTime(t)
		if !ok {
			return fmt.Errorf("sekoiatest: AddEvents: event %d has no \"timestamp\" (nor \"@timestamp\") holding an RFC 3339 time", i)
		}
		seeded[i] = searchEvent{raw: json.RawMessage(bytes.Clone(t)), at: at}
	}
	st := s.search
	st.mu.Lock()
	defer st.mu.Unlock()
	st.events = append(st.events, seeded...)
	return nil
}

// SetSearchProgress sets how many reads of a new job show it not started,
// then running, before it is done. The default, zero and zero, makes jobs
// done when they are created.
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
	now := st.s.nowUTC()
	earliest, okEarliest := searchBound(body.EarliestTime, now)
	latest, okLatest := searchBound(body.LatestTime, now)
	switch {
	case body.Term == nil:
		writeError(w, http.StatusBadRequest, "", "Invalid parameters: term is required")
		return
	case body.TermLang != "" && body.TermLang != "dork" && body.TermLang != "es-query-string":
		writeError(w, http.StatusBadRequest, "", fmt.Sprintf("Invalid parameters: term_lang %q is not dork nor es-query-string", argcheck.Short(body.TermLang)))
		return
	case !okEarliest:
		writeError(w, http.StatusBadRequest, "", "Invalid parameters: earliest_time")
		return
	case !okLatest:
		writeError(w, http.StatusBadRequest, "", "Invalid parameters: latest_time")
		return
	case !latest.After(earliest):
		writeError(w, http.StatusBadRequest, "", "Invalid parameters: latest_time is not after earliest_time")
		return
	case body.MaxLastEvents != nil && *body.MaxLastEvents < 1:
		writeError(w, http.StatusBadRequest, "", "Invalid parameters: max_last_events")
		return
	case body.ResultsTTL != nil && *body.ResultsTTL < 1:
		writeError(w, http.StatusBadRequest, "", "Invalid parameters: results_ttl")
		return
	}
	query, err := parseQuery(*body.Term)
	if err != nil {
		writeError(w, http.StatusBadRequest, "", "Invalid parameters: term: "+err.Error())
		return
	}
	for i, f := range body.Filters {
		if f.Field == "" || f.Operator != "contains" {
			writeError(w, http.StatusBadRequest, "", fmt.Sprintf("Invalid parameters: filters[%d]: the fake supports a field and the operator \"contains\"", i))
			return
		}
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
		CreatedAt:     now,
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
	j.matched = st.match(j, query, earliest, latest)
	st.jobs[j.UUID] = j
	b := j.json()
	st.mu.Unlock()
	searchWriteJSON(w, b)
}

// match returns the seeded events within [earliest, latest] that match
// the query (nil: all) and pass the job's filters, up to max_last_events.
func (st *searchStore) match(j *searchJob, query qnode, earliest, latest time.Time) []searchEvent {
	var out []searchEvent
	customDate := !searchDefaultDateField(j.DateField)
	for _, ev := range st.events {
		var doc any
		decoded := false
		decode := func() any {
			if !decoded {
				doc, _ = decodeEvent(ev.raw)
				decoded = true
			}
			return doc
		}
		at := ev.at
		if customDate {
			var ok bool
			if at, ok = searchDocTime(decode(), *j.DateField); !ok {
				continue
			}
		}
		if at.Before(earliest) || at.After(latest) {
			continue
		}
		if query != nil && !query.match(decode()) {
			continue
		}
		if len(j.Filters) > 0 && !searchPassFilters(decode(), j.Filters) {
			continue
		}
		out = append(out, searchEvent{raw: ev.raw, at: at})
		if j.MaxLastEvents != nil && len(out) >= *j.MaxLastEvents {
			break
		}
	}
	return out
}

// searchPassFilters reports whether a decoded event passes the filters.
func searchPassFilters(doc any, filters []searchFilter) bool {
	for _, f := range filters {
		if f.Disabled {
			continue
		}
		want := string(f.Value)
		var ws string
		if json.Unmarshal(f.Value, &ws) == nil {
			want = ws
		}
		hit := queryResolve(doc, f.Field, func(v any) bool {
			s, ok := queryText(v)
			return ok && strings.Contains(s, want)
		})
		if hit == f.Excluded {
			return false
		}
	}
	return true
}
