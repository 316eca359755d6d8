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

// BlocklistService manages the hash blocklist (the console's
// "restrictions" of type black_hash): files with a blocked hash are
// stopped on the endpoints of the entry's scope.
type BlocklistService struct{ c *Client }

// OSType is an operating system family as the API writes it.
type OSType string

// The operating system families.
const (
	OSWindows       OSType = "windows"
	OSWindowsLegacy OSType = "windows_legacy"
	OSMacOS         OSType = "macos"
	OSLinux         OSType = "linux"
)

// String returns the family as the API writes it.
func (o OSType) String() string { return string(o) }

// Valid reports whether o is one of the families.
func (o OSType) Valid() bool {
	switch o {
	case OSWindows, OSWindowsLegacy, OSMacOS, OSLinux:
		return true
	}
	return false
}

// BlocklistBlackHash is the "type" of the restrictions that make the hash
// blocklist; List sends it as a filter and Add and Delete in their bodies.
const BlocklistBlackHash = "black_hash"

// BlocklistEntry is one entry of the hash blocklist. Raw is the object as
// received.
type BlocklistEntry struct {
	ID          string    `json:"id"`
	Type        string    `json:"type"`
	Value       string    `json:"value"`
	OSType      OSType    `json:"osType"`
	Description string    `json:"description"`
	Source      string    `json:"source"`
	ScopeName   string    `json:"scopeName"`
	ScopePath   string    `json:"scopePath"`
	UserID      string    `json:"userId"`
	CreatedAt   time.Time `json:"createdAt"`
	UpdatedAt   time.Time `json:"updatedAt"`
	// Raw is the whole object as received.
	Raw json.RawMessage `json:"-"`
}

func (e *BlocklistEntry) setRaw(b []byte) { e.Raw = b }

// BlocklistListOptions filters GET /restrictions (always with
// type=black_hash). Nil options list the entries the token can see in its
// own scope.
type BlocklistListOptions struct {
	// Scope narrows the list to a tenant, accounts, sites or groups.
	Scope *Scope
	// IDs selects entries by id.
	IDs []string
	// OSTypes selects entries by operating system.
	OSTypes []OSType
	// Value selects an exact hash; the console compares it case
	// sensitively, so ValueContains is the safer search.
	Value string
	// ValueContains selects entries whose hash contains a substring
	// (value__contains).
	ValueContains []string
	// IncludeParents and IncludeChildren add the entries of the scopes
	// above and below Scope (without them the console answers only the
	// entries of Scope itself).
	IncludeParents, IncludeChildren bool
	// Paging sets the page size, skip, first cursor, count and sort.
	Paging
}

// request checks o and builds GET /restrictions with type=black_hash.
func (o *BlocklistListOptions) request(op string) (rest.Request, error) {
	if o == nil {
		o = &BlocklistListOptions{}
	}
	q := newQuery(op)
	sc := q.scopeParams(o.Scope)
	typ := s1wire.ListBlocklistParamsType(BlocklistBlackHash)
	p := s1wire.ListBlocklistParams{
		Type:            &typ,
		Tenant:          sc.tenant,
		AccountIds:      sc.accountIDs,
		SiteIds:         sc.siteIDs,
		GroupIds:        sc.groupIDs,
		Ids:             q.listParam("ids", o.IDs),
		OsTypes:         enumListParam[s1wire.OSType](q, "osTypes", o.OSTypes),
		Value:           strParam(o.Value),
		ValueContains:   q.listParam("value__contains", o.ValueContains),
		IncludeParents:  flagParam(o.IncludeParents),
		IncludeChildren: flagParam(o.IncludeChildren),
	}
	setPaging(q.pagingParams(o.Paging), &p.Limit, &p.Skip, &p.Cursor, &p.CountOnly, &p.SkipCount, &p.SortBy, &p.SortOrder)
	if q.err != nil {
		return rest.Request{}, q.err
	}
	return line(op)(s1wire.NewListBlocklistRequest(&p))
}

// List calls GET /restrictions?type=black_hash and returns one page.
func (s *BlocklistService) List(ctx context.Context, opts *BlocklistListOptions) (*Page[BlocklistEntry], error) {
	r, err := opts.request("Blocklist.List")
	if err != nil {
		return nil, err
	}
	return s.list(ctx, r)
}

func (s *BlocklistService) list(ctx context.Context, r rest.Request) (*Page[BlocklistEntry], error) {
	return getPage[BlocklistEntry](ctx, s.c, r, decodeItem[BlocklistEntry])
}

// All calls GET /restrictions?type=black_hash page after page, following
// nextCursor with the same filters, and yields every entry.
//
// The iterator is lazy and can be run again (each run starts over). opts
// is copied when All is called and never changed. Every page is fetched
// with the caller's ctx. On error it yields (zero BlocklistEntry, err)
// once and stops; a repeated cursor gives ErrPaginationStalled. Breaking
// out of the loop stops fetching and frees the connection. While the
// caller works on one page the next is fetched.
func (s *BlocklistService) All(ctx context.Context, opts *BlocklistListOptions) iter.Seq2[BlocklistEntry, error] {
	r, err := opts.request("Blocklist.All")
	return allPages(ctx, r, err, s.list)
}

// BlocklistAdd is a hash to add to the blocklist.
type BlocklistAdd struct {
	// Value is the file's SHA-1 (40 hex digits) or SHA-256 (64).
	Value string `json:"value"`
	// OSType is the operating system the entry applies to (required: the
	// console keeps one entry per family; add one per family to block a
	// file everywhere).
	OSType OSType `json:"osType"`
	// Description is shown in the console (may be empty).
	Description string `json:"description"`
	// Source names who added the entry (may be empty).
	Source string `json:"source"`
}

// Add calls POST /restrictions with {"filter": scope, "data": {"type":
// "black_hash", "value", "osType", "description", "source"}} and returns
// the entries the console created.
//
// The scope is required: TenantScope() for a global entry, or the
// accounts, sites or groups it applies to. The call is not retried on 5xx
// or network errors once sent unless opts.RetrySafe is set (or the client was
// built WithRetryActions).
func (s *BlocklistService) Add(ctx context.Context, scope Scope, e BlocklistAdd, opts *ActionOptions) ([]BlocklistEntry, error) {
	const op = "Blocklist.Add"
	if err := scope.check(op, ScopeTenant, ScopeAccount, ScopeSite, ScopeGroup); err != nil {
		return nil, err
	}
	if !isHash(e.Value) {
		return nil, fmt.Errorf("sentinelone: %s: value %q is not a SHA-1 or SHA-256 hex digest", op, truncate(e.Value, 100))
	}
	if !e.OSType.Valid() {
		return nil, fmt.Errorf("sentinelone: %s: osType %q is not one of windows, windows_legacy, macos, linux", op, truncate(string(e.OSType), 100))
	}
	data := struct {
		Type string `json:"type"`
		BlocklistAdd
	}{BlocklistBlackHash, e}
	return create[BlocklistEntry](ctx, s.c, op, s1wire.NewAddBlocklistRequest, scope, data, opts)
}

// Delete calls DELETE /restrictions with {"data": {"type": "black_hash",
// "ids": ids}} and returns the number of entries removed as the console
// reports it (-1 when the answer does not say). DELETE is idempotent and
// retried like a GET.
func (s *BlocklistService) Delete(ctx context.Context, ids []string) (int, error) {
	return deleteByType(ctx, s.c, "Blocklist.Delete", s1wire.NewDeleteBlocklistRequest, BlocklistBlackHash, ids)
}

// checkIDs refuses an empty list of ids or one with an empty element.
func checkIDs(op, name string, ids []string) error {
	if len(ids) == 0 {
		return fmt.Errorf("sentinelone: %s: %s is empty", op, name)
	}
	for _, id := range ids {
		if strings.TrimSpace(id) == "" {
			return fmt.Errorf("sentinelone: %s: %s has an empty element", op, name)
		}
	}
	return nil
}

// isHash reports whether s is a SHA-1 or SHA-256 hex digest.
func isHash(s string) bool {
	if len(s) != 40 && len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}
