package jsonstr

import (
	"encoding/json"
	"strings"
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
	strings.Repeat("\x01", 100), strings.Repeat("\"", 64) + "é",
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
	for _, hint := range []int{n, 0, -1, n / 2, 2 * n} {
		if again := AppendQuotedN([]byte("prefix"), b, hint); string(again) != "prefix"+string(got) {
			t.Fatalf("%q: with n %d escaped %q", b, hint, again)
		}
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

// benchText is an endpoint event of about 1 KiB with quotes and
// backslashes every few words, as intake events have.
var benchText = []byte(`{"@timestamp":"2026-03-01T08:00:00.878669Z","event.id":"3ff659f3-7b0c-425a-a389-bc3f14daf7e8","event.dialect":"windows","host.name":"wks-0276.corp.example","user.name":"user792.robert","process.pid":6661,"process.executable":"C:\\Windows\\System32\\wmiprvse.exe","process.command_line":"\"C:\\Windows\\System32\\wmiprvse.exe\" 0xffffffff -ForceV1","process.hash.sha256":"53a6beca244ed5697ea2204ed4dc1fc3cd31bad554ca241b3cfb199d92d97325","process.parent.pid":1117,"process.parent.name":"powershell.exe","process.parent.executable":"C:\\Windows\\System32\\powershell.exe","process.working_directory":"C:\\Users\\user792.robert\\","message":"Process Create: UtcTime: 2026-03-01T08:00:00.878669Z ProcessId: 6661 Image: C:\\Windows\\System32\\wmiprvse.exe User: CORP\\user792.robert IntegrityLevel: Medium","sekoiaio.intake.uuid":"834a2d7f-3623-4b26-9d2c-1f6e2a3b4c5d"}`)

func BenchmarkQuoted(b *testing.B) {
	n := QuotedLen(benchText)
	dst := make([]byte, 0, 4096)
	b.Run("QuotedLen", func(b *testing.B) {
		b.SetBytes(int64(len(benchText)))
		for b.Loop() {
			QuotedLen(benchText)
		}
	})
	b.Run("AppendQuotedN", func(b *testing.B) {
		b.SetBytes(int64(len(benchText)))
		for b.Loop() {
			AppendQuotedN(dst[:0], benchText, n)
		}
	})
	b.Run("bytewise", func(b *testing.B) {
		b.SetBytes(int64(len(benchText)))
		for b.Loop() {
			appendQuotedBytewise(dst[:0], benchText)
		}
	})
	quoted := AppendQuoted(nil, benchText)
	b.Run("Unquote", func(b *testing.B) {
		b.SetBytes(int64(len(quoted)))
		for b.Loop() {
			Unquote(dst[:cap(dst)], quoted)
		}
	})
}
