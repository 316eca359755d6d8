package sentinelonetest

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestS1QLSubset(t *testing.T) {
	t.Parallel()
	var ev map[string]any
	d := json.NewDecoder(strings.NewReader(`{"agentName":"WEB-01","processName":"powershell.exe","processCmd":"powershell -enc AAA","pid":4242,"dnsRequest":""}`))
	d.UseNumber() // as the server decodes its events
	if err := d.Decode(&ev); err != nil {
		t.Fatal(err)
	}
	cases := map[string]bool{
		`AgentName = "WEB-01"`:        true,
		`agentname = "web-01"`:        false, // = is exact
		`AgentName ContainsCIS "web"`: true,
		`AgentName Contains "web"`:    false,
		`SrcProcName = 'powershell.exe' AND SrcProcCmdLine ContainsCIS "-ENC"`: true,
		`SrcProcName StartsWith "power" and ProcessName EndsWith ".exe"`:       true,
		`AgentName In ("DB-01", "WEB-01")`:                                     true,
		`AgentName Not In ("DB-01", "WEB-01")`:                                 false,
		`ProcessCmd In Contains ("-enc", "-e ")`:                               true,
		`SrcProcPid = 4242`:                                                    true,
		`DNSRequest IS EMPTY AND TgtFilePath IS EMPTY`:                         true,
		`AgentName IS NOT EMPTY`:                                               true,
		`NOT (AgentName = "X" OR AgentName = "Y")`:                             true,
		`AgentName = "X" OR AgentName = "Y" AND ProcessName = "z"`:             false,
		`AgentName = "WEB-01" OR AgentName = "Y" AND ProcessName = "z"`:        true, // AND binds tighter
		`src.process.name = *`:                                                 true,
		`event.dns.request = *`:                                                false,
	}
	for q, want := range cases {
		c, err := parseS1QL(q)
		if err != nil {
			t.Errorf("%q: %v", q, err)
			continue
		}
		if got := c(ev); got != want {
			t.Errorf("%q = %v, want %v", q, got, want)
		}
	}
	for q, want := range map[string]string{
		``: "empty query", `AgentName`: "expected an operator", `AgentName ~ "x"`: "unsupported character",
		`AgentName = "x`: "unterminated", `AgentName = x`: "expected a quoted value", `AgentName RegExp "x"`: "unsupported operator",
		`(AgentName = "x"`: "missing )", `AgentName = "x" AND`: "expected a field name", `AgentName In "x"`: "expected (",
		`AgentName = "x" "y"`: "unexpected", `AgentName IS "x"`: "expected EMPTY", `AgentName In ("a" "b")`: "expected , or )",
	} {
		if _, err := parseS1QL(q); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: err = %v, want %q", q, err, want)
		}
	}
}

func TestParsePQ(t *testing.T) {
	t.Parallel()
	_, cols, limit, err := parsePQ(`event.type = 'Process Creation' | columns t = event.time, endpoint.name | limit 5`)
	if err != nil || len(cols) != 2 || cols[0] != (pqColumn{"t", "event.time"}) || cols[1] != (pqColumn{"endpoint.name", "endpoint.name"}) || limit != 5 {
		t.Errorf("parsePQ = %v %d %v", cols, limit, err)
	}
	if _, _, _, err := parsePQ(`x = 'a|b' | sort -x`); err == nil || !strings.Contains(err.Error(), `command "sort"`) {
		t.Errorf("sort: %v", err)
	}
	if _, _, _, err := parsePQ(`x = 'a' | limit many`); err == nil {
		t.Error("limit many accepted")
	}
}

func FuzzParseS1QL(f *testing.F) {
	for _, s := range []string{`AgentName = "x"`, `NOT (a In ("b", 'c')) OR d IS NOT EMPTY`, `a = *`, `((`, `a = "\"`, `a In Contains (1,2)`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		c, err := parseS1QL(q)
		if err == nil {
			c(map[string]any{"a": "b"}) // never panics
		}
	})
}
