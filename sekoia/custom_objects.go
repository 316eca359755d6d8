package sekoia

import (
	"context"
	"iter"

	"github.com/socgo/xdr/internal/rest"
	wire "github.com/socgo/xdr/internal/wire/sekoia"
)

// customObjects holds the calls the custom verdicts, priorities and fields
// share: a paged list, a read, a write and a deletion, each request line
// built by the generated wire layer.
type customObjects[T any] struct {
	c *Client
	// kind names the service in errors ("CustomVerdicts").
	kind string
	// The builders of the operations on one object and of the creation.
	getOp, updateOp, deleteOp func(uuid string) (wire.Request, error)
	createOp                  func() (wire.Request, error)
	// listOp builds the list of the custom verdicts or priorities (which
	// take the same parameters); nil for the fields.
	listOp func(*wire.ListCustomVerdictsParams) (wire.Request, error)
}

// list returns the page of the list request r, read at offset with limit.
func (o customObjects[T]) list(ctx context.Context, r rest.Request, offset, limit int) (*Page[T], error) {
	return getPage[T](ctx, o.c, r.Path, r.Query, offset, limit)
}

// all iterates over the list request r (its query without the page) from
// offset, limit items per page.
func (o customObjects[T]) all(ctx context.Context, r rest.Request, offset, limit int) iter.Seq2[T, error] {
	// A short list, read whole before it is yielded: deleting or changing
	// entries inside the loop shifts no offset.
	return snapshotAll(allPages[T](ctx, o.c, r.Path, r.Query, offset, limit))
}

func (o customObjects[T]) get(ctx context.Context, uuid string) (*T, error) {
	method := o.kind + ".Get"
	if err := checkUUID(method, "uuid", uuid); err != nil {
		return nil, err
	}
	var out T
	if err := o.c.send(ctx, method, nil, &out)(o.getOp(uuid)); err != nil {
		return nil, err
	}
	return &out, nil
}

// create posts body to the collection.
func (o customObjects[T]) create(ctx context.Context, body any) (*T, error) {
	var out T
	if err := o.c.send(ctx, o.kind+".Create", body, &out)(o.createOp()); err != nil {
		return nil, err
	}
	return &out, nil
}

// update patches the object; uuid was checked by the caller.
func (o customObjects[T]) update(ctx context.Context, uuid string, body any) (*T, error) {
	var out T
	if err := o.c.send(ctx, o.kind+".Update", body, &out)(o.updateOp(uuid)); err != nil {
		return nil, err
	}
	return &out, nil
}

func (o customObjects[T]) delete(ctx context.Context, uuid string) error {
	method := o.kind + ".Delete"
	if err := checkUUID(method, "uuid", uuid); err != nil {
		return err
	}
	return o.c.send(ctx, method, nil, nil)(o.deleteOp(uuid))
}

// levelList returns one page of the custom verdicts or priorities.
func (o customObjects[T]) levelList(ctx context.Context, opts *CustomLevelListOptions) (*Page[T], error) {
	var lo CustomLevelListOptions
	if opts != nil {
		lo = *opts
	}
	method := o.kind + ".List"
	p, err := lo.levelParams(method, true)
	if err != nil {
		return nil, err
	}
	r, err := line(method)(o.listOp(&p))
	if err != nil {
		return nil, err
	}
	return o.list(ctx, r, lo.Offset, lo.Limit)
}

// levelAll iterates over the custom verdicts or priorities, 100 a page
// unless opts.Limit says otherwise.
func (o customObjects[T]) levelAll(ctx context.Context, opts *CustomLevelListOptions) iter.Seq2[T, error] {
	var lo CustomLevelListOptions
	if opts != nil {
		lo = *opts
	}
	if lo.Limit == 0 {
		lo.Limit = 100
	}
	method := o.kind + ".All"
	p, err := lo.levelParams(method, false)
	if err != nil {
		return errSeq[T](err)
	}
	r, err := line(method)(o.listOp(&p))
	if err != nil {
		return errSeq[T](err)
	}
	return o.all(ctx, r, lo.Offset, lo.Limit)
}

// levelParams checks the options of the custom verdict or priority list
// and fills its parameters (paged: with the page, else without, for an
// iterator to page; the two operations take the same).
func (o *CustomLevelListOptions) levelParams(method string, paged bool) (wire.ListCustomVerdictsParams, error) {
	if err := checkList(method, o.Limit, o.Offset, ""); err != nil {
		return wire.ListCustomVerdictsParams{}, err
	}
	p := wire.ListCustomVerdictsParams{WithIsUsed: o.WithIsUsed}
	if paged {
		p.Limit, p.Offset = ptr(o.Limit), ptr(o.Offset)
	}
	return p, nil
}

// request checks the options and builds GET /v1/sic/custom-fields (paged:
// with the page, else without, for an iterator to page).
func (o *CustomFieldListOptions) request(method string, paged bool) (rest.Request, error) {
	if err := o.Sort.check(method); err != nil {
		return rest.Request{}, err
	}
	if err := checkList(method, o.Limit, o.Offset, o.Direction); err != nil {
		return rest.Request{}, err
	}
	p := wire.ListCustomFieldsParams{
		Name: ptr(o.Name), Sort: (*wire.ListCustomFieldsParamsSort)(ptr(string(o.Sort))),
		Direction: (*wire.ListCustomFieldsParamsDirection)(ptr(string(o.Direction))),
	}
	if paged {
		p.Limit, p.Offset = ptr(o.Limit), ptr(o.Offset)
	}
	return line(method)(wire.NewListCustomFieldsRequest(&p))
}
