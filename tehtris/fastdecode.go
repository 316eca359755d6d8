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

// eventTable is the field table of Event: every member with a typed field.
var eventTable = jsonscan.NewTable(
	jsonscan.Int64("id", func(e *Event) *int64 { return &e.ID }),
	jsonscan.Value("time", func(e *Event, b []byte, i int) (int, bool) { return decodeTime(&e.Time, b, i) }),
	jsonscan.Int64("rflId", func(e *Event) *int64 { return &e.ApplianceID }),
	jsonscan.Int("lvl", func(e *Event) *int { return &e.Level }),
	jsonscan.String("module", func(e *Event) *string { return &e.Module }),
	jsonscan.String("eventName", func(e *Event) *string { return &e.EventName }),
	jsonscan.Int64("egKBId", func(e *Event) *int64 { return &e.KnowledgeBaseID }),
	jsonscan.String("description", func(e *Event) *string { return &e.Description }),
	jsonscan.String("ipSrc", func(e *Event) *string { return &e.SourceIP }),
	jsonscan.String("ipDst", func(e *Event) *string { return &e.DestinationIP }),
	jsonscan.String("uuid__", func(e *Event) *string { return &e.AgentUUID }),
	jsonscan.String("uid", func(e *Event) *string { return &e.UID }),
	jsonscan.String("hostname__", func(e *Event) *string { return &e.Hostname }),
	jsonscan.String("domain__", func(e *Event) *string { return &e.Domain }),
	jsonscan.String("os__", func(e *Event) *string { return &e.OS }),
	jsonscan.String("os_version__", func(e *Event) *string { return &e.OSVersion }),
	jsonscan.String("os_release__", func(e *Event) *string { return &e.OSRelease }),
	jsonscan.String("os_architecture__", func(e *Event) *string { return &e.OSArchitecture }),
	jsonscan.Bool("os_server__", func(e *Event) *bool { return &e.OSServer }),
	jsonscan.String("tag", func(e *Event) *string { return &e.Tag }),
	jsonscan.String("tags", func(e *Event) *string { return &e.Tags }),
	jsonscan.String("path", func(e *Event) *string { return &e.Path }),
	jsonscan.String("cmdline", func(e *Event) *string { return &e.CommandLine }),
	jsonscan.IntPtr("pid", func(e *Event) **int64 { return &e.PID }),
	jsonscan.IntPtr("ppid", func(e *Event) **int64 { return &e.PPID }),
	jsonscan.Value("pCreateDatetime", func(e *Event, b []byte, i int) (int, bool) { return decodeTime(&e.ProcessCreated, b, i) }),
	jsonscan.String("username", func(e *Event) *string { return &e.Username }),
	jsonscan.String("sha256", func(e *Event) *string { return &e.SHA256 }),
	jsonscan.String("location", func(e *Event) *string { return &e.Location }),
	jsonscan.IntPtr("positives", func(e *Event) **int64 { return &e.Positives }),
	jsonscan.IntPtr("total", func(e *Event) **int64 { return &e.Total }),
	jsonscan.Value("atime", func(e *Event, b []byte, i int) (int, bool) { return decodeTime(&e.AccessTime, b, i) }),
	jsonscan.Value("ctime", func(e *Event, b []byte, i int) (int, bool) { return decodeTime(&e.ChangeTime, b, i) }),
	jsonscan.Value("mtime", func(e *Event, b []byte, i int) (int, bool) { return decodeTime(&e.ModifyTime, b, i) }),
	jsonscan.Value("hash_last_update", func(e *Event, b []byte, i int) (int, bool) { return decodeTime(&e.HashLastUpdate, b, i) }),
	jsonscan.String("signatures", func(e *Event) *string { return &e.Signatures }),
	jsonscan.IntPtr("maliciousMacro", func(e *Event) **int64 { return &e.MaliciousMacros }),
	jsonscan.IntPtr("firstTimeMacro", func(e *Event) **int64 { return &e.FirstTimeMacros }),
	jsonscan.IntPtr("unknownMacro", func(e *Event) **int64 { return &e.UnknownMacros }),
	jsonscan.String("report", func(e *Event) *string { return &e.Report }),
)

// time decodes a timestamp: null and "" give the zero time, the API's
// layout ("2022-10-28T11:58:20.377350+00:00") is parsed here without
// allocation, and any other string goes through wireTime as with
// encoding/json.
func decodeTime(v *time.Time, b []byte, i int) (int, bool) {
	if jsonscan.IsNull(b, i) {
		*v = time.Time{}
		return i + 4, true
	}
	end, _, _, ok := jsonscan.ScanString(b, i)
	if !ok {
		return 0, false
	}
	if t, ok := parseWireTime(b[i+1 : end-1]); ok {
		*v = t
		return end, true
	}
	var w wireTime
	if w.UnmarshalJSON(b[i:end]) != nil {
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
