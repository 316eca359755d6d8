package tehtris

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/socgo/xdr/internal/argcheck"
	"github.com/socgo/xdr/internal/jsonscan"
)

// Event is one EDR/XDR event as returned by GET /xdr/v1/event.
//
// The typed fields cover every field seen in the platform's events; which
// ones are set depends on EventName (HeuristicAlert, antivirusAlert,
// sandboxAlert, oletools, …). ID, Time, ApplianceID, Level, Module and
// EventName are always sent. A field the API sent as null, or did not send,
// is the zero value (nil for the pointer fields, whose zero is meaningful).
//
// Raw holds the exact JSON object the event was decoded from, unknown
// fields included, and MarshalJSON returns it unchanged: forwarding
// ev.Raw (or the result of ev.MarshalJSON) to another system is lossless.
// Note that json.Marshal compacts a Marshaler's output and escapes <, > and
// & in it; use Raw, or a json.Encoder with SetEscapeHTML(false) on an
// already compact Raw, for the exact bytes.
//
// Events decoded by List, All, Get and DecodeEvents alias the page they
// came in: Raw is a slice of the page's buffer (capped, so appending to it
// copies), and it must be treated as read-only, since writing to it would
// change the bytes other holders see. Their string fields share one buffer
// per page. Keeping any part of an event keeps its page's memory alive:
// clone what you keep for long (bytes.Clone, strings.Clone).
type Event struct {
	// ID identifies the event on the platform ("id"); it is the key for
	// de-duplication and for SetStatus.
	ID int64
	// Time is when the event happened ("time"), sent with microseconds
	// and a +00:00 offset.
	Time time.Time
	// ApplianceID is the id of the appliance (RFL) managing the endpoint
	// ("rflId"); it addresses the endpoint in the EDR endpoints.
	ApplianceID int64
	// Level is the severity, from 0 (least) to 9 (most) ("lvl").
	Level int
	// Module is the producing module, for example "das" ("module").
	Module string
	// EventName is the type of event, for example "HeuristicAlert",
	// "antivirusAlert", "sandboxAlert" or "oletools" ("eventName"). Names
	// ending in "Alert" are alerts.
	EventName string
	// KnowledgeBaseID is the id of the rule in the Event Knowledge Base
	// ("egKBId").
	KnowledgeBaseID int64
	// Description is the human-readable text of the event: process tree,
	// policy and MITRE technique, remediation taken, URLs… ("description").
	Description string
	// SourceIP and DestinationIP are the event's addresses ("ipSrc",
	// "ipDst").
	SourceIP, DestinationIP string

	// AgentUUID is the UUID of the EDR agent ("uuid__"); with ApplianceID
	// it addresses the endpoint (see Event.Endpoint).
	AgentUUID string
	// UID is "{uuid};{os};{hostname};{domain}" ("uid").
	UID string
	// Hostname and Domain name the host ("hostname__", "domain__").
	Hostname, Domain string
	// OS is the OS family, for example "windows" ("os__").
	OS string
	// OSVersion, OSRelease and OSArchitecture describe the OS
	// ("os_version__", "os_release__", "os_architecture__").
	OSVersion, OSRelease, OSArchitecture string
	// OSServer reports a server OS ("os_server__").
	OSServer bool
	// Tag is the endpoint's tag, "TRIGRAM_…" ("tag"); Tags holds extra
	// tags ("tags").
	Tag, Tags string

	// Path is the file or process image path ("path").
	Path string
	// CommandLine is the process command line ("cmdline").
	CommandLine string
	// PID and PPID are the process and parent process ids ("pid",
	// "ppid"); nil when null or absent.
	PID, PPID *int64
	// ProcessCreated is the process creation time ("pCreateDatetime").
	ProcessCreated time.Time
	// Username is "DOMAIN\user" ("username").
	Username string
	// SHA256 is the file hash ("sha256").
	SHA256 string
	// Location tells where the file was found, for example
	// "Task: \Microsoft\…" ("location").
	Location string

	// Positives and Total are the antivirus engines that flagged the file
	// and the number that scanned it ("positives", "total").
	Positives, Total *int64
	// AccessTime, ChangeTime and ModifyTime are the file's times ("atime",
	// "ctime", "mtime"); HashLastUpdate is when its reputation was last
	// updated ("hash_last_update").
	AccessTime, ChangeTime, ModifyTime, HashLastUpdate time.Time

	// Signatures is the sandbox score, for example "45%" ("signatures").
	Signatures string

	// MaliciousMacros, FirstTimeMacros and UnknownMacros count the macros
	// of an analysed document ("maliciousMacro", "firstTimeMacro",
	// "unknownMacro"); nil when null or absent.
	MaliciousMacros, FirstTimeMacros, UnknownMacros *int64
	// Report is the document analysis report ("report").
	Report string

	// Raw is the exact JSON object the event was decoded from.
	Raw json.RawMessage
}

// eventJSON is the wire form of Event, used to decode the typed fields and
// to encode an Event built in code (without Raw).
type eventJSON struct {
	ID              int64    `json:"id"`
	Time            wireTime `json:"time"`
	ApplianceID     int64    `json:"rflId"`
	Level           int      `json:"lvl"`
	Module          string   `json:"module"`
	EventName       string   `json:"eventName"`
	KnowledgeBaseID int64    `json:"egKBId,omitempty"`
	Description     string   `json:"description,omitempty"`
	SourceIP        string   `json:"ipSrc,omitempty"`
	DestinationIP   string   `json:"ipDst,omitempty"`
	AgentUUID       string   `json:"uuid__,omitempty"`
	UID             string   `json:"uid,omitempty"`
	Hostname        string   `json:"hostname__,omitempty"`
	Domain          string   `json:"domain__,omitempty"`
	OS              string   `json:"os__,omitempty"`
	OSVersion       string   `json:"os_version__,omitempty"`
	OSRelease       string   `json:"os_release__,omitempty"`
	OSArchitecture  string   `json:"os_architecture__,omitempty"`
	OSServer        bool     `json:"os_server__,omitempty"`
	Tag             string   `json:"tag,omitempty"`
	Tags            string   `json:"tags,omitempty"`
	Path            string   `json:"path,omitempty"`
	CommandLine     string   `json:"cmdline,omitempty"`
	PID             *int64   `json:"pid,omitempty"`
	PPID            *int64   `json:"ppid,omitempty"`
	ProcessCreated  wireTime `json:"pCreateDatetime,omitzero"`
	Username        *string  `json:"username,omitempty"`
	SHA256          string   `json:"sha256,omitempty"`
	Location        string   `json:"location,omitempty"`
	Positives       *int64   `json:"positives,omitempty"`
	Total           *int64   `json:"total,omitempty"`
	AccessTime      wireTime `json:"atime,omitzero"`
	ChangeTime      wireTime `json:"ctime,omitzero"`
	ModifyTime      wireTime `json:"mtime,omitzero"`
	HashLastUpdate  wireTime `json:"hash_last_update,omitzero"`
	Signatures      string   `json:"signatures,omitempty"`
	MaliciousMacros *int64   `json:"maliciousMacro,omitempty"`
	FirstTimeMacros *int64   `json:"firstTimeMacro,omitempty"`
	UnknownMacros   *int64   `json:"unknownMacro,omitempty"`
	Report          string   `json:"report,omitempty"`
}

// isEventKey reports whether k is a member of the event object that a
// typed field of Event carries.
func isEventKey(k string) bool {
	switch k {
	case "id", "time", "rflId", "lvl", "module", "eventName", "egKBId", "description",
		"ipSrc", "ipDst", "uuid__", "uid", "hostname__", "domain__", "os__", "os_version__",
		"os_release__", "os_architecture__", "os_server__", "tag", "tags", "path", "cmdline",
		"pid", "ppid", "pCreateDatetime", "username", "sha256", "location", "positives",
		"total", "atime", "ctime", "mtime", "hash_last_update", "signatures",
		"maliciousMacro", "firstTimeMacro", "unknownMacro", "report":
		return true
	}
	return false
}

// TimeLayout is the layout of the API's timestamps
// ("2022-10-28T11:58:20.377350+00:00"), used when an Event built in code
// (without Raw) is encoded.
const TimeLayout = "2006-01-02T15:04:05.000000-07:00"

// wireTime is a timestamp of the API: RFC 3339 with fraction and offset;
// null and "" are the zero time; a time without offset is taken as UTC.
type wireTime struct{ time.Time }

func (t *wireTime) UnmarshalJSON(b []byte) error {
	if string(b) == "null" || string(b) == `""` {
		t.Time = time.Time{}
		return nil
	}
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return fmt.Errorf("time %s is not a string", truncate(b))
	}
	if t.Time.UnmarshalJSON(b) == nil { // RFC 3339, without a copy
		return nil
	}
	p, err := parseTime(string(b[1 : len(b)-1]))
	if err != nil {
		return err
	}
	t.Time = p
	return nil
}

func (t wireTime) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("null"), nil
	}
	b := make([]byte, 0, len(TimeLayout)+2)
	b = append(b, '"')
	b = t.UTC().AppendFormat(b, TimeLayout)
	return append(b, '"'), nil
}

func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err == nil {
		return t, nil
	}
	if t2, err2 := time.ParseInLocation("2006-01-02T15:04:05.999999999", s, time.UTC); err2 == nil {
		return t2, nil
	}
	return time.Time{}, fmt.Errorf("time %q is not RFC 3339", argcheck.Short(s))
}

// UnmarshalJSON decodes one event object and keeps a copy of data in Raw.
func (e *Event) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	raw := make(json.RawMessage, len(data))
	copy(raw, data)
	if err := e.decode(raw); err != nil {
		return fmt.Errorf("tehtris: %w", err)
	}
	return nil
}

// decode fills e from the JSON object raw, which e keeps as Raw (not
// copied).
func (e *Event) decode(raw []byte) error {
	if len(raw) == 0 || raw[0] != '{' {
		return fmt.Errorf("event is not a JSON object: %s", truncate(raw))
	}
	var w eventJSON
	if err := json.Unmarshal(raw, &w); err != nil {
		return fmt.Errorf("decode event%s: %w", idHint(raw), err)
	}
	e.fromWire(&w, raw)
	return nil
}

// fromWire sets e from its wire form and raw bytes.
func (e *Event) fromWire(w *eventJSON, raw []byte) {
	*e = Event{
		ID: w.ID, Time: w.Time.Time, ApplianceID: w.ApplianceID, Level: w.Level,
		Module: w.Module, EventName: w.EventName, KnowledgeBaseID: w.KnowledgeBaseID,
		Description: w.Description, SourceIP: w.SourceIP, DestinationIP: w.DestinationIP,
		AgentUUID: w.AgentUUID, UID: w.UID, Hostname: w.Hostname, Domain: w.Domain,
		OS: w.OS, OSVersion: w.OSVersion, OSRelease: w.OSRelease, OSArchitecture: w.OSArchitecture,
		OSServer: w.OSServer, Tag: w.Tag, Tags: w.Tags, Path: w.Path, CommandLine: w.CommandLine,
		PID: w.PID, PPID: w.PPID, ProcessCreated: w.ProcessCreated.Time, SHA256: w.SHA256,
		Location: w.Location, Positives: w.Positives, Total: w.Total,
		AccessTime: w.AccessTime.Time, ChangeTime: w.ChangeTime.Time, ModifyTime: w.ModifyTime.Time,
		HashLastUpdate: w.HashLastUpdate.Time, Signatures: w.Signatures,
		MaliciousMacros: w.MaliciousMacros, FirstTimeMacros: w.FirstTimeMacros,
		UnknownMacros: w.UnknownMacros, Report: w.Report,
		Raw: raw[:len(raw):len(raw)],
	}
	if w.Username != nil {
		e.Username = *w.Username
	}
}

// wire returns the wire form of the typed fields.
func (e *Event) wire() eventJSON {
	w := eventJSON{
		ID: e.ID, Time: wireTime{e.Time}, ApplianceID: e.ApplianceID, Level: e.Level,
		Module: e.Module, EventName: e.EventName, KnowledgeBaseID: e.KnowledgeBaseID,
		Description: e.Description, SourceIP: e.SourceIP, DestinationIP: e.DestinationIP,
		AgentUUID: e.AgentUUID, UID: e.UID, Hostname: e.Hostname, Domain: e.Domain,
		OS: e.OS, OSVersion: e.OSVersion, OSRelease: e.OSRelease, OSArchitecture: e.OSArchitecture,
		OSServer: e.OSServer, Tag: e.Tag, Tags: e.Tags, Path: e.Path, CommandLine: e.CommandLine,
		PID: e.PID, PPID: e.PPID, ProcessCreated: wireTime{e.ProcessCreated}, SHA256: e.SHA256,
		Location: e.Location, Positives: e.Positives, Total: e.Total,
		AccessTime: wireTime{e.AccessTime}, ChangeTime: wireTime{e.ChangeTime}, ModifyTime: wireTime{e.ModifyTime},
		HashLastUpdate: wireTime{e.HashLastUpdate}, Signatures: e.Signatures,
		MaliciousMacros: e.MaliciousMacros, FirstTimeMacros: e.FirstTimeMacros,
		UnknownMacros: e.UnknownMacros, Report: e.Report,
	}
	if e.Username != "" {
		w.Username = &e.Username
	}
	return w
}

// MarshalJSON returns Raw unchanged when the event was decoded. An Event
// built in code (Raw empty) is encoded from its typed fields, with the
// API's member names and time layout, leaving out empty optional fields.
func (e Event) MarshalJSON() ([]byte, error) {
	if len(e.Raw) > 0 {
		return e.Raw, nil
	}
	return json.Marshal(e.wire())
}

// Extra returns the members of Raw that no typed field carries (fields
// added to the API after this version of the package), or nil when there
// are none. It decodes Raw on each call.
func (e *Event) Extra() map[string]json.RawMessage {
	if len(e.Raw) == 0 {
		return nil
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(e.Raw, &all); err != nil {
		return nil
	}
	var extra map[string]json.RawMessage
	for k, v := range all {
		if !isEventKey(k) {
			if extra == nil {
				extra = make(map[string]json.RawMessage)
			}
			extra[k] = v
		}
	}
	return extra
}

// Endpoint returns the address of the endpoint that raised the event, for
// the Endpoints service (ApplianceID and AgentUUID).
func (e *Event) Endpoint() Endpoint {
	return Endpoint{ApplianceID: e.ApplianceID, AgentUUID: e.AgentUUID}
}

// DecodeEvents decodes a page of events: the JSON array GET /xdr/v1/event
// returns. The events' Raw fields are capped slices of data (not copied):
// data must not be modified while the events are in use.
func DecodeEvents(data []byte) ([]Event, error) {
	evs, err := decodeEvents(data, 0)
	if err != nil {
		return nil, fmt.Errorf("tehtris: %w", err)
	}
	return evs, nil
}

// decodeEvents decodes a page of events; hint is the expected number of
// events (0 if unknown). The fast decoder handles the plain JSON the API
// sends; anything else goes through the general path, which gives the
// same events or the error.
func decodeEvents(data []byte, hint int) ([]Event, error) {
	if evs, ok := decodeEventsFast(data, hint); ok {
		return evs, nil
	}
	return decodeEventsGeneral(data)
}

// decodeEventsGeneral decodes a page with encoding/json.
func decodeEventsGeneral(data []byte) ([]Event, error) {
	elems, err := splitArray(data)
	if err != nil {
		return nil, fmt.Errorf("decode events: %w", err)
	}
	// One pass of encoding/json over the whole page; the elements found by
	// splitArray give each event its raw bytes.
	var ws []eventJSON
	if err := json.Unmarshal(data, &ws); err == nil && len(ws) == len(elems) {
		out := make([]Event, len(ws))
		for i := range ws {
			if el := elems[i]; el[0] != '{' {
				return nil, fmt.Errorf("decode events: element %d of %d: event is not a JSON object: %s", i, len(elems), truncate(el))
			}
			out[i].fromWire(&ws[i], elems[i])
		}
		return out, nil
	}
	// Find the element at fault, for the error.
	var ev Event
	for i, el := range elems {
		if err := ev.decode(el); err != nil {
			return nil, fmt.Errorf("decode events: element %d of %d: %w", i, len(elems), err)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("decode events: %w", err)
	}
	return nil, fmt.Errorf("decode events: %d elements, %d decoded", len(elems), len(ws))
}

// splitArray splits a JSON array into its elements without decoding them:
// one pass that follows strings and nesting. Each element is checked when
// it is decoded.
func splitArray(b []byte) ([][]byte, error) {
	i := jsonscan.SkipSpace(b, 0)
	if i >= len(b) || b[i] != '[' {
		return nil, errors.New("the body is not a JSON array")
	}
	i = jsonscan.SkipSpace(b, i+1)
	if i < len(b) && b[i] == ']' {
		if jsonscan.SkipSpace(b, i+1) != len(b) {
			return nil, errors.New("data after the end of the array")
		}
		return [][]byte{}, nil
	}
	out := make([][]byte, 0, 64)
	for {
		if i >= len(b) {
			return nil, errors.New("unexpected end of the array (truncated body?)")
		}
		end, err := skipValue(b, i)
		if err != nil {
			return nil, err
		}
		if end == i {
			return nil, fmt.Errorf("unexpected %q at byte %d", b[i], i)
		}
		out = append(out, b[i:end])
		i = jsonscan.SkipSpace(b, end)
		if i >= len(b) {
			return nil, errors.New("unexpected end of the array (truncated body?)")
		}
		switch b[i] {
		case ',':
			i = jsonscan.SkipSpace(b, i+1)
			continue
		case ']':
			if jsonscan.SkipSpace(b, i+1) != len(b) {
				return nil, errors.New("data after the end of the array")
			}
			return out, nil
		default:
			return nil, fmt.Errorf("unexpected %q at byte %d", b[i], i)
		}
	}
}

// skipValue returns the index just after the value starting at i.
func skipValue(b []byte, i int) (int, error) {
	depth := 0
	for i < len(b) {
		switch b[i] {
		case '"':
			j := i + 1
			for {
				k := bytes.IndexAny(b[j:], `"\`)
				if k < 0 {
					return 0, errors.New("unexpected end of a string (truncated body?)")
				}
				j += k
				if b[j] == '\\' {
					j += 2
					if j > len(b) {
						return 0, errors.New("unexpected end of a string (truncated body?)")
					}
					continue
				}
				break
			}
			i = j + 1
			if depth == 0 {
				return i, nil
			}
			continue
		case '{', '[':
			depth++
		case '}', ']':
			if depth == 0 {
				return i, nil
			}
			depth--
			if depth == 0 {
				return i + 1, nil
			}
		case ',', ' ', '\t', '\n', '\r':
			if depth == 0 {
				return i, nil
			}
		}
		i++
	}
	if depth != 0 {
		return 0, errors.New("unexpected end of the array (truncated body?)")
	}
	return i, nil
}

// idHint returns " id=N" when the start of an event object gives its id
// cheaply, for error messages.
func idHint(raw []byte) string {
	var v struct {
		ID json.Number `json:"id"`
	}
	if json.Unmarshal(raw, &v) == nil && v.ID != "" {
		if _, err := strconv.ParseInt(string(v.ID), 10, 64); err == nil {
			return " id=" + string(v.ID)
		}
	}
	return ""
}

func truncate(b []byte) string {
	if len(b) > 40 {
		return string(b[:40]) + "…"
	}
	return string(b)
}
