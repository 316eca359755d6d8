package main

// This file is the demo's scaffolding: it chooses between the real API and
// an in-process fake from the environment, and starts and seeds the fake.
// The recipe is in main.go.

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/socgo/xdr/tehtris"
	"github.com/socgo/xdr/tehtris/tehtristest"
)

// client returns a client of the platform in TEHTRIS_TENANT (or
// TEHTRIS_BASE_URL) with TEHTRIS_API_KEY, or of a fake platform.
func client(stderr io.Writer) (*tehtris.Client, func(), error) {
	if key := os.Getenv("TEHTRIS_API_KEY"); key != "" {
		var opts []tehtris.Option
		if u := os.Getenv("TEHTRIS_BASE_URL"); u != "" {
			opts = append(opts, tehtris.WithBaseURL(u))
		}
		c, err := tehtris.NewClient(os.Getenv("TEHTRIS_TENANT"), key, opts...)
		return c, func() {}, err
	}
	fmt.Fprintln(stderr, "TEHTRIS_API_KEY not set: using a fake platform")
	srv, err := tehtristest.Start()
	if err != nil {
		return nil, nil, err
	}
	hr07 := tehtris.Endpoint{ApplianceID: 1, AgentUUID: "64a2fa85-0852-4745-81d6-0815eb2d5248"}
	srv.AddHost(tehtristest.Host{Endpoint: hr07, Hostname: "WS-HR-07", Domain: "corp.example", LocalIP: "10.20.0.7", Tags: "ABC_WIN"})
	srv.AddHost(tehtristest.Host{Endpoint: tehtris.Endpoint{ApplianceID: 1, AgentUUID: "0f0e0d0c-0b0a-4909-8807-060504030201"},
		Hostname: "WS-HR-070", Domain: "corp.example", LocalIP: "10.20.0.70", State: tehtristest.EndpointState{Online: true}})
	for _, uuid := range []string{"a262506e-3c9e-4afe-9233-f2335167ea86", "5c3ff0bc-5101-4152-a330-923e569c9229"} {
		srv.AddHost(tehtristest.Host{Endpoint: tehtris.Endpoint{ApplianceID: 2, AgentUUID: uuid}, Hostname: "DB-1",
			Domain: "corp.example", State: tehtristest.EndpointState{Online: true}})
	}
	back := time.AfterFunc(3*time.Second, func() { srv.SetOnline(hr07, true) })
	c, err := srv.Client()
	return c, func() { back.Stop(); srv.Close() }, err
}
