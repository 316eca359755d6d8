package tehtris

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/socgo/xdr/internal/argcheck"
	"github.com/socgo/xdr/internal/idcheck"
	wire "github.com/socgo/xdr/internal/wire/tehtris"
)

// Endpoint addresses an EDR agent: the appliance (RFL) that manages it and
// the agent's UUID. Event.Endpoint returns the endpoint of an event.
type Endpoint struct {
	// ApplianceID is the appliance id (an event's "rflId").
	ApplianceID int64
	// AgentUUID is the agent's UUID (an event's "uuid__").
	AgentUUID string
}

// String returns "applianceID/agentUUID".
func (e Endpoint) String() string {
	return strconv.FormatInt(e.ApplianceID, 10) + "/" + e.AgentUUID
}

func (e Endpoint) check(method string) error {
	if e.ApplianceID < 0 {
		return fmt.Errorf("tehtris: %s: appliance id %d is negative", method, e.ApplianceID)
	}
	if !idcheck.IsUUID(e.AgentUUID) {
		return fmt.Errorf("tehtris: %s: agent UUID %q is not a UUID", method, argcheck.Short(e.AgentUUID))
	}
	return nil
}

// EndpointsService runs the response actions on endpoints (network
// isolation, file quarantine, disk scans) and reads their process
// history. Reach it as Client.Endpoints.
type EndpointsService struct {
	c *Client
}

// Power is how an isolation order is applied.
type Power string

// The isolation powers.
const (
	// PowerSoft isolates according to the endpoint's policy.
	PowerSoft Power = "soft"
	// PowerHard isolates immediately.
	PowerHard Power = "hard"
)

// String returns the wire value ("soft", "hard").
func (p Power) String() string { return string(p) }

// IsolationOptions are the optional arguments of Isolate and Release.
type IsolationOptions struct {
	// Power is sent as the power parameter when set.
	Power Power
	// Persist sends persist=true: an order for an agent that is offline is
	// queued until it reconnects (the API answers 202).
	Persist bool
	// Allow lists the addresses the isolated endpoint may still reach,
	// sent as {"toWhitelist": [...]} (Isolate only).
	Allow []string
	// RetrySafe lets the order be retried on 5xx, 408, network errors and
	// a cut answer. By default it is retried only on 429 and when it
	// provably never left (a failed DNS lookup, connection or TLS
	// handshake): an order that timed out may have been queued (with
	// Persist) or carried out.
	RetrySafe bool
}

// IsolationResult tells how an isolation order was taken (see
// ActionResult).
type IsolationResult = ActionResult

// Isolated reports whether the endpoint is isolated from the network. It
// calls GET /edr/v2/live/{applianceId}/{edrUuid}/isolation, which answers
// {"status": true|false}.
func (s *EndpointsService) Isolated(ctx context.Context, ep Endpoint) (bool, error) {
	const method = "Endpoints.Isolated"
	if err := ep.check(method); err != nil {
		return false, err
	}
	r, err := line(method)(wire.NewGetIsolationRequest(ep.ApplianceID, strings.ToLower(ep.AgentUUID)))
	if err != nil {
		return false, err
	}
	var out isolationState
	if _, err := s.c.rest.Do(ctx, r, &out); err != nil {
		return false, err
	}
	return out.Status, nil
}

// Isolate cuts the endpoint off the network (the channel between the agent
// and its appliance stays open). It calls
// POST /edr/v2/live/{applianceId}/{edrUuid}/isolation?isolationAction=enable
// with power and persist from opts, and a {"toWhitelist": [...]} body when
// opts.Allow is not empty.
//
// The result tells an order applied (204) from one queued for an offline
// agent (202, with Persist). A 409 (an endpoint behind a local proxy)
// gives an *APIError matching ErrConflict. The order is sent once (429
// aside) unless opts.RetrySafe is set.
func (s *EndpointsService) Isolate(ctx context.Context, ep Endpoint, opts *IsolationOptions) (IsolationResult, error) {
	return s.isolation(ctx, "Endpoints.Isolate", "enable", ep, opts)
}

// Release ends the isolation of the endpoint. It calls
// POST /edr/v2/live/{applianceId}/{edrUuid}/isolation?isolationAction=disable
// with power and persist from opts (opts.Allow must be empty). The result
// and errors are those of Isolate.
func (s *EndpointsService) Release(ctx context.Context, ep Endpoint, opts *IsolationOptions) (IsolationResult, error) {
	return s.isolation(ctx, "Endpoints.Release", "disable", ep, opts)
}

func (s *EndpointsService) isolation(ctx context.Context, method, action string, ep Endpoint, opts *IsolationOptions) (IsolationResult, error) {
	if err := ep.check(method); err != nil {
		return IsolationResult{}, err
	}
	var o IsolationOptions
	if opts != nil {
		o = *opts
	}
	switch o.Power {
	case "", PowerSoft, PowerHard:
	default:
		return IsolationResult{}, fmt.Errorf("tehtris: %s: power %q is not soft or hard", method, argcheck.Short(string(o.Power)))
	}
	if action == "disable" && len(o.Allow) > 0 {
		return IsolationResult{}, fmt.Errorf("tehtris: %s: Allow is only used when isolating", method)
	}
	for i, a := range o.Allow {
		if strings.TrimSpace(a) == "" {
			return IsolationResult{}, fmt.Errorf("tehtris: %s: Allow[%d] is empty", method, i)
		}
	}
	p := wire.SetIsolationParams{IsolationAction: wire.SetIsolationParamsIsolationAction(action)}
	if o.Power != "" {
		p.Power = (*wire.SetIsolationParamsPower)(&o.Power)
	}
	if o.Persist {
		p.Persist = &o.Persist
	}
	req, err := line(method)(wire.NewSetIsolationRequest(ep.ApplianceID, strings.ToLower(ep.AgentUUID), &p))
	if err != nil {
		return IsolationResult{}, err
	}
	req.RetrySafe = o.RetrySafe
	if len(o.Allow) > 0 {
		req.Body = isolationAllowList{ToWhitelist: o.Allow}
	}
	meta, err := s.c.rest.Do(ctx, req, nil)
	if err != nil {
		return IsolationResult{}, err
	}
	return IsolationResult{Queued: meta.StatusCode == http.StatusAccepted, StatusCode: meta.StatusCode}, nil
}
