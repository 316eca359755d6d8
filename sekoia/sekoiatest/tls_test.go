package sekoiatest_test

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

	"github.com/socgo/xdr/sekoia"
	"github.com/socgo/xdr/sekoia/sekoiatest"
)

// unknownAuthority reports whether err is the refusal of a certificate
// signed by a root the client does not trust.
func unknownAuthority(err error) bool {
	var ua x509.UnknownAuthorityError
	return errors.As(err, &ua)
}

// TestWithTLS lists alerts and pushes intake events over HTTPS, through
// the client of Client, a client built on Certificate, and one with the
// system roots that must refuse the fake's certificate.
func TestWithTLS(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := sekoiatest.NewServer(t, sekoiatest.WithTLS())
	if !strings.HasPrefix(srv.URL(), "https://") || !strings.HasPrefix(srv.IntakeURL(), "https://") {
		t.Fatalf("URL() = %q, IntakeURL() = %q, want https", srv.URL(), srv.IntakeURL())
	}
	if srv.Certificate() == nil {
		t.Fatal("Certificate() is nil")
	}
	srv.SeedAlerts(3)

	c, err := srv.Client()
	if err != nil {
		t.Fatal(err)
	}
	if p, err := c.Alerts.List(ctx, nil); err != nil || len(p.Items) != 3 {
		t.Fatalf("Alerts.List over TLS: %v, %v", p, err)
	}
	in, err := sekoia.NewIntake(srv.IntakeKey(), sekoia.WithIntakeURL(srv.IntakeURL()), sekoia.WithHTTPClient(srv.HTTPClient()))
	if err != nil {
		t.Fatal(err)
	}
	if ids, err := in.Push(ctx, [][]byte{[]byte(`{"a":1}`), []byte(`{"b":2}`)}); err != nil || len(ids) != 2 {
		t.Fatalf("Intake.Push over TLS: %v, %v", ids, err)
	}
	if n := srv.ReceivedCount(); n != 2 {
		t.Errorf("ReceivedCount() = %d, want 2", n)
	}

	// A client of one's own, trusting the pool of Certificate.
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	own := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	t.Cleanup(own.CloseIdleConnections)
	c, err = srv.Client(sekoia.WithHTTPClient(own))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Alerts.List(ctx, nil); err != nil {
		t.Errorf("Alerts.List with a pool of Certificate(): %v", err)
	}

	// The default client (system roots) refuses the certificate: the
	// fake is verified, not trusted blindly.
	c, err = sekoia.NewClient(srv.APIKey(), sekoia.WithBaseURL(srv.URL()))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Alerts.List(ctx, nil); !unknownAuthority(err) {
		t.Errorf("Alerts.List with the system roots: %v, want an unknown authority error", err)
	}
	in, err = sekoia.NewIntake(srv.IntakeKey(), sekoia.WithIntakeURL(srv.IntakeURL()), sekoia.WithMaxRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := in.Push(ctx, [][]byte{[]byte(`{"c":3}`)}); !unknownAuthority(err) {
		t.Errorf("Intake.Push with the system roots: %v, want an unknown authority error", err)
	}
	if n := srv.ReceivedCount(); n != 2 {
		t.Errorf("ReceivedCount() = %d after refused pushes, want 2", n)
	}
}

// TestWithoutTLS: without WithTLS the fake serves plain HTTP, as before.
func TestWithoutTLS(t *testing.T) {
	t.Parallel()
	srv := sekoiatest.NewServer(t)
	if !strings.HasPrefix(srv.URL(), "http://") || !strings.HasPrefix(srv.IntakeURL(), "http://") || srv.Certificate() != nil {
		t.Errorf("URL() = %q, IntakeURL() = %q, Certificate() = %v", srv.URL(), srv.IntakeURL(), srv.Certificate())
	}
}

// WithTLS serves the fake over HTTPS with a certificate of its own: the
// client of Client trusts it, and intake clients take HTTPClient.
func ExampleWithTLS() {
	srv, err := sekoiatest.Start(sekoiatest.WithTLS())
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	srv.SeedAlerts(2)

	ctx := context.Background()
	c, err := srv.Client()
	if err != nil {
		log.Fatal(err)
	}
	page, err := c.Alerts.List(ctx, nil)
	if err != nil {
		log.Fatal(err)
	}
	in, err := sekoia.NewIntake(srv.IntakeKey(), sekoia.WithIntakeURL(srv.IntakeURL()), sekoia.WithHTTPClient(srv.HTTPClient()))
	if err != nil {
		log.Fatal(err)
	}
	ids, err := in.Push(ctx, [][]byte{[]byte(`{"message":"hello"}`)})
	if err != nil {
		log.Fatal(err)
	}
	scheme, _, _ := strings.Cut(srv.URL(), "://")
	fmt.Println(scheme)
	fmt.Println(len(page.Items), "alerts,", len(ids), "event pushed")
	// Output:
	// https
	// 2 alerts, 1 event pushed
}
