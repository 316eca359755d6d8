package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// The example runs against the fake platform when TEHTRIS_API_KEY is unset.
func TestRunAgainstFake(t *testing.T) {
	t.Setenv("TEHTRIS_API_KEY", "")
	ctx := context.Background()
	for _, tc := range []struct {
		args    []string
		want    string
		wantErr string
	}{
		{[]string{"ws-hr-07"}, "run again with -yes", ""},
		{[]string{"-yes", "-every", "10ms", "WS-HR-070"}, "isolated: true", ""},
		{[]string{"-yes", "db-1"}, "DB-1  uuid=", `2 endpoints are named "db-1"`},
		{[]string{"-yes", "nobody"}, "", "no such host"},
	} {
		var out, errOut bytes.Buffer
		err := run(ctx, tc.args, &out, &errOut)
		if tc.wantErr == "" && err != nil || tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
			t.Errorf("%v: error %v, want %q", tc.args, err, tc.wantErr)
		}
		if !strings.Contains(out.String(), tc.want) {
			t.Errorf("%v: output %q lacks %q", tc.args, out.String(), tc.want)
		}
	}
}
