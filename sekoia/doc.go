// Package sekoia is a typed client for the Sekoia.io Defend (XDR) REST API:
// alerts and their workflow, event search jobs, assets, communities, cyber
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
// editing, comments, timeline, history, workflow, custom statuses), Events
// (event search jobs), Assets (asset management v2), Communities and
// KillChains. NewIntake returns the client of the HTTP intake.
//
// # Authentication and regions
//
// Every request carries "Authorization: Bearer <API key>"; the key is sent
// only to the configured host and never appears in errors or logs.
// Client.Auth checks a key (GET /v1/auth/validate). WithRegion picks the
// documented base URLs of FRA1 (default), FRA2, MCO1, UAE1, USA1 or SGP1;
// WithBaseURL and WithIntakeURL set them explicitly (https only; plain
// http is accepted for loopback hosts, as used by the sekoiatest fake).
//
// # Pagination
//
// Every list has List, which returns one Page (items, total, has_more),
// and All, which returns an iter.Seq2 over every item. The iterators are
// lazy and can be run again; they copy the options and never change them;
// they use the caller's context for every page; on an error they yield it
// once and stop; breaking out of the loop stops fetching and frees the
// connection. While the caller works on one page the next one is already
// being fetched. Page sizes are checked before any request (alerts,
// assets, communities, kill chains: 1..100).
//
// # Filters
//
// Alert options map one to one to the API's match[...], nomatch[...],
// date[...] and range[...] parameters: a []string field is sent
// comma-joined (values are OR-ed, fields AND-ed), a TimeRange as
// "<from>,<to>" in RFC 3339 (an open end is "now"), an IntRange as
// "<min>,<max>".
//
// # Statuses and actions
//
// Alert statuses (StatusPending … StatusClosed) and workflow actions
// (ActionAcknowledge, ActionValidate, ActionReject, ActionClose) are two
// different families of UUIDs. UpdateWorkflow accepts either: a Status is
// sent as the action leading to it (or, for Pending, as the status UUID the
// API also accepts). A change not allowed from the current status fails
// with ErrConflict carrying the API's message.
//
// # Times and raw JSON
//
// The API writes some times as Unix epoch seconds (alert created_at,
// updated_at, comment dates) and others as RFC 3339 strings; the SDK
// exposes all of them as time.Time (UTC, zero when absent or null). Alerts,
// assets and communities keep the exact JSON they were decoded from in
// Raw, and MarshalJSON returns it, so that forwarding one loses nothing.
//
// # Errors
//
// A response outside 2xx is an *APIError (errors.As) with the status, the
// method and path, the x-sekoia-traceid request id, the API's code, message
// and detail, a bounded copy of the body and the number of attempts. Use
// errors.Is with ErrNotFound, ErrUnauthorized, ErrForbidden, ErrConflict,
// ErrRateLimited, ErrServer, and the Sekoia.io specific ErrTokenExpired
// (T301), ErrTokenRevoked (T302), ErrTokenInvalid (T300 or any other 401)
// and ErrJobExpired (410 on the results of an expired search job). Bad
// arguments are refused before any request with an error naming them.
//
// # Retries, rate limits and logging
//
// 429 is retried for every method, honouring Retry-After up to
// WithMaxRetryAfter; 408, 5xx (but 501) and network errors are retried for
// idempotent requests only; the backoff is exponential with jitter
// (WithMaxRetries, WithRetryWait). Sekoia.io's WAF guidance is to stay
// under 5 requests per second per client: WithLimiter takes any limiter
// with Wait(ctx) error. WithLogger receives a Debug line per attempt and a
// Warn line per retry, never bodies or credentials.
//
// # Testing
//
// Package sekoiatest is a fake Sekoia.io server (real HTTP on loopback,
// with state, workflow rules and fault injection) to test code written
// against this package.
package sekoia
