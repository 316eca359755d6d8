package sentinelonetest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// send makes one request with a JSON body and returns the status and the
// decoded answer.
func send(t *testing.T, s *Server, method, path, body string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, s.URL()+APIPath+path, bytes.NewBufferString(body))
	req.Header.Set("Authorization", "ApiToken "+s.APIToken())
	req.Header.Set("Content-Type", "application/json")
	resp, err := s.HTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s %s: %s: %v", method, path, b, err)
	}
	return resp.StatusCode, m
}

// TestConfigCreateNeedsScope: the fake answers 400 to a create without a
// scope, as a client that forgot it must learn.
func TestConfigCreateNeedsScope(t *testing.T) {
	t.Parallel()
	s := NewServer(t)
	data := `"data":{"type":"black_hash","value":"3395856ce81f2b7382dee72602f798b642f14140","osType":"windows"}`
	for _, body := range []string{`{` + data + `}`, `{"filter":{},` + data + `}`, `{"filter":{"tenant":false},` + data + `}`} {
		if st, _ := send(t, s, "POST", "/restrictions", body); st != 400 {
			t.Errorf("%s: status %d, want 400", body, st)
		}
	}
	if st, _ := send(t, s, "POST", "/restrictions", `{"filter":{"tenant":true},`+data+`}`); st != 200 || len(s.Blocklist()) != 1 {
		t.Errorf("tenant create: %d, %v", st, s.Blocklist())
	}
	if st, _ := send(t, s, "POST", "/threat-intelligence/iocs", `{"filter":{"groupIds":["g"]},"data":[{"type":"DNS","value":"x","method":"EQUALS","source":"s"}]}`); st != 400 {
		t.Errorf("IOC in a group: status %d, want 400", st)
	}
}

// TestScriptEmptyFilterRunsEverywhere: like the console, the fake applies
// an empty filter to every agent, which is why the client refuses it.
func TestScriptEmptyFilterRunsEverywhere(t *testing.T) {
	t.Parallel()
	s := NewServer(t)
	for range 3 {
		s.AddAgent(Agent{})
	}
	st, m := send(t, s, "POST", "/remote-scripts/execute", `{"filter":{},"data":{"scriptId":"1","taskDescription":"d","outputDestination":"None"}}`)
	data, _ := m["data"].(map[string]any)
	if st != 200 || data["affected"] != float64(3) {
		t.Errorf("status %d, answer %v", st, m)
	}
}

// TestUploadStreamsAnySize serves an upload larger than the server could
// hold cheaply, with its Content-Length, in chunks.
func TestUploadStreamsAnySize(t *testing.T) {
	t.Parallel()
	s := NewServer(t)
	agent := s.AddAgent(Agent{})
	s.SetUploadSize(32 << 20)
	if st, _ := send(t, s, "POST", "/agents/"+agent+"/actions/fetch-files", `{"data":{"password":"0123456789","files":["/a"]}}`); st != 200 {
		t.Fatalf("fetch-files: %d", st)
	}
	var act string
	s.mu.Lock()
	for id := range s.ops.uploads {
		act = id
	}
	s.mu.Unlock()
	req, _ := http.NewRequest("GET", s.URL()+APIPath+"/agents/"+agent+"/uploads/"+act, nil)
	req.Header.Set("Authorization", "ApiToken "+s.APIToken())
	resp, err := s.HTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	head := make([]byte, 4)
	_, _ = io.ReadFull(resp.Body, head)
	n, err := io.Copy(io.Discard, resp.Body)
	if err != nil || resp.ContentLength != 32<<20 || n+4 != 32<<20 || string(head) != "PK\x03\x04" {
		t.Errorf("upload: length %d, read %d, %v, head %q", resp.ContentLength, n+4, err, head)
	}
	if _, ok := s.UploadSHA256(act); !ok {
		t.Error("UploadSHA256: unknown upload")
	}
}

// TestFetchPasswordRules: the fake refuses the fetch passwords the console
// refuses (shorter than 10 characters, or with white space), on both fetch
// calls, and does not echo them.
func TestFetchPasswordRules(t *testing.T) {
	t.Parallel()
	s := NewServer(t)
	a := s.AddAgent(Agent{})
	for _, pw := range []string{"short", "has white space", "tab\tinside-it", "trailing-newline\n"} {
		quoted, _ := json.Marshal(pw)
		for path, body := range map[string]string{
			"/threats/fetch-file":                   `{"filter":{"ids":["1"]},"data":{"password":` + string(quoted) + `}}`,
			"/agents/" + a + "/actions/fetch-files": `{"data":{"password":` + string(quoted) + `,"files":["/tmp/a"]}}`,
		} {
			st, m := send(t, s, "POST", path, body)
			if b, _ := json.Marshal(m); st != 400 || bytes.Contains(b, []byte(pw)) {
				t.Errorf("%s with %q: status %d, %s", path, pw, st, b)
			}
		}
	}
}

// TestScriptDestinationChecked: the fake refuses an output destination the
// API does not list, as the console does.
func TestScriptDestinationChecked(t *testing.T) {
	t.Parallel()
	s := NewServer(t)
	s.AddAgent(Agent{})
	st, _ := send(t, s, "POST", "/remote-scripts/execute", `{"filter":{},"data":{"scriptId":"1","taskDescription":"d","outputDestination":"Bogus"}}`)
	if st != 400 {
		t.Errorf("status %d, want 400", st)
	}
}

// TestCloudStoreIsAnotherOrigin: the download links of the fake (cloud
// files, script outputs) are on another origin than the console, like the
// pre-signed links of a cloud store, which refuses a request carrying an
// Authorization header besides its signature (as S3 does) and one without
// its signature. A client sending the API token there fails against the
// fake, as it would against the console.
func TestCloudStoreIsAnotherOrigin(t *testing.T) {
	t.Parallel()
	s := NewServer(t)
	if err := s.AddThreatJSON([]byte(`{"id":"77","threatInfo":{"createdAt":"2024-05-01T10:00:00.000000Z","threatName":"a.exe"}}`)); err != nil {
		t.Fatal(err)
	}
	st, m := send(t, s, "GET", "/threats/77/download-from-cloud", "")
	link, _ := m["data"].(map[string]any)["downloadUrl"].(string)
	if st != 200 || link == "" || strings.HasPrefix(link, s.URL()) {
		t.Fatalf("status %d, link %q: want one outside %s", st, link, s.URL())
	}
	get := func(u string, auth bool) int {
		req, _ := http.NewRequest("GET", u, nil)
		if auth {
			req.Header.Set("Authorization", "ApiToken "+s.APIToken())
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if st := get(link, false); st != 200 {
		t.Errorf("the link: status %d", st)
	}
	if st := get(link, true); st != 400 {
		t.Errorf("the link with the API token: status %d, want 400", st)
	}
	if st := get(strings.SplitN(link, "?", 2)[0], false); st != 403 {
		t.Errorf("the link without its signature: status %d, want 403", st)
	}
}
