package sekoia

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/socgo/xdr/internal/paging"
	"github.com/socgo/xdr/internal/rest"
	wire "github.com/socgo/xdr/internal/wire/sekoia"
)

// Revoke revokes an asset (it stays stored, left out of searches unless
// IncludeRevoked) and returns it.
//
// Revoke calls PUT /v2/asset-management/assets/{uuid}/revoke.
func (s *AssetsService) Revoke(ctx context.Context, uuid string) (*Asset, error) {
	return s.lifecycle(ctx, "Assets.Revoke", uuid, wire.NewRevokeAssetRequest)
}

// Restore restores a revoked asset and returns it.
//
// Restore calls PUT /v2/asset-management/assets/{uuid}/restore.
func (s *AssetsService) Restore(ctx context.Context, uuid string) (*Asset, error) {
	return s.lifecycle(ctx, "Assets.Restore", uuid, wire.NewRestoreAssetRequest)
}

func (s *AssetsService) lifecycle(ctx context.Context, method, uuid string, build func(uuid string) (wire.Request, error)) (*Asset, error) {
	if err := checkUUID(method, "uuid", uuid); err != nil {
		return nil, err
	}
	r, err := line(method)(build(uuid))
	if err != nil {
		return nil, err
	}
	return doOne[Asset](ctx, s.c, r.Method, r.Path, r.Query, nil)
}

// MaxMergeSources is the most source assets Merge accepts in one call.
const MaxMergeSources = 100

// Merge merges the properties of the source assets into destination and
// returns the destination asset. It is not retried after a send.
//
// Merge calls POST /v2/asset-management/assets/merge with
// {"destination","sources"}.
func (s *AssetsService) Merge(ctx context.Context, destination string, sources []string) (*Asset, error) {
	const method = "Assets.Merge"
	if err := checkUUID(method, "destination", destination); err != nil {
		return nil, err
	}
	switch {
	case len(sources) == 0:
		return nil, errors.New("sekoia: " + method + ": sources is empty")
	case len(sources) > MaxMergeSources:
		return nil, fmt.Errorf("sekoia: %s: %d sources is more than %d", method, len(sources), MaxMergeSources)
	}
	seen := make(map[string]int, len(sources))
	for i, id := range sources {
		if err := checkUUID(method, fmt.Sprintf("sources[%d]", i), id); err != nil {
			return nil, err
		}
		if id == destination {
			return nil, fmt.Errorf("sekoia: %s: sources[%d] is the destination", method, i)
		}
		if j, ok := seen[id]; ok {
			return nil, fmt.Errorf("sekoia: %s: sources[%d] repeats sources[%d]", method, i, j)
		}
		seen[id] = i
	}
	r, err := line(method)(wire.NewMergeAssetsRequest())
	if err != nil {
		return nil, err
	}
	return doOne[Asset](ctx, s.c, r.Method, r.Path, r.Query, assetMerge{destination, sources})
}

// assetMerge is the body of the asset merge.
type assetMerge struct {
	Destination string   `json:"destination"`
	Sources     []string `json:"sources"`
}

// AssetHistoryEntry is one entry of an asset's timeline.
type AssetHistoryEntry struct {
	CreatedAt     time.Time `json:"created_at"`
	CreatedBy     string    `json:"created_by,omitempty"`
	CreatedByType string    `json:"created_by_type,omitempty"`
	Message       string    `json:"message,omitempty"`
	// Action is what happened ("created", "updated", "revoked"…).
	Action string `json:"action,omitempty"`
	// EventUUID is the event that made the entry.
	EventUUID string `json:"event_uuid,omitempty"`
	AtomName  string `json:"atom_name,omitempty"`
	AtomUUID  string `json:"atom_uuid,omitempty"`
	AtomType  string `json:"atom_type,omitempty"`
	// Fields are the changed fields.
	Fields     map[string]any `json:"fields,omitempty"`
	Confidence *float64       `json:"confidence,omitempty"`
	// RuleUUID, RuleVersion and RuleName name the discovery rule that made
	// the entry.
	RuleUUID    string `json:"rule_uuid,omitempty"`
	RuleVersion string `json:"rule_version,omitempty"`
	RuleName    string `json:"rule_name,omitempty"`
}

// UnmarshalJSON decodes an entry, its time in any form.
func (e *AssetHistoryEntry) UnmarshalJSON(b []byte) error {
	type plain AssetHistoryEntry
	*e = AssetHistoryEntry{}
	aux := struct {
		*plain
		CreatedAt isoTime `json:"created_at"`
	}{plain: (*plain)(e)}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	e.CreatedAt = aux.CreatedAt.Time
	return nil
}

// AssetHistoryOptions filters and pages an asset's timeline.
type AssetHistoryOptions struct {
	// Search matches the entries' text.
	Search string
	// Earliest and Latest bound the entries' times (zero: unbounded).
	Earliest, Latest time.Time
	// Order is Descending (server default) or Ascending.
	Order Direction
	// Limit is the page size: 1..1000, 0 for the server default (100).
	Limit  int
	Offset int
}

// request checks the options and builds GET
// /v2/asset-management/assets/{uuid}/history.
func (o *AssetHistoryOptions) request(method, uuid string) (rest.Request, error) {
	if err := checkPaging(method, o.Limit, o.Offset, 1000); err != nil {
		return rest.Request{}, err
	}
	if err := o.Order.check(method); err != nil {
		return rest.Request{}, err
	}
	if !o.Earliest.IsZero() && !o.Latest.IsZero() && o.Latest.Before(o.Earliest) {
		return rest.Request{}, fmt.Errorf("sekoia: %s: Latest is before Earliest", method)
	}
	p := wire.GetAssetHistoryParams{
		Search: ptr(o.Search), Order: (*wire.GetAssetHistoryParamsOrder)(ptr(string(o.Order))),
		Limit: ptr(o.Limit), Offset: ptr(o.Offset),
	}
	if !o.Earliest.IsZero() {
		p.Earliest = ptr(o.Earliest.UTC().Format(time.RFC3339Nano))
	}
	if !o.Latest.IsZero() {
		p.Latest = ptr(o.Latest.UTC().Format(time.RFC3339Nano))
	}
	return line(method)(wire.NewGetAssetHistoryRequest(uuid, &p))
}

// assetHistoryBody is the answer of the timeline: its items group the
// entries by day ({"2026-01-05": [...]}).
type assetHistoryBody struct {
	Items []map[string][]AssetHistoryEntry `json:"items"`
	Total *int                             `json:"total"`
}

// ListHistory returns one page of an asset's timeline, its entries in the
// order asked (the API groups them by day; the days are flattened in that
// order). Limit and Offset count entries.
//
// ListHistory calls GET /v2/asset-management/assets/{uuid}/history.
func (s *AssetsService) ListHistory(ctx context.Context, uuid string, opts *AssetHistoryOptions) (*Page[AssetHistoryEntry], error) {
	const method = "Assets.ListHistory"
	if err := checkUUID(method, "uuid", uuid); err != nil {
		return nil, err
	}
	var o AssetHistoryOptions
	if opts != nil {
		o = *opts
	}
	r, err := o.request(method, uuid)
	if err != nil {
		return nil, err
	}
	return s.history(ctx, r.Path, r.Query, o.Order, o.Offset, o.Limit)
}

// AllHistory iterates over an asset's whole timeline, in the order asked.
// The iterator contract is that of AlertsService.All.
//
// AllHistory calls GET /v2/asset-management/assets/{uuid}/history once
// per page.
func (s *AssetsService) AllHistory(ctx context.Context, uuid string, opts *AssetHistoryOptions) iter.Seq2[AssetHistoryEntry, error] {
	const method = "Assets.AllHistory"
	if err := checkUUID(method, "uuid", uuid); err != nil {
		return errSeq[AssetHistoryEntry](err)
	}
	var o AssetHistoryOptions
	if opts != nil {
		o = *opts
	}
	if o.Limit == 0 {
		o.Limit = 100
	}
	r, err := o.request(method, uuid)
	if err != nil {
		return errSeq[AssetHistoryEntry](err)
	}
	return allPagesWith(ctx, r.Query, o.Offset, o.Limit, func(ctx context.Context, q url.Values, offset, limit int) (*Page[AssetHistoryEntry], uint64, error) {
		p, err := s.history(ctx, r.Path, q, o.Order, offset, limit)
		if err != nil {
			return nil, 0, err
		}
		// The body is decoded by doOne: the entries, encoded again, tell a
		// repeated page (history pages are small).
		b, err := json.Marshal(p.Items)
		if err != nil {
			return nil, 0, err
		}
		return p, paging.Fingerprint(b), nil
	})
}

func (s *AssetsService) history(ctx context.Context, path string, q url.Values, order Direction, offset, limit int) (*Page[AssetHistoryEntry], error) {
	body, err := doOne[assetHistoryBody](ctx, s.c, http.MethodGet, path, q, nil)
	if err != nil {
		return nil, err
	}
	var entries []AssetHistoryEntry
	for _, day := range body.Items {
		days := slices.Sorted(maps.Keys(day))
		if order != Ascending {
			slices.Reverse(days)
		}
		for _, d := range days {
			entries = append(entries, day[d]...)
		}
	}
	return newPage(entries, body.Total, nil, offset, limit), nil
}
