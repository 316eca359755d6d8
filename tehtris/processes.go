package tehtris

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/socgo/xdr/internal/paging"
	"github.com/socgo/xdr/internal/rest"
	wire "github.com/socgo/xdr/internal/wire/tehtris"
)

// Process is one process of an endpoint's process history. The members
// below are the ones public material names; Raw keeps the whole object.
type Process struct {
	// PID and PPID are the process and parent process ids ("pid",
	// "ppid").
	PID, PPID int64
	// Cmdline is the command line ("cmdline").
	Cmdline string
	// Username is the user running it ("username").
	Username string
	// Created is its creation time ("created"); zero when absent or not
	// an RFC 3339 time.
	Created time.Time
	// Raw is the exact JSON object the process was decoded from.
	Raw json.RawMessage
}

// UnmarshalJSON decodes a process object and keeps a copy of it in Raw.
func (p *Process) UnmarshalJSON(data []byte) error {
	var w map[string]json.RawMessage
	if err := json.Unmarshal(data, &w); err != nil {
		return fmt.Errorf("tehtris: decode process: %w", err)
	}
	pid, _ := strconv.ParseInt(jsonText(w["pid"]), 10, 64)
	ppid, _ := strconv.ParseInt(jsonText(w["ppid"]), 10, 64)
	*p = Process{PID: pid, PPID: ppid, Cmdline: jsonText(w["cmdline"]), Username: jsonText(w["username"]),
		Created: jsonTime(w["created"]), Raw: append(json.RawMessage(nil), bytes.TrimSpace(data)...)}
	return nil
}

// MarshalJSON returns Raw when set, else the typed fields.
func (p Process) MarshalJSON() ([]byte, error) {
	if len(p.Raw) > 0 {
		return p.Raw, nil
	}
	type out struct {
		PID      int64  `json:"pid"`
		PPID     int64  `json:"ppid"`
		Cmdline  string `json:"cmdline,omitempty"`
		Username string `json:"username,omitempty"`
		Created  string `json:"created,omitempty"`
	}
	o := out{PID: p.PID, PPID: p.PPID, Cmdline: p.Cmdline, Username: p.Username}
	if !p.Created.IsZero() {
		o.Created = p.Created.UTC().Format(time.RFC3339Nano)
	}
	return json.Marshal(o)
}

// ProcessTime says which time of a process ProcessQuery.From and To bound.
type ProcessTime string

// The process times.
const (
	// ProcessAlive selects processes alive within the bounds.
	ProcessAlive ProcessTime = "alive"
	// ProcessCreated selects processes created within the bounds.
	ProcessCreated ProcessTime = "created"
	// ProcessStopped selects processes stopped within the bounds.
	ProcessStopped ProcessTime = "stopped"
)

// MaxProcessLimit is the largest page of process history.
const MaxProcessLimit = 1000

// ProcessQuery selects processes in Endpoints.ListProcesses and
// Endpoints.AllProcesses. A nil pointer means no criteria and a page of
// 100. Criteria combine.
type ProcessQuery struct {
	// From and To bound the time TimeFilter names (sent as timeFrom and
	// timeTo, ISO 8601 UTC with milliseconds).
	From, To time.Time
	// TimeFilter is the time the bounds apply to ("timeFilter").
	TimeFilter ProcessTime
	// PIDs and PPIDs select processes by id and parent id.
	PIDs, PPIDs []int64
	// Username, DomainName, UserIdentifier (a SID or a UID), Path and
	// Cmdline select by substring.
	Username, DomainName, UserIdentifier, Path, Cmdline string
	// SHA256, SHA1 and MD5 select by the hash of the image.
	SHA256, SHA1, MD5 string
	// Limit is the page size, 1 to MaxProcessLimit (default 100).
	Limit int
	// Offset is the number of processes to skip (Processes), or where
	// AllProcesses starts.
	Offset int
}

func (q *ProcessQuery) limit() int {
	if q.Limit == 0 {
		return 100
	}
	return q.Limit
}

func (q *ProcessQuery) check(method string) error {
	switch {
	case q.Limit < 0 || q.Limit > MaxProcessLimit:
		return fmt.Errorf("tehtris: %s: Limit %d is not within 1..%d", method, q.Limit, MaxProcessLimit)
	case q.Offset < 0:
		return fmt.Errorf("tehtris: %s: Offset %d is negative", method, q.Offset)
	case !q.From.IsZero() && !q.To.IsZero() && q.To.Before(q.From):
		return fmt.Errorf("tehtris: %s: To is before From", method)
	}
	switch q.TimeFilter {
	case "", ProcessAlive, ProcessCreated, ProcessStopped:
	default:
		return fmt.Errorf("tehtris: %s: TimeFilter %s is not alive, created or stopped", method, quoteArg(string(q.TimeFilter)))
	}
	for _, f := range []struct{ name, v string }{
		{"Username", q.Username}, {"DomainName", q.DomainName}, {"UserIdentifier", q.UserIdentifier},
		{"Path", q.Path}, {"Cmdline", q.Cmdline}, {"SHA256", q.SHA256}, {"SHA1", q.SHA1}, {"MD5", q.MD5},
	} {
		if err := checkText(f.v); err != nil {
			return fmt.Errorf("tehtris: %s: %s %s: %w", method, f.name, quoteArg(f.v), err)
		}
	}
	for _, h := range []struct {
		name, v string
		n       int
	}{{"SHA256", q.SHA256, 64}, {"SHA1", q.SHA1, 40}, {"MD5", q.MD5, 32}} {
		if h.v != "" && !isHex(h.v, h.n) {
			return fmt.Errorf("tehtris: %s: %s %s is not %d hexadecimal digits", method, h.name, quoteArg(h.v), h.n)
		}
	}
	for _, l := range []struct {
		name string
		ids  []int64
	}{{"PIDs", q.PIDs}, {"PPIDs", q.PPIDs}} {
		for i, id := range l.ids {
			if id < 0 {
				return fmt.Errorf("tehtris: %s: %s[%d] %d is negative", method, l.name, i, id)
			}
		}
	}
	return nil
}

func isHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// processTimeLayout is the form of timeFrom and timeTo
// ("2025-09-26T14:40:22.924Z").
const processTimeLayout = "2006-01-02T15:04:05.000Z"

// request builds GET /edr/v2/data/{applianceId}/{edrUuid}/processes for
// the query, from offset; ep and q have been checked.
func (q *ProcessQuery) request(method string, ep Endpoint, offset int) (rest.Request, error) {
	p := wire.ListProcessesParams{
		Limit: ptrTo(q.limit()), TimeFilter: (*wire.ListProcessesParamsTimeFilter)(nonEmpty(string(q.TimeFilter))),
		Username: nonEmpty(q.Username), DomainName: nonEmpty(q.DomainName), UserIdentifier: nonEmpty(q.UserIdentifier),
		Path: nonEmpty(q.Path), Cmdline: nonEmpty(q.Cmdline), Sha256: nonEmpty(q.SHA256), Sha1: nonEmpty(q.SHA1), Md5: nonEmpty(q.MD5),
	}
	if offset > 0 {
		p.Offset = &offset
	}
	if !q.From.IsZero() {
		p.TimeFrom = ptrTo(q.From.UTC().Format(processTimeLayout))
	}
	if !q.To.IsZero() {
		p.TimeTo = ptrTo(q.To.UTC().Format(processTimeLayout))
	}
	if len(q.PIDs) > 0 {
		p.Pids = &q.PIDs
	}
	if len(q.PPIDs) > 0 {
		p.Ppids = &q.PPIDs
	}
	return line(method)(wire.NewListProcessesRequest(ep.ApplianceID, strings.ToLower(ep.AgentUUID), &p))
}

// ListProcesses returns one page of the endpoint's process history, from
// q.Offset. It calls GET /edr/v2/data/{applianceId}/{edrUuid}/processes
// with limit, offset, timeFrom, timeTo, timeFilter, pids, ppids and the
// text criteria of q. The reply is read as an array of process objects,
// or an object holding it in "data".
func (s *EndpointsService) ListProcesses(ctx context.Context, ep Endpoint, q *ProcessQuery) (*Page[Process], error) {
	var qq ProcessQuery
	if q != nil {
		qq = *q
	}
	if err := ep.check("Endpoints.ListProcesses"); err != nil {
		return nil, err
	}
	if err := qq.check("Endpoints.ListProcesses"); err != nil {
		return nil, err
	}
	req, err := qq.request("Endpoints.ListProcesses", ep, qq.Offset)
	if err != nil {
		return nil, err
	}
	ps, _, err := s.processes(ctx, req)
	if err != nil {
		return nil, err
	}
	return &Page[Process]{Items: ps, Total: -1, HasMore: len(ps) >= qq.limit(), Offset: qq.Offset}, nil
}

func (s *EndpointsService) processes(ctx context.Context, req rest.Request) ([]Process, uint64, error) {
	body, _, err := s.c.rest.Fetch(ctx, req)
	if err != nil {
		return nil, 0, err
	}
	ps, err := decodeList[Process](body)
	if err != nil {
		return nil, 0, fmt.Errorf("tehtris: GET %s: %w", req.Path, s.c.rest.WrapError(err))
	}
	return ps, paging.Fingerprint(body), nil
}

// AllProcesses iterates over the endpoint's process history q selects,
// page after page (as ListProcesses), advancing the offset by the number of
// processes returned and stopping on the first short page.
//
// Iterator contract: AllProcesses is lazy (no request before the loop
// starts) and re-runnable; q is copied, never changed; every request uses
// ctx; on an error the iterator yields (Process{}, err) once and stops;
// breaking out of the loop cancels the page being prefetched and waits
// for it.
func (s *EndpointsService) AllProcesses(ctx context.Context, ep Endpoint, q *ProcessQuery) iter.Seq2[Process, error] {
	var qq ProcessQuery
	if q != nil {
		qq = *q
	}
	qq.PIDs, qq.PPIDs = slices.Clone(qq.PIDs), slices.Clone(qq.PPIDs)
	err := ep.check("Endpoints.AllProcesses")
	if err == nil {
		err = qq.check("Endpoints.AllProcesses")
	}
	return func(yield func(Process, error) bool) {
		if err != nil {
			yield(Process{}, err)
			return
		}
		fetch := func(ctx context.Context, offset, _ int) (paging.OffsetPage[Process], error) {
			req, err := qq.request("Endpoints.AllProcesses", ep, offset)
			if err != nil {
				return paging.OffsetPage[Process]{}, err
			}
			ps, fp, err := s.processes(ctx, req)
			if err != nil {
				return paging.OffsetPage[Process]{}, err
			}
			return paging.OffsetPage[Process]{Items: ps, Total: -1, Fingerprint: fp}, nil
		}
		for p, err := range paging.Offset(ctx, qq.Offset, qq.limit(), fetch) {
			if !yield(p, err) {
				return
			}
		}
	}
}
