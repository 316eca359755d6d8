package tehtris_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/socgo/xdr/tehtris"
	"github.com/socgo/xdr/tehtris/tehtristest"
)

func ExampleInventoryService_FindByName() {
	srv, err := tehtristest.Start()
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	srv.AddHost(tehtristest.Host{Endpoint: tehtris.Endpoint{ApplianceID: 1, AgentUUID: "64a2fa85-0852-4745-81d6-0815eb2d5248"},
		Hostname: "WS-HR-07", Domain: "corp.example", Tags: "ABC_WIN"})
	// The platform matches host names as substrings: FindByName keeps the
	// exact match only.
	srv.AddHost(tehtristest.Host{Endpoint: tehtris.Endpoint{ApplianceID: 1, AgentUUID: "0f0e0d0c-0b0a-4909-8807-060504030201"},
		Hostname: "WS-HR-070", Domain: "corp.example"})
	c, err := srv.Client()
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	h, err := c.Inventory.FindByName(ctx, "ws-hr-07")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(h.Hostname, h.Domain, h.Tags, h.Endpoint())

	// Lookups by address go through List (or All, for every page).
	page, err := c.Inventory.List(ctx, &tehtris.HostQuery{Domain: "corp.example"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(page.Items), "hosts in corp.example")
	_, err = c.Inventory.FindByName(ctx, "ws-hr-99")
	fmt.Println(errors.Is(err, tehtris.ErrHostNotFound))
	// Output:
	// WS-HR-07 corp.example [ABC_WIN] 1/64a2fa85-0852-4745-81d6-0815eb2d5248
	// 2 hosts in corp.example
	// true
}

func ExampleEndpointsService_IsolateHost() {
	srv, err := tehtristest.Start()
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	srv.AddHost(tehtristest.Host{Endpoint: tehtris.Endpoint{ApplianceID: 1, AgentUUID: "64a2fa85-0852-4745-81d6-0815eb2d5248"},
		Hostname: "WS-HR-07", State: tehtristest.EndpointState{Online: true}})
	// A re-installed agent keeps its host name under a new UUID.
	for _, uuid := range []string{"a262506e-3c9e-4afe-9233-f2335167ea86", "5c3ff0bc-5101-4152-a330-923e569c9229"} {
		srv.AddHost(tehtristest.Host{Endpoint: tehtris.Endpoint{ApplianceID: 2, AgentUUID: uuid}, Hostname: "DB-1"})
	}
	c, err := srv.Client()
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	h, res, err := c.Endpoints.IsolateHost(ctx, "ws-hr-07", &tehtris.IsolationOptions{Power: tehtris.PowerHard})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(h.Hostname, "isolation applied:", !res.Queued)

	var amb *tehtris.AmbiguousHostError
	_, _, err = c.Endpoints.IsolateHost(ctx, "db-1", nil)
	if errors.As(err, &amb) {
		fmt.Println("refused:", len(amb.Hosts), "endpoints are named", amb.Hostname)
	}
	// Output:
	// WS-HR-07 isolation applied: true
	// refused: 2 endpoints are named db-1
}
