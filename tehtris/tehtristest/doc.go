// Package tehtristest is a fake TEHTRIS XDR platform API for tests and
// demos: a real HTTP server on loopback that holds a growing event log, an
// inventory of the endpoints those events come from (with their
// isolation, tags, quarantine, disk scans and process history), checks
// HTTP Basic authentication and can
// inject failures (429 with Retry-After, 5xx bursts, a connection cut in
// the middle of a body, truncated JSON, slowness).
//
//	srv := tehtristest.NewServer(t)
//	srv.SeedEvents(2500)
//	c, err := srv.Client()
//	for ev, err := range c.Events.All(ctx, nil) { ... }
//
// The API is served under /api (URL returns the base to give to
// tehtris.WithBaseURL), over plain HTTP unless WithTLS is given: then over
// HTTPS with a certificate of its own, which HTTPClient and Client trust
// (verification on) and Certificate returns, so that a test can cover the
// client's TLS path. Events are served newest first, as a saved filter
// sorted by descending time would, so a client must not rely on order.
//
// Semantics of GET /api/xdr/v1/event in the fake: fromDate and toDate are
// Unix seconds compared with the event's time (createdOrModified=CREATED,
// the default) or its last modification (MODIFIED) as instants:
// fromDate <= t <= toDate, so an event at 12:00:00.5 is not within
// toDate=12:00:00. limit (1..1000, default 100), offset, filterID (404 for
// an unknown filter; none means every event) and eventId are honoured.
//
// The inventory (GET /api/edr/v2/inventory, {"data": [...]}, pages of
// InventoryPageSize, ordered by appliance id and UUID) holds every
// endpoint an added event names, described by the event's host members
// (hostname__, domain__, ipSrc as localIp, tag, os__), plus the hosts of
// AddHost. hostname and domain match substrings without regard to case,
// network an address or prefix of localIp or remoteIp. Live orders
// (isolation, quarantine, restore, disk scan) on an offline agent answer
// 504, or 202 with persist=true and run when SetOnline brings it back.
// Quarantine lists paths of the form "quarantine/{n}/{name}", the path
// Restore takes; quarantining a file twice, or starting a scan while one
// runs, answers 409. Process history is made of the processes the
// endpoint's events name (pid, ppid, cmdline, username, path, sha256,
// created from pCreateDatetime), newest first. PUT .../inventory/tags
// replaces the endpoints' tag. Created filters select by level like
// AddFilter's.
package tehtristest
