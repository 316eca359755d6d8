package sekoia

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/socgo/xdr/internal/argcheck"
	"github.com/socgo/xdr/internal/idcheck"
	wire "github.com/socgo/xdr/internal/wire/sekoia"
)

// AssetCreate is a new asset. CommunityUUID, Name and Type are required.
type AssetCreate struct {
	CommunityUUID string    `json:"community_uuid"`
	Name          string    `json:"name"`
	Type          AssetType `json:"type"`
	// UUID, when set, is the new asset's UUID.
	UUID        string `json:"uuid,omitempty"`
	EntityUUID  string `json:"entity_uuid,omitempty"`
	Description string `json:"description,omitempty"`
	Category    string `json:"category,omitempty"`
	// Criticality is 0..100 (server default 0).
	Criticality *int           `json:"criticality,omitempty"`
	Props       map[string]any `json:"props,omitempty"`
	Atoms       Atoms          `json:"atoms,omitempty"`
	Tags        []string       `json:"tags,omitempty"`
	Reviewed    bool           `json:"reviewed,omitempty"`
	// Source is AssetManual (server default), AssetAutomatic or AssetImport.
	Source AssetSource `json:"source,omitempty"`
}

func checkCriticality(method string, c *int) error {
	if c != nil && (*c < 0 || *c > 100) {
		return fmt.Errorf("sekoia: %s: Criticality %d is out of range 0..100", method, *c)
	}
	return nil
}

// Create creates an asset and returns it.
//
// Create calls POST /v2/asset-management/assets.
func (s *AssetsService) Create(ctx context.Context, a *AssetCreate) (*Asset, error) {
	const method = "Assets.Create"
	switch {
	case a == nil:
		return nil, errors.New("sekoia: " + method + ": asset is nil")
	case !idcheck.IsUUID(a.CommunityUUID):
		return nil, fmt.Errorf("sekoia: %s: CommunityUUID %q is not a UUID", method, argcheck.Short(a.CommunityUUID))
	case utf8.RuneCountInString(strings.TrimSpace(a.Name)) < 2:
		return nil, fmt.Errorf("sekoia: %s: Name %q must have at least 2 characters", method, argcheck.Short(a.Name))
	case !a.Type.valid():
		return nil, fmt.Errorf("sekoia: %s: Type %q is not host, account or network", method, argcheck.Short(string(a.Type)))
	case a.UUID != "" && !idcheck.IsUUID(a.UUID):
		return nil, fmt.Errorf("sekoia: %s: UUID %q is not a UUID", method, argcheck.Short(a.UUID))
	case a.EntityUUID != "" && !idcheck.IsUUID(a.EntityUUID):
		return nil, fmt.Errorf("sekoia: %s: EntityUUID %q is not a UUID", method, argcheck.Short(a.EntityUUID))
	case a.Source != "" && a.Source != AssetManual && a.Source != AssetAutomatic && a.Source != AssetImport:
		return nil, fmt.Errorf("sekoia: %s: Source %q is not manual, automatic or import", method, argcheck.Short(string(a.Source)))
	}
	if err := checkCriticality(method, a.Criticality); err != nil {
		return nil, err
	}
	r, err := line(method)(wire.NewCreateAssetRequest())
	if err != nil {
		return nil, err
	}
	r.Body = a
	var out Asset
	if _, err := s.c.rest.Do(ctx, r, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// AssetUpdate is a change to an asset: only the fields set are sent.
type AssetUpdate struct {
	EntityUUID  string         `json:"entity_uuid,omitempty"`
	Name        string         `json:"name,omitempty"`
	Description *string        `json:"description,omitempty"`
	Type        AssetType      `json:"type,omitempty"`
	Category    string         `json:"category,omitempty"`
	Criticality *int           `json:"criticality,omitempty"`
	Props       map[string]any `json:"props,omitempty"`
	Atoms       Atoms          `json:"atoms,omitempty"`
	// Tags, when not nil, replaces the tags (an empty list removes them).
	Tags     []string `json:"tags,omitempty"`
	Revoked  *bool    `json:"revoked,omitempty"`
	Reviewed *bool    `json:"reviewed,omitempty"`
}

// MarshalJSON sends Tags when it is not nil, even empty.
func (u AssetUpdate) MarshalJSON() ([]byte, error) {
	type plain AssetUpdate
	if u.Tags == nil {
		return json.Marshal(plain(u))
	}
	return json.Marshal(struct {
		plain
		Tags []string `json:"tags"`
	}{plain(u), u.Tags})
}

// Update changes an asset and returns it.
//
// Update calls PUT /v2/asset-management/assets/{uuid} (a partial update:
// fields left out keep their value).
func (s *AssetsService) Update(ctx context.Context, uuid string, u *AssetUpdate) (*Asset, error) {
	const method = "Assets.Update"
	if err := checkUUID(method, "uuid", uuid); err != nil {
		return nil, err
	}
	switch {
	case u == nil:
		return nil, errors.New("sekoia: " + method + ": update is nil")
	case u.Name != "" && utf8.RuneCountInString(strings.TrimSpace(u.Name)) < 2:
		return nil, fmt.Errorf("sekoia: %s: Name %q must have at least 2 characters", method, argcheck.Short(u.Name))
	case u.Type != "" && !u.Type.valid():
		return nil, fmt.Errorf("sekoia: %s: Type %q is not host, account or network", method, argcheck.Short(string(u.Type)))
	case u.EntityUUID != "" && !idcheck.IsUUID(u.EntityUUID):
		return nil, fmt.Errorf("sekoia: %s: EntityUUID %q is not a UUID", method, argcheck.Short(u.EntityUUID))
	}
	if err := checkCriticality(method, u.Criticality); err != nil {
		return nil, err
	}
	r, err := line(method)(wire.NewUpdateAssetRequest(uuid))
	if err != nil {
		return nil, err
	}
	r.Body = u
	var out Asset
	if _, err := s.c.rest.Do(ctx, r, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Delete deletes an asset.
//
// Delete calls DELETE /v2/asset-management/assets/{uuid}.
func (s *AssetsService) Delete(ctx context.Context, uuid string) error {
	const method = "Assets.Delete"
	if err := checkUUID(method, "uuid", uuid); err != nil {
		return err
	}
	r, err := line(method)(wire.NewDeleteAssetRequest(uuid))
	if err != nil {
		return err
	}
	_, err = s.c.rest.Do(ctx, r, nil)
	return err
}

func checkTag(method, tag string) error {
	if strings.TrimSpace(tag) == "" || strings.ContainsAny(tag, "/\r\n") || len(tag) > 256 {
		return fmt.Errorf("sekoia: %s: tag %q must be 1..256 characters without a slash or line break", method, argcheck.Short(tag))
	}
	if argcheck.IsDotSegment(tag) {
		return fmt.Errorf("sekoia: %s: tag %q is a dot segment, which a proxy would resolve to another resource", method, tag)
	}
	return nil
}

// AddTag adds a tag to an asset.
//
// AddTag calls POST /v2/asset-management/assets/{uuid}/tag/{tag}.
func (s *AssetsService) AddTag(ctx context.Context, uuid, tag string) error {
	return s.tag(ctx, "Assets.AddTag", uuid, tag, wire.NewAddAssetTagRequest)
}

// RemoveTag removes a tag from an asset.
//
// RemoveTag calls DELETE /v2/asset-management/assets/{uuid}/tag/{tag}.
func (s *AssetsService) RemoveTag(ctx context.Context, uuid, tag string) error {
	return s.tag(ctx, "Assets.RemoveTag", uuid, tag, wire.NewRemoveAssetTagRequest)
}

func (s *AssetsService) tag(ctx context.Context, method, uuid, tag string, build func(uuid, tag string) (wire.Request, error)) error {
	if err := checkUUID(method, "uuid", uuid); err != nil {
		return err
	}
	if err := checkTag(method, tag); err != nil {
		return err
	}
	r, err := line(method)(build(uuid, tag))
	if err != nil {
		return err
	}
	var ok bool
	if _, err := s.c.rest.Do(ctx, r, &ok); err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("sekoia: %s: the API answered false for tag %q", method, argcheck.Short(tag))
	}
	return nil
}
