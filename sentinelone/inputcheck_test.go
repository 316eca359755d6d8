package sentinelone

import (
	"context"
	"strings"
	"testing"
)

func TestBadArgumentsQuotedShort(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", 64<<10)
	c := newTestClient(t, newWire(t))
	ctx := context.Background()
	_, errAction := c.Agents.Action(ctx, AgentAction(long), AgentFilter{IDs: []string{"1"}}, nil, nil)
	_, errMitigate := c.Threats.Mitigate(ctx, MitigationAction(long), ThreatFilter{IDs: []string{"1"}}, nil)
	_, errStatus := c.Threats.SetIncident(ctx, ThreatFilter{IDs: []string{"1"}}, IncidentStatus(long), "", nil)
	_, errVerdict := c.Threats.SetAnalystVerdict(ctx, ThreatFilter{IDs: []string{"1"}}, AnalystVerdict(long), nil)
	_, errTime := ParseTime(long)
	_, errSort := c.Activities.List(ctx, &ActivityListOptions{Paging: Paging{SortBy: long + ","}})
	_, errElem := c.Activities.List(ctx, &ActivityListOptions{IDs: []string{long + ","}})
	for name, err := range map[string]error{
		"action": errAction, "mitigate": errMitigate, "status": errStatus, "verdict": errVerdict,
		"time": errTime, "sort": errSort, "element": errElem,
	} {
		if err == nil {
			t.Errorf("%s: accepted", name)
			continue
		}
		if len(err.Error()) > 400 {
			t.Errorf("%s: error of %d bytes quotes the whole argument", name, len(err.Error()))
		}
	}
}

func TestTokenControlBytesRefused(t *testing.T) {
	t.Parallel()
	c := newTestClient(t, newWire(t))
	for _, k := range []string{"ab\x00cdef", "ab\x7fcdef", "ab\x1bcdef", "abc def"} {
		if _, err := NewClient(testConsole, k); err == nil {
			t.Errorf("NewClient accepted token %q", k)
		}
		if err := c.Token.Set(k); err == nil {
			t.Errorf("Token.Set accepted token %q", k)
		}
	}
}

func TestNoneAffectedQuotesIDsShort(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("9", 64<<10)
	e := &NoneAffectedError{Op: "Agents.Disconnect", IDs: []string{long, long, long, long, long, long}}
	if n := len(e.Error()); n > 1000 {
		t.Errorf("error of %d bytes quotes whole ids", n)
	}
}
