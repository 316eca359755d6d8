package tehtris

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"

	"github.com/socgo/xdr/internal/hostile"
)

func TestPreviousKeyRedactedAfterSetAPIKey(t *testing.T) {
	t.Parallel()
	c, mt := mock(t, WithMaxRetries(0))
	if err := c.SetAPIKey("n3wKeyAfterRotation"); err != nil {
		t.Fatal(err)
	}
	oldBasic := base64.StdEncoding.EncodeToString([]byte("api:" + testKey))
	mt.RegisterResponder(http.MethodGet, base+"/xdr/v1/event", func(req *http.Request) (*http.Response, error) {
		return httpmock.NewStringResponse(401, `{"message":"old `+testKey+` / `+strings.ReplaceAll(oldBasic, "/", `\/`)+` new `+req.Header.Get("Authorization")+`"}`), nil
	})
	_, err := c.Events.List(context.Background(), nil)
	if !errors.As(err, new(*APIError)) {
		t.Fatalf("%v", err)
	}
	newBasic := base64.StdEncoding.EncodeToString([]byte("api:n3wKeyAfterRotation"))
	for _, l := range hostile.Leaks(err, nil, testKey, oldBasic, "n3wKeyAfterRotation", newBasic) {
		t.Error(l)
	}
}
