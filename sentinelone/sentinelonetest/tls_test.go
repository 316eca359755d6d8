package sentinelonetest_test

import (
	"bytes"
	"context"
	"fmt"
	"log"
	"strings"
	"testing"

	"github.com/socgo/xdr/internal/fakeserver"
	"github.com/socgo/xdr/sentinelone"
	"github.com/socgo/xdr/sentinelone/sentinelonetest"
)

// TestWithTLS downloads from the cloud store, the fake's second origin,
// over HTTPS: the client of Client trusts it (same certificate as the
// console), a client with the system roots refuses it. The list calls are
// checked so by internal/fakeconf.
func TestWithTLS(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := sentinelonetest.NewServer(t, sentinelonetest.WithTLS())
	if !strings.HasPrefix(srv.URL(), "https://") || srv.Certificate() == nil {
		t.Fatalf("URL() = %q, Certificate() = %v, want https and a certificate", srv.URL(), srv.Certificate())
	}
	threat := srv.AddThreat("eicar.com", srv.Now(), "")

	c, err := srv.Client(sentinelone.WithoutRateLimits())
	if err != nil {
		t.Fatal(err)
	}
	link, err := c.Files.CloudDownloadLink(ctx, threat)
	if err != nil || !strings.HasPrefix(link.DownloadURL, "https://") {
		t.Fatalf("CloudDownloadLink over TLS: %+v, %v", link, err)
	}
	var buf bytes.Buffer
	if n, err := c.Files.DownloadFromLink(ctx, link, &buf); err != nil || n == 0 {
		t.Fatalf("DownloadFromLink over TLS: %d, %v", n, err)
	}

	c, err = sentinelone.NewClient(srv.URL(), srv.APIToken(), sentinelone.WithoutRateLimits())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Files.DownloadFromLink(ctx, link, &buf); !fakeserver.IsUnknownAuthority(err) {
		t.Errorf("DownloadFromLink with the system roots: %v, want an unknown authority error", err)
	}
}

// WithTLS serves the fake over HTTPS with a certificate of its own, which
// the client of Client trusts.
func ExampleWithTLS() {
	srv, err := sentinelonetest.Start(sentinelonetest.WithTLS())
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	srv.SeedActivities(2)

	c, err := srv.Client()
	if err != nil {
		log.Fatal(err)
	}
	page, err := c.Activities.List(context.Background(), nil)
	if err != nil {
		log.Fatal(err)
	}
	scheme, _, _ := strings.Cut(srv.URL(), "://")
	fmt.Println(scheme, len(page.Items), "activities")
	// Output: https 2 activities
}
