package tehtris

import (
	"time"

	"github.com/socgo/xdr/internal/jsonscan"
)

// This file holds the fast decoder of a page of events: one pass of the
// module's field-table decoder (internal/jsonscan) over the page buffer,
// which fills the typed fields and cuts each event's Raw out of the
// buffer. It accepts only the plain JSON the API sends; on anything else
// it reports !ok and the page is decoded again by the general path
// (encoding/json), which gives the same result or the error.
// FuzzFastDecode checks that both paths agree.

// decodeEventsFast decodes the JSON array data of events, hint being the
// expected number of events (0 if unknown). ok is false when the page is
// not in the plain form this decoder accepts.
func decodeEventsFast(data []byte, hint int) (evs []Event, ok bool) {
	var d jsonscan.Decoder
	d.Init(data, false, len(data)) // the arena is never outgrown: unescaping only shrinks
	if hint <= 0 {
		hint = 16
	}
	out := make([]Event, 0, hint)
	end, ok := d.Array(d.Space(0), func(i int) (int, bool) {
		out = append(out, Event{})
		e := &out[len(out)-1]
		end, ok := jsonscan.Object(&d, eventTable, e, i)
		if ok {
			e.Raw = data[i:end:end]
		}
		return end, ok
	})
	if !ok || d.Space(end) != len(data) {
		return nil, false
	}
	return out, true
}

type (
	eventField = jsonscan.Field[Event]
	decoder    = jsonscan.Decoder
)

func field(name string, set func(*decoder, *Event, int) (int, bool)) eventField {
	return eventField{Name: name, Set: set}
}

func strField(name string, f func(*Event) *string) eventField {
	return field(name, func(d *decoder, e *Event, i int) (int, bool) { return d.String(f(e), i) })
}

func int64Field(name string, f func(*Event) *int64) eventField {
	return field(name, func(d *decoder, e *Event, i int) (int, bool) { return d.Int64(f(e), i) })
}

func intPtrField(name string, f func(*Event) **int64) eventField {
	return field(name, func(d *decoder, e *Event, i int) (int, bool) { return d.IntPtr(f(e), i) })
}

func timeField(name string, f func(*Event) *time.Time) eventField {
	return field(name, func(d *decoder, e *Event, i int) (int, bool) { return decodeTime(d, f(e), i) })
}

// eventTable is the field table of Event: every member with a typed field.
var eventTable = jsonscan.NewTable(
	int64Field("id", func(e *Event) *int64 { return &e.ID }),
	timeField("time", func(e *Event) *time.Time { return &e.Time }),
	int64Field("rflId", func(e *Event) *int64 { return &e.ApplianceID }),
	field("lvl", func(d *decoder, e *Event, i int) (int, bool) { return d.Int(&e.Level, i) }),
	strField("module", func(e *Event) *string { return &e.Module }),
	strField("eventName", func(e *Event) *string { return &e.EventName }),
	int64Field("egKBId", func(e *Event) *int64 { return &e.KnowledgeBaseID }),
	strField("description", func(e *Event) *string { return &e.Description }),
	strField("ipSrc", func(e *Event) *string { return &e.SourceIP }),
	strField("ipDst", func(e *Event) *string { return &e.DestinationIP }),
	strField("uuid__", func(e *Event) *string { return &e.AgentUUID }),
	strField("uid", func(e *Event) *string { return &e.UID }),
	strField("hostname__", func(e *Event) *string { return &e.Hostname }),
	strField("domain__", func(e *Event) *string { return &e.Domain }),
	strField("os__", func(e *Event) *string { return &e.OS }),
	strField("os_version__", func(e *Event) *string { return &e.OSVersion }),
	strField("os_release__", func(e *Event) *string { return &e.OSRelease }),
	strField("os_architecture__", func(e *Event) *string { return &e.OSArchitecture }),
	field("os_server__", func(d *decoder, e *Event, i int) (int, bool) { return d.Bool(&e.OSServer, i) }),
	strField("tag", func(e *Event) *string { return &e.Tag }),
	strField("tags", func(e *Event) *string { return &e.Tags }),
	strField("path", func(e *Event) *string { return &e.Path }),
	strField("cmdline", func(e *Event) *string { return &e.CommandLine }),
	intPtrField("pid", func(e *Event) **int64 { return &e.PID }),
	intPtrField("ppid", func(e *Event) **int64 { return &e.PPID }),
	timeField("pCreateDatetime", func(e *Event) *time.Time { return &e.ProcessCreated }),
	strField("username", func(e *Event) *string { return &e.Username }),
	strField("sha256", func(e *Event) *string { return &e.SHA256 }),
	strField("location", func(e *Event) *string { return &e.Location }),
	intPtrField("positives", func(e *Event) **int64 { return &e.Positives }),
	intPtrField("total", func(e *Event) **int64 { return &e.Total }),
	timeField("atime", func(e *Event) *time.Time { return &e.AccessTime }),
	timeField("ctime", func(e *Event) *time.Time { return &e.ChangeTime }),
	timeField("mtime", func(e *Event) *time.Time { return &e.ModifyTime }),
	timeField("hash_last_update", func(e *Event) *time.Time { return &e.HashLastUpdate }),
	strField("signatures", func(e *Event) *string { return &e.Signatures }),
	intPtrField("maliciousMacro", func(e *Event) **int64 { return &e.MaliciousMacros }),
	intPtrField("firstTimeMacro", func(e *Event) **int64 { return &e.FirstTimeMacros }),
	intPtrField("unknownMacro", func(e *Event) **int64 { return &e.UnknownMacros }),
	strField("report", func(e *Event) *string { return &e.Report }),
)

// time decodes a timestamp: null and "" give the zero time, the API's
// layout ("2022-10-28T11:58:20.377350+00:00") is parsed here without
// allocation, and any other string goes through wireTime as with
// encoding/json.
func decodeTime(d *jsonscan.Decoder, v *time.Time, i int) (int, bool) {
	if d.IsNull(i) {
		*v = time.Time{}
		return i + 4, true
	}
	end, _, _, ok := d.StringEnd(i)
	if !ok {
		return 0, false
	}
	if t, ok := parseWireTime(d.Bytes()[i+1 : end-1]); ok {
		*v = t
		return end, true
	}
	var w wireTime
	if w.UnmarshalJSON(d.Bytes()[i:end]) != nil {
		return 0, false
	}
	*v = w.Time
	return end, true
}

// parseWireTime parses "YYYY-MM-DDTHH:MM:SS.ffffff+00:00" exactly as
// time.Time.UnmarshalJSON does (the location is time.Local when its
// offset is 0 at that instant, else a fixed zone of offset 0). ok is false
// for anything else.
func parseWireTime(s []byte) (time.Time, bool) {
	const layout = "dddd-dd-ddTdd:dd:dd.dddddd+00:00"
	if len(s) != len(layout) {
		return time.Time{}, false
	}
	for j := range len(layout) {
		if layout[j] == 'd' {
			if s[j] < '0' || s[j] > '9' {
				return time.Time{}, false
			}
		} else if s[j] != layout[j] {
			return time.Time{}, false
		}
	}
	num := func(a, b int) int {
		n := 0
		for _, c := range s[a:b] {
			n = n*10 + int(c-'0')
		}
		return n
	}
	year, month, day := num(0, 4), num(5, 7), num(8, 10)
	hour, minute, sec, micro := num(11, 13), num(14, 16), num(17, 19), num(20, 26)
	if month < 1 || month > 12 || day < 1 || day > daysIn(time.Month(month), year) ||
		hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, false
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, micro*1000, time.UTC)
	if lt := t.In(time.Local); zoneOffset(lt) == 0 {
		return lt, true
	}
	return t.In(time.FixedZone("", 0)), true
}

func zoneOffset(t time.Time) int {
	_, off := t.Zone()
	return off
}

func daysIn(m time.Month, year int) int {
	switch m {
	case time.February:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}
