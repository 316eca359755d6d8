package sentinelone

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"strings"
	"time"

	s1wire "github.com/socgo/xdr/internal/wire/sentinelone"

	"github.com/socgo/xdr/internal/argcheck"
	"github.com/socgo/xdr/internal/rest"
)

// SitesService lists the console's sites.
type SitesService struct{ c *Client }

// Site is one site. Raw is the object as received; it also holds the
// site's registrationToken, a secret agents install with, which is not
// copied into a field.
type Site struct {
	ID                  string    `json:"id"`
	Name                string    `json:"name"`
	AccountID           string    `json:"accountId"`
	AccountName         string    `json:"accountName"`
	State               string    `json:"state"`
	SiteType            string    `json:"siteType"`
	Suite               string    `json:"suite"`
	IsDefault           bool      `json:"isDefault"`
	HealthStatus        bool      `json:"healthStatus"`
	ActiveLicenses      int       `json:"activeLicenses"`
	TotalLicenses       int       `json:"totalLicenses"`
	UnlimitedLicenses   bool      `json:"unlimitedLicenses"`
	ExternalID          string    `json:"externalId"`
	Creator             string    `json:"creator"`
	CreatorID           string    `json:"creatorId"`
	Description         string    `json:"description"`
	CreatedAt           time.Time `json:"createdAt"`
	UpdatedAt           time.Time `json:"updatedAt"`
	UnlimitedExpiration bool      `json:"unlimitedExpiration"`
	// Raw is the whole object as received.
	Raw json.RawMessage `json:"-"`
}

func (s *Site) setRaw(b []byte) { s.Raw = b }

// SiteListOptions filters GET /sites.
type SiteListOptions struct {
	// SiteIDs and AccountIDs select sites by id or by account.
	SiteIDs, AccountIDs []string
	// Name selects a site by exact name; NameContains by substrings.
	Name         string
	NameContains []string
	// States selects "active", "expired" or "deleted" sites.
	States []string
	// SiteType selects "Paid" or "Trial" sites.
	SiteType string
	// Query is a free-text search.
	Query string
	// Paging sets the page size, skip, first cursor, count and sort.
	Paging
}

// request checks o and builds GET /sites.
func (o *SiteListOptions) request(op string) (rest.Request, error) {
	if o == nil {
		o = &SiteListOptions{}
	}
	q := newQuery(op)
	p := s1wire.ListSitesParams{
		SiteIds:      q.listParam("siteIds", o.SiteIDs),
		AccountIds:   q.listParam("accountIds", o.AccountIDs),
		Name:         strParam(o.Name),
		NameContains: q.listParam("name__contains", o.NameContains),
		State:        enumListParam[s1wire.ListSitesParamsState](q, "state", o.States),
		SiteType:     (*s1wire.ListSitesParamsSiteType)(strParam(o.SiteType)),
		Query:        strParam(o.Query),
	}
	setPaging(q.pagingParams(o.Paging), &p.Limit, &p.Skip, &p.Cursor, &p.CountOnly, &p.SkipCount, &p.SortBy, &p.SortOrder)
	if q.err != nil {
		return rest.Request{}, q.err
	}
	return line(op)(s1wire.NewListSitesRequest(&p))
}

// siteList is the "data" of GET /sites: {"allSites": {...}, "sites":
// [...]}; a plain array is accepted too.
type siteList []json.RawMessage

func (l *siteList) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '[' {
		return json.Unmarshal(b, (*[]json.RawMessage)(l))
	}
	var v struct {
		Sites []json.RawMessage `json:"sites"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*l = v.Sites
	return nil
}

// List calls GET /sites and returns one page. The console answers the
// sites under data.sites (beside data.allSites, license totals); List
// reads them from there.
func (s *SitesService) List(ctx context.Context, opts *SiteListOptions) (*Page[Site], error) {
	r, err := opts.request("Sites.List")
	if err != nil {
		return nil, err
	}
	return s.list(ctx, r)
}

func (s *SitesService) list(ctx context.Context, r rest.Request) (*Page[Site], error) {
	raw, p, err := call[siteList](ctx, s.c, r)
	if err != nil {
		return nil, err
	}
	items := make([]Site, len(raw))
	for i, b := range raw {
		if err := decodeItem[Site](b, &items[i]); err != nil {
			return nil, fmt.Errorf("sentinelone: GET /sites: decode site %d: %w", i, err)
		}
	}
	return newPage(items, p), nil
}

// All calls GET /sites page after page, following nextCursor with the same
// filters, and yields every site.
//
// The iterator is lazy and can be run again (each run starts over). opts
// is copied when All is called and never changed. Every page is fetched
// with the caller's ctx. On error it yields (zero Site, err) once and
// stops; a repeated cursor gives ErrPaginationStalled. Breaking out of the
// loop stops fetching and frees the connection. While the caller works on
// one page the next is fetched.
func (s *SitesService) All(ctx context.Context, opts *SiteListOptions) iter.Seq2[Site, error] {
	r, err := opts.request("Sites.All")
	return allPages(ctx, r, err, s.list)
}

// Get calls GET /sites/{id}. An unknown id is an error matching
// ErrNotFound.
func (s *SitesService) Get(ctx context.Context, id string) (*Site, error) {
	return getOne[Site](ctx, s.c, "Sites.Get", id, s1wire.NewGetSiteRequest)
}

// getOne checks id, calls the GET that build makes of it (a generated
// builder: s1wire.NewGetSiteRequest) and decodes the object of its "data".
func getOne[T any, P rawItem[T]](ctx context.Context, c *Client, op, id string, build func(string) (s1wire.Request, error)) (*T, error) {
	if err := checkPathID(op, "id", id); err != nil {
		return nil, err
	}
	r, err := line(op)(build(id))
	if err != nil {
		return nil, err
	}
	raw, _, err := call[json.RawMessage](ctx, c, r)
	if err != nil {
		return nil, err
	}
	v := new(T)
	if err := decodeItem[T, P](raw, v); err != nil {
		return nil, fmt.Errorf("sentinelone: %s: decode: %w", op, err)
	}
	return v, nil
}

// checkPathID refuses an id that cannot be one path segment: empty, with
// white space or a slash, or a dot segment.
func checkPathID(op, name, id string) error {
	switch {
	case strings.TrimSpace(id) == "":
		return fmt.Errorf("sentinelone: %s: %s is empty", op, name)
	case id == "." || id == "..":
		return fmt.Errorf("sentinelone: %s: %s %q is not an id", op, name, argcheck.Short(id))
	case strings.ContainsAny(id, "/\\?#% \t\r\n"):
		return fmt.Errorf("sentinelone: %s: %s %q is not an id", op, name, truncate(id, 100))
	}
	return nil
}
