package sentinelonetest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// dvEvent is a stored Deep Visibility event.
type dvEvent struct {
	raw []byte
	doc map[string]any
	at  time.Time
}

// dvQuery is a Deep Visibility query and its state machine.
type dvQuery struct {
	id        string
	state     string
	progress  int
	polls     int // status reads left showing RUNNING
	final     string
	errMsg    string
	events    []*dvEvent
	expireAt  int // event pages served before the query expires (0: never)
	pages     int
	cancelled bool
}

// DVPlan says how the next Deep Visibility queries progress.
type DVPlan struct {
	// Polls is the number of status reads that show the query running
	// (RUNNING, with a growing progress) before it ends; default 1.
	Polls int
	// Final is the state the query ends in: "" (FINISHED, or EMPTY_RESULTS
	// when nothing matched), or a failure state such as "FAILED",
	// "FAILED_CLIENT", "TIMED_OUT" or "QUERY_EXPIRED".
	Final string
	// Error is the responseError of a failed query.
	Error string
	// ExpireAfterPages makes the query expire after that many event pages
	// were served: its state becomes QUERY_EXPIRED and the next page
	// answers 400 (0: never).
	ExpireAfterPages int
}

// SetDVPlan sets how the Deep Visibility queries created from now on
// progress (the zero DVPlan is the default).
func (s *Server) SetDVPlan(p DVPlan) {
	s.mu.Lock()
	s.dvPlan = p
	s.mu.Unlock()
}

// AddDVEventJSON adds a Deep Visibility event given as its JSON object. It
// must have a string "id" and a "createdAt". Queries match the events held
// when they are created.
func (s *Server) AddDVEventJSON(raw []byte) error {
	var m map[string]any
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	if err := d.Decode(&m); err != nil {
		return fmt.Errorf("sentinelonetest: AddDVEventJSON: %w", err)
	}
	if str(m["id"]) == "" {
		return fmt.Errorf("sentinelonetest: AddDVEventJSON: event without an id")
	}
	at, ok := parseTime(str(m["createdAt"]))
	if !ok {
		return fmt.Errorf("sentinelonetest: AddDVEventJSON: createdAt %q", str(m["createdAt"]))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dvEvents = append(s.dvEvents, &dvEvent{raw: bytes.Clone(raw), doc: m, at: at})
	slices.SortStableFunc(s.dvEvents, func(a, b *dvEvent) int { return a.at.Compare(b.at) })
	return nil
}

// dvEventTemplate is a synthetic process creation event.
const dvEventTemplate = `{"id":%q,"objectType":"process","eventType":"Process Creation","createdAt":%q,` +
	`"agentId":"1109290742018175361","agentUuid":"ed8f14f1f35b0eca1c1ee31e97aefc71","agentName":%q,` +
	`"agentDomain":"EXAMPLE","agentIp":"192.0.2.7","agentOs":"windows","agentVersion":"23.4.2.14",` +
	`"agentGroupId":"1107851598374945694","agentInfected":false,"agentIsActive":true,"agentIsDecommissioned":false,` +
	`"agentMachineType":"laptop","agentNetworkStatus":"connected","siteName":"Lab","user":"EXAMPLE\\alice",` +
	`"processName":%q,"processCmd":%q,"processImagePath":"C:\\Windows\\System32\\%s","pid":"4242",` +
	`"parentProcessName":"explorer.exe","parentPid":"1000","sha1":"3333333333333333333333333333333333333333"}`

// AddDVEvent adds a synthetic process creation event on host agentName
// for process (its command line cmd) at createdAt, and returns its id.
func (s *Server) AddDVEvent(agentName, process, cmd string, createdAt time.Time) string {
	s.mu.Lock()
	id := s.newIDLocked()
	s.mu.Unlock()
	q := func(v string) string { b, _ := json.Marshal(v); return string(b[1 : len(b)-1]) }
	raw := fmt.Sprintf(dvEventTemplate, id, formatTime(createdAt), agentName, process, cmd, q(process))
	if err := s.AddDVEventJSON([]byte(raw)); err != nil {
		panic(err) // the template is fixed: an error here is a bug of this package
	}
	return id
}

// DVQueryState returns the state of a Deep Visibility query ("" for an
// unknown id) and whether it was canceled through the API.
func (s *Server) DVQueryState(id string) (state string, canceled bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if q, ok := s.dvQueries[id]; ok {
		return q.state, q.cancelled
	}
	return "", false
}

// DVQueryIDs returns the ids of the Deep Visibility queries created, oldest
// first.
func (s *Server) DVQueryIDs() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.dvOrder)
}

// queryBody is the body shared by init-query and PowerQuery.
type queryBody struct {
	Query      string   `json:"query"`
	FromDate   string   `json:"fromDate"`
	ToDate     string   `json:"toDate"`
	Limit      *int     `json:"limit"`
	AccountIDs []string `json:"accountIds"`
	SiteIDs    []string `json:"siteIds"`
	GroupIDs   []string `json:"groupIds"`
	Tenant     *bool    `json:"tenant"`
}

type dvInitBody struct {
	queryBody
	QueryType []string `json:"queryType"`
	IsVerbose *bool    `json:"isVerbose"`
	TimeFrame *string  `json:"timeFrame"`
}

// dvWindow parses the query, time range and limit shared by init-query
// and PowerQuery; it answers 400 itself.
func dvWindow(w http.ResponseWriter, query, from, to string, limit *int, maxDefault int) (cond, time.Time, time.Time, int, bool) {
	f, ok1 := parseTime(from)
	t, ok2 := parseTime(to)
	if !ok1 || !ok2 {
		badParam(w, "fromDate and toDate: ISO 8601 times required")
		return nil, f, t, 0, false
	}
	if t.Before(f) {
		badParam(w, "toDate is before fromDate")
		return nil, f, t, 0, false
	}
	n := maxDefault
	if limit != nil {
		if *limit < 1 || *limit > 100000 {
			badParam(w, "limit: must be in 1..100000")
			return nil, f, t, 0, false
		}
		n = *limit
	}
	c, err := parseS1QL(query)
	if err != nil {
		writeErrors(w, http.StatusBadRequest, 4000010, "Bad parameter given", "query: "+err.Error())
		return nil, f, t, 0, false
	}
	return c, f, t, n, true
}

// matchEvents returns the events in [from, to] matching c (at most limit).
func (s *Server) matchEventsLocked(c cond, from, to time.Time, limit int) []*dvEvent {
	var out []*dvEvent
	for _, ev := range s.dvEvents {
		if ev.at.Before(from) || ev.at.After(to) || !c(ev.doc) {
			continue
		}
		if len(out) == limit {
			break
		}
		out = append(out, ev)
	}
	return out
}

func (s *Server) dvInit(w http.ResponseWriter, r *http.Request) {
	var b dvInitBody
	if !decodeBody(w, r, &b) {
		return
	}
	for _, t := range b.QueryType {
		if t != "events" && t != "processState" {
			badParam(w, "queryType: %q", t)
			return
		}
	}
	c, from, to, limit, ok := dvWindow(w, b.Query, b.FromDate, b.ToDate, b.Limit, 20000)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.dvPlan
	q := &dvQuery{id: "q" + s.newIDLocked(), state: "RUNNING", polls: 1, final: p.Final, errMsg: p.Error, expireAt: p.ExpireAfterPages}
	if p.Polls > 0 {
		q.polls = p.Polls
	}
	q.events = s.matchEventsLocked(c, from, to, limit)
	if q.final == "" {
		q.final = "FINISHED"
		if len(q.events) == 0 {
			q.final = "EMPTY_RESULTS"
		}
	}
	if s.dvQueries == nil {
		s.dvQueries = map[string]*dvQuery{}
	}
	s.dvQueries[q.id] = q
	s.dvOrder = append(s.dvOrder, q.id)
	writeJSON(w, http.StatusOK, map[string]any{"data": map[string]any{"queryId": q.id}})
}

func (s *Server) dvStatus(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("queryId")
	if id == "" {
		badParam(w, "queryId: required")
		return
	}
	s.mu.Lock()
	q, ok := s.dvQueries[id]
	data := map[string]any{"responseState": "QUERY_NOT_FOUND", "progressStatus": 0}
	if ok {
		if q.state == "RUNNING" {
			if q.polls > 0 {
				q.polls--
				q.progress = min(99, q.progress+max(1, 100/(q.polls+2)))
			} else {
				q.state, q.progress = q.final, 100
			}
		}
		data = map[string]any{"responseState": q.state, "progressStatus": q.progress,
			"queryModeInfo": map[string]any{"mode": "scalyr", "lastActivatedAt": nil}}
		if q.errMsg != "" && strings.HasPrefix(q.state, "FAILED") {
			data["responseError"] = q.errMsg
		}
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"data": data})
}

func (s *Server) dvCancel(w http.ResponseWriter, r *http.Request) {
	var b struct {
		QueryID string `json:"queryId"`
	}
	if !decodeBody(w, r, &b) {
		return
	}
	s.mu.Lock()
	q, ok := s.dvQueries[b.QueryID]
	if ok {
		q.cancelled = true
		q.state = "QUERY_CANCELLED"
	}
	s.mu.Unlock()
	if !ok {
		badParam(w, "queryId: unknown query %q", b.QueryID)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": map[string]any{"success": true}})
}

// dvEventTypes maps the {type} of /dv/events/{type} to objectType values.
var dvEventTypes = set("process", "file", "ip", "url", "dns", "registry", "scheduled_task", "indicators")

func (s *Server) dvEventsHandler(w http.ResponseWriter, r *http.Request) {
	typ := r.PathValue("type")
	if typ != "" && !dvEventTypes[typ] {
		writeErrors(w, http.StatusNotFound, 4040010, "Not found", "unknown event type "+typ)
		return
	}
	v := r.URL.Query()
	limit, start := 1000, 0
	for key, vals := range v {
		if len(vals) != 1 {
			badParam(w, "%s: given %d times", key, len(vals))
			return
		}
		val := vals[0]
		switch key {
		case "queryId", "subQuery":
		case "limit":
			n, err := strconv.Atoi(val)
			if err != nil || n < 1 || n > 1000 {
				badParam(w, "limit: must be an integer in 1..1000")
				return
			}
			limit = n
		case "cursor":
			b, err := base64.RawURLEncoding.DecodeString(val)
			n, err2 := strconv.Atoi(strings.TrimPrefix(string(b), "dv:"))
			if err != nil || err2 != nil || !strings.HasPrefix(string(b), "dv:") || n < 0 {
				badParam(w, "cursor: invalid")
				return
			}
			start = n
		case "sortBy":
			if val != "createdAt" {
				badParam(w, "sortBy: the fake sorts by createdAt only")
				return
			}
		case "sortOrder":
			if val != "asc" && val != "desc" {
				badParam(w, "sortOrder: must be asc or desc")
				return
			}
		default:
			badParam(w, "unknown parameter %q", key)
			return
		}
	}
	var sub cond
	if sq := v.Get("subQuery"); sq != "" {
		c, err := parseS1QL(sq)
		if err != nil {
			badParam(w, "subQuery: %v", err)
			return
		}
		sub = c
	}
	s.mu.Lock()
	q, ok := s.dvQueries[v.Get("queryId")]
	var events []*dvEvent
	state := ""
	if ok {
		if q.expireAt > 0 && q.pages >= q.expireAt {
			q.state = "QUERY_EXPIRED"
		}
		state = q.state
		if state == "FINISHED" || state == "EMPTY_RESULTS" {
			q.pages++
			events = q.events
		}
	}
	s.mu.Unlock()
	switch {
	case !ok:
		badParam(w, "queryId: unknown query")
		return
	case state == "QUERY_EXPIRED":
		writeErrors(w, http.StatusBadRequest, 4000010, "Bad parameter given", "query expired")
		return
	case state != "FINISHED" && state != "EMPTY_RESULTS":
		writeErrors(w, http.StatusBadRequest, 4000010, "Bad parameter given", "query is not finished (state "+state+")")
		return
	}
	var sel []*dvEvent
	for _, ev := range events {
		if (typ == "" || str(ev.doc["objectType"]) == typ) && (sub == nil || sub(ev.doc)) {
			sel = append(sel, ev)
		}
	}
	if v.Get("sortOrder") == "desc" {
		sel = slices.Clone(sel)
		slices.Reverse(sel)
	}
	start = min(start, len(sel))
	end := min(start+limit, len(sel))
	var next any
	if end < len(sel) {
		next = base64.RawURLEncoding.EncodeToString([]byte("dv:" + strconv.Itoa(end)))
	}
	var b bytes.Buffer
	b.WriteString(`{"data":[`)
	for i, ev := range sel[start:end] {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(ev.raw)
	}
	nb, _ := json.Marshal(next)
	fmt.Fprintf(&b, `],"pagination":{"nextCursor":%s,"totalItems":%d}}`, nb, len(sel))
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b.Bytes())
}
