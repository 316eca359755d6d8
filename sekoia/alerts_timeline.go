package sekoia

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"time"

	"github.com/socgo/xdr/internal/argcheck"
	"github.com/socgo/xdr/internal/idcheck"
	wire "github.com/socgo/xdr/internal/wire/sekoia"
)

// TimelineWindow is the span of an alert timeline.
type TimelineWindow string

// The timeline spans.
const (
	Timeline24h TimelineWindow = "24h"
	Timeline14d TimelineWindow = "14d"
)

// String returns the span as sent.
func (w TimelineWindow) String() string { return string(w) }

// TimelineOptions selects the timeline Timeline returns.
type TimelineOptions struct {
	// Window is Timeline24h (server default) or Timeline14d.
	Window TimelineWindow
	// FrameLength is the bucket length the API uses (0 = server default).
	FrameLength int
}

// Timeline is the occurrence histogram of an alert.
type Timeline struct {
	Buckets []TimelineBucket `json:"timeline"`
	Frame   TimeFrame        `json:"frame"`
}

// TimeFrame is a span of time.
type TimeFrame struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
}

// UnmarshalJSON decodes a frame, its times in any form.
func (f *TimeFrame) UnmarshalJSON(b []byte) error {
	var aux struct {
		Start isoTime `json:"start"`
		End   isoTime `json:"end"`
	}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	f.Start, f.End = aux.Start.Time, aux.End.Time
	return nil
}

// TimelineBucket counts the occurrences of an alert in a span.
type TimelineBucket struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
	Value int       `json:"value"`
}

// UnmarshalJSON decodes a bucket, its times in any form.
func (t *TimelineBucket) UnmarshalJSON(b []byte) error {
	var aux struct {
		Start isoTime `json:"start"`
		End   isoTime `json:"end"`
		Value int     `json:"value"`
	}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	t.Start, t.End, t.Value = aux.Start.Time, aux.End.Time, aux.Value
	return nil
}

// Timeline returns the occurrence histogram of an alert.
//
// Timeline calls GET /v1/sic/alerts/{uuid}/timeline with type and
// frame-length.
func (s *AlertsService) Timeline(ctx context.Context, id string, opts *TimelineOptions) (*Timeline, error) {
	const method = "Alerts.Timeline"
	if err := checkAlertID(method, id); err != nil {
		return nil, err
	}
	var o TimelineOptions
	if opts != nil {
		o = *opts
	}
	switch o.Window {
	case "", Timeline24h, Timeline14d:
	default:
		return nil, fmt.Errorf("sekoia: %s: window %q is not 24h or 14d", method, argcheck.Short(string(o.Window)))
	}
	if o.FrameLength < 0 {
		return nil, fmt.Errorf("sekoia: %s: frame length %d is negative", method, o.FrameLength)
	}
	r, err := line(method)(wire.NewGetAlertTimelineRequest(id, &wire.GetAlertTimelineParams{
		Type: (*wire.GetAlertTimelineParamsType)(ptr(string(o.Window))), FrameLength: ptr(o.FrameLength),
	}))
	if err != nil {
		return nil, err
	}
	var out Timeline
	if _, err := s.c.rest.Do(ctx, r, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// HistoryListOptions pages an alert's history.
type HistoryListOptions struct {
	// Limit is the page size: 1..100, 0 for the server default (20; the
	// iterator uses 100).
	Limit  int
	Offset int
	// CommunityUUID scopes the request to a community.
	CommunityUUID string
}

// params checks the options and returns them with the default page size,
// and the parameters of GET /v1/sic/alerts/{uuid}/history (paged: with the
// page, else without, for an iterator to page).
func (o *HistoryListOptions) params(method string, defaultLimit int, paged bool) (HistoryListOptions, *wire.ListAlertHistoryParams, error) {
	var h HistoryListOptions
	if o != nil {
		h = *o
	}
	if h.Limit == 0 {
		h.Limit = defaultLimit
	}
	if err := checkPaging(method, h.Limit, h.Offset, 100); err != nil {
		return h, nil, err
	}
	if h.CommunityUUID != "" && !idcheck.IsUUID(h.CommunityUUID) {
		return h, nil, fmt.Errorf("sekoia: %s: CommunityUUID %q is not a UUID", method, argcheck.Short(h.CommunityUUID))
	}
	p := &wire.ListAlertHistoryParams{CommunityUuid: ptr(h.CommunityUUID)}
	if paged {
		p.Limit, p.Offset = ptr(h.Limit), ptr(h.Offset)
	}
	return h, p, nil
}

// ListHistory returns one page of the change log of an alert.
//
// ListHistory calls GET /v1/sic/alerts/{uuid}/history.
func (s *AlertsService) ListHistory(ctx context.Context, id string, opts *HistoryListOptions) (*Page[HistoryEntry], error) {
	const method = "Alerts.ListHistory"
	if err := checkAlertID(method, id); err != nil {
		return nil, err
	}
	h, p, err := opts.params(method, 0, true)
	if err != nil {
		return nil, err
	}
	r, err := line(method)(wire.NewListAlertHistoryRequest(id, p))
	if err != nil {
		return nil, err
	}
	return getPage[HistoryEntry](ctx, s.c, r.Path, r.Query, h.Offset, h.Limit)
}

// AllHistory iterates over the whole change log of an alert. The iterator
// contract is that of All.
//
// AllHistory calls GET /v1/sic/alerts/{uuid}/history once per page.
func (s *AlertsService) AllHistory(ctx context.Context, id string, opts *HistoryListOptions) iter.Seq2[HistoryEntry, error] {
	const method = "Alerts.AllHistory"
	if err := checkAlertID(method, id); err != nil {
		return errSeq[HistoryEntry](err)
	}
	h, p, err := opts.params(method, 100, false)
	if err != nil {
		return errSeq[HistoryEntry](err)
	}
	r, err := line(method)(wire.NewListAlertHistoryRequest(id, p))
	if err != nil {
		return errSeq[HistoryEntry](err)
	}
	return allPages[HistoryEntry](ctx, s.c, r.Path, r.Query, h.Offset, h.Limit)
}
