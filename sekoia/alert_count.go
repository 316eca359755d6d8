package sekoia

import (
	"context"

	wire "github.com/socgo/xdr/internal/wire/sekoia"
)

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
	const method = "Alerts.Count"
	p, err := o.listAlertsParams(method)
	if err != nil {
		return 0, err
	}
	// The count takes the filters only: no page, order or embedded parts.
	w, err := wire.NewCountAlertsRequest(&wire.CountAlertsParams{
		Match: (*wire.CountAlertsParams_Match)(p.Match), Nomatch: (*wire.CountAlertsParams_Nomatch)(p.Nomatch),
		Date: (*wire.CountAlertsParams_Date)(p.Date), Range: (*wire.CountAlertsParams_Range)(p.Range),
		Visible: p.Visible, IsAssignedToCase: p.IsAssignedToCase, SimilarTo: p.SimilarTo,
	})
	if err != nil {
		return 0, wireError(method, err)
	}
	out, err := doOne[alertCount](ctx, s.c, w.Method, w.Path, w.Query, nil)
	if err != nil {
		return 0, err
	}
	return out.Total, nil
}

// alertCount is the answer of GET /v1/sic/alerts/count.
type alertCount struct {
	Total int `json:"total"`
}
