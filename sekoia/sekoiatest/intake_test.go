package sekoiatest

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"net/http"
	"regexp"
	"testing"
)

func postIntake(t *testing.T, s *Server, body []byte, gz bool) (int, []string) {
	t.Helper()
	if gz {
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		_, _ = zw.Write(body)
		_ = zw.Close()
		body = b.Bytes()
	}
	req, _ := http.NewRequest(http.MethodPost, s.IntakeURL()+"/batch", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if gz {
		req.Header.Set("Content-Encoding", "gzip")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		EventIDs []string `json:"event_ids"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out.EventIDs
}

func TestIntakeStoresInOrder(t *testing.T) {
	t.Parallel()
	s := NewServer(t)
	body, _ := json.Marshal(map[string]any{"intake_key": s.IntakeKey(), "jsons": []string{`{"a": 1}`, "plain \u00e9"}})
	st, ids := postIntake(t, s, body, true)
	if st != 200 || len(ids) != 2 {
		t.Fatalf("%d %v", st, ids)
	}
	if got := s.Received(); len(got) != 2 || string(got[0]) != `{"a": 1}` || string(got[1]) != "plain é" {
		t.Errorf("received %q", got)
	}
	if ev, ok := s.ReceivedEvent(ids[1]); !ok || string(ev) != "plain é" {
		t.Errorf("ReceivedEvent = %q", ev)
	}
	s.AddIntakeKey("other")
	body, _ = json.Marshal(map[string]any{"intake_key": "other", "jsons": []string{"x"}})
	if st, _ := postIntake(t, s, body, false); st != 200 {
		t.Errorf("added key: %d", st)
	}
	body, _ = json.Marshal(map[string]any{"intake_key": "unknown", "jsons": []string{"x"}})
	if st, _ := postIntake(t, s, body, false); st != 401 {
		t.Errorf("unknown key: %d", st)
	}
	if st, _ := postIntake(t, s, []byte(`{"intake_key":"`+s.IntakeKey()+`","jsons":["x"],"extra":1}`), false); st != 400 {
		t.Errorf("unknown field: %d", st)
	}
	if st, _ := postIntake(t, s, []byte("not gzip"), false); st != 400 {
		t.Errorf("bad body: %d", st)
	}
	if total, refused := s.IntakeRequests(); total != 5 || refused != 3 {
		t.Errorf("requests %d refused %d", total, refused)
	}
	s.ResetIntake()
	if s.ReceivedCount() != 0 {
		t.Error("ResetIntake")
	}
}

// TestNewUUIDsAreVersion4 checks the UUIDs the intake gives its events: the
// text of random version 4 UUIDs, all different.
func TestNewUUIDsAreVersion4(t *testing.T) {
	t.Parallel()
	re := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	seen := map[string]bool{}
	for _, n := range []int{0, 1, 7, 1000} {
		ids := newUUIDs(n)
		if len(ids) != n {
			t.Fatalf("newUUIDs(%d) gave %d", n, len(ids))
		}
		for _, id := range ids {
			if !re.MatchString(id) || seen[id] {
				t.Fatalf("id %q (seen before: %v)", id, seen[id])
			}
			seen[id] = true
		}
	}
	if id := newUUID(); !re.MatchString(id) {
		t.Errorf("newUUID: %q", id)
	}
}
