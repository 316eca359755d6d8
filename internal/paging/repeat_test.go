package paging

import (
	"context"
	"errors"
	"testing"

	"github.com/socgo/xdr/internal/apierror"
)

func TestOffsetRepeatedPageStalls(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		page OffsetPage[int]
	}{
		{"has more", OffsetPage[int]{Items: []int{1, 2}, Total: -1, Fingerprint: Fingerprint([]byte(`[1,2]`))}},
		{"full pages", OffsetPage[int]{Items: []int{1, 2}, Total: -1, Advance: 2, Fingerprint: Fingerprint([]byte(`[1,2]`))}},
		{"known total", OffsetPage[int]{Items: []int{1, 2}, Total: 1 << 30, Fingerprint: Fingerprint([]byte(`[1,2]`))}},
	} {
		calls := 0
		fetch := func(context.Context, int, int) (OffsetPage[int], error) {
			calls++
			return tc.page, nil
		}
		var got []int
		var err error
		for v, e := range Offset(context.Background(), 0, 2, fetch) {
			if e != nil {
				err = e
				break
			}
			got = append(got, v)
		}
		if !errors.Is(err, apierror.ErrPaginationStalled) {
			t.Errorf("%s: err %v, want ErrPaginationStalled", tc.name, err)
		}
		if len(got) != 2 || calls > 3 {
			t.Errorf("%s: %d items in %d calls, want the page once", tc.name, len(got), calls)
		}
	}
}

func TestOffsetDistinctPagesWithFingerprints(t *testing.T) {
	t.Parallel()
	fetch := func(_ context.Context, offset, limit int) (OffsetPage[int], error) {
		if offset >= 6 {
			return OffsetPage[int]{Total: -1}, nil
		}
		return OffsetPage[int]{Items: []int{offset, offset + 1}, Total: -1, Fingerprint: Fingerprint([]byte{byte(offset)})}, nil
	}
	got, err := Collect(Offset(context.Background(), 0, 2, fetch))
	if err != nil || len(got) != 6 {
		t.Errorf("got %v, %v", got, err)
	}
}

// BenchmarkFingerprint measures the cost a page's fingerprint adds to an
// iterator: compare its MB/s with the decoders' (a page of 100 alerts is
// about 200 KB).
func BenchmarkFingerprint(b *testing.B) {
	body := make([]byte, 256<<10)
	for i := range body {
		body[i] = byte(i * 7)
	}
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		Fingerprint(body)
	}
}
