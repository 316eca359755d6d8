// Package sekoia is a typed client for the Sekoia.io Defend (XDR) REST API:
// alerts and their workflow, cases, event search jobs, assets, communities, cyber
// kill chain stages, and the HTTP intake that receives events.
//
// # Getting started
//
//	c, err := sekoia.NewClient(os.Getenv("SEKOIA_API_KEY"), sekoia.WithRegion(sekoia.FRA1))
//	if err != nil { ... }
//	for a, err := range c.Alerts.All(ctx, &sekoia.AlertListOptions{Statuses: []sekoia.Status{sekoia.StatusPending}}) {
//		if err != nil { ... }
//		fmt.Println(a.ShortID, a.Title, a.Urgency.Value)
//	}
//	err = c.Alerts.UpdateWorkflow(ctx, "ALL1A4SKUiU2", sekoia.ActionAcknowledge, "on it")
//
// The services are fields of the Client: Alerts (listing, reading,
// editing, comments, timeline, history, workflow, custom statuses), Cases
// (cases, their alerts, comments, events and bulk changes), Events
// (event search jobs), Assets (asset management v2), Communities and
// KillChains. NewIntake returns the client of the HTTP intake. Both
// clients are safe for concurrent use and send no request until called.
//
// # Authentication and regions
//
// Every request carries "Authorization: Bearer <API key>"; the key is sent
// only to the configured host and never appears in errors or logs.
// Client.Auth checks a key (GET /v1/auth/validate) and returns its
// TokenClaims; Client.SetAPIKey swaps in a rotated key for the following
// requests. WithRegion picks the documented base URLs of FRA1 (default),
// FRA2, MCO1, UAE1, USA1 or SGP1 (ParseRegion reads a region name, as from
// an environment variable; Region.BaseURL and Region.IntakeURL show the
// URLs); WithBaseURL and WithIntakeURL set them explicitly (https only;
// plain http is accepted for loopback hosts, as used by the sekoiatest
// fake).
//
// # Alerts and their workflow
//
// Alerts.List and Alerts.All list alerts with AlertListOptions, whose fields
// map one to one to the API's match[...], nomatch[...] (Exclude), date[...]
// and range[...] parameters: a []string field is sent comma-joined (values
// are OR-ed, fields AND-ed), a TimeRange as "<from>,<to>" in RFC 3339 (an
// open end is "now"), an IntRange as "<min>,<max>". Get reads one alert by
// UUID or short id ("ALL1A4SKUiU2"), with the heavy parts (comments,
// history, countermeasures, STIX, cases) only when AlertGetOptions asks;
// Update edits its fields; AddComment, ListComments, Timeline and ListHistory
// read and annotate it.
//
// Alert statuses are typed constants of Status (StatusPending,
// StatusAcknowledged, StatusOngoing, StatusRejected, StatusClosed) and
// workflow actions of Action (ActionAcknowledge, ActionValidate,
// ActionReject, ActionClose): two different families of UUIDs, each with
// String giving its name. UpdateWorkflow, Transition and
// BulkUpdateWorkflow (up to MaxBulkAlerts alerts) accept either as a
// Transition: a Status is sent as the action leading to it (or, for
// Pending, as the status UUID the API also accepts). Workflow lists the
// actions available from an alert's current status. A change not allowed
// from the current status fails with ErrConflict carrying the API's
// message. CustomStatuses and SetCustomStatus handle the custom statuses
// of a workspace.
//
// # Cases
//
// A case groups the alerts of one incident. Its life cycle:
//
//   - Create it: Cases.Create with a NewCase (a title, and optionally a
//     description, a CasePriority, tags, subscribers, an initial status);
//     CreateFromAlerts creates it and attaches alerts in one call.
//   - Fill it: AddAlerts attaches alerts by UUID or short id (SetAlerts
//     replaces them; AddAlertsInBulk uses the bulk endpoint), and the
//     alerts then name the case in their Cases field (AlertGetOptions.Cases,
//     AlertListOptions.Cases); AddEvents adds search results by their
//     __event_id, RemoveEvents and RemoveEvent take them out by event.id.
//   - Work it: AddComment, UpdateComment, DeleteComment, ListComments and
//     AllComments keep the analysts' notes; Assets, Entities, KillChains,
//     Rules and Threats summarize its alerts; History and AllHistory read
//     its change log.
//   - Move it: a case has a legacy status (Status, StatusUUID) and, when
//     its community defines them, a custom status (CustomStatusUUID) whose stage is
//     open, in progress or closed; Case.CurrentStatus returns the one that
//     applies as a CaseStatus (name, UUID, stage). SetStatus moves a case
//     to a custom status read from Alerts.CustomStatuses with Type "case";
//     Update changes any field set in a CaseUpdate (priority, custom
//     priority, verdict, tags, subscribers). A change the API refuses is
//     an *APIError carrying its message.
//   - Find and count: Cases.List and Cases.All take CaseListOptions, whose
//     CaseFilter maps to the match[...], nomatch[...] and date[...]
//     parameters; Statistics counts the open and closed cases of a filter;
//     ListTags and AllTags list the tags in use.
//   - Change many: BulkSetStatus, BulkSetPriority, BulkSetVerdict,
//     BulkSetAssignees and BulkSetCustomFields change every case a
//     CaseFilter selects in a background task and return its id; an empty
//     filter is refused so that a mistake cannot change every case.
//
// Cases are named by UUID or short id ("CAs3AT1XeGCp"). Case times are RFC
// 3339 on the wire (alert times are epoch seconds); both are time.Time.
// Create, SetAlerts, AddComment and AddEvents (POST) and the PATCH calls
// (Update, AddAlerts, the bulk updates) are not retried once sent. The
// DELETE calls (Delete, DeleteComment, RemoveEvents, RemoveEvent) are
// retried like reads, since deleting twice changes nothing; a retry after
// a first attempt that went through may answer ErrNotFound.
//
// # Event search
//
// The Events service runs event search jobs. A SearchQuery holds the term
// (TermLang dork or es-query-string), filters, and the time range as
// SearchTime values (AbsoluteTime, Ago, RelativeTime). Create starts a job
// and Get reads it; Wait polls it, with a growing interval, until it is
// done, and a canceled, failed or timed-out job gives a *JobError matching
// ErrJobCanceled, ErrJobFailed or ErrJobTimeout (WaitOptions sets the
// limits; by default it reads the job at once, then after 250 ms, and
// backs off to one read every 10 s). Search is Create then Wait.
// AllResults (and ListResults) reads the events of a job, most recent
// first, as Event values that keep their exact JSON and read fields by
// dotted name; ListFields and AllFields give statistics on their fields;
// ExtendTTL keeps the results longer and Cancel stops a job.
// SearchAll does it all in one loop: it creates the job, waits for it,
// iterates over every event and cancels the job it did not see to the end
// (unless SearchOptions.KeepJob). The results of a job expire once its
// TTL has passed (SearchJob.ResultsTTL, lengthened by ExtendTTL): reading
// them then gives an *APIError matching ErrJobExpired; create a new job.
//
// # HTTP intake
//
// NewIntake returns an Intake that pushes events to an HTTP intake with the
// intake key alone (no API key). Intake.Push sends a slice of events and
// returns their ids in order; Intake.NewWriter returns an IntakeWriter that
// batches events written one by one, by count, size and age (see
// WriterOptions), with Flush and Close. Every event travels byte for byte
// (as a JSON string in a gzip-compressed POST /batch body). Limits: an
// event is 1 byte to MaxIntakeEventBytes (250 KiB) of valid UTF-8
// (otherwise ErrEventTooLarge or ErrInvalidEvent, before any request); a
// request holds at most MaxIntakeBatchEvents events and
// MaxIntakeRequestBytes (10 MiB); WithIntakeParallelism sets how many
// requests are under way at once (DefaultIntakeParallelism; with 1,
// batches arrive in order). Delivery is at least once: requests are
// retried on 429, 5xx and network errors, so an event may arrive twice
// after a lost answer, but none is lost without an error (a *PushError
// naming the events not accepted; a 413 matches ErrPayloadTooLarge). A
// caller that records its progress only after a nil Push or Flush loses
// nothing.
//
// # Assets, communities and kill chains
//
// Assets lists (with AssetListOptions), reads, creates, updates, tags and
// deletes assets of asset management v2; AssetUpdate sends only the
// fields set. Communities lists and reads the communities (tenants)
// the key can see. KillChains lists and reads the seven stages of the cyber
// kill chain, whose short ids alerts carry in KillChainShortID.
//
// # Countermeasures and workspace settings
//
// Countermeasures lists and adds the countermeasures of an alert
// (ListForAlert, AddToAlert) or a case (ListForCase, AddToCase), activates
// or denies them (Activate, Deny) and their action steps (ActivateStep,
// DenyStep), and reads and writes their comments. An activation is sent
// once: after an error, read the countermeasure again before trying once
// more, since the first request may have been applied. CustomVerdicts,
// CustomPriorities and CustomFields manage the workspace's custom values;
// Alerts.SetCustomFields sets an alert's custom field values, Alerts.Count
// counts the alerts matching the filters of Alerts.List, and Client.Me
// returns the identity behind the API key.
//
// # Lists
//
// Every list has the same shape, here and in the module's other API
// packages. List (or ListX for a list under a resource: ListComments,
// ListHistory, ListResults...) returns one page as a *Page[T]: Items,
// Total (-1 when not counted), HasMore, Offset and NextOffset. All (or
// AllX: AllComments, AllHistory, AllResults...) returns an
// iter.Seq2[T, error] over every item, page after page. Items are values:
// a page holds them in one slice and the iterators yield them by value, so
// listing allocates per page, not per item; a single object (Get, Create,
// Update) is returned as a *T. The iterators are
// lazy and can be run again (each run starts over); they copy the options
// and never change them; they use the caller's context for every page; on
// an error they yield it once and stop; breaking out of the loop stops
// fetching and frees the connection. While the caller works on one page
// the next one is already being fetched. A server that does not advance
// gives ErrPaginationStalled. Page sizes are checked before any request
// (alerts, assets, communities, kill chains: 1..100; event results:
// 1..MaxResultsLimit).
//
// Changing items inside the loop is safe wherever the SDK can change them:
// every item that matches when the loop starts, and still matches when its
// turn comes, is yielded exactly once (acknowledging each pending alert,
// closing each open case, reviewing each unreviewed asset). The alerts,
// the alerts and comments of a case and the cases page by creation time
// (date[created_at]) instead of by offset; the assets are read as UUIDs
// first, then fetched by UUID; the short lists (case tags, comments and
// countermeasures of an alert, custom fields, priorities and verdicts) and
// the sorts that cannot be paged by time are read whole before they are
// yielded. Each All says what it costs and what happens to items created
// during the loop. The other lists (communities, kill chains, histories,
// countermeasures of a case, event results and fields) page by offset.
//
// # Times and raw JSON
//
// The API writes some times as Unix epoch seconds (alert created_at,
// updated_at, comment dates) and others as RFC 3339 strings; the SDK
// exposes all of them as time.Time (UTC, zero when absent or null) and
// durations as time.Duration. Alerts, assets, communities, history entries
// and events keep the exact JSON they were decoded from in Raw, and
// MarshalJSON returns it, so that forwarding one loses nothing. The alerts
// of one page of Alerts.List or Alerts.All share that page's memory (see
// Alert.Raw).
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
// iterator and Do alike (the intake included), with the status, the
// method and path, the x-sekoia-traceid request id, the API's code, message
// and detail, a bounded copy of the body (secrets redacted) and the number
// of attempts. Use errors.Is with ErrNotFound, ErrUnauthorized,
// ErrForbidden, ErrConflict, ErrRateLimited, ErrServer, and the Sekoia.io
// specific ErrTokenExpired (T301), ErrTokenRevoked (T302), ErrTokenInvalid
// (T300 or any other 401; each of the three also matches ErrUnauthorized)
// and ErrJobExpired (410 on the results of an expired search job). Bad
// arguments are refused before any request with an error naming the call
// and the argument.
//
// # Retries, rate limits and logging
//
// 429 is retried for every method, honouring Retry-After up to
// WithMaxRetryAfter (a longer one is returned at once as ErrRateLimited);
// 408, 5xx (but 501) and network errors are retried for idempotent
// requests only (and for intake pushes, which at-least-once delivery
// allows), and so is a request whose answer is cut while its body is
// read. A write (POST, PATCH) that provably never left is retried too:
// the DNS lookup, the connection or the TLS handshake failed before any
// byte of it was written (a TLS certificate error is never retried); once
// a connection was had, it is not sent again. The backoff is exponential
// with jitter (WithMaxRetries, WithRetryWait). Sekoia.io's WAF guidance is
// to stay under 5 requests per second per client: WithLimiter takes any
// limiter with Wait(ctx) error.
// WithLogger receives a Debug line per attempt and a Warn line per retry,
// never bodies or credentials.
//
// Redirects: a redirect to another scheme, host or port is never
// followed, for the API and the intake alike (the intake key travels in
// the request body); on the same origin only GET and HEAD follow one. A
// refused redirect matches ErrRedirectRefused and is not retried.
//
// Memory: WithMaxBodyBytes caps a response body (128 MiB by default,
// ErrBodyTooLarge past it); the bodies a client reads at once share a
// budget of twice that cap; an error body keeps 64 KiB and an intake
// answer at most 4 KiB plus 128 bytes per event of the batch. Offset-paged
// iterators (Alerts.All, Assets.All, AllResults…) end with
// ErrPaginationStalled when a page repeats the previous one.
//
// # Testing
//
// Package sekoiatest is a fake Sekoia.io server to test code written
// against this package: a real HTTP server on loopback, with state
// (alerts with their workflow rules, comments and history, cases whose
// alerts name them, with comments, events and statuses checked, assets,
// communities, kill chain stages, search jobs that progress and expire,
// the intake and what it received), seeding helpers (SeedAlerts, AddAlert,
// AddEvents, ...), key states (expired, revoked) and fault injection (429,
// 5xx, cut or truncated bodies, delays). Its search jobs evaluate their
// term in a documented subset of the events query language (field:value,
// phrases, wildcards, comparisons, AND, OR, NOT, parentheses; a term
// outside it answers 400) over the events' timestamps within the job's
// time range on the server's clock (WithClock), and are done when created
// unless SetSearchProgress asks for polls:
//
//	srv := sekoiatest.NewServer(t)
//	srv.SeedAlerts(250)
//	c, err := srv.Client() // a *sekoia.Client pointed at the fake
//	in, err := sekoia.NewIntake(srv.IntakeKey(), sekoia.WithIntakeURL(srv.IntakeURL()))
package sekoia
