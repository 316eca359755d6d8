package sekoia

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"

	"github.com/socgo/xdr/internal/argcheck"
	"github.com/socgo/xdr/internal/rest"
	"github.com/socgo/xdr/internal/transport"
	wire "github.com/socgo/xdr/internal/wire/sekoia"
)

// RequestIDHeader is the response header carrying Sekoia.io's trace id; it
// is reported as APIError.RequestID.
const RequestIDHeader = "X-Sekoia-Traceid"

// Client calls the Sekoia.io REST API. It is safe for concurrent use.
type Client struct {
	// Alerts lists, reads, updates and moves alerts through their workflow.
	Alerts *AlertsService
	// Events runs event search jobs.
	Events *EventsService
	// Assets manages assets (asset management v2).
	Assets *AssetsService
	// Communities reads communities.
	Communities *CommunitiesService
	// KillChains reads the cyber kill chain stages.
	KillChains *KillChainsService
	// Cases manages cases: their alerts, comments, events and statuses.
	Cases *CasesService
	// Countermeasures lists, adds, activates and denies the
	// countermeasures of alerts and cases.
	Countermeasures *CountermeasuresService
	// CustomVerdicts, CustomPriorities and CustomFields manage the
	// workspace's custom verdicts, priorities and fields.
	CustomVerdicts   *CustomVerdictsService
	CustomPriorities *CustomPrioritiesService
	CustomFields     *CustomFieldsService

	rest *rest.Client
	opts options
	key  atomic.Pointer[string]
	held rest.Held // every key the client has held, for redaction
}

// NewClient returns a client authenticating with apiKey (sent as
// "Authorization: Bearer <apiKey>"), in region FRA1 unless an option says
// otherwise. It sends no request.
func NewClient(apiKey string, opts ...Option) (*Client, error) {
	if err := checkKey(apiKey); err != nil {
		return nil, err
	}
	o, err := newOptions(opts)
	if err != nil {
		return nil, err
	}
	c := &Client{opts: o}
	c.key.Store(&apiKey)
	c.held.Add(apiKey)
	cfg := o.Transport
	cfg.Auth = func(h http.Header) { h.Set("Authorization", "Bearer "+*c.key.Load()) }
	t, err := transport.New(cfg)
	if err != nil {
		return nil, errors.New("sekoia: " + err.Error())
	}
	c.rest = rest.New("sekoia", t)
	c.rest.Public = publicError
	c.rest.RequestIDHeader = RequestIDHeader
	c.rest.DecodeError = decodeError
	c.rest.Secrets = c.held.List
	c.Alerts = &AlertsService{c: c}
	c.Events = &EventsService{c: c}
	c.Assets = &AssetsService{c: c}
	c.Communities = &CommunitiesService{c: c}
	c.KillChains = &KillChainsService{c: c}
	c.Cases = &CasesService{c: c}
	c.Countermeasures = &CountermeasuresService{c: c}
	c.CustomVerdicts = &CustomVerdictsService{c: c}
	c.CustomPriorities = &CustomPrioritiesService{c: c}
	c.CustomFields = &CustomFieldsService{c: c}
	return c, nil
}

func checkKey(apiKey string) error {
	if strings.TrimSpace(apiKey) == "" {
		return errors.New("sekoia: NewClient: apiKey is empty")
	}
	if err := argcheck.Credential(apiKey); err != nil {
		return fmt.Errorf("sekoia: NewClient: apiKey %w", err)
	}
	return nil
}

// SetAPIKey replaces the API key used by the following requests (for a key
// rotated while the client is in use).
func (c *Client) SetAPIKey(apiKey string) error {
	if err := checkKey(apiKey); err != nil {
		return errors.New(strings.Replace(err.Error(), "NewClient", "SetAPIKey", 1))
	}
	c.held.Add(apiKey)
	c.key.Store(&apiKey)
	return nil
}

// Region returns the region the client was configured with (FRA1 by
// default; meaningless when WithBaseURL was given).
func (c *Client) Region() Region { return c.opts.region }

// BaseURL returns the REST base URL requests are sent to.
func (c *Client) BaseURL() string { return c.opts.baseURL.String() }

// Auth checks the API key: it calls GET /v1/auth/validate and returns the
// key's claims. A rejected key gives an *APIError matching ErrUnauthorized
// and one of ErrTokenExpired (T301), ErrTokenRevoked (T302) or
// ErrTokenInvalid (T300 or any other 401).
func (c *Client) Auth(ctx context.Context) (*TokenClaims, error) {
	var out TokenClaims
	if err := c.send(ctx, "Auth", nil, &out)(wire.NewValidateTokenRequest()); err != nil {
		return nil, err
	}
	return &out, nil
}
