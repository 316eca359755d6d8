package sekoiatest

import (
	"bytes"
	"encoding/json"
	"testing"
)

// FuzzDecodeIntakeBody checks that the one-pass reading of /batch bodies
// agrees with encoding/json on every input: same events, same key, and an
// error exactly when encoding/json refuses the body.
func FuzzDecodeIntakeBody(f *testing.F) {
	for _, s := range []string{
		`{"intake_key":"k","jsons":["{\"a\":1}","x"]}`,
		` { "intake_key" : "k" , "jsons" : [ ] } `,
		`{"intake_key":"k","jsons":["q\"b\\\/\n\r\t\b\f","é€😀"]}`,
		`{"intake_key":"k","jsons":["\u00e9\u0000"]}`,
		`{"intake_key":"k","jsons":["\\\\\"","\\"]}`,
		`{"jsons":["a"],"intake_key":"k"}`,
		`{"Intake_Key":"k","jsons":["a"]}`,
		`{"intake_key":"k","jsons":["a"],"extra":1}`,
		`{"intake_key":"k","jsons":["a"]} trailing`,
		`{"intake_key":"k","jsons":["a",]}`,
		`{"intake_key":"k","jsons":null}`,
		"{\"intake_key\":\"k\",\"jsons\":[\"\xff\"]}",
		"{\"intake_key\":\"k\",\"jsons\":[\"\x01\"]}",
		`{"intake_key":"k","jsons":["a"`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		var want struct {
			IntakeKey string   `json:"intake_key"`
			JSONs     []string `json:"jsons"`
		}
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		wantErr := dec.Decode(&want)
		got, err := decodeIntakeBody(raw)
		if (err != nil) != (wantErr != nil) {
			t.Fatalf("%q: error %v, encoding/json %v", raw, err, wantErr)
		}
		if err != nil {
			return
		}
		if got.IntakeKey != want.IntakeKey || len(got.JSONs) != len(want.JSONs) {
			t.Fatalf("%q: got %q %q, want %q %q", raw, got.IntakeKey, got.JSONs, want.IntakeKey, want.JSONs)
		}
		for i := range got.JSONs {
			if string(got.JSONs[i]) != want.JSONs[i] {
				t.Fatalf("%q: event %d: %q, want %q", raw, i, got.JSONs[i], want.JSONs[i])
			}
		}
	})
}
