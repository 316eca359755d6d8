package sentinelone

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// alertFakeSample is an alert as the fake console writes it (the one the
// list benchmark pages through): an escaped rule query.
const alertFakeSample = `{"alertInfo":{"alertId":"1000000000000000042","createdAt":"2026-01-01T00:00:01.998000Z",` +
	`"reportedAt":"2026-01-01T00:00:03.998000Z","updatedAt":"2026-01-01T00:00:03.998000Z","analystVerdict":"Undefined",` +
	`"incidentStatus":"Unresolved","hitType":"Events","isEdr":true,"dvEventId":"01HXYZ1000000000000000042"},` +
	`"ruleInfo":{"id":"1700000000000000001","name":"Encoded PowerShell","severity":"High",` +
	`"s1ql":"SrcProcName ContainsCIS \"powershell\" AND SrcProcCmdLine ContainsCIS \"-enc\"","queryLang":"1.0","scopeLevel":"site"},` +
	`"agentDetectionInfo":{"name":"host07.example.com","accountId":"222222222222222222","siteId":"1107851598358168475","osFamily":"windows"},` +
	`"sourceProcessInfo":{"name":"powershell.exe","pid":"4242","commandline":"powershell.exe -enc SQBFAFgA",` +
	`"fileHashSha1":"3333333333333333333333333333333333333333","storyline":"5D5E2A1C3B4F6A7B"}}`

// alertFullSample has every modelled member, Windows paths (escaped
// backslashes), ids as numbers and blocks the SDK does not model.
const alertFullSample = `{"agentDetectionInfo":{"accountId":1107851598374945694,"machineType":"desktop","name":"DESKTOP-7",` +
	`"osFamily":"windows","osName":"Windows 11 Pro","osRevision":"22631","siteId":"1107851598358168475","uuid":"ed8f0c5a","version":"24.1.4.257"},` +
	`"alertInfo":{"alertId":"1290568698312097725","analystVerdict":"FALSE_POSITIVE","createdAt":"2025-11-13T06:59:30Z",` +
	`"dnsRequest":"evil.example.net","dstIp":"203.0.113.9","dstPort":"53","dvEventId":"01JC","eventType":"DNS","hitType":"Correlation",` +
	`"incidentStatus":" in progress ","isEdr":null,"loginsUserName":"CORP\\alice","registryKeyPath":"HKLM\\SOFTWARE\\Run",` +
	`"reportedAt":"2025-11-13T06:59:31.5Z","source":"STAR","srcIp":"10.0.0.7","srcPort":-1,"tiIndicatorType":"DNS",` +
	`"tiIndicatorValue":"evil.example.net","updatedAt":null},` +
	`"containerInfo":{"id":null,"labels":["a","b"]},"kubernetesInfo":null,` +
	`"ruleInfo":{"description":"Beacons à la C2","id":1259119070812474070,"name":"DNS beacon","queryLang":"2.0","queryType":"correlation",` +
	`"s1ql":"event.type = 'DNS'","scopeLevel":"account","severity":"Critical","treatAsThreat":"Malicious"},` +
	`"sourceParentProcessInfo":{"commandline":"C:\\Windows\\explorer.exe","fileHashMd5":"aa","fileHashSha1":"bb","fileHashSha256":"cc",` +
	`"filePath":"C:\\Windows\\explorer.exe","fileSignerIdentity":"MICROSOFT WINDOWS","integrityLevel":"MEDIUM","name":"explorer.exe",` +
	`"pid":1000,"storyline":"AB","uniqueId":"u1","user":"CORP\\alice"},` +
	`"sourceProcessInfo":{"commandline":"\"C:\\Tools\\beacon.exe\" -q","filePath":"C:\\Tools\\beacon.exe","name":"beacon.exe",` +
	`"pid":"6676","user":"CORP\\alice"},"targetProcessInfo":{}}`

// TestAlertDecodeShared: the alerts the API and the fake send are decoded
// by the field tables (not handed to the general decoder), to exactly
// what encoding/json gives.
func TestAlertDecodeShared(t *testing.T) {
	t.Parallel()
	for _, s := range []string{alertJSONSample, alertFakeSample, alertFullSample} {
		var fast Alert
		if !new(alertPage).decodeShared([]byte(s), &fast) {
			t.Fatalf("given to the general decoder: %s", s)
		}
		var want Alert
		if err := json.Unmarshal([]byte(s), &want); err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(want, fast); d != "" {
			t.Fatalf("field tables and encoding/json differ (-json +tables):\n%s", d)
		}
	}
	var a Alert
	new(alertPage).decodeShared([]byte(alertFullSample), &a)
	if a.Info.AnalystVerdict != VerdictFalsePositive || a.Info.IncidentStatus != IncidentInProgress || a.Info.SrcPort != "-1" ||
		a.Agent.AccountID != "1107851598374945694" || a.Rule.Description != "Beacons à la C2" || a.SourceProcess.CommandLine != `"C:\Tools\beacon.exe" -q` ||
		a.SourceParentProcess.PID != "1000" || !a.Info.UpdatedAt.IsZero() || a.Info.IsEDR {
		t.Errorf("decoded %+v", a)
	}
}

// TestAlertDecodeGivesUp: what the field tables do not take as
// encoding/json would goes to the general decoder, whose result (or
// error) a page gets.
func TestAlertDecodeGivesUp(t *testing.T) {
	t.Parallel()
	for _, s := range []string{
		`{"AlertInfo":{"alertId":"1"}}`, `{"alertInfo":{"alertId":"1"},"alertInfo":{"alertId":"2"}}`,
		`{"alertInfo":{"AlertId":"1"}}`, `{"alertInfo":{"alertId":"\u0031"}}`, `{"alertInfo":{"analystVerdict":"True\tpositive"}}`,
		`{"alertInfo":{"eventType":5}}`, `{"alertInfo":{"isEdr":"yes"}}`, `{"alertInfo":"x"}`, `{"ruleInfo":[1]}`,
		`{"ruleInfo":{"id":true}}`, `{"alertInfo":{"createdAt":"yesterday"}}`, `[]`, `"x"`, `null`,
	} {
		var a Alert
		if new(alertPage).decodeShared([]byte(s), &a) {
			t.Errorf("the field tables took %s", s)
		}
		err := new(alertPage).decode([]byte(s), &a)
		var want Alert
		wantErr := json.Unmarshal([]byte(s), &want)
		if (err == nil) != (wantErr == nil) {
			t.Errorf("%s: error %v, encoding/json %v", s, err, wantErr)
		} else if d := cmp.Diff(want, a); err == nil && d != "" {
			t.Errorf("%s: differs from encoding/json (-json +page):\n%s", s, d)
		}
	}
}

// TestNormalASCII: normalASCII is normalWord on plain ASCII text.
func TestNormalASCII(t *testing.T) {
	t.Parallel()
	for _, s := range []string{
		"True positive", "TRUE_POSITIVE", "  true positive  ", "False Positive", "Suspicious", "Undefined", "In progress",
		"IN_PROGRESS", "Resolved", "Unresolved", "", "   ", "Other Word", "a  b", strings.Repeat("Ab ", 20), "x_Y z",
	} {
		if got, want := normalASCII([]byte(s)), normalWord(s); got != want {
			t.Errorf("normalASCII(%q) = %q, normalWord %q", s, got, want)
		}
	}
}

// FuzzAlertDecode checks that the field tables agree with encoding/json
// on every alert they take, and never panic.
func FuzzAlertDecode(f *testing.F) {
	for _, s := range []string{
		alertJSONSample, alertFakeSample, alertFullSample, `{}`, `{"alertInfo":null,"ruleInfo":null}`,
		`{"alertInfo":{"alertId":1e3,"srcPort":-0.5,"dstPort":null,"analystVerdict":"Vrai positif é"}}`,
		`{"alertInfo":{"analystVerdict":"\u0054rue positive"}}`, `{"sourceProcessInfo":{"pid":"12","PID":"13"}}`,
		`{"ruleInfo":{"name":"a\\b\"c\/d\n"}}`, `{"agentDetectionInfo":{"name":"\xff"}}`, ` { "alertInfo" : { "alertId" : "7" } } `,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if !json.Valid(b) {
			return // a page's decoder hands over only valid values
		}
		b = bytes.TrimSpace(b) // without the white space around them
		var fast Alert
		if !new(alertPage).decodeShared(b, &fast) {
			return
		}
		var want Alert
		if err := json.Unmarshal(b, &want); err != nil {
			t.Fatalf("the field tables took what encoding/json refuses (%v): %s", err, b)
		}
		if d := cmp.Diff(want, fast); d != "" {
			t.Fatalf("field tables and encoding/json differ on %s (-json +tables):\n%s", b, d)
		}
		if !bytes.Equal(fast.Raw, b) || cap(fast.Raw) != len(fast.Raw) {
			t.Fatal("Raw is not the input, capped")
		}
	})
}
