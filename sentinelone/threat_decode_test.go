package sentinelone

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// FuzzThreatDecode checks that the go-json-experiment decoding of a
// threat (decodePageThreat) agrees with json.Unmarshal on every valid
// input: the same threat, or an error exactly when json.Unmarshal errs;
// the input kept as Raw; no panic.
func FuzzThreatDecode(f *testing.F) {
	files, _ := filepath.Glob("testdata/threat_*.json")
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(bytes.TrimSpace(b))
	}
	for _, s := range threatSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(checkThreatDecode)
}

// threatSeeds are the hand-written inputs of FuzzThreatDecode and
// TestThreatDecodeMutations.
var threatSeeds = []string{
	`{}`, `null`, `{"id":"1"}`, `{"ID":"1","id":"2"}`, `{"id":"1","id":"2"}`, `{"i\u0064":"5"}`, `{"İd":"5"}`,
	`{"id":true}`, `{"id":null,"threatInfo":null}`, `{"threatInfo":{"fileSize":1e3}}`, `{"threatInfo":{"fileSize":-12}}`,
	`{"threatInfo":{"fileSize":"12"}}`, `{"threatInfo":{"filePath":"C:\\Temp\\a.exe","sha1":"\u00e9"}}`,
	`{"threatInfo":{"createdAt":"2024-01-01T00:00:00Z","createdAt":null}}`, `{"threatInfo":{"createdAt":"yesterday"}}`,
	`{"threatInfo":{"isFileless":true,"failedActions":null,"rebootRequired":"no"}}`, `{"threatInfo":[]}`,
	`{"threatInfo":{"analystVerdict":"true_positive","incidentStatus":"resolved","engines":["a"],"detectionEngines":[{"key":"k","title":"t"}]}}`,
	`{"agentRealtimeInfo":{"activeThreats":3,"agentNetworkStatus":"connected","networkInterfaces":[{"inet":["10.0.0.1"]}]}}`,
	`{"agentRealtimeInfo":{"activeThreats":99999999999999999999}}`, `{"agentDetectionInfo":{"cloudProviders":{"AWS":{}},"agentRegisteredAt":null}}`,
	`{"agentDetectionInfo":{"AGENTUUID":"x","agentUuid":"y"}}`, `{"mitigationStatus":[{"action":"kill"}],"indicators":null,"ecsInfo":{"a":1}}`,
	`{"whiteningOptions":["hash"],"containerInfo":null,"kubernetesInfo":{"x":[1,{"y":"}"}]}}`, `{"extra":{"threatInfo":1},"id":"\ud800"}`,
	` { "id" : "7" , "threatInfo" : { "threatName" : "x\n" } } `, `{"id":"a\u0000b"}`, "{\"id\":\"\xff\"}", `[]`, `"x"`,
}

// checkThreatDecode is the comparison of FuzzThreatDecode.
func checkThreatDecode(t *testing.T, b []byte) { compareThreatDecode(t, b) }

// compareThreatDecode makes the checks of FuzzThreatDecode and reports
// whether b was valid JSON that decoded.
func compareThreatDecode(t *testing.T, b []byte) bool {
	if !json.Valid(b) {
		return false // the page walk hands only valid JSON to the decoders
	}
	var want threatAlias
	wantErr := json.Unmarshal(b, &want)
	var page Threat
	pageErr := decodePageThreat(b, &page)
	if (wantErr == nil) != (pageErr == nil) {
		t.Fatalf("json.Unmarshal err %v, decodePageThreat err %v on %s", wantErr, pageErr, b)
	}
	if pageErr != nil {
		return false
	}
	if !bytes.Equal(page.Raw, b) {
		t.Fatal("Raw differs from the input")
	}
	page.Raw = nil
	if d := cmp.Diff(Threat(want), page); d != "" {
		t.Fatalf("decodePageThreat and json.Unmarshal differ on %s (-json +page):\n%s", b, d)
	}
	return true
}

// TestThreatDecodeMutations runs the comparison of FuzzThreatDecode on
// mutants of the samples and seeds (a fixed pseudo-random sequence): JSON
// tokens inserted, bytes dropped or replaced; mutants that are not valid
// JSON are skipped by the check. Each mutant is also decoded as the only
// element of a page, against the general page decoder.
func TestThreatDecodeMutations(t *testing.T) {
	inputs := append([]string(nil), threatSeeds...)
	files, _ := filepath.Glob("testdata/threat_*.json")
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, string(bytes.TrimSpace(b)))
	}
	tokens := []string{`"`, `\\`, `\"`, `{`, `}`, `[`, `]`, `,`, `:`, `null`, `true`, `false`, `0`, `-1`, `1.5`, `1e3`,
		`"x"`, `"\u0041"`, `"C:\\a"`, `İ`, `K`, `"id"`, `"ID"`, `"threatInfo"`, `"fileSize"`, `"createdAt"`,
		`"2024-01-01T00:00:00Z"`, `"agentRealtimeInfo"`, `"activeThreats"`, `"isFileless"`, `"engines"`, `{}`, `[]`, " "}
	rng := rand.New(rand.NewPCG(7, 11))
	n := 20000
	if testing.Short() {
		n = 2000
	}
	valid, walked := 0, 0
	for range n {
		b := []byte(inputs[rng.IntN(len(inputs))])
		for range 1 + rng.IntN(3) {
			i := rng.IntN(len(b) + 1)
			switch rng.IntN(3) {
			case 0:
				b = append(b[:i:i], append([]byte(tokens[rng.IntN(len(tokens))]), b[i:]...)...)
			case 1:
				if i < len(b) {
					b = append(b[:i:i], b[i+1:]...)
				}
			default:
				if i < len(b) {
					b = append(b[:i:i], append([]byte(tokens[rng.IntN(len(tokens))]), b[i+1:]...)...)
				}
			}
		}
		if json.Valid(b) {
			valid++
		}
		if compareThreatDecode(t, b) {
			walked++
		}
		checkPageDecode(t, append(append([]byte(`{"data":[`), b...), "]}"...), decodePageThreat)
		if t.Failed() {
			return
		}
	}
	t.Logf("%d mutants, %d valid JSON, %d of them decoded", n, valid, walked)
	if walked == 0 {
		t.Error("no mutant decoded: the comparison checked nothing")
	}
}
