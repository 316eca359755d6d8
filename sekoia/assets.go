package sekoia

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/socgo/xdr/internal/apierror"
	"github.com/socgo/xdr/internal/argcheck"
	"github.com/socgo/xdr/internal/paging"
	"github.com/socgo/xdr/internal/rest"
	wire "github.com/socgo/xdr/internal/wire/sekoia"
)

// AssetsService manages assets with the asset management v2 API
// (/v2/asset-management). Get it from Client.Assets.
type AssetsService struct{ c *Client }

// AssetType is the type of an asset.
type AssetType string

// The asset types of asset management v2.
const (
	AssetHost    AssetType = "host"
	AssetAccount AssetType = "account"
	AssetNetwork AssetType = "network"
)

// String returns the type as the API writes it.
func (t AssetType) String() string { return string(t) }

func (t AssetType) valid() bool { return t == AssetHost || t == AssetAccount || t == AssetNetwork }

// AssetSource says how an asset was created.
type AssetSource string

// The asset sources.
const (
	AssetManual    AssetSource = "manual"
	AssetAutomatic AssetSource = "automatic"
	AssetImport    AssetSource = "import"
)

// String returns the source as the API writes it.
func (s AssetSource) String() string { return string(s) }

// Atoms are an asset's detection properties: atom type ("ipv4",
// "hostname", "fqdn", "email", "username", "custom" …) to values. The API
// sends a value or a list of values per type; both decode to a list.
type Atoms map[string][]string

// UnmarshalJSON decodes atoms whose values are scalars or lists of
// scalars (numbers kept as written).
func (a *Atoms) UnmarshalJSON(b []byte) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	if m == nil {
		*a = nil
		return nil
	}
	out := make(Atoms, len(m))
	for k, raw := range m {
		raw = bytes.TrimSpace(raw)
		switch {
		case len(raw) == 0 || string(raw) == "null":
			out[k] = []string{}
		case raw[0] == '[':
			var list []json.RawMessage
			if err := json.Unmarshal(raw, &list); err != nil {
				return fmt.Errorf("atoms %q: %w", argcheck.Short(k), err)
			}
			vals := make([]string, 0, len(list))
			for _, v := range list {
				vals = append(vals, scalarString(v))
			}
			out[k] = vals
		default:
			out[k] = []string{scalarString(raw)}
		}
	}
	*a = out
	return nil
}

// scalarString renders a JSON string as its text and anything else as
// its JSON.
func scalarString(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return string(bytes.TrimSpace(raw))
}

// Asset is an asset of asset management v2. Times are time.Time (zero when
// null). Raw keeps the exact JSON it was decoded from, and MarshalJSON
// returns it.
type Asset struct {
	UUID          string    `json:"uuid"`
	CommunityUUID string    `json:"community_uuid"`
	EntityUUID    string    `json:"entity_uuid,omitempty"`
	Name          string    `json:"name"`
	Type          AssetType `json:"type"`
	// Category is free-form: a string or an object.
	Category    json.RawMessage `json:"category,omitempty"`
	Description string          `json:"description,omitempty"`
	// Criticality is 0..100, nil when unset.
	Criticality   *int      `json:"criticality,omitempty"`
	CreatedAt     time.Time `json:"created_at,omitzero"`
	CreatedBy     string    `json:"created_by,omitempty"`
	CreatedByType string    `json:"created_by_type,omitempty"`
	UpdatedAt     time.Time `json:"updated_at,omitzero"`
	FirstSeen     time.Time `json:"first_seen,omitzero"`
	LastSeen      time.Time `json:"last_seen,omitzero"`
	// NbEvents, NbAlerts and NbAtoms are nil when not computed.
	NbEvents *int `json:"nb_events,omitempty"`
	NbAlerts *int `json:"nb_alerts,omitempty"`
	NbAtoms  *int `json:"nb_atoms,omitempty"`
	// Atoms are the detection properties.
	Atoms Atoms `json:"atoms,omitempty"`
	// Props and TypedProps are the contextual properties.
	Props             map[string]any    `json:"props,omitempty"`
	TypedProps        map[string]any    `json:"typed_props,omitempty"`
	Tags              []string          `json:"tags"`
	Connectors        []json.RawMessage `json:"connectors,omitempty"`
	IntakeFormatUUIDs []string          `json:"intake_format_uuids,omitempty"`
	Revoked           bool              `json:"revoked"`
	RevokedAt         time.Time         `json:"revoked_at,omitzero"`
	RevokedBy         string            `json:"revoked_by,omitempty"`
	Reviewed          bool              `json:"reviewed"`
	ReviewedAt        time.Time         `json:"reviewed_at,omitzero"`
	ReviewedBy        string            `json:"reviewed_by,omitempty"`
	Source            AssetSource       `json:"source,omitempty"`
	RuleUUID          string            `json:"rule_uuid,omitempty"`
	RuleVersion       string            `json:"rule_version,omitempty"`
	LockedProps       []string          `json:"locked_props,omitempty"`

	// Raw is the JSON the asset was decoded from.
	Raw json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes an asset, its times in any form, keeping Raw.
func (a *Asset) UnmarshalJSON(b []byte) error {
	type plain Asset
	*a = Asset{}
	aux := struct {
		*plain
		CreatedAt  isoTime `json:"created_at"`
		UpdatedAt  isoTime `json:"updated_at"`
		FirstSeen  isoTime `json:"first_seen"`
		LastSeen   isoTime `json:"last_seen"`
		RevokedAt  isoTime `json:"revoked_at"`
		ReviewedAt isoTime `json:"reviewed_at"`
	}{plain: (*plain)(a)}
	if err := json.Unmarshal(b, &aux); err != nil {
		return fmt.Errorf("sekoia: decode asset: %w", err)
	}
	a.CreatedAt, a.UpdatedAt = aux.CreatedAt.Time, aux.UpdatedAt.Time
	a.FirstSeen, a.LastSeen = aux.FirstSeen.Time, aux.LastSeen.Time
	a.RevokedAt, a.ReviewedAt = aux.RevokedAt.Time, aux.ReviewedAt.Time
	if string(a.Category) == "null" {
		a.Category = nil
	}
	a.Raw = append(json.RawMessage(nil), b...)
	return nil
}

// MarshalJSON returns Raw when the asset was decoded from JSON.
func (a Asset) MarshalJSON() ([]byte, error) {
	if len(a.Raw) > 0 {
		return a.Raw, nil
	}
	type plain Asset
	return json.Marshal(plain(a))
}

// CategoryName returns Category when it is a JSON string, else "".
func (a *Asset) CategoryName() string {
	var s string
	if json.Unmarshal(a.Category, &s) == nil {
		return s
	}
	return ""
}

// AssetSort is a sort key of the asset search.
type AssetSort string

// The asset sort keys.
const (
	AssetSortName        AssetSort = "name"
	AssetSortType        AssetSort = "type"
	AssetSortCreatedAt   AssetSort = "created_at"
	AssetSortCriticality AssetSort = "criticality"
)

// String returns the key as sent.
func (s AssetSort) String() string { return string(s) }

// AssetListOptions filters, sorts and pages the asset search. List fields
// are sent comma-joined; values may not hold a comma.
type AssetListOptions struct {
	// Search matches asset names (and detection properties or tags with
	// the two flags below).
	Search                          string
	AlsoSearchInDetectionProperties bool
	AlsoSearchInTags                bool
	// UUIDs: uuids; CommunityUUIDs: community_uuids.
	UUIDs          []string
	CommunityUUIDs []string
	// Types: type.
	Types []AssetType
	// Categories: category; Sources: source; Tags: tags.
	Categories []string
	Sources    []AssetSource
	Tags       []string
	// RuleUUIDs and RuleVersions: the discovery rules (rule_uuid,
	// rule_version).
	RuleUUIDs    []string
	RuleVersions []string
	// Connectors: connectors; ConnectorConfigurations:
	// connectors_configuration; IntakeFormatUUIDs: intake_format_uuids.
	Connectors              []string
	ConnectorConfigurations []string
	IntakeFormatUUIDs       []string
	// Reviewed keeps reviewed (true) or unreviewed (false) assets.
	Reviewed *bool
	// MinCriticality keeps the assets with a higher criticality
	// (criticality).
	MinCriticality *int
	// WithTelemetry, IncorporateAtoms and IncludeIntakeFormats enrich the
	// results; IncludeRevoked includes revoked assets.
	WithTelemetry        bool
	IncorporateAtoms     bool
	IncludeRevoked       bool
	IncludeIntakeFormats bool
	// Sort and Direction order the results.
	Sort      AssetSort
	Direction Direction
	// Limit is the page size: 1..100, 0 for the server default (20; All
	// uses 100).
	Limit  int
	Offset int
}

// request checks the options and builds GET /v2/asset-management/assets.
func (o *AssetListOptions) request(method string) (rest.Request, error) {
	if err := checkList(method, o.Limit, o.Offset, o.Direction); err != nil {
		return rest.Request{}, err
	}
	for i, t := range o.Types {
		if !t.valid() {
			return rest.Request{}, fmt.Errorf("sekoia: %s: Types[%d] %q is not host, account or network", method, i, argcheck.Short(string(t)))
		}
	}
	if err := checkLists(method, reflect.ValueOf(o)); err != nil {
		return rest.Request{}, err
	}
	return line(method)(wire.NewListAssetsRequest(&wire.ListAssetsParams{
		Search: ptr(o.Search), AlsoSearchInDetectionProperties: ptr(o.AlsoSearchInDetectionProperties),
		AlsoSearchInTags: ptr(o.AlsoSearchInTags), Uuids: csv(o.UUIDs), CommunityUuids: csv(o.CommunityUUIDs),
		Type: csv(o.Types), Category: csv(o.Categories), Source: csv(o.Sources), Tags: csv(o.Tags),
		RuleUuid: csv(o.RuleUUIDs), RuleVersion: csv(o.RuleVersions), Connectors: csv(o.Connectors),
		ConnectorsConfiguration: csv(o.ConnectorConfigurations), IntakeFormatUuids: csv(o.IntakeFormatUUIDs),
		Reviewed: o.Reviewed, Criticality: o.MinCriticality, WithTelemetry: ptr(o.WithTelemetry),
		IncorporateAtoms: ptr(o.IncorporateAtoms), IncludeRevoked: ptr(o.IncludeRevoked),
		IncludeIntakeFormats: ptr(o.IncludeIntakeFormats),
		Sort:                 (*wire.ListAssetsParamsSort)(ptr(string(o.Sort))),
		Direction:            (*wire.ListAssetsParamsDirection)(ptr(string(o.Direction))),
		Limit:                ptr(o.Limit), Offset: ptr(o.Offset),
	}))
}

// List returns one page of the assets matching opts.
//
// List calls GET /v2/asset-management/assets.
func (s *AssetsService) List(ctx context.Context, opts *AssetListOptions) (*Page[Asset], error) {
	var o AssetListOptions
	if opts != nil {
		o = *opts
	}
	r, err := o.request("Assets.List")
	if err != nil {
		return nil, err
	}
	return getPage[Asset](ctx, s.c, r.Path, r.Query, o.Offset, o.Limit)
}

// All iterates over every asset matching opts, in the order of opts.Sort
// and opts.Direction.
//
// The iterator is lazy and can be run again (each run starts over); opts
// is copied and never changed; every request uses ctx; on an error it
// yields (nil, err) once and stops; breaking out of the loop stops fetching
// and frees the connection.
//
// Changing the assets inside the loop is safe: every asset that matches
// opts when the loop starts, and still matches when its turn comes, is
// yielded exactly once, even when the loop changes assets already yielded
// so that they no longer match (reviewing each asset of a loop over
// unreviewed ones, removing the tag the loop filters on, revoking). The
// asset search has no date filter to page on, so All works in two passes:
// it first reads the UUIDs of every matching asset (offset paging,
// opts.Limit per request, 100 when 0, from opts.Offset; nothing can change
// meanwhile), then fetches the assets by those UUIDs, opts.Limit at a
// time, with opts' filters again (uuids=…), the next batch while the
// caller works on the current one. Assets that left the filter or were
// deleted before their batch is fetched are skipped; assets created after
// the loop starts are not yielded. The cost: twice the requests of one
// walk, the first asset only after the first pass, and memory for the
// UUIDs (about 100 bytes an asset: 10 MB for 100,000 assets), not for the
// assets.
//
// All calls GET /v2/asset-management/assets once per page of the first
// pass, then once per batch with uuids, offset=0 and limit the batch size.
func (s *AssetsService) All(ctx context.Context, opts *AssetListOptions) iter.Seq2[Asset, error] {
	var o AssetListOptions
	if opts != nil {
		o = *opts
	}
	if o.Limit == 0 {
		o.Limit = 100
	}
	r, err := o.request("Assets.All")
	if err != nil {
		return errSeq[Asset](err)
	}
	return func(yield func(Asset, error) bool) {
		var ids []string
		seen := map[string]struct{}{}
		for a, err := range allPages[Asset](ctx, s.c, r.Path, r.Query, o.Offset, o.Limit) {
			if err != nil {
				yield(Asset{}, err)
				return
			}
			if _, dup := seen[a.UUID]; !dup { // offset paging may repeat an asset
				seen[a.UUID] = struct{}{}
				ids = append(ids, a.UUID)
			}
		}
		if len(ids) == 0 {
			return
		}
		seen = nil
		for a, err := range paging.Offset(ctx, 0, o.Limit, func(ctx context.Context, offset, limit int) (paging.OffsetPage[Asset], error) {
			items, err := s.batch(ctx, r, ids[offset:min(offset+limit, len(ids))])
			return paging.OffsetPage[Asset]{Items: items, Total: len(ids), Advance: min(limit, len(ids)-offset)}, err
		}) {
			if !yield(a, err) {
				return
			}
		}
	}
}

// batch fetches the assets of ids that still match the list request r, in the order of
// ids.
func (s *AssetsService) batch(ctx context.Context, r rest.Request, ids []string) ([]Asset, error) {
	pq := make(url.Values, len(r.Query)+3)
	for k, v := range r.Query {
		pq[k] = v
	}
	pq.Set("uuids", strings.Join(ids, ","))
	pq.Set("offset", "0")
	pq.Set("limit", strconv.Itoa(len(ids)))
	p, err := getPage[Asset](ctx, s.c, r.Path, pq, 0, len(ids))
	if err != nil {
		return nil, err
	}
	pos := make(map[string]int, len(ids))
	for i, id := range ids {
		pos[id] = i
	}
	for _, a := range p.Items {
		if _, ok := pos[a.UUID]; !ok {
			return nil, fmt.Errorf("sekoia: Assets.All: asset %q is not one of the uuids asked for: the server ignored the filter: %w", argcheck.Short(a.UUID), apierror.ErrPaginationStalled)
		}
	}
	slices.SortFunc(p.Items, func(a, b Asset) int { return pos[a.UUID] - pos[b.UUID] })
	return p.Items, nil
}

// AssetGetOptions selects what Get returns.
type AssetGetOptions struct {
	// WithTelemetry adds the telemetry statistics.
	WithTelemetry bool
	// WithCompliance adds partitions and vulnerabilities.
	WithCompliance bool
}

// Get returns one asset by UUID.
//
// Get calls GET /v2/asset-management/assets/{uuid}.
func (s *AssetsService) Get(ctx context.Context, uuid string, opts *AssetGetOptions) (*Asset, error) {
	const method = "Assets.Get"
	if err := checkUUID(method, "uuid", uuid); err != nil {
		return nil, err
	}
	var o AssetGetOptions
	if opts != nil {
		o = *opts
	}
	r, err := line(method)(wire.NewGetAssetRequest(uuid, &wire.GetAssetParams{
		WithTelemetry: ptr(o.WithTelemetry), WithCompliance: ptr(o.WithCompliance),
	}))
	if err != nil {
		return nil, err
	}
	var out Asset
	if _, err := s.c.rest.Do(ctx, r, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
