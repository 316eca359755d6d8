package sekoia_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/socgo/xdr/sekoia"
)

// TestIntakeErrorSaysPrefixOnce: a wrapped error names the package once.
func TestIntakeErrorSaysPrefixOnce(t *testing.T) {
	t.Parallel()
	srv, _ := fakeAPI(t)
	in, err := sekoia.NewIntake("wrong-key", sekoia.WithIntakeURL(srv.IntakeURL()), sekoia.WithMaxRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	_, err = in.Push(context.Background(), [][]byte{[]byte(`{"a":1}`)})
	var pe *sekoia.PushError
	if !errors.As(err, &pe) {
		t.Fatalf("err = %v", err)
	}
	if n := strings.Count(err.Error(), "sekoia:"); n != 1 {
		t.Errorf("%q says sekoia: %d times", err, n)
	}
}
