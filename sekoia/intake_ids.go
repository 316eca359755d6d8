package sekoia

import (
	"bytes"
	"encoding/json"
	"io"
	"unicode/utf8"

	"github.com/socgo/xdr/internal/jsonpage"
)

// decodeEventIDs returns the ids of the answer to a /batch request,
// {"event_ids": ["<uuid>", …]}, in order.
//
// The answer is read in one pass of the go-json-experiment decoder, and the
// ids of one request share one string: two allocations a request instead of
// one an event. An answer of another shape (another member, an escaped id,
// an id that is no string or not valid UTF-8, a null) is decoded by encoding/json instead, so
// what is returned, and every error, stays encoding/json's.
func decodeEventIDs(body []byte) ([]string, error) {
	if ids, ok := scanEventIDs(body); ok {
		return ids, nil
	}
	var out intakeBatchResult
	if err := json.Unmarshal(body, &out); err != nil {
		return nil, err
	}
	return out.EventIDs, nil
}

// scanEventIDs decodes an answer holding the one member event_ids, an
// array of strings without escapes; ok is false for anything else.
func scanEventIDs(body []byte) (ids []string, ok bool) {
	dec := jsonpage.NewDecoder(body)
	if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '{' {
		return nil, false
	}
	if name, escaped, err := jsonpage.Name(dec); err != nil || escaped || string(name) != "event_ids" {
		return nil, false
	}
	text := make([]byte, 0, len(body))
	var ends []int
	isArray, err := jsonpage.Array(dec, func() error {
		v, err := dec.ReadValue()
		if err != nil {
			return err
		}
		if v.Kind() != '"' || bytes.IndexByte(v, '\\') >= 0 || !utf8.Valid(v) {
			return errNotPlain
		}
		text = append(text, v[1:len(v)-1]...)
		ends = append(ends, len(text))
		return nil
	})
	if err != nil || !isArray {
		return nil, false
	}
	if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '}' {
		return nil, false
	}
	if _, err := dec.ReadToken(); err != io.EOF {
		return nil, false
	}
	all := string(text)
	ids = make([]string, len(ends))
	start := 0
	for i, end := range ends {
		ids[i] = all[start:end]
		start = end
	}
	return ids, true
}
