package sekoia

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"

	"github.com/socgo/xdr/internal/argcheck"
	"github.com/socgo/xdr/internal/paging"
	wire "github.com/socgo/xdr/internal/wire/sekoia"
)

// FieldsOptions selects a page of field statistics. Nil means the first
// page of 100.
type FieldsOptions struct {
	// Limit is the page size, 1..MaxFieldsLimit (default 100).
	Limit int
	// Offset is the index of the first field.
	Offset int
}

// page checks the options and returns the offset and limit of the page.
func (o *FieldsOptions) page(method string) (offset, limit int, err error) {
	limit, offset = 100, 0
	if o != nil {
		if o.Limit != 0 {
			limit = o.Limit
		}
		offset = o.Offset
	}
	if limit < 1 || limit > MaxFieldsLimit {
		return 0, 0, fmt.Errorf("sekoia: Events.%s: Limit %d is out of range 1..%d", method, limit, MaxFieldsLimit)
	}
	if offset < 0 {
		return 0, 0, fmt.Errorf("sekoia: Events.%s: Offset %d is negative", method, offset)
	}
	return offset, limit, nil
}

// ListFields returns one page of statistics on the fields of the job's events:
// each field's name, type and most common values. It calls
// GET /v1/sic/conf/events/search/jobs/{uuid}/fields?limit=&offset=. An
// expired job gives an *APIError matching ErrJobExpired.
func (s *EventsService) ListFields(ctx context.Context, uuid string, opts *FieldsOptions) (*Page[SearchField], error) {
	if err := checkUUID("Events.ListFields", "job uuid", uuid); err != nil {
		return nil, err
	}
	offset, limit, err := opts.page("ListFields")
	if err != nil {
		return nil, err
	}
	p, _, err := s.fetchFields(ctx, "Events.ListFields", uuid, offset, limit)
	return p, err
}

// fetchFields returns a page of fields and the fingerprint of its body.
func (s *EventsService) fetchFields(ctx context.Context, method, uuid string, offset, limit int) (*Page[SearchField], uint64, error) {
	req, err := line(method)(wire.NewGetEventSearchJobFieldsRequest(uuid, &wire.GetEventSearchJobFieldsParams{Limit: &limit, Offset: &offset}))
	if err != nil {
		return nil, 0, err
	}
	body, meta, err := s.c.rest.Fetch(ctx, req)
	if err != nil {
		return nil, 0, markExpired(err)
	}
	var out searchFieldList
	if err := json.Unmarshal(body, &out); err != nil {
		return nil, 0, fmt.Errorf("sekoia: GET %s: decode %d response: %w", req.Path, meta.StatusCode, s.c.rest.WrapError(err))
	}
	p := &Page[SearchField]{Items: out.Items, Total: int(out.Total), Offset: offset}
	if p.Items == nil {
		p.Items = []SearchField{}
	}
	p.HasMore = len(p.Items) > 0 && offset+len(p.Items) < p.Total
	return p, paging.Fingerprint(body), nil
}

// AllFields iterates over the statistics of every field of the job's
// events, calling GET /v1/sic/conf/events/search/jobs/{uuid}/fields for
// each page.
//
// The iterator is lazy and re-runnable; opts is copied, never mutated;
// every page is requested with the caller's ctx; on error it yields
// (SearchField{}, err) once and stops; a break stops fetching and frees
// the connection.
func (s *EventsService) AllFields(ctx context.Context, uuid string, opts *FieldsOptions) iter.Seq2[SearchField, error] {
	var o FieldsOptions
	if opts != nil {
		o = *opts
	}
	offset, limit, err := o.page("AllFields")
	if err == nil {
		err = checkUUID("Events.AllFields", "job uuid", uuid)
	}
	if err != nil {
		return errSeq[SearchField](err)
	}
	return paging.Offset(ctx, offset, limit, func(ctx context.Context, offset, limit int) (paging.OffsetPage[SearchField], error) {
		p, fp, err := s.fetchFields(ctx, "Events.AllFields", uuid, offset, limit)
		if err != nil {
			return paging.OffsetPage[SearchField]{}, err
		}
		return paging.OffsetPage[SearchField]{Items: p.Items, Total: p.Total, Fingerprint: fp}, nil
	})
}

// Field returns the statistics of one field of the job's events by name
// ("host.name"): its type and most common values, most frequent first. A
// field no event has gives an error matching ErrNotFound.
//
// Field calls GET /v1/sic/conf/events/search/jobs/{uuid}/fields, MaxFieldsLimit
// fields per page, until it finds the field.
func (s *EventsService) Field(ctx context.Context, uuid, name string) (*SearchField, error) {
	const method = "Events.Field"
	if err := checkUUID(method, "job uuid", uuid); err != nil {
		return nil, err
	}
	if name == "" {
		return nil, fmt.Errorf("sekoia: %s: name is empty", method)
	}
	var prev uint64
	for offset := 0; ; {
		p, hash, err := s.fetchFields(ctx, method, uuid, offset, MaxFieldsLimit)
		if err != nil {
			return nil, err
		}
		if offset > 0 && len(p.Items) > 0 && hash == prev {
			return nil, fmt.Errorf("sekoia: %s: job %s: fields page at offset %d repeats the previous one: %w", method, uuid, offset, ErrPaginationStalled)
		}
		prev = hash
		for i := range p.Items {
			if p.Items[i].Name == name {
				return &p.Items[i], nil
			}
		}
		offset += len(p.Items)
		if len(p.Items) == 0 || offset >= p.Total {
			return nil, fmt.Errorf("sekoia: %s: job %s has no field %q: %w", method, uuid, argcheck.Short(name), ErrNotFound)
		}
	}
}
