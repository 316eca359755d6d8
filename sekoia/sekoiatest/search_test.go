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

// searchNow is the clock of the search tests: a minute after the events
// they seed.
func searchNow() time.Time { return time.Date(2026, 3, 1, 12, 1, 0, 0, time.UTC) }

func TestSearchJobProgressAndExpiry(t *testing.T) {
	t.Parallel()
	s := NewServer(t, WithClock(searchNow))
	if err := s.AddEvents([]byte(`{"timestamp":"2026-03-01T12:00:03Z","a":"x1"}`), []byte(` {"timestamp":"2026-03-01T12:00:02Z","a":"y2"} `), []byte(`{"@timestamp":"2026-03-01T12:00:01Z","a":"x3"}`)); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{`[1]`, `{"a":"x4"}`, `{"timestamp":"yesterday"}`, `{"timestamp":1772366400}`, `{"Timestamp":"2026-03-01T12:00:00Z"}`} {
		if err := s.AddEvents([]byte(`{"timestamp":"2026-03-01T12:00:00Z"}`), []byte(bad)); err == nil {
			t.Errorf("event %s accepted", bad)
		}
	}
	s.SetSearchProgress(2, 1)
	var job struct {
		UUID   string `json:"uuid"`
		Status int    `json:"status"`
		Total  int    `json:"total"`
	}
	base := "/v1/sic/conf/events/search/jobs"
	if st := call(t, s, "POST", base, `{"term":"a:x*","earliest_time":"-1d","latest_time":"now"}`, &job); st != 200 || job.Status != 0 || job.Total != 2 {
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
	if len(page.Items) != 1 || string(page.Items[0]) != `{"@timestamp":"2026-03-01T12:00:01Z","a":"x3"}` || page.Total != 2 {
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
	// By default a job is done when it is created.
	s.SetSearchProgress(0, 0)
	if st := call(t, s, "POST", base, `{"term":"","earliest_time":"-1d","latest_time":"now"}`, &job); st != 200 || job.Status != 2 || job.Total != 3 {
		t.Errorf("done at once: %d %+v", st, job)
	}
	if st := NewServer(t); st.search.startReads != 0 || st.search.runReads != 0 {
		t.Errorf("default progress %d, %d", st.search.startReads, st.search.runReads)
	}
}

func TestSearchFieldsAndCancel(t *testing.T) {
	t.Parallel()
	s := NewServer(t, WithClock(searchNow))
	s.SetSearchProgress(1, 1)
	_ = s.AddEvents([]byte(`{"timestamp":"2026-03-01T12:00:00Z","h":"a","n":1}`), []byte(`{"timestamp":"2026-03-01T12:00:00Z","h":"a","n":2}`), []byte(`{"timestamp":"2026-03-01T12:00:00Z","h":"b"}`))
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
	if fields.Total != 3 || fields.Retrieved != 2 || fields.Items[0].Name != "h" || fields.Items[0].MostCommonValues[0].Value != 100 || fields.Items[1].ValueType != "number" {
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
	s := NewServer(t, WithClock(searchNow))
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

func TestSearchTermTimeAndRefusals(t *testing.T) {
	t.Parallel()
	s := NewServer(t, WithClock(searchNow))
	_ = s.AddEvents(
		[]byte(`{"timestamp":"2026-03-01T12:00:00Z","host":{"name":"srv-01"},"event.created":"2026-03-01T09:00:00Z"}`),
		[]byte(`{"timestamp":"2026-03-01T10:00:00Z","host.name":"srv-01","event.created":"2026-03-01T10:00:00Z"}`),
		[]byte(`{"timestamp":"2026-03-01T11:30:00Z","host.name":"srv-02"}`),
	)
	base := "/v1/sic/conf/events/search/jobs"
	var job struct {
		Total int `json:"total"`
	}
	for body, want := range map[string]int{
		`{"term":"host.name:\"srv-01\"","earliest_time":"-1d","latest_time":"now"}`:                                             2,
		`{"term":"host.name:\"srv-01\"","earliest_time":"-1h","latest_time":"now"}`:                                             1,
		`{"term":"","earliest_time":"-1h","latest_time":"now"}`:                                                                 2,
		`{"term":"*","earliest_time":"2026-03-01T10:00:00","latest_time":"2026-03-01T11:30:00.000"}`:                            2,
		`{"term":"*","earliest_time":"2026-03-01T10:00:01Z","latest_time":"2026-03-01 11:59:59"}`:                               1,
		`{"term":"*","earliest_time":"-3h","latest_time":"-1h"}`:                                                                1,
		`{"term":"*","earliest_time":"-3h","latest_time":"-1h","date_field":"event.created"}`:                                   1,
		`{"term":"*","earliest_time":"2026-03-01T08:00:00Z","latest_time":"2026-03-01T09:30:00Z","date_field":"event.created"}`: 1,
		`{"term":"*","earliest_time":"-1d","latest_time":"now","date_field":"missing"}`:                                         0,
		`{"term":"host.name:srv-0? AND NOT host.name:srv-02","term_lang":"dork","earliest_time":"-1d","latest_time":"now"}`:     2,
	} {
		if st := call(t, s, "POST", base, body, &job); st != 200 || job.Total != want {
			t.Errorf("%s: %d, %d events, want %d", body, st, job.Total, want)
		}
	}
	for body, want := range map[string]string{
		`{"term":"host.name:srv-01 srv-02","earliest_time":"-1d","latest_time":"now"}`:                                    `Invalid parameters: term: no AND or OR before \"srv-02\" (two terms need an operator between them; AND, OR and NOT are upper case) at offset 17`,
		`{"term":"a","term_lang":"sql","earliest_time":"-1d","latest_time":"now"}`:                                        `term_lang \"sql\"`,
		`{"term":"a","earliest_time":"now","latest_time":"-1h"}`:                                                          `latest_time is not after earliest_time`,
		`{"term":"a","earliest_time":"-1h","latest_time":"-1h"}`:                                                          `latest_time is not after earliest_time`,
		`{"term":"a","earliest_time":"-1h","latest_time":"later"}`:                                                        `latest_time`,
		`{"term":"","filters":[{"field":"a","operator":"equals","value":"x"}],"earliest_time":"-1h","latest_time":"now"}`: `filters[0]`,
	} {
		req, _ := http.NewRequest("POST", s.URL()+base, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+s.APIKey())
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 400 || !strings.Contains(string(b), want) {
			t.Errorf("%s: %d %s, want 400 with %s", body, resp.StatusCode, b, want)
		}
	}
	if n := s.SearchJobs(); n != 10 {
		t.Errorf("%d jobs", n)
	}
}
