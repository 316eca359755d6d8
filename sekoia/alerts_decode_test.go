package sekoia

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// slowAlertPage decodes a page the plain way: each alert through
// Alert.UnmarshalJSON, with its own copy of Raw.
func slowAlertPage(t *testing.T, body []byte) []Alert {
	t.Helper()
	var env envelope[Alert]
	if err := json.Unmarshal(body, &env); err != nil {
		t.Fatal(err)
	}
	return env.Items
}

func TestDecodeAlertPageMatchesUnmarshalJSON(t *testing.T) {
	t.Parallel()
	list, err := os.ReadFile("testdata/alerts_list.json")
	if err != nil {
		t.Fatal(err)
	}
	detail, err := os.ReadFile("testdata/alert_detail.json")
	if err != nil {
		t.Fatal(err)
	}
	two := []byte(`{"has_more" : true,  "items" : [ ` + string(bytes.TrimSpace(detail)) + " ,\n\t" + `{"uuid":"b","short_id":"ALb","title":"a \"quoted\" ] } [ {","time_to_detect":1.5,"stix":null}` + ` ] , "total":7 }`)
	for name, body := range map[string][]byte{
		"fixture":         list,
		"spaces":          two,
		"key case":        []byte(`{"Items":[{"uuid":"a"}],"total":1}`),
		"escaped key":     []byte(`{"\u0069tems":[{"uuid":"a"}],"total":1}`),
		"twice":           []byte(`{"items":[{"uuid":"a"}],"items":[{"uuid":"b"},{"uuid":"c"}]}`),
		"null item":       []byte(`{"items":[{"uuid":"a"},null],"total":2}`),
		"null items":      []byte(`{"items":null,"total":0}`),
		"empty":           []byte(`{"items":[],"total":0,"has_more":false}`),
		"other keys":      []byte(`{"meta":{"items":[1,2]},"item":"x","items":[{"uuid":"a","x":["]","\\"]}]}`),
		"escaped strings": []byte(`{"items":[{"uuid":"a\\","title":"\\\"\\\\"},{"uuid":"b"}]}`),
	} {
		t.Run(name, func(t *testing.T) {
			got, total, hasMore, err := decodeAlertPage(bytes.Clone(body), 100)
			if err != nil {
				t.Fatal(err)
			}
			var env envelope[Alert]
			_ = json.Unmarshal(body, &env)
			slow := slowAlertPage(t, body)
			if len(slow) == 0 && len(got) == 0 {
				got = slow // nil or empty: both make an empty Page
			}
			if d := cmp.Diff(slow, got); d != "" {
				t.Errorf("alerts differ (-slow +fast):\n%s", d)
			}
			if d := cmp.Diff(env.Total, total); d != "" {
				t.Errorf("total: %s", d)
			}
			if d := cmp.Diff(env.HasMore, hasMore); d != "" {
				t.Errorf("has_more: %s", d)
			}
		})
	}
}

func TestDecodeAlertPageSharesBodySafely(t *testing.T) {
	t.Parallel()
	body := []byte(`{"items":[{"uuid":"a"},{"uuid":"b"}]}`)
	got, _, _, err := decodeAlertPage(body, 2)
	if err != nil {
		t.Fatal(err)
	}
	// Appending to one alert's Raw must not write over the next one.
	_ = append(got[0].Raw, `XXXXXXXXXXXXXXXX`...)
	if string(got[1].Raw) != `{"uuid":"b"}` || string(got[0].Raw) != `{"uuid":"a"}` {
		t.Errorf("Raw = %s, %s", got[0].Raw, got[1].Raw)
	}
}

func TestDecodeAlertPageErrors(t *testing.T) {
	t.Parallel()
	for _, body := range []string{`{"items":[{"uuid":1}]}`, `{"items":[{"time_to_detect":"1"}]}`, `{"items":[{"created_at":"yesterday"}]}`, `{"items":[`, `{"items":{}}`, `[]`} {
		if _, _, _, err := decodeAlertPage([]byte(body), 10); err == nil {
			t.Errorf("%s: no error", body)
		}
	}
}

func TestOptSecondsLikeFloat(t *testing.T) {
	t.Parallel()
	for _, in := range []string{`null`, `0`, `-1.25`, `113615345`, `1e3`, `"1"`, `true`, `{}`, `1e400`} {
		var s optSeconds
		err := json.Unmarshal([]byte(in), &s)
		var f *float64
		ferr := json.Unmarshal([]byte(in), &f)
		if (err == nil) != (ferr == nil) {
			t.Errorf("%s: err %v, float error %v", in, err, ferr)
			continue
		}
		if err == nil && (s.set != (f != nil) || f != nil && s.d.Seconds() != *f) {
			t.Errorf("%s: %+v, want %v", in, s, f)
		}
	}
}

// FuzzParseTimeString checks that the fast path of parseTime for a quoted
// time gives what the general string parser gives.
func FuzzParseTimeString(f *testing.F) {
	for _, s := range []string{"2022-12-03T21:05:32Z", "2022-12-03T21:05:32.307177+00:00", "2022-12-03T22:05:32+01:00", "2022-12-03T21:05:32", "1670101532", "2022-12-03T24:00:00Z", "0000-01-01T00:00:00Z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if strings.ContainsAny(s, `"\`) {
			return
		}
		got, err := parseTime([]byte(`"` + s + `"`))
		want, werr := parseTimeString(s)
		if (err == nil) != (werr == nil) || !got.Equal(want) || got.Location() != want.Location() {
			t.Fatalf("%q: %v, %v; want %v, %v", s, got, err, want, werr)
		}
	})
}

// FuzzDecodeAlertPage checks the one-pass page decoder against the plain
// one on any body.
func FuzzDecodeAlertPage(f *testing.F) {
	for _, s := range []string{
		`{"items":[{"uuid":"a","created_at":1670101532,"first_seen_at":"2022-12-03T21:05:32Z","time_to_detect":2}],"total":1}`,
		`{"items":[{"uuid":"a"},null],"has_more":true}`, `{"ITEMS":[{}]}`, `{"items":[{"stix":null,"similarity_strategy":{"a":[1]}}]}`,
		`{"items":[{"title":"\"]}"}, {"cases":[{"short_id":"C","updated_at":"2022-12-03 21:05:32"}]}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var env envelope[Alert]
		slowErr := json.Unmarshal(b, &env)
		got, total, hasMore, err := decodeAlertPage(bytes.Clone(b), 10)
		if (err == nil) != (slowErr == nil) {
			t.Fatalf("%s: error %v, plain decoder %v", b, err, slowErr)
		}
		if err != nil {
			return
		}
		if len(env.Items) == 0 && len(got) == 0 {
			got = env.Items // nil or empty: both make an empty Page
		}
		if d := cmp.Diff(env.Items, got); d != "" {
			t.Fatalf("%s: alerts differ (-plain +fast):\n%s", b, d)
		}
		if !cmp.Equal(env.Total, total) || !cmp.Equal(env.HasMore, hasMore) {
			t.Fatalf("%s: total/has_more differ", b)
		}
	})
}
