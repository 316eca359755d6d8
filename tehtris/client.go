package tehtris

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"

	"github.com/socgo/xdr/internal/argcheck"
	"github.com/socgo/xdr/internal/rest"
	"github.com/socgo/xdr/internal/transport"
)

// BaseURLFormat is the documented API base URL of a tenant; %s is the tenant
// id. The API lives under the "api." sub-domain, not under the web console's
// host (https://{tenant}.tehtris.net).
const BaseURLFormat = "https://%s.api.tehtris.net/api"

// basicUser is the user name sent with the API key in HTTP Basic
// authentication. The key is the password.
const basicUser = "api"

// Client calls the TEHTRIS XDR platform API. It is safe for concurrent use.
type Client struct {
	// Events lists EDR/XDR events and updates their status.
	Events *EventsService
	// Filters lists the saved XDR filters visible to the API key.
	Filters *FiltersService
	// Endpoints runs the response actions on EDR agents (isolation,
	// quarantine, disk scans) and reads their process history.
	Endpoints *EndpointsService
	// Inventory looks up EDR endpoints by host name, address or UUID and
	// reads and sets their tags.
	Inventory *InventoryService

	rest   *rest.Client
	tenant string
	base   *url.URL
	key    atomic.Pointer[secret]
	held   rest.Held // every key the client has held, for redaction
}

// secret is an API key with its precomputed Authorization header value.
type secret struct {
	key, header string
}

func newSecret(key string) *secret {
	return &secret{key: key, header: "Basic " + base64.StdEncoding.EncodeToString([]byte(basicUser+":"+key))}
}

// setKey switches to key, keeping its forms (the key and the Basic
// credential) for redaction.
func (c *Client) setKey(key string) {
	s := newSecret(key)
	c.held.Add(s.key, strings.TrimPrefix(s.header, "Basic "))
	c.key.Store(s)
}

// NewClient returns a client for the tenant tenantID (the sub-domain of the
// tenant's platform, often a three-letter trigram such as "abc") that
// authenticates with apiKey. The requests go to
// https://{tenantID}.api.tehtris.net/api unless WithBaseURL gives another
// base, and carry "Authorization: Basic base64(api:{apiKey})".
//
// tenantID must be a DNS label: 1 to 63 lowercase ASCII letters, digits or
// hyphens, neither starting nor ending with a hyphen. Anything else (a dot,
// a slash, an "@", a colon, upper case, non-ASCII letters) is refused before
// a URL is built from it, so a tenant id can never point the client, and
// the key, at another host. When WithBaseURL is given the host comes from
// that URL: tenantID may then be empty, and is still checked when it is
// not. NewClient sends no request.
func NewClient(tenantID, apiKey string, opts ...Option) (*Client, error) {
	if err := checkKey(apiKey); err != nil {
		return nil, fmt.Errorf("tehtris: NewClient: %w", err)
	}
	o, err := newOptions(opts)
	if err != nil {
		return nil, err
	}
	if tenantID != "" || o.baseURL == nil {
		if err := CheckTenantID(tenantID); err != nil {
			return nil, fmt.Errorf("tehtris: NewClient: %w", err)
		}
	}
	base := o.baseURL
	if base == nil {
		base = &url.URL{Scheme: "https", Host: tenantID + ".api.tehtris.net", Path: "/api"}
	}
	c := &Client{tenant: tenantID, base: base}
	c.setKey(apiKey)
	cfg := o.Transport
	cfg.Base = base
	cfg.Auth = func(h http.Header) { h.Set("Authorization", c.key.Load().header) }
	t, err := transport.New(cfg)
	if err != nil {
		return nil, fmt.Errorf("tehtris: NewClient: %w", err)
	}
	c.rest = rest.New("tehtris", t)
	c.rest.Public = publicError
	c.rest.Secrets = c.held.List
	c.Events = &EventsService{c: c}
	c.Filters = &FiltersService{c: c}
	c.Endpoints = &EndpointsService{c: c}
	c.Inventory = &InventoryService{c: c}
	return c, nil
}

// CheckTenantID reports whether id can be a tenant id: a DNS label of 1 to
// 63 lowercase ASCII letters, digits or hyphens, neither starting nor
// ending with a hyphen. The error names what is wrong.
func CheckTenantID(id string) error {
	const rule = "1 to 63 lowercase letters, digits or hyphens, not starting or ending with a hyphen"
	switch {
	case id == "":
		return errors.New("tenantID is empty")
	case len(id) > 63:
		return fmt.Errorf("tenantID %q is not a DNS label (%s): too long", argcheck.Short(id), rule)
	case id[0] == '-' || id[len(id)-1] == '-':
		return fmt.Errorf("tenantID %q is not a DNS label (%s)", argcheck.Short(id), rule)
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' {
			continue
		}
		if 'A' <= c && c <= 'Z' {
			return fmt.Errorf("tenantID %q is not a DNS label (%s): write it in lower case", argcheck.Short(id), rule)
		}
		return fmt.Errorf("tenantID %q is not a DNS label (%s)", argcheck.Short(id), rule)
	}
	return nil
}

func checkKey(apiKey string) error {
	if strings.TrimSpace(apiKey) == "" {
		return errors.New("apiKey is empty")
	}
	if err := argcheck.Credential(apiKey); err != nil {
		return fmt.Errorf("apiKey %w", err)
	}
	return nil
}

// SetAPIKey replaces the API key used by the following requests (for a key
// rotated while the client is in use).
func (c *Client) SetAPIKey(apiKey string) error {
	if err := checkKey(apiKey); err != nil {
		return fmt.Errorf("tehtris: SetAPIKey: %w", err)
	}
	c.setKey(apiKey)
	return nil
}

// TenantID returns the tenant id given to NewClient (possibly empty when
// WithBaseURL was used).
func (c *Client) TenantID() string { return c.tenant }

// BaseURL returns the API base URL requests are sent under.
func (c *Client) BaseURL() string { return c.base.String() }
