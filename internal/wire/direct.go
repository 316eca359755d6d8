package wire

import (
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The encoders below are what the generated builders call for the
// parameters whose encoding needs no reflection: form-style query scalars
// and arrays of strings, integers, booleans and float64 (and the types
// defined over them, such as the enums), deepObject objects whose
// properties are all optional strings, and simple-style path parameters.
// Each puts in the query exactly the values that
// github.com/oapi-codegen/runtime's StyleParamWithOptions followed by
// AddQuery would (the equivalence is tested in direct_test.go and, per
// operation, in each wire package): runtime escapes each value and
// AddQuery unescapes it again, so the values arrive unchanged, and only
// the shape of the parameter (one value, one value per element, or the
// elements joined by commas) remains to reproduce. A builder sends each
// parameter once, under its own key, so each encoder sets its key (one
// map assignment) rather than appending to it.

// Integer is the set of the integer kinds a parameter can be generated
// with.
type Integer interface {
	~int | ~int8 | ~int16 | ~int32 | ~int64
}

// String sets key to a form-style string value: exploded or not, a single
// value is sent as it is.
func String[S ~string](q url.Values, key string, v S) {
	q[key] = []string{string(v)}
}

// Int sets key to a form-style integer value, in decimal.
func Int[I Integer](q url.Values, key string, v I) {
	q[key] = []string{strconv.FormatInt(int64(v), 10)}
}

// Bool sets key to a form-style boolean value: true or false.
func Bool[B ~bool](q url.Values, key string, v B) {
	s := "false"
	if v {
		s = "true"
	}
	q[key] = []string{s}
}

// Float64 sets key to a form-style float64 value, in the shortest decimal
// form without an exponent (strconv's 'f', -1).
func Float64[F ~float64](q url.Values, key string, v F) {
	q[key] = []string{strconv.FormatFloat(float64(v), 'f', -1, 64)}
}

// Strings sets key to a form-style array of strings: one value per element
// when explode is set, else the elements joined by commas. An empty array
// is one empty value either way, as runtime sends "key=".
func Strings[L ~[]S, S ~string](q url.Values, key string, vs L, explode bool) {
	switch {
	case len(vs) == 0:
		q[key] = []string{""}
	case explode:
		out := make([]string, len(vs))
		for i, v := range vs {
			out[i] = string(v)
		}
		q[key] = out
	case len(vs) == 1:
		q[key] = []string{string(vs[0])}
	default:
		n := len(vs) - 1
		for _, v := range vs {
			n += len(v)
		}
		var b strings.Builder
		b.Grow(n)
		for i, v := range vs {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(string(v))
		}
		q[key] = []string{b.String()}
	}
}

// Ints sets key to a form-style array of integers, as Strings does with
// their decimal forms.
func Ints[L ~[]I, I Integer](q url.Values, key string, vs L, explode bool) {
	switch {
	case len(vs) == 0:
		q[key] = []string{""}
	case explode:
		out := make([]string, len(vs))
		for i, v := range vs {
			out[i] = strconv.FormatInt(int64(v), 10)
		}
		q[key] = out
	default:
		var buf [64]byte
		b := buf[:0]
		for i, v := range vs {
			if i > 0 {
				b = append(b, ',')
			}
			b = strconv.AppendInt(b, int64(v), 10)
		}
		q[key] = []string{string(b)}
	}
}

// DeepString sets the key of one string property of a deepObject
// parameter ("match[source]"). runtime serialises a deepObject through
// encoding/json, which replaces each byte that is not part of valid UTF-8
// by U+FFFD; the value gets the same replacement here.
func DeepString[S ~string](q url.Values, key string, v S) {
	s := string(v)
	if !utf8.ValidString(s) {
		s = jsonText(s)
	}
	q[key] = []string{s}
}

// jsonText is s as encoding/json writes it back after a round trip: each
// byte of an invalid UTF-8 sequence becomes U+FFFD.
func jsonText(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b.WriteRune(utf8.RuneError)
		} else {
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// PathString is a simple-style string path parameter, escaped
// (url.PathEscape).
func PathString[S ~string](v S) string { return url.PathEscape(string(v)) }

// PathInt is a simple-style integer path parameter, in decimal.
func PathInt[I Integer](v I) string { return strconv.FormatInt(int64(v), 10) }

// Path is format, a path with a %s for each parameter (as oapi-codegen
// writes it), with the escaped segments in their place: what fmt.Sprintf
// makes of it, in one allocation. "%%" stands for a percent sign.
func Path(format string, segs ...string) string {
	n := len(format)
	for _, s := range segs {
		n += len(s)
	}
	var b strings.Builder
	b.Grow(n)
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c != '%' || i+1 == len(format) {
			b.WriteByte(c)
			continue
		}
		i++
		switch format[i] {
		case 's':
			if len(segs) > 0 {
				b.WriteString(segs[0])
				segs = segs[1:]
			}
		case '%':
			b.WriteByte('%')
		default:
			b.WriteByte('%')
			b.WriteByte(format[i])
		}
	}
	return b.String()
}
