package jsonscan

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// record has a field of each kind, and more string fields than a Decoder
// gathers between two flushes.
type record struct {
	S [40]string
	N int64
	I int
	P *int64
	B bool
	V json.RawMessage
	T string // a string or a number's text
}

var recordTable = func() *Table[record] {
	fs := []Field[record]{
		Int64("n", func(r *record) *int64 { return &r.N }),
		Int("i", func(r *record) *int { return &r.I }),
		IntPtr("p", func(r *record) **int64 { return &r.P }),
		Bool("b", func(r *record) *bool { return &r.B }),
		StringOrNumber("t", func(r *record) *string { return &r.T }),
		Value("v", func(r *record, b []byte, i int) (int, bool) {
			end, ok := ValueEnd(b, i)
			if !ok || !json.Valid(b[i:end]) {
				return 0, false
			}
			r.V = b[i:end:end]
			return end, true
		}),
	}
	for k := range len(record{}.S) {
		fs = append(fs, String(fmt.Sprintf("s%d", k), func(r *record) *string { return &r.S[k] }))
	}
	return NewTable(fs...)
}()

// want decodes b as encoding/json would into a record: b is an object
// whose member names are exactly the table's (Object refuses the others).
func want(t *testing.T, b []byte) record {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("Object accepted what encoding/json refuses (%v): %q", err, b)
	}
	var r record
	for k, v := range m {
		var err error
		switch {
		case k == "n":
			err = json.Unmarshal(v, &r.N)
		case k == "i":
			err = json.Unmarshal(v, &r.I)
		case k == "p":
			err = json.Unmarshal(v, &r.P)
		case k == "b":
			err = json.Unmarshal(v, &r.B)
		case k == "v":
			r.V = v
		case k == "t" && len(v) > 0 && (v[0] == '-' || v[0] >= '0' && v[0] <= '9'):
			var n json.Number
			err = json.Unmarshal(v, &n)
			r.T = string(n)
		case k == "t":
			err = json.Unmarshal(v, &r.T)
		default:
			var n int
			if _, e := fmt.Sscanf(k, "s%d", &n); e == nil && fmt.Sprintf("s%d", n) == k && n < 40 {
				err = json.Unmarshal(v, &r.S[n])
			}
		}
		if err != nil {
			t.Fatalf("member %s: Object accepted what encoding/json refuses (%v): %q", k, err, b)
		}
	}
	return r
}

func FuzzObject(f *testing.F) {
	for _, s := range []string{
		`{}`, `{"n":1,"i":-2,"p":3,"b":true,"v":{"x":[1,"]"]}}`, `{"p":null,"b":null,"n":null,"s0":null}`,
		`{"s0":"a\nb\"c","s1":"\u00e9","s2":"é","x":[1,2,{"y":null}]}`, `{"N":1}`, `{"n":1,"n":2}`,
		`{"n":1.5}`, `{"n":01}`, `{"n":123456789012345678901}`, `{"s\u0030":"x"}`, `{"s0":"\xff"}`,
		`{"s0":"a","s1":"b","s2":"c","s3":"d","s4":"e","s5":"f","s6":"g","s7":"h","s8":"i","s9":"j",` +
			`"s10":"a","s11":"b","s12":"c","s13":"d","s14":"e","s15":"f","s16":"g","s17":"h","s18":"i",` +
			`"s19":"j","s20":"a","s21":"b","s22":"c","s23":"d","s24":"e","s25":"f","s26":"g","s27":"h",` +
			`"s28":"i","s29":"j","s30":"a","s31":"b","s32":"c","s33":"d","s34":"e","s35":"f","s36":"g"}`,
		` { "s0" : "x" , "v" : null } `, `{"x":tru}`, `{"b":false,"x":"\ud800"}`,
		`{"t":"a\"b"}`, `{"t":-12.5e3}`, `{"t":01}`, `{"t":-}`, `{"t":null}`, `{"t":true}`, `{"t":1,"s0":"x"}`,
		escapedSeed(sizes(40, 3)...), escapedSeed(sizes(36, 60)...), escapedSeed(1100, 5, 2000),
		escapedSeed(append(sizes(32, 0), sizes(8, 30)...)...),
	} {
		f.Add([]byte(s), uint8(0))
		f.Add([]byte(s), uint8(8))
		f.Add([]byte(s), uint8(255))
	}
	f.Fuzz(func(t *testing.T, b []byte, reserve uint8) {
		var d Decoder
		d.Init(b, false, int(reserve))
		var got record
		end, ok := Object(&d, recordTable, &got, d.Space(0))
		if !ok || d.Space(end) != len(b) {
			return
		}
		d.Flush()
		if w := want(t, b); !reflect.DeepEqual(got, w) {
			t.Fatalf("Object and encoding/json differ on %q:\n%+v\n%+v", b, got, w)
		}
	})
}

// escapedSeed is an object of string members s0, s1…, member k of sizes[k]
// bytes holding escapes: more strings, or more escaped text, than a
// Decoder gathers between two flushes.
func escapedSeed(sizes ...int) string {
	var sb strings.Builder
	sb.WriteString("{")
	for k, n := range sizes {
		if k > 0 {
			sb.WriteString(",")
		}
		fmt.Fprintf(&sb, `"s%d":"%c\\%s\""`, k, 'a'+k%26, strings.Repeat("x", n))
	}
	sb.WriteString("}")
	return sb.String()
}

// sizes returns n times size.
func sizes(n, size int) []int {
	s := make([]int, n)
	for k := range s {
		s[k] = size
	}
	return s
}

func TestNewTableRefusesRepeatedName(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("no panic")
		}
	}()
	NewTable(Int64("n", func(r *record) *int64 { return &r.N }), Int("n", func(r *record) *int { return &r.I }))
}
