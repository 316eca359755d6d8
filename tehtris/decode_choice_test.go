package tehtris

import (
	"testing"

	"github.com/socgo/xdr/internal/jsonpage"
	"github.com/socgo/xdr/internal/vsraw"
)

// libraryEvents decodes a page of events with the library path of
// internal/jsonpage, for BenchmarkDecodeEventsChoice.
func libraryEvents(page []byte) ([]Event, bool) {
	dec := jsonpage.NewDecoder(page)
	var out []Event
	ok, err := jsonpage.Array(dec, func() error {
		var w eventJSON
		raw, err := jsonpage.Decode(dec, page, &w)
		if err != nil {
			return err
		}
		out = append(out, Event{})
		out[len(out)-1].fromWire(&w, raw)
		return nil
	})
	return out, ok && err == nil
}

// BenchmarkDecodeEventsChoice weighs the hand-written page decoder (sdk)
// against the library path (raw) on one page of 1000 sample events (see
// the jsonpage package doc).
func BenchmarkDecodeEventsChoice(b *testing.B) {
	page := benchPage(b, 1000)
	vsraw.Run(b, 1000, func(b *testing.B) {
		for b.Loop() {
			if evs, ok := decodeEventsFast(page, 1000); !ok || len(evs) != 1000 {
				b.Fatal(ok, len(evs))
			}
		}
	}, func(b *testing.B) {
		for b.Loop() {
			if evs, ok := libraryEvents(page); !ok || len(evs) != 1000 {
				b.Fatal(ok, len(evs))
			}
		}
	})
}
