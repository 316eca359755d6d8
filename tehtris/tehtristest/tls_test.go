package tehtristest_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/socgo/xdr/tehtris"
	"github.com/socgo/xdr/tehtris/tehtristest"
)

// unknownAuthority reports whether err is the refusal of a certificate
// signed by a root the client does not trust.
func unknownAuthority(err error) bool {
	var ua x509.UnknownAuthorityError
	return errors.As(err, &ua)
}

// TestWithTLS lists events over HTTPS through the client of Client, a
// client built on Certificate, and one with the system roots that must
// refuse the fake's certificate.
func TestWithTLS(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := tehtristest.NewServer(t, tehtristest.WithTLS())
	if !strings.HasPrefix(srv.URL(), "https://") || srv.Certificate() == nil {
		t.Fatalf("URL() = %q, Certificate() = %v, want https and a certificate", srv.URL(), srv.Certificate())
	}
	srv.SeedEvents(3)
	q := &tehtris.EventQuery{To: srv.Now().Add(time.Hour)}

	c, err := srv.Client()
	if err != nil {
		t.Fatal(err)
	}
	if p, err := c.Events.List(ctx, q); err != nil || len(p.Items) != 3 {
		t.Fatalf("Events.List over TLS: %v, %v", p, err)
	}

	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	own := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	t.Cleanup(own.CloseIdleConnections)
	c, err = srv.Client(tehtris.WithHTTPClient(own))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Events.List(ctx, q); err != nil {
		t.Errorf("Events.List with a pool of Certificate(): %v", err)
	}

	c, err = tehtris.NewClient("", srv.APIKey(), tehtris.WithBaseURL(srv.URL()))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Events.List(ctx, q); !unknownAuthority(err) {
		t.Errorf("Events.List with the system roots: %v, want an unknown authority error", err)
	}
}

// TestWithoutTLS: without WithTLS the fake serves plain HTTP, as before.
func TestWithoutTLS(t *testing.T) {
	t.Parallel()
	srv := tehtristest.NewServer(t)
	if !strings.HasPrefix(srv.URL(), "http://") || srv.Certificate() != nil {
		t.Errorf("URL() = %q, Certificate() = %v", srv.URL(), srv.Certificate())
	}
}

// WithTLS serves the fake over HTTPS with a certificate of its own, which
// the client of Client trusts.
func ExampleWithTLS() {
	srv, err := tehtristest.Start(tehtristest.WithTLS())
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	srv.SeedEvents(2)

	c, err := srv.Client()
	if err != nil {
		log.Fatal(err)
	}
	page, err := c.Events.List(context.Background(), &tehtris.EventQuery{To: srv.Now().Add(time.Hour)})
	if err != nil {
		log.Fatal(err)
	}
	scheme, _, _ := strings.Cut(srv.URL(), "://")
	fmt.Println(scheme, len(page.Items), "events")
	// Output: https 2 events
}
