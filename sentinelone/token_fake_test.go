package sentinelone_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/socgo/xdr/sentinelone"
	"github.com/socgo/xdr/sentinelone/sentinelonetest"
)

// setFakeClock sets the fake's clock to now: the one place this file
// names the fake's clock option.
func setFakeClock(srv *sentinelonetest.Server, now time.Time) {
	srv.SetClock(func() time.Time { return now })
}

// TestTokenExpiresWithinFakeClock checks expiry against the fake's clock,
// months away from the wall clock: the answers follow the now given, as
// the server's do.
func TestTokenExpiresWithinFakeClock(t *testing.T) {
	t.Parallel()
	srv := sentinelonetest.NewServer(t)
	now := time.Date(2024, 2, 28, 12, 0, 0, 0, time.UTC) // the wall clock is long past it
	setFakeClock(srv, now)
	srv.SetTokenExpiry(srv.APIToken(), now.Add(10*24*time.Hour+time.Hour))
	c := newFakeClient(t, srv)
	ctx := context.Background()
	d, err := c.Token.Details(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := d.DaysLeft(now); got != 10 {
		t.Errorf("DaysLeft = %d, want 10", got)
	}
	for _, tc := range []struct {
		window time.Duration
		soon   bool
	}{{30 * 24 * time.Hour, true}, {10*24*time.Hour + 2*time.Hour, true}, {10 * 24 * time.Hour, false}, {time.Hour, false}} {
		if soon, known := d.ExpiresWithin(now, tc.window); soon != tc.soon || !known {
			t.Errorf("ExpiresWithin(%s) = %t, %t; want %t, true", tc.window, soon, known, tc.soon)
		}
	}
	// Eleven days on, by the fake's clock the token has expired: the
	// server refuses it and ExpiresWithin says so for any window.
	later := now.Add(11 * 24 * time.Hour)
	setFakeClock(srv, later)
	if _, err := c.Token.Details(ctx); !errors.Is(err, sentinelone.ErrTokenInvalid) {
		t.Errorf("expired token: %v", err)
	}
	if soon, known := d.ExpiresWithin(later, 0); !soon || !known {
		t.Errorf("ExpiresWithin after expiry = %t, %t", soon, known)
	}
}
