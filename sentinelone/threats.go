package sentinelone

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"time"

	"github.com/socgo/xdr/internal/rest"

	"github.com/go-json-experiment/json/jsontext"
)

// ThreatsService lists threats and acts on them (mitigation, incident
// status, analyst verdict, notes; see mitigation.go).
type ThreatsService struct{ c *Client }

// ThreatListOptions filters GET /threats. Nil options list every threat.
// Lists are sent comma-joined. Time filters on "createdAt" and "updatedAt"
// apply to threatInfo.createdAt and threatInfo.updatedAt.
type ThreatListOptions struct {
	// IDs selects threats by id (ids).
	IDs []string
	// AgentIDs, AccountIDs, SiteIDs and GroupIDs select by agent and scope.
	AgentIDs, AccountIDs, SiteIDs, GroupIDs []string
	// ContentHashes selects by file hash (contentHashes).
	ContentHashes []string
	// Storylines and CollectionIDs select by storyline and collection.
	Storylines, CollectionIDs []string
	// Engines, Classifications and ClassificationSources select by the
	// detecting engine and the classification.
	Engines, Classifications, ClassificationSources []string
	// AgentVersions, AgentMachineTypes, OSTypes, OSArchs and OSNames select
	// by agent properties.
	AgentVersions, AgentMachineTypes, OSTypes, OSArchs, OSNames []string
	// InitiatedBy selects by what started the detection (agent_policy…).
	InitiatedBy []string
	// ConfidenceLevels selects "malicious" or "suspicious" threats.
	ConfidenceLevels []string
	// MitigationStatuses selects "not_mitigated", "mitigated"…
	MitigationStatuses []string
	// AnalystVerdicts and IncidentStatuses select by triage state.
	AnalystVerdicts  []AnalystVerdict
	IncidentStatuses []IncidentStatus
	// ExternalTicketIDs selects by external ticket id.
	ExternalTicketIDs []string
	// Components selects by component.
	Components []string
	// DisplayName selects by threat name (displayName).
	DisplayName string
	// Query is a free-text search (query).
	Query string
	// The flags below send "true" or "false" when set (nil sends nothing).
	AgentIsActive, NoteExists, FailedActions, RebootRequired, PendingActions,
	ExternalTicketExists, MitigatedPreemptively *bool
	// The __contains filters, each a list of substrings.
	ContentHashContains, ThreatDetailsContains, FilePathContains,
	ComputerNameContains, UUIDContains, DetectionAgentVersionContains []string

	// CreatedAfter sends createdAt__gt; CreatedSince createdAt__gte;
	// CreatedBefore createdAt__lt; CreatedUntil createdAt__lte.
	CreatedAfter, CreatedSince, CreatedBefore, CreatedUntil time.Time
	// UpdatedAfter sends updatedAt__gt; UpdatedSince updatedAt__gte;
	// UpdatedBefore updatedAt__lt; UpdatedUntil updatedAt__lte.
	UpdatedAfter, UpdatedSince, UpdatedBefore, UpdatedUntil time.Time

	// Paging sets the page size, skip, first cursor, count and sort.
	Paging
}

// List calls GET /threats and returns one page.
func (s *ThreatsService) List(ctx context.Context, opts *ThreatListOptions) (*Page[Threat], error) {
	w, err := opts.threatsRequest("Threats.List", false)
	if err != nil {
		return nil, err
	}
	return s.list(ctx, w)
}

func (s *ThreatsService) list(ctx context.Context, r rest.Request) (*Page[Threat], error) {
	return getPage[Threat](ctx, s.c, r, decodePageThreat)
}

// Count calls GET /threats with countOnly=true and returns the number of
// matching threats.
func (s *ThreatsService) Count(ctx context.Context, opts *ThreatListOptions) (int, error) {
	w, err := opts.threatsRequest("Threats.Count", true)
	if err != nil {
		return 0, err
	}
	return countOnly(ctx, w, s.list)
}

// All calls GET /threats page after page, following nextCursor with the
// same filters, and yields every threat.
//
// The iterator is lazy and can be run again (each run starts over). opts
// is copied when All is called and never changed. Every page is fetched
// with the caller's ctx. On error it yields (zero Threat, err) once and
// stops; a repeated cursor gives ErrPaginationStalled. Breaking out of the
// loop stops fetching and frees the connection. While the caller works on
// one page the next is fetched.
func (s *ThreatsService) All(ctx context.Context, opts *ThreatListOptions) iter.Seq2[Threat, error] {
	w, err := opts.threatsRequest("Threats.All", false)
	return allPages(ctx, w, err, s.list)
}

// Threat is one threat (v2.1). Its creation time is ThreatInfo.CreatedAt,
// read with CreatedAt(): v2.1 threats have no top-level createdAt. It keeps
// the exact bytes it was decoded from in Raw, and MarshalJSON returns them.
//
// Raw is read-only. The threats of one page returned by List or All share
// that page's response buffer: their Raw are slices of it (capped), and
// keeping any of them keeps the page's buffer in memory. Clone Raw before
// modifying it. UnmarshalJSON called directly keeps a copy of its input.
type Threat struct {
	// ID is the threat id (equal to ThreatInfo.ThreatID).
	ID string `json:"id"`
	// ThreatInfo describes the detection and its triage state.
	ThreatInfo ThreatInfo `json:"threatInfo"`
	// AgentRealtimeInfo is the agent's current state.
	AgentRealtimeInfo AgentRealtimeInfo `json:"agentRealtimeInfo"`
	// AgentDetectionInfo is the agent's state at detection time.
	AgentDetectionInfo AgentDetectionInfo `json:"agentDetectionInfo"`
	// MitigationStatus lists the mitigation actions and their results.
	MitigationStatus []MitigationStatus `json:"mitigationStatus"`
	// Indicators lists the behavioural indicators with MITRE tactics.
	Indicators []Indicator `json:"indicators"`
	// ContainerInfo, KubernetesInfo and ECSInfo describe the workload of a
	// cloud agent, kept raw.
	ContainerInfo  json.RawMessage `json:"containerInfo"`
	KubernetesInfo json.RawMessage `json:"kubernetesInfo"`
	ECSInfo        json.RawMessage `json:"ecsInfo"`
	// WhiteningOptions lists how the threat can be excluded ("hash", "path"…).
	WhiteningOptions []string `json:"whiteningOptions"`
	// Raw is the whole threat object as received.
	Raw json.RawMessage `json:"-"`
}

// CreatedAt returns the threat's creation time, threatInfo.createdAt.
func (t *Threat) CreatedAt() time.Time { return t.ThreatInfo.CreatedAt }

// UpdatedAt returns the time of the threat's last change,
// threatInfo.updatedAt (it moves with status, verdict and mitigation).
func (t *Threat) UpdatedAt() time.Time { return t.ThreatInfo.UpdatedAt }

type threatAlias Threat

// UnmarshalJSON decodes a threat and keeps a copy of b in Raw.
func (t *Threat) UnmarshalJSON(b []byte) error {
	var v threatAlias
	if err := json.Unmarshal(b, &v); err != nil {
		return fmt.Errorf("sentinelone: decode threat: %w", err)
	}
	*t = Threat(v)
	t.Raw = bytes.Clone(b)
	return nil
}

// decodePageThreat decodes a threat of a list page, keeping span (a slice
// of the page buffer) as Raw. List pages decode threats with decodeFrom.
func decodePageThreat(span []byte, t *Threat) error {
	return decodeSpanAs(span, (*threatAlias)(t), &t.Raw)
}

// decodeFrom decodes a threat of a list page from the page's decoder, as
// encoding/json would, in the decoder's one pass; Raw is the threat's span
// of page.
func (t *Threat) decodeFrom(dec *jsontext.Decoder, page []byte) error {
	return decodeFromAs(dec, page, (*threatAlias)(t), &t.Raw)
}

// MarshalJSON returns Raw when the threat was decoded, else the fields.
func (t Threat) MarshalJSON() ([]byte, error) {
	if len(t.Raw) > 0 {
		return t.Raw, nil
	}
	return json.Marshal(threatAlias(t))
}

// ThreatInfo is the "threatInfo" object of a threat. Each field holds the
// JSON member named in its tag (null reads as the zero value); the triage
// fields use the typed constants (IncidentStatus, AnalystVerdict).
type ThreatInfo struct {
	ThreatID   string `json:"threatId"`
	ThreatName string `json:"threatName"`
	// CreatedAt is the creation time of the threat.
	CreatedAt time.Time `json:"createdAt"`
	// UpdatedAt moves when the status, verdict or mitigation changes.
	UpdatedAt    time.Time `json:"updatedAt"`
	IdentifiedAt time.Time `json:"identifiedAt"`

	Classification        string            `json:"classification"`
	ClassificationSource  string            `json:"classificationSource"`
	ConfidenceLevel       string            `json:"confidenceLevel"`
	AnalystVerdict        AnalystVerdict    `json:"analystVerdict"`
	IncidentStatus        IncidentStatus    `json:"incidentStatus"`
	MitigationStatus      string            `json:"mitigationStatus"`
	InitiatedBy           string            `json:"initiatedBy"`
	DetectionType         string            `json:"detectionType"`
	Engines               []string          `json:"engines"`
	DetectionEngines      []DetectionEngine `json:"detectionEngines"`
	FilePath              string            `json:"filePath"`
	FileSize              int64             `json:"fileSize"`
	SHA1                  string            `json:"sha1"`
	SHA256                string            `json:"sha256"`
	MD5                   string            `json:"md5"`
	FileExtension         string            `json:"fileExtension"`
	FileExtensionType     string            `json:"fileExtensionType"`
	FileVerificationType  string            `json:"fileVerificationType"`
	PublisherName         string            `json:"publisherName"`
	CertificateID         string            `json:"certificateId"`
	OriginatorProcess     string            `json:"originatorProcess"`
	MaliciousProcessArgs  string            `json:"maliciousProcessArguments"`
	ProcessUser           string            `json:"processUser"`
	Storyline             string            `json:"storyline"`
	CollectionID          string            `json:"collectionId"`
	CloudFilesHashVerdict string            `json:"cloudFilesHashVerdict"`
	ExternalTicketID      string            `json:"externalTicketId"`
	ExternalTicketExists  bool              `json:"externalTicketExists"`
	InitiatingUserID      string            `json:"initiatingUserId"`
	InitiatingUsername    string            `json:"initiatingUsername"`
	RootProcessUPN        string            `json:"rootProcessUpn"`
	IsFileless            bool              `json:"isFileless"`
	IsValidCertificate    bool              `json:"isValidCertificate"`
	AutomaticallyResolved bool              `json:"automaticallyResolved"`
	MitigatedPreemptively bool              `json:"mitigatedPreemptively"`
	FailedActions         bool              `json:"failedActions"`
	PendingActions        bool              `json:"pendingActions"`
	RebootRequired        bool              `json:"rebootRequired"`
	ReachedEventsLimit    bool              `json:"reachedEventsLimit"`
}

// DetectionEngine is one element of threatInfo.detectionEngines: the
// engine's key and human title.
type DetectionEngine struct {
	Key   string `json:"key"`
	Title string `json:"title"`
}

// AgentRealtimeInfo is the "agentRealtimeInfo" object of a threat: the
// agent's current state. Each field holds the JSON member named in its tag
// (null reads as the zero value).
type AgentRealtimeInfo struct {
	AgentID           string             `json:"agentId"`
	AgentUUID         string             `json:"agentUuid"`
	ComputerName      string             `json:"agentComputerName"`
	Domain            string             `json:"agentDomain"`
	OSType            string             `json:"agentOsType"`
	OSName            string             `json:"agentOsName"`
	OSRevision        string             `json:"agentOsRevision"`
	Version           string             `json:"agentVersion"`
	MachineType       string             `json:"agentMachineType"`
	NetworkStatus     NetworkStatus      `json:"agentNetworkStatus"`
	IsActive          bool               `json:"agentIsActive"`
	Infected          bool               `json:"agentInfected"`
	IsDecommissioned  bool               `json:"agentIsDecommissioned"`
	MitigationMode    string             `json:"agentMitigationMode"`
	ActiveThreats     int                `json:"activeThreats"`
	NetworkInterfaces []NetworkInterface `json:"networkInterfaces"`
	ScanStatus        string             `json:"scanStatus"`
	ScanStartedAt     time.Time          `json:"scanStartedAt"`
	ScanFinishedAt    time.Time          `json:"scanFinishedAt"`
	ScanAbortedAt     time.Time          `json:"scanAbortedAt"`
	OperationalState  string             `json:"operationalState"`
	RebootRequired    bool               `json:"rebootRequired"`
	AccountID         string             `json:"accountId"`
	AccountName       string             `json:"accountName"`
	SiteID            string             `json:"siteId"`
	SiteName          string             `json:"siteName"`
	GroupID           string             `json:"groupId"`
	GroupName         string             `json:"groupName"`
}

// NetworkInterface is a network interface of an agent: its id, name, IPv4
// and IPv6 addresses and MAC address (Physical).
type NetworkInterface struct {
	ID       string   `json:"id"`
	Name     string   `json:"name"`
	Inet     []string `json:"inet"`
	Inet6    []string `json:"inet6"`
	Physical string   `json:"physical"`
}

// AgentDetectionInfo is the "agentDetectionInfo" object of a threat: the
// agent's state when the threat was detected. Each field holds the JSON
// member named in its tag. AgentIPv4 and AgentIPv6 are comma-joined lists,
// possibly empty.
type AgentDetectionInfo struct {
	AgentUUID            string          `json:"agentUuid"`
	AgentIPv4            string          `json:"agentIpV4"`
	AgentIPv6            string          `json:"agentIpV6"`
	ExternalIP           string          `json:"externalIp"`
	Domain               string          `json:"agentDomain"`
	LastLoggedInUserName string          `json:"agentLastLoggedInUserName"`
	LastLoggedInUPN      string          `json:"agentLastLoggedInUpn"`
	LastLoggedInUserMail string          `json:"agentLastLoggedInUserMail"`
	OSName               string          `json:"agentOsName"`
	OSRevision           string          `json:"agentOsRevision"`
	RegisteredAt         time.Time       `json:"agentRegisteredAt"`
	Version              string          `json:"agentVersion"`
	AssetVersion         string          `json:"assetVersion"`
	MitigationMode       string          `json:"agentMitigationMode"`
	DetectionState       string          `json:"agentDetectionState"`
	CloudProviders       json.RawMessage `json:"cloudProviders"`
	AccountID            string          `json:"accountId"`
	AccountName          string          `json:"accountName"`
	SiteID               string          `json:"siteId"`
	SiteName             string          `json:"siteName"`
	GroupID              string          `json:"groupId"`
	GroupName            string          `json:"groupName"`
}

// MitigationStatus is one element of a threat's "mitigationStatus" array:
// the state of one mitigation action. Each field holds the JSON member
// named in its tag; LatestReport is an API path of the report.
type MitigationStatus struct {
	// Action is "kill", "quarantine", "remediate", "rollback",
	// "unquarantine", "network_quarantine"…
	Action string `json:"action"`
	// Status is "success", "failed", "pending", "sent", "partial" or
	// "pending-reboot".
	Status              string          `json:"status"`
	ActionsCounters     *ActionCounters `json:"actionsCounters"`
	AgentSupportsReport bool            `json:"agentSupportsReport"`
	GroupNotFound       bool            `json:"groupNotFound"`
	LastUpdate          time.Time       `json:"lastUpdate"`
	LatestReport        string          `json:"latestReport"`
	ReportID            string          `json:"reportId"`
	MitigationStartedAt time.Time       `json:"mitigationStartedAt"`
	MitigationEndedAt   time.Time       `json:"mitigationEndedAt"`
}

// ActionCounters counts the outcomes of a mitigation action on its
// endpoints.
type ActionCounters struct {
	Total         int `json:"total"`
	Success       int `json:"success"`
	Failed        int `json:"failed"`
	PendingReboot int `json:"pendingReboot"`
	NotFound      int `json:"notFound"`
}

// Indicator is one element of a threat's "indicators" array: a behavioural
// indicator with its category, text, indicator ids and MITRE tactics.
type Indicator struct {
	Category    string   `json:"category"`
	Description string   `json:"description"`
	IDs         []int    `json:"ids"`
	Tactics     []Tactic `json:"tactics"`
}

// Tactic is a MITRE ATT&CK tactic of an indicator (Source "MITRE").
type Tactic struct {
	Name       string      `json:"name"`
	Source     string      `json:"source"`
	Techniques []Technique `json:"techniques"`
}

// Technique is a MITRE ATT&CK technique ("T1059") with its link.
type Technique struct {
	Name string `json:"name"`
	Link string `json:"link"`
}
