package rest

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/socgo/xdr/internal/apierror"
)

// TestRequestSecretsRedactedForThatCallOnly: a secret of one request (a
// password in its body) is redacted from that call's error, and not from
// another call's, since the client does not keep it.
func TestRequestSecretsRedactedForThatCallOnly(t *testing.T) {
	t.Parallel()
	const pw = "zip-password-1234"
	m := newMock(t)
	m.RegisterResponder(http.MethodPost, "https://api.test/v1/fetch",
		httpmock.NewStringResponder(400, `{"message":"password `+pw+` refused","detail":"`+pw+`"}`))
	c := newClient(t, "https://api.test", m)
	_, err := c.Do(t.Context(), Request{Method: http.MethodPost, Path: "/v1/fetch", Body: map[string]string{"password": pw}, Secrets: []string{pw}}, nil)
	var ae *apierror.Error
	if !errors.As(err, &ae) {
		t.Fatalf("err = %v", err)
	}
	for name, s := range map[string]string{"Error()": err.Error(), "Body": string(ae.Body), "Message": ae.Message, "Detail": ae.Detail} {
		if strings.Contains(s, pw) {
			t.Errorf("%s holds the password: %s", name, s)
		}
	}
	if ae.Message != "password [REDACTED] refused" {
		t.Errorf("message %q", ae.Message)
	}
	// Another call without it: the client kept nothing.
	_, err = c.Do(t.Context(), Request{Method: http.MethodPost, Path: "/v1/fetch"}, nil)
	if !errors.As(err, &ae) || ae.Message != "password "+pw+" refused" {
		t.Errorf("second call: %v", err)
	}
}

// TestRedactErrorExtra: RedactError applies the client's secrets and the call's to
// an error built outside Send (a 2xx whose body carries errors).
func TestRedactErrorExtra(t *testing.T) {
	t.Parallel()
	c := newClient(t, "https://api.test", newMock(t))
	e := &apierror.Error{Message: "a " + secret + " b zip-password-1234", Detail: secret, Body: []byte("zip-password-1234")}
	c.RedactError(e, "zip-password-1234")
	if e.Message != "a [REDACTED] b [REDACTED]" || e.Detail != "[REDACTED]" || string(e.Body) != "[REDACTED]" {
		t.Errorf("e = %+v", e)
	}
}

// TestSecretWithEscapeCharactersRedactedRaw: a secret holding a backslash
// or a percent sign that do not start an escape it could match (a
// password "ab\xcd%41z") is redacted in its raw form, as in its escaped
// ones.
func TestSecretWithEscapeCharactersRedactedRaw(t *testing.T) {
	t.Parallel()
	const pw = `ab\xcd%41z-pass`
	c := newClient(t, "https://api.test", newMock(t))
	for _, form := range []string{pw, `ab\\xcd%41z-pass`, `ab%5Cxcd%2541z-pass`} {
		e := &apierror.Error{Message: "password " + form + " refused"}
		c.RedactError(e, pw)
		if e.Message != "password [REDACTED] refused" {
			t.Errorf("%s: message %q", form, e.Message)
		}
	}
}
