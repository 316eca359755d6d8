package sekoia_test

import (
	"context"
	"net/http"
	"testing"
	"testing/synctest"
	"time"

	"github.com/socgo/xdr/sekoia"
)

// TestEventsWaitDefaultSchedule: with the default options Wait reads the
// job at once, then after waits of about 250 ms growing by half.
func TestEventsWaitDefaultSchedule(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		c, mt := searchMock(t)
		r, n := statusResponder(0, 1, 1, 2)
		mt.RegisterResponder(http.MethodGet, jobsURL+"/"+jobUUID, r)
		start := time.Now()
		job, err := c.Events.Wait(context.Background(), jobUUID, nil)
		if err != nil || job.Status != sekoia.JobDone || n.Load() != 4 {
			t.Fatalf("Wait: %v %v after %d reads", job, err, n.Load())
		}
		// waits: 250 ms, 375 ms, 562.5 ms (±20 %): 1.19 s ± 0.24 s
		if el := time.Since(start); el < 950*time.Millisecond || el > 1430*time.Millisecond {
			t.Errorf("waited %s", el)
		}
	})
}
