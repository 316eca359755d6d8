package sentinelone

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Alert is one STAR alert of GET /cloud-detection/alerts. It keeps the
// exact bytes it was decoded from in Raw, and MarshalJSON returns them, so
// forwarding an alert is lossless. The blocks the SDK does not model
// (containerInfo, kubernetesInfo, targetProcessInfo…) are in Raw.
//
// Raw is read-only. The alerts of one page share that page's response
// buffer (see Activity); UnmarshalJSON called directly keeps a copy of its
// input.
type Alert struct {
	// Info is the alertInfo block: id, times and triage state.
	Info AlertInfo
	// Rule is the ruleInfo block: the STAR rule that matched.
	Rule AlertRuleInfo
	// Agent is the agentDetectionInfo block: the endpoint.
	Agent AlertAgentInfo
	// SourceProcess and SourceParentProcess are the sourceProcessInfo and
	// sourceParentProcessInfo blocks.
	SourceProcess, SourceParentProcess AlertProcessInfo
	// Raw is the whole alert object as received.
	Raw json.RawMessage
}

// ID returns the alert's id (alertInfo.alertId).
func (a *Alert) ID() string { return a.Info.AlertID }

// AlertInfo is the alertInfo block of an alert.
type AlertInfo struct {
	// AlertID is the alert's id.
	AlertID string
	// CreatedAt is the time of the event that matched; ReportedAt the time
	// the alert was raised in STAR (collectors follow it); UpdatedAt the
	// last change.
	CreatedAt, ReportedAt, UpdatedAt time.Time
	// AnalystVerdict and IncidentStatus are the triage state, converted
	// from the API's "True positive" / "In progress" spelling.
	AnalystVerdict AnalystVerdict
	IncidentStatus IncidentStatus
	// EventType is the matched event's type; DVEventID its Deep
	// Visibility id; Source and HitType describe the match ("Events",
	// "Correlation"…).
	EventType, DVEventID, Source, HitType string
	// IsEDR reports an EDR alert.
	IsEDR bool
	// SrcIP, SrcPort, DstIP, DstPort describe a network match.
	SrcIP, SrcPort, DstIP, DstPort string
	// DNSRequest is the query of a DNS match; LoginsUserName the user of a
	// login match; RegistryKeyPath the key of a registry match.
	DNSRequest, LoginsUserName, RegistryKeyPath string
	// TIIndicatorValue and TIIndicatorType describe a threat-intelligence
	// match.
	TIIndicatorValue, TIIndicatorType string
}

// AlertRuleInfo is the ruleInfo block of an alert.
type AlertRuleInfo struct {
	// ID is the rule's id (sent as a string, or a number by some
	// consoles).
	ID          FlexID        `json:"id"`
	Name        string        `json:"name"`
	Description string        `json:"description"`
	Severity    AlertSeverity `json:"severity"`
	// S1QL is the rule's query; QueryLang "1.0" or "2.0"; QueryType
	// "events", "correlation"…
	S1QL      string `json:"s1ql"`
	QueryLang string `json:"queryLang"`
	QueryType string `json:"queryType"`
	// ScopeLevel is "global", "account", "site" or "group".
	ScopeLevel string `json:"scopeLevel"`
	// TreatAsThreat is "UNDEFINED", "Suspicious" or "Malicious".
	TreatAsThreat string `json:"treatAsThreat"`
}

// AlertAgentInfo is the agentDetectionInfo block of an alert.
type AlertAgentInfo struct {
	Name        string `json:"name"`
	UUID        string `json:"uuid"`
	AccountID   FlexID `json:"accountId"`
	SiteID      FlexID `json:"siteId"`
	OSFamily    string `json:"osFamily"`
	OSName      string `json:"osName"`
	OSRevision  string `json:"osRevision"`
	Version     string `json:"version"`
	MachineType string `json:"machineType"`
}

// AlertProcessInfo is a process block of an alert.
type AlertProcessInfo struct {
	Name        string `json:"name"`
	PID         FlexID `json:"pid"`
	CommandLine string `json:"commandline"`
	FilePath    string `json:"filePath"`
	SHA1        string `json:"fileHashSha1"`
	SHA256      string `json:"fileHashSha256"`
	MD5         string `json:"fileHashMd5"`
	Storyline   string `json:"storyline"`
	User        string `json:"user"`
	Signer      string `json:"fileSignerIdentity"`
	Integrity   string `json:"integrityLevel"`
	UniqueID    string `json:"uniqueId"`
}

type alertInfoJSON struct {
	AlertID          nstring `json:"alertId"`
	CreatedAt        Time    `json:"createdAt"`
	ReportedAt       Time    `json:"reportedAt"`
	UpdatedAt        Time    `json:"updatedAt"`
	AnalystVerdict   string  `json:"analystVerdict"`
	IncidentStatus   string  `json:"incidentStatus"`
	EventType        string  `json:"eventType"`
	DVEventID        string  `json:"dvEventId"`
	Source           string  `json:"source"`
	HitType          string  `json:"hitType"`
	IsEDR            *bool   `json:"isEdr"`
	SrcIP            string  `json:"srcIp"`
	SrcPort          nstring `json:"srcPort"`
	DstIP            string  `json:"dstIp"`
	DstPort          nstring `json:"dstPort"`
	DNSRequest       string  `json:"dnsRequest"`
	LoginsUserName   string  `json:"loginsUserName"`
	RegistryKeyPath  string  `json:"registryKeyPath"`
	TIIndicatorValue string  `json:"tiIndicatorValue"`
	TIIndicatorType  string  `json:"tiIndicatorType"`
}

type alertJSON struct {
	AlertInfo               alertInfoJSON    `json:"alertInfo"`
	RuleInfo                AlertRuleInfo    `json:"ruleInfo"`
	AgentDetectionInfo      AlertAgentInfo   `json:"agentDetectionInfo"`
	SourceProcessInfo       AlertProcessInfo `json:"sourceProcessInfo"`
	SourceParentProcessInfo AlertProcessInfo `json:"sourceParentProcessInfo"`
}

// normalWord turns "True positive", "TRUE_POSITIVE" or "true_positive"
// into "true_positive".
func normalWord(s string) string {
	return strings.ReplaceAll(strings.ToLower(strings.TrimSpace(s)), " ", "_")
}

// UnmarshalJSON decodes an alert and keeps a copy of b in Raw.
func (a *Alert) UnmarshalJSON(b []byte) error { return a.decode(bytes.Clone(b), json.Unmarshal) }

// decode fills a from b, decoded by unmarshal, and keeps b as Raw.
func (a *Alert) decode(b []byte, unmarshal func([]byte, any) error) error {
	var v alertJSON
	if err := unmarshal(b, &v); err != nil {
		return fmt.Errorf("sentinelone: decode alert: %w", err)
	}
	i := v.AlertInfo
	*a = Alert{
		Info: AlertInfo{
			AlertID: string(i.AlertID), CreatedAt: i.CreatedAt.Time, ReportedAt: i.ReportedAt.Time, UpdatedAt: i.UpdatedAt.Time,
			AnalystVerdict: AnalystVerdict(normalWord(i.AnalystVerdict)), IncidentStatus: IncidentStatus(normalWord(i.IncidentStatus)),
			EventType: i.EventType, DVEventID: i.DVEventID, Source: i.Source, HitType: i.HitType,
			IsEDR: i.IsEDR != nil && *i.IsEDR, SrcIP: i.SrcIP, SrcPort: string(i.SrcPort), DstIP: i.DstIP, DstPort: string(i.DstPort),
			DNSRequest: i.DNSRequest, LoginsUserName: i.LoginsUserName, RegistryKeyPath: i.RegistryKeyPath,
			TIIndicatorValue: i.TIIndicatorValue, TIIndicatorType: i.TIIndicatorType,
		},
		Rule: v.RuleInfo, Agent: v.AgentDetectionInfo, SourceProcess: v.SourceProcessInfo, SourceParentProcess: v.SourceParentProcessInfo,
		Raw: b[:len(b):len(b)],
	}
	return nil
}

// MarshalJSON returns Raw when the alert was decoded, else the modelled
// blocks.
func (a Alert) MarshalJSON() ([]byte, error) {
	if len(a.Raw) > 0 {
		return a.Raw, nil
	}
	i := a.Info
	return json.Marshal(alertJSON{
		AlertInfo: alertInfoJSON{
			AlertID: nstring(i.AlertID), CreatedAt: Time{i.CreatedAt}, ReportedAt: Time{i.ReportedAt}, UpdatedAt: Time{i.UpdatedAt},
			AnalystVerdict: upperWire(string(i.AnalystVerdict)), IncidentStatus: upperWire(string(i.IncidentStatus)),
			EventType: i.EventType, DVEventID: i.DVEventID, Source: i.Source, HitType: i.HitType,
			IsEDR: &i.IsEDR, SrcIP: i.SrcIP, SrcPort: nstring(i.SrcPort), DstIP: i.DstIP, DstPort: nstring(i.DstPort),
			DNSRequest: i.DNSRequest, LoginsUserName: i.LoginsUserName, RegistryKeyPath: i.RegistryKeyPath,
			TIIndicatorValue: i.TIIndicatorValue, TIIndicatorType: i.TIIndicatorType,
		},
		RuleInfo: a.Rule, AgentDetectionInfo: a.Agent, SourceProcessInfo: a.SourceProcess, SourceParentProcessInfo: a.SourceParentProcess,
	})
}
