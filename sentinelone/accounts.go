package sentinelone

import (
	"context"
	"encoding/json"
	"iter"
	"time"

	"github.com/socgo/xdr/internal/rest"
	s1wire "github.com/socgo/xdr/internal/wire/sentinelone"
)

// AccountsService lists the console's accounts.
type AccountsService struct{ c *Client }

// Account is one account. Raw is the object as received.
type Account struct {
	ID            string    `json:"id"`
	Name          string    `json:"name"`
	State         string    `json:"state"`
	AccountType   string    `json:"accountType"`
	ActiveAgents  int       `json:"activeAgents"`
	NumberOfSites int       `json:"numberOfSites"`
	ExternalID    string    `json:"externalId"`
	CreatedAt     time.Time `json:"createdAt"`
	UpdatedAt     time.Time `json:"updatedAt"`
	// Raw is the whole object as received.
	Raw json.RawMessage `json:"-"`
}

func (a *Account) setRaw(b []byte) { a.Raw = b }

// AccountListOptions filters GET /accounts.
type AccountListOptions struct {
	// IDs selects accounts by id.
	IDs []string
	// Name selects an account by exact name.
	Name string
	// States selects "active", "expired" or "deleted" accounts.
	States []string
	// Query is a free-text search.
	Query string
	// Paging sets the page size, skip, first cursor, count and sort.
	Paging
}

// request checks o and builds GET /accounts.
func (o *AccountListOptions) request(op string) (rest.Request, error) {
	if o == nil {
		o = &AccountListOptions{}
	}
	q := newQuery(op)
	p := s1wire.ListAccountsParams{
		Ids:    q.listParam("ids", o.IDs),
		Name:   strParam(o.Name),
		States: enumListParam[s1wire.ListAccountsParamsStates](q, "states", o.States),
		Query:  strParam(o.Query),
	}
	setPaging(q.pagingParams(o.Paging), &p.Limit, &p.Skip, &p.Cursor, &p.CountOnly, &p.SkipCount, &p.SortBy, &p.SortOrder)
	if q.err != nil {
		return rest.Request{}, q.err
	}
	return line(op)(s1wire.NewListAccountsRequest(&p))
}

// List calls GET /accounts and returns one page.
func (s *AccountsService) List(ctx context.Context, opts *AccountListOptions) (*Page[Account], error) {
	r, err := opts.request("Accounts.List")
	if err != nil {
		return nil, err
	}
	return s.list(ctx, r)
}

func (s *AccountsService) list(ctx context.Context, r rest.Request) (*Page[Account], error) {
	return getPage[Account](ctx, s.c, r, decodeItem[Account])
}

// All calls GET /accounts page after page, following nextCursor with the
// same filters, and yields every account.
//
// The iterator is lazy and can be run again (each run starts over). opts
// is copied when All is called and never changed. Every page is fetched
// with the caller's ctx. On error it yields (zero Account, err) once and
// stops; a repeated cursor gives ErrPaginationStalled. Breaking out of the
// loop stops fetching and frees the connection. While the caller works on
// one page the next is fetched.
func (s *AccountsService) All(ctx context.Context, opts *AccountListOptions) iter.Seq2[Account, error] {
	r, err := opts.request("Accounts.All")
	return allPages(ctx, r, err, s.list)
}

// Get calls GET /accounts/{id}. An unknown id is an error matching
// ErrNotFound.
func (s *AccountsService) Get(ctx context.Context, id string) (*Account, error) {
	return getOne[Account](ctx, s.c, "Accounts.Get", id, s1wire.NewGetAccountRequest)
}
