// Package jsonscan finds the bounds of JSON values in a byte slice without
// decoding them, and holds the module's one hand-written object decoder
// (Object, driven by a field table; see fields.go). The bounds functions
// do not validate: callers run them on text that json.Valid accepted, and
// on anything else their answers are only bounds that the caller's
// decoding then refuses. Object checks what it accepts.
package jsonscan

import "github.com/socgo/xdr/internal/jsonstr"

// SkipSpace returns the index of the first byte of b from i on that is
// not JSON white space (len(b) when there is none).
func SkipSpace(b []byte, i int) int {
	for i < len(b) {
		switch b[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// StringEnd returns the index just past the string starting at b[i] ==
// '"', or false when b ends first.
func StringEnd(b []byte, i int) (int, bool) { return jsonstr.End(b, i) }

// ValueEnd returns the index just past the JSON value starting at b[i]:
// a string, an object or array (nesting and strings followed), or a
// number or literal (up to the next delimiter or white space). It is false
// when b ends first or b[i] cannot start a value.
func ValueEnd(b []byte, i int) (int, bool) {
	if i >= len(b) {
		return 0, false
	}
	switch b[i] {
	case '"':
		return StringEnd(b, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				e, ok := StringEnd(b, j)
				if !ok {
					return 0, false
				}
				j = e - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1, true
				}
			}
		}
		return 0, false
	case ',', ':', '}', ']':
		return 0, false
	}
	j := i
	for j < len(b) {
		switch b[j] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			return j, true
		}
		j++
	}
	return j, true
}

// Elements calls f with each element of the JSON array that a holds
// (a[0] == '['), in order, until f returns false. Each element's capacity
// ends with it, so appending to one copies it instead of overwriting the
// next. It reports false when f did or a element's bounds were not found.
func Elements(a []byte, f func(elem []byte) bool) bool {
	i := SkipSpace(a, 1)
	if i < len(a) && a[i] == ']' {
		return true
	}
	for {
		end, ok := ValueEnd(a, i)
		if !ok || !f(a[i:end:end]) {
			return false
		}
		i = SkipSpace(a, end)
		if i < len(a) && a[i] == ',' {
			i = SkipSpace(a, i+1)
			continue
		}
		return true
	}
}
