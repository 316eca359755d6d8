package sekoia

import (
	"context"
	"iter"

	"github.com/socgo/xdr/internal/rest"
)

// pageable is the options of a paged list: they build the list's request
// (of the case caseID, for the lists of a case) with the generated wire
// layer and point at their page fields.
type pageable interface {
	listRequest(method, caseID string) (rest.Request, error)
	pageFields() (limit, offset *int)
}

// listPage is the List of a paged list: opts (nil for none) copied,
// checked and encoded, one page fetched.
func listPage[T, O any, P interface {
	*O
	pageable
}](ctx context.Context, c *Client, method, caseID string, opts *O) (*Page[T], error) {
	var o O
	if opts != nil {
		o = *opts
	}
	p := P(&o)
	r, err := p.listRequest(method, caseID)
	if err != nil {
		return nil, err
	}
	limit, offset := p.pageFields()
	return getPage[T](ctx, c, r.Path, r.Query, *offset, *limit)
}

// listAll is the All of a paged list: like listPage, 100 items a page
// unless the options say otherwise.
func listAll[T, O any, P interface {
	*O
	pageable
}](ctx context.Context, c *Client, method, caseID string, opts *O) iter.Seq2[T, error] {
	o, r, err := allOptions[O, P](method, caseID, opts)
	if err != nil {
		return errSeq[T](err)
	}
	limit, offset := P(&o).pageFields()
	return allPages[T](ctx, c, r.Path, r.Query, *offset, *limit)
}

// allOptions returns the options of an All: opts (nil for none) copied,
// the page size 100 when 0, and their request (of the case caseID, for the
// lists of a case).
func allOptions[O any, P interface {
	*O
	pageable
}](method, caseID string, opts *O) (O, rest.Request, error) {
	var o O
	if opts != nil {
		o = *opts
	}
	p := P(&o)
	if limit, _ := p.pageFields(); *limit == 0 {
		*limit = 100
	}
	r, err := p.listRequest(method, caseID)
	return o, r, err
}

func (o *CaseListOptions) pageFields() (limit, offset *int)        { return &o.Limit, &o.Offset }
func (o *CaseTagListOptions) pageFields() (limit, offset *int)     { return &o.Limit, &o.Offset }
func (o *CaseCommentListOptions) pageFields() (limit, offset *int) { return &o.Limit, &o.Offset }
func (o *CaseHistoryOptions) pageFields() (limit, offset *int)     { return &o.Limit, &o.Offset }
func (o *AlertListOptions) pageFields() (limit, offset *int)       { return &o.Limit, &o.Offset }
