// Package sentinelone is a client for the SentinelOne Management API v2.1
// with API-token authentication: the activity log, threats and their
// mitigation, agents and their actions (network isolation, scans…), the API
// token's lifetime, and collectors that forward activities and threats
// across restarts, exactly once except for the batch being checkpointed
// when the process dies, which is delivered again (see Collector).
//
//	s, err := sentinelone.NewClient("https://usea1-partners.sentinelone.net", token)
//	for act, err := range s.Activities.All(ctx, &sentinelone.ActivityListOptions{CreatedAfter: since}) {
//		...
//	}
//	_, err = s.Agents.Disconnect(ctx, sentinelone.AgentFilter{IDs: []string{agentID}}, nil)
//
// # Authentication
//
// Requests carry "Authorization: ApiToken <token>" and go to
// <console>/web/api/v2.1. Tokens are time-limited: Token.Details returns the
// expiry date (POST /users/api-token-details) and Token.Rotate replaces the
// token (POST /users/generate-api-token; the old token stops working at
// once and the client switches to the new one atomically). A rejected or
// expired token gives an error matching ErrTokenInvalid (code 4010010).
// Use a Service User with the narrowest role that works: a Viewer role
// reads activities and threats, mitigation and agent actions need an
// administrator or incident-response role.
//
// # Lists
//
// Every list has the same shape, here and in the module's other API
// packages. List (or ListX for a list under a resource: ListEvents,
// ListTasks) returns one page as a *Page[T]: Items, Total (-1 when not
// counted), HasMore and NextCursor. All (or AllX: AllEvents, AllTasks)
// returns an iter.Seq2[T, error] following nextCursor with the same
// filters. Items are values: a page holds them in one slice and the
// iterators yield them by value, so listing allocates per page, not per
// item; a single object (Get) is returned as a *T. Limit is clamped
// to 1..1000 (0 means 1000) and Skip must stay within 0..1000, as the API
// requires; beyond, the cursor is used. Ids are strings throughout: they
// exceed 2^53 and some are not numeric ("org-12345678").
//
// # Raw bytes
//
// Activity, Threat and Agent keep the exact bytes they were decoded from
// (Raw) and their MarshalJSON returns them, so forwarding is lossless:
// unknown fields, number precision and key order are kept. An activity's
// Data object, whose shape depends on its type, stays raw, with typed
// accessors for the common types (LoginData, ThreatData, RuleAlertData…).
// A threat's creation time is Threat.CreatedAt(), read from
// threatInfo.createdAt: v2.1 threats have no top-level createdAt.
//
// Raw bytes are read-only. Activities and threats listed by List or All
// are decoded in place from one buffer per page: their Raw (and an
// activity's Data) are capped slices of it, not copies, so keeping any of
// them keeps its page in memory; bytes.Clone what you modify or keep for
// long.
//
// # Raw requests
//
// Client.Do sends a request to an endpoint the package does not cover yet
// (method, a path under the API base, a query as url.Values or a struct
// with `url` tags, a JSON body, and where to decode the answer), with the
// client's token, retries, per-endpoint rate limits, response size cap,
// redaction and error mapping. A path that is an absolute URL, names
// another host, or has a query, a fragment or a dot segment is refused
// before any request.
//
// # Errors
//
// A failed call returns an *APIError (errors.As), from every call,
// iterator and Do alike, with the status, the
// vendor's code, title (Message) and detail; errors.Is matches ErrNotFound,
// ErrUnauthorized, ErrForbidden, ErrRateLimited, ErrServer and
// ErrTokenInvalid. A 200 whose body carries an "errors" array is an error
// too. Bad input (an empty action filter, a skip over 1000, a list element
// holding a comma) is refused before any request, with an error naming the
// argument. An action aimed at ids that affects nothing returns a
// *NoneAffectedError (ErrNoneAffected).
//
// # Retries and rate limits
//
// Reads are retried on 429, 408, 5xx and network errors with a capped,
// jittered backoff honouring Retry-After, and sent again when the
// connection is cut while their answer's body is being read (a Warn line
// each time): a list page is only used once it has come whole. Actions
// (POST) are retried only on 429 and when they provably never left (the
// DNS lookup, the connection or the TLS handshake failed before any byte
// was written; a TLS certificate error is never retried),
// and never re-sent after a cut body, unless ActionOptions.RetrySafe or
// WithRetryActions says otherwise: a request that timed out may have been
// carried out. Client-side token
// buckets follow the API's per-path rate table (DefaultRateLimits), on by
// default; WithRateLimits replaces the table and WithoutRateLimits turns it
// off.
//
// A redirect to another scheme, host or port is never followed; on the
// same origin only GET and HEAD follow one. A refused redirect matches
// ErrRedirectRefused and is not retried.
//
// Memory: WithMaxBodyBytes caps a response body (128 MiB by default,
// ErrBodyTooLarge past it, never retried); the bodies a client reads at
// once share a budget of twice that cap; an error body keeps 64 KiB and
// the answer of an action (a count) 1 MiB. A 200 whose body carries an "errors" array is an *APIError, redacted like
// any other.
//
// # Collectors
//
// Client.ActivityCollector and Client.ThreatCollector (NewThreats by
// threatInfo.createdAt, ChangedThreats by threatInfo.updatedAt) pull events
// since a checkpoint.Store, hand them to a function in order and save the
// checkpoint after it accepts them. Across restarts nothing the API showed
// when it was read is skipped and events sharing a timestamp are delivered
// once; the one batch accepted but not yet checkpointed when the process
// dies is delivered again (at least once there). No lookback limit drops
// data after a long downtime unless asked (CollectorConfig.MaxLookback).
//
// # Blocklist, IOCs, exclusions, files, scripts and scopes
//
// Blocklist (the hash blocklist, /restrictions), IOCs and Exclusions list,
// create and delete entries in a typed Scope (TenantScope, AccountScope,
// SiteScope, GroupScope); the zero Scope is refused, so that a global entry
// is always asked for by name. Files fetches files from endpoints
// (FetchThreatFile, FetchAgentFiles), waits for the activity announcing the
// upload (WaitForUpload) and streams the password-protected archive, as the
// console sends it, to an io.Writer (Download): it is never held whole in
// memory and the response size cap, meant for JSON answers, does not apply
// to it. RemoteScripts runs library scripts on a typed AgentFilter (an
// empty filter is refused), waits for their tasks and fetches the link to
// their output; Files.DownloadFromLink streams such pre-signed links
// without sending the API token to their origin. The passwords of file
// fetching and of script outputs are redacted from the errors of the call
// that sends them, and a ScriptRun prints without its password. Sites,
// Groups and Accounts list the console's scopes; Groups.MoveAgents moves
// agents to a group. Creating calls (POST) follow the action rule above:
// not retried after a send unless asked; the DELETE and PUT calls are
// retried like reads.
//
// # Threat hunting and STAR alerts
//
// DeepVisibility.SearchAll runs a Deep Visibility (S1QL 1.0) query and
// yields its events: it starts the query, waits for it through its states
// (typed QueryState; a failed, timed-out, canceled or expired query is a
// *QueryError) and reads the events page by page, canceling a query it did
// not read to the end. Results that reach the query's limit end with
// ErrTooManyResults rather than being silently incomplete. PowerQuery.Run
// runs a PowerQuery and returns its table, with typed access to the cells
// (PQRow.String, Int, Float, Bool, Time). Alerts lists STAR alerts and
// sets their verdict and incident status; Client.AlertCollector forwards
// them following alertInfo.reportedAt, with the Collector's guarantee.
//
// # Logging
//
// WithLogger takes a *slog.Logger: a Debug line per attempt, a Warn line
// per retry. Tokens never appear in logs or errors.
//
// # Testing
//
// Package sentinelonetest is a fake console on loopback for tests and
// examples.
package sentinelone
