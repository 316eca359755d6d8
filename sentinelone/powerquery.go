package sentinelone

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"math"
	"strconv"
	"time"

	s1wire "github.com/socgo/xdr/internal/wire/sentinelone"
)

// PowerQueryService runs PowerQueries: Deep Visibility queries with a
// pipeline ("| columns …", "| group …", "| sort …", "| limit …") whose
// answer is a table. POST /dv/events/pq starts the query and answers with
// its state and, when it finished in time, the table; GET
// /dv/events/pq-ping reads a longer query until it finishes. Run does
// both.
//
// The console keeps a running PowerQuery's results for a short time only:
// a ping long after the start may answer 503 (the results were evicted),
// which surfaces as an *APIError matching ErrServer.
type PowerQueryService struct{ c *Client }

// PowerQuery bounds.
const (
	// MaxPowerQueryLimit is the largest row limit of a PowerQuery.
	MaxPowerQueryLimit = 100000
	// DefaultPowerQueryPollInterval is the first wait between two pings.
	DefaultPowerQueryPollInterval = time.Second
)

// PowerQuery is the body of POST /dv/events/pq.
type PowerQuery struct {
	// Query is the PowerQuery ("event.type = 'Process Creation' |
	// columns endpoint.name, src.process.cmdline | limit 100"). Required.
	Query string
	// From and To bound the events' time (fromDate, toDate). Required.
	From, To time.Time
	// AccountIDs, SiteIDs and GroupIDs narrow the scope.
	AccountIDs, SiteIDs, GroupIDs []string
	// Tenant sends "tenant": true.
	Tenant bool
	// Limit is the most rows, 1..MaxPowerQueryLimit; 0 sends none (the
	// console then keeps 1000 rows and says so in Recommendations).
	Limit int
}

type pqBody struct {
	Query      string   `json:"query"`
	FromDate   string   `json:"fromDate"`
	ToDate     string   `json:"toDate"`
	Limit      int      `json:"limit,omitempty"`
	AccountIDs []string `json:"accountIds,omitempty"`
	SiteIDs    []string `json:"siteIds,omitempty"`
	GroupIDs   []string `json:"groupIds,omitempty"`
	Tenant     bool     `json:"tenant,omitempty"`
}

func (q *PowerQuery) body(op string) (*pqBody, error) {
	if err := checkQuery(op, q.Query, q.From, q.To, q.Limit, MaxPowerQueryLimit, q.AccountIDs, q.SiteIDs, q.GroupIDs); err != nil {
		return nil, err
	}
	return &pqBody{Query: q.Query, FromDate: FormatTime(q.From), ToDate: FormatTime(q.To), Limit: q.Limit,
		AccountIDs: q.AccountIDs, SiteIDs: q.SiteIDs, GroupIDs: q.GroupIDs, Tenant: q.Tenant}, nil
}

// PQColumn is a column of a PowerQuery table.
type PQColumn struct {
	// Name is the column's name, as the query's "columns" command names it.
	Name string `json:"name"`
	// Type is the console's type name ("STRING", "INTEGER", "DOUBLE",
	// "BOOLEAN", "TIMESTAMP"…).
	Type string `json:"type"`
}

// PQResult is the answer of a PowerQuery: its state and, once finished,
// its table. Cells are kept as raw JSON; the PQRow methods convert them.
type PQResult struct {
	// QueryID identifies the query for Ping.
	QueryID string `json:"queryId"`
	// Status is the query's state.
	Status QueryState `json:"status"`
	// Progress is the percentage done.
	Progress int `json:"progress"`
	// Columns name and type the cells of each row.
	Columns []PQColumn `json:"columns"`
	// Data holds the rows, each with one cell per column.
	Data [][]json.RawMessage `json:"data"`
	// Recommendations are the console's hints ("Result set limited to
	// 1000 rows by default…").
	Recommendations []string `json:"recommendations"`

	index map[string]int // set before the result is returned; read only
}

// Len returns the number of rows.
func (r *PQResult) Len() int { return len(r.Data) }

// Column returns the index of the column named name (the first, if two
// share it), or -1.
func (r *PQResult) Column(name string) int {
	if r.index != nil {
		if i, ok := r.index[name]; ok {
			return i
		}
		return -1
	}
	for i, c := range r.Columns {
		if c.Name == name {
			return i
		}
	}
	return -1
}

// buildIndex indexes the columns by name, once, before the result is
// handed out (Column then only reads it, so rows can be read
// concurrently).
func (r *PQResult) buildIndex() {
	r.index = make(map[string]int, len(r.Columns))
	for i, c := range r.Columns {
		if _, dup := r.index[c.Name]; !dup {
			r.index[c.Name] = i
		}
	}
}

// Row returns row i (0 <= i < Len()).
func (r *PQResult) Row(i int) PQRow { return PQRow{r: r, i: i} }

// Rows yields every row.
func (r *PQResult) Rows() iter.Seq[PQRow] {
	return func(yield func(PQRow) bool) {
		for i := range r.Data {
			if !yield(PQRow{r: r, i: i}) {
				return
			}
		}
	}
}

// PQRow is one row of a PowerQuery table. Its accessors take a column
// name and return an error naming the column and row when the column is
// missing or the cell has another type; a null cell is the zero value.
type PQRow struct {
	r *PQResult
	i int
}

// Index returns the row's index.
func (row PQRow) Index() int { return row.i }

// Raw returns the cell of column name as raw JSON, and false if the table
// has no such column.
func (row PQRow) Raw(name string) (json.RawMessage, bool) {
	if row.r == nil {
		return nil, false
	}
	c := row.r.Column(name)
	if c < 0 || row.i < 0 || row.i >= len(row.r.Data) {
		return nil, false
	}
	cells := row.r.Data[row.i]
	if c >= len(cells) {
		return json.RawMessage("null"), true
	}
	return cells[c], true
}

func (row PQRow) cell(name string) (json.RawMessage, error) {
	b, ok := row.Raw(name)
	if !ok {
		return nil, fmt.Errorf("sentinelone: PowerQuery row %d: no column %q", row.i, truncate(name, 100))
	}
	return b, nil
}

func (row PQRow) typeErr(name, want string, b []byte) error {
	return fmt.Errorf("sentinelone: PowerQuery row %d: column %q: %s is not %s", row.i, truncate(name, 100), truncate(string(b), 40), want)
}

// String returns the cell as text: a string as it is, a number or boolean
// as its JSON text, null as "".
func (row PQRow) String(name string) (string, error) {
	b, err := row.cell(name)
	if err != nil {
		return "", err
	}
	switch {
	case string(b) == "null":
		return "", nil
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return "", row.typeErr(name, "a string", b)
		}
		return s, nil
	case len(b) > 0 && (b[0] == '[' || b[0] == '{'):
		return "", row.typeErr(name, "a scalar", b)
	}
	return string(b), nil
}

// Int returns the cell as an integer: a JSON integer or a string of
// digits (large ids are sent as strings).
func (row PQRow) Int(name string) (int64, error) {
	b, err := row.cell(name)
	if err != nil || string(b) == "null" {
		return 0, err
	}
	s := string(bytes.Trim(b, `"`))
	n, perr := strconv.ParseInt(s, 10, 64)
	if perr != nil {
		f, ferr := strconv.ParseFloat(s, 64)
		if ferr != nil || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
			return 0, row.typeErr(name, "an integer", b)
		}
		n = int64(f)
	}
	return n, nil
}

// Float returns the cell as a number (a JSON number or a numeric string).
func (row PQRow) Float(name string) (float64, error) {
	b, err := row.cell(name)
	if err != nil || string(b) == "null" {
		return 0, err
	}
	f, perr := strconv.ParseFloat(string(bytes.Trim(b, `"`)), 64)
	if perr != nil {
		return 0, row.typeErr(name, "a number", b)
	}
	return f, nil
}

// Bool returns the cell as a boolean (true/false, or their strings).
func (row PQRow) Bool(name string) (bool, error) {
	b, err := row.cell(name)
	if err != nil || string(b) == "null" {
		return false, err
	}
	v, perr := strconv.ParseBool(string(bytes.Trim(b, `"`)))
	if perr != nil {
		return false, row.typeErr(name, "a boolean", b)
	}
	return v, nil
}

// Time returns the cell as a time: epoch milliseconds (how PowerQuery
// sends event.time) or an ISO 8601 string.
func (row PQRow) Time(name string) (time.Time, error) {
	b, err := row.cell(name)
	if err != nil {
		return time.Time{}, err
	}
	var t FlexTime
	if len(b) > 0 && b[0] == '"' {
		if s := string(bytes.Trim(b, `"`)); s != "" && isDigits(s) {
			b = []byte(s)
		}
	}
	if t.UnmarshalJSON(b) != nil {
		return time.Time{}, row.typeErr(name, "a time", b)
	}
	return t.Time, nil
}

// Start calls POST /dv/events/pq and returns the query's first answer: a
// finished query carries its table, a running one its QueryID for Ping.
// A query that failed gives a *QueryError. It is not retried on 5xx or
// network errors once sent unless opts.RetrySafe is set.
func (s *PowerQueryService) Start(ctx context.Context, q PowerQuery, opts *ActionOptions) (*PQResult, error) {
	const op = "PowerQuery.Start"
	body, err := q.body(op)
	if err != nil {
		return nil, err
	}
	r, err := line(op)(s1wire.NewPowerQueryRequest())
	if err != nil {
		return nil, err
	}
	r.Body, r.RetrySafe = body, opts.retrySafe()
	res, _, err := call[*PQResult](ctx, s.c, r)
	return checkPQ(op, res, err)
}

// Ping calls GET /dv/events/pq-ping?queryId= and returns the query's
// state, with its table once finished. A query that failed gives a
// *QueryError.
func (s *PowerQueryService) Ping(ctx context.Context, queryID string) (*PQResult, error) {
	const op = "PowerQuery.Ping"
	if err := checkQueryID(op, queryID); err != nil {
		return nil, err
	}
	r, err := line(op)(s1wire.NewPowerQueryPingRequest(&s1wire.PowerQueryPingParams{QueryId: queryID}))
	if err != nil {
		return nil, err
	}
	res, _, err := call[*PQResult](ctx, s.c, r)
	return checkPQ(op, res, err)
}

func checkPQ(op string, res *PQResult, err error) (*PQResult, error) {
	if err != nil {
		return nil, err
	}
	if res == nil || res.QueryID == "" || res.Status == "" {
		return nil, fmt.Errorf("sentinelone: %s: the answer has no queryId or status", op)
	}
	res.buildIndex()
	if kind := res.Status.err(); kind != nil {
		return res, &QueryError{Op: op, QueryID: res.QueryID, State: res.Status, kind: kind}
	}
	return res, nil
}

// Run starts q and pings it until it finishes (POST /dv/events/pq, then
// GET /dv/events/pq-ping), returning the table. opts tunes the pings
// (PollInterval defaults to DefaultPowerQueryPollInterval); a query still
// running after opts.Timeout gives a *QueryError matching
// ErrQueryTimedOut. The start is not retried on 5xx or network errors once
// sent.
//
// Run does not cancel the query on the console when it gives up (a
// timeout, ctx done): no documented call cancels a PowerQuery
// (POST /dv/cancel-query is documented for Deep Visibility queries only),
// so the query runs on until it finishes and the console drops its results
// a short time later. Keep Timeout and the query's time range so that an
// abandoned query is cheap, and narrow the query rather than raise Timeout.
func (s *PowerQueryService) Run(ctx context.Context, q PowerQuery, opts *DVWaitOptions) (*PQResult, error) {
	const op = "PowerQuery.Run"
	w, err := opts.withDefaults(op)
	if err != nil {
		return nil, err
	}
	if opts == nil || opts.PollInterval == 0 {
		w.PollInterval = DefaultPowerQueryPollInterval
	}
	first, err := s.Start(ctx, q, nil)
	if err != nil {
		return nil, err
	}
	if first.Status.Finished() {
		return first, nil
	}
	id := first.QueryID
	started := false
	return pollQuery(ctx, w, func(ctx context.Context) (*PQResult, bool, error) {
		if !started { // the first answer counts as the first read
			started = true
			return first, false, nil
		}
		res, err := s.Ping(ctx, id)
		if err != nil {
			return nil, false, err
		}
		return res, res.Status.Finished(), nil
	}, func(last *PQResult) error {
		return &QueryError{Op: op, QueryID: id, State: last.Status, kind: ErrQueryTimedOut}
	})
}
