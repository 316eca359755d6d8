package sentinelone

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// generalPage decodes a list body the way every response was decoded
// before the in-place walk: one json.Decoder pass into the envelope.
func generalPage[T any](body []byte) ([]T, Pagination, []ErrorObject, error) {
	var env envelope[[]T]
	if err := json.NewDecoder(bytes.NewReader(body)).Decode(&env); err != nil {
		return nil, Pagination{}, nil, err
	}
	p := Pagination{TotalItems: -1}
	if env.Pagination != nil {
		p = *env.Pagination
	}
	return env.Data, p, env.Errors, nil
}

// checkPageDecode compares the in-place page decoder with the general one
// on body: same items (Raw included), pagination, errors and error text.
func checkPageDecode[T any](t *testing.T, body []byte, decode func([]byte, *T) error) {
	t.Helper()
	items, pg, err := decodePage(body, false, decode)
	wantItems, wantP, wantErrs, wantErr := generalPage[T](body)
	if (err == nil) != (wantErr == nil) || err != nil && err.Error() != wantErr.Error() {
		t.Fatalf("error %v, general decoder %v; body %s", err, wantErr, body)
	}
	if err != nil {
		return
	}
	if d := cmp.Diff(wantItems, items); d != "" {
		t.Fatalf("items differ on %s (-general +in place):\n%s", body, d)
	}
	if wantP != pg.pagination {
		t.Fatalf("pagination %+v, general %+v", pg.pagination, wantP)
	}
	if d := cmp.Diff(wantErrs, pg.errors); d != "" {
		t.Fatalf("errors differ (-general +in place):\n%s", d)
	}
}

func pageSeeds(tb testing.TB) [][]byte {
	files, _ := filepath.Glob("testdata/activity_*.json")
	var acts [][]byte
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		acts = append(acts, bytes.TrimSpace(b))
	}
	all := `{"data":[` + string(bytes.Join(acts, []byte(",\n"))) + `],"pagination":{"nextCursor":"YWJj","totalItems":7},"errors":null}`
	seeds := [][]byte{[]byte(all)}
	for _, s := range []string{
		`{"data":[],"pagination":{"nextCursor":null,"totalItems":0}}`,
		`{"data":null}`, `{}`, `null`, `[]`, ``, `{"data":[{"id":"1"}]`, `{"data":[{"id":"1"}]} trailing`,
		`{"data":[{"id":"1"}],"Data":[{"id":"2"}]}`, `{"data":[{"id":"1"}],"data":[{"id":"2"},{"id":"3"}]}`,
		`{"d\u0061ta":[{"id":"1"}]}`, `{"data":{"id":"1"}}`, `{"data":"x"}`, `{"data":[1,{"id":"2"}]}`,
		`{"data":[{"id":"1","createdAt":"2024-02-30T00:00:00Z"}]}`, `{"data":[{"id":"1"}],"pagination":5}`,
		`{"data":[{"id":"1"}],"pagination":null,"errors":[]}`, `{"pagination":{"totalItems":3},"PAGINATION":{}}`,
		`{"data":[],"errors":[{"code":4010010,"title":"Authentication Failed","detail":null}]}`,
		`{"errors":[{"code":"x"}]}`, ` { "data" : [ { "id" : "7" } , { "id" : "8" } ] , "extra" : {"data":1} } `,
	} {
		seeds = append(seeds, []byte(s))
	}
	return seeds
}

// FuzzPageDecode checks that the in-place page decoder gives exactly what
// the general json.Decoder path gives, for activities, threats, agents,
// STAR alerts and Deep Visibility events.
func FuzzPageDecode(f *testing.F) {
	for _, s := range pageSeeds(f) {
		f.Add(s)
	}
	th, err := os.ReadFile("testdata/threat_v21_malware_2021.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add([]byte(`{"data":[` + string(bytes.TrimSpace(th)) + `],"pagination":{"nextCursor":null,"totalItems":1}}`))
	f.Add([]byte(`{"data":[` + string(benchAgentJSON(1)) + `, null ,` + string(benchAgentJSON(2)) + `],"pagination":{"nextCursor":null,"totalItems":3}}`))
	f.Add([]byte(`{"data":[{"alertInfo":{"alertId":"1","createdAt":"2024-01-01T00:00:00Z","analystVerdict":"True positive","srcPort":443},"ruleInfo":{"name":"r"}},{"id":"2","objectType":"process","pid":12,"srcPort":"53","createdAt":"2024-01-01T00:00:00.5Z"}]}`))
	f.Add([]byte(`{"data":[{"ID":"1","id":"2","createdAt":"2024-01-01T00:00:00Z","networkInterfaces":[{"inet":["a"]}],"NetworkInterfaces":[{"name":"x"}],"isActive":true,"computerName":"a\u00e9\ud800"}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		checkPageDecode(t, body, decodePageActivity)
		checkPageDecode(t, body, decodePageThreat)
		checkPageDecode(t, body, decodePageAgent)
		checkPageDecode(t, body, new(alertPage).decode)
		checkPageDecode(t, body, decodePageDVEvent)
	})
}

// TestPageItemsShareBuffer: the activities of a page are slices of one
// buffer, capped so that appending to one never writes into the next.
func TestPageItemsShareBuffer(t *testing.T) {
	t.Parallel()
	body := []byte(`{"data":[{"id":"1","data":{"a":1}},{"id":"2","data":{"b":2}}],"pagination":{"nextCursor":null,"totalItems":2}}`)
	items, pg, err := decodePage(body, false, decodePageActivity)
	if err != nil || len(items) != 2 || pg.pagination.TotalItems != 2 {
		t.Fatalf("%v %d %+v", err, len(items), pg)
	}
	for _, a := range items {
		if cap(a.Raw) != len(a.Raw) || cap(a.Data) != len(a.Data) {
			t.Errorf("activity %s: Raw or Data not capped", a.ID)
		}
		if &a.Raw[0] != &body[bytes.Index(body, a.Raw)] {
			t.Errorf("activity %s: Raw is a copy", a.ID)
		}
	}
	_ = append(items[0].Raw, "XXXX"...)
	_ = append(items[0].Data, "XXXX"...)
	if string(items[1].Raw) != `{"id":"2","data":{"b":2}}` || string(items[0].Raw) != `{"id":"1","data":{"a":1}}` {
		t.Errorf("append wrote into the page: %s / %s", items[0].Raw, items[1].Raw)
	}
	// UnmarshalJSON called directly keeps a copy.
	var a Activity
	in := []byte(`{"id":"9"}`)
	if err := json.Unmarshal(in, &a); err != nil {
		t.Fatal(err)
	}
	in[7] = '8'
	if string(a.Raw) != `{"id":"9"}` || a.ID != "9" {
		t.Errorf("UnmarshalJSON shares its input: %s %s", a.Raw, a.ID)
	}
}

// TestListPageDecodeFallback: a body the walk declines (a member name in
// another case) still decodes as encoding/json does, through List.
func TestListPageDecodeFallback(t *testing.T) {
	t.Parallel()
	w := newWire(t)
	w.on("GET", "/activities", vals("limit", "1000"), "", 200, `{"Data":[{"id":"5","createdAt":"2024-01-01T00:00:00.5Z"}],"pagination":{"nextCursor":null,"totalItems":1}}`)
	p, err := newTestClient(t, w).Activities.List(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Items) != 1 || p.Items[0].ID != "5" || !p.Items[0].CreatedAt.Equal(time.Date(2024, 1, 1, 0, 0, 0, 5e8, time.UTC)) || p.Total != 1 {
		t.Errorf("page %+v", p)
	}
}

// FuzzParseUTC checks that the allocation-free time parser agrees with
// ParseTime whenever it accepts, and accepts the API's own form.
func FuzzParseUTC(f *testing.F) {
	for _, s := range []string{
		"2024-01-02T03:04:05.123456Z", "2024-01-02T03:04:05Z", "2024-01-02T03:04:05.1Z", "2024-01-02T03:04:05.123456789Z",
		"2024-01-02T03:04:05.1234567891Z", "2024-02-30T00:00:00Z", "2024-02-29T23:59:59Z", "2023-02-29T00:00:00Z",
		"2024-13-01T00:00:00Z", "2024-01-01T24:00:00Z", "2024-01-01T00:60:00Z", "2024-01-01T00:00:60Z", "0000-01-01T00:00:00Z",
		"2024-01-01T00:00:00.Z", "2024-01-01T00:00:00,5Z", "2024-01-01T00:00:00+02:00", "2024-01-01 00:00:00Z", "2024-1-01T00:00:00Z",
		"+024-01-01T00:00:00Z", "2024-01-01T00:00:00.-5Z",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := parseUTC([]byte(s))
		want, err := ParseTime(s)
		if !ok {
			if err == nil && strings.HasSuffix(s, "Z") && len(s) >= 20 && len(s) <= 30 && s[10] == 'T' && !strings.ContainsAny(s, ",+ ") && FormatTime(want) == s {
				t.Errorf("%q: declined the API's own form", s)
			}
			return
		}
		if err != nil {
			t.Fatalf("%q: parsed to %v, ParseTime refuses: %v", s, got, err)
		}
		if got != want {
			t.Fatalf("%q: %v (%#v), ParseTime %v (%#v)", s, got, got, want, want)
		}
	})
}
