package sentinelone

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	s1wire "github.com/socgo/xdr/internal/wire/sentinelone"

	"github.com/socgo/xdr/internal/argcheck"
)

// TokenService reads the lifetime of the client's API token and rotates
// it. SentinelOne API tokens are time-limited: a program that runs for
// months checks Details and rotates before ExpiresAt.
type TokenService struct{ c *Client }

// TokenDetails is the lifetime of an API token.
type TokenDetails struct {
	// CreatedAt is when the token was generated.
	CreatedAt time.Time
	// ExpiresAt is when the token stops working.
	ExpiresAt time.Time
	// Raw is the "data" object as received.
	Raw json.RawMessage
}

// UnmarshalJSON reads {"createdAt": "...Z", "expiresAt": "...Z"}.
func (d *TokenDetails) UnmarshalJSON(b []byte) error {
	var v struct {
		CreatedAt Time `json:"createdAt"`
		ExpiresAt Time `json:"expiresAt"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*d = TokenDetails{CreatedAt: v.CreatedAt.Time, ExpiresAt: v.ExpiresAt.Time, Raw: append(json.RawMessage(nil), b...)}
	return nil
}

// TimeLeft returns the time from now until ExpiresAt (negative once it has
// passed). It is meaningless when ExpiresAt is zero (the server sent no
// expiry date): check ExpiresWithin's second result or ExpiresAt.IsZero.
func (d *TokenDetails) TimeLeft(now time.Time) time.Duration { return d.ExpiresAt.Sub(now) }

// ExpiresWithin reports whether the token expires less than window after
// now (or has expired already). known is false when the server sent no
// expiry date (ExpiresAt is zero): nothing can be said then, and expiring
// is false; a program that rotates before expiry should treat that as an
// answer to report, not as "far from expiry".
//
//	soon, known := d.ExpiresWithin(time.Now(), 30*24*time.Hour)
func (d *TokenDetails) ExpiresWithin(now time.Time, window time.Duration) (expiring, known bool) {
	if d.ExpiresAt.IsZero() {
		return false, false
	}
	return d.ExpiresAt.Sub(now) < window, true
}

// DaysLeft returns the whole days left until ExpiresAt, rounded down
// (negative once expired). Like TimeLeft, it is meaningless when
// ExpiresAt is zero.
func (d *TokenDetails) DaysLeft(now time.Time) int {
	left := d.ExpiresAt.Sub(now)
	days := int(left / (24 * time.Hour))
	if left < 0 && left%(24*time.Hour) != 0 {
		days--
	}
	return days
}

// Details calls POST /users/api-token-details with the client's current
// token in the body ({"data": {"apiToken": "<token>"}}) and returns its
// creation and expiry dates. A rejected token gives an error matching
// ErrTokenInvalid.
func (s *TokenService) Details(ctx context.Context) (*TokenDetails, error) {
	r, err := line("Token.Details")(s1wire.NewApiTokenDetailsRequest())
	if err != nil {
		return nil, err
	}
	r.Body = map[string]any{"data": map[string]string{"apiToken": *s.c.token.Load()}}
	// Reading the details changes nothing: the call is safe to retry.
	r.RetrySafe = true
	d, _, err := call[*TokenDetails](ctx, s.c, r)
	if err != nil {
		return nil, err
	}
	if d == nil {
		return nil, errors.New("sentinelone: Token.Details: the response has no data")
	}
	return d, nil
}

// NewToken is the result of a rotation. Its String method hides the token,
// so printing it by mistake does not leak it.
type NewToken struct {
	// Token is the new API token; the previous one no longer works.
	Token string
	// ExpiresAt is the new token's expiry date, when the server sent it.
	ExpiresAt time.Time
}

// String renders the expiry date and a redacted token.
func (t NewToken) String() string {
	return fmt.Sprintf("NewToken{Token: [REDACTED], ExpiresAt: %s}", t.ExpiresAt.Format(time.RFC3339))
}

// GoString is String, for %#v.
func (t NewToken) GoString() string { return t.String() }

// Rotate calls POST /users/generate-api-token, which replaces the
// caller's API token: the old token stops working at once. The client
// switches to the new token atomically before Rotate returns, so every
// request started afterwards carries the new token; a request that was in
// flight with the old one and is refused with 401 is sent again with the
// new one. Store the returned token: it is the only copy.
//
// Rotate is not retried on 5xx or network errors once sent unless
// opts.RetrySafe is set: the first attempt may have replaced the token
// already, in which case the client holds a dead token and a new one must be
// made in the console. Concurrent calls to Rotate on one client run one after
// the other.
func (s *TokenService) Rotate(ctx context.Context, opts *ActionOptions) (NewToken, error) {
	s.c.rotateMu.Lock()
	defer s.c.rotateMu.Unlock()
	done := make(chan struct{})
	s.c.rotating.Store(&done)
	defer func() {
		s.c.rotating.Store(nil)
		close(done)
	}()
	r, err := line("Token.Rotate")(s1wire.NewGenerateApiTokenRequest())
	if err != nil {
		return NewToken{}, err
	}
	r.RetrySafe = opts.retrySafe()
	d, _, err := call[*generatedToken](ctx, s.c, r)
	if err != nil {
		return NewToken{}, err
	}
	var out generatedToken
	if d != nil {
		out = *d
	}
	if err := checkToken("Token.Rotate", out.Token); err != nil {
		return NewToken{}, errors.New("sentinelone: Token.Rotate: the response carries no usable token")
	}
	s.c.setToken(out.Token)
	return NewToken{Token: out.Token, ExpiresAt: out.ExpiresAt.Time}, nil
}

type generatedToken struct {
	Token     string `json:"token"`
	ExpiresAt Time   `json:"expiresAt"`
}

// Set replaces the token used by the following requests, for a token
// rotated outside this client. The old token stays redacted from errors.
func (s *TokenService) Set(apiToken string) error {
	if err := checkToken("Token.Set", apiToken); err != nil {
		return err
	}
	s.c.setToken(apiToken)
	return nil
}

// Time is a timestamp of the API: ISO 8601 in UTC, usually with
// microseconds ("2018-02-27T04:49:26.257525Z"). It decodes null or "" as
// the zero time and encodes with microseconds.
type Time struct{ time.Time }

// timeLayouts are tried in order; a time without a zone is UTC.
var timeLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999Z07:00", "2006-01-02 15:04:05.999999999"}

// ParseTime parses a timestamp as the API writes it.
func ParseTime(s string) (time.Time, error) {
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("sentinelone: %q is not an ISO 8601 timestamp", argcheck.Short(s))
}

// UnmarshalJSON reads a JSON string or null.
func (t *Time) UnmarshalJSON(b []byte) error {
	if string(b) == "null" || string(b) == `""` {
		t.Time = time.Time{}
		return nil
	}
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' || bytes.IndexByte(b[1:len(b)-1], '\\') >= 0 {
		return fmt.Errorf("sentinelone: timestamp %s is not a JSON string", truncate(string(b), 40))
	}
	if v, ok := parseUTC(b[1 : len(b)-1]); ok {
		t.Time = v
		return nil
	}
	v, err := ParseTime(string(b[1 : len(b)-1]))
	if err != nil {
		return err
	}
	t.Time = v
	return nil
}

// parseUTC parses the form the API writes, "2006-01-02T15:04:05Z" with 0
// to 9 fraction digits, without allocating; false leaves any other form
// (or an out-of-range value) to ParseTime, whose result it equals.
func parseUTC(b []byte) (time.Time, bool) {
	if len(b) < 20 || b[len(b)-1] != 'Z' || b[4] != '-' || b[7] != '-' || b[10] != 'T' || b[13] != ':' || b[16] != ':' {
		return time.Time{}, false
	}
	num := func(s []byte) (int, bool) {
		n := 0
		for _, c := range s {
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		return n, true
	}
	year, ok1 := num(b[0:4])
	month, ok2 := num(b[5:7])
	day, ok3 := num(b[8:10])
	hour, ok4 := num(b[11:13])
	minute, ok5 := num(b[14:16])
	sec, ok6 := num(b[17:19])
	if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 || !ok6 ||
		month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, false
	}
	nsec := 0
	if frac := b[19 : len(b)-1]; len(frac) > 0 {
		if frac[0] != '.' || len(frac) < 2 || len(frac) > 10 {
			return time.Time{}, false
		}
		n, ok := num(frac[1:])
		if !ok {
			return time.Time{}, false
		}
		for range 10 - len(frac) {
			n *= 10
		}
		nsec = n
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, nsec, time.UTC)
	if t.Day() != day {
		return time.Time{}, false // 30 February and the like: ParseTime refuses them
	}
	return t, true
}

// MarshalJSON writes the time as the API does, or null for the zero time.
func (t Time) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("null"), nil
	}
	return []byte(`"` + FormatTime(t.Time) + `"`), nil
}

// FormatTime writes t as the API expects in filters: UTC with microseconds
// ("2006-01-02T15:04:05.000000Z"). Sub-microsecond digits are truncated.
func FormatTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000Z") }

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
