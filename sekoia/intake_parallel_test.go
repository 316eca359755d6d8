package sekoia

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"sync/atomic"
	"testing"
	"testing/synctest"

	"github.com/jarcoal/httpmock"
)

// numberedEvents returns the events "0", "1", … "n-1".
func numberedEvents(n int) [][]byte {
	evs := make([][]byte, n)
	for i := range evs {
		evs[i] = []byte(strconv.Itoa(i))
	}
	return evs
}

// TestIntakeParallelErrorNamesItsBatch fails one batch among several sent
// at once: the error names that batch's events, its ids stay empty, and
// every id returned is the one of its own event. Run in a bubble, it also
// shows that Push leaves no goroutine behind.
func TestIntakeParallelErrorNamesItsBatch(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		in, mt := intakeMock(t, WithIntakeParallelism(4))
		in.maxEvents = 3
		mt.RegisterResponder(http.MethodPost, intakeTestURL+"/batch", func(r *http.Request) (*http.Response, error) {
			_, _, evs := intakeBody(t, r)
			if evs[0] == "12" { // the batch of events 12, 13, 14
				return httpmock.NewStringResponse(400, `{"message":"bad batch"}`), nil
			}
			ids := make([]string, len(evs))
			for i, e := range evs {
				ids[i] = "id:" + e
			}
			resp, err := httpmock.NewJsonResponse(200, map[string][]string{"event_ids": ids})
			return resp, err
		})
		events := numberedEvents(30)
		ids, err := in.Push(context.Background(), events)
		var pe *PushError
		if !errors.As(err, &pe) || pe.Start != 12 || pe.End != 15 || !errors.As(err, new(*APIError)) {
			t.Fatalf("err = %v", err)
		}
		if len(ids) != len(events) {
			t.Fatalf("%d ids", len(ids))
		}
		for i, id := range ids {
			switch {
			case i >= 12 && i < 15 && id != "":
				t.Errorf("ids[%d] = %q for a failed batch", i, id)
			case id != "" && id != "id:"+strconv.Itoa(i):
				t.Errorf("ids[%d] = %q", i, id)
			}
		}
	})
}

// TestIntakePushCancel cancels Push while its requests are under way: it
// returns the context's error, no PushError, and no goroutine stays
// behind (synctest.Test fails on one left blocked).
func TestIntakePushCancel(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		in, mt := intakeMock(t, WithIntakeParallelism(2))
		in.maxEvents = 2
		var started atomic.Int32
		mt.RegisterResponder(http.MethodPost, intakeTestURL+"/batch", func(r *http.Request) (*http.Response, error) {
			started.Add(1)
			<-r.Context().Done() // the intake never answers
			return nil, r.Context().Err()
		})
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		var ids []string
		go func() {
			var err error
			ids, err = in.Push(ctx, numberedEvents(20))
			done <- err
		}()
		synctest.Wait() // both requests are waiting for their answer
		if n := started.Load(); n != 2 {
			t.Fatalf("%d requests under way, want 2", n)
		}
		cancel()
		err := <-done
		var pe *PushError
		if !errors.Is(err, context.Canceled) || errors.As(err, &pe) {
			t.Fatalf("err = %v", err)
		}
		for i, id := range ids {
			if id != "" {
				t.Errorf("ids[%d] = %q", i, id)
			}
		}
		if n := started.Load(); n != 2 {
			t.Errorf("%d requests sent, want 2", n)
		}
	})
}

// TestIntakeKeepsAConnectionPerRequest checks that the client an intake
// builds keeps a connection idle for each parallel request.
func TestIntakeKeepsAConnectionPerRequest(t *testing.T) {
	t.Parallel()
	for _, p := range []int{1, DefaultIntakeParallelism, 64} {
		tr, ok := intakeHTTPClient(p).Transport.(*http.Transport)
		if !ok || tr.MaxIdleConnsPerHost < p || tr.MaxIdleConnsPerHost < http.DefaultMaxIdleConnsPerHost {
			t.Errorf("parallelism %d: %+v", p, tr)
		}
		if tr.TLSClientConfig != nil && tr.TLSClientConfig.InsecureSkipVerify {
			t.Error("TLS verification off")
		}
	}
}
