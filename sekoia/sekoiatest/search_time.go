package sekoiatest

import (
	"encoding/json"
	"strings"
	"time"
)

// searchEvent is an event and its time: for a seeded event, its
// "timestamp" (else its "@timestamp"); for an event a job matched, the
// time its range was checked against.
type searchEvent struct {
	raw json.RawMessage
	at  time.Time
}

// searchDefaultTime reads the time of a seeded event: its top-level
// "timestamp", else its "@timestamp", holding a time in RFC 3339 (or ISO
// 8601 without a zone, taken as UTC).
func searchDefaultTime(ev []byte) (time.Time, bool) {
	var m map[string]json.RawMessage
	if json.Unmarshal(ev, &m) != nil {
		return time.Time{}, false
	}
	for _, key := range []string{"timestamp", "@timestamp"} {
		var s string
		if v, ok := m[key]; ok && json.Unmarshal(v, &s) == nil {
			if t, ok := queryTime(s); ok {
				return t, true
			}
		}
	}
	return time.Time{}, false
}

// searchDocTime reads the time a job's date_field names in a decoded
// event: its first value that holds a time.
func searchDocTime(doc any, field string) (time.Time, bool) {
	var at time.Time
	ok := queryResolve(doc, field, func(v any) bool {
		s, isString := v.(string)
		if !isString {
			return false
		}
		t, isTime := queryTime(s)
		at = t
		return isTime
	})
	return at, ok
}

// searchDefaultDateField reports whether a job's date_field is the
// default one: absent, "timestamp" or "@timestamp".
func searchDefaultDateField(f *string) bool {
	return f == nil || *f == "" || *f == "timestamp" || *f == "@timestamp"
}

// searchBound resolves one end of a job's time range against now: "now",
// a relative time (a sign, 1 to 9 digits and a unit among s, m, h, d and
// w, case ignored) or an ISO 8601 date or date time (UTC when it has no
// zone).
func searchBound(s string, now time.Time) (time.Time, bool) {
	if strings.EqualFold(s, "now") {
		return now, true
	}
	if t, ok := searchRelative(s, now); ok {
		return t, true
	}
	return queryTime(s)
}

// searchRelative resolves a relative time such as "-1h" or "+3d".
func searchRelative(s string, now time.Time) (time.Time, bool) {
	if len(s) < 3 || len(s) > 11 || s[0] != '+' && s[0] != '-' {
		return time.Time{}, false
	}
	var unit int64
	switch s[len(s)-1] | 0x20 {
	case 's':
		unit = 1
	case 'm':
		unit = 60
	case 'h':
		unit = 3600
	case 'd':
		unit = 86400
	case 'w':
		unit = 7 * 86400
	default:
		return time.Time{}, false
	}
	var n int64
	for _, c := range s[1 : len(s)-1] {
		if c < '0' || c > '9' {
			return time.Time{}, false
		}
		n = n*10 + int64(c-'0')
	}
	secs := n * unit // at most 999,999,999 weeks: no overflow
	if s[0] == '-' {
		secs = -secs
	}
	return time.Unix(now.Unix()+secs, int64(now.Nanosecond())).UTC(), true
}
