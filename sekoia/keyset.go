package sekoia

import (
	"context"
	"fmt"
	"iter"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/socgo/xdr/internal/apierror"
	"github.com/socgo/xdr/internal/paging"
)

// keysetFloor is the lower bound sent when the caller gave none: the epoch.
var keysetFloor = time.Unix(0, 0).UTC()

// keysetList describes one keyset walk of a list sorted by creation time.
type keysetList[T any] struct {
	// param is the date filter of the key ("date[created_at]"); sortParam
	// and dirParam the sort parameters, with sortValue the key's sort name.
	param, sortParam, dirParam, sortValue string
	desc                                  bool
	// user is the caller's own range on the key (nil when none).
	user *TimeRange
	// subSecond says the items' times carry fractions of a second (cases:
	// RFC 3339 with microseconds), which the bounds, written to the
	// millisecond, cannot end exactly: an upper bound at a second's
	// ".999" would leave out an item at ".9995". Each upper bound of a
	// second is then sent as the start of the next second, and the items
	// of that next second it lets through are dropped.
	subSecond bool
	// key returns an item's key (whole seconds) and id. The walk handles
	// the items by pointer into their page, so that an item is copied
	// only when it is yielded.
	key paging.KeysetKey[*T]
	// get fetches one page with query q.
	get func(ctx context.Context, q url.Values, offset, limit int) (*Page[T], error)
}

// all walks the list from offset start, limit items per page, the base
// query q copied for every page.
//
// Ascending, an open upper end is first fixed to the second of the newest
// matching item (one request with limit 1, newest first), so that items
// created during the walk are not read. Descending needs no such request:
// every page after the first is bounded above by the last second read.
func (k *keysetList[T]) all(ctx context.Context, q url.Values, start, limit int) iter.Seq2[T, error] {
	// span is how far past the start of a second its upper bound lies.
	span := time.Second - time.Millisecond
	if k.subSecond {
		span = time.Second
	}
	return func(yield func(T, error) bool) {
		from, to := keysetFloor, time.Time{}
		var last time.Time // the second past which items are dropped (subSecond; zero: none)
		if k.user != nil {
			from, to = k.user.From, k.user.To
		}
		if !k.desc && to.IsZero() {
			pq := k.query(q, from, time.Time{}, 0, 1)
			pq.Set(k.dirParam, string(Descending))
			p, err := k.get(ctx, pq, 0, 1)
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			if len(p.Items) == 0 {
				return
			}
			newest, _ := k.key(&p.Items[0])
			to = newest.Add(span)
			if k.subSecond {
				last = newest
			}
		}
		fetch := func(ctx context.Context, b paging.KeysetBound, offset int) ([]*T, bool, error) {
			lo, hi, drop := from, to, last
			switch {
			case b.Edge.IsZero():
			case b.Exact:
				// The second alone, within the caller's range.
				lo, hi = b.Edge, b.Edge.Add(span)
				if from.After(lo) {
					lo = from
				}
				if !to.IsZero() && to.Before(hi) {
					hi = to
				}
				if k.subSecond {
					drop = b.Edge
				}
			case k.desc:
				if e := b.Edge.Add(span); hi.IsZero() || e.Before(hi) {
					hi = e
					if k.subSecond {
						drop = b.Edge
					}
				}
			default:
				if b.Edge.After(lo) {
					lo = b.Edge
				}
			}
			if !hi.IsZero() && hi.Before(lo) {
				return nil, false, nil
			}
			var pq url.Values
			if b.Edge.IsZero() && k.user == nil && k.desc {
				pq = k.query(q, time.Time{}, time.Time{}, offset, limit) // the plain first page
			} else {
				pq = k.query(q, lo, hi, offset, limit)
			}
			p, err := k.get(ctx, pq, offset, limit)
			if err != nil {
				return nil, false, err
			}
			items := p.Items
			if !drop.IsZero() {
				// Dropping moves the next offset back by the items dropped:
				// they are read again and skipped, nothing is missed.
				items = slices.DeleteFunc(items, func(it T) bool { t, _ := k.key(&it); return t.After(drop) })
				if len(items) == 0 && p.HasMore {
					return nil, false, fmt.Errorf("a whole page of items created at the start of second %s: %w",
						drop.Add(time.Second).UTC().Format(time.RFC3339), apierror.ErrPaginationStalled)
				}
			}
			ptrs := make([]*T, len(items))
			for i := range items {
				ptrs[i] = &items[i]
			}
			return ptrs, p.HasMore, nil
		}
		for it, err := range paging.Keyset(ctx, k.desc, start, limit, k.key, fetch) {
			var v T
			if it != nil {
				v = *it
			}
			if !yield(v, err) {
				return
			}
		}
	}
}

// query copies q with the sort, the key range lo..hi (none when lo is
// zero; hi zero is the API's "now") and the page.
func (k *keysetList[T]) query(q url.Values, lo, hi time.Time, offset, limit int) url.Values {
	pq := make(url.Values, len(q)+5)
	for key, v := range q {
		pq[key] = v
	}
	pq.Set(k.sortParam, k.sortValue)
	dir := Ascending
	if k.desc {
		dir = Descending
	}
	pq.Set(k.dirParam, string(dir))
	if !lo.IsZero() {
		pq.Set(k.param, TimeRange{From: lo, To: hi}.String())
	}
	pq.Set("offset", strconv.Itoa(offset))
	pq.Set("limit", strconv.Itoa(limit))
	return pq
}

// snapshotAll reads the whole list first, then yields it: for orders that
// keyset paging cannot serve, so that changes made in the loop do not
// shift the items not read yet.
func snapshotAll[T any](seq iter.Seq2[T, error]) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		items, err := paging.Collect(seq)
		if err != nil {
			var zero T
			yield(zero, err)
			return
		}
		for _, it := range items {
			if !yield(it, nil) {
				return
			}
		}
	}
}
