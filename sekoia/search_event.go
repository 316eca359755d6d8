package sekoia

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/socgo/xdr/internal/jsonscan"
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

// String returns the event as its JSON text, so that an Event prints
// readably (fmt.Println(ev)); "{}" when Raw is empty.
func (e Event) String() string {
	if len(e.Raw) == 0 {
		return "{}"
	}
	return string(e.Raw)
}

// Text returns the field key as text: a JSON string unquoted, a number,
// boolean or array as its JSON text, "" when absent or null.
func (e Event) Text(key string) string {
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
	jsonscan.Elements(arr, func(v []byte) bool {
		switch v[0] {
		case '"':
			*out = append(*out, evUnquote(v))
		case '[':
			evAppendStrings(v, out)
		}
		return true
	})
}

// ID returns the event's identifier ("__event_id").
func (e Event) ID() string { return e.Text("__event_id") }

// Timestamp returns the event's time: its "timestamp" field, else its
// "@timestamp", parsed as RFC 3339; the zero time when neither parses.
func (e Event) Timestamp() time.Time {
	for _, k := range [...]string{"timestamp", "@timestamp"} {
		if s := e.Text(k); s != "" {
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
func decodeEventPage(body []byte) (*eventPage, error) {
	if p, ok := decodeEventPageOnePass(body); ok {
		return p, nil
	}
	return decodeEventPageSplit(body)
}

// decodeEventPageSplit is the general path: the body is validated, then
// split, giving encoding/json's errors.
func decodeEventPageSplit(body []byte) (*eventPage, error) {
	if !json.Valid(body) {
		// Decode for encoding/json's precise message (offset of the error).
		var probe any
		if err := json.Unmarshal(body, &probe); err != nil {
			return nil, err
		}
		return nil, errors.New("invalid JSON")
	}
	if i := jsonscan.SkipSpace(body, 0); i >= len(body) || body[i] != '{' {
		return nil, errors.New("results page is not a JSON object")
	}
	page := &eventPage{}
	seenItems := false
	var err error
	members(body, func(key, val []byte) bool {
		switch {
		case evKeyIs(key, "items"):
			if val[0] == 'n' { // null
				seenItems = true
				break
			}
			if val[0] != '[' {
				err = errors.New(`results page "items" is not an array`)
				return false
			}
			var evs []Event
			if evs, err = splitEvents(val); err != nil {
				return false
			}
			page.Events, seenItems = evs, true
		case evKeyIs(key, "total"):
			if val[0] != 'n' {
				n, perr := strconv.ParseFloat(string(val), 64)
				if perr != nil {
					err = errors.New(`results page "total" is not a number`)
					return false
				}
				page.Total = int64(n)
			}
		case evKeyIs(key, "paging_token"):
			if val[0] == '"' {
				page.PagingToken = evUnquote(val)
			}
		}
		return true
	})
	if err != nil {
		return nil, err
	}
	if !seenItems {
		return nil, errors.New(`results page has no "items"`)
	}
	return page, nil
}

// splitEvents cuts a JSON array of objects into events sharing arr's memory.
func splitEvents(arr []byte) ([]Event, error) {
	n := 0
	jsonscan.Elements(arr, func([]byte) bool { n++; return true })
	evs := make([]Event, 0, n)
	var err error
	jsonscan.Elements(arr, func(v []byte) bool {
		if v[0] != '{' {
			err = errors.New("results page item " + strconv.Itoa(len(evs)) + " is not a JSON object")
			return false
		}
		evs = append(evs, Event{Raw: v})
		return true
	})
	return evs, err
}

// evField finds the value of the top-level key in a JSON object. obj
// is trusted to be valid JSON (events come from a validated page, or were
// decoded by UnmarshalJSON from valid JSON); a malformed object just
// reports the key as absent.
func evField(obj []byte, key string) (val []byte, found bool) {
	members(obj, func(k, v []byte) bool {
		if evKeyIs(k, key) {
			val, found = v, true
		}
		return !found
	})
	return val, found
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
