package collect

import (
	"bytes"
	"errors"
	"maps"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"
)

func TestCheckpointRoundTrip(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 500 {
		s := state{Time: time.Unix(rng.Int64N(1<<34), rng.Int64N(1e9)).In(time.FixedZone("x", 3600)), IDs: map[string]struct{}{}}
		for range rng.IntN(20) {
			s.IDs[strconv.FormatUint(rng.Uint64(), 36)+"\"\\é\x00"] = struct{}{}
		}
		b, err := encodeCheckpoint(s)
		if err != nil {
			t.Fatalf("encode %d: %v", i, err)
		}
		got, err := decodeCheckpoint(b)
		if err != nil {
			t.Fatalf("decode %s: %v", b, err)
		}
		if !got.Time.Equal(s.Time) || got.Time.Location() != time.UTC || !maps.Equal(got.IDs, s.IDs) {
			t.Fatalf("round trip of %+v gave %+v", s, got)
		}
	}
	if _, err := encodeCheckpoint(state{Time: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}); err == nil {
		t.Fatal("encode of year 10000: no error")
	}
	for _, b := range []string{"", " \n", "\x00"} {
		if _, err := decodeCheckpoint([]byte(b)); !errors.Is(err, ErrCorruptCheckpoint) {
			t.Errorf("decode %q: %v, want ErrCorruptCheckpoint", b, err)
		}
	}
}

// FuzzCheckpoint: decoding never panics; whatever decodes re-encodes to a
// canonical form that decodes to the same state and re-encodes identically.
func FuzzCheckpoint(f *testing.F) {
	for _, s := range []string{
		`{"v":1,"time":"2026-05-01T10:00:00Z","ids":["41","42"]}`,
		`{"v":1,"time":"2026-05-01T10:00:00.123456789+02:00","ids":[]}`,
		`{"v":1,"time":"2026-05-01T10:00:00Z","ids":null}`,
		`{"v":1,"time":"2026-05-01T10:00:00Z","ids":["a","a"]}`,
		`{"v":2,"time":"2026-05-01T10:00:00Z"}`,
		`{"v":1}`, `{}`, `null`, ``, `{"v":1,"time":"2026-05-01T10:00:00Z"}x`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := decodeCheckpoint(b)
		if err != nil {
			if !errors.Is(err, ErrCorruptCheckpoint) {
				t.Fatalf("decode %q: %v is not ErrCorruptCheckpoint", b, err)
			}
			return
		}
		enc, err := encodeCheckpoint(s)
		if err != nil {
			t.Fatalf("encode of decoded %q: %v", b, err)
		}
		s2, err := decodeCheckpoint(enc)
		if err != nil {
			t.Fatalf("decode of canonical %s: %v", enc, err)
		}
		if !s2.Time.Equal(s.Time) || !maps.Equal(s2.IDs, s.IDs) {
			t.Fatalf("%q → %+v → %s → %+v", b, s, enc, s2)
		}
		enc2, _ := encodeCheckpoint(s2)
		if !bytes.Equal(enc, enc2) {
			t.Fatalf("not canonical: %s then %s", enc, enc2)
		}
	})
}
