package sekoia_test

import (
	"context"
	"testing"

	"github.com/socgo/xdr/sekoia"
)

// TestIntRangeOpenEnds: IntRange{Min: 70} is "70 or more"; AtLeast and
// AtMost are open ranges; Bool fills the *bool options.
func TestIntRangeOpenEnds(t *testing.T) {
	t.Parallel()
	srv, c := fakeAPI(t)
	seeded := srv.SeedAlerts(60)
	count := func(pred func(int) bool) int {
		n := 0
		for _, a := range seeded {
			if pred(a.Urgency.Value) {
				n++
			}
		}
		return n
	}
	for _, tc := range []struct {
		r    *sekoia.IntRange
		want int
	}{
		{&sekoia.IntRange{Min: 70}, count(func(u int) bool { return u >= 70 })},
		{sekoia.AtLeast(70), count(func(u int) bool { return u >= 70 })},
		{sekoia.AtMost(30), count(func(u int) bool { return u <= 30 })},
		{&sekoia.IntRange{Min: 0, Max: 0}, count(func(u int) bool { return u == 0 })},
	} {
		p, err := c.Alerts.List(context.Background(), &sekoia.AlertListOptions{Urgency: tc.r, Limit: 100, WithCount: sekoia.Bool(true)})
		if err != nil {
			t.Fatalf("%+v: %v", *tc.r, err)
		}
		if p.Total != tc.want {
			t.Errorf("%+v: %d alerts, want %d", *tc.r, p.Total, tc.want)
		}
	}
}
