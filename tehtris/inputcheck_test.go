package tehtris

import (
	"context"
	"strings"
	"testing"
)

// maxErrLen bounds an error quoting a bad argument: the ~100 bytes quoted
// and the words around them.
const maxErrLen = 400

func TestBadArgumentsQuotedShort(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", 64<<10)
	c, _ := mock(t)
	ctx := context.Background()
	_, errTenant := NewClient(long, testKey)
	_, errIso := c.Endpoints.Isolate(ctx, Endpoint{ApplianceID: 1, AgentUUID: long}, nil)
	_, errPower := c.Endpoints.Isolate(ctx, Endpoint{ApplianceID: 1, AgentUUID: "6f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"}, &IsolationOptions{Power: Power(long)})
	for name, err := range map[string]error{
		"tenant":     errTenant,
		"agent uuid": errIso,
		"power":      errPower,
		"status":     c.Events.SetStatus(ctx, 1, EventStatus(long), nil),
		"expect":     c.Events.SetStatus(ctx, 1, StatusChecked, &SetStatusOptions{Expect: EventStatus(long)}),
		"filter id":  (&EventQuery{FilterID: long + " "}).check("Events.List"),
		"from/to":    (&EventQuery{CreatedOrModified: CreatedOrModified(long)}).check("Events.List"),
	} {
		if err == nil {
			t.Errorf("%s: accepted", name)
			continue
		}
		if len(err.Error()) > maxErrLen {
			t.Errorf("%s: error of %d bytes quotes the whole argument", name, len(err.Error()))
		}
	}
}

func TestKeyControlBytesRefused(t *testing.T) {
	t.Parallel()
	c, _ := mock(t)
	for _, k := range []string{"ab\x00cdef", "ab\x7fcdef", "ab\x1bcdef", "abc def"} {
		if _, err := NewClient("abc", k); err == nil {
			t.Errorf("NewClient accepted key %q", k)
		}
		if err := c.SetAPIKey(k); err == nil {
			t.Errorf("SetAPIKey accepted key %q", k)
		}
	}
}
