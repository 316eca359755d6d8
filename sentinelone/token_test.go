package sentinelone

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestTokenDetailsWire(t *testing.T) {
	t.Parallel()
	w := newWire(t)
	w.on("POST", "/users/api-token-details", nil, `{"data":{"apiToken":"`+testToken+`"}}`, 200,
		`{"data":{"createdAt":"2025-01-01T00:00:00.000Z","expiresAt":"2025-07-01T00:00:00.000Z"}}`)
	d, err := newTestClient(t, w).Token.Details(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !d.CreatedAt.Equal(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)) || !d.ExpiresAt.Equal(time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("details = %+v", d)
	}
	now := time.Date(2025, 6, 20, 12, 0, 0, 0, time.UTC)
	if d.DaysLeft(now) != 10 || d.TimeLeft(now) != 10*24*time.Hour+12*time.Hour {
		t.Errorf("DaysLeft = %d, TimeLeft = %s", d.DaysLeft(now), d.TimeLeft(now))
	}
	if soon, known := d.ExpiresWithin(now, 11*24*time.Hour); !soon || !known {
		t.Errorf("ExpiresWithin 11 days = %t, %t", soon, known)
	}
	if soon, known := d.ExpiresWithin(now, 10*24*time.Hour); soon || !known {
		t.Errorf("ExpiresWithin 10 days = %t, %t", soon, known)
	}
	if d.DaysLeft(time.Date(2025, 7, 1, 1, 0, 0, 0, time.UTC)) != -1 {
		t.Errorf("expired DaysLeft = %d", d.DaysLeft(time.Date(2025, 7, 1, 1, 0, 0, 0, time.UTC)))
	}
}

// TestTokenDetailsNoExpiry checks that a token whose details carry no
// expiry date gives "unknown", not an answer.
func TestTokenDetailsNoExpiry(t *testing.T) {
	t.Parallel()
	w := newWire(t)
	w.on("POST", "/users/api-token-details", nil, `{"data":{"apiToken":"`+testToken+`"}}`, 200,
		`{"data":{"createdAt":"2025-01-01T00:00:00.000Z","expiresAt":null}}`)
	d, err := newTestClient(t, w).Token.Details(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !d.ExpiresAt.IsZero() {
		t.Fatalf("ExpiresAt = %s", d.ExpiresAt)
	}
	now := time.Date(2025, 6, 20, 12, 0, 0, 0, time.UTC)
	for _, window := range []time.Duration{0, time.Hour, 1 << 62} {
		if soon, known := d.ExpiresWithin(now, window); soon || known {
			t.Errorf("ExpiresWithin(%s) = %t, %t; want false, false", window, soon, known)
		}
	}
}

func TestTokenRotateWire(t *testing.T) {
	t.Parallel()
	w := newWire(t)
	const newTok = "tok-NEW-9876543210"
	w.on("POST", "/users/generate-api-token", nil, "", 200, `{"data":{"token":"`+newTok+`","expiresAt":"2026-01-01T00:00:00.000Z"}}`)
	c := newTestClient(t, w)
	nt, err := c.Token.Rotate(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if nt.Token != newTok || nt.ExpiresAt.Year() != 2026 {
		t.Errorf("NewToken = %+v", nt)
	}
	// The following request carries the new token; an error body holding
	// either token is redacted.
	w.mu.Lock()
	w.token = newTok
	w.mu.Unlock()
	w.on("GET", "/agents/count", nil, "", 403, `{"errors":[{"code":4030010,"title":"Forbidden for `+newTok+` (was `+testToken+`)"}]}`)
	_, err = c.Agents.Count(context.Background(), nil)
	if !errors.Is(err, ErrForbidden) || strings.Contains(err.Error(), newTok) || strings.Contains(err.Error(), testToken) {
		t.Errorf("err = %v", err)
	}
}

func TestTokenRotateBadAnswer(t *testing.T) {
	t.Parallel()
	w := newWire(t)
	w.on("POST", "/users/generate-api-token", nil, "", 200, `{"data":{}}`)
	c := newTestClient(t, w)
	if _, err := c.Token.Rotate(context.Background(), nil); err == nil {
		t.Fatal("no error for an answer without a token")
	}
	// The client keeps its token.
	w.on("GET", "/agents/count", nil, "", 200, `{"data":{"total":0}}`)
	if _, err := c.Agents.Count(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
}

func TestTokenRotateNotRetried(t *testing.T) {
	t.Parallel()
	w := newWire(t)
	w.on("POST", "/users/generate-api-token", nil, "", 504, `{}`)
	if _, err := newTestClient(t, w).Token.Rotate(context.Background(), nil); !errors.Is(err, ErrServer) {
		t.Fatalf("err = %v", err)
	}
	if w.count() != 1 {
		t.Errorf("%d attempts", w.count())
	}
}

func TestTokenSet(t *testing.T) {
	t.Parallel()
	w := newWire(t)
	c := newTestClient(t, w)
	if err := c.Token.Set(""); err == nil || !strings.Contains(err.Error(), "Token.Set") {
		t.Errorf("Set(\"\") = %v", err)
	}
	if err := c.Token.Set("other-token-1234"); err != nil {
		t.Fatal(err)
	}
	w.mu.Lock()
	w.token = "other-token-1234"
	w.mu.Unlock()
	w.on("GET", "/agents/count", nil, "", 200, `{"data":{"total":3}}`)
	if n, err := c.Agents.Count(context.Background(), nil); err != nil || n != 3 {
		t.Fatal(n, err)
	}
}

func TestTimeParsing(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		`"2018-02-27T04:49:26.257525Z"`:   "2018-02-27T04:49:26.257525Z",
		`"2025-01-01T00:00:00.000Z"`:      "2025-01-01T00:00:00.000000Z",
		`"2025-01-30T07:27:30.800+00:00"`: "2025-01-30T07:27:30.800000Z",
		`"2021-03-11T12:42:56.297860"`:    "2021-03-11T12:42:56.297860Z",
		`null`:                            "",
		`""`:                              "",
	} {
		var tm Time
		if err := tm.UnmarshalJSON([]byte(in)); err != nil {
			t.Errorf("%s: %v", in, err)
			continue
		}
		got := ""
		if !tm.IsZero() {
			got = FormatTime(tm.Time)
		}
		if got != want {
			t.Errorf("%s → %q, want %q", in, got, want)
		}
	}
	for _, in := range []string{`12`, `"yesterday"`, `"a\"b"`} {
		var tm Time
		if err := tm.UnmarshalJSON([]byte(in)); err == nil {
			t.Errorf("%s accepted", in)
		}
	}
	b, _ := Time{}.MarshalJSON()
	if string(b) != "null" {
		t.Errorf("zero Time = %s", b)
	}
}
