package sekoia

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/socgo/xdr/internal/argcheck"
)

// The Sekoia.io services disagree on how they write times: alert
// created_at/updated_at and comment dates are Unix epoch seconds (integers),
// first_seen_at/last_seen_at, assets, communities and search jobs use
// RFC 3339 strings, with or without fraction and with "Z" or "+00:00". The
// SDK exposes every one of them as time.Time (UTC; the zero value when the
// field is absent or null) and decodes any of the forms wherever it meets
// them.

// parseTime decodes a JSON time value: null, an empty string, a number of
// seconds since the Unix epoch (integer or fraction; values of 10^12 or more
// are taken as milliseconds), a string holding such a number, or an
// RFC 3339-like string (the zone may be missing, meaning UTC; the "T" may be
// a space; a date alone is midnight UTC).
func parseTime(b []byte) (time.Time, error) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || string(b) == "null" {
		return time.Time{}, nil
	}
	if b[0] == '"' {
		if len(b) >= 2 && b[len(b)-1] == '"' && bytes.IndexByte(b[1:len(b)-1], '\\') < 0 && bytes.IndexByte(b[1:len(b)-1], '"') < 0 {
			// The common case, a strict RFC 3339 time, is parsed from the
			// bytes without allocating; time.Parse would give the same.
			var t time.Time
			if inner := b[1 : len(b)-1]; len(inner) >= len("2006-01-02T15:04:05Z") && t.UnmarshalText(inner) == nil {
				return t.UTC(), nil
			}
			return parseTimeString(string(b[1 : len(b)-1]))
		}
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return time.Time{}, fmt.Errorf("time %s: %w", truncate(b), err)
		}
		return parseTimeString(s)
	}
	if i, ok := parseDigits(b); ok {
		// Integer epoch seconds (or milliseconds), without allocating.
		if t, ok := epochInt(i); ok {
			return t, nil
		}
		return time.Time{}, fmt.Errorf("time %q: out of range", truncate(b))
	}
	return parseEpoch(string(b))
}

// parseDigits parses an optional minus sign and 1 to 18 decimal digits.
func parseDigits(b []byte) (int64, bool) {
	neg := len(b) > 0 && b[0] == '-'
	if neg {
		b = b[1:]
	}
	if len(b) == 0 || len(b) > 18 {
		return 0, false
	}
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}

func parseTimeString(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	if looksNumeric(s) {
		if _, err := strconv.ParseFloat(s, 64); err == nil {
			return parseEpoch(s)
		}
	}
	for _, layout := range [...]string{
		time.RFC3339Nano,
		"2006-01-02T15:04:05.999999999Z0700",
		"2006-01-02T15:04:05.999999999",
		"2006-01-02 15:04:05.999999999Z07:00",
		"2006-01-02 15:04:05.999999999Z0700",
		"2006-01-02 15:04:05.999999999",
		"2006-01-02",
	} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("time %q: not an RFC 3339 time or epoch seconds", argcheck.Short(s))
}

// looksNumeric reports whether s may be a number (and not a date such as
// "2022-12-03", which ParseFloat would reject at a cost).
func looksNumeric(s string) bool {
	for i := range len(s) {
		switch c := s[i]; {
		case c >= '0' && c <= '9', c == '.', c == 'e', c == 'E', c == '+':
		case c == '-':
			if i != 0 && s[i-1] != 'e' && s[i-1] != 'E' {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// maxEpochSeconds bounds accepted epoch values to years 0001..9999.
const (
	minEpochSeconds = -62135596800
	maxEpochSeconds = 253402300799
)

func parseEpoch(s string) (time.Time, error) {
	if i, err := strconv.ParseInt(s, 10, 64); err == nil {
		if t, ok := epochInt(i); ok {
			return t, nil
		}
		return time.Time{}, fmt.Errorf("time %q: out of range", argcheck.Short(s))
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return time.Time{}, fmt.Errorf("time %q: not an RFC 3339 time or epoch seconds", argcheck.Short(s))
	}
	if f >= 1e12 || f <= -1e12 {
		f /= 1e3
	}
	if t, ok := epochFloat(f); ok {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("time %q: out of range", argcheck.Short(s))
}

// epochInt converts integer epoch seconds, or milliseconds from 10^12 on.
func epochInt(i int64) (time.Time, bool) {
	if i >= 1e12 || i <= -1e12 {
		return epochFloat(float64(i) / 1e3)
	}
	return epochFloat(float64(i))
}

// epochFloat converts epoch seconds within years 0001..9999.
func epochFloat(sec float64) (time.Time, bool) {
	if sec < minEpochSeconds || sec > maxEpochSeconds {
		return time.Time{}, false
	}
	whole := math.Floor(sec)
	nsec := math.Round((sec - whole) * 1e9)
	return time.Unix(int64(whole), int64(nsec)).UTC(), true
}

// truncate returns the start of b, for an error quoting a value.
func truncate(b []byte) string {
	return argcheck.Short(string(b[:min(len(b), argcheck.MaxQuoted+utf8.UTFMax)]))
}

// epochTime is a time that the API writes as epoch seconds; it decodes any
// form parseTime accepts and encodes as integer seconds (null when zero).
type epochTime struct{ time.Time }

// UnmarshalJSON implements json.Unmarshaler.
func (t *epochTime) UnmarshalJSON(b []byte) (err error) {
	t.Time, err = parseTime(b)
	return err
}

// MarshalJSON implements json.Marshaler.
func (t epochTime) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("null"), nil
	}
	return strconv.AppendInt(nil, t.Unix(), 10), nil
}

// isoTime is a time that the API writes as RFC 3339; it decodes any form
// parseTime accepts and encodes as RFC 3339 in UTC (null when zero).
type isoTime struct{ time.Time }

// UnmarshalJSON implements json.Unmarshaler.
func (t *isoTime) UnmarshalJSON(b []byte) (err error) {
	t.Time, err = parseTime(b)
	return err
}

// MarshalJSON implements json.Marshaler.
func (t isoTime) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("null"), nil
	}
	return []byte(`"` + t.UTC().Format(time.RFC3339Nano) + `"`), nil
}
