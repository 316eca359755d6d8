package sentinelone

import (
	"encoding/json"
	"strings"
	"testing"
)

// FuzzParseUploadURL checks that only "/agents/<digits>/uploads/<digits>"
// (with or without the API prefix) is accepted, so that a download never
// goes to a path or an origin of the server's choosing.
func FuzzParseUploadURL(f *testing.F) {
	for _, s := range []string{"/agents/1/uploads/2", APIPath + "/agents/1/uploads/2", "https://x/agents/1/uploads/2",
		"/agents/1/uploads/2/../../users", "/agents/../uploads/2", "//agents/1/uploads/2", "/agents/1/uploads/2?x=1", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		agent, act, ok := parseUploadURL(s)
		if !ok {
			return
		}
		if !isDigits(agent) || !isDigits(act) {
			t.Fatalf("%q: ids %q %q", s, agent, act)
		}
		if got := "/agents/" + agent + "/uploads/" + act; got != strings.TrimPrefix(s, APIPath) {
			t.Fatalf("%q accepted as %q", s, got)
		}
	})
}

// FuzzScopeJSON checks that a scope that passes its check encodes as a
// filter of exactly one key, and that one that fails never reaches the
// wire as an empty filter.
func FuzzScopeJSON(f *testing.F) {
	f.Add("site", "5", "")
	f.Add("tenant", "", "")
	f.Add("", "1", "2")
	f.Add("group", "", "x")
	f.Fuzz(func(t *testing.T, level, a, b string) {
		s := Scope{Level: ScopeLevel(level)}
		for _, id := range []string{a, b} {
			if id != "" {
				s.IDs = append(s.IDs, id)
			}
		}
		if s.check("Fuzz", ScopeTenant, ScopeAccount, ScopeSite, ScopeGroup) != nil {
			return
		}
		buf, err := json.Marshal(s)
		if err != nil {
			t.Fatalf("%+v: %v", s, err)
		}
		var m map[string]any
		if err := json.Unmarshal(buf, &m); err != nil || len(m) != 1 {
			t.Fatalf("%+v encodes as %s", s, buf)
		}
	})
}
