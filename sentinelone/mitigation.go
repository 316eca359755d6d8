package sentinelone

import (
	"context"
	"fmt"
	"strings"

	"github.com/socgo/xdr/internal/argcheck"
	s1wire "github.com/socgo/xdr/internal/wire/sentinelone"
)

// MitigationAction is a threat mitigation action, the {action} of
// POST /threats/mitigate/{action}.
type MitigationAction string

// The mitigation actions.
const (
	// MitigateKill kills the threat's processes.
	MitigateKill MitigationAction = "kill"
	// MitigateQuarantine quarantines the threat's file.
	MitigateQuarantine MitigationAction = "quarantine"
	// MitigateRemediate undoes the changes the threat made.
	MitigateRemediate MitigationAction = "remediate"
	// MitigateRollback restores the files from shadow copies (Windows).
	MitigateRollback MitigationAction = "rollback-remediation"
	// MitigateUnquarantine releases the file from quarantine.
	MitigateUnquarantine MitigationAction = "un-quarantine"
)

// String returns a human name ("kill", "rollback remediation").
func (a MitigationAction) String() string {
	switch a {
	case MitigateRollback:
		return "rollback remediation"
	case MitigateUnquarantine:
		return "release from quarantine"
	}
	return string(a)
}

// Valid reports whether a is one of the mitigation actions.
func (a MitigationAction) Valid() bool {
	switch a {
	case MitigateKill, MitigateQuarantine, MitigateRemediate, MitigateRollback, MitigateUnquarantine:
		return true
	}
	return false
}

// IncidentStatus is a threat's incident status (threatInfo.incidentStatus).
type IncidentStatus string

// The incident statuses.
const (
	IncidentUnresolved IncidentStatus = "unresolved"
	IncidentInProgress IncidentStatus = "in_progress"
	IncidentResolved   IncidentStatus = "resolved"
)

// String returns the human name ("in progress").
func (s IncidentStatus) String() string { return strings.ReplaceAll(string(s), "_", " ") }

// Valid reports whether s is one of the incident statuses.
func (s IncidentStatus) Valid() bool {
	return s == IncidentUnresolved || s == IncidentInProgress || s == IncidentResolved
}

// AnalystVerdict is an analyst's verdict on a threat
// (threatInfo.analystVerdict).
type AnalystVerdict string

// The analyst verdicts.
const (
	VerdictUndefined     AnalystVerdict = "undefined"
	VerdictTruePositive  AnalystVerdict = "true_positive"
	VerdictFalsePositive AnalystVerdict = "false_positive"
	VerdictSuspicious    AnalystVerdict = "suspicious"
)

// String returns the human name ("false positive").
func (v AnalystVerdict) String() string { return strings.ReplaceAll(string(v), "_", " ") }

// Valid reports whether v is one of the verdicts.
func (v AnalystVerdict) Valid() bool {
	switch v {
	case VerdictUndefined, VerdictTruePositive, VerdictFalsePositive, VerdictSuspicious:
		return true
	}
	return false
}

// ThreatFilter selects the threats an action applies to (the "filter" of
// the action body). At least one field must be set: the API would apply an
// empty filter to every threat in scope, so the client refuses it.
type ThreatFilter struct {
	// IDs are threat ids. When set, an action that affects nothing fails
	// with *NoneAffectedError.
	IDs        []string `json:"ids,omitempty"`
	AgentIDs   []string `json:"agentIds,omitempty"`
	AccountIDs []string `json:"accountIds,omitempty"`
	SiteIDs    []string `json:"siteIds,omitempty"`
	GroupIDs   []string `json:"groupIds,omitempty"`
	// ContentHashes are file SHA-1 hashes.
	ContentHashes []string `json:"contentHashes,omitempty"`
}

func (f ThreatFilter) check(op string) error {
	n, err := countFilterLists(op, []filterList{{"IDs", f.IDs}, {"AgentIDs", f.AgentIDs}, {"AccountIDs", f.AccountIDs}, {"SiteIDs", f.SiteIDs}, {"GroupIDs", f.GroupIDs}, {"ContentHashes", f.ContentHashes}})
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("sentinelone: %s: the filter is empty; the API would apply the action to every threat in scope", op)
	}
	return nil
}

// filterList is one list field of an action filter, named for errors.
type filterList struct {
	name string
	ids  []string
}

// countFilterLists returns the number of elements of the lists of a
// filter, or an error naming the first list that has an empty element.
func countFilterLists(op string, lists []filterList) (int, error) {
	n := 0
	for _, l := range lists {
		for _, s := range l.ids {
			if strings.TrimSpace(s) == "" {
				return 0, fmt.Errorf("sentinelone: %s: filter %s has an empty element", op, l.name)
			}
		}
		n += len(l.ids)
	}
	return n, nil
}

// ActionResult is the answer of an action: {"data": {"affected": n}}.
type ActionResult struct {
	// Affected is the number of objects the action applied to.
	Affected int `json:"affected"`
}

type actionBody struct {
	Filter any `json:"filter"`
	Data   any `json:"data,omitempty"`
	// secrets are values of Data redacted from the call's error.
	secrets []string
}

// action posts body, on the request line a generated builder returned,
// and checks affected against ids:
// action(ctx, c, op, body, ids, opts)(s1wire.NewAddThreatNoteRequest()).
// maxActionAnswer is the most bytes read of an action's answer, which
// holds a count (and, on failure, an errors array).
const maxActionAnswer = 1 << 20

func action(ctx context.Context, c *Client, op string, body actionBody, ids []string, opts *ActionOptions) func(s1wire.Request, error) (*ActionResult, error) {
	return func(w s1wire.Request, err error) (*ActionResult, error) {
		r, err := line(op)(w, err)
		if err != nil {
			return nil, err
		}
		r.Body, r.RetrySafe, r.MaxBody, r.Secrets = body, opts.retrySafe(), maxActionAnswer, body.secrets
		res, _, err := call[*ActionResult](ctx, c, r)
		if err != nil {
			return nil, err
		}
		if res == nil {
			res = &ActionResult{}
		}
		if res.Affected == 0 && len(ids) > 0 {
			return res, &NoneAffectedError{Op: op, IDs: append([]string(nil), ids...)}
		}
		return res, nil
	}
}

// Mitigate calls POST /threats/mitigate/{action} with {"filter": f}.
// Mitigation runs on the agents asynchronously: follow the threat's
// MitigationStatus (or the threat activities) for the outcome.
//
// It is not retried on 5xx or network errors once sent unless opts.RetrySafe
// is set (or the client was built WithRetryActions). A filter with IDs that
// affects nothing fails with *NoneAffectedError.
func (s *ThreatsService) Mitigate(ctx context.Context, act MitigationAction, f ThreatFilter, opts *ActionOptions) (*ActionResult, error) {
	op := "Threats.Mitigate"
	if !act.Valid() {
		return nil, fmt.Errorf("sentinelone: %s: action %q is not one of kill, quarantine, remediate, rollback-remediation, un-quarantine", op, argcheck.Short(string(act)))
	}
	if err := f.check(op); err != nil {
		return nil, err
	}
	return action(ctx, s.c, op, actionBody{Filter: f}, f.IDs, opts)(s1wire.NewMitigateThreatsRequest(s1wire.MitigateThreatsParamsAction(act)))
}

// SetIncident calls POST /threats/incident with {"filter": f, "data":
// {"incidentStatus": status, "analystVerdict": verdict}}; an empty verdict
// is left out and leaves the verdict unchanged.
func (s *ThreatsService) SetIncident(ctx context.Context, f ThreatFilter, status IncidentStatus, verdict AnalystVerdict, opts *ActionOptions) (*ActionResult, error) {
	op := "Threats.SetIncident"
	if !status.Valid() {
		return nil, fmt.Errorf("sentinelone: %s: status %q is not one of unresolved, in_progress, resolved", op, argcheck.Short(string(status)))
	}
	if verdict != "" && !verdict.Valid() {
		return nil, fmt.Errorf("sentinelone: %s: verdict %q is not one of undefined, true_positive, false_positive, suspicious", op, argcheck.Short(string(verdict)))
	}
	if err := f.check(op); err != nil {
		return nil, err
	}
	data := map[string]string{"incidentStatus": string(status)}
	if verdict != "" {
		data["analystVerdict"] = string(verdict)
	}
	return action(ctx, s.c, op, actionBody{Filter: f, Data: data}, f.IDs, opts)(s1wire.NewUpdateThreatIncidentRequest())
}

// SetAnalystVerdict calls POST /threats/analyst-verdict with {"filter": f,
// "data": {"analystVerdict": verdict}}.
func (s *ThreatsService) SetAnalystVerdict(ctx context.Context, f ThreatFilter, verdict AnalystVerdict, opts *ActionOptions) (*ActionResult, error) {
	op := "Threats.SetAnalystVerdict"
	if !verdict.Valid() {
		return nil, fmt.Errorf("sentinelone: %s: verdict %q is not one of undefined, true_positive, false_positive, suspicious", op, argcheck.Short(string(verdict)))
	}
	if err := f.check(op); err != nil {
		return nil, err
	}
	return action(ctx, s.c, op, actionBody{Filter: f, Data: map[string]string{"analystVerdict": string(verdict)}}, f.IDs, opts)(s1wire.NewUpdateThreatVerdictRequest())
}

// AddNote calls POST /threats/notes with {"filter": f, "data": {"text":
// text}}, adding the note to every selected threat.
func (s *ThreatsService) AddNote(ctx context.Context, f ThreatFilter, text string, opts *ActionOptions) (*ActionResult, error) {
	op := "Threats.AddNote"
	if strings.TrimSpace(text) == "" {
		return nil, fmt.Errorf("sentinelone: %s: text is empty", op)
	}
	if err := f.check(op); err != nil {
		return nil, err
	}
	return action(ctx, s.c, op, actionBody{Filter: f, Data: map[string]string{"text": text}}, f.IDs, opts)(s1wire.NewAddThreatNoteRequest())
}
