package tehtris

import (
	"bytes"
	"encoding/json"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/socgo/xdr/internal/jsonscan"
)

// This file holds the fast decoder of a page of events: one pass over the
// page buffer that fills the typed fields and cuts each event's Raw out of
// the buffer. It accepts only the plain JSON the API sends (known members
// spelled exactly, each at most once, values of the expected JSON type);
// on anything else it reports !ok and the page is decoded again by the
// general path (encoding/json), which gives the same result or the error.
// FuzzFastDecode checks that both paths agree.

// pageDecoder holds the allocations shared by the events of one page: the
// text of every string member is copied once into one buffer, and the
// numbers behind the pointer fields come from one slab.
type pageDecoder struct {
	b    []byte
	strs strings.Builder
	ints []int64
}

// decodeEventsFast decodes the JSON array data of events, hint being the
// expected number of events (0 if unknown). ok is false when the page is
// not in the plain form this decoder accepts.
func decodeEventsFast(data []byte, hint int) (evs []Event, ok bool) {
	d := pageDecoder{b: data}
	d.strs.Grow(len(data)) // never outgrown: unescaping only shrinks
	i := jsonscan.SkipSpace(data, 0)
	if i >= len(data) || data[i] != '[' {
		return nil, false
	}
	i = jsonscan.SkipSpace(data, i+1)
	if hint <= 0 {
		hint = 16
	}
	out := make([]Event, 0, hint)
	if i < len(data) && data[i] == ']' {
		if jsonscan.SkipSpace(data, i+1) != len(data) {
			return nil, false
		}
		return out, true
	}
	for {
		out = append(out, Event{})
		end, ok := d.object(&out[len(out)-1], i)
		if !ok {
			return nil, false
		}
		i = jsonscan.SkipSpace(data, end)
		if i >= len(data) {
			return nil, false
		}
		switch data[i] {
		case ',':
			i = jsonscan.SkipSpace(data, i+1)
		case ']':
			if jsonscan.SkipSpace(data, i+1) != len(data) {
				return nil, false
			}
			return out, true
		default:
			return nil, false
		}
	}
}

// The members of an event, as bits of a set (to refuse duplicates).
const (
	kID = iota
	kTime
	kRflID
	kLvl
	kModule
	kEventName
	kEgKBID
	kDescription
	kIPSrc
	kIPDst
	kUUID
	kUID
	kHostname
	kDomain
	kOS
	kOSVersion
	kOSRelease
	kOSArchitecture
	kOSServer
	kTag
	kTags
	kPath
	kCmdline
	kPID
	kPPID
	kPCreateDatetime
	kUsername
	kSHA256
	kLocation
	kPositives
	kTotal
	kAtime
	kCtime
	kMtime
	kHashLastUpdate
	kSignatures
	kMaliciousMacro
	kFirstTimeMacro
	kUnknownMacro
	kReport
	numKeys
)

// keyIndex returns the member index of key, or -1.
func keyIndex(key []byte) int {
	switch string(key) {
	case "id":
		return kID
	case "time":
		return kTime
	case "rflId":
		return kRflID
	case "lvl":
		return kLvl
	case "module":
		return kModule
	case "eventName":
		return kEventName
	case "egKBId":
		return kEgKBID
	case "description":
		return kDescription
	case "ipSrc":
		return kIPSrc
	case "ipDst":
		return kIPDst
	case "uuid__":
		return kUUID
	case "uid":
		return kUID
	case "hostname__":
		return kHostname
	case "domain__":
		return kDomain
	case "os__":
		return kOS
	case "os_version__":
		return kOSVersion
	case "os_release__":
		return kOSRelease
	case "os_architecture__":
		return kOSArchitecture
	case "os_server__":
		return kOSServer
	case "tag":
		return kTag
	case "tags":
		return kTags
	case "path":
		return kPath
	case "cmdline":
		return kCmdline
	case "pid":
		return kPID
	case "ppid":
		return kPPID
	case "pCreateDatetime":
		return kPCreateDatetime
	case "username":
		return kUsername
	case "sha256":
		return kSHA256
	case "location":
		return kLocation
	case "positives":
		return kPositives
	case "total":
		return kTotal
	case "atime":
		return kAtime
	case "ctime":
		return kCtime
	case "mtime":
		return kMtime
	case "hash_last_update":
		return kHashLastUpdate
	case "signatures":
		return kSignatures
	case "maliciousMacro":
		return kMaliciousMacro
	case "firstTimeMacro":
		return kFirstTimeMacro
	case "unknownMacro":
		return kUnknownMacro
	case "report":
		return kReport
	}
	return -1
}

// foldsToKnownKey reports whether key could name a typed field for
// encoding/json, which matches member names without regard to case.
func foldsToKnownKey(key []byte) bool {
	for _, c := range key {
		if c >= utf8.RuneSelf {
			return true // Unicode folding: leave it to encoding/json
		}
	}
	for _, k := range eventKeys {
		if len(k) == len(key) && strings.EqualFold(k, string(key)) {
			return true
		}
	}
	return false
}

var eventKeys = [...]string{
	"id", "time", "rflId", "lvl", "module", "eventName", "egKBId", "description",
	"ipSrc", "ipDst", "uuid__", "uid", "hostname__", "domain__", "os__", "os_version__",
	"os_release__", "os_architecture__", "os_server__", "tag", "tags", "path", "cmdline",
	"pid", "ppid", "pCreateDatetime", "username", "sha256", "location", "positives",
	"total", "atime", "ctime", "mtime", "hash_last_update", "signatures",
	"maliciousMacro", "firstTimeMacro", "unknownMacro", "report",
}

// object decodes the object starting at i into e and returns the index
// just after it.
func (d *pageDecoder) object(e *Event, i int) (int, bool) {
	b := d.b
	start := i
	if i >= len(b) || b[i] != '{' {
		return 0, false
	}
	i = jsonscan.SkipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		e.Raw = b[start : i+1 : i+1]
		return i + 1, true
	}
	var seen uint64
	for {
		// The member name: a plain string.
		if i >= len(b) || b[i] != '"' {
			return 0, false
		}
		ks := i + 1
		ke := ks
		for ke < len(b) && b[ke] != '"' {
			if c := b[ke]; c == '\\' || c < 0x20 {
				return 0, false
			}
			ke++
		}
		if ke >= len(b) {
			return 0, false
		}
		key := b[ks:ke]
		i = jsonscan.SkipSpace(b, ke+1)
		if i >= len(b) || b[i] != ':' {
			return 0, false
		}
		i = jsonscan.SkipSpace(b, i+1)
		k := keyIndex(key)
		var ok bool
		if k < 0 {
			if foldsToKnownKey(key) {
				return 0, false
			}
			i, ok = d.skip(i)
		} else {
			if seen&(1<<k) != 0 {
				return 0, false
			}
			seen |= 1 << k
			i, ok = d.member(e, k, i)
		}
		if !ok {
			return 0, false
		}
		i = jsonscan.SkipSpace(b, i)
		if i >= len(b) {
			return 0, false
		}
		switch b[i] {
		case ',':
			i = jsonscan.SkipSpace(b, i+1)
		case '}':
			e.Raw = b[start : i+1 : i+1]
			return i + 1, true
		default:
			return 0, false
		}
	}
}

// member decodes the value at i of member k into e.
func (d *pageDecoder) member(e *Event, k, i int) (int, bool) {
	switch k {
	case kID:
		return d.int64(&e.ID, i)
	case kRflID:
		return d.int64(&e.ApplianceID, i)
	case kEgKBID:
		return d.int64(&e.KnowledgeBaseID, i)
	case kLvl:
		var v int64
		end, ok := d.int64(&v, i)
		e.Level = int(v)
		return end, ok && int64(e.Level) == v
	case kTime:
		return d.time(&e.Time, i)
	case kPCreateDatetime:
		return d.time(&e.ProcessCreated, i)
	case kAtime:
		return d.time(&e.AccessTime, i)
	case kCtime:
		return d.time(&e.ChangeTime, i)
	case kMtime:
		return d.time(&e.ModifyTime, i)
	case kHashLastUpdate:
		return d.time(&e.HashLastUpdate, i)
	case kPID:
		return d.intPtr(&e.PID, i)
	case kPPID:
		return d.intPtr(&e.PPID, i)
	case kPositives:
		return d.intPtr(&e.Positives, i)
	case kTotal:
		return d.intPtr(&e.Total, i)
	case kMaliciousMacro:
		return d.intPtr(&e.MaliciousMacros, i)
	case kFirstTimeMacro:
		return d.intPtr(&e.FirstTimeMacros, i)
	case kUnknownMacro:
		return d.intPtr(&e.UnknownMacros, i)
	case kOSServer:
		return d.bool(&e.OSServer, i)
	}
	return d.string(stringField(e, k), i)
}

// stringField returns the string field of e for member k.
func stringField(e *Event, k int) *string {
	switch k {
	case kModule:
		return &e.Module
	case kEventName:
		return &e.EventName
	case kDescription:
		return &e.Description
	case kIPSrc:
		return &e.SourceIP
	case kIPDst:
		return &e.DestinationIP
	case kUUID:
		return &e.AgentUUID
	case kUID:
		return &e.UID
	case kHostname:
		return &e.Hostname
	case kDomain:
		return &e.Domain
	case kOS:
		return &e.OS
	case kOSVersion:
		return &e.OSVersion
	case kOSRelease:
		return &e.OSRelease
	case kOSArchitecture:
		return &e.OSArchitecture
	case kTag:
		return &e.Tag
	case kTags:
		return &e.Tags
	case kPath:
		return &e.Path
	case kCmdline:
		return &e.CommandLine
	case kUsername:
		return &e.Username
	case kSHA256:
		return &e.SHA256
	case kLocation:
		return &e.Location
	case kSignatures:
		return &e.Signatures
	}
	return &e.Report
}

// isNull reports whether the literal null starts at i.
func (d *pageDecoder) isNull(i int) bool {
	return len(d.b)-i >= 4 && string(d.b[i:i+4]) == "null"
}

// int64 decodes an integer (or null, which leaves *v unchanged). Numbers
// with a fraction or an exponent, and those out of range, are left to
// the general path.
func (d *pageDecoder) int64(v *int64, i int) (int, bool) {
	b := d.b
	if d.isNull(i) {
		return i + 4, true
	}
	neg := false
	if i < len(b) && b[i] == '-' {
		neg = true
		i++
	}
	s := i
	var n int64
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		i++
	}
	digits := i - s
	if digits == 0 || digits > 18 || (digits > 1 && b[s] == '0') {
		return 0, false
	}
	if i < len(b) {
		switch b[i] {
		case '.', 'e', 'E':
			return 0, false
		}
	}
	for _, c := range b[s:i] {
		n = n*10 + int64(c-'0')
	}
	if neg {
		n = -n
	}
	*v = n
	return i, true
}

// intPtr decodes an integer into a new *int64 taken from the page's slab;
// null sets nil.
func (d *pageDecoder) intPtr(p **int64, i int) (int, bool) {
	if d.isNull(i) {
		*p = nil
		return i + 4, true
	}
	var n int64
	end, ok := d.int64(&n, i)
	if !ok {
		return 0, false
	}
	if len(d.ints) == cap(d.ints) {
		d.ints = make([]int64, 0, 512)
	}
	d.ints = append(d.ints, n)
	*p = &d.ints[len(d.ints)-1]
	return end, true
}

func (d *pageDecoder) bool(v *bool, i int) (int, bool) {
	b := d.b
	switch {
	case len(b)-i >= 4 && string(b[i:i+4]) == "true":
		*v = true
		return i + 4, true
	case len(b)-i >= 5 && string(b[i:i+5]) == "false":
		*v = false
		return i + 5, true
	case d.isNull(i):
		return i + 4, true
	}
	return 0, false
}

// scanString returns the index just after the string starting at i, and
// whether it holds escapes or bytes that are not ASCII. ok is false if it
// is not a complete JSON string.
func (d *pageDecoder) scanString(i int) (end int, escaped, nonASCII, ok bool) {
	b := d.b
	if i >= len(b) || b[i] != '"' {
		return 0, false, false, false
	}
	for j := i + 1; j < len(b); j++ {
		switch c := b[j]; {
		case c == '"':
			return j + 1, escaped, nonASCII, true
		case c == '\\':
			escaped = true
			j++ // the escaped byte; checked when unescaped
		case c < 0x20:
			return 0, false, false, false
		case c >= utf8.RuneSelf:
			nonASCII = true
		}
	}
	return 0, false, false, false
}

// string decodes a string (null leaves *v unchanged) into the page's
// string buffer.
func (d *pageDecoder) string(v *string, i int) (int, bool) {
	if d.isNull(i) {
		return i + 4, true
	}
	end, escaped, nonASCII, ok := d.scanString(i)
	if !ok {
		return 0, false
	}
	body := d.b[i+1 : end-1]
	if nonASCII && !utf8.Valid(body) {
		return 0, false // encoding/json replaces invalid UTF-8
	}
	if len(body) == 0 {
		*v = ""
		return end, true
	}
	start := d.strs.Len()
	if escaped {
		if !d.unescape(body) {
			return 0, false
		}
	} else {
		d.strs.Write(body)
	}
	*v = d.strs.String()[start:]
	return end, true
}

// unescape writes the text of the string body s (escapes decoded) to the
// string buffer. \u escapes, and anything else unusual, are left to the
// general path.
func (d *pageDecoder) unescape(s []byte) bool {
	for len(s) > 0 {
		k := bytes.IndexByte(s, '\\')
		if k < 0 {
			d.strs.Write(s)
			return true
		}
		d.strs.Write(s[:k])
		if k+1 >= len(s) {
			return false
		}
		var c byte
		switch s[k+1] {
		case '"', '\\', '/':
			c = s[k+1]
		case 'b':
			c = '\b'
		case 'f':
			c = '\f'
		case 'n':
			c = '\n'
		case 'r':
			c = '\r'
		case 't':
			c = '\t'
		default:
			return false
		}
		d.strs.WriteByte(c)
		s = s[k+2:]
	}
	return true
}

// time decodes a timestamp: null and "" give the zero time, the API's
// layout ("2022-10-28T11:58:20.377350+00:00") is parsed here without
// allocation, and any other string goes through wireTime as with
// encoding/json.
func (d *pageDecoder) time(v *time.Time, i int) (int, bool) {
	if d.isNull(i) {
		*v = time.Time{}
		return i + 4, true
	}
	end, _, _, ok := d.scanString(i)
	if !ok {
		return 0, false
	}
	if t, ok := parseWireTime(d.b[i+1 : end-1]); ok {
		*v = t
		return end, true
	}
	var w wireTime
	if w.UnmarshalJSON(d.b[i:end]) != nil {
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

// skip passes over the value of a member without a typed field, checking
// that it is valid JSON.
func (d *pageDecoder) skip(i int) (int, bool) {
	end, err := skipValue(d.b, i)
	if err != nil || end == i || !json.Valid(d.b[i:end]) {
		return 0, false
	}
	return end, true
}
