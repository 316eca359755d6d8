package sekoia

import (
	"context"
	"net/http"
)

// alertCountDropped are the list parameters GET /v1/sic/alerts/count does
// not take: the count has no page, order or embedded parts.
var alertCountDropped = [...]string{"offset", "limit", "sort", "direction", "with_count", "stix", "cases"}

// Count returns the number of alerts matching the filters of opts (nil
// counts every visible alert). The paging, sorting and embedding fields of
// opts (Limit, Offset, Sort, Direction, WithCount, STIX, Cases) are
// ignored.
//
// Count calls GET /v1/sic/alerts/count with the filters of List.
func (s *AlertsService) Count(ctx context.Context, opts *AlertListOptions) (int, error) {
	var o AlertListOptions
	if opts != nil {
		o = *opts
	}
	o.Limit, o.Offset, o.Direction = 0, 0, ""
	q, err := o.query("Alerts.Count")
	if err != nil {
		return 0, err
	}
	for _, k := range alertCountDropped {
		q.Del(k)
	}
	out, err := doOne[alertCount](ctx, s.c, http.MethodGet, "/v1/sic/alerts/count", q, nil)
	if err != nil {
		return 0, err
	}
	return out.Total, nil
}

// alertCount is the answer of GET /v1/sic/alerts/count.
type alertCount struct {
	Total int `json:"total"`
}
