package sentinelone

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"testing/iotest"
	"testing/synctest"
	"time"

	"github.com/jarcoal/httpmock"
)

// errorText renders everything an *APIError exposes, for leak checks.
func errorText(err error) string {
	s := fmt.Sprintf("%v|%+v|%#v", err, err, err)
	var ae *APIError
	if errors.As(err, &ae) {
		s += "|" + string(ae.Body) + "|" + ae.Message + "|" + ae.Detail + "|" + fmt.Sprintf("%+v", *ae)
	}
	return s
}

// TestPasswordsRedactedFromErrors: the passwords of file fetching and
// remote scripts, which a console may echo in a refusal, appear in no
// error, whether the answer failed (4xx) or is a 2xx with errors; and they
// are not kept by the client for later calls.
func TestPasswordsRedactedFromErrors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const pw = "Secret-Zip-Pass-42"
	echo := `{"errors":[{"code":4000010,"title":"Bad password ` + pw + `","detail":"password '` + pw + `' refused"}]}`
	for _, status := range []int{400, 200} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			w := newWire(t)
			c := newTestClient(t, w)
			w.on("POST", "/threats/fetch-file", nil, `{"filter":{"ids":["1"]},"data":{"password":"`+pw+`"}}`, status, echo)
			_, err := c.Files.FetchThreatFile(ctx, ThreatFilter{IDs: []string{"1"}}, pw, nil)
			if err == nil || strings.Contains(errorText(err), pw) {
				t.Errorf("FetchThreatFile: err keeps the password: %s", errorText(err))
			}
			w.on("POST", "/agents/7/actions/fetch-files", nil, `{"data":{"password":"`+pw+`","files":["/tmp/a"]}}`, status, echo)
			err = c.Files.FetchAgentFiles(ctx, "7", []string{"/tmp/a"}, pw, nil)
			if err == nil || strings.Contains(errorText(err), pw) {
				t.Errorf("FetchAgentFiles: err keeps the password: %s", errorText(err))
			}
			w.on("POST", "/remote-scripts/execute", nil, `{"filter":{"ids":["7"]},"data":{"scriptId":"s","taskDescription":"d","outputDestination":"SentinelCloud","password":"`+pw+`"}}`, status, echo)
			_, err = c.RemoteScripts.Execute(ctx, AgentFilter{IDs: []string{"7"}}, ScriptRun{ScriptID: "s", TaskDescription: "d", OutputDestination: OutputSentinelCloud, Password: pw}, nil)
			if err == nil || strings.Contains(errorText(err), pw) {
				t.Errorf("Execute: err keeps the password: %s", errorText(err))
			}
			for _, s := range c.rest.Secrets() {
				if s == pw {
					t.Errorf("the client keeps the password among its secrets")
				}
			}
		})
	}
}

// TestTokenRedactedFromBodyErrors: a 2xx whose body carries errors that
// quote the token gives an error without it, as a 4xx does.
func TestTokenRedactedFromBodyErrors(t *testing.T) {
	t.Parallel()
	w := newWire(t)
	w.on("POST", "/users/api-token-details", nil, `{"data":{"apiToken":"`+testToken+`"}}`, 200,
		`{"errors":[{"code":4000010,"title":"Bad token `+testToken+`","detail":"token `+testToken+` unknown"}]}`)
	c := newTestClient(t, w)
	_, err := c.Token.Details(context.Background())
	if err == nil || strings.Contains(errorText(err), testToken) {
		t.Fatalf("err keeps the token: %s", errorText(err))
	}
}

// TestWaitTimeoutBoundsSlowPoll: the Timeout of a Wait call bounds the
// whole wait, a poll request in flight included: one that never answers
// (or is held by a long Retry-After) ends at the timeout with
// ErrWaitTimeout, not whenever the request gives up.
func TestWaitTimeoutBoundsSlowPoll(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		mt := httpmock.NewMockTransport()
		hang := func(r *http.Request) (*http.Response, error) {
			<-r.Context().Done()
			return nil, r.Context().Err()
		}
		mt.RegisterResponder("GET", testConsole+APIPath+"/activities", hang)
		mt.RegisterResponder("GET", testConsole+APIPath+"/remote-scripts/status", hang)
		c, err := NewClient(testConsole, testToken, WithHTTPClient(&http.Client{Transport: mt}), WithoutRateLimits())
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		_, err = c.Files.WaitForUpload(context.Background(), WaitUploadOptions{AgentID: "7", Timeout: time.Minute})
		if !errors.Is(err, ErrWaitTimeout) || time.Since(start) != time.Minute {
			t.Errorf("WaitForUpload: %v after %s, want ErrWaitTimeout after 1m", err, time.Since(start))
		}
		start = time.Now()
		_, err = c.RemoteScripts.WaitTasks(context.Background(), "p", &WaitOptions{Timeout: time.Minute})
		if !errors.Is(err, ErrWaitTimeout) || time.Since(start) != time.Minute {
			t.Errorf("WaitTasks: %v after %s, want ErrWaitTimeout after 1m", err, time.Since(start))
		}
		// The caller's own cancellation is still the caller's error.
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_, err = c.Files.WaitForUpload(ctx, WaitUploadOptions{AgentID: "7", Timeout: time.Minute})
		if !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, ErrWaitTimeout) {
			t.Errorf("caller deadline: %v", err)
		}
	})
}

// TestScriptRunPrintHidesPassword: a ScriptRun printed or logged by
// mistake does not show the password of its output archive, as NewToken
// hides its token.
func TestScriptRunPrintHidesPassword(t *testing.T) {
	t.Parallel()
	const pw = "Output-Archive-Pass-9"
	run := ScriptRun{ScriptID: "s", TaskDescription: "collect", OutputDestination: OutputSentinelCloud, Password: pw, RuntimeTimeout: time.Minute}
	var logged strings.Builder
	slog.New(slog.NewTextHandler(&logged, nil)).Info("run", "run", run, "ptr", &run)
	out := fmt.Sprintf("%v|%+v|%#v|%s|%v", run, run, run, run, &run) + logged.String()
	if strings.Contains(out, pw) {
		t.Errorf("the password is printed: %s", out)
	}
	if !strings.Contains(out, "collect") || !strings.Contains(out, "[REDACTED]") {
		t.Errorf("the rest of the run is not printed: %s", out)
	}
	if s := fmt.Sprint(ScriptRun{ScriptID: "s"}); strings.Contains(s, "REDACTED") {
		t.Errorf("no password, yet %s", s)
	}
}

// TestExecuteRefusesUnknownDestination: an OutputDestination outside the
// API's values (a typo) is refused before any request, naming the field.
func TestExecuteRefusesUnknownDestination(t *testing.T) {
	t.Parallel()
	w := newWire(t)
	c := newTestClient(t, w)
	run := ScriptRun{ScriptID: "s", TaskDescription: "d", OutputDestination: "sentinelcloud"}
	_, err := c.RemoteScripts.Execute(context.Background(), AgentFilter{IDs: []string{"7"}}, run, nil)
	if err == nil || !strings.Contains(err.Error(), `OutputDestination "sentinelcloud"`) || w.count() != 0 {
		t.Errorf("err = %v after %d requests", err, w.count())
	}
	w.on("POST", "/remote-scripts/execute", nil, `{"filter":{"ids":["7"]},"data":{"scriptId":"s","taskDescription":"d","outputDestination":"SingularityXDR"}}`, 200, `{"data":{"parentTaskId":"p","affected":1}}`)
	run.OutputDestination = OutputSingularityXDR
	if _, err := c.RemoteScripts.Execute(context.Background(), AgentFilter{IDs: []string{"7"}}, run, nil); err != nil {
		t.Error(err)
	}
}

// TestDownloadFromLinkErrorsMatch: the errors of DownloadFromLink keep
// the link's signature out and still match what caused them, as those of
// Download do: a cancelled ctx, a body cut short.
func TestDownloadFromLinkErrorsMatch(t *testing.T) {
	t.Parallel()
	w := newWire(t)
	c := newTestClient(t, w)
	const sig = "X-Amz-Signature=41eae839d2"
	w.mt.RegisterResponder("GET", "https://bucket.example/cut?"+sig, func(r *http.Request) (*http.Response, error) {
		if err := r.Context().Err(); err != nil {
			return nil, err
		}
		resp := httpmock.NewStringResponse(200, "PK\x03\x04 half")
		resp.ContentLength = 100
		resp.Body = io.NopCloser(io.MultiReader(strings.NewReader("PK\x03\x04 half"), iotest.ErrReader(io.ErrUnexpectedEOF)))
		return resp, nil
	})
	var buf bytes.Buffer
	_, err := c.Files.DownloadFromLink(context.Background(), &DownloadLink{DownloadURL: "https://bucket.example/cut?" + sig}, &buf)
	if !errors.Is(err, io.ErrUnexpectedEOF) || strings.Contains(err.Error(), "41eae839d2") {
		t.Errorf("cut body: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = c.Files.DownloadFromLink(ctx, &DownloadLink{DownloadURL: "https://bucket.example/cut?" + sig}, &buf)
	if !errors.Is(err, context.Canceled) || strings.Contains(err.Error(), "41eae839d2") {
		t.Errorf("cancelled: %v", err)
	}
}

// TestPasswordEchoedEscapedRedacted: a password with characters JSON
// escapes, echoed escaped in the body of a refusal, is redacted too.
func TestPasswordEchoedEscapedRedacted(t *testing.T) {
	t.Parallel()
	const pw = `Zip"Pass<42>&\x`
	w := newWire(t)
	c := newTestClient(t, w)
	quoted := `"Zip\"Pass\u003c42\u003e\u0026\\x"`
	w.on("POST", "/threats/fetch-file", nil, `{"filter":{"ids":["1"]},"data":{"password":`+quoted+`}}`, 400,
		`{"errors":[{"code":4000010,"title":"Bad password","detail":"password `+quoted[1:len(quoted)-1]+` refused"}]}`)
	_, err := c.Files.FetchThreatFile(context.Background(), ThreatFilter{IDs: []string{"1"}}, pw, nil)
	var ae *APIError
	if !errors.As(err, &ae) || strings.Contains(errorText(err), pw) || strings.Contains(string(ae.Body), `Pass\u003c42`) {
		t.Errorf("err keeps the password: %s", errorText(err))
	}
}
