package sentinelonetest_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log"
	"net/http"
	"strings"
	"testing"

	"github.com/socgo/xdr/sentinelone"
	"github.com/socgo/xdr/sentinelone/sentinelonetest"
)

// unknownAuthority reports whether err is the refusal of a certificate
// signed by a root the client does not trust.
func unknownAuthority(err error) bool {
	var ua x509.UnknownAuthorityError
	return errors.As(err, &ua)
}

// TestWithTLS lists activities and downloads from the cloud store (the
// fake's second origin) over HTTPS through the client of Client, a client
// built on Certificate, and one with the system roots that must refuse
// the fake's certificate.
func TestWithTLS(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := sentinelonetest.NewServer(t, sentinelonetest.WithTLS())
	if !strings.HasPrefix(srv.URL(), "https://") || srv.Certificate() == nil {
		t.Fatalf("URL() = %q, Certificate() = %v, want https and a certificate", srv.URL(), srv.Certificate())
	}
	srv.SeedActivities(3)
	threat := srv.AddThreat("eicar.com", srv.Now(), "")

	c, err := srv.Client(sentinelone.WithoutRateLimits())
	if err != nil {
		t.Fatal(err)
	}
	if p, err := c.Activities.List(ctx, nil); err != nil || len(p.Items) != 3 {
		t.Fatalf("Activities.List over TLS: %v, %v", p, err)
	}
	link, err := c.Files.CloudDownloadLink(ctx, threat)
	if err != nil || !strings.HasPrefix(link.DownloadURL, "https://") {
		t.Fatalf("CloudDownloadLink over TLS: %+v, %v", link, err)
	}
	var buf bytes.Buffer
	if n, err := c.Files.DownloadFromLink(ctx, link, &buf); err != nil || n == 0 {
		t.Fatalf("DownloadFromLink over TLS: %d, %v", n, err)
	}

	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	own := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	t.Cleanup(own.CloseIdleConnections)
	c, err = srv.Client(sentinelone.WithoutRateLimits(), sentinelone.WithHTTPClient(own))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Activities.List(ctx, nil); err != nil {
		t.Errorf("Activities.List with a pool of Certificate(): %v", err)
	}

	c, err = sentinelone.NewClient(srv.URL(), srv.APIToken(), sentinelone.WithoutRateLimits())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Activities.List(ctx, nil); !unknownAuthority(err) {
		t.Errorf("Activities.List with the system roots: %v, want an unknown authority error", err)
	}
	if _, err := c.Files.DownloadFromLink(ctx, link, &buf); !unknownAuthority(err) {
		t.Errorf("DownloadFromLink with the system roots: %v, want an unknown authority error", err)
	}
}

// TestWithoutTLS: without WithTLS the fake serves plain HTTP, as before.
func TestWithoutTLS(t *testing.T) {
	t.Parallel()
	srv := sentinelonetest.NewServer(t)
	if !strings.HasPrefix(srv.URL(), "http://") || srv.Certificate() != nil {
		t.Errorf("URL() = %q, Certificate() = %v", srv.URL(), srv.Certificate())
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
