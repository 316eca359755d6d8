package tehtristest_test

import (
	"context"
	"fmt"
	"log"
	"strings"
	"time"

	"github.com/socgo/xdr/tehtris"
	"github.com/socgo/xdr/tehtris/tehtristest"
)

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
