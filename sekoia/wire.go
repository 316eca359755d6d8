package sekoia

import (
	"context"
	"fmt"
	"net/url"
	"reflect"
	"strings"

	"github.com/socgo/xdr/internal/argcheck"
	"github.com/socgo/xdr/internal/idcheck"
	"github.com/socgo/xdr/internal/rest"
	wire "github.com/socgo/xdr/internal/wire/sekoia"
)

// The request line of every call (method, escaped path, query, headers)
// is built by the generated wire layer (internal/wire/sekoia, from
// openapi/sekoia.yaml): the public methods check their arguments, fill the
// operation's parameters and send what the builder returns through
// internal/rest. The intake batch too: its builder gives the path under the
// intake's base URL and the Content-Encoding header, the intake's own rest
// client the other host. Only the iterators change a built query: the
// paging layer sets offset and limit (and, for keyset paging, sort,
// direction and date[created_at]; Assets.All the uuids of a batch) on the
// query the builder made. Client.Do is the caller's own request.

// line turns what a generated builder returns into the rest.Request to
// send, its error naming method: line(method)(wire.NewGetAlertRequest(id,
// &p)). The caller adds the body.
func line(method string) func(wire.Request, error) (rest.Request, error) {
	return func(w wire.Request, err error) (rest.Request, error) {
		if err != nil {
			return rest.Request{}, wireError(method, err)
		}
		return rest.Request{Method: w.Method, Path: w.Path, Query: w.Query, Header: w.Header}, nil
	}
}

// send sends the request line a generated builder returned, with body
// (nil for none), and decodes the answer into out (nil: none):
// c.send(ctx, method, body, &out)(wire.NewAddCaseEventsRequest(id)).
func (c *Client) send(ctx context.Context, method string, body, out any) func(wire.Request, error) error {
	return func(w wire.Request, err error) error {
		r, err := line(method)(w, err)
		if err != nil {
			return err
		}
		r.Body = body
		_, err = c.rest.Do(ctx, r, out)
		return err
	}
}

// wireError reports a request the wire layer could not build (a value its
// style cannot carry).
func wireError(method string, err error) error {
	return fmt.Errorf("sekoia: %s: %w", method, err)
}

// csv returns the values comma-joined, or nil for none.
func csv[S ~string](vs []S) *string {
	if len(vs) == 0 {
		return nil
	}
	if len(vs) == 1 {
		s := string(vs[0])
		return &s
	}
	var b strings.Builder
	for i, v := range vs {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(string(v))
	}
	s := b.String()
	return &s
}

// ptr returns a pointer to v, or nil for the zero value (a parameter not
// sent).
func ptr[T comparable](v T) *T {
	var zero T
	if v == zero {
		return nil
	}
	p := new(T) // allocated only when sent (&v would move v to the heap on every call)
	*p = v
	return p
}

// rangeValue renders a date[...] or range[...] value (nil for none),
// refusing a bad range with the name of its parameter.
func rangeValue(method, key string, r interface {
	EncodeValues(string, *url.Values) error
}) (*string, error) {
	if r == nil || reflect.ValueOf(r).IsNil() {
		return nil, nil
	}
	q := make(url.Values, 1)
	if err := r.EncodeValues(key, &q); err != nil {
		return nil, fmt.Errorf("sekoia: %s: %w", method, err)
	}
	s := q.Get(key)
	return &s, nil
}

// listAlertsParams checks the options and fills the parameters of the
// alert list (also those of the count and of a case's alerts, which take
// the same filters).
func (o *AlertListOptions) listAlertsParams(method string) (wire.ListAlertsParams, error) {
	var p wire.ListAlertsParams
	if err := checkList(method, o.Limit, o.Offset, o.Direction); err != nil {
		return p, err
	}
	if err := checkLists(method, reflect.ValueOf(o)); err != nil {
		return p, err
	}
	if err := checkStatuses(method, "Statuses", o.Statuses); err != nil {
		return p, err
	}
	m := wire.ListAlertsParams_Match{
		CommunityUuid: csv(o.CommunityUUIDs), EntityName: csv(o.EntityNames), EntityUuid: csv(o.EntityUUIDs),
		StatusUuid: csv(o.Statuses), StatusName: csv(o.StatusNames),
		TypeCategory: csv(o.TypeCategories), TypeValue: csv(o.TypeValues),
		Source: csv(o.Sources), Target: csv(o.Targets), Node: csv(o.Nodes), StixObject: csv(o.STIXObjects),
		RuleUuid: csv(o.RuleUUIDs), RuleName: csv(o.RuleNames), DetectionType: csv(o.DetectionTypes),
		ShortId: csv(o.ShortIDs), Uuid: csv(o.UUIDs), Title: csv(o.Titles), ResolvedTitle: csv(o.ResolvedTitles),
		AssetUuid: csv(o.AssetUUIDs), UrgencyDisplay: csv(o.UrgencyDisplays), CaseShortId: csv(o.CaseShortIDs),
		Assignee: csv(o.Assignees), CustomStatusUuid: csv(o.CustomStatusUUIDs), VerdictUuid: csv(o.VerdictUUIDs),
		CustomField: csv(o.CustomFields),
	}
	if m != (wire.ListAlertsParams_Match{}) {
		p.Match = &m
	}
	if x := o.Exclude; x != nil {
		if err := checkStatuses(method, "Exclude.Statuses", x.Statuses); err != nil {
			return p, err
		}
		n := wire.ListAlertsParams_Nomatch{
			AssetUuid: csv(x.AssetUUIDs), EntityUuid: csv(x.EntityUUIDs), RuleUuid: csv(x.RuleUUIDs),
			RuleName: csv(x.RuleNames), DetectionType: csv(x.DetectionTypes), Source: csv(x.Sources),
			Target: csv(x.Targets), StatusUuid: csv(x.Statuses), StixObject: csv(x.STIXObjects),
			TypeValue: csv(x.TypeValues), UrgencyDisplay: csv(x.UrgencyDisplays), Assignee: csv(x.Assignees),
			CustomStatusUuid: csv(x.CustomStatusUUIDs), VerdictUuid: csv(x.VerdictUUIDs),
		}
		if n != (wire.ListAlertsParams_Nomatch{}) {
			p.Nomatch = &n
		}
	}
	var d wire.ListAlertsParams_Date
	var err error
	if d.CreatedAt, err = rangeValue(method, "date[created_at]", o.CreatedAt); err != nil {
		return p, err
	}
	if d.UpdatedAt, err = rangeValue(method, "date[updated_at]", o.UpdatedAt); err != nil {
		return p, err
	}
	if d != (wire.ListAlertsParams_Date{}) {
		p.Date = &d
	}
	var r wire.ListAlertsParams_Range
	if r.Urgency, err = rangeValue(method, "range[urgency]", o.Urgency); err != nil {
		return p, err
	}
	if r.Similar, err = rangeValue(method, "range[similar]", o.Similar); err != nil {
		return p, err
	}
	if r != (wire.ListAlertsParams_Range{}) {
		p.Range = &r
	}
	p.Visible, p.IsAssignedToCase, p.WithCount = o.Visible, o.IsAssignedToCase, o.WithCount
	p.SimilarTo = ptr(o.SimilarTo)
	p.Stix, p.Cases = ptr(o.STIX), ptr(o.Cases)
	p.Sort = (*wire.ListAlertsParamsSort)(ptr(string(o.Sort)))
	p.Direction = (*wire.ListAlertsParamsDirection)(ptr(string(o.Direction)))
	p.Limit, p.Offset = ptr(o.Limit), ptr(o.Offset)
	return p, nil
}

// checkStatuses refuses a status that is not a UUID.
func checkStatuses(method, field string, statuses []Status) error {
	for i, s := range statuses {
		if !idcheck.IsUUID(string(s)) {
			return fmt.Errorf("sekoia: %s: %s[%d] %q is not a status UUID", method, field, i, argcheck.Short(string(s)))
		}
	}
	return nil
}

// request checks the options and builds GET /v1/sic/kill-chains (paged:
// with the page, else without, for an iterator to page).
func (o *KillChainListOptions) request(method string, paged bool) (rest.Request, error) {
	if err := checkList(method, o.Limit, o.Offset, ""); err != nil {
		return rest.Request{}, err
	}
	if err := checkLists(method, reflect.ValueOf(o)); err != nil {
		return rest.Request{}, err
	}
	var p wire.ListKillChainStagesParams
	if m := (wire.ListKillChainStagesParams_Match{Name: csv(o.Names), ShortId: csv(o.ShortIDs)}); m != (wire.ListKillChainStagesParams_Match{}) {
		p.Match = &m
	}
	if paged {
		p.Limit, p.Offset = ptr(o.Limit), ptr(o.Offset)
	}
	return line(method)(wire.NewListKillChainStagesRequest(&p))
}

// request checks the options and builds GET /v1/communities (paged: with
// the page, else without, for an iterator to page).
func (o *CommunityListOptions) request(method string, paged bool) (rest.Request, error) {
	if err := checkList(method, o.Limit, o.Offset, o.Direction); err != nil {
		return rest.Request{}, err
	}
	if err := checkLists(method, reflect.ValueOf(o)); err != nil {
		return rest.Request{}, err
	}
	p := wire.ListCommunitiesParams{
		Disabled: o.Disabled, Parent: o.Parent, Sort: ptr(o.Sort),
		Direction: (*wire.ListCommunitiesParamsDirection)(ptr(string(o.Direction))),
	}
	m := wire.ListCommunitiesParams_Match{Name: csv(o.Names), Uuid: csv(o.UUIDs), PlanProperties: csv(o.PlanProperties)}
	if m != (wire.ListCommunitiesParams_Match{}) {
		p.Match = &m
	}
	if paged {
		p.Limit, p.Offset = ptr(o.Limit), ptr(o.Offset)
	}
	return line(method)(wire.NewListCommunitiesRequest(&p))
}
