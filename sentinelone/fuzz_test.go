package sentinelone

import (
	"bytes"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// FuzzActivityDecode checks that the single-pass activity decoder agrees
// with the general one on every valid input, keeps the input bytes, and
// never panics.
func FuzzActivityDecode(f *testing.F) {
	files, _ := filepath.Glob("testdata/activity_*.json")
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{
		`{}`, `{"id":"1"}`, `{"ID":"1","id":"2"}`, `{"id":12345678901234567890}`, `{"activityType":1e3}`,
		`{"activityType":null,"data":null}`, `{"id":"a\"b","data":{"x":[1,{"y":"}"}]}}`, `{"createdAt":"2024-01-01T00:00:00Z","createdAt":null}`,
		`{"i\u0064":"5"}`, `{"id":true}`, `{"data":"x"}`, ` { "id" : "7" , "hash" : null } `, `[]`, `{"accountId":"org-1"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var fast Activity
		fastOK := decodeActivityFast(b, &fast)
		var slow Activity
		slowErr := decodeActivitySlow(b, &slow)
		if !json.Valid(b) {
			return // encoding/json never hands invalid bytes to UnmarshalJSON
		}
		var viaJSON Activity
		jsonErr := json.Unmarshal(b, &viaJSON)
		if (jsonErr == nil) != (slowErr == nil) {
			t.Fatalf("json.Unmarshal err %v, general decoder err %v", jsonErr, slowErr)
		}
		if !fastOK {
			return
		}
		if slowErr != nil {
			t.Fatalf("fast path accepted what the general decoder refuses (%v): %s", slowErr, b)
		}
		if d := cmp.Diff(slow, fast); d != "" {
			t.Fatalf("fast and general decoders differ on %s (-general +fast):\n%s", b, d)
		}
		if !bytes.Equal(fast.Raw, b) {
			t.Fatal("Raw differs from the input")
		}
		out, err := fast.MarshalJSON()
		if err != nil || !bytes.Equal(out, b) {
			t.Fatal("MarshalJSON differs from the input")
		}
	})
}

// FuzzQueryEncode checks that any list and time filter either is refused
// with an error naming the call, or encodes so that the server reads back
// exactly the values given.
func FuzzQueryEncode(f *testing.F) {
	f.Add("1391846354951547317", "org-12345678", "a@example.com", int64(1514978764288), 27, 1000, 0)
	f.Add("1,2", "", " ", int64(-1), -5, 1001, 1001)
	f.Add("x&y=z", "ü%20", "#frag", int64(0), 0, 0, -1)
	f.Fuzz(func(t *testing.T, id, account, email string, ms int64, typ, limit, skip int) {
		opts := &ActivityListOptions{
			IDs: []string{id}, AccountIDs: []string{account, id}, UserEmails: []string{email},
			ActivityTypes: []ActivityType{ActivityType(typ)},
			CreatedAfter:  time.UnixMilli(ms),
			Paging:        Paging{Limit: limit, Skip: skip, SortBy: account},
		}
		w, err := opts.activitiesRequest("Activities.List", false)
		q := w.Query
		if err != nil {
			if !strings.HasPrefix(err.Error(), "sentinelone: Activities.List: ") {
				t.Fatalf("error does not name the call: %v", err)
			}
			return
		}
		back, err := url.ParseQuery(q.Encode())
		if err != nil {
			t.Fatal(err)
		}
		split := func(k string) []string { return strings.Split(back.Get(k), ",") }
		if d := cmp.Diff([]string{id}, split("ids")); d != "" {
			t.Errorf("ids: %s", d)
		}
		if d := cmp.Diff([]string{account, id}, split("accountIds")); d != "" {
			t.Errorf("accountIds: %s", d)
		}
		if d := cmp.Diff([]string{email}, split("userEmails")); d != "" {
			t.Errorf("userEmails: %s", d)
		}
		l := back.Get("limit")
		if n, err := time.ParseDuration(l + "s"); err != nil || n < time.Second || n > 1000*time.Second {
			t.Errorf("limit %q out of 1..1000", l)
		}
		if s := back.Get("skip"); s != "" && (skip < 1 || skip > 1000) {
			t.Errorf("skip %q sent for %d", s, skip)
		}
		if _, err := ParseTime(back.Get("createdAt__gt")); err != nil {
			t.Errorf("createdAt__gt %q: %v", back.Get("createdAt__gt"), err)
		}
	})
}
