package sekoia

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"time"
	"unicode/utf8"
)

// Event is one event found by a search job: a flat JSON object keyed by
// dotted field names ("source.ip", "sekoiaio.intake.uuid"), whose values
// are scalars or arrays. The SDK keeps the exact bytes the server sent and
// decodes a field only when an accessor asks for it, so reading pages is
// about as cheap as reading the bytes, and forwarding is lossless.
//
// Each accessor scans Raw; to read many fields of one event, decode it
// once with Fields or Decode.
type Event struct {
	// Raw is the event exactly as received. It shares memory with the other
	// events of its page; it must not be modified.
	Raw json.RawMessage
}

// MarshalJSON returns Raw. (json.Marshal compacts what it gets from
// MarshalJSON; write Raw itself to keep the exact bytes.)
func (e Event) MarshalJSON() ([]byte, error) {
	if len(e.Raw) == 0 {
		return []byte("null"), nil
	}
	return e.Raw, nil
}

// UnmarshalJSON keeps a copy of b, which must be a JSON object.
func (e *Event) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || b[0] != '{' {
		return errors.New("sekoia: event is not a JSON object")
	}
	e.Raw = append(json.RawMessage(nil), b...)
	return nil
}

// Get returns the raw JSON value of the top-level field key ("source.ip")
// and whether it is present.
func (e Event) Get(key string) (json.RawMessage, bool) {
	v, ok := evField(e.Raw, key)
	return json.RawMessage(v), ok
}

// String returns the field key as text: a JSON string unquoted, a number,
// boolean or array as its JSON text, "" when absent or null.
func (e Event) String(key string) string {
	v, ok := evField(e.Raw, key)
	if !ok || len(v) == 0 || string(v) == "null" {
		return ""
	}
	if v[0] == '"' {
		return evUnquote(v)
	}
	return string(v)
}

// Int returns the field key as an integer, and false when it is absent or
// not an integer (a string holding an integer is accepted).
func (e Event) Int(key string) (int64, bool) {
	v, ok := evField(e.Raw, key)
	if !ok || len(v) == 0 {
		return 0, false
	}
	s := string(v)
	if v[0] == '"' {
		s = evUnquote(v)
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

// Strings returns the string values of field key: the value itself for a
// string, the strings of an array (nested arrays flattened) otherwise.
func (e Event) Strings(key string) []string {
	v, ok := evField(e.Raw, key)
	if !ok || len(v) == 0 {
		return nil
	}
	if v[0] == '"' {
		return []string{evUnquote(v)}
	}
	if v[0] != '[' {
		return nil
	}
	var out []string
	evAppendStrings(v, &out)
	return out
}

func evAppendStrings(arr []byte, out *[]string) {
	i := evSkipWS(arr, 1)
	for i < len(arr) && arr[i] != ']' {
		end := evSkipValue(arr, i)
		if end < 0 {
			return
		}
		switch arr[i] {
		case '"':
			*out = append(*out, evUnquote(arr[i:end]))
		case '[':
			evAppendStrings(arr[i:end], out)
		}
		i = evSkipWS(arr, end)
		if i < len(arr) && arr[i] == ',' {
			i = evSkipWS(arr, i+1)
		}
	}
}

// ID returns the event's identifier ("__event_id").
func (e Event) ID() string { return e.String("__event_id") }

// Timestamp returns the event's time: its "timestamp" field, else its
// "@timestamp", parsed as RFC 3339; the zero time when neither parses.
func (e Event) Timestamp() time.Time {
	for _, k := range [...]string{"timestamp", "@timestamp"} {
		if s := e.String(k); s != "" {
			if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
				return t
			}
		}
	}
	return time.Time{}
}

// Fields decodes every top-level field of the event, keeping each value's
// raw JSON.
func (e Event) Fields() (map[string]json.RawMessage, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(e.Raw, &m); err != nil {
		return nil, err
	}
	return m, nil
}

// Decode unmarshals the event into v (a struct with `json:"source.ip"`
// tags, or a map).
func (e Event) Decode(v any) error { return json.Unmarshal(e.Raw, v) }

// decodeEventPage reads {"items":[…],"total":n,"paging_token":"…"}. The
// body is validated once, then split: each event's Raw is a slice of body,
// so a page costs one allocation for its events whatever their number.
func decodeEventPage(body []byte) (*EventPage, error) {
	if !json.Valid(body) {
		// Decode for encoding/json's precise message (offset of the error).
		var probe any
		if err := json.Unmarshal(body, &probe); err != nil {
			return nil, err
		}
		return nil, errors.New("invalid JSON")
	}
	i := evSkipWS(body, 0)
	if i >= len(body) || body[i] != '{' {
		return nil, errors.New("results page is not a JSON object")
	}
	page := &EventPage{}
	seenItems := false
	i = evSkipWS(body, i+1)
	for i < len(body) && body[i] != '}' {
		kEnd := evSkipValue(body, i)
		key := body[i:kEnd]
		i = evSkipWS(body, kEnd)
		i = evSkipWS(body, i+1) // ':'
		vEnd := evSkipValue(body, i)
		val := body[i:vEnd]
		switch {
		case evKeyIs(key, "items"):
			if val[0] == 'n' { // null
				seenItems = true
				break
			}
			if val[0] != '[' {
				return nil, errors.New(`results page "items" is not an array`)
			}
			evs, err := splitEvents(val)
			if err != nil {
				return nil, err
			}
			page.Events, seenItems = evs, true
		case evKeyIs(key, "total"):
			if val[0] != 'n' {
				n, err := strconv.ParseFloat(string(val), 64)
				if err != nil {
					return nil, errors.New(`results page "total" is not a number`)
				}
				page.Total = int64(n)
			}
		case evKeyIs(key, "paging_token"):
			if val[0] == '"' {
				page.PagingToken = evUnquote(val)
			}
		}
		i = evSkipWS(body, vEnd)
		if i < len(body) && body[i] == ',' {
			i = evSkipWS(body, i+1)
		}
	}
	if !seenItems {
		return nil, errors.New(`results page has no "items"`)
	}
	return page, nil
}

// splitEvents cuts a JSON array of objects into events sharing arr's memory.
func splitEvents(arr []byte) ([]Event, error) {
	n := 0
	i := evSkipWS(arr, 1)
	for i < len(arr) && arr[i] != ']' {
		end := evSkipValue(arr, i)
		n++
		i = evSkipWS(arr, end)
		if i < len(arr) && arr[i] == ',' {
			i = evSkipWS(arr, i+1)
		}
	}
	evs := make([]Event, 0, n)
	i = evSkipWS(arr, 1)
	for i < len(arr) && arr[i] != ']' {
		end := evSkipValue(arr, i)
		if arr[i] != '{' {
			return nil, errors.New("results page item " + strconv.Itoa(len(evs)) + " is not a JSON object")
		}
		evs = append(evs, Event{Raw: arr[i:end:end]})
		i = evSkipWS(arr, end)
		if i < len(arr) && arr[i] == ',' {
			i = evSkipWS(arr, i+1)
		}
	}
	return evs, nil
}

// evField finds the value of the top-level key in a JSON object. obj
// is trusted to be valid JSON (events come from a validated page, or were
// decoded by UnmarshalJSON from valid JSON); a malformed object just
// reports the key as absent.
func evField(obj []byte, key string) ([]byte, bool) {
	i := evSkipWS(obj, 0)
	if i >= len(obj) || obj[i] != '{' {
		return nil, false
	}
	i = evSkipWS(obj, i+1)
	for i < len(obj) && obj[i] == '"' {
		kEnd := evSkipValue(obj, i)
		if kEnd < 0 {
			return nil, false
		}
		k := obj[i:kEnd]
		i = evSkipWS(obj, kEnd)
		if i >= len(obj) || obj[i] != ':' {
			return nil, false
		}
		i = evSkipWS(obj, i+1)
		vEnd := evSkipValue(obj, i)
		if vEnd < 0 {
			return nil, false
		}
		if evKeyIs(k, key) {
			return obj[i:vEnd], true
		}
		i = evSkipWS(obj, vEnd)
		if i < len(obj) && obj[i] == ',' {
			i = evSkipWS(obj, i+1)
		}
	}
	return nil, false
}

// evKeyIs reports whether the quoted JSON string q equals key.
func evKeyIs(q []byte, key string) bool {
	if len(q) < 2 {
		return false
	}
	inner := q[1 : len(q)-1]
	if bytes.IndexByte(inner, '\\') < 0 {
		return string(inner) == key
	}
	return evUnquote(q) == key
}

// evUnquote decodes a quoted JSON string; invalid input gives "".
func evUnquote(q []byte) string {
	if len(q) >= 2 && bytes.IndexByte(q[1:len(q)-1], '\\') < 0 && utf8.Valid(q[1:len(q)-1]) {
		return string(q[1 : len(q)-1])
	}
	var s string
	if json.Unmarshal(q, &s) != nil {
		return ""
	}
	return s
}

func evSkipWS(b []byte, i int) int {
	for i < len(b) {
		switch b[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// evSkipValue returns the index just past the JSON value starting at b[i],
// or -1 when b ends first. It does not validate.
func evSkipValue(b []byte, i int) int {
	if i >= len(b) {
		return -1
	}
	switch b[i] {
	case '"':
		return evSkipString(b, i)
	case '{', '[':
		depth := 0
		for i < len(b) {
			switch b[i] {
			case '"':
				i = evSkipString(b, i)
				if i < 0 {
					return -1
				}
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
			i++
		}
		return -1
	default: // number, true, false, null
		for i < len(b) {
			switch b[i] {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				return i
			}
			i++
		}
		return i
	}
}

// evSkipString returns the index just past the string starting at b[i].
func evSkipString(b []byte, i int) int {
	i++
	for {
		j := bytes.IndexByte(b[i:], '"')
		if j < 0 {
			return -1
		}
		i += j
		// Count the backslashes before the quote: an odd number escapes it.
		n := 0
		for k := i - 1; k >= 0 && b[k] == '\\'; k-- {
			n++
		}
		if n%2 == 0 {
			return i + 1
		}
		i++
	}
}
