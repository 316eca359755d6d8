package sekoia

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/socgo/xdr/internal/jsonscan"
	"github.com/socgo/xdr/internal/paging"
	"github.com/socgo/xdr/internal/rest"
)

// alertFields is Alert without its methods, so that decoding into it does
// not call Alert.UnmarshalJSON again.
type alertFields Alert

// alertWire is the wire form of an alert. Its own fields take the JSON
// names of the embedded fields whose wire form differs from their Go form
// (encoding/json prefers the shallower field), and finish moves them over.
// The alert itself is the embedded alertFields, so a page of alertWire
// holds its alerts without copying them.
type alertWire struct {
	alertFields
	CreatedAt         epochTime  `json:"created_at"`
	UpdatedAt         epochTime  `json:"updated_at"`
	FirstSeenAt       isoTime    `json:"first_seen_at"`
	LastSeenAt        isoTime    `json:"last_seen_at"`
	TimeToDetect      optSeconds `json:"time_to_detect"`
	TimeToAcknowledge optSeconds `json:"time_to_acknowledge"`
	TimeToRespond     optSeconds `json:"time_to_respond"`
	TimeToResolve     optSeconds `json:"time_to_resolve"`
}

// finish completes the alert decoded into w, with raw as its Raw, and
// returns it. The TimeTo fields point into w.
func (w *alertWire) finish(raw []byte) *Alert {
	a := (*Alert)(&w.alertFields)
	a.CreatedAt, a.UpdatedAt = w.CreatedAt.Time, w.UpdatedAt.Time
	a.FirstSeenAt, a.LastSeenAt = w.FirstSeenAt.Time, w.LastSeenAt.Time
	a.TimeToDetect = w.TimeToDetect.ptr()
	a.TimeToAcknowledge = w.TimeToAcknowledge.ptr()
	a.TimeToRespond = w.TimeToRespond.ptr()
	a.TimeToResolve = w.TimeToResolve.ptr()
	if string(a.STIX) == "null" {
		a.STIX = nil
	}
	if string(a.SimilarityStrategy) == "null" {
		a.SimilarityStrategy = nil
	}
	a.Raw = raw
	return a
}

// optSeconds is a number of seconds that may be null.
type optSeconds struct {
	d   time.Duration
	set bool
}

// UnmarshalJSON implements json.Unmarshaler. encoding/json has validated
// b: it is null or another JSON value, and a number when it starts with a
// digit or a minus sign.
func (s *optSeconds) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*s = optSeconds{}
		return nil
	}
	if len(b) == 0 || b[0] != '-' && (b[0] < '0' || b[0] > '9') {
		var f float64 // not a number: encoding/json words the error
		return json.Unmarshal(b, &f)
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return fmt.Errorf("seconds %s: %w", truncate(b), err)
	}
	*s = optSeconds{d: time.Duration(f * float64(time.Second)), set: true}
	return nil
}

func (s *optSeconds) ptr() *time.Duration {
	if !s.set {
		return nil
	}
	return &s.d
}

// alertPage is the list body of GET /v1/sic/alerts, decoded in one pass.
type alertPage struct {
	Items   []alertWire `json:"items"`
	Total   *int        `json:"total"`
	HasMore *bool       `json:"has_more"`
}

// getAlertPage fetches one page of alerts. The body is read whole (a page
// cut on its way is requested again, see rest.Client.Fetch) and decoded in
// one pass of encoding/json straight into the alerts; each alert's Raw is
// then a slice of that body (see Alert.Raw), found by a scan of the
// already validated bytes (itemRaws).
func getAlertPage(ctx context.Context, c *Client, q url.Values, offset, limit int) (*Page[Alert], uint64, error) {
	const path = "/v1/sic/alerts"
	body, meta, err := c.rest.Fetch(ctx, rest.Request{Method: http.MethodGet, Path: path, Query: q})
	if err != nil {
		return nil, 0, err
	}
	items, total, hasMore, err := decodeAlertPage(body, limit)
	if err != nil {
		return nil, 0, fmt.Errorf("sekoia: GET %s: decode %d response: %w", path, meta.StatusCode, c.rest.WrapError(err))
	}
	return newPage(items, total, hasMore, offset, limit), paging.Fingerprint(body), nil
}

// decodeAlertPage decodes a page body. The alerts share body and one
// backing array. Should the items not be found where encoding/json found
// them (an "items" key written with escapes or in another case, or given
// twice), every alert is decoded on its own with a copy of its bytes.
func decodeAlertPage(body []byte, limit int) ([]Alert, *int, *bool, error) {
	page := alertPage{Items: make([]alertWire, 0, max(limit, 1))}
	if err := json.Unmarshal(body, &page); err != nil {
		return nil, nil, nil, err
	}
	raws, ok := itemRaws(body)
	if ok && len(raws) != len(page.Items) {
		ok = false
	}
	for _, raw := range raws {
		if ok && raw[0] == 'n' {
			ok = false // a null item: decoded by encoding/json below
		}
	}
	if !ok {
		var env envelope[Alert]
		if err := json.Unmarshal(body, &env); err != nil {
			return nil, nil, nil, err
		}
		return env.Items, env.Total, env.HasMore, nil
	}
	if len(page.Items) == 0 {
		return nil, page.Total, page.HasMore, nil
	}
	// The alerts are copied out of the wire structs into one slice, and
	// their durations into another, so that the wire structs are not kept.
	items := make([]Alert, len(page.Items))
	durs := make([]time.Duration, 0, 4*len(page.Items)) // never grows: the pointers stay valid
	for i := range page.Items {
		a := &items[i]
		*a = *page.Items[i].finish(raws[i])
		for _, d := range [...]**time.Duration{&a.TimeToDetect, &a.TimeToAcknowledge, &a.TimeToRespond, &a.TimeToResolve} {
			if *d != nil {
				durs = append(durs, **d)
				*d = &durs[len(durs)-1]
			}
		}
	}
	return items, page.Total, page.HasMore, nil
}

// itemRaws returns the elements of the "items" array of a JSON object
// that encoding/json has validated, as slices of b. It reports false when
// another key may name the same field for encoding/json (escaped,
// non-ASCII or in another case) or "items" is given twice, or when items
// is neither an array nor null.
func itemRaws(b []byte) ([][]byte, bool) {
	if i := jsonscan.SkipSpace(b, 0); i >= len(b) || b[i] != '{' {
		return nil, false
	}
	var raws [][]byte
	seen, ok := false, true
	members(b, func(key, val []byte) bool {
		key = key[1 : len(key)-1]
		switch {
		case string(key) == "items":
			switch {
			case seen:
				ok = false
			case val[0] == '[':
				jsonscan.Elements(val, func(v []byte) bool { raws = append(raws, v); return true })
			case val[0] != 'n':
				ok = false
			}
			seen = true
		case mayFold(key, "items"):
			ok = false
		}
		return ok
	})
	return raws, ok
}

// mayFold reports whether encoding/json could match the raw key k to the
// field name name (ASCII, lower case): k has escapes or non-ASCII bytes,
// or equals name but for case.
func mayFold(k []byte, name string) bool {
	if len(k) != len(name) {
		return bytes.IndexByte(k, '\\') >= 0 || !isASCII(k) && len(k) >= len(name)
	}
	for j, c := range k {
		if c >= 0x80 || c == '\\' {
			return true
		}
		if c|0x20 != name[j] {
			return false
		}
	}
	return true
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}
