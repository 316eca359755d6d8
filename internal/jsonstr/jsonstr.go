// Package jsonstr writes and reads JSON strings that carry arbitrary UTF-8
// text byte for byte, eight bytes at a time: most of such text (an event
// pushed to an intake) needs no escaping, and a word of eight plain bytes
// is copied as a whole.
package jsonstr

import (
	"encoding/binary"
	"math/bits"
	"slices"
	"unicode/utf8"
)

const (
	ones = 0x0101010101010101
	high = 0x8080808080808080
)

// special returns a word whose high bit is set in the lowest byte of x
// that cannot appear raw in a JSON string ('"', '\\' or below 0x20), and
// perhaps in some bytes above it (the subtractions borrow); 0 when every
// byte of x can. Bytes of 0x80 and above are never flagged. Unquote,
// which needs only the first such byte, uses it: it takes fewer
// operations than escapes (about 10% of Unquote's time).
func special(x uint64) uint64 {
	ctl := x - ones*0x20
	q := (x ^ ones*'"') - ones
	bs := (x ^ ones*'\\') - ones
	return (ctl | q | bs) &^ x & high
}

const low7 = 0x7f7f7f7f7f7f7f7f

// zeros returns a word whose high bit is set in exactly the bytes of y
// that are 0 (no borrow between bytes, unlike special's test).
func zeros(y uint64) uint64 { return ^((y&low7 + low7) | y | low7) }

// quotes returns a word whose high bit is set in exactly the bytes of x
// that are '"' or '\\'.
func quotes(x uint64) uint64 { return zeros(x^ones*'"') | zeros(x^ones*'\\') }

// escapes returns a word whose high bit is set in exactly the bytes of x
// that cannot appear raw in a JSON string: '"', '\\' and bytes below 0x20
// (never one of 0x80 and above).
func escapes(x uint64) uint64 { return quotes(x) | controls(x) }

// controls returns a word whose high bit is set in exactly the bytes of x
// below 0x20: (b&0x7f)+0x60 reaches 0x80 from b = 0x20 on, and bytes of
// 0x80 and above are dropped by "| x".
func controls(x uint64) uint64 { return ^((x&low7 + ones*0x60) | x | low7) }

// isSpecial reports whether c cannot appear raw in a JSON string.
func isSpecial(c byte) bool { return c < 0x20 || c == '"' || c == '\\' }

// QuotedLen returns the length of b once quoted and escaped by
// AppendQuoted, or -1 when b is not valid UTF-8.
func QuotedLen(b []byte) int {
	n := len(b) + 2
	var seen uint64 // the bits of every word, for the high ones
	i := 0
	for ; i+8 <= len(b); i += 8 {
		x := binary.LittleEndian.Uint64(b[i:])
		seen |= x
		// '"' and '\\' (by far the most common) add one byte each; a
		// control character adds one or five.
		n += bits.OnesCount64(escapes(x))
		for ctl := controls(x); ctl != 0; ctl &= ctl - 1 {
			n += escapeExtra(b[i+bits.TrailingZeros64(ctl)/8]) - 1
		}
	}
	for ; i < len(b); i++ {
		c := b[i]
		seen |= uint64(c)
		if isSpecial(c) {
			n += escapeExtra(c)
		}
	}
	if seen&high != 0 && !utf8.Valid(b) {
		return -1
	}
	return n
}

// escapeExtra returns how many bytes escaping c adds.
func escapeExtra(c byte) int {
	switch c {
	case '"', '\\', '\n', '\r', '\t', '\b', '\f':
		return 1
	}
	return 5 // \u00XX
}

// AppendQuoted appends b quoted and escaped as a JSON string: '"' and '\\'
// behind a backslash, control characters as \n, \r, \t, \b, \f or \u00XX,
// every other byte as is. b must be valid UTF-8 (see QuotedLen); the
// string then decodes back to exactly b.
func AppendQuoted(dst, b []byte) []byte { return AppendQuotedN(dst, b, len(b)+2) }

// AppendQuotedN is AppendQuoted for a caller that knows the length of the
// result, QuotedLen(b): n only sizes dst once (a wrong n costs a copy, no
// more).
//
// It reads b a word of eight bytes at a time. A word with nothing to
// escape is stored whole. In a word whose bytes to escape are '"' and '\\'
// only (the usual case in JSON text, where they come every few words), the
// output place of each byte is its index plus the number of such bytes up
// to it, eight running sums that one multiplication gives: the 16 bytes
// the word can take are filled with backslashes, then each byte is stored
// at its place, which leaves a backslash before each escaped one. No branch
// depends on where the escaped bytes are. A word with a control character
// (rare) is written byte by byte.
func AppendQuotedN(dst, b []byte, n int) []byte {
	// A word writes up to 8*6 bytes (eight control characters).
	const slack = 64
	w := len(dst)
	d := slices.Grow(dst, max(n, 0)+slack)
	d = d[:cap(d)]
	d[w] = '"'
	w++
	r := 0
	for ; r+8 <= len(b); r += 8 {
		if w+slack > len(d) {
			d = regrow(d, w)
		}
		x := binary.LittleEndian.Uint64(b[r:])
		if controls(x) != 0 {
			w = appendEscaped(d, w, b[r:r+8])
			continue
		}
		q := quotes(x)
		if q == 0 {
			binary.LittleEndian.PutUint64(d[w:], x)
			w += 8
			continue
		}
		// Byte i of p: i plus the number of bytes to escape in 0..i.
		p := (q>>7)*ones + 0x0706050403020100
		o := d[w : w+16 : w+16]
		binary.LittleEndian.PutUint64(o[0:], ones*'\\')
		binary.LittleEndian.PutUint64(o[8:], ones*'\\')
		o[byte(p)&15] = byte(x)
		o[byte(p>>8)&15] = byte(x >> 8)
		o[byte(p>>16)&15] = byte(x >> 16)
		o[byte(p>>24)&15] = byte(x >> 24)
		o[byte(p>>32)&15] = byte(x >> 32)
		o[byte(p>>40)&15] = byte(x >> 40)
		o[byte(p>>48)&15] = byte(x >> 48)
		o[byte(p>>56)&15] = byte(x >> 56)
		w += int(p>>56) + 1 // 8 bytes and the escapes: byte 7 of p plus 1
	}
	if w+slack > len(d) {
		d = regrow(d, w)
	}
	w = appendEscaped(d, w, b[r:]) // the last 0 to 7 bytes
	d[w] = '"'
	return d[:w+1]
}

// appendEscaped writes b (at most 8 bytes) escaped at d[w:], which has room
// for six bytes each, and returns the index past them.
func appendEscaped(d []byte, w int, b []byte) int {
	const hex = "0123456789abcdef"
	for _, c := range b {
		if !isSpecial(c) {
			d[w] = c
			w++
			continue
		}
		d[w] = '\\'
		switch c {
		case '"', '\\':
			d[w+1] = c
		case '\n':
			d[w+1] = 'n'
		case '\r':
			d[w+1] = 'r'
		case '\t':
			d[w+1] = 't'
		case '\b':
			d[w+1] = 'b'
		case '\f':
			d[w+1] = 'f'
		default:
			d[w+1], d[w+2], d[w+3], d[w+4], d[w+5] = 'u', '0', '0', hex[c>>4], hex[c&0xf]
			w += 4
		}
		w += 2
	}
	return w
}

// regrow returns a copy of d[:w] with room to spare, for AppendQuotedN
// told too small a length.
func regrow(d []byte, w int) []byte {
	nd := make([]byte, 2*len(d)+32)
	copy(nd, d[:w])
	return nd
}

// Unquote decodes the JSON string whose opening quote is src[0] into
// dst[:n], and returns n and the index in src just past the closing
// quote. dst must hold len(src) bytes; it may be written past n, src never
// is. It decodes the escapes \" \\ \/ \n \r \t \b \f, \u0000 to \u007f
// and valid UTF-8, and reports false for anything else: another \u
// escape, invalid UTF-8 (which encoding/json would replace by U+FFFD), a
// raw control character, or a string not closed; the caller then falls
// back on encoding/json.
func Unquote(dst, src []byte) (n, next int, ok bool) {
	if len(src) == 0 || src[0] != '"' {
		return 0, 0, false
	}
	ascii := true
	r, w := 1, 0
	for {
		if r+8 <= len(src) {
			x := binary.LittleEndian.Uint64(src[r:])
			m := special(x)
			if m == 0 {
				binary.LittleEndian.PutUint64(dst[w:], x)
				ascii = ascii && x&high == 0
				r, w = r+8, w+8
				continue
			}
			// The k plain bytes before the special one are copied with the
			// whole word; the bytes after them are overwritten next.
			k := bits.TrailingZeros64(m) / 8
			binary.LittleEndian.PutUint64(dst[w:], x)
			ascii = ascii && x&high&(1<<(8*k)-1) == 0
			r, w = r+k, w+k
		} else if r >= len(src) {
			return 0, 0, false
		}
		c := src[r]
		switch {
		case c == '"':
			if !ascii && !utf8.Valid(dst[:w]) {
				return 0, 0, false
			}
			return w, r + 1, true
		case c == '\\':
			if r+1 >= len(src) {
				return 0, 0, false
			}
			switch e := src[r+1]; e {
			case '"', '\\', '/':
				dst[w] = e
			case 'n':
				dst[w] = '\n'
			case 'r':
				dst[w] = '\r'
			case 't':
				dst[w] = '\t'
			case 'b':
				dst[w] = '\b'
			case 'f':
				dst[w] = '\f'
			case 'u':
				v, ok := hex4(src[r+2:])
				if !ok || v >= utf8.RuneSelf {
					return 0, 0, false
				}
				dst[w] = byte(v)
				r += 4
			default:
				return 0, 0, false
			}
			r, w = r+2, w+1
		case c < 0x20:
			return 0, 0, false
		default: // a plain byte among the last seven
			ascii = ascii && c < utf8.RuneSelf
			dst[w] = c
			r, w = r+1, w+1
		}
	}
}

// hex4 returns the value of the four hex digits b starts with.
func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var v rune
	for _, c := range b[:4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		v = v<<4 | rune(c)
	}
	return v, true
}

// End returns the index in b just past the JSON string whose opening quote
// is b[i], or false when b ends first. It looks for the closing quote a
// word at a time and steps over each backslash with the byte after it; it
// does not check the escapes or the bytes (Unquote does).
func End(b []byte, i int) (int, bool) {
	for i++; i < len(b); i++ {
		if i = quoteOrBackslash(b, i); i >= len(b) {
			break
		}
		if b[i] == '"' {
			return i + 1, true
		}
		i++ // the escaped byte
	}
	return 0, false
}

// quoteOrBackslash returns the index of the first '"' or '\\' of b from i
// on, or len(b).
func quoteOrBackslash(b []byte, i int) int {
	for ; i+8 <= len(b); i += 8 {
		x := binary.LittleEndian.Uint64(b[i:])
		if m := quotes(x); m != 0 {
			return i + bits.TrailingZeros64(m)/8
		}
	}
	for ; i < len(b); i++ {
		if c := b[i]; c == '"' || c == '\\' {
			return i
		}
	}
	return len(b)
}
