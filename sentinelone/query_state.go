package sentinelone

import (
	"errors"
	"fmt"
	"strings"
)

// QueryState is the state of a Deep Visibility query (responseState of
// GET /dv/query-status) or of a PowerQuery ("status" of POST /dv/events/pq
// and GET /dv/events/pq-ping).
//
// The API documents more names than it explains; the SDK sorts them into
// running, finished and ended-without-results. A state it does not know is
// taken as still running, so a new intermediate state does not break a
// wait (which its timeout still bounds).
type QueryState string

// The query states of the API documentation.
const (
	QueryPlanning       QueryState = "PLANNING"
	QueryRunning        QueryState = "RUNNING"
	QueryQueryRunning   QueryState = "QUERY_RUNNING"
	QueryProcessRunning QueryState = "PROCESS_RUNNING"
	QueryEventsRunning  QueryState = "EVENTS_RUNNING"
	// QueryFinished: the results can be read.
	QueryFinished QueryState = "FINISHED"
	// QueryEmptyResults: finished without any match.
	QueryEmptyResults QueryState = "EMPTY_RESULTS"
	// QueryFailed and QueryFailedClient: the console could not run the
	// query (responseError says why; FAILED_CLIENT points at the query
	// itself). QueryErrored is a further failure name of the schema.
	QueryFailed       QueryState = "FAILED"
	QueryFailedClient QueryState = "FAILED_CLIENT"
	QueryErrored      QueryState = "ERROR"
	// QueryTimedOut: the console stopped a query that ran too long.
	QueryTimedOut QueryState = "TIMED_OUT"
	// QueryCancelled and QueryCancel: canceled (by cancel-query or in the
	// console); both spellings are documented.
	QueryCancelled QueryState = "QUERY_CANCELLED"
	QueryCancel    QueryState = "QUERY_CANCEL"
	// QueryExpired: the results are no longer kept.
	QueryExpired QueryState = "QUERY_EXPIRED"
	// QueryNotFound: the console does not know the query id.
	QueryNotFound QueryState = "QUERY_NOT_FOUND"
)

// String returns the human name ("events running", "failed").
func (s QueryState) String() string {
	return strings.ReplaceAll(strings.ToLower(string(s)), "_", " ")
}

// Finished reports whether the results can be read (FINISHED or
// EMPTY_RESULTS).
func (s QueryState) Finished() bool { return s == QueryFinished || s == QueryEmptyResults }

// Ended reports whether the query will not change state any more: finished,
// failed, timed out, canceled, expired or not found.
func (s QueryState) Ended() bool { return s.Finished() || s.err() != nil }

// err is the sentinel of a state that ended without results, or nil.
func (s QueryState) err() error {
	switch s {
	case QueryFailed, QueryFailedClient, QueryErrored:
		return ErrQueryFailed
	case QueryTimedOut:
		return ErrQueryTimedOut
	case QueryCancelled, QueryCancel:
		return ErrQueryCanceled
	case QueryExpired:
		return ErrQueryExpired
	case QueryNotFound:
		return ErrQueryNotFound
	}
	return nil
}

// Sentinels of Deep Visibility and PowerQuery queries, matched by a
// *QueryError with errors.Is.
var (
	// ErrQueryFailed: the console could not run the query (FAILED,
	// FAILED_CLIENT, ERROR).
	ErrQueryFailed = errors.New("sentinelone: query failed")
	// ErrQueryTimedOut: the console stopped the query (TIMED_OUT), or the
	// wait's own Timeout passed first.
	ErrQueryTimedOut = errors.New("sentinelone: query timed out")
	// ErrQueryCanceled: the query was canceled.
	ErrQueryCanceled = errors.New("sentinelone: query canceled")
	// ErrQueryExpired: the query's results are no longer kept.
	ErrQueryExpired = errors.New("sentinelone: query expired")
	// ErrQueryNotFound: the console does not know the query id.
	ErrQueryNotFound = errors.New("sentinelone: query not found")
	// ErrTooManyResults: the query returned as many events as its limit
	// allows, so the console may have left matches out. Narrow the query
	// (time range, scope, conditions) or raise DVQuery.Limit.
	ErrTooManyResults = errors.New("sentinelone: query results reached the limit")
)

// QueryError is the error of a query that ended without results, that did
// not finish within the wait's timeout, or whose results reached its
// limit. errors.Is matches one of the ErrQueryXxx sentinels, or
// ErrTooManyResults.
type QueryError struct {
	// Op names the call ("DeepVisibility.Wait").
	Op string
	// QueryID is the query's id.
	QueryID string
	// State is the last state read.
	State QueryState
	// Message is the console's responseError, when it sent one.
	Message string
	// Limit is the limit reached, for ErrTooManyResults.
	Limit int
	// Err is the error of the request that revealed the state (the
	// *APIError of an events page refused because the query expired), or
	// nil.
	Err error

	kind error
}

// Error names the call, the query and what happened.
func (e *QueryError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "sentinelone: %s: query %s: ", e.Op, truncate(e.QueryID, 100))
	switch {
	case e.kind == ErrTooManyResults:
		fmt.Fprintf(&b, "the results reached the limit of %d events; matches may be missing (narrow the query or raise Limit)", e.Limit)
	case e.kind == ErrQueryTimedOut && !e.State.Ended():
		fmt.Fprintf(&b, "not finished within the wait's timeout (state %s)", e.State)
	default:
		fmt.Fprintf(&b, "%s", e.State)
	}
	if e.Message != "" {
		fmt.Fprintf(&b, ": %s", truncate(e.Message, 200))
	}
	if e.Err != nil {
		fmt.Fprintf(&b, " (%v)", e.Err)
	}
	return b.String()
}

// Unwrap returns Err.
func (e *QueryError) Unwrap() error { return e.Err }

// Is matches the sentinel of the error's kind.
func (e *QueryError) Is(target error) bool { return target == e.kind }
