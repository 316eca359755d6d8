package sentinelone

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"strings"
	"time"

	"github.com/socgo/xdr/internal/rest"
	s1wire "github.com/socgo/xdr/internal/wire/sentinelone"
)

// IOCsService manages the indicators of compromise of the console's
// threat-intelligence store (/threat-intelligence/iocs), which its
// detection engines match against endpoint activity.
type IOCsService struct{ c *Client }

// IOCType is the type of an indicator.
type IOCType string

// The indicator types.
const (
	IOCDNS    IOCType = "DNS"
	IOCIPv4   IOCType = "IPV4"
	IOCIPv6   IOCType = "IPV6"
	IOCURL    IOCType = "URL"
	IOCMD5    IOCType = "MD5"
	IOCSHA1   IOCType = "SHA1"
	IOCSHA256 IOCType = "SHA256"
)

// String returns the type as the API writes it.
func (t IOCType) String() string { return string(t) }

// Valid reports whether t is one of the indicator types.
func (t IOCType) Valid() bool {
	switch t {
	case IOCDNS, IOCIPv4, IOCIPv6, IOCURL, IOCMD5, IOCSHA1, IOCSHA256:
		return true
	}
	return false
}

// IOCMethodEquals is the match method of indicators: the value is compared
// for equality (the only method the public integrations send).
const IOCMethodEquals = "EQUALS"

// IOC is one indicator of the threat-intelligence store. Raw is the object
// as received.
type IOC struct {
	UUID        string    `json:"uuid"`
	Type        IOCType   `json:"type"`
	Value       string    `json:"value"`
	Method      string    `json:"method"`
	Name        string    `json:"name"`
	Source      string    `json:"source"`
	Description string    `json:"description"`
	ExternalID  string    `json:"externalId"`
	Creator     string    `json:"creator"`
	BatchID     string    `json:"batchId"`
	Scope       string    `json:"scope"`
	ScopeID     string    `json:"scopeId"`
	ValidUntil  time.Time `json:"validUntil"`
	UploadTime  time.Time `json:"uploadTime"`
	UpdatedAt   time.Time `json:"updatedAt"`
	// Raw is the whole object as received.
	Raw json.RawMessage `json:"-"`
}

func (i *IOC) setRaw(b []byte) { i.Raw = b }

// IOCListOptions filters GET /threat-intelligence/iocs.
type IOCListOptions struct {
	// Scope narrows the list to the tenant, accounts or sites.
	Scope *Scope
	// UUIDs selects indicators by uuid.
	UUIDs []string
	// Types selects indicators by type.
	Types []IOCType
	// Values selects indicators by exact value.
	Values []string
	// Source selects indicators by their source.
	Source string
	// ExternalID selects indicators by their external id.
	ExternalID string
	// Paging sets the page size, skip, first cursor, count and sort.
	Paging
}

// request checks o and builds GET /threat-intelligence/iocs.
func (o *IOCListOptions) request(op string) (rest.Request, error) {
	if o == nil {
		o = &IOCListOptions{}
	}
	if o.Scope != nil && o.Scope.Level == ScopeGroup {
		return rest.Request{}, fmt.Errorf("sentinelone: %s: IOCs have no group scope", op)
	}
	q := newQuery(op)
	sc := q.scopeParams(o.Scope)
	p := s1wire.ListIOCsParams{
		Tenant:     sc.tenant,
		AccountIds: sc.accountIDs,
		SiteIds:    sc.siteIDs,
		Uuids:      q.listParam("uuids", o.UUIDs),
		Type:       enumListParam[s1wire.IOCType](q, "type", o.Types),
		Value:      q.listParam("value", o.Values),
		Source:     strParam(o.Source),
		ExternalId: strParam(o.ExternalID),
	}
	setPaging(q.pagingParams(o.Paging), &p.Limit, &p.Skip, &p.Cursor, &p.CountOnly, &p.SkipCount, &p.SortBy, &p.SortOrder)
	if q.err != nil {
		return rest.Request{}, q.err
	}
	return line(op)(s1wire.NewListIOCsRequest(&p))
}

// List calls GET /threat-intelligence/iocs and returns one page.
func (s *IOCsService) List(ctx context.Context, opts *IOCListOptions) (*Page[IOC], error) {
	r, err := opts.request("IOCs.List")
	if err != nil {
		return nil, err
	}
	return s.list(ctx, r)
}

func (s *IOCsService) list(ctx context.Context, r rest.Request) (*Page[IOC], error) {
	return getPage[IOC](ctx, s.c, r, decodeItem[IOC])
}

// All calls GET /threat-intelligence/iocs page after page, following
// nextCursor with the same filters, and yields every indicator.
//
// The iterator is lazy and can be run again (each run starts over). opts
// is copied when All is called and never changed. Every page is fetched
// with the caller's ctx. On error it yields (zero IOC, err) once and
// stops; a repeated cursor gives ErrPaginationStalled. Breaking out of the
// loop stops fetching and frees the connection. While the caller works on
// one page the next is fetched.
func (s *IOCsService) All(ctx context.Context, opts *IOCListOptions) iter.Seq2[IOC, error] {
	r, err := opts.request("IOCs.All")
	return allPages(ctx, r, err, s.list)
}

// NewIOC is an indicator to create.
type NewIOC struct {
	// Type and Value are required.
	Type  IOCType `json:"type"`
	Value string  `json:"value"`
	// Method is the match method; empty sends IOCMethodEquals.
	Method string `json:"method"`
	// Source is required by the console: who provides the indicator.
	Source string `json:"source"`
	// Name, Description and ExternalID are optional.
	Name        string `json:"name,omitempty"`
	Description string `json:"description,omitempty"`
	ExternalID  string `json:"externalId,omitempty"`
	// ValidUntil is the expiry of the indicator; zero leaves the
	// console's default.
	ValidUntil time.Time `json:"-"`
}

// Create calls POST /threat-intelligence/iocs with {"filter": scope,
// "data": [indicators…]} and returns the indicators the console created.
// The scope is the tenant, accounts or sites (IOCs have no group scope).
//
// The call is not retried on 5xx or network errors once sent unless
// opts.RetrySafe is set (or the client was built WithRetryActions).
func (s *IOCsService) Create(ctx context.Context, scope Scope, iocs []NewIOC, opts *ActionOptions) ([]IOC, error) {
	const op = "IOCs.Create"
	if err := scope.check(op, ScopeTenant, ScopeAccount, ScopeSite); err != nil {
		return nil, err
	}
	if len(iocs) == 0 {
		return nil, fmt.Errorf("sentinelone: %s: no indicator given", op)
	}
	type wire struct {
		NewIOC
		ValidUntil string `json:"validUntil,omitempty"`
	}
	data := make([]wire, len(iocs))
	for i, n := range iocs {
		if !n.Type.Valid() {
			return nil, fmt.Errorf("sentinelone: %s: indicator %d: type %q is not one of DNS, IPV4, IPV6, URL, MD5, SHA1, SHA256", op, i, truncate(string(n.Type), 100))
		}
		if strings.TrimSpace(n.Value) == "" {
			return nil, fmt.Errorf("sentinelone: %s: indicator %d: value is empty", op, i)
		}
		if strings.TrimSpace(n.Source) == "" {
			return nil, fmt.Errorf("sentinelone: %s: indicator %d: source is empty", op, i)
		}
		if n.Method == "" {
			n.Method = IOCMethodEquals
		}
		data[i] = wire{NewIOC: n}
		if !n.ValidUntil.IsZero() {
			data[i].ValidUntil = FormatTime(n.ValidUntil)
		}
	}
	return create[IOC](ctx, s.c, op, s1wire.NewCreateIOCsRequest, scope, data, opts)
}

// Delete calls DELETE /threat-intelligence/iocs with {"filter":
// {<scope>, "uuids": uuids}} and returns the number of indicators removed
// as the console reports it (-1 when the answer does not say).
func (s *IOCsService) Delete(ctx context.Context, scope Scope, uuids []string) (int, error) {
	const op = "IOCs.Delete"
	if err := scope.check(op, ScopeTenant, ScopeAccount, ScopeSite); err != nil {
		return 0, err
	}
	if err := checkIDs(op, "uuids", uuids); err != nil {
		return 0, err
	}
	f := map[string]any{"uuids": uuids}
	if scope.Level == ScopeTenant {
		f["tenant"] = true
	} else {
		f[scope.key()] = scope.IDs
	}
	return remove(ctx, s.c, op, s1wire.NewDeleteIOCsRequest, map[string]any{"filter": f})
}
