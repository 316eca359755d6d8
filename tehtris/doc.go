// Package tehtris is a client of the TEHTRIS XDR platform API: it fetches
// EDR/XDR events (one page, every page, or continuously with a
// checkpointed Collector), sets their status, lists, creates and deletes
// saved filters, finds endpoints in the EDR inventory (by host name,
// address or agent UUID), and runs response actions on them: network
// isolation (also by host name, in one call), file quarantine, disk scans,
// and reads their process history.
//
//	c, err := tehtris.NewClient("abc", apiKey) // https://abc.api.tehtris.net/api
//	for ev, err := range c.Events.All(ctx, &tehtris.EventQuery{From: since}) {
//		if err != nil { ... }
//		forward(ev.Raw) // the exact JSON of the event
//	}
//
// # Authentication
//
// The platform's API must be activated for the tenant and the caller's
// source IPs allow-listed by TEHTRIS. An API key is created in the XDR
// platform (SOAR > Key Management) for a list of APIs; collecting events
// needs at least "Fetch Events". The key is sent with HTTP Basic
// authentication, user "api", key as password, and only to the API's host.
// It never appears in logs or errors. SetAPIKey swaps it at run time.
//
// The tenant id (the platform's sub-domain, often a trigram) must be a DNS
// label; anything else is refused before a URL is built. WithBaseURL gives
// the full API base of an on-premise platform or a non-standard port
// (https://abc.api.tehtris.net:8443/api); the tenant id may then be empty.
//
// # Events
//
// GET /xdr/v1/event returns a bare JSON array, paged by offset and limit
// (at most 1000), bounded by fromDate and toDate in Unix seconds. Its order
// follows the saved filter (often newest first) and it sends no total.
// Events.List fetches one page; Events.All walks every page over a window
// frozen when the walk starts, advancing by the number of events returned,
// with the next page prefetched. Every Event keeps its raw JSON in Raw and
// MarshalJSON returns it, so forwarding is lossless, unknown fields
// included; the typed fields cover all fields known to the API.
//
// # Lists
//
// Every list has the same shape, here and in the module's other API
// packages. List (or ListX for a list under a resource: ListProcesses)
// returns one page as a *Page[T]: Items, Total (-1: the API sends none),
// HasMore, Offset and NextOffset. All (or AllX: AllProcesses) returns an
// iter.Seq2[T, error] over every item, page after page. Items are values:
// a page holds them in one slice and the iterators yield them by value, so
// listing allocates per page, not per item; a single object (Get) is
// returned as a *T. The filter list (GET /xdr/v2/filter) is not paged:
// Filters.List returns every filter in one page and Filters.All reads that
// one answer. Inventory.Tags, a set of names rather than a list of
// resources, is a plain []string.
//
// # Collector
//
// Client.EventCollector returns a Collector, configured by a
// CollectorConfig, that turns the events API into a stream that survives
// restarts: exactly once, except that the batch whose checkpoint was being
// saved when the process died is delivered again (see its documentation).
//
//	col, err := c.EventCollector(tehtris.CollectorConfig{Store: store}, func(ctx context.Context, events []tehtris.Event) error {
//		return forwardAll(ctx, events) // the checkpoint moves only when this returns nil
//	})
//	err = col.Run(ctx) // until ctx is done
//
// It paces its requests to DefaultRequestsPerMinute (5) by default
// (CollectorConfig.RequestsPerMinute, or CollectorConfig.Limiter) and never
// skips data after a downtime unless told to (CollectorConfig.MaxLookback).
//
// # Inventory
//
// Inventory.List and Inventory.All read GET /edr/v2/inventory, selected by
// a HostQuery (host name, which the platform matches as a substring,
// regular expressions, an address or CIDR prefix, agent UUIDs, appliance
// ids, tags). Inventory.Get finds an agent by UUID and Inventory.FindByName
// by exact host name (case-insensitive): no match is ErrHostNotFound,
// several (a re-installed agent keeps its name) an *AmbiguousHostError.
// Host.Endpoint addresses a host's agent. Inventory.Tags and
// Inventory.SetTags read and set endpoint tags ("XXX_name").
//
//	h, err := c.Inventory.FindByName(ctx, "WS-HR-07")
//	ps, err := c.Endpoints.ListProcesses(ctx, h.Endpoint(), &tehtris.ProcessQuery{From: since})
//
// # Response actions
//
// Endpoints.Isolate and Endpoints.Release isolate an endpoint (addressed
// by an Endpoint: appliance id and agent UUID, from an event or a Host) or
// end its isolation; Endpoints.IsolateHost finds a host by name and
// isolates it in one call, refusing an ambiguous name. Endpoints.Quarantine,
// Endpoints.Restore and Endpoints.Quarantined manage quarantined files;
// Endpoints.ScanDisk, ScanStatus, CurrentScan and StopScan run disk scans.
// Every live order returns an ActionResult that tells an order carried
// out (204) from one queued for an offline agent (202, with Persist); an
// offline agent without Persist gives a 504, an endpoint behind a local
// proxy refuses isolation with a 409 (ErrConflict). Endpoints.ListProcesses
// and AllProcesses read the process history. Events.SetStatus sets an
// event's analyst status (the API has no bulk form), and Filters.Create
// and Filters.Delete manage saved filters.
//
// Replies whose shape public material does not document (disk scan
// status, tag list, filter creation) are returned or read tolerantly,
// and every typed object keeps its raw JSON. No endpoint to kill a process
// is public, so there is none here.
//
// # Raw requests
//
// Client.Do sends a request to an endpoint the package does not cover yet
// (method, a path under the base URL, a query as url.Values or a struct
// with `url` tags, a JSON body, and where to decode the answer), with the
// client's authentication, retries, rate limits, response size cap,
// redaction and error mapping. A path that is an absolute URL, names
// another host, or has a query, a fragment or a dot segment is refused
// before any request.
//
// # Errors
//
// A response outside 2xx is an *APIError (errors.As), from every call,
// iterator and Do alike, with the status, the
// method and path, the start of the body and the number of attempts; it
// matches ErrNotFound, ErrUnauthorized, ErrForbidden, ErrConflict,
// ErrRateLimited or ErrServer with errors.Is. Bad arguments are refused
// before any request with an error naming the argument.
//
// # Retries and rate limits
//
// Requests are retried with jittered exponential backoff: 429 always,
// honouring Retry-After up to a cap; 408, 5xx and network errors for GET,
// PUT and DELETE. The POST and PATCH writes (Isolate, Release,
// IsolateHost, Quarantine, Restore, ScanDisk, Filters.Create) are sent
// once, 429 aside, unless their options say RetrySafe: an order that timed
// out may have been carried out or queued. An order that provably never
// left is retried all the same: the DNS lookup, the connection or the TLS
// handshake failed before any byte of it was written (a TLS certificate
// error is never retried). A page whose body is cut
// mid-way is requested again. TEHTRIS publishes no rate limit; the
// Collector paces itself at DefaultRequestsPerMinute, and WithLimiter adds
// a limiter to every request of a client.
//
// A redirect to another scheme, host or port is never followed; on the
// same origin only GET and HEAD follow one. A refused redirect matches
// ErrRedirectRefused and is not retried.
//
// Memory: WithMaxBodyBytes caps a response body (128 MiB by default,
// ErrBodyTooLarge past it, never retried); the bodies a client reads at
// once share a budget of twice that cap; an error body keeps 64 KiB.
// Events.All, Inventory.All and Endpoints.AllProcesses end with
// ErrPaginationStalled when a page repeats the previous one (a server
// ignoring the offset).
//
// # Logging
//
// WithLogger takes a *slog.Logger: a Debug line per request attempt, a
// Warn line per retry, never headers or bodies. The Collector logs an Info
// progress line (lag, delivered, checkpoint) every minute.
//
// # Testing
//
// Package tehtristest is a fake platform on loopback, with a growing event
// log, an inventory of the endpoints those events come from, isolation,
// tag, quarantine and scan state, and fault injection, for tests of code
// built on this package.
package tehtris
