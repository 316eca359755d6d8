package argcheck

import (
	"strings"
	"testing"
)

func TestShort(t *testing.T) {
	t.Parallel()
	if got := Short("abc"); got != "abc" {
		t.Errorf("Short(abc) = %q", got)
	}
	long := strings.Repeat("é", 200) // 2 bytes each: byte 100 starts a character
	if got := Short("x" + long); len(got) > MaxQuoted+len("…") || !strings.HasSuffix(got, "…") || !strings.HasPrefix(got, "xé") {
		t.Errorf("Short cut %q", got)
	}
	if got := Quote(strings.Repeat("a", 1000)); len(got) != MaxQuoted+len(`""…`) {
		t.Errorf("Quote gave %d bytes", len(got))
	}
}

func TestCredential(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{"abc", "k3y-0123_AZ.~+/=", "clé"} {
		if err := Credential(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for _, bad := range []string{"", " ", "a b", "a\tb", "a\r\nb", "a\x00b", "a\x7fb", "a\x1bb", "a\u0085b", "a\xffb"} {
		if err := Credential(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestIsDotSegment(t *testing.T) {
	t.Parallel()
	for _, dot := range []string{".", "..", "%2e", "%2E%2e", ".%2E", "%252e%252E", "%25252e"} {
		if !IsDotSegment(dot) {
			t.Errorf("%q is a dot segment", dot)
		}
	}
	for _, ok := range []string{"", "...", ".a", "a.", "%2e%2e%2e", "v1.2", "%zz", "%2f"} {
		if IsDotSegment(ok) {
			t.Errorf("%q is not a dot segment", ok)
		}
	}
}
