package sekoiatest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"sort"
	"strconv"
	"time"
)

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
func (st *searchStore) liveMatches(w http.ResponseWriter, r *http.Request) (matched []searchEvent, limit, offset int, ok bool) {
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
		size += len(ev.raw) + 1
	}
	b := make([]byte, 0, size)
	b = append(b, `{"items":[`...)
	for i, ev := range matched[start:end] {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, ev.raw...)
	}
	b = append(b, `],"total":`...)
	b = strconv.AppendInt(b, int64(len(matched)), 10)
	b = append(b, '}')
	searchWriteJSON(w, b)
}

// searchTimeSlice keeps the events whose time (the one the job's range
// was checked against) lies within the earliest_time and latest_time
// query parameters (epoch seconds), when given.
func searchTimeSlice(w http.ResponseWriter, r *http.Request, events []searchEvent) ([]searchEvent, bool) {
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
	var out []searchEvent
	for _, ev := range events {
		sec := float64(ev.at.UnixNano()) / 1e9
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
func searchFieldStats(events []searchEvent) []searchFieldStat {
	type acc struct {
		typ    string
		counts map[string]int
	}
	fields := map[string]*acc{}
	for _, ev := range events {
		var m map[string]json.RawMessage
		if json.Unmarshal(ev.raw, &m) != nil {
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
