package rest

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"

	"github.com/socgo/xdr/internal/apierror"
	"github.com/socgo/xdr/internal/transport"
)

// TestStreamBypassesBodyCap reads a body past MaxBodyBytes with Stream,
// while Fetch of the same body fails with ErrBodyTooLarge.
func TestStreamBypassesBodyCap(t *testing.T) {
	t.Parallel()
	big := strings.Repeat("z", 4096)
	m := newMock(t)
	m.RegisterResponder("GET", "https://api.example.com/v1/file", httpmock.NewStringResponder(200, big))
	m.RegisterResponder("GET", "https://api.example.com/v1/gone", httpmock.NewStringResponder(404, `{"message":"no such file"}`))
	c := newClientCfg(t, "https://api.example.com/v1", m, func(cfg *transport.Config) { cfg.MaxBodyBytes = 1024 })
	ctx := context.Background()

	if _, _, err := c.Fetch(ctx, Request{Method: http.MethodGet, Path: "/file"}); !errors.Is(err, transport.ErrBodyTooLarge) {
		t.Fatalf("Fetch err = %v, want ErrBodyTooLarge", err)
	}
	resp, meta, err := c.Stream(ctx, Request{Method: http.MethodGet, Path: "/file", Header: http.Header{"Accept": {"application/zip"}}})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	n, err := io.Copy(&buf, resp.Body)
	resp.Body.Close()
	if err != nil || n != int64(len(big)) || meta.StatusCode != 200 {
		t.Fatalf("Stream copied %d, %v (status %d)", n, err, meta.StatusCode)
	}
	if got := m.GetCallCountInfo()["GET https://api.example.com/v1/file"]; got != 2 {
		t.Errorf("%d requests, want 2", got)
	}
	_, _, err = c.Stream(ctx, Request{Method: http.MethodGet, Path: "/gone"})
	var ae *apierror.Error
	if !errors.As(err, &ae) || ae.StatusCode != 404 || ae.Message != "no such file" {
		t.Errorf("Stream 404 = %v", err)
	}
}
