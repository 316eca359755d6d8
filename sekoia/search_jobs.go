package sekoia

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	wire "github.com/socgo/xdr/internal/wire/sekoia"
)

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
	if err := s.c.send(ctx, "Events.Create", body, &job)(wire.NewCreateEventSearchJobRequest()); err != nil {
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
	if err := s.c.send(ctx, "Events.Get", nil, &job)(wire.NewGetEventSearchJobRequest(uuid)); err != nil {
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
	req, err := line("Events.Cancel")(wire.NewCancelEventSearchJobRequest(uuid))
	if err != nil {
		return nil, err
	}
	// Canceling twice is harmless, so the request may be retried.
	req.RetrySafe = true
	var job SearchJob
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
	if err := s.c.send(ctx, "Events.ExtendTTL", body, &job)(wire.NewUpdateEventSearchJobRequest(uuid)); err != nil {
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

// Defaults of WaitOptions. With them Wait reads a job at once, then about
// 0.25 s, 0.6 s, 1.2 s, 2 s, 3.3 s, 5.2 s, 8 s, 12 s, 19 s and 28 s after
// the start, then every 10 s: a short search is seen done within a
// fraction of a second, and a long one costs one request every 10 s, a
// handful more over its first half minute than with a fixed 1 s start.
const (
	DefaultPollInterval    = 250 * time.Millisecond
	DefaultMaxPollInterval = 10 * time.Second
	DefaultStartTimeout    = 20 * time.Minute
	DefaultRunTimeout      = 30 * time.Minute
)

// WaitOptions tunes Wait. The zero value gives the defaults.
type WaitOptions struct {
	// PollInterval is the first wait between two reads of the job
	// (default 250ms). Waits grow by half each time up to MaxPollInterval,
	// with ±20 % jitter.
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
