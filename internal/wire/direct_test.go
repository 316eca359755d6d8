package wire

import (
	"fmt"
	"net/url"
	"slices"
	"testing"

	"github.com/oapi-codegen/runtime"
)

// The values tried: what escaping or encoding can get wrong.
var (
	testStrings = []string{
		"", "a", " ", "a b", "+", "a+b", "&", "a&b=c", "=", "%", "%20", "%zz", ",", "a,b", ";",
		"#", "?", "/", ".", "..", "[x]", "ü", "日本語", "🚀", "\x00", "\t\n", "\xff", "a\xffb",
		"\xed\xa0\x80", "\xe2\x82", "<>&'\"", "\u2028", "null", "%2e%2e",
	}
	testInts   = []int64{0, 1, -1, 100, 1 << 40, -1 << 63, 1<<63 - 1}
	testFloats = []float64{0, 1, -1.5, 0.1, 1700000000.25, 1e21, 1e-7, 5e-324, 1.7976931348623157e308}
)

type testEnum string

type testLevel int32

// viaRuntime is the query runtime makes of one parameter: its fragment,
// added with AddQuery.
func viaRuntime(t *testing.T, style string, explode bool, name string, v any, typ string) url.Values {
	t.Helper()
	frag, err := runtime.StyleParamWithOptions(style, explode, name, v, runtime.StyleParamOptions{ParamLocation: runtime.ParamLocationQuery, Type: typ})
	if err != nil {
		t.Fatalf("runtime %v: %v", v, err)
	}
	q := url.Values{}
	if err := AddQuery(q, name, frag); err != nil {
		t.Fatalf("runtime %v: %v", v, err)
	}
	return q
}

func sameQuery(t *testing.T, what string, got, want url.Values) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %q, runtime %q", what, got, want)
		return
	}
	for k, v := range want {
		if !slices.Equal(got[k], v) {
			t.Errorf("%s: %q, runtime %q", what, got, want)
			return
		}
	}
}

// direct calls f on a fresh query and returns it.
func direct(f func(url.Values)) url.Values {
	q := url.Values{}
	f(q)
	return q
}

func TestScalarsMatchRuntime(t *testing.T) {
	for _, explode := range []bool{true, false} {
		for _, s := range testStrings {
			sameQuery(t, "String "+s, direct(func(q url.Values) { String(q, "k", s) }), viaRuntime(t, "form", explode, "k", s, "string"))
			sameQuery(t, "String enum "+s, direct(func(q url.Values) { String(q, "k", testEnum(s)) }), viaRuntime(t, "form", explode, "k", testEnum(s), "string"))
		}
		for _, n := range testInts {
			sameQuery(t, "Int", direct(func(q url.Values) { Int(q, "k", n) }), viaRuntime(t, "form", explode, "k", n, "integer"))
			sameQuery(t, "Int int", direct(func(q url.Values) { Int(q, "k", int(n)) }), viaRuntime(t, "form", explode, "k", int(n), "integer"))
			sameQuery(t, "Int level", direct(func(q url.Values) { Int(q, "k", testLevel(n)) }), viaRuntime(t, "form", explode, "k", testLevel(n), "integer"))
		}
		for _, b := range []bool{true, false} {
			sameQuery(t, "Bool", direct(func(q url.Values) { Bool(q, "k", b) }), viaRuntime(t, "form", explode, "k", b, "boolean"))
		}
		for _, x := range testFloats {
			for _, x := range []float64{x, -x} {
				sameQuery(t, "Float64", direct(func(q url.Values) { Float64(q, "k", x) }), viaRuntime(t, "form", explode, "k", x, "number"))
			}
		}
	}
}

func TestArraysMatchRuntime(t *testing.T) {
	lists := [][]string{{}, {""}, {"", ""}}
	for i, s := range testStrings {
		lists = append(lists, []string{s}, []string{s, testStrings[(i+7)%len(testStrings)]}, []string{s, "", s})
	}
	for _, explode := range []bool{true, false} {
		for _, l := range lists {
			sameQuery(t, "Strings", direct(func(q url.Values) { Strings(q, "k", l, explode) }), viaRuntime(t, "form", explode, "k", l, "array"))
			e := make([]testEnum, len(l))
			for i, s := range l {
				e[i] = testEnum(s)
			}
			sameQuery(t, "Strings enum", direct(func(q url.Values) { Strings(q, "k", e, explode) }), viaRuntime(t, "form", explode, "k", e, "array"))
		}
		for _, l := range [][]int64{{}, {0}, testInts, {-1, 1}} {
			sameQuery(t, "Ints", direct(func(q url.Values) { Ints(q, "k", l, explode) }), viaRuntime(t, "form", explode, "k", l, "array"))
			levels := make([]testLevel, len(l))
			for i, n := range l {
				levels[i] = testLevel(n)
			}
			sameQuery(t, "Ints level", direct(func(q url.Values) { Ints(q, "k", levels, explode) }), viaRuntime(t, "form", explode, "k", levels, "array"))
		}
	}
}

// testDeep is a deepObject parameter as oapi-codegen declares one.
type testDeep struct {
	Name  *string   `json:"name,omitempty"`
	Kind  *testEnum `json:"kind,omitempty"`
	Empty *string   `json:"empty,omitempty"`
	UUID  string    `json:"uuid"`
}

func (d testDeep) direct(q url.Values) {
	if p := d.Name; p != nil {
		DeepString(q, "match[name]", *p)
	}
	if p := d.Kind; p != nil {
		DeepString(q, "match[kind]", *p)
	}
	if p := d.Empty; p != nil {
		DeepString(q, "match[empty]", *p)
	}
	DeepString(q, "match[uuid]", d.UUID)
}

func TestDeepObjectMatchesRuntime(t *testing.T) {
	for i, s := range testStrings {
		other := testStrings[(i+5)%len(testStrings)]
		kind := testEnum(other)
		for _, d := range []testDeep{
			{Name: &s, UUID: other},
			{Name: &s, Kind: &kind, UUID: s},
			{Kind: &kind, UUID: ""},
		} {
			sameQuery(t, "deepObject "+s, direct(d.direct), viaRuntime(t, "deepObject", true, "match", d, "object"))
		}
	}
}

func TestPathMatchesRuntime(t *testing.T) {
	path := func(v any, typ string) string {
		s, err := runtime.StyleParamWithOptions("simple", false, "id", v, runtime.StyleParamOptions{ParamLocation: runtime.ParamLocationPath, Type: typ})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	for _, s := range testStrings {
		if got, want := PathString(s), path(s, "string"); got != want {
			t.Errorf("PathString(%q) = %q, runtime %q", s, got, want)
		}
		if got, want := PathString(testEnum(s)), path(testEnum(s), "string"); got != want {
			t.Errorf("PathString(testEnum(%q)) = %q, runtime %q", s, got, want)
		}
	}
	for _, n := range testInts {
		if got, want := PathInt(n), path(n, "integer"); got != want {
			t.Errorf("PathInt(%d) = %q, runtime %q", n, got, want)
		}
	}
}

// FuzzDirectMatchesRuntime: for any strings and integer, the direct
// encoders put in the query what runtime would.
func FuzzDirectMatchesRuntime(f *testing.F) {
	f.Add("a b", "x&y=z", int64(7), true)
	f.Add("", "\xff", int64(-1), false)
	f.Add("%zz", "ü,+", int64(1<<62), true)
	f.Fuzz(func(t *testing.T, a, b string, n int64, explode bool) {
		sameQuery(t, "String", direct(func(q url.Values) { String(q, "k", a) }), viaRuntime(t, "form", explode, "k", a, "string"))
		sameQuery(t, "Int", direct(func(q url.Values) { Int(q, "k", n) }), viaRuntime(t, "form", explode, "k", n, "integer"))
		l := []string{a, b}
		sameQuery(t, "Strings", direct(func(q url.Values) { Strings(q, "k", l, explode) }), viaRuntime(t, "form", explode, "k", l, "array"))
		d := testDeep{Name: &a, UUID: b}
		sameQuery(t, "deepObject", direct(d.direct), viaRuntime(t, "deepObject", true, "match", d, "object"))
		s, err := runtime.StyleParamWithOptions("simple", false, "id", a, runtime.StyleParamOptions{ParamLocation: runtime.ParamLocationPath, Type: "string"})
		if err != nil || PathString(a) != s {
			t.Errorf("PathString(%q) = %q, runtime %q, %v", a, PathString(a), s, err)
		}
	})
}

func TestPathIsSprintf(t *testing.T) {
	for _, c := range []struct {
		format string
		segs   []string
	}{
		{"/v1/sic/alerts", nil},
		{"/v1/sic/alerts/%s", []string{"ALabc"}},
		{"/edr/v2/data/%s/%s/processes", []string{"12", "a%2Fb"}},
		{"/a/%s/b/%s", []string{"", ".."}},
		{"/100%%/%s", []string{"x"}},
	} {
		args := make([]any, len(c.segs))
		for i, s := range c.segs {
			args[i] = s
		}
		if got, want := Path(c.format, c.segs...), fmt.Sprintf(c.format, args...); got != want {
			t.Errorf("Path(%q, %q) = %q, Sprintf %q", c.format, c.segs, got, want)
		}
	}
}
