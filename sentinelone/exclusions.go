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

// ExclusionsService manages exclusions (/exclusions): hashes, paths,
// certificates, browsers or file types the agents leave alone.
type ExclusionsService struct{ c *Client }

// ExclusionType is the type of an exclusion.
type ExclusionType string

// The exclusion types.
const (
	ExclusionHash        ExclusionType = "white_hash"
	ExclusionPath        ExclusionType = "path"
	ExclusionCertificate ExclusionType = "certificate"
	ExclusionBrowser     ExclusionType = "browser"
	ExclusionFileType    ExclusionType = "file_type"
)

// String returns the type as the API writes it.
func (t ExclusionType) String() string { return string(t) }

// Valid reports whether t is one of the exclusion types.
func (t ExclusionType) Valid() bool {
	switch t {
	case ExclusionHash, ExclusionPath, ExclusionCertificate, ExclusionBrowser, ExclusionFileType:
		return true
	}
	return false
}

// ExclusionMode is what a path exclusion turns off (the "mode" of the
// create body).
type ExclusionMode string

// The exclusion modes, from the narrowest to the widest.
const (
	ModeSuppress                    ExclusionMode = "suppress"
	ModeDisableInProcessMonitor     ExclusionMode = "disable_in_process_monitor"
	ModeDisableInProcessMonitorDeep ExclusionMode = "disable_in_process_monitor_deep"
	ModeDisableAllMonitors          ExclusionMode = "disable_all_monitors"
	ModeDisableAllMonitorsDeep      ExclusionMode = "disable_all_monitors_deep"
)

// PathExclusionType says what a path exclusion's value names.
type PathExclusionType string

// The path exclusion types.
const (
	PathFile       PathExclusionType = "file"
	PathFolder     PathExclusionType = "folder"
	PathSubfolders PathExclusionType = "subfolders"
)

// Exclusion is one exclusion. Raw is the object as received.
type Exclusion struct {
	ID                string            `json:"id"`
	Type              ExclusionType     `json:"type"`
	Value             string            `json:"value"`
	OSType            OSType            `json:"osType"`
	Description       string            `json:"description"`
	Mode              ExclusionMode     `json:"mode"`
	PathExclusionType PathExclusionType `json:"pathExclusionType"`
	Source            string            `json:"source"`
	ScopeName         string            `json:"scopeName"`
	ScopePath         string            `json:"scopePath"`
	UserName          string            `json:"userName"`
	CreatedAt         time.Time         `json:"createdAt"`
	UpdatedAt         time.Time         `json:"updatedAt"`
	// Raw is the whole object as received.
	Raw json.RawMessage `json:"-"`
}

func (e *Exclusion) setRaw(b []byte) { e.Raw = b }

// ExclusionListOptions filters GET /exclusions.
type ExclusionListOptions struct {
	// Scope narrows the list to a tenant, accounts, sites or groups.
	Scope *Scope
	// IDs selects exclusions by id.
	IDs []string
	// Type selects one exclusion type.
	Type ExclusionType
	// OSTypes selects exclusions by operating system.
	OSTypes []OSType
	// ValueContains selects exclusions whose value contains a substring.
	ValueContains []string
	// IncludeParents and IncludeChildren add the exclusions of the scopes
	// above and below Scope; without them the console answers a subset.
	IncludeParents, IncludeChildren bool
	// Paging sets the page size, skip, first cursor, count and sort.
	Paging
}

// request checks o and builds GET /exclusions.
func (o *ExclusionListOptions) request(op string) (rest.Request, error) {
	if o == nil {
		o = &ExclusionListOptions{}
	}
	q := newQuery(op)
	sc := q.scopeParams(o.Scope)
	ids := q.listParam("ids", o.IDs)
	if o.Type != "" && !o.Type.Valid() {
		q.fail("Type %q is not an exclusion type", truncate(string(o.Type), 100))
	}
	p := s1wire.ListExclusionsParams{
		Tenant:          sc.tenant,
		AccountIds:      sc.accountIDs,
		SiteIds:         sc.siteIDs,
		GroupIds:        sc.groupIDs,
		Ids:             ids,
		Type:            (*s1wire.ExclusionType)(strParam(string(o.Type))),
		OsTypes:         enumListParam[s1wire.OSType](q, "osTypes", o.OSTypes),
		ValueContains:   q.listParam("value__contains", o.ValueContains),
		IncludeParents:  flagParam(o.IncludeParents),
		IncludeChildren: flagParam(o.IncludeChildren),
	}
	setPaging(q.pagingParams(o.Paging), &p.Limit, &p.Skip, &p.Cursor, &p.CountOnly, &p.SkipCount, &p.SortBy, &p.SortOrder)
	if q.err != nil {
		return rest.Request{}, q.err
	}
	return line(op)(s1wire.NewListExclusionsRequest(&p))
}

// List calls GET /exclusions and returns one page.
func (s *ExclusionsService) List(ctx context.Context, opts *ExclusionListOptions) (*Page[Exclusion], error) {
	r, err := opts.request("Exclusions.List")
	if err != nil {
		return nil, err
	}
	return s.list(ctx, r)
}

func (s *ExclusionsService) list(ctx context.Context, r rest.Request) (*Page[Exclusion], error) {
	return getPage[Exclusion](ctx, s.c, r, decodeItem[Exclusion])
}

// All calls GET /exclusions page after page, following nextCursor with the
// same filters, and yields every exclusion.
//
// The iterator is lazy and can be run again (each run starts over). opts
// is copied when All is called and never changed. Every page is fetched
// with the caller's ctx. On error it yields (zero Exclusion, err) once and
// stops; a repeated cursor gives ErrPaginationStalled. Breaking out of the
// loop stops fetching and frees the connection. While the caller works on
// one page the next is fetched.
func (s *ExclusionsService) All(ctx context.Context, opts *ExclusionListOptions) iter.Seq2[Exclusion, error] {
	r, err := opts.request("Exclusions.All")
	return allPages(ctx, r, err, s.list)
}

// NewExclusion is an exclusion to create.
type NewExclusion struct {
	// Type, Value and OSType are required.
	Type   ExclusionType `json:"type"`
	Value  string        `json:"value"`
	OSType OSType        `json:"osType"`
	// Description is optional.
	Description string `json:"description,omitempty"`
	// Mode and PathExclusionType apply to ExclusionPath only.
	Mode              ExclusionMode     `json:"mode,omitempty"`
	PathExclusionType PathExclusionType `json:"pathExclusionType,omitempty"`
}

// Create calls POST /exclusions with {"filter": scope, "data":
// exclusion} and returns the exclusions the console created.
//
// The call is not retried on 5xx or network errors once sent unless
// opts.RetrySafe is set (or the client was built WithRetryActions).
func (s *ExclusionsService) Create(ctx context.Context, scope Scope, e NewExclusion, opts *ActionOptions) ([]Exclusion, error) {
	const op = "Exclusions.Create"
	if err := scope.check(op, ScopeTenant, ScopeAccount, ScopeSite, ScopeGroup); err != nil {
		return nil, err
	}
	switch {
	case !e.Type.Valid():
		return nil, fmt.Errorf("sentinelone: %s: type %q is not one of white_hash, path, certificate, browser, file_type", op, truncate(string(e.Type), 100))
	case strings.TrimSpace(e.Value) == "":
		return nil, fmt.Errorf("sentinelone: %s: value is empty", op)
	case !e.OSType.Valid():
		return nil, fmt.Errorf("sentinelone: %s: osType %q is not one of windows, windows_legacy, macos, linux", op, truncate(string(e.OSType), 100))
	case e.Type == ExclusionHash && !isHash(e.Value):
		return nil, fmt.Errorf("sentinelone: %s: value %q is not a SHA-1 or SHA-256 hex digest", op, truncate(e.Value, 100))
	case e.Type != ExclusionPath && (e.Mode != "" || e.PathExclusionType != ""):
		return nil, fmt.Errorf("sentinelone: %s: Mode and PathExclusionType apply to path exclusions only", op)
	}
	return create[Exclusion](ctx, s.c, op, s1wire.NewCreateExclusionRequest, scope, e, opts)
}

// Delete calls DELETE /exclusions with {"data": {"type": typ, "ids":
// ids}} and returns the number of exclusions removed as the console
// reports it (-1 when the answer does not say).
func (s *ExclusionsService) Delete(ctx context.Context, typ ExclusionType, ids []string) (int, error) {
	const op = "Exclusions.Delete"
	if !typ.Valid() {
		return 0, fmt.Errorf("sentinelone: %s: type %q is not one of white_hash, path, certificate, browser, file_type", op, truncate(string(typ), 100))
	}
	return deleteByType(ctx, s.c, op, s1wire.NewDeleteExclusionsRequest, string(typ), ids)
}
