package sentinelonetest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

type page struct {
	Data []struct {
		ID        string `json:"id"`
		CreatedAt string `json:"createdAt"`
	} `json:"data"`
	Pagination struct {
		NextCursor *string `json:"nextCursor"`
		TotalItems *int    `json:"totalItems"`
	} `json:"pagination"`
	Errors []struct {
		Code  int    `json:"code"`
		Title string `json:"title"`
	} `json:"errors"`
}

func get(t *testing.T, s *Server, token, path string, q url.Values) (int, page, http.Header) {
	t.Helper()
	req, _ := http.NewRequest("GET", s.URL()+APIPath+path+"?"+q.Encode(), nil)
	req.Header.Set("Authorization", "ApiToken "+token)
	resp, err := s.HTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var p page
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	return resp.StatusCode, p, resp.Header
}

func TestKeysetCursorWithMiddleInsert(t *testing.T) {
	t.Parallel()
	s := NewServer(t)
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s.SeedActivitiesAt(3, t0.Add(2*time.Second))
	st, p, _ := get(t, s, s.APIToken(), "/activities", url.Values{"limit": {"2"}, "sortBy": {"createdAt"}})
	if st != 200 || len(p.Data) != 2 || p.Pagination.NextCursor == nil || *p.Pagination.TotalItems != 3 {
		t.Fatalf("%d %+v", st, p)
	}
	// An older activity inserted before the cursor does not shift the pages.
	if err := s.AddActivityJSON([]byte(`{"id":"5","createdAt":"2026-01-01T00:00:00.000001Z","activityType":27}`)); err != nil {
		t.Fatal(err)
	}
	_, p2, _ := get(t, s, s.APIToken(), "/activities", url.Values{"limit": {"2"}, "sortBy": {"createdAt"}, "cursor": {*p.Pagination.NextCursor}})
	if len(p2.Data) != 1 || p2.Data[0].ID == p.Data[0].ID || p2.Data[0].ID == p.Data[1].ID || p2.Pagination.NextCursor != nil {
		t.Fatalf("second page %+v", p2)
	}
	_, desc, _ := get(t, s, s.APIToken(), "/activities", url.Values{"sortOrder": {"desc"}, "skipCount": {"true"}})
	if len(desc.Data) != 4 || desc.Data[3].ID != "5" || desc.Pagination.TotalItems != nil {
		t.Errorf("desc %+v", desc)
	}
}

func TestTokenLifecycle(t *testing.T) {
	t.Parallel()
	s := NewServer(t)
	tok := s.AddToken(time.Now().Add(time.Hour))
	if st, _, _ := get(t, s, tok, "/activities", nil); st != 200 {
		t.Fatal(st)
	}
	s.RevokeToken(tok)
	st, p, _ := get(t, s, tok, "/activities", nil)
	if st != 401 || len(p.Errors) != 1 || p.Errors[0].Code != 4010010 {
		t.Errorf("revoked: %d %+v", st, p)
	}
	req, _ := http.NewRequest("GET", s.URL()+APIPath+"/activities", nil)
	req.Header.Set("Authorization", "Bearer "+s.APIToken())
	resp, err := s.HTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Errorf("Bearer scheme accepted: %d", resp.StatusCode)
	}
}

func TestRateRules(t *testing.T) {
	t.Parallel()
	s := NewServer(t)
	s.SetRateLimits(DefaultRateRules())
	var last int
	var h http.Header
	for range 2 {
		last, _, h = get(t, s, s.APIToken(), "/agents", nil)
	}
	if last != 429 || h.Get("Retry-After") == "" {
		t.Errorf("second /agents request: %d, Retry-After %q", last, h.Get("Retry-After"))
	}
	if st, _, _ := get(t, s, s.APIToken(), "/activities", nil); st != 200 {
		t.Errorf("/activities has its own bucket: %d", st)
	}
}

func TestDVRateRules(t *testing.T) {
	t.Parallel()
	s := NewServer(t)
	s.SetRateLimits(DefaultRateRules())
	body := `{"query":"AgentName IS NOT EMPTY","fromDate":"2026-01-01T00:00:00Z","toDate":"2026-01-02T00:00:00Z"}`
	var codes []int
	var h http.Header
	for range 2 {
		req, _ := http.NewRequest("POST", s.URL()+APIPath+"/dv/init-query", strings.NewReader(body))
		req.Header.Set("Authorization", "ApiToken "+s.APIToken())
		resp, err := s.HTTPClient().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		codes, h = append(codes, resp.StatusCode), resp.Header
	}
	if codes[0] != 200 || codes[1] != 429 || h.Get("Retry-After") != "60" {
		t.Errorf("two query starts: %v, Retry-After %q", codes, h.Get("Retry-After"))
	}
}

func TestAgentActionRules(t *testing.T) {
	t.Parallel()
	s := NewServer(t)
	s.AddAgent(Agent{ComputerName: "a"})
	post := func(path, body string) int {
		req, _ := http.NewRequest("POST", s.URL()+APIPath+path, strings.NewReader(body))
		req.Header.Set("Authorization", "ApiToken "+s.APIToken())
		resp, err := s.HTTPClient().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if st := post("/agents/actions/disconnect", `{"filter":{"siteIds":["1"]},"data":{}}`); st != 400 {
		t.Errorf("dangerous action by site: %d", st)
	}
	if st := post("/agents/actions/nope", `{"filter":{"ids":["1"]}}`); st != 404 {
		t.Errorf("unknown action: %d", st)
	}
	if st := post("/agents/actions/connect", `{"filter":{"bogus":["1"]}}`); st != 400 {
		t.Errorf("unknown filter key: %d", st)
	}
}

func TestInjectFaultConsoleErrorShape(t *testing.T) {
	t.Parallel()
	s := NewServer(t)
	s.InjectFault(Fault{Kind: RateLimit, RetryAfter: 2 * time.Second})
	st, p, h := get(t, s, s.APIToken(), "/activities", nil)
	if st != http.StatusTooManyRequests || h.Get("Retry-After") != "2" || h.Get("X-Fault-Injected") != "rate-limit" ||
		len(p.Errors) != 1 || p.Errors[0].Code != 4290010 || p.Errors[0].Title != "Too many requests" {
		t.Errorf("429: %d %v %+v", st, h, p.Errors)
	}
	s.InjectFault(Fault{Kind: ServerError, Status: http.StatusBadGateway, PathPrefix: APIPath + "/threats"})
	if st, p, _ := get(t, s, s.APIToken(), "/activities", nil); st != http.StatusOK || len(p.Errors) != 0 {
		t.Errorf("a fault for another path answered %d %+v", st, p.Errors)
	}
	st, p, h = get(t, s, s.APIToken(), "/threats", nil)
	if st != http.StatusBadGateway || h.Get("Content-Type") != "application/json" ||
		len(p.Errors) != 1 || p.Errors[0].Code != 5020010 || p.Errors[0].Title != "Bad Gateway" {
		t.Errorf("502: %d %v %+v", st, h, p.Errors)
	}
	// A Body set by the caller is sent as it is.
	s.InjectFault(Fault{Kind: ServerError, Body: []byte(`{"errors":[{"code":5000010,"title":"Internal server error"}]}`)})
	st, p, _ = get(t, s, s.APIToken(), "/activities", nil)
	if st != http.StatusServiceUnavailable || len(p.Errors) != 1 || p.Errors[0].Code != 5000010 || p.Errors[0].Title != "Internal server error" {
		t.Errorf("own body: %d %+v", st, p.Errors)
	}
	// ClearFaults drops every pending fault.
	s.InjectFault(Fault{Kind: ServerError, Times: -1})
	s.ClearFaults()
	if st, _, _ := get(t, s, s.APIToken(), "/activities", nil); st != http.StatusOK {
		t.Errorf("after ClearFaults: %d", st)
	}
}
