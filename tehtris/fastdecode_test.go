package tehtris

import (
	"bytes"
	"reflect"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// samplePage returns the six sample events as one page.
func samplePage(t testing.TB) []byte {
	t.Helper()
	page := []byte("[")
	for _, b := range loadSamples(t) {
		if len(page) > 1 {
			page = append(page, ',')
		}
		page = append(page, bytes.TrimSpace(b)...)
	}
	return append(page, ']')
}

// checkSamePaths fails unless the fast decoder, when it accepts data,
// gives exactly what the general path gives.
func checkSamePaths(t *testing.T, data []byte) (fast bool) {
	t.Helper()
	got, ok := decodeEventsFast(data, 0)
	if !ok {
		return false
	}
	want, err := decodeEventsGeneral(data)
	if err != nil {
		t.Fatalf("the fast decoder accepted a page the general path refuses (%v): %q", err, data)
	}
	if len(got) != len(want) {
		t.Fatalf("fast decoder: %d events, general path: %d: %q", len(got), len(want), data)
	}
	for i := range got {
		// reflect.DeepEqual also compares the time locations and the
		// pointees of the pointer fields.
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Fatalf("event %d of %q differs (-fast +general):\n%s\nlocations %v %v", i, data,
				cmp.Diff(got[i], want[i]), got[i].Time.Location(), want[i].Time.Location())
		}
		if !aliases(data, got[i].Raw) || cap(got[i].Raw) != len(got[i].Raw) {
			t.Fatalf("event %d: Raw is not a capped sub-slice of the page", i)
		}
	}
	return true
}

// aliases reports whether sub is a slice of page's array.
func aliases(page, sub []byte) bool {
	for off := range len(page) - len(sub) + 1 {
		if &page[off] == &sub[0] {
			return true
		}
	}
	return false
}

func TestFastDecodeSamples(t *testing.T) {
	t.Parallel()
	page := samplePage(t)
	if !checkSamePaths(t, page) {
		t.Fatal("the sample page is not decoded by the fast decoder")
	}
	evs, err := decodeEvents(page, 6)
	if err != nil {
		t.Fatal(err)
	}
	// Every event re-encodes byte for byte.
	for i, b := range loadSamples(t) {
		found := false
		for _, ev := range evs {
			if out, _ := ev.MarshalJSON(); bytes.Equal(out, bytes.TrimSpace(b)) {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: no decoded event re-encodes to it", i)
		}
	}
	// The API's own layout, pretty-printed and with unknown members, stays
	// on the fast path.
	for _, in := range []string{
		"[\n {\n  \"id\": 1,\n  \"time\": \"2024-02-29T23:59:59.999999+00:00\",\n  \"new\": {\"a\": [1, \"}\"]}\n }\n]\n",
		`[{"id":-0,"lvl":9,"description":"a\"b\\c\/d\n\r\t\b\f","pid":null,"ppid":7,"os_server__":true,"username":null,"atime":null,"mtime":""}]`,
		`[{},{"id":9223372036}]`,
		`[]`,
	} {
		if !checkSamePaths(t, []byte(in)) {
			t.Errorf("%q is not decoded by the fast decoder", in)
		}
	}
}

// TestFastDecodeFallsBack checks inputs the fast decoder must leave to the
// general path, and that decodeEvents still decodes (or refuses) them
// as encoding/json does.
func TestFastDecodeFallsBack(t *testing.T) {
	t.Parallel()
	for _, in := range []string{
		`[{"id":1,"id":2}]`, // duplicate
		`[{"ID":1}]`,        // case variant
		`[{"Time":"2024-01-02T03:04:05.000000+00:00"}]`,
		`[{"\u0069d":1}]`,              // escaped key
		"[{\"\u212a\":1}]",             // Unicode key
		`[{"description":"\u00e9"}]`,   // \u escape
		"[{\"description\":\"\xff\"}]", // invalid UTF-8
		`[{"id":1e3}]`,
		`[{"id":1.0}]`,
		`[{"id":01}]`,
		`[{"id":"1"}]`,
		`[{"id":1234567890123456789}]`,
		`[{"lvl":true}]`,
		`[{"time":5}]`,
		`[{"time":"2024-02-30T00:00:00.000000+00:00"}]`,
		`[{"x":tru}]`,
		`[{"x":[1,]}]`,
		`[{"id":1}`,
		`[{"id":1},]`,
		`[1]`,
		`[null]`,
		`{"id":1}`,
	} {
		if checkSamePaths(t, []byte(in)) {
			t.Errorf("%q was decoded by the fast decoder", in)
		}
	}
}

func TestParseWireTime(t *testing.T) {
	t.Parallel()
	for _, s := range []string{
		"2022-10-28T11:58:20.377350+00:00", "2024-02-29T00:00:00.000000+00:00",
		"0000-01-01T00:00:00.000000+00:00", "9999-12-31T23:59:59.999999+00:00",
	} {
		got, ok := parseWireTime([]byte(s))
		var want time.Time
		if err := want.UnmarshalJSON([]byte(`"` + s + `"`)); err != nil || !ok {
			t.Fatalf("%s: ok %v, %v", s, ok, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %#v, want %#v", s, got, want)
		}
	}
	for _, s := range []string{
		"2023-02-29T00:00:00.000000+00:00", "2022-10-28T24:00:00.000000+00:00",
		"2022-10-28T11:58:20.377350+01:00", "2022-10-28T11:58:20.377350Z",
		"2022-10-28T11:58:20.37735+00:00", "2022-13-28T11:58:20.377350+00:00",
	} {
		if _, ok := parseWireTime([]byte(s)); ok {
			t.Errorf("%s: parsed", s)
		}
	}
}

// FuzzFastDecode checks the fast decoder against the general path on
// arbitrary input, as a page and as one event wrapped in a page: whenever
// the fast decoder accepts the input, the general path must accept it too
// and give exactly the same events.
func FuzzFastDecode(f *testing.F) {
	f.Add(samplePage(f))
	for _, b := range loadSamples(f) {
		f.Add(bytes.TrimSpace(b))
	}
	for _, s := range []string{
		`[]`, `{}`, `{"id":1,"id":2}`, `{"ID":1}`, `{"Id":1,"x":{"id":[null,true,"\u0000"]}}`,
		`{"description":"\ud83d\ude00 \ud800"}`, `{"cmdline":"\"a\" \\b \/"}`,
		`{"time":"2024-01-02T03:04:05+00:00","ctime":"2024-01-02T03:04:05Z","mtime":"2024-01-02T03:04:05.123456"}`,
		`{"time":"2024-02-29T23:59:59.999999+00:00","atime":null,"hash_last_update":""}`,
		`{"pid":-9,"ppid":null,"positives":0,"total":-0,"maliciousMacro":1e2}`,
		`{"os_server__":false,"username":"","lvl":null}`, "{\"ſ\":1}", "{\"K\":1}",
		`{"id":999999999999999999}`, `{"id":-999999999999999999}`, `{"id":9223372036854775807}`,
		"{\"tag\":\"\xc3\xa9\xff\"}", `{"id" : 1 , "x" : [ ] }`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkSamePaths(t, data)
		page := append(append([]byte("[ "), data...), " ,{\"id\":1}]"...)
		checkSamePaths(t, page)
	})
}

// benchPage returns a page of n copies of the sample events, ids made
// distinct.
func benchPage(b *testing.B, n int) []byte {
	b.Helper()
	var samples [][]byte
	for _, s := range loadSamples(b) {
		samples = append(samples, bytes.TrimSpace(s))
	}
	page := []byte("[")
	for i := range n {
		if i > 0 {
			page = append(page, ',')
		}
		page = append(page, samples[i%len(samples)]...)
	}
	return append(page, ']')
}

// BenchmarkDecodePage_Fast and BenchmarkDecodePage_General compare the two
// decoders on the same page of 1000 sample events.
func BenchmarkDecodePage_Fast(b *testing.B) {
	page := benchPage(b, 1000)
	b.SetBytes(int64(len(page)))
	b.ReportAllocs()
	for b.Loop() {
		if evs, ok := decodeEventsFast(page, 1000); !ok || len(evs) != 1000 {
			b.Fatal(ok, len(evs))
		}
	}
}

func BenchmarkDecodePage_General(b *testing.B) {
	page := benchPage(b, 1000)
	b.SetBytes(int64(len(page)))
	b.ReportAllocs()
	for b.Loop() {
		if evs, err := decodeEventsGeneral(page); err != nil || len(evs) != 1000 {
			b.Fatal(err, len(evs))
		}
	}
}
