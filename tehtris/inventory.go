package tehtris

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/socgo/xdr/internal/idcheck"
	"github.com/socgo/xdr/internal/paging"
	wire "github.com/socgo/xdr/internal/wire/tehtris"
)

// InventoryService looks up the EDR endpoints of the platform's inventory
// (by host name, address or agent UUID) and reads and sets their tags.
// Reach it as Client.Inventory.
type InventoryService struct {
	c *Client
}

// Host is an EDR endpoint as the inventory describes it. The members
// below are the ones public material names; Raw keeps the whole object.
type Host struct {
	// UUID is the agent's UUID ("uuid"), an event's "uuid__".
	UUID string
	// ApplianceID is the appliance (RFL) managing the agent
	// ("applianceId"), an event's "rflId".
	ApplianceID int64
	// Hostname and Domain name the host ("hostname", "domain").
	Hostname, Domain string
	// Tags are the endpoint's tags ("tags"). The platform sends one
	// string; it is kept here as its only element (an array is taken as
	// it is).
	Tags []string
	// LocalIP and RemoteIP are the addresses the agent reported and the
	// one the platform saw ("localIp", "remoteIp").
	LocalIP, RemoteIP string
	// ConfigUUID is the agent's configuration ("configUuid").
	ConfigUUID string
	// FirstSeen and LastSeen bound the agent's activity ("firstSeen",
	// "lastSeen"); zero when absent or not an RFC 3339 time (the value
	// stays in Raw).
	FirstSeen, LastSeen time.Time
	// OS and Versions are free-form objects ("os", "versions") whose
	// members are not publicly documented.
	OS, Versions json.RawMessage
	// Raw is the exact JSON object the host was decoded from.
	Raw json.RawMessage
}

// Endpoint returns the address of the host's agent for the response
// actions of EndpointsService.
func (h Host) Endpoint() Endpoint {
	return Endpoint{ApplianceID: h.ApplianceID, AgentUUID: h.UUID}
}

// UnmarshalJSON decodes an inventory object and keeps a copy of it in Raw.
// Members of an unexpected type are left zero rather than failing the
// whole page.
func (h *Host) UnmarshalJSON(data []byte) error {
	var w map[string]json.RawMessage
	if err := json.Unmarshal(data, &w); err != nil {
		return fmt.Errorf("tehtris: decode host: %w", err)
	}
	id, err := idText(w["applianceId"])
	if err != nil {
		return fmt.Errorf("tehtris: decode host: applianceId: %w", err)
	}
	app, err := strconv.ParseInt(id, 10, 64)
	if id != "" && err != nil {
		return fmt.Errorf("tehtris: decode host: applianceId %q is not an integer", truncate([]byte(id)))
	}
	*h = Host{
		UUID:        jsonText(w["uuid"]),
		ApplianceID: app,
		Hostname:    jsonText(w["hostname"]),
		Domain:      jsonText(w["domain"]),
		Tags:        jsonTags(w["tags"]),
		LocalIP:     jsonText(w["localIp"]),
		RemoteIP:    jsonText(w["remoteIp"]),
		ConfigUUID:  jsonText(w["configUuid"]),
		FirstSeen:   jsonTime(w["firstSeen"]),
		LastSeen:    jsonTime(w["lastSeen"]),
		OS:          nonNull(w["os"]),
		Versions:    nonNull(w["versions"]),
		Raw:         append(json.RawMessage(nil), bytes.TrimSpace(data)...),
	}
	return nil
}

// MarshalJSON returns Raw when set, else the typed fields.
func (h Host) MarshalJSON() ([]byte, error) {
	if len(h.Raw) > 0 {
		return h.Raw, nil
	}
	type out struct {
		UUID        string          `json:"uuid"`
		ApplianceID int64           `json:"applianceId"`
		Hostname    string          `json:"hostname,omitempty"`
		Domain      string          `json:"domain,omitempty"`
		Tags        string          `json:"tags,omitempty"`
		LocalIP     string          `json:"localIp,omitempty"`
		RemoteIP    string          `json:"remoteIp,omitempty"`
		ConfigUUID  string          `json:"configUuid,omitempty"`
		FirstSeen   string          `json:"firstSeen,omitempty"`
		LastSeen    string          `json:"lastSeen,omitempty"`
		OS          json.RawMessage `json:"os,omitempty"`
		Versions    json.RawMessage `json:"versions,omitempty"`
	}
	o := out{UUID: h.UUID, ApplianceID: h.ApplianceID, Hostname: h.Hostname, Domain: h.Domain,
		Tags: strings.Join(h.Tags, ","), LocalIP: h.LocalIP, RemoteIP: h.RemoteIP, ConfigUUID: h.ConfigUUID,
		OS: h.OS, Versions: h.Versions}
	if !h.FirstSeen.IsZero() {
		o.FirstSeen = h.FirstSeen.UTC().Format(time.RFC3339Nano)
	}
	if !h.LastSeen.IsZero() {
		o.LastSeen = h.LastSeen.UTC().Format(time.RFC3339Nano)
	}
	return json.Marshal(o)
}

// jsonText returns a JSON string, or a number's text; "" otherwise.
func jsonText(b json.RawMessage) string {
	s, err := idText(b)
	if err != nil {
		return ""
	}
	return s
}

func jsonTags(b json.RawMessage) []string {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '[' {
		var tags []string
		if json.Unmarshal(b, &tags) == nil {
			return tags
		}
		return nil
	}
	if s := jsonText(b); s != "" {
		return []string{s}
	}
	return nil
}

func jsonTime(b json.RawMessage) time.Time {
	t, err := time.Parse(time.RFC3339Nano, jsonText(b))
	if err != nil {
		return time.Time{}
	}
	return t
}

func nonNull(b json.RawMessage) json.RawMessage {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || string(b) == "null" {
		return nil
	}
	return append(json.RawMessage(nil), b...)
}

// HostQuery selects endpoints in Inventory.List and Inventory.All. A nil
// *HostQuery lists every endpoint the key may see. Criteria combine.
type HostQuery struct {
	// Hostname selects hosts whose name contains it (the platform
	// matches a substring, so "ws-07" also finds "ws-070"; FindByName
	// keeps exact matches only).
	Hostname string
	// HostnameRegex selects hosts whose name matches a regular
	// expression (checked with Go's syntax before sending).
	HostnameRegex string
	// Domain and DomainRegex select by domain, like Hostname.
	Domain, DomainRegex string
	// Network selects hosts whose local or remote address is an IP
	// address or within a CIDR prefix ("10.0.0.5", "10.0.0.0/8").
	Network string
	// UUIDs selects agents by UUID.
	UUIDs []string
	// ApplianceIDs selects the appliances' agents (by default those of
	// every appliance the key may see).
	ApplianceIDs []int64
	// Tags selects hosts carrying one of the tags.
	Tags []string
	// Offset is the number of hosts to skip (List), or where All starts.
	Offset int
}

func (q *HostQuery) check(method string) error {
	if q.Offset < 0 {
		return fmt.Errorf("tehtris: %s: Offset %d is negative", method, q.Offset)
	}
	for _, f := range []struct{ name, v string }{
		{"Hostname", q.Hostname}, {"HostnameRegex", q.HostnameRegex}, {"Domain", q.Domain},
		{"DomainRegex", q.DomainRegex}, {"Network", q.Network},
	} {
		if err := checkText(f.v); err != nil {
			return fmt.Errorf("tehtris: %s: %s %s: %w", method, f.name, quoteArg(f.v), err)
		}
	}
	for _, f := range []struct{ name, v string }{{"HostnameRegex", q.HostnameRegex}, {"DomainRegex", q.DomainRegex}} {
		if f.v == "" {
			continue
		}
		if _, err := regexp.Compile(f.v); err != nil {
			return fmt.Errorf("tehtris: %s: %s %s is not a regular expression", method, f.name, quoteArg(f.v))
		}
	}
	if q.Network != "" {
		if _, err := netip.ParseAddr(q.Network); err != nil {
			if _, err := netip.ParsePrefix(q.Network); err != nil {
				return fmt.Errorf("tehtris: %s: Network %s is neither an IP address nor a CIDR prefix", method, quoteArg(q.Network))
			}
		}
	}
	for i, u := range q.UUIDs {
		if !idcheck.IsUUID(u) {
			return fmt.Errorf("tehtris: %s: UUIDs[%d] %s is not a UUID", method, i, quoteArg(u))
		}
	}
	for i, id := range q.ApplianceIDs {
		if id < 0 {
			return fmt.Errorf("tehtris: %s: ApplianceIDs[%d] %d is negative", method, i, id)
		}
	}
	for i, tag := range q.Tags {
		if strings.TrimSpace(tag) == "" {
			return fmt.Errorf("tehtris: %s: Tags[%d] is empty", method, i)
		}
		if err := checkText(tag); err != nil {
			return fmt.Errorf("tehtris: %s: Tags[%d] %s: %w", method, i, quoteArg(tag), err)
		}
	}
	return nil
}

// List returns one page of the endpoints q selects, from q.Offset. It
// calls GET /edr/v2/inventory; the page size is the platform's (the API
// takes no limit), and the reply {"data": [...]} is read (a bare array is
// accepted too).
func (s *InventoryService) List(ctx context.Context, q *HostQuery) (*Page[Host], error) {
	var qq HostQuery
	if q != nil {
		qq = *q
	}
	if err := qq.check("Inventory.List"); err != nil {
		return nil, err
	}
	hosts, err := s.fetch(ctx, &qq, qq.Offset)
	if err != nil {
		return nil, err
	}
	return &Page[Host]{Items: hosts, Total: -1, HasMore: len(hosts) > 0, Offset: qq.Offset}, nil
}

func (s *InventoryService) fetch(ctx context.Context, q *HostQuery, offset int) ([]Host, error) {
	hosts, _, err := s.fetchFP(ctx, q, offset)
	return hosts, err
}

// fetchFP is fetch that also returns the fingerprint of the body, by which
// All notices a page repeated by a server that ignores the offset.
func (s *InventoryService) fetchFP(ctx context.Context, q *HostQuery, offset int) ([]Host, uint64, error) {
	r, err := q.request(offset)
	if err != nil {
		return nil, 0, err
	}
	body, _, err := s.c.rest.Fetch(ctx, r)
	if err != nil {
		return nil, 0, err
	}
	hosts, err := decodeList[Host](body)
	if err != nil {
		return nil, 0, fmt.Errorf("tehtris: %s %s: %w", r.Method, r.Path, s.c.rest.WrapError(err))
	}
	return hosts, paging.Fingerprint(body), nil
}

// All iterates over every endpoint q selects, page after page (GET
// /edr/v2/inventory, as List). The offset advances by the number of hosts
// each page holds; since the page size is the platform's, the walk ends on
// the first empty page.
//
// Iterator contract: All is lazy (no request before the loop starts) and
// re-runnable; q is copied, never changed; every request uses ctx; on an
// error the iterator yields (Host{}, err) once and stops; breaking out of
// the loop cancels the page being prefetched and waits for it.
func (s *InventoryService) All(ctx context.Context, q *HostQuery) iter.Seq2[Host, error] {
	var qq HostQuery
	if q != nil {
		qq = *q
	}
	qq.UUIDs, qq.ApplianceIDs, qq.Tags = slices.Clone(qq.UUIDs), slices.Clone(qq.ApplianceIDs), slices.Clone(qq.Tags)
	err := qq.check("Inventory.All")
	return func(yield func(Host, error) bool) {
		if err != nil {
			yield(Host{}, err)
			return
		}
		fetch := func(ctx context.Context, offset, _ int) (paging.OffsetPage[Host], error) {
			hosts, fp, err := s.fetchFP(ctx, &qq, offset)
			if err != nil {
				return paging.OffsetPage[Host]{}, err
			}
			return paging.OffsetPage[Host]{Items: hosts, Total: -1, Fingerprint: fp}, nil
		}
		// A limit of 1: any non-empty page may be followed by another.
		for h, err := range paging.Offset(ctx, qq.Offset, 1, fetch) {
			if !yield(h, err) {
				return
			}
		}
	}
}

// ErrHostNotFound is matched (with errors.Is) by the error of Get and
// FindByName when no endpoint matches.
var ErrHostNotFound = errors.New("tehtris: no such host in the inventory")

// ErrAmbiguousHost is matched (with errors.Is) by an *AmbiguousHostError.
var ErrAmbiguousHost = errors.New("tehtris: host name matches several endpoints")

// AmbiguousHostError is returned by FindByName and Endpoints.IsolateHost
// when a host name matches more than one endpoint (a re-installed agent
// keeps its host name under a new UUID): nothing is done, and Hosts lists
// the candidates so that the caller can choose by UUID.
type AmbiguousHostError struct {
	// Hostname is the name looked up.
	Hostname string
	// Hosts are the endpoints carrying that exact name.
	Hosts []Host
}

// Error names the host name and the endpoints carrying it.
func (e *AmbiguousHostError) Error() string {
	ids := make([]string, 0, len(e.Hosts))
	for _, h := range e.Hosts {
		ids = append(ids, h.Endpoint().String())
	}
	return fmt.Sprintf("tehtris: host name %s matches %d endpoints (%s)", quoteArg(e.Hostname), len(e.Hosts), strings.Join(ids, ", "))
}

// Is matches ErrAmbiguousHost.
func (e *AmbiguousHostError) Is(target error) bool { return target == ErrAmbiguousHost }

// Get returns the endpoint of the agent uuid. It calls GET
// /edr/v2/inventory?uuids={uuid}; no match gives an error matching
// ErrHostNotFound.
func (s *InventoryService) Get(ctx context.Context, uuid string) (*Host, error) {
	if !idcheck.IsUUID(uuid) {
		return nil, fmt.Errorf("tehtris: Inventory.Get: uuid %s is not a UUID", quoteArg(uuid))
	}
	hosts, err := s.fetch(ctx, &HostQuery{UUIDs: []string{uuid}}, 0)
	if err != nil {
		return nil, err
	}
	for i := range hosts {
		if strings.EqualFold(hosts[i].UUID, uuid) {
			return &hosts[i], nil
		}
	}
	return nil, fmt.Errorf("tehtris: Inventory.Get: uuid %s: %w", uuid, ErrHostNotFound)
}

// FindByName returns the one endpoint whose host name is hostname,
// compared without regard to case. It lists the inventory with
// hostname={hostname} (a substring match on the platform) and keeps the
// exact matches: none gives an error matching ErrHostNotFound, several an
// *AmbiguousHostError (ErrAmbiguousHost). Every page is read, so a
// match on a later page is not missed.
func (s *InventoryService) FindByName(ctx context.Context, hostname string) (*Host, error) {
	return s.findByName(ctx, "Inventory.FindByName", hostname)
}

func (s *InventoryService) findByName(ctx context.Context, method, hostname string) (*Host, error) {
	if strings.TrimSpace(hostname) == "" {
		return nil, fmt.Errorf("tehtris: %s: hostname is empty", method)
	}
	if err := checkText(hostname); err != nil {
		return nil, fmt.Errorf("tehtris: %s: hostname %s: %w", method, quoteArg(hostname), err)
	}
	var found []Host
	for h, err := range s.All(ctx, &HostQuery{Hostname: hostname}) {
		if err != nil {
			return nil, err
		}
		if strings.EqualFold(h.Hostname, hostname) {
			found = append(found, h)
		}
	}
	switch len(found) {
	case 0:
		return nil, fmt.Errorf("tehtris: %s: hostname %s: %w", method, quoteArg(hostname), ErrHostNotFound)
	case 1:
		return &found[0], nil
	}
	return nil, &AmbiguousHostError{Hostname: hostname, Hosts: found}
}

// Tags returns the endpoint tags defined on the platform. It calls GET
// /edr/v2/inventory/tags. The shape of the reply is not publicly
// documented: a JSON array of strings is read, or such an array in a
// "data" or "tags" member.
func (s *InventoryService) Tags(ctx context.Context) ([]string, error) {
	r, err := line("Inventory.Tags")(wire.NewListTagsRequest())
	if err != nil {
		return nil, err
	}
	body, _, err := s.c.rest.Fetch(ctx, r)
	if err != nil {
		return nil, err
	}
	body = bytes.TrimSpace(body)
	var tags []string
	if len(body) > 0 && body[0] == '{' {
		var env struct {
			Data []string `json:"data"`
			Tags []string `json:"tags"`
		}
		if err := json.Unmarshal(body, &env); err != nil {
			return nil, fmt.Errorf("tehtris: %s %s: %w", r.Method, r.Path, err)
		}
		tags = append(env.Data, env.Tags...)
	} else if err := json.Unmarshal(body, &tags); err != nil {
		return nil, fmt.Errorf("tehtris: %s %s: %w", r.Method, r.Path, err)
	}
	if tags == nil {
		tags = []string{}
	}
	return tags, nil
}

// tagPattern is the documented form of a tag: the tenant's trigram, an
// underscore, then the tag ("ABC_isolated").
var tagPattern = regexp.MustCompile(`^[A-Za-z0-9]{3}_[^\x00-\x1f\x7f]+$`)

// SetTags sets tag on the endpoints of the agents uuids. It calls PUT
// /edr/v2/inventory/tags with {"edrUuidList": [...], "tags": tag}. tag
// must have the form "XXX_name" (the tenant's trigram, an underscore, a
// name). The platform may replace the endpoints' tags rather than add to
// them: read them with Get first to keep them.
func (s *InventoryService) SetTags(ctx context.Context, tag string, uuids ...string) error {
	if !tagPattern.MatchString(tag) {
		return fmt.Errorf("tehtris: Inventory.SetTags: tag %s is not of the form XXX_name (trigram, underscore, name)", quoteArg(tag))
	}
	if len(uuids) == 0 {
		return errors.New("tehtris: Inventory.SetTags: no agent UUID given")
	}
	list := make([]string, len(uuids))
	for i, u := range uuids {
		if !idcheck.IsUUID(u) {
			return fmt.Errorf("tehtris: Inventory.SetTags: uuids[%d] %s is not a UUID", i, quoteArg(u))
		}
		list[i] = strings.ToLower(u)
	}
	body := struct {
		EdrUUIDList []string `json:"edrUuidList"`
		Tags        string   `json:"tags"`
	}{list, tag}
	r, err := line("Inventory.SetTags")(wire.NewSetTagsRequest())
	if err != nil {
		return err
	}
	r.Body = body
	_, err = s.c.rest.Do(ctx, r, nil)
	return err
}

// decodeList reads a JSON array of T, or an object holding it in "data".
func decodeList[T any](body []byte) ([]T, error) {
	body = bytes.TrimSpace(body)
	var out []T
	if len(body) > 0 && body[0] == '{' {
		var env struct {
			Data []T `json:"data"`
		}
		if err := json.Unmarshal(body, &env); err != nil {
			return nil, err
		}
		out = env.Data
	} else if err := json.Unmarshal(body, &out); err != nil {
		return nil, err
	}
	if out == nil {
		out = []T{}
	}
	return out, nil
}

// checkText refuses control characters in a text argument.
func checkText(s string) error {
	for _, r := range s {
		if r < ' ' || r == 0x7f {
			return errors.New("contains a control character")
		}
	}
	return nil
}

// quoteArg quotes at most 100 bytes of a bad argument for an error.
func quoteArg(s string) string {
	const max = 100
	if len(s) <= max {
		return strconv.Quote(s)
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strconv.Quote(s[:cut]) + "…"
}
