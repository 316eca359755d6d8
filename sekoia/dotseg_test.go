package sekoia_test

import (
	"context"
	"strings"
	"testing"
)

func TestDotSegmentsRefusedPerArgument(t *testing.T) {
	t.Parallel()
	c, mt := mockAPI(t)
	ctx := context.Background()
	const asset = "6f1e2d3c-4b5a-4978-8a9b-0c1d2e3f4a5b"
	for _, v := range []string{".", "..", "%2e%2e", "%2E", "%252e%252e"} {
		calls := map[string]func() error{
			"AddTag tag":    func() error { return c.Assets.AddTag(ctx, asset, v) },
			"RemoveTag tag": func() error { return c.Assets.RemoveTag(ctx, asset, v) },
			"AddTag uuid":   func() error { return c.Assets.AddTag(ctx, v, "t1") },
			"Assets.Get":    func() error { _, err := c.Assets.Get(ctx, v, nil); return err },
			"Alerts.Get":    func() error { _, err := c.Alerts.Get(ctx, v, nil); return err },
			"Workflow":      func() error { _, err := c.Alerts.Workflow(ctx, v); return err },
			"Communities":   func() error { _, err := c.Communities.Get(ctx, v, nil); return err },
			"KillChains":    func() error { _, err := c.KillChains.Get(ctx, v); return err },
			"Events.Get":    func() error { _, err := c.Events.Get(ctx, v); return err },
		}
		for name, call := range calls {
			err := call()
			if err == nil {
				t.Errorf("%s(%q): accepted", name, v)
				continue
			}
			if !strings.Contains(err.Error(), "sekoia: ") || strings.Contains(err.Error(), "DELETE") || strings.Contains(err.Error(), "POST") {
				t.Errorf("%s(%q): %v, want an argument error before any request", name, v, err)
			}
		}
	}
	if n := mt.GetTotalCallCount(); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}
