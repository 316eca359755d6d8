package sentinelone

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/socgo/xdr/internal/apierror"
	"github.com/socgo/xdr/internal/argcheck"
	"github.com/socgo/xdr/internal/rest"
	"github.com/socgo/xdr/internal/transport"
)

// Client calls the SentinelOne Management API v2.1 of one console with an
// API token. It is safe for concurrent use.
type Client struct {
	// Activities lists the console's activity log.
	Activities *ActivitiesService
	// Threats lists threats and runs mitigation, incident and note calls.
	Threats *ThreatsService
	// Agents lists agents and runs agent actions (disconnect, scan…).
	Agents *AgentsService
	// Token reads the API token's lifetime and rotates it.
	Token *TokenService
	// DeepVisibility runs Deep Visibility queries and reads their events.
	DeepVisibility *DeepVisibilityService
	// PowerQuery runs PowerQueries.
	PowerQuery *PowerQueryService
	// Alerts lists STAR alerts and sets their verdict and status.
	Alerts *AlertsService
	// Blocklist manages the hash blocklist (/restrictions).
	Blocklist *BlocklistService
	// IOCs manages the threat-intelligence indicators.
	IOCs *IOCsService
	// Exclusions manages exclusions.
	Exclusions *ExclusionsService
	// Files fetches files from endpoints and downloads them.
	Files *FilesService
	// RemoteScripts runs library scripts on agents and reads their output.
	RemoteScripts *RemoteScriptsService
	// Sites, Groups and Accounts list the console's scopes.
	Sites    *SitesService
	Groups   *GroupsService
	Accounts *AccountsService

	rest    *rest.Client
	opts    options
	console string

	token    atomic.Pointer[string]
	held     rest.Held // every token this client has held, for redaction
	rotateMu sync.Mutex
	rotating atomic.Pointer[chan struct{}] // closed when the running rotation ends
}

// NewClient returns a client for the console at consoleURL authenticating
// with apiToken, sent as "Authorization: ApiToken <apiToken>". Requests go
// to <consoleURL>/web/api/v2.1.
//
// consoleURL is "https://<console>.sentinelone.net" (a bare host name means
// https; a trailing slash is accepted; plain http only for a loopback host,
// as the fake console in sentinelonetest uses). User info, a query or a path
// are refused. NewClient sends no request.
func NewClient(consoleURL, apiToken string, opts ...Option) (*Client, error) {
	console, err := ParseConsoleURL(consoleURL)
	if err != nil {
		return nil, fmt.Errorf("sentinelone: NewClient: %w", err)
	}
	if err := checkToken("NewClient", apiToken); err != nil {
		return nil, err
	}
	o, err := newOptions(console, opts)
	if err != nil {
		return nil, err
	}
	c := &Client{opts: o, console: console.String()}
	c.token.Store(&apiToken)
	c.held.Add(apiToken)
	cfg := o.Transport
	cfg.Auth = func(h http.Header) { h.Set("Authorization", "ApiToken "+*c.token.Load()) }
	if !o.noRateLimits {
		pl, err := newPathLimits(o.baseURL.EscapedPath(), o.rateLimits)
		if err != nil {
			return nil, fmt.Errorf("sentinelone: %w", err)
		}
		if pl != nil {
			cfg.PathLimiter = pl.limiter
		}
	}
	t, err := transport.New(cfg)
	if err != nil {
		return nil, fmt.Errorf("sentinelone: %w", err)
	}
	c.rest = rest.New("sentinelone", t)
	c.rest.Public = publicError
	c.rest.DecodeError = decodeError
	c.rest.Secrets = c.held.List
	c.Activities = &ActivitiesService{c: c}
	c.Threats = &ThreatsService{c: c}
	c.Agents = &AgentsService{c: c}
	c.Token = &TokenService{c: c}
	c.DeepVisibility = &DeepVisibilityService{c: c}
	c.PowerQuery = &PowerQueryService{c: c}
	c.Alerts = &AlertsService{c: c}
	c.Blocklist = &BlocklistService{c: c}
	c.IOCs = &IOCsService{c: c}
	c.Exclusions = &ExclusionsService{c: c}
	c.Files = &FilesService{c: c}
	c.RemoteScripts = &RemoteScriptsService{c: c}
	c.Sites = &SitesService{c: c}
	c.Groups = &GroupsService{c: c}
	c.Accounts = &AccountsService{c: c}
	return c, nil
}

func checkToken(op, tok string) error {
	if strings.TrimSpace(tok) == "" {
		return fmt.Errorf("sentinelone: %s: apiToken is empty", op)
	}
	if err := argcheck.Credential(tok); err != nil {
		return fmt.Errorf("sentinelone: %s: apiToken %w", op, err)
	}
	return nil
}

// ConsoleURL returns the console URL in canonical form ("https://host").
func (c *Client) ConsoleURL() string { return c.console }

// BaseURL returns the API base URL requests are sent to
// ("https://host/web/api/v2.1").
func (c *Client) BaseURL() string { return c.opts.baseURL.String() }

// setToken switches the token used by the following requests and keeps the
// old one for redaction.
func (c *Client) setToken(tok string) {
	c.held.Add(tok)
	c.token.Store(&tok)
}

// rotatedSince reports whether the token changed since tok was read,
// waiting for a rotation in progress to end: the server stops accepting
// the old token before the client learns the new one.
func (c *Client) rotatedSince(ctx context.Context, tok *string) bool {
	if ch := c.rotating.Load(); ch != nil {
		select {
		case <-*ch:
		case <-ctx.Done():
			return false
		}
	}
	return ctx.Err() == nil && c.token.Load() != tok
}

// Pagination is the "pagination" object of a list response.
type Pagination struct {
	// NextCursor is the cursor of the next page; empty on the last page.
	NextCursor string `json:"nextCursor"`
	// TotalItems is the number of matching items, or -1 when the server did
	// not count them (skipCount=true).
	TotalItems int `json:"totalItems"`
}

// UnmarshalJSON reads a null cursor as empty and a missing total as -1.
func (p *Pagination) UnmarshalJSON(b []byte) error {
	var v struct {
		NextCursor *string `json:"nextCursor"`
		TotalItems *int    `json:"totalItems"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*p = Pagination{TotalItems: -1}
	if v.NextCursor != nil {
		p.NextCursor = *v.NextCursor
	}
	if v.TotalItems != nil {
		p.TotalItems = *v.TotalItems
	}
	return nil
}

// envelope is every response of the API: {data, pagination, errors}.
type envelope[T any] struct {
	Data       T             `json:"data"`
	Pagination *Pagination   `json:"pagination"`
	Errors     []ErrorObject `json:"errors"`
}

// call sends r and decodes the envelope of the answer, once, here. A 2xx
// whose body has a non-empty "errors" array is an *APIError. A 401 for a
// token that was rotated while the request was in flight is sent once more
// with the new token.
func call[T any](ctx context.Context, c *Client, r rest.Request) (T, Pagination, error) {
	var zero T
	for attempt := 0; ; attempt++ {
		tok := c.token.Load()
		env, err := send[T](ctx, c, r)
		if err != nil {
			if attempt == 0 && errors.Is(err, ErrUnauthorized) && c.rotatedSince(ctx, tok) {
				continue
			}
			return zero, Pagination{TotalItems: -1}, err
		}
		p := Pagination{TotalItems: -1}
		if env.Pagination != nil {
			p = *env.Pagination
		}
		return env.Data, p, nil
	}
}

func send[T any](ctx context.Context, c *Client, r rest.Request) (*envelope[T], error) {
	if r.Method != http.MethodGet && c.opts.retryActions {
		r.RetrySafe = true
	}
	body, meta, err := c.rest.Fetch(ctx, r)
	if err != nil {
		return nil, err
	}
	var env envelope[T]
	if meta.StatusCode != http.StatusNoContent {
		if err := json.NewDecoder(bytes.NewReader(body)).Decode(&env); err != nil {
			return nil, fmt.Errorf("sentinelone: %s %s: decode %d response: %w", r.Method, r.Path, meta.StatusCode, c.rest.WrapError(err))
		}
	}
	if len(env.Errors) > 0 {
		return nil, bodyError(c, r, meta, env.Errors)
	}
	return &env, nil
}

// bodyError is the *APIError of a 2xx answer whose body has errors.
func bodyError(c *Client, r rest.Request, meta rest.Meta, errs []ErrorObject) error {
	e := &apierror.Error{
		Service:    "sentinelone",
		StatusCode: meta.StatusCode,
		Method:     r.Method,
		Path:       c.rest.URL(r.Path, nil).Path,
		RequestID:  meta.RequestID,
		Attempts:   meta.Attempts,
	}
	fillError(e, errs)
	c.rest.RedactError(e, r.Secrets...)
	return publicError(e)
}

// ActionOptions are the per-call options of actions (POST calls).
type ActionOptions struct {
	// RetrySafe lets this call be retried on 5xx, 408, network errors and
	// an answer whose body was cut, which may repeat an action the server
	// already carried out. By default actions are retried only on 429 and
	// when they provably never left (see WithRetryActions).
	RetrySafe bool
}

func (o *ActionOptions) retrySafe() bool { return o != nil && o.RetrySafe }
