package jsonscan

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestValueEnd(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		at   int
		want int
		ok   bool
	}{
		{`"abc" ,`, 0, 5, true},
		{`"a\"b"`, 0, 6, true},
		{`"a\\"x`, 0, 5, true},
		{`{"a":[1,{"b":"}"}]} x`, 0, 19, true},
		{`[1, 2]`, 0, 6, true},
		{`12.5e3,`, 0, 6, true},
		{`true}`, 0, 4, true},
		{`null`, 0, 4, true},
		{` 1`, 1, 2, true},
		{`"open`, 0, 0, false},
		{`{"a":1`, 0, 0, false},
		{`,1`, 0, 0, false},
		{`]`, 0, 0, false},
		{``, 0, 0, false},
	} {
		got, ok := ValueEnd([]byte(tc.in), tc.at)
		if got != tc.want || ok != tc.ok {
			t.Errorf("ValueEnd(%q, %d) = %d, %v; want %d, %v", tc.in, tc.at, got, ok, tc.want, tc.ok)
		}
	}
}

func TestSkipSpace(t *testing.T) {
	t.Parallel()
	if got := SkipSpace([]byte(" \t\r\n x"), 0); got != 5 {
		t.Errorf("SkipSpace = %d, want 5", got)
	}
	if got := SkipSpace([]byte("   "), 1); got != 3 {
		t.Errorf("SkipSpace at the end = %d, want 3", got)
	}
}

func TestElements(t *testing.T) {
	t.Parallel()
	var got []string
	ok := Elements([]byte(` [ 1 , "a,]" ,{"b":[2]}, null ] `[1:]), func(e []byte) bool {
		got = append(got, string(e))
		if cap(e) != len(e) {
			t.Errorf("element %q has room to grow into its neighbour", e)
		}
		return true
	})
	if !ok {
		t.Fatal("Elements reported false")
	}
	if diff := cmp.Diff([]string{`1`, `"a,]"`, `{"b":[2]}`, `null`}, got); diff != "" {
		t.Errorf("elements (-want +got):\n%s", diff)
	}
	if !Elements([]byte(`[ ]`), func([]byte) bool { t.Error("called on an empty array"); return true }) {
		t.Error("empty array reported false")
	}
	n := 0
	if Elements([]byte(`[1,2,3]`), func([]byte) bool { n++; return n < 2 }) || n != 2 {
		t.Errorf("stopping early: n = %d", n)
	}
}

// FuzzElements checks that, on valid JSON arrays, Elements cuts exactly
// the elements encoding/json sees.
func FuzzElements(f *testing.F) {
	for _, s := range []string{`[]`, `[1,"x",{"a":"\"}"},[[]],null,true,-1.5e9]`, ` [ "\\" , "\\\"" ] `} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var want []json.RawMessage
		if json.Unmarshal([]byte(s), &want) != nil || want == nil {
			return
		}
		b := []byte(s)
		i := SkipSpace(b, 0)
		var got []string
		if !Elements(b[i:], func(e []byte) bool { got = append(got, string(e)); return true }) {
			t.Fatalf("Elements(%q) reported false", s)
		}
		if len(got) != len(want) {
			t.Fatalf("Elements(%q): %d elements, want %d", s, len(got), len(want))
		}
		for k := range got {
			if got[k] != string(want[k]) {
				t.Errorf("element %d = %q, want %q", k, got[k], want[k])
			}
		}
	})
}

// stringEndBackward is the reference StringEnd is checked against: each
// quote after b[i] closes the string unless an odd number of backslashes
// stands before it.
func stringEndBackward(b []byte, i int) (int, bool) {
	for i++; i < len(b); i++ {
		if b[i] != '"' {
			continue
		}
		n := 0
		for k := i - 1; k >= 0 && b[k] == '\\'; k-- {
			n++
		}
		if n%2 == 0 {
			return i + 1, true
		}
	}
	return 0, false
}

// FuzzStringEnd checks StringEnd against the backward reference, from
// every quote of the input.
func FuzzStringEnd(f *testing.F) {
	for _, s := range []string{`"abc"`, `"a\"b"x`, `"a\\"x`, `"\\\"\\\\"`, `"open`, `"ends in \`, `"12345678\"12345678\\\\"`, `"é\u00e9"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for i, c := range b {
			if c != '"' || (i > 0 && b[i-1] == '\\') {
				continue
			}
			got, ok := StringEnd(b, i)
			want, wok := stringEndBackward(b, i)
			if got != want || ok != wok {
				t.Fatalf("StringEnd(%q, %d) = %d, %v; want %d, %v", b, i, got, ok, want, wok)
			}
		}
	})
}
