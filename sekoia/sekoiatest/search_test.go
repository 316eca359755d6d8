package sekoiatest

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// call sends a request to the fake with the API key and decodes the
// answer into out (when not nil).
func call(t *testing.T, s *Server, method, path, body string, out any) int {
	t.Helper()
	req, err := http.NewRequest(method, s.URL()+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+s.APIKey())
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if out != nil && resp.StatusCode < 300 {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: %s: %v", method, path, b, err)
		}
	}
	return resp.StatusCode
}

func TestSearchJobProgressAndExpiry(t *testing.T) {
	t.Parallel()
	s := NewServer(t)
	if err := s.AddEvents([]byte(`{"a":"x1"}`), []byte(` {"a":"y2"} `), []byte(`{"a":"x3"}`)); err != nil {
		t.Fatal(err)
	}
	if err := s.AddEvents([]byte(`[1]`)); err == nil {
		t.Error("non-object event accepted")
	}
	s.SetSearchProgress(2, 1)
	var job struct {
		UUID   string `json:"uuid"`
		Status int    `json:"status"`
		Total  int    `json:"total"`
	}
	base := "/v1/sic/conf/events/search/jobs"
	if st := call(t, s, "POST", base, `{"term":"x","earliest_time":"-1d","latest_time":"now"}`, &job); st != 200 || job.Status != 0 || job.Total != 2 {
		t.Fatalf("create: %d %+v", st, job)
	}
	var states []int
	for range 4 {
		call(t, s, "GET", base+"/"+job.UUID, "", &job)
		states = append(states, job.Status)
	}
	if got := states; got[0] != 0 || got[1] != 0 || got[2] != 1 || got[3] != 2 {
		t.Errorf("states %v", got)
	}
	var page struct {
		Items []json.RawMessage `json:"items"`
		Total int               `json:"total"`
	}
	call(t, s, "GET", base+"/"+job.UUID+"/events?limit=1&offset=1", "", &page)
	if len(page.Items) != 1 || string(page.Items[0]) != `{"a":"x3"}` || page.Total != 2 {
		t.Errorf("page %+v", page)
	}
	if st := call(t, s, "GET", base+"/"+job.UUID+"/events?limit=1001", "", nil); st != 400 {
		t.Errorf("limit 1001: %d", st)
	}
	if st := call(t, s, "PUT", base+"/"+job.UUID, `{"results_ttl":0}`, nil); st != 400 {
		t.Errorf("ttl 0: %d", st)
	}
	if !s.ExpireSearchJob(job.UUID) || s.ExpireSearchJob("nope") {
		t.Error("ExpireSearchJob")
	}
	for _, p := range []string{"/events", "/fields"} {
		if st := call(t, s, "GET", base+"/"+job.UUID+p, "", nil); st != 410 {
			t.Errorf("%s after expiry: %d", p, st)
		}
	}
	for _, body := range []string{`{"earliest_time":"-1d","latest_time":"now"}`, `{"term":"","earliest_time":"yesterday","latest_time":"now"}`, `{"term":"","earliest_time":"-1d","latest_time":"now","max_last_events":0}`, `nope`} {
		if st := call(t, s, "POST", base, body, nil); st != 400 {
			t.Errorf("%s: %d", body, st)
		}
	}
	req, _ := http.NewRequest("GET", s.URL()+base+"/"+job.UUID, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Errorf("no API key: %d", resp.StatusCode)
	}
	if s.SearchJobs() != 1 {
		t.Errorf("jobs = %d", s.SearchJobs())
	}
}

func TestSearchFieldsAndCancel(t *testing.T) {
	t.Parallel()
	s := NewServer(t)
	_ = s.AddEvents([]byte(`{"h":"a","n":1}`), []byte(`{"h":"a","n":2}`), []byte(`{"h":"b"}`))
	var job struct {
		UUID   string `json:"uuid"`
		Status int    `json:"status"`
	}
	base := "/v1/sic/conf/events/search/jobs"
	call(t, s, "POST", base, `{"term":"","filters":[{"field":"h","operator":"contains","value":"a","disabled":false,"excluded":false}],"earliest_time":"2026-01-01","latest_time":"now"}`, &job)
	var fields struct {
		Items []struct {
			Name             string `json:"name"`
			ValueType        string `json:"value_type"`
			MostCommonValues []struct {
				Name  string  `json:"name"`
				Value float64 `json:"value"`
			} `json:"most_common_values"`
		} `json:"items"`
		Total     int `json:"total"`
		Retrieved int `json:"retrieved"`
	}
	call(t, s, "GET", base+"/"+job.UUID+"/fields", "", &fields)
	if fields.Total != 2 || fields.Retrieved != 2 || fields.Items[0].Name != "h" || fields.Items[0].MostCommonValues[0].Value != 100 || fields.Items[1].ValueType != "number" {
		t.Errorf("fields %+v", fields)
	}
	call(t, s, "POST", base+"/"+job.UUID+"/cancel", "", &job)
	if job.Status != 3 {
		t.Errorf("canceled: %d", job.Status)
	}
	if st, ok := s.SearchJobStatus(job.UUID); !ok || st != 3 {
		t.Errorf("SearchJobStatus %d %v", st, ok)
	}
	if st := call(t, s, "GET", base+"/00000000-0000-4000-8000-000000000000", "", nil); st != 404 {
		t.Errorf("unknown job: %d", st)
	}
}

func TestSearchResultsTimeSlice(t *testing.T) {
	t.Parallel()
	s := NewServer(t)
	_ = s.AddEvents(
		[]byte(`{"timestamp":"2026-03-01T12:00:20Z","i":0}`),
		[]byte(`{"timestamp":"2026-03-01T12:00:10Z","i":1}`),
		[]byte(`{"@timestamp":"2026-03-01T12:00:00Z","i":2}`),
	)
	var job struct {
		UUID string `json:"uuid"`
	}
	base := "/v1/sic/conf/events/search/jobs"
	call(t, s, "POST", base, `{"term":"","earliest_time":"-1d","latest_time":"now"}`, &job)
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC).Unix()
	var page struct {
		Items []json.RawMessage `json:"items"`
		Total int               `json:"total"`
	}
	call(t, s, "GET", base+"/"+job.UUID+"/events?earliest_time="+strconv.FormatInt(t0+5, 10)+"&latest_time="+strconv.FormatInt(t0+15, 10), "", &page)
	if len(page.Items) != 1 || page.Total != 1 || string(page.Items[0]) != `{"timestamp":"2026-03-01T12:00:10Z","i":1}` {
		t.Errorf("slice = %s (total %d)", page.Items, page.Total)
	}
	if st := call(t, s, "GET", base+"/"+job.UUID+"/events?earliest_time=x", "", nil); st != 400 {
		t.Errorf("bad bound: %d", st)
	}
}
