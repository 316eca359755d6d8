package sekoia

import (
	"bytes"
	"encoding/json"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"
)

func TestParseTimeForms(t *testing.T) {
	t.Parallel()
	want := time.Date(2022, 12, 3, 21, 5, 32, 0, time.UTC)
	for in, exp := range map[string]time.Time{
		`1670101532`:                         want,
		`1670101532.0`:                       want,
		`1670101532000`:                      want, // milliseconds
		`"1670101532"`:                       want,
		`1.670101532e9`:                      want,
		`"2022-12-03T21:05:32Z"`:             want,
		`"2022-12-03T21:05:32+00:00"`:        want,
		`"2022-12-03T22:05:32+01:00"`:        want,
		`"2022-12-03T21:05:32"`:              want,
		`"2022-12-03 21:05:32"`:              want,
		`"2022-12-03T21:05:32.307177+00:00"`: want.Add(307177 * time.Microsecond),
		`"2022-12-03T21:05:32.307177Z"`:      want.Add(307177 * time.Microsecond),
		`"2022-12-03T21:05:32.307177"`:       want.Add(307177 * time.Microsecond),
		`"2022-12-03T21:05:32+0000"`:         want,
		`"2022-12-03"`:                       time.Date(2022, 12, 3, 0, 0, 0, 0, time.UTC),
		`null`:                               {},
		`""`:                                 {},
		` 1670101532 `:                       want,
		`1670101532.5`:                       want.Add(500 * time.Millisecond),
	} {
		got, err := parseTime([]byte(in))
		if err != nil || !got.Equal(exp) || got.Location() != time.UTC {
			t.Errorf("parseTime(%s) = %v, %v; want %v", in, got, err, exp)
		}
	}
	for _, bad := range []string{`"yesterday"`, `true`, `{}`, `[1]`, `"2022-13-01T00:00:00Z"`, `1e300`, `"NaN"`, `-1e20`, `"`} {
		if got, err := parseTime([]byte(bad)); err == nil {
			t.Errorf("parseTime(%s) = %v, want an error", bad, got)
		}
	}
}

func FuzzParseTime(f *testing.F) {
	for _, s := range []string{`1670101532`, `"2022-12-03T21:05:32.307177+00:00"`, `null`, `"1670101532"`, `1670101532000`, `""`, `"2022-12-03"`, `1.5`, `-1`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		tm, err := parseTime(b)
		if err != nil {
			return
		}
		if tm.IsZero() {
			return
		}
		if tm.Location() != time.UTC {
			t.Fatalf("parseTime(%q) not in UTC", b)
		}
		// Whatever was accepted survives both wire forms.
		for _, enc := range []func() ([]byte, error){epochTime{tm}.MarshalJSON, isoTime{tm}.MarshalJSON} {
			out, err := enc()
			if err != nil {
				t.Fatalf("marshal %v: %v", tm, err)
			}
			back, err := parseTime(out)
			if err != nil {
				t.Fatalf("parseTime(%s) of our own output: %v", out, err)
			}
			if d := back.Sub(tm); d > time.Second || d < -time.Second {
				t.Fatalf("round trip %v -> %s -> %v", tm, out, back)
			}
		}
	})
}

func FuzzAlertListQuery(f *testing.F) {
	f.Add("1.2.3.4", "Feed Enriched", 80, 100, int64(1574343159), int64(0), 50, 0, "urgency", "desc")
	f.Add("a,b", "", 10, 1, int64(-1), int64(5), 101, -1, "", "up")
	f.Add("", "x y&z=1", 0, 0, int64(0), int64(0), 0, 0, "created_at", "asc")
	f.Fuzz(func(t *testing.T, source, title string, lo, hi int, from, to int64, limit, offset int, sortKey, dir string) {
		o := &AlertListOptions{
			Urgency: &IntRange{Min: lo, Max: hi}, Sort: AlertSort(sortKey), Direction: Direction(dir),
			Limit: limit, Offset: offset,
		}
		if source != "" {
			o.Sources = []string{source}
		}
		if title != "" {
			o.Titles = []string{title, "other"}
		}
		if from != 0 {
			o.CreatedAt = &TimeRange{From: time.Unix(from%1e11, 0)}
			if to != 0 {
				o.CreatedAt.To = time.Unix(to%1e11, 0)
			}
		}
		r, err := o.request("Alerts.List")
		q := r.Query
		if err != nil {
			if !strings.HasPrefix(err.Error(), "sekoia: Alerts.List: ") {
				t.Fatalf("error without its prefix: %v", err)
			}
			return
		}
		// Accepted options produce a query that parses back to the same
		// values.
		back, err := url.ParseQuery(q.Encode())
		if err != nil {
			t.Fatalf("query %q does not parse: %v", q.Encode(), err)
		}
		if source != "" && back.Get("match[source]") != source {
			t.Fatalf("match[source] = %q, want %q", back.Get("match[source]"), source)
		}
		if title != "" && back.Get("match[title]") != title+",other" {
			t.Fatalf("match[title] = %q", back.Get("match[title]"))
		}
		if limit < 1 || limit > 100 {
			if limit != 0 {
				t.Fatalf("limit %d accepted", limit)
			}
		}
		if strings.Contains(source, ",") {
			t.Fatalf("source %q with a comma accepted", source)
		}
	})
}

func TestAlertDecodeListFixture(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("testdata/alerts_list.json")
	if err != nil {
		t.Fatal(err)
	}
	var env envelope[*Alert]
	if err := json.Unmarshal(raw, &env); err != nil {
		t.Fatal(err)
	}
	a := env.Items[0]
	switch {
	case a.ShortID != "ALL1A4SKUUUU" || a.Title != "Feed Enriched":
		t.Errorf("ids: %+v", a)
	case !a.CreatedAt.Equal(time.Unix(1574343159, 0)) || !a.UpdatedAt.Equal(time.Unix(1687958505, 0)):
		t.Errorf("epoch times: %v %v", a.CreatedAt, a.UpdatedAt)
	case !a.FirstSeenAt.Equal(time.Date(2019, 11, 21, 13, 32, 39, 839600000, time.UTC)):
		t.Errorf("first_seen_at: %v", a.FirstSeenAt)
	case a.Target != "" || a.DetectionType != "" || a.Rule.Type != "":
		t.Errorf("nulls: %q %q %q", a.Target, a.DetectionType, a.Rule.Type)
	case a.TimeToDetect != nil || a.TimeToAcknowledge == nil || *a.TimeToAcknowledge != 113615345*time.Second:
		t.Errorf("time_to_*: %v %v", a.TimeToDetect, a.TimeToAcknowledge)
	case a.Entity == nil || a.Entity.Name != "Information Technology TEST" || a.Urgency.Display != "Moderate" || a.Similar != 11:
		t.Errorf("nested: %+v", a)
	case a.Status.UUID.String() != "8f206505-af6d-433e" || a.Status.Name != "Acknowledged":
		t.Errorf("status: %+v", a.Status)
	case !strings.Contains(string(a.Raw), `"a_field_added_later"`):
		t.Error("unknown field lost from Raw")
	}
	var compact bytes.Buffer
	_ = json.Compact(&compact, a.Raw)
	out, err := json.Marshal(a)
	if err != nil || string(out) != compact.String() {
		t.Errorf("MarshalJSON does not return Raw: %v", err)
	}
}

func TestAlertDecodeDetailFixture(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("testdata/alert_detail.json")
	if err != nil {
		t.Fatal(err)
	}
	var a Alert
	if err := json.Unmarshal(raw, &a); err != nil {
		t.Fatal(err)
	}
	if a.Entity != nil || a.Verdict != nil || a.CustomStatus != nil || a.SimilarityStrategy != nil {
		t.Errorf("nulls not nil: %+v", a)
	}
	if len(a.History) != 2 || a.History[0].EntryType != "alert" || a.History[1].Urgency == nil || *a.History[1].Urgency.Value != 30 {
		t.Errorf("history = %+v", a.History)
	}
	if a.Comments == nil || len(a.Comments) != 0 {
		t.Errorf("comments = %#v", a.Comments)
	}
}

func TestAlertDecodeVariants(t *testing.T) {
	t.Parallel()
	var a Alert
	in := `{"uuid":"u","short_id":"ALx","created_at":"2022-11-28T21:00:00Z","updated_at":"1669676732","first_seen_at":1669676732,"last_seen_at":null,"time_to_detect":1.5,"stix":null,"entity":null,"urgency":null}`
	if err := json.Unmarshal([]byte(in), &a); err != nil {
		t.Fatal(err)
	}
	if a.CreatedAt.Unix() != 1669669200 || a.UpdatedAt.Unix() != 1669676732 || a.FirstSeenAt.Unix() != 1669676732 || !a.LastSeenAt.IsZero() {
		t.Errorf("times: %v %v %v %v", a.CreatedAt, a.UpdatedAt, a.FirstSeenAt, a.LastSeenAt)
	}
	if *a.TimeToDetect != 1500*time.Millisecond || a.STIX != nil {
		t.Errorf("time_to_detect %v, stix %s", *a.TimeToDetect, a.STIX)
	}
	if err := json.Unmarshal([]byte(`{"created_at":"soon"}`), &a); err == nil || !strings.Contains(err.Error(), "decode alert") {
		t.Errorf("bad time: %v", err)
	}
	// Re-decoding into a used value leaves nothing behind.
	if err := json.Unmarshal([]byte(`{"uuid":"v"}`), &a); err != nil || a.ShortID != "" || !a.CreatedAt.IsZero() {
		t.Errorf("stale fields: %+v", a)
	}
	// A hand-built alert encodes in the API's forms.
	b := Alert{UUID: "u", CreatedAt: time.Unix(1669676732, 0), LastSeenAt: time.Date(2022, 12, 3, 21, 5, 32, 0, time.UTC)}
	out, _ := json.Marshal(b)
	for _, want := range []string{`"created_at":1669676732`, `"last_seen_at":"2022-12-03T21:05:32Z"`, `"updated_at":null`, `"time_to_detect":null`} {
		if !strings.Contains(string(out), want) {
			t.Errorf("%s lacks %s", out, want)
		}
	}
}

func TestAlertDecodeCasesVerdictFields(t *testing.T) {
	t.Parallel()
	in := `{"uuid":"u","short_id":"ALx","cases":[{"short_id":"CAabc","title":"Incident","updated_at":"2026-03-01T10:00:00.5+00:00","manual":true}],
		"verdict_uuid":"v1","verdict":{"uuid":"v1","label":"Malicious","stage":"true_positive","confidence":90},
		"custom_status":{"label":"Triaged","level":1,"stage":"in_progress","description":null},
		"custom_fields":[{"uuid":"f1","name":"Ticket","slug":"ticket","type":"text","value":"INC-42"}],
		"ttps":[{"id":"attack-pattern--1","type":"attack-pattern","name":"Brute Force"}]}`
	var a Alert
	if err := json.Unmarshal([]byte(in), &a); err != nil {
		t.Fatal(err)
	}
	switch {
	case len(a.Cases) != 1 || !a.Cases[0].Manual || a.Cases[0].UpdatedAt.Nanosecond() != 5e8:
		t.Errorf("cases = %+v", a.Cases)
	case a.Verdict == nil || a.Verdict.Confidence != 90 || a.CustomStatus.Stage != StageInProgress:
		t.Errorf("verdict %+v custom status %+v", a.Verdict, a.CustomStatus)
	case string(a.CustomFields[0].Value) != `"INC-42"` || a.TTPs[0].Name != "Brute Force":
		t.Errorf("custom fields %+v ttps %+v", a.CustomFields, a.TTPs)
	}
}

func TestTimeRangeString(t *testing.T) {
	t.Parallel()
	paris := time.FixedZone("CET", 3600)
	r := TimeRange{From: time.Date(2025, 9, 22, 2, 20, 0, 0, paris)}
	if got := r.String(); got != "2025-09-22T01:20:00.000Z,now" {
		t.Errorf("String = %q", got)
	}
}
