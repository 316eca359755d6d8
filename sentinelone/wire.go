package sentinelone

import (
	"fmt"
	"time"

	"github.com/socgo/xdr/internal/rest"
	s1wire "github.com/socgo/xdr/internal/wire/sentinelone"
)

// The request line of every call is built by the generated wire layer
// (internal/wire/sentinelone, from openapi/sentinelone.yaml): the public
// methods check their arguments (with query's checks), fill the
// operation's parameters and send what the builder returns through
// internal/rest, adding the body and the call's options. Adding an
// endpoint is: describe it in the YAML, go generate, write the typed
// method on its builder. The one request change made after the builder is
// the cursor of the next page of an All (allPages), on the query built
// when All was called.

// line turns what a generated builder returns into the rest.Request to
// send, its error naming op: line(op)(s1wire.NewListAgentsRequest(&p)).
// The caller adds the body and the options of the call.
func line(op string) func(s1wire.Request, error) (rest.Request, error) {
	return func(w s1wire.Request, err error) (rest.Request, error) {
		if err != nil {
			return rest.Request{}, fmt.Errorf("sentinelone: %s: %w", op, err)
		}
		return rest.Request{Method: w.Method, Path: w.Path, Query: w.Query, Header: w.Header}, nil
	}
}

// strParam returns s as a parameter, nil when empty (not sent).
func strParam(s string) *string {
	if s == "" {
		return nil
	}
	p := new(string) // allocated only when sent (&s would move s to the heap on every call)
	*p = s
	return p
}

// flagParam returns true as a parameter when b is set, nil otherwise (a
// flag is sent only when set).
func flagParam(b bool) *bool {
	if !b {
		return nil
	}
	p := new(bool)
	*p = true
	return p
}

// timeParam returns t formatted as the console expects (FormatTime), nil
// when zero (not sent).
func timeParam(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := FormatTime(t)
	return &s
}

// agentsParams checks o and fills the parameters of GET /agents.
func (o *AgentListOptions) agentsParams(op string) (s1wire.ListAgentsParams, error) {
	if o == nil {
		o = &AgentListOptions{}
	}
	q := newQuery(op)
	p := s1wire.ListAgentsParams{
		Ids:                  q.listParam("ids", o.IDs),
		Uuids:                q.listParam("uuids", o.UUIDs),
		ComputerName:         strParam(o.ComputerName),
		ComputerNameContains: q.listParam("computerName__contains", o.ComputerNameContains),
		NetworkStatuses:      enumListParam[s1wire.NetworkStatus](q, "networkStatuses", o.NetworkStatuses),
		AccountIds:           q.listParam("accountIds", o.AccountIDs),
		SiteIds:              q.listParam("siteIds", o.SiteIDs),
		GroupIds:             q.listParam("groupIds", o.GroupIDs),
		OsTypes:              q.listParam("osTypes", o.OSTypes),
		IsActive:             o.IsActive,
		Infected:             o.Infected,
		IsDecommissioned:     o.IsDecommissioned,
		Query:                strParam(o.Query),
		CreatedAtGt:          timeParam(o.CreatedAfter),
		CreatedAtLt:          timeParam(o.CreatedBefore),
		UpdatedAtGt:          timeParam(o.UpdatedAfter),
	}
	pg := q.pagingParams(o.Paging)
	p.Limit, p.Skip, p.Cursor, p.SkipCount, p.SortBy = pg.limit, pg.skip, pg.cursor, pg.skipCount, pg.sortBy
	p.SortOrder = (*s1wire.ListAgentsParamsSortOrder)(pg.sortOrder)
	return p, q.err
}

// agentsQuery is the query of GET /agents for o.
func (o *AgentListOptions) agentsQuery(op string) (rest.Request, error) {
	p, err := o.agentsParams(op)
	if err != nil {
		return rest.Request{}, err
	}
	return line(op)(s1wire.NewListAgentsRequest(&p))
}

// agentsCountRequest is GET /agents/count with the filters of o (its
// paging ignored).
func (o *AgentListOptions) agentsCountRequest(op string) (rest.Request, error) {
	var f AgentListOptions
	if o != nil {
		f = *o
		f.Paging = Paging{}
	}
	p, err := f.agentsParams(op)
	if err != nil {
		return rest.Request{}, err
	}
	return line(op)(s1wire.NewCountAgentsRequest(&s1wire.CountAgentsParams{
		Ids: p.Ids, Uuids: p.Uuids, ComputerName: p.ComputerName, ComputerNameContains: p.ComputerNameContains,
		NetworkStatuses: p.NetworkStatuses, AccountIds: p.AccountIds, SiteIds: p.SiteIds, GroupIds: p.GroupIds,
		OsTypes: p.OsTypes, IsActive: p.IsActive, Infected: p.Infected, IsDecommissioned: p.IsDecommissioned,
		Query: p.Query, CreatedAtGt: p.CreatedAtGt, CreatedAtLt: p.CreatedAtLt, UpdatedAtGt: p.UpdatedAtGt,
	}))
}

// activitiesRequest checks o and builds GET /activities, with
// countOnly=true (and no limit) when count is set.
func (o *ActivityListOptions) activitiesRequest(op string, count bool) (rest.Request, error) {
	if o == nil {
		o = &ActivityListOptions{}
	}
	q := newQuery(op)
	q.count = count
	p := s1wire.ListActivitiesParams{
		Ids:              q.listParam("ids", o.IDs),
		ActivityUuids:    q.listParam("activityUuids", o.ActivityUUIDs),
		AccountIds:       q.listParam("accountIds", o.AccountIDs),
		SiteIds:          q.listParam("siteIds", o.SiteIDs),
		GroupIds:         q.listParam("groupIds", o.GroupIDs),
		AgentIds:         q.listParam("agentIds", o.AgentIDs),
		ThreatIds:        q.listParam("threatIds", o.ThreatIDs),
		AlertIds:         q.listParam("alertIds", o.AlertIDs),
		RuleIds:          q.listParam("ruleIds", o.RuleIDs),
		UserIds:          q.listParam("userIds", o.UserIDs),
		UserEmails:       q.listParam("userEmails", o.UserEmails),
		CreatedAtGt:      timeParam(o.CreatedAfter),
		CreatedAtGte:     timeParam(o.CreatedSince),
		CreatedAtLt:      timeParam(o.CreatedBefore),
		CreatedAtLte:     timeParam(o.CreatedUntil),
		CreatedAtBetween: q.betweenParam("createdAt__between", o.CreatedBetween),
	}
	if len(o.ActivityTypes) > 0 {
		types := make([]int, len(o.ActivityTypes))
		for i, t := range o.ActivityTypes {
			types[i] = int(t)
		}
		p.ActivityTypes = &types
	}
	if o.IncludeHidden {
		p.IncludeHidden = &o.IncludeHidden
	}
	setPaging(q.pagingParams(o.Paging), &p.Limit, &p.Skip, &p.Cursor, &p.CountOnly, &p.SkipCount, &p.SortBy, &p.SortOrder)
	if q.err != nil {
		return rest.Request{}, q.err
	}
	return line(op)(s1wire.NewListActivitiesRequest(&p))
}

// threatsRequest checks o and builds GET /threats, with countOnly=true
// (and no limit) when count is set.
func (o *ThreatListOptions) threatsRequest(op string, count bool) (rest.Request, error) {
	if o == nil {
		o = &ThreatListOptions{}
	}
	q := newQuery(op)
	q.count = count
	p := s1wire.ListThreatsParams{
		Ids:                           q.listParam("ids", o.IDs),
		AgentIds:                      q.listParam("agentIds", o.AgentIDs),
		AccountIds:                    q.listParam("accountIds", o.AccountIDs),
		SiteIds:                       q.listParam("siteIds", o.SiteIDs),
		GroupIds:                      q.listParam("groupIds", o.GroupIDs),
		ContentHashes:                 q.listParam("contentHashes", o.ContentHashes),
		Storylines:                    q.listParam("storylines", o.Storylines),
		CollectionIds:                 q.listParam("collectionIds", o.CollectionIDs),
		Engines:                       q.listParam("engines", o.Engines),
		Classifications:               q.listParam("classifications", o.Classifications),
		ClassificationSources:         q.listParam("classificationSources", o.ClassificationSources),
		AgentVersions:                 q.listParam("agentVersions", o.AgentVersions),
		AgentMachineTypes:             q.listParam("agentMachineTypes", o.AgentMachineTypes),
		OsTypes:                       q.listParam("osTypes", o.OSTypes),
		OsArchs:                       q.listParam("osArchs", o.OSArchs),
		OsNames:                       q.listParam("osNames", o.OSNames),
		InitiatedBy:                   q.listParam("initiatedBy", o.InitiatedBy),
		ConfidenceLevels:              q.listParam("confidenceLevels", o.ConfidenceLevels),
		MitigationStatuses:            q.listParam("mitigationStatuses", o.MitigationStatuses),
		AnalystVerdicts:               enumListParam[s1wire.AnalystVerdict](q, "analystVerdicts", o.AnalystVerdicts),
		IncidentStatuses:              enumListParam[s1wire.IncidentStatus](q, "incidentStatuses", o.IncidentStatuses),
		ExternalTicketIds:             q.listParam("externalTicketIds", o.ExternalTicketIDs),
		Components:                    q.listParam("components", o.Components),
		DisplayName:                   strParam(o.DisplayName),
		Query:                         strParam(o.Query),
		AgentIsActive:                 o.AgentIsActive,
		NoteExists:                    o.NoteExists,
		FailedActions:                 o.FailedActions,
		RebootRequired:                o.RebootRequired,
		PendingActions:                o.PendingActions,
		ExternalTicketExists:          o.ExternalTicketExists,
		MitigatedPreemptively:         o.MitigatedPreemptively,
		ContentHashContains:           q.listParam("contentHash__contains", o.ContentHashContains),
		ThreatDetailsContains:         q.listParam("threatDetails__contains", o.ThreatDetailsContains),
		FilePathContains:              q.listParam("filePath__contains", o.FilePathContains),
		ComputerNameContains:          q.listParam("computerName__contains", o.ComputerNameContains),
		UuidContains:                  q.listParam("uuid__contains", o.UUIDContains),
		DetectionAgentVersionContains: q.listParam("detectionAgentVersion__contains", o.DetectionAgentVersionContains),
		CreatedAtGt:                   timeParam(o.CreatedAfter),
		CreatedAtGte:                  timeParam(o.CreatedSince),
		CreatedAtLt:                   timeParam(o.CreatedBefore),
		CreatedAtLte:                  timeParam(o.CreatedUntil),
		UpdatedAtGt:                   timeParam(o.UpdatedAfter),
		UpdatedAtGte:                  timeParam(o.UpdatedSince),
		UpdatedAtLt:                   timeParam(o.UpdatedBefore),
		UpdatedAtLte:                  timeParam(o.UpdatedUntil),
	}
	setPaging(q.pagingParams(o.Paging), &p.Limit, &p.Skip, &p.Cursor, &p.CountOnly, &p.SkipCount, &p.SortBy, &p.SortOrder)
	if q.err != nil {
		return rest.Request{}, q.err
	}
	return line(op)(s1wire.NewListThreatsRequest(&p))
}
