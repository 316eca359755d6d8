package sentinelone

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/socgo/xdr/internal/clientopt"
	"github.com/socgo/xdr/internal/rest"
	"github.com/socgo/xdr/internal/transport"
	s1wire "github.com/socgo/xdr/internal/wire/sentinelone"
)

// FilesService fetches files from endpoints and downloads them.
//
// Fetching is asynchronous. FetchThreatFile or FetchAgentFiles asks the
// agent to upload the file; when the upload is done the console logs an
// activity of type 86 (ActivityFileUploaded) whose data.downloadUrl names
// the upload; WaitForUpload polls for that activity, and Download or
// DownloadUpload copy the archive to an io.Writer.
//
// The archive is a zip protected by the password given to the fetch call
// (it holds the file and a manifest). It is written exactly as the console
// sends it: the SDK neither opens nor checks it, so that a file that may be
// malware stays inside its encrypted archive.
type FilesService struct{ c *Client }

// Password bounds of file fetching: the console wants 10 characters or
// more, without white space.
const minFetchPassword = 10

func checkFetchPassword(op, pw string) error {
	switch {
	case len(pw) < minFetchPassword:
		return fmt.Errorf("sentinelone: %s: password is shorter than %d characters", op, minFetchPassword)
	case strings.ContainsAny(pw, " \t\r\n\v\f"):
		return fmt.Errorf("sentinelone: %s: password contains white space", op)
	case len(pw) > 256:
		return fmt.Errorf("sentinelone: %s: password is longer than 256 bytes", op)
	}
	return nil
}

// FetchThreatFile calls POST /threats/fetch-file with {"filter": f,
// "data": {"password": password}}: the agents of the selected threats
// upload the threat's file in a zip protected by password (10 characters
// or more, no white space). Wait for it with WaitForUpload (ThreatID).
//
// An empty filter is refused. A filter with IDs that affects nothing fails
// with *NoneAffectedError. The call is not retried on 5xx or network errors
// once sent unless opts.RetrySafe is set (or the client was built
// WithRetryActions).
func (s *FilesService) FetchThreatFile(ctx context.Context, f ThreatFilter, password string, opts *ActionOptions) (*ActionResult, error) {
	const op = "Files.FetchThreatFile"
	if err := f.check(op); err != nil {
		return nil, err
	}
	if err := checkFetchPassword(op, password); err != nil {
		return nil, err
	}
	return action(ctx, s.c, op, actionBody{Filter: f, Data: map[string]string{"password": password}, secrets: []string{password}}, f.IDs, opts)(s1wire.NewFetchThreatFileRequest())
}

// maxFetchFiles is the most paths one fetch-files call takes.
const maxFetchFiles = 10

// FetchAgentFiles calls POST /agents/{agentID}/actions/fetch-files with
// {"data": {"password": password, "files": paths}}: the agent uploads the
// files (full paths on the endpoint, at most 10) in one zip protected by
// password. Wait for it with WaitForUpload (AgentID).
//
// The call is not retried on 5xx or network errors once sent unless
// opts.RetrySafe is set (or the client was built WithRetryActions).
func (s *FilesService) FetchAgentFiles(ctx context.Context, agentID string, paths []string, password string, opts *ActionOptions) error {
	const op = "Files.FetchAgentFiles"
	if err := checkPathID(op, "agentID", agentID); err != nil {
		return err
	}
	if err := checkIDs(op, "paths", paths); err != nil {
		return err
	}
	if len(paths) > maxFetchFiles {
		return fmt.Errorf("sentinelone: %s: %d paths; the console takes at most %d per call", op, len(paths), maxFetchFiles)
	}
	if err := checkFetchPassword(op, password); err != nil {
		return err
	}
	body := map[string]any{"data": map[string]any{"password": password, "files": paths}}
	r, err := line(op)(s1wire.NewFetchAgentFilesRequest(agentID))
	if err != nil {
		return err
	}
	r.Body, r.RetrySafe, r.Secrets = body, opts.retrySafe(), []string{password}
	d, _, err := call[struct {
		Success *bool `json:"success"`
	}](ctx, s.c, r)
	if err != nil {
		return err
	}
	if d.Success != nil && !*d.Success {
		return fmt.Errorf("sentinelone: %s: the console answered success=false", op)
	}
	return nil
}

// Upload is a fetched file ready for download: the activity of type 86
// (ActivityFileUploaded) that announced it.
type Upload struct {
	// ActivityID is the id of the announcing activity; with AgentID it
	// names the upload (GET /agents/{agentId}/uploads/{activityId}).
	ActivityID string
	// AgentID is the agent that uploaded the file.
	AgentID string
	// ThreatID is the threat the file belongs to, for a threat fetch.
	ThreatID string
	// DownloadURL is the activity's data.downloadUrl, a path under the
	// API ("/agents/{agentId}/uploads/{activityId}").
	DownloadURL string
	// FileName is the activity's data.fileDisplayName (the fetched file's
	// name), or data.filename when it has none.
	FileName string
	// ArchiveName is data.uploadedFilename, the name of the zip.
	ArchiveName string
	// FileSize is data.fileSize (0 when absent).
	FileSize int64
	// CreatedAt is when the console logged the upload.
	CreatedAt time.Time
	// Activity is the whole activity.
	Activity Activity
}

// ErrWaitTimeout is returned by the Wait calls when what they wait for has
// not happened within their timeout.
var ErrWaitTimeout = errors.New("sentinelone: wait timed out")

// WaitUploadOptions say which upload WaitForUpload waits for.
type WaitUploadOptions struct {
	// AgentID or ThreatID (at least one) select the upload's activity.
	AgentID, ThreatID string
	// Since is the time of the fetch call: older uploads are ignored
	// (createdAt__gt). Set it just before calling the fetch, on a clock
	// close to the console's; the zero time waits for any upload.
	Since time.Time
	// PollInterval is the wait between polls (default 5s).
	PollInterval time.Duration
	// Timeout bounds the whole wait (default 10 minutes); past it the
	// error matches ErrWaitTimeout. The caller's ctx also ends it.
	Timeout time.Duration
}

// Defaults of the Wait calls.
const (
	DefaultPollInterval = 5 * time.Second
	DefaultWaitTimeout  = 10 * time.Minute
)

// WaitForUpload polls GET /activities (activityTypes=86, agentIds or
// threatIds, createdAt__gt=Since, newest first) until an activity announces
// an upload with a download URL, and returns it. It fails with an error
// matching ErrWaitTimeout after opts.Timeout, or with the ctx's error.
func (s *FilesService) WaitForUpload(ctx context.Context, opts WaitUploadOptions) (*Upload, error) {
	const op = "Files.WaitForUpload"
	if opts.AgentID == "" && opts.ThreatID == "" {
		return nil, fmt.Errorf("sentinelone: %s: AgentID or ThreatID is required", op)
	}
	lo := &ActivityListOptions{ActivityTypes: []ActivityType{ActivityFileUploaded}, CreatedAfter: opts.Since,
		Paging: Paging{Limit: 100, SortBy: "createdAt", SortOrder: SortDesc}}
	if opts.AgentID != "" {
		lo.AgentIDs = []string{opts.AgentID}
	}
	if opts.ThreatID != "" {
		lo.ThreatIDs = []string{opts.ThreatID}
	}
	var up *Upload
	err := poll(ctx, op, opts.PollInterval, opts.Timeout, func(ctx context.Context) (bool, error) {
		p, err := s.c.Activities.List(ctx, lo)
		if err != nil {
			return false, err
		}
		for _, a := range p.Items {
			var d uploadData
			if a.DecodeData(&d) != nil || d.DownloadURL == "" {
				continue
			}
			name := d.FileDisplayName
			if name == "" {
				name = d.Filename
			}
			size, _ := d.FileSize.Int64()
			up = &Upload{ActivityID: a.ID, AgentID: a.AgentID, ThreatID: a.ThreatID, DownloadURL: d.DownloadURL,
				FileName: name, ArchiveName: d.UploadedFilename, FileSize: size, CreatedAt: a.CreatedAt, Activity: a}
			return true, nil
		}
		return false, nil
	})
	return up, err
}

// uploadData is the data of an activity of type 86.
type uploadData struct {
	DownloadURL      string      `json:"downloadUrl"`
	FileDisplayName  string      `json:"fileDisplayName"`
	Filename         string      `json:"filename"`
	UploadedFilename string      `json:"uploadedFilename"`
	FileSize         json.Number `json:"fileSize"`
}

// poll calls check every interval until it reports done or fails, for at
// most timeout (defaults DefaultPollInterval and DefaultWaitTimeout). The
// timeout bounds the whole wait, the request of a check in flight
// included; the caller's ctx ending is its own error.
func poll(ctx context.Context, op string, interval, timeout time.Duration, check func(context.Context) (bool, error)) error {
	if interval <= 0 {
		interval = DefaultPollInterval
	}
	if timeout <= 0 {
		timeout = DefaultWaitTimeout
	}
	wctx, cancel := context.WithTimeoutCause(ctx, timeout, ErrWaitTimeout)
	defer cancel()
	timedOut := func() bool { return ctx.Err() == nil && context.Cause(wctx) == ErrWaitTimeout }
	for {
		done, err := check(wctx)
		if err != nil {
			if timedOut() {
				return fmt.Errorf("sentinelone: %s: nothing after %s: %w", op, timeout, ErrWaitTimeout)
			}
			return err
		}
		if done {
			return nil
		}
		t := time.NewTimer(interval)
		select {
		case <-wctx.Done():
			t.Stop()
			if timedOut() {
				return fmt.Errorf("sentinelone: %s: nothing after %s: %w", op, timeout, ErrWaitTimeout)
			}
			return fmt.Errorf("sentinelone: %s: %w", op, ctx.Err())
		case <-t.C:
		}
	}
}

// Download calls GET /agents/{agentID}/uploads/{activityID} and copies the
// archive to w as it arrives, in chunks: it is never held whole in memory
// and the client's response size cap (WithMaxBodyBytes, meant for JSON
// answers) does not apply to it. It returns the number of bytes written.
//
// The archive is written as the console sends it (a zip protected by the
// fetch password). When the body is cut in the middle the error says so
// and w holds a partial archive: the call is not sent again, since part of
// the archive has already been written; discard w and call again.
func (s *FilesService) Download(ctx context.Context, agentID, activityID string, w io.Writer) (int64, error) {
	const op = "Files.Download"
	if err := checkPathID(op, "agentID", agentID); err != nil {
		return 0, err
	}
	if err := checkPathID(op, "activityID", activityID); err != nil {
		return 0, err
	}
	if w == nil {
		return 0, fmt.Errorf("sentinelone: %s: w is nil", op)
	}
	r, err := line(op)(s1wire.NewDownloadUploadRequest(agentID, activityID))
	if err != nil {
		return 0, err
	}
	return download(ctx, s.c, op, r, w)
}

// DownloadUpload downloads the upload u announced (see Download). Its
// DownloadURL must name an upload under this console's API
// ("/agents/{agentId}/uploads/{activityId}", with or without the
// /web/api/v2.1 prefix); anything else is refused, so that the API token
// is never sent elsewhere.
func (s *FilesService) DownloadUpload(ctx context.Context, u *Upload, w io.Writer) (int64, error) {
	const op = "Files.DownloadUpload"
	if u == nil {
		return 0, fmt.Errorf("sentinelone: %s: upload is nil", op)
	}
	agent, act, ok := parseUploadURL(u.DownloadURL)
	if !ok {
		return 0, fmt.Errorf("sentinelone: %s: downloadUrl %q is not /agents/{id}/uploads/{id}", op, truncate(u.DownloadURL, 100))
	}
	return s.Download(ctx, agent, act, w)
}

// parseUploadURL reads "/agents/{agentId}/uploads/{activityId}" (with an
// optional /web/api/v2.1 prefix) into its two ids.
func parseUploadURL(s string) (agent, activity string, ok bool) {
	p := strings.TrimPrefix(s, APIPath)
	segs := strings.Split(p, "/")
	if len(segs) != 5 || segs[0] != "" || segs[1] != "agents" || segs[3] != "uploads" ||
		!isDigits(segs[2]) || !isDigits(segs[4]) {
		return "", "", false
	}
	return segs[2], segs[4], true
}

// download streams the answer of r, a GET built by the wire layer, to w.
func download(ctx context.Context, c *Client, op string, r rest.Request, w io.Writer) (int64, error) {
	path := r.Path
	if r.Header == nil {
		r.Header = http.Header{}
	}
	r.Header.Set("Accept", "application/octet-stream, application/zip, */*")
	var resp *http.Response
	for attempt := 0; ; attempt++ {
		tok := c.token.Load()
		var err error
		resp, _, err = c.rest.Stream(ctx, r)
		if err == nil {
			break
		}
		// As in call: a token rotated while the request was in flight.
		// Nothing has been written yet, so sending it again is safe.
		if attempt == 0 && errors.Is(err, ErrUnauthorized) && c.rotatedSince(ctx, tok) {
			continue
		}
		return 0, err
	}
	defer resp.Body.Close()
	n, err := io.Copy(w, resp.Body)
	if err != nil {
		return n, fmt.Errorf("sentinelone: %s: GET %s: copy stopped after %d bytes: %w", op, path, n, err)
	}
	if resp.ContentLength >= 0 && n != resp.ContentLength {
		return n, fmt.Errorf("sentinelone: %s: GET %s: %d bytes of %d: %w", op, path, n, resp.ContentLength, io.ErrUnexpectedEOF)
	}
	return n, nil
}

// DownloadLink is a link to an archive kept in SentinelOne's cloud: the
// answer of CloudDownloadLink and RemoteScripts.FetchOutput.
type DownloadLink struct {
	// DownloadURL is the link, usually a pre-signed URL of a cloud store
	// valid for a short time, on another origin than the console; its
	// query holds the signature: treat it as a secret until it expires.
	DownloadURL string `json:"downloadUrl"`
	// FileName is the name of the archive, when the console gives one.
	FileName string `json:"fileName"`
}

// getLink calls the GET that a generated builder returned and returns the
// DownloadLink of its data:
// getLink(ctx, c, op)(s1wire.NewThreatCloudDownloadRequest(id)).
func getLink(ctx context.Context, c *Client, op string) func(s1wire.Request, error) (*DownloadLink, error) {
	return func(w s1wire.Request, err error) (*DownloadLink, error) {
		r, err := line(op)(w, err)
		if err != nil {
			return nil, err
		}
		d, _, err := call[DownloadLink](ctx, c, r)
		if err != nil {
			return nil, err
		}
		if d.DownloadURL == "" {
			return nil, fmt.Errorf("sentinelone: %s: the answer has no downloadUrl", op)
		}
		return &d, nil
	}
}

// CloudDownloadLink calls GET /threats/{threatID}/download-from-cloud and
// returns the link to the threat's file in SentinelOne's cloud (for files
// the cloud already holds, without fetching from the agent). Download the
// archive with DownloadFromLink, which does not send the API token to the
// link's origin.
func (s *FilesService) CloudDownloadLink(ctx context.Context, threatID string) (*DownloadLink, error) {
	const op = "Files.CloudDownloadLink"
	if err := checkPathID(op, "threatID", threatID); err != nil {
		return nil, err
	}
	return getLink(ctx, s.c, op)(s1wire.NewThreatCloudDownloadRequest(threatID))
}

// DownloadFromLink copies the archive l links to (see CloudDownloadLink
// and RemoteScripts.FetchOutput) to w as it arrives, in chunks, and returns the
// number of bytes written. The link is another origin than the console:
// the API token is not sent there (only to the console's own origin), and
// the link's query, which holds its signature, appears in no error. It
// must be https (plain http only for a loopback host). The request is sent
// once: a pre-signed link that expired is an error to fetch again.
func (s *FilesService) DownloadFromLink(ctx context.Context, l *DownloadLink, w io.Writer) (int64, error) {
	const op = "Files.DownloadFromLink"
	if l == nil || w == nil {
		return 0, fmt.Errorf("sentinelone: %s: link and w are required", op)
	}
	u, err := url.Parse(l.DownloadURL)
	if err != nil || u.Host == "" || u.User != nil || !(u.Scheme == "https" || u.Scheme == "http" && clientopt.IsLoopback(u.Hostname())) {
		return 0, fmt.Errorf("sentinelone: %s: downloadUrl is not an https URL", op)
	}
	where := u.Scheme + "://" + u.Host + u.EscapedPath() // without the signature
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return 0, fmt.Errorf("sentinelone: %s: %s: %w", op, where, s.c.rest.WrapError(err))
	}
	resp, err := s.c.rest.T.HTTPClient().Do(req)
	if err != nil {
		return 0, fmt.Errorf("sentinelone: %s: GET %s: %w", op, where, s.c.rest.WrapError(err))
	}
	defer transport.DrainClose(resp.Body)
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return 0, fmt.Errorf("sentinelone: %s: GET %s: status %d", op, where, resp.StatusCode)
	}
	n, err := io.Copy(w, resp.Body)
	if err != nil {
		return n, fmt.Errorf("sentinelone: %s: GET %s: copy stopped after %d bytes: %w", op, where, n, s.c.rest.WrapError(err))
	}
	return n, nil
}
