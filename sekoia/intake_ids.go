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
// The answer is read in one pass of the go-json-experiment decoder, and
// the ids are allocated idsPerString to a string rather than one by one. An answer of another shape (another member, an escaped id,
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

// idsPerString is how many ids share one string: an id kept keeps at most
// this many (about 2.3 KiB) in memory, and 5000 ids take 79 allocations.
const idsPerString = 64

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
	ids = make([]string, len(ends))
	start := 0
	for first := 0; first < len(ends); first += idsPerString {
		last := min(first+idsPerString, len(ends))
		base := start
		group := string(text[base:ends[last-1]])
		for i := first; i < last; i++ {
			ids[i] = group[start-base : ends[i]-base]
			start = ends[i]
		}
	}
	return ids, true
}
