package sekoia

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/socgo/xdr/internal/argcheck"
	"github.com/socgo/xdr/internal/idcheck"
	"github.com/socgo/xdr/internal/rest"
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
	q := url.Values{}
	switch o.Window {
	case "":
	case Timeline24h, Timeline14d:
		q.Set("type", string(o.Window))
	default:
		return nil, fmt.Errorf("sekoia: %s: window %q is not 24h or 14d", method, argcheck.Short(string(o.Window)))
	}
	if o.FrameLength < 0 {
		return nil, fmt.Errorf("sekoia: %s: frame length %d is negative", method, o.FrameLength)
	}
	if o.FrameLength > 0 {
		q.Set("frame-length", strconv.Itoa(o.FrameLength))
	}
	var out Timeline
	if _, err := s.c.rest.Do(ctx, rest.Request{Method: http.MethodGet, Path: "/v1/sic/alerts/" + rest.Seg(id) + "/timeline", Query: q}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// HistoryListOptions pages an alert's history.
type HistoryListOptions struct {
	// Limit is the page size: 1..100, 0 for the server default (20; the
	// iterator uses 100).
	Limit  int `url:"limit,omitempty"`
	Offset int `url:"offset,omitempty"`
	// CommunityUUID scopes the request to a community.
	CommunityUUID string `url:"community_uuid,omitempty"`
}

func (o *HistoryListOptions) values(method string, defaultLimit int) (HistoryListOptions, url.Values, error) {
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
	q, err := encodeQuery(method, &h)
	return h, q, err
}

// ListHistory returns one page of the change log of an alert.
//
// ListHistory calls GET /v1/sic/alerts/{uuid}/history.
func (s *AlertsService) ListHistory(ctx context.Context, id string, opts *HistoryListOptions) (*Page[HistoryEntry], error) {
	const method = "Alerts.ListHistory"
	if err := checkAlertID(method, id); err != nil {
		return nil, err
	}
	h, q, err := opts.values(method, 0)
	if err != nil {
		return nil, err
	}
	return getPage[HistoryEntry](ctx, s.c, "/v1/sic/alerts/"+rest.Seg(id)+"/history", q, h.Offset, h.Limit)
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
	h, q, err := opts.values(method, 100)
	if err != nil {
		return errSeq[HistoryEntry](err)
	}
	q.Del("limit")
	q.Del("offset")
	return allPages[HistoryEntry](ctx, s.c, "/v1/sic/alerts/"+rest.Seg(id)+"/history", q, h.Offset, h.Limit)
}
