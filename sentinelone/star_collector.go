package sentinelone

import (
	"context"
	"fmt"
	"iter"
	"time"
)

// AlertCollector returns a collector of STAR alerts, followed by
// alertInfo.reportedAt: the time the alert was raised, when it becomes
// visible (alertInfo.createdAt is the time of the matched event, which can
// be much older when an agent reports late, so following it would skip
// alerts). filter narrows what is collected (severities, sites, rule
// names…); nil collects every alert. Each cycle calls GET
// /cloud-detection/alerts with reportedAt__gte (the checkpoint's
// millisecond) and reportedAt__lte (now), following the cursor; the API
// cannot sort alerts by time, so each window is read whole and sorted.
//
// Alerts are delivered once, as first seen: later verdict or status
// changes are not delivered again (the API has no updatedAt filter).
// The guarantees are those of Collector.
func (c *Client) AlertCollector(cfg CollectorConfig, filter *AlertListOptions, handle func(ctx context.Context, batch []Alert) error) (*Collector[Alert], error) {
	var base AlertListOptions
	if filter != nil {
		base = *filter
		if !base.CreatedAfter.IsZero() || !base.CreatedSince.IsZero() || !base.CreatedBefore.IsZero() || !base.CreatedUntil.IsZero() ||
			!base.ReportedAfter.IsZero() || !base.ReportedSince.IsZero() || !base.ReportedBefore.IsZero() || !base.ReportedUntil.IsZero() ||
			base.Cursor != "" || base.Skip != 0 || base.SortBy != "" || base.SortOrder != "" {
			return nil, fmt.Errorf("sentinelone: AlertCollector: %w", errCollectorFilter)
		}
		if _, err := base.request("AlertCollector", false); err != nil {
			return nil, err
		}
	}
	base.Limit = cfg.PageSize
	fetch := func(ctx context.Context, from, to time.Time) iter.Seq2[Alert, error] {
		o := base
		o.ReportedSince, o.ReportedUntil = from, to
		return c.Alerts.All(ctx, &o)
	}
	key := func(a Alert) (string, time.Time) { return a.Info.AlertID, a.Info.ReportedAt }
	return newCollector("alerts", cfg, key, fetch, handle)
}
