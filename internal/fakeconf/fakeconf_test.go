package fakeconf

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/socgo/xdr/internal/apierror"
	"github.com/socgo/xdr/internal/fakeserver"
	"github.com/socgo/xdr/sekoia"
	"github.com/socgo/xdr/sekoia/sekoiatest"
	"github.com/socgo/xdr/sentinelone"
	"github.com/socgo/xdr/sentinelone/sentinelonetest"
	"github.com/socgo/xdr/tehtris"
	"github.com/socgo/xdr/tehtris/tehtristest"
	"github.com/socgo/xdr/xdrtest"
)

// fake is the method set the three fakes share.
type fake interface {
	URL() string
	HTTPClient() *http.Client
	Certificate() *x509.Certificate
	Close()
	Now() time.Time
	SetClock(now func() time.Time)
	InjectFault(f xdrtest.Fault)
	ClearFaults()
	Requests() int64
}

// The constructors, options and typed clients have one signature per
// package; these declarations fail to compile when one fake drifts.
var (
	_ fake = (*sekoiatest.Server)(nil)
	_ fake = (*tehtristest.Server)(nil)
	_ fake = (*sentinelonetest.Server)(nil)

	_ func(testing.TB, ...sekoiatest.Option) *sekoiatest.Server                         = sekoiatest.NewServer
	_ func(testing.TB, ...tehtristest.Option) *tehtristest.Server                       = tehtristest.NewServer
	_ func(testing.TB, ...sentinelonetest.Option) *sentinelonetest.Server               = sentinelonetest.NewServer
	_ func(...sekoiatest.Option) (*sekoiatest.Server, error)                            = sekoiatest.Start
	_ func(...tehtristest.Option) (*tehtristest.Server, error)                          = tehtristest.Start
	_ func(...sentinelonetest.Option) (*sentinelonetest.Server, error)                  = sentinelonetest.Start
	_ func(*sekoiatest.Server, ...sekoia.Option) (*sekoia.Client, error)                = (*sekoiatest.Server).Client
	_ func(*tehtristest.Server, ...tehtris.Option) (*tehtris.Client, error)             = (*tehtristest.Server).Client
	_ func(*sentinelonetest.Server, ...sentinelone.Option) (*sentinelone.Client, error) = (*sentinelonetest.Server).Client

	_ func(func() time.Time) sekoiatest.Option      = sekoiatest.WithClock
	_ func(func() time.Time) tehtristest.Option     = tehtristest.WithClock
	_ func(func() time.Time) sentinelonetest.Option = sentinelonetest.WithClock

	_ func() sekoiatest.Option      = sekoiatest.WithTLS
	_ func() tehtristest.Option     = tehtristest.WithTLS
	_ func() sentinelonetest.Option = sentinelonetest.WithTLS

	// The credential: With<Cred>, Default<Cred> and <Cred>().
	_ func(string) sekoiatest.Option       = sekoiatest.WithAPIKey
	_ func(string) tehtristest.Option      = tehtristest.WithAPIKey
	_ func(string) sentinelonetest.Option  = sentinelonetest.WithAPIToken
	_                                      = sekoiatest.DefaultAPIKey + tehtristest.DefaultAPIKey + sentinelonetest.DefaultAPIToken
	_ func(*sekoiatest.Server) string      = (*sekoiatest.Server).APIKey
	_ func(*tehtristest.Server) string     = (*tehtristest.Server).APIKey
	_ func(*sentinelonetest.Server) string = (*sentinelonetest.Server).APIToken

	// Fault injection speaks xdrtest's vocabulary in every fake.
	_ = [...]xdrtest.Kind{sekoiatest.RateLimit, tehtristest.ServerError, sentinelonetest.CutBody}
	_ = [...]xdrtest.Fault{sekoiatest.Fault{}, tehtristest.Fault{}, sentinelonetest.Fault{}}
)

// fakeCase describes one fake for the table.
type fakeCase struct {
	name string
	// tls: the fake is started with WithTLS.
	tls bool
	// newServer and start call the package's NewServer and Start with
	// WithClock(now), and WithTLS when tls is set.
	newServer func(t testing.TB, tls bool, now func() time.Time) fake
	start     func(tls bool, now func() time.Time) (fake, error)
	// probe makes the fake create one object stamped by its clock, reads
	// it back through the client of the fake's Client (over hc when it is
	// not nil) and returns its time.
	probe func(ctx context.Context, f fake, hc *http.Client) (time.Time, error)
	// ping is a path under URL() answering 200 to a request that authorize
	// gave the fake's credential, and 401 without it.
	ping      string
	authorize func(f fake, r *http.Request)
}

// cases is every fake, served over plain HTTP and with WithTLS.
var cases = withTLS([]fakeCase{
	{
		name: "sekoiatest",
		newServer: func(t testing.TB, tls bool, now func() time.Time) fake {
			return sekoiatest.NewServer(t, sekoiatest.WithClock(now), optIf(tls, sekoiatest.WithTLS()))
		},
		start: func(tls bool, now func() time.Time) (fake, error) {
			return sekoiatest.Start(sekoiatest.WithClock(now), optIf(tls, sekoiatest.WithTLS()))
		},
		probe: func(ctx context.Context, f fake, hc *http.Client) (time.Time, error) {
			srv := f.(*sekoiatest.Server)
			a := srv.AddAlert(sekoia.Alert{Title: "probe"})
			c, err := srv.Client(optIf(hc != nil, sekoia.WithHTTPClient(hc)))
			if err != nil {
				return time.Time{}, err
			}
			got, err := c.Alerts.Get(ctx, a.UUID, nil)
			if err != nil {
				return time.Time{}, err
			}
			return got.CreatedAt, nil
		},
		ping: "/v1/auth/validate",
		authorize: func(f fake, r *http.Request) {
			r.Header.Set("Authorization", "Bearer "+f.(*sekoiatest.Server).APIKey())
		},
	},
	{
		name: "tehtristest",
		newServer: func(t testing.TB, tls bool, now func() time.Time) fake {
			return tehtristest.NewServer(t, tehtristest.WithClock(now), optIf(tls, tehtristest.WithTLS()))
		},
		start: func(tls bool, now func() time.Time) (fake, error) {
			return tehtristest.Start(tehtristest.WithClock(now), optIf(tls, tehtristest.WithTLS()))
		},
		probe: func(ctx context.Context, f fake, hc *http.Client) (time.Time, error) {
			srv := f.(*tehtristest.Server)
			srv.SeedEvents(1)
			c, err := srv.Client(optIf(hc != nil, tehtris.WithHTTPClient(hc)))
			if err != nil {
				return time.Time{}, err
			}
			var last time.Time
			// All bounds its walk by the real clock unless told otherwise.
			for ev, err := range c.Events.All(ctx, &tehtris.EventQuery{To: srv.Now().Add(time.Hour)}) {
				if err != nil {
					return time.Time{}, err
				}
				if ev.Time.After(last) {
					last = ev.Time
				}
			}
			return last, nil
		},
		ping: "/xdr/v2/filter",
		authorize: func(f fake, r *http.Request) {
			r.SetBasicAuth("", f.(*tehtristest.Server).APIKey())
		},
	},
	{
		name: "sentinelonetest",
		newServer: func(t testing.TB, tls bool, now func() time.Time) fake {
			return sentinelonetest.NewServer(t, sentinelonetest.WithClock(now), optIf(tls, sentinelonetest.WithTLS()))
		},
		start: func(tls bool, now func() time.Time) (fake, error) {
			return sentinelonetest.Start(sentinelonetest.WithClock(now), optIf(tls, sentinelonetest.WithTLS()))
		},
		probe: func(ctx context.Context, f fake, hc *http.Client) (time.Time, error) {
			srv := f.(*sentinelonetest.Server)
			srv.SeedActivities(1)
			c, err := srv.Client(sentinelone.WithoutRateLimits(), optIf(hc != nil, sentinelone.WithHTTPClient(hc)))
			if err != nil {
				return time.Time{}, err
			}
			var last time.Time
			for a, err := range c.Activities.All(ctx, nil) {
				if err != nil {
					return time.Time{}, err
				}
				if a.CreatedAt.After(last) {
					last = a.CreatedAt
				}
			}
			return last, nil
		},
		ping: "/web/api/v2.1/system/status",
		authorize: func(f fake, r *http.Request) {
			r.Header.Set("Authorization", "ApiToken "+f.(*sentinelonetest.Server).APIToken())
		},
	},
})

// withTLS returns cs followed, for each case, by its variant with WithTLS
// (named "<fake>+tls").
func withTLS(cs []fakeCase) []fakeCase {
	out := append(make([]fakeCase, 0, 2*len(cs)), cs...)
	for _, tc := range cs {
		tc.name += "+tls"
		tc.tls = true
		out = append(out, tc)
	}
	return out
}

// optIf returns o when on is set, the nil option otherwise (the fakes'
// Start skips nil options).
func optIf[O any](on bool, o O) O {
	if on {
		return o
	}
	var none O
	return none
}

// t0 is the time the fixed clocks of the tests start at.
var t0 = time.Date(2031, 7, 14, 12, 0, 30, 0, time.UTC)

// fixed returns a clock standing still at t.
func fixed(t time.Time) func() time.Time { return func() time.Time { return t } }

// get sends GET URL()+path with the fake's HTTPClient, with the credential
// when auth is set, and returns the status.
func get(t *testing.T, tc fakeCase, f fake, auth bool) (int, error) {
	t.Helper()
	return getWith(t, tc, f, f.HTTPClient(), auth)
}

// getWith is get with the client c.
func getWith(t *testing.T, tc fakeCase, f fake, c *http.Client, auth bool) (int, error) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, f.URL()+tc.ping, nil)
	if err != nil {
		t.Fatal(err)
	}
	if auth {
		tc.authorize(f, req)
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

func TestURLHTTPClientAndCredentials(t *testing.T) {
	t.Parallel()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := tc.newServer(t, tc.tls, nil)
			if st, err := get(t, tc, f, true); err != nil || st != http.StatusOK {
				t.Errorf("GET %s with the credential: %d %v, want 200", tc.ping, st, err)
			}
			if st, err := get(t, tc, f, false); err != nil || st != http.StatusUnauthorized {
				t.Errorf("GET %s without the credential: %d %v, want 401", tc.ping, st, err)
			}
			if n := f.Requests(); n != 2 {
				t.Errorf("Requests() = %d, want 2", n)
			}
		})
	}
}

func TestClock(t *testing.T) {
	t.Parallel()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			f := tc.newServer(t, tc.tls, fixed(t0))
			if got := f.Now(); !got.Equal(t0) {
				t.Errorf("WithClock: Now() = %v, want %v", got, t0)
			}
			if got, err := tc.probe(ctx, f, nil); err != nil || !got.Equal(t0) {
				t.Errorf("WithClock: the fake stamped %v (%v), want %v", got, err, t0)
			}

			t1 := t0.Add(36 * time.Hour)
			f.SetClock(fixed(t1.In(time.FixedZone("UTC+2", 2*3600))))
			if got := f.Now(); !got.Equal(t1) || got.Location() != time.UTC {
				t.Errorf("SetClock: Now() = %v, want %v in UTC", got, t1)
			}
			if got, err := tc.probe(ctx, f, nil); err != nil || !got.Equal(t1) {
				t.Errorf("SetClock: the fake stamped %v (%v), want %v", got, err, t1)
			}

			f.SetClock(nil)
			if d := time.Since(f.Now()); d < 0 || d > time.Hour {
				t.Errorf("SetClock(nil): Now() is %v away from time.Now", d)
			}
		})
	}
}

func TestFaultThroughTypedClient(t *testing.T) {
	t.Parallel()
	for _, tc := range cases {
		for _, fault := range []struct {
			f      xdrtest.Fault
			status int
			is     error
		}{
			{xdrtest.Fault{Kind: xdrtest.ServerError, Status: http.StatusBadGateway, Times: -1}, http.StatusBadGateway, apierror.ErrServer},
			{xdrtest.Fault{Kind: xdrtest.RateLimit, Times: -1}, http.StatusTooManyRequests, apierror.ErrRateLimited},
		} {
			t.Run(fmt.Sprintf("%s/%s", tc.name, fault.f.Kind), func(t *testing.T) {
				t.Parallel()
				ctx := context.Background()
				f := tc.newServer(t, tc.tls, nil)
				f.InjectFault(fault.f)
				before := f.Requests()
				_, err := tc.probe(ctx, f, nil)
				apiErr, ok := apierror.As(err)
				if !ok || apiErr.StatusCode != fault.status || !errors.Is(err, fault.is) {
					t.Fatalf("probe under %v: %v, want a %d API error matching %v", fault.f.Kind, err, fault.status, fault.is)
				}
				if f.Requests() <= before {
					t.Errorf("Requests() did not count the faulted requests")
				}
				f.ClearFaults()
				if _, err := tc.probe(ctx, f, nil); err != nil {
					t.Errorf("after ClearFaults: %v", err)
				}
			})
		}
	}
}

func TestStartAndClose(t *testing.T) {
	t.Parallel()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f, err := tc.start(tc.tls, fixed(t0))
			if err != nil {
				t.Fatal(err)
			}
			if got, err := tc.probe(context.Background(), f, nil); err != nil || !got.Equal(t0) {
				t.Errorf("probe: %v %v, want %v", got, err, t0)
			}
			f.Close()
			f.Close() // a second Close is harmless
			if _, err := get(t, tc, f, true); err == nil {
				t.Error("the fake still answers after Close")
			}
		})
	}
}

// TestNewServerClosesOnCleanup: the server of NewServer stops when its
// test ends.
func TestNewServerClosesOnCleanup(t *testing.T) {
	t.Parallel()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var f fake
			t.Run("inner", func(t *testing.T) { f = tc.newServer(t, tc.tls, nil) })
			if _, err := get(t, tc, f, true); err == nil {
				t.Error("the fake of a finished test still answers")
			}
		})
	}
}

// TestTLS: with WithTLS the fake serves https with a certificate of its
// own, which HTTPClient trusts, a client built on Certificate trusts too,
// and a client with the system roots refuses (verification is on); without
// it the fake serves plain http and has no certificate. The other tests
// run the typed clients over TLS through Client.
func TestTLS(t *testing.T) {
	t.Parallel()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := tc.newServer(t, tc.tls, nil)
			scheme, _, _ := strings.Cut(f.URL(), "://")
			if want := map[bool]string{false: "http", true: "https"}[tc.tls]; scheme != want {
				t.Errorf("URL() = %q, want %s", f.URL(), want)
			}
			if got := f.Certificate() != nil; got != tc.tls {
				t.Errorf("Certificate() = %v, want one only with WithTLS", f.Certificate())
			}
			if !tc.tls {
				return
			}
			if _, err := getWith(t, tc, f, &http.Client{}, true); !fakeserver.IsUnknownAuthority(err) {
				t.Errorf("GET with the system roots: %v, want an unknown authority error", err)
			}
			// The typed client: over a client of one's own trusting the
			// pool of Certificate, and refused with the system roots.
			ctx := context.Background()
			pool := x509.NewCertPool()
			pool.AddCert(f.Certificate())
			own := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
			t.Cleanup(own.CloseIdleConnections)
			if _, err := tc.probe(ctx, f, own); err != nil {
				t.Errorf("typed client with a pool of Certificate(): %v", err)
			}
			if _, err := tc.probe(ctx, f, &http.Client{}); !fakeserver.IsUnknownAuthority(err) {
				t.Errorf("typed client with the system roots: %v, want an unknown authority error", err)
			}
		})
	}
}
