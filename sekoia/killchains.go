package sekoia

import (
	"context"
	"fmt"
	"iter"

	"github.com/socgo/xdr/internal/argcheck"
	"github.com/socgo/xdr/internal/idcheck"
	wire "github.com/socgo/xdr/internal/wire/sekoia"
)

// KillChainsService reads the cyber kill chain stages (/v1/sic/kill-chains)
// that alerts refer to by KillChainShortID. Get it from Client.KillChains.
type KillChainsService struct{ c *Client }

// KillChainListOptions filters and pages the kill chain stages.
type KillChainListOptions struct {
	// Names: match[name]; ShortIDs: match[short_id].
	Names    []string
	ShortIDs []string
	// Limit is the page size: 1..100, 0 for the server default (20; All
	// uses 100).
	Limit  int
	Offset int
}

// List returns one page of kill chain stages.
//
// List calls GET /v1/sic/kill-chains.
func (s *KillChainsService) List(ctx context.Context, opts *KillChainListOptions) (*Page[KillChainStage], error) {
	const method = "KillChains.List"
	var o KillChainListOptions
	if opts != nil {
		o = *opts
	}
	r, err := o.request(method, true)
	if err != nil {
		return nil, err
	}
	return getPage[KillChainStage](ctx, s.c, r.Path, r.Query, o.Offset, o.Limit)
}

// All iterates over every kill chain stage matching opts.
//
// The iterator is lazy and can be run again (each run starts over); opts
// is copied and never changed; every request uses ctx; on an error it
// yields once and stops; breaking out of the loop stops fetching and frees
// the connection.
//
// All calls GET /v1/sic/kill-chains once per page.
func (s *KillChainsService) All(ctx context.Context, opts *KillChainListOptions) iter.Seq2[KillChainStage, error] {
	const method = "KillChains.All"
	var o KillChainListOptions
	if opts != nil {
		o = *opts
	}
	if o.Limit == 0 {
		o.Limit = 100
	}
	r, err := o.request(method, false)
	if err != nil {
		return errSeq[KillChainStage](err)
	}
	return allPages[KillChainStage](ctx, s.c, r.Path, r.Query, o.Offset, o.Limit)
}

// Get returns one kill chain stage by UUID or short id ("KCXKNfnJupq5").
//
// Get calls GET /v1/sic/kill-chains/{uuid}.
func (s *KillChainsService) Get(ctx context.Context, id string) (*KillChainStage, error) {
	const method = "KillChains.Get"
	if !idcheck.IsUUID(id) && !isShortID(id, "KC") {
		return nil, fmt.Errorf("sekoia: %s: id %q is not a UUID or short id", method, argcheck.Short(id))
	}
	var out KillChainStage
	if err := s.c.send(ctx, method, nil, &out)(wire.NewGetKillChainStageRequest(id)); err != nil {
		return nil, err
	}
	return &out, nil
}
