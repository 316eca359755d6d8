// Package fakeconf holds the conformance test of the fake servers of this
// module (sekoiatest, tehtristest, sentinelonetest): one table checks that
// the three have the same shape, so that a user who knows one fake knows
// the others.
//
// The shape, after the pstest package of google-cloud-go:
//
//   - NewServer(t testing.TB, opts ...Option) *Server for tests (closed by
//     t.Cleanup), Start(opts ...Option) (*Server, error) and Close for
//     programs;
//   - URL() string, HTTPClient() *http.Client, Certificate()
//     *x509.Certificate, and
//     Client(opts ...pkg.Option) (*pkg.Client, error), a client of the
//     package pointed at the fake with its credentials;
//   - the credential the fake accepts: With<Cred> option, Default<Cred>
//     constant and <Cred>() method, named as the package's NewClient names
//     it (APIKey for sekoia and tehtris, APIToken for sentinelone);
//   - WithTLS(): HTTPS with a certificate made for the fake, which
//     HTTPClient and Client trust and a client with the system roots
//     refuses; without it, plain HTTP and a nil Certificate;
//   - the clock: WithClock(func() time.Time), SetClock and Now;
//   - fault injection: InjectFault(Fault) and ClearFaults, with the Fault
//     and kinds of package xdrtest, and Requests() for the count of
//     requests received;
//   - seeding: Seed<Things>(n) for generated objects timed by the fake's
//     clock, Add<Thing>(...) for one given object.
package fakeconf
