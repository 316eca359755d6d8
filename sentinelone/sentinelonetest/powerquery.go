package sentinelonetest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// The fake's PowerQuery runs over the Deep Visibility events: the first
// stage of the pipeline is a filter in the S1QL subset of parseS1QL (with
// PowerQuery's dotted names: src.process.name, endpoint.name,
// event.type…; "event.time = *" matches everything), and the commands
// "columns name = field, …" (or "columns field, …") and "limit N" follow.
// Other commands answer 400. Without "columns" the table has the columns
// eventTime, endpointName, eventType, srcProcessName. event.time is sent
// in epoch milliseconds (INTEGER), as the console does.

// pqQuery is a PowerQuery and its progress.
type pqQuery struct {
	id     string
	pings  int // pings left showing RUNNING
	result map[string]any
}

// SetPowerQueryPings sets how many pings the PowerQueries started from
// now on answer RUNNING before they finish (0, the default, finishes them
// in the answer to POST /dv/events/pq).
func (s *Server) SetPowerQueryPings(n int) {
	s.mu.Lock()
	s.pqPings = n
	s.mu.Unlock()
}

type pqColumn struct{ name, field string }

// parsePQ splits a PowerQuery into its filter and commands.
func parsePQ(q string) (cond, []pqColumn, int, error) {
	stages := splitPipes(q)
	c, err := parseS1QL(stages[0])
	if err != nil {
		return nil, nil, 0, err
	}
	var cols []pqColumn
	limit := -1
	for _, st := range stages[1:] {
		st = strings.TrimSpace(st)
		cmd, rest, _ := strings.Cut(st, " ")
		switch strings.ToLower(cmd) {
		case "columns":
			for _, part := range strings.Split(rest, ",") {
				name, field, ok := strings.Cut(part, "=")
				name, field = strings.TrimSpace(name), strings.TrimSpace(field)
				if !ok {
					field = name
				}
				if !isField(name) || !isField(field) {
					return nil, nil, 0, fmt.Errorf("columns: %q is not name = field", strings.TrimSpace(part))
				}
				cols = append(cols, pqColumn{name, field})
			}
		case "limit":
			n, err := strconv.Atoi(strings.TrimSpace(rest))
			if err != nil || n < 0 {
				return nil, nil, 0, fmt.Errorf("limit: %q is not a count", rest)
			}
			limit = n
		default:
			return nil, nil, 0, fmt.Errorf("command %q is not supported by the fake", cmd)
		}
	}
	if cols == nil {
		cols = []pqColumn{{"eventTime", "event.time"}, {"endpointName", "endpoint.name"}, {"eventType", "event.type"}, {"srcProcessName", "src.process.name"}}
	}
	return c, cols, limit, nil
}

// splitPipes splits q on the | outside quotes.
func splitPipes(q string) []string {
	var out []string
	var quote rune
	start := 0
	for i, c := range q {
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '|':
			out = append(out, q[start:i])
			start = i + 1
		}
	}
	return append(out, q[start:])
}

// cell returns an event's value for a PowerQuery field.
func cell(ev *dvEvent, field string) any {
	if k := strings.ToLower(strings.ReplaceAll(field, ".", "")); k == "eventtime" {
		return ev.at.UnixMilli()
	}
	for name, v := range ev.doc {
		k := strings.ToLower(strings.ReplaceAll(field, ".", ""))
		if a, ok := fieldAliases[k]; ok {
			k = strings.ToLower(a)
		}
		if strings.ToLower(name) == k {
			if n, ok := v.(json.Number); ok {
				if i, err := n.Int64(); err == nil {
					return i
				}
				f, _ := n.Float64()
				return f
			}
			return v
		}
	}
	return nil
}

func typeName(v any) string {
	switch v.(type) {
	case int64:
		return "INTEGER"
	case float64:
		return "DOUBLE"
	case bool:
		return "BOOLEAN"
	}
	return "STRING"
}

func (s *Server) pqStart(w http.ResponseWriter, r *http.Request) {
	var b queryBody
	if !decodeBody(w, r, &b) {
		return
	}
	filter := splitPipes(b.Query)[0]
	if _, _, _, _, ok := dvWindow(w, filter, b.FromDate, b.ToDate, b.Limit, 1000); !ok {
		return
	}
	c, cols, limit, err := parsePQ(b.Query)
	if err != nil {
		writeErrors(w, http.StatusBadRequest, 4000010, "Bad parameter given", "query: "+err.Error())
		return
	}
	from, _ := parseTime(b.FromDate)
	to, _ := parseTime(b.ToDate)
	rowLimit, limited := 1000, true
	if b.Limit != nil {
		rowLimit, limited = *b.Limit, false
	}
	if limit >= 0 {
		rowLimit, limited = min(rowLimit, limit), false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	all := s.matchEventsLocked(c, from, to, len(s.dvEvents))
	rows := [][]any{}
	for _, ev := range all {
		if len(rows) == rowLimit {
			break
		}
		row := make([]any, len(cols))
		for i, col := range cols {
			row[i] = cell(ev, col.field)
		}
		rows = append(rows, row)
	}
	columns := make([]map[string]any, len(cols))
	for i, col := range cols {
		t := "STRING"
		for _, row := range rows {
			if row[i] != nil {
				t = typeName(row[i])
				break
			}
		}
		columns[i] = map[string]any{"name": col.name, "type": t}
	}
	q := &pqQuery{id: "pq" + s.newIDLocked(), pings: s.pqPings}
	q.result = map[string]any{"queryId": q.id, "status": "FINISHED", "progress": 100, "columns": columns, "data": rows, "recommendations": []string{}}
	if limited && len(all) > rowLimit {
		q.result["recommendations"] = []string{`Result set limited to 1000 rows by default. To display more rows, add a command like "| limit 10000".`}
	}
	if s.pqQueries == nil {
		s.pqQueries = map[string]*pqQuery{}
	}
	s.pqQueries[q.id] = q
	writeJSON(w, http.StatusOK, map[string]any{"data": q.answer()})
}

// answer is the query's current answer.
func (q *pqQuery) answer() map[string]any {
	if q.pings > 0 {
		return map[string]any{"queryId": q.id, "status": "RUNNING", "progress": 50, "columns": nil, "data": nil, "recommendations": nil}
	}
	return q.result
}

func (s *Server) pqPing(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("queryId")
	s.mu.Lock()
	q, ok := s.pqQueries[id]
	var a map[string]any
	if ok {
		a = q.answer()
		if q.pings > 0 {
			q.pings--
		}
	}
	s.mu.Unlock()
	if !ok {
		badParam(w, "queryId: unknown PowerQuery %q", id)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": a})
}
