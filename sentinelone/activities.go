package sentinelone

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"strconv"
	"time"

	"github.com/socgo/xdr/internal/rest"
)

// ActivitiesService lists the activity log: console logins, threat
// detections and mitigations, scans, rule alerts, device control…
type ActivitiesService struct{ c *Client }

// ActivityListOptions filters GET /activities. Nil options list every
// activity. Ids are strings (they exceed 2^53 and some are not numeric);
// lists are sent comma-joined.
type ActivityListOptions struct {
	// IDs selects activities by id (ids).
	IDs []string
	// ActivityUUIDs selects activities by UUID (activityUuids).
	ActivityUUIDs []string
	// ActivityTypes selects activity types (activityTypes).
	ActivityTypes []ActivityType
	// AccountIDs, SiteIDs and GroupIDs select the scope (accountIds,
	// siteIds, groupIds).
	AccountIDs, SiteIDs, GroupIDs []string
	// AgentIDs, ThreatIDs, AlertIDs and RuleIDs select activities about
	// those objects (agentIds, threatIds, alertIds, ruleIds).
	AgentIDs, ThreatIDs, AlertIDs, RuleIDs []string
	// UserIDs and UserEmails select activities of console users (userIds,
	// userEmails).
	UserIDs, UserEmails []string
	// IncludeHidden includes hidden activities (includeHidden=true).
	IncludeHidden bool

	// CreatedAfter sends createdAt__gt; CreatedSince createdAt__gte;
	// CreatedBefore createdAt__lt; CreatedUntil createdAt__lte. Times are
	// sent in UTC with microseconds. The zero time sends nothing.
	CreatedAfter, CreatedSince, CreatedBefore, CreatedUntil time.Time
	// CreatedBetween sends createdAt__between as epoch milliseconds.
	CreatedBetween *TimeRange

	// Paging sets the page size, skip, first cursor, count and sort.
	Paging
}

// List calls GET /activities and returns one page.
func (s *ActivitiesService) List(ctx context.Context, opts *ActivityListOptions) (*Page[Activity], error) {
	w, err := opts.activitiesRequest("Activities.List", false)
	if err != nil {
		return nil, err
	}
	return s.list(ctx, w)
}

func (s *ActivitiesService) list(ctx context.Context, r rest.Request) (*Page[Activity], error) {
	return getPage[Activity](ctx, s.c, r, decodePageActivity)
}

// Count calls GET /activities with countOnly=true and returns the number
// of matching activities.
func (s *ActivitiesService) Count(ctx context.Context, opts *ActivityListOptions) (int, error) {
	w, err := opts.activitiesRequest("Activities.Count", true)
	if err != nil {
		return 0, err
	}
	return countOnly(ctx, w, s.list)
}

// All calls GET /activities page after page, following nextCursor with
// the same filters, and yields every activity.
//
// The iterator is lazy and can be run again (each run starts over). opts
// is copied when All is called and never changed. Every page is fetched
// with the caller's ctx. On error it yields (zero Activity, err) once and
// stops; a repeated cursor gives ErrPaginationStalled. Breaking out of the
// loop stops fetching and frees the connection. While the caller works on
// one page the next is fetched.
func (s *ActivitiesService) All(ctx context.Context, opts *ActivityListOptions) iter.Seq2[Activity, error] {
	w, err := opts.activitiesRequest("Activities.All", false)
	return allPages(ctx, w, err, s.list)
}

// ActivityType is the code of an activity (activityType). The catalogue
// has hundreds of codes (GET /activities/types); constants name the common
// ones.
type ActivityType int

// Common activity types.
const (
	ActivityUserAdded                ActivityType = 23
	ActivityUserDeleted              ActivityType = 25
	ActivityUserLoggedIn             ActivityType = 27
	ActivityAgentDecommissioned      ActivityType = 47
	ActivitySystemFullDiskScan       ActivityType = 71
	ActivityFileUploaded             ActivityType = 86
	ActivityAgentFullDiskScan        ActivityType = 90
	ActivityThreatKilled             ActivityType = 2001
	ActivityThreatQuarantined        ActivityType = 2004
	ActivityPathExclusionDeleted     ActivityType = 3016
	ActivityCustomRuleAlert          ActivityType = 3608
	ActivityPlatformRuleAlert        ActivityType = 3784
	ActivityThreatDetectedSuspicious ActivityType = 4003
	ActivityThreatStatusChanged      ActivityType = 4008
	ActivityAgentMovedGroup          ActivityType = 5009
	ActivityUserCreatedSite          ActivityType = 5020
	ActivityDeviceControl            ActivityType = 5126
	ActivityFirewallBlocked          ActivityType = 5232
)

var activityTypeNames = map[ActivityType]string{
	ActivityUserAdded:                "user added",
	ActivityUserDeleted:              "user deleted",
	ActivityUserLoggedIn:             "user logged in",
	ActivityAgentDecommissioned:      "agent decommissioned",
	ActivitySystemFullDiskScan:       "system full disk scan",
	ActivityFileUploaded:             "fetched file uploaded",
	ActivityAgentFullDiskScan:        "agent full disk scan",
	ActivityThreatKilled:             "threat killed",
	ActivityThreatQuarantined:        "threat quarantined",
	ActivityPathExclusionDeleted:     "path exclusion deleted",
	ActivityCustomRuleAlert:          "custom rule alert",
	ActivityPlatformRuleAlert:        "platform rule alert",
	ActivityThreatDetectedSuspicious: "threat detected (suspicious)",
	ActivityThreatStatusChanged:      "threat status changed",
	ActivityAgentMovedGroup:          "agent moved between groups",
	ActivityUserCreatedSite:          "site created",
	ActivityDeviceControl:            "device control event",
	ActivityFirewallBlocked:          "firewall control blocked traffic",
}

// String returns a short human name ("user logged in"), or "activity type
// N" for a code without a constant.
func (t ActivityType) String() string {
	if n, ok := activityTypeNames[t]; ok {
		return n
	}
	return "activity type " + strconv.Itoa(int(t))
}

// Activity is one entry of the activity log. It keeps the exact bytes it
// was decoded from in Raw, and MarshalJSON returns them, so forwarding an
// activity is lossless (unknown fields, number precision and key order
// included). Forward Raw itself, or encode with a json.Encoder whose
// SetEscapeHTML(false) is set: json.Marshal compacts the bytes and escapes
// <, > and & in strings. Data is the type-specific object, kept raw; the
// Data methods decode the common shapes.
//
// Raw and Data are read-only. The activities of one page returned by List
// or All share that page's response buffer: their Raw and Data are slices
// of it (capped, so appending to one copies), nothing is copied per
// activity, and keeping any of them keeps the page's buffer in memory
// (bytes.Clone what you keep long-term, if memory matters). Writing into
// Raw or Data would change what MarshalJSON returns; clone before
// modifying. UnmarshalJSON called directly keeps a copy of its input.
type Activity struct {
	// ID is the activity id (a string of digits beyond 2^53).
	ID string
	// ActivityUUID is the activity's UUID, when sent.
	ActivityUUID string
	// ActivityType is the activity code.
	ActivityType ActivityType
	// CreatedAt is when the activity was recorded; collectors follow it.
	CreatedAt time.Time
	// UpdatedAt is when it last changed.
	UpdatedAt time.Time
	// PrimaryDescription and SecondaryDescription are the human texts.
	PrimaryDescription, SecondaryDescription string
	// Description and Comments are further texts, often empty.
	Description, Comments string
	// AccountID, SiteID and GroupID are the scope ids (strings; account
	// ids are not always numeric: "org-12345678").
	AccountID, SiteID, GroupID string
	// AccountName, SiteName and GroupName are the scope names, when sent.
	AccountName, SiteName, GroupName string
	// AgentID, UserID and ThreatID are the related objects, when any.
	AgentID, UserID, ThreatID string
	// OSFamily is the agent's OS family, when sent.
	OSFamily string
	// Hash is the related file hash, when sent.
	Hash string
	// Data is the "data" object, whose shape depends on ActivityType.
	Data json.RawMessage
	// Raw is the whole activity object as received.
	Raw json.RawMessage
}

type activityJSON struct {
	ID                   nstring         `json:"id"`
	ActivityUUID         nstring         `json:"activityUuid"`
	ActivityType         ActivityType    `json:"activityType"`
	CreatedAt            Time            `json:"createdAt"`
	UpdatedAt            Time            `json:"updatedAt"`
	PrimaryDescription   nstring         `json:"primaryDescription"`
	SecondaryDescription nstring         `json:"secondaryDescription"`
	Description          nstring         `json:"description"`
	Comments             nstring         `json:"comments"`
	AccountID            nstring         `json:"accountId"`
	AccountName          nstring         `json:"accountName"`
	SiteID               nstring         `json:"siteId"`
	SiteName             nstring         `json:"siteName"`
	GroupID              nstring         `json:"groupId"`
	GroupName            nstring         `json:"groupName"`
	AgentID              nstring         `json:"agentId"`
	UserID               nstring         `json:"userId"`
	ThreatID             nstring         `json:"threatId"`
	OSFamily             nstring         `json:"osFamily"`
	Hash                 nstring         `json:"hash"`
	Data                 json.RawMessage `json:"data"`
}

// decodePageActivity decodes an activity of a list page, keeping span (a
// slice of the page buffer) as Raw.
func decodePageActivity(span []byte, a *Activity) error {
	if decodeActivityShared(span, a) {
		return nil
	}
	return decodeActivitySlow(span, a)
}

// UnmarshalJSON decodes an activity and keeps a copy of b in Raw (Data
// usually shares Raw's bytes: do not modify either). It expects valid JSON,
// as encoding/json checks before it calls an Unmarshaler.
func (a *Activity) UnmarshalJSON(b []byte) error {
	if decodeActivityFast(b, a) {
		return nil
	}
	return decodeActivitySlow(b, a)
}

// MarshalJSON returns Raw when the activity was decoded, else the fields.
func (a Activity) MarshalJSON() ([]byte, error) {
	if len(a.Raw) > 0 {
		return a.Raw, nil
	}
	v := activityJSON{
		ID: nstring(a.ID), ActivityUUID: nstring(a.ActivityUUID), ActivityType: a.ActivityType,
		CreatedAt: Time{a.CreatedAt}, UpdatedAt: Time{a.UpdatedAt},
		PrimaryDescription: nstring(a.PrimaryDescription), SecondaryDescription: nstring(a.SecondaryDescription),
		Description: nstring(a.Description), Comments: nstring(a.Comments),
		AccountID: nstring(a.AccountID), AccountName: nstring(a.AccountName),
		SiteID: nstring(a.SiteID), SiteName: nstring(a.SiteName),
		GroupID: nstring(a.GroupID), GroupName: nstring(a.GroupName),
		AgentID: nstring(a.AgentID), UserID: nstring(a.UserID), ThreatID: nstring(a.ThreatID),
		OSFamily: nstring(a.OSFamily), Hash: nstring(a.Hash), Data: a.Data,
	}
	if len(v.Data) == 0 {
		v.Data = json.RawMessage("null")
	}
	return json.Marshal(v)
}

// ErrNoData is returned by the Data methods of an activity without a
// "data" object.
var ErrNoData = errors.New("sentinelone: activity has no data object")

// DecodeData decodes Data into v (with json.Number for numbers when v is an
// interface or map, so large integers stay exact).
func (a *Activity) DecodeData(v any) error {
	if len(a.Data) == 0 {
		return ErrNoData
	}
	d := json.NewDecoder(bytes.NewReader(a.Data))
	d.UseNumber()
	if err := d.Decode(v); err != nil {
		return fmt.Errorf("sentinelone: activity %s (type %d): decode data: %w", a.ID, int(a.ActivityType), err)
	}
	return nil
}

// DataString returns the string field key of Data, or "" when it is
// absent, null or not a string.
func (a *Activity) DataString(key string) string {
	var m map[string]json.RawMessage
	if a.DecodeData(&m) != nil {
		return ""
	}
	var s string
	if json.Unmarshal(m[key], &s) != nil {
		return ""
	}
	return s
}

// ActivityScope is the scope part shared by most Data objects: account,
// site and group names and the human scope path.
type ActivityScope struct {
	AccountName          string `json:"accountName"`
	SiteName             string `json:"siteName"`
	GroupName            string `json:"groupName"`
	FullScopeDetails     string `json:"fullScopeDetails"`
	FullScopeDetailsPath string `json:"fullScopeDetailsPath"`
	ScopeLevel           string `json:"scopeLevel"`
	ScopeName            string `json:"scopeName"`
}

// LoginData is the Data of ActivityUserLoggedIn: who logged in to the
// console, from which address, with which role.
type LoginData struct {
	ActivityScope
	Username  string `json:"username"`
	IPAddress string `json:"ipAddress"`
	Role      string `json:"role"`
	Source    string `json:"source"`
	Reason    string `json:"reason"`
	UserScope string `json:"userscope"`
}

// ThreatActivityData is the Data of threat activities (detections
// ActivityThreatDetectedSuspicious, mitigations ActivityThreatKilled and
// ActivityThreatQuarantined, ActivityThreatStatusChanged).
type ThreatActivityData struct {
	ActivityScope
	ComputerName               string `json:"computerName"`
	ConfidenceLevel            string `json:"confidenceLevel"`
	FileContentHash            string `json:"fileContentHash"`
	FileDisplayName            string `json:"fileDisplayName"`
	FilePath                   string `json:"filePath"`
	ThreatClassification       string `json:"threatClassification"`
	ThreatClassificationSource string `json:"threatClassificationSource"`
	// DownloadURL is the API path of the mitigation report or uploaded
	// file (relative to /web/api/v2.1).
	DownloadURL string `json:"downloadUrl"`
	Username    string `json:"username"`
}

// ScanData is the Data of scan activities (ActivityAgentFullDiskScan).
type ScanData struct {
	ActivityScope
	ComputerName string `json:"computerName"`
	Status       string `json:"status"`
	CreatedAt    Time   `json:"createdAt"`
}

// RuleAlertData is the Data of STAR rule alerts (ActivityCustomRuleAlert,
// ActivityPlatformRuleAlert). Ids are sent as numbers by some consoles and
// strings by others; FlexID keeps them exact either way.
type RuleAlertData struct {
	ActivityScope
	AlertID         FlexID   `json:"alertid"`
	RuleID          FlexID   `json:"ruleid"`
	RuleName        string   `json:"rulename"`
	RuleDescription string   `json:"ruledescription"`
	RuleScopeLevel  string   `json:"rulescopelevel"`
	Severity        string   `json:"severity"`
	SourceName      string   `json:"sourcename"`
	DetectedAt      FlexTime `json:"detectedat"`
	DVEventType     string   `json:"dveventtype"`
	DVEventID       string   `json:"dveventid"`
	AgentName       string   `json:"origagentname"`
	AgentUUID       string   `json:"origagentuuid"`
	AgentOSFamily   string   `json:"origagentosfamily"`
	AgentOSName     string   `json:"origagentosname"`
	AgentVersion    string   `json:"origagentversion"`
	AgentMachine    string   `json:"origagentmachinetype"`
	ProcessName     string   `json:"sourceprocessname"`
	ProcessCmdLine  string   `json:"sourceprocesscommandline"`
	ProcessPath     string   `json:"sourceprocessfilepath"`
	ProcessPID      FlexID   `json:"sourceprocesspid"`
	ProcessSHA1     string   `json:"sourceprocesssha1"`
	ProcessSHA256   string   `json:"sourceprocesssha256"`
	ProcessUser     string   `json:"sourceprocessusername"`
	ProcessStory    string   `json:"sourceprocessstoryline"`
	ParentName      string   `json:"sourceparentprocessname"`
	ParentCmdLine   string   `json:"sourceparentprocesscommandline"`
	ContainerID     string   `json:"k8scontainerid"`
	ContainerImage  string   `json:"k8scontainerimage"`
	ContainerName   string   `json:"k8scontainername"`
	K8sCluster      string   `json:"k8sclustername"`
	K8sNamespace    string   `json:"k8snamespace"`
	K8sPod          string   `json:"k8spod"`
}

// DeviceControlData is the Data of ActivityDeviceControl (a USB or
// Bluetooth device connected, disconnected or blocked).
type DeviceControlData struct {
	ActivityScope
	ComputerName string `json:"computerName"`
	DeviceName   string `json:"deviceName"`
	DeviceClass  string `json:"deviceClass"`
	EventType    string `json:"eventType"`
	EventTime    Time   `json:"eventTime"`
	Interface    string `json:"interface"`
	VendorID     string `json:"vendorId"`
	ProductID    string `json:"productId"`
	RuleType     string `json:"ruleType"`
	RuleName     string `json:"ruleName"`
	IPAddress    string `json:"ipAddress"`
	LastUser     string `json:"lastLoggedInUserName"`
	OSType       string `json:"osType"`
}

// LoginData decodes Data as a console login (ActivityUserLoggedIn).
func (a *Activity) LoginData() (*LoginData, error) { return decodeAs[LoginData](a) }

// ThreatData decodes Data as a threat activity (detections, mitigations,
// status changes).
func (a *Activity) ThreatData() (*ThreatActivityData, error) { return decodeAs[ThreatActivityData](a) }

// ScanData decodes Data as a scan activity.
func (a *Activity) ScanData() (*ScanData, error) { return decodeAs[ScanData](a) }

// RuleAlertData decodes Data as a STAR rule alert.
func (a *Activity) RuleAlertData() (*RuleAlertData, error) { return decodeAs[RuleAlertData](a) }

// DeviceControlData decodes Data as a device control event.
func (a *Activity) DeviceControlData() (*DeviceControlData, error) {
	return decodeAs[DeviceControlData](a)
}

func decodeAs[T any](a *Activity) (*T, error) {
	var v T
	if err := a.DecodeData(&v); err != nil {
		return nil, err
	}
	return &v, nil
}

// nstring decodes a JSON string or null ("" for null) and encodes "" as
// null.
type nstring string

// UnmarshalJSON reads a string, null or a number (as its digits).
func (s *nstring) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*s = ""
		return nil
	}
	if plainString(b) {
		*s = nstring(b[1 : len(b)-1])
		return nil
	}
	var v string
	if err := json.Unmarshal(b, &v); err != nil {
		// Ids are strings; a number is accepted as its digits.
		if len(b) > 0 && (b[0] == '-' || b[0] >= '0' && b[0] <= '9') {
			var n json.Number
			if json.Unmarshal(b, &n) == nil {
				*s = nstring(n)
				return nil
			}
		}
		return err
	}
	*s = nstring(v)
	return nil
}

// plainString reports whether b is a JSON string without escapes or
// control characters, whose text is b without its quotes.
func plainString(b []byte) bool {
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return false
	}
	for _, c := range b[1 : len(b)-1] {
		if c == '\\' || c == '"' || c < 0x20 {
			return false
		}
	}
	return true
}

// MarshalJSON writes "" as null.
func (s nstring) MarshalJSON() ([]byte, error) {
	if s == "" {
		return []byte("null"), nil
	}
	return json.Marshal(string(s))
}

// FlexID is an id or integer sent either as a JSON number or as a string;
// it keeps the digits exact (no float64 on the way).
type FlexID string

// UnmarshalJSON accepts a number, a string or null.
func (f *FlexID) UnmarshalJSON(b []byte) error {
	var s nstring
	if err := s.UnmarshalJSON(b); err != nil {
		return err
	}
	*f = FlexID(s)
	return nil
}

// String returns the id's text.
func (f FlexID) String() string { return string(f) }

// FlexTime is a time sent as epoch milliseconds (a number) or as an ISO
// 8601 string.
type FlexTime struct{ time.Time }

// UnmarshalJSON accepts epoch milliseconds, an ISO 8601 string, 0 or null.
func (t *FlexTime) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' || string(b) == "null" {
		var v Time
		if err := v.UnmarshalJSON(b); err != nil {
			return err
		}
		t.Time = v.Time
		return nil
	}
	ms, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		return fmt.Errorf("sentinelone: time %s is neither epoch milliseconds nor a string", truncate(string(b), 40))
	}
	t.Time = time.Time{}
	if ms != 0 {
		t.Time = time.UnixMilli(ms).UTC()
	}
	return nil
}
