package tehtris

import (
	"context"
	"fmt"
	"iter"
	"strings"
	"time"

	"github.com/socgo/xdr/internal/argcheck"
	"github.com/socgo/xdr/internal/paging"
	"github.com/socgo/xdr/internal/rest"
	wire "github.com/socgo/xdr/internal/wire/tehtris"
)

// Page sizes of GET /xdr/v1/event.
const (
	// MaxLimit is the largest page size the API accepts.
	MaxLimit = 1000
	// DefaultLimit is the page size used when EventQuery.Limit is 0: the
	// maximum, because the API is rate limited per request.
	DefaultLimit = MaxLimit
)

// CreatedOrModified says which time of an event the bounds of an
// EventQuery apply to (the createdOrModified parameter).
type CreatedOrModified string

// The values of CreatedOrModified.
const (
	// ByCreated applies From and To to the event's creation time (the
	// API's default).
	ByCreated CreatedOrModified = "CREATED"
	// ByModified applies From and To to the event's last modification
	// time, for example a status change.
	ByModified CreatedOrModified = "MODIFIED"
)

// String returns the wire value ("CREATED", "MODIFIED").
func (c CreatedOrModified) String() string { return string(c) }

// Valid reports whether c is empty or one of the two values.
func (c CreatedOrModified) Valid() bool { return c == "" || c == ByCreated || c == ByModified }

// EventQuery selects events for List and All. A nil *EventQuery means no
// bounds and the default page size. All copies the query and never
// changes it.
type EventQuery struct {
	// From is the lower bound (the fromDate parameter), sent as Unix
	// seconds: the fraction of a second is dropped, so events from the
	// start of From's second are included. Zero sends no lower bound.
	From time.Time
	// To is the upper bound (toDate), sent as Unix seconds. Zero sends
	// none with List; All sets it to the time the walk starts, so that
	// events arriving during the walk do not shift its pages.
	To time.Time
	// Limit is the page size, 1 to MaxLimit; 0 means DefaultLimit.
	Limit int
	// Offset is the number of events to skip (List), or where All starts.
	Offset int
	// FilterID selects a saved XDR filter (filterID). Empty lets the API
	// use the first filter associated with the API key.
	FilterID string
	// CreatedOrModified says which time From and To apply to; empty lets
	// the API decide (creation time).
	CreatedOrModified CreatedOrModified
}

// check validates q for method (named in errors).
func (q *EventQuery) check(method string) error {
	switch {
	case q.Limit < 0 || q.Limit > MaxLimit:
		return fmt.Errorf("tehtris: %s: limit %d is out of range 1..%d (0 means %d)", method, q.Limit, MaxLimit, DefaultLimit)
	case q.Offset < 0:
		return fmt.Errorf("tehtris: %s: offset %d is negative", method, q.Offset)
	case !q.From.IsZero() && q.From.Unix() < 0:
		return fmt.Errorf("tehtris: %s: from %s is before 1970", method, q.From.Format(time.RFC3339))
	case !q.To.IsZero() && q.To.Unix() < 0:
		return fmt.Errorf("tehtris: %s: to %s is before 1970", method, q.To.Format(time.RFC3339))
	case !q.From.IsZero() && !q.To.IsZero() && q.To.Before(q.From):
		return fmt.Errorf("tehtris: %s: to %s is before from %s", method, q.To.Format(time.RFC3339Nano), q.From.Format(time.RFC3339Nano))
	case q.FilterID != "" && strings.TrimSpace(q.FilterID) != q.FilterID:
		return fmt.Errorf("tehtris: %s: filter id %q has leading or trailing white space", method, argcheck.Short(q.FilterID))
	case !q.CreatedOrModified.Valid():
		return fmt.Errorf("tehtris: %s: createdOrModified %q is not CREATED or MODIFIED", method, argcheck.Short(string(q.CreatedOrModified)))
	}
	return nil
}

func (q *EventQuery) limit() int {
	if q.Limit == 0 {
		return DefaultLimit
	}
	return q.Limit
}

// request builds the request line of the page at offset (GET
// /xdr/v1/event) with the generated wire layer.
func (q *EventQuery) request(offset int) (rest.Request, error) {
	limit := q.limit()
	p := wire.ListEventsParams{Limit: &limit, Offset: &offset}
	if !q.From.IsZero() {
		from := q.From.Unix()
		p.FromDate = &from
	}
	if !q.To.IsZero() {
		to := q.To.Unix()
		p.ToDate = &to
	}
	if q.FilterID != "" {
		p.FilterID = &q.FilterID
	}
	if q.CreatedOrModified != "" {
		p.CreatedOrModified = (*wire.ListEventsParamsCreatedOrModified)(&q.CreatedOrModified)
	}
	return line("Events")(wire.NewListEventsRequest(&p))
}

// EventsService lists events and updates their status. Reach it as
// Client.Events.
type EventsService struct {
	c *Client
}

// List fetches one page of events. It calls GET /xdr/v1/event with
// fromDate and toDate (Unix seconds), limit, offset, filterID and
// createdOrModified from q. The response is a bare JSON array; each
// event keeps its raw JSON.
func (s *EventsService) List(ctx context.Context, q *EventQuery) (*Page[Event], error) {
	var qq EventQuery
	if q != nil {
		qq = *q
	}
	if err := qq.check("Events.List"); err != nil {
		return nil, err
	}
	return s.list(ctx, &qq, qq.Offset)
}

func (s *EventsService) list(ctx context.Context, q *EventQuery, offset int) (*Page[Event], error) {
	w, err := q.request(offset)
	if err != nil {
		return nil, err
	}
	evs, err := s.fetch(ctx, w, q.limit())
	if err != nil {
		return nil, err
	}
	return &Page[Event]{Items: evs, Total: -1, HasMore: len(evs) >= q.limit(), Offset: offset}, nil
}

// fetch gets one page of events. A page whose body is cut mid-way is
// requested again by the REST client, within the retry budget.
func (s *EventsService) fetch(ctx context.Context, w rest.Request, hint int) ([]Event, error) {
	evs, _, err := s.fetchFP(ctx, w, hint)
	return evs, err
}

// fetchFP is fetch that also returns the fingerprint of the body, by which
// All notices a page repeated by a server that ignores the offset.
func (s *EventsService) fetchFP(ctx context.Context, w rest.Request, hint int) ([]Event, uint64, error) {
	body, _, err := s.c.rest.Fetch(ctx, w)
	if err != nil {
		return nil, 0, err
	}
	evs, err := decodeEvents(body, hint)
	if err != nil {
		return nil, 0, fmt.Errorf("tehtris: %s %s: %w", w.Method, w.Path, s.c.rest.WrapError(err))
	}
	return evs, paging.Fingerprint(body), nil
}

// All iterates over every event q selects, page after page, with offset
// paging (GET /xdr/v1/event, as List).
//
// The window is frozen when the iteration starts: when q.To is zero, toDate
// is set to that instant (in whole seconds, so events of the current second
// may be left for a later walk), so that events arriving during the walk
// (which a newest-first order would put on the first page) do not shift the
// pages. The offset advances by the number of events the server returned,
// and the walk ends on the first page shorter than the page size. The next
// page is fetched while the caller works on the current one. All makes no
// assumption about the order of the events (it follows the saved filter)
// and does not de-duplicate: an event the platform inserts into the window
// during the walk can push one already yielded onto the next page. Use the
// Collector to follow new events without loss or duplicates.
//
// Iterator contract: All is lazy (no request before the loop starts) and
// re-runnable (each run sends its own requests and freezes its own
// window); q is copied, never changed; every request uses ctx; on an error
// the iterator yields (Event{}, err) once and stops (with
// ErrPaginationStalled when a page repeats the previous one: a server
// ignoring the offset); breaking out of the
// loop stops fetching, waits for the page in flight and frees its
// connection. A bad q is reported as that single error, before any
// request.
func (s *EventsService) All(ctx context.Context, q *EventQuery) iter.Seq2[Event, error] {
	var qq EventQuery
	if q != nil {
		qq = *q
	}
	err := qq.check("Events.All")
	return func(yield func(Event, error) bool) {
		if err != nil {
			yield(Event{}, err)
			return
		}
		run := qq
		if run.To.IsZero() {
			run.To = time.Now()
		}
		fetch := func(ctx context.Context, offset, limit int) (paging.OffsetPage[Event], error) {
			w, err := run.request(offset)
			if err != nil {
				return paging.OffsetPage[Event]{}, err
			}
			evs, fp, err := s.fetchFP(ctx, w, limit)
			if err != nil {
				return paging.OffsetPage[Event]{}, err
			}
			return paging.OffsetPage[Event]{Items: evs, Total: -1, Advance: len(evs), Fingerprint: fp}, nil
		}
		for ev, err := range paging.Offset(ctx, run.Offset, run.limit(), fetch) {
			if !yield(ev, err) {
				return
			}
		}
	}
}

// ErrEventNotFound is matched (with errors.Is) by the error of Get when
// the API returns no event for the id; it also matches ErrNotFound.
var ErrEventNotFound = fmt.Errorf("tehtris: event not found: %w", ErrNotFound)

// Get fetches one event by id. It calls GET /xdr/v1/event?eventId={id}
// (with offset 0 and limit 1). An id the API does not return gives an
// error matching ErrEventNotFound and ErrNotFound.
func (s *EventsService) Get(ctx context.Context, id int64) (*Event, error) {
	if id <= 0 {
		return nil, fmt.Errorf("tehtris: Events.Get: id %d is not positive", id)
	}
	limit, offset := 1, 0
	w, err := line("Events.Get")(wire.NewListEventsRequest(&wire.ListEventsParams{EventId: &id, Limit: &limit, Offset: &offset}))
	if err != nil {
		return nil, err
	}
	evs, err := s.fetch(ctx, w, 1)
	if err != nil {
		return nil, err
	}
	for i := range evs {
		if evs[i].ID == id {
			return &evs[i], nil
		}
	}
	return nil, fmt.Errorf("tehtris: Events.Get: id %d: %w", id, ErrEventNotFound)
}

// EventStatus is the analyst status of an event.
type EventStatus string

// The event statuses the API accepts.
const (
	StatusPending       EventStatus = "pending"
	StatusOngoing       EventStatus = "on going"
	StatusChecked       EventStatus = "checked"
	StatusIncident      EventStatus = "incident"
	StatusFalsePositive EventStatus = "false positive"
	StatusResolved      EventStatus = "resolved"
)

// String returns the wire value, which is also the name shown in the
// platform ("false positive").
func (s EventStatus) String() string { return string(s) }

// Valid reports whether s is one of the known statuses.
func (s EventStatus) Valid() bool {
	switch s {
	case StatusPending, StatusOngoing, StatusChecked, StatusIncident, StatusFalsePositive, StatusResolved:
		return true
	}
	return false
}

// SetStatusOptions are the optional arguments of SetStatus.
type SetStatusOptions struct {
	// Expect, when set, is sent as oldStatus: an optimistic check that the
	// event's current status is Expect. Empty sends null (no check).
	Expect EventStatus
}

// SetStatus sets the status of event id. It calls
// PUT /xdr/v1/event/status/{id} with {"status": status, "oldStatus": …}
// (oldStatus is opts.Expect, or null).
func (s *EventsService) SetStatus(ctx context.Context, id int64, status EventStatus, opts *SetStatusOptions) error {
	if id <= 0 {
		return fmt.Errorf("tehtris: Events.SetStatus: id %d is not positive", id)
	}
	if !status.Valid() {
		return fmt.Errorf("tehtris: Events.SetStatus: status %q is not one of %s", argcheck.Short(string(status)), statusList())
	}
	body := statusUpdate{Status: status}
	if opts != nil && opts.Expect != "" {
		if !opts.Expect.Valid() {
			return fmt.Errorf("tehtris: Events.SetStatus: expected status %q is not one of %s", argcheck.Short(string(opts.Expect)), statusList())
		}
		old := opts.Expect
		body.OldStatus = &old
	}
	r, err := line("Events.SetStatus")(wire.NewSetEventStatusRequest(id))
	if err != nil {
		return err
	}
	r.Body = body
	_, err = s.c.rest.Do(ctx, r, nil)
	return err
}

func statusList() string {
	return `"pending", "on going", "checked", "incident", "false positive", "resolved"`
}
