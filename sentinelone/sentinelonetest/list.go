package sentinelonetest

import (
	"bytes"
	"encoding/base64"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// record is one listed object: its JSON and the values its filters match.
type record struct {
	id     string
	raw    []byte
	fields map[string][]string  // query key → the object's values
	times  map[string]time.Time // "createdAt", "updatedAt"
}

// spec says which query keys a list accepts.
type spec struct {
	lists    map[string]bool   // comma lists matched exactly (any value)
	contains map[string]string // "x__contains" → fields key
	bools    map[string]bool   // "true"/"false" matched exactly
	strs     map[string]bool   // single values matched exactly
	times    map[string]bool   // time fields with __gt/__gte/__lt/__lte(/__between)
	sortBy   map[string]bool   // fields accepted by sortBy besides the times and "id"
	ignored  map[string]bool   // accepted, not applied (includeHidden, query)
	// order is the time field the items are kept sorted by, the default
	// sort ("" means createdAt).
	order string
}

// key is the time field the items of sp are sorted by.
func (sp spec) key() string {
	if sp.order == "" {
		return "createdAt"
	}
	return sp.order
}

func set(keys ...string) map[string]bool {
	m := make(map[string]bool, len(keys))
	for _, k := range keys {
		m[k] = true
	}
	return m
}

type bound struct {
	key string // time field
	op  string // gt gte lt lte
	t   time.Time
}

// listQuery is a parsed list request.
type listQuery struct {
	filters   map[string][]string // lists, bools, strs
	contains  map[string][]string
	bounds    []bound
	limit     int
	skip      int
	cursor    *cursorKey
	countOnly bool
	skipCount bool
	sortBy    string
	desc      bool
	order     string // the field the items are sorted by
}

type cursorKey struct {
	t  time.Time
	id string
}

func parseTime(s string) (time.Time, bool) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, false
	}
	return t, true
}

// parseList reads q against sp; it answers 400 itself and returns false on
// a bad parameter, as the console does.
func parseList(w http.ResponseWriter, q url.Values, sp spec) (*listQuery, bool) {
	lq := &listQuery{filters: map[string][]string{}, contains: map[string][]string{}, limit: 10, sortBy: sp.key(), order: sp.key()}
	sortSet := false
	for key, vals := range q {
		if len(vals) != 1 {
			badParam(w, "%s: given %d times; send one comma-separated value", key, len(vals))
			return nil, false
		}
		v := vals[0]
		field, op, hasOp := strings.Cut(key, "__")
		switch {
		case key == "limit":
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 1000 {
				badParam(w, "limit: must be an integer in 1..1000")
				return nil, false
			}
			lq.limit = n
		case key == "skip":
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 || n > 1000 {
				badParam(w, "skip: must be an integer in 0..1000; use cursor to iterate over more than 1000 items")
				return nil, false
			}
			lq.skip = n
		case key == "cursor":
			c, ok := decodeCursor(v)
			if !ok {
				badParam(w, "cursor: invalid")
				return nil, false
			}
			lq.cursor = c
		case key == "countOnly" || key == "skipCount":
			b, err := strconv.ParseBool(v)
			if err != nil {
				badParam(w, "%s: must be true or false", key)
				return nil, false
			}
			if key == "countOnly" {
				lq.countOnly = b
			} else {
				lq.skipCount = b
			}
		case key == "sortBy":
			if !sp.times[v] && v != "id" && !sp.sortBy[v] {
				badParam(w, "sortBy: unknown field %q", v)
				return nil, false
			}
			lq.sortBy, sortSet = v, true
		case key == "sortOrder":
			if v != "asc" && v != "desc" {
				badParam(w, "sortOrder: must be asc or desc")
				return nil, false
			}
			lq.desc = v == "desc"
		case hasOp && sp.times[field]:
			switch op {
			case "gt", "gte", "lt", "lte":
				t, ok := parseTime(v)
				if !ok {
					badParam(w, "%s: not an ISO 8601 time: %q", key, v)
					return nil, false
				}
				lq.bounds = append(lq.bounds, bound{field, op, t})
			case "between":
				a, b, ok := strings.Cut(v, "-")
				from, err1 := strconv.ParseInt(a, 10, 64)
				to, err2 := strconv.ParseInt(b, 10, 64)
				if !ok || err1 != nil || err2 != nil {
					badParam(w, "%s: expected <epoch ms>-<epoch ms>", key)
					return nil, false
				}
				lq.bounds = append(lq.bounds, bound{field, "gte", time.UnixMilli(from)}, bound{field, "lte", time.UnixMilli(to).Add(time.Millisecond - time.Nanosecond)})
			default:
				badParam(w, "unknown parameter %q", key)
				return nil, false
			}
		case sp.contains[key] != "":
			lq.contains[sp.contains[key]] = strings.Split(v, ",")
		case sp.lists[key]:
			lq.filters[key] = strings.Split(v, ",")
		case sp.bools[key]:
			if v != "true" && v != "false" {
				badParam(w, "%s: must be true or false", key)
				return nil, false
			}
			lq.filters[key] = []string{v}
		case sp.strs[key]:
			lq.filters[key] = []string{v}
		case sp.ignored[key]:
		default:
			badParam(w, "unknown parameter %q", key)
			return nil, false
		}
	}
	if !sortSet && lq.desc {
		lq.sortBy = sp.key()
	}
	if lq.cursor != nil && lq.skip > 0 {
		lq.skip = 0 // the cursor carries the position
	}
	return lq, true
}

func (lq *listQuery) key(r *record) cursorKey {
	if lq.sortBy == "id" {
		return cursorKey{id: r.id}
	}
	return cursorKey{t: r.times[lq.sortBy], id: r.id}
}

// cmpID orders ids numerically when both are digit strings.
func cmpID(a, b string) int {
	if len(a) != len(b) && isDigits(a) && isDigits(b) {
		if len(a) < len(b) {
			return -1
		}
		return 1
	}
	return strings.Compare(a, b)
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func cmpKey(a, b cursorKey) int {
	if c := a.t.Compare(b.t); c != 0 {
		return c
	}
	return cmpID(a.id, b.id)
}

func (lq *listQuery) match(r *record) bool {
	for k, want := range lq.filters {
		have := r.fields[k]
		if !slices.ContainsFunc(have, func(h string) bool { return slices.Contains(want, h) }) {
			return false
		}
	}
	for k, subs := range lq.contains {
		have := r.fields[k]
		ok := false
		for _, h := range have {
			for _, s := range subs {
				if strings.Contains(strings.ToLower(h), strings.ToLower(s)) {
					ok = true
				}
			}
		}
		if !ok {
			return false
		}
	}
	for _, b := range lq.bounds {
		t, ok := r.times[b.key]
		if !ok {
			return false
		}
		switch b.op {
		case "gt":
			ok = t.After(b.t)
		case "gte":
			ok = !t.Before(b.t)
		case "lt":
			ok = t.Before(b.t)
		case "lte":
			ok = !t.After(b.t)
		}
		if !ok {
			return false
		}
	}
	return true
}

// serve answers a list request over items, which are sorted by
// (lq.order, id) ascending.
func serve(w http.ResponseWriter, lq *listQuery, items []*record) {
	// Narrow by the bounds of the sort field with binary searches on the
	// sorted slice; the other filters are checked one by one.
	lo, hi := 0, len(items)
	for _, b := range lq.bounds {
		if b.key != lq.order {
			continue
		}
		at := func(i int) time.Time { return items[i].times[lq.order] }
		switch b.op {
		case "gt":
			lo = max(lo, sort.Search(len(items), func(i int) bool { return at(i).After(b.t) }))
		case "gte":
			lo = max(lo, sort.Search(len(items), func(i int) bool { return !at(i).Before(b.t) }))
		case "lt":
			hi = min(hi, sort.Search(len(items), func(i int) bool { return !at(i).Before(b.t) }))
		case "lte":
			hi = min(hi, sort.Search(len(items), func(i int) bool { return at(i).After(b.t) }))
		}
	}
	var matches []*record
	if lo < hi {
		if len(lq.filters) == 0 && len(lq.contains) == 0 && onlyKey(lq.bounds, lq.order) {
			matches = items[lo:hi]
		} else {
			for _, r := range items[lo:hi] {
				if lq.match(r) {
					matches = append(matches, r)
				}
			}
		}
	}
	if lq.sortBy != lq.order || lq.desc {
		sorted := slices.Clone(matches)
		slices.SortStableFunc(sorted, func(a, b *record) int {
			c := cmpKey(lq.key(a), lq.key(b))
			if lq.desc {
				c = -c
			}
			return c
		})
		matches = sorted
	}
	var total any = len(matches)
	if lq.skipCount {
		total = nil
	}
	if lq.countOnly {
		writeJSON(w, http.StatusOK, map[string]any{"data": []any{}, "pagination": map[string]any{"nextCursor": nil, "totalItems": len(matches)}})
		return
	}
	start := 0
	if lq.cursor != nil {
		c := *lq.cursor
		start = sort.Search(len(matches), func(i int) bool {
			d := cmpKey(lq.key(matches[i]), c)
			if lq.desc {
				return d < 0
			}
			return d > 0
		})
	}
	start = min(start+lq.skip, len(matches))
	end := min(start+lq.limit, len(matches))
	page := matches[start:end]
	var next any
	if end < len(matches) && len(page) > 0 {
		next = encodeCursor(lq.key(page[len(page)-1]))
	}
	var b bytes.Buffer
	b.Grow(64 + len(page)*1024)
	b.WriteString(`{"data":[`)
	for i, r := range page {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(r.raw)
	}
	b.WriteString(`],"pagination":{"nextCursor":`)
	if next == nil {
		b.WriteString("null")
	} else {
		b.WriteString(strconv.Quote(next.(string)))
	}
	b.WriteString(`,"totalItems":`)
	if total == nil {
		b.WriteString("null")
	} else {
		b.WriteString(strconv.Itoa(total.(int)))
	}
	b.WriteString(`},"errors":null}`)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(b.Len()))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b.Bytes())
}

func onlyKey(bs []bound, key string) bool {
	for _, b := range bs {
		if b.key != key {
			return false
		}
	}
	return true
}

func encodeCursor(k cursorKey) string {
	s := strconv.FormatInt(k.t.UnixNano(), 10) + "|" + k.id
	if k.t.IsZero() {
		s = "z|" + k.id
	}
	return base64.RawURLEncoding.EncodeToString([]byte(s))
}

func decodeCursor(s string) (*cursorKey, bool) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, false
	}
	ts, id, ok := strings.Cut(string(b), "|")
	if !ok || id == "" {
		return nil, false
	}
	if ts == "z" {
		return &cursorKey{id: id}, true
	}
	n, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return nil, false
	}
	return &cursorKey{t: time.Unix(0, n).UTC(), id: id}, true
}

// insertSorted puts r into items, kept sorted by (createdAt, id); see
// insertSortedBy.
func insertSorted(items []*record, r *record) []*record { return insertSortedBy(items, r, "createdAt") }

// insertSortedBy puts r into items, kept sorted by (the time key, id). A
// request being served holds a snapshot of the slice: appending writes past
// the snapshot's length, and an insertion in the middle makes a new array,
// so a snapshot never changes.
func insertSortedBy(items []*record, r *record, key string) []*record {
	k := cursorKey{t: r.times[key], id: r.id}
	n := len(items)
	if n == 0 || cmpKey(cursorKey{t: items[n-1].times[key], id: items[n-1].id}, k) <= 0 {
		return append(items, r)
	}
	i := sort.Search(n, func(i int) bool {
		return cmpKey(cursorKey{t: items[i].times[key], id: items[i].id}, k) > 0
	})
	return slices.Concat(items[:i:i], []*record{r}, items[i:])
}
