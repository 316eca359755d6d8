package sekoia

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"math"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/socgo/xdr/internal/argcheck"
	"github.com/socgo/xdr/internal/idcheck"
	"github.com/socgo/xdr/internal/paging"
	"github.com/socgo/xdr/internal/rest"
)

// Page is one page of a list, the result of every List call: its items,
// the total the server counted, whether more items follow and the offset
// it was read at. The items are values, decoded into one slice per page;
// an All iterator yields them one by one (see the package doc, "Lists").
type Page[T any] struct {
	// Items are the items of the page, in server order.
	Items []T
	// Total is the number of matching items the server reports, or -1 when
	// it did not count them (alerts listed with WithCount false, search
	// results).
	Total int
	// HasMore reports whether another page follows, at NextOffset: the
	// server's has_more when it sends one, else whether offset+len(Items)
	// is below Total, else whether the page was full.
	HasMore bool
	// Offset is the offset the page was read at.
	Offset int
}

// NextOffset returns the offset of the following page.
func (p *Page[T]) NextOffset() int { return p.Offset + len(p.Items) }

// Direction is a sort direction.
type Direction string

// The sort directions.
const (
	Ascending  Direction = "asc"
	Descending Direction = "desc"
)

// String returns "asc" or "desc".
func (d Direction) String() string { return string(d) }

func (d Direction) check(method string) error {
	if d != "" && d != Ascending && d != Descending {
		return fmt.Errorf("sekoia: %s: direction %q is not asc or desc", method, argcheck.Short(string(d)))
	}
	return nil
}

// TimeRange is a date[...] filter: the items whose time lies between From
// and To. It is sent as "<from>,<to>" in RFC 3339 (UTC, milliseconds); a
// zero To is sent as "now", the API's open end.
type TimeRange struct {
	From time.Time
	To   time.Time
}

// Since returns the range from t to now.
func Since(t time.Time) *TimeRange { return &TimeRange{From: t} }

// Between returns the range from..to.
func Between(from, to time.Time) *TimeRange { return &TimeRange{From: from, To: to} }

const rangeLayout = "2006-01-02T15:04:05.000Z07:00"

// String renders the range as it is sent.
func (r TimeRange) String() string {
	to := "now"
	if !r.To.IsZero() {
		to = r.To.UTC().Format(rangeLayout)
	}
	return r.From.UTC().Format(rangeLayout) + "," + to
}

func (r TimeRange) check() error {
	switch {
	case r.From.IsZero():
		return fmt.Errorf("time range: From is zero")
	case !r.To.IsZero() && r.To.Before(r.From):
		return fmt.Errorf("time range: To %s is before From %s", r.To.UTC().Format(time.RFC3339), r.From.UTC().Format(time.RFC3339))
	case r.From.Year() < 1 || r.From.Year() > 9999 || r.To.Year() > 9999:
		return fmt.Errorf("time range: year out of range")
	}
	return nil
}

// EncodeValues implements the query.Encoder of
// github.com/google/go-querystring (a query struct given to Client.Do).
func (r TimeRange) EncodeValues(key string, v *url.Values) error {
	if err := r.check(); err != nil {
		return fmt.Errorf("%s: %w", key, err)
	}
	v.Set(key, r.String())
	return nil
}

// IntRange is a range[...] filter: Min <= value <= Max, sent as "min,max".
// A zero Max with a positive Min is an open upper end ("Min or more", as
// IntRange{Min: 70}); AtLeast and AtMost build open ranges. The values
// filtered (urgency, similar) are never negative, so Min 0 is an open
// lower end.
type IntRange struct {
	Min, Max int
}

// rangeTop is the upper end sent for an open range.
const rangeTop = math.MaxInt32

// AtLeast returns the range of the values n or more.
func AtLeast(n int) *IntRange { return &IntRange{Min: n, Max: rangeTop} }

// AtMost returns the range of the values n or less.
func AtMost(n int) *IntRange { return &IntRange{Min: 0, Max: n} }

// Bool returns a pointer to v, for the *bool options (Visible, WithCount …).
func Bool(v bool) *bool { return &v }

// EncodeValues implements the query.Encoder of
// github.com/google/go-querystring (a query struct given to Client.Do).
func (r IntRange) EncodeValues(key string, v *url.Values) error {
	hi := r.Max
	if hi == 0 && r.Min > 0 {
		hi = rangeTop
	}
	if hi < r.Min {
		return fmt.Errorf("%s: max %d is below min %d", key, r.Max, r.Min)
	}
	v.Set(key, strconv.Itoa(r.Min)+","+strconv.Itoa(hi))
	return nil
}

// checkLists walks the []string (and string-kinded slice) fields of a
// struct, recursing into nested structs, and refuses empty values, values
// with a comma and values that are not valid UTF-8.
func checkLists(method string, v reflect.Value) error {
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return nil
	}
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		fv := v.Field(i)
		switch {
		case fv.Kind() == reflect.Slice && fv.Type().Elem().Kind() == reflect.String:
			for j := range fv.Len() {
				s := fv.Index(j).String()
				if s == "" || strings.Contains(s, ",") {
					return fmt.Errorf("sekoia: %s: %s[%d] %q: values must be non-empty and hold no comma", method, f.Name, j, argcheck.Short(s))
				}
				if !utf8.ValidString(s) {
					// The deepObject parameters are serialised through JSON,
					// which would replace the bytes that are not UTF-8.
					return fmt.Errorf("sekoia: %s: %s[%d] %q is not valid UTF-8", method, f.Name, j, argcheck.Short(s))
				}
			}
		case fv.Kind() == reflect.Struct && f.Type != reflect.TypeOf(time.Time{}),
			fv.Kind() == reflect.Pointer && fv.Type().Elem().Kind() == reflect.Struct:
			if err := checkLists(method, fv); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkList checks the page (limit 0 or 1..100, offset) and the sort
// direction of a list.
func checkList(method string, limit, offset int, dir Direction) error {
	if err := checkPaging(method, limit, offset, 100); err != nil {
		return err
	}
	return dir.check(method)
}

// checkPaging validates a page size (0 = server default, else 1..max) and
// an offset.
func checkPaging(method string, limit, offset, maxLimit int) error {
	if limit < 0 || limit > maxLimit {
		return fmt.Errorf("sekoia: %s: limit %d is out of range 1..%d", method, limit, maxLimit)
	}
	if offset < 0 {
		return fmt.Errorf("sekoia: %s: offset %d is negative", method, offset)
	}
	return nil
}

// isShortID reports whether s is a short id with the given prefix ("AL"
// for alerts, "KC" for kill-chain stages): the prefix then 4 to 62 ASCII
// letters or digits.
func isShortID(s, prefix string) bool {
	if !strings.HasPrefix(s, prefix) || len(s) < len(prefix)+4 || len(s) > 64 {
		return false
	}
	for i := len(prefix); i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return false
		}
	}
	return true
}

func checkUUID(method, arg, s string) error {
	if !idcheck.IsUUID(s) {
		return fmt.Errorf("sekoia: %s: %s %q is not a UUID", method, arg, argcheck.Short(s))
	}
	return nil
}

func checkAlertID(method, id string) error {
	if !idcheck.IsUUID(id) && !isShortID(id, "AL") {
		return fmt.Errorf("sekoia: %s: id %q is not a UUID or short id", method, argcheck.Short(id))
	}
	return nil
}

// envelope is the list body of the Sekoia services.
type envelope[T any] struct {
	Items   []T   `json:"items"`
	Total   *int  `json:"total"`
	HasMore *bool `json:"has_more"`
}

// getPage fetches one page of a list at path with query q (offset and
// limit already in q when set).
func getPage[T any](ctx context.Context, c *Client, path string, q url.Values, offset, limit int) (*Page[T], error) {
	p, _, err := getPageFP[T](ctx, c, path, q, offset, limit)
	return p, err
}

// getPageFP is getPage that also returns the fingerprint of the body, by
// which an iterator notices a page repeated by a server that ignores the
// offset.
func getPageFP[T any](ctx context.Context, c *Client, path string, q url.Values, offset, limit int) (*Page[T], uint64, error) {
	r := rest.Request{Method: http.MethodGet, Path: path, Query: q}
	body, meta, err := c.rest.Fetch(ctx, r)
	if err != nil {
		return nil, 0, err
	}
	var env envelope[T]
	if err := json.Unmarshal(body, &env); err != nil {
		return nil, 0, fmt.Errorf("sekoia: GET %s: decode %d response: %w", path, meta.StatusCode, c.rest.WrapError(err))
	}
	return newPage(env.Items, env.Total, env.HasMore, offset, limit), paging.Fingerprint(body), nil
}

// newPage makes the Page of a list body with these items, total and
// has_more, read at offset with limit.
func newPage[T any](items []T, total *int, hasMore *bool, offset, limit int) *Page[T] {
	p := &Page[T]{Items: items, Total: -1, Offset: offset}
	if p.Items == nil {
		p.Items = []T{}
	}
	if total != nil {
		p.Total = *total
	}
	switch {
	case hasMore != nil:
		p.HasMore = *hasMore
	case p.Total >= 0:
		p.HasMore = offset+len(p.Items) < p.Total
	default:
		p.HasMore = limit > 0 && len(p.Items) >= limit
	}
	return p
}

// allPages iterates a list from offset start, limit items per page. q is
// copied for every page, never changed.
func allPages[T any](ctx context.Context, c *Client, path string, q url.Values, start, limit int) iter.Seq2[T, error] {
	return allPagesWith(ctx, q, start, limit, func(ctx context.Context, q url.Values, offset, limit int) (*Page[T], uint64, error) {
		return getPageFP[T](ctx, c, path, q, offset, limit)
	})
}

// allPagesWith is allPages with get fetching each page and its
// fingerprint.
func allPagesWith[T any](ctx context.Context, q url.Values, start, limit int, get func(ctx context.Context, q url.Values, offset, limit int) (*Page[T], uint64, error)) iter.Seq2[T, error] {
	return paging.Offset(ctx, start, limit, func(ctx context.Context, offset, limit int) (paging.OffsetPage[T], error) {
		pq := make(url.Values, len(q)+2)
		for k, v := range q {
			pq[k] = v
		}
		pq.Set("offset", strconv.Itoa(offset))
		pq.Set("limit", strconv.Itoa(limit))
		p, fp, err := get(ctx, pq, offset, limit)
		if err != nil {
			return paging.OffsetPage[T]{}, err
		}
		return paging.OffsetPage[T]{Items: p.Items, Total: p.Total, Last: !p.HasMore, Fingerprint: fp}, nil
	})
}

// errSeq yields err once.
func errSeq[T any](err error) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		yield(zero, err)
	}
}

// causeText is err's message without its leading "sekoia: ", for errors
// wrapped in another message of the package: the prefix is said once.
func causeText(err error) string {
	if err == nil {
		return "<nil>"
	}
	return strings.TrimPrefix(err.Error(), "sekoia: ")
}

// wrapped is an error with its own message that unwraps to err.
type wrapped struct {
	msg string
	err error
}

func (w *wrapped) Error() string { return w.msg }
func (w *wrapped) Unwrap() error { return w.err }
