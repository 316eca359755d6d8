package paging

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"

	"github.com/google/go-cmp/cmp"

	"github.com/socgo/xdr/internal/apierror"
)

// offsetServer serves items 0..n-1 by offset and records the requests.
type offsetServer struct {
	n     int
	total bool // report the total
	mu    sync.Mutex
	calls []int
	fail  map[int]error // offset → error
}

func (s *offsetServer) fetch(_ context.Context, offset, limit int) (OffsetPage[int], error) {
	s.mu.Lock()
	s.calls = append(s.calls, offset)
	err := s.fail[offset]
	s.mu.Unlock()
	if err != nil {
		return OffsetPage[int]{}, err
	}
	p := OffsetPage[int]{Total: -1}
	if s.total {
		p.Total = s.n
	}
	for i := offset; i < min(offset+limit, s.n); i++ {
		p.Items = append(p.Items, i)
	}
	return p, nil
}

func (s *offsetServer) requests() []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.calls)
}

func collect[T any](t *testing.T, seq func(func(T, error) bool)) ([]T, []error) {
	t.Helper()
	var items []T
	var errs []error
	for v, err := range seq {
		if err != nil {
			errs = append(errs, err)
			continue // keep going: the iterator must stop by itself
		}
		items = append(items, v)
	}
	return items, errs
}

func seqInts(from, to int) []int {
	var out []int
	for i := from; i < to; i++ {
		out = append(out, i)
	}
	return out
}

func TestOffsetPages(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		n     int
		total bool
		start int
		want  []int // offsets requested
	}{
		{"short last page", 8, false, 0, []int{0, 3, 6}},
		{"exact multiple, no total: one empty page ends it", 9, false, 0, []int{0, 3, 6, 9}},
		{"exact multiple, total known: no extra request", 9, true, 0, []int{0, 3, 6}},
		{"from a start offset", 10, true, 4, []int{4, 7}},
		{"empty list", 0, false, 0, []int{0}},
		{"empty list with total", 0, true, 0, []int{0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &offsetServer{n: tt.n, total: tt.total}
			items, errs := collect(t, Offset(t.Context(), tt.start, 3, s.fetch))
			if len(errs) != 0 {
				t.Fatalf("errors: %v", errs)
			}
			if want := seqInts(tt.start, tt.n); !slices.Equal(items, want) {
				t.Errorf("items %v, want %v", items, want)
			}
			if got := s.requests(); !slices.Equal(got, tt.want) {
				t.Errorf("offsets requested %v, want %v", got, tt.want)
			}
		})
	}
}

func TestOffsetStopsOnLast(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	fetch := func(_ context.Context, offset, limit int) (OffsetPage[string], error) {
		calls.Add(1)
		return OffsetPage[string]{Items: []string{"a", "b"}, Total: -1, Last: true}, nil
	}
	items, errs := collect(t, Offset(t.Context(), 0, 2, fetch))
	if len(items) != 2 || len(errs) != 0 || calls.Load() != 1 {
		t.Errorf("items %v, errors %v, %d calls", items, errs, calls.Load())
	}
}

func TestOffsetAdvanceCountsRawItems(t *testing.T) {
	t.Parallel()
	// The server returned 3 raw items per page, of which the decoder kept
	// only one: the offset must move by 3, and a short page is judged on 3.
	var offsets []int
	fetch := func(_ context.Context, offset, limit int) (OffsetPage[int], error) {
		offsets = append(offsets, offset)
		if offset >= 6 {
			return OffsetPage[int]{Items: []int{offset}, Advance: 1, Total: -1}, nil
		}
		return OffsetPage[int]{Items: []int{offset}, Advance: 3, Total: -1}, nil
	}
	items, errs := collect(t, Offset(t.Context(), 0, 3, fetch))
	if !slices.Equal(items, []int{0, 3, 6}) || len(errs) != 0 || !slices.Equal(offsets, []int{0, 3, 6}) {
		t.Errorf("items %v, offsets %v, errors %v", items, offsets, errs)
	}
}

func TestOffsetStalled(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	fetch := func(_ context.Context, offset, limit int) (OffsetPage[int], error) {
		calls.Add(1)
		// A page that claims to move the offset backwards.
		return OffsetPage[int]{Items: []int{offset}, Advance: -1, Total: 100}, nil
	}
	_, errs := collect(t, Offset(t.Context(), 5, 3, fetch))
	if len(errs) != 1 || !errors.Is(errs[0], apierror.ErrPaginationStalled) || calls.Load() != 1 {
		t.Errorf("errors %v after %d calls, want one ErrPaginationStalled after 1", errs, calls.Load())
	}
}

func TestOffsetKnownTotalOutlivesCappedPages(t *testing.T) {
	t.Parallel()
	// The caller asks for 10 per page; the server caps pages at 4 but says
	// there are 10 items: short pages must not end the iteration.
	var offsets []int
	fetch := func(_ context.Context, offset, limit int) (OffsetPage[int], error) {
		offsets = append(offsets, offset)
		return OffsetPage[int]{Items: seqInts(offset, min(offset+4, 10)), Total: 10}, nil
	}
	items, errs := collect(t, Offset(t.Context(), 0, 10, fetch))
	if !slices.Equal(items, seqInts(0, 10)) || len(errs) != 0 || !slices.Equal(offsets, []int{0, 4, 8}) {
		t.Errorf("items %v, offsets %v, errors %v", items, offsets, errs)
	}
}

func TestOffsetEmptyPageEndsEvenBeforeTotal(t *testing.T) {
	t.Parallel()
	// Items were deleted while paging: the total is stale. An empty page
	// ends the iteration instead of asking for the same offset again.
	var offsets []int
	fetch := func(_ context.Context, offset, limit int) (OffsetPage[int], error) {
		offsets = append(offsets, offset)
		if offset >= 3 {
			return OffsetPage[int]{Total: 9}, nil
		}
		return OffsetPage[int]{Items: seqInts(offset, offset+3), Total: 9}, nil
	}
	items, errs := collect(t, Offset(t.Context(), 0, 3, fetch))
	if !slices.Equal(items, seqInts(0, 3)) || len(errs) != 0 || !slices.Equal(offsets, []int{0, 3}) {
		t.Errorf("items %v, offsets %v, errors %v", items, offsets, errs)
	}
}

func TestOffsetErrorMidStream(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	s := &offsetServer{n: 20, fail: map[int]error{6: boom}}
	items, errs := collect(t, Offset(t.Context(), 0, 3, s.fetch))
	if !slices.Equal(items, seqInts(0, 6)) {
		t.Errorf("items %v, want the two pages before the error", items)
	}
	if len(errs) != 1 || !errors.Is(errs[0], boom) {
		t.Errorf("errors %v, want boom exactly once", errs)
	}
	if got := s.requests(); !slices.Equal(got, []int{0, 3, 6}) {
		t.Errorf("offsets %v: nothing may be fetched after the error", got)
	}
}

// cursorServer serves pages keyed by cursor.
type cursorServer struct {
	pages map[string]CursorPage[string]
	mu    sync.Mutex
	calls []string
	fail  map[string]error
}

func (s *cursorServer) fetch(_ context.Context, cursor string) (CursorPage[string], error) {
	s.mu.Lock()
	s.calls = append(s.calls, cursor)
	s.mu.Unlock()
	if err := s.fail[cursor]; err != nil {
		return CursorPage[string]{}, err
	}
	p, ok := s.pages[cursor]
	if !ok {
		return CursorPage[string]{}, fmt.Errorf("unknown cursor %q", cursor)
	}
	return p, nil
}

func (s *cursorServer) requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.calls)
}

func TestCursorThreePagesThroughAnEmptyOne(t *testing.T) {
	t.Parallel()
	s := &cursorServer{pages: map[string]CursorPage[string]{
		"":   {Items: []string{"a", "b"}, Next: "c1"},
		"c1": {Items: nil, Next: "c2"}, // empty page that still has a next cursor
		"c2": {Items: []string{"c"}, Next: "c3"},
		"c3": {Items: []string{"d", "e"}},
	}}
	items, errs := collect(t, Cursor(t.Context(), "", s.fetch))
	if len(errs) != 0 || !slices.Equal(items, []string{"a", "b", "c", "d", "e"}) {
		t.Errorf("items %v, errors %v", items, errs)
	}
	if got := s.requests(); !slices.Equal(got, []string{"", "c1", "c2", "c3"}) {
		t.Errorf("cursors requested %v", got)
	}
}

func TestCursorFromAGivenCursor(t *testing.T) {
	t.Parallel()
	s := &cursorServer{pages: map[string]CursorPage[string]{
		"k5": {Items: []string{"x"}, Next: "k6"},
		"k6": {Items: []string{"y"}, Next: "k5"}, // back to where we started
	}}
	items, errs := collect(t, Cursor(t.Context(), "k5", s.fetch))
	if !slices.Equal(items, []string{"x", "y"}) || len(errs) != 1 || !errors.Is(errs[0], apierror.ErrPaginationStalled) {
		t.Errorf("items %v, errors %v; want x, y then ErrPaginationStalled", items, errs)
	}
}

func TestCursorRepeated(t *testing.T) {
	t.Parallel()
	s := &cursorServer{pages: map[string]CursorPage[string]{
		"":   {Items: []string{"a"}, Next: "c1"},
		"c1": {Items: []string{"b"}, Next: "c2"},
		"c2": {Items: []string{"c"}, Next: "c1"},
	}}
	items, errs := collect(t, Cursor(t.Context(), "", s.fetch))
	if !slices.Equal(items, []string{"a", "b", "c"}) {
		t.Errorf("items %v: the page that repeats a cursor is still delivered", items)
	}
	if len(errs) != 1 || !errors.Is(errs[0], apierror.ErrPaginationStalled) {
		t.Errorf("errors %v, want one ErrPaginationStalled", errs)
	}
	if got := s.requests(); !slices.Equal(got, []string{"", "c1", "c2"}) {
		t.Errorf("cursors requested %v, want no request of the repeated cursor", got)
	}
}

func TestCursorSamePageCursor(t *testing.T) {
	t.Parallel()
	s := &cursorServer{pages: map[string]CursorPage[string]{
		"":  {Items: []string{"a"}, Next: "c"},
		"c": {Items: []string{"b"}, Next: "c"},
	}}
	_, errs := collect(t, Cursor(t.Context(), "", s.fetch))
	if len(errs) != 1 || !errors.Is(errs[0], apierror.ErrPaginationStalled) {
		t.Errorf("errors %v, want one ErrPaginationStalled", errs)
	}
}

func TestCursorErrorMidStream(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	s := &cursorServer{
		pages: map[string]CursorPage[string]{"": {Items: []string{"a"}, Next: "c1"}, "c1": {Items: []string{"b"}, Next: "c2"}, "c2": {Items: []string{"c"}}},
		fail:  map[string]error{"c1": boom},
	}
	var got []string
	yields := 0
	for v, err := range Cursor(t.Context(), "", s.fetch) {
		yields++
		if err != nil {
			got = append(got, "err:"+err.Error())
			continue
		}
		got = append(got, v)
	}
	if !slices.Equal(got, []string{"a", "err:boom"}) || yields != 2 {
		t.Errorf("yielded %v, want a then the error once", got)
	}
	if r := s.requests(); !slices.Equal(r, []string{"", "c1"}) {
		t.Errorf("cursors requested %v", r)
	}
}

func TestEarlyBreakStopsFetching(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var calls atomic.Int32
		var prefetchCancelled, prefetchDone atomic.Bool
		fetch := func(ctx context.Context, offset, limit int) (OffsetPage[int], error) {
			calls.Add(1)
			if offset > 0 {
				// The prefetch is slow: it is still running at the break.
				<-ctx.Done()
				prefetchCancelled.Store(true)
				defer prefetchDone.Store(true)
				return OffsetPage[int]{}, ctx.Err()
			}
			return OffsetPage[int]{Items: seqInts(offset, offset+limit), Total: -1}, nil
		}
		n := 0
		for v, err := range Offset(t.Context(), 0, 5, fetch) {
			if err != nil {
				t.Fatalf("error after break: %v", err)
			}
			n++
			if v == 1 {
				break
			}
		}
		// When the loop has returned, the prefetch has been cancelled and
		// has returned: no request outlives the loop.
		if !prefetchCancelled.Load() || !prefetchDone.Load() {
			t.Error("the prefetch was not cancelled and awaited at break")
		}
		synctest.Wait()
		if n != 2 || calls.Load() != 2 {
			t.Errorf("%d items, %d fetches; want 2 items and no fetch beyond the one prefetch", n, calls.Load())
		}
	})
}

func TestBreakOnLastPageMakesNoRequest(t *testing.T) {
	t.Parallel()
	s := &offsetServer{n: 5}
	for range Offset(t.Context(), 0, 10, s.fetch) {
		break
	}
	if got := s.requests(); !slices.Equal(got, []int{0}) {
		t.Errorf("offsets %v, want only the first page", got)
	}
}

func TestPrefetchObservedAndBounded(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		s := &offsetServer{n: 12}
		page := 0
		for v, err := range Offset(t.Context(), 0, 3, s.fetch) {
			if err != nil {
				t.Fatal(err)
			}
			if v%3 != 0 {
				continue
			}
			page++
			// The caller is on the first item of page `page` and has not
			// finished it. Let every other goroutine run as far as it can.
			synctest.Wait()
			got := len(s.requests())
			want := min(page+1, 5) // this page and the next; 5 pages in all (the last one empty)
			if got != want {
				t.Errorf("on page %d: %d requests made, want %d (exactly one page ahead)", page, got, want)
			}
		}
		if page != 4 {
			t.Errorf("saw %d pages", page)
		}
	})
}

func TestCursorPrefetchBounded(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		s := &cursorServer{pages: map[string]CursorPage[string]{
			"": {Items: []string{"a"}, Next: "1"}, "1": {Items: []string{"b"}, Next: "2"},
			"2": {Items: []string{"c"}, Next: "3"}, "3": {Items: []string{"d"}},
		}}
		i := 0
		for _, err := range Cursor(t.Context(), "", s.fetch) {
			if err != nil {
				t.Fatal(err)
			}
			i++
			synctest.Wait()
			if got, want := len(s.requests()), min(i+1, 4); got != want {
				t.Errorf("on page %d: %d requests, want %d", i, got, want)
			}
		}
	})
}

type ctxKey struct{}

func TestCallersContextForEveryPage(t *testing.T) {
	t.Parallel()
	ctx := context.WithValue(t.Context(), ctxKey{}, "caller")
	var missing atomic.Int32
	fetch := func(ctx context.Context, offset, limit int) (OffsetPage[int], error) {
		if ctx.Value(ctxKey{}) != "caller" {
			missing.Add(1)
		}
		return OffsetPage[int]{Items: seqInts(offset, min(offset+limit, 7)), Total: 7}, nil
	}
	items, _ := collect(t, Offset(ctx, 0, 2, fetch))
	if len(items) != 7 || missing.Load() != 0 {
		t.Errorf("%d items; %d fetches without the caller's context", len(items), missing.Load())
	}
}

func TestCancelledContextEndsIteration(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	fetch := func(ctx context.Context, offset, limit int) (OffsetPage[int], error) {
		if err := ctx.Err(); err != nil {
			return OffsetPage[int]{}, err
		}
		return OffsetPage[int]{Items: seqInts(offset, offset+limit), Total: -1}, nil
	}
	var errs []error
	n := 0
	for _, err := range Offset(ctx, 0, 2, fetch) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		n++
		if n == 3 {
			cancel()
		}
	}
	if len(errs) != 1 || !errors.Is(errs[0], context.Canceled) {
		t.Errorf("errors %v, want one context.Canceled", errs)
	}
}

type listOptions struct {
	Statuses []string
	Limit    int
	Cursor   string
}

// all is how an API package builds All: the options are copied into the
// fetch closure and never written.
func all(ctx context.Context, opts *listOptions, pages map[string]CursorPage[string]) func(func(string, error) bool) {
	o := listOptions{Limit: 2}
	if opts != nil {
		o = *opts
		o.Statuses = slices.Clone(opts.Statuses)
	}
	return Cursor(ctx, o.Cursor, func(ctx context.Context, cursor string) (CursorPage[string], error) {
		return pages[cursor], nil
	})
}

func TestReRunnableAndOptionsUnchanged(t *testing.T) {
	t.Parallel()
	pages := map[string]CursorPage[string]{
		"":   {Items: []string{"a"}, Next: "n1"},
		"n1": {Items: []string{"b"}, Next: "n2"},
		"n2": {Items: []string{"c"}},
	}
	opts := &listOptions{Statuses: []string{"open"}, Limit: 2}
	before := *opts
	before.Statuses = slices.Clone(opts.Statuses)
	seq := all(t.Context(), opts, pages)
	first, _ := collect(t, seq)
	second, _ := collect(t, seq) // the same iterator, run again
	if !slices.Equal(first, []string{"a", "b", "c"}) || !slices.Equal(first, second) {
		t.Errorf("runs gave %v and %v; an iterator must be re-runnable", first, second)
	}
	if !cmp.Equal(*opts, before) {
		t.Errorf("options changed: %+v, was %+v", *opts, before)
	}
	s := &offsetServer{n: 5}
	seqO := Offset(t.Context(), 0, 2, s.fetch)
	collect(t, seqO)
	collect(t, seqO)
	if got := s.requests(); !slices.Equal(got, []int{0, 2, 4, 0, 2, 4}) {
		t.Errorf("offsets %v: each run must start again from the start", got)
	}
}

func TestConcurrentRuns(t *testing.T) {
	t.Parallel()
	s := &offsetServer{n: 50, total: true}
	seq := Offset(t.Context(), 0, 7, s.fetch)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			items, err := Collect(seq)
			if err != nil || len(items) != 50 {
				t.Errorf("%d items, %v", len(items), err)
			}
		})
	}
	wg.Wait()
}

func TestCollect(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	s := &offsetServer{n: 10, fail: map[int]error{4: boom}}
	items, err := Collect(Offset(t.Context(), 0, 2, s.fetch))
	if !errors.Is(err, boom) || !slices.Equal(items, []int{0, 1, 2, 3}) {
		t.Errorf("Collect = %v, %v; want the items before the error and the error", items, err)
	}
	items, err = Collect(Offset(t.Context(), 0, 4, (&offsetServer{n: 9}).fetch))
	if err != nil || len(items) != 9 {
		t.Errorf("Collect = %v, %v", items, err)
	}
}

func BenchmarkPaging(b *testing.B) {
	for _, pages := range []int{10, 100} {
		const limit = 100
		n := pages * limit
		page := make([]int, limit)
		fetch := func(_ context.Context, offset, limit int) (OffsetPage[int], error) {
			return OffsetPage[int]{Items: page, Total: n}, nil
		}
		b.Run("Offset/pages="+strconv.Itoa(pages), func(b *testing.B) {
			b.ReportAllocs()
			ctx := context.Background()
			for b.Loop() {
				got := 0
				for _, err := range Offset(ctx, 0, limit, fetch) {
					if err != nil {
						b.Fatal(err)
					}
					got++
				}
				if got != n {
					b.Fatalf("%d items, want %d", got, n)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/item")
		})
		next := make([]string, pages) // next[i] is the cursor after page i
		for i := range pages - 1 {
			next[i] = "c" + strconv.Itoa(i+1)
		}
		cfetch := func(_ context.Context, cursor string) (CursorPage[int], error) {
			i := 0
			if cursor != "" {
				i, _ = strconv.Atoi(cursor[1:])
			}
			return CursorPage[int]{Items: page, Next: next[i]}, nil
		}
		b.Run("Cursor/pages="+strconv.Itoa(pages), func(b *testing.B) {
			b.ReportAllocs()
			ctx := context.Background()
			for b.Loop() {
				got := 0
				for _, err := range Cursor(ctx, "", cfetch) {
					if err != nil {
						b.Fatal(err)
					}
					got++
				}
				if got != n {
					b.Fatalf("%d items, want %d", got, n)
				}
			}
		})
	}
}
