package sekoia

import (
	"fmt"
	"net/url"
	"reflect"

	"github.com/socgo/xdr/internal/argcheck"
	"github.com/socgo/xdr/internal/rest"
	wire "github.com/socgo/xdr/internal/wire/sekoia"
)

// The case lists and filters on the generated wire layer.

// listParams checks the filter and fills the filter parameters of the case
// list (nil f: none).
func (f *CaseFilter) listParams(method string) (wire.ListCasesParams, error) {
	var p wire.ListCasesParams
	if err := f.check(method); err != nil || f == nil {
		return p, err
	}
	if err := checkLists(method, reflect.ValueOf(f)); err != nil {
		return p, err
	}
	m := wire.ListCasesParams_Match{
		Tags: csv(f.Tags), Assignees: csv(f.Assignees), CreatedBy: csv(f.CreatedBy), UpdatedBy: csv(f.UpdatedBy),
		Title: csv(f.Titles), AlertUuid: csv(f.AlertUUIDs), AssetUuid: csv(f.AssetUUIDs),
		Priority:       (*wire.ListCasesParamsMatchPriority)(ptr(string(f.Priority))),
		CustomPriority: csv(f.CustomPriorityUUIDs), CustomStatus: csv(f.CustomStatusUUIDs), Verdict: csv(f.VerdictUUIDs),
		ShortId: csv(f.ShortIDs), Uuid: csv(f.UUIDs), StatusUuid: csv(f.StatusUUIDs), StatusName: csv(f.StatusNames),
		CustomField: csv(f.CustomFields), Type: (*wire.ListCasesParamsMatchType)(ptr(string(f.Type))),
		CommunityUuid: csv(f.CommunityUUIDs),
	}
	if m != (wire.ListCasesParams_Match{}) {
		p.Match = &m
	}
	if x := f.Exclude; x != nil {
		n := wire.ListCasesParams_Nomatch{Assignees: csv(x.Assignees), CreatedBy: csv(x.CreatedBy)}
		if n != (wire.ListCasesParams_Nomatch{}) {
			p.Nomatch = &n
		}
	}
	var d wire.ListCasesParams_Date
	var err error
	if d.CreatedAt, err = rangeValue(method, "date[created_at]", f.CreatedAt); err != nil {
		return p, err
	}
	if d.UpdatedAt, err = rangeValue(method, "date[updated_at]", f.UpdatedAt); err != nil {
		return p, err
	}
	if d.LastSeenAt, err = rangeValue(method, "date[last_seen_at]", f.LastSeenAt); err != nil {
		return p, err
	}
	if d != (wire.ListCasesParams_Date{}) {
		p.Date = &d
	}
	return p, nil
}

// query checks the filter and encodes it as the case list does (the bulk
// updates send these keys in their body).
func (f *CaseFilter) query(method string) (url.Values, error) {
	p, err := f.listParams(method)
	if err != nil {
		return nil, err
	}
	r, err := line(method)(wire.NewListCasesRequest(&p))
	return r.Query, err
}

// statisticsRequest builds GET /v1/sic/cases/statistics with the filter.
func (f *CaseFilter) statisticsRequest(method string) (rest.Request, error) {
	p, err := f.listParams(method)
	if err != nil {
		return rest.Request{}, err
	}
	s := wire.GetCaseStatisticsParams{
		Date: (*wire.GetCaseStatisticsParams_Date)(p.Date), Nomatch: (*wire.GetCaseStatisticsParams_Nomatch)(p.Nomatch),
	}
	if m := p.Match; m != nil {
		s.Match = &wire.GetCaseStatisticsParams_Match{
			AlertUuid: m.AlertUuid, AssetUuid: m.AssetUuid, Assignees: m.Assignees, CommunityUuid: m.CommunityUuid,
			CreatedBy: m.CreatedBy, CustomField: m.CustomField, CustomPriority: m.CustomPriority,
			CustomStatus: m.CustomStatus, Priority: (*wire.GetCaseStatisticsParamsMatchPriority)(m.Priority),
			ShortId: m.ShortId, StatusName: m.StatusName, StatusUuid: m.StatusUuid, Tags: m.Tags, Title: m.Title,
			Type: (*wire.GetCaseStatisticsParamsMatchType)(m.Type), UpdatedBy: m.UpdatedBy, Uuid: m.Uuid,
			Verdict: m.Verdict,
		}
	}
	return line(method)(wire.NewGetCaseStatisticsRequest(&s))
}

// listRequest checks the options and builds GET /v1/sic/cases (caseID is
// unused).
func (o *CaseListOptions) listRequest(method, _ string) (rest.Request, error) {
	if o.Sort != "" && o.Sort != CaseSortCreatedAt && o.Sort != CaseSortTitle {
		return rest.Request{}, fmt.Errorf("sekoia: %s: sort %q is not created_at or title", method, argcheck.Short(string(o.Sort)))
	}
	if err := checkList(method, o.Limit, o.Offset, o.Direction); err != nil {
		return rest.Request{}, err
	}
	p, err := o.CaseFilter.listParams(method)
	if err != nil {
		return rest.Request{}, err
	}
	p.WithCustomStatuses = ptr(o.WithCustomStatuses)
	p.Sort = (*wire.ListCasesParamsSort)(ptr(string(o.Sort)))
	p.Direction = (*wire.ListCasesParamsDirection)(ptr(string(o.Direction)))
	p.Limit, p.Offset = ptr(o.Limit), ptr(o.Offset)
	return line(method)(wire.NewListCasesRequest(&p))
}

// listRequest checks the options and builds GET /v1/sic/cases/tags
// (caseID is unused).
func (o *CaseTagListOptions) listRequest(method, _ string) (rest.Request, error) {
	if err := checkList(method, o.Limit, o.Offset, ""); err != nil {
		return rest.Request{}, err
	}
	if err := checkLists(method, reflect.ValueOf(o)); err != nil {
		return rest.Request{}, err
	}
	p := wire.ListCaseTagsParams{Name: ptr(o.Name), Limit: ptr(o.Limit), Offset: ptr(o.Offset)}
	if ids := csv(o.CommunityUUIDs); ids != nil {
		p.Match = &wire.ListCaseTagsParams_Match{CommunityUuid: ids}
	}
	return line(method)(wire.NewListCaseTagsRequest(&p))
}

// listRequest checks the options and builds GET
// /v1/sic/cases/{uuid}/comments.
func (o *CaseCommentListOptions) listRequest(method, caseID string) (rest.Request, error) {
	switch o.Sort {
	case "", CaseCommentSortCreatedAt, CaseCommentSortCreatedBy, CaseCommentSortUpdatedAt:
	default:
		return rest.Request{}, fmt.Errorf("sekoia: %s: sort %q is not created_at, created_by or updated_at", method, argcheck.Short(string(o.Sort)))
	}
	if err := checkList(method, o.Limit, o.Offset, o.Direction); err != nil {
		return rest.Request{}, err
	}
	if err := checkLists(method, reflect.ValueOf(o)); err != nil {
		return rest.Request{}, err
	}
	p := wire.ListCaseCommentsParams{
		Sort:      (*wire.ListCaseCommentsParamsSort)(ptr(string(o.Sort))),
		Direction: (*wire.ListCaseCommentsParamsDirection)(ptr(string(o.Direction))),
		Limit:     ptr(o.Limit), Offset: ptr(o.Offset),
	}
	if by := csv(o.CreatedBy); by != nil {
		p.Match = &wire.ListCaseCommentsParams_Match{CreatedBy: by}
	}
	created, err := rangeValue(method, "date[created_at]", o.CreatedAt)
	if err != nil {
		return rest.Request{}, err
	}
	if created != nil {
		p.Date = &wire.ListCaseCommentsParams_Date{CreatedAt: created}
	}
	return line(method)(wire.NewListCaseCommentsRequest(caseID, &p))
}

// listRequest checks the options and builds GET
// /v1/sic/cases/{uuid}/history.
func (o *CaseHistoryOptions) listRequest(method, caseID string) (rest.Request, error) {
	if err := checkList(method, o.Limit, o.Offset, o.Direction); err != nil {
		return rest.Request{}, err
	}
	p := wire.ListCaseHistoryParams{
		Direction: (*wire.ListCaseHistoryParamsDirection)(ptr(string(o.Direction))),
		Limit:     ptr(o.Limit), Offset: ptr(o.Offset),
	}
	created, err := rangeValue(method, "date[created_at]", o.CreatedAt)
	if err != nil {
		return rest.Request{}, err
	}
	if created != nil {
		p.Date = &wire.ListCaseHistoryParams_Date{CreatedAt: created}
	}
	return line(method)(wire.NewListCaseHistoryRequest(caseID, &p))
}

// listRequest checks the options and builds the alert list of a case, GET
// /v1/sic/cases/{uuid}/alerts, with the filters of the alert list.
func (o *AlertListOptions) listRequest(method, caseID string) (rest.Request, error) {
	p, err := o.listAlertsParams(method)
	if err != nil {
		return rest.Request{}, err
	}
	return line(method)(wire.NewListCaseAlertsRequest(caseID, &wire.ListCaseAlertsParams{
		Match: (*wire.ListCaseAlertsParams_Match)(p.Match), Nomatch: (*wire.ListCaseAlertsParams_Nomatch)(p.Nomatch),
		Date: (*wire.ListCaseAlertsParams_Date)(p.Date), Range: (*wire.ListCaseAlertsParams_Range)(p.Range),
		Visible: p.Visible, IsAssignedToCase: p.IsAssignedToCase, SimilarTo: p.SimilarTo,
		Limit: p.Limit, Offset: p.Offset, Stix: p.Stix, Cases: p.Cases, WithCount: p.WithCount,
		Sort:      (*wire.ListCaseAlertsParamsSort)(p.Sort),
		Direction: (*wire.ListCaseAlertsParamsDirection)(p.Direction),
	}))
}
