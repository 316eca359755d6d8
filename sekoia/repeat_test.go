package sekoia_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"

	"github.com/socgo/xdr/sekoia"
)

// A server that ignores offset and says has_more for ever.
func TestAlertsAllRepeatedPageStalls(t *testing.T) {
	t.Parallel()
	body, err := os.ReadFile("testdata/alerts_list.json")
	if err != nil {
		t.Fatal(err)
	}
	body = bytes.Replace(body, []byte(`"has_more": false`), []byte(`"has_more": true`), 1)
	body = bytes.Replace(body, []byte(`"total": 1`), []byte(`"total": 1000000`), 1)
	c, mt := mockAPI(t)
	mt.RegisterResponder(http.MethodGet, apiBase+"/v1/sic/alerts", httpmock.NewBytesResponder(200, body))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	n := 0
	var last error
	for _, err := range c.Alerts.All(ctx, &sekoia.AlertListOptions{Limit: 1}) {
		if err != nil {
			last = err
			break
		}
		n++
	}
	if !errors.Is(last, sekoia.ErrPaginationStalled) {
		t.Errorf("err %v, want ErrPaginationStalled", last)
	}
	if calls := mt.GetTotalCallCount(); n != 1 || calls > 3 {
		t.Errorf("%d alerts in %d requests, want 1 alert and the repeat noticed at once", n, calls)
	}
}
