package sekoia

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/socgo/xdr/internal/rest"
)

// Revoke revokes an asset (it stays stored, left out of searches unless
// IncludeRevoked) and returns it.
//
// Revoke calls PUT /v2/asset-management/assets/{uuid}/revoke.
func (s *AssetsService) Revoke(ctx context.Context, uuid string) (*Asset, error) {
	return s.lifecycle(ctx, "Assets.Revoke", uuid, "/revoke")
}

// Restore restores a revoked asset and returns it.
//
// Restore calls PUT /v2/asset-management/assets/{uuid}/restore.
func (s *AssetsService) Restore(ctx context.Context, uuid string) (*Asset, error) {
	return s.lifecycle(ctx, "Assets.Restore", uuid, "/restore")
}

func (s *AssetsService) lifecycle(ctx context.Context, method, uuid, verb string) (*Asset, error) {
	if err := checkUUID(method, "uuid", uuid); err != nil {
		return nil, err
	}
	return doOne[Asset](ctx, s.c, http.MethodPut, assetsPath+"/"+rest.Seg(uuid)+verb, nil, nil)
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
	for i, id := range sources {
		if err := checkUUID(method, fmt.Sprintf("sources[%d]", i), id); err != nil {
			return nil, err
		}
		if id == destination {
			return nil, fmt.Errorf("sekoia: %s: sources[%d] is the destination", method, i)
		}
	}
	return doOne[Asset](ctx, s.c, http.MethodPost, assetsPath+"/merge", nil, assetMerge{destination, sources})
}

// assetMerge is the body of the asset merge.
type assetMerge struct {
	Destination string   `json:"destination"`
	Sources     []string `json:"sources"`
}
