package sekoia

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/socgo/xdr/internal/apierror"
	"github.com/socgo/xdr/internal/argcheck"
	"github.com/socgo/xdr/internal/idcheck"
	"github.com/socgo/xdr/internal/paging"
	"github.com/socgo/xdr/internal/rest"
)

// EventsService runs event search jobs: create a job, wait for it, read
// its events and field statistics.
//
// A search on Sekoia.io is asynchronous: POST creates a job (status
// JobNotStarted), the job runs (JobRunning) and ends (JobDone, JobCanceled
// or JobFailed); its results stay readable for the job's TTL, after which
// the result endpoints answer 410 Gone (ErrJobExpired). SearchAll does the
// whole round for the common case.
type EventsService struct{ c *Client }

const searchJobsPath = "/v1/sic/conf/events/search/jobs"

// Limits of the results endpoints.
const (
	// MaxResultsLimit is the largest page of events the API returns.
	MaxResultsLimit = 1000
	// DefaultResultsLimit is the page size Results uses when none is given.
	DefaultResultsLimit = 1000
	// MaxFieldsLimit is the largest page of field statistics the SDK asks for.
	MaxFieldsLimit = 1000
)

// JobStatus is the state of an event search job.
type JobStatus int

// The states of a search job, as the API numbers them.
const (
	// JobNotStarted: the job is queued.
	JobNotStarted JobStatus = 0
	// JobRunning: the job is searching; results may already be readable.
	JobRunning JobStatus = 1
	// JobDone: the job has finished; its results are complete.
	JobDone JobStatus = 2
	// JobCanceled: the job was canceled before it finished.
	JobCanceled JobStatus = 3
	// JobFailed: the job failed.
	JobFailed JobStatus = 4
)

// String returns the state's name ("not started", "running", "done",
// "canceled", "failed"), or "JobStatus(n)" for a value the SDK does not know.
func (s JobStatus) String() string {
	switch s {
	case JobNotStarted:
		return "not started"
	case JobRunning:
		return "running"
	case JobDone:
		return "done"
	case JobCanceled:
		return "canceled"
	case JobFailed:
		return "failed"
	}
	return "JobStatus(" + strconv.Itoa(int(s)) + ")"
}

// Finished reports whether s is a final state (done, canceled or failed).
func (s JobStatus) Finished() bool { return s == JobDone || s == JobCanceled || s == JobFailed }

// TermLang is the language of a search term.
type TermLang string

// Search term languages seen on the API.
const (
	// TermLangDork is Sekoia.io's dork query language (the one the web app
	// uses).
	TermLangDork TermLang = "dork"
	// TermLangESQueryString is the Elasticsearch query-string syntax; the
	// API reports it for jobs created without a term_lang.
	TermLangESQueryString TermLang = "es-query-string"
)

// FilterOperator compares an event field with a filter's value.
type FilterOperator string

// FilterContains matches events whose field contains the value. It is the
// operator the documentation shows; the type is open so that any other
// operator the API accepts can be given as FilterOperator("...").
const FilterContains FilterOperator = "contains"

// SearchTime is one end of a search's time range: an absolute time, or a
// relative expression that the server evaluates when the job runs. Build it
// with AbsoluteTime, RelativeTime or Ago.
type SearchTime struct {
	abs time.Time
	rel string
}

// AbsoluteTime returns the bound t. It is sent in UTC with millisecond
// precision, which is what the API keeps.
func AbsoluteTime(t time.Time) SearchTime { return SearchTime{abs: t} }

// RelativeTime returns a bound relative to the time the job runs: "now",
// or a sign, a number and a unit among s, m, h, d and w ("-24h", "-7d",
// "+3d"), case ignored. The expression is checked when the query is sent.
func RelativeTime(expr string) SearchTime { return SearchTime{rel: expr} }

// Ago returns the relative bound d before the time the job runs, in the
// largest unit that expresses d exactly (Ago(24*time.Hour) is "-1d"). d
// is rounded down to the second.
func Ago(d time.Duration) SearchTime {
	s := int64(d / time.Second)
	if s <= 0 {
		return SearchTime{rel: "now"}
	}
	unit := "s"
	for _, u := range []struct {
		n    int64
		name string
	}{{7 * 86400, "w"}, {86400, "d"}, {3600, "h"}, {60, "m"}} {
		if s%u.n == 0 {
			s, unit = s/u.n, u.name
			break
		}
	}
	return SearchTime{rel: "-" + strconv.FormatInt(s, 10) + unit}
}

// IsZero reports whether t was never set.
func (t SearchTime) IsZero() bool { return t.rel == "" && t.abs.IsZero() }

// String returns the bound as it is sent: a relative expression as given,
// or the absolute time as "2006-01-02T15:04:05.000" in UTC.
func (t SearchTime) String() string {
	if t.rel != "" {
		return t.rel
	}
	if t.abs.IsZero() {
		return ""
	}
	return t.abs.UTC().Format("2006-01-02T15:04:05.000")
}

func (t SearchTime) check(arg string) error {
	if t.rel == "" {
		return nil
	}
	if !validRelativeTime(t.rel) {
		return fmt.Errorf("%s %q is not \"now\" nor a relative time like \"-24h\" (sign, number, unit s, m, h, d or w)", arg, argcheck.Short(t.rel))
	}
	return nil
}

func validRelativeTime(s string) bool {
	if strings.EqualFold(s, "now") {
		return true
	}
	if len(s) < 3 || s[0] != '+' && s[0] != '-' {
		return false
	}
	switch s[len(s)-1] | 0x20 {
	case 's', 'm', 'h', 'd', 'w':
	default:
		return false
	}
	digits := s[1 : len(s)-1]
	if len(digits) > 9 {
		return false
	}
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return false
		}
	}
	return true
}

// SearchQuery describes an event search job.
type SearchQuery struct {
	// Term is the query text; it may be empty when Filters are given.
	Term string
	// TermLang is the language of Term; empty lets the server choose.
	TermLang TermLang
	// Filters narrow the search field by field.
	Filters []SearchFilter
	// Earliest is the start of the time range (required).
	Earliest SearchTime
	// Latest is the end of the time range; zero means RelativeTime("now").
	Latest SearchTime
	// MaxLastEvents, when positive, caps the number of events the job keeps
	// (the most recent ones).
	MaxLastEvents int
	// CommunityUUIDs restricts the search to these communities (for a
	// multi-tenant workspace); empty searches the key's own scope.
	CommunityUUIDs []string
	// Visible shows the job in the web app's search history. Jobs created
	// by the SDK are hidden unless this is set.
	Visible bool
	// DateField is the field the time range applies to; empty means the
	// server's default ("@timestamp").
	DateField string
	// OnlyEternal searches only the events kept in long-term (eternal)
	// storage, the archives, rather than the hot storage; it is the one
	// storage choice of the API.
	OnlyEternal bool
	// ResultsTTL is how long the results are kept after the job ends
	// (sent in whole seconds as results_ttl); zero lets the server choose
	// (600 s seen). Extend it later with the job update.
	ResultsTTL time.Duration
	// ViewUUID ties the job to a saved search view (view_uuid).
	ViewUUID string
}

func (q *SearchQuery) body(method string) (*searchJobBody, error) {
	if q.Earliest.IsZero() {
		return nil, fmt.Errorf("sekoia: %s: query Earliest is required (AbsoluteTime, RelativeTime or Ago)", method)
	}
	if err := q.Earliest.check("Earliest"); err != nil {
		return nil, fmt.Errorf("sekoia: %s: query %w", method, err)
	}
	latest := q.Latest
	if latest.IsZero() {
		latest = RelativeTime("now")
	}
	if err := latest.check("Latest"); err != nil {
		return nil, fmt.Errorf("sekoia: %s: query %w", method, err)
	}
	if !q.Earliest.abs.IsZero() && !latest.abs.IsZero() && !latest.abs.After(q.Earliest.abs) {
		return nil, fmt.Errorf("sekoia: %s: query Latest %s is not after Earliest %s", method, latest, q.Earliest)
	}
	if !utf8.ValidString(q.Term) || !utf8.ValidString(q.DateField) {
		return nil, fmt.Errorf("sekoia: %s: query Term or DateField is not valid UTF-8", method)
	}
	if strings.TrimSpace(q.Term) == "" && len(q.Filters) == 0 {
		return nil, fmt.Errorf("sekoia: %s: query has neither a Term nor Filters", method)
	}
	if q.MaxLastEvents < 0 {
		return nil, fmt.Errorf("sekoia: %s: query MaxLastEvents %d is negative", method, q.MaxLastEvents)
	}
	for i, f := range q.Filters {
		if strings.TrimSpace(f.Field) == "" {
			return nil, fmt.Errorf("sekoia: %s: query Filters[%d] has no Field", method, i)
		}
		if !utf8.ValidString(f.Field) || !utf8.ValidString(string(f.Operator)) {
			return nil, fmt.Errorf("sekoia: %s: query Filters[%d] is not valid UTF-8", method, i)
		}
		if v, err := json.Marshal(f.Value); err != nil || !utf8.Valid(v) {
			return nil, fmt.Errorf("sekoia: %s: query Filters[%d] (%s) Value is not a JSON value", method, i, f.Field)
		}
		if f.Operator == "" {
			return nil, fmt.Errorf("sekoia: %s: query Filters[%d] (%s) has no Operator", method, i, f.Field)
		}
	}
	if q.ResultsTTL < 0 || (q.ResultsTTL > 0 && q.ResultsTTL < time.Second) {
		return nil, fmt.Errorf("sekoia: %s: query ResultsTTL %s is not zero or at least 1s", method, q.ResultsTTL)
	}
	if q.ViewUUID != "" && !idcheck.IsUUID(q.ViewUUID) {
		return nil, fmt.Errorf("sekoia: %s: query ViewUUID %q is not a UUID", method, argcheck.Short(q.ViewUUID))
	}
	for i, u := range q.CommunityUUIDs {
		if !idcheck.IsUUID(u) {
			return nil, fmt.Errorf("sekoia: %s: query CommunityUUIDs[%d] %q is not a UUID", method, i, argcheck.Short(u))
		}
	}
	return &searchJobBody{
		Term:           q.Term,
		TermLang:       q.TermLang,
		Filters:        q.Filters,
		EarliestTime:   q.Earliest.String(),
		LatestTime:     latest.String(),
		MaxLastEvents:  q.MaxLastEvents,
		CommunityUUIDs: q.CommunityUUIDs,
		Visible:        q.Visible,
		DateField:      q.DateField,
		OnlyEternal:    q.OnlyEternal,
		ResultsTTL:     int(q.ResultsTTL / time.Second),
		ViewUUID:       q.ViewUUID,
	}, nil
}

// SearchJob is an event search job as the API reports it.
type SearchJob struct {
	// UUID identifies the job.
	UUID string
	// Status is the job's state.
	Status JobStatus
	// Total is the server's estimate of the number of matching events.
	Total int64
	// Retrieved is the number of events readable so far.
	Retrieved int64
	// Term and TermLang are the query.
	Term     string
	TermLang TermLang
	// Filters are the job's filters.
	Filters []SearchFilter
	// EarliestTime and LatestTime echo the time range as it was given
	// (absolute or relative, like "-1d").
	EarliestTime, LatestTime string
	// CreatedBy is the UUID of the profile that created the job and
	// CreatedByType its kind ("apikey", "avatar").
	CreatedBy, CreatedByType string
	// CanceledBy and CanceledByType name who canceled the job, if anyone.
	CanceledBy, CanceledByType string
	// CreatedAt, StartedAt, EndedAt and CanceledAt are zero until set.
	CreatedAt, StartedAt, EndedAt, CanceledAt time.Time
	// ResultsTTL is how long the results are kept after the job ends.
	ResultsTTL time.Duration
	// ExpirationDate is when the results will be deleted, once known.
	ExpirationDate time.Time
	// Expired reports that the results were deleted.
	Expired bool
	// CommunityUUIDs are the communities searched.
	CommunityUUIDs []string
	// OnlyEternal, MaxLastEvents and DateField echo the query.
	OnlyEternal   bool
	MaxLastEvents int
	DateField     string
	// SigmaPattern and Excluded describe a Sigma filter, if the job has one.
	SigmaPattern string
	Excluded     bool
	// ViewUUID is the saved view the job belongs to, if any.
	ViewUUID string
	// Raw is the job exactly as received (including fields not listed here).
	Raw json.RawMessage
}

// UnmarshalJSON decodes a job and keeps its raw bytes.
func (j *SearchJob) UnmarshalJSON(b []byte) error {
	var w searchJobWire // nulls leave the zero values
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	out := SearchJob{
		UUID:           w.UUID,
		Status:         w.Status,
		Total:          w.Total,
		Retrieved:      w.Retrieved,
		Term:           w.Term,
		TermLang:       TermLang(w.TermLang),
		Filters:        w.Filters,
		EarliestTime:   w.EarliestTime,
		LatestTime:     w.LatestTime,
		CreatedBy:      w.CreatedBy,
		CreatedByType:  w.CreatedByType,
		CanceledBy:     w.CanceledBy,
		CanceledByType: w.CanceledByType,
		ResultsTTL:     time.Duration(w.ResultsTTL) * time.Second,
		Expired:        w.Expired,
		CommunityUUIDs: w.CommunityUUIDs,
		OnlyEternal:    w.OnlyEternal,
		MaxLastEvents:  w.MaxLastEvents,
		DateField:      w.DateField,
		SigmaPattern:   w.SigmaPattern,
		Excluded:       w.Excluded,
		ViewUUID:       w.ViewUUID,
		Raw:            append(json.RawMessage(nil), b...),
	}
	for _, f := range []struct {
		dst  *time.Time
		src  string
		name string
	}{
		{&out.CreatedAt, w.CreatedAt, "created_at"},
		{&out.StartedAt, w.StartedAt, "started_at"},
		{&out.EndedAt, w.EndedAt, "ended_at"},
		{&out.CanceledAt, w.CanceledAt, "canceled_at"},
		{&out.ExpirationDate, w.ExpirationDate, "expiration_date"},
	} {
		t, err := parseTimeString(f.src)
		if err != nil {
			return fmt.Errorf("search job %s: %w", f.name, err)
		}
		*f.dst = t
	}
	*j = out
	return nil
}

// MarshalJSON returns the job's raw bytes when it was decoded from JSON.
func (j SearchJob) MarshalJSON() ([]byte, error) {
	if len(j.Raw) > 0 {
		return j.Raw, nil
	}
	type plain SearchJob
	p := plain(j)
	p.Raw = nil
	return json.Marshal(p)
}

func jobPath(uuid string, tail string) string {
	return searchJobsPath + "/" + rest.Seg(uuid) + tail
}

// Create starts an event search job and returns it (usually in state
// JobNotStarted). It calls POST /v1/sic/conf/events/search/jobs. The query
// is checked before any request: Earliest is required, relative times must
// be well formed, and a query needs a Term or Filters.
func (s *EventsService) Create(ctx context.Context, q SearchQuery) (*SearchJob, error) {
	body, err := q.body("Events.Create")
	if err != nil {
		return nil, err
	}
	var job SearchJob
	if _, err := s.c.rest.Do(ctx, rest.Request{Method: http.MethodPost, Path: searchJobsPath, Body: body}, &job); err != nil {
		return nil, err
	}
	return &job, nil
}

// Get returns the job uuid. It calls GET /v1/sic/conf/events/search/jobs/{uuid}.
func (s *EventsService) Get(ctx context.Context, uuid string) (*SearchJob, error) {
	if err := checkUUID("Events.Get", "job uuid", uuid); err != nil {
		return nil, err
	}
	var job SearchJob
	if _, err := s.c.rest.Do(ctx, rest.Request{Method: http.MethodGet, Path: jobPath(uuid, "")}, &job); err != nil {
		return nil, err
	}
	return &job, nil
}

// Cancel stops a pending or running job and returns it. It calls
// POST /v1/sic/conf/events/search/jobs/{uuid}/cancel.
func (s *EventsService) Cancel(ctx context.Context, uuid string) (*SearchJob, error) {
	if err := checkUUID("Events.Cancel", "job uuid", uuid); err != nil {
		return nil, err
	}
	var job SearchJob
	// Canceling twice is harmless, so the request may be retried.
	req := rest.Request{Method: http.MethodPost, Path: jobPath(uuid, "/cancel"), RetrySafe: true}
	if _, err := s.c.rest.Do(ctx, req, &job); err != nil {
		return nil, err
	}
	return &job, nil
}

// ExtendTTL sets how long the job's results are kept (counted by the
// server from the job's end) and returns the job, so that a slow consumer
// can finish reading. ttl is sent in whole seconds and must be at least a
// second. It calls PUT /v1/sic/conf/events/search/jobs/{uuid} with
// {"results_ttl": seconds}.
func (s *EventsService) ExtendTTL(ctx context.Context, uuid string, ttl time.Duration) (*SearchJob, error) {
	if err := checkUUID("Events.ExtendTTL", "job uuid", uuid); err != nil {
		return nil, err
	}
	if ttl < time.Second {
		return nil, fmt.Errorf("sekoia: Events.ExtendTTL: ttl %s is under one second", ttl)
	}
	body := struct {
		ResultsTTL int64 `json:"results_ttl"`
	}{int64(ttl / time.Second)}
	var job SearchJob
	if _, err := s.c.rest.Do(ctx, rest.Request{Method: http.MethodPut, Path: jobPath(uuid, ""), Body: body}, &job); err != nil {
		return nil, err
	}
	return &job, nil
}

// Errors of Wait, matched with errors.Is on a *JobError.
var (
	// ErrJobCanceled: the job was canceled before it finished.
	ErrJobCanceled = errors.New("sekoia: search job canceled")
	// ErrJobFailed: the job ended in failure.
	ErrJobFailed = errors.New("sekoia: search job failed")
	// ErrJobTimeout: the job did not start, or did not finish, within the
	// limits of WaitOptions.
	ErrJobTimeout = errors.New("sekoia: search job wait timed out")
)

// JobError reports a job that Wait could not see to completion.
type JobError struct {
	// Job is the last state of the job that was read.
	Job *SearchJob
	// Err is ErrJobCanceled, ErrJobFailed or ErrJobTimeout.
	Err error
	// Waited is how long Wait polled.
	Waited time.Duration
}

// Error renders "sekoia: search job <uuid>: canceled after 3s (status canceled)".
func (e *JobError) Error() string {
	uuid, st := "", JobStatus(-1)
	if e.Job != nil {
		uuid, st = e.Job.UUID, e.Job.Status
	}
	what := "failed"
	switch e.Err {
	case ErrJobCanceled:
		what = "canceled"
	case ErrJobTimeout:
		if st == JobNotStarted {
			what = "did not start"
		} else {
			what = "did not finish"
		}
	}
	return fmt.Sprintf("sekoia: search job %s: %s after %s (status %s)", uuid, what, e.Waited.Round(time.Millisecond), st)
}

// Unwrap returns Err.
func (e *JobError) Unwrap() error { return e.Err }

// Defaults of WaitOptions.
const (
	DefaultPollInterval    = time.Second
	DefaultMaxPollInterval = 10 * time.Second
	DefaultStartTimeout    = 20 * time.Minute
	DefaultRunTimeout      = 30 * time.Minute
)

// WaitOptions tunes Wait. The zero value gives the defaults.
type WaitOptions struct {
	// PollInterval is the first wait between two reads of the job
	// (default 1s). Waits grow by half each time up to MaxPollInterval, with
	// ±20 % jitter.
	PollInterval time.Duration
	// MaxPollInterval caps the wait between two reads (default 10s).
	MaxPollInterval time.Duration
	// StartTimeout is how long the job may stay not started (default 20m).
	StartTimeout time.Duration
	// RunTimeout is how long the job may run once started (default 30m).
	RunTimeout time.Duration
}

func (o *WaitOptions) withDefaults() (WaitOptions, error) {
	var w WaitOptions
	if o != nil {
		w = *o
	}
	for _, d := range []struct {
		v    *time.Duration
		def  time.Duration
		name string
	}{
		{&w.PollInterval, DefaultPollInterval, "PollInterval"},
		{&w.MaxPollInterval, DefaultMaxPollInterval, "MaxPollInterval"},
		{&w.StartTimeout, DefaultStartTimeout, "StartTimeout"},
		{&w.RunTimeout, DefaultRunTimeout, "RunTimeout"},
	} {
		if *d.v < 0 {
			return w, fmt.Errorf("sekoia: Events.Wait: %s %s is negative", d.name, *d.v)
		}
		if *d.v == 0 {
			*d.v = d.def
		}
	}
	if w.MaxPollInterval < w.PollInterval {
		w.MaxPollInterval = w.PollInterval
	}
	return w, nil
}

// Wait polls the job until it is done and returns it. It reads the job at
// once, then after waits that start at PollInterval and grow to
// MaxPollInterval, with jitter. A canceled or failed job, or one that stays
// not started longer than StartTimeout or runs longer than RunTimeout,
// gives a *JobError matching ErrJobCanceled, ErrJobFailed or ErrJobTimeout;
// ctx ends the wait with its error. A timeout does not cancel the job. It
// calls GET /v1/sic/conf/events/search/jobs/{uuid}.
func (s *EventsService) Wait(ctx context.Context, uuid string, opts *WaitOptions) (*SearchJob, error) {
	if err := checkUUID("Events.Wait", "job uuid", uuid); err != nil {
		return nil, err
	}
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	start := time.Now()
	phase, phaseStart := JobNotStarted, start
	interval := o.PollInterval
	for {
		job, err := s.Get(ctx, uuid)
		if err != nil {
			return nil, err
		}
		now := time.Now()
		switch job.Status {
		case JobDone:
			return job, nil
		case JobCanceled:
			return nil, &JobError{Job: job, Err: ErrJobCanceled, Waited: now.Sub(start)}
		case JobFailed:
			return nil, &JobError{Job: job, Err: ErrJobFailed, Waited: now.Sub(start)}
		}
		if job.Status != phase && job.Status == JobRunning {
			phase, phaseStart = JobRunning, now
		}
		limit := o.StartTimeout
		if phase == JobRunning {
			limit = o.RunTimeout
		}
		left := limit - now.Sub(phaseStart)
		if left <= 0 {
			return nil, &JobError{Job: job, Err: ErrJobTimeout, Waited: now.Sub(start)}
		}
		wait := pollJitter(interval)
		if wait > left {
			wait = left // read once more at the limit, then give up
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		case <-t.C:
		}
		interval = min(interval+interval/2, o.MaxPollInterval)
	}
}

// pollJitter returns d ± 20 %.
func pollJitter(d time.Duration) time.Duration {
	spread := d / 5
	if spread <= 0 {
		return d
	}
	return d - spread + rand.N(2*spread+1)
}

// ResultsOptions selects a slice of a job's events. Nil means every event,
// in pages of DefaultResultsLimit.
type ResultsOptions struct {
	// Limit is the page size, 1..MaxResultsLimit (default 1000).
	Limit int
	// Offset is the index of the first event to read.
	Offset int
	// Earliest and Latest, when set, restrict the results to events in
	// that time range (sent as epoch seconds).
	Earliest, Latest time.Time
}

func (o *ResultsOptions) query(method string, offset, limit int) (url.Values, error) {
	q := url.Values{}
	if limit < 1 || limit > MaxResultsLimit {
		return nil, fmt.Errorf("sekoia: Events.%s: Limit %d is out of range 1..%d", method, limit, MaxResultsLimit)
	}
	if offset < 0 {
		return nil, fmt.Errorf("sekoia: Events.%s: Offset %d is negative", method, offset)
	}
	q.Set("limit", strconv.Itoa(limit))
	q.Set("offset", strconv.Itoa(offset))
	if o != nil {
		if !o.Earliest.IsZero() {
			q.Set("earliest_time", epochSeconds(o.Earliest))
		}
		if !o.Latest.IsZero() {
			q.Set("latest_time", epochSeconds(o.Latest))
		}
		if !o.Earliest.IsZero() && !o.Latest.IsZero() && !o.Latest.After(o.Earliest) {
			return nil, fmt.Errorf("sekoia: Events.%s: Latest %s is not after Earliest %s", method, o.Latest.Format(time.RFC3339), o.Earliest.Format(time.RFC3339))
		}
	}
	return q, nil
}

func epochSeconds(t time.Time) string {
	ms := t.UnixMilli()
	if ms%1000 == 0 {
		return strconv.FormatInt(ms/1000, 10)
	}
	return strconv.FormatFloat(float64(ms)/1000, 'f', -1, 64)
}

func (o *ResultsOptions) limitOrDefault() int {
	if o == nil || o.Limit == 0 {
		return DefaultResultsLimit
	}
	return o.Limit
}

// EventPage is one page of a job's events.
type EventPage struct {
	// Events are the page's events, most recent first.
	Events []Event
	// Total is the server's estimate of the number of events of the job
	// (or of the requested time range). It is not exact; iterate with
	// Results rather than counting on it.
	Total int64
	// PagingToken is the server's token for the next page, if it sent one.
	PagingToken string
}

// ResultsPage returns one page of the job's events. It calls
// GET /v1/sic/conf/events/search/jobs/{uuid}/events?limit=&offset=. A job
// whose results were deleted gives an *APIError matching ErrJobExpired.
func (s *EventsService) ResultsPage(ctx context.Context, uuid string, opts *ResultsOptions) (*EventPage, error) {
	if err := checkUUID("Events.ResultsPage", "job uuid", uuid); err != nil {
		return nil, err
	}
	offset := 0
	if opts != nil {
		offset = opts.Offset
	}
	q, err := opts.query("ResultsPage", offset, opts.limitOrDefault())
	if err != nil {
		return nil, err
	}
	p, _, err := s.fetchEvents(ctx, uuid, q)
	return p, err
}

// fetchEvents returns a page of results and the fingerprint of its body.
func (s *EventsService) fetchEvents(ctx context.Context, uuid string, q url.Values) (*EventPage, uint64, error) {
	req := rest.Request{Method: http.MethodGet, Path: jobPath(uuid, "/events"), Query: q}
	body, meta, err := s.c.rest.Fetch(ctx, req)
	if err != nil {
		return nil, 0, markExpired(err)
	}
	page, err := decodeEventPage(body)
	if err != nil {
		return nil, 0, fmt.Errorf("sekoia: GET %s: decode %d response: %w", req.Path, meta.StatusCode, s.c.rest.WrapError(err))
	}
	return page, paging.Fingerprint(body), nil
}

// markExpired makes sure a 410 matches ErrJobExpired.
func markExpired(err error) error {
	var ae *apierror.Error
	if errors.As(err, &ae) && ae.StatusCode == http.StatusGone && !errors.Is(err, ErrJobExpired) {
		ae.Sentinels = append(ae.Sentinels, ErrJobExpired)
	}
	return err
}

// Results iterates over the job's events, most recent first, reading pages
// of opts.Limit events (default 1000) from opts.Offset. It calls
// GET /v1/sic/conf/events/search/jobs/{uuid}/events?limit=&offset= for each
// page and stops on a short page (the server's total is only an
// estimate). Results of a job that is still running are those found so
// far: Wait first for the complete set. An expired job yields an
// *APIError matching ErrJobExpired.
//
// The iterator is lazy and re-runnable: nothing is sent until it is
// ranged over, and each range starts again from opts.Offset. opts is
// copied, never mutated. Every page is requested with the caller's ctx,
// and the next page is fetched while the caller works on the current one.
// On error it yields (Event{}, err) once and stops; a break stops fetching
// and frees the connection. Bad options are reported as the first yield.
func (s *EventsService) Results(ctx context.Context, uuid string, opts *ResultsOptions) iter.Seq2[Event, error] {
	var o ResultsOptions
	if opts != nil {
		o = *opts
	}
	limit := o.limitOrDefault()
	_, verr := o.query("Results", o.Offset, limit)
	if verr == nil {
		verr = checkUUID("Events.Results", "job uuid", uuid)
	}
	if verr != nil {
		return errSeq[Event](verr)
	}
	return paging.Offset(ctx, o.Offset, limit, func(ctx context.Context, offset, limit int) (paging.OffsetPage[Event], error) {
		q, _ := o.query("Results", offset, limit)
		p, fp, err := s.fetchEvents(ctx, uuid, q)
		if err != nil {
			return paging.OffsetPage[Event]{}, err
		}
		return paging.OffsetPage[Event]{Items: p.Events, Total: -1, Fingerprint: fp}, nil
	})
}

// SearchOptions tunes Search and SearchAll. Nil gives the defaults.
type SearchOptions struct {
	// Wait tunes the wait for the job to finish.
	Wait WaitOptions
	// Limit is the page size of the results, 1..MaxResultsLimit (default
	// 1000).
	Limit int
	// KeepJob leaves a job that SearchAll did not see to completion
	// (because of an error, a timeout or a break) running; by default it is
	// canceled.
	KeepJob bool
	// OnJob, when set, is called by SearchAll with the finished job before
	// its first event: keep its UUID to read Fields, Field or the results
	// again once the loop is done (a finished job is kept until its
	// ResultsTTL runs out).
	OnJob func(job *SearchJob)
}

// Search creates a job for q and waits for it to finish: it is Create then
// Wait. The finished job's events are read with Results.
func (s *EventsService) Search(ctx context.Context, q SearchQuery, opts *SearchOptions) (*SearchJob, error) {
	var o SearchOptions
	if opts != nil {
		o = *opts
	}
	job, err := s.Create(ctx, q)
	if err != nil {
		return nil, err
	}
	done, err := s.Wait(ctx, job.UUID, &o.Wait)
	if err != nil {
		if !o.KeepJob {
			s.cancelQuietly(ctx, job.UUID)
		}
		return nil, err
	}
	return done, nil
}

// cancelQuietly cancels a job the SDK gives up on, so that it does not use
// the workspace's search capacity; failures are ignored.
func (s *EventsService) cancelQuietly(ctx context.Context, uuid string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	_, _ = s.Cancel(ctx, uuid)
}

// SearchAll runs q and iterates over every matching event: it creates the
// job, waits for it to finish and reads its results page by page (see
// Create, Wait and Results for the requests). A job that could not be seen
// to completion is canceled unless opts.KeepJob is set.
//
// The iterator is lazy and re-runnable: each range creates a new job. q
// and opts are copied, never mutated. Every request uses the caller's ctx.
// On error it yields (Event{}, err) once and stops; a break stops fetching
// and frees the connection.
func (s *EventsService) SearchAll(ctx context.Context, q SearchQuery, opts *SearchOptions) iter.Seq2[Event, error] {
	var o SearchOptions
	if opts != nil {
		o = *opts
	}
	q.Filters = append([]SearchFilter(nil), q.Filters...)
	q.CommunityUUIDs = append([]string(nil), q.CommunityUUIDs...)
	return func(yield func(Event, error) bool) {
		job, err := s.Search(ctx, q, &o)
		if err != nil {
			yield(Event{}, err)
			return
		}
		if o.OnJob != nil {
			o.OnJob(job)
		}
		for ev, err := range s.Results(ctx, job.UUID, &ResultsOptions{Limit: o.Limit}) {
			if !yield(ev, err) || err != nil {
				return
			}
		}
	}
}

// FieldsOptions selects a page of field statistics. Nil means the first
// page of 100.
type FieldsOptions struct {
	// Limit is the page size, 1..MaxFieldsLimit (default 100).
	Limit int
	// Offset is the index of the first field.
	Offset int
}

// FieldPage is one page of the field statistics of a job.
type FieldPage struct {
	// Fields are the page's fields.
	Fields []SearchField
	// Total is the number of fields.
	Total int64
	// Retrieved is the number of events the statistics were computed on.
	Retrieved int64
}

func (o *FieldsOptions) query(method string) (url.Values, int, int, error) {
	limit, offset := 100, 0
	if o != nil {
		if o.Limit != 0 {
			limit = o.Limit
		}
		offset = o.Offset
	}
	if limit < 1 || limit > MaxFieldsLimit {
		return nil, 0, 0, fmt.Errorf("sekoia: Events.%s: Limit %d is out of range 1..%d", method, limit, MaxFieldsLimit)
	}
	if offset < 0 {
		return nil, 0, 0, fmt.Errorf("sekoia: Events.%s: Offset %d is negative", method, offset)
	}
	return url.Values{"limit": {strconv.Itoa(limit)}, "offset": {strconv.Itoa(offset)}}, offset, limit, nil
}

// Fields returns one page of statistics on the fields of the job's events:
// each field's name, type and most common values. It calls
// GET /v1/sic/conf/events/search/jobs/{uuid}/fields?limit=&offset=. An
// expired job gives an *APIError matching ErrJobExpired.
func (s *EventsService) Fields(ctx context.Context, uuid string, opts *FieldsOptions) (*FieldPage, error) {
	if err := checkUUID("Events.Fields", "job uuid", uuid); err != nil {
		return nil, err
	}
	q, _, _, err := opts.query("Fields")
	if err != nil {
		return nil, err
	}
	p, _, err := s.fetchFields(ctx, uuid, q)
	return p, err
}

// fetchFields returns a page of fields and the fingerprint of its body.
func (s *EventsService) fetchFields(ctx context.Context, uuid string, q url.Values) (*FieldPage, uint64, error) {
	req := rest.Request{Method: http.MethodGet, Path: jobPath(uuid, "/fields"), Query: q}
	body, meta, err := s.c.rest.Fetch(ctx, req)
	if err != nil {
		return nil, 0, markExpired(err)
	}
	var out searchFieldList
	if err := json.Unmarshal(body, &out); err != nil {
		return nil, 0, fmt.Errorf("sekoia: GET %s: decode %d response: %w", req.Path, meta.StatusCode, s.c.rest.WrapError(err))
	}
	return &FieldPage{Fields: out.Items, Total: out.Total, Retrieved: out.Retrieved}, paging.Fingerprint(body), nil
}

// AllFields iterates over the statistics of every field of the job's
// events, calling GET /v1/sic/conf/events/search/jobs/{uuid}/fields for
// each page.
//
// The iterator is lazy and re-runnable; opts is copied, never mutated;
// every page is requested with the caller's ctx; on error it yields
// (SearchField{}, err) once and stops; a break stops fetching and frees
// the connection.
func (s *EventsService) AllFields(ctx context.Context, uuid string, opts *FieldsOptions) iter.Seq2[SearchField, error] {
	var o FieldsOptions
	if opts != nil {
		o = *opts
	}
	_, offset, limit, err := o.query("AllFields")
	if err == nil {
		err = checkUUID("Events.AllFields", "job uuid", uuid)
	}
	if err != nil {
		return errSeq[SearchField](err)
	}
	return paging.Offset(ctx, offset, limit, func(ctx context.Context, offset, limit int) (paging.OffsetPage[SearchField], error) {
		q := url.Values{"limit": {strconv.Itoa(limit)}, "offset": {strconv.Itoa(offset)}}
		p, fp, err := s.fetchFields(ctx, uuid, q)
		if err != nil {
			return paging.OffsetPage[SearchField]{}, err
		}
		return paging.OffsetPage[SearchField]{Items: p.Fields, Total: int(p.Total), Fingerprint: fp}, nil
	})
}
