package sekoiatest

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
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

// lookup returns the job of the request, or answers 404.
func (st *searchStore) lookup(w http.ResponseWriter, r *http.Request) *searchJob {
	j, ok := st.jobs[r.PathValue("uuid")]
	if !ok {
		writeError(w, http.StatusNotFound, "", "Unknown event search job")
		return nil
	}
	return j
}

// advance moves a job along on a read.
func (st *searchStore) advance(j *searchJob) {
	if j.Status >= 2 {
		return
	}
	j.Reads++
	now := st.s.nowUTC()
	switch {
	case j.Reads > st.startReads+st.runReads:
		j.Status = 2
		if j.Fail {
			j.Status = 4
		}
		if j.StartedAt.IsZero() {
			j.StartedAt = now
		}
		j.EndedAt = now
	case j.Reads > st.startReads:
		j.Status = 1
		if j.StartedAt.IsZero() {
			j.StartedAt = now
		}
	}
}

func (j *searchJob) expiredNow(now time.Time) bool {
	if j.Expired {
		return true
	}
	if j.Status >= 2 && !j.EndedAt.IsZero() && now.Sub(j.EndedAt) > time.Duration(j.TTL)*time.Second {
		j.Expired = true
	}
	return j.Expired
}

// answerJob runs f, under the store's lock, on the job named by the
// request's path and answers the job as it is then; or answers 404.
func (st *searchStore) answerJob(w http.ResponseWriter, r *http.Request, f func(j *searchJob)) {
	st.mu.Lock()
	j := st.lookup(w, r)
	if j == nil {
		st.mu.Unlock()
		return
	}
	f(j)
	b := j.json()
	st.mu.Unlock()
	searchWriteJSON(w, b)
}

// liveMatches returns the events matched by the job named by the
// request's path and the page asked for (limit 1..searchMaxLimit, default
// 100, and offset); or answers 400, 404, or 410 once the job has expired.
func (st *searchStore) liveMatches(w http.ResponseWriter, r *http.Request) (matched []json.RawMessage, limit, offset int, ok bool) {
	if limit, offset, ok = paging(w, r.URL.Query(), 100, searchMaxLimit); !ok {
		return nil, 0, 0, false
	}
	st.mu.Lock()
	j := st.lookup(w, r)
	if j == nil {
		st.mu.Unlock()
		return nil, 0, 0, false
	}
	if j.expiredNow(st.s.nowUTC()) {
		st.mu.Unlock()
		writeError(w, http.StatusGone, "", "The event search job has expired")
		return nil, 0, 0, false
	}
	matched = j.matched
	st.mu.Unlock()
	return matched, limit, offset, true
}

func (st *searchStore) get(w http.ResponseWriter, r *http.Request) {
	st.answerJob(w, r, func(j *searchJob) {
		st.advance(j)
		j.expiredNow(st.s.nowUTC())
	})
}

func (st *searchStore) update(w http.ResponseWriter, r *http.Request) {
	var body struct {
		ResultsTTL *int64 `json:"results_ttl"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.ResultsTTL == nil || *body.ResultsTTL < 1 {
		writeError(w, http.StatusBadRequest, "", "Invalid parameters: results_ttl")
		return
	}
	st.answerJob(w, r, func(j *searchJob) { j.TTL = *body.ResultsTTL })
}

func (st *searchStore) cancel(w http.ResponseWriter, r *http.Request) {
	st.answerJob(w, r, func(j *searchJob) {
		if j.Status < 2 {
			j.Status = 3
			j.CanceledAt = st.s.nowUTC()
			j.EndedAt = j.CanceledAt
		}
	})
}

func (st *searchStore) results(w http.ResponseWriter, r *http.Request) {
	matched, limit, offset, ok := st.liveMatches(w, r)
	if !ok {
		return
	}
	matched, ok = searchTimeSlice(w, r, matched)
	if !ok {
		return
	}
	end := min(offset+limit, len(matched))
	start := min(offset, end)
	size := 64
	for _, ev := range matched[start:end] {
		size += len(ev) + 1
	}
	b := make([]byte, 0, size)
	b = append(b, `{"items":[`...)
	for i, ev := range matched[start:end] {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, ev...)
	}
	b = append(b, `],"total":`...)
	b = strconv.AppendInt(b, int64(len(matched)), 10)
	b = append(b, '}')
	searchWriteJSON(w, b)
}

// searchTimeSlice keeps the events whose "timestamp" (or "@timestamp")
// lies within the earliest_time and latest_time query parameters (epoch
// seconds), when given.
func searchTimeSlice(w http.ResponseWriter, r *http.Request, events []json.RawMessage) ([]json.RawMessage, bool) {
	q := r.URL.Query()
	bound := func(name string) (float64, bool, bool) {
		v := q.Get(name)
		if v == "" {
			return 0, false, true
		}
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			writeError(w, http.StatusBadRequest, "", "Invalid parameters: "+name)
			return 0, false, false
		}
		return f, true, true
	}
	lo, hasLo, ok := bound("earliest_time")
	if !ok {
		return nil, false
	}
	hi, hasHi, ok := bound("latest_time")
	if !ok {
		return nil, false
	}
	if !hasLo && !hasHi {
		return events, true
	}
	var out []json.RawMessage
	for _, ev := range events {
		var t struct {
			TS  string `json:"timestamp"`
			ATS string `json:"@timestamp"`
		}
		_ = json.Unmarshal(ev, &t)
		ts, err := time.Parse(time.RFC3339Nano, cmp.Or(t.TS, t.ATS))
		if err != nil {
			continue
		}
		sec := float64(ts.UnixNano()) / 1e9
		if hasLo && sec < lo || hasHi && sec > hi {
			continue
		}
		out = append(out, ev)
	}
	return out, true
}

type searchFieldValue struct {
	Name  string  `json:"name"`
	Value float64 `json:"value"`
}

type searchFieldStat struct {
	Name             string             `json:"name"`
	DisplayName      string             `json:"display_name"`
	Description      *string            `json:"description"`
	ValueType        string             `json:"value_type"`
	MostCommonValues []searchFieldValue `json:"most_common_values"`
}

func (st *searchStore) fields(w http.ResponseWriter, r *http.Request) {
	matched, limit, offset, ok := st.liveMatches(w, r)
	if !ok {
		return
	}
	stats := searchFieldStats(matched)
	end := min(offset+limit, len(stats))
	start := min(offset, end)
	b, _ := json.Marshal(map[string]any{"items": stats[start:end], "total": len(stats), "retrieved": len(matched)})
	searchWriteJSON(w, b)
}

// searchFieldStats computes the fields of events, sorted by name, with their five
// most common values.
func searchFieldStats(events []json.RawMessage) []searchFieldStat {
	type acc struct {
		typ    string
		counts map[string]int
	}
	fields := map[string]*acc{}
	for _, ev := range events {
		var m map[string]json.RawMessage
		if json.Unmarshal(ev, &m) != nil {
			continue
		}
		for k, v := range m {
			a := fields[k]
			if a == nil {
				a = &acc{counts: map[string]int{}, typ: searchJSONType(v)}
				fields[k] = a
			}
			text := string(v)
			var s string
			if json.Unmarshal(v, &s) == nil {
				text = s
			}
			a.counts[text]++
		}
	}
	out := make([]searchFieldStat, 0, len(fields))
	for name, a := range fields {
		vals := make([]searchFieldValue, 0, len(a.counts))
		for v, n := range a.counts {
			vals = append(vals, searchFieldValue{Name: v, Value: 100 * float64(n) / float64(len(events))})
		}
		sort.Slice(vals, func(i, k int) bool {
			if vals[i].Value != vals[k].Value {
				return vals[i].Value > vals[k].Value
			}
			return vals[i].Name < vals[k].Name
		})
		if len(vals) > 5 {
			vals = vals[:5]
		}
		out = append(out, searchFieldStat{Name: name, DisplayName: name, ValueType: a.typ, MostCommonValues: vals})
	}
	sort.Slice(out, func(i, k int) bool { return out[i].Name < out[k].Name })
	return out
}

func searchJSONType(v json.RawMessage) string {
	v = bytes.TrimSpace(v)
	if len(v) == 0 {
		return "string"
	}
	switch v[0] {
	case '"':
		return "string"
	case '[':
		return "array"
	case '{':
		return "object"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	}
	return "number"
}

func searchISO(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.Format("2006-01-02T15:04:05.000000Z07:00")
}

// json renders the job as the API does, nulls included.
func (j *searchJob) json() []byte {
	filters := j.Filters
	if filters == nil {
		filters = []searchFilter{}
	}
	var expiration any
	if !j.EndedAt.IsZero() {
		expiration = searchISO(j.EndedAt.Add(time.Duration(j.TTL) * time.Second))
	}
	var canceledBy, canceledByType any
	if !j.CanceledAt.IsZero() {
		canceledBy, canceledByType = searchAvatar, "apikey"
	}
	m := map[string]any{
		"uuid":             j.UUID,
		"status":           j.Status,
		"total":            len(j.matched),
		"retrieved":        len(j.matched),
		"term":             j.Term,
		"term_lang":        j.TermLang,
		"filters":          filters,
		"created_by":       searchAvatar,
		"created_by_type":  "apikey",
		"created_at":       searchISO(j.CreatedAt),
		"started_at":       searchISO(j.StartedAt),
		"canceled_by":      canceledBy,
		"canceled_by_type": canceledByType,
		"canceled_at":      searchISO(j.CanceledAt),
		"ended_at":         searchISO(j.EndedAt),
		"earliest_time":    j.Earliest,
		"latest_time":      j.Latest,
		"results_ttl":      j.TTL,
		"expiration_date":  expiration,
		"expired":          j.Expired,
		"view_uuid":        j.ViewUUID,
		"community_uuids":  j.Communities,
		"only_eternal":     j.OnlyEternal,
		"max_last_events":  j.MaxLastEvents,
		"date_field":       j.DateField,
	}
	if j.Communities == nil {
		m["community_uuids"] = []string{}
	}
	b, _ := json.Marshal(m)
	return b
}

// searchAvatar is the profile the fake reports as the author of jobs.
const searchAvatar = "99671aa8-857f-49be-85b4-bcf1bc4df398"
