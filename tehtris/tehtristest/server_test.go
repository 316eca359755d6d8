package tehtristest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/socgo/xdr/tehtris"
	"github.com/socgo/xdr/tehtris/tehtristest"
)

func get(t *testing.T, srv *tehtristest.Server, path string, auth bool) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, srv.URL()+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if auth {
		req.SetBasicAuth("anyone", srv.APIKey())
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func ids(t *testing.T, body []byte) []int64 {
	t.Helper()
	var evs []struct {
		ID int64 `json:"id"`
	}
	if err := json.Unmarshal(body, &evs); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	out := make([]int64, len(evs))
	for i, e := range evs {
		out[i] = e.ID
	}
	return out
}

func TestServerBasics(t *testing.T) {
	t.Parallel()
	srv := tehtristest.NewServer(t)
	base := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	a := srv.SeedEventsAt(2, base.Add(2*time.Second))
	b := srv.SeedEventsAt(2, base) // older, appended later
	c := srv.AddEvents(tehtris.Event{Time: base.Add(time.Second + 500*time.Millisecond), Module: "das", EventName: "x"})

	if st, _ := get(t, srv, "/xdr/v1/event", false); st != http.StatusUnauthorized {
		t.Errorf("no auth: %d", st)
	}
	st, body := get(t, srv, "/xdr/v1/event?limit=10", true)
	if st != 200 {
		t.Fatalf("%d %s", st, body)
	}
	want := []int64{a[1], a[0], c[0].ID, b[1], b[0]} // newest first
	if got := ids(t, body); !equal(got, want) {
		t.Errorf("order %v, want %v", got, want)
	}
	// fromDate/toDate are instants: toDate=10:00:01 leaves out 10:00:01.5.
	from, to := strconv.FormatInt(base.Unix(), 10), strconv.FormatInt(base.Unix()+1, 10)
	_, body = get(t, srv, "/xdr/v1/event?fromDate="+from+"&toDate="+to, true)
	if got := ids(t, body); !equal(got, []int64{b[1], b[0]}) {
		t.Errorf("bounded %v", got)
	}
	_, body = get(t, srv, "/xdr/v1/event?limit=2&offset=3", true)
	if got := ids(t, body); !equal(got, []int64{b[1], b[0]}) {
		t.Errorf("offset 3 %v", got)
	}
	for _, q := range []string{"limit=0", "limit=1001", "offset=-1", "fromDate=x", "createdOrModified=BOTH"} {
		if st, _ := get(t, srv, "/xdr/v1/event?"+q, true); st != http.StatusBadRequest {
			t.Errorf("%s: %d", q, st)
		}
	}
	if st, _ := get(t, srv, "/nope", true); st != http.StatusNotFound {
		t.Errorf("unknown path: %d", st)
	}
	if srv.Len() != 5 || srv.Requests() < 9 {
		t.Errorf("Len %d Requests %d", srv.Len(), srv.Requests())
	}
	// An event appended again with the same id replaces it.
	ev := c[0]
	ev.Level = 9
	ev.Raw = nil
	srv.AddEvents(ev)
	if srv.Len() != 5 {
		t.Errorf("re-append: Len %d", srv.Len())
	}
	_, body = get(t, srv, "/xdr/v1/event?eventId="+strconv.FormatInt(ev.ID, 10), true)
	if !strings.Contains(string(body), `"lvl":9`) {
		t.Errorf("replaced event: %s", body)
	}
}

func TestStartAndClose(t *testing.T) {
	t.Parallel()
	srv, err := tehtristest.Start(tehtristest.WithAPIKey("k"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(srv.URL(), "http://127.0.0.1:") || !strings.HasSuffix(srv.URL(), "/api") || srv.APIKey() != "k" {
		t.Errorf("URL %s key %s", srv.URL(), srv.APIKey())
	}
	srv.Close()
	if _, err := tehtristest.Start(tehtristest.WithAPIKey("")); err == nil {
		t.Error("empty key accepted")
	}
}

func equal(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
