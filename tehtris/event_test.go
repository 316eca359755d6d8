package tehtris

import (
	"bytes"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func loadSamples(t testing.TB) map[string][]byte {
	t.Helper()
	files, err := filepath.Glob("testdata/event_*.json")
	if err != nil || len(files) != 6 {
		t.Fatalf("want the 6 sample events in testdata, got %d (%v)", len(files), err)
	}
	out := make(map[string][]byte, len(files))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.Base(f)] = b
	}
	return out
}

func ptr[T any](v T) *T { return &v }

// TestSampleEventsLossless decodes each sample and checks that no member is
// lost: every member is carried by a typed field (the set of members is
// asserted), the typed fields hold the same values, nothing is left for
// Extra, and MarshalJSON gives the input back byte for byte.
func TestSampleEventsLossless(t *testing.T) {
	t.Parallel()
	for name, data := range loadSamples(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var ev Event
			if err := json.Unmarshal(data, &ev); err != nil {
				t.Fatal(err)
			}
			got, err := ev.MarshalJSON()
			if err != nil {
				t.Fatal(err)
			}
			if want := bytes.TrimSpace(data); !bytes.Equal(got, want) {
				t.Fatalf("MarshalJSON is not the input:\n%s\nwant\n%s", got, want)
			}
			// An encoder without HTML escaping gives the compact input.
			var compact, enc bytes.Buffer
			if err := json.Compact(&compact, data); err != nil {
				t.Fatal(err)
			}
			e := json.NewEncoder(&enc)
			e.SetEscapeHTML(false)
			if err := e.Encode(ev); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(bytes.TrimSpace(enc.Bytes()), compact.Bytes()) {
				t.Fatalf("encoded event differs from the compact input")
			}

			var members map[string]any
			if err := json.Unmarshal(data, &members); err != nil {
				t.Fatal(err)
			}
			var unknown []string
			for k := range members {
				if !isEventKey(k) {
					unknown = append(unknown, k)
				}
			}
			if len(unknown) > 0 {
				t.Fatalf("members without a typed field: %v", unknown)
			}
			if x := ev.Extra(); x != nil {
				t.Fatalf("Extra = %v, want nil", x)
			}
			// The typed fields alone, encoded, carry every member's value
			// (members that are null, "" or false may be left out).
			typed := ev
			typed.Raw = nil
			tb, err := json.Marshal(typed)
			if err != nil {
				t.Fatal(err)
			}
			var fromTyped map[string]any
			if err := json.Unmarshal(tb, &fromTyped); err != nil {
				t.Fatal(err)
			}
			for k, v := range members {
				tv, ok := fromTyped[k]
				if !ok {
					if v == nil || v == "" || v == false {
						continue
					}
					t.Errorf("member %q = %v is lost by the typed fields", k, v)
					continue
				}
				if diff := cmp.Diff(v, tv); diff != "" {
					t.Errorf("member %q differs (-raw +typed):\n%s", k, diff)
				}
			}
			for k := range fromTyped {
				if _, ok := members[k]; !ok {
					t.Errorf("typed fields add member %q", k)
				}
			}
		})
	}
}

func TestEventTypedFields(t *testing.T) {
	t.Parallel()
	s := loadSamples(t)
	decode := func(name string) Event {
		t.Helper()
		var ev Event
		if err := json.Unmarshal(s[name], &ev); err != nil {
			t.Fatal(err)
		}
		ev.Raw = nil
		return ev
	}
	ts := func(v string) time.Time {
		t.Helper()
		p, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	got := decode("event_heuristic_alert_suspect_spawn_tree.json")
	want := Event{
		ID: 888888888, Time: ts("2022-10-28T11:58:20.377350+00:00"), ApplianceID: 1, Level: 5,
		Module: "das", EventName: "HeuristicAlert", KnowledgeBaseID: 130181011000003,
		Description: "Suspect spawn tree detected\n─ (EXAMPLE-NT\\doe-j) C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe (14172)\n── (EXAMPLE-NT\\doe-j) C:\\Windows\\System32\\cmd.exe (10544)\n\nNo remediation taken",
		SourceIP:    "1.2.3.4", DestinationIP: "5.6.7.8",
		AgentUUID: "5c3ff0bc-5101-4152-a330-923e569c9229",
		UID:       "5c3ff0bc-5101-4152-a330-923e569c9229;windows;MR11111;example.org",
		Hostname:  "MR11111", Domain: "example.org", OS: "windows", OSVersion: "10.0.19041",
		OSRelease: "10", OSArchitecture: "x86_64", Tag: "TRI_AAA_WIN",
		Path:        `C:\Windows\System32\cmd.exe`,
		CommandLine: `C:\WINDOWS\system32\cmd.exe /d /c "C:\Users\doe-j\AppData\Local\Programs\Fake Company\program.exe" chrome-extension://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/ --parent-window=0 < \\.\pipe\LOCAL\1111111111111111111111111111111111111111 > \\.\pipe\LOCAL\11111111111111111111111111111111111111111`,
		PID:         ptr[int64](10544), PPID: ptr[int64](14172),
		ProcessCreated: ts("2022-10-28T11:45:14.751830+00:00"),
		Username:       `EXAMPLE-NT\doe-j`,
		SHA256:         "01ba4719c80b6fe911b091a7c05124b64eeece964e09c058ef8f9805daca546b",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("heuristic alert (-want +got):\n%s", diff)
	}
	if got.Time.Nanosecond() != 377350000 {
		t.Errorf("microseconds lost: %d ns", got.Time.Nanosecond())
	}
	if _, off := got.Time.Zone(); off != 0 {
		t.Errorf("offset %d, want 0", off)
	}

	av := decode("event_antivirus_alert_autostart_null_pid.json")
	if av.PID != nil || av.PPID != nil || av.Username != "" || !av.ProcessCreated.IsZero() {
		t.Errorf("null pid/ppid/username/pCreateDatetime: %v %v %q %v", av.PID, av.PPID, av.Username, av.ProcessCreated)
	}
	if *av.Positives != 1 || *av.Total != 65 || !av.AccessTime.Equal(ts("2022-10-28T06:47:03.009122+00:00")) ||
		!av.ChangeTime.Equal(ts("2021-09-13T07:11:02.365029+00:00")) || !av.ModifyTime.Equal(ts("2021-09-13T07:11:02.349390+00:00")) ||
		!av.HashLastUpdate.Equal(ts("2022-10-27T14:45:12.038340+00:00")) || av.Location != `Task: \Microsoft\Windows\InstallService\ScanForUpdates` {
		t.Errorf("antivirus fields: %+v", av)
	}
	if sb := decode("event_sandbox_alert.json"); sb.Signatures != "45%" || sb.EventName != "sandboxAlert" {
		t.Errorf("sandbox: %q %q", sb.Signatures, sb.EventName)
	}
	ole := decode("event_oletools_malicious_vba_macro.json")
	if *ole.MaliciousMacros != 1 || *ole.FirstTimeMacros != 0 || *ole.UnknownMacros != 28 || !strings.HasPrefix(ole.Report, "Document file sha256") {
		t.Errorf("oletools: %v %v %v %q", ole.MaliciousMacros, ole.FirstTimeMacros, ole.UnknownMacros, ole.Report)
	}
	url := decode("event_oletools_suspicious_url_in_document.json")
	if url.MaliciousMacros != nil || url.FirstTimeMacros != nil || url.UnknownMacros != nil || url.PID != nil || url.CommandLine != "" {
		t.Errorf("oletools with nulls: %+v", url)
	}
	if got, want := url.Endpoint(), (Endpoint{ApplianceID: 1, AgentUUID: "5c3ff0bc-5101-4152-a330-923e569c9229"}); got != want {
		t.Errorf("Endpoint = %v, want %v", got, want)
	}
}

// TestEventKeysMatchWire checks that isEventKey and the wire struct list
// the same members.
func TestEventKeysMatchWire(t *testing.T) {
	t.Parallel()
	rt := reflect.TypeFor[eventJSON]()
	var tags []string
	for f := range rt.Fields() {
		tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		tags = append(tags, tag)
		if !isEventKey(tag) {
			t.Errorf("isEventKey(%q) = false", tag)
		}
	}
	if rt.NumField() != reflect.TypeFor[Event]().NumField()-1 {
		t.Errorf("eventJSON has %d fields, Event %d (with Raw)", rt.NumField(), reflect.TypeFor[Event]().NumField())
	}
	if slices.Contains(tags, "") || isEventKey("Raw") || isEventKey("extra") {
		t.Error("unexpected key")
	}
}

func TestDecodeEventsPage(t *testing.T) {
	t.Parallel()
	s := loadSamples(t)
	var parts [][]byte
	var names []string
	for name := range s {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, n := range names {
		parts = append(parts, s[n]) // indented, as is
	}
	page := append(append([]byte("[\n"), bytes.Join(parts, []byte(" ,\n"))...), "\n]\n"...)
	evs, err := DecodeEvents(page)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 6 {
		t.Fatalf("%d events", len(evs))
	}
	for i, ev := range evs {
		if !bytes.Equal(ev.Raw, bytes.TrimSpace(parts[i])) {
			t.Errorf("event %d: Raw is not the element", i)
		}
		if cap(ev.Raw) != len(ev.Raw) {
			t.Errorf("event %d: Raw can be appended into the page", i)
		}
	}
}

func TestDecodeUnknownMembersAndEdges(t *testing.T) {
	t.Parallel()
	var ev Event
	in := `{"id":7,"time":"2024-01-02T03:04:05.000006+00:00","rflId":2,"lvl":9,"module":"das","eventName":"newAlert","newField":{"a":[1,2]},"atime":"","pCreateDatetime":null}`
	if err := json.Unmarshal([]byte(in), &ev); err != nil {
		t.Fatal(err)
	}
	if string(ev.Raw) != in {
		t.Errorf("Raw = %s", ev.Raw)
	}
	if diff := cmp.Diff(map[string]json.RawMessage{"newField": json.RawMessage(`{"a":[1,2]}`)}, ev.Extra()); diff != "" {
		t.Errorf("Extra (-want +got):\n%s", diff)
	}
	if !ev.AccessTime.IsZero() || ev.Time.Nanosecond() != 6000 {
		t.Errorf("times: %v %v", ev.AccessTime, ev.Time)
	}
	// Time without an offset is UTC.
	if err := json.Unmarshal([]byte(`{"id":1,"time":"2024-01-02T03:04:05.5"}`), &ev); err != nil || !ev.Time.Equal(time.Date(2024, 1, 2, 3, 4, 5, 5e8, time.UTC)) {
		t.Errorf("time without offset: %v %v", ev.Time, err)
	}
	for _, bad := range []string{
		`{"id":"x"}`, `{"id":1,"time":"yesterday"}`, `{"id":1,"time":12}`, `[1]`, `"event"`, `{"id":1,`,
	} {
		if err := json.Unmarshal([]byte(bad), &ev); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}

func TestEventBuiltInCodeEncodes(t *testing.T) {
	t.Parallel()
	ev := Event{ID: 42, Time: time.Date(2024, 5, 6, 7, 8, 9, 123456000, time.FixedZone("CEST", 7200)), ApplianceID: 1, Level: 3,
		Module: "das", EventName: "HeuristicAlert", PID: ptr[int64](0), Username: `D\u`}
	b, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"id":42,"time":"2024-05-06T05:08:09.123456+00:00","rflId":1,"lvl":3,"module":"das","eventName":"HeuristicAlert","pid":0,"username":"D\\u"}`
	if string(b) != want {
		t.Errorf("got  %s\nwant %s", b, want)
	}
	var back Event
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	back.Raw = nil
	if diff := cmp.Diff(ev, back, cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
}

func TestSplitArray(t *testing.T) {
	t.Parallel()
	ok := map[string][]string{
		`[]`:                                 {},
		" \n[ \t]\r\n":                       {},
		`[{}]`:                               {`{}`},
		`[ {"a":"]},\"{["} , {"b":[1,{}]} ]`: {`{"a":"]},\"{["}`, `{"b":[1,{}]}`},
		`[1,"x",null,[2]]`:                   {`1`, `"x"`, `null`, `[2]`},
		`[{"s":"\\"}]`:                       {`{"s":"\\"}`},
	}
	for in, want := range ok {
		got, err := splitArray([]byte(in))
		if err != nil {
			t.Errorf("%q: %v", in, err)
			continue
		}
		gs := make([]string, len(got))
		for i, g := range got {
			gs[i] = string(g)
		}
		if diff := cmp.Diff(want, gs); diff != "" {
			t.Errorf("%q (-want +got):\n%s", in, diff)
		}
	}
	for _, in := range []string{``, `{}`, `[`, `[{}`, `[{},]x`, `[{}]x`, `[{"a":"b}]`, `[{"a":"\`, `[}`, `[{}{}]`, `[,]`, `[{},,{}]`, `null`} {
		if got, err := splitArray([]byte(in)); err == nil {
			// A few of these split fine and fail when the element is
			// decoded; DecodeEvents must fail in every case.
			if _, err := DecodeEvents([]byte(in)); err == nil {
				t.Errorf("%q: split into %q and decoded without error", in, got)
			}
		}
	}
}

// FuzzDecodeEvents checks the page decoder against encoding/json: whenever
// one of them accepts a page of objects the other must agree, with the
// same elements.
func FuzzDecodeEvents(f *testing.F) {
	for _, b := range loadSamples(f) {
		f.Add(append(append([]byte("["), b...), ']'))
	}
	f.Add([]byte(`[]`))
	f.Add([]byte(`[{"id":1,"time":"2024-01-02T03:04:05+00:00","pid":null},{"id":2,"time":"2024-01-02T03:04:05.1+00:00","x":"\"]"}]`))
	f.Add([]byte(`[{"id":1,"time":"bad"}]`))
	f.Add([]byte(`[{"id":1e3}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		evs, err := DecodeEvents(data)
		var std []json.RawMessage
		stdErr := json.Unmarshal(data, &std)
		if err == nil {
			if stdErr != nil {
				t.Fatalf("DecodeEvents accepted what encoding/json refuses (%v): %q", stdErr, data)
			}
			if len(std) != len(evs) {
				t.Fatalf("%d events, encoding/json sees %d", len(evs), len(std))
			}
			for i := range evs {
				if !bytes.Equal(evs[i].Raw, std[i]) {
					t.Fatalf("element %d: %q vs %q", i, evs[i].Raw, std[i])
				}
				b, _ := evs[i].MarshalJSON()
				if !bytes.Equal(b, std[i]) {
					t.Fatalf("MarshalJSON of element %d is not its raw bytes", i)
				}
			}
			return
		}
		if stdErr != nil {
			return
		}
		// encoding/json accepts the array: DecodeEvents may refuse it only
		// because an element is not an event.
		for _, el := range std {
			var ev Event
			if json.Unmarshal(el, &ev) != nil {
				return
			}
		}
		t.Fatalf("DecodeEvents refused a valid page of events: %v: %q", err, data)
	})
}

// FuzzEventQuery checks that the query encoder either refuses a query
// with an error or encodes every field so that it parses back.
func FuzzEventQuery(f *testing.F) {
	f.Add(int64(1709287200), int64(1709290800), 100, 0, "f-1", "CREATED")
	f.Add(int64(0), int64(0), 0, 0, "", "")
	f.Add(int64(-5), int64(3), 1001, -1, " x", "created")
	f.Add(int64(1<<40), int64(1<<41), 1000, 1<<30, "a&b=c#d?e", "MODIFIED")
	f.Fuzz(func(t *testing.T, from, to int64, limit, offset int, filter, com string) {
		q := EventQuery{Limit: limit, Offset: offset, FilterID: filter, CreatedOrModified: CreatedOrModified(com)}
		if from != 0 {
			q.From = time.Unix(from, 0)
		}
		if to != 0 {
			q.To = time.Unix(to, 0)
		}
		if err := q.check("Events.List"); err != nil {
			if !strings.HasPrefix(err.Error(), "tehtris: Events.List: ") {
				t.Fatalf("error does not name the method: %v", err)
			}
			return
		}
		w, err := q.request(offset)
		if err != nil {
			t.Fatal(err)
		}
		v, err := url.ParseQuery(w.Query.Encode())
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]string{"limit": strconv.Itoa(q.limit()), "offset": strconv.Itoa(offset)}
		if from != 0 {
			want["fromDate"] = strconv.FormatInt(from, 10)
		}
		if to != 0 {
			want["toDate"] = strconv.FormatInt(to, 10)
		}
		if filter != "" {
			want["filterID"] = filter
		}
		if com != "" {
			want["createdOrModified"] = com
		}
		if len(v) != len(want) {
			t.Fatalf("encoded %v, want %v", v, want)
		}
		for k, w := range want {
			if v.Get(k) != w {
				t.Fatalf("%s = %q, want %q", k, v.Get(k), w)
			}
		}
	})
}
