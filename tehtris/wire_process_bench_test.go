package tehtris

import (
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/socgo/xdr/internal/wire/wiretest"
)

// handwrittenProcessValues is the process history's query as it was built
// before the wire layer, kept to compare.
func handwrittenProcessValues(q *ProcessQuery, offset int) url.Values {
	v := url.Values{}
	v.Set("limit", strconv.Itoa(q.limit()))
	if offset > 0 {
		v.Set("offset", strconv.Itoa(offset))
	}
	if !q.From.IsZero() {
		v.Set("timeFrom", q.From.UTC().Format(processTimeLayout))
	}
	if !q.To.IsZero() {
		v.Set("timeTo", q.To.UTC().Format(processTimeLayout))
	}
	if q.TimeFilter != "" {
		v.Set("timeFilter", string(q.TimeFilter))
	}
	for _, id := range q.PIDs {
		v.Add("pids", strconv.FormatInt(id, 10))
	}
	for _, id := range q.PPIDs {
		v.Add("ppids", strconv.FormatInt(id, 10))
	}
	for _, f := range []struct{ k, v string }{
		{"username", q.Username}, {"domainName", q.DomainName}, {"userIdentifier", q.UserIdentifier},
		{"path", q.Path}, {"cmdline", q.Cmdline}, {"sha256", q.SHA256}, {"sha1", q.SHA1}, {"md5", q.MD5},
	} {
		if f.v != "" {
			v.Set(f.k, f.v)
		}
	}
	return v
}

func benchProcessQuery() *ProcessQuery {
	from := time.Date(2026, 1, 2, 3, 4, 5, 6e6, time.UTC)
	return &ProcessQuery{
		From: from, To: from.Add(time.Hour), PIDs: []int64{4, 812}, PPIDs: []int64{1},
		Username: "alice", Path: `C:\Windows\System32\cmd.exe`, SHA256: "ab12", Limit: 200,
	}
}

var benchEndpoint = Endpoint{ApplianceID: 7, AgentUUID: "0B2E7F1C-7B8A-4F3E-9A51-0C1D2E3F4A5B"}

func TestHandwrittenProcessValuesSame(t *testing.T) {
	q := benchProcessQuery()
	for _, offset := range []int{0, 400} {
		w, err := q.request("Endpoints.ListProcesses", benchEndpoint, offset)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := w.Query.Encode(), handwrittenProcessValues(q, offset).Encode(); got != want {
			t.Errorf("offset %d: generated query\n%s\nhand-written\n%s", offset, got, want)
		}
		if want := "/edr/v2/data/7/0b2e7f1c-7b8a-4f3e-9a51-0c1d2e3f4a5b/processes"; w.Path != want {
			t.Errorf("path %s, want %s", w.Path, want)
		}
	}
}

// BenchmarkWireProcessesList compares building the query of a process
// history page by hand and with the generated wire layer (which also
// builds the path).
func BenchmarkWireProcessesList(b *testing.B) {
	q := benchProcessQuery()
	wiretest.Bench(b, func() error {
		_ = handwrittenProcessValues(q, 400).Encode()
		return nil
	}, func() error {
		w, err := q.request("Endpoints.ListProcesses", benchEndpoint, 400)
		_ = w.Query.Encode()
		return err
	})
}
