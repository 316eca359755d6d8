package sentinelone

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"

	s1wire "github.com/socgo/xdr/internal/wire/sentinelone"

	"github.com/socgo/xdr/internal/rest"
)

// DeepVisibilityService runs Deep Visibility (S1QL 1.0) queries over the
// endpoint telemetry: POST /dv/init-query starts a query, GET
// /dv/query-status follows it, GET /dv/events (or /dv/events/{type}) reads
// its events and POST /dv/cancel-query stops it. SearchAll does all of it.
//
// Deep Visibility needs the console's Complete SKU. SentinelOne marks these
// endpoints deprecated in favour of its long-running query API; they still
// answer on v2.1 consoles.
type DeepVisibilityService struct{ c *Client }

// DV query bounds.
const (
	// MaxDVLimit is the largest number of events a query may return.
	MaxDVLimit = 100000
	// DefaultDVLimit is the limit sent when DVQuery.Limit is 0.
	DefaultDVLimit = 20000
	// DefaultDVPollInterval is the first wait between two status reads:
	// the console allows one GET /dv/query-status per second per token.
	DefaultDVPollInterval = time.Second
	// DefaultDVMaxPollInterval caps the wait between two status reads.
	DefaultDVMaxPollInterval = 10 * time.Second
	// DefaultDVTimeout bounds a wait for a query to finish.
	DefaultDVTimeout = 10 * time.Minute
)

// DVQuery is a Deep Visibility query: the body of POST /dv/init-query.
type DVQuery struct {
	// Query is the S1QL 1.0 query ("AgentName = \"web-01\" AND
	// ProcessName Contains \"powershell\""). Required.
	Query string
	// From and To bound the events' time (fromDate, toDate). Required.
	From, To time.Time
	// AccountIDs, SiteIDs and GroupIDs narrow the scope (accountIds,
	// siteIds, groupIds); none queries the token's whole scope.
	AccountIDs, SiteIDs, GroupIDs []string
	// Tenant sends "tenant": true (a query over the whole tenant).
	Tenant bool
	// Limit is the most events the query returns, 1..MaxDVLimit; 0 sends
	// DefaultDVLimit. A query whose events reach it may be incomplete:
	// SearchAll then ends with ErrTooManyResults.
	Limit int
	// Verbose asks for every field of the events (isVerbose); by default
	// the console returns its priority fields.
	Verbose bool
}

type dvQueryBody struct {
	Query      string   `json:"query"`
	FromDate   string   `json:"fromDate"`
	ToDate     string   `json:"toDate"`
	Limit      int      `json:"limit"`
	AccountIDs []string `json:"accountIds,omitempty"`
	SiteIDs    []string `json:"siteIds,omitempty"`
	GroupIDs   []string `json:"groupIds,omitempty"`
	Tenant     bool     `json:"tenant,omitempty"`
	IsVerbose  bool     `json:"isVerbose,omitempty"`
}

// checkQuery checks what Deep Visibility queries and PowerQueries share:
// the query text, the time range, the limit (0..max) and the scope lists.
func checkQuery(op, query string, from, to time.Time, limit, maxLimit int, accounts, sites, groups []string) error {
	switch {
	case strings.TrimSpace(query) == "":
		return fmt.Errorf("sentinelone: %s: Query is empty", op)
	case from.IsZero() || to.IsZero():
		return fmt.Errorf("sentinelone: %s: From and To are required", op)
	case to.Before(from):
		return fmt.Errorf("sentinelone: %s: To %s is before From %s", op, FormatTime(to), FormatTime(from))
	case limit < 0 || limit > maxLimit:
		return fmt.Errorf("sentinelone: %s: Limit %d is out of range 0..%d", op, limit, maxLimit)
	}
	_, err := countFilterLists(op, []filterList{{"AccountIDs", accounts}, {"SiteIDs", sites}, {"GroupIDs", groups}})
	return err
}

func (q *DVQuery) body(op string) (*dvQueryBody, error) {
	if err := checkQuery(op, q.Query, q.From, q.To, q.Limit, MaxDVLimit, q.AccountIDs, q.SiteIDs, q.GroupIDs); err != nil {
		return nil, err
	}
	return &dvQueryBody{
		Query: q.Query, FromDate: FormatTime(q.From), ToDate: FormatTime(q.To), Limit: q.limit(),
		AccountIDs: q.AccountIDs, SiteIDs: q.SiteIDs, GroupIDs: q.GroupIDs, Tenant: q.Tenant, IsVerbose: q.Verbose,
	}, nil
}

func (q *DVQuery) limit() int {
	if q.Limit == 0 {
		return DefaultDVLimit
	}
	return q.Limit
}

// Create calls POST /dv/init-query and returns the new query's id. The
// console allows one query start per minute per token (the client's
// default rate limits wait for it). It is not retried on 5xx or network
// errors once sent unless opts.RetrySafe is set: a retry could start a second
// query.
func (s *DeepVisibilityService) Create(ctx context.Context, q DVQuery, opts *ActionOptions) (string, error) {
	const op = "DeepVisibility.Create"
	body, err := q.body(op)
	if err != nil {
		return "", err
	}
	r, err := line(op)(s1wire.NewDvInitQueryRequest())
	if err != nil {
		return "", err
	}
	r.Body, r.RetrySafe = body, opts.retrySafe()
	res, _, err := call[struct {
		QueryID string `json:"queryId"`
	}](ctx, s.c, r)
	if err != nil {
		return "", err
	}
	if res.QueryID == "" {
		return "", fmt.Errorf("sentinelone: %s: the answer has no queryId", op)
	}
	return res.QueryID, nil
}

// checkQueryID refuses an empty query id or one that could not be a query
// parameter value of the API.
func checkQueryID(op, id string) error {
	switch {
	case strings.TrimSpace(id) == "":
		return fmt.Errorf("sentinelone: %s: query id is empty", op)
	case len(id) > 200 || strings.ContainsAny(id, "\r\n\t /?#&"):
		return fmt.Errorf("sentinelone: %s: query id %q is not a query id", op, truncate(id, 100))
	}
	return nil
}

// DVQueryStatus is the answer of GET /dv/query-status.
type DVQueryStatus struct {
	// State is the query's state (responseState).
	State QueryState `json:"responseState"`
	// Progress is the percentage done (progressStatus).
	Progress int `json:"progressStatus"`
	// Error is the console's explanation of a failed query
	// (responseError).
	Error string `json:"responseError"`
	// Warnings is the console's warning text, when any.
	Warnings string `json:"warnings"`
}

// Status calls GET /dv/query-status?queryId= and returns the query's
// state. A state that ended without results is not an error here (see
// Wait).
func (s *DeepVisibilityService) Status(ctx context.Context, queryID string) (*DVQueryStatus, error) {
	if err := checkQueryID("DeepVisibility.Status", queryID); err != nil {
		return nil, err
	}
	r, err := line("DeepVisibility.Status")(s1wire.NewDvQueryStatusRequest(&s1wire.DvQueryStatusParams{QueryId: queryID}))
	if err != nil {
		return nil, err
	}
	st, _, err := call[*DVQueryStatus](ctx, s.c, r)
	if err != nil {
		return nil, err
	}
	if st == nil || st.State == "" {
		return nil, fmt.Errorf("sentinelone: DeepVisibility.Status: query %s: the answer has no responseState", truncate(queryID, 100))
	}
	return st, nil
}

// Cancel calls POST /dv/cancel-query with {"queryId": queryID}, stopping a
// query and freeing the console's resources for it. It is retried on
// 5xx and network errors (canceling twice is harmless).
func (s *DeepVisibilityService) Cancel(ctx context.Context, queryID string) error {
	if err := checkQueryID("DeepVisibility.Cancel", queryID); err != nil {
		return err
	}
	r, err := line("DeepVisibility.Cancel")(s1wire.NewDvCancelQueryRequest())
	if err != nil {
		return err
	}
	r.Body, r.RetrySafe = map[string]string{"queryId": queryID}, true
	_, _, err = call[any](ctx, s.c, r)
	return err
}

// cancelQuietly cancels a query the SDK gives up on, even after ctx is
// done; failures are ignored.
func (s *DeepVisibilityService) cancelQuietly(ctx context.Context, queryID string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	_ = s.Cancel(ctx, queryID)
}

// DVWaitOptions tunes Wait. Nil gives the defaults.
type DVWaitOptions struct {
	// PollInterval is the first wait between two status reads (default
	// DefaultDVPollInterval). Waits grow by half each time up to
	// MaxPollInterval, with ±20 % jitter.
	PollInterval time.Duration
	// MaxPollInterval caps the wait between two reads (default
	// DefaultDVMaxPollInterval).
	MaxPollInterval time.Duration
	// Timeout bounds the whole wait (default DefaultDVTimeout).
	Timeout time.Duration
}

func (o *DVWaitOptions) withDefaults(op string) (DVWaitOptions, error) {
	var w DVWaitOptions
	if o != nil {
		w = *o
	}
	for _, d := range []struct {
		v    *time.Duration
		def  time.Duration
		name string
	}{
		{&w.PollInterval, DefaultDVPollInterval, "PollInterval"},
		{&w.MaxPollInterval, DefaultDVMaxPollInterval, "MaxPollInterval"},
		{&w.Timeout, DefaultDVTimeout, "Timeout"},
	} {
		switch {
		case *d.v < 0:
			return w, fmt.Errorf("sentinelone: %s: %s %s is negative", op, d.name, *d.v)
		case *d.v == 0:
			*d.v = d.def
		}
	}
	w.MaxPollInterval = max(w.MaxPollInterval, w.PollInterval)
	return w, nil
}

// pollQuery calls read until done reports true, waiting between reads as w
// says; it returns what read last returned. After w.Timeout it returns
// timeout(last). ctx ends the wait with ctx's error.
func pollQuery[T any](ctx context.Context, w DVWaitOptions, read func(context.Context) (T, bool, error), timeout func(T) error) (T, error) {
	deadline := time.Now().Add(w.Timeout)
	interval := w.PollInterval
	for {
		v, done, err := read(ctx)
		if err != nil || done {
			return v, err
		}
		left := time.Until(deadline)
		if left <= 0 {
			return v, timeout(v)
		}
		jitter := 0.8 + 0.4*rand.Float64()
		t := time.NewTimer(min(time.Duration(float64(interval)*jitter), left))
		select {
		case <-ctx.Done():
			t.Stop()
			return v, ctx.Err()
		case <-t.C:
		}
		interval = min(interval+interval/2, w.MaxPollInterval)
	}
}

// Wait reads the query's status (GET /dv/query-status) until it ends and
// returns the status of a finished query. A query that failed, timed out,
// was canceled, expired or is unknown gives a *QueryError matching
// ErrQueryFailed, ErrQueryTimedOut, ErrQueryCanceled, ErrQueryExpired or
// ErrQueryNotFound; so does a query still running after opts.Timeout
// (ErrQueryTimedOut). Wait does not cancel the query.
func (s *DeepVisibilityService) Wait(ctx context.Context, queryID string, opts *DVWaitOptions) (*DVQueryStatus, error) {
	const op = "DeepVisibility.Wait"
	if err := checkQueryID(op, queryID); err != nil {
		return nil, err
	}
	w, err := opts.withDefaults(op)
	if err != nil {
		return nil, err
	}
	return pollQuery(ctx, w, func(ctx context.Context) (*DVQueryStatus, bool, error) {
		st, err := s.Status(ctx, queryID)
		if err != nil {
			return nil, false, err
		}
		if kind := st.State.err(); kind != nil {
			return st, false, &QueryError{Op: op, QueryID: queryID, State: st.State, Message: st.Error, kind: kind}
		}
		return st, st.State.Finished(), nil
	}, func(st *DVQueryStatus) error {
		return &QueryError{Op: op, QueryID: queryID, State: st.State, kind: ErrQueryTimedOut}
	})
}

// DVEventType selects the events of one kind, the {type} of
// GET /dv/events/{type}.
type DVEventType string

// The event types of GET /dv/events/{type}.
const (
	DVProcess       DVEventType = "process"
	DVFile          DVEventType = "file"
	DVIP            DVEventType = "ip"
	DVURL           DVEventType = "url"
	DVDNS           DVEventType = "dns"
	DVRegistry      DVEventType = "registry"
	DVScheduledTask DVEventType = "scheduled_task"
	DVIndicators    DVEventType = "indicators"
)

// String returns the type's name ("scheduled task").
func (t DVEventType) String() string { return strings.ReplaceAll(string(t), "_", " ") }

// Valid reports whether t is one of the event types.
func (t DVEventType) Valid() bool {
	switch t {
	case DVProcess, DVFile, DVIP, DVURL, DVDNS, DVRegistry, DVScheduledTask, DVIndicators:
		return true
	}
	return false
}

// DVEventsOptions selects the events of a finished query. Nil reads every
// event, 1000 per page.
type DVEventsOptions struct {
	// Type reads only the events of one type (GET /dv/events/{type});
	// empty reads all (GET /dv/events).
	Type DVEventType
	// Limit is the page size, 1..1000; 0 means 1000.
	Limit int
	// Cursor starts at the page of a previous page's NextCursor.
	Cursor string
	// SubQuery runs an S1QL query over the query's results (subQuery).
	SubQuery string
	// SortBy ("createdAt", "pid", "processStartTime") and SortOrder sort
	// the events.
	SortBy    string
	SortOrder SortOrder
}

// request checks o and builds GET /dv/events, or /dv/events/{type} when
// o has a Type, for the query queryID.
func (o *DVEventsOptions) request(op, queryID string) (rest.Request, error) {
	if err := checkQueryID(op, queryID); err != nil {
		return rest.Request{}, err
	}
	var v DVEventsOptions
	if o != nil {
		v = *o
	}
	if v.Type != "" && !v.Type.Valid() {
		return rest.Request{}, fmt.Errorf("sentinelone: %s: Type %q is not one of process, file, ip, url, dns, registry, scheduled_task, indicators", op, truncate(string(v.Type), 100))
	}
	q := newQuery(op)
	if v.Limit < 0 || v.Limit > MaxLimit {
		q.fail("Limit %d is out of range 0..%d", v.Limit, MaxLimit)
	}
	limit := effectiveLimit(v.Limit)
	sortBy, sortOrder := q.sortParams(v.SortBy, v.SortOrder)
	if q.err != nil {
		return rest.Request{}, q.err
	}
	if v.Type != "" {
		return line(op)(s1wire.NewDvEventsByTypeRequest(s1wire.DvEventsByTypeParamsType(v.Type), &s1wire.DvEventsByTypeParams{
			QueryId: queryID, Limit: &limit, Cursor: strParam(v.Cursor), SubQuery: strParam(v.SubQuery),
			SortBy: (*s1wire.DvEventsByTypeParamsSortBy)(sortBy), SortOrder: (*s1wire.DvEventsByTypeParamsSortOrder)(sortOrder),
		}))
	}
	return line(op)(s1wire.NewDvEventsRequest(&s1wire.DvEventsParams{
		QueryId: queryID, Limit: &limit, Cursor: strParam(v.Cursor), SubQuery: strParam(v.SubQuery),
		SortBy: (*s1wire.DvEventsParamsSortBy)(sortBy), SortOrder: (*s1wire.DvEventsParamsSortOrder)(sortOrder),
	}))
}

// ListEvents calls GET /dv/events (or /dv/events/{type}) with queryId and
// returns one page of a finished query's events.
func (s *DeepVisibilityService) ListEvents(ctx context.Context, queryID string, opts *DVEventsOptions) (*Page[DVEvent], error) {
	r, err := opts.request("DeepVisibility.ListEvents", queryID)
	if err != nil {
		return nil, err
	}
	return getPage[DVEvent](ctx, s.c, r, decodePageDVEvent)
}

// AllEvents calls GET /dv/events (or /dv/events/{type}) page after page,
// following nextCursor, and yields every event of a finished query.
//
// The iterator is lazy and can be run again (each run starts over). opts
// is copied when AllEvents is called and never changed. Every page is fetched
// with the caller's ctx. On error it yields (zero DVEvent, err) once and
// stops; a repeated cursor gives ErrPaginationStalled. Breaking out of the
// loop stops fetching and frees the connection. While the caller works on
// one page the next is fetched.
func (s *DeepVisibilityService) AllEvents(ctx context.Context, queryID string, opts *DVEventsOptions) iter.Seq2[DVEvent, error] {
	r, err := opts.request("DeepVisibility.AllEvents", queryID)
	return allPages(ctx, r, err, func(ctx context.Context, r rest.Request) (*Page[DVEvent], error) {
		return getPage[DVEvent](ctx, s.c, r, decodePageDVEvent)
	})
}

// DVSearchOptions tunes Search and SearchAll. Nil gives the defaults.
type DVSearchOptions struct {
	// Wait tunes the wait for the query to finish.
	Wait DVWaitOptions
	// Events selects which events are read and the page size (its Cursor
	// must be empty).
	Events DVEventsOptions
	// KeepQuery leaves a query that SearchAll did not read to the end
	// (because of an error, a timeout or a break) running; by default it
	// is canceled.
	KeepQuery bool
	// AllowTruncated ends SearchAll without ErrTooManyResults when the
	// events reach the query's limit.
	AllowTruncated bool
	// RetryCreate lets the query start (POST /dv/init-query) be retried
	// on 5xx and network errors.
	RetryCreate bool
}

// Search starts q and waits for it to finish: it is Create then Wait, and
// returns the query id. A query that does not finish is canceled unless
// opts.KeepQuery is set. Read the events with Events.
func (s *DeepVisibilityService) Search(ctx context.Context, q DVQuery, opts *DVSearchOptions) (string, error) {
	var o DVSearchOptions
	if opts != nil {
		o = *opts
	}
	if _, err := o.Wait.withDefaults("DeepVisibility.Search"); err != nil {
		return "", err
	}
	id, err := s.Create(ctx, q, &ActionOptions{RetrySafe: o.RetryCreate})
	if err != nil {
		return "", err
	}
	if _, err := s.Wait(ctx, id, &o.Wait); err != nil {
		if !o.KeepQuery {
			s.cancelQuietly(ctx, id)
		}
		return "", err
	}
	return id, nil
}

// explain turns the 4xx of an events page into a *QueryError when the
// query's state says why (it expired, was canceled...); other errors are
// returned as they are.
func (s *DeepVisibilityService) explain(ctx context.Context, op, queryID string, err error) error {
	var api *APIError
	if !errors.As(err, &api) || api.StatusCode < 400 || api.StatusCode >= 500 || api.StatusCode == http.StatusTooManyRequests ||
		api.StatusCode == http.StatusUnauthorized || ctx.Err() != nil {
		return err
	}
	st, serr := s.Status(ctx, queryID)
	if serr != nil {
		return err
	}
	if kind := st.State.err(); kind != nil {
		return &QueryError{Op: op, QueryID: queryID, State: st.State, Message: st.Error, Err: err, kind: kind}
	}
	return err
}

// SearchAll runs q and yields every matching event: it starts the query
// (POST /dv/init-query), waits for it to finish (GET /dv/query-status)
// and reads its events page by page (GET /dv/events or /dv/events/{type},
// following the cursor). A query it did not read to the end — an error,
// a timeout, a break, ctx done — is canceled (POST /dv/cancel-query)
// unless opts.KeepQuery is set.
//
// When the query returned as many events as its limit, the results may be
// incomplete: after the last event SearchAll yields a *QueryError matching
// ErrTooManyResults, unless opts.AllowTruncated is set. With
// opts.Events.Type or SubQuery, which read only part of the query's
// events, the query's own count is read with one more request (GET
// /dv/events, limit 1) after the last event. A query that
// fails, times out or expires yields a *QueryError (see Wait), also when
// an events page is refused because the query expired meanwhile (the
// *QueryError then wraps the page's *APIError).
//
// The iterator is lazy and re-runnable: each range starts a new query. q
// and opts are copied, never mutated. Every request uses the caller's ctx
// (the cancel of an abandoned query runs even after ctx is done, for 10s
// at most). On error it yields (DVEvent{}, err) once and stops; a break
// stops fetching and frees the connection.
func (s *DeepVisibilityService) SearchAll(ctx context.Context, q DVQuery, opts *DVSearchOptions) iter.Seq2[DVEvent, error] {
	const op = "DeepVisibility.SearchAll"
	var o DVSearchOptions
	if opts != nil {
		o = *opts
	}
	q.AccountIDs = append([]string(nil), q.AccountIDs...)
	q.SiteIDs = append([]string(nil), q.SiteIDs...)
	q.GroupIDs = append([]string(nil), q.GroupIDs...)
	var verr error
	if _, err := q.body(op); err != nil {
		verr = err
	} else if o.Events.Cursor != "" {
		verr = fmt.Errorf("sentinelone: %s: Events.Cursor must be empty", op)
	} else if _, err := o.Events.request(op, "q"); err != nil {
		verr = err
	}
	return func(yield func(DVEvent, error) bool) {
		if verr != nil {
			yield(DVEvent{}, verr)
			return
		}
		id, err := s.Search(ctx, q, &o)
		if err != nil {
			yield(DVEvent{}, err)
			return
		}
		complete := false
		defer func() {
			if !complete && !o.KeepQuery {
				s.cancelQuietly(ctx, id)
			}
		}()
		n := 0
		for ev, err := range s.AllEvents(ctx, id, &o.Events) {
			if err != nil {
				yield(DVEvent{}, s.explain(ctx, op, id, err))
				return
			}
			n++
			if !yield(ev, nil) {
				return
			}
		}
		complete = true
		if o.AllowTruncated {
			return
		}
		total := n
		if o.Events.Type != "" || o.Events.SubQuery != "" {
			// The events read are a part of the query's: its own count
			// is that of an unfiltered page.
			p, err := s.ListEvents(ctx, id, &DVEventsOptions{Limit: 1})
			if err != nil {
				yield(DVEvent{}, fmt.Errorf("sentinelone: %s: counting the query's events to tell whether its limit cut them: %w", op, s.explain(ctx, op, id, err)))
				return
			}
			total = p.Total // -1 when not sent: nothing can be told
		}
		if total >= q.limit() {
			yield(DVEvent{}, &QueryError{Op: op, QueryID: id, State: QueryFinished, Limit: q.limit(), kind: ErrTooManyResults})
		}
	}
}
