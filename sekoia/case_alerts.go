package sekoia

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/url"
	"strings"

	"github.com/socgo/xdr/internal/argcheck"
	wire "github.com/socgo/xdr/internal/wire/sekoia"
)

// checkAlertIDs checks a non-empty list of alert UUIDs or short ids.
func checkAlertIDs(method string, ids []string) error {
	if len(ids) == 0 {
		return errors.New("sekoia: " + method + ": no alert ids")
	}
	for i, id := range ids {
		if err := checkAlertID(method, id); err != nil {
			return fmt.Errorf("sekoia: %s: alert ids[%d] %q is not a UUID or short id", method, i, argcheck.Short(id))
		}
	}
	return nil
}

// ListAlerts returns one page of the alerts of a case matching opts (nil
// lists them all). The filters are those of the alert list.
//
// ListAlerts calls GET /v1/sic/cases/{uuid}/alerts.
func (s *CasesService) ListAlerts(ctx context.Context, id string, opts *AlertListOptions) (*Page[Alert], error) {
	const method = "Cases.ListAlerts"
	if err := checkCaseID(method, id); err != nil {
		return nil, err
	}
	return listPage[Alert](ctx, s.c, method, id, opts)
}

// AllAlerts iterates over the alerts of a case matching opts, fetching
// opts.Limit alerts per request (100 when 0) and the next page while the
// caller works on the current one. A bad id is the error of the first
// iteration.
//
// The iterator is lazy and can be run again (each run starts over); opts
// is copied and never changed; every request uses ctx; on an error it
// yields (nil, err) once and stops; breaking out of the loop stops fetching
// and frees the connection.
//
// Changing the alerts inside the loop is safe, as with AlertsService.All
// (whose paging, guarantees and costs AllAlerts shares): every alert of
// the case that matches opts when the loop starts, and still matches when
// its turn comes, is yielded exactly once, even when the loop changes
// alerts already yielded so that they no longer match (acknowledging each
// pending alert of the case). With Sort empty or AlertSortCreatedAt the
// pages follow the creation time (date[created_at]); alerts attached
// after the loop starts are not yielded (unless they share the creation
// second of the newest alert read first). With another Sort, AllAlerts
// reads the whole list first, then yields it.
//
// AllAlerts calls GET /v1/sic/cases/{uuid}/alerts once per page, with
// sort=created_at, direction and date[created_at] for keyset paging.
func (s *CasesService) AllAlerts(ctx context.Context, id string, opts *AlertListOptions) iter.Seq2[Alert, error] {
	const method = "Cases.AllAlerts"
	if err := checkCaseID(method, id); err != nil {
		return errSeq[Alert](err)
	}
	o, r, err := allOptions(method, id, opts)
	if err != nil {
		return errSeq[Alert](err)
	}
	return alertsAll(ctx, &o, r.Query, func(ctx context.Context, q url.Values, offset, limit int) (*Page[Alert], uint64, error) {
		return getPageFP[Alert](ctx, s.c, r.Path, q, offset, limit)
	})
}

type caseAlertsBody struct {
	Alerts []string `json:"alerts"`
}

// AddAlerts attaches alerts (UUIDs or short ids) to a case, keeping those
// it holds. The alerts' cases then name the case.
//
// AddAlerts calls PATCH /v1/sic/cases/{uuid}/alerts with {"alerts"}.
func (s *CasesService) AddAlerts(ctx context.Context, id string, alertIDs []string) error {
	return s.putAlerts(ctx, "Cases.AddAlerts", wire.NewAddCaseAlertsRequest, id, alertIDs)
}

// SetAlerts replaces the alerts of a case with alertIDs (UUIDs or short
// ids). SetAlerts is a POST: it is not retried once sent.
//
// SetAlerts calls POST /v1/sic/cases/{uuid}/alerts with {"alerts"}.
func (s *CasesService) SetAlerts(ctx context.Context, id string, alertIDs []string) error {
	return s.putAlerts(ctx, "Cases.SetAlerts", wire.NewReplaceCaseAlertsRequest, id, alertIDs)
}

func (s *CasesService) putAlerts(ctx context.Context, method string, build func(id string) (wire.Request, error), id string, alertIDs []string) error {
	if err := checkCaseID(method, id); err != nil {
		return err
	}
	if err := checkAlertIDs(method, alertIDs); err != nil {
		return err
	}
	var out caseAlertsResult
	return s.c.send(ctx, method, caseAlertsBody{alertIDs}, &out)(build(id))
}

// CreateFromAlerts creates a case and attaches alertIDs to it: the usual
// start of an investigation. When attaching fails, the case exists
// without its alerts: the error wraps the failure and the case is
// returned, for the caller to retry AddAlerts or Delete it.
//
// CreateFromAlerts calls POST /v1/sic/cases, then PATCH
// /v1/sic/cases/{uuid}/alerts.
func (s *CasesService) CreateFromAlerts(ctx context.Context, nc NewCase, alertIDs []string) (*Case, error) {
	const method = "Cases.CreateFromAlerts"
	if err := checkAlertIDs(method, alertIDs); err != nil {
		return nil, err
	}
	c, err := s.Create(ctx, nc)
	if err != nil {
		return nil, err
	}
	if err := s.AddAlerts(ctx, c.UUID, alertIDs); err != nil {
		return c, fmt.Errorf("sekoia: %s: case %s created, alerts not attached: %w", method, c.ShortID, err)
	}
	return c, nil
}

// AddAlertsInBulk attaches the alerts with these UUIDs to a case through
// the bulk endpoint, which works as a background task; it returns the
// task's id.
//
// AddAlertsInBulk calls PATCH /v1/sic/alerts/bulk/add-to-case with
// {"case_uuid", "match[uuid]"}.
func (s *CasesService) AddAlertsInBulk(ctx context.Context, caseUUID string, alertUUIDs []string) (string, error) {
	const method = "Cases.AddAlertsInBulk"
	if err := checkUUID(method, "caseUUID", caseUUID); err != nil {
		return "", err
	}
	if len(alertUUIDs) == 0 {
		return "", errors.New("sekoia: " + method + ": no alert UUIDs")
	}
	for i, id := range alertUUIDs {
		if err := checkUUID(method, fmt.Sprintf("alertUUIDs[%d]", i), id); err != nil {
			return "", err
		}
	}
	body := map[string]string{"case_uuid": caseUUID, "match[uuid]": strings.Join(alertUUIDs, ",")}
	return s.c.task(ctx, method, body)(wire.NewBulkAddAlertsToCaseRequest())
}

// taskBody is the answer of the bulk calls.
type taskBody struct {
	TaskID string `json:"task_id"`
}

// caseAlertsResult is the answer of the calls that attach alerts.
type caseAlertsResult struct {
	Status string `json:"status"`
}

// task sends a bulk PATCH (the request line a builder returned) with body
// and returns the id of the task it started.
func (c *Client) task(ctx context.Context, method string, body any) func(wire.Request, error) (string, error) {
	return func(w wire.Request, err error) (string, error) {
		var out taskBody
		if err := c.send(ctx, method, body, &out)(w, err); err != nil {
			return "", err
		}
		return out.TaskID, nil
	}
}

// CaseRule is a detection rule behind the alerts of a case.
type CaseRule struct {
	UUID string `json:"uuid"`
	Name string `json:"name,omitempty"`
}

// view reads one of the read-only lists of a case (the request build
// makes), field key.
func caseView[T any](ctx context.Context, s *CasesService, method, id string, build func(id string) (wire.Request, error), key string) ([]T, error) {
	if err := checkCaseID(method, id); err != nil {
		return nil, err
	}
	var out map[string][]T
	if err := s.c.send(ctx, method, nil, &out)(build(id)); err != nil {
		return nil, err
	}
	if out[key] == nil {
		return []T{}, nil
	}
	return out[key], nil
}

// Assets returns the UUIDs of the assets of a case's alerts.
//
// Assets calls GET /v1/sic/cases/{uuid}/assets.
func (s *CasesService) Assets(ctx context.Context, id string) ([]string, error) {
	return caseView[string](ctx, s, "Cases.Assets", id, wire.NewListCaseAssetsRequest, "assets")
}

// Entities returns the UUIDs of the entities of a case's alerts.
//
// Entities calls GET /v1/sic/cases/{uuid}/entities.
func (s *CasesService) Entities(ctx context.Context, id string) ([]string, error) {
	return caseView[string](ctx, s, "Cases.Entities", id, wire.NewListCaseEntitiesRequest, "entities")
}

// KillChains returns the short ids of the kill chain stages of a case's
// alerts.
//
// KillChains calls GET /v1/sic/cases/{uuid}/kill-chains.
func (s *CasesService) KillChains(ctx context.Context, id string) ([]string, error) {
	return caseView[string](ctx, s, "Cases.KillChains", id, wire.NewListCaseKillChainsRequest, "killchains")
}

// Rules returns the rules that raised a case's alerts.
//
// Rules calls GET /v1/sic/cases/{uuid}/rules.
func (s *CasesService) Rules(ctx context.Context, id string) ([]CaseRule, error) {
	return caseView[CaseRule](ctx, s, "Cases.Rules", id, wire.NewListCaseRulesRequest, "rules")
}

// Threats returns the threats (STIX objects) of a case's alerts.
//
// Threats calls GET /v1/sic/cases/{uuid}/threats.
func (s *CasesService) Threats(ctx context.Context, id string) ([]STIXRef, error) {
	return caseView[STIXRef](ctx, s, "Cases.Threats", id, wire.NewListCaseThreatsRequest, "threats")
}

// eventsBody is the body of the case events calls.
type eventsBody struct {
	EventIDs []string `json:"event_ids"`
}

func checkEventIDs(method, arg string, ids []string) error {
	if len(ids) == 0 {
		return errors.New("sekoia: " + method + ": no event ids")
	}
	for i, id := range ids {
		if err := checkEventID(method, fmt.Sprintf("%s[%d]", arg, i), id); err != nil {
			return err
		}
	}
	return nil
}

func checkEventID(method, arg, id string) error {
	if id == "" || len(id) > 256 {
		return fmt.Errorf("sekoia: %s: %s %q is empty or too long", method, arg, argcheck.Short(id))
	}
	if id == "." || id == ".." {
		// As a path segment it would name the case itself (DELETE
		// .../events/.. deletes the case once the path is cleaned).
		return fmt.Errorf("sekoia: %s: %s %q is a dot segment, not an event id", method, arg, id)
	}
	for _, r := range id {
		if r < 0x21 || r == 0x7f || r == ',' {
			return fmt.Errorf("sekoia: %s: %s %q holds a space, control character or comma", method, arg, argcheck.Short(id))
		}
	}
	return nil
}

// AddEvents adds events to a case. The events are named by their
// __event_id (the id a search result carries), not by event.id. AddEvents
// is a POST: it is not retried once sent.
//
// AddEvents calls POST /v1/sic/cases/{uuid}/events with {"event_ids"}.
func (s *CasesService) AddEvents(ctx context.Context, id string, eventIDs []string) error {
	const method = "Cases.AddEvents"
	if err := checkCaseID(method, id); err != nil {
		return err
	}
	if err := checkEventIDs(method, "eventIDs", eventIDs); err != nil {
		return err
	}
	return s.c.send(ctx, method, eventsBody{eventIDs}, nil)(wire.NewAddCaseEventsRequest(id))
}

// RemoveEvents removes events from a case. Unlike AddEvents, the events
// are named by their event.id.
//
// RemoveEvents calls DELETE /v1/sic/cases/{uuid}/events with
// {"event_ids"}.
func (s *CasesService) RemoveEvents(ctx context.Context, id string, eventIDs []string) error {
	const method = "Cases.RemoveEvents"
	if err := checkCaseID(method, id); err != nil {
		return err
	}
	if err := checkEventIDs(method, "eventIDs", eventIDs); err != nil {
		return err
	}
	return s.c.send(ctx, method, eventsBody{eventIDs}, nil)(wire.NewRemoveCaseEventsRequest(id))
}

// RemoveEvent removes one event (named by its event.id) from a case.
//
// RemoveEvent calls DELETE /v1/sic/cases/{uuid}/events/{event_id}.
func (s *CasesService) RemoveEvent(ctx context.Context, id, eventID string) error {
	const method = "Cases.RemoveEvent"
	if err := checkCaseID(method, id); err != nil {
		return err
	}
	if err := checkEventID(method, "eventID", eventID); err != nil {
		return err
	}
	return s.c.send(ctx, method, nil, nil)(wire.NewRemoveCaseEventRequest(id, eventID))
}
