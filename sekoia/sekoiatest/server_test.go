package sekoiatest

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/socgo/xdr/sekoia"
)

// do sends one request to the fake with the server's key (unless key is
// given) and returns the status and body.
func do(t *testing.T, s *Server, method, path, body, key string) (int, []byte) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, s.URL()+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if key == "" {
		key = s.APIKey()
	}
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.Header.Get("X-Sekoia-Traceid") == "" {
		t.Error("no trace id")
	}
	return resp.StatusCode, b
}

func TestServerAuth(t *testing.T) {
	t.Parallel()
	s := NewServer(t, WithAPIKey("secret-1"))
	if s.APIKey() != "secret-1" || s.IntakeURL() != s.URL()+"/intake" || !strings.HasPrefix(s.URL(), "http://127.0.0.1:") {
		t.Fatalf("urls: %s %s", s.URL(), s.IntakeURL())
	}
	for _, tc := range []struct {
		state KeyState
		key   string
		code  string
	}{
		{KeyValid, "nope", "T300"},
		{KeyExpired, "", "T301"},
		{KeyRevoked, "", "T302"},
	} {
		s.SetKeyState(tc.state)
		st, b := do(t, s, http.MethodGet, "/v1/auth/validate", "", tc.key)
		var e struct{ Message, Code string }
		if err := json.Unmarshal(b, &e); err != nil || st != 401 || e.Code != tc.code || e.Message == "" {
			t.Errorf("%v: %d %s", tc.state, st, b)
		}
	}
	s.SetKeyState(KeyValid)
	if st, _ := do(t, s, http.MethodGet, "/v1/auth/validate", "", ""); st != 200 {
		t.Errorf("valid key: %d", st)
	}
	if KeyRevoked.String() != "revoked" || KeyValid.String() != "valid" {
		t.Error("KeyState.String")
	}
}

func TestServerRefusesBadRequests(t *testing.T) {
	t.Parallel()
	s := NewServer(t)
	s.SeedAlerts(2)
	id := s.Alerts()[0].ShortID
	for _, tc := range []struct {
		method, path, body string
		status             int
	}{
		{"GET", "/v1/sic/alerts?limit=101", "", 400},
		{"GET", "/v1/sic/alerts?limit=0", "", 400},
		{"GET", "/v1/sic/alerts?offset=-1", "", 400},
		{"GET", "/v1/sic/alerts?match[colour]=red", "", 400},
		{"GET", "/v1/sic/alerts?date[created_at]=yesterday", "", 400},
		{"GET", "/v1/sic/alerts?range[urgency]=1", "", 400},
		{"GET", "/v1/sic/alerts?sort=colour", "", 400},
		{"GET", "/v1/sic/alerts?visible=maybe", "", 400},
		{"GET", "/v1/sic/alerts/ALnothere", "", 404},
		{"PATCH", "/v1/sic/alerts/" + id, `{"colour":"red"}`, 400},
		{"PATCH", "/v1/sic/alerts/" + id, `{"urgency":200}`, 400},
		{"PATCH", "/v1/sic/alerts/" + id, `{"alert_type_category":"x"}`, 400},
		{"PATCH", "/v1/sic/alerts/" + id + "/workflow", `{"action_uuid":"00000000-0000-4000-8000-000000000000"}`, 400},
		{"PATCH", "/v1/sic/alerts/" + id + "/workflow", `{"action_uuid":"` + string(sekoia.ActionClose) + `"}`, 409},
		{"PATCH", "/v1/sic/alerts/bulk/workflow", `{"action_uuid":"` + string(sekoia.ActionClose) + `"}`, 400},
		{"PATCH", "/v1/sic/alerts/bulk/workflow?match[uuid]=ALnothere", `{"action_uuid":"` + string(sekoia.ActionClose) + `"}`, 400},
		{"POST", "/v1/sic/alerts/" + id + "/comments", `{"content":""}`, 400},
		{"GET", "/v1/sic/alerts/" + id + "/timeline?type=1h", "", 400},
		{"GET", "/v1/sic/custom_statuses?match[type]=incident", "", 400},
		{"GET", "/v2/asset-management/assets?colour=red", "", 422},
		{"POST", "/v2/asset-management/assets", `{"name":"x"}`, 422},
		{"GET", "/v2/asset-management/assets/00000000-0000-4000-8000-000000000000", "", 404},
		{"GET", "/v1/communities/00000000-0000-4000-8000-000000000000", "", 404},
		{"GET", "/v1/sic/kill-chains/KCnothere", "", 404},
	} {
		if st, b := do(t, s, tc.method, tc.path, tc.body, ""); st != tc.status {
			t.Errorf("%s %s: %d %s, want %d", tc.method, tc.path, st, b, tc.status)
		}
	}
}

func TestServerSeedingIsDeterministic(t *testing.T) {
	t.Parallel()
	at := time.Date(2031, 7, 14, 12, 0, 30, 0, time.UTC)
	clock := WithClock(func() time.Time { return at })
	a, b := NewServer(t, clock), NewServer(t, clock)
	x, y := a.SeedAlerts(50), b.SeedAlerts(50)
	for i := range x {
		if x[i].UUID != y[i].UUID || x[i].ShortID != y[i].ShortID || x[i].Urgency != y[i].Urgency || !x[i].CreatedAt.Equal(y[i].CreatedAt) {
			t.Fatalf("alert %d differs", i)
		}
	}
	// The first call ends one minute before the clock's minute; the next
	// goes on from there.
	if want := time.Date(2031, 7, 14, 11, 10, 0, 0, time.UTC); !x[0].CreatedAt.Equal(want) || x[1].CreatedAt.Sub(x[0].CreatedAt) != time.Minute {
		t.Errorf("times: %v %v, want %v and a minute later", x[0].CreatedAt, x[1].CreatedAt, want)
	}
	if last := x[49].CreatedAt; !last.Equal(time.Date(2031, 7, 14, 11, 59, 0, 0, time.UTC)) {
		t.Errorf("last seeded alert created at %v, want 11:59", last)
	}
	if next := a.SeedAlerts(1)[0].CreatedAt; !next.Equal(x[49].CreatedAt.Add(time.Minute)) {
		t.Errorf("second call: %v, want a minute after the first call's last", next)
	}
	added := a.AddAlert(sekoia.Alert{Title: "manual", Urgency: sekoia.AlertUrgency{Value: 65}})
	if added.Status.UUID != sekoia.StatusPending || added.Urgency.Display != "Major" || added.CommunityUUID != DefaultCommunityUUID {
		t.Errorf("AddAlert = %+v", added)
	}
	if got, ok := a.Alert(added.ShortID); !ok || got.UUID != added.UUID {
		t.Error("Alert by short id")
	}
	if len(a.KillChainStages()) != 7 {
		t.Error("kill chain stages")
	}
}

func TestStartAndClose(t *testing.T) {
	t.Parallel()
	s, err := Start(WithClock(func() time.Time { return time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC) }))
	if err != nil {
		t.Fatal(err)
	}
	a := s.AddAlert(sekoia.Alert{})
	if a.CreatedAt.Year() != 2030 {
		t.Errorf("clock not used: %v", a.CreatedAt)
	}
	c, err := s.Client()
	if err != nil || c == nil {
		t.Fatal(err)
	}
	s.Close()
	s.Close()
	if _, err := http.Get(s.URL()); err == nil {
		t.Error("server still answers after Close")
	}
}

func TestFaultInjection(t *testing.T) {
	t.Parallel()
	s := NewServer(t)
	s.InjectFault(Fault{Kind: RateLimit, RetryAfter: 7 * time.Second, PathPrefix: "/v1/sic/kill-chains"})
	req, _ := http.NewRequest(http.MethodGet, s.URL()+"/v1/sic/kill-chains", nil)
	req.Header.Set("Authorization", "Bearer "+s.APIKey())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "7" {
		t.Errorf("429: %d %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	s.InjectFault(Fault{Kind: ServerError, Times: -1})
	s.ClearFaults()
	if st, _ := do(t, s, http.MethodGet, "/v1/sic/kill-chains", "", ""); st != 200 {
		t.Errorf("after ClearFaults: %d", st)
	}
}
