package sentinelone

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/socgo/xdr/internal/jsonscan"
)

// Threats are decoded from a list page in one walk where it is safe: the
// threat's members, and those of its threatInfo, agentRealtimeInfo and
// agentDetectionInfo objects, are walked in the page buffer (already
// checked by json.Valid); their plain string fields are made with one
// allocation for the whole threat, and the other members (arrays, raw
// objects, strings with escapes such as Windows paths) are decoded by
// json.Unmarshal from their own span. Anything the walk does not handle
// exactly as encoding/json would (escaped or non-ASCII keys, keys
// differing only in case from a known one, repeated members, numbers that
// are not plain integers, a type mismatch) makes it decline, and the
// threat is decoded by json.Unmarshal. FuzzThreatDecode and
// TestThreatDecodeMutations compare the two.

// flatObject is a struct decoded member by member.
type flatObject interface {
	// field returns a pointer to the field of member key: *string, *bool,
	// *int, *int64 and *time.Time are set by the walk, other pointers by
	// json.Unmarshal.
	field(key string) any
}

// decodeThreatShared fills t from raw, a valid JSON value it keeps as Raw
// without copying it. It reports false, leaving t to be overwritten, when
// raw needs the general decoder.
func decodeThreatShared(raw []byte, t *Threat) bool {
	*t = Threat{}
	if len(raw) == 0 || raw[0] != '{' {
		return false
	}
	var strs sharedStrings
	if !decodeFlat(raw, threatKeys[:], t, &strs) {
		return false
	}
	strs.apply()
	t.Raw = raw
	return true
}

// decodeFlat fills the zero object obj, whose members are keys (at most
// 64), from the valid JSON value v.
func decodeFlat(v []byte, keys []string, obj flatObject, strs *sharedStrings) bool {
	if string(v) == "null" {
		return true
	}
	if len(v) == 0 || v[0] != '{' {
		return false
	}
	var seen uint64
	i := jsonscan.SkipSpace(v, 1)
	if i < len(v) && v[i] == '}' {
		return true
	}
	for {
		kend, ok := jsonscan.StringEnd(v, i)
		if !ok {
			return false
		}
		key := v[i+1 : kend-1]
		i = jsonscan.SkipSpace(v, jsonscan.SkipSpace(v, kend)+1) // past ':'
		vend, ok := jsonscan.ValueEnd(v, i)
		if !ok {
			return false
		}
		m := v[i:vend:vend]
		k := indexKey(keys, key)
		switch {
		case k == -1: // a member the type does not have
		case k < 0 || seen&(1<<k) != 0:
			return false // another case, or repeated: encoding/json merges them
		default:
			seen |= 1 << k
			if !setField(obj.field(keys[k]), m, strs) {
				return false
			}
		}
		i = jsonscan.SkipSpace(v, vend)
		if i < len(v) && v[i] == ',' {
			i = jsonscan.SkipSpace(v, i+1)
			continue
		}
		return true
	}
}

// setField sets the field p points to from the valid value m.
func setField(p any, m []byte, strs *sharedStrings) bool {
	switch p := p.(type) {
	case *string:
		return strs.add(p, m)
	case *bool:
		switch string(m) {
		case "true":
			*p = true
		case "false", "null":
		default:
			return false
		}
		return true
	case *int:
		n, ok := plainInt(m, strconv.IntSize)
		if ok {
			*p = int(n)
		}
		return ok
	case *int64:
		n, ok := plainInt(m, 64)
		if ok {
			*p = n
		}
		return ok
	case *time.Time:
		return p.UnmarshalJSON(m) == nil
	case *ThreatInfo:
		return decodeFlat(m, threatInfoKeys[:], p, strs)
	case *AgentRealtimeInfo:
		return decodeFlat(m, agentRealtimeInfoKeys[:], p, strs)
	case *AgentDetectionInfo:
		return decodeFlat(m, agentDetectionInfoKeys[:], p, strs)
	case nil:
		return false
	default:
		return json.Unmarshal(m, p) == nil
	}
}

// plainInt reads an integer literal; null reads as 0 (the field is zero).
func plainInt(m []byte, bits int) (int64, bool) {
	if string(m) == "null" {
		return 0, true
	}
	if len(m) == 0 || (m[0] != '-' && (m[0] < '0' || m[0] > '9')) {
		return 0, false
	}
	n, err := strconv.ParseInt(string(m), 10, bits)
	return n, err == nil
}

// indexKey returns the index of key in keys; -1 when it is none of them,
// and -2 when it matches one only without regard to case, or is escaped
// (encoding/json would then fill that field).
func indexKey(keys []string, key []byte) int {
	for i, k := range keys {
		if k == string(key) {
			return i
		}
	}
	if bytes.IndexByte(key, '\\') >= 0 || foldMatch(string(key), keys) {
		return -2
	}
	return -1
}

// foldMatch reports whether encoding/json may match the member name key
// (unescaped) to one of keys, none equal to it: one of them is equal to it
// without regard to ASCII case, or key has a byte outside ASCII, which
// encoding/json may fold to an ASCII letter (U+0130 to "I", U+212A to
// "K"...).
func foldMatch(key string, keys []string) bool {
	for i := 0; i < len(key); i++ {
		if key[i] >= utf8.RuneSelf {
			return true
		}
	}
	for _, k := range keys {
		if strings.EqualFold(k, key) {
			return true
		}
	}
	return false
}

// sharedStrings gathers the string members of one threat so that they are
// made into strings with a single allocation.
type sharedStrings struct {
	n    int
	size int
	list [96]struct {
		dst  *string
		text []byte
	}
}

// add records the string value v (a JSON literal) for dst: null leaves dst
// empty; a string with escapes is decoded at once by encoding/json; another
// type or too many members decline.
func (s *sharedStrings) add(dst *string, v []byte) bool {
	if string(v) == "null" {
		return true
	}
	if len(v) < 2 || v[0] != '"' || s.n == len(s.list) {
		return false
	}
	text := v[1 : len(v)-1]
	plain, ascii := true, true
	for _, c := range text {
		plain = plain && c != '\\' && c >= 0x20
		ascii = ascii && c < utf8.RuneSelf
	}
	if !plain || !ascii && !utf8.Valid(text) {
		// Escapes (a Windows path) and invalid UTF-8, which encoding/json
		// replaces: this string is made by encoding/json.
		return json.Unmarshal(v, dst) == nil
	}
	s.list[s.n].dst, s.list[s.n].text = dst, text
	s.n++
	s.size += len(text)
	return true
}

// apply sets the recorded fields.
func (s *sharedStrings) apply() {
	var all string
	if s.size > 0 {
		var b strings.Builder
		b.Grow(s.size)
		for _, e := range s.list[:s.n] {
			b.Write(e.text)
		}
		all = b.String()
	}
	off := 0
	for _, e := range s.list[:s.n] {
		*e.dst = all[off : off+len(e.text)]
		off += len(e.text)
	}
}

// threatKeys are the JSON members of Threat.
var threatKeys = [...]string{"id", "threatInfo", "agentRealtimeInfo", "agentDetectionInfo", "mitigationStatus",
	"indicators", "containerInfo", "kubernetesInfo", "ecsInfo", "whiteningOptions"}

func (t *Threat) field(key string) any {
	switch key {
	case "id":
		return &t.ID
	case "threatInfo":
		return &t.ThreatInfo
	case "agentRealtimeInfo":
		return &t.AgentRealtimeInfo
	case "agentDetectionInfo":
		return &t.AgentDetectionInfo
	case "mitigationStatus":
		return &t.MitigationStatus
	case "indicators":
		return &t.Indicators
	case "containerInfo":
		return &t.ContainerInfo
	case "kubernetesInfo":
		return &t.KubernetesInfo
	case "ecsInfo":
		return &t.ECSInfo
	case "whiteningOptions":
		return &t.WhiteningOptions
	}
	return nil
}

// threatInfoKeys are the JSON members of ThreatInfo.
var threatInfoKeys = [...]string{"threatId", "threatName", "createdAt", "updatedAt", "identifiedAt", "classification", "classificationSource", "confidenceLevel", "analystVerdict", "incidentStatus", "mitigationStatus", "initiatedBy", "detectionType", "engines", "detectionEngines", "filePath", "fileSize", "sha1", "sha256", "md5", "fileExtension", "fileExtensionType", "fileVerificationType", "publisherName", "certificateId", "originatorProcess", "maliciousProcessArguments", "processUser", "storyline", "collectionId", "cloudFilesHashVerdict", "externalTicketId", "externalTicketExists", "initiatingUserId", "initiatingUsername", "rootProcessUpn", "isFileless", "isValidCertificate", "automaticallyResolved", "mitigatedPreemptively", "failedActions", "pendingActions", "rebootRequired", "reachedEventsLimit"}

func (ti *ThreatInfo) field(key string) any {
	switch key {
	case "threatId":
		return &ti.ThreatID
	case "threatName":
		return &ti.ThreatName
	case "createdAt":
		return &ti.CreatedAt
	case "updatedAt":
		return &ti.UpdatedAt
	case "identifiedAt":
		return &ti.IdentifiedAt
	case "classification":
		return &ti.Classification
	case "classificationSource":
		return &ti.ClassificationSource
	case "confidenceLevel":
		return &ti.ConfidenceLevel
	case "analystVerdict":
		return (*string)(&ti.AnalystVerdict)
	case "incidentStatus":
		return (*string)(&ti.IncidentStatus)
	case "mitigationStatus":
		return &ti.MitigationStatus
	case "initiatedBy":
		return &ti.InitiatedBy
	case "detectionType":
		return &ti.DetectionType
	case "engines":
		return &ti.Engines
	case "detectionEngines":
		return &ti.DetectionEngines
	case "filePath":
		return &ti.FilePath
	case "fileSize":
		return &ti.FileSize
	case "sha1":
		return &ti.SHA1
	case "sha256":
		return &ti.SHA256
	case "md5":
		return &ti.MD5
	case "fileExtension":
		return &ti.FileExtension
	case "fileExtensionType":
		return &ti.FileExtensionType
	case "fileVerificationType":
		return &ti.FileVerificationType
	case "publisherName":
		return &ti.PublisherName
	case "certificateId":
		return &ti.CertificateID
	case "originatorProcess":
		return &ti.OriginatorProcess
	case "maliciousProcessArguments":
		return &ti.MaliciousProcessArgs
	case "processUser":
		return &ti.ProcessUser
	case "storyline":
		return &ti.Storyline
	case "collectionId":
		return &ti.CollectionID
	case "cloudFilesHashVerdict":
		return &ti.CloudFilesHashVerdict
	case "externalTicketId":
		return &ti.ExternalTicketID
	case "externalTicketExists":
		return &ti.ExternalTicketExists
	case "initiatingUserId":
		return &ti.InitiatingUserID
	case "initiatingUsername":
		return &ti.InitiatingUsername
	case "rootProcessUpn":
		return &ti.RootProcessUPN
	case "isFileless":
		return &ti.IsFileless
	case "isValidCertificate":
		return &ti.IsValidCertificate
	case "automaticallyResolved":
		return &ti.AutomaticallyResolved
	case "mitigatedPreemptively":
		return &ti.MitigatedPreemptively
	case "failedActions":
		return &ti.FailedActions
	case "pendingActions":
		return &ti.PendingActions
	case "rebootRequired":
		return &ti.RebootRequired
	case "reachedEventsLimit":
		return &ti.ReachedEventsLimit
	}
	return nil
}

// agentRealtimeInfoKeys are the JSON members of AgentRealtimeInfo.
var agentRealtimeInfoKeys = [...]string{"agentId", "agentUuid", "agentComputerName", "agentDomain", "agentOsType", "agentOsName", "agentOsRevision", "agentVersion", "agentMachineType", "agentNetworkStatus", "agentIsActive", "agentInfected", "agentIsDecommissioned", "agentMitigationMode", "activeThreats", "networkInterfaces", "scanStatus", "scanStartedAt", "scanFinishedAt", "scanAbortedAt", "operationalState", "rebootRequired", "accountId", "accountName", "siteId", "siteName", "groupId", "groupName"}

func (a *AgentRealtimeInfo) field(key string) any {
	switch key {
	case "agentId":
		return &a.AgentID
	case "agentUuid":
		return &a.AgentUUID
	case "agentComputerName":
		return &a.ComputerName
	case "agentDomain":
		return &a.Domain
	case "agentOsType":
		return &a.OSType
	case "agentOsName":
		return &a.OSName
	case "agentOsRevision":
		return &a.OSRevision
	case "agentVersion":
		return &a.Version
	case "agentMachineType":
		return &a.MachineType
	case "agentNetworkStatus":
		return (*string)(&a.NetworkStatus)
	case "agentIsActive":
		return &a.IsActive
	case "agentInfected":
		return &a.Infected
	case "agentIsDecommissioned":
		return &a.IsDecommissioned
	case "agentMitigationMode":
		return &a.MitigationMode
	case "activeThreats":
		return &a.ActiveThreats
	case "networkInterfaces":
		return &a.NetworkInterfaces
	case "scanStatus":
		return &a.ScanStatus
	case "scanStartedAt":
		return &a.ScanStartedAt
	case "scanFinishedAt":
		return &a.ScanFinishedAt
	case "scanAbortedAt":
		return &a.ScanAbortedAt
	case "operationalState":
		return &a.OperationalState
	case "rebootRequired":
		return &a.RebootRequired
	case "accountId":
		return &a.AccountID
	case "accountName":
		return &a.AccountName
	case "siteId":
		return &a.SiteID
	case "siteName":
		return &a.SiteName
	case "groupId":
		return &a.GroupID
	case "groupName":
		return &a.GroupName
	}
	return nil
}

// agentDetectionInfoKeys are the JSON members of AgentDetectionInfo.
var agentDetectionInfoKeys = [...]string{"agentUuid", "agentIpV4", "agentIpV6", "externalIp", "agentDomain", "agentLastLoggedInUserName", "agentLastLoggedInUpn", "agentLastLoggedInUserMail", "agentOsName", "agentOsRevision", "agentRegisteredAt", "agentVersion", "assetVersion", "agentMitigationMode", "agentDetectionState", "cloudProviders", "accountId", "accountName", "siteId", "siteName", "groupId", "groupName"}

func (a *AgentDetectionInfo) field(key string) any {
	switch key {
	case "agentUuid":
		return &a.AgentUUID
	case "agentIpV4":
		return &a.AgentIPv4
	case "agentIpV6":
		return &a.AgentIPv6
	case "externalIp":
		return &a.ExternalIP
	case "agentDomain":
		return &a.Domain
	case "agentLastLoggedInUserName":
		return &a.LastLoggedInUserName
	case "agentLastLoggedInUpn":
		return &a.LastLoggedInUPN
	case "agentLastLoggedInUserMail":
		return &a.LastLoggedInUserMail
	case "agentOsName":
		return &a.OSName
	case "agentOsRevision":
		return &a.OSRevision
	case "agentRegisteredAt":
		return &a.RegisteredAt
	case "agentVersion":
		return &a.Version
	case "assetVersion":
		return &a.AssetVersion
	case "agentMitigationMode":
		return &a.MitigationMode
	case "agentDetectionState":
		return &a.DetectionState
	case "cloudProviders":
		return &a.CloudProviders
	case "accountId":
		return &a.AccountID
	case "accountName":
		return &a.AccountName
	case "siteId":
		return &a.SiteID
	case "siteName":
		return &a.SiteName
	case "groupId":
		return &a.GroupID
	case "groupName":
		return &a.GroupName
	}
	return nil
}
