package sentinelone

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"strings"
	"time"

	s1wire "github.com/socgo/xdr/internal/wire/sentinelone"

	"github.com/socgo/xdr/internal/rest"
)

// RemoteScriptsService runs scripts of the console's script library on
// agents (Remote Script Orchestration) and reads their results.
//
// Execute starts one task per agent under a parent task; WaitTasks polls
// GET /remote-scripts/status until every task has ended; FetchOutput gets
// the link to a task's output archive.
type RemoteScriptsService struct{ c *Client }

// OutputDestination is where a script's output goes.
type OutputDestination string

// The output destinations.
const (
	// OutputSentinelCloud keeps the output in SentinelOne's cloud, from
	// where FetchOutput gets a link to it.
	OutputSentinelCloud OutputDestination = "SentinelCloud"
	// OutputLocal writes it to OutputDirectory on the endpoint.
	OutputLocal OutputDestination = "Local"
	// OutputNone discards it.
	OutputNone OutputDestination = "None"
	// OutputSingularityXDR is the fourth destination the API lists, for
	// consoles with Singularity XDR.
	OutputSingularityXDR OutputDestination = "SingularityXDR"
)

// Valid reports whether d is one of the destinations.
func (d OutputDestination) Valid() bool {
	switch d {
	case OutputSentinelCloud, OutputLocal, OutputNone, OutputSingularityXDR:
		return true
	}
	return false
}

// ScriptRun is what to run: a script of the library and its settings.
type ScriptRun struct {
	// ScriptID is the id of the script in the console's library.
	ScriptID string `json:"scriptId"`
	// TaskDescription names the run in the console (required).
	TaskDescription string `json:"taskDescription"`
	// OutputDestination is where the output goes (required).
	OutputDestination OutputDestination `json:"outputDestination"`
	// OutputDirectory is the directory on the endpoint for OutputLocal.
	OutputDirectory string `json:"outputDirectory,omitempty"`
	// InputParams is the script's command line.
	InputParams string `json:"inputParams,omitempty"`
	// Password protects the output archive (for OutputSentinelCloud). It
	// is hidden when the run is printed, and redacted from the errors of
	// Execute.
	Password string `json:"password,omitempty"`
	// RuntimeTimeout bounds the script's run on the endpoint, in whole
	// seconds (zero leaves the script's default).
	RuntimeTimeout time.Duration `json:"-"`
	// RequiresApproval asks for an approval in the console before the
	// script runs.
	RequiresApproval bool `json:"requiresApproval,omitempty"`
}

// String renders the run with its Password hidden, so that printing or
// logging a ScriptRun by mistake does not leak it.
func (r ScriptRun) String() string {
	pw := ""
	if r.Password != "" {
		pw = "[REDACTED]"
	}
	return fmt.Sprintf("ScriptRun{ScriptID: %q, TaskDescription: %q, OutputDestination: %q, OutputDirectory: %q, InputParams: %q, Password: %s, RuntimeTimeout: %s, RequiresApproval: %t}",
		r.ScriptID, r.TaskDescription, r.OutputDestination, r.OutputDirectory, r.InputParams, pw, r.RuntimeTimeout, r.RequiresApproval)
}

// GoString is String, for %#v.
func (r ScriptRun) GoString() string { return r.String() }

// ScriptExecution is the answer of Execute.
type ScriptExecution struct {
	// ParentTaskID groups the tasks of the run, one per agent.
	ParentTaskID string `json:"parentTaskId"`
	// Affected is the number of agents the run was sent to.
	Affected int `json:"affected"`
	// Pending is true when the run waits for an approval.
	Pending bool `json:"pending"`
}

// Execute calls POST /remote-scripts/execute with {"filter": f, "data":
// run} and returns the parent task of the run.
//
// An empty filter is refused before any request: the API would run the
// script on every agent in scope. Execute is never retried after the
// request was sent (on 5xx, a timeout or a cut answer the script may
// already be running) unless opts.RetrySafe is set or the client was built
// WithRetryActions; a 429 is retried, the console having run nothing.
func (s *RemoteScriptsService) Execute(ctx context.Context, f AgentFilter, run ScriptRun, opts *ActionOptions) (*ScriptExecution, error) {
	const op = "RemoteScripts.Execute"
	if err := f.check(op, "remote script"); err != nil {
		return nil, err
	}
	switch {
	case strings.TrimSpace(run.ScriptID) == "":
		return nil, fmt.Errorf("sentinelone: %s: ScriptID is empty", op)
	case strings.TrimSpace(run.TaskDescription) == "":
		return nil, fmt.Errorf("sentinelone: %s: TaskDescription is empty", op)
	case run.OutputDestination == "":
		return nil, fmt.Errorf("sentinelone: %s: OutputDestination is empty", op)
	case !run.OutputDestination.Valid():
		return nil, fmt.Errorf("sentinelone: %s: OutputDestination %q is not one of SentinelCloud, Local, None, SingularityXDR", op, truncate(string(run.OutputDestination), 100))
	case run.OutputDestination == OutputLocal && strings.TrimSpace(run.OutputDirectory) == "":
		return nil, fmt.Errorf("sentinelone: %s: OutputLocal needs an OutputDirectory", op)
	case run.RuntimeTimeout < 0:
		return nil, fmt.Errorf("sentinelone: %s: RuntimeTimeout %s is negative", op, run.RuntimeTimeout)
	}
	data := struct {
		ScriptRun
		Timeout int64 `json:"scriptRuntimeTimeoutSeconds,omitempty"`
	}{run, int64((run.RuntimeTimeout + time.Second - 1) / time.Second)}
	r, err := line(op)(s1wire.NewExecuteRemoteScriptRequest())
	if err != nil {
		return nil, err
	}
	r.Body, r.RetrySafe = actionBody{Filter: f, Data: data}, opts.retrySafe()
	if run.Password != "" {
		r.Secrets = []string{run.Password}
	}
	res, _, err := call[ScriptExecution](ctx, s.c, r)
	if err != nil {
		return nil, err
	}
	if res.ParentTaskID == "" && !res.Pending {
		if res.Affected == 0 && len(f.IDs) > 0 {
			return &res, &NoneAffectedError{Op: op, IDs: append([]string(nil), f.IDs...)}
		}
		return &res, fmt.Errorf("sentinelone: %s: the answer has no parentTaskId", op)
	}
	return &res, nil
}

// TaskStatus is the status of a script task.
type TaskStatus string

// The task statuses. Completed, Failed, Canceled and Expired are final.
const (
	TaskCreated           TaskStatus = "created"
	TaskPending           TaskStatus = "pending"
	TaskPendingUserAction TaskStatus = "pending_user_action"
	TaskScheduled         TaskStatus = "scheduled"
	TaskInProgress        TaskStatus = "in_progress"
	TaskCompleted         TaskStatus = "completed"
	TaskFailed            TaskStatus = "failed"
	TaskCanceled          TaskStatus = "canceled"
	TaskExpired           TaskStatus = "expired"
)

// String returns the human name ("in progress").
func (s TaskStatus) String() string { return strings.ReplaceAll(string(s), "_", " ") }

// Final reports whether the task has ended.
func (s TaskStatus) Final() bool {
	switch s {
	case TaskCompleted, TaskFailed, TaskCanceled, TaskExpired:
		return true
	}
	return false
}

// ScriptTask is the task of a script run on one agent. Raw is the object
// as received.
type ScriptTask struct {
	ID                string     `json:"id"`
	ParentTaskID      string     `json:"parentTaskId"`
	Status            TaskStatus `json:"status"`
	DetailedStatus    string     `json:"detailedStatus"`
	StatusDescription string     `json:"statusDescription"`
	Description       string     `json:"description"`
	Type              string     `json:"type"`
	AgentID           string     `json:"agentId"`
	AgentComputerName string     `json:"agentComputerName"`
	AgentOSType       string     `json:"agentOsType"`
	AccountID         string     `json:"accountId"`
	SiteID            string     `json:"siteId"`
	GroupID           string     `json:"groupId"`
	InitiatedBy       string     `json:"initiatedBy"`
	// ScriptResultsSignature is the SHA-256 of the output archive, set
	// when the output went to SentinelOne's cloud; FetchOutput needs it.
	ScriptResultsSignature string    `json:"scriptResultsSignature"`
	CreatedAt              time.Time `json:"createdAt"`
	UpdatedAt              time.Time `json:"updatedAt"`
	// Raw is the whole object as received.
	Raw json.RawMessage `json:"-"`
}

func (t *ScriptTask) setRaw(b []byte) { t.Raw = b }

// TaskListOptions filters GET /remote-scripts/status.
type TaskListOptions struct {
	// ParentTaskID selects the tasks of one run (required by the console).
	ParentTaskID string
	// Statuses selects tasks by status.
	Statuses []TaskStatus
	// AgentIDs selects tasks by agent.
	AgentIDs []string
	// Paging sets the page size, skip, first cursor, count and sort.
	Paging
}

// request checks o and builds GET /remote-scripts/status.
func (o *TaskListOptions) request(op string) (rest.Request, error) {
	if o == nil || strings.TrimSpace(o.ParentTaskID) == "" {
		return rest.Request{}, fmt.Errorf("sentinelone: %s: ParentTaskID is required", op)
	}
	q := newQuery(op)
	p := s1wire.RemoteScriptStatusParams{
		ParentTaskId: o.ParentTaskID,
		Status:       enumListParam[s1wire.TaskStatus](q, "status", o.Statuses),
		AgentIds:     q.listParam("agentIds", o.AgentIDs),
	}
	setPaging(q.pagingParams(o.Paging), &p.Limit, &p.Skip, &p.Cursor, &p.CountOnly, &p.SkipCount, &p.SortBy, &p.SortOrder)
	if q.err != nil {
		return rest.Request{}, q.err
	}
	return line(op)(s1wire.NewRemoteScriptStatusRequest(&p))
}

// ListTasks calls GET /remote-scripts/status and returns one page of tasks.
func (s *RemoteScriptsService) ListTasks(ctx context.Context, opts *TaskListOptions) (*Page[ScriptTask], error) {
	r, err := opts.request("RemoteScripts.ListTasks")
	if err != nil {
		return nil, err
	}
	return s.tasks(ctx, r)
}

func (s *RemoteScriptsService) tasks(ctx context.Context, r rest.Request) (*Page[ScriptTask], error) {
	return getPage[ScriptTask](ctx, s.c, r, decodeItem[ScriptTask])
}

// AllTasks calls GET /remote-scripts/status page after page, following
// nextCursor with the same filters, and yields every task.
//
// The iterator is lazy and can be run again (each run starts over). opts
// is copied when AllTasks is called and never changed. Every page is
// fetched with the caller's ctx. On error it yields (zero ScriptTask, err)
// once and stops; a repeated cursor gives ErrPaginationStalled. Breaking
// out of the loop stops fetching and frees the connection. While the
// caller works on one page the next is fetched.
func (s *RemoteScriptsService) AllTasks(ctx context.Context, opts *TaskListOptions) iter.Seq2[ScriptTask, error] {
	r, err := opts.request("RemoteScripts.AllTasks")
	return allPages(ctx, r, err, s.tasks)
}

// WaitOptions pace a Wait call.
type WaitOptions struct {
	// PollInterval is the wait between polls (default 5s).
	PollInterval time.Duration
	// Timeout bounds the whole wait (default 10 minutes); past it the
	// error matches ErrWaitTimeout. The caller's ctx also ends it.
	Timeout time.Duration
}

// WaitTasks polls the tasks of parentTaskID until there is at least one
// and every one has a final status (completed, failed, canceled, expired),
// and returns them. A task that failed is not an error of WaitTasks: read
// each task's Status. After opts.Timeout the error matches ErrWaitTimeout.
func (s *RemoteScriptsService) WaitTasks(ctx context.Context, parentTaskID string, opts *WaitOptions) ([]ScriptTask, error) {
	const op = "RemoteScripts.WaitTasks"
	lo := &TaskListOptions{ParentTaskID: parentTaskID}
	if _, err := lo.request(op); err != nil {
		return nil, err
	}
	if opts == nil {
		opts = &WaitOptions{}
	}
	var tasks []ScriptTask
	err := poll(ctx, op, opts.PollInterval, opts.Timeout, func(ctx context.Context) (bool, error) {
		tasks = tasks[:0]
		done := true
		for t, err := range s.AllTasks(ctx, lo) {
			if err != nil {
				return false, err
			}
			tasks = append(tasks, t)
			done = done && t.Status.Final()
		}
		return done && len(tasks) > 0, nil
	})
	if err != nil {
		return nil, err
	}
	return tasks, nil
}

// FetchOutput calls GET /remote-scripts/fetch-file?agentId&siteId&
// signature&signatureType=SHA256 for a completed task whose output went to
// SentinelOne's cloud (it has a ScriptResultsSignature), and returns the
// link to its output archive; download it with Files.DownloadFromLink,
// which does not send the API token to the link's origin.
func (s *RemoteScriptsService) FetchOutput(ctx context.Context, t ScriptTask) (*DownloadLink, error) {
	const op = "RemoteScripts.FetchOutput"
	switch {
	case t.AgentID == "":
		return nil, fmt.Errorf("sentinelone: %s: task has no AgentID", op)
	case t.SiteID == "":
		return nil, fmt.Errorf("sentinelone: %s: task has no SiteID", op)
	case t.ScriptResultsSignature == "":
		return nil, fmt.Errorf("sentinelone: %s: task %s has no ScriptResultsSignature (status %s; output not in the cloud?)", op, truncate(t.ID, 100), t.Status)
	}
	return getLink(ctx, s.c, op)(s1wire.NewRemoteScriptOutputRequest(&s1wire.RemoteScriptOutputParams{
		AgentId: t.AgentID, SiteId: t.SiteID, Signature: t.ScriptResultsSignature,
		SignatureType: s1wire.RemoteScriptOutputParamsSignatureTypeSHA256,
	}))
}
