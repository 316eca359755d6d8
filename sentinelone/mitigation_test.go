package sentinelone

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func TestMitigationWire(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWire(t)
	c := newTestClient(t, w)
	one := ThreatFilter{IDs: []string{"1373834705420286869"}}
	ok := `{"data":{"affected":1}}`
	for _, a := range []MitigationAction{MitigateKill, MitigateQuarantine, MitigateRemediate, MitigateRollback, MitigateUnquarantine} {
		w.on("POST", "/threats/mitigate/"+string(a), nil, `{"filter":{"ids":["1373834705420286869"]}}`, 200, ok)
		if res, err := c.Threats.Mitigate(ctx, a, one, nil); err != nil || res.Affected != 1 {
			t.Errorf("%s: %v %v", a, res, err)
		}
	}
	w.on("POST", "/threats/incident", nil, `{"filter":{"ids":["1373834705420286869"]},"data":{"incidentStatus":"resolved","analystVerdict":"false_positive"}}`, 200, ok)
	if _, err := c.Threats.SetIncident(ctx, one, IncidentResolved, VerdictFalsePositive, nil); err != nil {
		t.Error(err)
	}
	w.on("POST", "/threats/incident", nil, `{"filter":{"siteIds":["5"]},"data":{"incidentStatus":"in_progress"}}`, 200, ok)
	if _, err := c.Threats.SetIncident(ctx, ThreatFilter{SiteIDs: []string{"5"}}, IncidentInProgress, "", nil); err != nil {
		t.Error(err)
	}
	w.on("POST", "/threats/analyst-verdict", nil, `{"filter":{"agentIds":["9"],"contentHashes":["abc"]},"data":{"analystVerdict":"true_positive"}}`, 200, ok)
	if _, err := c.Threats.SetAnalystVerdict(ctx, ThreatFilter{AgentIDs: []string{"9"}, ContentHashes: []string{"abc"}}, VerdictTruePositive, nil); err != nil {
		t.Error(err)
	}
	w.on("POST", "/threats/notes", nil, `{"filter":{"ids":["1373834705420286869"]},"data":{"text":"Isolated by SOC"}}`, 200, ok)
	if _, err := c.Threats.AddNote(ctx, one, "Isolated by SOC", nil); err != nil {
		t.Error(err)
	}
}

func TestMitigationRefusals(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := newTestClient(t, newWire(t))
	one := ThreatFilter{IDs: []string{"1"}}
	cases := map[string]func() error{
		"the filter is empty": func() error { _, err := c.Threats.Mitigate(ctx, MitigateKill, ThreatFilter{}, nil); return err },
		`action "nuke"`:       func() error { _, err := c.Threats.Mitigate(ctx, "nuke", one, nil); return err },
		`status "closed"`:     func() error { _, err := c.Threats.SetIncident(ctx, one, "closed", "", nil); return err },
		`verdict "maybe"`:     func() error { _, err := c.Threats.SetIncident(ctx, one, IncidentResolved, "maybe", nil); return err },
		"text is empty":       func() error { _, err := c.Threats.AddNote(ctx, one, "", nil); return err },
		"IDs has an empty":    func() error { _, err := c.Threats.AddNote(ctx, ThreatFilter{IDs: []string{""}}, "x", nil); return err },
		"SetAnalystVerdict: verdict": func() error {
			_, err := c.Threats.SetAnalystVerdict(ctx, one, "", nil)
			return err
		},
	}
	for want, run := range cases {
		if err := run(); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("err = %v, want %q", err, want)
		}
	}
}

func TestMitigationNoneAffected(t *testing.T) {
	t.Parallel()
	w := newWire(t)
	w.on("POST", "/threats/mitigate/quarantine", nil, `{"filter":{"ids":["1"]}}`, 200, `{"data":{"affected":0}}`)
	_, err := newTestClient(t, w).Threats.Mitigate(context.Background(), MitigateQuarantine, ThreatFilter{IDs: []string{"1"}}, nil)
	if !errors.Is(err, ErrNoneAffected) || !strings.Contains(err.Error(), "Threats.Mitigate") {
		t.Errorf("err = %v", err)
	}
}

func TestEnumStrings(t *testing.T) {
	t.Parallel()
	if MitigateRollback.String() != "rollback remediation" || MitigateKill.String() != "kill" || MitigateUnquarantine.String() != "release from quarantine" {
		t.Error("MitigationAction")
	}
	if IncidentInProgress.String() != "in progress" || VerdictFalsePositive.String() != "false positive" {
		t.Error("status/verdict")
	}
}
