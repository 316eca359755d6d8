package sentinelone

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/socgo/xdr/internal/argcheck"
)

// Paging bounds of the API.
const (
	// MaxLimit is the largest page size the API accepts (more is a 400).
	MaxLimit = 1000
	// DefaultLimit is the page size sent when Limit is 0.
	DefaultLimit = 1000
	// MaxSkip is the largest skip the API accepts; use the cursor beyond.
	MaxSkip = 1000
)

// SortOrder is the order of a sorted list.
type SortOrder string

// Sort orders.
const (
	SortAsc  SortOrder = "asc"
	SortDesc SortOrder = "desc"
)

// String returns "asc" or "desc".
func (o SortOrder) String() string { return string(o) }

// TimeRange is an inclusive time range, sent as a __between filter of two
// epoch-millisecond values ("1514978764288-1514978999999").
type TimeRange struct {
	From, To time.Time
}

// Paging holds the paging and sorting parameters shared by every list.
type Paging struct {
	// Limit is the page size, 1..1000; 0 means 1000 and larger values are
	// clamped to 1000 (the API answers 400 above it).
	Limit int
	// Skip skips that many items of the first page (0..1000); beyond, the
	// API requires the cursor.
	Skip int
	// Cursor starts at the page of a previous response's NextCursor; send
	// it with the same filters as the call that returned it.
	Cursor string
	// SkipCount asks the server not to count the matching items (faster);
	// the page's Total is then -1.
	SkipCount bool
	// SortBy is the field to sort on ("createdAt"); SortOrder its order.
	SortBy    string
	SortOrder SortOrder
}

// query checks the arguments of a list call, turning them into the
// parameters of its generated builder, and records the first bad one.
type query struct {
	op  string
	err error
	// count makes pagingParams those of a count: countOnly=true, no
	// limit and no skipCount.
	count bool
}

func newQuery(op string) *query { return &query{op: op} }

func (q *query) fail(format string, args ...any) {
	if q.err == nil {
		q.err = fmt.Errorf("sentinelone: %s: "+format, append([]any{q.op}, args...)...)
	}
}

// listParam checks a list, sent comma-joined, and returns it as a
// parameter of the wire layer, nil when empty or refused: an element that
// is empty or holds a comma (which would split it) is refused.
func (q *query) listParam(key string, vals []string) *[]string {
	if !listSent(q, key, vals) {
		return nil
	}
	p := new([]string) // allocated only when sent (&vals would move vals to the heap on every call)
	*p = vals
	return p
}

// enumListParam is listParam for a parameter whose elements have their
// own type in the wire layer (an enum): the checked values, converted.
func enumListParam[T, S ~string](q *query, key string, vals []S) *[]T {
	if !listSent(q, key, vals) {
		return nil
	}
	out := make([]T, len(vals))
	for i, v := range vals {
		out[i] = T(v)
	}
	return &out
}

// listSent checks the elements of a list (see listParam) and reports
// whether it is sent: not empty, not refused.
func listSent[S ~string](q *query, key string, vals []S) bool {
	if len(vals) == 0 {
		return false
	}
	for _, v := range vals {
		s := string(v)
		if strings.TrimSpace(s) == "" {
			q.fail("%s: an element is empty", key)
			return false
		}
		if strings.ContainsRune(s, ',') {
			q.fail("%s: element %q contains a comma", key, argcheck.Short(s))
			return false
		}
	}
	return true
}

// betweenParam checks a __between range and returns it as a parameter
// of the wire layer ("<from ms>-<to ms>"), nil when nil or
// refused.
func (q *query) betweenParam(key string, r *TimeRange) *string {
	if r == nil {
		return nil
	}
	if r.From.IsZero() || r.To.IsZero() {
		q.fail("%s: both From and To are required", key)
		return nil
	}
	if r.To.Before(r.From) {
		q.fail("%s: To %s is before From %s", key, FormatTime(r.To), FormatTime(r.From))
		return nil
	}
	if r.From.UnixMilli() < 0 {
		q.fail("%s: From %s is before 1970", key, FormatTime(r.From))
		return nil
	}
	s := strconv.FormatInt(r.From.UnixMilli(), 10) + "-" + strconv.FormatInt(r.To.UnixMilli(), 10)
	return &s
}

// limit returns the effective page size of l.
func effectiveLimit(l int) int {
	switch {
	case l == 0:
		return DefaultLimit
	case l > MaxLimit:
		return MaxLimit
	}
	return l
}

// sortParams checks a sort and returns its parameters (nil: not sent).
func (q *query) sortParams(by string, order SortOrder) (sortBy, sortOrder *string) {
	if by != "" {
		if strings.ContainsAny(by, ",& ") {
			q.fail("SortBy %q is not a field name", argcheck.Short(by))
		}
		sortBy = &by
	}
	switch order {
	case "":
	case SortAsc, SortDesc:
		o := string(order)
		sortOrder = &o
	default:
		q.fail("SortOrder %q is not asc or desc", argcheck.Short(string(order)))
	}
	return sortBy, sortOrder
}

// pagingParams are the paging parameters of a list, as the wire layer
// takes them (nil: not sent).
type pagingParams struct {
	limit, skip    *int
	cursor, sortBy *string
	sortOrder      *string
	skipCount      *bool
	countOnly      *bool
}

// pagingParams checks p and returns its parameters.
func (q *query) pagingParams(p Paging) pagingParams {
	if p.Limit < 0 {
		q.fail("Limit %d is negative", p.Limit)
	}
	limit := effectiveLimit(p.Limit)
	w := pagingParams{limit: &limit}
	switch {
	case p.Skip < 0:
		q.fail("Skip %d is negative", p.Skip)
	case p.Skip > MaxSkip:
		q.fail("Skip %d is over %d; page with the cursor beyond", p.Skip, MaxSkip)
	case p.Skip > 0:
		w.skip = &p.Skip
	}
	if p.Cursor != "" {
		w.cursor = &p.Cursor
	}
	if p.SkipCount {
		w.skipCount = &p.SkipCount
	}
	w.sortBy, w.sortOrder = q.sortParams(p.SortBy, p.SortOrder)
	if q.count {
		t := true
		w.countOnly, w.limit, w.skipCount = &t, nil, nil
	}
	return w
}

// setPaging copies the paging parameters pg into those of an operation.
func setPaging[O ~string](pg pagingParams, limit, skip **int, cursor **string, countOnly, skipCount **bool, sortBy **string, sortOrder **O) {
	*limit, *skip, *cursor, *countOnly, *skipCount, *sortBy = pg.limit, pg.skip, pg.cursor, pg.countOnly, pg.skipCount, pg.sortBy
	*sortOrder = nil
	if pg.sortOrder != nil {
		o := O(*pg.sortOrder)
		*sortOrder = &o
	}
}
