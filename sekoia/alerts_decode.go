package sekoia

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	jsonv2 "github.com/go-json-experiment/json"

	"github.com/socgo/xdr/internal/jsonpage"
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

// getAlertPage fetches one page of the alert list at path (GET
// /v1/sic/alerts, as its generated builder writes it) with query q. The body is read whole (a page
// cut on its way is requested again, see rest.Client.Fetch) and decoded in
// one pass straight into the alerts (decodeAlertPage); each alert's Raw is
// a slice of that body (see Alert.Raw).
func getAlertPage(ctx context.Context, c *Client, path string, q url.Values, offset, limit int) (*Page[Alert], uint64, error) {
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

// decodeAlertPage decodes a page body in one pass of the go-json-experiment
// decoder (see internal/jsonpage), straight into the alerts, which share
// body (as Raw) and one backing array. A body that pass declines (an
// "items" key written with escapes or in another case, a key given twice,
// a null item, invalid JSON) is decoded by encoding/json, every alert on
// its own with a copy of its bytes, so results and errors are
// encoding/json's.
func decodeAlertPage(body []byte, limit int) ([]Alert, *int, *bool, error) {
	if items, total, hasMore, ok := decodeAlertPageInPlace(body, limit); ok {
		return items, total, hasMore, nil
	}
	var env envelope[Alert]
	if err := json.Unmarshal(body, &env); err != nil {
		return nil, nil, nil, err
	}
	return env.Items, env.Total, env.HasMore, nil
}

// pageKeys are the members of a list body.
var pageKeys = [...]string{"items", "total", "has_more"}

// decodeAlertPageInPlace is the one pass of decodeAlertPage; false when
// it declines body.
func decodeAlertPageInPlace(body []byte, limit int) (items []Alert, total *int, hasMore *bool, ok bool) {
	dec := jsonpage.NewDecoder(body)
	if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '{' {
		return nil, nil, nil, false
	}
	var seen [len(pageKeys)]bool
	var ws []alertWire
	for dec.PeekKind() == '"' {
		key, escaped, err := jsonpage.Name(dec)
		if err != nil || escaped {
			return nil, nil, nil, false
		}
		k := slices.Index(pageKeys[:], string(key))
		switch k {
		case 0:
			if dec.PeekKind() == 'n' {
				_, err = dec.ReadToken()
				break
			}
			ws = make([]alertWire, 0, max(limit, 1))
			var isArray bool
			isArray, err = jsonpage.Array(dec, func() error {
				if dec.PeekKind() == 'n' {
					return errNullItem // a null alert, left to encoding/json
				}
				ws = append(ws, alertWire{})
				w := &ws[len(ws)-1]
				raw, err := jsonpage.Decode(dec, body, w)
				w.alertFields.Raw = raw
				return err
			})
			if !isArray {
				return nil, nil, nil, false
			}
		case 1:
			err = jsonv2.UnmarshalDecode(dec, &total, jsonpage.V1)
		case 2:
			err = jsonv2.UnmarshalDecode(dec, &hasMore, jsonpage.V1)
		default:
			for _, name := range pageKeys {
				if mayFold(key, name) {
					return nil, nil, nil, false
				}
			}
			err = dec.SkipValue()
		}
		if err != nil || k >= 0 && seen[k] {
			return nil, nil, nil, false // repeated: encoding/json merges them
		}
		if k >= 0 {
			seen[k] = true
		}
	}
	if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '}' {
		return nil, nil, nil, false
	}
	if len(bytes.TrimLeft(body[dec.InputOffset():], " \t\r\n")) > 0 {
		return nil, nil, nil, false // encoding/json refuses data after the body
	}
	if len(ws) > 0 {
		// The alerts are copied out of the wire structs into one slice, and
		// their durations into another, so that the wire structs are not kept.
		items = make([]Alert, len(ws))
		durs := make([]time.Duration, 0, 4*len(ws)) // never grows: the pointers stay valid
		for i := range ws {
			a := &items[i]
			*a = *ws[i].finish(ws[i].alertFields.Raw)
			for _, d := range [...]**time.Duration{&a.TimeToDetect, &a.TimeToAcknowledge, &a.TimeToRespond, &a.TimeToResolve} {
				if *d != nil {
					durs = append(durs, **d)
					*d = &durs[len(durs)-1]
				}
			}
		}
	}
	return items, total, hasMore, true
}

// errNullItem stops the one pass on a null alert.
var errNullItem = errors.New("null alert")

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
