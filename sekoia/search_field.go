package sekoia

import (
	"context"
	"fmt"
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
	for offset := 0; ; {
		q := url.Values{"limit": {strconv.Itoa(MaxFieldsLimit)}, "offset": {strconv.Itoa(offset)}}
		p, err := s.fetchFields(ctx, uuid, q)
		if err != nil {
			return nil, err
		}
		for i := range p.Fields {
			if p.Fields[i].Name == name {
				return &p.Fields[i], nil
			}
		}
		offset += len(p.Fields)
		if len(p.Fields) == 0 || int64(offset) >= p.Total {
			return nil, fmt.Errorf("sekoia: %s: job %s has no field %q: %w", method, uuid, truncateString(name), ErrNotFound)
		}
	}
}
