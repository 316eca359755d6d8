// Package xdr is the root of socgo/xdr, a typed Go SDK for the security
// APIs a SOC wires together every day: the Sekoia.io Defend (XDR) platform,
// the TEHTRIS XDR platform and the SentinelOne Management console. The
// typical program pulls EDR events from TEHTRIS or SentinelOne, forwards them
// to a Sekoia intake, and automates alert triage on the Sekoia side.
//
// This package holds only the module's [Version]. The clients live in three
// independent packages; a program that talks to SentinelOne imports only
// sentinelone:
//
//   - [github.com/socgo/xdr/sekoia]: alerts and their workflow, event search
//     jobs, assets, communities, cyber kill chain stages, and the HTTP intake
//     that receives events.
//   - [github.com/socgo/xdr/tehtris]: EDR events, the response actions that
//     go with them, and a collector.
//   - [github.com/socgo/xdr/sentinelone]: activities, threats, agents,
//     mitigation actions, API token lifetime, and a collector.
//
// The three share one HTTP stack, one paging iterator and one error type, so
// everything below holds for each of them.
//
// # Clients and authentication
//
// Each package has a NewClient that takes the credential (and the tenant or
// console it belongs to) followed by functional options:
//
//	c, err := sekoia.NewClient(apiKey, sekoia.WithRegion(sekoia.FRA1))
//	t, err := tehtris.NewClient(tenantID, apiKey)
//	s, err := sentinelone.NewClient(consoleURL, apiToken)
//
// NewClient makes no network call. Options validate their arguments and
// NewClient returns the first error, naming the option or argument at fault.
// A client is safe for concurrent use; its services are fields
// (c.Alerts, c.Events, t.Events, s.Activities, s.Threats, s.Agents, s.Token).
//
// The credential is sent on every request to the configured base URL, and
// only there: a redirect to another scheme, host or port is never followed.
// Base URLs must be https; plain http is accepted only for a loopback host,
// which is what the fakes and tests use. TLS certificates are always
// verified. The credential never appears in a log line or an error string.
//
// # Paging
//
// Every list has two methods. List returns one page with what the API says
// about the rest (a total, a cursor). All returns an [iter.Seq2] over every
// item:
//
//	for a, err := range c.Alerts.All(ctx, &sekoia.AlertListOptions{Statuses: ...}) {
//		if err != nil {
//			return err
//		}
//		...
//	}
//
// The iterator contract, the same for every All in the module:
//
//   - It is lazy: nothing is sent before the loop starts. It is re-runnable:
//     each range starts again from the first page.
//   - The options are copied when All is called and never changed.
//   - Every page is fetched with the caller's context.
//   - The next page is fetched while the caller works on the current one,
//     never more than one page ahead; memory stays bounded by the page size.
//   - On an error it yields (zero value, err) once and stops.
//   - A break stops fetching: the page being prefetched is cancelled and its
//     connection freed before the loop returns.
//   - A server that repeats a cursor or does not advance an offset ends the
//     iteration with an error matching ErrPaginationStalled, instead of
//     looping for ever.
//
// # Errors
//
// A response outside 2xx becomes an *APIError (each package declares
// type APIError with the same fields): the status, method and path, the
// server's request id, the vendor's code and message, the first 64 KiB of
// the body, the Retry-After the server asked for and the number of attempts
// made. Use [errors.As] or errors.AsType to reach it, and [errors.Is] with
// the sentinels each package re-exports: ErrNotFound, ErrUnauthorized,
// ErrForbidden, ErrConflict, ErrRateLimited, ErrServer and
// ErrPaginationStalled, plus those of a package (sekoia.ErrJobExpired for the
// results of an expired search job, for example):
//
//	alert, err := c.Alerts.Get(ctx, "ALxxxx")
//	switch {
//	case errors.Is(err, sekoia.ErrNotFound):
//		// gone
//	case errors.Is(err, sekoia.ErrRateLimited):
//		var apiErr *sekoia.APIError
//		if errors.As(err, &apiErr) {
//			wait := apiErr.RetryAfter
//			...
//		}
//	}
//
// Bad input (an empty key, a malformed id, a limit out of range, a
// SentinelOne agent action without a filter) is refused before any request,
// with an error that names the argument. Transport and context errors are
// wrapped with %w, so errors.Is(err, context.DeadlineExceeded) works.
//
// # Retries and rate limits
//
// Requests are retried with jittered exponential backoff: 4 retries by
// default, waits between 1s and 30s (WithMaxRetries, WithRetryWait). A 429
// is retried for every method. A 408, a 5xx other than 501 and a network
// error are retried only for idempotent methods (GET, HEAD, PUT, DELETE,
// OPTIONS) and for the few POSTs that the packages know to be safe. Any
// other write (POST, PATCH) is retried after a network error only when it
// provably never left: the DNS lookup, the connection (refused or timed
// out) or the TLS handshake failed before a byte of it was written. Once a
// connection was had, it is not sent again, since the server may have
// acted on it. A TLS certificate error (the server's certificate fails
// verification, or the server refuses the client's) is never retried, nor
// is a call whose context ended. A Retry-After header (seconds or an
// HTTP date) is honoured up to 60s (WithMaxRetryAfter); a longer wait, or
// one that would pass the context's deadline, is not waited for: the call
// fails at once with an error matching ErrRateLimited whose RetryAfter says
// how long the server asked for. When retries run out, the last response is
// returned as an *APIError with its Attempts count. The backoff sleep ends
// as soon as the context is done.
//
// A request that ends in ErrPaginationStalled, ErrRedirectRefused or
// ErrBodyTooLarge is not retried.
//
// # Redirects
//
// Every request of a client carries its credential (the intake's in its
// body), so one policy holds for all of them, in one place: a redirect to
// another origin (scheme, host or port, default ports made explicit) is
// never followed, whatever the method; a downgrade from https to http is
// another origin; a redirect on the same origin is followed for GET and
// HEAD only, at most 5 times, so a write is never sent twice (307 and 308
// would re-send its body) nor turned into a GET (301, 302, 303). A refused
// redirect fails the call with an error matching ErrRedirectRefused, which
// names the target's origin only. The policy replaces the CheckRedirect of
// a client given to WithHTTPClient.
//
// # Memory
//
// A response body is read whole before it is decoded, up to
// WithMaxBodyBytes (128 MiB by default; a Content-Length over it fails at
// once); a larger one fails with ErrBodyTooLarge, never retried. The bodies
// a client reads at once, across all its requests, hold at most twice that
// cap: parallel requests answered by huge bodies share the budget, and one
// that would pass it fails with ErrBodyTooLarge. Answers the SDK needs only
// a few fields of have smaller caps: an error body keeps 64 KiB, an intake
// answer 4 KiB plus 128 bytes per event. The fault-matrix test
// (internal/faultmatrix) plays every kind of misbehaving server against
// each package.
//
// WithLimiter paces requests on the client side: it takes anything with a
// Wait(ctx) error method, so a *rate.Limiter from golang.org/x/time/rate
// fits. The limiter is waited on before every attempt, retries included.
// sentinelone applies the console's documented per-path limits by default.
//
// # Logging
//
// WithLogger takes a *log/slog.Logger; without it nothing is logged. A
// client logs one Debug line per HTTP attempt (method, path, attempt) and
// one Warn line per retry (status or error, wait). Headers and bodies are
// never logged. Every form a secret can take in an answer (raw,
// JSON-escaped, percent-encoded, the base64 of a Basic credential) is
// redacted from error bodies, messages, codes, request ids and logged
// errors, for every key the client has held (SetAPIKey and token rotation
// keep the old ones for this). Errors of WithBaseURL and the like never
// repeat the URL's text, and quote at most 100 bytes of any bad argument. Collectors log their progress at Info.
//
// # Collectors and checkpoints
//
// tehtris and sentinelone each have a collector: a long-running loop that
// pulls new events since a checkpoint, hands them to the caller's handler in
// batches, and saves the checkpoint only after the handler has returned nil.
// Delivery is at least once, and exactly once everywhere but in one window:
// a batch the handler has accepted (returned nil) is delivered again after a
// restart if the process died before that batch's checkpoint save completed
// (that batch only, once more). Make the handler idempotent, or drop
// duplicates downstream by event id, where that matters. Across restarts
// the collector re-reads the boundary of its checkpoint (its last second or
// millisecond) and drops the events it already delivered there, so events
// sharing a timestamp are not repeated; a handler error delivers the same
// batch again after a backoff. Nothing the API shows when a window is read
// is skipped; an event the API shows only after the collector has moved
// past its time is missed unless it falls in that boundary or within the
// collector's Delay. There is no silent lookback limit; data older than an
// explicit maximum lookback is skipped with a Warn line.
//
// A checkpoint is opaque bytes in a [github.com/socgo/xdr/checkpoint.Store],
// an interface of two methods (Load and Save). checkpoint.NewFile stores it
// in a local file replaced atomically; checkpoint.Memory keeps it in memory.
// Implement Store to keep checkpoints in a database, Redis or a Kubernetes
// ConfigMap. A collector holds at most MaxWindowEvents events in memory
// (20,000 by default), however long it was down.
//
// To run the same sources from several replicas, keep them in a
// [github.com/socgo/xdr/checkpoint.LeaseStore] (checkpoint.FileLeases on one
// machine, github.com/socgo/xdr/checkpoint/pgstore in PostgreSQL across
// machines) and run them with [github.com/socgo/xdr/fleet]: each source runs
// in one replica at a time, the holder of its lease; every checkpoint save is
// fenced by the lease's token, and a replica that lost its lease hands no
// further batch to its handler.
//
// # Testing with the fakes
//
// Each package has a fake server for your own tests:
// [github.com/socgo/xdr/sekoia/sekoiatest],
// [github.com/socgo/xdr/tehtris/tehtristest] and
// [github.com/socgo/xdr/sentinelone/sentinelonetest]. A fake is a real HTTP
// server on loopback (net/http/httptest) with state: alert workflow
// transitions, search jobs that evaluate their query and time range (and
// refuse a query they do not understand), progress and expire, cursor
// paging. It is
// seeded with helpers, closed by t.Cleanup, and injects faults on demand: a
// 429 with Retry-After, bursts of 5xx, a connection cut in the middle of a
// body, truncated JSON, slowness. The three fakes have one shape:
// NewServer(t, opts...) in tests, Start(opts...) and Close in programs;
// URL, HTTPClient, and Client(opts...), a client of the package pointed at
// the fake with the credential it accepts (APIKey, or APIToken for
// SentinelOne); WithClock and SetClock for the fake's clock, which stamps
// what it creates; InjectFault and ClearFaults; Seed<Things>(n) for
// generated objects and Add<Thing> for given ones:
//
//	srv := sekoiatest.NewServer(t)
//	srv.SeedAlerts(250)
//	c, err := srv.Client() // or sekoia.NewClient(srv.APIKey(), sekoia.WithBaseURL(srv.URL()))
//
// The examples and benchmarks of the module run against these fakes.
//
// # Versioning
//
// The module is at v0: its API may still change between minor versions.
// After v1, a breaking change gets a new major version in the module path.
// [Version] is sent in the User-Agent header of every request as
// "socgo-xdr/<Version>".
package xdr
