package sentinelone

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"github.com/socgo/xdr/internal/jsonpage"
)

// DVEvent is one Deep Visibility event. Its fields depend on its object
// type (process, file, ip, dns…); the common ones are decoded, and Raw
// keeps the exact bytes received, which MarshalJSON returns, so forwarding
// an event is lossless.
//
// Raw is read-only. The events of one page returned by Events or SearchAll
// share that page's response buffer (see Activity); UnmarshalJSON called
// directly keeps a copy of its input.
type DVEvent struct {
	// ID is the event id.
	ID string
	// ObjectType is the kind of object ("process", "file", "ip", "dns"…).
	ObjectType string
	// EventType is the event ("Process Creation", "File Modification"…).
	EventType string
	// CreatedAt is when the event happened.
	CreatedAt time.Time
	// AgentID, AgentUUID, AgentName, AgentIP, AgentOS and AgentVersion
	// describe the endpoint.
	AgentID, AgentUUID, AgentName, AgentIP, AgentOS, AgentVersion string
	// SiteName is the endpoint's site.
	SiteName string
	// User is the user the event ran as.
	User string
	// ProcessName, ProcessCmd and ProcessImagePath describe the process;
	// PID its id and ProcessUniqueKey its unique key.
	ProcessName, ProcessCmd, ProcessImagePath string
	PID                                       FlexID
	ProcessUniqueKey                          string
	// ParentProcessName and ParentPID describe the parent process.
	ParentProcessName string
	ParentPID         FlexID
	// SHA1, SHA256 and MD5 are the hashes of the event's file.
	SHA1, SHA256, MD5 string
	// FileFullName is the path of the event's file.
	FileFullName string
	// SrcIP, SrcPort, DstIP and DstPort describe a network event.
	SrcIP   string
	SrcPort FlexID
	DstIP   string
	DstPort FlexID
	// DNSRequest and DNSResponse describe a DNS event.
	DNSRequest, DNSResponse string
	// NetworkURL is the URL of a URL event.
	NetworkURL string
	// RegistryPath is the key of a registry event.
	RegistryPath string
	// IndicatorName and IndicatorCategory describe a behavioral indicator.
	IndicatorName, IndicatorCategory string
	// Raw is the whole event object as received.
	Raw json.RawMessage
}

type dvEventJSON struct {
	ID                nstring `json:"id"`
	ObjectType        nstring `json:"objectType"`
	EventType         nstring `json:"eventType"`
	CreatedAt         Time    `json:"createdAt"`
	AgentID           nstring `json:"agentId"`
	AgentUUID         nstring `json:"agentUuid"`
	AgentName         nstring `json:"agentName"`
	AgentIP           nstring `json:"agentIp"`
	AgentOS           nstring `json:"agentOs"`
	AgentVersion      nstring `json:"agentVersion"`
	SiteName          nstring `json:"siteName"`
	User              nstring `json:"user"`
	ProcessName       nstring `json:"processName"`
	ProcessCmd        nstring `json:"processCmd"`
	ProcessImagePath  nstring `json:"processImagePath"`
	PID               FlexID  `json:"pid"`
	ProcessUniqueKey  nstring `json:"processUniqueKey"`
	ParentProcessName nstring `json:"parentProcessName"`
	ParentPID         FlexID  `json:"parentPid"`
	SHA1              nstring `json:"sha1"`
	SHA256            nstring `json:"sha256"`
	MD5               nstring `json:"md5"`
	FileFullName      nstring `json:"fileFullName"`
	SrcIP             nstring `json:"srcIp"`
	SrcPort           FlexID  `json:"srcPort"`
	DstIP             nstring `json:"dstIp"`
	DstPort           FlexID  `json:"dstPort"`
	DNSRequest        nstring `json:"dnsRequest"`
	DNSResponse       nstring `json:"dnsResponse"`
	NetworkURL        nstring `json:"networkUrl"`
	RegistryPath      nstring `json:"registryPath"`
	IndicatorName     nstring `json:"indicatorName"`
	IndicatorCategory nstring `json:"indicatorCategory"`
}

// decodePageDVEvent decodes an event of a page with the go-json-experiment
// decoder, keeping span as Raw (a page it fails goes to encoding/json).
func decodePageDVEvent(span []byte, e *DVEvent) error { return e.decode(span, jsonpage.Unmarshal) }

// UnmarshalJSON decodes an event and keeps a copy of b in Raw.
func (e *DVEvent) UnmarshalJSON(b []byte) error { return e.decode(bytes.Clone(b), json.Unmarshal) }

// decode fills e from b, decoded by unmarshal, and keeps b as Raw.
func (e *DVEvent) decode(b []byte, unmarshal func([]byte, any) error) error {
	var v dvEventJSON
	if err := unmarshal(b, &v); err != nil {
		return fmt.Errorf("sentinelone: decode Deep Visibility event: %w", err)
	}
	*e = DVEvent{
		ID: string(v.ID), ObjectType: string(v.ObjectType), EventType: string(v.EventType), CreatedAt: v.CreatedAt.Time,
		AgentID: string(v.AgentID), AgentUUID: string(v.AgentUUID), AgentName: string(v.AgentName), AgentIP: string(v.AgentIP),
		AgentOS: string(v.AgentOS), AgentVersion: string(v.AgentVersion), SiteName: string(v.SiteName), User: string(v.User),
		ProcessName: string(v.ProcessName), ProcessCmd: string(v.ProcessCmd), ProcessImagePath: string(v.ProcessImagePath),
		PID: v.PID, ProcessUniqueKey: string(v.ProcessUniqueKey), ParentProcessName: string(v.ParentProcessName), ParentPID: v.ParentPID,
		SHA1: string(v.SHA1), SHA256: string(v.SHA256), MD5: string(v.MD5), FileFullName: string(v.FileFullName),
		SrcIP: string(v.SrcIP), SrcPort: v.SrcPort, DstIP: string(v.DstIP), DstPort: v.DstPort,
		DNSRequest: string(v.DNSRequest), DNSResponse: string(v.DNSResponse), NetworkURL: string(v.NetworkURL),
		RegistryPath: string(v.RegistryPath), IndicatorName: string(v.IndicatorName), IndicatorCategory: string(v.IndicatorCategory),
		Raw: b[:len(b):len(b)],
	}
	return nil
}

// MarshalJSON returns Raw when the event was decoded, else the fields.
func (e DVEvent) MarshalJSON() ([]byte, error) {
	if len(e.Raw) > 0 {
		return e.Raw, nil
	}
	return json.Marshal(dvEventJSON{
		ID: nstring(e.ID), ObjectType: nstring(e.ObjectType), EventType: nstring(e.EventType), CreatedAt: Time{e.CreatedAt},
		AgentID: nstring(e.AgentID), AgentUUID: nstring(e.AgentUUID), AgentName: nstring(e.AgentName), AgentIP: nstring(e.AgentIP),
		AgentOS: nstring(e.AgentOS), AgentVersion: nstring(e.AgentVersion), SiteName: nstring(e.SiteName), User: nstring(e.User),
		ProcessName: nstring(e.ProcessName), ProcessCmd: nstring(e.ProcessCmd), ProcessImagePath: nstring(e.ProcessImagePath),
		PID: e.PID, ProcessUniqueKey: nstring(e.ProcessUniqueKey), ParentProcessName: nstring(e.ParentProcessName), ParentPID: e.ParentPID,
		SHA1: nstring(e.SHA1), SHA256: nstring(e.SHA256), MD5: nstring(e.MD5), FileFullName: nstring(e.FileFullName),
		SrcIP: nstring(e.SrcIP), SrcPort: e.SrcPort, DstIP: nstring(e.DstIP), DstPort: e.DstPort,
		DNSRequest: nstring(e.DNSRequest), DNSResponse: nstring(e.DNSResponse), NetworkURL: nstring(e.NetworkURL),
		RegistryPath: nstring(e.RegistryPath), IndicatorName: nstring(e.IndicatorName), IndicatorCategory: nstring(e.IndicatorCategory),
	})
}
