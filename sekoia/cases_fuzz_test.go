package sekoia

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// FuzzCaseDecode: decoding any body into a case, a comment or a history
// entry never panics, and a decoded case marshals back to its exact bytes.
func FuzzCaseDecode(f *testing.F) {
	for _, s := range []string{
		`{"uuid":"u","short_id":"CAx","created_at":"2022-12-15T10:08:21.434114+00:00","first_seen_at":null,"custom_status":{"label":"New","stage":"open"}}`,
		`{"created_at":1670101532,"last_seen_at":"2022-12-03 21:05:32"}`, `{"verdict":null,"alerts":[{"uuid":"a","created_at":1}]}`,
		`{"action":{"a":1},"type":"case"}`, `null`, `{}`, `[]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var c Case
		if json.Unmarshal(b, &c) == nil && bytes.HasPrefix(bytes.TrimSpace(b), []byte("{")) {
			out, err := c.MarshalJSON()
			if err != nil || !bytes.Equal(out, bytes.TrimSpace(b)) && !bytes.Equal(out, b) {
				t.Fatalf("%s: marshals to %s, %v", b, out, err)
			}
			_ = c.CurrentStatus().String()
		}
		var cm CaseComment
		_ = json.Unmarshal(b, &cm)
		var h CaseHistoryEntry
		_ = json.Unmarshal(b, &h)
	})
}

// FuzzCaseFilterQuery: a filter is encoded exactly or refused with a short
// error naming the call; a bulk body holds the same filter.
func FuzzCaseFilterQuery(f *testing.F) {
	f.Add("vpn", "Brute force", "high")
	f.Add("a,b", "", "urgent")
	f.Add("", "x", "")
	f.Fuzz(func(t *testing.T, tag, title, priority string) {
		fl := &CaseFilter{Priority: CasePriority(priority)}
		if tag != "" {
			fl.Tags = []string{tag}
		}
		if title != "" {
			fl.Titles = []string{title}
		}
		q, err := fl.query("Cases.Statistics")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "sekoia: Cases.Statistics: ") {
				t.Fatalf("error %q", err)
			}
			return
		}
		if q.Get("match[tags]") != tag || q.Get("match[title]") != title || q.Get("match[priority]") != priority {
			t.Fatalf("%q %q %q encoded as %v", tag, title, priority, q)
		}
		body, err := bulkBody("Cases.BulkSetVerdict", fl, map[string]any{"verdict_uuid": "v"})
		if len(q) == 0 {
			if err == nil {
				t.Fatal("empty filter accepted in a bulk body")
			}
			return
		}
		if err != nil || len(body) != len(q)+1 {
			t.Fatalf("bulk body %v, %v for %v", body, err, q)
		}
	})
}
