package sekoia

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/socgo/xdr/internal/argcheck"
	"github.com/socgo/xdr/internal/idcheck"
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

// Limits of the results endpoints.
const (
	// MaxResultsLimit is the largest page of events the API returns.
	MaxResultsLimit = 1000
	// DefaultResultsLimit is the page size AllResults and ListResults use when none is given.
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
