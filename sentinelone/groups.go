package sentinelone

import (
	"context"
	"encoding/json"
	"iter"
	"time"

	s1wire "github.com/socgo/xdr/internal/wire/sentinelone"

	"github.com/socgo/xdr/internal/rest"
)

// GroupsService lists the console's groups and moves agents between them.
type GroupsService struct{ c *Client }

// GroupType is the type of a group.
type GroupType string

// The group types.
const (
	GroupStatic  GroupType = "static"
	GroupDynamic GroupType = "dynamic"
	GroupPinned  GroupType = "pinned"
)

// Group is one group of agents in a site. Raw is the object as received;
// it also holds the group's registrationToken, a secret agents install
// with, which is not copied into a field.
type Group struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Type        GroupType `json:"type"`
	SiteID      string    `json:"siteId"`
	IsDefault   bool      `json:"isDefault"`
	Inherits    bool      `json:"inherits"`
	Rank        *int      `json:"rank"`
	TotalAgents int       `json:"totalAgents"`
	Creator     string    `json:"creator"`
	CreatorID   string    `json:"creatorId"`
	Description string    `json:"description"`
	CreatedAt   time.Time `json:"createdAt"`
	UpdatedAt   time.Time `json:"updatedAt"`
	// Raw is the whole object as received.
	Raw json.RawMessage `json:"-"`
}

func (g *Group) setRaw(b []byte) { g.Raw = b }

// GroupListOptions filters GET /groups.
type GroupListOptions struct {
	// GroupIDs, SiteIDs and AccountIDs select groups by id, site or
	// account.
	GroupIDs, SiteIDs, AccountIDs []string
	// Types selects groups by type.
	Types []GroupType
	// Name selects a group by exact name.
	Name string
	// IsDefault selects the default groups (true) or the others (false).
	IsDefault *bool
	// Query is a free-text search.
	Query string
	// Paging sets the page size, skip, first cursor, count and sort.
	Paging
}

// request checks o and builds GET /groups.
func (o *GroupListOptions) request(op string) (rest.Request, error) {
	if o == nil {
		o = &GroupListOptions{}
	}
	q := newQuery(op)
	p := s1wire.ListGroupsParams{
		GroupIds:   q.listParam("groupIds", o.GroupIDs),
		SiteIds:    q.listParam("siteIds", o.SiteIDs),
		AccountIds: q.listParam("accountIds", o.AccountIDs),
		Types:      enumListParam[s1wire.ListGroupsParamsTypes](q, "types", o.Types),
		Name:       strParam(o.Name),
		IsDefault:  o.IsDefault,
		Query:      strParam(o.Query),
	}
	setPaging(q.pagingParams(o.Paging), &p.Limit, &p.Skip, &p.Cursor, &p.CountOnly, &p.SkipCount, &p.SortBy, &p.SortOrder)
	if q.err != nil {
		return rest.Request{}, q.err
	}
	return line(op)(s1wire.NewListGroupsRequest(&p))
}

// List calls GET /groups and returns one page.
func (s *GroupsService) List(ctx context.Context, opts *GroupListOptions) (*Page[Group], error) {
	r, err := opts.request("Groups.List")
	if err != nil {
		return nil, err
	}
	return s.list(ctx, r)
}

func (s *GroupsService) list(ctx context.Context, r rest.Request) (*Page[Group], error) {
	return getPage[Group](ctx, s.c, r, decodeItem[Group])
}

// All calls GET /groups page after page, following nextCursor with the
// same filters, and yields every group.
//
// The iterator is lazy and can be run again (each run starts over). opts
// is copied when All is called and never changed. Every page is fetched
// with the caller's ctx. On error it yields (zero Group, err) once and
// stops; a repeated cursor gives ErrPaginationStalled. Breaking out of the
// loop stops fetching and frees the connection. While the caller works on
// one page the next is fetched.
func (s *GroupsService) All(ctx context.Context, opts *GroupListOptions) iter.Seq2[Group, error] {
	r, err := opts.request("Groups.All")
	return allPages(ctx, r, err, s.list)
}

// Get calls GET /groups/{id}. An unknown id is an error matching
// ErrNotFound.
func (s *GroupsService) Get(ctx context.Context, id string) (*Group, error) {
	return getOne[Group](ctx, s.c, "Groups.Get", id, s1wire.NewGetGroupRequest)
}

// MoveAgents calls PUT /groups/{id}/move-agents with {"filter": {"ids":
// agentIDs}} and returns the number of agents moved (data.agentsMoved).
// Moving to a group also moves the agents to the group's site and policy.
// None moved fails with *NoneAffectedError. PUT is idempotent: moving an
// agent twice leaves it in the same group, so the call is retried like a
// GET.
func (s *GroupsService) MoveAgents(ctx context.Context, groupID string, agentIDs []string) (int, error) {
	const op = "Groups.MoveAgents"
	if err := checkPathID(op, "groupID", groupID); err != nil {
		return 0, err
	}
	if err := checkIDs(op, "agentIDs", agentIDs); err != nil {
		return 0, err
	}
	r, err := line(op)(s1wire.NewMoveAgentsToGroupRequest(groupID))
	if err != nil {
		return 0, err
	}
	r.Body = actionBody{Filter: map[string][]string{"ids": agentIDs}}
	d, _, err := call[struct {
		AgentsMoved int `json:"agentsMoved"`
	}](ctx, s.c, r)
	if err != nil {
		return 0, err
	}
	if d.AgentsMoved == 0 {
		return 0, &NoneAffectedError{Op: op, IDs: append([]string(nil), agentIDs...)}
	}
	return d.AgentsMoved, nil
}
