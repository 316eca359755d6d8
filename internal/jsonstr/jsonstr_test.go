package jsonstr

import (
	"encoding/json"
	"testing"
	"unicode/utf8"
)

// appendQuotedBytewise is AppendQuoted one byte at a time, the reference
// the eight-byte scan is checked against.
func appendQuotedBytewise(dst, b []byte) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	for _, c := range b {
		switch {
		case c == '"' || c == '\\':
			dst = append(dst, '\\', c)
		case c == '\n':
			dst = append(dst, '\\', 'n')
		case c == '\r':
			dst = append(dst, '\\', 'r')
		case c == '\t':
			dst = append(dst, '\\', 't')
		case c == '\b':
			dst = append(dst, '\\', 'b')
		case c == '\f':
			dst = append(dst, '\\', 'f')
		case c < 0x20:
			dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		default:
			dst = append(dst, c)
		}
	}
	return append(dst, '"')
}

var seeds = []string{
	"", "plain ascii text, long enough", "q\"b\\", "\x00\x01\x1f\x7f", "12345678\"2345678\\",
	"é€😀 and \"quotes\" past eight bytes", "\u2028\u2029", "abcdefg\xc3", "\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8\"",
	"aaaaaaa\x1f\x20\x21\x22\x5b\x5c\x5d", "\n\r\t\b\f", "<>&",
}

func TestQuoted(t *testing.T) {
	for _, s := range seeds {
		checkQuoted(t, []byte(s))
	}
}

// FuzzQuoted checks the eight-byte scans against the byte-wise reference
// and encoding/json: same escaped bytes, predicted length, invalid UTF-8
// detected, and the string decodes back to the input (with Unquote too).
func FuzzQuoted(f *testing.F) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(checkQuoted)
}

func checkQuoted(t *testing.T, b []byte) {
	n := QuotedLen(b)
	if !utf8.Valid(b) {
		if n != -1 {
			t.Fatalf("%q: invalid UTF-8 sized %d", b, n)
		}
		return
	}
	got := AppendQuoted([]byte("x"), b)[1:]
	if want := appendQuotedBytewise(nil, b); string(got) != string(want) {
		t.Fatalf("%q: escaped %q, want %q", b, got, want)
	}
	if n != len(got) {
		t.Fatalf("%q: sized %d, escaped %d bytes", b, n, len(got))
	}
	var back string
	if err := json.Unmarshal(got, &back); err != nil || back != string(b) {
		t.Fatalf("%q -> %q -> %q %v", b, got, back, err)
	}
	dst := make([]byte, len(got)+3)
	src := append(got, ",1]"...)
	m, next, ok := Unquote(dst, src)
	if !ok || string(dst[:m]) != string(b) || next != len(got) {
		t.Fatalf("Unquote(%q) = %q, %d, %v", src, dst[:m], next, ok)
	}
}

// FuzzUnquote checks Unquote against encoding/json on any input: when it
// decodes a string, encoding/json decodes the same one to the same text.
func FuzzUnquote(f *testing.F) {
	for _, s := range []string{`"abc"`, `"a\"b\\c\/d\n\r\t\b\f"`, `"\u00e9"`, "\"\xff\"", "\"\x01\"", `"open`, `"12345678\"12345678"x`, `"é€"`, `x`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		dst := make([]byte, len(src))
		n, next, ok := Unquote(dst, src)
		if !ok {
			return
		}
		var want string
		if err := json.Unmarshal(src[:next], &want); err != nil {
			t.Fatalf("Unquote(%q) = %q, encoding/json: %v", src, dst[:n], err)
		}
		if string(dst[:n]) != want {
			t.Fatalf("Unquote(%q) = %q, encoding/json %q", src, dst[:n], want)
		}
	})
}
