package sekoia

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

func TestDecodeEventPageFixture(t *testing.T) {
	t.Parallel()
	body, err := os.ReadFile("testdata/search_events_page.json")
	if err != nil {
		t.Fatal(err)
	}
	p, err := decodeEventPage(body)
	if err != nil {
		t.Fatal(err)
	}
	if p.Total != 1 || len(p.Events) != 1 {
		t.Fatalf("page %+v", p)
	}
	var ref struct{ Items []json.RawMessage }
	_ = json.Unmarshal(body, &ref)
	if !bytes.Equal(p.Events[0].Raw, ref.Items[0]) {
		t.Errorf("Raw differs from the item bytes")
	}
	ev := p.Events[0]
	if got, _ := ev.MarshalJSON(); !bytes.Equal(got, ev.Raw) {
		t.Errorf("MarshalJSON = %s", got)
	}
	if ev.Text("sekoiaio.intake.parsing_status") != "success" || ev.Text("message") != "{}" || ev.Text("missing") != "" {
		t.Error("String")
	}
	if ev.Text("action.id") != "1" || ev.Text("sekoiaio.tags.related.ip") != `["rfc5735", "rfc1918"]` {
		t.Errorf("String of non-strings: %q %q", ev.Text("action.id"), ev.Text("sekoiaio.tags.related.ip"))
	}
	if v, ok := ev.Get("process.pid"); !ok || string(v) != "623" {
		t.Errorf("Get = %s %v", v, ok)
	}
	if _, ok := ev.Int("host.name"); ok {
		t.Error("Int of a string")
	}
	m, err := ev.Fields()
	if err != nil || len(m) != 14 {
		t.Errorf("Fields: %d %v", len(m), err)
	}
	var typed struct {
		Host string `json:"host.name"`
		PID  int    `json:"process.pid"`
	}
	if err := ev.Decode(&typed); err != nil || typed.Host != "laptop-test" || typed.PID != 623 {
		t.Errorf("Decode = %+v %v", typed, err)
	}
}

func TestDecodeEventPageShapes(t *testing.T) {
	t.Parallel()
	for body, want := range map[string]string{
		`{"items":[],"total":0}`: "0 events",
		` { "total" : 5 , "items" : [ {"a":1} , {} ] , "paging_token":"t\u00e9" } `: "2 events",
		`{"items":null,"total":null}`:                           "0 events",
		`{"items":[{"a":"}]{\"","b":[1,{"c":"]"}]}],"total":1}`: "1 events",
	} {
		p, err := decodeEventPage([]byte(body))
		if err != nil {
			t.Errorf("%s: %v", body, err)
			continue
		}
		if got := fmt.Sprintf("%d events", len(p.Events)); got != want {
			t.Errorf("%s: %s", body, got)
		}
	}
	for _, body := range []string{`{"items":[{"a":1}`, `[]`, `{"total":1}`, `{"items":[1,2]}`, `{"items":{}}`, `{"items":[],"total":"x"}`, ``} {
		if _, err := decodeEventPage([]byte(body)); err == nil {
			t.Errorf("%q accepted", body)
		}
	}
	p, _ := decodeEventPage([]byte(`{"items":[{"k\u002ey":"v","esc":"a\"b","n":-1.5e3,"timestamp":"2024-01-02T03:04:05+02:00","@timestamp":"x"}],"total":1,"paging_token":"tok"}`))
	ev := p.Events[0]
	if ev.Text("k.y") != "v" || ev.Text("esc") != `a"b` || ev.Text("n") != "-1.5e3" || p.PagingToken != "tok" {
		t.Errorf("escaped key/value: %q %q %q", ev.Text("k.y"), ev.Text("esc"), ev.Text("n"))
	}
	if !ev.Timestamp().Equal(time.Date(2024, 1, 2, 1, 4, 5, 0, time.UTC)) {
		t.Errorf("Timestamp = %v", ev.Timestamp())
	}
	if !(Event{Raw: []byte(`{"@timestamp":"2024-01-02T03:04:05Z"}`)}).Timestamp().Equal(time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)) {
		t.Error("@timestamp")
	}
	var e Event
	if err := json.Unmarshal([]byte(`[1]`), &e); err == nil {
		t.Error("array accepted as event")
	}
}

// FuzzDecodeEventPage checks the page decoder against encoding/json: it
// accepts a page exactly when encoding/json can read its items as objects,
// and each event's Raw is the item's exact bytes.
func FuzzDecodeEventPage(f *testing.F) {
	f.Add([]byte(`{"items":[{"a":1},{"b":"x\"]}"}],"total":2}`))
	f.Add([]byte(`{"items":[{"k":[[1],[2,{"z":null}]]}],"total":1,"paging_token":null}`))
	f.Add([]byte(`{"total":0,"items":[]}`))
	f.Add([]byte(`{"items":[{"a":"\\"}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		p, err := decodeEventPage(body)
		var ref struct {
			Items []json.RawMessage `json:"items"`
		}
		refErr := json.Unmarshal(body, &ref)
		if err != nil {
			return // stricter than encoding/json is allowed (for example a non-object item)
		}
		if refErr != nil {
			t.Fatalf("accepted a page encoding/json refuses: %v", refErr)
		}
		if len(p.Events) != len(ref.Items) {
			t.Fatalf("%d events, encoding/json saw %d", len(p.Events), len(ref.Items))
		}
		for i, ev := range p.Events {
			if !bytes.Equal(ev.Raw, ref.Items[i]) {
				t.Fatalf("event %d: %s != %s", i, ev.Raw, ref.Items[i])
			}
			var m map[string]json.RawMessage
			if err := json.Unmarshal(ev.Raw, &m); err != nil {
				t.Fatalf("event %d is not an object: %v", i, err)
			}
			for k, v := range m {
				got, ok := ev.Get(k)
				if !ok {
					t.Fatalf("key %q not found", k)
				}
				if strings.Count(string(ev.Raw), "\"") < 1000 && !json.Valid(got) {
					t.Fatalf("key %q: invalid value %s (want %s)", k, got, v)
				}
			}
		}
	})
}

func benchEventBytes(i int) []byte {
	return fmt.Appendf(nil, `{"__event_id":"ZXZlbnRzLTUyYmQwNDVmLTQxOTktNDM2MS04MjY3LW%08d","timestamp":"2026-03-01T12:%02d:%02d.652Z","message":"{\"cmd\":\"powershell -enc SQBFAFgA\"}","event.id":"0b83c211-6e79-4a28-%012d","event.dialect":"sekoia.io endpoint agent","event.category":"process","action.id":1,"process.pid":%d,"process.command_line":"C:\\Windows\\System32\\cmd.exe /c whoami","host.name":"laptop-%d","user.name":"joe.done","source.ip":"10.0.%d.%d","sekoiaio.intake.uuid":"834a2d7f-3623-4b26-9d2c-1f6e2a3b4c5d","sekoiaio.intake.parsing_status":"success","sekoiaio.tags.related.ip":["rfc5735","rfc1918"],"sekoiaio.any_asset.uuid":[["85dbcf0f-cc30-421e"],["9d99b786-6eaf-46d7"]]}`,
		i, (i/60)%60, i%60, i, 1000+i%30000, i%50, i%256, i/256%256)
}

func benchPage() []byte {
	b := []byte(`{"items":[`)
	for i := range 1000 {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, benchEventBytes(i)...)
	}
	return append(b, `],"total":50000}`...)
}

// BenchmarkDecodeEventPage_SDK decodes a page of 1000 events as Results
// does.
func BenchmarkDecodeEventPage_SDK(b *testing.B) {
	body := benchPage()
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		p, err := decodeEventPage(body)
		if err != nil || len(p.Events) != 1000 {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeEventPage_Raw decodes the same page into json.RawMessage
// items with encoding/json.
func BenchmarkDecodeEventPage_Raw(b *testing.B) {
	body := benchPage()
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		var p struct {
			Items []json.RawMessage `json:"items"`
			Total int               `json:"total"`
		}
		if err := json.Unmarshal(body, &p); err != nil || len(p.Items) != 1000 {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeEventPage_Map decodes the same page into maps.
func BenchmarkDecodeEventPage_Map(b *testing.B) {
	body := benchPage()
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		var p struct {
			Items []map[string]any `json:"items"`
		}
		if err := json.Unmarshal(body, &p); err != nil || len(p.Items) != 1000 {
			b.Fatal(err)
		}
	}
}

// BenchmarkEventString reads one field of an event.
func BenchmarkEventString(b *testing.B) {
	ev := Event{Raw: benchEventBytes(7)}
	b.ReportAllocs()
	for b.Loop() {
		if ev.Text("host.name") != "laptop-7" {
			b.Fatal("wrong value")
		}
	}
}

// FuzzSearchQueryBody checks the query encoder: a query it accepts has
// well-formed time bounds, and the body it sends round-trips through JSON.
func FuzzSearchQueryBody(f *testing.F) {
	f.Add("host.name:x", "-24h", "now", "a.b", "v", int64(0))
	f.Add("", "+3D", "-1w", "", "", int64(1714000000))
	f.Add("x", "24h", "", "f", "\"", int64(-1))
	f.Fuzz(func(t *testing.T, term, earliest, latest, field, value string, abs int64) {
		q := SearchQuery{Term: term, Earliest: RelativeTime(earliest), Latest: RelativeTime(latest)}
		if abs > 0 {
			q.Earliest = AbsoluteTime(time.Unix(abs%1e10, 0))
		}
		if field != "" {
			q.Filters = []SearchFilter{{Field: field, Operator: FilterContains, Value: value}}
		}
		b, err := q.body("Events.Create")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "sekoia: Events.Create: query ") {
				t.Fatalf("error without context: %v", err)
			}
			return
		}
		for _, s := range []string{b.EarliestTime, b.LatestTime} {
			if !validRelativeTime(s) {
				if _, err := time.Parse("2006-01-02T15:04:05.000", s); err != nil {
					t.Fatalf("bound %q is neither relative nor absolute", s)
				}
			}
		}
		raw, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		var back searchJobBody
		if err := json.Unmarshal(raw, &back); err != nil || back.Term != b.Term || back.EarliestTime != b.EarliestTime {
			t.Fatalf("round trip: %+v %v", back, err)
		}
	})
}
