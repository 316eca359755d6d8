package sekoia

import (
	"context"
	"encoding/json"
	"iter"

	"time"

	wire "github.com/socgo/xdr/internal/wire/sekoia"
)

// CommunitiesService reads communities (/v1/communities), the tenants of a
// Sekoia.io workspace. Get it from Client.Communities.
type CommunitiesService struct{ c *Client }

// Community is a Sekoia.io community. Raw keeps the exact JSON it was
// decoded from, and MarshalJSON returns it.
type Community struct {
	UUID                    string    `json:"uuid"`
	Name                    string    `json:"name"`
	Description             string    `json:"description,omitempty"`
	HomepageURL             string    `json:"homepage_url,omitempty"`
	PictureMode             string    `json:"picture_mode,omitempty"`
	CreatedAt               time.Time `json:"created_at,omitzero"`
	UpdatedAt               time.Time `json:"updated_at,omitzero"`
	CreatedBy               string    `json:"created_by,omitempty"`
	CreatedByType           string    `json:"created_by_type,omitempty"`
	CompanySize             string    `json:"company_size,omitempty"`
	CompanySecurityTeamSize string    `json:"company_security_team_size,omitempty"`
	CompanySector           string    `json:"company_sector,omitempty"`
	CompanyLocation         string    `json:"company_location,omitempty"`
	CompanyDomainName       string    `json:"company_domain_name,omitempty"`
	IsParent                bool      `json:"is_parent"`
	ParentCommunityUUID     string    `json:"parent_community_uuid,omitempty"`
	IsMFAEnforced           bool      `json:"is_mfa_enforced"`
	// SessionTimeout is in minutes.
	SessionTimeout         int       `json:"session_timeout,omitempty"`
	DisableInactiveAvatars bool      `json:"disable_inactive_avatars"`
	Disabled               bool      `json:"disabled"`
	DisabledAt             time.Time `json:"disabled_at,omitzero"`
	IsPAYGAllowed          bool      `json:"is_payg_allowed"`
	// Plans holds {"uuid": …} objects.
	Plans              []json.RawMessage `json:"plans,omitempty"`
	Features           []string          `json:"features,omitempty"`
	ComputedProperties json.RawMessage   `json:"computed_properties,omitempty"`
	Limits             json.RawMessage   `json:"limits,omitempty"`
	// Licenses come with Get when IncludeLicenses is set.
	Licenses []json.RawMessage `json:"licenses,omitempty"`

	// Raw is the JSON the community was decoded from.
	Raw json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes a community, its times in any form, keeping Raw.
func (c *Community) UnmarshalJSON(b []byte) error {
	type plain Community
	*c = Community{}
	aux := struct {
		*plain
		CreatedAt  isoTime `json:"created_at"`
		UpdatedAt  isoTime `json:"updated_at"`
		DisabledAt isoTime `json:"disabled_at"`
	}{plain: (*plain)(c)}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	c.CreatedAt, c.UpdatedAt, c.DisabledAt = aux.CreatedAt.Time, aux.UpdatedAt.Time, aux.DisabledAt.Time
	c.Raw = append(json.RawMessage(nil), b...)
	return nil
}

// MarshalJSON returns Raw when the community was decoded from JSON.
func (c Community) MarshalJSON() ([]byte, error) {
	if len(c.Raw) > 0 {
		return c.Raw, nil
	}
	type plain Community
	return json.Marshal(plain(c))
}

// CommunityListOptions filters, sorts and pages the communities.
type CommunityListOptions struct {
	// Names: match[name]; UUIDs: match[uuid].
	Names []string
	UUIDs []string
	// PlanProperties: match[plan_properties].
	PlanProperties []string
	// Disabled keeps the disabled (true) or enabled (false) communities.
	Disabled *bool
	// Parent keeps the parent (true) or other (false) communities.
	Parent *bool
	// Sort is a field name ("name", "created_at"…); Direction orders it.
	Sort      string
	Direction Direction
	// Limit is the page size: 1..100, 0 for the server default (All uses
	// 100).
	Limit  int
	Offset int
}

// List returns one page of communities.
//
// List calls GET /v1/communities.
func (s *CommunitiesService) List(ctx context.Context, opts *CommunityListOptions) (*Page[Community], error) {
	var o CommunityListOptions
	if opts != nil {
		o = *opts
	}
	r, err := o.request("Communities.List", true)
	if err != nil {
		return nil, err
	}
	return getPage[Community](ctx, s.c, r.Path, r.Query, o.Offset, o.Limit)
}

// All iterates over every community matching opts.
//
// The iterator is lazy and can be run again (each run starts over); opts
// is copied and never changed; every request uses ctx; on an error it
// yields (nil, err) once and stops; breaking out of the loop stops fetching
// and frees the connection.
//
// All calls GET /v1/communities once per page.
func (s *CommunitiesService) All(ctx context.Context, opts *CommunityListOptions) iter.Seq2[Community, error] {
	var o CommunityListOptions
	if opts != nil {
		o = *opts
	}
	if o.Limit == 0 {
		o.Limit = 100
	}
	r, err := o.request("Communities.All", false)
	if err != nil {
		return errSeq[Community](err)
	}
	return allPages[Community](ctx, s.c, r.Path, r.Query, o.Offset, o.Limit)
}

// CommunityGetOptions selects what Get returns.
type CommunityGetOptions struct {
	// IncludeDisabled returns the community even if disabled.
	IncludeDisabled bool
	// IncludeLicenses adds the licenses.
	IncludeLicenses bool
}

// Get returns one community by UUID.
//
// Get calls GET /v1/communities/{community_uuid}.
func (s *CommunitiesService) Get(ctx context.Context, uuid string, opts *CommunityGetOptions) (*Community, error) {
	const method = "Communities.Get"
	if err := checkUUID(method, "uuid", uuid); err != nil {
		return nil, err
	}
	var o CommunityGetOptions
	if opts != nil {
		o = *opts
	}
	var out Community
	if err := s.c.send(ctx, method, nil, &out)(wire.NewGetCommunityRequest(uuid, &wire.GetCommunityParams{
		IncludeDisabled: ptr(o.IncludeDisabled), IncludeLicenses: ptr(o.IncludeLicenses),
	})); err != nil {
		return nil, err
	}
	return &out, nil
}
