package main

// This file is the demo's scaffolding: it chooses between the real API and
// an in-process fake from the environment, and starts and seeds the fake.
// The recipe is in main.go.

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/socgo/xdr/sentinelone"
	"github.com/socgo/xdr/sentinelone/sentinelonetest"
)

// client returns a client of the console in S1_CONSOLE_URL/S1_API_TOKEN,
// or of a fake console.
func client(stderr io.Writer) (*sentinelone.Client, func(), error) {
	if u := os.Getenv("S1_CONSOLE_URL"); u != "" {
		s, err := sentinelone.NewClient(u, os.Getenv("S1_API_TOKEN"))
		return s, func() {}, err
	}
	fmt.Fprintln(stderr, "S1_CONSOLE_URL not set: using a fake console")
	srv, err := sentinelonetest.Start()
	if err != nil {
		return nil, nil, err
	}
	srv.SetTransitionDelay(3 * time.Second)
	for _, name := range []string{"FINANCE-LT-042", "HR-LT-001", "SRV-DC-01"} {
		srv.AddAgent(sentinelonetest.Agent{ComputerName: name, SiteID: "1592057602649133141", SiteName: "Paris HQ", IsActive: true})
	}
	s, err := srv.Client()
	if err != nil {
		srv.Close()
		return nil, nil, err
	}
	return s, srv.Close, nil
}
