package sekoia

import (
	"context"
	"iter"
	"net/url"
)

// pageable is the options of a paged list: they encode themselves and
// point at their page fields.
type pageable interface {
	query(method string) (url.Values, error)
	pageFields() (limit, offset *int)
}

// listPage is the List of a paged list: opts (nil for none) copied,
// checked and encoded, one page fetched.
func listPage[T, O any, P interface {
	*O
	pageable
}](ctx context.Context, c *Client, method, path string, opts *O) (*Page[T], error) {
	var o O
	if opts != nil {
		o = *opts
	}
	p := P(&o)
	q, err := p.query(method)
	if err != nil {
		return nil, err
	}
	limit, offset := p.pageFields()
	return getPage[T](ctx, c, path, q, *offset, *limit)
}

// listAll is the All of a paged list: like listPage, 100 items a page
// unless the options say otherwise.
func listAll[T, O any, P interface {
	*O
	pageable
}](ctx context.Context, c *Client, method, path string, opts *O) iter.Seq2[T, error] {
	o, q, err := allOptions[O, P](method, opts)
	if err != nil {
		return errSeq[T](err)
	}
	limit, offset := P(&o).pageFields()
	return allPages[T](ctx, c, path, q, *offset, *limit)
}

// allOptions returns the options of an All: opts (nil for none) copied,
// the page size 100 when 0, and their encoding.
func allOptions[O any, P interface {
	*O
	pageable
}](method string, opts *O) (O, url.Values, error) {
	var o O
	if opts != nil {
		o = *opts
	}
	p := P(&o)
	if limit, _ := p.pageFields(); *limit == 0 {
		*limit = 100
	}
	q, err := p.query(method)
	return o, q, err
}

func (o *CaseListOptions) pageFields() (limit, offset *int)        { return &o.Limit, &o.Offset }
func (o *CaseTagListOptions) pageFields() (limit, offset *int)     { return &o.Limit, &o.Offset }
func (o *CaseCommentListOptions) pageFields() (limit, offset *int) { return &o.Limit, &o.Offset }
func (o *CaseHistoryOptions) pageFields() (limit, offset *int)     { return &o.Limit, &o.Offset }
func (o *AlertListOptions) pageFields() (limit, offset *int)       { return &o.Limit, &o.Offset }

func (o *CaseTagListOptions) query(method string) (url.Values, error) {
	return listQuery(method, o.Limit, o.Offset, "", o)
}

func (o *CaseHistoryOptions) query(method string) (url.Values, error) {
	return listQuery(method, o.Limit, o.Offset, o.Direction, o)
}
