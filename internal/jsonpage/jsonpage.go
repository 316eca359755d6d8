// Package jsonpage is the one way the API packages decode list pages:
// one pass of the go-json-experiment decoder (jsontext) over the response
// buffer, which checks the JSON as it goes, decodes each item straight
// into its struct and hands out the item's exact bytes as a slice of the
// buffer (no copy, no second validation).
//
// Decoding uses V1, under which the decoder gives exactly what
// encoding/json gives; a page it refuses is decoded again by the
// package's general encoding/json path, so errors are encoding/json's.
//
// Three lists keep a hand-written decoder, measured against this path on
// the same page of 1000 items (CPU time, medians): SentinelOne activities
// (1.7x less CPU), SentinelOne STAR alerts (2.2x less, 24x fewer
// allocations) and TEHTRIS events (3.2x less). All are the one
// field-table decoder of internal/jsonscan (Object), driven by the field
// tables of each type (sentinelone/activity_decode.go,
// sentinelone/alert_decode.go, tehtris/fastdecode.go), which give what
// they do not take as encoding/json would to a general decoder (alerts: to
// this path). A hand-written decoder that does not
// beat this path by 1.3x at least gives way to it, as the threat walk did
// (this path took 1.5x less CPU).
package jsonpage

import (
	"bytes"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	v1 "github.com/go-json-experiment/json/v1"
)

// V1 are the options under which the decoder decodes exactly as
// encoding/json does: member names matched without regard to case,
// repeated members merged, invalid UTF-8 replaced, the same handling of
// null, times, embedded fields and UnmarshalJSON methods.
var V1 jsonv2.Options = v1.DefaultOptionsV1()

// NewDecoder returns a decoder over page (read in place, never copied).
func NewDecoder(page []byte) *jsontext.Decoder {
	return jsontext.NewDecoder(bytes.NewBuffer(page), V1)
}

// Decode decodes the next value of dec, a decoder over page, into v and
// returns that value's bytes: a slice of page, capped so that appending to
// it copies.
func Decode(dec *jsontext.Decoder, page []byte, v any) ([]byte, error) {
	start := int(dec.InputOffset())
	if err := jsonv2.UnmarshalDecode(dec, v, V1); err != nil {
		return nil, err
	}
	return span(dec, page, start), nil
}

// Value reads the next value of dec, a decoder over page, and returns its
// bytes as a capped slice of page.
func Value(dec *jsontext.Decoder, page []byte) ([]byte, error) {
	v, err := dec.ReadValue()
	if err != nil {
		return nil, err
	}
	end := int(dec.InputOffset())
	return page[end-len(v) : end : end], nil
}

// span returns the bytes of the value dec has just read over page, start
// being the input offset before it: page[start:end] less the white space
// and separator before the value.
func span(dec *jsontext.Decoder, page []byte, start int) []byte {
	end := int(dec.InputOffset())
	for start < end {
		switch page[start] {
		case ' ', '\t', '\n', '\r', ',', ':':
			start++
			continue
		}
		break
	}
	return page[start:end:end]
}

// Name reads the next object member name of dec and returns it as written
// between its quotes; escaped is true when it holds escapes (the caller
// then cannot compare it as is).
func Name(dec *jsontext.Decoder) (name []byte, escaped bool, err error) {
	v, err := dec.ReadValue()
	if err != nil {
		return nil, false, err
	}
	name = v[1 : len(v)-1]
	return name, bytes.IndexByte(name, '\\') >= 0, nil
}

// Array calls elem for each element of the array that is the next value of
// dec, until elem fails; ok is false when the value is no array.
func Array(dec *jsontext.Decoder, elem func() error) (ok bool, err error) {
	tok, err := dec.ReadToken()
	if err != nil || tok.Kind() != '[' {
		return false, err
	}
	for dec.PeekKind() != ']' {
		if err := elem(); err != nil {
			return true, err
		}
	}
	_, err = dec.ReadToken()
	return true, err
}

// Unmarshal decodes the JSON value b into v as json.Unmarshal would, with
// the go-json-experiment decoder. Errors are worded by that decoder: use it
// where a failure sends the input to an encoding/json path.
func Unmarshal(b []byte, v any) error {
	return jsonv2.Unmarshal(b, v, V1)
}
