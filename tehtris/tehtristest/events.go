package tehtristest

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/socgo/xdr/internal/fakeserver"
	"github.com/socgo/xdr/tehtris"
)

type entry struct {
	id       int64
	t        time.Time
	modified time.Time
	level    int
	raw      []byte
	status   tehtris.EventStatus
}

// Len returns the number of events held.
func (s *Server) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.events)
}

// AddEvents adds events and returns them as the API serves them (with
// Raw). An event without ID gets the next id; one without Time gets the
// time of the server's clock. An event with Raw is served with those bytes (id and time patched
// in when they were assigned); one without is encoded from its fields. An
// event whose id is already held replaces it (as a modification).
// Endpoints of the events are registered, online, for isolation.
func (s *Server) AddEvents(events ...tehtris.Event) []tehtris.Event {
	out := make([]tehtris.Event, 0, len(events))
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, ev := range events {
		assigned := false
		if ev.ID == 0 {
			s.nextID++
			ev.ID = s.nextID
			assigned = true
		} else if ev.ID > s.nextID {
			s.nextID = ev.ID
		}
		if ev.Time.IsZero() {
			ev.Time = s.now()
			assigned = true
		}
		raw, err := encodeEvent(ev, assigned)
		if err != nil {
			// An event that cannot be encoded is stored with its typed
			// fields only.
			ev.Raw = nil
			raw, _ = json.Marshal(ev)
		}
		var dec tehtris.Event
		if err := dec.UnmarshalJSON(raw); err != nil {
			continue
		}
		s.insert(&entry{id: dec.ID, t: dec.Time, modified: s.now(), level: dec.Level, raw: dec.Raw, status: tehtris.StatusPending})
		if dec.AgentUUID != "" {
			s.seen(&dec)
		}
		out = append(out, dec)
	}
	return out
}

func encodeEvent(ev tehtris.Event, patch bool) ([]byte, error) {
	if len(ev.Raw) == 0 {
		return json.Marshal(ev)
	}
	if !patch {
		return append([]byte(nil), ev.Raw...), nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(ev.Raw, &m); err != nil {
		return nil, err
	}
	m["id"] = json.RawMessage(strconv.FormatInt(ev.ID, 10))
	m["time"] = json.RawMessage(`"` + ev.Time.UTC().Format(tehtris.TimeLayout) + `"`)
	return json.Marshal(m)
}

// insert adds e in (time, id) order, replacing an event with the same id.
// s.mu is held.
func (s *Server) insert(e *entry) {
	if old, ok := s.byID[e.id]; ok {
		i := s.index(old)
		s.events = slices.Delete(s.events, i, i+1)
		e.status = old.status
	}
	s.byID[e.id] = e
	n := len(s.events)
	if n == 0 || less(s.events[n-1], e) {
		s.events = append(s.events, e)
		return
	}
	i, _ := slices.BinarySearchFunc(s.events, e, cmpEntry)
	s.events = slices.Insert(s.events, i, e)
}

func (s *Server) index(e *entry) int {
	i, _ := slices.BinarySearchFunc(s.events, e, cmpEntry)
	return i
}

func less(a, b *entry) bool { return cmpEntry(a, b) < 0 }

func cmpEntry(a, b *entry) int {
	if c := a.t.Compare(b.t); c != 0 {
		return c
	}
	switch {
	case a.id < b.id:
		return -1
	case a.id > b.id:
		return 1
	}
	return 0
}

// SeedEvents adds n generated HeuristicAlert events timed by the server's
// clock (many share a second) and returns their ids.
func (s *Server) SeedEvents(n int) []int64 { return s.SeedEventsAt(n, time.Time{}) }

// SeedEventsAt adds n generated events timed at t (zero means the server's
// clock: each event gets its time at its insertion) and returns their ids.
func (s *Server) SeedEventsAt(n int, t time.Time) []int64 {
	ids := make([]int64, 0, max(n, 0))
	s.mu.Lock()
	defer s.mu.Unlock()
	gen := genHost()
	for range n {
		s.nextID++
		id := s.nextID
		et := t
		if et.IsZero() {
			et = s.now()
		}
		et = et.UTC().Truncate(time.Microsecond)
		level := int(id % 10)
		s.insert(&entry{id: id, t: et, modified: s.now(), level: level, raw: genEvent(id, et, level), status: tehtris.StatusPending})
		gen.Time = et
		s.seen(&gen)
		ids = append(ids, id)
	}
	return ids
}

const genUUID = "5c3ff0bc-5101-4152-a330-923e569c9229"

// genEvent returns a HeuristicAlert like the platform's, about 1.2 KB.
func genEvent(id int64, t time.Time, level int) []byte {
	b := make([]byte, 0, 1400)
	b = append(b, `{"rflId":1,"time":"`...)
	b = t.AppendFormat(b, tehtris.TimeLayout)
	b = append(b, `","lvl":`...)
	b = strconv.AppendInt(b, int64(level), 10)
	b = append(b, `,"module":"das","eventName":"HeuristicAlert","ipSrc":"10.1.2.3","ipDst":"10.4.5.6","egKBId":130181011000003,"ppid":14172,"os_architecture__":"x86_64","description":"Suspect spawn tree detected\n─ (EXAMPLE-NT\\doe-j) C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe (14172)\n── (EXAMPLE-NT\\doe-j) C:\\Windows\\System32\\cmd.exe (`...)
	b = strconv.AppendInt(b, id%65536, 10)
	b = append(b, `)\n\nNo remediation taken","os_version__":"10.0.19041","pCreateDatetime":"`...)
	b = t.Add(-13*time.Minute).AppendFormat(b, tehtris.TimeLayout)
	b = append(b, `","path":"C:\\Windows\\System32\\cmd.exe","os_server__":false,"os__":"windows","domain__":"example.org","sha256":"01ba4719c80b6fe911b091a7c05124b64eeece964e09c058ef8f9805daca546b","uuid__":"`+genUUID+`","os_release__":"10","username":"EXAMPLE-NT\\doe-j","cmdline":"C:\\WINDOWS\\system32\\cmd.exe /d /c \"C:\\Users\\doe-j\\AppData\\Local\\Programs\\Example\\program.exe\" --parent-window=0","location":"","hostname__":"MR11111","uid":"`+genUUID+`;windows;MR11111;example.org","tag":"TRI_AAA_WIN","pid":`...)
	b = strconv.AppendInt(b, id%65536, 10)
	b = append(b, `,"id":`...)
	b = strconv.AppendInt(b, id, 10)
	return append(b, '}')
}

// Status returns the status of event id, and whether the event exists.
// New events are "pending".
func (s *Server) Status(id int64) (tehtris.EventStatus, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.byID[id]
	if !ok {
		return "", false
	}
	return e.status, true
}

func (s *Server) listEvents(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit, err := intParam(r, "limit", 100, 1, tehtris.MaxLimit)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	offset, err := intParam(r, "offset", 0, 0, 1<<40)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	const farPast, farFuture = 0, 1 << 40
	from, err := intParam(r, "fromDate", farPast, 0, farFuture)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	to, err := intParam(r, "toDate", farFuture, 0, farFuture)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	eventID, err := intParam(r, "eventId", 0, 1, 1<<62)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	byModified := false
	switch q.Get("createdOrModified") {
	case "", "CREATED":
	case "MODIFIED":
		byModified = true
	default:
		writeError(w, http.StatusBadRequest, "createdOrModified must be CREATED or MODIFIED")
		return
	}
	lo, hi := time.Unix(from, 0), time.Unix(to, 0)

	s.mu.Lock()
	minLvl, maxLvl := 0, 9
	if id := q.Get("filterID"); id != "" {
		var f *Filter
		for _, fe := range s.filters {
			if fe.f.ID == id {
				f = &fe.f
			}
		}
		if f == nil {
			s.mu.Unlock()
			writeError(w, http.StatusNotFound, "filter not found")
			return
		}
		minLvl, maxLvl = f.MinLevel, f.MaxLevel
	}
	match := func(e *entry) bool {
		return e.level >= minLvl && e.level <= maxLvl && (eventID == 0 || e.id == eventID)
	}
	var page []*entry
	if byModified {
		var all []*entry
		for _, e := range s.events {
			if !e.modified.Before(lo) && !e.modified.After(hi) && match(e) {
				all = append(all, e)
			}
		}
		slices.SortFunc(all, func(a, b *entry) int {
			if c := b.modified.Compare(a.modified); c != 0 {
				return c
			}
			return cmpEntry(b, a)
		})
		if offset < int64(len(all)) {
			page = all[offset:min(int64(len(all)), offset+limit)]
		}
	} else {
		// Newest first within [lo, hi].
		start, _ := slices.BinarySearchFunc(s.events, lo, func(e *entry, t time.Time) int { return e.t.Compare(t) })
		end, _ := slices.BinarySearchFunc(s.events, hi, func(e *entry, t time.Time) int {
			if e.t.After(t) {
				return 1
			}
			return -1
		})
		skip := offset
		for i := end - 1; i >= start && int64(len(page)) < limit; i-- {
			e := s.events[i]
			if !match(e) {
				continue
			}
			if skip > 0 {
				skip--
				continue
			}
			page = append(page, e)
		}
	}
	size := 2
	for _, e := range page {
		size += len(e.raw) + 1
	}
	body := make([]byte, 0, size)
	body = append(body, '[')
	for i, e := range page {
		if i > 0 {
			body = append(body, ',')
		}
		body = append(body, e.raw...)
	}
	body = append(body, ']')
	s.mu.Unlock()

	fakeserver.WriteRaw(w, http.StatusOK, "application/json", body)
}

func (s *Server) setStatus(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		writeError(w, http.StatusBadRequest, "id must be a positive integer")
		return
	}
	var body struct {
		Status    *tehtris.EventStatus `json:"status"`
		OldStatus *tehtris.EventStatus `json:"oldStatus"`
	}
	if !decodeBody(w, r, http.StatusBadRequest, &body) {
		return
	}
	if body.Status == nil || !body.Status.Valid() || body.OldStatus != nil && !body.OldStatus.Valid() {
		writeError(w, http.StatusBadRequest, "status must be one of pending, on going, checked, incident, false positive, resolved")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.byID[id]
	if !ok {
		writeError(w, http.StatusNotFound, "event not found")
		return
	}
	if body.OldStatus != nil && *body.OldStatus != e.status {
		writeError(w, http.StatusConflict, "the event's status is "+string(e.status))
		return
	}
	e.status = *body.Status
	e.modified = s.now()
	w.WriteHeader(http.StatusNoContent)
}
