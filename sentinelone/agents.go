package sentinelone

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"strings"
	"time"

	"github.com/socgo/xdr/internal/rest"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/socgo/xdr/internal/argcheck"
	s1wire "github.com/socgo/xdr/internal/wire/sentinelone"
)

// AgentsService lists agents and runs agent actions.
type AgentsService struct{ c *Client }

// NetworkStatus is an agent's network status. Disconnect and Connect
// change it asynchronously: "disconnecting" then "disconnected", or
// "connecting" then "connected".
type NetworkStatus string

// The network statuses.
const (
	NetworkConnected     NetworkStatus = "connected"
	NetworkConnecting    NetworkStatus = "connecting"
	NetworkDisconnected  NetworkStatus = "disconnected"
	NetworkDisconnecting NetworkStatus = "disconnecting"
)

// String returns the status as the API writes it.
func (s NetworkStatus) String() string { return string(s) }

// Agent is one SentinelOne agent (an endpoint). Each field holds the JSON
// member named in its tag (null reads as the zero value); the many other
// members of the API's agent object are kept in Raw, the exact bytes it was
// decoded from, which MarshalJSON returns.
//
// Raw is read-only. The agents of one page returned by List or All share
// that page's response buffer: their Raw are slices of it (capped, so
// appending to one copies), and keeping any of them keeps the page's
// buffer in memory (bytes.Clone what you keep long-term, if memory
// matters). UnmarshalJSON called directly keeps a copy of its input.
type Agent struct {
	ID                   string             `json:"id"`
	UUID                 string             `json:"uuid"`
	ComputerName         string             `json:"computerName"`
	Domain               string             `json:"domain"`
	NetworkStatus        NetworkStatus      `json:"networkStatus"`
	IsActive             bool               `json:"isActive"`
	Infected             bool               `json:"infected"`
	ActiveThreats        int                `json:"activeThreats"`
	IsDecommissioned     bool               `json:"isDecommissioned"`
	IsUninstalled        bool               `json:"isUninstalled"`
	OSType               string             `json:"osType"`
	OSName               string             `json:"osName"`
	OSRevision           string             `json:"osRevision"`
	AgentVersion         string             `json:"agentVersion"`
	MachineType          string             `json:"machineType"`
	MitigationMode       string             `json:"mitigationMode"`
	ScanStatus           string             `json:"scanStatus"`
	ExternalIP           string             `json:"externalIp"`
	LastIPToMgmt         string             `json:"lastIpToMgmt"`
	LastLoggedInUserName string             `json:"lastLoggedInUserName"`
	NetworkInterfaces    []NetworkInterface `json:"networkInterfaces"`
	AccountID            string             `json:"accountId"`
	AccountName          string             `json:"accountName"`
	SiteID               string             `json:"siteId"`
	SiteName             string             `json:"siteName"`
	GroupID              string             `json:"groupId"`
	GroupName            string             `json:"groupName"`
	LastActiveDate       time.Time          `json:"lastActiveDate"`
	RegisteredAt         time.Time          `json:"registeredAt"`
	CreatedAt            time.Time          `json:"createdAt"`
	UpdatedAt            time.Time          `json:"updatedAt"`
	// Raw is the whole agent object as received.
	Raw json.RawMessage `json:"-"`
}

type agentAlias Agent

// UnmarshalJSON decodes an agent and keeps a copy of b in Raw.
func (a *Agent) UnmarshalJSON(b []byte) error {
	var v agentAlias
	if err := json.Unmarshal(b, &v); err != nil {
		return fmt.Errorf("sentinelone: decode agent: %w", err)
	}
	*a = Agent(v)
	a.Raw = bytes.Clone(b)
	return nil
}

// MarshalJSON returns Raw when the agent was decoded, else the fields.
func (a Agent) MarshalJSON() ([]byte, error) {
	if len(a.Raw) > 0 {
		return a.Raw, nil
	}
	return json.Marshal(agentAlias(a))
}

// AgentListOptions filters GET /agents and GET /agents/count. Nil options
// select every agent.
type AgentListOptions struct {
	// IDs and UUIDs select agents by id or agent UUID.
	IDs, UUIDs []string
	// ComputerName selects agents by exact computer name (computerName).
	ComputerName string
	// ComputerNameContains selects by substrings (computerName__contains).
	ComputerNameContains []string
	// NetworkStatuses selects by network status.
	NetworkStatuses []NetworkStatus
	// AccountIDs, SiteIDs and GroupIDs select the scope.
	AccountIDs, SiteIDs, GroupIDs []string
	// OSTypes selects "windows", "linux", "macos"…
	OSTypes []string
	// IsActive, Infected and IsDecommissioned send "true" or "false" when
	// set.
	IsActive, Infected, IsDecommissioned *bool
	// Query is a free-text search.
	Query string
	// CreatedAfter sends createdAt__gt; CreatedBefore createdAt__lt.
	CreatedAfter, CreatedBefore time.Time
	// UpdatedAfter sends updatedAt__gt.
	UpdatedAfter time.Time
	// Paging sets the page size, skip, first cursor, count and sort
	// (ignored by Count).
	Paging
}

// List calls GET /agents and returns one page.
func (s *AgentsService) List(ctx context.Context, opts *AgentListOptions) (*Page[Agent], error) {
	w, err := opts.agentsQuery("Agents.List")
	if err != nil {
		return nil, err
	}
	return s.list(ctx, w)
}

func (s *AgentsService) list(ctx context.Context, r rest.Request) (*Page[Agent], error) {
	return getPage[Agent](ctx, s.c, r, decodePageAgent)
}

// decodePageAgent decodes an agent of a list page, keeping span (a slice
// of the page buffer) as Raw. List pages decode agents with decodeFrom.
func decodePageAgent(span []byte, a *Agent) error {
	return decodeSpanAs(span, (*agentAlias)(a), &a.Raw)
}

// decodeFrom decodes an agent of a list page from the page's decoder, as
// encoding/json would, in the decoder's one pass; Raw is the agent's span
// of page.
func (a *Agent) decodeFrom(dec *jsontext.Decoder, page []byte) error {
	return decodeFromAs(dec, page, (*agentAlias)(a), &a.Raw)
}

// All calls GET /agents page after page, following nextCursor with the
// same filters, and yields every agent.
//
// The iterator is lazy and can be run again (each run starts over). opts
// is copied when All is called and never changed. Every page is fetched
// with the caller's ctx. On error it yields (zero Agent, err) once and
// stops; a repeated cursor gives ErrPaginationStalled. Breaking out of the
// loop stops fetching and frees the connection. While the caller works on
// one page the next is fetched.
func (s *AgentsService) All(ctx context.Context, opts *AgentListOptions) iter.Seq2[Agent, error] {
	w, err := opts.agentsQuery("Agents.All")
	return allPages(ctx, w, err, s.list)
}

// Count calls GET /agents/count with the filters of opts (paging is
// ignored) and returns the number of matching agents.
func (s *AgentsService) Count(ctx context.Context, opts *AgentListOptions) (int, error) {
	w, err := opts.agentsCountRequest("Agents.Count")
	if err != nil {
		return 0, err
	}
	d, _, err := call[struct {
		Total int `json:"total"`
	}](ctx, s.c, w)
	if err != nil {
		return 0, err
	}
	return d.Total, nil
}

// AgentAction is an action of POST /agents/actions/{action}.
type AgentAction string

// Agent actions. Those marked dangerous require a filter with IDs,
// GroupIDs or FilterID.
const (
	// AgentDisconnect isolates the endpoint from the network (dangerous).
	AgentDisconnect AgentAction = "disconnect"
	// AgentConnect reconnects an isolated endpoint.
	AgentConnect AgentAction = "connect"
	// AgentInitiateScan starts a full disk scan.
	AgentInitiateScan AgentAction = "initiate-scan"
	// AgentAbortScan stops a running scan.
	AgentAbortScan AgentAction = "abort-scan"
	// AgentRestartMachine reboots the endpoint (dangerous).
	AgentRestartMachine AgentAction = "restart-machine"
	// AgentShutdown shuts the endpoint down (dangerous).
	AgentShutdown AgentAction = "shutdown"
	// AgentDecommission removes the agent from the console (dangerous).
	AgentDecommission AgentAction = "decommission"
	// AgentUninstall uninstalls the agent (dangerous).
	AgentUninstall AgentAction = "uninstall"
	// AgentFetchLogs asks the agent to upload its logs.
	AgentFetchLogs AgentAction = "fetch-logs"
	// AgentBroadcast shows a message to the endpoint's user.
	AgentBroadcast AgentAction = "broadcast"
	// AgentEnable and AgentDisable turn the agent on and off.
	AgentEnable  AgentAction = "enable-agent"
	AgentDisable AgentAction = "disable-agent"
	// AgentFetchInstalledApps asks for the installed applications
	// (dangerous).
	AgentFetchInstalledApps AgentAction = "fetch-installed-apps"
	// AgentMarkUpToDate marks the agent as up to date.
	AgentMarkUpToDate AgentAction = "mark-up-to-date"
)

// String returns a human name ("initiate scan").
func (a AgentAction) String() string {
	switch a {
	case AgentDisconnect:
		return "disconnect from network"
	case AgentConnect:
		return "reconnect to network"
	}
	return strings.ReplaceAll(string(a), "-", " ")
}

// Dangerous reports whether the API restricts the action's filter to ids,
// group ids or a saved filter.
func (a AgentAction) Dangerous() bool {
	switch a {
	case AgentDisconnect, AgentRestartMachine, AgentShutdown, AgentDecommission, AgentUninstall, AgentFetchInstalledApps:
		return true
	}
	return false
}

func (a AgentAction) valid() bool {
	if a == "" || len(a) > 64 {
		return false
	}
	for _, c := range string(a) {
		if !(c >= 'a' && c <= 'z' || c == '-' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// AgentFilter selects the agents an action applies to (the "filter" of the
// action body). It must select something: the API applies an empty filter
// to every agent in scope, so the client refuses it before any request.
type AgentFilter struct {
	// IDs are agent ids. When set, an action that affects nothing fails
	// with *NoneAffectedError.
	IDs []string `json:"ids,omitempty"`
	// UUIDs are agent UUIDs (not accepted by dangerous actions).
	UUIDs      []string `json:"uuids,omitempty"`
	GroupIDs   []string `json:"groupIds,omitempty"`
	SiteIDs    []string `json:"siteIds,omitempty"`
	AccountIDs []string `json:"accountIds,omitempty"`
	// FilterID is the id of a filter saved in the console.
	FilterID string `json:"filterId,omitempty"`
	// Query is a free-text search.
	Query string `json:"query,omitempty"`
	// IsDecommissioned and IsUninstalled narrow the selection; alone they
	// do not make a filter.
	IsDecommissioned *bool `json:"isDecommissioned,omitempty"`
	IsUninstalled    *bool `json:"isUninstalled,omitempty"`
}

func (f AgentFilter) check(op string, a AgentAction) error {
	n, err := countFilterLists(op, []filterList{{"IDs", f.IDs}, {"UUIDs", f.UUIDs}, {"GroupIDs", f.GroupIDs}, {"SiteIDs", f.SiteIDs}, {"AccountIDs", f.AccountIDs}})
	if err != nil {
		return err
	}
	if n == 0 && strings.TrimSpace(f.FilterID) == "" && strings.TrimSpace(f.Query) == "" {
		return fmt.Errorf("sentinelone: %s: the filter is empty; the API would apply %q to every agent in scope", op, argcheck.Short(string(a)))
	}
	if a.Dangerous() {
		if len(f.IDs) == 0 && len(f.GroupIDs) == 0 && f.FilterID == "" {
			return fmt.Errorf("sentinelone: %s: action %q needs a filter with IDs, GroupIDs or FilterID", op, argcheck.Short(string(a)))
		}
		if len(f.UUIDs) > 0 {
			return fmt.Errorf("sentinelone: %s: action %q does not take UUIDs; give agent IDs", op, argcheck.Short(string(a)))
		}
	}
	return nil
}

// Action calls POST /agents/actions/{action} with {"filter": f, "data":
// data} (data nil sends {}). It is the general form of the typed methods
// (Disconnect, Connect, InitiateScan…), for the other actions of the API.
//
// An empty filter is refused before any request. A filter with IDs that
// affects nothing fails with *NoneAffectedError. The call is not retried
// on 5xx or network errors once sent unless opts.RetrySafe is set (or the
// client was built WithRetryActions).
func (s *AgentsService) Action(ctx context.Context, a AgentAction, f AgentFilter, data any, opts *ActionOptions) (*ActionResult, error) {
	return s.act(ctx, "Agents.Action", a, f, data, opts)
}

func (s *AgentsService) act(ctx context.Context, op string, a AgentAction, f AgentFilter, data any, opts *ActionOptions) (*ActionResult, error) {
	if !a.valid() {
		return nil, fmt.Errorf("sentinelone: %s: action %q is not an action name", op, argcheck.Short(string(a)))
	}
	if err := f.check(op, a); err != nil {
		return nil, err
	}
	if data == nil {
		data = struct{}{}
	}
	return action(ctx, s.c, op, actionBody{Filter: f, Data: data}, f.IDs, opts)(s1wire.NewAgentActionRequest(s1wire.AgentActionParamsAction(a)))
}

// Disconnect calls POST /agents/actions/disconnect: it isolates the
// selected endpoints from the network (they keep talking to the console).
// The agents' NetworkStatus goes to "disconnecting", then "disconnected".
// The filter must hold IDs, GroupIDs or FilterID.
func (s *AgentsService) Disconnect(ctx context.Context, f AgentFilter, opts *ActionOptions) (*ActionResult, error) {
	return s.act(ctx, "Agents.Disconnect", AgentDisconnect, f, nil, opts)
}

// Connect calls POST /agents/actions/connect: it ends the network
// isolation of the selected endpoints.
func (s *AgentsService) Connect(ctx context.Context, f AgentFilter, opts *ActionOptions) (*ActionResult, error) {
	return s.act(ctx, "Agents.Connect", AgentConnect, f, nil, opts)
}

// InitiateScan calls POST /agents/actions/initiate-scan: a full disk scan.
func (s *AgentsService) InitiateScan(ctx context.Context, f AgentFilter, opts *ActionOptions) (*ActionResult, error) {
	return s.act(ctx, "Agents.InitiateScan", AgentInitiateScan, f, nil, opts)
}

// AbortScan calls POST /agents/actions/abort-scan.
func (s *AgentsService) AbortScan(ctx context.Context, f AgentFilter, opts *ActionOptions) (*ActionResult, error) {
	return s.act(ctx, "Agents.AbortScan", AgentAbortScan, f, nil, opts)
}

// RestartMachine calls POST /agents/actions/restart-machine. The filter
// must hold IDs, GroupIDs or FilterID.
func (s *AgentsService) RestartMachine(ctx context.Context, f AgentFilter, opts *ActionOptions) (*ActionResult, error) {
	return s.act(ctx, "Agents.RestartMachine", AgentRestartMachine, f, nil, opts)
}

// Shutdown calls POST /agents/actions/shutdown. The filter must hold IDs,
// GroupIDs or FilterID.
func (s *AgentsService) Shutdown(ctx context.Context, f AgentFilter, opts *ActionOptions) (*ActionResult, error) {
	return s.act(ctx, "Agents.Shutdown", AgentShutdown, f, nil, opts)
}

// FetchLogs calls POST /agents/actions/fetch-logs.
func (s *AgentsService) FetchLogs(ctx context.Context, f AgentFilter, opts *ActionOptions) (*ActionResult, error) {
	return s.act(ctx, "Agents.FetchLogs", AgentFetchLogs, f, nil, opts)
}

// Broadcast calls POST /agents/actions/broadcast with {"data":
// {"message": message}}: the message is shown to the endpoints' users.
func (s *AgentsService) Broadcast(ctx context.Context, f AgentFilter, message string, opts *ActionOptions) (*ActionResult, error) {
	if strings.TrimSpace(message) == "" {
		return nil, fmt.Errorf("sentinelone: Agents.Broadcast: message is empty")
	}
	return s.act(ctx, "Agents.Broadcast", AgentBroadcast, f, map[string]string{"message": message}, opts)
}
