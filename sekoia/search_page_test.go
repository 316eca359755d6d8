package sekoia

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/socgo/xdr/internal/vsraw"
)

// BenchmarkDecodeEventPage: sdk is the one jsonpage pass over a results
// page of 1000 events, raw the validate-then-split path.
func BenchmarkDecodeEventPage(b *testing.B) {
	body := []byte(`{"items":[`)
	for i := range 1000 {
		if i > 0 {
			body = append(body, ',')
		}
		body = fmt.Appendf(body, `{"__event_id":"e%d","timestamp":"2026-03-01T00:00:%02dZ","message":"user \"x\" logged in","source.ip":"10.0.0.%d","tags":["a","b"],"n":%d}`, i, i%60, i%250, i)
	}
	body = append(body, `],"total":1000,"paging_token":"tok"}`...)
	vsraw.Run(b, 1000, func(b *testing.B) {
		for b.Loop() {
			if p, ok := decodeEventPageOnePass(body); !ok || len(p.Events) != 1000 {
				b.Fatal("not decoded")
			}
		}
	}, func(b *testing.B) {
		for b.Loop() {
			if p, err := decodeEventPageSplit(body); err != nil || len(p.Events) != 1000 {
				b.Fatal(err)
			}
		}
	})
}

// FuzzEventPageOnePass checks that the one pass, when it accepts a page,
// gives exactly what the validate-then-split path gives.
func FuzzEventPageOnePass(f *testing.F) {
	for _, s := range []string{
		`{"items":[{"a":1},{"b":"x\"]}"}],"total":2}`, `{"total":0,"items":[]}`, `{"items":null}`,
		`{"items":[{"k":[[1],[2,{"z":null}]]}],"total":1,"paging_token":"t\u00e9"}`, `{"items":[1]}`,
		`{"items":[{}],"items":[{"a":2}]}`, `{"it\u0065ms":[{}]}`, `{"items":[{}],"total":"3"}`,
		`{"items":[{}],"total":-1.5e3} `, `{"items":[{}]}{}`, `{"items":[{"a":"\xff"}]}`, `{"total":null}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		got, ok := decodeEventPageOnePass(body)
		if !ok {
			return
		}
		want, err := decodeEventPageSplit(body)
		if err != nil {
			t.Fatalf("the one pass accepted a page the general path refuses (%v): %q", err, body)
		}
		if got.Total != want.Total || got.PagingToken != want.PagingToken || len(got.Events) != len(want.Events) {
			t.Fatalf("pages differ on %q: %+v %+v", body, got, want)
		}
		for i := range got.Events {
			if !bytes.Equal(got.Events[i].Raw, want.Events[i].Raw) || cap(got.Events[i].Raw) != len(got.Events[i].Raw) {
				t.Fatalf("event %d differs on %q: %s %s", i, body, got.Events[i].Raw, want.Events[i].Raw)
			}
		}
	})
}
