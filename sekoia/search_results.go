package sekoia

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"time"

	"github.com/socgo/xdr/internal/paging"
	"github.com/socgo/xdr/internal/rest"
	wire "github.com/socgo/xdr/internal/wire/sekoia"
)

// ResultsOptions selects a slice of a job's events. Nil means every event,
// in pages of DefaultResultsLimit.
type ResultsOptions struct {
	// Limit is the page size, 1..MaxResultsLimit (default 1000).
	Limit int
	// Offset is the index of the first event to read.
	Offset int
	// Earliest and Latest, when set, restrict the results to events in
	// that time range (sent as epoch seconds).
	Earliest, Latest time.Time
}

// request checks the options and builds GET
// /v1/sic/conf/events/search/jobs/{uuid}/events for the page at offset
// with limit.
func (o *ResultsOptions) request(method, uuid string, offset, limit int) (rest.Request, error) {
	if limit < 1 || limit > MaxResultsLimit {
		return rest.Request{}, fmt.Errorf("sekoia: Events.%s: Limit %d is out of range 1..%d", method, limit, MaxResultsLimit)
	}
	if offset < 0 {
		return rest.Request{}, fmt.Errorf("sekoia: Events.%s: Offset %d is negative", method, offset)
	}
	p := wire.GetEventSearchJobEventsParams{Limit: &limit, Offset: &offset}
	if o != nil {
		if !o.Earliest.IsZero() {
			p.EarliestTime = epochSeconds(o.Earliest)
		}
		if !o.Latest.IsZero() {
			p.LatestTime = epochSeconds(o.Latest)
		}
		if !o.Earliest.IsZero() && !o.Latest.IsZero() && !o.Latest.After(o.Earliest) {
			return rest.Request{}, fmt.Errorf("sekoia: Events.%s: Latest %s is not after Earliest %s", method, o.Latest.Format(time.RFC3339), o.Earliest.Format(time.RFC3339))
		}
	}
	return line("Events." + method)(wire.NewGetEventSearchJobEventsRequest(uuid, &p))
}

// epochSeconds returns t in epoch seconds to the millisecond, which the
// wire layer writes without exponent or trailing zeros ("1700000000",
// "1700000000.25").
func epochSeconds(t time.Time) *float64 {
	s := float64(t.UnixMilli()) / 1000
	return &s
}

func (o *ResultsOptions) limitOrDefault() int {
	if o == nil || o.Limit == 0 {
		return DefaultResultsLimit
	}
	return o.Limit
}

// eventPage is the decoded body of a page of results.
type eventPage struct {
	// Events are the page's events, most recent first.
	Events []Event
	// Total is the server's estimate of the number of events.
	Total int64
	// PagingToken is the server's token for the next page, if it sent one;
	// the SDK pages by offset.
	PagingToken string
}

// ListResults returns one page of the job's events, most recent first. It
// calls GET /v1/sic/conf/events/search/jobs/{uuid}/events?limit=&offset=.
// The page's Total is the server's estimate of the number of events of the
// job (or of the requested time range): it is not exact, iterate with
// AllResults rather than counting on it; HasMore reports a full page. A
// job whose results were deleted gives an *APIError matching
// ErrJobExpired.
func (s *EventsService) ListResults(ctx context.Context, uuid string, opts *ResultsOptions) (*Page[Event], error) {
	if err := checkUUID("Events.ListResults", "job uuid", uuid); err != nil {
		return nil, err
	}
	offset := 0
	if opts != nil {
		offset = opts.Offset
	}
	limit := opts.limitOrDefault()
	req, err := opts.request("ListResults", uuid, offset, limit)
	if err != nil {
		return nil, err
	}
	p, _, err := s.fetchEvents(ctx, req)
	if err != nil {
		return nil, err
	}
	page := &Page[Event]{Items: p.Events, Total: int(p.Total), HasMore: len(p.Events) >= limit, Offset: offset}
	if page.Items == nil {
		page.Items = []Event{}
	}
	return page, nil
}

// fetchEvents returns a page of results and the fingerprint of its body.
func (s *EventsService) fetchEvents(ctx context.Context, req rest.Request) (*eventPage, uint64, error) {
	body, meta, err := s.c.rest.Fetch(ctx, req)
	if err != nil {
		return nil, 0, markExpired(err)
	}
	page, err := decodeEventPage(body)
	if err != nil {
		return nil, 0, fmt.Errorf("sekoia: GET %s: decode %d response: %w", req.Path, meta.StatusCode, s.c.rest.WrapError(err))
	}
	return page, paging.Fingerprint(body), nil
}

// markExpired makes sure a 410 matches ErrJobExpired.
func markExpired(err error) error {
	var ae *APIError
	if errors.As(err, &ae) && ae.StatusCode == http.StatusGone && !errors.Is(err, ErrJobExpired) {
		ae.Sentinels = append(ae.Sentinels, ErrJobExpired)
	}
	return err
}

// AllResults iterates over the job's events, most recent first, reading pages
// of opts.Limit events (default 1000) from opts.Offset. It calls
// GET /v1/sic/conf/events/search/jobs/{uuid}/events?limit=&offset= for each
// page and stops on a short page (the server's total is only an
// estimate). Results of a job that is still running are those found so
// far: Wait first for the complete set. An expired job yields an
// *APIError matching ErrJobExpired.
//
// The iterator is lazy and re-runnable: nothing is sent until it is
// ranged over, and each range starts again from opts.Offset. opts is
// copied, never mutated. Every page is requested with the caller's ctx,
// and the next page is fetched while the caller works on the current one.
// On error it yields (Event{}, err) once and stops; a break stops fetching
// and frees the connection. Bad options are reported as the first yield.
func (s *EventsService) AllResults(ctx context.Context, uuid string, opts *ResultsOptions) iter.Seq2[Event, error] {
	var o ResultsOptions
	if opts != nil {
		o = *opts
	}
	limit := o.limitOrDefault()
	_, verr := o.request("AllResults", uuid, o.Offset, limit)
	if verr == nil {
		verr = checkUUID("Events.AllResults", "job uuid", uuid)
	}
	if verr != nil {
		return errSeq[Event](verr)
	}
	return paging.Offset(ctx, o.Offset, limit, func(ctx context.Context, offset, limit int) (paging.OffsetPage[Event], error) {
		req, err := o.request("AllResults", uuid, offset, limit)
		if err != nil {
			return paging.OffsetPage[Event]{}, err
		}
		p, fp, err := s.fetchEvents(ctx, req)
		if err != nil {
			return paging.OffsetPage[Event]{}, err
		}
		return paging.OffsetPage[Event]{Items: p.Events, Total: -1, Fingerprint: fp}, nil
	})
}

// SearchOptions tunes Search and SearchAll. Nil gives the defaults.
type SearchOptions struct {
	// Wait tunes the wait for the job to finish.
	Wait WaitOptions
	// Limit is the page size of the results, 1..MaxResultsLimit (default
	// 1000).
	Limit int
	// KeepJob leaves a job that SearchAll did not see to completion
	// (because of an error, a timeout or a break) running; by default it is
	// canceled.
	KeepJob bool
	// OnJob, when set, is called by SearchAll with the finished job before
	// its first event: keep its UUID to read Fields, Field or the results
	// again once the loop is done (a finished job is kept until its
	// ResultsTTL runs out).
	OnJob func(job *SearchJob)
}

// Search creates a job for q and waits for it to finish: it is Create then
// Wait. The finished job's events are read with AllResults or ListResults.
func (s *EventsService) Search(ctx context.Context, q SearchQuery, opts *SearchOptions) (*SearchJob, error) {
	var o SearchOptions
	if opts != nil {
		o = *opts
	}
	job, err := s.Create(ctx, q)
	if err != nil {
		return nil, err
	}
	done, err := s.Wait(ctx, job.UUID, &o.Wait)
	if err != nil {
		if !o.KeepJob {
			s.cancelQuietly(ctx, job.UUID)
		}
		return nil, err
	}
	return done, nil
}

// cancelQuietly cancels a job the SDK gives up on, so that it does not use
// the workspace's search capacity; failures are ignored.
func (s *EventsService) cancelQuietly(ctx context.Context, uuid string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	_, _ = s.Cancel(ctx, uuid)
}

// SearchAll runs q and iterates over every matching event: it creates the
// job, waits for it to finish and reads its results page by page (see
// Create, Wait and AllResults for the requests). A job that could not be seen
// to completion is canceled unless opts.KeepJob is set.
//
// The iterator is lazy and re-runnable: each range creates a new job. q
// and opts are copied, never mutated. Every request uses the caller's ctx.
// On error it yields (Event{}, err) once and stops; a break stops fetching
// and frees the connection.
func (s *EventsService) SearchAll(ctx context.Context, q SearchQuery, opts *SearchOptions) iter.Seq2[Event, error] {
	var o SearchOptions
	if opts != nil {
		o = *opts
	}
	q.Filters = append([]SearchFilter(nil), q.Filters...)
	q.CommunityUUIDs = append([]string(nil), q.CommunityUUIDs...)
	return func(yield func(Event, error) bool) {
		job, err := s.Search(ctx, q, &o)
		if err != nil {
			yield(Event{}, err)
			return
		}
		if o.OnJob != nil {
			o.OnJob(job)
		}
		for ev, err := range s.AllResults(ctx, job.UUID, &ResultsOptions{Limit: o.Limit}) {
			if !yield(ev, err) || err != nil {
				return
			}
		}
	}
}
