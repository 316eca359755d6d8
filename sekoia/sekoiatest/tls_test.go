package sekoiatest_test

import (
	"context"
	"fmt"
	"log"
	"strings"
	"testing"

	"github.com/socgo/xdr/internal/fakeserver"
	"github.com/socgo/xdr/sekoia"
	"github.com/socgo/xdr/sekoia/sekoiatest"
)

// TestWithTLS lists alerts through Client and pushes intake events through
// HTTPClient over HTTPS; an intake with the system roots must refuse the
// fake's certificate.
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

	// An intake with the default client (system roots) refuses the
	// certificate; the list calls are checked so by internal/fakeconf.
	in, err = sekoia.NewIntake(srv.IntakeKey(), sekoia.WithIntakeURL(srv.IntakeURL()), sekoia.WithMaxRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := in.Push(ctx, [][]byte{[]byte(`{"c":3}`)}); !fakeserver.IsUnknownAuthority(err) {
		t.Errorf("Intake.Push with the system roots: %v, want an unknown authority error", err)
	}
	if n := srv.ReceivedCount(); n != 2 {
		t.Errorf("ReceivedCount() = %d after refused pushes, want 2", n)
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
