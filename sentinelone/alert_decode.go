package sentinelone

import (
	"time"
	"unicode/utf8"

	"github.com/socgo/xdr/internal/jsonpage"
	"github.com/socgo/xdr/internal/jsonscan"
)

// The alerts of a page are decoded with the module's field-table decoder
// (internal/jsonscan), as activities are: one pass over each block the SDK
// models, straight into the Alert, with the text of all the alert's
// strings in one allocation. Anything the tables do not take as
// encoding/json would (escaped or case-folded member names, repeated
// members, a value of another JSON type, \u escapes, invalid UTF-8) gives
// the alert to the general decoder, whose result or error it is.

// alertPage decodes the alerts of one page. Its scratch, where the blocks
// of an alert are found, is reused from one alert to the next: the field
// table's functions see it through a pointer, so a local one would be an
// allocation per alert.
type alertPage struct{ blocks alertBlocks }

// decode decodes span, an alert of the page, keeping it as Raw: with the
// field tables, or else the go-json-experiment decoder.
func (p *alertPage) decode(span []byte, a *Alert) error {
	if p.decodeShared(span, a) {
		return nil
	}
	return a.decode(span, jsonpage.Unmarshal)
}

// decodeShared fills a from raw, a valid JSON value (a span of a page the
// page's decoder has checked), which it keeps as Raw without copying it.
// It reports false when raw needs the general decoder.
func (p *alertPage) decodeShared(raw []byte, a *Alert) bool {
	var d jsonscan.Decoder
	d.Init(raw, true, 0)
	*a = Alert{}
	p.blocks = alertBlocks{-1, -1, -1, -1, -1}
	end, ok := jsonscan.Object(&d, alertTable, &p.blocks, d.Space(0))
	if !ok || d.Space(end) != len(raw) {
		return false
	}
	b := &p.blocks
	if !decodeBlock(&d, raw, b[blockInfo], alertInfoTable, &a.Info) ||
		!decodeBlock(&d, raw, b[blockRule], alertRuleTable, &a.Rule) ||
		!decodeBlock(&d, raw, b[blockAgent], alertAgentTable, &a.Agent) ||
		!decodeBlock(&d, raw, b[blockSource], alertProcessTable, &a.SourceProcess) ||
		!decodeBlock(&d, raw, b[blockParent], alertProcessTable, &a.SourceParentProcess) {
		return false
	}
	d.Flush()
	a.Raw = raw[:len(raw):len(raw)]
	return true
}

// decodeBlock decodes the block of an alert that starts at raw[i] (none
// when i < 0; null leaves v zero, as encoding/json does) with table t.
func decodeBlock[T any](d *jsonscan.Decoder, raw []byte, i int, t *jsonscan.Table[T], v *T) bool {
	if i < 0 || jsonscan.IsNull(raw, i) {
		return true
	}
	_, ok := jsonscan.Object(d, t, v, i)
	return ok
}

// alertBlocks holds where each modelled block of an alert starts in its
// bytes (-1: absent). The blocks are decoded once the alert's members have
// been read, with the same jsonscan.Decoder, so that their strings share
// one allocation.
type alertBlocks [5]int

// The blocks, as indices of alertBlocks.
const (
	blockInfo = iota
	blockRule
	blockAgent
	blockSource
	blockParent
)

// alertTable is the field table of an alert's members: the blocks it
// models; the others (containerInfo, kubernetesInfo…) are only in Raw.
var alertTable = jsonscan.NewTable(
	alertBlock("alertInfo", blockInfo),
	alertBlock("ruleInfo", blockRule),
	alertBlock("agentDetectionInfo", blockAgent),
	alertBlock("sourceProcessInfo", blockSource),
	alertBlock("sourceParentProcessInfo", blockParent),
)

// alertBlock is the member that holds block k: its start is noted, its
// value passed over (the bytes are valid JSON).
func alertBlock(name string, k int) jsonscan.Field[alertBlocks] {
	return jsonscan.Value(name, func(p *alertBlocks, b []byte, i int) (int, bool) {
		p[k] = i
		return jsonscan.ValueEnd(b, i)
	})
}

// alertInfoTable is the field table of the alertInfo block (alertInfoJSON).
// alertId, srcPort and dstPort are taken as strings or numbers, as nstring
// takes them.
var alertInfoTable = jsonscan.NewTable(
	jsonscan.StringOrNumber("alertId", func(i *AlertInfo) *string { return &i.AlertID }),
	timeField("createdAt", func(i *AlertInfo) *time.Time { return &i.CreatedAt }),
	timeField("reportedAt", func(i *AlertInfo) *time.Time { return &i.ReportedAt }),
	timeField("updatedAt", func(i *AlertInfo) *time.Time { return &i.UpdatedAt }),
	alertWord("analystVerdict", func(i *AlertInfo) *string { return (*string)(&i.AnalystVerdict) }),
	alertWord("incidentStatus", func(i *AlertInfo) *string { return (*string)(&i.IncidentStatus) }),
	jsonscan.String("eventType", func(i *AlertInfo) *string { return &i.EventType }),
	jsonscan.String("dvEventId", func(i *AlertInfo) *string { return &i.DVEventID }),
	jsonscan.String("source", func(i *AlertInfo) *string { return &i.Source }),
	jsonscan.String("hitType", func(i *AlertInfo) *string { return &i.HitType }),
	jsonscan.Bool("isEdr", func(i *AlertInfo) *bool { return &i.IsEDR }),
	jsonscan.String("srcIp", func(i *AlertInfo) *string { return &i.SrcIP }),
	jsonscan.StringOrNumber("srcPort", func(i *AlertInfo) *string { return &i.SrcPort }),
	jsonscan.String("dstIp", func(i *AlertInfo) *string { return &i.DstIP }),
	jsonscan.StringOrNumber("dstPort", func(i *AlertInfo) *string { return &i.DstPort }),
	jsonscan.String("dnsRequest", func(i *AlertInfo) *string { return &i.DNSRequest }),
	jsonscan.String("loginsUserName", func(i *AlertInfo) *string { return &i.LoginsUserName }),
	jsonscan.String("registryKeyPath", func(i *AlertInfo) *string { return &i.RegistryKeyPath }),
	jsonscan.String("tiIndicatorValue", func(i *AlertInfo) *string { return &i.TIIndicatorValue }),
	jsonscan.String("tiIndicatorType", func(i *AlertInfo) *string { return &i.TIIndicatorType }),
)

// alertRuleTable is the field table of AlertRuleInfo (FlexID: a string or
// a number).
var alertRuleTable = jsonscan.NewTable(
	jsonscan.StringOrNumber("id", func(r *AlertRuleInfo) *string { return (*string)(&r.ID) }),
	jsonscan.String("name", func(r *AlertRuleInfo) *string { return &r.Name }),
	jsonscan.String("description", func(r *AlertRuleInfo) *string { return &r.Description }),
	jsonscan.String("severity", func(r *AlertRuleInfo) *string { return (*string)(&r.Severity) }),
	jsonscan.String("s1ql", func(r *AlertRuleInfo) *string { return &r.S1QL }),
	jsonscan.String("queryLang", func(r *AlertRuleInfo) *string { return &r.QueryLang }),
	jsonscan.String("queryType", func(r *AlertRuleInfo) *string { return &r.QueryType }),
	jsonscan.String("scopeLevel", func(r *AlertRuleInfo) *string { return &r.ScopeLevel }),
	jsonscan.String("treatAsThreat", func(r *AlertRuleInfo) *string { return &r.TreatAsThreat }),
)

// alertAgentTable is the field table of AlertAgentInfo.
var alertAgentTable = jsonscan.NewTable(
	jsonscan.String("name", func(g *AlertAgentInfo) *string { return &g.Name }),
	jsonscan.String("uuid", func(g *AlertAgentInfo) *string { return &g.UUID }),
	jsonscan.StringOrNumber("accountId", func(g *AlertAgentInfo) *string { return (*string)(&g.AccountID) }),
	jsonscan.StringOrNumber("siteId", func(g *AlertAgentInfo) *string { return (*string)(&g.SiteID) }),
	jsonscan.String("osFamily", func(g *AlertAgentInfo) *string { return &g.OSFamily }),
	jsonscan.String("osName", func(g *AlertAgentInfo) *string { return &g.OSName }),
	jsonscan.String("osRevision", func(g *AlertAgentInfo) *string { return &g.OSRevision }),
	jsonscan.String("version", func(g *AlertAgentInfo) *string { return &g.Version }),
	jsonscan.String("machineType", func(g *AlertAgentInfo) *string { return &g.MachineType }),
)

// alertProcessTable is the field table of AlertProcessInfo.
var alertProcessTable = jsonscan.NewTable(
	jsonscan.String("name", func(p *AlertProcessInfo) *string { return &p.Name }),
	jsonscan.StringOrNumber("pid", func(p *AlertProcessInfo) *string { return (*string)(&p.PID) }),
	jsonscan.String("commandline", func(p *AlertProcessInfo) *string { return &p.CommandLine }),
	jsonscan.String("filePath", func(p *AlertProcessInfo) *string { return &p.FilePath }),
	jsonscan.String("fileHashSha1", func(p *AlertProcessInfo) *string { return &p.SHA1 }),
	jsonscan.String("fileHashSha256", func(p *AlertProcessInfo) *string { return &p.SHA256 }),
	jsonscan.String("fileHashMd5", func(p *AlertProcessInfo) *string { return &p.MD5 }),
	jsonscan.String("storyline", func(p *AlertProcessInfo) *string { return &p.Storyline }),
	jsonscan.String("user", func(p *AlertProcessInfo) *string { return &p.User }),
	jsonscan.String("fileSignerIdentity", func(p *AlertProcessInfo) *string { return &p.Signer }),
	jsonscan.String("integrityLevel", func(p *AlertProcessInfo) *string { return &p.Integrity }),
	jsonscan.String("uniqueId", func(p *AlertProcessInfo) *string { return &p.UniqueID }),
)

// alertWord is a verdict or status member, set to normalWord of its text
// (null leaves it unchanged). The API's own words ("True positive", "In
// progress"…) map to the constants without allocating. Escapes give up.
func alertWord(name string, f func(*AlertInfo) *string) jsonscan.Field[AlertInfo] {
	return jsonscan.Value(name, func(v *AlertInfo, b []byte, i int) (int, bool) {
		if jsonscan.IsNull(b, i) {
			return i + 4, true
		}
		end, escaped, nonASCII, ok := jsonscan.ScanString(b, i)
		if !ok || escaped {
			return 0, false
		}
		body := b[i+1 : end-1]
		switch {
		case !nonASCII:
			*f(v) = normalASCII(body)
		case utf8.Valid(body):
			*f(v) = normalWord(string(body))
		default:
			return 0, false // encoding/json replaces invalid UTF-8
		}
		return end, true
	})
}

// alertWords are the words normalASCII returns without allocating.
var alertWords = [...]string{
	string(VerdictUndefined), string(VerdictTruePositive), string(VerdictFalsePositive), string(VerdictSuspicious),
	string(IncidentUnresolved), string(IncidentInProgress), string(IncidentResolved),
}

// normalASCII is normalWord for ASCII text without control bytes (the text
// of a plain JSON string): trimmed of spaces, in lower case, its spaces
// turned to underscores.
func normalASCII(s []byte) string {
	for len(s) > 0 && s[0] == ' ' {
		s = s[1:]
	}
	for len(s) > 0 && s[len(s)-1] == ' ' {
		s = s[:len(s)-1]
	}
	var buf [32]byte
	if len(s) > len(buf) {
		return normalWord(string(s))
	}
	w := buf[:len(s)]
	for k, c := range s {
		switch {
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
		case c == ' ':
			c = '_'
		}
		w[k] = c
	}
	for _, word := range alertWords {
		if string(w) == word {
			return word
		}
	}
	return string(w)
}
