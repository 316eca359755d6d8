package sekoia

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"testing"
)

var eventIDAnswers = []string{
	`{"event_ids":["a1","b2","c3"]}`,
	" {\n \"event_ids\" : [ \"a1\" , \"b2\" ] } \n",
	`{"event_ids":[]}`,
	`{"event_ids":null}`,
	`{"event_ids":["a\"1","b\u00e92"]}`,
	`{"Event_IDs":["x"]}`,
	`{"event_ids":["x"],"status":"ok"}`,
	`{"status":"ok","event_ids":["x"]}`,
	`{"event_ids":["x"],"event_ids":["y","z"]}`,
	`{"event_ids":[1,2]}`,
	`{"event_ids":["x",null]}`,
	`{"event_ids":["x"]} trailing`,
	`{"event_ids":["x"]`,
	`{"event_ids":["` + "\xff" + `"]}`,
	`[]`, `null`, ``, `{}`,
}

// TestDecodeEventIDsLikeEncodingJSON checks the one-pass decoding of an
// intake answer against encoding/json: same ids, same failures.
func TestDecodeEventIDsLikeEncodingJSON(t *testing.T) {
	for _, a := range eventIDAnswers {
		checkIntakeAnswer(t, []byte(a))
	}
}

// TestDecodeEventIDsOnePass checks that a plain answer takes the one pass,
// whose ids share one string.
func TestDecodeEventIDsOnePass(t *testing.T) {
	ids, ok := scanEventIDs([]byte(`{"event_ids":["5f1c","a2b3","c4"]}`))
	if !ok || !slices.Equal(ids, []string{"5f1c", "a2b3", "c4"}) {
		t.Fatalf("scanEventIDs = %q, %v", ids, ok)
	}
	// More ids than share a string, an empty one among them.
	var want []string
	answer := []byte(`{"event_ids":[`)
	for i := range 3*idsPerString + 5 {
		id := fmt.Sprintf("id-%d", i)
		if i == idsPerString {
			id = ""
		}
		want = append(want, id)
		if i > 0 {
			answer = append(answer, ',')
		}
		answer = strconv.AppendQuote(answer, id)
	}
	answer = append(answer, "]}"...)
	if ids, ok := scanEventIDs(answer); !ok || !slices.Equal(ids, want) {
		t.Fatalf("scanEventIDs of %d ids = %q, %v", len(want), ids, ok)
	}
	for _, a := range []string{`{"event_ids":["a\"1"]}`, `{"event_ids":["x"],"status":"ok"}`, `{"event_ids":null}`, `{"event_ids":["x"]} x`} {
		if _, ok := scanEventIDs([]byte(a)); ok {
			t.Errorf("scanEventIDs(%s) took the one pass", a)
		}
	}
}

// FuzzDecodeEventIDs checks decodeEventIDs against encoding/json on any
// answer.
func FuzzDecodeEventIDs(f *testing.F) {
	for _, a := range eventIDAnswers {
		f.Add([]byte(a))
	}
	f.Fuzz(checkIntakeAnswer)
}

func checkIntakeAnswer(t *testing.T, body []byte) {
	got, err := decodeEventIDs(body)
	var want intakeBatchResult
	werr := json.Unmarshal(body, &want)
	if (err != nil) != (werr != nil) {
		t.Fatalf("%q: error %v, encoding/json %v", body, err, werr)
	}
	if err != nil {
		if err.Error() != werr.Error() {
			t.Fatalf("%q: error %q, encoding/json %q", body, err, werr)
		}
		return
	}
	if !slices.Equal(got, want.EventIDs) || (got == nil) != (want.EventIDs == nil) {
		t.Fatalf("%q: ids %q, encoding/json %q", body, got, want.EventIDs)
	}
}
