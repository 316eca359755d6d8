// Package wiretest checks the generated wire layers (internal/wire/sekoia,
// tehtris, sentinelone) against github.com/oapi-codegen/runtime: each
// layer's tests build every operation's request twice over random
// parameters, with the generated builder (direct code where it has it) and
// with a builder that encodes every parameter through runtime, generated
// beside the tests from openapi/wire/runtime_test.tmpl, and Compare
// reports any difference.
package wiretest

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/socgo/xdr/internal/wire"
)

// Strings are the string values a Filler picks from: those whose escaping
// or encoding can go wrong (empty, spaces, the query's delimiters, percent
// signs, non-ASCII, invalid UTF-8, what encoding/json escapes).
var Strings = []string{
	"", "a", "ALabc", "0b2e7f1c-7b8a-4f3e-9a51-0c1d2e3f4a5b", " ", "a b", " lead", "+", "a+b",
	"&", "a&b=c", "=", "%", "%20", "%zz", "%2e%2e", ",", "a,b", ";", "#frag", "?q", "/", "a/b",
	".", "..", "[x]", "ü", "日本語", "emoji 🚀", "\x00", "\t\n", "\xff", "a\xffb", "\xed\xa0\x80",
	"\xe2\x82", "<>&'\"", "\u2028\u2029", `C:\Windows\cmd.exe`, "null", "true", "1e3",
	"2026-01-02T03:04:05.000Z,now", "70,100",
}

// Ints are the integer values a Filler picks from (those that do not fit
// the kind are skipped).
var Ints = []int64{0, 1, -1, 7, 100, 1000, 1 << 31, -1 << 31, math.MaxInt32, math.MinInt32, math.MaxInt64, math.MinInt64, 1700000000}

// Floats are the float values a Filler picks from.
var Floats = []float64{0, math.Copysign(0, -1), 1, -1.5, 1700000000.25, 1e21, 1e-7, 5e-324, math.MaxFloat64, math.Inf(1), math.Inf(-1), math.NaN()}

// Filler makes random values of any parameter type from a seed: pointers
// nil or set, slices of 0 to 3 elements, structs with every exported field
// filled, scalars from Strings, Ints and Floats.
type Filler struct{ r *rand.Rand }

// NewFiller returns a Filler drawing from seed.
func NewFiller(seed uint64) *Filler {
	return &Filler{rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

// Value returns a random value of type T.
func Value[T any](f *Filler) T {
	var v T
	f.fill(reflect.ValueOf(&v).Elem(), 0)
	return v
}

func (f *Filler) fill(v reflect.Value, depth int) {
	switch v.Kind() {
	case reflect.Pointer:
		if f.r.IntN(4) == 0 || depth > 4 {
			return
		}
		v.Set(reflect.New(v.Type().Elem()))
		f.fill(v.Elem(), depth+1)
	case reflect.String:
		v.SetString(Strings[f.r.IntN(len(Strings))])
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		for {
			if n := Ints[f.r.IntN(len(Ints))]; !v.OverflowInt(n) {
				v.SetInt(n)
				return
			}
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		n := uint64(f.r.Int64())
		for v.OverflowUint(n) {
			n >>= 8
		}
		v.SetUint(n)
	case reflect.Bool:
		v.SetBool(f.r.IntN(2) == 0)
	case reflect.Float32, reflect.Float64:
		x := Floats[f.r.IntN(len(Floats))]
		if v.OverflowFloat(x) {
			x = 1.5
		}
		v.SetFloat(x)
	case reflect.Slice:
		n := f.r.IntN(4)
		s := reflect.MakeSlice(v.Type(), n, n)
		for i := range n {
			f.fill(s.Index(i), depth+1)
		}
		v.Set(s)
	case reflect.Map:
		if v.Type().Key().Kind() != reflect.String {
			return
		}
		m := reflect.MakeMap(v.Type())
		for range f.r.IntN(3) {
			k := reflect.New(v.Type().Key()).Elem()
			k.SetString(Strings[f.r.IntN(len(Strings))])
			e := reflect.New(v.Type().Elem()).Elem()
			f.fill(e, depth+1)
			m.SetMapIndex(k, e)
		}
		v.Set(m)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				f.fill(v.Field(i), depth+1)
			}
		}
	}
}

// Pair builds one operation's request from the values of a Filler twice:
// with its generated builder and with the runtime-only builder.
type Pair struct {
	Op    string
	Build func(f *Filler) (direct, viaRuntime wire.Request, errDirect, errRuntime error)
}

// Compare builds each pair's request rounds times, from fresh random
// values, and reports where the two builders differ: one failing and not
// the other, or a different method, path, query or header.
func Compare(t *testing.T, pairs []Pair, rounds int) {
	t.Helper()
	if len(pairs) == 0 {
		t.Fatal("no operations to compare")
	}
	for _, p := range pairs {
		for seed := range uint64(rounds) {
			d, r, errD, errR := p.Build(NewFiller(seed))
			if (errD == nil) != (errR == nil) {
				t.Errorf("%s, seed %d: direct error %v, runtime error %v", p.Op, seed, errD, errR)
				continue
			}
			if errD != nil {
				continue
			}
			if diff := Diff(d, r); diff != "" {
				t.Errorf("%s, seed %d: %s", p.Op, seed, diff)
			}
		}
	}
}

// Diff describes how request d differs from r ("" when it does not).
func Diff(d, r wire.Request) string {
	switch {
	case d.Method != r.Method:
		return fmt.Sprintf("method %s, runtime %s", d.Method, r.Method)
	case d.Path != r.Path:
		return fmt.Sprintf("path %q, runtime %q", d.Path, r.Path)
	case !sameValues(d.Query, r.Query):
		return fmt.Sprintf("query %q, runtime %q", d.Query, r.Query)
	case !sameValues(d.Header, r.Header):
		return fmt.Sprintf("header %q, runtime %q", d.Header, r.Header)
	}
	return ""
}

func sameValues[M ~map[string][]string](a, b M) bool {
	if (a == nil) != (b == nil) || len(a) != len(b) {
		return false
	}
	for k, v := range a {
		w, ok := b[k]
		if !ok || !slices.Equal(v, w) {
			return false
		}
	}
	return true
}
