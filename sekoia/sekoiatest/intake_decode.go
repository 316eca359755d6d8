package sekoiatest

import (
	"bytes"
	"encoding/json"

	"github.com/socgo/xdr/internal/jsonstr"
)

// intakeBody is the body of POST /intake/batch.
type intakeBody struct {
	IntakeKey string
	JSONs     [][]byte
}

// decodeIntakeBody decodes a /batch body exactly as encoding/json would
// into {"intake_key": string, "jsons": []string} with unknown fields
// disallowed. Bodies of the usual shape, as clients send them, are read in
// one pass; any other goes through encoding/json, which also words the
// errors.
func decodeIntakeBody(raw []byte) (intakeBody, error) {
	if b, ok := scanIntakeBody(raw); ok {
		return b, nil
	}
	var in struct {
		IntakeKey string   `json:"intake_key"`
		JSONs     []string `json:"jsons"`
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return intakeBody{}, err
	}
	out := intakeBody{IntakeKey: in.IntakeKey, JSONs: make([][]byte, len(in.JSONs))}
	for i, s := range in.JSONs {
		out.JSONs[i] = []byte(s)
	}
	return out, nil
}

// scanIntakeBody reads {"intake_key":"…","jsons":["…",…]} (whitespace
// allowed between tokens) and reports false for anything else, or for a
// string jsonstr.Unquote does not decode: such bodies are left to
// encoding/json. The events share one new buffer.
func scanIntakeBody(raw []byte) (intakeBody, bool) {
	s := intakeScanner{b: raw, out: make([]byte, len(raw))}
	var out intakeBody
	if !s.byte('{') || !s.literal(`"intake_key"`) || !s.byte(':') {
		return out, false
	}
	key, ok := s.str()
	if !ok || !s.byte(',') || !s.literal(`"jsons"`) || !s.byte(':') || !s.byte('[') {
		return out, false
	}
	out.IntakeKey = string(key)
	if !s.byte(']') {
		for {
			ev, ok := s.str()
			if !ok {
				return out, false
			}
			out.JSONs = append(out.JSONs, ev)
			if s.byte(']') {
				break
			}
			if !s.byte(',') {
				return out, false
			}
		}
	}
	if !s.byte('}') {
		return out, false
	}
	s.space()
	return out, s.i == len(s.b)
}

// intakeScanner reads b from i on, decoding strings into out from o on.
type intakeScanner struct {
	b   []byte
	i   int
	out []byte
	o   int
}

func (s *intakeScanner) space() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// byte skips whitespace and c, reporting whether c was there.
func (s *intakeScanner) byte(c byte) bool {
	s.space()
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

func (s *intakeScanner) literal(lit string) bool {
	s.space()
	if bytes.HasPrefix(s.b[s.i:], []byte(lit)) {
		s.i += len(lit)
		return true
	}
	return false
}

// str skips whitespace and decodes a string. The decoded text is never
// longer than its JSON form, so out, as long as b, always has room.
func (s *intakeScanner) str() ([]byte, bool) {
	s.space()
	n, next, ok := jsonstr.Unquote(s.out[s.o:], s.b[s.i:])
	if !ok {
		return nil, false
	}
	v := s.out[s.o : s.o+n : s.o+n]
	s.i += next
	s.o += n
	return v, true
}
