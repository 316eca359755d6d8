package sekoia

import (
	"context"
	"fmt"
	"github.com/socgo/xdr/internal/argcheck"
	"net/url"
	"strconv"
)

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
		q := url.Values{"limit": {strconv.Itoa(MaxFieldsLimit)}, "offset": {strconv.Itoa(offset)}}
		p, hash, err := s.fetchFields(ctx, uuid, q)
		if err != nil {
			return nil, err
		}
		if offset > 0 && len(p.Fields) > 0 && hash == prev {
			return nil, fmt.Errorf("sekoia: %s: job %s: fields page at offset %d repeats the previous one: %w", method, uuid, offset, ErrPaginationStalled)
		}
		prev = hash
		for i := range p.Fields {
			if p.Fields[i].Name == name {
				return &p.Fields[i], nil
			}
		}
		offset += len(p.Fields)
		if len(p.Fields) == 0 || int64(offset) >= p.Total {
			return nil, fmt.Errorf("sekoia: %s: job %s has no field %q: %w", method, uuid, argcheck.Short(name), ErrNotFound)
		}
	}
}
