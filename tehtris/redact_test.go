package tehtris

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"
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
	var ae *APIError
	if !errors.As(err, &ae) {
		t.Fatalf("%v", err)
	}
	newBasic := base64.StdEncoding.EncodeToString([]byte("api:n3wKeyAfterRotation"))
	for _, s := range []string{fmt.Sprintf("%v", err), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err), string(ae.Body), ae.Message, ae.Detail} {
		for _, sec := range []string{testKey, oldBasic, "n3wKeyAfterRotation", newBasic} {
			if strings.Contains(s, sec) {
				t.Errorf("secret %q leaks: %s", sec, s)
			}
		}
	}
}
